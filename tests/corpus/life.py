"""Plans as people hand them back: re-saved by LibreOffice, edited in Word, with a control deleted.

* :func:`resave_with_libreoffice` runs the real program (headless LibreOffice, a private
  profile) on filled plans: no imitation of what it writes.
* :func:`edit_part` changes one XML part of a package the way a person editing in Word does
  (deleting a control, rewording a question, making text bold), leaving every other part as it
  was. The markup added is Word's own (``w:b``/``w:bCs``, ``w:i``/``w:iCs``, ``w:numPr``).
"""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"


def resave_with_libreoffice(sources: Sequence[Path], out_dir: Path) -> list[Path]:
    """Open each .docx in headless LibreOffice and save it as .docx again into ``out_dir``
    (same file names), in one run with a private profile. Returns the new files in order."""
    from judges import convert

    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="docx_aanpak_life_lo_") as tmp:
        converted = convert(sources, "docx:MS Word 2007 XML", Path(tmp))
        results = []
        for source, saved in zip(sources, converted, strict=True):
            target = out_dir / source.name
            shutil.copyfile(saved, target)
            results.append(target)
        return results


def edit_part(
    data: bytes, change: Callable[[etree._Element], None], part: str = "word/document.xml"
) -> bytes:
    """The package with ``change`` applied to the parsed ``part``; other parts byte for byte."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info)
            if info.filename == part:
                root = etree.fromstring(content)
                change(root)
                content = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
                content += etree.tostring(root, encoding="UTF-8")
            target.writestr(info, content)
    return buffer.getvalue()


def text_of(paragraph: etree._Element) -> str:
    """The text of a paragraph outside any control."""
    return "".join(
        t.text or ""
        for t in paragraph.iter(f"{W}t")
        if not any(a.tag == f"{W}sdt" for a in t.iterancestors())
    )


def control_after(root: etree._Element, question: str) -> etree._Element:
    """The first control after the paragraph that holds ``question``."""
    found = False
    for element in root.iter(f"{W}p", f"{W}sdt"):
        if element.tag == f"{W}p" and text_of(element).strip() == question:
            found = True
        elif found and element.tag == f"{W}sdt":
            return element
    raise LookupError(question)


def delete_control(question: str) -> Callable[[etree._Element], None]:
    """A person selects the control under ``question`` and deletes it (Word removes the
    ``w:sdt`` with what it holds)."""

    def change(root: etree._Element) -> None:
        control = control_after(root, question)
        parent = control.getparent()
        assert parent is not None
        parent.remove(control)

    return change


def reword_question(old: str, new: str) -> Callable[[etree._Element], None]:
    """A person retypes a question in their plan."""

    def change(root: etree._Element) -> None:
        for paragraph in root.iter(f"{W}p"):
            if text_of(paragraph).strip() == old:
                pieces = list(paragraph.iter(f"{W}t"))
                pieces[0].text = new
                for piece in pieces[1:]:
                    piece.getparent().remove(piece)
                return
        raise LookupError(old)

    return change


def delete_blank_line_before(question: str) -> Callable[[etree._Element], None]:
    """A person deletes the empty paragraph just before ``question``."""

    def change(root: etree._Element) -> None:
        for paragraph in root.iter(f"{W}p"):
            if text_of(paragraph).strip() == question:
                blank = paragraph.getprevious()
                assert blank is not None and blank.tag == f"{W}p" and not text_of(blank).strip()
                blank.getparent().remove(blank)
                return
        raise LookupError(question)

    return change


def run_xml(text: str, *, bold: bool = False, italic: bool = False, size: int = 18) -> str:
    """A run as Word writes typed text (``w:b``/``w:bCs`` for bold, ``w:i``/``w:iCs`` for
    italics); ``\\n`` becomes ``w:br`` (Shift+Enter)."""
    props = ""
    if bold:
        props += "<w:b/><w:bCs/>"
    if italic:
        props += "<w:i/><w:iCs/>"
    props += f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
    pieces = []
    for n, line in enumerate(text.split("\n")):
        if n:
            pieces.append("<w:br/>")
        space = ' xml:space="preserve"' if line != line.strip() else ""
        pieces.append(f"<w:t{space}>{line}</w:t>")
    return f"<w:r><w:rPr>{props}</w:rPr>{''.join(pieces)}</w:r>"


def paragraph_xml(*runs: str, list_item: bool = False) -> str:
    """A paragraph in the plan's answer format; ``list_item`` makes it a bullet of the
    template's list (style Lijstalinea, numbering 1), as Word's bullet button does."""
    ppr = (
        '<w:pStyle w:val="Lijstalinea"/><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>'
    )
    inner = (ppr if list_item else "") + '<w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>'
    return f"<w:p><w:pPr>{inner}</w:pPr>{''.join(runs)}</w:p>"


def replace_answer(question: str, paragraphs: Sequence[str]) -> Callable[[etree._Element], None]:
    """A person types a formatted answer (paragraphs from :func:`paragraph_xml`) into the
    block-level control under ``question``."""

    def change(root: etree._Element) -> None:
        control = control_after(root, question)
        pr = control.find(f"{W}sdtPr")
        assert pr is not None
        for flag in pr.findall(f"{W}showingPlcHdr"):
            pr.remove(flag)
        content = control.find(f"{W}sdtContent")
        assert content is not None
        for child in list(content):
            content.remove(child)
        holder = etree.fromstring(f'<w:body xmlns:w="{W_NS}">{"".join(paragraphs)}</w:body>')
        for paragraph in list(holder):
            content.append(paragraph)

    return change
