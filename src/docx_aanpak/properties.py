"""Document properties: what File › Info shows, and what Word's Document Property controls bind to.

* The **core properties** (``docProps/core.xml``): title, subject, author (``dc:creator``),
  keywords, comments (``dc:description``), status, category … They are Dublin Core and OPC
  elements; :func:`core_name` maps the plain names (``"title"``) to them.
* The **extended properties** (``docProps/app.xml``): Company, Manager and Word's statistics.
* The **cover page properties**: an ordinary custom XML part (Abstract, PublishDate, company
  address, phone, fax and e-mail) that Word adds with a cover page.

Word's Quick Parts › Document Property controls bind to these through three well-known store
item ids, so a value typed in one such control shows wherever the property is bound and in
File › Info. This module knows the names, the ids and the XML of a new, empty part.
"""

from __future__ import annotations

from . import _ooxml as ox

__all__ = [
    "CORE_NAMES",
    "CORE_STORE_ID",
    "COVER_PAGE_STORE_ID",
    "EXTENDED_STORE_ID",
    "core_name",
]

CORE_STORE_ID = "{6C3C8BC8-F283-45AE-878A-BAB7291924A1}"
EXTENDED_STORE_ID = "{6668398D-A668-4E3E-A5EB-62B293D839F1}"
COVER_PAGE_STORE_ID = "{55AF091B-3C7A-41E3-B477-F2FDAA23CFDA}"

CT_CORE = "application/vnd.openxmlformats-package.core-properties+xml"
CT_EXTENDED = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
CT_CUSTOM_XML_PROPS = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
RT_CORE = ox.RT_CORE
RT_EXTENDED = ox.RT + "extended-properties"
# A Strict package's extended properties relationship, read with Transitional namespaces.
RT_EXTENDED_STRICT = ox.RT + "extendedProperties"

EXTENDED_NS = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
COVER_PAGE_NS = "http://schemas.microsoft.com/office/2006/coverPageProps"
COVER_PAGE_ELEMENTS = (
    "PublishDate",
    "Abstract",
    "CompanyAddress",
    "CompanyPhone",
    "CompanyFax",
    "CompanyEmail",
)

# The core properties by their plain name (as in python-docx and File › Info), in the order
# Word writes them.
CORE_NAMES: dict[str, str] = {
    "title": "dc:title",
    "subject": "dc:subject",
    "creator": "dc:creator",
    "keywords": "cp:keywords",
    "description": "dc:description",
    "lastModifiedBy": "cp:lastModifiedBy",
    "revision": "cp:revision",
    "lastPrinted": "cp:lastPrinted",
    "created": "dcterms:created",
    "modified": "dcterms:modified",
    "category": "cp:category",
    "contentStatus": "cp:contentStatus",
    "identifier": "dc:identifier",
    "language": "dc:language",
    "version": "cp:version",
}
_BY_LOWER = {name.lower(): qualified for name, qualified in CORE_NAMES.items()}
_QUALIFIED = frozenset(CORE_NAMES.values())


def core_name(name: str) -> str:
    """The prefixed name of a core property: ``"title"`` and ``"dc:title"`` give ``"dc:title"``
    (plain names ignore case). Raise ``KeyError`` for a name that is not a core property."""
    if name in _QUALIFIED:
        return name
    qualified = _BY_LOWER.get(name.replace("_", "").lower())
    if qualified is None:
        known = ", ".join(CORE_NAMES)
        raise KeyError(f"'{name}' is not a core document property (known: {known})")
    return qualified


_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'


def new_core_xml() -> bytes:
    """An empty core properties part, with the namespaces Word declares."""
    return (
        f'{_DECLARATION}<cp:coreProperties xmlns:cp="{ox.NS["cp"]}" xmlns:dc="{ox.NS["dc"]}" '
        f'xmlns:dcterms="{ox.NS["dcterms"]}" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"></cp:coreProperties>'
    ).encode()


def new_extended_xml() -> bytes:
    """An empty extended properties part."""
    return f'{_DECLARATION}<Properties xmlns="{EXTENDED_NS}" xmlns:vt="{VT_NS}"/>'.encode()


def new_cover_page_xml() -> bytes:
    """The cover page properties part as Word adds it: every element present, all empty."""
    inner = "".join(f"<{name}/>" for name in COVER_PAGE_ELEMENTS)
    return (
        f'{_DECLARATION}<CoverPageProperties xmlns="{COVER_PAGE_NS}">{inner}</CoverPageProperties>'
    ).encode()


def new_item_props_xml(item_id: str, schema: str) -> bytes:
    ds = ox.NS["ds"]
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\r\n'
        f'<ds:datastoreItem ds:itemID="{item_id}" xmlns:ds="{ds}">'
        f'<ds:schemaRefs><ds:schemaRef ds:uri="{schema}"/></ds:schemaRefs></ds:datastoreItem>'
    ).encode()
