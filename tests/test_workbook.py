"""The .xlsx writer (docx_aanpak.workbook): what it writes must read back the same in our reader,
in openpyxl and in LibreOffice Calc, and pass the Open XML SDK validator."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docx_aanpak.workbook import (
    MAX_CELL_TEXT,
    ColorScale,
    Style,
    Validation,
    Workbook,
    column_letter,
)
from docx_aanpak.xlsx import XlsxReader
from judges import assert_valid, convert

TEXTS = [
    "gewoon",
    "=1+1",
    "+31 6 1234",
    "-",
    "@jan",
    "'s-Gravenhage",
    "  spaties voor en na  ",
    "regel 1\nregel 2\n",
    "tab\tin de tekst",
    "a & b < c > d \" e ' f",
    "_x0041_ blijft letterlijk",
    "_x005F_ ook",
    "€ 12.500,00 — één",
    "😀 buiten het BMP",
]
AWKWARD = ["ctrl \x01 \x1f", "cr \r lf", "\ufffe en \uffff", "los \ud800 surrogaat"]


def _read(path: Path, sheet: str = "Blad") -> dict[tuple[int, int], object]:
    reader = XlsxReader(path)
    try:
        name, part = reader.find_sheet(sheet)
        return {
            (row, column): cell.value
            for row, cells in reader.rows(part, name)
            for column, cell in cells.items()
            if cell.value is not None
        }
    finally:
        reader.close()


def _book(texts: list[str]) -> Workbook:
    book = Workbook()
    sheet = book.add_sheet("Blad")
    for row, text in enumerate(texts, 1):
        sheet.set(row, 1, text, Style(wrap=True, vertical="top"))
    return book


def test_column_letters_are_excels() -> None:
    assert [column_letter(n) for n in (1, 26, 27, 52, 53, 702, 703, 16_384)] == [
        "A", "Z", "AA", "AZ", "BA", "ZZ", "AAA", "XFD",
    ]  # fmt: skip
    for wrong in (0, 16_385):
        with pytest.raises(ValueError, match="outside a sheet"):
            column_letter(wrong)


def test_text_reads_back_exactly_in_our_reader_and_openpyxl(tmp_path: Path) -> None:
    path = tmp_path / "tekst.xlsx"
    texts = TEXTS + AWKWARD
    path.write_bytes(_book(texts).to_bytes())
    ours = _read(path)
    assert [ours[(row, 1)] for row in range(1, len(texts) + 1)] == texts
    sheet = openpyxl.load_workbook(path)["Blad"]
    # openpyxl leaves Excel's _xHHHH_ escapes as they are; undone here the way Excel does.
    from docx_aanpak.xlsx import _unescape

    assert [_unescape(str(sheet.cell(r, 1).value)) for r in range(1, len(texts) + 1)] == texts
    assert_valid(path)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=40), min_size=1, max_size=8))
def test_any_text_reads_back(texts: list[str]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.xlsx"
        path.write_bytes(_book(texts).to_bytes())
        ours = _read(path)
    assert [ours.get((row, 1), "") for row in range(1, len(texts) + 1)] == texts


def test_values_and_styles_as_openpyxl_and_calc_read_them(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.add_sheet("Plannen")
    hidden = book.add_sheet("Lijsten", hidden=True)
    hidden.set(1, 1, "ja")
    sheet.set(1, 1, "Gemeente", Style(bold=True, fill="FFD9D9D9"))
    sheet.set(2, 1, dt.date(2025, 3, 14), Style(number_format="d-m-yyyy"))
    sheet.set(2, 2, dt.datetime(2025, 3, 14, 18, 0), Style(number_format="d-m-yyyy h:mm"))
    sheet.set(2, 3, 0.25, Style(number_format="0%"))
    sheet.set(2, 4, 12)
    sheet.set(2, 5, True)
    sheet.set(2, 6, "=SOM(1;2)", Style(quote_prefix=True))
    sheet.set(3, 1, None, Style(fill="FFE2EFDA"))
    sheet.column(1, 30, Style(wrap=True, vertical="top"))
    sheet.height(2, 33)
    sheet.hide_row(4)
    sheet.set(4, 1, "verborgen", Style(size=8, color="FF808080"))
    sheet.merge(5, 1, 5, 3)
    sheet.set(5, 1, "samengevoegd")
    sheet.frozen = (2, 2)
    sheet.validate(Validation("list", ["A10:A20"], "Lijsten!$A$1:$A$1", error="Kies"))
    sheet.color_scale(ColorScale("D2:D2", [(0, "FFF8696B"), (12, "FF63BE7B")]))
    path = tmp_path / "stijlen.xlsx"
    path.write_bytes(book.to_bytes())
    assert_valid(path)

    opened = openpyxl.load_workbook(path)
    assert opened.sheetnames == ["Plannen", "Lijsten"]
    assert opened["Lijsten"].sheet_state == "hidden"
    ws = opened["Plannen"]
    assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb == "FFD9D9D9"
    assert ws["A2"].value == dt.datetime(2025, 3, 14) and ws["A2"].number_format == "d-m-yyyy"
    assert ws["B2"].value == dt.datetime(2025, 3, 14, 18, 0)
    assert ws["C2"].value == 0.25 and ws["C2"].number_format == "0%"
    assert ws["D2"].value == 12 and ws["E2"].value is True
    assert ws["F2"].value == "=SOM(1;2)" and ws["F2"].data_type == "s" and ws["F2"].quotePrefix
    assert ws["A3"].fill.fgColor.rgb == "FFE2EFDA"
    assert ws.column_dimensions["A"].width == 30
    assert ws.row_dimensions[2].height == 33 and ws.row_dimensions[4].hidden
    assert ws["A4"].font.sz == 8 and ws["A4"].font.color.rgb == "FF808080"
    assert [str(r) for r in ws.merged_cells.ranges] == ["A5:C5"]
    assert ws.freeze_panes == "B2"
    assert ws.data_validations.dataValidation[0].formula1 == "Lijsten!$A$1:$A$1"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.print_title_rows == "$1:$1"

    # Calc opens it and saves what it read: the values are the same.
    resaved = convert([path], "xlsx", tmp_path / "calc", calc=True)[0]
    ours, calc = _read(path, "Plannen"), _read(resaved, "Plannen")
    assert calc == ours


def test_calc_reads_the_texts_as_written(tmp_path: Path) -> None:
    path = tmp_path / "teksten.xlsx"
    path.write_bytes(_book(TEXTS).to_bytes())
    resaved = convert([path], "xlsx", tmp_path / "calc", calc=True)[0]
    calc = _read(resaved)
    assert [calc.get((row, 1)) for row in range(1, len(TEXTS) + 1)] == TEXTS


def test_refuses_what_a_cell_cannot_hold() -> None:
    sheet = Workbook().add_sheet("Blad")
    with pytest.raises(ValueError, match="at most 32767"):
        sheet.set(1, 1, "x" * (MAX_CELL_TEXT + 1))
    with pytest.raises(ValueError, match="before 1 March 1900"):
        book = Workbook()
        book.add_sheet("Blad").set(1, 1, dt.date(1899, 1, 1))
        book.to_bytes()
    with pytest.raises(TypeError, match="cannot hold list"):
        sheet.set(1, 1, [1])
    with pytest.raises(ValueError, match="row 0"):
        sheet.set(0, 1, "x")
    with pytest.raises(ValueError, match="nan"):
        book = Workbook()
        book.add_sheet("Blad").set(1, 1, float("nan"))
        book.to_bytes()
    book = Workbook()
    book.add_sheet("Blad")
    with pytest.raises(ValueError, match="already has a sheet"):
        book.add_sheet("blad")
    with pytest.raises(ValueError, match="cannot be a sheet name"):
        book.add_sheet("a/b")


def test_the_same_workbook_gives_the_same_bytes() -> None:
    first, second = _book(TEXTS).to_bytes(), _book(TEXTS).to_bytes()
    assert first == second
    names = zipfile.ZipFile(__import__("io").BytesIO(first)).namelist()
    assert names[0] == "[Content_Types].xml" and "xl/styles.xml" in names
