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
# Values a renderer must write exactly as the tree path does: plain words, spaces to preserve
# (leading, trailing, doubled), tabs, characters to escape, astral and right-to-left text, and
# (where line breaks are allowed) empty lines at the start, the middle and the end.
SAMPLES = (
    "antwoord  met twee spaties &<>\"' \t😀 שלום ",
    "\nregel\n\n  na een lege\tc &amp;\n",
)


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
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


class _Compiler:
    """Derives renderers for the controls of one part; pieces that many controls share (a run
    or paragraph with the same properties) are serialised once."""

    def __init__(self, root: ox.Element, styles: frozenset[str]) -> None:
        self.root = root
        self.styles = styles
        self.write = ox.FragmentWriter(root)
        self.run_text = ox.RunText(ox.prefix_of(root, W))
        self._pieces: dict[tuple[str, bytes], tuple[bytes, bytes, bytes]] = {}

    def pieces(self, tag: str, inner: ox.Element | None) -> tuple[bytes, bytes, bytes]:
        """Opening and closing bytes of ``tag`` holding ``inner`` (run or paragraph properties)
        and a text, and the bytes of ``tag`` holding only ``inner``."""
        key = (tag, b"" if inner is None else self.write(ox.deepcopy(inner)))
        found = self._pieces.get(key)
        if found is None:
            element = ox.make(tag)
            if inner is not None:
                element.append(ox.deepcopy(inner))
            empty = self.write(ox.deepcopy(element))
            marker = ox.sub(element, "w:t")
            marker.text = SENTINEL
            data = self.write(element)
            middle = self.write(ox.deepcopy(marker))
            start = data.index(middle)
            found = self._pieces[key] = (data[:start], data[start + len(middle) :], empty)
        return found

    def tree_render(self, sdt: ox.Element, value: str, fmt: TextFormat) -> bytes:
        copy = ox.deepcopy(sdt)
        ContentControl(copy).set_value(value, self.styles, fmt)
        return self.write(copy)

    def renderer(self, sdt: ox.Element, fmt: TextFormat) -> TextRenderer | None:
        run_text = self.run_text
        r_open, r_close, r_empty = self.pieces("w:r", fmt.rpr)
        if fmt.level == Level.RUN:
            p_open = p_close = p_empty = b""
            middle = r_open + run_text(SENTINEL) + r_close
        else:
            p_open, p_close, p_empty = self.pieces("w:p", fmt.ppr)
            middle = p_open + r_open + run_text(SENTINEL) + r_close + p_close
        example = self.tree_render(sdt, SENTINEL, fmt)
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
            r_empty=r_empty,
            text=run_text,
        )
        one_line = fmt.kind == Kind.PLAIN_TEXT and not ContentControl(sdt).multiline
        for sample in SAMPLES:
            if one_line and "\n" in sample:
                continue
            if renderer.render(sample) != self.tree_render(sdt, sample, fmt):
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
    compiler = _Compiler(root, styles)
    slots = []
    for index, item in located:
        fmt = formats[(part, index)]
        renderer = compiler.renderer(sdts[index], fmt)
        if renderer is None:
            return None
        default = compiler.write(ox.deepcopy(sdts[index]))
        locked = ContentControl(sdts[index]).content_locked
        slots.append(Slot(item, index, default, renderer, fmt, locked))
    # The part with a marker in place of each control, split at the markers. The markers stand
    # in the template's own tree only while it is serialised (a copy of a large part would
    # double its memory); the tree is put back as it was, and checked.
    original = ox.serialize(root)
    swapped: list[tuple[ox.Element, ox.Element]] = []
    try:
        for number, (index, _) in enumerate(located):
            sdt = sdts[index]
            parent = sdt.getparent()
            if parent is None:
                return None
            marker = ox.slot_marker(number)
            marker.tail = sdt.tail
            parent.replace(sdt, marker)
            swapped.append((marker, sdt))
        data = ox.serialize(root)
    finally:
        for marker, sdt in reversed(swapped):
            parent = marker.getparent()
            assert parent is not None
            parent.replace(marker, sdt)
    if ox.serialize(root) != original:
        raise AssertionError(f"compiling {part} changed the template")  # a bug, never input
    pieces = tuple(ox.SLOT_PATTERN.split(data)[::2])
    if len(pieces) != len(slots) + 1:
        return None  # the template itself holds such markers
    compiled = CompiledPart(part, pieces, tuple(slots))
    if compiled.render({}) != original:
        return None
    return compiled
