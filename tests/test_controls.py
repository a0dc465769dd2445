"""Unit tests of the ContentControl proxy on small inline XML, one case per level and kind."""

from __future__ import annotations

import datetime as dt

import pytest

from docx_aanpak import _ooxml as ox
from docx_aanpak.controls import ContentControl, Kind, Level

W_NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
    'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"'
)
PLACEHOLDER = frozenset({"Tekstvantijdelijkeaanduiding"})
PH_RUN = (
    '<w:r><w:rPr><w:rStyle w:val="Tekstvantijdelijkeaanduiding"/><w:b/><w:sz w:val="18"/>'
    "</w:rPr><w:t>Klik of tik om tekst in te voeren.</w:t></w:r>"
)


def body(xml: str) -> ox.Element:
    return ox.parse(f"<w:body {W_NS}>{xml}</w:body>".encode())


def sdt(root: ox.Element, n: int = 0) -> ContentControl:
    return ContentControl(list(root.iter(ox.W_SDT))[n])


def sdt_pr(inner: str = "", *, showing: bool = True) -> str:
    show = "<w:showingPlcHdr/>" if showing else ""
    return (
        f'<w:sdtPr><w:id w:val="-1"/><w:placeholder><w:docPart '
        f'w:val="DefaultPlaceholder_-1854013440"/></w:placeholder>{show}{inner}</w:sdtPr>'
    )


BLOCK = (
    f"<w:sdt>{sdt_pr()}<w:sdtContent><w:p><w:pPr><w:jc w:val='both'/></w:pPr>{PH_RUN}</w:p>"
    "</w:sdtContent></w:sdt>"
)
RUN = (
    f"<w:p><w:r><w:t>Naam: </w:t></w:r><w:sdt>{sdt_pr()}<w:sdtContent>{PH_RUN}</w:sdtContent>"
    "</w:sdt></w:p>"
)
CELL = (
    "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Vraag</w:t></w:r></w:p></w:tc>"
    f"<w:sdt>{sdt_pr()}<w:sdtContent><w:tc><w:tcPr><w:tcW w:w='100' w:type='dxa'/></w:tcPr>"
    f"<w:p>{PH_RUN}</w:p></w:tc></w:sdtContent></w:sdt></w:tr></w:tbl>"
)
ROW = (
    f"<w:tbl><w:sdt>{sdt_pr()}<w:sdtContent><w:tr><w:tc><w:p><w:r><w:t>Vraag</w:t></w:r></w:p>"
    f"</w:tc><w:tc><w:p>{PH_RUN}</w:p></w:tc></w:tr></w:sdtContent></w:sdt></w:tbl>"
)


@pytest.mark.parametrize(
    ("xml", "level"),
    [(BLOCK, Level.BLOCK), (RUN, Level.RUN), (CELL, Level.CELL), (ROW, Level.ROW)],
)
def test_level_and_unfilled_state_are_read(xml: str, level: Level) -> None:
    control = sdt(body(xml))
    assert control.level == level
    assert control.kind == Kind.RICH_TEXT
    assert control.showing_placeholder
    assert control.is_unfilled
    assert control.value is None
    assert control.text == "Klik of tik om tekst in te voeren."


@pytest.mark.parametrize("xml", [BLOCK, RUN, CELL, ROW])
def test_fill_removes_placeholder_and_keeps_formatting(xml: str) -> None:
    root = body(xml)
    control = sdt(root)
    control.set_value("Eerste regel\nTweede\tregel", PLACEHOLDER)
    assert not control.showing_placeholder
    assert control.value == "Eerste regel\nTweede\tregel"
    styles = [e.get(ox.W_VAL) for e in root.iter(ox.qn("w:rStyle"))]
    assert "Tekstvantijdelijkeaanduiding" not in styles
    runs = [
        r
        for r in root.iter(ox.W_R)
        if r.find(ox.W_T) is not None and "regel" in "".join(t.text or "" for t in r.iter(ox.W_T))
    ]
    assert runs
    for run in runs:  # the other formatting (bold, 9 pt) survives
        rpr = run.find(ox.qn("w:rPr"))
        assert rpr is not None
        assert rpr.find(ox.qn("w:b")) is not None
        assert ox.wval(rpr.find(ox.qn("w:sz"))) == "18"


def test_block_level_lines_become_paragraphs_with_the_first_paragraphs_properties() -> None:
    root = body(BLOCK)
    control = sdt(root)
    control.set_value("a\n\nc", PLACEHOLDER)
    content = control.content
    assert content is not None
    paragraphs = content.findall(ox.W_P)
    assert len(paragraphs) == 3
    for p in paragraphs:
        assert ox.wval(p.find(ox.qn("w:pPr")).find(ox.qn("w:jc"))) == "both"  # type: ignore[union-attr]
    assert not list(root.iter(ox.qn("w:br")))


def test_run_level_lines_become_breaks_and_tabs() -> None:
    root = body(RUN)
    control = sdt(root)
    control.set_value("a\nb\tc", PLACEHOLDER)
    content = control.content
    assert content is not None
    tags = [ox.local_name(e) for r in content.iter(ox.W_R) for e in r if ox.local_name(e) != "rPr"]
    assert tags == ["t", "br", "t", "tab", "t"]
    # the paragraph around the control still holds the question
    assert "Naam:" in "".join(t.text or "" for t in root.iter(ox.W_T))


def test_leading_and_trailing_spaces_are_preserved() -> None:
    root = body(RUN)
    control = sdt(root)
    control.set_value("  twee spaties  ", PLACEHOLDER)
    t = next(control.content.iter(ox.W_T))  # type: ignore[union-attr]
    assert t.get(ox.qn("xml:space")) == "preserve"
    assert control.value == "  twee spaties  "


def test_cell_level_fill_keeps_cell_properties() -> None:
    root = body(CELL)
    control = sdt(root)
    control.set_value("antwoord", PLACEHOLDER)
    cell = control.content.find(ox.W_TC)  # type: ignore[union-attr]
    assert cell is not None and cell.find(ox.qn("w:tcPr")) is not None
    assert control.value == "antwoord"


def test_row_level_fill_writes_the_last_cell_only() -> None:
    root = body(ROW)
    control = sdt(root)
    control.set_value("antwoord", PLACEHOLDER)
    cells = list(root.iter(ox.W_TC))
    assert "".join(t.text or "" for t in cells[0].iter(ox.W_T)) == "Vraag"
    assert control.value == "antwoord"


@pytest.mark.parametrize(
    "content",
    ["<w:sdtContent/>", "<w:sdtContent><w:p/></w:sdtContent>", ""],
    ids=["self-closing", "empty-paragraph", "no-content"],
)
def test_empty_content_counts_as_unfilled_and_can_be_filled(content: str) -> None:
    root = body(f"<w:sdt>{sdt_pr(showing=False)}{content}</w:sdt>")
    control = sdt(root)
    assert control.is_unfilled
    assert control.value is None
    control.set_value("nu gevuld", PLACEHOLDER)
    assert control.value == "nu gevuld"


def test_reset_with_empty_string_shows_the_placeholder_again() -> None:
    root = body(BLOCK)
    control = sdt(root)
    control.set_value("iets", PLACEHOLDER)
    control.reset("Klik of tik om tekst in te voeren.", PLACEHOLDER, "Tekstvantijdelijkeaanduiding")
    assert control.showing_placeholder
    assert control.value is None
    assert "Tekstvantijdelijkeaanduiding" in [e.get(ox.W_VAL) for e in root.iter(ox.qn("w:rStyle"))]


def test_plain_text_multiline_flag() -> None:
    def run_level(pr: str) -> ContentControl:
        return sdt(body(f"<w:p><w:sdt>{pr}<w:sdtContent>{PH_RUN}</w:sdtContent></w:sdt></w:p>"))

    single = run_level(sdt_pr("<w:text/>"))
    multi = run_level(sdt_pr('<w:text w:multiLine="1"/>'))
    assert single.kind == multi.kind == Kind.PLAIN_TEXT
    assert not single.multiline
    assert multi.multiline
    multi.set_value("a\nb", PLACEHOLDER)
    assert [ox.local_name(e) for e in multi.content.iter() if ox.local_name(e) in ("br", "t")] == [  # type: ignore[union-attr]
        "t",
        "br",
        "t",
    ]


def test_dropdown_writes_display_text_and_reads_value() -> None:
    items = (
        '<w:dropDownList><w:listItem w:displayText="Kies een item." w:value=""/>'
        '<w:listItem w:displayText="Ja, volledig" w:value="ja"/>'
        '<w:listItem w:displayText="Nee" w:value="nee"/></w:dropDownList>'
    )
    root = body(f"<w:p><w:sdt>{sdt_pr(items)}<w:sdtContent>{PH_RUN}</w:sdtContent></w:sdt></w:p>")
    control = sdt(root)
    assert control.kind == Kind.DROPDOWN
    assert [c.value for c in control.choices] == ["ja", "nee"]
    control.set_value("ja", PLACEHOLDER)
    assert control.text == "Ja, volledig"
    assert control.value == "ja"
    assert control.properties.find(ox.qn("w:dropDownList")).get(ox.qn("w:lastValue")) == "ja"  # type: ignore[union-attr]


def test_date_writes_full_date_and_dutch_text() -> None:
    date = (
        '<w:date><w:dateFormat w:val="d MMMM yyyy"/><w:lid w:val="nl-NL"/>'
        '<w:storeMappedDataAs w:val="dateTime"/><w:calendar w:val="gregorian"/></w:date>'
    )
    root = body(f"<w:p><w:sdt>{sdt_pr(date)}<w:sdtContent>{PH_RUN}</w:sdtContent></w:sdt></w:p>")
    control = sdt(root)
    control.set_value(dt.date(2025, 3, 14), PLACEHOLDER)
    assert control.text == "14 maart 2025"
    assert (
        control.properties.find(ox.qn("w:date")).get(ox.qn("w:fullDate")) == "2025-03-14T00:00:00Z"
    )  # type: ignore[union-attr]
    assert control.value == dt.date(2025, 3, 14)


def test_checkbox_sets_state_and_glyph_together() -> None:
    box = (
        '<w14:checkbox><w14:checked w14:val="0"/>'
        '<w14:checkedState w14:val="2612" w14:font="MS Gothic"/>'
        '<w14:uncheckedState w14:val="2610" w14:font="MS Gothic"/></w14:checkbox>'
    )
    run = (
        '<w:r><w:rPr><w:rFonts w:ascii="MS Gothic" w:eastAsia="MS Gothic" w:hAnsi="MS Gothic" '
        'w:hint="eastAsia"/></w:rPr><w:t>☐</w:t></w:r>'
    )
    root = body(
        f"<w:p><w:sdt>{sdt_pr(box, showing=False)}<w:sdtContent>{run}</w:sdtContent></w:sdt></w:p>"
    )
    control = sdt(root)
    assert control.kind == Kind.CHECKBOX
    assert control.value is False
    control.set_value(True, PLACEHOLDER)
    assert control.value is True
    assert control.text == "☒"
    control.set_value(False, PLACEHOLDER)
    assert control.text == "☐"
    assert control.value is False


def test_locked_and_tagged_controls_are_read() -> None:
    pr = (
        '<w:sdtPr><w:alias w:val="Naam"/><w:tag w:val="naam"/><w:id w:val="7"/>'
        '<w:lock w:val="contentLocked"/></w:sdtPr>'
    )
    control = sdt(body(f"<w:sdt>{pr}<w:sdtContent><w:p/></w:sdtContent></w:sdt>"))
    assert (control.tag, control.alias, control.id, control.lock) == (
        "naam",
        "Naam",
        7,
        "contentLocked",
    )
    assert control.content_locked


def test_nested_rich_text_is_a_container() -> None:
    inner = f"<w:sdt>{sdt_pr('<w:text/>')}<w:sdtContent>{PH_RUN}</w:sdtContent></w:sdt>"
    outer = f"<w:sdt>{sdt_pr()}<w:sdtContent><w:p>{inner}</w:p></w:sdtContent></w:sdt>"
    root = body(outer)
    outer_control, inner_control = sdt(root, 0), sdt(root, 1)
    assert outer_control.is_container
    assert not inner_control.is_container
    assert inner_control.level == Level.RUN
    assert [c.element for c in outer_control.children()] == [inner_control.element]
