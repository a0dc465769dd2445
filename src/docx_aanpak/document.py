"""``Document``: a Word document in memory, its story parts, and saving it safely.

A document is a read-only :class:`~docx_aanpak.package.Package` plus the XML trees of the parts
that were parsed (and possibly changed). Saving writes only changed parts anew; the rest are copied
as they were. Saving to a path is atomic: a temporary file in the same folder, then a rename.
"""

from __future__ import annotations

import os
import posixpath
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from . import _ooxml as ox
from . import properties as props
from . import pydocx
from .errors import NotAWordDocumentError, OutputExistsError, Problem, ValidationError
from .package import CT_DOCUMENT, CT_TEMPLATE, Package, open_package
from .styles import StyleSheet

if TYPE_CHECKING:
    from docx.document import Document as PyDocxDocument

__all__ = ["Document", "StoryPart", "atomic_write", "flush_to_disk"]

W = ox.NS["w"]
CT_CORE = props.CT_CORE
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"


@dataclass(frozen=True)
class StoryPart:
    """A part that holds document content: the body, a header, footer, footnotes or endnotes."""

    name: str
    kind: str  # "document" | "header" | "footer" | "footnotes" | "endnotes"


def _read_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()  # read once, at import, while no other thread can be creating files


def atomic_write(
    path: str | os.PathLike[str], data: bytes, *, overwrite: bool, durable: bool = True
) -> None:
    """Write ``data`` to ``path`` all at once: a temporary file next to it, then a rename, so a
    crash never leaves a half-written file.

    Without ``overwrite`` an existing file is kept and :class:`OutputExistsError` raised; the check
    and the final link are one atomic step, so a concurrent writer cannot be clobbered either.
    ``durable`` flushes the data to disk before the rename (``fsync``); a batch that flushes
    once at the end passes ``False``.
    """
    target = Path(path)
    if not overwrite and target.exists():
        raise OutputExistsError(str(target))
    if not target.parent.is_dir():
        target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    tmp: Path | None = Path(name)
    # mkstemp creates the file readable by its owner only; give it the usual permissions.
    if hasattr(os, "fchmod"):  # POSIX; Windows has no such permission bits
        os.fchmod(fd, 0o666 & ~_UMASK)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        assert tmp is not None
        if overwrite:
            tmp.replace(target)
            tmp = None
            return
        try:
            os.link(tmp, target)
        except FileExistsError:
            raise OutputExistsError(str(target)) from None
        except OSError:
            # File systems without hard links: fall back to a checked rename.
            if target.exists():
                raise OutputExistsError(str(target)) from None
            tmp.replace(target)
            tmp = None
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)


def flush_to_disk() -> None:
    """Flush written files to disk at once (after a batch written with ``durable=False``)."""
    if hasattr(os, "sync"):
        os.sync()


class Document:
    """A Word document in memory."""

    def __init__(
        self,
        package: Package,
        trees: dict[str, ox.Element] | None = None,
        blobs: dict[str, bytes] | None = None,
    ) -> None:
        self.package = package
        self._trees: dict[str, ox.Element] = dict(trees or {})
        self._changed: set[str] = set(self._trees)
        # Changed parts already serialised; parsed only if someone asks for their tree.
        self._blobs: dict[str, bytes] = dict(blobs or {})
        self._new_parts: dict[str, bytes] = {}
        self._styles: StyleSheet | None = None
        # Parts this document added (core and extended properties, custom XML items), by role.
        self._added: dict[str, str] = {}

    @classmethod
    def open(
        cls,
        source: str | os.PathLike[str] | bytes | BinaryIO | PyDocxDocument,
        *,
        name: str | None = None,
    ) -> Document:
        """Open a .docx/.dotx: a path, bytes, a binary file or a python-docx ``Document`` (read
        as python-docx would save it; it is not changed)."""
        if pydocx.is_python_docx(source):
            return cls(open_package(pydocx.read(source), name=name or pydocx.name_of(source)))
        if not isinstance(source, str | os.PathLike | bytes | bytearray) and not callable(
            getattr(source, "read", None)
        ):
            raise NotAWordDocumentError(
                name or f"a {type(source).__name__} object",
                "is not a Word document: a path, bytes, a binary file or a python-docx "
                "Document is needed",
            )
        return cls(open_package(source, name=name))

    @property
    def name(self) -> str:
        return self.package.name

    def __repr__(self) -> str:
        return f"<Document {self.name!r}>"

    # -- parts ------------------------------------------------------------------------------

    def story_parts(self) -> list[StoryPart]:
        """The body first, then headers, footers, footnotes and endnotes, in a stable order."""
        main = self.package.main_part
        found = [StoryPart(main, "document")]
        order = {"header": 0, "footer": 1, "footnotes": 2, "endnotes": 3}
        others: list[tuple[int, str, StoryPart]] = []
        seen = {main}
        for rel in self.package.relationships(main):
            kind = ox.STORY_RELATIONSHIPS.get(rel.type)
            if kind is None or rel.external:
                continue
            member = self.package.find(rel.target)
            if member is None or member in seen:
                continue
            seen.add(member)
            others.append((order[kind], _natural(member), StoryPart(member, kind)))
        found.extend(part for _, _, part in sorted(others))
        return found

    def tree(self, part: str) -> ox.Element:
        """The parsed XML of a part (parsed once; changes made to it are saved)."""
        tree = self._trees.get(part)
        if tree is None:
            blob = self._blobs.pop(part, None)
            if blob is None:
                tree = self.package.xml(part)
            else:
                tree = ox.parse(blob)
                self._changed.add(part)
            self._trees[part] = tree
        return tree

    def unparsed(self, part: str) -> bytes | None:
        """A part's bytes as the package holds them, while this document has not parsed, changed
        or added it (its tree is what counts then: None)."""
        if part in self._trees or part in self._blobs or part in self._new_parts:
            return None
        return self.package.parts.get(part)

    def mark_changed(self, part: str) -> None:
        self._changed.add(part)

    def iter_story_trees(self) -> Iterator[tuple[StoryPart, ox.Element]]:
        for story in self.story_parts():
            yield story, self.tree(story.name)

    @property
    def styles(self) -> StyleSheet:
        if self._styles is None:
            parts = self.package.related(self.package.main_part, ox.RT_STYLES)
            self._styles = StyleSheet.from_xml(self.tree(parts[0]) if parts else None)
        return self._styles

    def placeholder_texts(self) -> dict[str, str]:
        """Text of each glossary docPart by name, e.g. ``DefaultPlaceholder_-1854013440``."""
        from .controls import block_paragraphs

        result: dict[str, str] = {}
        for part in self.package.related(self.package.main_part, ox.RT_GLOSSARY):
            root = self.tree(part)
            for doc_part in root.iter(f"{{{W}}}docPart"):
                props = doc_part.find(f"{{{W}}}docPartPr")
                body = doc_part.find(f"{{{W}}}docPartBody")
                if props is None or body is None:
                    continue
                name = ox.wval(props.find(f"{{{W}}}name"))
                if name:
                    result[name] = "\n".join(block_paragraphs(body))
        return result

    def custom_xml_parts(self) -> dict[str, str]:
        """Custom XML data parts by their store item id (upper case, with braces)."""
        result: dict[str, str] = {}
        for part in self.package.related(self.package.main_part, ox.RT_CUSTOM_XML):
            for item_props in self.package.related(part, ox.RT_CUSTOM_XML_PROPS):
                root = self.tree(item_props)
                item_id = root.get(f"{{{ox.NS['ds']}}}itemID")
                if item_id:
                    result[item_id.strip().upper()] = part
        for role, part in self._added.items():
            if role.startswith("{"):
                result[role] = part
        return result

    def add_custom_xml_part(self, data: bytes, item_id: str, schema: str) -> str:
        """Add a custom XML data part (with its properties part holding ``item_id``), related
        from the main document the way Word relates it; return its name."""
        taken = self._taken()
        number = 1
        while {f"customxml/item{number}.xml", f"customxml/itemprops{number}.xml"} & taken:
            number += 1
        name, props_name = f"customXml/item{number}.xml", f"customXml/itemProps{number}.xml"
        # A package without a default content type for .xml needs one for the data part.
        self._add_xml_part(
            name, data, None if self.package.content_type(name) else "application/xml"
        )
        self._add_xml_part(props_name, props.new_item_props_xml(item_id, schema),
                           props.CT_CUSTOM_XML_PROPS)  # fmt: skip
        self._relate(name, ox.RT_CUSTOM_XML_PROPS, props_name)
        self._relate(self.package.main_part, ox.RT_CUSTOM_XML, name)
        self._added[item_id.strip().upper()] = name
        return name

    # -- core properties -------------------------------------------------------------------

    def core_part(self, *, create: bool = False) -> str | None:
        """The core properties part (``docProps/core.xml``); ``create`` adds an empty one, with
        its relationship and content type, when the document has none."""
        part = self._added.get("core")
        if part is None:
            parts = self.package.related("", ox.RT_CORE)
            part = parts[0] if parts else None
        if part is None and create:
            part = self._free_name("docProps/core{}.xml", bare=True)
            self._add_xml_part(part, props.new_core_xml(), props.CT_CORE)
            self._relate("", ox.RT_CORE, part)
            self._added["core"] = part
        return part

    def extended_part(self, *, create: bool = False) -> str | None:
        """The extended properties part (``docProps/app.xml``: Company, Manager …); ``create``
        adds an empty one when the document has none."""
        part = self._added.get("extended")
        if part is None:
            parts = self.package.related("", props.RT_EXTENDED) or self.package.related(
                "", props.RT_EXTENDED_STRICT
            )
            part = parts[0] if parts else None
        if part is None and create:
            part = self._free_name("docProps/app{}.xml", bare=True)
            self._add_xml_part(part, props.new_extended_xml(), props.CT_EXTENDED)
            strict = self.package.strict  # Strict names this relationship differently
            self._relate("", props.RT_EXTENDED_STRICT if strict else props.RT_EXTENDED, part)
            self._added["extended"] = part
        return part

    def core_property(self, name: str) -> str | None:
        """A core property by its plain name (``"title"``, ``"subject"``, ``"creator"``,
        ``"keywords"``, ``"description"``, ``"lastModifiedBy"``, ``"category"`` …) or its
        prefixed one (``"dc:title"``); None when the document does not have it."""
        qualified = props.core_name(name)
        part = self.core_part()
        if part is None:
            return None
        element = self.tree(part).find(ox.qn(qualified))
        return None if element is None else (element.text or "")

    def set_core_properties(self, **values: str | None) -> None:
        """Set core properties by name (``title="…"``, ``subject="…"``, ``creator="…"`` …; see
        :meth:`core_property`). ``None`` leaves a property as it is. A document without core
        properties gets them. Text XML cannot hold raises :class:`ValidationError`."""
        wanted = {props.core_name(k): v for k, v in values.items() if v is not None}
        if not wanted:
            return
        problems = [
            Problem(f"the document property '{qualified.partition(':')[2]}' {problem}")
            for qualified, value in wanted.items()
            if (problem := ox.xml_problem(value))
        ]
        if problems:
            raise ValidationError(problems)
        part = self.core_part(create=True)
        assert part is not None
        root = self.tree(part)
        for qualified, value in wanted.items():
            element = root.find(ox.qn(qualified))
            if element is None:
                element = ox.sub(root, qualified)
                if qualified.startswith("dcterms:"):
                    element.set(XSI_TYPE, "dcterms:W3CDTF")
            for child in list(element):
                element.remove(child)
            element.text = value
        self.mark_changed(part)

    # -- adding parts ------------------------------------------------------------------------

    def _taken(self) -> set[str]:
        return (
            {n.lower() for n in self.package.parts}
            | {n.lower() for n in self._new_parts}
            | {n.lower() for n in self._trees}
        )

    def _free_name(self, pattern: str, *, bare: bool = False) -> str:
        """The first part name ``pattern.format(n)`` (n = 1, 2 …) not in use; with ``bare``
        the first try is without a number (``docProps/core.xml``, then ``core2.xml``)."""
        taken = self._taken()
        number = 1
        while True:
            name = pattern.format("" if bare and number == 1 else number)
            if name.lower() not in taken:
                return name
            number += 1

    def _add_xml_part(self, name: str, data: bytes, content_type: str | None) -> None:
        self._trees[name] = ox.parse(data)
        self.mark_changed(name)
        if content_type is not None:
            ct_name, types = self._content_types()
            override = ox.sub(types, f"{{{ox.NS['ct']}}}Override")
            override.set("PartName", "/" + name)
            override.set("ContentType", content_type)
            self.mark_changed(ct_name)

    def _relate(self, source: str, rtype: str, target: str) -> str:
        """Add a relationship from ``source`` ('' for the package) to part ``target``; return
        its id."""
        rels_name = self.package.rels_name(source) if source else "_rels/.rels"
        found = self.package.find(rels_name)
        if found is None and rels_name not in self._trees:
            empty = f'<Relationships xmlns="{ox.NS["pr"]}"/>'.encode()
            self._trees[rels_name] = ox.parse(empty)
        rels = self.tree(found or rels_name)
        ids = {e.get("Id") for e in rels if ox.is_element(e)}
        number = 1
        while f"rId{number}" in ids:
            number += 1
        rid = f"rId{number}"
        relationship = ox.sub(rels, f"{{{ox.NS['pr']}}}Relationship")
        relationship.set("Id", rid)
        relationship.set("Type", rtype)
        relationship.set("Target", posixpath.relpath(target, posixpath.dirname(source) or "."))
        self.mark_changed(found or rels_name)
        return rid

    # -- saving ----------------------------------------------------------------------------

    def _changes(self) -> dict[str, bytes | None]:
        if self.package.is_template:
            self._retype_main_part()
        changes: dict[str, bytes | None] = {
            part: ox.serialize(self._trees[part]) for part in sorted(self._changed)
        }
        changes.update(self._blobs)
        changes.update(self._new_parts)
        return changes

    def _content_types(self) -> tuple[str, ox.Element]:
        name = self.package.find("[Content_Types].xml")
        assert name is not None  # open_package refuses packages without it
        return name, self.tree(name)

    def _retype_main_part(self) -> None:
        """A .dotx saves as a .docx: the main part's content type changes."""
        name, root = self._content_types()
        main = "/" + self.package.main_part.lower()
        for override in root:
            if (
                ox.is_element(override)
                and override.get("PartName", "").lower() == main
                and override.get("ContentType") == CT_TEMPLATE
            ):
                override.set("ContentType", CT_DOCUMENT)
                self.mark_changed(name)

    # -- adding images -----------------------------------------------------------------------

    def add_image(self, source_part: str, data: bytes, extension: str, content_type: str) -> str:
        """Add an image part related to ``source_part``; return the new relationship id."""
        name = self._free_name(f"word/media/image{{}}.{extension}")
        self._new_parts[name] = data

        ct_name, types = self._content_types()
        defaults = {
            e.get("Extension", "").lower()
            for e in types
            if ox.is_element(e) and ox.local_name(e) == "Default"
        }
        if extension not in defaults:
            default = ox.make(f"{{{ox.NS['ct']}}}Default")
            default.set("Extension", extension)
            default.set("ContentType", content_type)
            types.insert(0, default)
            self.mark_changed(ct_name)
        return self._relate(source_part, ox.RT_IMAGE, name)

    def to_bytes(self) -> bytes:
        return self.package.to_bytes(self._changes())

    def to_python_docx(self) -> PyDocxDocument:
        """This document as a new python-docx ``Document``, to edit further and save with
        python-docx (imported now)."""
        return pydocx.to_python_docx(self.to_bytes())

    def save(self, target: str | os.PathLike[str] | BinaryIO, *, overwrite: bool = False) -> None:
        """Save as .docx to a path (atomically; existing files only with ``overwrite``) or to a
        writable binary stream."""
        if isinstance(target, str | os.PathLike):
            atomic_write(target, self.to_bytes(), overwrite=overwrite)
        else:
            self.package.write(target, self._changes())


def _natural(name: str) -> str:
    """Sort key that puts header2.xml before header10.xml."""
    return re.sub(r"\d+", lambda m: f"{int(m.group()):010d}", name)
