"""Controls into values: read a filled document back into ``{key: value}``.

A bound control's value comes from its data node (a custom XML part or a document property:
what Word shows on open); otherwise from the control's text, typed by its kind. Unfilled
controls read as ``None``, and so do a control whose text is its placeholder and pictures (they
are write-only), bound or not; an answer that LibreOffice moved out of its control is joined
again (see :mod:`docx_aanpak.recover`).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

from . import _ooxml as ox
from .binding import UnsupportedXPathError, read_binding, value_from_text
from .controls import ContentControl, Kind
from .document import Document
from .recover import PlanReader, Shape
from .scan import Field, Location

__all__ = ["ExtractWarning", "extract_values", "read_field"]


# Kinds looked up once: an enum member lookup costs more than the comparison (reading a plan
# compares a few per field).
_REPEATING, _PICTURE = Kind.REPEATING_SECTION, Kind.PICTURE
_TEXT = (Kind.RICH_TEXT, Kind.PLAIN_TEXT)


class ExtractWarning(UserWarning):
    """Controls sharing a tag hold different answers (the first one was taken), or a control's
    data binding cannot be followed (the text it shows was taken)."""


def _read_control(
    document: Document,
    control: ContentControl,
    item: Field,
    reader: PlanReader | None = None,
    position: int = 0,
) -> object:
    if item.kind == _REPEATING:
        rows = []
        for entry in control.items():
            sdts = list(entry.element.iter(ox.W_SDT))
            row = {}
            for child in item.children:
                index = child.location.index
                row[child.key] = (
                    _read_control(document, ContentControl(sdts[index]), child)
                    if index < len(sdts)
                    else None
                )
            if any(v is not None for v in row.values()):
                rows.append(row)
        return rows or None
    if item.kind == _PICTURE:
        return None
    binding = control.binding
    if binding is not None and not control.showing_placeholder:
        try:
            text = read_binding(document, binding)
        except UnsupportedXPathError as e:
            warnings.warn(
                ExtractWarning(
                    f"{document.name}: field '{item.key}' at {item.location} has a data binding "
                    f"that cannot be followed ({binding.xpath!r}: {e}); taking the text it shows"
                ),
                stacklevel=4,
            )
            text = None
        if text is not None:
            return value_from_text(control, text)
    if reader is None:
        return control.value
    kind = control.kind
    if kind in _TEXT:
        # What ``control.value`` gives for text, reading the text once.
        showing = control.showing_placeholder
        text = "" if showing else control.text
        value: object = text or None
    else:
        value = control.value
    return reader.read(control, kind, item.key, item.label, position, value)


def _control_at(
    document: Document, location: Location, controls: dict[str, Sequence[ContentControl]]
) -> ContentControl:
    found = controls.get(location.part)
    if found is None:
        root = document.tree(location.part)
        found = controls[location.part] = [ContentControl(e) for e in root.iter(ox.W_SDT)]
    return found[location.index]


def read_field(
    document: Document,
    item: Field,
    controls: dict[str, Sequence[ContentControl]] | None = None,
    reader: PlanReader | None = None,
) -> object:
    """The value of one field in a document whose controls sit where the field says.
    ``controls`` may hold each part's controls in document order, found before."""
    controls = {} if controls is None else controls
    if len(item.locations) == 1:  # most fields: one control
        control = _control_at(document, item.location, controls)
        return _read_control(document, control, item, reader, 0)
    values = []
    for position, location in enumerate(item.locations):
        control = _control_at(document, location, controls)
        values.append(_read_control(document, control, item, reader, position))
    first = values[0]
    if any(v != first for v in values[1:]):
        warnings.warn(
            ExtractWarning(
                f"{document.name}: the controls of field '{item.key}' hold different answers; "
                f"taking the one at {item.location}"
            ),
            stacklevel=3,
        )
    return first


def extract_values(
    document: Document,
    fields: Sequence[Field],
    *,
    shapes: Mapping[str, tuple[Shape, ...]] | None = None,
    reader: PlanReader | None = None,
    controls: dict[str, Sequence[ContentControl]] | None = None,
) -> dict[str, object]:
    """``{key: value}`` for every field, in field order (``None`` where unfilled).

    ``shapes`` (:func:`docx_aanpak.recover.shapes_of` of the template the document was made
    from) tell placeholders and answers split out of their controls apart more surely.
    ``controls`` may hold each part's controls in document order, found before (snapshots,
    :class:`~docx_aanpak.controls.Snapshot`, read each control once).
    """
    controls = {} if controls is None else controls
    reader = reader or PlanReader(document, shapes)
    return {item.key: read_field(document, item, controls, reader) for item in fields}
