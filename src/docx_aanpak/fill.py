"""Values into controls: a new document from the template, as if a person typed the answers.

The template's trees are never changed. A part that receives values is either rendered straight
into bytes (a compiled part, see :mod:`docx_aanpak.compiled`) or copied, filled and serialised
(the tree path, for every kind of control); every other part is written as it was. A data-bound
control writes its data node too (see :mod:`docx_aanpak.binding`), and every other control bound
to a node this fill wrote (the document title, say) shows the new value, as Word shows it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import _ooxml as ox
from .binding import Binder, picture_text, stored_text
from .compiled import CompiledPart, compile_part
from .controls import ContentControl, Kind, TextFormat
from .document import Document
from .errors import FillError
from .images import MAX_IMAGE_BYTES, path_problem, read_image
from .scan import Field

__all__ = ["FillContext", "fill_document"]

TEXT_KINDS = frozenset({Kind.RICH_TEXT, Kind.PLAIN_TEXT, Kind.DROPDOWN, Kind.COMBO_BOX, Kind.DATE})


@dataclass
class FillContext:
    """What filling needs to know about the template, computed once."""

    placeholder_styles: frozenset[str]
    placeholder_style: str | None
    placeholder_texts: dict[str, str]
    used_ids: frozenset[int]
    formats: dict[tuple[str, int], TextFormat] = field(default_factory=dict)
    compiled: dict[str, CompiledPart] = field(default_factory=dict)
    force: bool = False
    # Data-bound controls by part (their index among the part's w:sdt): filling one node
    # updates every control bound to it.
    bound: dict[str, tuple[int, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, master: Document, fields: Sequence[Field]) -> FillContext:
        ids = set()
        sdts: dict[str, list[ox.Element]] = {}
        bound: dict[str, tuple[int, ...]] = {}
        for story, root in master.iter_story_trees():
            sdts[story.name] = list(root.iter(ox.W_SDT))
            for sdt in sdts[story.name]:
                value = ContentControl(sdt).id
                if value is not None:
                    ids.add(value)
            indexes = tuple(
                i for i, sdt in enumerate(sdts[story.name]) if ContentControl(sdt).binding
            )
            if indexes:
                bound[story.name] = indexes
        styles = master.styles.placeholder_styles()
        # How typed text looks in each control, worked out once: every fill reuses it.
        formats = {
            (location.part, location.index): ContentControl(
                sdts[location.part][location.index]
            ).text_format(styles)
            for item in fields
            if item.kind in TEXT_KINDS
            for location in item.locations
        }
        compiled = {}
        for story, root in master.iter_story_trees():
            part = compile_part(story.name, root, fields, formats, styles)
            if part is not None:
                compiled[story.name] = part
        return cls(
            placeholder_styles=styles,
            placeholder_style=master.styles.placeholder_style(),
            placeholder_texts=master.placeholder_texts(),
            used_ids=frozenset(ids),
            formats=formats,
            compiled=compiled,
            bound=bound,
        )

    def ids(self) -> Iterator[int]:
        """Fresh, unique, deterministic ``w:id`` values for cloned controls."""
        candidate = 1_000_000
        while True:
            candidate += 1
            if candidate not in self.used_ids:
                yield candidate


def _fill_picture(
    control: ContentControl, item: Field, value: object, binder: Binder, part: str
) -> None:
    document = binder.document
    if not isinstance(value, str | Path) or (problem := path_problem(str(value))):
        shown = str(value)
        shown = shown if len(shown) <= 60 else shown[:60] + "…"
        why = problem if isinstance(value, str | Path) else "it is not a file name"
        raise FillError(
            f"{_context(item)}: a picture needs the path of an image file, not {shown!r} ({why})"
        )
    path = Path(value)
    try:
        size = path.stat().st_size
        if size > MAX_IMAGE_BYTES:
            raise FillError(f"{_context(item)}: {path} is larger than {MAX_IMAGE_BYTES >> 20} MB")
        data = path.read_bytes()
    except OSError as e:
        raise FillError(f"{_context(item)}: cannot read {path}: {e.strerror or e}") from e
    image = read_image(data)
    if image is None:
        raise FillError(
            f"{_context(item)}: {path} is not an image Word can show (PNG, JPEG, GIF, BMP, TIFF)"
        )
    rid = document.add_image(part, image.data, image.extension, image.content_type)
    try:
        control.set_picture(rid, image.width, image.height)
    except ValueError as e:
        raise FillError(f"{_context(item)}: {e}") from e
    binding = control.binding if item.bound else None
    if binding is not None:
        # Word shows the bound node's image again when it refreshes the binding.
        binder.write(control, binding, picture_text(image.data), _context(item))


def _context(item: Field) -> str:
    return f"field '{item.key}' ({item.label}) at {item.location}"


def _check_lock(control: ContentControl, item: Field, ctx: FillContext) -> None:
    if control.content_locked and not ctx.force:
        raise FillError(
            f"{_context(item)} is locked against editing ({control.lock}); "
            "pass --force to fill it anyway"
        )


def _reset(control: ContentControl, ctx: FillContext, fmt: TextFormat | None) -> None:
    text = ctx.placeholder_texts.get(control.placeholder_docpart or "")
    control.reset(text, ctx.placeholder_styles, ctx.placeholder_style, fmt)


def _fill_control(
    control: ContentControl,
    item: Field,
    value: object,
    ctx: FillContext,
    binder: Binder,
    ids: Iterator[int],
    part: str,
    fmt: TextFormat | None = None,
) -> None:
    _check_lock(control, item, ctx)
    kind = fmt.kind if fmt is not None else control.kind
    if kind == Kind.REPEATING_SECTION:
        assert isinstance(value, list)
        before = len(control.items())
        try:
            items = control.resize_items(len(value), lambda: next(ids))
        except ValueError as e:  # a section without items: nothing to clone
            raise FillError(f"{_context(item)}: {e}") from e
        if item.bound or any(child.bound for child in item.children):
            binder.rebind_items(control, items, before, _context(item))
        for item_control, item_values in zip(items, value, strict=False):
            sdts = list(item_control.element.iter(ox.W_SDT))
            for child in item.children:
                child_value = item_values.get(child.key)
                if child_value is not None:
                    target = ContentControl(sdts[child.location.index])
                    _fill_control(target, child, child_value, ctx, binder, ids, part)
        return
    if kind == Kind.PICTURE:
        _fill_picture(control, item, value, binder, part)
        return
    try:
        if isinstance(value, str) and value == "":
            _reset(control, ctx, fmt)
        else:
            control.set_value(value, ctx.placeholder_styles, fmt)
    except ValueError as e:  # the control lacks what its kind needs (a cell, w14:checkbox)
        raise FillError(f"{_context(item)}: {e}") from e
    binding = control.binding if item.bound else None
    if binding is not None:
        binder.write(control, binding, stored_text(kind, value, control), _context(item))


def _render_compiled(
    master: Document, compiled: CompiledPart, values: Mapping[str, object], ctx: FillContext
) -> bytes:
    """A compiled part with the values written: each filled control rendered as bytes."""
    root = master.tree(compiled.part)
    sdts: list[ox.Element] | None = None
    rendered: dict[int, bytes] = {}
    for number, slot in enumerate(compiled.slots):
        value = values.get(slot.field.key)
        if value is None:
            continue
        if slot.locked:
            sdts = sdts or list(root.iter(ox.W_SDT))
            _check_lock(ContentControl(sdts[slot.index]), slot.field, ctx)
        if value != "":
            rendered[number] = slot.renderer.render(str(value))
            continue
        sdts = sdts or list(root.iter(ox.W_SDT))
        copy = ContentControl(ox.deepcopy(sdts[slot.index]))
        _reset(copy, ctx, slot.fmt)
        rendered[number] = ox.serialize_within(root, copy.element)
    return compiled.render(rendered)


def _controls_at(root: ox.Element, indexes: Sequence[int]) -> list[ContentControl]:
    sdts = list(root.iter(ox.W_SDT))
    return [ContentControl(sdts[i]) for i in indexes]


def fill_document(
    master: Document,
    fields: Sequence[Field],
    values: Mapping[str, object],
    ctx: FillContext,
    *,
    properties: Mapping[str, str | None] | None = None,
) -> Document:
    """A new document: the master with ``values`` (validated, by key) written into its controls.

    ``None`` values leave their controls untouched.
    """
    wanted: dict[str, list[tuple[int, Field, object]]] = {}
    for item in fields:
        value = values.get(item.key)
        if value is None:
            continue
        for location in item.locations:
            wanted.setdefault(location.part, []).append((location.index, item, value))
    blobs = {
        part: _render_compiled(master, compiled, values, ctx)
        for part in wanted
        if (compiled := ctx.compiled.get(part)) is not None
    }
    trees = {part: ox.deepcopy(master.tree(part)) for part in wanted if part not in blobs}
    document = Document(master.package, trees, blobs)
    binder = Binder(document)
    if properties:
        # First: a field bound to a document property gives it its own value.
        document.set_core_properties(**properties)
        binder.wrote_core_properties(k for k, v in properties.items() if v is not None)
    # The data-bound controls of the parts being filled, found before writing (filling a
    # repeating section adds w:sdt elements): each shows the node it is bound to afterwards.
    bound = {
        part: _controls_at(trees[part], indexes)
        for part, indexes in ctx.bound.items()
        if part in trees
    }
    ids = ctx.ids()
    for part, entries in wanted.items():
        if part in blobs:
            continue
        sdts = list(trees[part].iter(ox.W_SDT))
        # Resolve every target before writing: filling a repeating section adds w:sdt elements.
        targets = [
            (ContentControl(sdts[index]), item, value, ctx.formats.get((part, index)))
            for index, item, value in entries
        ]
        for control, item, value, fmt in targets:
            _fill_control(control, item, value, ctx, binder, ids, part, fmt)
    if binder.wrote_any:
        for part, indexes in ctx.bound.items():
            controls = bound.get(part) or _controls_at(document.tree(part), indexes)
            if binder.refresh(controls, lambda c: _reset(c, ctx, None), ctx.placeholder_styles):
                document.mark_changed(part)
    return document
