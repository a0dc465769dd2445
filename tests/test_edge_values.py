"""Values at the edges of what the library reads and writes: each gives the right text or a
clear error of the library's own types, never a bare ValueError or UnicodeEncodeError."""

from __future__ import annotations

import datetime as dt

import pytest

from corpus.word import build_docx, p, sdt, sdt_pr, tc, tr
from docx_aanpak import FillError, Template
from docx_aanpak._ooxml import parse
from docx_aanpak.batch import safe_filename
from docx_aanpak.migrate import answer_text
from docx_aanpak.styles import StyleSheet

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@pytest.mark.parametrize("bad", ["\ud800", "\udfff", "\ufffe", "\uffff"])
def test_a_file_name_never_holds_what_no_file_system_can_store(bad: str) -> None:
    name = safe_filename(f"Ede{bad}Wageningen")
    assert name == "EdeWageningen.docx"
    name.encode("utf-8")  # no lone surrogate left to crash the file system call


def test_a_superscript_outline_level_is_no_heading_and_no_crash() -> None:
    styles = StyleSheet.from_xml(
        parse(
            (
                f'<w:styles xmlns:w="{W}"><w:style w:type="paragraph" w:styleId="Kop">'
                '<w:name w:val="heading ²"/><w:pPr><w:outlineLvl w:val="²"/></w:pPr></w:style>'
                "</w:styles>"
            ).encode()
        )
    )
    paragraph = parse(
        (
            f'<w:p xmlns:w="{W}"><w:pPr><w:pStyle w:val="Kop"/>'
            '<w:outlineLvl w:val="³"/></w:pPr></w:p>'
        ).encode()
    )
    assert styles.outline_level("Kop") is None
    assert styles.paragraph_outline_level(paragraph) is None


def test_a_migration_report_writes_a_date_before_the_year_1000_with_four_digits() -> None:
    assert answer_text(dt.date(1, 1, 1)) == "01-01-0001"
    assert answer_text(dt.date(2025, 3, 14)) == "14-03-2025"


def test_a_row_level_control_without_rows_is_a_fill_error_naming_the_field() -> None:
    row_control = sdt(sdt_pr(sdt_id=71, tag="rij"), None)
    table = (
        '<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>'
        '<w:gridCol w:w="4531"/></w:tblGrid>'
        f"{row_control}{tr(tc(p('Vraag')))}</w:tbl>"
    )
    tpl = Template.open(build_docx(p("Tabel") + table + p("")))
    assert tpl.keys == ["rij"]
    with pytest.raises(FillError, match=r"field 'rij'.*no table cell"):
        tpl.fill({"rij": "Antwoord"})
