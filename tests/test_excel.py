"""The input workbook: its layout, reading what people type into it, and the round trip.

Workbooks are filled the way a person (or Excel) would: with openpyxl, finding each question by the
header text people see, never by key. Excel's own habits that openpyxl does not reproduce (shared
strings, cached formula values, ``_x0001_`` escapes) are written into the package XML directly.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import tracemalloc
import warnings
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree
from openpyxl.worksheet.worksheet import Worksheet

from corpus.cases import NL, checkbox_run, date_run, dropdown_run, plain_run, rich_block
from corpus.word import build_docx, heading, p
from docx_aanpak import DataFileError, Kind, OutputExistsError, Template, TemplateError
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
from docx_aanpak.records import (
    NAME_COLUMN,
    DataFileWarning,
    PlanRecord,
    RecordBuilder,
    RecordError,
)
from docx_aanpak.workbook import ColorScale, Style
from judges import assert_valid, convert

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
    extra = book.add_sheet("Voortgang")
    extra.set(1, 1, "Gemeente", Style(bold=True, color="FF0000FF"))
    extra.set(2, 1, "tekst met \x01 en \ud800 en _x0041_", Style(fill="FFFFC7CE"))
    extra.set(2, 2, dt.datetime(2025, 3, 14, 12, 30), Style(number_format="d-m-yyyy h:mm"))
    extra.set(2, 3, 0.5, Style(number_format="0%"))
    extra.set(2, 4, True)
    extra.frozen = (2, 2)
    extra.filter = True
    extra.color_scale(ColorScale("C2:C2", [(0, "FFF8696B"), (1, "FF63BE7B")]))
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
@example(names=["Ede"], texts=[("a\n", "b\n \n"), ("", ""), ("", "")], lead="")
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
        assert record.values == {k: typed(v) for k, v in expected.items() if v.strip()}


def typed(text: str) -> str:
    """Text as read from a cell a person typed: blank lines at the end (Alt+Enter) dropped."""
    lines = text.split("\n")
    while len(lines) > 1 and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


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
    return convert([path], "xlsx", folder / "calc", calc=True)[0]


def load_saved(path: Path) -> openpyxl.Workbook:
    """A workbook saved by Calc, opened with openpyxl. Calc writes our print area as whole
    columns (``Plannen!$A:$F``), which openpyxl cannot represent and warns about."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Print area cannot be set", UserWarning)
        return openpyxl.load_workbook(path)


def test_a_workbook_saved_again_by_libreoffice_calc_reads_the_same(
    tmp_path: Path, small: Template
) -> None:
    records = [
        {NAME_COLUMN: "Hoorn", "algemene_gegevens_wat_is_de_status_van_het_plan": "vastgesteld",
         "algemene_gegevens_wanneer_is_het_plan_vastgesteld": dt.date(2025, 3, 14),
         "raad_geinformeerd": True, "algemene_gegevens_wie_is_de_contactpersoon": "=Jan",
         "toelichting": "a\nb  _x0041_ "},
        {NAME_COLUMN: "Edam", "raad_geinformeerd": False, "toelichting": "42"},
        {NAME_COLUMN: "'s-Gravenhage", "algemene_gegevens_wie_is_de_contactpersoon": "'t Harde",
         "toelichting": "€ 12.500,00 per jaar"},
    ]  # fmt: skip
    path = tmp_path / "plannen.xlsx"
    write_workbook(path, small, records)
    # A formula that no program has calculated yet: an error until a spreadsheet saves it.
    fill(path, [{NAME_COLUMN: "Enkhuizen", CONTACT: '=CONCATENATE("Jan"," Jansen")'}], first=7)
    before = read(path, small)
    assert isinstance(before[3], RecordError) and "never calculated" in str(before[3].error)
    saved = saved_by_calc(path, tmp_path)
    with zipfile.ZipFile(saved) as package:
        assert "xl/sharedStrings.xml" in package.namelist()  # Calc's own way of storing text
    after = ok(read(saved, small))
    assert after == {
        **{r[NAME_COLUMN]: {k: v for k, v in r.items() if k != NAME_COLUMN} for r in records},
        "Enkhuizen": {"algemene_gegevens_wie_is_de_contactpersoon": "Jan Jansen"},
    }
    sheet = load_saved(saved)[SHEET]
    # (Headless Calc drops view settings such as frozen panes; the rest of the layout stays.)
    assert sheet.row_dimensions[KEY_ROW].hidden
    assert len(sheet.data_validations.dataValidation) == 3
    # The print setup survives Calc too.
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == (
        "landscape",
        9,
        1,
        0,
    )
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$3"


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


# == issue 13: workbooks as people really fill them ================================================

STATUS_KEY = "algemene_gegevens_wat_is_de_status_van_het_plan"
CONTACT_KEY = "algemene_gegevens_wie_is_de_contactpersoon"
ACCOUNTING_NL = (
    '_-[$€-413]\\ * #,##0.00_-;_-[$€-413]\\ * \\-#,##0.00_-;_-[$€-413]\\ * "-"??_-;_-@_-'
)


def test_currency_typed_in_excel_reads_as_the_cell_shows_it(
    tmp_path: Path, small: Template
) -> None:
    path = new_input(tmp_path, small)
    fill(
        path,
        [
            {NAME_COLUMN: "Hoorn", CONTACT: 12500, TOELICHTING: 12500},
            {NAME_COLUMN: "Edam", CONTACT: -1234.5, TOELICHTING: 0},
        ],
        formats={
            (4, CONTACT): "[$€-413] #,##0.00",
            (4, TOELICHTING): ACCOUNTING_NL,
            (5, CONTACT): '"€" #,##0.00;[Red]"€" -#,##0.00',
            (5, TOELICHTING): ACCOUNTING_NL,
        },
    )
    assert ok(read(path, small)) == {
        "Hoorn": {CONTACT_KEY: "€ 12.500,00", "toelichting": "€ 12.500,00"},
        "Edam": {CONTACT_KEY: "€ -1.234,50", "toelichting": "€ -"},
    }


def calc_typed(tmp_path: Path, small: Template) -> Path:
    """Plans typed into LibreOffice Calc in a Dutch locale, saved by Calc as .xlsx."""
    from corpus.data import Typed, calc_fods, calc_to_xlsx

    header = [NAME_COLUMN, *(f.label for f in small.fields)]
    rows = [
        header,
        ["'s-Hertogenbosch", None, None, None, Typed("€ 12.500,00", currency=12500), "a\nb\n"],
        ["Hoorn", None, None, None, Typed("€ -1.234,50", currency=-1234.5), "Eén regel\n\n"],
        ["Edam", None, None, None, None, Typed("Err:502", formula="SQRT(-1)")],
    ]
    source = tmp_path / "getypt.fods"
    source.write_text(calc_fods(SHEET, rows), encoding="utf-8")
    return calc_to_xlsx(source, tmp_path)


def test_a_workbook_typed_in_calc_reads_as_calc_shows_it(tmp_path: Path, small: Template) -> None:
    saved = calc_typed(tmp_path, small)
    with zipfile.ZipFile(saved) as package:
        styles = package.read("xl/styles.xml").decode()
    assert "[$€-413]" in styles  # Calc's own currency format, not one we wrote
    records = read(saved, small)
    assert ok(records[:2]) == {
        "'s-Hertogenbosch": {CONTACT_KEY: "€ 12.500,00", "toelichting": "a\nb"},
        "Hoorn": {CONTACT_KEY: "€ -1.234,50", "toelichting": "Eén regel"},
    }
    edam = records[2]
    assert isinstance(edam, RecordError) and edam.name == "Edam"
    # Calc shows Err:502 and saves #VALUE!; the message names both, and Dutch Excel's #WAARDE!.
    assert "#VALUE! (Calc: Err:502" in str(edam.error) and "#WAARDE!" in str(edam.error)
    assert "#WAARDE! (Engelstalige Excel: #VALUE!; Calc: Err:502" in edam.dutch


def test_a_trailing_alt_enter_in_a_cell_is_dropped(tmp_path: Path, small: Template) -> None:
    path = new_input(tmp_path, small)
    fill(path, [{NAME_COLUMN: "Hoorn\n", TOELICHTING: "Eerste\nTweede\n\n"}])
    assert ok(read(path, small)) == {"Hoorn": {"toelichting": "Eerste\nTweede"}}


def add_quote_prefix_style(path: Path) -> int:
    """Add the cell style Excel gives text typed after an apostrophe; return its index."""
    found: list[int] = []

    def change(data: bytes) -> bytes:
        root = etree.fromstring(data)
        xfs = root.find(f"{{{MAIN}}}cellXfs")
        assert xfs is not None
        found.append(len(xfs))
        etree.SubElement(
            xfs,
            f"{{{MAIN}}}xf",
            numFmtId="0",
            fontId="0",
            fillId="0",
            borderId="0",
            xfId="0",
            quotePrefix="1",
        )
        xfs.set("count", str(len(xfs)))
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    rewrite_part(path, "xl/styles.xml", change)
    return found[0]


def typed_after_apostrophe(path: Path, cells: Mapping[str, str]) -> None:
    """Store each text as Excel does when a person types an apostrophe and then the text: the
    apostrophe is not stored, the cell's style has quotePrefix."""
    style = add_quote_prefix_style(path)
    for ref, text in cells.items():
        set_cell_xml(
            path, ref, f'<c r="{ref}" s="{style}" t="inlineStr"><is><t>{text}</t></is></c>'
        )


def test_the_apostrophe_excel_hides_is_restored_in_known_names(
    tmp_path: Path, small: Template
) -> None:
    path = new_input(tmp_path, small)
    fill(
        path,
        [
            {NAME_COLUMN: "x", CONTACT: "x", TOELICHTING: "x"},
            {NAME_COLUMN: "x", CONTACT: "x", TOELICHTING: "x"},
            {NAME_COLUMN: "Zandt", CONTACT: "x"},
        ],
    )
    typed_after_apostrophe(
        path,
        {
            "A4": "s-Hertogenbosch",
            "E4": "s-Gravenhage",
            "F4": "s-Hertogenbosch en Vught werken samen.",
            "A5": "s-Gravenhage",
            "E5": "=Jan",  # the apostrophe kept a formula as text: nothing to restore
            "F5": "0612345678",
            "E6": "t Zandt",
        },
    )
    with pytest.warns(DataFileWarning) as caught:
        plans = ok(read(path, small))
    assert plans == {
        "'s-Hertogenbosch": {
            CONTACT_KEY: "'s-Gravenhage",
            "toelichting": "'s-Hertogenbosch en Vught werken samen.",
        },
        "'s-Gravenhage": {CONTACT_KEY: "=Jan", "toelichting": "0612345678"},
        "Zandt": {CONTACT_KEY: "t Zandt"},  # not a municipality: kept, with a warning
    }
    (warning,) = caught
    assert f"{SHEET}!E6" in str(warning.message) and "''t Zandt" in str(warning.message)


def test_the_toelichting_tells_people_to_type_two_apostrophes(
    tmp_path: Path, small: Template
) -> None:
    path = new_input(tmp_path, small)
    texts = [c.value for row in openpyxl.load_workbook(path)[HELP_SHEET].iter_rows() for c in row]
    assert any(isinstance(t, str) and "twee apostrofs (''s-" in t for t in texts)


def test_names_that_start_with_an_apostrophe_are_written_so_excel_keeps_it(
    tmp_path: Path, small: Template
) -> None:
    path = tmp_path / "namen.xlsx"
    write_workbook(path, small, [{NAME_COLUMN: "'s-Gravenhage", CONTACT_KEY: "'t Harde"}])
    sheet = openpyxl.load_workbook(path)[SHEET]
    for ref in ("A4", "E4"):
        assert sheet[ref].quotePrefix, ref  # editing the cell in Excel keeps the apostrophe
    assert ok(read(path, small)) == {"'s-Gravenhage": {CONTACT_KEY: "'t Harde"}}


def test_a_workbook_without_plans_is_a_file_error(tmp_path: Path, small: Template) -> None:
    path = new_input(tmp_path, small)
    with pytest.raises(
        DataFileError, match=re.escape("no plans found in Plannen (rows from 4 on are empty)")
    ) as error:
        read(path, small)
    assert str(path) in str(error.value)


# == issue 11: damaged and hostile workbooks ======================================================


def one_plan(tmp_path: Path, small: Template) -> Path:
    path = tmp_path / "plan.xlsx"
    write_workbook(path, small, [{NAME_COLUMN: "Ede", "toelichting": "a"}])
    return path


def replace_in(path: Path, part: str, old: str, new: str) -> None:
    """Replace the first match of the pattern ``old`` in a part."""

    def change(data: bytes) -> bytes:
        text = data.decode()
        assert re.search(old, text), f"{old} not in {part}"
        return re.sub(old, new, text, count=1).encode()

    rewrite_part(path, part, change)


@pytest.mark.parametrize(
    ("part", "old", "new", "needle"),
    [
        (SHEET_PART, '<row r="4"', '<row r="vier"', r"sheet Plannen: .*row .*'vier'"),
        (SHEET_PART, '<row r="4"', '<row r="2000000"', r"sheet Plannen: .*row 2000000 is beyond"),
        (SHEET_PART, 'r="A4"', 'r="4A"', r"sheet Plannen, row 4: .*'4A' is not a cell reference"),
        (SHEET_PART, 'r="A4"', 'r="Ax"', r"sheet Plannen, row 4: .*'Ax' is not a cell reference"),
        (SHEET_PART, r'(<c r="A4"[^>]*) s="\d+"', r'\1 s="x"', r"sheet Plannen, cell A4: .*'x'"),
        (
            "xl/styles.xml",
            r'(<cellXfs[^>]*>\s*<xf) numFmtId="\d+"',
            r'\1 numFmtId="nul"',
            r"styles\.xml .*'nul'",
        ),
    ],
)
def test_damaged_cell_attributes_are_file_errors_naming_sheet_and_cell(
    tmp_path: Path, small: Template, part: str, old: str, new: str, needle: str
) -> None:
    path = one_plan(tmp_path, small)
    replace_in(path, part, old, new)
    with pytest.raises(DataFileError, match=needle) as error:
        read(path, small)
    assert str(path) in str(error.value)


def test_a_shared_string_index_that_is_no_number_is_a_file_error(
    tmp_path: Path, small: Template
) -> None:
    path = one_plan(tmp_path, small)
    to_shared_strings(path)
    text = zipfile.ZipFile(path).read(SHEET_PART).decode()
    cell = re.search(r'<c r="A4"[^>]*><v>(\d+)</v>', text)
    assert cell is not None
    replace_in(
        path, SHEET_PART, re.escape(cell.group(0)), cell.group(0).replace(cell.group(1), "²")
    )
    with pytest.raises(DataFileError, match=r"sheet Plannen, cell A4: .*shared string '²'"):
        read(path, small)


def test_a_shared_strings_zip_bomb_is_refused_before_it_is_inflated(
    tmp_path: Path, small: Template
) -> None:
    from corpus.data import shared_strings_bomb

    path = one_plan(tmp_path, small)
    honest = tmp_path / "bom.xlsx"
    honest.write_bytes(shared_strings_bomb(path.read_bytes(), 160 * 1024 * 1024))
    assert honest.stat().st_size < 1024 * 1024
    with pytest.raises(DataFileError, match=r"sharedStrings\.xml declares 1\d\d MB .*zip bomb"):
        read(honest, small)
    lying = tmp_path / "leugen.xlsx"
    lying.write_bytes(shared_strings_bomb(path.read_bytes(), 160 * 1024 * 1024, declared=4096))
    with pytest.raises(DataFileError, match=r"damaged workbook"):
        read(lying, small)


def test_parts_that_declare_more_than_the_total_limit_are_refused(
    tmp_path: Path, small: Template
) -> None:
    from corpus.data import many_large_parts

    path = tmp_path / "groot.xlsx"
    path.write_bytes(many_large_parts(one_plan(tmp_path, small).read_bytes(), 5, 110 << 20))
    with pytest.raises(DataFileError, match=r"the parts declare 5\d\d MB .*limit 512 MB"):
        read(path, small)


def test_runs_of_empty_rows_are_skipped_before_any_record_is_built(
    tmp_path: Path, small: Template, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = new_input(tmp_path, small)
    fill(path, [{NAME_COLUMN: "Ede", TOELICHTING: "eerste"}])
    empty = "".join(
        f'<row r="{n}"/>' if n % 2 else f'<row r="{n}"><c r="A{n}" s="1"/><c r="F{n}" s="1"/></row>'
        for n in range(5, 300_005)
    )
    last = '<row r="300005"><c r="A300005" t="inlineStr"><is><t>Epe</t></is></c></row>'

    def change(data: bytes) -> bytes:
        return data.replace(b"</sheetData>", (empty + last).encode() + b"</sheetData>")

    rewrite_part(path, SHEET_PART, change)
    built: list[str] = []
    original = RecordBuilder.build

    def counting(self: RecordBuilder, name: object, cells: object, where: str) -> object:
        built.append(where)
        return original(self, name, cells, where)  # type: ignore[arg-type]

    monkeypatch.setattr(RecordBuilder, "build", counting)
    records = read(path, small)
    assert [r.name for r in records] == ["Ede", "Epe"]
    assert len(built) == 2, f"{len(built):,} rows were built into records"


def test_a_template_with_more_questions_than_columns_is_refused(tmp_path: Path) -> None:
    count = 16_384  # with the name column, one more than a sheet has (the last is XFD)
    body = "".join(p(plain_run(None, tag=f"vraag{n}", alias=None)) for n in range(count))
    template = Template.open(build_docx(body), name="veel.docx")
    assert len(template.fields) == count
    target = tmp_path / "veel.xlsx"
    with pytest.raises(TemplateError, match=r"veel\.docx: has 16,384 questions .* 16,383"):
        write_workbook(target, template)
    assert not target.exists()


def _greedy_lines(text: str, width: float) -> int:
    """Greedy word wrap, word by word: the reference the row heights are checked against."""
    chars = max(int(width * 0.9) - 1, 4)
    total = 0
    for part in text.split("\n"):
        lines, used = 1, 0
        for word in part.split():
            size = len(word)
            if used and used + 1 + size <= chars:
                used += 1 + size
                continue
            if used:
                lines += 1
            lines += (size - 1) // chars  # a long word fills whole lines
            used = size - (size - 1) // chars * chars
        total += lines
    return total


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet="ab \n\tcd-", max_size=200),
    st.sampled_from([4.0, 5.0, 8.0, 14.0, 30.0, 45.0, 60.0]),
)
def test_wrapped_line_count_is_a_greedy_word_wrap(text: str, width: float) -> None:
    from docx_aanpak.excel import _lines

    assert _lines(text, width) == _greedy_lines(text, width)


def test_dates_excel_has_no_serial_for_are_written_as_their_text(
    tmp_path: Path, small: Template
) -> None:
    """Excel's date serials start in 1900 (and count a 29 February 1900 that never was): an
    older date goes into the cell as the text it shows, and reads back as the same date."""
    key = next(f.key for f in small.fields if f.kind == Kind.DATE)
    path = tmp_path / "oud.xlsx"
    dates = {"Ede": dt.date(1800, 5, 4), "Epe": dt.date(1900, 2, 28), "Ens": dt.date(1900, 3, 1)}
    write_workbook(path, small, [{NAME_COLUMN: n, key: d} for n, d in dates.items()])
    assert ok(read(path, small)) == {n: {key: d} for n, d in dates.items()}
    sheet = openpyxl.load_workbook(path)[SHEET]
    assert [sheet.cell(r, 3).value for r in (4, 5)] == ["4-5-1800", "28-2-1900"]
    assert sheet.cell(6, 3).value == dt.datetime(1900, 3, 1)
    assert_valid(path)
