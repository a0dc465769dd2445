"""Reading plans that another word processor re-saved: placeholders shown as text, answers split
out of their controls.

LibreOffice (7.4) keeps content controls when it saves a .docx, but:

* it drops ``w:showingPlcHdr`` and the placeholder character style of block-level controls, so an
  unanswered question shows its placeholder ("Klik of tik om tekst in te voeren.") as if it were
  typed. Text equal to the control's placeholder (its glossary building block, or the placeholder
  the reference template shows for that field) therefore counts as unanswered;
* it turns a block-level control into a run-level one inside the first paragraph of its content
  and moves the other paragraphs out of the control. Those paragraphs are read back as part of
  the answer: the blocks after the control's paragraph, up to the next control, heading or the end
  of the cell, minus what the reference template itself has there (the empty paragraph and the
  next question). Without a reference (or when the text there no longer matches it), the answer
  runs up to the next question: the last non-empty paragraph before the next control. When the
  reference does not match, the field is named in a :class:`RecoveryWarning`.

A :class:`PlanReader` applies both rules to one document; :func:`shapes_of` works out once what a
reference template says about each field.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from . import _ooxml as ox
from .controls import (
    SKIP_TEXT,
    T_SDT_CONTENT,
    ContentControl,
    Kind,
    Level,
    block_paragraphs,
    inline_items,
    paragraph_text,
    run_text_into,
)
from .document import Document
from .scan import Field

__all__ = [
    "PlanReader",
    "RecoveryWarning",
    "Shape",
    "shapes_of",
    "written_by_libreoffice",
]

W = ox.NS["w"]
RT_EXTENDED = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"
)
TEXT_KINDS = frozenset({Kind.RICH_TEXT, Kind.PLAIN_TEXT, Kind.COMBO_BOX, Kind.DROPDOWN, Kind.DATE})
# Looked up once: an enum member lookup costs more than the comparison (reading compares a few
# per field).
_RICH, _TEXT = Kind.RICH_TEXT, (Kind.RICH_TEXT, Kind.PLAIN_TEXT)
_BLOCK, _RUN = Level.BLOCK, Level.RUN
T_SECT_PR = f"{{{W}}}sectPr"
# A table in a region compares by its text, and never equals a paragraph.
_TABLE_MARK = "\x00table\x00"


class RecoveryWarning(UserWarning):
    """Part of an answer that was moved out of its control could not be told apart for sure."""


@dataclass(frozen=True)
class Shape:
    """What the reference template says about one control of a field.

    ``level``: where the control sits (None when unknown: the reference was itself re-saved by
    LibreOffice); ``docpart``/``placeholder``: the building block it names and the text it shows
    while unanswered; ``tail``: for a block-level control, the text of each block after it up to
    the next control, heading or the end of its cell or section.
    """

    level: Level | None
    docpart: str | None
    placeholder: str | None
    tail: tuple[str, ...] | None


def written_by_libreoffice(document: Document) -> bool:
    """Whether the document's extended properties name LibreOffice as the application."""
    package = document.package
    for part in package.related("", RT_EXTENDED):
        application = document.tree(part).find(
            "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}Application"
        )
        if application is not None and (application.text or "").startswith("LibreOffice"):
            return True
    return False


# -- regions after a control ------------------------------------------------------------------


def _has_control(element: ox.Element) -> bool:
    return next(element.iter(ox.W_SDT), None) is not None


def _block_text(element: ox.Element) -> str:
    if element.tag == ox.W_P:
        return paragraph_text(element)
    return _TABLE_MARK + "\n".join(block_paragraphs(element))


def _region(start: ox.Element, document: Document) -> tuple[list[ox.Element], bool]:
    """The blocks after ``start`` in its container, up to the next control, heading or end;
    and whether a control ends them."""
    styles = document.styles
    blocks: list[ox.Element] = []
    node = start.getnext()
    while node is not None:
        tag = node.tag
        if tag not in (ox.W_P, ox.W_TBL):
            if isinstance(tag, str) and tag not in SKIP_TEXT and tag != T_SECT_PR:
                return blocks, True  # a control, custom XML or other block container
            node = node.getnext()
            continue
        if _has_control(node):
            return blocks, True
        if tag == ox.W_P and styles.paragraph_outline_level(node) is not None:
            parent = node.getparent()
            in_cell = parent is not None and parent.tag == ox.W_TC
            if not in_cell and paragraph_text(node).strip():
                break
        blocks.append(node)
        node = node.getnext()
    return blocks, False


def _own_paragraph(control: ContentControl) -> ox.Element | None:
    """The paragraph a run-level control sits in, when the control is all it shows."""
    node = control.element.getparent()
    while node is not None and node.tag != ox.W_P:
        if node.tag == ox.W_SDT or node.tag == T_SDT_CONTENT:
            return None
        node = node.getparent()
    if node is None:
        return None
    for item in inline_items(node):
        if item is control.element:
            continue
        if item.tag == ox.W_SDT:
            return None
        out: list[str] = []
        run_text_into(item, out)
        if "".join(out).strip():
            return None
    return node


def shapes_of(document: Document, fields: Sequence[Field]) -> dict[str, tuple[Shape, ...]]:
    """For every field of a reference template: the shape of each of its controls. A reference
    that LibreOffice wrote tells placeholders only, not where answers end."""
    layout = not written_by_libreoffice(document)
    placeholders = document.placeholder_texts()
    trees: dict[str, list[ox.Element]] = {}
    result: dict[str, tuple[Shape, ...]] = {}
    for item in fields:
        if item.kind not in TEXT_KINDS:
            continue
        shapes = []
        for location in item.locations:
            sdts = trees.get(location.part)
            if sdts is None:
                sdts = trees[location.part] = list(document.tree(location.part).iter(ox.W_SDT))
            control = ContentControl(sdts[location.index])
            docpart = control.placeholder_docpart
            shown = control.text if control.showing_placeholder else None
            placeholder = shown or placeholders.get(docpart or "")
            level = control.level if layout else None
            tail: tuple[str, ...] | None = None
            if level == Level.BLOCK:
                tail = tuple(_block_text(b) for b in _region(control.element, document)[0])
            shapes.append(Shape(level, docpart, placeholder, tail))
        result[item.key] = tuple(shapes)
    return result


def _answer_length(region: list[str], tail: tuple[str, ...]) -> int | None:
    """How many blocks at the start of ``region`` belong to the answer, given that the template
    has ``tail`` there; None when the region does not end the way the template does."""
    if len(region) >= len(tail) and tuple(region[len(region) - len(tail) :]) == tail:
        return len(region) - len(tail)
    # The text after the next question may have been edited: look for the next question itself.
    first = next((i for i, text in enumerate(tail) if text.strip()), None)
    if first is None:
        return None
    for j, text in enumerate(region):
        if text == tail[first] and j >= first and not any(t.strip() for t in region[j - first : j]):
            return j - first
    return None


def _by_position(region: list[str], ends_at_control: bool) -> int:
    """The answer up to the next question: the last non-empty block before the next control is
    that control's question; empty blocks before the question (or the end) are spacing."""
    end = len(region)
    if ends_at_control:
        last = next((i for i in range(end - 1, -1, -1) if region[i].strip()), None)
        end = 0 if last is None else last
    while end and not region[end - 1].strip():
        end -= 1
    return end


# -- reading one document ---------------------------------------------------------------------


class PlanReader:
    """Reads controls of one document the way a person sees them: a placeholder shown as plain
    text is no answer, and an answer split out of its control is joined again.

    ``shapes`` (from :func:`shapes_of`) describe the reference template's fields by key; without
    them only the document's own building blocks and, for documents LibreOffice wrote, the
    position of the next question are used. Recovered blocks are kept in ``recovered`` (control
    element -> the blocks after it that belong to its answer).
    """

    def __init__(
        self, document: Document, shapes: Mapping[str, tuple[Shape, ...]] | None = None
    ) -> None:
        self.document = document
        self.shapes = shapes or {}
        self.recovered: dict[ox.Element, list[ox.Element]] = {}
        self._glossary: dict[str, str] | None = None
        self._libreoffice: bool | None = None

    @property
    def libreoffice(self) -> bool:
        if self._libreoffice is None:
            self._libreoffice = written_by_libreoffice(self.document)
        return self._libreoffice

    def _placeholder_of(self, control: ContentControl, shape: Shape | None) -> set[str]:
        docpart = control.placeholder_docpart
        found: set[str] = set()
        if shape is not None and shape.placeholder:
            found.add(shape.placeholder.strip())
        if docpart and (shape is None or shape.docpart != docpart):
            if self._glossary is None:
                self._glossary = self.document.placeholder_texts()
            text = self._glossary.get(docpart)
            if text:
                found.add(text.strip())
        return found

    def shape(self, key: str, position: int) -> Shape | None:
        shapes = self.shapes.get(key, ())
        return shapes[position] if position < len(shapes) else None

    def read(
        self,
        control: ContentControl,
        kind: Kind,
        key: str,
        label: str,
        position: int,
        value: object,
    ) -> object:
        """Correct ``value`` (what the control of ``kind`` itself holds: None when it is
        empty) of field ``key``'s control number ``position``."""
        if kind not in TEXT_KINDS or control.showing_placeholder:
            return value
        shape = self.shape(key, position)
        # A text control's value is what it shows: no need to read it again.
        text = value if isinstance(value, str) and kind in _TEXT else control.text
        extra = self._split_off(control, kind, key, label, shape)
        if extra:
            self.recovered[control.element] = extra
            lines = [text]
            for block in extra:
                if block.tag == ox.W_P:
                    lines.append(paragraph_text(block))
                else:
                    lines.extend(block_paragraphs(block))
            text = "\n".join(lines)
            value = text
        stripped = text.strip()
        if stripped and stripped in self._placeholder_of(control, shape):
            return None
        return value

    def _split_off(
        self, control: ContentControl, kind: Kind, key: str, label: str, shape: Shape | None
    ) -> list[ox.Element]:
        """The blocks after a control that belong to its answer (LibreOffice moved them out)."""
        known = shape is not None and shape.level is not None
        if known and shape is not None and shape.level != _BLOCK:
            return []
        if kind != _RICH or control.level != _RUN:
            return []
        if not known and not self.libreoffice:
            return []
        paragraph = _own_paragraph(control)
        if paragraph is None:
            return []
        blocks, at_control = _region(paragraph, self.document)
        texts = [_block_text(b) for b in blocks]
        count = None if shape is None or shape.tail is None else _answer_length(texts, shape.tail)
        if count is None:
            count = _by_position(texts, at_control)
            if known and count:
                warnings.warn(
                    RecoveryWarning(
                        f"{self.document.name}: the answer to '{label}' (field '{key}') was "
                        "moved out of its control (LibreOffice does this) and the text after it "
                        f"differs from the template; {count} paragraph(s) up to the next question "
                        "were read as part of the answer, please check"
                    ),
                    stacklevel=5,
                )
        return blocks[:count]
