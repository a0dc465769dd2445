"""PDFs through headless LibreOffice: many files per LibreOffice process, several in parallel.

This module knows nothing of content controls: it converts prepared .docx files (see
:func:`docx_aanpak.publish.convert_to_pdf`, which hands it flattened copies) and moves each PDF
to its target. Starting LibreOffice costs about as much as converting a plan, so each process
converts a list of files; ``jobs`` processes run at once, each with its own profile folder
(``-env:UserInstallation``) so that they neither wait for nor hand their work to each other.

LibreOffice converting a list silently skips a file it cannot convert, and a file it hangs on
stops the files after it. So every expected PDF is checked (present, a complete PDF); the first
file of the list without one is converted again on its own, which names its error, and the
files after it go on in a new process. A process that makes no progress for ``timeout`` seconds
is stopped with its children.

The PDF standard: ``"pdf-a-2b"`` (PDF/A-2b, for archiving) or ``"pdf"`` (plain PDF). Both are
tagged (a structure tree for screen readers, the document language) and show the document title
in the window title bar.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .document import atomic_write
from .errors import DocumentError, DocxAanpakError, OutputExistsError, ToolMissingError

__all__ = [
    "DEFAULT_STANDARD",
    "DEFAULT_TIMEOUT",
    "INSTALL_HINT",
    "PDF_STANDARDS",
    "Conversion",
    "PdfResult",
    "convert",
    "export_filter",
    "find_soffice",
]

PDF_STANDARDS = ("pdf-a-2b", "pdf")
DEFAULT_STANDARD = "pdf-a-2b"
DEFAULT_TIMEOUT = 300.0
# Files per LibreOffice process: enough to spread its start-up over many files, few enough to
# keep both processes busy to the end and to redo little after a failure.
CHUNK = 32
_POLL = 0.1  # seconds between looks at the output folder while LibreOffice runs

INSTALL_HINT = (
    "LibreOffice is needed to make PDFs, but neither 'soffice' nor 'libreoffice' was found on "
    "PATH. Install it and try again:\n"
    "  Debian/Ubuntu: sudo apt-get install libreoffice-writer-nogui\n"
    "  macOS:         brew install --cask libreoffice\n"
    "  Windows:       download it from https://www.libreoffice.org/download/ and add its "
    "'program' folder to PATH"
)
# Where the installers put soffice when it is not on PATH.
_KNOWN_LOCATIONS = {
    "darwin": ("/Applications/LibreOffice.app/Contents/MacOS/soffice",),
    "win32": (
        r"C:\Program Files\LibreOffice\program\soffice.exe",
        r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
    ),
}
# LibreOffice says this on every start where Java is not set up; it is never the reason.
_NOISE = ("Warning: failed to launch javaldx", "convert ")


def find_soffice() -> str:
    """The LibreOffice program, or :class:`ToolMissingError` with how to install it."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in _KNOWN_LOCATIONS.get(sys.platform, ()):
        if Path(candidate).is_file():
            return candidate
    raise ToolMissingError(INSTALL_HINT)


def export_filter(standard: str = DEFAULT_STANDARD) -> str:
    """The ``--convert-to`` argument for a PDF standard (LibreOffice's JSON filter options)."""
    if standard not in PDF_STANDARDS:
        choices = ", ".join(PDF_STANDARDS)
        raise ValueError(f"PDF standard must be one of {choices}, not {standard!r}")
    options: dict[str, dict[str, str]] = {
        "UseTaggedPDF": {"type": "boolean", "value": "true"},
        "DisplayPDFDocumentTitle": {"type": "boolean", "value": "true"},
    }
    if standard == "pdf-a-2b":
        options["SelectPdfVersion"] = {"type": "long", "value": "2"}
    return "pdf:writer_pdf_Export:" + json.dumps(options, separators=(",", ":"))


@dataclass(frozen=True)
class PdfResult:
    """One conversion: the source, the PDF written (or None) and the error (or None)."""

    source: Path
    pdf: Path | None
    error: DocxAanpakError | None = None


@dataclass(frozen=True)
class Conversion:
    """One file to convert: ``staged`` is what LibreOffice reads (its stem must be unique among
    the conversions of one call), ``source`` the file named in results and errors."""

    source: Path
    staged: Path
    target: Path


def _complete(pdf: Path) -> bool:
    """A whole PDF: it starts with the header and ends with the end-of-file marker."""
    try:
        size = pdf.stat().st_size
        if size < 16:
            return False
        with pdf.open("rb") as handle:
            head = handle.read(5)
            handle.seek(max(0, size - 1024))
            tail = handle.read()
    except OSError:
        return False
    return head == b"%PDF-" and b"%%EOF" in tail


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Kill LibreOffice and its children (it runs in its own process group on POSIX)."""
    if os.name == "posix":
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
    else:  # pragma: no cover - Windows
        process.kill()
    process.wait()


class _Cancelled(Exception):
    """The caller was interrupted: stop converting."""


@dataclass(frozen=True)
class _Run:
    returncode: int | None  # None: stopped after ``timeout`` seconds without progress
    said: str


class _Converter:
    """Runs LibreOffice over lists of staged files; one instance per call of :func:`convert`."""

    def __init__(self, office: str, filter_: str, work: Path, timeout: float) -> None:
        self.office = office
        self.filter = filter_
        self.out = work / "pdf"
        self.timeout = timeout
        self.cancelled = threading.Event()

    def output(self, conversion: Conversion) -> Path:
        return self.out / f"{conversion.staged.stem}.pdf"

    def _launch(self, batch: Sequence[Conversion], profile: Path) -> _Run:
        command = [
            self.office,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nolockcheck",
            "--nodefault",
            "--convert-to",
            self.filter,
            "--outdir",
            str(self.out),
            *(str(c.staged) for c in batch),
        ]
        log = profile.with_suffix(".log")
        with log.open("w+b") as said:
            try:
                process = subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=said,
                    stderr=subprocess.STDOUT,
                    start_new_session=os.name == "posix",
                )
            except OSError as e:
                return _Run(-1, f"LibreOffice could not be started: {e}")
            try:
                returncode = self._watch(process, batch)
            finally:
                if process.poll() is None:
                    _stop(process)
            said.seek(0)
            text = said.read().decode("utf-8", "replace")
        lines = [x.strip() for x in text.splitlines() if x.strip() and not x.startswith(_NOISE)]
        return _Run(returncode, " ".join(" ".join(lines).split())[:500])

    def _watch(self, process: subprocess.Popen[bytes], batch: Sequence[Conversion]) -> int | None:
        """Wait for LibreOffice; stop it when no new PDF appeared for ``timeout`` seconds."""
        outputs = [self.output(c) for c in batch]
        done = 0
        last = time.monotonic()
        while True:
            try:
                return process.wait(timeout=min(_POLL, self.timeout))
            except subprocess.TimeoutExpired:
                pass
            if self.cancelled.is_set():
                raise _Cancelled
            now_done = sum(1 for pdf in outputs if pdf.exists())
            now = time.monotonic()
            if now_done > done:
                done, last = now_done, now
            elif now - last > self.timeout:
                _stop(process)
                return None

    def run(
        self, batch: Sequence[Conversion], profile: Path
    ) -> dict[Conversion, DocxAanpakError | None]:
        """Convert the files; the PDFs stay in the work folder. Map each file to its error."""
        results: dict[Conversion, DocxAanpakError | None] = {}
        pending = list(batch)
        while pending:
            for conversion in pending:
                self.output(conversion).unlink(missing_ok=True)
            outcome = self._launch(pending, profile)
            missing = []
            for conversion in pending:
                if _complete(self.output(conversion)):
                    results[conversion] = None
                else:
                    missing.append(conversion)
            if not missing:
                break
            first, rest = missing[0], missing[1:]
            if len(pending) == 1:
                results[first] = self._error(first, outcome)
                break
            # LibreOffice converts in the order given: the first file without a PDF is the one
            # it skipped, failed or hung on. Alone, its error is its own; the rest go on.
            results.update(self.run([first], profile))
            pending = rest
        return results

    def _error(self, conversion: Conversion, outcome: _Run) -> DocxAanpakError:
        if outcome.returncode is None:
            return DocumentError(
                str(conversion.source),
                f"LibreOffice did not finish converting it to PDF within {self.timeout:g} seconds",
            )
        said = f": {outcome.said}" if outcome.said else ""
        return DocumentError(
            str(conversion.source),
            f"LibreOffice could not convert it to PDF (exit code {outcome.returncode}{said})",
        )


def convert(
    conversions: Sequence[Conversion],
    work: Path,
    *,
    standard: str = DEFAULT_STANDARD,
    jobs: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    overwrite: bool = False,
    office: str | None = None,
) -> list[PdfResult]:
    """Convert staged files to PDF in ``jobs`` LibreOffice processes and write each PDF to its
    target atomically. Return one result per conversion, in input order.

    ``work`` is a private, empty folder for profiles and intermediate PDFs (the caller removes
    it). An existing target is kept unless ``overwrite``. Raises :class:`ToolMissingError` when
    LibreOffice is not installed.
    """
    filter_ = export_filter(standard)
    office = office or find_soffice()
    if not conversions:
        return []
    workers = max(1, jobs if jobs is not None else min(4, os.cpu_count() or 1))
    workers = min(workers, len(conversions))
    size = max(1, min(CHUNK, math.ceil(len(conversions) / workers)))
    batches = [conversions[i : i + size] for i in range(0, len(conversions), size)]
    converter = _Converter(office, filter_, work, timeout)
    converter.out.mkdir(parents=True, exist_ok=True)
    # One profile per process running at once; a process takes a free one and gives it back.
    profiles: queue.SimpleQueue[Path] = queue.SimpleQueue()
    for number in range(workers):
        profiles.put(work / f"profile{number}")
    results: dict[Conversion, PdfResult] = {}

    def finish(conversion: Conversion, error: DocxAanpakError | None) -> PdfResult:
        if error is None:
            try:
                data = converter.output(conversion).read_bytes()
                atomic_write(conversion.target, data, overwrite=overwrite)
            except OutputExistsError as e:
                error = e
            except OSError as e:
                error = DocumentError(str(conversion.target), f"could not be written: {e}")
        result = PdfResult(conversion.source, None if error else conversion.target, error)
        converter.output(conversion).unlink(missing_ok=True)
        return result

    def work_on(batch: Sequence[Conversion]) -> None:
        if converter.cancelled.is_set():
            return
        todo = [c for c in batch if overwrite or not c.target.exists()]
        for conversion in batch:
            if conversion not in todo:
                results[conversion] = finish(conversion, OutputExistsError(str(conversion.target)))
        if not todo:
            return
        profile = profiles.get()
        try:
            for conversion, error in converter.run(todo, profile).items():
                results[conversion] = finish(conversion, error)
        finally:
            profiles.put(profile)

    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        for future in [pool.submit(work_on, batch) for batch in batches]:
            future.result()
    except BaseException:
        # Interrupted (or a bug): stop every LibreOffice now rather than after its list.
        converter.cancelled.set()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()
    return [results[c] for c in conversions]
