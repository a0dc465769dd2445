"""Publishing a filled plan: flatten its content controls, lock them, or convert it to PDF.

``flatten`` and ``lock`` change a :class:`~docx_aanpak.document.Document` in place (typically the
result of :meth:`Template.fill`); ``to_pdf`` converts saved .docx files with headless LibreOffice.

Flattening replaces every ``w:sdt`` by its content, so the document reads the same but holds no
controls. The content goes where the control was, at the control's own level: a run-level
control's runs into its paragraph, a block-level control's paragraphs and tables into the body or
cell, a cell-level control's ``w:tc`` into its row, a row-level control's ``w:tr`` into its table.
A control that shows its placeholder is emptied (or, with ``keep_placeholders``, keeps the text in
normal style). So is a control whose text is its placeholder's text (its docPart in the glossary):
LibreOffice drops ``w:showingPlcHdr`` when it saves a plan, and the placeholder would then read as
an answer. Where emptying leaves a cell, header, footer or note without the paragraph it must end
with, or puts two tables next to each other, an empty paragraph is added.

``publish_plans`` publishes existing plans (flattened or locked .docx, PDF) as they are, with the
formatting people gave them; the PDFs of this module never show the placeholder of an unanswered
question (see :func:`convert_to_pdf`).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
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
from .document import Document
from .errors import DocumentError, DocxAanpakError, OutputExistsError
from .pdf import (
    DEFAULT_STANDARD,
    DEFAULT_TIMEOUT,
    PDF_STANDARDS,
    Conversion,
    PdfResult,
    convert,
    export_filter,
    find_soffice,
)

__all__ = [
    "LOCK_MODES",
    "PDF_STANDARDS",
    "PdfResult",
    "PublishReport",
    "Published",
    "convert_to_pdf",
    "find_soffice",
    "flatten",
    "lock",
    "plan_files",
    "publish_plans",
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

    Unfilled controls (showing their placeholder, or holding their placeholder's text) become
    empty, or keep their placeholder text without the placeholder character style when
    ``keep_placeholders`` is set. Checkboxes keep their glyph.
    """
    placeholder_styles = document.styles.placeholder_styles()
    placeholder_texts = {
        name: " ".join(text.split()) for name, text in document.placeholder_texts().items()
    }
    for story, root in document.iter_story_trees():
        sdts = list(root.iter(ox.W_SDT))
        if not sdts:
            continue
        # Read every control before changing any: levels and states depend on the ancestors.
        plans = []
        for element in sdts:
            control = ContentControl(element)
            unfilled = control.kind != Kind.CHECKBOX and (
                control.showing_placeholder or _holds_placeholder_text(control, placeholder_texts)
            )
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


def _holds_placeholder_text(control: ContentControl, placeholder_texts: dict[str, str]) -> bool:
    """The control's text is its placeholder's (as a plan re-saved by LibreOffice shows it)."""
    expected = placeholder_texts.get(control.placeholder_docpart or "")
    return bool(expected) and " ".join(control.text.split()) == expected


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


def _stage(document: Document, source: Path, staged: Path, keep_placeholders: bool) -> None:
    """Write the copy LibreOffice converts: flattened, so that no placeholder shows and every
    answer keeps its own formatting, with the plan's title (else its file name) as title."""
    flatten(document, keep_placeholders=keep_placeholders)
    if document.core_part() is not None and not (document.core_property("dc:title") or "").strip():
        document.set_core_properties(title=source.stem)
    document.save(staged)


def _os_error(error: OSError, source: Path) -> DocumentError:
    return DocumentError(str(error.filename or source), error.strerror or str(error))


def _pdf_target(out: Path, source: Path) -> Path:
    return out / f"{source.stem}.pdf"


def convert_to_pdf(
    docx_paths: Sequence[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    *,
    jobs: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    overwrite: bool = False,
    standard: str = DEFAULT_STANDARD,
    keep_placeholders: bool = False,
) -> list[PdfResult]:
    """Convert each document to ``out_dir/<stem>.pdf`` and report each outcome, in input order.

    What is converted is a flattened copy of each document, so a PDF never shows the placeholder
    of an unanswered question (unless ``keep_placeholders``) and LibreOffice sees the answers as
    plain paragraphs in their own formatting. ``standard`` is ``"pdf-a-2b"`` (PDF/A-2b, tagged,
    the default) or ``"pdf"``; the PDF's title is the document's title, else its file name.

    Each LibreOffice process converts many files, ``jobs`` of them at once (by default up to
    four), each with its own profile. Each PDF is written atomically; an existing one is kept
    unless ``overwrite``. A document that cannot be read or converted, or whose conversion makes
    no progress for ``timeout`` seconds, gives a result with its error; the others go on. Raises
    :class:`ToolMissingError` when LibreOffice is not installed.
    """
    export_filter(standard)  # a bad standard fails before any work
    office = find_soffice()
    sources = [Path(p) for p in docx_paths]
    out = Path(out_dir)
    seen: dict[Path, Path] = {}
    for source in sources:
        target = _pdf_target(out, source)
        if target in seen:
            raise DocxAanpakError(
                f"{source} and {seen[target]} would both be converted to {target}; "
                "give the documents different names"
            )
        seen[target] = source
    results: dict[int, PdfResult] = {}
    with tempfile.TemporaryDirectory(prefix="docx_aanpak_pdf_") as tmp:
        work = Path(tmp)
        (work / "in").mkdir()
        conversions: list[Conversion] = []
        for index, source in enumerate(sources):
            target = _pdf_target(out, source)
            try:
                if not source.is_file():
                    raise DocumentError(str(source), "no such file")
                if not overwrite and target.exists():
                    raise OutputExistsError(str(target))
                staged = work / "in" / f"{index:05d}.docx"
                _stage(Document.open(source), source, staged, keep_placeholders)
            except DocxAanpakError as e:
                results[index] = PdfResult(source, None, e)
                continue
            except OSError as e:
                results[index] = PdfResult(source, None, _os_error(e, source))
                continue
            conversions.append(Conversion(source, staged, target))
        converted = convert(
            conversions,
            work,
            standard=standard,
            jobs=jobs,
            timeout=timeout,
            overwrite=overwrite,
            office=office,
        )
        for conversion, result in zip(conversions, converted, strict=True):
            results[int(conversion.staged.stem)] = result
    return [results[index] for index in range(len(sources))]


def to_pdf(
    docx_paths: Sequence[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    *,
    jobs: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    overwrite: bool = False,
    standard: str = DEFAULT_STANDARD,
    keep_placeholders: bool = False,
) -> list[Path]:
    """Convert documents to PDF with headless LibreOffice; return the PDFs in input order.

    Every document is tried; when any fails, the PDFs of the others are kept and one error
    names each file that failed (see :func:`convert_to_pdf` for per-file results and options).
    """
    results = convert_to_pdf(
        docx_paths,
        out_dir,
        jobs=jobs,
        timeout=timeout,
        overwrite=overwrite,
        standard=standard,
        keep_placeholders=keep_placeholders,
    )
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


# -- publishing existing plans --------------------------------------------------------------------


@dataclass(frozen=True)
class Published:
    """One plan: what was written (the .docx and/or PDF) and the error that stopped it, if any."""

    source: Path
    docx: Path | None = None
    pdf: Path | None = None
    error: DocxAanpakError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class PublishReport:
    """The outcome of :func:`publish_plans`, one entry per plan in input order."""

    outcomes: tuple[Published, ...]

    @property
    def failed(self) -> list[Published]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        done = len(self.outcomes) - len(self.failed)
        return f"{done} published, {len(self.failed)} failed"


def plan_files(inputs: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """The plans named: files as given, folders by their .docx/.dotx files (sorted; Word's lock
    files ``~$…`` and hidden files left out). The same file named twice counts once."""
    found: list[Path] = []
    seen: set[Path] = set()
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            members = sorted(
                p
                for p in path.iterdir()
                if p.suffix.lower() in (".docx", ".dotx")
                and not p.name.startswith(("~$", "."))
                and p.is_file()
            )
        else:
            members = [path]
        for member in members:
            key = member.resolve()
            if key not in seen:
                seen.add(key)
                found.append(member)
    return found


class _Targets:
    """The files a run writes: never one of its inputs, never one file for two plans."""

    def __init__(self, sources: Sequence[Path]) -> None:
        self.inputs = {p.resolve() for p in sources}
        # Also by inode: a hard link or a case-insensitive file system names one file twice.
        self.inodes: set[tuple[int, int]] = set()
        for path in sources:
            with contextlib.suppress(OSError):
                stat = path.stat()
                self.inodes.add((stat.st_dev, stat.st_ino))
        self.claimed: dict[Path, Path] = {}

    def claim(self, target: Path, source: Path) -> None:
        key = target.resolve()
        same = key in self.inputs
        if not same and target.exists():
            with contextlib.suppress(OSError):
                stat = target.stat()
                same = (stat.st_dev, stat.st_ino) in self.inodes
        if same:
            which = "the plan itself" if key == source.resolve() else "another plan being published"
            raise DocumentError(
                str(source),
                f"its output {target} would replace {which}; "
                "choose an output folder that holds none of the plans",
            )
        if key in self.claimed:
            raise DocumentError(
                str(source),
                f"{self.claimed[key]} is published to {target} too; give the plans different names",
            )
        self.claimed[key] = source


def publish_plans(
    plans: Sequence[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    *,
    flatten: bool = False,
    lock: str | None = None,
    pdf: bool = False,
    keep_placeholders: bool = False,
    standard: str = DEFAULT_STANDARD,
    jobs: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    overwrite: bool = False,
) -> PublishReport:
    """Publish existing plans (.docx files, or folders of them) into ``out_dir``.

    Each plan is worked on as it is, so it keeps its own formatting and everything people added
    around the answers: ``flatten`` writes ``out_dir/<name>.docx`` without content controls
    (unanswered ones emptied, or keeping their text with ``keep_placeholders``); ``lock`` writes
    it with every control locked (``"sdtContentLocked"`` …); ``pdf`` writes ``out_dir/<name>.pdf``
    (``standard`` ``"pdf-a-2b"`` or ``"pdf"``; see :func:`convert_to_pdf`), which never shows the
    placeholder of an unanswered question unless ``keep_placeholders``.

    No output is written over a plan being published, nor over an existing file unless
    ``overwrite``. A plan that fails is reported with its error and the others go on. Raises
    :class:`ToolMissingError` before writing anything when ``pdf`` is asked and LibreOffice is
    not installed.
    """
    if flatten and lock:
        raise ValueError("flatten removes the controls; it cannot be combined with lock")
    if lock is not None and lock not in LOCK_MODES:
        raise ValueError(f"lock mode must be one of {', '.join(LOCK_MODES)}, not {lock!r}")
    if not (flatten or lock or pdf):
        raise ValueError("nothing to publish: ask for flatten, lock or pdf")
    if pdf:
        export_filter(standard)  # a bad standard fails before any work
    office = find_soffice() if pdf else None
    sources = plan_files(plans)
    out = Path(out_dir)
    targets = _Targets(sources)
    outcomes: list[Published] = []
    with tempfile.TemporaryDirectory(prefix="docx_aanpak_publish_") as tmp:
        work = Path(tmp)
        (work / "in").mkdir()
        conversions: dict[int, Conversion] = {}
        for index, source in enumerate(sources):
            written: Path | None = None
            try:
                docx_target = out / f"{source.stem}.docx" if flatten or lock else None
                pdf_target = _pdf_target(out, source) if pdf else None
                for target in (docx_target, pdf_target):
                    if target is not None:
                        targets.claim(target, source)
                if not source.is_file():
                    raise DocumentError(str(source), "no such file")
                for target in (docx_target, pdf_target):
                    if target is not None and not overwrite and target.exists():
                        raise OutputExistsError(str(target))
                document = Document.open(source)
                if docx_target is not None:
                    _finish(document, flatten, lock, keep_placeholders)
                    document.save(docx_target, overwrite=overwrite)
                    written = docx_target
                if pdf_target is not None:
                    staged = work / "in" / f"{index:05d}.docx"
                    _stage(document, source, staged, keep_placeholders)
                    conversions[index] = Conversion(source, staged, pdf_target)
            except DocxAanpakError as e:
                outcomes.append(Published(source, written, None, e))
                continue
            except OSError as e:
                outcomes.append(Published(source, written, None, _os_error(e, source)))
                continue
            outcomes.append(Published(source, written))
        if conversions:
            results = convert(
                list(conversions.values()),
                work,
                standard=standard,
                jobs=jobs,
                timeout=timeout,
                overwrite=overwrite,
                office=office,
            )
            for index, result in zip(conversions, results, strict=True):
                outcomes[index] = replace(outcomes[index], pdf=result.pdf, error=result.error)
    return PublishReport(tuple(outcomes))


def _finish(document: Document, flattening: bool, mode: str | None, keep: bool) -> None:
    if flattening:
        flatten(document, keep_placeholders=keep)
    elif mode is not None:
        lock(document, mode=mode)
