"""Carry the answers of plans filled in an old version of a template over to a new version.

The old plan is read by scanning the document itself, so the old template is not needed. Its
fields are matched to the new template's fields in three rounds:

0. **by tag**: a control whose ``w:tag`` is a tag of the new template keeps its place (a frozen
   template, see :mod:`docx_aanpak.freeze`, tags every control with its key);
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

An answer is only moved where the new field accepts it (the new template validates it); a
picture is never moved (its value is an image, not text). Every answer that finds no place is
listed in full in ``dropped``, with the new question that came closest and its score; nothing is
lost silently. Questions left open are told apart: ``new_questions`` were not in the old version,
``never_answered`` were but had no answer. The migrated document
(:meth:`Migration.document`) gets each rich-text answer's runs and paragraphs, so bold, italics,
lists and line breaks are carried, not only the text (see :mod:`docx_aanpak.carry`).
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

from . import _ooxml as ox
from .carry import carry_answer
from .controls import ContentControl, Kind
from .document import Document, atomic_write
from .errors import DocxAanpakError, OutputExistsError, TemplateMismatchError, ValidationError
from .extract import extract_values
from .recover import PlanReader
from .scan import Field, scan
from .template import Template

if TYPE_CHECKING:
    from docx.document import Document as PyDocxDocument

    from .workbook import Sheet

__all__ = [
    "DEFAULT_THRESHOLD",
    "Carried",
    "Dropped",
    "Fuzzy",
    "Migration",
    "QuestionSummary",
    "format_report",
    "migrate",
    "migrate_many",
    "normalize",
    "question_similarity",
    "report_workbook",
    "similarity",
    "summary",
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
    """An answer whose field has the same tag or key in the new template."""

    new_key: str
    value: object
    section: str
    question: str
    old_section: str
    old_question: str
    matched_by: str = "key"  # "tag" or "key"


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
    # The new question that came closest, and its score (below the threshold, or refusing).
    candidate_key: str | None = None
    candidate_section: str | None = None
    candidate_question: str | None = None
    candidate_score: float | None = None


@dataclass
class _Source:
    """What :meth:`Migration.document` needs to copy the answers with their formatting."""

    document: Document
    template: Template
    fields: dict[str, Field]  # old fields by key
    recovered: dict[ox.Element, list[ox.Element]]  # blocks LibreOffice split off an answer
    pairs: dict[str, str]  # new key -> old key, for every moved answer


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
    new_open: list[Field] = field(default_factory=list)  # every question left open
    values: dict[str, object] = field(default_factory=dict)
    output: Path | None = None  # where the migrated plan is (or, in a dry run, would be) written
    written: bool = False
    error: str | None = None  # why the plan was not migrated or not written
    new_questions: list[Field] = field(default_factory=list)  # open: not in the old version
    never_answered: list[Field] = field(default_factory=list)  # open: no answer in the old plan
    # New key -> why that answer's formatting stayed behind (its text was carried).
    formatting: dict[str, str] = field(default_factory=dict)
    _source: _Source | None = field(default=None, repr=False, compare=False)

    @property
    def file(self) -> str:
        return self.source.name if self.source is not None else self.plan

    @property
    def ok(self) -> bool:
        return self.error is None

    def document(self) -> Document:
        """The migrated plan: the new template filled with the answers, each rich-text answer
        copied with its runs and paragraphs (bold, italics, lists, line breaks)."""
        return _build(self)[0]


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


def _filled_picture(document: Document, item: Field) -> bool:
    location = item.location
    sdts = list(document.tree(location.part).iter(ox.W_SDT))
    return not ContentControl(sdts[location.index]).is_unfilled


def migrate(
    old_plan: str | os.PathLike[str] | Document | PyDocxDocument,
    new_template: Template,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    duplicate_tags: str | None = None,
) -> Migration:
    """Work out the values of ``new_template`` from a plan filled in an older version.

    ``duplicate_tags`` applies to the old plan (default: the new template's setting). Raises
    :class:`TemplateMismatchError` when the old plan has no content controls, or when it holds
    answers none of which fits a question of the new template (it was made from another
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
    old_fields = scan(document, duplicate_tags=duplicate_tags or new_template.duplicate_tags)
    if not old_fields:
        raise TemplateMismatchError(
            f"{document.name} has no content controls, so it holds no answers to carry over to "
            f"{new_template.name}; is it a plan made from a version of this template? (A plan "
            "whose controls were removed cannot be migrated: use the plan it was made from.)"
        )
    reader = PlanReader(document)
    old_values = extract_values(document, old_fields, reader=reader)
    new_fields = new_template.fields
    new_by_key = {f.key: f for f in new_fields}
    new_by_tag = {f.tag: f for f in new_fields if f.tag}

    def refusal(old: Field, new: Field, value: object) -> str | None:
        if Kind.PICTURE in (old.kind, new.kind) and old.kind != new.kind:
            return "a picture field takes an image, not a text answer"
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
    unanswered_new: set[str] = set()  # new fields whose old field had no answer
    refused: dict[str, tuple[str, str]] = {}  # old key -> (new key, problem)
    pairs: dict[str, str] = {}  # new key -> old key of every moved answer
    pictures: list[Field] = []  # filled pictures: never moved, always reported

    def pair(old: Field, new: Field) -> object | None:
        """Take the pair; return the value to move, or None when there is none."""
        value = old_values[old.key]
        if old.kind == Kind.PICTURE:
            if _filled_picture(document, old):
                pictures.append(old)
            else:
                unanswered_new.add(new.key)
            done_old.add(old.key)
            taken_new.add(new.key)
            return None
        if _answered(value):
            problem = refusal(old, new, value)
            if problem is not None:
                refused.setdefault(old.key, (new.key, problem))
                return None
            values[new.key] = value
            pairs[new.key] = old.key
        else:
            unanswered_new.add(new.key)
        done_old.add(old.key)
        taken_new.add(new.key)
        return value if _answered(value) else None

    # 0. Same tag (a frozen template tags every control with its key), 1. same key. Unanswered
    # old fields keep their successor too, so that no other answer lands in it.
    for by_tag in (True, False):
        for old in old_fields:
            if old.key in done_old or old.key in refused:
                continue
            new = new_by_tag.get(old.tag) if by_tag and old.tag else None
            if not by_tag:
                new = new_by_key.get(old.key)
            if new is None or new.key in taken_new:
                continue
            value = pair(old, new)
            if value is not None:
                how = "tag" if by_tag else "key"
                carried.append(
                    Carried(new.key, value, new.section, new.label, old.section, old.label, how)
                )

    # 2. Same or similar question, best pairs first, one to one.
    scores: dict[tuple[int, int], float] = {}
    candidates: list[tuple[float, int, int]] = []
    for i, old in enumerate(old_fields):
        if old.key in done_old:
            continue
        for j, new in enumerate(new_fields):
            if new.key in taken_new:
                continue
            score = scores[i, j] = similarity(old, new)
            if score >= threshold:
                candidates.append((-score, i, j))
    for negative, i, j in sorted(candidates):
        old, new = old_fields[i], new_fields[j]
        if old.key in done_old or new.key in taken_new:
            continue
        value = pair(old, new)
        if value is not None:
            score = round(-negative, 3)
            fuzzy.append(
                Fuzzy(
                    old.key, old.section, old.label, new.key, new.section, new.label, score, value
                )
            )

    # 3. Whatever is left is listed in full, with the question that came closest.
    def closest(i: int, old: Field) -> tuple[Field, float] | None:
        found = [
            (scores[i, j] if (i, j) in scores else similarity(old, new), -j, new)
            for j, new in enumerate(new_fields)
            if (new.kind == Kind.PICTURE) == (old.kind == Kind.PICTURE)
        ]
        if not found:
            return None
        score, _, new = max(found, key=lambda t: (t[0], t[1]))
        return new, round(score, 3)

    dropped: list[Dropped] = []
    for i, old in enumerate(old_fields):
        value = old_values[old.key]
        picture = old in pictures or (
            old.kind == Kind.PICTURE and old.key not in done_old and _filled_picture(document, old)
        )
        if not picture and (old.key in done_old or not _answered(value)):
            continue
        new_key: str | None = None
        reason = "no matching question in the new template"
        best = closest(i, old)
        if picture:
            reason = "a picture: pictures are not carried over; insert it again in the new plan"
        elif old.key in refused:
            new_key, problem = refused[old.key]
            reason = f"does not fit the new field '{new_key}': {problem}"
            best = (new_by_key[new_key], round(similarity(old, new_by_key[new_key]), 3))
        elif best is not None:
            reason += f" (closest: '{best[0].label}', score {best[1]:.2f} < {threshold:.2f})"
        dropped.append(
            Dropped(
                old.key,
                old.section,
                old.label,
                None if picture else value,
                reason,
                new_key,
                *((best[0].key, best[0].section, best[0].label, best[1]) if best else ()),
            )
        )
    if not carried and not fuzzy and any(d.value is not None for d in dropped):
        # Only text answers tell: a picture is never carried, even into its own template.
        raise TemplateMismatchError(
            f"{document.name}: none of its {len(dropped)} answers fits a question of "
            f"{new_template.name}; is it a plan made from a version of this template?"
        )
    open_fields = [f for f in new_fields if f.key not in values]
    return Migration(
        plan=name,
        source=source,
        title=title,
        template=new_template.name,
        carried=carried,
        fuzzy=fuzzy,
        dropped=dropped,
        new_open=open_fields,
        values={f.key: values[f.key] for f in new_fields if f.key in values},
        new_questions=[f for f in open_fields if f.key not in taken_new],
        never_answered=[f for f in open_fields if f.key in unanswered_new],
        _source=_Source(
            document, new_template, {f.key: f for f in old_fields}, reader.recovered, pairs
        ),
    )


def _build(migration: Migration) -> tuple[Document, dict[str, str]]:
    """The migrated document, and why some answers' formatting stayed behind (by new key)."""
    source = migration._source
    if source is None:
        raise DocxAanpakError(f"{migration.plan}: the old plan of this migration is not at hand")
    document = source.template.fill(migration.values, title=migration.title)
    notes: dict[str, str] = {}
    numbers: dict[str, str] = {}  # the old plan's lists -> the new document's
    old_trees: dict[str, list[ox.Element]] = {}
    new_trees: dict[str, list[ox.Element]] = {}
    for new_key, old_key in source.pairs.items():
        new, old = source.template.field(new_key), source.fields[old_key]
        if not isinstance(migration.values.get(new_key), str) or new.bound or old.bound:
            continue
        location = old.location
        if location.part not in old_trees:
            old_trees[location.part] = list(source.document.tree(location.part).iter(ox.W_SDT))
        control = ContentControl(old_trees[location.part][location.index])
        for target in new.locations:
            if target.part not in new_trees:
                new_trees[target.part] = list(document.tree(target.part).iter(ox.W_SDT))
            into = ContentControl(new_trees[target.part][target.index])
            extra = source.recovered.get(control.element, [])
            problem = carry_answer(
                source.document, control, extra, document, target.part, into, numbers
            )
            if problem is not None and problem != "only rich text carries formatting":
                notes[new_key] = problem
    return document, notes


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
    duplicate_tags: str | None = None,
) -> list[Migration]:
    """Migrate each plan and write it to ``out_dir`` under its own file name.

    A plan that cannot be read or migrated, or whose output exists (without ``overwrite``), gets
    its ``error`` set; the other plans go on. With ``dry_run`` no plan is written. ``report``
    writes an .xlsx listing every answer and every open question, and a summary per question
    (also in a dry run: it is the preview), replacing an existing one only with ``overwrite``.
    ``duplicate_tags`` applies to the old plans (default: the new template's setting).
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
            migration = migrate(
                source, new_template, threshold=threshold, duplicate_tags=duplicate_tags
            )
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
                document, notes = _build(migration)
                document.save(target, overwrite=overwrite)
                migration = replace(migration, written=True, formatting=notes)
        except DocxAanpakError as e:
            migration = replace(migration, error=str(e))
        # The old plan is no longer needed: let it go, so memory does not grow with the plans.
        migrations.append(replace(migration, _source=None))
    if report_path is not None:
        atomic_write(report_path, report_workbook(migrations), overwrite=overwrite)
    return migrations


# -- reports ------------------------------------------------------------------------------------

STATUS_CARRIED = "overgenomen"
STATUS_FUZZY = "herkend"
STATUS_DROPPED = "vervallen"
STATUS_OPEN = "nieuw open"
STATUS_UNANSWERED = "onbeantwoord"
STATUS_ERROR = "fout"
REPORT_SHEET = "Migratie"
SUMMARY_SHEET = "Samenvatting"
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
SUMMARY_COLUMNS = (
    ("sectie", 28),
    ("vraag", 50),
    ("overgenomen", 13),
    ("herkend", 10),
    ("vervallen", 11),
    ("nieuwe vraag", 40),
)
_CELL_LIMIT = 32_000  # Excel holds at most 32,767 characters in a cell


def answer_text(value: object) -> str:
    """An answer as a person reads it (Dutch: dates as 31-12-2025, checkboxes as ja/nee)."""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, dt.date):
        return (
            f"{value.day:02d}-{value.month:02d}-{value.year:04d}"  # strftime writes year 1 as "1"
        )
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


def _dropped_note(d: Dropped) -> str:
    if d.value is None:
        note = "afbeelding, niet overgenomen: voeg haar opnieuw in"
    elif d.refused_by:
        note = f"past niet in het nieuwe veld '{d.refused_by}'"
    else:
        note = "geen vraag in de nieuwe versie van het sjabloon"
    if d.candidate_question is not None and d.candidate_score is not None:
        note += f"; dichtstbij: '{d.candidate_question}' (score {d.candidate_score:.2f})"
    return note


def _rows(migration: Migration) -> list[list[object]]:
    plan, file = migration.plan, migration.file
    rows: list[list[object]] = []
    if migration.error:
        rows.append([plan, file, STATUS_ERROR, None, None, None, None, None, None, migration.error])
    formatting = {k: f"opmaak niet overgenomen: {v}" for k, v in migration.formatting.items()}
    for c in migration.carried:
        note = "op tag" if c.matched_by == "tag" else None
        if c.new_key in formatting:
            note = formatting[c.new_key]
        rows.append(
            [plan, file, STATUS_CARRIED, c.old_section, c.old_question, c.section, c.question,
             None, answer_text(c.value), note]
        )  # fmt: skip
    for f in migration.fuzzy:
        note = "controleer of het antwoord bij de nieuwe vraag past"
        if f.new_key in formatting:
            note += "; " + formatting[f.new_key]
        rows.append(
            [plan, file, STATUS_FUZZY, f.old_section, f.old_question, f.new_section,
             f.new_question, f.score, answer_text(f.value), note]
        )  # fmt: skip
    for d in migration.dropped:
        rows.append(
            [plan, file, STATUS_DROPPED, d.section, d.question, d.candidate_section,
             d.candidate_question, d.candidate_score, answer_text(d.value), _dropped_note(d)]
        )  # fmt: skip
    if migration.error is None or migration.carried or migration.fuzzy:
        for n in migration.new_questions:
            rows.append([plan, file, STATUS_OPEN, None, None, n.section, n.label, None, None,
                         "nieuwe vraag: niet in de oude versie"])  # fmt: skip
        for n in migration.never_answered:
            rows.append([plan, file, STATUS_UNANSWERED, None, None, n.section, n.label, None,
                         None, "ook in de oude versie niet beantwoord"])  # fmt: skip
    return rows


@dataclass
class QuestionSummary:
    """What happened, across plans, to the answers to one old question."""

    section: str
    question: str
    carried: int = 0
    fuzzy: int = 0
    dropped: int = 0
    new_questions: set[str] = field(default_factory=set)  # where fuzzy matches went


def summary(migrations: Sequence[Migration]) -> list[QuestionSummary]:
    """Per old question (in order of first appearance): how many answers were carried,
    recognised under another question, or dropped, across all plans."""
    found: dict[tuple[str, str], QuestionSummary] = {}

    def row(section: str, question: str) -> QuestionSummary:
        key = (normalize(section), normalize(question))
        if key not in found:
            found[key] = QuestionSummary(section, question.strip())
        return found[key]

    for m in migrations:
        for c in m.carried:
            row(c.old_section, c.old_question).carried += 1
        for f in m.fuzzy:
            item = row(f.old_section, f.old_question)
            item.fuzzy += 1
            item.new_questions.add(f.new_question.strip())
        for d in m.dropped:
            row(d.section, d.question).dropped += 1
    return list(found.values())


def _put(sheet: Sheet, row: int, column: int, value: object) -> None:
    from .excel import ANSWER

    if isinstance(value, float):
        sheet.set(row, column, value, replace(ANSWER, number_format="0.00"))
    elif isinstance(value, int) and not isinstance(value, bool):
        sheet.set(row, column, value, ANSWER)
    else:
        # Text stays text: an answer starting with "=" is not a formula.
        sheet.set(row, column, str(value), ANSWER)


def report_workbook(migrations: Sequence[Migration]) -> bytes:
    """The migration report as .xlsx bytes: sheet "Migratie" with one row per answer or open
    question (answers in full), sheet "Samenvatting" with one row per old question."""
    from .workbook import Style, Workbook

    bold = Style(bold=True)
    book = Workbook()
    sheet = book.add_sheet(REPORT_SHEET)
    for column, (name, width) in enumerate(REPORT_COLUMNS, 1):
        sheet.set(1, column, name, bold)
        sheet.column(column, width)
    answer_column = [name for name, _ in REPORT_COLUMNS].index("antwoord")
    line = 1
    for migration in migrations:
        for row in _rows(migration):
            answer = str(row[answer_column] or "")
            chunks = [answer[i : i + _CELL_LIMIT] for i in range(0, len(answer), _CELL_LIMIT)]
            for n, chunk in enumerate(chunks or [""]):
                values = list(row)
                values[answer_column] = chunk or None
                if n:
                    values[-1] = f"vervolg {n + 1} van {len(chunks)}"
                line += 1
                for column, value in enumerate(values, 1):
                    if value is not None:
                        _put(sheet, line, column, value)
    sheet.frozen = (2, 1)
    sheet.filter = True

    totals = book.add_sheet(SUMMARY_SHEET)
    for column, (name, width) in enumerate(SUMMARY_COLUMNS, 1):
        totals.set(1, column, name, bold)
        totals.column(column, width)
    for line, item in enumerate(summary(migrations), 2):
        values = [item.section, item.question, item.carried, item.fuzzy, item.dropped,
                  "\n".join(sorted(item.new_questions)) or None]  # fmt: skip
        for column, value in enumerate(values, 1):
            if value is not None:
                _put(totals, line, column, value)
    totals.frozen = (2, 1)
    return book.to_bytes()


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in (text.splitlines() or [""]))


def format_report(migrations: Sequence[Migration]) -> str:
    """A summary for the terminal: per plan what was carried, recognised (with scores), dropped
    (with the closest question and its score, and the full answer) and left open (new
    questions apart from questions never answered); then per old question across plans."""
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
        by_tag = sum(c.matched_by == "tag" for c in m.carried)
        how = f" ({by_tag} by tag)" if by_tag else ""
        lines.append(
            f"  {len(m.carried)} carried by key{how}, {len(m.fuzzy)} matched by question, "
            f"{len(m.dropped)} dropped, {len(m.new_questions)} new question(s) and "
            f"{len(m.never_answered)} never answered left open"
        )
        if m.error:
            lines.append(f"  error: {m.error}")
        if m.fuzzy:
            lines.append("  matched by question (please check):")
            for f in m.fuzzy:
                lines.append(f"    {f.score:.2f}  {f.old_section}: {f.old_question}")
                lines.append(f"          -> {f.new_section}: {f.new_question}")
        if m.dropped:
            lines.append("  DROPPED, no place in the new template (full answer below):")
            for d in m.dropped:
                lines.append(f"    {d.section}: {d.question}")
                lines.append(f"      ({d.reason})")
                if d.candidate_question is not None and d.candidate_score is not None:
                    lines.append(
                        f"      closest: {d.candidate_score:.2f}  {d.candidate_section}: "
                        f"{d.candidate_question}"
                    )
                if d.value is not None:
                    lines.append(_indent(answer_text(d.value), "      | "))
        questions = {c.new_key: c.question for c in m.carried}
        questions.update({f.new_key: f.new_question for f in m.fuzzy})
        for key, problem in m.formatting.items():
            lines.append(f"  formatting not carried for '{questions.get(key, key)}': {problem}")
        if m.new_questions:
            lines.append("  new questions (not in the old version), open:")
            for n in m.new_questions:
                lines.append(f"    {n.section}: {n.label}")
        if m.never_answered:
            lines.append("  never answered (in the old version too), open:")
            for n in m.never_answered:
                lines.append(f"    {n.section}: {n.label}")
        lines.append("")
    totals = summary(migrations)
    if totals:
        lines.append("per question across plans: carried / matched / dropped")
        for item in totals:
            mark = "  !" if item.dropped else "   "
            lines.append(
                f"{mark} {item.carried:>4} {item.fuzzy:>4} {item.dropped:>4}  "
                f"{item.section}: {item.question}"
            )
        lines.append("")
    written = sum(m.written for m in migrations)
    failed = sum(not m.ok for m in migrations)
    dropped = sum(len(m.dropped) for m in migrations)
    lines.append(
        f"{len(migrations)} plan(s): {written} written, {failed} with errors, "
        f"{dropped} answer(s) dropped"
    )
    return "\n".join(lines)
