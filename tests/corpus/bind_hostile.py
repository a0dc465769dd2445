"""Broken and awkward packages (registered in ``hostile.HOSTILE``): zip members named
``../../evil.txt`` and ``/abs/evil.txt``, a glossary without its styles part, and a Strict Open XML
document as Word saves it (Strict-only values such as ``72pt`` and ``100%``, ``w:cnfStyle``
without ``w:val``)."""

from __future__ import annotations

from . import cases
from .cases import NL, plain_run
from .hostile import _deflated, hostile, raw_zip
from .word import REL, build_parts, heading, p, r, tbl, tc, tr, zip_parts


def _with_member(name: str) -> bytes:
    parts = build_parts(
        p(cases.Q_AANLEIDING) + cases.rich_block(None, tag="aanleiding", alias="Aanleiding")
    )
    entries = [_deflated(n, data) for n, data in parts.items()]
    entries.append(_deflated(name, b"Dit bestand hoort niet in het pakket.\r\n"))
    return raw_zip(entries)


@hostile(
    "zip_member_outside_package",
    "A valid document with an extra zip member named ../../evil.txt (path traversal).",
    problem="member_outside_package",
)
def _zip_member_outside_package() -> bytes:
    return _with_member("../../evil.txt")


@hostile(
    "zip_member_absolute_path",
    "A valid document with an extra zip member named /abs/evil.txt (an absolute path).",
    problem="member_absolute_path",
)
def _zip_member_absolute_path() -> bytes:
    return _with_member("/abs/evil.txt")


@hostile(
    "missing_glossary_styles",
    "The glossary document relates styles.xml, but word/glossary/styles.xml is not there.",
    problem="missing_related_part",
)
def _missing_glossary_styles() -> bytes:
    parts = build_parts(
        p(cases.Q_AANLEIDING) + cases.rich_block(None, tag="aanleiding", alias="Aanleiding")
    )
    del parts["word/glossary/styles.xml"]
    types = parts["[Content_Types].xml"].decode()
    start = types.index('<Override PartName="/word/glossary/styles.xml"')
    parts["[Content_Types].xml"] = (types[:start] + types[types.index("/>", start) + 2 :]).encode()
    return zip_parts(parts)


# Strict Open XML as Word saves it ("Strict Open XML Document (*.docx)").
STRICT_NAMESPACES = (
    ("http://schemas.openxmlformats.org/wordprocessingml/2006/main",
     "http://purl.oclc.org/ooxml/wordprocessingml/main"),
    ("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
     "http://purl.oclc.org/ooxml/officeDocument/relationships"),
    ("http://schemas.openxmlformats.org/drawingml/2006/main",
     "http://purl.oclc.org/ooxml/drawingml/main"),
    ("http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
     "http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing"),
    ("http://schemas.openxmlformats.org/drawingml/2006/picture",
     "http://purl.oclc.org/ooxml/drawingml/picture"),
    ("http://schemas.openxmlformats.org/officeDocument/2006/math",
     "http://purl.oclc.org/ooxml/officeDocument/math"),
    ("http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
     "http://purl.oclc.org/ooxml/officeDocument/extendedProperties"),
    ("http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
     "http://purl.oclc.org/ooxml/officeDocument/docPropsVTypes"),
    ("http://schemas.openxmlformats.org/officeDocument/2006/customXml",
     "http://purl.oclc.org/ooxml/officeDocument/customXml"),
)  # fmt: skip
STRICT_REL = "http://purl.oclc.org/ooxml/officeDocument/relationships/"
CNF_FIRST_ROW = (
    '<w:cnfStyle w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:oddVBand="0"'
    ' w:evenVBand="0" w:oddHBand="0" w:evenHBand="0" w:firstRowFirstColumn="0"'
    ' w:firstRowLastColumn="0" w:lastRowFirstColumn="0" w:lastRowLastColumn="0"/>'
)
STRICT_GEMEENTE = "Leiden"
STRICT_TOELICHTING = "Het plan volgt uit het coalitieakkoord."


def strict_body() -> str:
    """A table whose header row Word marks with ``w:cnfStyle`` (Strict: no ``w:val``), widths
    and indents in Strict-only units, and two controls: one in the table, one in a paragraph
    indented by ``72pt``."""
    question = p(
        "Toelichting",
        ppr_extra='<w:spacing w:after="0pt"/>' + CNF_FIRST_ROW,
    )
    answer = cases.rich_block(
        p(r(STRICT_TOELICHTING), ppr_extra='<w:spacing w:after="0pt"/>' + CNF_FIRST_ROW),
        tag="toelichting",
        alias="Toelichting",
    )
    table = tbl(tr(tc(question), tc(answer)), loc=NL).replace(
        '<w:tblW w:w="0" w:type="auto"/>', '<w:tblW w:w="100%" w:type="pct"/>'
    )
    gemeente = p(
        r("Naam van de gemeente: "),
        plain_run(STRICT_GEMEENTE, tag="gemeente", alias="Gemeente"),
        ppr_extra='<w:ind w:left="72pt"/>',
    )
    return heading("Beleidsplan", 1, NL) + gemeente + table


@hostile(
    "strict_word",
    "Strict Open XML as Word saves it: purl.oclc.org namespaces and relationship types, "
    'w:conformance="strict", w:cnfStyle without w:val, 100% and 72pt; a plain text control '
    "'gemeente' and a rich text control 'toelichting' in a table.",
    problem="strict_values",
)
def strict_word() -> bytes:
    return zip_parts(to_strict(build_parts(strict_body(), title="Beleidsplan (Strict)")))


def to_strict(parts: dict[str, bytes]) -> dict[str, bytes]:
    """A Transitional package's parts as Word writes them in Strict Open XML."""
    out: dict[str, bytes] = {}
    for name, data in parts.items():
        text = data.decode("utf-8")
        if name.endswith(".rels"):
            text = text.replace(REL + "extended-properties", STRICT_REL + "extendedProperties")
            text = text.replace(REL, STRICT_REL)  # core properties (OPC) stay as they are
        for old, new in STRICT_NAMESPACES:
            text = text.replace(old, new)
        if name == "word/document.xml":
            text = text.replace("<w:document ", '<w:document w:conformance="strict" ', 1)
        out[name] = text.encode("utf-8")
    return out
