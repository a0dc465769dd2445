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
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
from .workbook import (
    FIRST_SERIAL_DATE,
    MAX_CELL_TEXT,
    MAX_ROW,
    Sheet,
    Style,
    Validation,
    Workbook,
    column_letter,
)
from .workbook import MAX_COLUMN as MAX_COLUMNS

if TYPE_CHECKING:
    from .xlsx import CellValue, XlsxReader

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
    "read_workbook",
    "row_height",
    "save_workbook",
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

_WIDTH_NAME = 30
_WIDTH_TEXT = 45
_WIDTH_SHORT = 14
_WIDTH_LIST = 30
_LINE_HEIGHT = 15.0  # points per line of 11 pt Calibri
_SECTION_FILLS = ("FFDDEBF7", "FFE2EFDA")  # light blue, light green: alternating per section
_NAME_FILL = "FFD9D9D9"
_FORMULA_START = ("=", "+", "-", "@", "'")

ANSWER = Style(wrap=True, vertical="top")
"""An answer cell: wrapped, at the top."""
_PLAIN = Style()
_BOLD = Style(bold=True)
_TITLE = Style(bold=True, size=14)
_KEY = Style(size=8, color="FF808080")
_HEADER = Style(bold=True, wrap=True, vertical="top")
_SECTION = Style(bold=True, wrap=True, vertical="center")
_NUMBER = Style(vertical="top", horizontal="right")
_DATE = replace(ANSWER, number_format=DATE_FORMAT)


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
    line = _line_pattern(chars)
    total = 0
    for part in text.split("\n"):
        if len(part) <= chars:
            total += 1
            continue
        words = " ".join(part.split())
        position, end = 0, len(words)
        total += 1 if not words else 0
        while position < end:
            total += 1
            found = line.match(words, position)
            # The longest run of whole words that fits, else the first ``chars`` of a long word.
            position = found.end() + 1 if found else position + chars
    return total


@cache
def _line_pattern(chars: int) -> re.Pattern[str]:
    return re.compile(f".{{1,{chars}}}(?= |$)")


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


def write_text(sheet: Sheet, row: int, column: int, text: str, style: Style = ANSWER) -> None:
    """Text stays text: never a formula. Text that starts like a formula, or with an apostrophe
    (``'s-Gravenhage``), gets Excel's quote prefix too, so that editing the cell in Excel does
    not make it a formula or swallow the apostrophe."""
    if text.startswith(_FORMULA_START):
        style = replace(style, quote_prefix=True)
    sheet.set(row, column, text, style)


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


def _help_sheet(sheet: Sheet, template: Template, fields: list[Field]) -> None:
    sheet.column(1, 36)
    sheet.column(2, 60)
    sheet.column(3, 36)
    sheet.set(1, 1, "Zo vult u dit werkboek in", _TITLE)
    row = 3
    for number, text in enumerate(_help_texts(template, fields), 1):
        sheet.set(row, 1, f"{number}.", _NUMBER)
        sheet.merge(row, 2, row, 3)
        write_text(sheet, row, 2, text)
        sheet.height(row, _height(_lines(text, 96 / 0.9)))
        row += 1
    row += 1
    for column, text in enumerate(("Onderdeel", "Vraag", "Antwoord"), 1):
        sheet.set(row, column, text, _BOLD)
    for item in fields:
        row += 1
        for column, text in enumerate((item.section, item.label, _kind_text(item)), 1):
            write_text(sheet, row, column, text)


def _validations(sheet: Sheet, lists: Sheet, fields: list[Field]) -> None:
    dates: list[str] = []
    checks: list[str] = []
    dropdowns: list[Validation] = []
    list_column = 0
    for number, item in enumerate(fields, 2):
        letter = column_letter(number)
        cells = f"{letter}{FIRST_ROW}:{letter}{MAX_ROW}"
        if item.kind == Kind.DATE:
            dates.append(cells)
        elif item.kind == Kind.CHECKBOX:
            checks.append(cells)
        elif item.kind == Kind.DROPDOWN and item.choices:
            list_column += 1
            source = column_letter(list_column)
            write_text(lists, 1, list_column, item.label, _BOLD)
            for row, choice in enumerate(item.choices, 2):
                write_text(lists, row, list_column, choice.display, _PLAIN)
            lists.column(list_column, _WIDTH_LIST)
            last = len(item.choices) + 1
            dropdowns.append(
                Validation(
                    "list",
                    [cells],
                    f"{_sheet_ref(LISTS_SHEET)}!${source}$2:${source}${last}",
                    error_title="Kies uit de lijst",
                    error="Kies een antwoord uit de lijst (pijltje rechts van de cel).",
                )
            )
    if dates:
        sheet.validate(
            Validation(
                "date",
                dates,
                "1",
                "2958465",
                operator="between",
                error_title="Geen datum",
                error="Vul een datum in, bijvoorbeeld 14-3-2025.",
            )
        )
    if checks:
        sheet.validate(
            Validation(
                "list",
                checks,
                f'"{TRUE_TEXT},{FALSE_TEXT}"',
                error_title="WAAR of ONWAAR",
                error="Kies WAAR (aangevinkt) of ONWAAR (niet aangevinkt).",
            )
        )
    for validation in dropdowns:
        sheet.validate(validation)


def _layout(sheet: Sheet, fields: list[Field]) -> None:
    sheet.column(1, _WIDTH_NAME)
    sheet.set(SECTION_ROW, 1, None, Style(fill=_NAME_FILL))
    sheet.set(HEADER_ROW, 1, NAME_COLUMN, replace(_HEADER, fill=_NAME_FILL))
    sheet.set(KEY_ROW, 1, KEY_LABEL, _KEY)
    section_lines = header_lines = 1
    for index, (title, first, last) in enumerate(_sections(fields)):
        fill = _SECTION_FILLS[index % 2]
        for column in range(first + 1, last + 1):
            sheet.set(SECTION_ROW, column, None, Style(fill=fill))
        write_text(sheet, SECTION_ROW, first, title, replace(_SECTION, fill=fill))
        if last > first:
            sheet.merge(SECTION_ROW, first, SECTION_ROW, last)
        width = sum(_width(fields[c - 2]) for c in range(first, last + 1))
        section_lines = max(section_lines, _lines(title, width))
        for column in range(first, last + 1):
            item = fields[column - 2]
            write_text(sheet, HEADER_ROW, column, item.label, replace(_HEADER, fill=fill))
    for number, item in enumerate(fields, 2):
        sheet.column(number, _width(item), _DATE if item.kind == Kind.DATE else ANSWER)
        header_lines = max(header_lines, _lines(item.label, _width(item)))
        write_text(sheet, KEY_ROW, number, item.key, _KEY)
    sheet.height(SECTION_ROW, _height(section_lines))
    sheet.height(HEADER_ROW, _height(header_lines))
    sheet.hide_row(KEY_ROW)
    sheet.frozen = (FIRST_ROW, 2)


def _write_value(sheet: Sheet, row: int, column: int, field: Field, value: object) -> None:
    if field.kind == Kind.DATE and isinstance(value, dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        if day < FIRST_SERIAL_DATE:  # Excel has no serial for it: the text it would show
            write_text(sheet, row, column, f"{day.day}-{day.month}-{day.year}", _DATE)
        else:
            sheet.set(row, column, day, _DATE)
    elif field.kind == Kind.CHECKBOX:
        write_text(sheet, row, column, TRUE_TEXT if value else FALSE_TEXT)
    elif field.kind in (Kind.DROPDOWN, Kind.COMBO_BOX):
        text = str(value)
        display = next((c.display for c in field.choices if c.value == text), text)
        write_text(sheet, row, column, display)
    else:
        write_text(sheet, row, column, str(value))


def _rows(
    template: Template,
    fields: list[Field],
    records: Iterable[Mapping[str, object]],
    *,
    extracted: bool = False,
) -> Iterator[tuple[str, Mapping[str, object]]]:
    """Validated (name, values) of each record; a ValidationError names the record. Extracted
    values are only checked for what a cell cannot hold."""
    by_key = {f.key: f for f in fields}
    for number, record in enumerate(records, 1):
        raw_name = record.get(NAME_COLUMN)
        name = "" if raw_name is None else str(raw_name).strip()
        shown = f"record {number}" + (f" ({name})" if name else "")
        wrong_name = name_problem(name)
        if wrong_name:
            raise ValidationError([Problem(wrong_name, label=NAME_COLUMN)], context=shown)
        validated: Mapping[str, object] = record
        if not extracted:
            values = {k: v for k, v in record.items() if k != NAME_COLUMN}
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


def build_workbook(
    template: Template, records: Iterable[Mapping[str, object]] = (), *, extracted: bool = False
) -> Workbook:
    """The input workbook in memory (for callers that add sheets); write it with
    :func:`save_workbook`. Raises :class:`ValidationError` naming a record that does not fit.

    ``extracted``: the values were read from plans (:func:`~docx_aanpak.collect.collect`), so
    they are typed already and written as they are, not validated against the template's
    model: an answer the template's lists do not hold is kept, not refused.
    """
    fields = columns(template)
    if len(fields) >= MAX_COLUMNS:
        raise TemplateError(
            template.name,
            f"has {len(fields):,} questions that need a column; a sheet has {MAX_COLUMNS:,} "
            f"columns (the last is XFD), so a workbook holds at most {MAX_COLUMNS - 1:,} besides "
            f"the column {NAME_COLUMN}. Fill this template from JSON instead",
        )
    book = Workbook()
    sheet = book.add_sheet(SHEET)
    help_sheet = book.add_sheet(HELP_SHEET)
    lists = book.add_sheet(LISTS_SHEET, hidden=True)
    _layout(sheet, fields)
    _validations(sheet, lists, fields)
    _help_sheet(help_sheet, template, fields)
    widths = [_width(item) for item in fields]
    for row, (name, values) in enumerate(
        _rows(template, fields, records, extracted=extracted), FIRST_ROW
    ):
        write_text(sheet, row, 1, name)
        texts = [(name, float(_WIDTH_NAME))]
        for number, item in enumerate(fields, 2):
            value = values.get(item.key)
            if value is not None:
                _write_value(sheet, row, number, item, value)
                if isinstance(value, str):
                    texts.append((value, widths[number - 2]))
        height = row_height(texts)
        if height is not None:
            sheet.height(row, height)
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


def save_workbook(book: Workbook, path: str | os.PathLike[str], *, overwrite: bool = False) -> None:
    """Save a workbook at once (a temporary file, then a rename)."""
    atomic_write(path, book.to_bytes(), overwrite=overwrite)


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
        letters = " and ".join(f"{column_letter(c)}{header_row}" for c in names)
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
            cell = f"{_sheet_ref(sheet)}!{column_letter(column)}{header_row + 1}"
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
            cell = f"{_sheet_ref(sheet)}!{column_letter(column)}{header_row}"
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
    from .xlsx import CellValue, XlsxReader  # openpyxl's number formats: only when reading

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

        letters = {c: column_letter(c) for c in (layout.name, *layout.fields)}
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
