"""Story parts compiled for fast filling: the part's bytes around each control, and a renderer
per control that writes the filled control's XML directly.

Filling normally copies the part's XML tree, writes the values into the copied controls and
serialises the whole part again. For parts whose fields are all plain or rich text at run or
block level (the shipped template, and most municipal templates) the part is compiled once
instead: it is serialised with a slot where each control stands, and each control gets a
renderer. A renderer is derived from the tree path: its pieces are the serialisation of the very
elements the tree path would write (the control's filled properties, its paragraph and run
formatting), and it is checked against the tree path on sample values when it is compiled. Where
a check fails, and for every other kind of control, the part keeps the tree path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from . import _ooxml as ox
from .controls import ContentControl, Kind, Level, TextFormat
from .scan import Field

__all__ = ["CompiledPart", "compile_part"]

W = ox.NS["w"]
SENTINEL = "\ue000"  # a private-use character: never in a template, one XML character
SAMPLES = ("antwoord", "  twee  spaties ", "a\tb\nc", "&<>\"'", "regel\n\nna een lege", "😀 שלום")


@dataclass(frozen=True)
class TextRenderer:
    """Writes a filled plain or rich text control as bytes."""

    head: bytes  # the control up to where its content starts
    tail: bytes  # the rest of the control after its content
    paragraphs: bool  # block-level rich text: one paragraph per line
    p_open: bytes  # "<w:p>" and the paragraph properties (block level)
    p_close: bytes
    p_empty: bytes  # a paragraph holding no run
    r_open: bytes  # "<w:r>" and the run properties
    r_close: bytes
    r_empty: bytes  # a run holding no text
    text: ox.RunText

    def _run(self, text: str) -> bytes:
        if not text:
            return self.r_empty
        return self.r_open + self.text(text) + self.r_close

    def render(self, value: str) -> bytes:
        if self.p_open == b"":  # run level
            return self.head + self._run(value) + self.tail
        lines = value.split("\n") if self.paragraphs else [value]
        body = b"".join(
            self.p_open + self._run(line) + self.p_close if line else self.p_empty for line in lines
        )
        return self.head + body + self.tail


@dataclass(frozen=True)
class Slot:
    field: Field
    index: int  # the control's index among the part's w:sdt elements
    default: bytes  # the control as the template has it
    renderer: TextRenderer
    fmt: TextFormat
    locked: bool  # its content is locked against editing


@dataclass(frozen=True)
class CompiledPart:
    """A story part as bytes between its field controls."""

    part: str
    pieces: tuple[bytes, ...]  # len(slots) + 1 pieces
    slots: tuple[Slot, ...]

    def render(self, rendered: Mapping[int, bytes]) -> bytes:
        """The part with the slots in ``rendered`` (slot number -> bytes) replaced."""
        out = [self.pieces[0]]
        for number, slot in enumerate(self.slots):
            out.append(rendered.get(number, slot.default))
            out.append(self.pieces[number + 1])
        return b"".join(out)


def _element_bytes(root: ox.Element, tag: str, inner: ox.Element | None) -> tuple[bytes, bytes]:
    """Opening bytes (with ``inner``, e.g. the run properties) and closing bytes of ``tag``."""
    element = ox.make(tag)
    if inner is not None:
        element.append(ox.deepcopy(inner))
    marker = ox.sub(element, "w:t")
    marker.text = SENTINEL
    data = ox.serialize_within(root, element)
    middle = ox.serialize_within(root, ox.deepcopy(marker))
    start = data.index(middle)
    return data[:start], data[start + len(middle) :]


def _empty_bytes(root: ox.Element, tag: str, inner: ox.Element | None) -> bytes:
    element = ox.make(tag)
    if inner is not None:
        element.append(ox.deepcopy(inner))
    return ox.serialize_within(root, element)


def _tree_render(root: ox.Element, sdt: ox.Element, value: str, styles: frozenset[str],
                 fmt: TextFormat) -> bytes:  # fmt: skip
    copy = ox.deepcopy(sdt)
    ContentControl(copy).set_value(value, styles, fmt)
    return ox.serialize_within(root, copy)


def _renderer(
    root: ox.Element, sdt: ox.Element, fmt: TextFormat, styles: frozenset[str]
) -> TextRenderer | None:
    run_text = ox.RunText(ox.prefix_of(root, W))
    r_open, r_close = _element_bytes(root, "w:r", fmt.rpr)
    if fmt.level == Level.RUN:
        p_open = p_close = p_empty = b""
        middle = r_open + run_text(SENTINEL) + r_close
    else:
        p_open, p_close = _element_bytes(root, "w:p", fmt.ppr)
        p_empty = _empty_bytes(root, "w:p", fmt.ppr)
        middle = p_open + r_open + run_text(SENTINEL) + r_close + p_close
    example = _tree_render(root, sdt, SENTINEL, styles, fmt)
    if example.count(middle) != 1:
        return None
    head, tail = example.split(middle)
    renderer = TextRenderer(
        head=head,
        tail=tail,
        paragraphs=fmt.kind == Kind.RICH_TEXT,
        p_open=p_open,
        p_close=p_close,
        p_empty=p_empty,
        r_open=r_open,
        r_close=r_close,
        r_empty=_empty_bytes(root, "w:r", fmt.rpr),
        text=run_text,
    )
    for sample in SAMPLES:
        if fmt.kind == Kind.PLAIN_TEXT and "\n" in sample and not ContentControl(sdt).multiline:
            continue
        if renderer.render(sample) != _tree_render(root, sdt, sample, styles, fmt):
            return None
    return renderer


def _compilable(item: Field) -> bool:
    return (
        item.kind in (Kind.RICH_TEXT, Kind.PLAIN_TEXT)
        and not item.bound
        and all(loc.level in (Level.RUN, Level.BLOCK) for loc in item.locations)
    )


def compile_part(
    part: str,
    root: ox.Element,
    fields: Sequence[Field],
    formats: Mapping[tuple[str, int], TextFormat],
    styles: frozenset[str],
) -> CompiledPart | None:
    """Compile the fields of one story part, or None when the part needs the tree path."""
    located = sorted(
        (loc.index, item) for item in fields for loc in item.locations if loc.part == part
    )
    if not located or not all(_compilable(item) for _, item in located):
        return None
    sdts = list(root.iter(ox.W_SDT))
    slots = []
    for index, item in located:
        fmt = formats[(part, index)]
        renderer = _renderer(root, sdts[index], fmt, styles)
        if renderer is None:
            return None
        default = ox.serialize_within(root, ox.deepcopy(sdts[index]))
        locked = ContentControl(sdts[index]).content_locked
        slots.append(Slot(item, index, default, renderer, fmt, locked))
    # The part with a marker in place of each control, split at the markers.
    skeleton = ox.deepcopy(root)
    copies = list(skeleton.iter(ox.W_SDT))
    for number, (index, _) in enumerate(located):
        marker = ox.slot_marker(number)
        marker.tail = copies[index].tail
        parent = copies[index].getparent()
        if parent is None:
            return None
        parent.replace(copies[index], marker)
    data = ox.serialize(skeleton)
    pieces = tuple(ox.SLOT_PATTERN.split(data)[::2])
    if len(pieces) != len(slots) + 1:
        return None  # the template itself holds such markers
    compiled = CompiledPart(part, pieces, tuple(slots))
    if compiled.render({}) != ox.serialize(root):
        return None
    return compiled
