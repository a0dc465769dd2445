"""Collect filled plans into one workbook: the answers (sheet "Plannen", the input layout, so the
workbook can be edited and filled again) and how far each plan is (sheet "Voortgang").

Every plan is read against one **reference**: the template given, or else the field set most
plans share. A plan that lacks fields of the reference is collected with the fields it has and
its missing fields are listed; no column is ever dropped. Files that are not collected are
listed with the reason (:class:`Skipped`): not a plan, a plan whose controls were removed, a copy
beside its original, the template itself, a second file of the same plan.

Reading is cheap where a plan's controls are the reference's: the properties, tag, title, id and
place of every control are compared with the reference's (a *signature*), and only a plan that
differs is scanned in full and matched to the reference by key, then by section and question.
Plans are read in worker processes, like :func:`~docx_aanpak.batch.fill_many` writes them.
"""

from __future__ import annotations

import gc
import os
import re
import signal
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import _ooxml as ox
from . import pydocx
from .controls import ContentControl, Snapshot, block_paragraphs
from .document import Document
from .errors import DocxAanpakError
from .extract import extract_values
from .migrate import normalize
from .recover import PlanReader, Shape, written_by_libreoffice
from .scan import Field, scan
from .template import Template

if TYPE_CHECKING:
    from docx.document import Document as PyDocxDocument

    from .workbook import Workbook

__all__ = [
    "Collected",
    "Collection",
    "Skipped",
    "collect",
    "plan_name",
    "write_collection",
]

PROGRESS_SHEET = "Voortgang"

# Why a file was not collected.
NOT_A_PLAN = "not a plan"
CONTROLS_REMOVED = "controls removed"
COPY = "copy"
TEMPLATE = "template"
DUPLICATE = "duplicate"
UNREADABLE = "unreadable"


@dataclass(frozen=True)
class Collected:
    """One plan: its answers to every field of the reference (``None`` where unanswered or
    missing), the reference's fields it lacks, and what went wrong reading it."""

    name: str
    path: Path
    values: dict[str, object]
    missing: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        """Read whole: no field missing, nothing doubtful."""
        return not self.missing and not self.warnings


@dataclass(frozen=True)
class Skipped:
    """A file that was not collected, and why (``kind``: one of "not a plan", "controls
    removed", "copy", "template", "duplicate", "unreadable")."""

    path: Path
    reason: str
    kind: str = UNREADABLE


@dataclass
class Collection:
    """The plans read against ``template`` (the reference), and the files left out."""

    template: Template
    plans: list[Collected] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    reference: str = ""  # how the reference was chosen, for a person

    @property
    def ok(self) -> bool:
        """Every file was collected whole."""
        return not self.skipped and all(p.complete for p in self.plans)

    def summary(self) -> str:
        incomplete = sum(not p.complete for p in self.plans)
        return f"{len(self.plans)} plans, {incomplete} incomplete, {len(self.skipped)} skipped"

    def records(self) -> list[dict[str, object]]:
        """One JSON-ready record per plan: ``Gemeente``, ``bestand``, ``ontbrekend`` (only for a
        plan lacking fields), then every field key."""
        result = []
        for plan in self.plans:
            record: dict[str, object] = {"Gemeente": plan.name, "bestand": str(plan.path)}
            if plan.missing:
                record["ontbrekend"] = list(plan.missing)
            record.update(plan.values)
            result.append(record)
        return result


def plan_name(document: Document, path: Path, template: Template) -> str:
    """The plan's name: the document title, unless it is empty or the template's own title;
    else the file name."""
    title = (document.core_property("dc:title") or "").strip()
    template_title = (template.document.core_property("dc:title") or "").strip()
    if title and title != template_title:
        return title
    return path.stem


# -- copies -----------------------------------------------------------------------------------

_COPY_PATTERNS = (
    re.compile(r"^(?P<base>.+?)\s*-\s*(?:kopie|copy)(?:\s*\(\d+\))?$", re.IGNORECASE),
    re.compile(r"^(?P<base>.+?)\s*\((?:kopie|copy|\d+)\)$", re.IGNORECASE),
    re.compile(r"^(?:kopie van|copy of)\s+(?P<base>.+)$", re.IGNORECASE),
)


def _copy_of(path: Path, stems: Mapping[tuple[Path, str], Path]) -> Path | None:
    """The original ``path`` is a copy of (by the names Windows, macOS and Word give copies),
    when that original is among the files collected."""
    for pattern in _COPY_PATTERNS:
        match = pattern.match(path.stem)
        if match:
            original = stems.get((path.parent, match["base"].strip().casefold()))
            if original is not None and original != path:
                return original
    return None


# -- signatures -------------------------------------------------------------------------------

Signature = tuple[tuple[str, tuple[tuple[object, ...], ...]], ...]

# Control properties that change when a control is filled: not part of a signature.
_VOLATILE = frozenset(
    ox.qn(name) for name in ("w:showingPlcHdr", "w:rPr", "w:placeholder", "w:temporary")
)


# Story parts seen to hold no controls (a template's headers and footers), by their bytes: the
# same part of another plan holds none either, and is not parsed again.
_NO_CONTROLS: set[bytes] = set()
_KEPT_PARTS, _KEPT_BYTES = 64, 16 * 1024


def signature(
    document: Document, controls: dict[str, Sequence[ContentControl]] | None = None
) -> Signature:
    """What every control is (its properties' elements, tag, title and id) and where it sits
    (its parent element), part by part: two documents with the same signature have the same
    fields in the same places, at the same levels. ``controls`` receives each part's controls,
    read once (:class:`~docx_aanpak.controls.Snapshot`)."""
    parts: list[tuple[str, tuple[tuple[object, ...], ...]]] = []
    for story in document.story_parts():
        data = document.unparsed(story.name)
        if data is not None and data in _NO_CONTROLS:
            parts.append((story.name, ()))
            continue
        found = [Snapshot(element) for element in document.tree(story.name).iter(ox.W_SDT)]
        if controls is not None:
            controls[story.name] = found
        if (
            not found
            and data is not None
            and len(data) <= _KEPT_BYTES
            and len(_NO_CONTROLS) < _KEPT_PARTS
        ):
            _NO_CONTROLS.add(data)
        described = []
        for control in found:
            kinds: list[object] = []
            for tag, child in control.in_order:
                if tag in _VOLATILE:
                    continue
                kinds.append(tag)
                if tag in _NAMED:
                    kinds.append(child.get(ox.W_VAL))
            described.append((control.parent_tag, *kinds))
        parts.append((story.name, tuple(described)))
    return tuple(parts)


_NAMED = frozenset(ox.qn(name) for name in ("w:tag", "w:alias", "w:id"))


def _match(plan_fields: Sequence[Field], reference: Sequence[Field]) -> dict[str, str]:
    """Plan key -> reference key: the same key and kind; else the same section and question;
    else, within a section, the fields left over on both sides in document order, when as many
    are left on each side (a question retyped in the plan)."""
    by_key = {f.key: f for f in reference}
    result: dict[str, str] = {}
    for item in plan_fields:
        ref = by_key.get(item.key)
        if ref is not None and ref.kind == item.kind:
            result[item.key] = ref.key

    def left(fields: Sequence[Field], done: Iterable[str]) -> list[Field]:
        taken = set(done)
        return [f for f in fields if f.key not in taken]

    by_context: dict[tuple[str, str, str], list[Field]] = {}
    for ref in left(reference, result.values()):
        context = (normalize(ref.section), normalize(ref.label), ref.kind.value)
        by_context.setdefault(context, []).append(ref)
    for item in left(plan_fields, result):
        context = (normalize(item.section), normalize(item.label), item.kind.value)
        candidates = by_context.get(context)
        if candidates:
            result[item.key] = candidates.pop(0).key

    def by_section(fields: Sequence[Field]) -> dict[str, list[Field]]:
        groups: dict[str, list[Field]] = {}
        for item in fields:
            groups.setdefault(normalize(item.section), []).append(item)
        return groups

    remaining = by_section(left(reference, result.values()))
    for section, items in by_section(left(plan_fields, result)).items():
        refs = remaining.get(section, [])
        if len(refs) == len(items) and all(
            a.kind == b.kind for a, b in zip(items, refs, strict=True)
        ):
            for item, ref in zip(items, refs, strict=True):
                result[item.key] = ref.key
    return result


# -- reading one plan (in a worker) -----------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    """What a worker knows before it reads: the template's fields (by its signature) and
    shapes, and how to scan a plan that differs."""

    known: Mapping[Signature, tuple[Field, ...]]
    shapes: Mapping[str, tuple[Shape, ...]]
    duplicate_tags: str | None
    memory: Mapping[Path, bytes] = field(default_factory=dict)  # python-docx documents given

    def open(self, path: Path) -> Document:
        data = self.memory.get(path)
        return Document.open(path) if data is None else Document.open(data, name=str(path))


@dataclass(frozen=True)
class _Read:
    """One plan as read with its own fields (keys of its own scan, or the template's where the
    signature is the template's)."""

    path: Path
    title: str = ""
    signature: Signature | None = None
    fields: tuple[Field, ...] | None = None  # sent once per signature and worker
    values: dict[str, object] | None = None  # by the plan's own keys
    warnings: tuple[str, ...] = ()
    libreoffice: bool = False
    showing: int = 0  # controls showing their placeholder
    error: str | None = None


def _answered(value: object) -> bool:
    return value not in (None, "", [])


def _scan(document: Document, duplicate_tags: str | None) -> list[Field]:
    if duplicate_tags is None:
        return scan(document)
    return scan(document, duplicate_tags=duplicate_tags)


def _questions_in(path: Path, reference: Sequence[Field], context: _Context) -> int:
    """How many of the reference's questions a document's text holds (for a plan whose controls
    were removed, its answers are then plain text among the questions)."""
    try:
        document = context.open(path)
    except DocxAanpakError:
        return 0
    texts: set[str] = set()
    for _, root in document.iter_story_trees():
        body = root.find(ox.qn("w:body"))
        texts.update(t.strip() for t in block_paragraphs(body if body is not None else root))
    labels = {f.label.strip() for f in reference if f.label != f.section}
    return sum(1 for label in labels if label in texts)


def _read_values(
    document: Document,
    fields: Sequence[Field],
    shapes: Mapping[str, tuple[Shape, ...]],
    controls: dict[str, Sequence[ContentControl]] | None = None,
) -> tuple[dict[str, object], tuple[str, ...]]:
    reader = PlanReader(document, shapes)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        values = extract_values(document, fields, reader=reader, controls=controls)
    return values, tuple(str(w.message) for w in caught)


def _read(path: Path, context: _Context, cache: dict[Signature, list[Field]]) -> _Read:
    try:
        document = context.open(path)
        title = (document.core_property("dc:title") or "").strip()
        controls: dict[str, Sequence[ContentControl]] = {}
        own = signature(document, controls)
        fields = cache.get(own)
        new = fields is None
        if fields is None:
            known = context.known.get(own)
            fields = cache[own] = (
                list(known) if known is not None else _scan(document, context.duplicate_tags)
            )
        libreoffice, showing = False, 0
        if not context.known:  # no template: these choose the plan to read the reference from
            libreoffice = written_by_libreoffice(document)
            showing = sum(c.showing_placeholder for found in controls.values() for c in found)
        values, notes = _read_values(document, fields, context.shapes, controls)
        sent = tuple(fields) if new else None
        return _Read(path, title, own, sent, values, notes, libreoffice, showing)
    except DocxAanpakError as e:
        return _Read(path, error=str(e))


# -- workers ----------------------------------------------------------------------------------

_WORKER: tuple[_Context, dict[Signature, list[Field]]] | None = None
SMALL = 24  # fewer plans than this are read in this process: starting workers costs more
CHUNK = 8


def _init_worker(context: _Context) -> None:
    global _WORKER
    _WORKER = (context, {})


def _start_worker(parent_pid: int, context: _Context | None) -> None:
    """A worker ends with the run, however the run ends (even by SIGKILL); a spawned worker
    gets the context, a forked one inherited it. Stop signals are the parent's to handle: a
    worker only reads, so it may die at any moment."""
    for number in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if number is not None:
            signal.signal(number, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from .lifeline import die_with_parent  # multiprocessing: only where workers run

    die_with_parent(parent_pid)
    if context is not None:
        _init_worker(context)


def _read_chunk(paths: list[Path]) -> list[_Read]:
    assert _WORKER is not None
    context, cache = _WORKER
    return [_read(p, context, cache) for p in paths]


def _chunks(paths: Sequence[Path]) -> Iterator[list[Path]]:
    for start in range(0, len(paths), CHUNK):
        yield list(paths[start : start + CHUNK])


def _read_all(paths: Sequence[Path], context: _Context, jobs: int) -> list[_Read]:
    """Read the plans, in worker processes when there are many, in order."""
    global _WORKER
    if jobs <= 1 or len(paths) < SMALL:
        cache: dict[Signature, list[Field]] = {}
        return [_read(p, context, cache) for p in paths]
    import multiprocessing  # only when workers are started
    from concurrent.futures import ProcessPoolExecutor

    from .lifeline import start_method

    method = start_method()
    if method == "fork":
        _init_worker(context)  # the children inherit it
        # Keep the children's garbage collector off the parent's objects (as the batch does):
        # touching them would copy the parent's heap into each worker, page by page.
        gc.freeze()
    pool = ProcessPoolExecutor(
        jobs,
        mp_context=multiprocessing.get_context(method),
        initializer=_start_worker,
        initargs=(os.getpid(), None if method == "fork" else context),
    )
    try:
        results = [r for chunk in pool.map(_read_chunk, _chunks(paths)) for r in chunk]
    except BaseException:
        # Ctrl+C or a stop signal: the workers only read, so end them now rather than let
        # shutdown wait for every chunk still queued.
        pool.shutdown(wait=False, cancel_futures=True)
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.kill()
        raise
    finally:
        _WORKER = None
        if method == "fork":
            gc.unfreeze()
    pool.shutdown()
    return results


# -- the reference ----------------------------------------------------------------------------


def _reference(
    reads: Sequence[_Read],
    context: _Context,
    fields_of: Mapping[Signature, tuple[Field, ...]],
    duplicate_tags: str | None,
) -> tuple[Template, str]:
    """The field set most plans share (ties: the larger set, then the first file), read from
    one of its plans, and a description for a person."""
    voters: dict[frozenset[tuple[str, str]], list[_Read]] = {}
    for read in reads:
        own = fields_of.get(read.signature, ()) if read.signature is not None else ()
        if own:
            voters.setdefault(frozenset((f.key, f.kind.value) for f in own), []).append(read)
    if not voters:
        raise DocxAanpakError(
            "none of the files is a plan with content controls:\n"
            + "\n".join(f"  - {r.path}: {r.error or 'no content controls'}" for r in reads)
        )
    ranked = sorted(voters.items(), key=lambda kv: (-len(kv[1]), -len(kv[0]), str(kv[1][0].path)))
    key_set, members = ranked[0]
    # Read the reference from the plan most like the original: not re-saved by LibreOffice, the
    # most common signature, answered most (not a stray template).
    counts = Counter(r.signature for r in members)
    best = min(members, key=lambda r: (r.libreoffice, -counts[r.signature], r.showing, str(r.path)))
    assert best.signature is not None
    document = context.open(best.path)
    kwargs = {} if duplicate_tags is None else {"duplicate_tags": duplicate_tags}
    template = Template(document, list(fields_of[best.signature]), **kwargs)
    voted = sum(len(m) for m in voters.values())
    description = (
        f"the {len(key_set)} fields {len(members)} of {voted} plans share "
        f"(read from {best.path.name})"
    )
    return template, description


# -- collecting -------------------------------------------------------------------------------


def collect(
    paths: Iterable[str | os.PathLike[str] | PyDocxDocument],
    template: Template | None = None,
    *,
    duplicate_tags: str | None = None,
    jobs: int | None = None,
) -> Collection:
    """Read every plan against one reference: ``template``, or else the field set most plans
    share.

    A plan lacking fields of the reference is collected with the fields it has (``missing``
    lists the others); answers LibreOffice moved out of their controls are joined again and
    doubtful cases noted in ``warnings``. Files that are not collected are listed in
    ``skipped`` with the reason: not a plan, controls removed, a copy beside its original, the
    template itself, or a second file of the same plan. ``duplicate_tags`` applies to the plans
    (default: the template's setting); ``jobs`` worker processes read in parallel (default: the
    number of CPUs). A python-docx ``Document`` may stand for a file; it is named by its title.
    """
    if duplicate_tags is None and template is not None:
        duplicate_tags = template.duplicate_tags
    workers = jobs or os.cpu_count() or 1
    given: list[Path] = []
    memory: dict[Path, bytes] = {}  # a python-docx Document stands for a file named by its title
    for source in paths:
        if pydocx.is_python_docx(source):
            path = Path(pydocx.name_of(source))
            if path in memory:  # two untitled documents
                path = Path(f"{path} ({len(memory) + 1})")
            memory[path] = pydocx.read(source)
            given.append(path)
        else:
            given.append(Path(source))
    skipped: list[Skipped] = []
    stems = {(p.parent, p.stem.strip().casefold()): p for p in given}
    readable: list[Path] = []
    for path in given:
        original = _copy_of(path, stems)
        if original is None:
            readable.append(path)
            continue
        reason = f"a copy of {original.name}; not collected (remove it, or rename it if it is "
        skipped.append(Skipped(path, reason + "another plan)", COPY))

    known: dict[Signature, tuple[Field, ...]] = {}
    shapes: Mapping[str, tuple[Shape, ...]] = {}
    if template is not None:
        known[signature(template.document)] = tuple(template.fields)
        shapes = template.shapes
    context = _Context(known, shapes, duplicate_tags, memory)
    reads = _read_all(readable, context, workers)
    fields_of = dict(known)
    for read in reads:
        if read.signature is not None and read.fields is not None:
            fields_of.setdefault(read.signature, read.fields)
    if template is None:
        reference, description = _reference(reads, context, fields_of, duplicate_tags)
    else:
        reference, description = template, f"the template {template.name}"

    collection = Collection(reference, reference=description)
    reference_fields = tuple(reference.fields)
    template_title = (
        "" if template is None else (template.document.core_property("dc:title") or "").strip()
    )  # without a template the reference is a plan: its title is a plan's name
    titles = Counter(r.title for r in reads if r.title)
    mappings: dict[Signature, dict[str, str]] = {}
    names: dict[str, Path] = {}
    for read in reads:
        path = read.path
        if read.error is not None or read.signature is None or read.values is None:
            skipped.append(Skipped(path, read.error or "cannot be read", UNREADABLE))
            continue
        own_fields = fields_of[read.signature]
        mapping = mappings.get(read.signature)
        if mapping is None:
            mapping = mappings[read.signature] = _match(own_fields, reference_fields)
        if not mapping:
            skipped.append(_without_controls(path, reference, context))
            continue
        own_values, notes = read.values, list(read.warnings)
        if template is None and read.libreoffice:
            # Read again with what the reference tells about where answers end.
            document = context.open(path)
            by_own = {own: reference.shapes[ref] for own, ref in mapping.items()
                      if ref in reference.shapes}  # fmt: skip
            own_values, again = _read_values(document, own_fields, by_own)
            notes = list(again)
        values: dict[str, object] = {f.key: None for f in reference_fields}
        for item in own_fields:
            value = own_values[item.key]
            target = mapping.get(item.key)
            if target is not None:
                values[target] = value
            elif _answered(value):
                notes.append(
                    f"{path.name}: the answer to '{item.label}' ({item.section}) was not "
                    f"collected: the reference has no such question (field '{item.key}')"
                )
        matched = set(mapping.values())
        missing = tuple(f.key for f in reference_fields if f.key not in matched)
        answered = sum(1 for v in values.values() if _answered(v))
        shared = bool(read.title) and (titles[read.title] > 1 or read.title == template_title)
        # A plan's title is its name (the file is named after it, too); a document with no
        # answers whose title is another, or is also another document's, is the template.
        foreign = bool(read.title) and normalize(read.title) != normalize(path.stem)
        if answered == 0 and (path.suffix.lower() == ".dotx" or shared or foreign):
            reason = (
                "holds no answers and has a title that is not its name: it looks like the "
                "template itself, not a plan; not collected"
            )
            skipped.append(Skipped(path, reason, TEMPLATE))
            continue
        name = read.title if read.title and not shared else path.stem
        earlier = names.get(name.casefold())
        if earlier is not None:
            skipped.append(
                Skipped(path, f"a plan named '{name}' was already read from {earlier}", DUPLICATE)
            )
            continue
        names[name.casefold()] = path
        collection.plans.append(Collected(name, path, values, missing, tuple(notes)))
    order = {p: i for i, p in enumerate(given)}
    collection.skipped = sorted(skipped, key=lambda s: order.get(s.path, 0))
    return collection


def _without_controls(path: Path, reference: Template, context: _Context) -> Skipped:
    questions = len({f.label.strip() for f in reference.fields if f.label != f.section})
    found = _questions_in(path, reference.fields, context)
    if questions and found * 2 >= questions:
        return Skipped(
            path,
            f"controls removed: it holds {found} of the {questions} questions of "
            f"{reference.name} but none of its content controls (flattened, or saved by a "
            "program that drops them), so its answers cannot be told from the template's text; "
            "collect the plan it was made from",
            CONTROLS_REMOVED,
        )
    return Skipped(path, f"not a plan of {reference.name}: none of its fields is in it", NOT_A_PLAN)


# -- the workbook -----------------------------------------------------------------------------


def _progress_sheet(book: Workbook, collection: Collection) -> None:
    from .excel import ANSWER
    from .workbook import ColorScale, Style, column_letter, cut_to_cell

    sheet = book.add_sheet(PROGRESS_SHEET, index=1)
    sections: dict[str, list[str]] = {}
    for item in collection.template.fields:
        sections.setdefault(item.section, []).append(item.key)
    labels = {f.key: f.label for f in collection.template.fields}
    total = len(collection.template.fields)
    header = ["Gemeente", "Beantwoord", "Compleet"]
    header += [f"{section} ({len(keys)})" for section, keys in sections.items()]
    header += ["Ontbrekende vragen", "Meldingen"]
    bold = Style(bold=True, wrap=True, vertical="top")
    for column, text in enumerate(header, 1):
        sheet.set(1, column, text, bold)
    percent = Style(number_format="0%")
    for line, plan in enumerate(collection.plans, 2):
        answered = sum(1 for v in plan.values.values() if _answered(v))
        sheet.set(line, 1, plan.name)
        sheet.set(line, 2, answered)
        sheet.set(line, 3, answered / total if total else 0, percent)
        for column, keys in enumerate(sections.values(), 4):
            sheet.set(line, column, sum(1 for k in keys if _answered(plan.values.get(k))))
        for column, lines in (
            (len(header) - 1, [labels.get(k, k) for k in plan.missing]),
            (len(header), list(plan.warnings)),
        ):
            if lines:
                sheet.set(line, column, cut_to_cell("\n".join(lines)), ANSWER)
    last = len(collection.plans) + 1
    red, yellow, green = "FFF8696B", "FFFFEB84", "FF63BE7B"
    if last >= 2:
        sheet.color_scale(ColorScale(f"C2:C{last}", [(0, red), (0.5, yellow), (1, green)]))
        for offset, keys in enumerate(sections.values()):
            letter = column_letter(4 + offset)
            sheet.color_scale(
                ColorScale(f"{letter}2:{letter}{last}", [(0, red), (len(keys), green)])
            )
    sheet.frozen = (2, 2)
    sheet.column(1, 30)
    sheet.column(2, 12)
    sheet.column(3, 12)
    for offset in range(len(sections)):
        sheet.column(4 + offset, 18)
    sheet.column(len(header) - 1, 50)
    sheet.column(len(header), 60)
    sheet.height(1, 60)


def write_collection(
    path: str | os.PathLike[str], collection: Collection, *, overwrite: bool = False
) -> None:
    """Write the plans in the input workbook's layout plus the "Voortgang" sheet."""
    from .excel import build_workbook, save_workbook

    records = [{"Gemeente": p.name, **p.values} for p in collection.plans]
    book = build_workbook(collection.template, records, extracted=True)
    _progress_sheet(book, collection)
    save_workbook(book, path, overwrite=overwrite)
