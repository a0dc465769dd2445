"""Publishing a filled plan: flatten its content controls, lock them, or convert it to PDF.

``flatten`` and ``lock`` change a :class:`~docx_aanpak.document.Document` in place (typically the
result of :meth:`Template.fill`); ``to_pdf`` converts saved .docx files with headless LibreOffice.

Flattening replaces every ``w:sdt`` by its content, so the document reads the same but holds no
controls. The content goes where the control was, at the control's own level: a run-level
control's runs into its paragraph, a block-level control's paragraphs and tables into the body or
cell, a cell-level control's ``w:tc`` into its row, a row-level control's ``w:tr`` into its table.
A control that shows its placeholder is emptied (or, with ``keep_placeholders``, keeps the text in
normal style). Where emptying leaves a cell, header, footer or note without the paragraph it must
end with, or puts two tables next to each other, an empty paragraph is added.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import _ooxml as ox
from .controls import (
    T_PPR,
    T_RPR,
    T_RSTYLE,
    T_SDT_CONTENT,
    T_TCPR,
    ContentControl,
    Kind,
    Level,
)
from .document import Document, atomic_write
from .errors import DocumentError, DocxAanpakError, OutputExistsError, ToolMissingError

__all__ = [
    "LOCK_MODES",
    "PdfResult",
    "convert_to_pdf",
    "find_soffice",
    "flatten",
    "lock",
    "to_pdf",
]

W = ox.NS["w"]
T_SECTPR = f"{{{W}}}sectPr"
T_LOCK = f"{{{W}}}lock"

# Range markers are kept when a placeholder is removed: a bookmark may start inside a control and
# end outside it.
_MARKERS = frozenset(
    f"{{{W}}}{name}"
    for name in (
        "bookmarkStart",
        "bookmarkEnd",
        "commentRangeStart",
        "commentRangeEnd",
        "permStart",
        "permEnd",
        "moveFromRangeStart",
        "moveFromRangeEnd",
        "moveToRangeStart",
        "moveToRangeEnd",
    )
)
# Block containers whose content must end with a paragraph.
_ENDS_WITH_PARAGRAPH = frozenset(
    f"{{{W}}}{name}"
    for name in ("body", "tc", "hdr", "ftr", "footnote", "endnote", "comment", "txbxContent")
)
_BLOCKS = frozenset({ox.W_P, ox.W_TBL, ox.W_SDT, f"{{{W}}}customXml"})

LOCK_MODES = ("sdtLocked", "contentLocked", "sdtContentLocked", "unlocked")
# CT_SdtPr children that come before w:lock in schema order.
_BEFORE_LOCK = frozenset({T_RPR, f"{{{W}}}alias", f"{{{W}}}tag", f"{{{W}}}id"})


# -- flatten ------------------------------------------------------------------------------------


def flatten(document: Document, *, keep_placeholders: bool = False) -> None:
    """Replace every content control in every story part by its content (innermost first).

    Unfilled controls (showing their placeholder) become empty, or keep their placeholder text
    without the placeholder character style when ``keep_placeholders`` is set. Checkboxes keep
    their glyph.
    """
    placeholder_styles = document.styles.placeholder_styles()
    for story, root in document.iter_story_trees():
        sdts = list(root.iter(ox.W_SDT))
        if not sdts:
            continue
        # Read every control before changing any: levels and states depend on the ancestors.
        plans = []
        for element in sdts:
            control = ContentControl(element)
            unfilled = control.showing_placeholder and control.kind != Kind.CHECKBOX
            plans.append((element, control.level, unfilled))
        touched: dict[ox.Element, ox.Element | None] = {}
        # An emptied control nested in another passes its paragraph formatting outwards.
        pending: dict[ox.Element, ox.Element] = {}
        # Reverse document order visits descendants before their ancestors.
        for element, level, unfilled in reversed(plans):
            filler = pending.pop(element, None)
            if unfilled:
                if keep_placeholders:
                    _unstyle(element, placeholder_styles)
                else:
                    filler = _clear(element, level, placeholder_styles)
            parent = element.getparent()
            assert parent is not None
            _unwrap(element)
            if level != Level.BLOCK:
                continue  # runs need no paragraph; a cleared cell got its paragraph already
            if parent.tag == T_SDT_CONTENT:
                outer = parent.getparent()
                if filler is not None and outer is not None and outer not in pending:
                    pending[outer] = filler
            elif touched.get(parent) is None:
                touched[parent] = filler
        for container, filler in touched.items():
            _repair(container, filler)
        document.mark_changed(story.name)


def _unwrap(sdt: ox.Element) -> None:
    """Put the control's content where the control is, and remove the control."""
    parent = sdt.getparent()
    assert parent is not None
    content = sdt.find(T_SDT_CONTENT)
    if content is not None:
        for child in list(content):
            sdt.addprevious(child)
    if sdt.tail:
        previous = sdt.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + sdt.tail
        else:
            parent.text = (parent.text or "") + sdt.tail
    parent.remove(sdt)


def _clean_ppr(ppr: ox.Element | None, placeholder_styles: frozenset[str]) -> ox.Element | None:
    if ppr is None:
        return None
    ppr = ox.deepcopy(ppr)
    mark = ppr.find(T_RPR)
    if mark is not None:
        _drop_styles(mark, placeholder_styles)
        if not len(mark):
            ppr.remove(mark)
    return ppr


def _empty_paragraph(ppr: ox.Element | None) -> ox.Element:
    paragraph = ox.make("w:p")
    if ppr is not None:
        paragraph.append(ox.deepcopy(ppr))
    return paragraph


def _first_ppr(container: ox.Element) -> ox.Element | None:
    first = next(container.iter(ox.W_P), None)
    return None if first is None else first.find(T_PPR)


def _clear(sdt: ox.Element, level: Level, placeholder_styles: frozenset[str]) -> ox.Element:
    """Remove a control's placeholder content. Return an empty paragraph formatted like the
    placeholder's, for a container that would otherwise lack one."""
    content = sdt.find(T_SDT_CONTENT)
    if content is None:
        return _empty_paragraph(None)
    if level in (Level.CELL, Level.ROW):
        cells = list(content.iter(ox.W_TC))
        if not cells:
            return _empty_paragraph(None)
        cell = cells[-1]
        filler = _empty_paragraph(_clean_ppr(_first_ppr(cell), placeholder_styles))
        for child in list(cell):
            if child.tag != T_TCPR and child.tag not in _MARKERS:
                cell.remove(child)
        cell.append(ox.deepcopy(filler))
        return filler
    filler = _empty_paragraph(_clean_ppr(_first_ppr(content), placeholder_styles))
    for child in list(content):
        if child.tag not in _MARKERS:
            content.remove(child)
    return filler


def _drop_styles(rpr: ox.Element, placeholder_styles: frozenset[str]) -> None:
    for style in rpr.findall(T_RSTYLE):
        if style.get(ox.W_VAL) in placeholder_styles:
            rpr.remove(style)


def _unstyle(sdt: ox.Element, placeholder_styles: frozenset[str]) -> None:
    """Keep a placeholder's text, in the style of the text around it."""
    content = sdt.find(T_SDT_CONTENT)
    if content is None:
        return
    for rpr in list(content.iter(T_RPR)):
        parent = rpr.getparent()
        if parent is None or parent.tag not in (ox.W_R, T_PPR):
            continue
        _drop_styles(rpr, placeholder_styles)
        if not len(rpr) and not rpr.attrib:
            parent.remove(rpr)


def _is_block(element: ox.Element) -> bool:
    return element.tag in _BLOCKS


def _repair(container: ox.Element, filler: ox.Element | None) -> None:
    """Separate tables that became neighbours and end the container with a paragraph."""

    def paragraph() -> ox.Element:
        return _empty_paragraph(None if filler is None else filler.find(T_PPR))

    previous: ox.Element | None = None
    for child in list(container):
        if not ox.is_element(child) or not _is_block(child):
            continue
        if child.tag == ox.W_TBL and previous is not None and previous.tag == ox.W_TBL:
            child.addprevious(paragraph())
        previous = child
    if container.tag not in _ENDS_WITH_PARAGRAPH:
        return
    if previous is None or previous.tag != ox.W_P:
        final = container[-1] if len(container) else None
        if final is not None and final.tag == T_SECTPR:
            final.addprevious(paragraph())
        else:
            container.append(paragraph())


# -- lock ---------------------------------------------------------------------------------------


def lock(document: Document, *, mode: str = "sdtContentLocked") -> None:
    """Set ``w:lock`` on every content control in every story part.

    ``mode`` is one of ``sdtLocked`` (the control cannot be deleted), ``contentLocked`` (its
    content cannot be edited), ``sdtContentLocked`` (both) or ``unlocked``.
    """
    if mode not in LOCK_MODES:
        raise ValueError(f"lock mode must be one of {', '.join(LOCK_MODES)}, not {mode!r}")
    for story, root in document.iter_story_trees():
        changed = False
        for element in root.iter(ox.W_SDT):
            properties = ContentControl(element).properties
            for old in properties.findall(T_LOCK):
                properties.remove(old)
            position = 0
            for index, child in enumerate(properties):
                if child.tag in _BEFORE_LOCK or not ox.is_element(child):
                    position = index + 1
                else:
                    break
            properties.insert(position, ox.make("w:lock", {"w:val": mode}))
            changed = True
        if changed:
            document.mark_changed(story.name)


# -- PDF ----------------------------------------------------------------------------------------

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
DEFAULT_TIMEOUT = 300.0


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


@dataclass(frozen=True)
class PdfResult:
    """One conversion: the source, the PDF written (or None) and the error (or None)."""

    source: Path
    pdf: Path | None
    error: DocxAanpakError | None = None


def _run(command: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    """Run LibreOffice in its own process group, so a timeout kills its children too."""
    posix = os.name == "posix"
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=posix,
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            if posix:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
            else:
                process.kill()
            process.communicate()
            raise
        return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def _convert_one(
    office: str, source: Path, target: Path, timeout: float, overwrite: bool
) -> PdfResult:
    try:
        if not source.is_file():
            raise DocumentError(str(source), "no such file")
        if not overwrite and target.exists():
            raise OutputExistsError(str(target))
        with tempfile.TemporaryDirectory(prefix="docx_aanpak_pdf_") as tmp:
            work = Path(tmp)
            outdir = work / "out"
            command = [
                office,
                f"-env:UserInstallation={(work / 'profile').as_uri()}",
                "--headless",
                "--norestore",
                "--nolockcheck",
                "--convert-to",
                "pdf",
                "--outdir",
                str(outdir),
                str(source),
            ]
            try:
                process = _run(command, timeout)
            except subprocess.TimeoutExpired:
                raise DocumentError(
                    str(source),
                    f"LibreOffice did not finish converting it to PDF within {timeout:g} seconds",
                ) from None
            except OSError as e:
                raise DocumentError(str(source), f"LibreOffice could not be started: {e}") from e
            produced = outdir / f"{source.stem}.pdf"
            if process.returncode != 0 or not produced.is_file():
                said = " ".join((process.stderr or process.stdout or "").split())[:500]
                raise DocumentError(
                    str(source),
                    f"LibreOffice could not convert it to PDF (exit code {process.returncode}"
                    + (f": {said})" if said else ")"),
                )
            atomic_write(target, produced.read_bytes(), overwrite=overwrite)
        return PdfResult(source, target)
    except DocxAanpakError as e:
        return PdfResult(source, None, e)


def convert_to_pdf(
    docx_paths: Sequence[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    *,
    jobs: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    overwrite: bool = False,
) -> list[PdfResult]:
    """Convert each document to ``out_dir/<stem>.pdf`` and report each outcome, in input order.

    Conversions run in parallel (``jobs`` LibreOffice processes, by default up to four), each
    with its own LibreOffice profile so they do not wait for each other's lock. Each PDF is
    written atomically. A conversion that fails or takes longer than ``timeout`` seconds gives a
    result with its error; the others go on. Raises :class:`ToolMissingError` when LibreOffice
    is not installed.
    """
    office = find_soffice()
    sources = [Path(p) for p in docx_paths]
    out = Path(out_dir)
    targets = [out / f"{s.stem}.pdf" for s in sources]
    seen: dict[Path, Path] = {}
    for source, target in zip(sources, targets, strict=True):
        if target in seen:
            raise DocxAanpakError(
                f"{source} and {seen[target]} would both be converted to {target}; "
                "give the documents different names"
            )
        seen[target] = source
    if not sources:
        return []
    workers = max(1, jobs if jobs is not None else min(4, os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=min(workers, len(sources))) as pool:
        futures = [
            pool.submit(_convert_one, office, s, t, timeout, overwrite)
            for s, t in zip(sources, targets, strict=True)
        ]
        return [f.result() for f in futures]


def to_pdf(
    docx_paths: Sequence[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    *,
    jobs: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    overwrite: bool = False,
) -> list[Path]:
    """Convert documents to PDF with headless LibreOffice; return the PDFs in input order.

    Every document is tried; when any fails, the PDFs of the others are kept and one error
    names each file that failed (see :func:`convert_to_pdf` for per-file results).
    """
    results = convert_to_pdf(docx_paths, out_dir, jobs=jobs, timeout=timeout, overwrite=overwrite)
    failed = [r for r in results if r.error is not None]
    if len(failed) == 1 and failed[0].error is not None:
        raise failed[0].error
    if failed:
        lines = "\n".join(f"  - {r.error}" for r in failed)
        raise DocumentError(
            f"{len(failed)} of {len(results)} documents",
            f"could not be converted to PDF:\n{lines}",
        )
    return [r.pdf for r in results if r.pdf is not None]
