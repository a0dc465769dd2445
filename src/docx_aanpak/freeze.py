"""Freeze a template's keys: write every field's key into its control's ``w:tag``.

Word's default controls have no tag, so their keys come from the questions around them and change
when a question is reworded, added or removed. A frozen template carries each key in the control
itself (a tag is the first thing a key is made from), so later versions made from it keep every
key that still exists, whatever happens around it; :func:`~docx_aanpak.migrate.migrate` matches
by tag first. Each control also gets a short title (``w:alias``, shown by Word on the control)
when it has none. Nothing else changes.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from typing import BinaryIO

from . import _ooxml as ox
from .controls import T_RPR, ContentControl, Kind
from .document import Document
from .errors import TemplateError
from .scan import Field, _identifier, scan, slugify

__all__ = ["TITLE_LENGTH", "freeze", "short_title"]

TITLE_LENGTH = 60  # characters of a question kept in the title Word shows on the control
T_ALIAS = ox.qn("w:alias")
T_TAG = ox.qn("w:tag")


def short_title(item: Field, *, alone: bool = False) -> str:
    """The question; when it is long and the field is ``alone`` in its section, the section;
    else the question cut at a word to :data:`TITLE_LENGTH` characters."""
    text = " ".join((item.label or item.section).split())
    if len(text) <= TITLE_LENGTH:
        return text
    if alone and 0 < len(item.section) <= TITLE_LENGTH:
        return " ".join(item.section.split())
    cut = text[: TITLE_LENGTH - 1].rsplit(" ", 1)[0].rstrip(" ,;:")
    return cut + "…"


def _set(properties: ox.Element, tag: str, value: str, after: tuple[str, ...]) -> None:
    """Set ``w:alias``/``w:tag`` in schema order (``w:rPr``, ``w:alias``, ``w:tag``, ``w:id``
    …): right after the first of ``after`` that is there, else first."""
    element = properties.find(tag)
    if element is None:
        element = ox.make(tag)
        anchor = next((a for a in map(properties.find, after) if a is not None), None)
        if anchor is None:
            properties.insert(0, element)
        else:
            anchor.addnext(element)
    element.set(ox.W_VAL, value)


def _mark(control: ContentControl, item: Field, alone: bool) -> None:
    properties = control.properties
    tag = control.tag
    # A tag that already gives the key stays as the author wrote it.
    if tag is None or _identifier(slugify(tag)) != item.key:
        _set(properties, T_TAG, item.key, (T_ALIAS, T_RPR))
    if not control.alias:
        _set(properties, T_ALIAS, short_title(item, alone=alone), (T_RPR,))


def _targets(root: ox.Element, fields: list[Field]) -> Iterator[tuple[ContentControl, Field]]:
    sdts = list(root.iter(ox.W_SDT))
    for item in fields:
        for location in item.locations:
            control = ContentControl(sdts[location.index])
            yield control, item
            if item.kind == Kind.REPEATING_SECTION:
                for entry in control.items():
                    inner = list(entry.element.iter(ox.W_SDT))
                    for child in item.children:
                        if child.location.index < len(inner):
                            yield ContentControl(inner[child.location.index]), child


def freeze(
    source: str | os.PathLike[str] | bytes | BinaryIO | Document,
    *,
    duplicate_tags: str | None = None,
) -> Document:
    """A copy of the template whose controls carry their keys as tags (and a short title where
    they have none); save it with :meth:`Document.save`. The source is not changed.

    The frozen template has the same keys as the source: ``Template.open(frozen).keys`` equals
    ``Template.open(source).keys``.
    """
    original = source if isinstance(source, Document) else Document.open(source)
    kwargs = {} if duplicate_tags is None else {"duplicate_tags": duplicate_tags}
    fields = scan(original, **kwargs)
    if not fields:
        raise TemplateError(original.name, "has no content controls to freeze")
    per_section = Counter(item.section for item in fields)
    parts = {location.part for item in fields for location in item.locations}
    trees = {part: ox.deepcopy(original.tree(part)) for part in parts}
    for part, root in trees.items():
        in_part = []
        for item in fields:
            here = tuple(loc for loc in item.locations if loc.part == part)
            if here:
                in_part.append(replace(item, locations=here))
        for control, item in _targets(root, in_part):
            _mark(control, item, per_section[item.section] == 1)
    return Document(original.package, trees)
