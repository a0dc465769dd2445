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

Currency and accounting formats come out as the cell shows them (``"€ 12.500,00"``); a trailing
line break (Alt+Enter at the end of a cell) is dropped; a name such as ``'s-Hertogenbosch`` whose
apostrophe Excel hid (quotePrefix) gets it back, and other text after a hidden apostrophe gives a
:class:`DataFileWarning`. Every problem is worded twice: in English for errors and in Dutch for the
reports people read (:attr:`RecordError.dutch`, :func:`dutch_where`).

JSON is streamed: a list of plans (or ``{"plannen": [...]}``) is read one object at a time, so
memory stays flat; one plan (an object) may hold at most :data:`MAX_JSON_PLAN` characters. The
members ``bestand`` and ``ontbrekend`` that ``extract --json`` writes are metadata and ignored.

The building blocks (:class:`RawCell`, :class:`ColumnResolver`, :class:`RecordBuilder`) are
shared with :mod:`docx_aanpak.excel`, which reads the workbook layout.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import difflib
import functools
import io
import json
import math
import os
import re
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal, localcontext
from importlib import resources
from pathlib import Path
from typing import IO, Any

from ._ooxml import xml_problem
from .controls import Kind
from .dates import parse_date
from .errors import DataFileError, Problem, ValidationError
from .scan import VALUE_KINDS, Field
from .template import Template

__all__ = [
    "MAX_JSON_PLAN",
    "METADATA_MEMBERS",
    "NAME_COLUMN",
    "TABLE_KINDS",
    "ColumnResolver",
    "DataFileWarning",
    "PlanRecord",
    "RawCell",
    "RecordBuilder",
    "RecordError",
    "cell_text",
    "check_columns",
    "convert",
    "date_text",
    "dutch_where",
    "load_json",
    "name_problem",
    "number_text",
    "read_single_plan",
]

NAME_COLUMN = "Gemeente"
"""The column (or JSON member) that holds a plan's name."""

METADATA_MEMBERS = frozenset({"bestand", "ontbrekend"})
"""JSON members that ``extract --json`` writes besides the answers (the source file, the fields a
plan lacks); reading ignores them, so its output can be filled again as it is."""

MAX_JSON_PLAN = 32 * 1024 * 1024
"""The most characters one plan (one JSON object) may take; a larger one is a DataFileError."""

TABLE_KINDS = VALUE_KINDS - {Kind.REPEATING_SECTION}
"""Field kinds that fit in one cell; a repeating section has no column (use JSON for it)."""

TRUE_TEXT = "WAAR"
FALSE_TEXT = "ONWAAR"
_TRUE_WORDS = frozenset({"waar", "ja", "j", "true", "yes", "y", "1", "x", "\u2612", "\u2611"})
_FALSE_WORDS = frozenset({"onwaar", "nee", "n", "false", "no", "0", "\u2610"})
_DATE_PICTURES = ("d-M-yyyy", "d MMMM yyyy", "d MMM yyyy", "d/M/yyyy", "d.M.yyyy", "d-M-yy")


class DataFileWarning(UserWarning):
    """Something in a data file was read, but perhaps not as meant (a hidden apostrophe)."""


@dataclass(frozen=True)
class PlanRecord:
    """One plan read from a data file, with values validated against the template."""

    name: str
    values: dict[str, object]
    where: str
    cells: dict[str, str]


@dataclass(frozen=True)
class RecordError:
    """One plan that cannot be used; ``error`` lists every bad answer with its cell, in English;
    ``dutch`` says the same in Dutch, for the reports people read."""

    name: str | None
    where: str
    error: ValidationError
    dutch_problems: tuple[str, ...] = ()

    @property
    def dutch(self) -> str:
        """The problems in Dutch (in English where no Dutch wording is known)."""
        return (
            _dutch_detail(list(self.dutch_problems)) if self.dutch_problems else self.error.detail
        )

    def __str__(self) -> str:
        return str(self.error)


@dataclass(frozen=True, slots=True)
class RawCell:
    """One answer as read from a file, before conversion to its field's type.

    ``ref`` is where a person finds it (``Plannen!D7``, ``data.csv line 7, column x``);
    ``number_format`` is the cell's Excel number format; ``problem`` (and its Dutch ``dutch``) is
    set by a reader when the cell cannot give a value at all (a formula that was never calculated,
    ``#N/A``); ``quoted``: Excel hid an apostrophe typed before the text (quotePrefix); ``typed``:
    a person typed it in a spreadsheet (so a trailing line break is a slip), not a program.
    """

    value: object
    ref: str
    number_format: str | None = None
    problem: str | None = None
    dutch: str | None = None
    quoted: bool = False
    typed: bool = True


class _Bad(Exception):
    """A cell's value does not fit its field; the message says why, for a person (and
    ``dutch`` says it in Dutch)."""

    def __init__(self, message: str, dutch: str) -> None:
        super().__init__(message)
        self.dutch = dutch


# -- where things are, in English and Dutch ---------------------------------------------------

_WHERE_WORDS = (
    (re.compile(r" row (\d+)\b"), r" rij \1"),
    (re.compile(r" line (\d+)\b"), r" regel \1"),
    (re.compile(r", column "), ", kolom "),
    (re.compile(r"\bcell "), "cel "),
    (re.compile(r"^record (\d+)"), r"record \1"),
)


def dutch_where(where: str) -> str:
    """A place as this module writes it (``gemeenten.xlsx, Plannen row 7``, ``data.csv line 4,
    column x``), in Dutch (``gemeenten.xlsx, Plannen rij 7``, ``data.csv regel 4, kolom x``)."""
    for pattern, dutch in _WHERE_WORDS:
        where = pattern.sub(dutch, where)
    return where


def _dutch_line(problem: Problem, dutch: str) -> str:
    """One problem in Dutch, laid out as :class:`~docx_aanpak.errors.Problem` does in English."""
    parts = []
    if problem.where:
        parts.append(dutch_where(problem.where))
    in_cell = bool(problem.where) and "!" in (problem.where or "")
    if problem.key and not (in_cell and problem.label):
        parts.append(f"vraag '{problem.key}'")
    if problem.label and problem.label != problem.key:
        parts.append(f"({problem.label})")
    head = " ".join(parts)
    return f"{head}: {dutch}" if head else dutch


def _dutch_detail(lines: list[str]) -> str:
    if len(lines) == 1:
        return lines[0]
    return f"{len(lines)} problemen:\n" + "\n".join(f"  - {x}" for x in lines)


# -- values as a Dutch reader sees them ---------------------------------------------------------


def _split_sections(code: str) -> list[str]:
    """The sections of a number format (positive;negative;zero;text), quotes and escapes kept."""
    sections: list[str] = []
    current: list[str] = []
    quoted = False
    index = 0
    while index < len(code):
        char = code[index]
        if quoted:
            quoted = char != '"'
        elif char == "\\":
            current.append(code[index : index + 2])
            index += 2
            continue
        elif char == '"':
            quoted = True
        elif char == ";":
            sections.append("".join(current))
            current = []
            index += 1
            continue
        current.append(char)
        index += 1
    sections.append("".join(current))
    return sections


_GENERAL = re.compile(r"general|standaard", re.IGNORECASE)


def _tokens(section: str) -> list[tuple[str, str]]:
    """A format section as ("text", literal) and ("number", placeholders such as ``#,##0.00``)
    tokens; ``("general", "")`` for General, ``("at", "")`` for the text placeholder."""
    tokens: list[tuple[str, str]] = []
    index, end = 0, len(section)
    while index < end:
        char = section[index]
        if char == '"':
            close = section.find('"', index + 1)
            close = end if close < 0 else close
            tokens.append(("text", section[index + 1 : close]))
            index = close + 1
        elif char == "\\":
            tokens.append(("text", section[index + 1 : index + 2]))
            index += 2
        elif char == "_":
            tokens.append(("text", " "))  # a space as wide as the next character
            index += 2
        elif char == "*":
            index += 2  # repeat the next character to fill the cell: nothing in a text
        elif char == "[":
            close = section.find("]", index)
            close = end if close < 0 else close
            inside = section[index + 1 : close]
            if inside.startswith("$"):  # [$€-413]: the currency symbol, then a locale
                tokens.append(
                    ("text", inside[1:].rsplit("-", 1)[0] if "-" in inside else inside[1:])
                )
            index = close + 1  # colours and conditions show nothing
        elif char in "0#?" or (char == "." and section[index + 1 : index + 2] in ("0", "#", "?")):
            start = index
            while index < end and section[index] in "0#?,.":
                index += 1
            tokens.append(("number", section[start:index]))
        elif char in "Ee" and section[index + 1 : index + 2] in ("+", "-"):
            tokens.append(("exponent", ""))
            index += 2
        elif _GENERAL.match(section, index):
            match = _GENERAL.match(section, index)
            assert match is not None
            tokens.append(("general", ""))
            index = match.end()
        elif char == "@":
            tokens.append(("at", ""))
            index += 1
        else:
            tokens.append(("text", char))
            index += 1
    return tokens


def _general(number: Decimal) -> str:
    if number == number.to_integral_value() and abs(number) < Decimal("1e15"):
        text = str(int(number))
    else:
        text = f"{float(number):.15g}"
    whole, dot, fraction = text.partition(".")
    return whole + ("," + fraction if dot else "")


def _placeholders(number: Decimal, pattern: str) -> str:
    """A non-negative number in placeholders such as ``#,##0.00``, in Dutch: ``12.500,00``."""
    integer, _, fraction = pattern.partition(".")
    scaled = integer.rstrip(",")
    number /= Decimal(1000) ** (len(integer) - len(scaled))  # trailing commas: thousands
    required = sum(1 for c in fraction if c in "0?")
    decimals = sum(1 for c in fraction if c in "0#?")
    with localcontext() as context:
        context.prec = 1000
        rounded = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    whole, _, digits = f"{rounded:f}".partition(".")
    while len(digits) > required and digits.endswith("0"):
        digits = digits[:-1]
    minimum = scaled.count("0")
    if whole == "0" and minimum == 0:
        whole = ""
    whole = whole.rjust(minimum, "0")
    if "," in scaled and whole:
        whole = f"{int(whole):,}".replace(",", ".").rjust(minimum, "0")
    return whole + ("," + digits if digits else "")


def number_text(value: float, number_format: str | None = None) -> str:
    """A number as a Dutch workbook shows it: ``3.5`` -> ``"3,5"``, ``0.12`` (0%) -> ``"12%"``,
    ``12500`` (``[$€-413] #,##0.00``) -> ``"€ 12.500,00"``; the sections of a format for
    negative numbers and zero are honoured, padding (``_-``, ``* ``) is left out."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    sections = _split_sections(number_format or "")
    sign = ""
    if number < 0 and len(sections) > 1 and sections[1].strip():
        section, number = sections[1], -number  # the section writes its own minus sign
    elif number == 0 and len(sections) > 2 and sections[2].strip():
        section = sections[2]
    else:
        section = sections[0]
        if number < 0:
            sign, number = "-", -number
    tokens = _tokens(section)
    numbers = [t for t in tokens if t[0] in ("number", "general")]
    if (
        len(numbers) > 1
        or any(kind == "exponent" for kind, _ in tokens)
        or (not numbers and not any(kind == "text" and text.strip() for kind, text in tokens))
        or abs(number) >= Decimal("1e100")
    ):
        return sign + _general(number)  # General, text (@), scientific and the unusual
    if any(kind == "text" and "%" in text for kind, text in tokens):
        number *= 100
    parts = []
    for kind, text in tokens:
        if kind == "text":
            parts.append(text)
        elif kind == "general":
            parts.append(_general(number))
        elif kind == "number":
            parts.append(_placeholders(number, text))
    shown = " ".join("".join(parts).split())
    return sign + shown if shown else sign + _general(number)


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


_TRAILING_BREAKS = re.compile(r"(?:\n[^\S\n]*)+\Z")


def cell_text(cell: RawCell) -> str:
    """The text a person sees in a cell; line breaks are ``\\n``. Line breaks (and lines of only
    spaces) at the end of a typed cell, a slip of Alt+Enter, are dropped."""
    value = cell.value
    if isinstance(value, str):
        text = value.replace("\r\n", "\n").replace("\r", "\n")
        return _TRAILING_BREAKS.sub("", text) if cell.typed else text
    if isinstance(value, bool):
        return TRUE_TEXT if value else FALSE_TEXT
    if isinstance(value, int | float):
        return number_text(value, cell.number_format)
    if isinstance(value, dt.date | dt.time):
        return date_text(value)
    if isinstance(value, dt.timedelta):
        minutes = int(value.total_seconds() // 60)
        return f"{minutes // 60}:{minutes % 60:02d}"
    raise _Bad(
        f"expected text, not {_describe(value)}", f"verwacht tekst, niet {_beschrijf(value)}"
    )


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


def _beschrijf(value: object) -> str:
    """:func:`_describe` in Dutch."""
    if isinstance(value, bool):
        return TRUE_TEXT if value else FALSE_TEXT
    if isinstance(value, int | float):
        return f"het getal {number_text(value)}"
    if isinstance(value, list):
        return "een lijst"
    if isinstance(value, dict):
        return "een object"
    return f"{type(value).__name__} {value!r}"


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _fold(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(text.split()).casefold()


# -- Excel's hidden apostrophe ------------------------------------------------------------------

_ELIDED = re.compile(r"[st][- ]")  # 's-Gravenhage, 't Harde: the apostrophe Excel swallows


@functools.cache
def _apostrophe_names() -> tuple[str, ...]:
    """The municipalities whose name starts with an apostrophe (``'s-Gravenhage`` …), from the
    list shipped in ``data/gemeenten_2025.txt``."""
    text = resources.files(__package__).joinpath("data/gemeenten_2025.txt").read_text("utf-8")
    names = (line.strip() for line in text.splitlines())
    return tuple(n for n in names if n.startswith("'") and not n.startswith("#"))


def _unquote(cell: RawCell, where: str) -> RawCell:
    """Give back the apostrophe Excel hid before a known name; warn about other such text."""
    text = cell.value
    if not cell.quoted or not isinstance(text, str) or not _ELIDED.match(text):
        return cell
    for name in _apostrophe_names():
        bare = name[1:]
        if text.startswith(bare) and not text[len(bare) : len(bare) + 1].isalnum():
            return replace(cell, value="'" + text)
    warnings.warn(
        DataFileWarning(
            f"{where.split(', ')[0]}, cell {cell.ref}: the text '{text}' was typed after an "
            "apostrophe, which Excel hides; if the apostrophe belongs to the text, type two: "
            f"''{text}"
        ),
        stacklevel=3,
    )
    return cell


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
    raise _Bad(
        f"'{text}' is not one of the choices: {shown}",
        f"'{text}' staat niet in de keuzelijst: {shown}",
    )


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
            raise _Bad(
                f"'{value}' is not a date; write a date such as 14-3-2025",
                f"'{value}' is geen datum; schrijf een datum zoals 14-3-2025",
            ) from None
    raise _Bad(
        f"expected a date such as 14-3-2025, not {_describe(value)}",
        f"verwacht een datum zoals 14-3-2025, niet {_beschrijf(value)}",
    )


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
        raise _Bad(
            f"'{value}' is not a checkbox answer; write WAAR or ONWAAR (or ja/nee)",
            f"'{value}' is geen antwoord voor een selectievakje; schrijf WAAR of ONWAAR "
            "(of ja/nee)",
        )
    raise _Bad(
        f"expected WAAR or ONWAAR, not {_describe(value)}",
        f"verwacht WAAR of ONWAAR, niet {_beschrijf(value)}",
    )


def _check_text(field: Field, text: str) -> str:
    """What the model would refuse in a text, said here in both languages."""
    problem = xml_problem(text)
    if problem:
        bad = next(c for c in text if xml_problem(c))
        raise _Bad(
            problem,
            f"bevat een teken dat een Word-document niet kan bevatten (U+{ord(bad):04X} op "
            f"positie {text.index(bad) + 1})",
        )
    single = field.kind in (Kind.PLAIN_TEXT, Kind.DROPDOWN, Kind.COMBO_BOX) and not field.multiline
    if single and "\n" in text:
        raise _Bad(
            "this control holds one line; remove the line breaks",
            "deze vraag heeft één regel als antwoord; haal de regeleinden weg",
        )
    return text


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
        return _to_choice(field, _check_text(field, text.strip()))
    if kind == Kind.PICTURE:
        path = Path(text.strip())
        return path if path.is_absolute() or base is None else base / path
    return _check_text(field, text)


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

_DUTCH_MODEL = (
    (re.compile(r"^no image file at (.*)$", re.DOTALL), r"geen afbeelding gevonden op \1"),
    (re.compile(r"^Input should be (.*)$", re.DOTALL), r"ongeldige waarde (verwacht: \1)"),
)


def _dutch_model_message(message: str) -> str:
    """A message of the template's model in Dutch where it is known, else as it is."""
    for pattern, dutch in _DUTCH_MODEL:
        if pattern.match(message):
            return pattern.sub(dutch, message)
    return message


class RecordBuilder:
    """Turns the cells of one row into a record, checking names across the rows of one file."""

    def __init__(
        self, template: Template, *, base: Path | None = None, require_name: bool = True
    ) -> None:
        self.template = template
        self.base = base
        self.require_name = require_name
        self.fields = {f.key: f for f in template.fields}
        self._names: dict[str, str] = {}

    def build(
        self, name: RawCell | None, cells: Mapping[str, RawCell], where: str
    ) -> PlanRecord | RecordError | None:
        """The record of one row; ``None`` for an empty row (no name and no answers)."""
        answers = {
            k: _unquote(c, where) for k, c in cells.items() if not _is_blank(c.value) or c.problem
        }
        if name is not None:
            name = _unquote(name, where)
        name_text, name_problem = self._name(name)
        if not name_text and not answers and name_problem is None:
            return None
        context = f"{name_text} ({where})" if name_text else where
        problems: list[tuple[Problem, str]] = []
        name_ref = name.ref if name is not None else where
        if name_problem is not None:
            problems.append(name_problem)
        elif not name_text and self.require_name:
            problems.append(
                (
                    Problem(
                        f"this row has answers but no plan name in column {NAME_COLUMN}",
                        label=NAME_COLUMN,
                        where=name_ref,
                    ),
                    f"deze rij heeft antwoorden maar geen naam in de kolom {NAME_COLUMN}",
                )
            )
        elif name_text:
            first = self._names.get(name_text.casefold())
            if first is not None:
                problems.append(
                    (
                        Problem(
                            f"the plan name '{name_text}' is also used in {first}; every plan "
                            "needs its own name",
                            label=NAME_COLUMN,
                            where=name_ref,
                        ),
                        f"de naam '{name_text}' staat ook in {dutch_where(first)}; elk plan "
                        "heeft een eigen naam nodig",
                    )
                )
            else:
                self._names[name_text.casefold()] = where
        values: dict[str, object] = {}
        for key, cell in answers.items():
            item = self.fields[key]
            if cell.problem:
                problem = Problem(cell.problem, key=key, label=item.label, where=cell.ref)
                problems.append((problem, cell.dutch or cell.problem))
                continue
            try:
                values[key] = convert(item, cell, self.base)
            except _Bad as e:
                problems.append(
                    (Problem(str(e), key=key, label=item.label, where=cell.ref), e.dutch)
                )
        try:
            validated = self.template.validate(values)
        except ValidationError as e:
            for p in e.problems:
                problem = Problem(
                    p.message,
                    key=p.key,
                    label=p.label,
                    where=cells[p.key].ref if p.key and p.key in cells else where,
                )
                problems.append((problem, _dutch_model_message(p.message)))
            validated = {}
        cell_refs = {k: c.ref for k, c in cells.items()}
        if problems:
            error = ValidationError([p for p, _ in problems], context=context)
            dutch = tuple(_dutch_line(p, nl) for p, nl in problems)
            return RecordError(name_text or None, where, error, dutch)
        return PlanRecord(name_text, validated, where, cell_refs)

    @staticmethod
    def _name(cell: RawCell | None) -> tuple[str, tuple[Problem, str] | None]:
        if cell is None:
            return "", None
        if cell.problem:
            problem = Problem(cell.problem, label=NAME_COLUMN, where=cell.ref)
            return "", (problem, cell.dutch or cell.problem)
        if _is_blank(cell.value):
            return "", None
        try:
            text = cell_text(cell).strip()
        except _Bad as e:
            problem = Problem(f"the plan name: {e}", label=NAME_COLUMN, where=cell.ref)
            return "", (problem, f"de naam: {e.dutch}")
        wrong = _name_problems(text)
        if wrong:
            problem = Problem(wrong[0], label=NAME_COLUMN, where=cell.ref)
            return text.split("\n")[0].strip(), (problem, wrong[1])
        return text, None


def _name_problems(name: str) -> tuple[str, str] | None:
    """What is wrong with a plan name, in English and Dutch, or None."""
    if "\n" in name:
        return "the plan name must be one line", "de naam moet op één regel staan"
    problem = xml_problem(name)
    if problem:
        bad = next(c for c in name if xml_problem(c))
        return (
            f"the plan name {problem}",
            f"de naam bevat een teken dat een Word-document niet kan bevatten (U+{ord(bad):04X})",
        )
    return None


def name_problem(name: str) -> str | None:
    """What is wrong with a plan name (it becomes a document title), or None."""
    found = _name_problems(name)
    return found[0] if found else None


def _no_plans(path: Path, where: str) -> DataFileError:
    return DataFileError(f"{path}: no plans found in {where}")


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


def _csv_error(path: Path, line: int, error: csv.Error) -> DataFileError:
    """A CSV syntax error, said for a person: which line, and what to do."""
    text = str(error)
    if "unexpected end of data" in text:
        return DataFileError(
            f'{path} line {line}: a cell that starts with a double quote (") is never closed; '
            "the rest of the file would become one answer. Close the quote, or write a quote "
            'inside quoted text as two ("")'
        )
    if "expected after" in text:
        return DataFileError(
            f"{path} line {line}: text follows the closing double quote of a cell; put the whole "
            'cell in quotes and write a quote inside it as two ("")'
        )
    return DataFileError(f"{path} line {line}: {text}")


def _read_csv(path: Path, template: Template) -> Iterator[PlanRecord | RecordError]:
    _check_utf8(path)
    resolver = ColumnResolver(template)
    shown = path.name
    with path.open(encoding="utf-8-sig", newline="") as handle:
        delimiter = _sniff(handle.read(1 << 16), resolver)
        handle.seek(0)
        reader = csv.reader(handle, delimiter=delimiter, strict=True)
        try:
            header = next(reader, None)
        except csv.Error as e:
            raise _csv_error(path, 1, e) from None
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
        untitled = [i for i, title in enumerate(header) if i != name_index and not title.strip()]
        builder = RecordBuilder(template, base=path.parent)
        width = len(header)
        line = reader.line_num
        found = False
        while True:
            start = line + 1
            try:
                row = next(reader, None)
            except csv.Error as e:
                raise _csv_error(path, start, e) from None
            line = reader.line_num
            if row is None:
                break
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
            extra: list[tuple[Problem, str]] = []
            if any(v.strip() for v in row[width:]):
                extra.append(
                    (
                        Problem(
                            f"this line has {len(row)} cells but the header has {width}; put "
                            f"text that holds '{delimiter}' or a line break in double quotes",
                            where=where,
                        ),
                        f"deze regel heeft {len(row)} cellen maar de kopregel {width}; zet "
                        f"tekst met '{delimiter}' of een regeleinde tussen dubbele "
                        "aanhalingstekens",
                    )
                )
            for index in untitled:
                if index < len(row) and row[index].strip():
                    extra.append(
                        (
                            Problem(
                                f"column {index + 1} has an answer but no header (line 1); "
                                "give the column its question or field key, or empty it",
                                where=f"{where}, column {index + 1}",
                            ),
                            f"kolom {index + 1} heeft een antwoord maar geen kop (regel 1); "
                            "zet de vraag of sleutel erboven, of maak de kolom leeg",
                        )
                    )
            if extra:
                record = _with_problems(record, extra, where)
            if record is not None:
                found = True
                yield record
        if not found:
            raise _no_plans(path, f"{shown} (lines from 2 on are empty)")


def _with_problems(
    record: PlanRecord | RecordError | None, extra: list[tuple[Problem, str]], where: str
) -> RecordError:
    """A record that also fails for problems of its line as a whole."""
    old = record.error.problems if isinstance(record, RecordError) else ()
    old_dutch = record.dutch_problems if isinstance(record, RecordError) else ()
    name_text = record.name if record is not None else None
    context = f"{name_text} ({where})" if name_text else where
    dutch = (*(_dutch_line(p, nl) for p, nl in extra), *old_dutch)
    error = ValidationError([*(p for p, _ in extra), *old], context=context)
    return RecordError(name_text, where, error, dutch)


# -- JSON ---------------------------------------------------------------------------------------


class _JsonProblem(ValueError):
    """Raised by the decoder's hooks: a value JSON allows but a plan cannot hold."""


def _json_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    members: dict[str, Any] = {}
    for key, value in pairs:
        if key in members:
            raise _JsonProblem(f"the member '{key}' is given twice in one object")
        members[key] = value
    return members


def _json_int(text: str) -> int:
    if len(text.lstrip("-")) > 300:
        raise _JsonProblem(f"the number {text[:12]}… has {len(text.lstrip('-')):,} digits")
    return int(text)


def _json_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _JsonProblem(f"the number {text[:20]} is too large")
    return value


def _json_constant(text: str) -> Any:
    raise _JsonProblem(f"{text} is not a number JSON allows")


_DECODER = json.JSONDecoder(
    object_pairs_hook=_json_members,
    parse_int=_json_int,
    parse_float=_json_float,
    parse_constant=_json_constant,
)
_SPACE = re.compile(r"[ \t\n\r]*")


class _JsonStream:
    """A JSON text read in pieces, one value at a time: memory holds one plan, not the file."""

    CHUNK = 1 << 20

    def __init__(self, handle: IO[str], path: Path) -> None:
        self.handle = handle
        self.path = path
        self.buffer = ""
        self.pos = 0
        self.line = 1  # the line of buffer[0]
        self.column = 0  # characters before buffer[0] on its line
        self.eof = False

    def _more(self) -> bool:
        """Drop what was read and read more (at least as much as is held: no quadratic retries)."""
        if self.pos:
            lines = self.buffer.count("\n", 0, self.pos)
            if lines:
                self.line += lines
                self.column = self.pos - self.buffer.rfind("\n", 0, self.pos) - 1
            else:
                self.column += self.pos
            self.buffer = self.buffer[self.pos :]
            self.pos = 0
        if self.eof:
            return False
        try:
            chunk = self.handle.read(max(self.CHUNK, len(self.buffer)))
        except UnicodeDecodeError as e:
            raise DataFileError(f"{self.path}: not UTF-8 text ({e.reason})") from None
        if not chunk:
            self.eof = True
            return False
        self.buffer += chunk
        return True

    def error(self, message: str, at: int | None = None) -> DataFileError:
        at = self.pos if at is None else at
        line = self.line + self.buffer.count("\n", 0, at)
        start = self.buffer.rfind("\n", 0, at)
        column = at - start + (self.column if start < 0 else 0)
        return DataFileError(
            f"{self.path}: not valid JSON (line {line}, column {column}: {message})"
        )

    def peek(self) -> str:
        """The next character that is not white space ('' at the end)."""
        while True:
            match = _SPACE.match(self.buffer, self.pos)
            assert match is not None
            self.pos = match.end()
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self._more():
                return ""

    def take(self, char: str, what: str) -> None:
        if self.peek() != char:
            raise self.error(f"expected {what}")
        self.pos += 1

    def value(self, what: str) -> tuple[Any, int]:
        """The next JSON value and how many characters it took."""
        if not self.peek():
            raise self.error(f"expected {what}, but the file ends")
        while True:
            held = len(self.buffer) - self.pos
            try:
                value, end = _DECODER.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as e:
                if held > MAX_JSON_PLAN:
                    raise self.too_large(what) from None
                if not self.eof:
                    self._more()  # perhaps the value goes on; at the end, decode once more
                    continue
                raise self.error(e.msg, e.pos) from None
            except RecursionError:
                raise DataFileError(
                    f"{self.path}: {what} is nested too deeply (lists or objects inside each "
                    "other, thousands of levels); a plan needs a few"
                ) from None
            except _JsonProblem as e:
                raise DataFileError(f"{self.path}: {what}: {e}") from None
            except ValueError as e:  # int() refusing a number with thousands of digits
                raise DataFileError(f"{self.path}: {what}: {e}") from None
            if end == len(self.buffer) and not self.eof and self._more():
                continue  # a number at the end of the buffer may go on
            taken = end - self.pos
            if taken > MAX_JSON_PLAN:
                raise self.too_large(what)
            self.pos = end
            return value, taken

    def too_large(self, what: str) -> DataFileError:
        return DataFileError(
            f"{self.path}: {what} is larger than {MAX_JSON_PLAN // (1024 * 1024)} MB of text, the "
            "most one plan may take"
        )


def _json_items(path: Path) -> Iterator[tuple[int, Any]]:
    """(number, plan) for each plan of a JSON file, streamed; number 0: the file is one plan
    (an object that is not ``{"plannen": [...]}``)."""
    try:
        handle = path.open(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataFileError(f"{path}: no such file") from None
    except OSError as e:
        raise DataFileError(f"{path}: cannot be read ({e.strerror or e})") from None
    with handle:
        stream = _JsonStream(handle, path)
        first = stream.peek()
        if first == "[":
            yield from _json_list(stream)
        elif first == "{":
            stream.pos += 1
            members: dict[str, Any] = {}
            listed = False
            size = 0
            if stream.peek() == "}":
                stream.pos += 1
            else:
                while True:
                    key, _ = stream.value("a member name")
                    if not isinstance(key, str):
                        raise stream.error("expected a member name in double quotes")
                    stream.take(":", f"':' after \"{key}\"")
                    if key.casefold() == "plannen":
                        if stream.peek() != "[":
                            raise DataFileError(
                                f'{path}: the member "{key}" must be a list of plans'
                            )
                        listed = True
                        yield from _json_list(stream)
                    else:
                        if key in members:
                            raise DataFileError(f"{path}: the member '{key}' is given twice")
                        members[key], taken = stream.value(f'the member "{key}"')
                        size += taken
                        if size > MAX_JSON_PLAN and not listed:
                            raise DataFileError(
                                f"{path}: the plan is larger than "
                                f"{MAX_JSON_PLAN // (1024 * 1024)} MB of text"
                            )
                    following = stream.peek()
                    stream.pos += 1
                    if following == "}":
                        break
                    if following != ",":
                        stream.pos -= 1
                        raise stream.error("expected ',' or '}' after a member")
            if not listed:
                if stream.peek():
                    raise stream.error("extra text after the plan")
                yield 0, members
        elif first == "":
            raise DataFileError(f"{path}: the file is empty")
        else:
            value, _ = stream.value("a list of plans")
            raise DataFileError(f"{path}: expected a list of plans, not {_describe(value)}")
        if stream.peek():
            raise stream.error("extra text after the list of plans")


def _json_list(stream: _JsonStream) -> Iterator[tuple[int, Any]]:
    stream.take("[", "'['")
    if stream.peek() == "]":
        stream.pos += 1
        return
    number = 0
    while True:
        number += 1
        item, _ = stream.value(f"item {number}")
        yield number, item
        following = stream.peek()
        stream.pos += 1
        if following == "]":
            return
        if following != ",":
            stream.pos -= 1
            raise stream.error(f"expected ',' or ']' after item {number}")


def load_json(path: str | os.PathLike[str]) -> Any:
    """A small JSON file's content (at most :data:`MAX_JSON_PLAN` characters); every problem is a
    :class:`DataFileError` naming the file. Plans are read with
    :func:`docx_aanpak.datafiles.read_records`, streamed."""
    source = Path(path)
    try:
        size = source.stat().st_size
    except FileNotFoundError:
        raise DataFileError(f"{path}: no such file") from None
    except OSError as e:
        raise DataFileError(f"{path}: cannot be read ({e.strerror or e})") from None
    if size > MAX_JSON_PLAN:
        raise DataFileError(f"{path}: the file is {size // (1024 * 1024)} MB; too large to load")
    with source.open("rb") as handle:
        stream = _JsonStream(io.TextIOWrapper(handle, encoding="utf-8-sig"), source)
        value, _ = stream.value("a JSON value")
        if stream.peek():
            raise stream.error("extra text after the JSON value")
    return value


class _JsonPlans:
    """Checks and turns the plans of one JSON file into records."""

    def __init__(self, path: Path, template: Template, *, require_name: bool = True) -> None:
        self.path = path
        self.resolver = ColumnResolver(template)
        self.builder = RecordBuilder(template, base=path.parent, require_name=require_name)

    def where(self, number: int, *, full: bool) -> str:
        shown = str(self.path) if full else self.path.name
        return f"{shown} item {number}" if number else shown

    def members(self, number: int, item: Any) -> tuple[str | None, dict[str, Field]]:
        """The name member and the field of every answer member; a DataFileError otherwise."""
        where = self.where(number, full=True)
        if not isinstance(item, dict):
            raise DataFileError(f"{where}: expected an object (one plan), not {_describe(item)}")
        name_member = None
        fields: dict[str, Field] = {}
        seen: dict[str, str] = {}
        for member in item:
            if self.resolver.is_name(member):
                name_member = member
                continue
            if member.strip().casefold() in METADATA_MEMBERS:
                continue
            try:
                found = self.resolver.key_or_label(
                    member, where, hint="use the field keys as member names"
                )
            except DataFileError as e:
                if number:
                    raise
                raise DataFileError(
                    f"{e} (the file is read as one plan; a file of several plans holds a list "
                    'of them, or an object with the member "plannen")'
                ) from None
            if found.key in seen:
                raise DataFileError(
                    f"{where}: the question '{found.label}' is given twice, as "
                    f"'{seen[found.key]}' and as '{member}'; keep one"
                )
            seen[found.key] = member
            fields[member] = found
        return name_member, fields

    def record(self, number: int, item: Any) -> PlanRecord | RecordError | None:
        name_member, fields = self.members(number, item)
        where = self.where(number, full=False)
        name = RawCell(item[name_member], where, typed=False) if name_member is not None else None
        cells = {f.key: RawCell(item[m], where, typed=False) for m, f in fields.items()}
        return self.builder.build(name, cells, where)


def _read_json(path: Path, template: Template) -> Iterator[PlanRecord | RecordError]:
    plans = _JsonPlans(path, template)
    count = 0
    for number, item in _json_items(path):  # first the whole file: its errors before any plan
        plans.members(number, item)
        count += 1
    if not count:
        raise _no_plans(path, f"{path.name} (the list of plans is empty)")
    for number, item in _json_items(path):
        record = plans.record(number, item)
        if record is not None:
            yield record


def read_single_plan(path: str | os.PathLike[str], template: Template) -> PlanRecord | None:
    """The plan of a JSON file that holds one plan (an object; its ``Gemeente``, if given, is the
    plan's name), converted like every data file's; ``None`` when the file holds a list of plans
    (read those with :func:`docx_aanpak.datafiles.read_records`). Bad answers raise a
    :class:`ValidationError`."""
    source = Path(path)
    plans = _JsonPlans(source, template, require_name=False)
    for number, item in _json_items(source):
        if number:
            return None
        record = plans.record(number, item)
        if isinstance(record, RecordError):
            raise record.error
        return record or PlanRecord("", {}, source.name, {})
    return None
