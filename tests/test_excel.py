"""The input workbook: its layout, reading what people type into it, and the round trip.

Workbooks are filled the way a person (or Excel) would: with openpyxl, finding each question by the
header text people see, never by key. Excel's own habits that openpyxl does not reproduce (shared
strings, cached formula values, ``_x0001_`` escapes) are written into the package XML directly.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import subprocess
import tracemalloc
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from openpyxl.worksheet.worksheet import Worksheet

from corpus.cases import NL, checkbox_run, date_run, dropdown_run, plain_run, rich_block
from corpus.word import build_docx, heading, p
from docx_aanpak import DataFileError, Kind, OutputExistsError, Template
from docx_aanpak.excel import (
    FIRST_ROW,
    HEADER_ROW,
    HELP_SHEET,
    KEY_ROW,
    LISTS_SHEET,
    SECTION_ROW,
    SHEET,
    build_workbook,
    read_workbook,
    save_workbook,
    write_workbook,
)
from docx_aanpak.records import NAME_COLUMN, PlanRecord, RecordError
from judges import assert_valid, require, soffice

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET_PART = "xl/worksheets/sheet1.xml"

# -- templates ------------------------------------------------------------------------------------

STATUS = "Wat is de status van het plan?"
VASTGESTELD = "Wanneer is het plan vastgesteld?"
RAAD = "Is de gemeenteraad geïnformeerd?"
CONTACT = "Wie is de contactpersoon?"
TOELICHTING = "Geef een toelichting."
CHOICES = [("Concept", "concept"), ("Vastgesteld door de raad, 2025", "vastgesteld")]


def small_docx() -> bytes:
    """One control of each kind a workbook column handles differently, with Word's markup."""
    return build_docx(
        "".join(
            [
                heading("Algemene gegevens", 1, NL),
                p(STATUS),
                p(dropdown_run(None, CHOICES, tag=None, alias=None)),
                p(VASTGESTELD),
                p(date_run(None, tag=None, alias=None)),
                p(RAAD),
                p(checkbox_run(False, tag="raad_geinformeerd", alias=None)),
                p(CONTACT),
                p(plain_run(None, tag=None, alias=None)),
                heading("Toelichting", 1, NL),
                p(TOELICHTING),
                rich_block(None, tag=None, alias=None),
            ]
        )
    )


@pytest.fixture(scope="module")
def shipped(template_path: Path) -> Template:
    return Template.open(template_path)


@pytest.fixture(scope="module")
def small() -> Template:
    template = Template.open(small_docx(), name="klein.docx")
    kinds = [f.kind for f in template.fields]
    assert kinds == [Kind.DROPDOWN, Kind.DATE, Kind.CHECKBOX, Kind.PLAIN_TEXT, Kind.RICH_TEXT]
    return template


# -- helpers -------------------------------------------------------------------------------------


def columns_by_header(sheet: Worksheet, row: int = HEADER_ROW) -> dict[str, int]:
    return {
        sheet.cell(row, c).value: c
        for c in range(1, sheet.max_column + 1)
        if sheet.cell(row, c).value is not None
    }


def fill(
    path: Path,
    rows: Iterable[Mapping[str, object]],
    *,
    first: int = FIRST_ROW,
    header: int = HEADER_ROW,
    formats: Mapping[tuple[int, str], str] = {},
) -> None:
    """Type answers under their questions (found by header text), one plan per row."""
    book = openpyxl.load_workbook(path)
    sheet = book[SHEET]
    where = columns_by_header(sheet, header)
    for number, row in enumerate(rows, first):
        for question, value in row.items():
            cell = sheet.cell(number, where[question], value)
            if (number, question) in formats:
                cell.number_format = formats[number, question]
    book.save(path)


def new_input(tmp_path: Path, template: Template, name: str = "gemeenten.xlsx") -> Path:
    path = tmp_path / name
    write_workbook(path, template)
    return path


def read(path: Path, template: Template) -> list[PlanRecord | RecordError]:
    return list(read_workbook(path, template))


def ok(records: list[PlanRecord | RecordError]) -> dict[str, dict[str, object]]:
    bad = [r for r in records if isinstance(r, RecordError)]
    assert not bad, "\n".join(str(r.error) for r in bad)
    return {r.name: r.values for r in records if isinstance(r, PlanRecord)}


def rewrite_part(path: Path, part: str, change: callable) -> None:  # type: ignore[valid-type]
    with zipfile.ZipFile(path) as source:
        items = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in items:
            target.writestr(info, change(data) if info.filename == part else data)


def set_cell_xml(path: Path, ref: str, xml: str) -> None:
    """Replace one cell of the first sheet by raw SpreadsheetML (as Excel would have written it)."""

    def change(data: bytes) -> bytes:
        text = data.decode()
        pattern = re.compile(rf'<c r="{ref}"(?: [^>]*)?(?:/>|>.*?</c>)', re.DOTALL)
        assert pattern.search(text), f"no cell {ref}"
        return pattern.sub(lambda _: xml, text, count=1).encode()

    rewrite_part(path, SHEET_PART, change)


def to_shared_strings(path: Path) -> None:
    """Store every text of the first sheet in a shared strings table, as Excel saves workbooks."""
    with zipfile.ZipFile(path) as source:
        items = {info.filename: (info, source.read(info)) for info in source.infolist()}
    sheet = etree.fromstring(items[SHEET_PART][1])
    table: list[str] = []
    for cell in sheet.iter(f"{{{MAIN}}}c"):
        if cell.get("t") == "inlineStr":
            inline = cell.find(f"{{{MAIN}}}is")
            text = "".join(inline.itertext())
            cell.remove(inline)
            cell.set("t", "s")
            etree.SubElement(cell, f"{{{MAIN}}}v").text = str(len(table))
            table.append(text)
    sst = etree.Element(f"{{{MAIN}}}sst", nsmap={None: MAIN})
    sst.set("count", str(len(table)))
    sst.set("uniqueCount", str(len(table)))
    for text in table:
        t = etree.SubElement(etree.SubElement(sst, f"{{{MAIN}}}si"), f"{{{MAIN}}}t")
        t.text = text
        if text != text.strip():
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    rels = items["xl/_rels/workbook.xml.rels"][1].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    types = items["[Content_Types].xml"][1].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    changed = {
        SHEET_PART: etree.tostring(sheet, xml_declaration=True, encoding="UTF-8"),
        "xl/_rels/workbook.xml.rels": rels,
        "[Content_Types].xml": types,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, (info, data) in items.items():
            target.writestr(info, changed.get(name, data))
        target.writestr(
            "xl/sharedStrings.xml", etree.tostring(sst, xml_declaration=True, encoding="UTF-8")
        )


# -- layout ---------------------------------------------------------------------------------------


def test_input_workbook_shows_questions_in_document_order_under_their_sections(
    tmp_path: Path, shipped: Template
) -> None:
    path = new_input(tmp_path, shipped)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [SHEET, HELP_SHEET, LISTS_SHEET]
    assert book.active.title == SHEET
    assert book[LISTS_SHEET].sheet_state == "hidden"
    sheet = book[SHEET]
    fields = shipped.fields
    headers = [sheet.cell(HEADER_ROW, c).value for c in range(1, len(fields) + 2)]
    assert headers == [NAME_COLUMN, *[f.label for f in fields]]
    assert sheet.max_column == len(fields) + 1
    keys = [sheet.cell(KEY_ROW, c).value for c in range(2, len(fields) + 2)]
    assert keys == [f.key for f in fields]
    assert sheet.row_dimensions[KEY_ROW].hidden
    assert sheet.cell(KEY_ROW, 2).font.sz < sheet.cell(HEADER_ROW, 2).font.sz
    assert all(sheet.cell(HEADER_ROW, c).font.b for c in range(1, len(fields) + 2))
    assert all(sheet.cell(HEADER_ROW, c).alignment.wrap_text for c in range(2, len(fields) + 2))
    assert sheet.freeze_panes == f"B{FIRST_ROW}"
    # Each run of questions of one section sits under one merged, coloured section title.
    merged = {(m.min_col, m.max_col) for m in sheet.merged_cells.ranges if m.min_row == SECTION_ROW}
    colours = []
    column = 2
    while column <= len(fields) + 1:
        section = fields[column - 2].section
        last = column
        while last + 1 <= len(fields) + 1 and fields[last - 1].section == section:
            last += 1
        assert sheet.cell(SECTION_ROW, column).value == section
        assert sheet.cell(SECTION_ROW, column).font.b
        if last > column:
            assert (column, last) in merged
        colours.append(sheet.cell(SECTION_ROW, column).fill.fgColor.rgb)
        column = last + 1
    assert all(a != b for a, b in itertools.pairwise(colours))
    assert len(merged) == sum(
        1
        for i, f in enumerate(fields)
        if i + 1 < len(fields)
        and fields[i + 1].section == f.section
        and (i == 0 or fields[i - 1].section != f.section)
    )
    # The questions fit in the header row; the name column is narrower than answer columns.
    assert sheet.row_dimensions[HEADER_ROW].height >= 30
    assert sheet.column_dimensions["A"].width < sheet.column_dimensions["B"].width
    assert sheet.max_row == KEY_ROW


def test_input_workbook_explains_itself_in_dutch(tmp_path: Path, small: Template) -> None:
    book = openpyxl.load_workbook(new_input(tmp_path, small))
    text = " ".join(str(c.value) for row in book[HELP_SHEET].iter_rows() for c in row if c.value)
    for needle in (
        NAME_COLUMN,
        "Alt+Enter",
        f"rij {KEY_ROW}",
        "keuzelijst",
        "14-3-2025",
        "WAAR",
        "ONWAAR",
        "open",
        SHEET,
        STATUS,
        TOELICHTING,
    ):
        assert needle.lower() in text.lower(), needle


def test_list_date_and_checkbox_questions_get_excel_validation(
    tmp_path: Path, small: Template
) -> None:
    book = openpyxl.load_workbook(new_input(tmp_path, small))
    sheet = book[SHEET]
    column = {q: openpyxl.utils.get_column_letter(c) for q, c in columns_by_header(sheet).items()}
    by_column: dict[str, object] = {}
    for validation in sheet.data_validations.dataValidation:
        for cells in validation.sqref.ranges:
            assert cells.min_row == FIRST_ROW
            by_column[openpyxl.utils.get_column_letter(cells.min_col)] = validation
    status = by_column[column[STATUS]]
    assert status.type == "list"
    # The list comes from the hidden sheet (no 255-character limit, commas allowed).
    source = re.fullmatch(r"Lijsten!\$([A-Z]+)\$(\d+):\$\1\$(\d+)", status.formula1)
    assert source, status.formula1
    letter, first, last = source.groups()
    listed = [book[LISTS_SHEET][f"{letter}{n}"].value for n in range(int(first), int(last) + 1)]
    assert listed == [display for display, _ in CHOICES]
    assert by_column[column[VASTGESTELD]].type == "date"
    assert sheet.column_dimensions[column[VASTGESTELD]].number_format == "d-m-yyyy"
    checkbox = by_column[column[RAAD]]
    assert checkbox.type == "list" and checkbox.formula1 == '"WAAR,ONWAAR"'
    assert column[CONTACT] not in by_column and column[TOELICHTING] not in by_column
    assert (
        sheet.column_dimensions[column[VASTGESTELD]].width
        < sheet.column_dimensions[column[TOELICHTING]].width
    )


def test_workbooks_pass_the_open_xml_validator(
    tmp_path: Path, shipped: Template, small: Template
) -> None:
    empty = new_input(tmp_path, shipped, "leeg.xlsx")
    empty_small = new_input(tmp_path, small, "klein.xlsx")
    filled = tmp_path / "gevuld.xlsx"
    write_workbook(
        filled,
        small,
        [
            {
                NAME_COLUMN: "=Amsterdam",
                "algemene_gegevens_wat_is_de_status_van_het_plan": "concept",
                "algemene_gegevens_wanneer_is_het_plan_vastgesteld": dt.date(2025, 3, 14),
                "raad_geinformeerd": True,
                "algemene_gegevens_wie_is_de_contactpersoon": "@jan",
                "toelichting": "+31 6\nregel 2 _x0041_",
            },
            {NAME_COLUMN: "Utrecht", "raad_geinformeerd": False},
        ],
    )
    # A caller (collecting filled plans) adds a sheet of its own before saving.
    book = build_workbook(small, [{NAME_COLUMN: "Utrecht", "toelichting": "t"}])
    extra = book.create_sheet("Voortgang")
    extra["A1"] = "Gemeente"
    extra["A1"].font = openpyxl.styles.Font(bold=True, color="FF0000FF")
    extended = tmp_path / "verzameld.xlsx"
    save_workbook(book, extended)
    with pytest.raises(OutputExistsError):
        save_workbook(book, extended)
    assert_valid(empty, empty_small, filled, extended)
    assert ok(read(extended, small)) == {"Utrecht": {"toelichting": "t"}}


# -- reading what people type ----------------------------------------------------------------------


def test_answers_typed_under_their_questions_come_back_by_key(
    tmp_path: Path, shipped: Template
) -> None:
    path = new_input(tmp_path, shipped)
    fields = shipped.fields
    rows = [
        {
            NAME_COLUMN: f"Gemeente {n}",
            **{
                f.label: f"Antwoord {n}.{i} op {f.label}\ntweede regel"
                for i, f in enumerate(fields)
                if (n + i) % 3
            },
        }
        for n in range(1, 5)
    ]
    fill(path, rows)
    records = read(path, shipped)
    assert [r.name for r in records] == [row[NAME_COLUMN] for row in rows]
    by_label = {f.label: f.key for f in fields}
    for record, row in zip(records, rows, strict=True):
        assert isinstance(record, PlanRecord)
        assert record.values == {by_label[q]: v for q, v in row.items() if q != NAME_COLUMN}
    first = records[0]
    assert first.where == f"gemeenten.xlsx, {SHEET} row {FIRST_ROW}"
    assert (
        first.cells["handhaving"]
        == f"{SHEET}!{openpyxl.utils.get_column_letter(len(fields) + 1)}{FIRST_ROW}"
    )


def test_list_date_and_checkbox_answers_are_read_as_people_write_them(
    tmp_path: Path, small: Template
) -> None:
    path = new_input(tmp_path, small)
    rows = [
        {
            NAME_COLUMN: "A",
            STATUS: "Vastgesteld door de raad, 2025",
            VASTGESTELD: dt.datetime(2025, 3, 14),
            RAAD: True,
        },
        {NAME_COLUMN: "B", STATUS: "concept", VASTGESTELD: "14-3-2025", RAAD: "ja"},
        {NAME_COLUMN: "C", STATUS: "  CONCEPT ", VASTGESTELD: "14 maart 2025", RAAD: "x"},
        {NAME_COLUMN: "D", VASTGESTELD: "2025-03-14", RAAD: "ONWAAR"},
        {NAME_COLUMN: "E", VASTGESTELD: dt.datetime(2025, 3, 14, 16, 45), RAAD: 0},
        {NAME_COLUMN: "F", RAAD: "nee"},
        {NAME_COLUMN: "G", RAAD: False},
    ]
    fill(path, rows)
    values = ok(read(path, small))
    status = "algemene_gegevens_wat_is_de_status_van_het_plan"
    date = "algemene_gegevens_wanneer_is_het_plan_vastgesteld"
    assert [values[n].get(status) for n in "ABCDEFG"] == [
        "vastgesteld",
        "concept",
        "concept",
        None,
        None,
        None,
        None,
    ]
    assert {values[n][date] for n in "ABCDE"} == {dt.date(2025, 3, 14)}
    assert [values[n]["raad_geinformeerd"] for n in "ABCDEFG"] == [
        True,
        True,
        True,
        False,
        False,
        False,
        False,
    ]


def test_numbers_and_dates_typed_into_text_questions_read_as_dutch_text(
    tmp_path: Path, shipped: Template
) -> None:
    path = new_input(tmp_path, shipped)
    labels = [f.label for f in shipped.fields]
    typed = [
        42,
        3.5,
        dt.datetime(2025, 3, 14),
        dt.datetime(2025, 3, 14, 10, 30),
        0.12,
        -1234.5,
        True,
        "regel 1\r\nregel 2",
    ]
    fill(
        path,
        [{NAME_COLUMN: "Tiel", **dict(zip(labels, typed, strict=False))}],
        formats={(FIRST_ROW, labels[4]): "0%", (FIRST_ROW, labels[5]): "#,##0.00"},
    )
    (record,) = read(path, shipped)
    assert isinstance(record, PlanRecord)
    keys = [f.key for f in shipped.fields]
    assert [record.values[k] for k in keys[: len(typed)]] == [
        "42",
        "3,5",
        "14-3-2025",
        "14-3-2025 10:30",
        "12%",
        "-1.234,50",
        "WAAR",
        "regel 1\nregel 2",
    ]


def test_bad_answers_name_cell_plan_and_question_and_other_rows_still_come(
    tmp_path: Path, small: Template
) -> None:
    path = new_input(tmp_path, small)
    fill(
        path,
        [
            {NAME_COLUMN: "Amsterdam", STATUS: "Concept", TOELICHTING: "Goed"},
            {NAME_COLUMN: "Utrecht", STATUS: "Misschien"},
            {NAME_COLUMN: "Rotterdam", VASTGESTELD: "31-2-2025"},
            # Excel stores U+0001 as the escape _x0001_; openpyxl refuses the character itself.
            {NAME_COLUMN: "Den Haag", TOELICHTING: "a_x0001_b"},
            {NAME_COLUMN: "Eindhoven", CONTACT: "twee\nregels", RAAD: "misschien"},
            {NAME_COLUMN: "Zwolle", TOELICHTING: "Ook goed"},
        ],
    )
    records = read(path, small)
    assert [r.name for r in records] == [
        "Amsterdam",
        "Utrecht",
        "Rotterdam",
        "Den Haag",
        "Eindhoven",
        "Zwolle",
    ]
    assert [type(r) for r in records] == [
        PlanRecord,
        RecordError,
        RecordError,
        RecordError,
        RecordError,
        PlanRecord,
    ]
    where = {
        q: openpyxl.utils.get_column_letter(c)
        for q, c in columns_by_header(openpyxl.load_workbook(path)[SHEET]).items()
    }
    expected = {
        "Utrecht": [(STATUS, 5, "Misschien")],
        "Rotterdam": [(VASTGESTELD, 6, "31-2-2025")],
        "Den Haag": [(TOELICHTING, 7, "U+0001")],
        "Eindhoven": [(CONTACT, 8, "one line"), (RAAD, 8, "misschien")],
    }
    for record in records:
        if not isinstance(record, RecordError):
            continue
        message = str(record.error)
        assert record.name in message
        assert record.where in message
        assert len(record.error.problems) == len(expected[record.name])
        for question, row, detail in expected[record.name]:
            cell = f"{SHEET}!{where[question]}{row}"
            problem = next(p for p in record.error.problems if p.where == cell)
            assert problem.label == question
            assert detail in problem.message
            assert cell in message and question in message


def test_empty_rows_are_skipped_and_names_must_be_given_and_unique(
    tmp_path: Path, small: Template
) -> None:
    path = new_input(tmp_path, small)
    fill(
        path,
        [
            {NAME_COLUMN: "Amsterdam", CONTACT: "Jan"},
            {NAME_COLUMN: "   ", CONTACT: None},  # looks empty: skipped
            {NAME_COLUMN: " amsterdam ", CONTACT: "Piet"},
            {NAME_COLUMN: None, CONTACT: "Klaas"},
            {NAME_COLUMN: "Utrecht", CONTACT: "Kees"},
        ],
    )
    records = read(path, small)
    assert [(type(r), r.name) for r in records] == [
        (PlanRecord, "Amsterdam"),
        (RecordError, "amsterdam"),
        (RecordError, None),
        (PlanRecord, "Utrecht"),
    ]
    duplicate, nameless = records[1], records[2]
    assert isinstance(duplicate, RecordError) and isinstance(nameless, RecordError)
    assert f"{SHEET}!A6" in str(duplicate.error) and f"{SHEET} row 4" in str(duplicate.error)
    assert f"{SHEET}!A7" in str(nameless.error) and NAME_COLUMN in str(nameless.error)


def test_moved_deleted_and_extra_columns_are_mapped_by_the_key_row(
    tmp_path: Path, shipped: Template
) -> None:
    original = openpyxl.load_workbook(new_input(tmp_path, shipped))[SHEET]
    count = len(shipped.fields) + 1
    kept = [c for c in range(2, count + 1) if c % 4]  # every fourth question deleted
    order = [1, *reversed(kept)]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = SHEET
    for new, old in enumerate(order, 1):
        for row in (SECTION_ROW, HEADER_ROW, KEY_ROW):
            sheet.cell(row, new, original.cell(row, old).value)
    sheet.cell(HEADER_ROW, len(order) + 1, "Opmerkingen van de regio")  # a column of their own
    path = tmp_path / "verschoven.xlsx"
    book.save(path)
    labels = {f.label: f.key for f in shipped.fields}
    answers = {original.cell(HEADER_ROW, c).value: f"antwoord in kolom {c}" for c in kept}
    fill(path, [{NAME_COLUMN: "Oss", "Opmerkingen van de regio": "niet voor Word", **answers}])
    (record,) = read(path, shipped)
    assert isinstance(record, PlanRecord)
    assert record.values == {labels[q]: v for q, v in answers.items()}


def test_without_the_key_row_questions_are_mapped_by_their_text(
    tmp_path: Path, small: Template
) -> None:
    path = new_input(tmp_path, small)
    book = openpyxl.load_workbook(path)
    book[SHEET].delete_rows(KEY_ROW)
    book.save(path)
    fill(path, [{NAME_COLUMN: "Ede", STATUS: "Concept", TOELICHTING: "t"}], first=KEY_ROW)
    (record,) = read(path, small)
    assert isinstance(record, PlanRecord)
    assert record.values == {
        "algemene_gegevens_wat_is_de_status_van_het_plan": "concept",
        "toelichting": "t",
    }
    assert record.where.endswith(f"row {KEY_ROW}")

    # The key row emptied (all but its label): the questions still say where answers are.
    path = new_input(tmp_path, small, "leeg.xlsx")
    book = openpyxl.load_workbook(path)
    for column in range(2, len(small.fields) + 2):
        book[SHEET].cell(KEY_ROW, column).value = None
    book.save(path)
    fill(path, [{NAME_COLUMN: "Ermelo", CONTACT: "Piet"}])
    (record,) = read(path, small)
    assert isinstance(record, PlanRecord)
    assert record.values == {"algemene_gegevens_wie_is_de_contactpersoon": "Piet"}

    # A sheet built by hand: the questions in row 1, plans from row 2.
    hand = openpyxl.Workbook()
    hand.active.title = SHEET
    hand.active.append([NAME_COLUMN, TOELICHTING.upper(), CONTACT])
    hand.active.append(["Epe", "uitleg", "Jan"])
    hand.save(tmp_path / "hand.xlsx")
    (record,) = read(tmp_path / "hand.xlsx", small)
    assert isinstance(record, PlanRecord)
    assert record.values == {
        "toelichting": "uitleg",
        "algemene_gegevens_wie_is_de_contactpersoon": "Jan",
    }

    hand.active.cell(1, 2, "Geef een toelichtin")
    hand.save(tmp_path / "typo.xlsx")
    with pytest.raises(DataFileError, match=re.escape(f"{SHEET}!B1")) as error:
        read(tmp_path / "typo.xlsx", small)
    assert TOELICHTING in str(error.value)


def test_unknown_key_is_a_file_error_naming_the_cell_and_close_keys(
    tmp_path: Path, shipped: Template
) -> None:
    path = new_input(tmp_path, shipped)
    book = openpyxl.load_workbook(path)
    last = openpyxl.utils.get_column_letter(len(shipped.fields) + 1)
    assert book[SHEET][f"{last}{KEY_ROW}"].value == "handhaving"
    book[SHEET][f"{last}{KEY_ROW}"] = "handhavin"
    book.save(path)
    with pytest.raises(DataFileError) as error:
        read(path, shipped)
    message = str(error.value)
    assert f"{SHEET}!{last}{KEY_ROW}" in message and "'handhaving'" in message
    assert str(path) in message


def test_a_question_in_two_columns_is_a_file_error(tmp_path: Path, small: Template) -> None:
    path = new_input(tmp_path, small)
    book = openpyxl.load_workbook(path)
    book[SHEET]["G3"] = "toelichting"
    book.save(path)
    with pytest.raises(DataFileError, match=r"Plannen!G3.*toelichting.*Plannen!F3"):
        read(path, small)


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("ontbreekt.xlsx", None, "no such file"),
        ("tekst.xlsx", b"Gemeente;toelichting\n", "not an Excel workbook"),
        ("oud.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), ".xls"),
        ("word.xlsx", "docx", "not an Excel workbook"),
    ],
)
def test_files_that_are_no_workbook_are_file_errors(
    tmp_path: Path, small: Template, name: str, content: bytes | str | None, needle: str
) -> None:
    path = tmp_path / name
    if content == "docx":
        path.write_bytes(small_docx())
    elif isinstance(content, bytes):
        path.write_bytes(content)
    with pytest.raises(DataFileError, match=re.escape(needle)) as error:
        read(path, small)
    assert str(path) in str(error.value)


def test_workbook_without_the_plans_sheet_or_name_column_is_a_file_error(
    tmp_path: Path, small: Template
) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Blad1"
    book.save(tmp_path / "blad.xlsx")
    with pytest.raises(DataFileError, match=r"no sheet 'Plannen'.*'Blad1'"):
        read(tmp_path / "blad.xlsx", small)
    book.active.title = SHEET
    book.active.append(["Naam", TOELICHTING])
    book.active.append(["Ede", "t"])
    book.save(tmp_path / "naam.xlsx")
    with pytest.raises(DataFileError, match=f"no column '{NAME_COLUMN}'"):
        read(tmp_path / "naam.xlsx", small)


def test_formulas_count_with_their_cached_value_and_uncalculated_ones_are_errors(
    tmp_path: Path, small: Template
) -> None:
    path = new_input(tmp_path, small)
    fill(
        path,
        [
            {NAME_COLUMN: "Arnhem", CONTACT: "x", TOELICHTING: "x"},
            {NAME_COLUMN: "Breda", CONTACT: '=CONCATENATE("Jan"," Jansen")'},  # never calculated
            {NAME_COLUMN: "=B1", CONTACT: "Piet"},
        ],
    )
    where = {
        q: openpyxl.utils.get_column_letter(c)
        for q, c in columns_by_header(openpyxl.load_workbook(path)[SHEET]).items()
    }
    contact, toelichting = where[CONTACT], where[TOELICHTING]
    # What Excel writes after calculating: the formula and its value.
    set_cell_xml(
        path,
        f"{contact}4",
        f'<c r="{contact}4" t="str"><f>CONCATENATE("Jan"," Jansen")</f><v>Jan Jansen</v></c>',
    )
    set_cell_xml(path, f"{toelichting}4", f'<c r="{toelichting}4"><f>6*7</f><v>42</v></c>')
    records = read(path, small)
    assert isinstance(records[0], PlanRecord)
    assert records[0].values == {
        "algemene_gegevens_wie_is_de_contactpersoon": "Jan Jansen",
        "toelichting": "42",
    }
    breda, nameless = records[1], records[2]
    assert isinstance(breda, RecordError) and breda.name == "Breda"
    assert f"{SHEET}!{contact}5" in str(breda.error)
    assert "never calculated" in str(breda.error) and "Excel" in str(breda.error)
    assert isinstance(nameless, RecordError) and f"{SHEET}!A6" in str(nameless.error)


def test_excel_error_values_are_record_errors(tmp_path: Path, small: Template) -> None:
    path = new_input(tmp_path, small)
    fill(path, [{NAME_COLUMN: "Venlo", TOELICHTING: "x"}])
    column = openpyxl.utils.get_column_letter(
        columns_by_header(openpyxl.load_workbook(path)[SHEET])[TOELICHTING]
    )
    set_cell_xml(path, f"{column}4", f'<c r="{column}4" t="e"><f>1/0</f><v>#DEEL/0!</v></c>')
    (record,) = read(path, small)
    assert isinstance(record, RecordError)
    assert "#DEEL/0!" in str(record.error) and f"{SHEET}!{column}4" in str(record.error)


# -- writing plans back, and the round trip --------------------------------------------------------

XML_TEXT = st.text(
    st.characters(
        codec="utf-8",
        exclude_categories=("Cs",),
        exclude_characters="".join(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r")
        + "\ufffe\uffff",
    ),
    max_size=40,
)
NAMES = (
    st.text(
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
        min_size=1,
        max_size=20,
    )
    .map(str.strip)
    .filter(bool)
    .filter(lambda s: "\ufffe" not in s and "\uffff" not in s)
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    names=st.lists(NAMES, min_size=1, max_size=3, unique_by=str.casefold),
    texts=st.lists(st.tuples(XML_TEXT, XML_TEXT), min_size=3, max_size=3),
    lead=st.sampled_from(["=", "+", "-", "@", ""]),
)
def test_written_plans_read_back_the_same(
    tmp_path_factory: pytest.TempPathFactory,
    shipped: Template,
    names: list[str],
    texts: list[tuple[str, str]],
    lead: str,
) -> None:
    first, last = shipped.fields[0].key, shipped.fields[-1].key
    records = [
        {NAME_COLUMN: name, first: lead + a, last: b}
        for name, (a, b) in zip(names, texts, strict=False)
    ]
    path = tmp_path_factory.mktemp("rond") / "plannen.xlsx"
    write_workbook(path, shipped, records)
    read_back = read(path, shipped)
    assert [r.name for r in read_back] == names
    for record, written in zip(read_back, records, strict=True):
        assert isinstance(record, PlanRecord), str(record)
        expected = shipped.validate({k: v for k, v in written.items() if k != NAME_COLUMN})
        assert record.values == {k: v for k, v in expected.items() if v.strip()}


def test_text_that_looks_like_a_formula_is_written_as_text(
    tmp_path: Path, shipped: Template
) -> None:
    texts = ["=1+1", "+31 6 12345678", "-", "@gemeente", "=A1", "_x0041_ blijft zo", " spaties "]
    keys = [f.key for f in shipped.fields]
    path = tmp_path / "formules.xlsx"
    write_workbook(
        path, shipped, [{NAME_COLUMN: "=Gemeente", **dict(zip(keys, texts, strict=False))}]
    )
    with zipfile.ZipFile(path) as package:
        sheet = etree.fromstring(package.read(SHEET_PART))
        styles = etree.fromstring(package.read("xl/styles.xml"))
    assert not list(sheet.iter(f"{{{MAIN}}}f"))
    xfs = styles.find(f"{{{MAIN}}}cellXfs").findall(f"{{{MAIN}}}xf")
    row = sheet.find(f".//{{{MAIN}}}row[@r='{FIRST_ROW}']")
    for cell in row:
        text = "".join(cell.itertext())
        assert cell.get("t") == "inlineStr"
        if text.startswith(("=", "+", "-", "@")):
            assert xfs[int(cell.get("s"))].get("quotePrefix") == "1", text
    (record,) = read(path, shipped)
    assert isinstance(record, PlanRecord)
    assert record.name == "=Gemeente"
    assert record.values == dict(zip(keys, texts, strict=False))
    # Excel's own reader sees the same: openpyxl reads these cells as strings, not formulas.
    cells = openpyxl.load_workbook(path)[SHEET][FIRST_ROW]
    assert [c.data_type for c in cells[: len(texts) + 1]] == ["s"] * (len(texts) + 1)


def test_dates_checkboxes_and_lists_are_written_as_people_type_them(
    tmp_path: Path, small: Template
) -> None:
    status, date = (
        "algemene_gegevens_wat_is_de_status_van_het_plan",
        "algemene_gegevens_wanneer_is_het_plan_vastgesteld",
    )
    records = [
        {
            NAME_COLUMN: "Hoorn",
            status: "vastgesteld",
            date: dt.date(2025, 3, 14),
            "raad_geinformeerd": True,
            "toelichting": "a\nb",
        },
        {NAME_COLUMN: "Edam", status: None, date: None, "raad_geinformeerd": False},
    ]
    path = tmp_path / "terug.xlsx"
    write_workbook(path, small, records)
    sheet = openpyxl.load_workbook(path)[SHEET]
    where = columns_by_header(sheet)
    assert sheet.cell(FIRST_ROW, where[STATUS]).value == "Vastgesteld door de raad, 2025"
    day = sheet.cell(FIRST_ROW, where[VASTGESTELD])
    assert day.is_date and day.value.date() == dt.date(2025, 3, 14)
    assert day.number_format == "d-m-yyyy"
    assert [sheet.cell(r, where[RAAD]).value for r in (FIRST_ROW, FIRST_ROW + 1)] == [
        "WAAR",
        "ONWAAR",
    ]
    back = ok(read(path, small))
    assert back == {
        r[NAME_COLUMN]: {k: v for k, v in r.items() if k != NAME_COLUMN and v is not None}
        for r in records
    }


def test_write_keeps_an_existing_file_unless_asked(tmp_path: Path, small: Template) -> None:
    path = tmp_path / "bestaat.xlsx"
    path.write_bytes(b"van iemand anders")
    with pytest.raises(OutputExistsError):
        write_workbook(path, small)
    assert path.read_bytes() == b"van iemand anders"
    write_workbook(path, small, overwrite=True)
    assert openpyxl.load_workbook(path).sheetnames[0] == SHEET


def test_write_rejects_values_that_do_not_fit(tmp_path: Path, small: Template) -> None:
    from docx_aanpak import ValidationError

    with pytest.raises(ValidationError, match="Hoorn"):
        write_workbook(
            tmp_path / "x.xlsx", small, [{NAME_COLUMN: "Hoorn", "raad_geinformeerd": "misschien"}]
        )
    with pytest.raises(ValidationError, match=r"32767|32,767"):
        write_workbook(
            tmp_path / "x.xlsx", small, [{NAME_COLUMN: "Hoorn", "toelichting": "x" * 40_000}]
        )
    assert not (tmp_path / "x.xlsx").exists()


def saved_by_calc(path: Path, folder: Path) -> Path:
    """The workbook opened and saved again by LibreOffice Calc (which also calculates formulas)."""
    office = soffice()
    require("LibreOffice", office, "apt-get install libreoffice-calc-nogui")
    assert office is not None
    proc = subprocess.run(
        [office, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
         "--norestore", "--convert-to", "xlsx", "--outdir", str(folder / "calc"), str(path)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    saved = folder / "calc" / path.name
    if not saved.exists() and "could not be loaded" in proc.stdout + proc.stderr:
        require("LibreOffice Calc", False, "apt-get install libreoffice-calc-nogui")
    assert saved.exists(), proc.stdout + proc.stderr
    return saved


def test_a_workbook_saved_again_by_libreoffice_calc_reads_the_same(
    tmp_path: Path, small: Template
) -> None:
    records = [
        {NAME_COLUMN: "Hoorn", "algemene_gegevens_wat_is_de_status_van_het_plan": "vastgesteld",
         "algemene_gegevens_wanneer_is_het_plan_vastgesteld": dt.date(2025, 3, 14),
         "raad_geinformeerd": True, "algemene_gegevens_wie_is_de_contactpersoon": "=Jan",
         "toelichting": "a\nb  _x0041_ "},
        {NAME_COLUMN: "Edam", "raad_geinformeerd": False, "toelichting": "42"},
    ]  # fmt: skip
    path = tmp_path / "plannen.xlsx"
    write_workbook(path, small, records)
    # A formula that no program has calculated yet: an error until a spreadsheet saves it.
    fill(path, [{NAME_COLUMN: "Enkhuizen", CONTACT: '=CONCATENATE("Jan"," Jansen")'}], first=6)
    before = read(path, small)
    assert isinstance(before[2], RecordError) and "never calculated" in str(before[2].error)
    saved = saved_by_calc(path, tmp_path)
    with zipfile.ZipFile(saved) as package:
        assert "xl/sharedStrings.xml" in package.namelist()  # Calc's own way of storing text
    after = ok(read(saved, small))
    assert after == {
        **{r[NAME_COLUMN]: {k: v for k, v in r.items() if k != NAME_COLUMN} for r in records},
        "Enkhuizen": {"algemene_gegevens_wie_is_de_contactpersoon": "Jan Jansen"},
    }
    sheet = openpyxl.load_workbook(saved)[SHEET]
    # (Headless Calc drops view settings such as frozen panes; the rest of the layout stays.)
    assert sheet.row_dimensions[KEY_ROW].hidden
    assert len(sheet.data_validations.dataValidation) == 3


# -- streaming ------------------------------------------------------------------------------------

PLANS = 3420


@pytest.mark.parametrize("storage", ["inline strings (openpyxl)", "shared strings (Excel)"])
def test_reading_many_plans_keeps_memory_flat(
    tmp_path: Path, shipped: Template, storage: str
) -> None:
    keys = [f.key for f in shipped.fields][:4]
    filler = "ABCDEFGHIJKLMNOPQRSTUVWXYZ" * 40

    def plans() -> Iterable[dict[str, object]]:
        for n in range(PLANS):
            yield {
                NAME_COLUMN: f"Gemeente {n}",
                **{k: f"{n}-{i}: {filler[(n + i) % 26 :]}" for i, k in enumerate(keys)},
            }

    total = sum(len(str(v)) for plan in plans() for v in plan.values())
    assert total > 10_000_000
    path = tmp_path / "veel.xlsx"
    write_workbook(path, shipped, plans())
    if storage.startswith("shared"):
        to_shared_strings(path)
        with zipfile.ZipFile(path) as package:
            assert "xl/sharedStrings.xml" in package.namelist()
    tracemalloc.start()
    try:
        count = 0
        for record in read_workbook(path, shipped):
            assert isinstance(record, PlanRecord)
            count += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == PLANS
    # What grows with the number of rows is only the list of names seen (for duplicates).
    assert peak < total / 10, f"peak {peak:,} bytes for {total:,} characters of answers"


def test_shared_strings_from_excel_are_read(tmp_path: Path, small: Template) -> None:
    path = tmp_path / "gedeeld.xlsx"
    write_workbook(
        path,
        small,
        [
            {
                NAME_COLUMN: "Gouda",
                "algemene_gegevens_wat_is_de_status_van_het_plan": "concept",
                "toelichting": " a\nb ",
            },
            {NAME_COLUMN: "Delft", "toelichting": "a_x0041_"},
        ],
    )
    before = ok(read(path, small))
    to_shared_strings(path)
    assert_valid(path)  # the helper writes what Excel would
    assert ok(read(path, small)) == before
    assert before["Delft"]["toelichting"] == "a_x0041_"
