"""python-docx documents in, out and in place.

This is the only module that uses python-docx's document API, and it imports python-docx only
when one of its documents is used: a caller that never passes one never imports it.

* in: a python-docx ``Document`` is read through what python-docx would save (:func:`read`);
* out: :func:`to_python_docx` opens a document's bytes with python-docx;
* in place: the template fills a copy (:func:`read`), then :func:`write_back` moves what the
  filling changed into the python-docx document: each changed control replaces the control it
  came from (everything else, and every python-docx object over it, stays as it was), changed
  parts python-docx keeps as bytes (footnotes, endnotes, custom XML) get their new bytes, other
  parts python-docx parsed (core properties) their new content, and a picture becomes an image
  part added through python-docx.
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
    """How errors name a python-docx document: it has no file name, so by its title, if any.
    (Not through ``document.core_properties``: that adds a core properties part if it lacks one.)
    """
    from docx.opc.parts.coreprops import CorePropertiesPart

    try:
        part = document.part.package.part_related_by(ox.RT_CORE)
    except KeyError:
        part = None
    title = ""
    if isinstance(part, CorePropertiesPart):
        title = (part.core_properties.title or "").strip()
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


def _refill(root: Any, tree: Any) -> None:
    """Give ``root`` the attributes, text and children of ``tree``: the part's root element
    stays the one python-docx objects hold."""
    root.attrib.clear()
    root.attrib.update(dict(tree.attrib))
    root.text = tree.text
    root[:] = list(tree)


def _renumber(root: Any, rids: Mapping[str, str]) -> bool:
    """Point references to relationship ids the filling chose at the ones python-docx gave;
    True if any changed."""
    changed = False
    for element in root.iter() if rids else ():
        for name, value in element.attrib.items():
            if name.startswith(f"{{{_R}}}") and value in rids and rids[value] != value:
                element.set(name, rids[value])
                changed = True
    return changed


def write_back(
    document: PyDocxDocument, before: Package, after: Package, stories: Collection[str]
) -> None:
    """Make ``document`` hold what filling changed: ``before`` is the package read from it
    (:func:`read`), ``after`` the filled package, ``stories`` the names of the story parts.

    Everything is worked out before the document is touched, so an error leaves it as it was.
    """
    from docx.image.exceptions import (
        InvalidImageStreamError,
        UnexpectedEndOfFileError,
        UnrecognizedImageError,
    )
    from docx.image.image import Image
    from docx.opc.oxml import serialize_part_xml
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part, XmlPart
    from docx.oxml.parser import parse_xml

    name = name_of(document)
    parts: dict[str, Part] = {
        str(part.partname).lstrip("/"): part for part in document.part.package.iter_parts()
    }

    def part(partname: str) -> Part:
        found = parts.get(partname)
        if found is None:
            raise FillError(f"{name}: python-docx does not hold part {partname}")
        return found

    changed = {
        partname: data
        for partname, data in after.parts.items()
        if before.parts.get(partname) != data and partname.lower() != "[content_types].xml"
    }

    # Parts the filling related to the package itself (core or extended properties a template
    # lacked): python-docx adds them itself, as it adds the package's own relationships.
    known_parts = {rel.target for rel in before.relationships("")}
    created: list[tuple[str, str, str, bytes]] = []  # (type, part, content type, bytes)
    for rel in after.relationships(""):
        if rel.external or rel.target in known_parts or rel.target in before.parts:
            continue
        content_type = after.content_type(rel.target)
        if rel.target not in after.parts or content_type is None:
            raise FillError(f"{name}: filling added {rel.target}, which python-docx cannot take")
        created.append((rel.type, rel.target, content_type, after.parts[rel.target]))
    changed.pop("_rels/.rels", None)

    # Pictures: the filling related new image parts; python-docx adds them itself. Relationship
    # parts, content types and the new image parts are python-docx's to write.
    images: list[tuple[str, str, bytes]] = []  # (source part, relationship id, image bytes)
    for partname in list(changed):
        source = _source_of(partname)
        if source is None and partname in before.parts:
            continue
        del changed[partname]
        if source is None or source not in before.parts:
            continue
        known = {rel.rid for rel in before.relationships(source)}
        for rel in after.relationships(source):
            if rel.rid in known:
                continue
            if rel.type != ox.RT_IMAGE or rel.external or rel.target not in after.parts:
                raise FillError(
                    f"{name}: filling related {rel.target} to {source} ({rel.type}), which "
                    "python-docx cannot take over"
                )
            data = after.parts[rel.target]
            try:
                Image.from_blob(data)
            except (InvalidImageStreamError, UnexpectedEndOfFileError, UnrecognizedImageError) as e:
                raise FillError(
                    f"{name}: python-docx cannot read the picture for {source}: {e}"
                ) from e
            images.append((source, rel.rid, data))

    # Story parts python-docx parsed: each changed outermost control replaces its original, so
    # python-docx objects over everything else stay valid. Other parts are replaced whole.
    trees = {partname: parse_xml(data) for partname, data in changed.items()}
    replacements: list[tuple[Any, Any]] = []
    for partname, tree in trees.items():
        target = part(partname)
        if partname not in stories or not isinstance(target, XmlPart):
            continue
        old, new = _top_level_controls(target.element), _top_level_controls(tree)
        if len(old) != len(new):
            raise FillError(
                f"{name}: part {partname} holds {len(old)} controls, but {len(new)} after filling"
            )
        for old_sdt, new_sdt in zip(old, new, strict=True):
            if ox.serialize(old_sdt) != ox.serialize(new_sdt):
                replacements.append((old_sdt, new_sdt))

    # Now change the document.
    rids: dict[str, dict[str, str]] = {}
    package = document.part.package
    for rtype, partname, content_type, data in created:
        if rtype == ox.RT_CORE:  # python-docx makes its core properties part on first use
            _refill(document.core_properties._element, parse_xml(data))
        else:
            added = Part(PackURI(f"/{partname}"), content_type, data, package)
            package.relate_to(added, rtype)
    for source, rid, data in images:
        image = package.get_or_add_image_part(io.BytesIO(data))
        rids.setdefault(source, {})[rid] = part(source).relate_to(image, ox.RT_IMAGE)
    renumbered = {n for n, tree in trees.items() if _renumber(tree, rids.get(n, {}))}
    for old_sdt, new_sdt in replacements:
        old_sdt.getparent().replace(old_sdt, new_sdt)
    for partname, tree in trees.items():
        target = part(partname)
        if isinstance(target, XmlPart):
            if partname not in stories:  # core properties, custom XML python-docx parsed
                _refill(target.element, tree)
        else:  # python-docx keeps it as bytes: footnotes, endnotes, custom XML
            target._blob = serialize_part_xml(tree) if partname in renumbered else changed[partname]
