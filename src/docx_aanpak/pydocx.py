"""python-docx documents in, out and in place.

This is the only module that uses python-docx's document API, and it imports python-docx only
when one of its documents is used: a caller that never passes one never imports it.

* in: a python-docx ``Document`` is read through what python-docx would save (:func:`read`);
* out: :func:`to_python_docx` opens a document's bytes with python-docx;
* in place: the template fills a copy (:func:`read`), then :func:`write_back` moves what the
  filling changed into the python-docx document: each changed control replaces the control it
  came from (everything else, and every python-docx object over it, stays as it was), changed
  parts python-docx keeps as bytes (footnotes, endnotes, custom XML) get their new bytes, and a
  picture becomes an image part added through python-docx.
"""

from __future__ import annotations

import io
import posixpath
import sys
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

from . import _ooxml as ox
from .errors import FillError
from .package import Package

if TYPE_CHECKING:
    from docx.document import Document as PyDocxDocument
    from docx.opc.part import Part
    from typing_extensions import TypeIs

__all__ = ["is_python_docx", "name_of", "read", "to_python_docx", "write_back"]

_R = ox.NS["r"]


def is_python_docx(source: object) -> TypeIs[PyDocxDocument]:
    """True for a python-docx ``Document`` (without importing python-docx: such an object exists
    only once python-docx has been imported)."""
    module = sys.modules.get("docx.document")
    return module is not None and isinstance(source, module.Document)


def name_of(document: PyDocxDocument) -> str:
    """How errors name a python-docx document: it has no file name, so by its title, if any."""
    title = (document.core_properties.title or "").strip()
    return f"python-docx Document '{title}'" if title else "python-docx Document"


def read(document: PyDocxDocument) -> bytes:
    """The .docx python-docx would save for ``document`` (the document is not changed)."""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def to_python_docx(data: bytes) -> PyDocxDocument:
    """Open .docx bytes with python-docx."""
    import docx

    return docx.Document(io.BytesIO(data))


# -- in place -------------------------------------------------------------------------------------


def _source_of(rels_part: str) -> str | None:
    """The part a relationships part belongs to: ``word/_rels/document.xml.rels`` ->
    ``word/document.xml``; None for the package's own ``_rels/.rels``."""
    directory, base = posixpath.split(rels_part)
    if posixpath.basename(directory) != "_rels" or not base.endswith(".rels"):
        return None
    source = posixpath.join(posixpath.dirname(directory), base[: -len(".rels")])
    return source or None


def _top_level_controls(root: Any) -> list[Any]:
    """The ``w:sdt`` elements not inside another one, in document order."""
    return [sdt for sdt in root.iter(ox.W_SDT) if next(sdt.iterancestors(ox.W_SDT), None) is None]


def _renumber(root: Any, rids: Mapping[str, str]) -> None:
    """Point references to relationship ids the filling chose at the ones python-docx gave."""
    if not rids:
        return
    for element in root.iter():
        for name, value in element.attrib.items():
            if name.startswith(f"{{{_R}}}") and value in rids:
                element.set(name, rids[value])


def write_back(
    document: PyDocxDocument, before: Package, after: Package, stories: Collection[str]
) -> None:
    """Make ``document`` hold what filling changed: ``before`` is the package read from it
    (:func:`read`), ``after`` the filled package, ``stories`` the names of the story parts.

    Everything is worked out before the document is touched, so an error leaves it as it was.
    """
    from docx.opc.oxml import serialize_part_xml
    from docx.opc.part import XmlPart
    from docx.oxml.parser import parse_xml

    parts: dict[str, Part] = {
        str(part.partname).lstrip("/"): part for part in document.part.package.iter_parts()
    }

    def part(name: str) -> Part:
        found = parts.get(name)
        if found is None:
            raise FillError(f"{name_of(document)}: python-docx does not hold part {name}")
        return found

    changed = {
        name: data
        for name, data in after.parts.items()
        if before.parts.get(name) != data and name.lower() != "[content_types].xml"
    }
    # Pictures: the filling related new image parts; python-docx adds them itself.
    images: list[tuple[str, str, bytes]] = []  # (source part, relationship id, image bytes)
    for name in changed:
        source = _source_of(name)
        if source is None or source not in before.parts:
            continue
        known = {rel.rid for rel in before.relationships(source)}
        for rel in after.relationships(source):
            if rel.rid in known:
                continue
            if rel.type != ox.RT_IMAGE or rel.external or rel.target not in after.parts:
                raise FillError(
                    f"{name_of(document)}: filling added a relationship python-docx cannot "
                    f"take over ({rel.type} from {source})"
                )
            images.append((source, rel.rid, after.parts[rel.target]))
    # Relationships and content types are python-docx's to write; new parts are the images.
    skip = {name for name in changed if name not in before.parts or _source_of(name) is not None}

    trees = {name: parse_xml(changed[name]) for name in changed if name in stories}
    replacements: list[tuple[Any, Any]] = []
    blobs: dict[str, bytes] = {}
    elements: list[tuple[XmlPart, Any]] = []
    for name, data in changed.items():
        if name in skip:
            continue
        target = part(name)
        if name not in stories:
            if isinstance(target, XmlPart):
                elements.append((target, parse_xml(data)))
            else:
                blobs[name] = data
            continue
        if not isinstance(target, XmlPart):
            continue  # bytes to python-docx (footnotes, endnotes): written after the pictures
        old, new = _top_level_controls(target.element), _top_level_controls(trees[name])
        if len(old) != len(new):
            raise FillError(
                f"{name_of(document)}: part {name} changed under the filling "
                f"({len(old)} controls, {len(new)} after filling)"
            )
        for old_sdt, new_sdt in zip(old, new, strict=True):
            if ox.serialize(old_sdt) != ox.serialize(new_sdt):
                replacements.append((old_sdt, new_sdt))

    # Now change the document.
    rids: dict[str, dict[str, str]] = {}
    package = document.part.package
    for source, rid, data in images:
        image = package.get_or_add_image_part(io.BytesIO(data))
        rids.setdefault(source, {})[rid] = part(source).relate_to(image, ox.RT_IMAGE)
    for name, tree in trees.items():
        _renumber(tree, rids.get(name, {}))
        if not isinstance(part(name), XmlPart):
            blobs[name] = serialize_part_xml(tree) if rids.get(name) else changed[name]
    for old_sdt, new_sdt in replacements:
        old_sdt.getparent().replace(old_sdt, new_sdt)
    for name, data in blobs.items():
        part(name)._blob = data
    for xml_part, element in elements:
        xml_part._element = element
