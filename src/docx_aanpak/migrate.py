"""Carry the answers of plans filled in an old version of a template over to a new version.

The old plan is read by scanning the document itself, so the old template is not needed. Its
fields are matched to the new template's fields in two rounds:

1. **by key**: a field whose key is in the new template keeps its place (*carried*);
2. **by question**: the remaining old fields are compared with the remaining new fields, and the
   best pairs at or above ``threshold`` are taken greedily, best first, each field at most once
   (*fuzzy*). The score of a pair is ``0.8 * question + 0.2 * section``, where each part is a
   :class:`difflib.SequenceMatcher` ratio of normalized text (case folded, diacritics and
   punctuation removed, whitespace collapsed). The question part is the mean of the ratio of the
   whole questions and the ratio of their content words (Dutch function words such as *hoe*,
   *welke*, *ik*, *het* left out), so that rewording the frame of a question ("Hoe betrek ik …"
   -> "Op welke manier betrek ik …") weighs less than changing what it asks about. The same
   question moved to another row scores at least 0.8; an unrelated question in the same row of
   the shipped template scores at most about 0.75.

An answer is only moved where the new field accepts it (the new template validates it). Every
answer that finds no place is listed in full in ``dropped``; nothing is lost silently.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .document import Document, atomic_write
from .errors import DocxAanpakError, OutputExistsError, TemplateMismatchError, ValidationError
from .extract import extract_values
from .scan import Field, scan
from .template import Template

if TYPE_CHECKING:
    from docx.document import Document as PyDocxDocument

__all__ = [
    "DEFAULT_THRESHOLD",
    "Carried",
    "Dropped",
    "Fuzzy",
    "Migration",
    "format_report",
    "migrate",
    "migrate_many",
    "normalize",
    "question_similarity",
    "report_workbook",
    "similarity",
]

DEFAULT_THRESHOLD = 0.8
QUESTION_WEIGHT = 0.8
SECTION_WEIGHT = 0.2

# Dutch function words: they frame a question rather than say what it is about.
STOPWORDS = frozenset(
    {
        "aan",
        "als",
        "ben",
        "bij",
        "dat",
        "de",
        "deze",
        "die",
        "dit",
        "door",
        "een",
        "en",
        "er",
        "ga",
        "gaan",
        "heb",
        "hebben",
        "hen",
        "het",
        "hoe",
        "hun",
        "ik",
        "in",
        "is",
        "je",
        "kan",
        "kunnen",
        "laat",
        "me",
        "met",
        "mijn",
        "na",
        "naar",
        "niet",
        "of",
        "om",
        "onze",
        "ook",
        "op",
        "over",
        "te",
        "tot",
        "uit",
        "van",
        "voor",
        "waar",
        "waarom",
        "wanneer",
        "wat",
        "we",
        "wel",
        "welk",
        "welke",
        "wie",
        "wij",
        "worden",
        "wordt",
        "zal",
        "zij",
        "zijn",
        "zowel",
    }
)


# -- results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Carried:
    """An answer whose field has the same key in the new template."""

    new_key: str
    value: object
    section: str
    question: str
    old_section: str
    old_question: str


@dataclass(frozen=True)
class Fuzzy:
    """An answer whose question was recognised in the new template under another key."""

    old_key: str
    old_section: str
    old_question: str
    new_key: str
    new_section: str
    new_question: str
    score: float
    value: object


@dataclass(frozen=True)
class Dropped:
    """An answer with no place in the new template, kept here in full."""

    old_key: str
    section: str
    question: str
    value: object
    reason: str
    refused_by: str | None = None  # the new field that matched but did not accept the value


@dataclass(frozen=True)
class Migration:
    """What happened to one plan."""

    plan: str  # the old document's title, else its file name without extension
    source: Path | None
    title: str | None
    template: str
    carried: list[Carried] = field(default_factory=list)
    fuzzy: list[Fuzzy] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    new_open: list[Field] = field(default_factory=list)
    values: dict[str, object] = field(default_factory=dict)
    output: Path | None = None  # where the migrated plan is (or, in a dry run, would be) written
    written: bool = False
    error: str | None = None  # why the plan was not migrated or not written

    @property
    def file(self) -> str:
        return self.source.name if self.source is not None else self.plan

    @property
    def ok(self) -> bool:
        return self.error is None


# -- matching -----------------------------------------------------------------------------------


def normalize(text: str) -> str:
    """Case folded, without diacritics or punctuation, single spaces: ``"Collega’s?"`` ->
    ``"collegas"``."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"['’‘ʼ`´]", "", text)
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _content(normalized: str) -> str:
    return " ".join(w for w in normalized.split() if w not in STOPWORDS)


def question_similarity(a: str, b: str) -> float:
    """Similarity of two questions in [0, 1]: the mean of the ratio of the whole normalized
    questions and the ratio of their content words."""
    na, nb = normalize(a), normalize(b)
    whole = _ratio(na, nb)
    ca, cb = _content(na), _content(nb)
    content = _ratio(ca, cb) if ca or cb else whole
    return (whole + content) / 2


def similarity(old: Field, new: Field) -> float:
    """Score of an old field against a new one: ``0.8 * question + 0.2 * section``."""
    question = question_similarity(old.label, new.label)
    section = _ratio(normalize(old.section), normalize(new.section))
    return QUESTION_WEIGHT * question + SECTION_WEIGHT * section


def _answered(value: object) -> bool:
    return value is not None and value != "" and value != []


def _plan_name(
    document: Document, source: Path | None, generic: str | None
) -> tuple[str, str | None]:
    """The plan's name and title: its core title, unless that is the template's own title
    (a plan filled without a title of its own), else its file name without extension."""
    title = (document.core_property("dc:title") or "").strip() or None
    if title and title != generic:
        return title, title
    if source is not None:
        return source.stem, None
    return Path(document.name).stem, None


def migrate(
    old_plan: str | os.PathLike[str] | Document | PyDocxDocument,
    new_template: Template,
    *,
    threshold: float = DEFAULT_THRESHOLD,
) -> Migration:
    """Work out the values of ``new_template`` from a plan filled in an older version.

    Raises :class:`TemplateMismatchError` when the old plan has no content controls, or when it
    holds answers none of which fits a question of the new template (it was made from another
    template); the errors of :meth:`Document.open` when it cannot be read.
    """
    if isinstance(old_plan, Document):
        document, source = old_plan, None
    elif isinstance(old_plan, str | os.PathLike):
        source = Path(old_plan)
        document = Document.open(source)
    else:  # a python-docx Document
        document, source = Document.open(old_plan), None
    generic = (new_template.document.core_property("dc:title") or "").strip() or None
    name, title = _plan_name(document, source, generic)
    old_fields = scan(document)
    if not old_fields:
        raise TemplateMismatchError(
            f"{document.name} has no content controls, so it holds no answers to carry over to "
            f"{new_template.name}; is it a plan made from a version of this template?"
        )
    old_values = extract_values(document, old_fields)
    new_fields = new_template.fields
    new_by_key = {f.key: f for f in new_fields}

    def refusal(new: Field, value: object) -> str | None:
        try:
            new_template.validate({new.key: value})
        except ValidationError as e:
            return "; ".join(p.message for p in e.problems)
        return None

    values: dict[str, object] = {}
    carried: list[Carried] = []
    fuzzy: list[Fuzzy] = []
    done_old: set[str] = set()
    taken_new: set[str] = set()
    refused: dict[str, tuple[str, str]] = {}  # old key -> (new key, problem)

    # 1. Same key. Unanswered old fields keep their successor too, so that no other answer
    # lands in it.
    for old in old_fields:
        new = new_by_key.get(old.key)
        if new is None:
            continue
        value = old_values[old.key]
        if _answered(value):
            problem = refusal(new, value)
            if problem is not None:
                refused[old.key] = (new.key, problem)
                continue
            values[new.key] = value
            carried.append(Carried(new.key, value, new.section, new.label, old.section, old.label))
        done_old.add(old.key)
        taken_new.add(new.key)

    # 2. Same or similar question, best pairs first, one to one.
    candidates: list[tuple[float, int, int]] = []
    for i, old in enumerate(old_fields):
        if old.key in done_old:
            continue
        for j, new in enumerate(new_fields):
            if new.key in taken_new:
                continue
            score = similarity(old, new)
            if score >= threshold:
                candidates.append((-score, i, j))
    for negative, i, j in sorted(candidates):
        old, new = old_fields[i], new_fields[j]
        if old.key in done_old or new.key in taken_new:
            continue
        value = old_values[old.key]
        if _answered(value):
            problem = refusal(new, value)
            if problem is not None:
                refused.setdefault(old.key, (new.key, problem))
                continue
            values[new.key] = value
            fuzzy.append(
                Fuzzy(
                    old.key,
                    old.section,
                    old.label,
                    new.key,
                    new.section,
                    new.label,
                    round(-negative, 3),
                    value,
                )
            )
        done_old.add(old.key)
        taken_new.add(new.key)

    # 3. Whatever is left is listed in full.
    dropped: list[Dropped] = []
    for old in old_fields:
        value = old_values[old.key]
        if old.key in done_old or not _answered(value):
            continue
        new_key: str | None = None
        reason = "no matching question in the new template"
        if old.key in refused:
            new_key, problem = refused[old.key]
            reason = f"does not fit the new field '{new_key}': {problem}"
        dropped.append(Dropped(old.key, old.section, old.label, value, reason, new_key))
    if dropped and not carried and not fuzzy:
        raise TemplateMismatchError(
            f"{document.name}: none of its {len(dropped)} answers fits a question of "
            f"{new_template.name}; is it a plan made from a version of this template?"
        )
    return Migration(
        plan=name,
        source=source,
        title=title,
        template=new_template.name,
        carried=carried,
        fuzzy=fuzzy,
        dropped=dropped,
        new_open=[f for f in new_fields if f.key not in values],
        values={f.key: values[f.key] for f in new_fields if f.key in values},
    )


# -- many plans ---------------------------------------------------------------------------------


def migrate_many(
    paths: Iterable[str | os.PathLike[str]],
    new_template: Template,
    out_dir: str | os.PathLike[str],
    *,
    dry_run: bool = False,
    overwrite: bool = False,
    report: str | os.PathLike[str] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[Migration]:
    """Migrate each plan and write it to ``out_dir`` under its own file name.

    A plan that cannot be read or migrated, or whose output exists (without ``overwrite``), gets
    its ``error`` set; the other plans go on. With ``dry_run`` no plan is written. ``report``
    writes an .xlsx listing every answer and every open question (also in a dry run: it is the
    preview), replacing an existing one only with ``overwrite``.
    """
    out = Path(out_dir)
    report_path = None if report is None else Path(report)
    if report_path is not None and not overwrite and report_path.exists():
        raise OutputExistsError(str(report_path))
    migrations: list[Migration] = []
    targets: dict[Path, Path] = {}
    for source in (Path(p) for p in paths):
        target = out / source.name
        try:
            migration = migrate(source, new_template, threshold=threshold)
        except DocxAanpakError as e:
            migrations.append(
                Migration(
                    plan=source.stem,
                    source=source,
                    title=None,
                    template=new_template.name,
                    error=str(e),
                )
            )
            continue
        migration = replace(migration, output=target)
        try:
            first = targets.setdefault(target, source)
            if first != source:
                raise DocxAanpakError(
                    f"{source} has the same file name as {first}; both would be written to {target}"
                )
            if target.exists() and source.exists() and target.samefile(source):
                raise DocxAanpakError(
                    f"{target} is the old plan itself; write the migrated plans to another folder"
                )
            if not dry_run:
                document = new_template.fill(migration.values, title=migration.title)
                document.save(target, overwrite=overwrite)
                migration = replace(migration, written=True)
        except DocxAanpakError as e:
            migration = replace(migration, error=str(e))
        migrations.append(migration)
    if report_path is not None:
        atomic_write(report_path, report_workbook(migrations), overwrite=overwrite)
    return migrations


# -- reports ------------------------------------------------------------------------------------

STATUS_CARRIED = "overgenomen"
STATUS_FUZZY = "herkend"
STATUS_DROPPED = "vervallen"
STATUS_OPEN = "nieuw open"
STATUS_ERROR = "fout"
REPORT_SHEET = "Migratie"
REPORT_COLUMNS = (
    ("plan", 28),
    ("bestand", 24),
    ("status", 13),
    ("oude sectie", 24),
    ("oude vraag", 40),
    ("nieuwe sectie", 24),
    ("nieuwe vraag", 40),
    ("score", 8),
    ("antwoord", 80),
    ("opmerking", 40),
)
_CELL_LIMIT = 32_000  # Excel holds at most 32,767 characters in a cell


def answer_text(value: object) -> str:
    """An answer as a person reads it (Dutch: dates as 31-12-2025, checkboxes as ja/nee)."""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, list):
        items = []
        for n, item in enumerate(value, 1):
            if isinstance(item, dict):
                inner = "; ".join(
                    f"{k}: {answer_text(v)}" for k, v in item.items() if v is not None
                )
                items.append(f"{n}. {inner}")
            else:
                items.append(f"{n}. {answer_text(item)}")
        return "\n".join(items)
    return "" if value is None else str(value)


def _rows(migration: Migration) -> list[list[object]]:
    plan, file = migration.plan, migration.file
    rows: list[list[object]] = []
    if migration.error:
        rows.append([plan, file, STATUS_ERROR, None, None, None, None, None, None, migration.error])
    for c in migration.carried:
        rows.append(
            [
                plan,
                file,
                STATUS_CARRIED,
                c.old_section,
                c.old_question,
                c.section,
                c.question,
                None,
                answer_text(c.value),
                None,
            ]
        )
    for f in migration.fuzzy:
        rows.append(
            [
                plan,
                file,
                STATUS_FUZZY,
                f.old_section,
                f.old_question,
                f.new_section,
                f.new_question,
                f.score,
                answer_text(f.value),
                "controleer of het antwoord bij de nieuwe vraag past",
            ]
        )
    for d in migration.dropped:
        note = (
            f"past niet in het nieuwe veld '{d.refused_by}'"
            if d.refused_by
            else "geen vraag in de nieuwe versie van het sjabloon"
        )
        rows.append(
            [
                plan,
                file,
                STATUS_DROPPED,
                d.section,
                d.question,
                None,
                None,
                None,
                answer_text(d.value),
                note,
            ]
        )
    if migration.error is None or migration.carried or migration.fuzzy:
        for n in migration.new_open:
            rows.append([plan, file, STATUS_OPEN, None, None, n.section, n.label, None, None, None])
    return rows


def report_workbook(migrations: Sequence[Migration]) -> bytes:
    """The migration report as .xlsx bytes: one sheet "Migratie", one row per answer or open
    question, answers in full."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from .excel import workbook_bytes

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = REPORT_SHEET
    sheet.append([name for name, _ in REPORT_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    answer_column = [name for name, _ in REPORT_COLUMNS].index("antwoord")
    wrap = Alignment(wrap_text=True, vertical="top")
    for migration in migrations:
        for row in _rows(migration):
            answer = str(row[answer_column] or "")
            chunks = [answer[i : i + _CELL_LIMIT] for i in range(0, len(answer), _CELL_LIMIT)]
            for n, chunk in enumerate(chunks or [""]):
                values = list(row)
                values[answer_column] = chunk or None
                if n:
                    values[-1] = f"vervolg {n + 1} van {len(chunks)}"
                sheet.append([None] * len(values))
                line = sheet.max_row
                for column, value in enumerate(values, 1):
                    if value is None:
                        continue
                    cell = sheet.cell(line, column)
                    if isinstance(value, float):
                        cell.value = value
                        cell.number_format = "0.00"
                    else:
                        # Text stays text: an answer starting with "=" is not a formula.
                        cell.value = ILLEGAL_CHARACTERS_RE.sub("", str(value))
                        cell.data_type = "s"
                    cell.alignment = wrap
    for column, (_, width) in enumerate(REPORT_COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    return workbook_bytes(book)


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in (text.splitlines() or [""]))


def format_report(migrations: Sequence[Migration]) -> str:
    """A summary for the terminal: per plan what was carried, recognised (with scores), dropped
    (with the full answer) and left open."""
    lines: list[str] = []
    for m in migrations:
        head = m.file if m.plan == Path(m.file).stem else f"{m.plan} ({m.file})"
        if m.output is not None:
            head += f" -> {m.output}" + ("" if m.written else " (not written)")
        lines.append(head)
        if m.error and not (m.carried or m.fuzzy):
            lines.append(f"  error: {m.error}")
            lines.append("")
            continue
        lines.append(
            f"  {len(m.carried)} carried by key, {len(m.fuzzy)} matched by question, "
            f"{len(m.dropped)} dropped, {len(m.new_open)} open in the new template"
        )
        if m.error:
            lines.append(f"  error: {m.error}")
        if m.fuzzy:
            lines.append("  matched by question (please check):")
            for f in m.fuzzy:
                lines.append(f"    {f.score:.2f}  {f.old_section}: {f.old_question}")
                lines.append(f"          -> {f.new_section}: {f.new_question}")
        if m.dropped:
            lines.append("  dropped, no place in the new template (full answer below):")
            for d in m.dropped:
                lines.append(f"    {d.section}: {d.question}")
                lines.append(f"      ({d.reason})")
                lines.append(_indent(answer_text(d.value), "      | "))
        if m.new_open:
            lines.append("  open questions in the new template:")
            for n in m.new_open:
                lines.append(f"    {n.section}: {n.label}")
        lines.append("")
    written = sum(m.written for m in migrations)
    failed = sum(not m.ok for m in migrations)
    dropped = sum(len(m.dropped) for m in migrations)
    lines.append(
        f"{len(migrations)} plan(s): {written} written, {failed} with errors, "
        f"{dropped} answer(s) dropped"
    )
    return "\n".join(lines)
