"""Data files into plan records: one validated record (or one error) per plan, streamed.

A data file holds one plan per row (workbook, CSV) or per item (JSON): the plan's name in the
column ``Gemeente`` and one answer per field. Its reader (chosen by
:func:`docx_aanpak.datafiles.read_records`) yields, for every plan, either a
:class:`PlanRecord` with values validated through the template's model, or a :class:`RecordError`
that names the cell, the plan and the question of every bad answer; the other plans keep coming.
A file that cannot be read at all raises :class:`~docx_aanpak.errors.DataFileError`.

Answers are converted the way a person reading the file would read them, in Dutch: a number typed
into a text question becomes ``"3,5"``, a date ``"14-3-2025"``; a date question takes dates,
``"14-3-2025"``, ``"14 maart 2025"`` and ``"2025-03-14"``; a checkbox takes WAAR/ONWAAR, ja/nee,
true/false, 1/0 and x; a list question takes the text shown in the list or its stored value.

The building blocks (:class:`RawCell`, :class:`ColumnResolver`, :class:`RecordBuilder`) are
shared with :mod:`docx_aanpak.excel`, which reads the workbook layout.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import difflib
import io
import json
import math
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from .controls import Kind
from .dates import parse_date
from .errors import DataFileError, Problem, ValidationError
from .model import xml_problem
from .scan import VALUE_KINDS, Field
from .template import Template

__all__ = [
    "NAME_COLUMN",
    "TABLE_KINDS",
    "ColumnResolver",
    "PlanRecord",
    "RawCell",
    "RecordBuilder",
    "RecordError",
    "cell_text",
    "check_columns",
    "convert",
    "date_text",
    "load_json",
    "name_problem",
    "number_text",
]

NAME_COLUMN = "Gemeente"
"""The column (or JSON member) that holds a plan's name."""

TABLE_KINDS = VALUE_KINDS - {Kind.REPEATING_SECTION}
"""Field kinds that fit in one cell; a repeating section has no column (use JSON for it)."""

TRUE_TEXT = "WAAR"
FALSE_TEXT = "ONWAAR"
_TRUE_WORDS = frozenset({"waar", "ja", "j", "true", "yes", "y", "1", "x", "\u2612", "\u2611"})
_FALSE_WORDS = frozenset({"onwaar", "nee", "n", "false", "no", "0", "\u2610"})
_DATE_PICTURES = ("d-M-yyyy", "d MMMM yyyy", "d MMM yyyy", "d/M/yyyy", "d.M.yyyy", "d-M-yy")


@dataclass(frozen=True)
class PlanRecord:
    """One plan read from a data file, with values validated against the template."""

    name: str
    values: dict[str, object]
    where: str
    cells: dict[str, str]


@dataclass(frozen=True)
class RecordError:
    """One plan that cannot be used; ``error`` lists every bad answer with its cell."""

    name: str | None
    where: str
    error: ValidationError

    def __str__(self) -> str:
        return str(self.error)


@dataclass(frozen=True, slots=True)
class RawCell:
    """One answer as read from a file, before conversion to its field's type.

    ``ref`` is where a person finds it (``Plannen!D7``, ``data.csv line 7, column x``);
    ``number_format`` is the cell's Excel number format; ``problem`` is set by a reader when the
    cell cannot give a value at all (a formula that was never calculated, ``#N/A``).
    """

    value: object
    ref: str
    number_format: str | None = None
    problem: str | None = None


class _Bad(Exception):
    """A cell's value does not fit its field; the message says why, for a person."""


# -- values as a Dutch reader sees them ---------------------------------------------------------


def _decimals(number_format: str) -> int | None:
    """Fixed decimals of a number format such as ``0.00`` or ``#,##0``; None for General."""
    if not re.search(r"[0#]", number_format):
        return None
    match = re.search(r"[0#]\.(0+)", number_format)
    return len(match.group(1)) if match else 0


def number_text(value: float, number_format: str | None = None) -> str:
    """A number as a Dutch workbook shows it: ``3.5`` -> ``"3,5"``, ``0.12`` (0%) -> ``"12%"``."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    fmt = (number_format or "").split(";")[0]
    suffix = ""
    number = Decimal(repr(value))
    if "%" in fmt:
        number *= 100
        suffix = "%"
    decimals = _decimals(fmt)
    if decimals is not None:
        number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        text = f"{number:f}"
    elif number == number.to_integral_value() and abs(number) < Decimal("1e15"):
        text = str(int(number))
    else:
        text = f"{float(number):.15g}"
    whole, dot, fraction = text.partition(".")
    if "#,##" in fmt and "e" not in text:
        sign = "-" if whole.startswith("-") else ""
        whole = sign + f"{int(whole.lstrip('-')):,}".replace(",", ".")
    return whole + ("," + fraction if dot else "") + suffix


def date_text(value: dt.date | dt.datetime | dt.time) -> str:
    """A date as a Dutch workbook shows it: ``14-3-2025``, ``14-3-2025 10:30``, ``10:30``."""
    if isinstance(value, dt.datetime):
        day = f"{value.day}-{value.month}-{value.year}"
        if value.time() == dt.time(0):
            return day
        return f"{day} {value.hour}:{value.minute:02d}"
    if isinstance(value, dt.date):
        return f"{value.day}-{value.month}-{value.year}"
    return f"{value.hour}:{value.minute:02d}"


def cell_text(cell: RawCell) -> str:
    """The text a person sees in a cell; line breaks are ``\\n``."""
    value = cell.value
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(value, bool):
        return TRUE_TEXT if value else FALSE_TEXT
    if isinstance(value, int | float):
        return number_text(value, cell.number_format)
    if isinstance(value, dt.date | dt.time):
        return date_text(value)
    if isinstance(value, dt.timedelta):
        minutes = int(value.total_seconds() // 60)
        return f"{minutes // 60}:{minutes % 60:02d}"
    raise _Bad(f"expected text, not {_describe(value)}")


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return TRUE_TEXT if value else FALSE_TEXT
    if isinstance(value, int | float):
        return f"the number {number_text(value)}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return f"{type(value).__name__} {value!r}"


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _fold(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(text.split()).casefold()


# -- converting one cell to its field's type ----------------------------------------------------


def _to_choice(field: Field, text: str) -> str:
    for choice in field.choices:
        if text == choice.display:
            return choice.value
    for choice in field.choices:
        if text == choice.value:
            return choice.value
    folded = _fold(text)
    for choice in field.choices:
        if folded in (_fold(choice.display), _fold(choice.value)):
            return choice.value
    if field.kind == Kind.COMBO_BOX:
        return text
    shown = ", ".join(f"'{c.display}'" for c in field.choices)
    raise _Bad(f"'{text}' is not one of the choices: {shown}")


def _to_date(field: Field, cell: RawCell) -> dt.date:
    value = cell.value
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = " ".join(value.split())
        pictures = (field.date_format, *_DATE_PICTURES) if field.date_format else _DATE_PICTURES
        for picture in pictures:
            lid = field.date_lid if picture == field.date_format else "nl-NL"
            found = parse_date(text, picture, lid)
            if found is not None:
                return found
        try:
            return dt.date.fromisoformat(text[:10] if "T" in text else text)
        except ValueError:
            pass
        try:
            return dt.datetime.fromisoformat(text).date()
        except ValueError:
            raise _Bad(f"'{value}' is not a date; write a date such as 14-3-2025") from None
    raise _Bad(f"expected a date such as 14-3-2025, not {_describe(value)}")


def _to_bool(cell: RawCell) -> bool:
    value = cell.value
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().casefold()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
        raise _Bad(f"'{value}' is not a checkbox answer; write WAAR or ONWAAR (or ja/nee)")
    raise _Bad(f"expected WAAR or ONWAAR, not {_describe(value)}")


def convert(field: Field, cell: RawCell, base: Path | None = None) -> object:
    """The value of one non-blank cell as its field's type, or :class:`_Bad`."""
    kind = field.kind
    if kind == Kind.DATE:
        return _to_date(field, cell)
    if kind == Kind.CHECKBOX:
        return _to_bool(cell)
    if kind == Kind.REPEATING_SECTION:
        return cell.value  # a list of item objects (JSON only), validated by the model
    text = cell_text(cell)
    if kind in (Kind.DROPDOWN, Kind.COMBO_BOX) and field.choices:
        return _to_choice(field, text.strip())
    if kind == Kind.PICTURE:
        path = Path(text.strip())
        return path if path.is_absolute() or base is None else base / path
    return text


# -- columns: keys or questions -> fields -------------------------------------------------------


class ColumnResolver:
    """Maps column headers (field keys, or the questions shown to people) to fields."""

    def __init__(self, template: Template) -> None:
        self.template = template
        self.by_key = {f.key: f for f in template.fields}
        by_label: dict[str, list[Field]] = {}
        for item in template.fields:
            by_label.setdefault(_fold(item.label), []).append(item)
        self.by_label = by_label

    @staticmethod
    def is_name(text: object) -> bool:
        return isinstance(text, str) and _fold(text) == _fold(NAME_COLUMN)

    def close_keys(self, text: str) -> str:
        close = difflib.get_close_matches(text, list(self.by_key), n=3, cutoff=0.6)
        return f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""

    def key(self, text: str, where: str) -> Field:
        """The field whose key is ``text``; otherwise a DataFileError naming ``where``."""
        found = self.by_key.get(text.strip())
        if found is None:
            raise DataFileError(
                f"{where}: '{text}' is not a field of {self.template.name}"
                f"{self.close_keys(text.strip())}"
            )
        return found

    def key_or_label(self, text: str, where: str, *, hint: str) -> Field:
        """The field whose key or question is ``text``; otherwise a DataFileError."""
        stripped = text.strip()
        if stripped in self.by_key:
            return self.by_key[stripped]
        matches = self.by_label.get(_fold(stripped), [])
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise DataFileError(
                f"{where}: the question '{stripped}' is asked {len(matches)} times in "
                f"{self.template.name} ({', '.join(f.key for f in matches)}); {hint}"
            )
        raise DataFileError(
            f"{where}: '{stripped}' is neither a question nor a field key of "
            f"{self.template.name}{self._close(stripped)}"
        )

    def _close(self, text: str) -> str:
        """``; did you mean …?`` with the closest keys and questions."""
        candidates = {key: key for key in self.by_key}
        candidates.update({_fold(f.label): f.label for f in self.template.fields})
        close = difflib.get_close_matches(_fold(text), list(candidates), n=3, cutoff=0.6)
        shown = ", ".join(repr(candidates[c]) for c in close)
        return f"; did you mean {shown}?" if close else ""


def check_columns(columns: Mapping[int, Field], where: Mapping[int, str]) -> None:
    """One column per field: a DataFileError names both columns of a repeated field."""
    seen: dict[str, int] = {}
    for index, item in columns.items():
        if item.key in seen:
            raise DataFileError(
                f"{where[index]}: field '{item.key}' ({item.label}) is also in "
                f"{where[seen[item.key]]}; keep one column per question"
            )
        if item.kind not in TABLE_KINDS:
            raise DataFileError(
                f"{where[index]}: field '{item.key}' is a {item.kind.value}, which does not fit "
                "in one cell; give it in a JSON file instead"
            )
        seen[item.key] = index


# -- rows -> records ----------------------------------------------------------------------------


class RecordBuilder:
    """Turns the cells of one row into a record, checking names across the rows of one file."""

    def __init__(self, template: Template, *, base: Path | None = None) -> None:
        self.template = template
        self.base = base
        self.fields = {f.key: f for f in template.fields}
        self._names: dict[str, str] = {}

    def build(
        self, name: RawCell | None, cells: Mapping[str, RawCell], where: str
    ) -> PlanRecord | RecordError | None:
        """The record of one row; ``None`` for an empty row (no name and no answers)."""
        answers = {k: c for k, c in cells.items() if not _is_blank(c.value) or c.problem}
        name_text, name_problem = self._name(name)
        if not name_text and not answers and name_problem is None:
            return None
        context = f"{name_text} ({where})" if name_text else where
        problems: list[Problem] = []
        if name_problem is not None:
            problems.append(name_problem)
        elif not name_text:
            problems.append(
                Problem(
                    f"this row has answers but no plan name in column {NAME_COLUMN}",
                    label=NAME_COLUMN,
                    where=name.ref if name is not None else where,
                )
            )
        else:
            first = self._names.get(name_text.casefold())
            if first is not None:
                problems.append(
                    Problem(
                        f"the plan name '{name_text}' is also used in {first}; every plan "
                        "needs its own name",
                        label=NAME_COLUMN,
                        where=name.ref if name is not None else where,
                    )
                )
            else:
                self._names[name_text.casefold()] = where
        values: dict[str, object] = {}
        for key, cell in answers.items():
            item = self.fields[key]
            if cell.problem:
                problems.append(Problem(cell.problem, key=key, label=item.label, where=cell.ref))
                continue
            try:
                values[key] = convert(item, cell, self.base)
            except _Bad as e:
                problems.append(Problem(str(e), key=key, label=item.label, where=cell.ref))
        try:
            validated = self.template.validate(values)
        except ValidationError as e:
            problems += [
                Problem(
                    p.message,
                    key=p.key,
                    label=p.label,
                    where=cells[p.key].ref if p.key and p.key in cells else where,
                )
                for p in e.problems
            ]
            validated = {}
        cell_refs = {k: c.ref for k, c in cells.items()}
        if problems:
            error = ValidationError(problems, context=context)
            return RecordError(name_text or None, where, error)
        return PlanRecord(name_text, validated, where, cell_refs)

    @staticmethod
    def _name(cell: RawCell | None) -> tuple[str, Problem | None]:
        if cell is None:
            return "", None
        if cell.problem:
            return "", Problem(cell.problem, label=NAME_COLUMN, where=cell.ref)
        if _is_blank(cell.value):
            return "", None
        try:
            text = cell_text(cell).strip()
        except _Bad as e:
            return "", Problem(f"the plan name: {e}", label=NAME_COLUMN, where=cell.ref)
        problem = name_problem(text)
        if problem:
            return text.split("\n")[0].strip(), Problem(problem, label=NAME_COLUMN, where=cell.ref)
        return text, None


def name_problem(name: str) -> str | None:
    """What is wrong with a plan name (it becomes a document title), or None."""
    if "\n" in name:
        return "the plan name must be one line"
    problem = xml_problem(name)
    return f"the plan name {problem}" if problem else None


# -- CSV ----------------------------------------------------------------------------------------


def _check_utf8(path: Path) -> None:
    """Read the whole file once, in chunks: a bad byte fails here, before any record."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 16):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as e:
                raise DataFileError(
                    f"{path}: not UTF-8 text (byte 0x{chunk[e.start]:02X} at position "
                    f"{offset + e.start + 1}); in Excel save it as 'CSV UTF-8 (door komma's "
                    "gescheiden)'"
                ) from None
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise DataFileError(f"{path}: not UTF-8 text (it ends inside a character)") from None


def _sniff(sample: str, resolver: ColumnResolver) -> str:
    """',' or ';': the one that splits the header into more known columns."""
    best, best_score = ",", -1
    for delimiter in (";", ","):
        try:
            header = next(csv.reader(io.StringIO(sample), delimiter=delimiter), [])
        except csv.Error:
            continue
        score = sum(
            2
            if resolver.is_name(h)
            else 1
            if h.strip() in resolver.by_key or _fold(h) in resolver.by_label
            else 0
            for h in header
        )
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(path: Path, template: Template) -> Iterator[PlanRecord | RecordError]:
    _check_utf8(path)
    resolver = ColumnResolver(template)
    shown = path.name
    with path.open(encoding="utf-8-sig", newline="") as handle:
        delimiter = _sniff(handle.read(1 << 16), resolver)
        handle.seek(0)
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            header = next(reader, None)
        except csv.Error as e:
            raise DataFileError(f"{path} line 1: {e}") from None
        if header is None:
            raise DataFileError(f"{path}: the file is empty")
        names = [i for i, title in enumerate(header) if resolver.is_name(title)]
        if not names:
            raise DataFileError(
                f"{path} line 1: the header has no column {NAME_COLUMN} (the plan's name); "
                f"found {', '.join(repr(h) for h in header[:5])}"
            )
        if len(names) > 1:
            raise DataFileError(
                f"{path} line 1: columns {names[0] + 1} and {names[1] + 1} are both "
                f"{NAME_COLUMN}; keep one"
            )
        name_index = names[0]
        columns: dict[int, Field] = {}
        titles: dict[int, str] = {}
        hint = "use the field keys as column headers"
        for index, title in enumerate(header):
            if index != name_index and title.strip():
                where = f"{path} line 1, column {index + 1}"
                columns[index] = resolver.key_or_label(title, where, hint=hint)
                titles[index] = title.strip()
        check_columns(columns, {i: f"{path} line 1, column {titles[i]}" for i in columns})
        builder = RecordBuilder(template, base=path.parent)
        width = len(header)
        line = reader.line_num
        while True:
            start = line + 1
            try:
                row = next(reader, None)
            except csv.Error as e:
                raise DataFileError(f"{path} line {start}: {e}") from None
            line = reader.line_num
            if row is None:
                return
            where = f"{shown} line {start}"
            name = (
                RawCell(row[name_index], f"{where}, column {NAME_COLUMN}")
                if name_index < len(row)
                else None
            )
            cells = {
                columns[i].key: RawCell(row[i], f"{where}, column {titles[i]}")
                for i in columns
                if i < len(row)
            }
            record = builder.build(name, cells, where)
            extra = [v for v in row[width:] if v.strip()]
            if extra:
                problem = Problem(
                    f"this line has {len(row)} cells but the header has {width}; put text that "
                    f"holds '{delimiter}' or a line break in double quotes",
                    where=where,
                )
                old = record.error.problems if isinstance(record, RecordError) else ()
                name_text = record.name if record is not None else None
                context = f"{name_text} ({where})" if name_text else where
                record = RecordError(
                    name_text, where, ValidationError([problem, *old], context=context)
                )
            if record is not None:
                yield record


# -- JSON ---------------------------------------------------------------------------------------


def load_json(path: str | os.PathLike[str]) -> Any:
    """A JSON file's content; every problem is a :class:`DataFileError` naming the file."""
    try:
        with Path(path).open(encoding="utf-8-sig") as handle:
            return json.load(handle)
    except FileNotFoundError:
        raise DataFileError(f"{path}: no such file") from None
    except json.JSONDecodeError as e:
        raise DataFileError(
            f"{path}: not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})"
        ) from None
    except UnicodeDecodeError as e:
        raise DataFileError(f"{path}: not UTF-8 text ({e.reason})") from None


def _read_json(path: Path, template: Template) -> Iterator[PlanRecord | RecordError]:
    data = load_json(path)
    if isinstance(data, dict):
        plans = next((v for k, v in data.items() if k.casefold() == "plannen"), None)
        if plans is None:
            raise DataFileError(
                f'{path}: expected a list of plans, or an object with the member "plannen"; '
                f"found an object with {', '.join(repr(k) for k in list(data)[:5]) or 'nothing'}"
            )
        data = plans
    if not isinstance(data, list):
        raise DataFileError(f"{path}: expected a list of plans, not {_describe(data)}")
    resolver = ColumnResolver(template)
    shown = path.name
    items: list[tuple[str | None, dict[str, Field]]] = []
    for number, item in enumerate(data, 1):
        where = f"{path} item {number}"
        if not isinstance(item, dict):
            raise DataFileError(f"{where}: expected an object (one plan), not {_describe(item)}")
        name_member = None
        members: dict[str, Field] = {}
        for member in item:
            if resolver.is_name(member):
                name_member = member
            else:
                members[member] = resolver.key_or_label(
                    member, where, hint="use the field keys as member names"
                )
        items.append((name_member, members))
    builder = RecordBuilder(template, base=path.parent)
    for number, (item, (name_member, members)) in enumerate(zip(data, items, strict=True), 1):
        where = f"{shown} item {number}"
        name = RawCell(item[name_member], where) if name_member is not None else None
        cells = {f.key: RawCell(item[m], where) for m, f in members.items()}
        record = builder.build(name, cells, where)
        if record is not None:
            yield record
