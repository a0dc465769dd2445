"""The XML layer: namespaces, the hardened parser, serialisation and text in runs.

This is the only module that imports lxml. The parser never resolves entities, never touches the
network and refuses documents that declare a DOCTYPE (XXE, billion laughs). Text is written into
runs the way Word writes typed text: ``w:t`` (with ``xml:space="preserve"`` where spaces would
otherwise be lost), ``w:tab`` for a tab and ``w:br`` for a line break.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import IO, Any, cast

from lxml import etree

Element = etree._Element

NS: dict[str, str] = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
    "w15": "http://schemas.microsoft.com/office/word/2012/wordml",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "v": "urn:schemas-microsoft-com:vml",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "pr": "http://schemas.openxmlformats.org/package/2006/relationships",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "ds": "http://schemas.openxmlformats.org/officeDocument/2006/customXml",
    "xml": "http://www.w3.org/XML/1998/namespace",
}

RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
RT_OFFICE_DOCUMENT = RT + "officeDocument"
RT_STYLES = RT + "styles"
RT_GLOSSARY = RT + "glossaryDocument"
RT_CUSTOM_XML = RT + "customXml"
RT_CUSTOM_XML_PROPS = RT + "customXmlProps"
RT_IMAGE = RT + "image"
RT_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
STORY_RELATIONSHIPS = {
    RT + "header": "header",
    RT + "footer": "footer",
    RT + "footnotes": "footnotes",
    RT + "endnotes": "endnotes",
}

# Strict Open XML (ISO/IEC 29500 Strict) namespaces and relationship types, mapped to their
# Transitional equivalents on read, the way the Open XML SDK and Word do.
STRICT_NAMESPACES: dict[str, str] = {
    "http://purl.oclc.org/ooxml/wordprocessingml/main": NS["w"],
    "http://purl.oclc.org/ooxml/officeDocument/relationships": NS["r"],
    "http://purl.oclc.org/ooxml/drawingml/main": NS["a"],
    "http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing": NS["wp"],
    "http://purl.oclc.org/ooxml/drawingml/picture": NS["pic"],
    "http://purl.oclc.org/ooxml/drawingml/chart": (
        "http://schemas.openxmlformats.org/drawingml/2006/chart"
    ),
    "http://purl.oclc.org/ooxml/drawingml/diagram": (
        "http://schemas.openxmlformats.org/drawingml/2006/diagram"
    ),
    "http://purl.oclc.org/ooxml/officeDocument/math": (
        "http://schemas.openxmlformats.org/officeDocument/2006/math"
    ),
    "http://purl.oclc.org/ooxml/officeDocument/sharedTypes": (
        "http://schemas.openxmlformats.org/officeDocument/2006/sharedTypes"
    ),
    "http://purl.oclc.org/ooxml/officeDocument/customXml": NS["ds"],
    "http://purl.oclc.org/ooxml/officeDocument/extendedProperties": (
        "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
    ),
    "http://purl.oclc.org/ooxml/officeDocument/customProperties": (
        "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
    ),
    "http://purl.oclc.org/ooxml/officeDocument/docPropsVTypes": (
        "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
    ),
    "http://purl.oclc.org/ooxml/schemaLibrary/main": (
        "http://schemas.openxmlformats.org/schemaLibrary/2006/main"
    ),
}
STRICT_RELATIONSHIP_PREFIX = "http://purl.oclc.org/ooxml/officeDocument/relationships/"
STRICT_PREFIX = "http://purl.oclc.org/ooxml/"


@functools.cache
def qn(name: str) -> str:
    """Clark name for a prefixed name: ``qn("w:sdt")`` -> ``{http://…/main}sdt`` (worked out
    once per name: reading a control asks for the same few names again and again)."""
    prefix, _, local = name.partition(":")
    return f"{{{NS[prefix]}}}{local}"


W = NS["w"]
W_SDT = qn("w:sdt")
W_P = qn("w:p")
W_R = qn("w:r")
W_T = qn("w:t")
W_TBL = qn("w:tbl")
W_TR = qn("w:tr")
W_TC = qn("w:tc")
W_VAL = qn("w:val")


class XmlSyntaxError(Exception):
    """Raised by :func:`parse` for malformed XML; the caller adds the file name."""


class XmlDoctypeError(Exception):
    """Raised by :func:`parse` when a part declares a DOCTYPE (entities, external DTDs)."""


def _make_parser() -> etree.XMLParser:
    # collect_ids stays on (the default): it is what refuses a repeated or malformed xml:id, and
    # parsing without it is no faster.
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
    )
    return parser


_PARSER = _make_parser()


_DOCTYPE = b"<!DOCTYPE"
_DOCTYPE_UTF16 = "<!DOCTYPE".encode("utf-16-le")


def _declares_doctype(data: bytes) -> bool:
    """Whether ``data`` holds ``<!DOCTYPE`` in UTF-8 or UTF-16 (little-endian). Both hold a "!",
    so the search starts at the first one (most parts hold none: then it is one quick scan)."""
    bang = data.find(b"!")
    if bang < 0:
        return False
    start = max(bang - 2, 0)
    return data.find(_DOCTYPE, start) >= 0 or (
        b"\x00" in data and data.find(_DOCTYPE_UTF16, start) >= 0
    )


def parse(data: bytes) -> Element:
    """Parse one XML part. Raise :class:`XmlDoctypeError` or :class:`XmlSyntaxError`."""
    # A DOCTYPE is never legitimate in OOXML. Refuse it before libxml2 sees the declarations.
    if _declares_doctype(data):
        raise XmlDoctypeError("declares a DOCTYPE (entity or DTD declarations are not allowed)")
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as e:
        raise XmlSyntaxError(str(e)) from e
    if root.getroottree().docinfo.doctype:  # type: ignore[union-attr]
        raise XmlDoctypeError("declares a DOCTYPE (entity or DTD declarations are not allowed)")
    return cast(Element, root)


def iter_elements(stream: IO[bytes], tag: str) -> Iterator[Element]:
    """Stream the ``tag`` elements of a large part one by one (rows of a worksheet, say). Each
    element is freed once the caller moves on, so memory stays flat. Entities are not resolved
    and no DTD is loaded; malformed XML raises :class:`XmlSyntaxError`."""
    events = etree.iterparse(
        stream,
        events=("end",),
        tag=tag,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )
    try:
        for _, element in events:
            yield element
            element.clear()
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError as e:
        raise XmlSyntaxError(str(e)) from e


def serialize(root: Element) -> bytes:
    """Serialise a part the way Word does: UTF-8, standalone declaration, no pretty printing."""
    body: bytes = etree.tostring(root, encoding="UTF-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n' + body


def deepcopy(element: Element) -> Element:
    """A deep copy of an element (lxml copies whole subtrees; no memo is needed)."""
    copied: Element = element.__deepcopy__(None)  # type: ignore[attr-defined]
    return copied


def make(tag: str, attrib: dict[str, str] | None = None) -> Element:
    """A new element; ``tag`` and attribute names may be prefixed (``w:r``, ``w:val``)."""
    element = _PARSER.makeelement(qn(tag) if ":" in tag and not tag.startswith("{") else tag)
    for name, value in (attrib or {}).items():
        element.set(qn(name) if ":" in name else name, value)
    return element


def sub(parent: Element, tag: str, attrib: dict[str, str] | None = None) -> Element:
    """Append a new child; ``tag`` may be prefixed (``w:p``) or a Clark name (``W_P``)."""
    if attrib is None and tag[0] == "{":
        return etree.SubElement(parent, tag)
    child = make(tag, attrib)
    parent.append(child)
    return child


def local_name(element: Element) -> str:
    return etree.QName(element).localname


def namespace(element: Element) -> str | None:
    return cast("str | None", etree.QName(element).namespace)


def is_element(node: Any) -> bool:
    """True for elements, False for comments and processing instructions."""
    return isinstance(node, etree._Element) and isinstance(node.tag, str)


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_problem(value: str) -> str | None:
    """Why a Word document cannot hold this text (a character XML forbids), or None."""
    bad = _NOT_XML.search(value)
    if bad is None:
        return None
    return (
        f"contains a character a Word document cannot hold (U+{ord(bad.group()):04X} at "
        f"position {bad.start() + 1})"
    )


_RUN_PIECES = re.compile(r"(\t|\n)")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_W_TAB = qn("w:tab")
_W_BR = qn("w:br")


def _preserve(piece: str) -> bool:
    return piece[0].isspace() or piece[-1].isspace() or "  " in piece


def append_text(run: Element, text: str) -> None:
    """Append ``text`` to a ``w:r`` as Word writes typed text: ``w:t`` pieces, ``\t`` as
    ``w:tab``, ``\n`` as ``w:br``. Spaces at either end of a piece, or several in a row, are
    kept with ``xml:space="preserve"``."""
    for piece in _RUN_PIECES.split(text):
        if piece == "\t":
            etree.SubElement(run, _W_TAB)
        elif piece == "\n":
            etree.SubElement(run, _W_BR)
        elif piece:
            element = etree.SubElement(run, W_T)
            element.text = piece
            if _preserve(piece):
                element.set(_XML_SPACE, "preserve")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class RunText:
    """:func:`append_text` as bytes, for a document whose main namespace has ``prefix``: the
    same elements and escaping lxml writes (checked against it where it is used)."""

    def __init__(self, prefix: str | None) -> None:
        p = f"{prefix}:" if prefix else ""
        self._tab = f"<{p}tab/>".encode()
        self._br = f"<{p}br/>".encode()
        self._t = f"<{p}t>"
        self._t_preserve = f'<{p}t xml:space="preserve">'
        self._t_close = f"</{p}t>"

    def __call__(self, text: str) -> bytes:
        out: list[bytes] = []
        for piece in _RUN_PIECES.split(text):
            if piece == "\t":
                out.append(self._tab)
            elif piece == "\n":
                out.append(self._br)
            elif piece:
                start = self._t_preserve if _preserve(piece) else self._t
                out.append(f"{start}{_escape(piece)}{self._t_close}".encode())
        return b"".join(out)


def prefix_of(root: Element, uri: str) -> str | None:
    """The prefix ``root`` declares for ``uri`` (None for the default namespace)."""
    for prefix, declared in root.nsmap.items():
        if declared == uri:
            return prefix
    raise KeyError(uri)


def serialize_within(root: Element, element: Element) -> bytes:
    """``element`` serialised as it appears inside ``root``'s tree: without the namespace
    declarations a detached element would repeat. ``element`` must not be in another tree; its
    tail (text after it) is dropped."""
    element.tail = None
    holder = etree.Element(root.tag, nsmap=cast(Any, root.nsmap))
    holder.append(element)
    data: bytes = etree.tostring(holder, encoding="UTF-8")
    start = data.index(b">") + 1
    end = data.rindex(b"</")
    holder.remove(element)
    return data[start:end]


class FragmentWriter:
    """:func:`serialize_within` for many elements of one tree, with one holder made once (making
    a holder with a document's thirty namespace declarations costs more than serialising)."""

    def __init__(self, root: Element) -> None:
        self._holder = etree.Element(root.tag, nsmap=cast(Any, root.nsmap))

    def __call__(self, element: Element) -> bytes:
        element.tail = None
        self._holder.append(element)
        data: bytes = etree.tostring(self._holder, encoding="UTF-8")
        self._holder.remove(element)
        return data[data.index(b">") + 1 : data.rindex(b"</")]


def slot_marker(number: int) -> Element:
    """A processing instruction that marks a slot in a serialised part."""
    return etree.ProcessingInstruction("docx-aanpak-slot", str(number))


SLOT_PATTERN = re.compile(rb"<\?docx-aanpak-slot (\d+)\?>")


def wval(element: Element | None, default: str | None = None) -> str | None:
    """The ``w:val`` attribute of an element, or ``default`` when absent."""
    if element is None:
        return default
    return element.get(W_VAL, default)


def on(element: Element | None) -> bool:
    """Read an OOXML on/off property (``<w:b/>``, ``<w:b w:val="0"/>``, ``…="false"``)."""
    if element is None:
        return False
    return element.get(W_VAL, "1").lower() not in {"0", "false", "off"}
