"""Many documents from one template: one plan per record, in parallel, each written atomically.

The template is parsed once (once per worker process). Records stream through: only a bounded
number is in flight, so memory does not grow with the number of plans. A record that fails is
reported with its cell references and does not stop the others.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import gc
import io
import itertools
import multiprocessing
import multiprocessing.connection
import os
import pickle
import re
import signal
import sys
import threading
import time
import traceback
import unicodedata
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from . import publish
from .document import atomic_write, flush_to_disk
from .errors import DocxAanpakError, OutputExistsError, ValidationError, visible
from .guard import Inputs
from .lifeline import die_with_parent, start_method
from .records import PlanRecord, RecordError
from .template import Template

__all__ = ["BatchReport", "Outcome", "Status", "fill_many", "safe_filename"]

# Characters Windows forbids, control characters, and what no file system can store as UTF-8
# (lone surrogates) or should (non-characters).
_FORBIDDEN = re.compile(r'[<>:"|?*\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]')
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
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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
        from .excel import ANSWER, save_workbook, write_text
        from .workbook import Workbook, cut_to_cell

        book = Workbook()
        sheet = book.add_sheet(REPORT_SHEET)
        header = replace(ANSWER, bold=True)
        for number, (row, outcome) in enumerate(zip(rows, [None, *self.outcomes], strict=True), 1):
            colour = _REPORT_FILLS.get(outcome.status) if outcome is not None else None
            style = header if outcome is None else replace(ANSWER, fill=colour)
            for column, text in enumerate(row, 1):
                write_text(sheet, number, column, cut_to_cell(text), style)
        for column, width in enumerate(_REPORT_WIDTHS, 1):
            sheet.column(column, width)
        sheet.frozen = (2, 1)
        sheet.filter = True
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
    subject: str | None = None
    inputs: Inputs | None = None


def _document_properties(name: str, options: _Options) -> dict[str, str]:
    """Title: the plan's name; subject: ``--subject``, else "template title – name"."""
    if options.subject is not None:
        subject = options.subject
    else:
        subject = f"{options.title_prefix} – {name}" if options.title_prefix else name
    return {"title": name, "subject": subject}


def _run(template: Template, task: _Task, options: _Options) -> Outcome:
    try:
        if options.inputs is not None:
            options.inputs.check(task.target)  # never over the template or the data file
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


# Signals that stop a run: Ctrl+C, ``kill``, a closed terminal.
_STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold the stop signals while one plan is written in this process, then act on them: the
    plan is finished (written atomically) and no temporary file is left half-way."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    previous: dict[int, Any] = {}
    for signum in _STOP_SIGNALS:
        handler = signal.getsignal(signum)
        if handler is None or handler == signal.SIG_IGN:
            continue  # installed outside Python, or ignored: leave it alone
        previous[signum] = signal.signal(signum, lambda number, _frame: held.append(number))
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if held:
            signal.raise_signal(held[0])


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


def worker_count(jobs: int | None) -> int:
    """How many worker processes ``jobs`` asks for (``None``: one per CPU), within sane bounds:
    at most twice the CPUs (more only wait for a CPU and cost memory), and at most 61 on Windows
    (the most processes it can wait for at once)."""
    cpus = os.cpu_count() or 1
    limit = 2 * cpus
    if sys.platform == "win32":
        limit = min(limit, 61)
    return max(1, min(jobs or cpus, limit))


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
    subject: str | None = None,
    flatten: bool = False,
    keep_placeholders: bool = False,
    lock: str | None = None,
    inputs: Iterable[tuple[str, str | os.PathLike[str]]] = (),
    on_outcome: Callable[[Outcome], None] | None = None,
) -> BatchReport:
    """Fill one document per record into ``out_dir``; return every record's outcome.

    Records are :class:`~docx_aanpak.records.PlanRecord` (from a workbook, CSV or JSON),
    :class:`~docx_aanpak.records.RecordError` (reported as failed), or plain mappings with a
    ``"Gemeente"`` name and field values. ``jobs`` worker processes write in parallel (default:
    the number of CPUs; 1 runs in this process; never more than :func:`worker_count` allows, nor
    more than there are records). Existing files are kept unless ``overwrite``; with
    ``only_changed`` a file whose content would not change is not rewritten. ``flatten``
    removes the controls (keeping their content; unfilled ones empty unless
    ``keep_placeholders``); ``lock`` locks them instead (``"sdtContentLocked"`` …).

    Each document's title is the plan's name and its subject ``subject``, else "``title_prefix``
    – name" where ``title_prefix`` defaults to the template's own title. ``inputs`` names the
    files the run reads, as ``(role, path)`` pairs; a plan that would replace one fails, with or
    without ``overwrite`` (the template is always among them when it was opened from a file).

    ``out_dir`` is made when the first plan is written. When the run is interrupted
    (``KeyboardInterrupt``, or any other exception in this process) every worker finishes the plan
    it is writing and stops, no temporary file is left behind, and the exception goes on; every
    file written is complete, and a second run with ``overwrite`` and ``only_changed`` finishes
    the job.
    """
    directory = Path(out_dir)
    if directory.exists() and not directory.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(directory))
    if title_prefix is None and subject is None:
        title_prefix = template.document.core_property("dc:title") or None
    guard = Inputs(inputs)
    if template.path is not None:
        guard.add("the template", template.path)
    options = _Options(
        overwrite,
        only_changed,
        force,
        title_prefix,
        flatten,
        keep_placeholders,
        lock,
        subject,
        guard if guard else None,
    )
    workers = worker_count(jobs)
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
            with _signals_held():
                outcome = _run(template, task, options)
            done(task.index, outcome)
        flush_failures()
    else:
        _fill_in_workers(template, tasks, options, workers, done, flush_failures)
        flush_failures()
    # Every document was written atomically (a temporary file, then a rename); flushing them to
    # disk once here, instead of once per file, lets the workers write in parallel.
    flush_to_disk()
    return BatchReport([results[i] for i in sorted(results)])


# -- worker processes -------------------------------------------------------------------------

CHUNK = 8  # records per message to a worker: fewer round trips, little imbalance at the end
STOP_GRACE = 1.0  # seconds a worker gets to finish the plan it is writing when the run stops

# The template in a worker process: inherited from the parent when forked, opened once from its
# bytes when spawned.
_WORKER_TEMPLATE: Template | None = None
# In a worker: writing a plan now (a stop signal waits until it is written), and the stop signal
# that came meanwhile.
_BUSY = False
_STOP: int | None = None


def _on_stop_signal(signum: int, _frame: object) -> None:
    """A worker stops at once, or right after the plan it is writing: never half-way."""
    global _STOP
    if _BUSY:
        _STOP = signum
    else:
        os._exit(128 + signum)


def _worker_main(
    conn: Connection,
    options: _Options,
    parent_pid: int,
    source: tuple[bytes, str, str] | None,
    inherited: list[Connection],
) -> None:
    """A worker process: fill the chunks of tasks it receives and send back their outcomes."""
    global _BUSY, _WORKER_TEMPLATE
    # The parent decides when a run stops (Ctrl+C reaches every process of the terminal).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for signum in _STOP_SIGNALS:
        if signum != signal.SIGINT:
            signal.signal(signum, _on_stop_signal)
    for other in inherited:  # forked: the parent's ends of the pipes, which are not ours
        other.close()
    die_with_parent(parent_pid, grace=STOP_GRACE)
    if source is not None:
        data, name, duplicate_tags = source
        _WORKER_TEMPLATE = Template.open(data, name=name, duplicate_tags=duplicate_tags)
        _WORKER_TEMPLATE.model()
    template = _WORKER_TEMPLATE
    assert template is not None
    while True:
        try:
            chunk: list[_Task] | None = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if chunk is None:
            return
        outcomes: list[Outcome] = []
        for task in chunk:
            _BUSY = True
            try:
                outcomes.append(_run(template, task, options))
            except Exception as e:  # a bug: the parent raises it
                _BUSY = False
                conn.send(("error", _portable(e), traceback.format_exc()))
                return
            finally:
                _BUSY = False
            if _STOP is not None:
                os._exit(128 + _STOP)
        conn.send(("done", outcomes))


def _portable(error: Exception) -> Exception:
    """The error itself if it survives pickling, else a RuntimeError that describes it."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error


@dataclass
class _Worker:
    process: Any  # multiprocessing's Process of the chosen start method
    conn: Connection
    chunk: list[_Task] | None = None  # given, not yet answered


class _Pool:
    """Worker processes started as work comes (never more than ``size``), each with its own
    pipe and one chunk of tasks at a time."""

    def __init__(
        self, context: Any, size: int, options: _Options, source: tuple[bytes, str, str] | None
    ) -> None:
        self.context = context
        self.size = size
        self.options = options
        self.source = source
        self.workers: list[_Worker] = []

    @property
    def busy(self) -> list[_Worker]:
        return [w for w in self.workers if w.chunk is not None]

    def idle(self) -> _Worker | None:
        """A worker waiting for work, started now if all are busy and there is room."""
        for worker in self.workers:
            if worker.chunk is None:
                return worker
        if len(self.workers) >= self.size:
            return None
        conn, child = self.context.Pipe()
        inherited = [w.conn for w in self.workers] + [conn] if self.source is None else []
        process = self.context.Process(
            target=_worker_main,
            args=(child, self.options, os.getpid(), self.source, inherited),
            name=f"docx-aanpak-worker-{len(self.workers) + 1}",
            daemon=True,
        )
        process.start()
        child.close()
        worker = _Worker(process, conn)
        self.workers.append(worker)
        return worker

    def give(self, worker: _Worker, chunk: list[_Task]) -> list[Outcome] | None:
        """Send a chunk; the failed outcomes if the worker is gone."""
        worker.chunk = chunk
        try:
            worker.conn.send(chunk)
        except OSError:
            return self._lost(worker)
        return None

    def collect(self, timeout: float | None) -> list[tuple[list[_Task], list[Outcome]]]:
        """The answers that came within ``timeout`` seconds (``None``: wait for one)."""
        busy = self.busy
        if not busy:
            return []
        ready = set(
            multiprocessing.connection.wait(
                [w.conn for w in busy] + [w.process.sentinel for w in busy], timeout
            )
        )
        answers: list[tuple[list[_Task], list[Outcome]]] = []
        for worker in busy:
            if worker.conn not in ready and worker.process.sentinel not in ready:
                continue
            chunk = worker.chunk
            assert chunk is not None
            try:
                if not worker.conn.poll():
                    raise EOFError
                message = worker.conn.recv()
            except Exception:  # the worker died, perhaps half-way through its answer
                answers.append((chunk, self._lost(worker)))
                continue
            if message[0] == "error":
                _, error, remote = message
                raise error from RuntimeError(f"in a worker process:\n{remote}")
            worker.chunk = None
            answers.append((chunk, message[1]))
        return answers

    def _lost(self, worker: _Worker) -> list[Outcome]:
        """A worker that stopped without answering: its chunk failed; clean up after it."""
        chunk = worker.chunk or []
        worker.process.join(STOP_GRACE)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()
        self.workers.remove(worker)
        worker.conn.close()
        _remove_temporary_files(t.target for t in chunk)
        message = (
            f"the worker process writing it stopped unexpectedly (exit code "
            f"{worker.process.exitcode}); the plan may not have been written"
        )
        return [Outcome(t.name, Status.FAILED, t.where, t.target, message) for t in chunk]

    def close(self) -> None:
        """The work is done: let the workers exit."""
        for worker in self.workers:
            with contextlib.suppress(OSError):
                worker.conn.send(None)
        self._end(grace=STOP_GRACE)

    def stop(self) -> None:
        """The run is interrupted: every worker finishes the plan it is writing and exits (or
        is killed after a grace period, and its temporary files removed)."""
        for worker in self.workers:
            if worker.process.is_alive():
                with contextlib.suppress(OSError):
                    worker.process.terminate()
        self._end(grace=STOP_GRACE)

    def _end(self, grace: float) -> None:
        deadline = time.monotonic() + grace
        for worker in self.workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
        for worker in self.workers:
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
                _remove_temporary_files(t.target for t in worker.chunk or [])
            elif sys.platform == "win32" and worker.chunk:
                _remove_temporary_files(t.target for t in worker.chunk)  # no signals there
            worker.conn.close()
        self.workers.clear()


def _remove_temporary_files(targets: Iterable[Path]) -> None:
    """Remove the temporary files that ``atomic_write`` left for ``targets`` when its process
    was killed while writing (named ``.<name>.<8 random characters>.tmp`` next to the target)."""
    by_folder: dict[Path, set[str]] = {}
    for target in targets:
        by_folder.setdefault(target.parent, set()).add(target.name)
    for folder, names in by_folder.items():
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            match = _TEMPORARY.fullmatch(entry.name)
            if match and match.group(1) in names:
                Path(entry.path).unlink(missing_ok=True)


_TEMPORARY = re.compile(r"\.(.+)\.[a-z0-9_]{8}\.tmp", re.DOTALL)


def _fill_in_workers(
    template: Template,
    tasks: Iterator[_Task],
    options: _Options,
    workers: int,
    done: Callable[[int, Outcome], None],
    flush_failures: Callable[[], None],
) -> None:
    """Run the tasks in worker processes: a worker is started when there is work for it, each
    gets one chunk at a time, and a few chunks are made ready ahead."""
    global _WORKER_TEMPLATE
    method = start_method()
    source: tuple[bytes, str, str] | None = None
    if method == "fork":
        # Forked workers inherit the parsed and compiled template. Warm it first (the pydantic
        # model, the compiled parts, the compressed unchanged parts), or every worker would pay
        # for that itself.
        template.model()
        template.fill_validated({})
        template.document.package.to_bytes()
        _WORKER_TEMPLATE = template
        # Keep the children's garbage collector off the parent's objects: touching them would
        # copy every page of the parent's heap into each worker.
        gc.freeze()
    else:
        source = (template.document.package.to_bytes(), template.name, template.duplicate_tags)
    pool = _Pool(multiprocessing.get_context(method), workers, options, source)
    ready: deque[list[_Task]] = deque()
    made = 0  # chunks made so far: the first ones are small, so that every worker starts soon
    exhausted = False

    def report(answers: list[tuple[list[_Task], list[Outcome]]]) -> None:
        for chunk, outcomes in answers:
            for task, outcome in zip(chunk, outcomes, strict=True):
                done(task.index, outcome)

    try:
        while True:
            while ready:
                worker = pool.idle()
                if worker is None:
                    break
                chunk = ready.popleft()
                lost = pool.give(worker, chunk)
                if lost is not None:
                    report([(chunk, lost)])
            if not exhausted and len(ready) < workers:
                size = min(CHUNK, 1 << min(3, made // workers))
                chunk = list(itertools.islice(tasks, size))
                flush_failures()
                if chunk:
                    ready.append(chunk)
                    made += 1
                else:
                    exhausted = True
                report(pool.collect(timeout=0))
                continue
            if exhausted and not ready and not pool.busy:
                break
            report(pool.collect(timeout=None))
    except BaseException:
        with _signals_held():  # a second Ctrl+C does not cut the clean-up short
            pool.stop()
        raise
    else:
        pool.close()
    finally:
        if method == "fork":
            _WORKER_TEMPLATE = None
            gc.unfreeze()
