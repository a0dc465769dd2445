"""Many documents from one template: one plan per record, in parallel, each written atomically.

The template is parsed once (once per worker process). Records stream through: only a bounded
number is in flight, so memory does not grow with the number of plans. A record that fails is
reported with its cell references and does not stop the others.
"""

from __future__ import annotations

import csv
import gc
import io
import multiprocessing
import os
import re
import sys
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from . import publish
from .document import atomic_write, flush_to_disk
from .errors import DocxAanpakError, OutputExistsError, ValidationError
from .records import PlanRecord, RecordError
from .template import Template

__all__ = ["BatchReport", "Outcome", "Status", "fill_many", "safe_filename"]

_FORBIDDEN = re.compile(r'[<>:"|?*\x00-\x1f\x7f]')
_RESERVED = {
    "CON", "PRN", "AUX", "NUL", "CLOCK$", "CONIN$", "CONOUT$",
    *(f"COM{i}" for i in "123456789¹²³"),
    *(f"LPT{i}" for i in "123456789¹²³"),
}  # fmt: skip
MAX_STEM_BYTES = 150


def safe_filename(name: str, suffix: str = ".docx") -> str:
    """A file name that is safe and readable on Windows, macOS and Linux.

    Letters (with diacritics), apostrophes, parentheses, commas and spaces stay:
    ``'s-Gravenhage.docx``, ``Beek (L.).docx``, ``Súdwest-Fryslân.docx``. Path separators become
    ``-``; characters Windows forbids are dropped; leading dots and trailing dots or spaces go, so
    ``../x`` cannot leave the folder; reserved device names (``CON``, ``NUL``, ``COM1`` …) get
    a ``_`` so they do not misbehave.
    """
    text = unicodedata.normalize("NFC", name)
    text = text.replace("/", "-").replace("\\", "-")
    text = _FORBIDDEN.sub("", text)
    text = " ".join(text.split())
    text = text.lstrip(". -").rstrip(". ")
    encoded = text.encode("utf-8")
    if len(encoded) > MAX_STEM_BYTES:
        text = encoded[:MAX_STEM_BYTES].decode("utf-8", errors="ignore").rstrip(". ")
    if not text:
        text = "plan"
    if text.split(".")[0].strip().upper() in _RESERVED:
        text += "_"
    return text + suffix


class Status(StrEnum):
    WRITTEN = "written"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    FAILED = "failed"


DUTCH_STATUS = {
    Status.WRITTEN: "geschreven",
    Status.UNCHANGED: "ongewijzigd",
    Status.SKIPPED: "overgeslagen",
    Status.FAILED: "mislukt",
}


@dataclass(frozen=True)
class Outcome:
    """What happened to one record; ``message`` says why in English, ``dutch`` (where known) in
    Dutch, for the report."""

    name: str
    status: Status
    where: str
    path: Path | None = None
    message: str = ""
    dutch: str = ""


# -- the report ---------------------------------------------------------------------------------

REPORT_SHEET = "Resultaat"
REPORT_HEADER = ("Gemeente", "Resultaat", "Bestand", "Herkomst", "Melding")
_REPORT_WIDTHS = (30, 14, 50, 30, 80)
_REPORT_FILLS = {Status.FAILED: "FFFFC7CE", Status.SKIPPED: "FFFFEB9C"}  # light red, light yellow
_CELL_LIMIT = 32_000  # Excel holds at most 32,767 characters in a cell
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def visible(text: str) -> str:
    """Text with control characters, U+FFFE/U+FFFF and lone surrogates written out (``\\x01``,
    ``\\ufffe``), so that a report can always hold it and a person sees that they are there.
    Tabs and line breaks stay."""

    def show(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _INVISIBLE.sub(show, text)


def _dutch_message(outcome: Outcome) -> str:
    if outcome.dutch:
        return outcome.dutch
    if outcome.status == Status.SKIPPED:
        return "het bestand bestaat al; gebruik --overwrite om het te vervangen"
    return outcome.message


@dataclass
class BatchReport:
    """Every record's outcome, in input order."""

    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def written(self) -> int:
        return self.count(Status.WRITTEN)

    @property
    def unchanged(self) -> int:
        return self.count(Status.UNCHANGED)

    @property
    def skipped(self) -> int:
        return self.count(Status.SKIPPED)

    @property
    def failed(self) -> int:
        return self.count(Status.FAILED)

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def summary(self) -> str:
        parts = [f"{self.written} written"]
        if self.unchanged:
            parts.append(f"{self.unchanged} unchanged")
        parts += [f"{self.skipped} skipped", f"{self.failed} failed"]
        return ", ".join(parts)

    def rows(self) -> list[list[str]]:
        """The report as rows of text, in Dutch, with a header row: Gemeente, Resultaat,
        Bestand, Herkomst, Melding. Invisible characters are written out (:func:`visible`)."""
        from .records import dutch_where

        body = [
            [
                o.name,
                DUTCH_STATUS[o.status],
                str(o.path or ""),
                dutch_where(o.where),
                _dutch_message(o),
            ]
            for o in self.outcomes
        ]
        return [[visible(text) for text in row] for row in [list(REPORT_HEADER), *body]]

    def save(self, path: str | os.PathLike[str], *, overwrite: bool = True) -> None:
        """Write the report as .xlsx (sheet "Resultaat") or .csv, by the file's suffix.

        Every row's outcome is in it, in Dutch; failed rows are highlighted in the workbook. Text
        a spreadsheet would run as a formula (``=…``, ``+…``, ``-…``, ``@…``) stays text: in the
        workbook as Excel's quoted text, in CSV behind an apostrophe.
        """
        target = Path(path)
        rows = self.rows()
        if target.suffix.lower() == ".csv":
            buffer = io.StringIO()
            csv.writer(buffer, delimiter=";").writerows(
                [["'" + t if t.startswith(_FORMULA_START) else t for t in row] for row in rows]
            )
            atomic_write(target, buffer.getvalue().encode("utf-8-sig"), overwrite=overwrite)
            return
        from openpyxl import Workbook
        from openpyxl.cell.cell import Cell
        from openpyxl.styles import Alignment, Font, PatternFill

        from .excel import save_workbook, write_text

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = REPORT_SHEET
        wrap = Alignment(wrap_text=True, vertical="top")
        for number, (row, outcome) in enumerate(zip(rows, [None, *self.outcomes], strict=True), 1):
            colour = _REPORT_FILLS.get(outcome.status) if outcome is not None else None
            for column, text in enumerate(row, 1):
                cell = sheet.cell(number, column)
                assert isinstance(cell, Cell)
                if len(text) > _CELL_LIMIT:
                    text = text[:_CELL_LIMIT] + " …"
                write_text(cell, text)
                cell.alignment = wrap
                if outcome is None:
                    cell.font = Font(bold=True)
                elif colour is not None:
                    cell.fill = PatternFill("solid", fgColor=colour)
        for letter, width in zip("ABCDE", _REPORT_WIDTHS, strict=True):
            sheet.column_dimensions[letter].width = width
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
        save_workbook(book, target, overwrite=overwrite)


# -- the work of one record -------------------------------------------------------------------


@dataclass(frozen=True)
class _Task:
    index: int
    name: str
    where: str
    values: Mapping[str, object]
    target: Path
    validated: bool  # False: raw values, validated where the task runs


@dataclass(frozen=True)
class _Options:
    overwrite: bool
    only_changed: bool
    force: bool
    title_prefix: str | None
    flatten: bool = False
    keep_placeholders: bool = False
    lock: str | None = None


def _document_properties(name: str, options: _Options) -> dict[str, str]:
    subject = f"{options.title_prefix} – {name}" if options.title_prefix else name
    return {"title": name, "subject": subject}


def _run(template: Template, task: _Task, options: _Options) -> Outcome:
    try:
        values = task.values
        if not task.validated:
            values = template.validate(values)
        exists = task.target.exists()
        if exists and not options.overwrite:
            return Outcome(
                task.name,
                Status.SKIPPED,
                task.where,
                task.target,
                "the file exists; pass --overwrite to replace it",
            )
        properties = _document_properties(task.name, options)
        document = template.fill_validated(values, force=options.force, **properties)
        if options.flatten:
            publish.flatten(document, keep_placeholders=options.keep_placeholders)
        elif options.lock:
            publish.lock(document, mode=options.lock)
        data = document.to_bytes()
        if exists and options.only_changed and task.target.read_bytes() == data:
            return Outcome(task.name, Status.UNCHANGED, task.where, task.target)
        atomic_write(task.target, data, overwrite=options.overwrite, durable=False)
        return Outcome(task.name, Status.WRITTEN, task.where, task.target)
    except OutputExistsError as e:
        return Outcome(task.name, Status.SKIPPED, task.where, task.target, str(e))
    except ValidationError as e:
        return Outcome(task.name, Status.FAILED, task.where, task.target, e.detail)
    except DocxAanpakError as e:
        return Outcome(task.name, Status.FAILED, task.where, task.target, str(e))
    except OSError as e:
        return Outcome(
            task.name,
            Status.FAILED,
            task.where,
            task.target,
            f"cannot write {task.target}: {e.strerror or e}",
            f"kan {task.target} niet schrijven: {e.strerror or e}",
        )


# The template in a worker process: inherited from the parent when forked, opened once from its
# bytes by the initializer when spawned.
_WORKER_TEMPLATE: Template | None = None


def _init_worker(data: bytes, name: str, duplicate_tags: str) -> None:
    global _WORKER_TEMPLATE
    _WORKER_TEMPLATE = Template.open(data, name=name, duplicate_tags=duplicate_tags)
    _WORKER_TEMPLATE.model()


def _run_chunk(tasks: list[_Task], options: _Options) -> list[Outcome]:
    assert _WORKER_TEMPLATE is not None
    return [_run(_WORKER_TEMPLATE, task, options) for task in tasks]


# -- the batch --------------------------------------------------------------------------------


def _tasks(
    template: Template,
    records: Iterable[PlanRecord | RecordError | Mapping[str, object]],
    out_dir: Path,
    failures: list[tuple[int, Outcome]],
) -> Iterator[_Task]:
    """Tasks for the records, in order; records that cannot be filled become failures."""
    taken: dict[str, str] = {}
    for index, record in enumerate(records):
        if isinstance(record, RecordError):
            name = record.name or "?"
            failures.append((index, Outcome(
                name, Status.FAILED, record.where, message=record.error.detail,
                dutch=record.dutch,
            )))  # fmt: skip
            continue
        if isinstance(record, PlanRecord):
            name, where, values, validated = record.name, record.where, record.values, True
        else:
            values = dict(record)
            name = str(values.pop("Gemeente", "") or "").strip()
            where, validated = f"record {index + 1}", False
            if not name:
                failures.append(
                    (
                        index,
                        Outcome(
                            "?", Status.FAILED, where, message="the plan has no name (Gemeente)"
                        ),
                    )
                )
                continue
        filename = safe_filename(name)
        folded = filename.casefold()
        if folded in taken:
            failures.append((index, Outcome(
                name, Status.FAILED, where,
                message=f"its file name {filename} is already used by '{taken[folded]}'",
                dutch=f"de bestandsnaam {filename} is al gebruikt voor '{taken[folded]}'",
            )))  # fmt: skip
            continue
        taken[folded] = name
        yield _Task(index, name, where, values, out_dir / filename, validated)


def fill_many(
    template: Template,
    records: Iterable[PlanRecord | RecordError | Mapping[str, object]],
    out_dir: str | os.PathLike[str],
    *,
    jobs: int | None = None,
    overwrite: bool = False,
    only_changed: bool = False,
    force: bool = False,
    title_prefix: str | None = None,
    flatten: bool = False,
    keep_placeholders: bool = False,
    lock: str | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> BatchReport:
    """Fill one document per record into ``out_dir``; return every record's outcome.

    Records are :class:`~docx_aanpak.records.PlanRecord` (from a workbook, CSV or JSON),
    :class:`~docx_aanpak.records.RecordError` (reported as failed), or plain mappings with a
    ``"Gemeente"`` name and field values. ``jobs`` worker processes write in parallel (default:
    the number of CPUs; 1 runs in this process). Existing files are kept unless ``overwrite``;
    with ``only_changed`` a file whose content would not change is not rewritten. ``flatten``
    removes the controls (keeping their content; unfilled ones empty unless
    ``keep_placeholders``); ``lock`` locks them instead (``"sdtContentLocked"`` …).
    """
    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    options = _Options(
        overwrite, only_changed, force, title_prefix, flatten, keep_placeholders, lock
    )
    workers = jobs or os.cpu_count() or 1
    failures: list[tuple[int, Outcome]] = []
    results: dict[int, Outcome] = {}

    def done(index: int, outcome: Outcome) -> None:
        results[index] = outcome
        if on_outcome is not None:
            on_outcome(outcome)

    def flush_failures() -> None:
        while failures:
            index, outcome = failures.pop(0)
            done(index, outcome)

    tasks = _tasks(template, records, directory, failures)
    if workers <= 1:
        for task in tasks:
            flush_failures()
            done(task.index, _run(template, task, options))
        flush_failures()
    else:
        _fill_in_workers(template, tasks, options, workers, done, flush_failures)
        flush_failures()
    # Every document was written atomically (a temporary file, then a rename); flushing them to
    # disk once here, instead of once per file, lets the workers write in parallel.
    flush_to_disk()
    return BatchReport([results[i] for i in sorted(results)])


CHUNK = 8  # records per task sent to a worker: fewer round trips, little imbalance at the end


def _fill_in_workers(
    template: Template,
    tasks: Iterator[_Task],
    options: _Options,
    workers: int,
    done: Callable[[int, Outcome], None],
    flush_failures: Callable[[], None],
) -> None:
    """Run the tasks in worker processes, a bounded number of chunks in flight."""
    global _WORKER_TEMPLATE
    method = _start_method()
    initializer: Callable[..., None] | None = None
    initargs: tuple[Any, ...] = ()
    if method == "fork":
        # Forked workers inherit the parsed and compiled template. Warm it first (the pydantic
        # model, the compressed unchanged parts), or every worker would pay for that itself.
        template.model()
        template.document.package.to_bytes()
        _WORKER_TEMPLATE = template
    else:
        source = template.document.package.to_bytes()
        initializer = _init_worker
        initargs = (source, template.name, template.duplicate_tags)
    context = multiprocessing.get_context(method)
    window = workers * 4
    pending: dict[Future[list[Outcome]], list[int]] = {}
    if method == "fork":
        # Keep the children's garbage collector off the parent's objects: touching them would
        # copy every page of the parent's heap into each worker.
        gc.freeze()
    try:
        with ProcessPoolExecutor(
            workers, mp_context=context, initializer=initializer, initargs=initargs
        ) as pool:
            chunk: list[_Task] = []
            for task in tasks:
                flush_failures()
                chunk.append(task)
                if len(chunk) == CHUNK:
                    pending[pool.submit(_run_chunk, chunk, options)] = [t.index for t in chunk]
                    chunk = []
                    if len(pending) >= window:
                        _drain(pending, done, wait_all=False)
            if chunk:
                pending[pool.submit(_run_chunk, chunk, options)] = [t.index for t in chunk]
            _drain(pending, done, wait_all=True)
    finally:
        if method == "fork":
            _WORKER_TEMPLATE = None
            gc.unfreeze()


def _start_method() -> str:
    """Fork where it is safe (Linux, no other threads): workers start in milliseconds and share
    the parsed template; spawn elsewhere."""
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return "fork"
    return "spawn"


def _drain(
    pending: dict[Future[list[Outcome]], list[int]],
    done: Callable[[int, Outcome], None],
    *,
    wait_all: bool,
) -> None:
    while pending:
        finished, _ = wait(list(pending), return_when=FIRST_COMPLETED)
        for future in finished:
            indexes = pending.pop(future)
            for index, outcome in zip(indexes, future.result(), strict=True):
                done(index, outcome)
        if not wait_all:
            return
