"""Values into controls: a new document from the template, as if a person typed the answers.

The template's trees are never changed. A part that receives values is either rendered straight
into bytes (a compiled part, see :mod:`docx_aanpak.compiled`) or copied, filled and serialised
(the tree path, for every kind of control); every other part is written as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import _ooxml as ox
from .compiled import CompiledPart, compile_part
from .controls import Binding, ContentControl, Kind, TextFormat
from .document import Document
from .errors import FillError
from .images import MAX_IMAGE_BYTES, read_image
from .scan import Field

__all__ = ["FillContext", "fill_document", "read_binding", "stored_text"]

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

    @classmethod
    def of(cls, master: Document, fields: Sequence[Field]) -> FillContext:
        ids = set()
        sdts: dict[str, list[ox.Element]] = {}
        for story, root in master.iter_story_trees():
            sdts[story.name] = list(root.iter(ox.W_SDT))
            for sdt in sdts[story.name]:
                value = ContentControl(sdt).id
                if value is not None:
                    ids.add(value)
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
        )

    def ids(self) -> Iterator[int]:
        """Fresh, unique, deterministic ``w:id`` values for cloned controls."""
        candidate = 1_000_000
        while True:
            candidate += 1
            if candidate not in self.used_ids:
                yield candidate


def stored_text(kind: Kind, value: object, control: ContentControl) -> str:
    """How Word stores a value in a bound custom XML node."""
    if kind == Kind.CHECKBOX:
        return "true" if value else "false"
    if kind == Kind.DATE and isinstance(value, dt.date):
        date = control.properties.find(ox.qn("w:date"))
        mapped = None
        if date is not None:
            mapped = ox.wval(date.find(ox.qn("w:storeMappedDataAs")))
        if mapped == "date":
            return value.isoformat()
        if mapped == "text":
            return control.text
        return f"{value.isoformat()}T00:00:00"
    return str(value)


def _binding_nodes(document: Document, binding: Binding, context: str) -> tuple[str, list[Any]]:
    custom = document.custom_xml_parts()
    part = custom.get(binding.store_item_id.strip().upper())
    if part is None:
        raise FillError(
            f"{context} is bound to custom XML item {binding.store_item_id}, which "
            f"{document.name} does not hold"
        )
    try:
        query = ox.xpath_with(binding.xpath, binding.namespaces())
        nodes = query(document.tree(part))
    except ox.XPathError as e:
        raise FillError(
            f"{context} has a data binding XPath that cannot be read ({binding.xpath}): {e}"
        ) from e
    return part, list(nodes) if isinstance(nodes, list) else []


def read_binding(document: Document, binding: Binding) -> str | None:
    """The text of the node a control is bound to, or None when it cannot be found."""
    try:
        _, nodes = _binding_nodes(document, binding, "control")
    except FillError:
        return None
    if not nodes:
        return None
    node = nodes[0]
    if isinstance(node, str):
        return str(node)
    text: str = "".join(node.itertext())
    return text


def _write_binding(
    document: Document, control: ContentControl, binding: Binding, text: str, context: str
) -> None:
    part, nodes = _binding_nodes(document, binding, context)
    if not nodes:
        raise FillError(f"{context} is bound to {binding.xpath}, which matches nothing in {part}")
    node = nodes[0]
    if isinstance(node, str):
        parent = node.getparent()  # type: ignore[attr-defined]
        name = node.attrname  # type: ignore[attr-defined]
        parent.set(name, text)
    else:
        for child in list(node):
            node.remove(child)
        node.text = text
    document.mark_changed(part)


def _fill_picture(
    control: ContentControl, item: Field, value: object, document: Document, part: str
) -> None:
    path = Path(str(value))
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
    document: Document,
    ids: Iterator[int],
    part: str,
    fmt: TextFormat | None = None,
) -> None:
    _check_lock(control, item, ctx)
    kind = fmt.kind if fmt is not None else control.kind
    if kind == Kind.REPEATING_SECTION:
        assert isinstance(value, list)
        items = control.resize_items(len(value), lambda: next(ids))
        for item_control, item_values in zip(items, value, strict=False):
            sdts = list(item_control.element.iter(ox.W_SDT))
            for child in item.children:
                child_value = item_values.get(child.key)
                if child_value is not None:
                    target = ContentControl(sdts[child.location.index])
                    _fill_control(target, child, child_value, ctx, document, ids, part)
        return
    if kind == Kind.PICTURE:
        _fill_picture(control, item, value, document, part)
        return
    if isinstance(value, str) and value == "":
        _reset(control, ctx, fmt)
    else:
        control.set_value(value, ctx.placeholder_styles, fmt)
    binding = control.binding if item.bound else None
    if binding is not None:
        _write_binding(
            document, control, binding, stored_text(kind, value, control), _context(item)
        )


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
            _fill_control(control, item, value, ctx, document, ids, part, fmt)
    if properties:
        document.set_core_properties(**properties)
    return document
