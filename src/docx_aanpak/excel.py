"""The input workbook: written from a template (empty or with plans), read back into records.

The layout, in Dutch for the people who fill it:

* sheet **Plannen**, one row per plan. Column A is ``Gemeente`` (the plan's name), then one column
  per question in document order. Row 1 groups the columns by section (merged, coloured per
  section), row 2 shows the questions, row 3 (hidden, small grey) holds the field keys and row 4
  is the first plan. The name column and the three header rows stay in view (panes frozen at B4).
* list questions get a dropdown of the texts shown in Word (from the hidden sheet **Lijsten**,
  because Excel limits lists typed into a validation to 255 characters), date questions a date
  check and the format ``d-m-yyyy``, checkboxes a WAAR/ONWAAR list;
* sheet **Toelichting** explains all this.

Reading maps columns by the key row, so moved and deleted columns still work; without a key row it
maps the questions in the header row. The sheet is streamed: rows are read one at a time straight
from the sheet's XML, and the shared strings table goes to a temporary file, so memory stays flat
however many plans the workbook holds. Formulas count with the value Excel calculated; a formula
that was never calculated (a workbook written by a program and never opened in Excel) is an error
on that row.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from copy import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from . import _ooxml as ox
from .controls import Kind
from .document import atomic_write
from .errors import DataFileError, OutputExistsError, Problem, TemplateError, ValidationError
from .records import (
    FALSE_TEXT,
    NAME_COLUMN,
    TABLE_KINDS,
    TRUE_TEXT,
    ColumnResolver,
    PlanRecord,
    RawCell,
    RecordBuilder,
    RecordError,
    check_columns,
    name_problem,
)
from .scan import Field
from .template import Template
from .xlsx import MAX_COLUMN as MAX_COLUMNS
from .xlsx import SPREADSHEET_NS, CellValue, XlsxReader

__all__ = [
    "DATE_FORMAT",
    "FIRST_ROW",
    "HEADER_ROW",
    "HELP_SHEET",
    "KEY_ROW",
    "LISTS_SHEET",
    "MAX_COLUMNS",
    "SECTION_ROW",
    "SHEET",
    "build_workbook",
    "columns",
    "print_setup",
    "read_workbook",
    "row_height",
    "save_workbook",
    "workbook_bytes",
    "write_text",
    "write_workbook",
]

SHEET = "Plannen"
LISTS_SHEET = "Lijsten"
HELP_SHEET = "Toelichting"
SECTION_ROW = 1
HEADER_ROW = 2
KEY_ROW = 3
FIRST_ROW = 4
KEY_LABEL = "sleutel"
DATE_FORMAT = "d-m-yyyy"
MAX_CELL_TEXT = 32_767  # Excel's limit per cell
_LAST_ROW = 1_048_576

_WIDTH_NAME = 30
_WIDTH_TEXT = 45
_WIDTH_SHORT = 14
_WIDTH_LIST = 30
_LINE_HEIGHT = 15.0  # points per line of 11 pt Calibri
_SECTION_FILLS = ("FFDDEBF7", "FFE2EFDA")  # light blue, light green: alternating per section
_NAME_FILL = "FFD9D9D9"
_KEY_FONT = Font(name="Calibri", size=8, family=2, scheme="minor", color="FF808080")
_BOLD = Font(name="Calibri", size=11, family=2, scheme="minor", bold=True)
_TITLE = Font(name="Calibri", size=14, family=2, scheme="minor", bold=True)
_ANSWER = Alignment(wrap_text=True, vertical="top")
_HEADER = Alignment(wrap_text=True, vertical="top")
_SECTION = Alignment(wrap_text=True, vertical="center")
_FORMULA_START = ("=", "+", "-", "@", "'")
_ESCAPE_LIKE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")


def _sheet_ref(name: str) -> str:
    """A sheet name as a formula or cell reference writes it: quoted only when needed."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", name):
        return name
    return "'" + name.replace("'", "''") + "'"


def columns(template: Template) -> list[Field]:
    """The fields that get a column, in document order (a repeating section does not fit)."""
    return [f for f in template.fields if f.kind in TABLE_KINDS]


# == writing ===================================================================================


def _width(field: Field) -> float:
    if field.kind in (Kind.DATE, Kind.CHECKBOX):
        return _WIDTH_SHORT
    if field.kind in (Kind.DROPDOWN, Kind.COMBO_BOX):
        longest = max((len(c.display) for c in field.choices), default=0)
        return max(_WIDTH_SHORT, min(_WIDTH_TEXT, longest + 4, _WIDTH_LIST))
    return _WIDTH_TEXT


def _lines(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column of this width (bold text: ~0.9 char per unit):
    words wrap greedily at spaces, a word longer than a line is cut, as a spreadsheet shows it."""
    chars = max(int(width * 0.9) - 1, 4)
    total = 0
    for part in text.split("\n"):
        if len(part) <= chars:
            total += 1
            continue
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


def _height(lines: int) -> float:
    return min(409.0, lines * _LINE_HEIGHT + 3)


def row_height(texts: Iterable[tuple[str, float]]) -> float | None:
    """The height of a row whose cells show these (text, column width) pairs wrapped, as the
    header rows get theirs; None when every text fits on one line (the default height)."""
    lines = max((_lines(text, width) for text, width in texts if text), default=1)
    return _height(lines) if lines > 1 else None


def _sections(fields: list[Field]) -> list[tuple[str, int, int]]:
    """(title, first column, last column) for each run of columns in one section."""
    runs: list[tuple[str, int, int]] = []
    for number, item in enumerate(fields, 2):
        if runs and runs[-1][0] == item.section:
            runs[-1] = (item.section, runs[-1][1], number)
        else:
            runs.append((item.section, number, number))
    return runs


def _cell(sheet: Worksheet, row: int, column: int) -> Cell:
    cell = sheet.cell(row, column)
    assert isinstance(cell, Cell), f"{cell.coordinate} is inside merged cells"
    return cell


def write_text(cell: Cell, text: str) -> None:
    """Text stays text: never a formula, and ``_x0041_`` is not read back as an escape. Text
    that starts with an apostrophe (``'s-Gravenhage``) gets Excel's quotePrefix too, so that
    editing the cell in Excel does not swallow the apostrophe."""
    cell.value = _ESCAPE_LIKE.sub("_x005F_", text)
    cell.data_type = "s"
    if text.startswith(_FORMULA_START):
        cell.quotePrefix = True


def _kind_text(field: Field) -> str:
    if field.kind == Kind.DATE:
        return "datum"
    if field.kind == Kind.CHECKBOX:
        return "WAAR of ONWAAR"
    if field.kind in (Kind.DROPDOWN, Kind.COMBO_BOX) and field.choices:
        choices = ", ".join(c.display for c in field.choices)
        return f"keuzelijst: {choices}" if field.kind == Kind.DROPDOWN else f"tekst of: {choices}"
    if field.kind == Kind.PICTURE:
        return "pad naar een afbeelding"
    if field.kind == Kind.PLAIN_TEXT and not field.multiline:
        return "tekst (één regel)"
    return "tekst"


def _help_texts(template: Template, fields: list[Field]) -> list[str]:
    kinds = {f.kind for f in fields}
    texts = [
        f"Dit werkboek hoort bij het sjabloon {template.name}. Elke rij op het blad {SHEET} is "
        "één plan; uit elke rij wordt één Word-document gemaakt.",
        f"Kolom A ({NAME_COLUMN}): de naam van het plan. Die naam wordt de titel en de "
        "bestandsnaam van het document. Elke naam mag maar één keer voorkomen.",
        f"Rij {SECTION_ROW} toont de onderdelen van het plan, rij {HEADER_ROW} de vragen. Vul de "
        f"antwoorden in vanaf rij {FIRST_ROW}, één plan per rij.",
        f"Rij {KEY_ROW} is verborgen en koppelt elke kolom aan een vraag in het sjabloon. Wijzig "
        "of verwijder die rij niet. Kolommen verplaatsen of weglaten mag: een ontbrekende kolom "
        "betekent dat de vraag open blijft.",
        "Een lege cel betekent: de vraag blijft open (in Word blijft de grijze invultekst staan).",
        "Een nieuwe regel binnen een cel maakt u met Alt+Enter (op een Mac: Control+Option+Enter). "
        "Elke regel wordt in Word een nieuwe alinea, of een nieuwe regel bij een vraag van één "
        "alinea.",
        "Tekst die begint met =, +, - of @ ziet Excel als formule: typ er een apostrof (') voor. "
        "Formules mogen wel; dan telt de uitkomst. Sla het werkboek op in Excel voordat u het "
        "inleest, anders is die uitkomst nog niet berekend.",
        "Tekst die zelf met een apostrof begint, zoals 's-Heerenberg of 't Zandt: typ twee "
        "apostrofs (''s-Heerenberg). Excel verbergt de eerste apostrof en bewaart de tweede. "
        "Gemeentenamen als 's-Gravenhage en 's-Hertogenbosch worden ook met één apostrof "
        "herkend.",
    ]
    if Kind.DROPDOWN in kinds:
        texts.append(
            "Vragen met een keuzelijst: klik op de cel en kies het antwoord met het pijltje "
            "rechts van de cel. Andere antwoorden worden niet geaccepteerd."
        )
    if Kind.DATE in kinds:
        texts.append(
            "Datumvragen: typ de datum als 14-3-2025 (dag-maand-jaar). Ook 14 maart 2025 en "
            "2025-03-14 worden herkend."
        )
    if Kind.CHECKBOX in kinds:
        texts.append(
            "Selectievakjes: kies WAAR (aangevinkt) of ONWAAR (niet aangevinkt). Ook ja/nee en "
            "x worden herkend."
        )
    texts.append(
        f"Wijzig de naam van het blad {SHEET} niet en laat de bladen {HELP_SHEET} en "
        f"{LISTS_SHEET} staan."
    )
    return texts


def _help_sheet(sheet: Worksheet, template: Template, fields: list[Field]) -> None:
    sheet.column_dimensions["A"].width = 36
    sheet.column_dimensions["B"].width = 60
    sheet.column_dimensions["C"].width = 36
    title = sheet.cell(1, 1, "Zo vult u dit werkboek in")
    title.font = _TITLE
    row = 3
    for number, text in enumerate(_help_texts(template, fields), 1):
        sheet.cell(row, 1, f"{number}.").alignment = Alignment(vertical="top", horizontal="right")
        sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=3)
        cell = _cell(sheet, row, 2)
        write_text(cell, text)
        cell.alignment = _ANSWER
        sheet.row_dimensions[row].height = _height(_lines(text, 96 / 0.9))
        row += 1
    row += 1
    for column, text in enumerate(("Onderdeel", "Vraag", "Antwoord"), 1):
        sheet.cell(row, column, text).font = _BOLD
    for item in fields:
        row += 1
        for column, text in enumerate((item.section, item.label, _kind_text(item)), 1):
            cell = _cell(sheet, row, column)
            write_text(cell, text)
            cell.alignment = _ANSWER


def _validations(sheet: Worksheet, lists: Worksheet, fields: list[Field]) -> None:
    dates = DataValidation(
        type="date",
        operator="between",
        formula1="1",
        formula2="2958465",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Geen datum",
        error="Vul een datum in, bijvoorbeeld 14-3-2025.",
    )
    checks = DataValidation(
        type="list",
        formula1=f'"{TRUE_TEXT},{FALSE_TEXT}"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="WAAR of ONWAAR",
        error="Kies WAAR (aangevinkt) of ONWAAR (niet aangevinkt).",
    )
    list_column = 0
    found: list[DataValidation] = []
    for number, item in enumerate(fields, 2):
        letter = get_column_letter(number)
        cells = f"{letter}{FIRST_ROW}:{letter}{_LAST_ROW}"
        if item.kind == Kind.DATE:
            dates.add(cells)
        elif item.kind == Kind.CHECKBOX:
            checks.add(cells)
        elif item.kind == Kind.DROPDOWN and item.choices:
            list_column += 1
            source = get_column_letter(list_column)
            write_text(_cell(lists, 1, list_column), item.label)
            lists.cell(1, list_column).font = _BOLD
            for row, choice in enumerate(item.choices, 2):
                write_text(_cell(lists, row, list_column), choice.display)
            lists.column_dimensions[source].width = _WIDTH_LIST
            last = len(item.choices) + 1
            dropdown = DataValidation(
                type="list",
                formula1=f"{_sheet_ref(LISTS_SHEET)}!${source}$2:${source}${last}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="Kies uit de lijst",
                error="Kies een antwoord uit de lijst (pijltje rechts van de cel).",
            )
            dropdown.add(cells)
            found.append(dropdown)
    for validation in (dates, checks, *found):
        if validation.sqref.ranges:
            sheet.add_data_validation(validation)


def _layout(sheet: Worksheet, fields: list[Field]) -> None:
    name = sheet.column_dimensions["A"]
    name.width = _WIDTH_NAME
    fill = PatternFill("solid", fgColor=_NAME_FILL)
    header = sheet.cell(HEADER_ROW, 1, NAME_COLUMN)
    header.font, header.alignment, header.fill = _BOLD, _HEADER, fill
    sheet.cell(SECTION_ROW, 1).fill = fill
    key = sheet.cell(KEY_ROW, 1, KEY_LABEL)
    key.font = _KEY_FONT
    section_lines = header_lines = 1
    for index, (title, first, last) in enumerate(_sections(fields)):
        fill = PatternFill("solid", fgColor=_SECTION_FILLS[index % 2])
        cell = _cell(sheet, SECTION_ROW, first)
        write_text(cell, title)
        cell.font, cell.alignment = _BOLD, _SECTION
        for column in range(first, last + 1):
            sheet.cell(SECTION_ROW, column).fill = fill
            sheet.cell(HEADER_ROW, column).fill = fill
        if last > first:
            sheet.merge_cells(
                start_row=SECTION_ROW, start_column=first, end_row=SECTION_ROW, end_column=last
            )
        width = sum(_width(fields[c - 2]) for c in range(first, last + 1))
        section_lines = max(section_lines, _lines(title, width))
    for number, item in enumerate(fields, 2):
        letter = get_column_letter(number)
        dimension = sheet.column_dimensions[letter]
        dimension.width = _width(item)
        dimension.alignment = _ANSWER
        if item.kind == Kind.DATE:
            dimension.number_format = DATE_FORMAT
        cell = _cell(sheet, HEADER_ROW, number)
        write_text(cell, item.label)
        cell.font, cell.alignment = _BOLD, _HEADER
        header_lines = max(header_lines, _lines(item.label, _width(item)))
        write_text(_cell(sheet, KEY_ROW, number), item.key)
        sheet.cell(KEY_ROW, number).font = _KEY_FONT
    sheet.row_dimensions[SECTION_ROW].height = _height(section_lines)
    sheet.row_dimensions[HEADER_ROW].height = _height(header_lines)
    sheet.row_dimensions[KEY_ROW].hidden = True
    sheet.freeze_panes = f"B{FIRST_ROW}"


def _write_value(cell: Cell, field: Field, value: object) -> None:
    if field.kind == Kind.DATE and isinstance(value, dt.date):
        cell.value = value.date() if isinstance(value, dt.datetime) else value
        cell.number_format = DATE_FORMAT
    elif field.kind == Kind.CHECKBOX:
        write_text(cell, TRUE_TEXT if value else FALSE_TEXT)
    elif field.kind in (Kind.DROPDOWN, Kind.COMBO_BOX):
        text = str(value)
        write_text(cell, next((c.display for c in field.choices if c.value == text), text))
    else:
        write_text(cell, str(value))


def _rows(
    template: Template, fields: list[Field], records: Iterable[Mapping[str, object]]
) -> Iterator[tuple[str, dict[str, object]]]:
    """Validated (name, values) of each record; a ValidationError names the record."""
    by_key = {f.key: f for f in fields}
    for number, record in enumerate(records, 1):
        raw_name = record.get(NAME_COLUMN)
        name = "" if raw_name is None else str(raw_name).strip()
        shown = f"record {number}" + (f" ({name})" if name else "")
        values = {k: v for k, v in record.items() if k != NAME_COLUMN}
        wrong_name = name_problem(name)
        if wrong_name:
            raise ValidationError([Problem(wrong_name, label=NAME_COLUMN)], context=shown)
        try:
            validated = template.validate(values)
        except ValidationError as e:
            raise ValidationError(e.problems, context=shown) from None
        long = [
            Problem(
                f"has {len(str(v))} characters; an Excel cell holds at most {MAX_CELL_TEXT}",
                key=k,
                label=by_key[k].label,
            )
            for k, v in validated.items()
            if k in by_key and isinstance(v, str) and len(v) > MAX_CELL_TEXT
        ]
        if long:
            raise ValidationError(long, context=shown)
        yield name, validated


def build_workbook(template: Template, records: Iterable[Mapping[str, object]] = ()) -> Workbook:
    """The input workbook in memory (for callers that add sheets); save it with
    :func:`save_workbook`. Raises :class:`ValidationError` naming a record that does not fit."""
    fields = columns(template)
    if len(fields) >= MAX_COLUMNS:
        raise TemplateError(
            template.name,
            f"has {len(fields):,} questions that need a column; a sheet has {MAX_COLUMNS:,} "
            f"columns (the last is XFD), so a workbook holds at most {MAX_COLUMNS - 1:,} besides "
            f"the column {NAME_COLUMN}. Fill this template from JSON instead",
        )
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    help_sheet = book.create_sheet(HELP_SHEET)
    lists = book.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    _layout(sheet, fields)
    _validations(sheet, lists, fields)
    _help_sheet(help_sheet, template, fields)
    answer: StyleArray | None = None
    for row, (name, values) in enumerate(_rows(template, fields, records), FIRST_ROW):
        name_cell = _cell(sheet, row, 1)
        if answer is None:
            name_cell.alignment = _ANSWER
            answer = copy(name_cell._style)  # type: ignore[attr-defined]
        # Every answer cell starts with the same style (wrapped, top): copied as openpyxl copies
        # cells, instead of looking the alignment up in the workbook's style list for each cell.
        name_cell._style = copy(answer)  # type: ignore[attr-defined]
        write_text(name_cell, name)
        texts = [(name, float(_WIDTH_NAME))]
        for number, item in enumerate(fields, 2):
            value = values.get(item.key)
            if value is not None:
                cell = _cell(sheet, row, number)
                cell._style = copy(answer)  # type: ignore[attr-defined]
                _write_value(cell, item, value)
                if isinstance(value, str):
                    texts.append((value, _width(item)))
        height = row_height(texts)
        if height is not None:
            sheet.row_dimensions[row].height = height
    book.active = 0
    return book


def write_workbook(
    path: str | os.PathLike[str],
    template: Template,
    records: Iterable[Mapping[str, object]] = (),
    *,
    overwrite: bool = False,
) -> None:
    """Write the input workbook of ``template``: empty, or one row per record.

    A record maps ``"Gemeente"`` to the plan's name and field keys to values (``None``: no
    answer); :func:`read_workbook` reads the same values back. The file is written at once (no
    half-written workbook); an existing file is kept unless ``overwrite``.
    """
    if not overwrite and Path(path).exists():
        raise OutputExistsError(str(path))
    save_workbook(build_workbook(template, records), path, overwrite=overwrite)


def print_setup(sheet: Worksheet) -> None:
    """Set a sheet up for printing: landscape A4, one page wide (as many pages down as needed),
    the header rows (those above the frozen panes) on every page, and the used columns as the
    print area (whole columns: rows people add later print too)."""
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    frozen = sheet.freeze_panes
    if frozen:
        header = int(frozen.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) - 1
        if header > 0:
            sheet.print_title_rows = f"1:{header}"
    sheet.print_area = f"A1:{get_column_letter(max(sheet.max_column, 1))}{_LAST_ROW}"


def workbook_bytes(book: Workbook) -> bytes:
    """An openpyxl workbook as .xlsx bytes that pass the Open XML SDK validator; every visible
    sheet is set up for printing (:func:`print_setup`)."""
    for sheet in book.worksheets:
        if sheet.sheet_state == "visible":
            print_setup(sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return _excel_font_order(buffer.getvalue())


def save_workbook(book: Workbook, path: str | os.PathLike[str], *, overwrite: bool = False) -> None:
    """Save a workbook at once (a temporary file, then a rename), as Excel orders its styles."""
    atomic_write(path, workbook_bytes(book), overwrite=overwrite)


# The order Excel writes (and the Open XML SDK requires) inside <font>; openpyxl writes name,
# family and color before sz, which Excel accepts but the schema validator rejects.
_FONT_ORDER = {
    name: rank
    for rank, name in enumerate(
        ("b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign", "sz",
         "color", "name", "family", "charset", "scheme")
    )
}  # fmt: skip
_STYLES_PART = "xl/styles.xml"


def _excel_font_order(package: bytes) -> bytes:
    """The saved workbook with the children of every ``<font>`` in Excel's order."""
    source = zipfile.ZipFile(io.BytesIO(package))
    output = io.BytesIO()
    with source, zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == _STYLES_PART:
                root = ox.parse(data)
                for font in root.iter(f"{{{SPREADSHEET_NS}}}font"):
                    font[:] = sorted(font, key=lambda e: _FONT_ORDER.get(ox.local_name(e), 99))
                data = ox.serialize(root)
            target.writestr(info, data)
    return output.getvalue()


# == reading: the layout =========================================================================

_HEADER_SCAN = 10  # the header row ("Gemeente") must be among the first rows


@dataclass(frozen=True)
class _Columns:
    name: int
    fields: dict[int, Field]
    first_data_row: int


def _text(value: CellValue | None) -> str | None:
    return value.value if value is not None and isinstance(value.value, str) else None


def _find_columns(
    workbook: XlsxReader,
    sheet: str,
    rows: list[tuple[int, dict[int, CellValue]]],
    resolver: ColumnResolver,
) -> _Columns:
    place = f"{workbook.path}, sheet {sheet}"
    header = next(
        (
            (n, cells)
            for n, cells in rows
            if any(resolver.is_name(_text(v)) for v in cells.values())
        ),
        None,
    )
    if header is None:
        raise DataFileError(
            f"{place}: no column '{NAME_COLUMN}' in the header (row {HEADER_ROW}); make the "
            "workbook with `docx-aanpak excel`"
        )
    header_row, header_cells = header
    names = [c for c, v in header_cells.items() if resolver.is_name(_text(v))]
    if len(names) > 1:
        letters = " and ".join(f"{get_column_letter(c)}{header_row}" for c in names)
        raise DataFileError(f"{place}: two columns '{NAME_COLUMN}' ({letters}); keep one")
    name = names[0]
    key_cells = next((cells for n, cells in rows if n == header_row + 1), {})
    labelled = (_text(key_cells.get(name)) or "").strip().casefold() == KEY_LABEL
    keys = {
        c: text for c, v in key_cells.items() if c != name and (text := _text(v)) and text.strip()
    }
    fields: dict[int, Field] = {}
    where: dict[int, str] = {}
    # The key row holds keys (known ones, or unknown ones under "sleutel": an error below); a
    # key row without any key, or no key row at all, leaves the questions in the header.
    if any(t.strip() in resolver.by_key for t in keys.values()) or (labelled and keys):
        for column, text in sorted(keys.items()):
            cell = f"{_sheet_ref(sheet)}!{get_column_letter(column)}{header_row + 1}"
            where[column] = f"{workbook.path}, cell {cell}"
            fields[column] = resolver.key(text, where[column])
        first = header_row + 2
    else:
        hint = (
            f"put the field keys back in row {header_row + 1} (make a new workbook with "
            "`docx-aanpak excel` and copy the answers into it)"
        )
        for column, value in sorted(header_cells.items()):
            text = _text(value)
            if column == name or text is None or not text.strip():
                continue
            cell = f"{_sheet_ref(sheet)}!{get_column_letter(column)}{header_row}"
            where[column] = f"{workbook.path}, cell {cell}"
            fields[column] = resolver.key_or_label(text, where[column], hint=hint)
        first = header_row + (2 if labelled else 1)
    check_columns(fields, where)
    return _Columns(name, fields, first)


def read_workbook(
    path: str | os.PathLike[str], template: Template
) -> Iterator[PlanRecord | RecordError]:
    """Every plan on the sheet Plannen, streamed row by row.

    A workbook that cannot be read (no such file, not a workbook, no sheet Plannen, no column
    Gemeente, an unknown key in the key row) raises :class:`DataFileError` when iteration starts;
    a row with bad answers, no name or a name used before is yielded as a :class:`RecordError`.
    """
    source = Path(path)
    workbook = XlsxReader(source)
    try:
        sheet, part = workbook.find_sheet(SHEET)
        rows = workbook.rows(part, sheet)
        head: list[tuple[int, dict[int, CellValue]]] = []
        for item in rows:
            head.append(item)
            if len(head) >= _HEADER_SCAN:
                break
        layout = _find_columns(workbook, sheet, head, ColumnResolver(template))
        builder = RecordBuilder(template, base=source.parent)
        prefix = _sheet_ref(sheet)

        letters = {c: get_column_letter(c) for c in (layout.name, *layout.fields)}
        empty = CellValue(None, None)
        wanted = {layout.name, *layout.fields}

        def build(number: int, cells: dict[int, CellValue]) -> PlanRecord | RecordError | None:
            where = f"{source.name}, {sheet} row {number}"

            def raw(column: int) -> RawCell:
                value = cells.get(column, empty)
                ref = f"{prefix}!{letters[column]}{number}"
                return RawCell(
                    value.value,
                    ref,
                    value.number_format,
                    value.problem,
                    value.dutch,
                    value.quoted,
                )

            answers = {f.key: raw(c) for c, f in layout.fields.items()}
            return builder.build(raw(layout.name), answers, where)

        found = False
        for number, cells in _chain(head, rows):
            if number < layout.first_data_row or wanted.isdisjoint(cells):
                continue  # a header row, or a row without a value in a column that counts
            record = build(number, cells)
            if record is not None:
                found = True
                yield record
        if not found:
            raise DataFileError(
                f"{source}: no plans found in {sheet} (rows from {layout.first_data_row} on are "
                "empty)"
            )
    finally:
        workbook.close()


def _chain(head: list[Any], rest: Iterator[Any]) -> Iterator[Any]:
    yield from head
    head.clear()
    yield from rest
