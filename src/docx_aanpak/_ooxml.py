"""The XML layer: namespaces, the hardened parser, serialisation and precompiled XPath.

This is the only module that imports lxml. Elements are parsed with python-docx's element class
lookup, so runs are python-docx ``CT_R`` objects whose ``text`` setter writes ``w:t``, ``w:tab``
and ``w:br`` the way Word does. The parser never resolves entities, never touches the network and
refuses documents that declare a DOCTYPE (XXE, billion laughs).
"""

from __future__ import annotations

import copy
from typing import Any, cast

import docx.oxml  # noqa: F401  (registers python-docx's custom element classes)
from docx.oxml.parser import element_class_lookup
from docx.oxml.text.run import CT_R
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


def qn(name: str) -> str:
    """Clark name for a prefixed name: ``qn("w:sdt")`` -> ``{http://…/main}sdt``."""
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
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
    )
    parser.set_element_class_lookup(element_class_lookup)
    return parser


_PARSER = _make_parser()


def parse(data: bytes) -> Element:
    """Parse one XML part. Raise :class:`XmlDoctypeError` or :class:`XmlSyntaxError`."""
    # A DOCTYPE is never legitimate in OOXML. Refuse it before libxml2 sees the declarations.
    if b"<!DOCTYPE" in data or b"<\x00!\x00D\x00O\x00C\x00T\x00Y\x00P\x00E\x00" in data:
        raise XmlDoctypeError("declares a DOCTYPE (entity or DTD declarations are not allowed)")
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as e:
        raise XmlSyntaxError(str(e)) from e
    if root.getroottree().docinfo.doctype:  # type: ignore[union-attr]
        raise XmlDoctypeError("declares a DOCTYPE (entity or DTD declarations are not allowed)")
    return cast(Element, root)


def serialize(root: Element) -> bytes:
    """Serialise a part the way Word does: UTF-8, standalone declaration, no pretty printing."""
    body: bytes = etree.tostring(root, encoding="UTF-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n' + body


def canonical(root: Element) -> bytes:
    """Canonical XML (C14N 2.0) for comparing trees, independent of prefixes and attribute order."""
    return etree.tostring(root, method="c14n2")


def deepcopy(element: Element) -> Element:
    return copy.deepcopy(element)


def make(tag: str, attrib: dict[str, str] | None = None) -> Element:
    """A new element with python-docx's element class (e.g. ``CT_R`` for ``w:r``)."""
    element = _PARSER.makeelement(qn(tag) if ":" in tag and not tag.startswith("{") else tag)
    for name, value in (attrib or {}).items():
        element.set(qn(name) if ":" in name else name, value)
    return element


def sub(parent: Element, tag: str, attrib: dict[str, str] | None = None) -> Element:
    child = make(tag, attrib)
    parent.append(child)
    return child


def xpath(expression: str) -> etree.XPath:
    """Precompile an XPath expression with the OOXML prefixes bound."""
    return etree.XPath(expression, namespaces=NS)


def xpath_with(expression: str, namespaces: dict[str, str]) -> etree.XPath:
    """Precompile an XPath expression with custom prefixes (data binding prefix mappings)."""
    return etree.XPath(expression, namespaces=namespaces)


XPathError = etree.XPathError


def local_name(element: Element) -> str:
    return etree.QName(element).localname


def namespace(element: Element) -> str | None:
    return cast("str | None", etree.QName(element).namespace)


def is_element(node: Any) -> bool:
    """True for elements, False for comments and processing instructions."""
    return isinstance(node, etree._Element) and isinstance(node.tag, str)


def set_run_text(run: Element, text: str) -> None:
    """Write text into a ``w:r`` with python-docx's ``CT_R.text`` setter: ``w:t`` (with
    ``xml:space="preserve"`` where needed), ``\t`` as ``w:tab`` and ``\n`` as ``w:br``."""
    if not isinstance(run, CT_R):
        raise TypeError(f"not a python-docx run element: {run.tag}")
    run.text = text


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
