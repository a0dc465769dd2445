"""A tiny, deterministic writer of WordprocessingML packages that look like Word 365 wrote them.

The package holds what Word itself writes for a small document: content types, package and part
relationships, core and app properties, the main document (with Word's namespace declarations and
``mc:Ignorable``), styles (with the localized *Placeholder Text* character style), settings, web
settings, the font table and a glossary document with the default placeholder building blocks.
Headers, footers, footnotes, endnotes, custom XML data-store items and media are added on request.
Word's theme part is left out (the styles name their fonts directly instead).

Everything is a pure function of its arguments: the same call gives the same bytes, with fixed zip
timestamps and a fixed part order.

Besides the package writer this module has the small XML fragment helpers the corpus cases use
(paragraphs, runs, tables, content-control properties), all producing Word's element order.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from io import BytesIO
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

# --- namespaces ------------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"
W15_NS = "http://schemas.microsoft.com/office/word/2012/wordml"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
DS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"

REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
REL_OFFICE_DOCUMENT = REL + "officeDocument"
REL_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
REL_APP = REL + "extended-properties"

CT_MAIN_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
CT_MAIN_DOTX = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
CT_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
CT_GLOSSARY = CT_WML + "document.glossary+xml"
CT_RELS = "application/vnd.openxmlformats-package.relationships+xml"
CT_CORE = "application/vnd.openxmlformats-package.core-properties+xml"
CT_APP = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
CT_CUSTOM_XML_PROPS = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'

# The declarations Word 365 puts on the root of document.xml, headers, footers and notes (a subset
# of Word's long list; ``a`` and ``pic`` are declared here once instead of on each drawing).
WORD_NAMESPACES = (
    'xmlns:wpc="http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:o="urn:schemas-microsoft-com:office:office" '
    f'xmlns:r="{R_NS}" '
    'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:wp14="http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:w10="urn:schemas-microsoft-com:office:word" '
    f'xmlns:w="{W_NS}" '
    f'xmlns:w14="{W14_NS}" '
    f'xmlns:w15="{W15_NS}" '
    'xmlns:w16se="http://schemas.microsoft.com/office/word/2015/wordml/symex" '
    'xmlns:wpg="http://schemas.microsoft.com/office/word/2010/wordprocessingGroup" '
    'xmlns:wpi="http://schemas.microsoft.com/office/word/2010/wordprocessingInk" '
    'xmlns:wne="http://schemas.microsoft.com/office/word/2006/wordml" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    'mc:Ignorable="w14 w15 w16se wp14"'
)

# The rsids the corpus uses on runs and paragraphs (listed in settings.xml like Word does).
RSIDS = ("00A41C2E", "00B7D5F0", "00C3E9A1", "00D20F47", "00E5A3B8", "00F61D02")
RSID_ROOT = RSIDS[0]

# Word's names for its default placeholder building blocks in the glossary document.
DOCPART_TEXT = "DefaultPlaceholder_-1854013440"
DOCPART_LIST = "DefaultPlaceholder_-1854013438"  # dropdown list and combo box
DOCPART_DATE = "DefaultPlaceholder_-1854013437"


# --- localization ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Locale:
    """What differs between Word's Dutch, English and German user interfaces."""

    lang: str
    text_placeholder: str
    list_placeholder: str
    date_placeholder: str
    # styleIds (Word derives them from the localized display name)
    placeholder_style: str
    normal: str
    default_paragraph_font: str
    table_normal: str
    no_list: str
    heading1: str
    heading2: str
    table_grid: str
    header: str
    footer: str
    footnote_text: str
    footnote_reference: str
    endnote_text: str
    endnote_reference: str
    glossary_category: str
    decimal_symbol: str
    list_separator: str

    def heading(self, level: int) -> str:
        return {1: self.heading1, 2: self.heading2}[level]


LOCALES: dict[str, Locale] = {
    "nl-NL": Locale(
        lang="nl-NL",
        text_placeholder="Klik of tik om tekst in te voeren.",
        list_placeholder="Kies een item.",
        date_placeholder="Klik of tik om een datum in te voeren.",
        placeholder_style="Tekstvantijdelijkeaanduiding",
        normal="Standaard",
        default_paragraph_font="Standaardalinea-lettertype",
        table_normal="Standaardtabel",
        no_list="Geenlijst",
        heading1="Kop1",
        heading2="Kop2",
        table_grid="Tabelraster",
        header="Koptekst",
        footer="Voettekst",
        footnote_text="Voetnoottekst",
        footnote_reference="Voetnootmarkering",
        endnote_text="Eindnoottekst",
        endnote_reference="Eindnootmarkering",
        glossary_category="Algemeen",
        decimal_symbol=",",
        list_separator=";",
    ),
    "en-US": Locale(
        lang="en-US",
        text_placeholder="Click or tap here to enter text.",
        list_placeholder="Choose an item.",
        date_placeholder="Click or tap to enter a date.",
        placeholder_style="PlaceholderText",
        normal="Normal",
        default_paragraph_font="DefaultParagraphFont",
        table_normal="TableNormal",
        no_list="NoList",
        heading1="Heading1",
        heading2="Heading2",
        table_grid="TableGrid",
        header="Header",
        footer="Footer",
        footnote_text="FootnoteText",
        footnote_reference="FootnoteReference",
        endnote_text="EndnoteText",
        endnote_reference="EndnoteReference",
        glossary_category="General",
        decimal_symbol=".",
        list_separator=",",
    ),
    "de-DE": Locale(
        lang="de-DE",
        text_placeholder="Klicken oder tippen Sie hier, um Text einzugeben.",
        list_placeholder="Wählen Sie ein Element aus.",
        date_placeholder="Klicken oder tippen Sie, um ein Datum einzugeben.",
        placeholder_style="Platzhaltertext",
        normal="Standard",
        default_paragraph_font="Absatz-Standardschriftart",
        table_normal="NormaleTabelle",
        no_list="KeineListe",
        heading1="berschrift1",
        heading2="berschrift2",
        table_grid="Tabellenraster",
        header="Kopfzeile",
        footer="Fuzeile",
        footnote_text="Funotentext",
        footnote_reference="Funotenzeichen",
        endnote_text="Endnotentext",
        endnote_reference="Endnotenzeichen",
        glossary_category="Allgemein",
        decimal_symbol=",",
        list_separator=";",
    ),
}


def locale(lang: str) -> Locale:
    return LOCALES[lang]


# --- small helpers ---------------------------------------------------------------------------


def esc(text: str) -> str:
    return escape(text)


def attr(value: str) -> str:
    """A quoted, escaped attribute value."""
    return quoteattr(value)


def stable_int(key: str, *, bits: int = 32, signed: bool = True) -> int:
    """A deterministic pseudo-random integer (Word's w:id values look random and are signed)."""
    value = zlib.crc32(key.encode("utf-8"))
    if bits < 32:
        value &= (1 << bits) - 1
    if signed and value >= 1 << (bits - 1):
        value -= 1 << bits
    return value


def stable_guid(key: str) -> str:
    """A deterministic GUID in Word's ``{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}`` form."""
    parts = [zlib.crc32(f"{key}#{i}".encode()) for i in range(4)]
    h = "".join(f"{p:08X}" for p in parts)
    return "{" + f"{h[0:8]}-{h[8:12]}-4{h[13:16]}-8{h[17:20]}-{h[20:32]}" + "}"


def png_bytes(width: int = 16, height: int = 16) -> bytes:
    """A small, real RGB PNG (a two-colour municipal-looking shield pattern)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter: none
        for x in range(width):
            if (x // 4 + y // 4) % 2:
                rows += bytes((0xC8, 0x10, 0x2E))  # red
            else:
                rows += bytes((0xFF, 0xFF, 0xFF))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )


# --- fragment builders: paragraphs, runs, tables -------------------------------------------------


def t(text: str) -> str:
    """A w:t, with xml:space="preserve" when Word would write it (leading/trailing spaces)."""
    if text != text.strip() or "  " in text:
        return f'<w:t xml:space="preserve">{esc(text)}</w:t>'
    return f"<w:t>{esc(text)}</w:t>"


def rpr(
    *, style: str | None = None, bold: bool = False, italic: bool = False, extra: str = ""
) -> str:
    """Run properties in schema order (rStyle, rFonts, b, bCs, i, iCs, ...)."""
    inner = ""
    if style:
        inner += f'<w:rStyle w:val="{style}"/>'
    if bold:
        inner += "<w:b/><w:bCs/>"
    if italic:
        inner += "<w:i/><w:iCs/>"
    inner += extra
    return f"<w:rPr>{inner}</w:rPr>" if inner else ""


def r(text: str, *, props: str = "", rsid: str | None = None) -> str:
    """A run holding text; line breaks in ``text`` become ``<w:br/>`` as Word writes them."""
    rsid_attr = f' w:rsidR="{rsid}"' if rsid else ""
    pieces = []
    for i, line in enumerate(text.split("\n")):
        if i:
            pieces.append("<w:br/>")
        if line:
            pieces.append(t(line))
    return f"<w:r{rsid_attr}>{props}{''.join(pieces)}</w:r>"


def p(*content: str, style: str | None = None, ppr_extra: str = "", rsid: str | None = None) -> str:
    """A paragraph. Plain strings that do not start with ``<`` are turned into runs."""
    runs = "".join(c if c.startswith("<") else r(c) for c in content)
    ppr_inner = (f'<w:pStyle w:val="{style}"/>' if style else "") + ppr_extra
    ppr = f"<w:pPr>{ppr_inner}</w:pPr>" if ppr_inner else ""
    rsid_attr = f' w:rsidR="{rsid}" w:rsidRDefault="{rsid}"' if rsid else ""
    return f"<w:p{rsid_attr}>{ppr}{runs}</w:p>"


def heading(text: str, level: int, loc: Locale) -> str:
    return p(text, style=loc.heading(level))


def tc(*blocks: str, width: int = 4531) -> str:
    """A table cell with its width (Word writes tcW on every cell)."""
    return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>{"".join(blocks)}</w:tc>'


def tr(*cells: str) -> str:
    return f"<w:tr>{''.join(cells)}</w:tr>"


def tbl(*rows: str, loc: Locale, widths: Sequence[int] = (4531, 4531)) -> str:
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return (
        "<w:tbl><w:tblPr>"
        f'<w:tblStyle w:val="{loc.table_grid}"/><w:tblW w:w="0" w:type="auto"/>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0"'
        ' w:noHBand="0" w:noVBand="1"/>'
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )


def placeholder_run(text: str, loc: Locale, *, rsid: str | None = None) -> str:
    """A run in the localized Placeholder Text character style."""
    return r(text, props=rpr(style=loc.placeholder_style), rsid=rsid)


def footnote_reference(note_id: int, loc: Locale) -> str:
    return (
        f'<w:r><w:rPr><w:rStyle w:val="{loc.footnote_reference}"/></w:rPr>'
        f'<w:footnoteReference w:id="{note_id}"/></w:r>'
    )


def endnote_reference(note_id: int, loc: Locale) -> str:
    return (
        f'<w:r><w:rPr><w:rStyle w:val="{loc.endnote_reference}"/></w:rPr>'
        f'<w:endnoteReference w:id="{note_id}"/></w:r>'
    )


def inline_picture(rel_id: str, *, name: str, docpr_id: int, cx: int, cy: int) -> str:
    """A run holding an inline DrawingML picture, as Word writes an inserted image."""
    return (
        "<w:r><w:rPr><w:noProof/></w:rPr><w:drawing>"
        '<wp:inline distT="0" distB="0" distL="0" distR="0">'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{docpr_id}" name={attr(name)}/>'
        '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        f'<pic:pic><pic:nvPicPr><pic:cNvPr id="0" name={attr(name)}/><pic:cNvPicPr/></pic:nvPicPr>'
        f'<pic:blipFill><a:blip r:embed="{rel_id}"/><a:stretch><a:fillRect/></a:stretch>'
        "</pic:blipFill>"
        f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>'
        "</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
    )


# --- content controls --------------------------------------------------------------------------


@dataclass(frozen=True)
class Binding:
    """A w:dataBinding (or w15:dataBinding) into a custom XML data-store item."""

    xpath: str
    store_item_id: str
    prefix_mappings: str = ""
    w15: bool = False

    def xml(self) -> str:
        name = "w15:dataBinding" if self.w15 else "w:dataBinding"
        return (
            f"<{name} w:prefixMappings={attr(self.prefix_mappings)} w:xpath={attr(self.xpath)}"
            f' w:storeItemID="{self.store_item_id}"/>'
        )


def sdt_pr(
    *,
    sdt_id: int,
    alias: str | None = None,
    tag: str | None = None,
    lock: str | None = None,
    docpart: str | None = None,
    showing: bool = False,
    temporary: bool = False,
    binding: Binding | None = None,
    run_props: str = "",
    color: str | None = None,
    appearance: str | None = None,
    type_xml: str = "",
    ext_xml: str = "",
) -> str:
    """w:sdtPr in the order Word writes it.

    rPr, alias, tag, id, lock, placeholder, temporary, showingPlcHdr, dataBinding, then Word 2013's
    w15:color / w15:appearance / w15:dataBinding, then the type element (w:text, w:dropDownList,
    w:date, ...; none for rich text), then w14:checkbox or w15:repeatingSection(Item).
    """
    out = ["<w:sdtPr>", run_props]
    if alias is not None:
        out.append(f"<w:alias w:val={attr(alias)}/>")
    if tag is not None:
        out.append(f"<w:tag w:val={attr(tag)}/>")
    out.append(f'<w:id w:val="{sdt_id}"/>')
    if lock is not None:
        out.append(f'<w:lock w:val="{lock}"/>')
    if docpart is not None:
        out.append(f'<w:placeholder><w:docPart w:val="{docpart}"/></w:placeholder>')
    if temporary:
        out.append("<w:temporary/>")
    if showing:
        out.append("<w:showingPlcHdr/>")
    if binding is not None and not binding.w15:
        out.append(binding.xml())
    if color is not None:
        out.append(f'<w15:color w:val="{color}"/>')
    if appearance is not None:
        out.append(f'<w15:appearance w15:val="{appearance}"/>')
    if binding is not None and binding.w15:
        out.append(binding.xml())
    out.append(type_xml)
    out.append(ext_xml)
    out.append("</w:sdtPr>")
    return "".join(out)


def sdt(pr: str, content: str | None, *, end_pr: str | None = None) -> str:
    """A w:sdt; ``content=None`` writes Word's self-closing ``<w:sdtContent/>``."""
    body = "<w:sdtContent/>" if content is None else f"<w:sdtContent>{content}</w:sdtContent>"
    return f"<w:sdt>{pr}{end_pr or ''}{body}</w:sdt>"


def text_type(*, multiline: bool = False) -> str:
    return '<w:text w:multiLine="1"/>' if multiline else "<w:text/>"


def list_items(items: Sequence[tuple[str, str]], *, prompt: str | None) -> str:
    """w:listItem elements; Word's first item is the empty-valued prompt ("Kies een item.")."""
    out = []
    if prompt is not None:
        out.append(f'<w:listItem w:displayText={attr(prompt)} w:value=""/>')
    out += [f"<w:listItem w:displayText={attr(d)} w:value={attr(v)}/>" for d, v in items]
    return "".join(out)


def dropdown_type(
    items: Sequence[tuple[str, str]],
    *,
    last_value: str | None,
    prompt: str | None,
    combo: bool = False,
) -> str:
    name = "w:comboBox" if combo else "w:dropDownList"
    last = f" w:lastValue={attr(last_value)}" if last_value is not None else ""
    return f"<{name}{last}>{list_items(items, prompt=prompt)}</{name}>"


def date_type(full_date: str | None, *, lang: str = "nl-NL", fmt: str = "d MMMM yyyy") -> str:
    full = f' w:fullDate="{full_date}"' if full_date else ""
    return (
        f"<w:date{full}>"
        f'<w:dateFormat w:val={attr(fmt)}/><w:lid w:val="{lang}"/>'
        '<w:storeMappedDataAs w:val="dateTime"/><w:calendar w:val="gregorian"/></w:date>'
    )


CHECKED_GLYPH = "\u2612"  # ☒
UNCHECKED_GLYPH = "\u2610"  # ☐


def checkbox_ext(checked: bool) -> str:
    return (
        f'<w14:checkbox><w14:checked w14:val="{int(checked)}"/>'
        '<w14:checkedState w14:val="2612" w14:font="MS Gothic"/>'
        '<w14:uncheckedState w14:val="2610" w14:font="MS Gothic"/></w14:checkbox>'
    )


def checkbox_glyph_run(checked: bool) -> str:
    glyph = CHECKED_GLYPH if checked else UNCHECKED_GLYPH
    fonts = (
        '<w:rFonts w:ascii="MS Gothic" w:eastAsia="MS Gothic" w:hAnsi="MS Gothic"'
        ' w:hint="eastAsia"/>'
    )
    return f"<w:r><w:rPr>{fonts}</w:rPr>{t(glyph)}</w:r>"


# --- parts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomXml:
    """A custom XML data-store item (customXml/itemN.xml + itemPropsN.xml)."""

    item_id: str  # "{GUID}", referenced by w:dataBinding/@w:storeItemID
    xml: str
    schema_refs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Media:
    """An image in word/media, related from the main document with ``rel_id``."""

    name: str  # e.g. "image1.png"
    data: bytes
    rel_id: str  # e.g. "rId20"; the body's a:blip/@r:embed


HEADER_TYPES = ("default", "first", "even")


def _root(tag: str, inner: str, *, namespaces: str = WORD_NAMESPACES, attrs: str = "") -> str:
    return f"{XML_DECLARATION}<{tag} {namespaces}{attrs}>{inner}</{tag}>"


def _rels(rels: Sequence[tuple[str, str, str]]) -> str:
    body = "".join(
        f'<Relationship Id="{rid}" Type="{rtype}" Target={attr(target)}/>'
        for rid, rtype, target in rels
    )
    return f'{XML_DECLARATION}<Relationships xmlns="{PKG_REL_NS}">{body}</Relationships>'


def styles_xml(loc: Locale, *, glossary: bool = False) -> str:
    """styles.xml: docDefaults and the styles a Word document of this kind carries."""
    fonts = (
        '<w:rFonts w:ascii="Calibri" w:eastAsia="Calibri" w:hAnsi="Calibri"'
        ' w:cs="Times New Roman"/>'
    )
    defaults = (
        "<w:docDefaults><w:rPrDefault><w:rPr>"
        f'{fonts}<w:kern w:val="2"/><w:sz w:val="22"/><w:szCs w:val="22"/>'
        f'<w:lang w:val="{loc.lang}" w:eastAsia="en-US" w:bidi="ar-SA"/>'
        "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
        '<w:spacing w:after="160" w:line="259" w:lineRule="auto"/>'
        "</w:pPr></w:pPrDefault></w:docDefaults>"
    )
    styles = [
        f'<w:style w:type="paragraph" w:default="1" w:styleId="{loc.normal}">'
        '<w:name w:val="Normal"/><w:qFormat/></w:style>',
        f'<w:style w:type="character" w:default="1" w:styleId="{loc.default_paragraph_font}">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/>'
        "<w:unhideWhenUsed/></w:style>",
        f'<w:style w:type="table" w:default="1" w:styleId="{loc.table_normal}">'
        '<w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>'
        '<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>'
        '<w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
        '<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>',
        f'<w:style w:type="numbering" w:default="1" w:styleId="{loc.no_list}">'
        '<w:name w:val="No List"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>'
        "</w:style>",
        f'<w:style w:type="character" w:styleId="{loc.placeholder_style}">'
        f'<w:name w:val="Placeholder Text"/><w:basedOn w:val="{loc.default_paragraph_font}"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:rPr><w:color w:val="666666"/></w:rPr>'
        "</w:style>",
    ]
    if not glossary:
        for level, size, before in ((1, 32, 360), (2, 28, 160)):
            styles.append(
                f'<w:style w:type="paragraph" w:styleId="{loc.heading(level)}">'
                f'<w:name w:val="heading {level}"/><w:basedOn w:val="{loc.normal}"/>'
                f'<w:next w:val="{loc.normal}"/><w:uiPriority w:val="9"/><w:qFormat/>'
                f'<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="{before}" w:after="80"/>'
                f'<w:outlineLvl w:val="{level - 1}"/></w:pPr>'
                f'<w:rPr><w:color w:val="0F4761"/><w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
                "</w:rPr></w:style>"
            )
        border = 'w:val="single" w:sz="4" w:space="0" w:color="auto"'
        styles.append(
            f'<w:style w:type="table" w:styleId="{loc.table_grid}"><w:name w:val="Table Grid"/>'
            f'<w:basedOn w:val="{loc.table_normal}"/><w:uiPriority w:val="39"/>'
            '<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
            f"<w:tblPr><w:tblBorders><w:top {border}/><w:left {border}/><w:bottom {border}/>"
            f"<w:right {border}/><w:insideH {border}/><w:insideV {border}/></w:tblBorders>"
            "</w:tblPr></w:style>"
        )
        for style_id, name in ((loc.header, "header"), (loc.footer, "footer")):
            styles.append(
                f'<w:style w:type="paragraph" w:styleId="{style_id}"><w:name w:val="{name}"/>'
                f'<w:basedOn w:val="{loc.normal}"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
                '<w:pPr><w:tabs><w:tab w:val="center" w:pos="4536"/>'
                '<w:tab w:val="right" w:pos="9072"/></w:tabs>'
                '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:style>'
            )
        for text_id, text_name, ref_id, ref_name in (
            (loc.footnote_text, "footnote text", loc.footnote_reference, "footnote reference"),
            (loc.endnote_text, "endnote text", loc.endnote_reference, "endnote reference"),
        ):
            styles.append(
                f'<w:style w:type="paragraph" w:styleId="{text_id}"><w:name w:val="{text_name}"/>'
                f'<w:basedOn w:val="{loc.normal}"/><w:uiPriority w:val="99"/><w:semiHidden/>'
                '<w:unhideWhenUsed/><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/>'
                '</w:pPr><w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style>'
            )
            styles.append(
                f'<w:style w:type="character" w:styleId="{ref_id}"><w:name w:val="{ref_name}"/>'
                f'<w:basedOn w:val="{loc.default_paragraph_font}"/><w:uiPriority w:val="99"/>'
                '<w:semiHidden/><w:unhideWhenUsed/><w:rPr><w:vertAlign w:val="superscript"/>'
                "</w:rPr></w:style>"
            )
    return _root("w:styles", defaults + "".join(styles))


def settings_xml(
    loc: Locale, *, key: str, footnotes: bool, endnotes: bool, even_headers: bool = False
) -> str:
    """settings.xml with the elements Word 365 writes, in schema order."""
    inner = ['<w:zoom w:percent="100"/>', '<w:proofState w:spelling="clean" w:grammar="clean"/>']
    inner.append('<w:defaultTabStop w:val="708"/>')
    inner.append('<w:hyphenationZone w:val="425"/>')
    if even_headers:
        inner.append("<w:evenAndOddHeaders/>")
    inner.append('<w:characterSpacingControl w:val="doNotCompress"/>')
    if footnotes:
        inner.append('<w:footnotePr><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>')
    if endnotes:
        inner.append('<w:endnotePr><w:endnote w:id="-1"/><w:endnote w:id="0"/></w:endnotePr>')
    compat = (
        ("compatibilityMode", "15"),
        ("overrideTableStyleFontSizeAndJustification", "1"),
        ("enableOpenTypeFeatures", "1"),
        ("doNotFlipMirrorIndents", "1"),
        ("differentiateMultirowTableHeaders", "1"),
        ("useWord2013TrackBottomHyphenation", "0"),
    )
    inner.append(
        "<w:compat>"
        + "".join(
            f'<w:compatSetting w:name="{n}" w:uri="http://schemas.microsoft.com/office/word"'
            f' w:val="{v}"/>'
            for n, v in compat
        )
        + "</w:compat>"
    )
    inner.append(
        f'<w:rsids><w:rsidRoot w:val="{RSID_ROOT}"/>'
        + "".join(f'<w:rsid w:val="{rsid}"/>' for rsid in RSIDS)
        + "</w:rsids>"
    )
    inner.append(f'<w:themeFontLang w:val="{loc.lang}"/>')
    inner.append(f'<w:decimalSymbol w:val="{loc.decimal_symbol}"/>')
    inner.append(f'<w:listSeparator w:val="{loc.list_separator}"/>')
    doc_id = stable_int("w14:docId " + key, bits=31, signed=False)
    inner.append(f'<w14:docId w14:val="{doc_id:08X}"/>')
    inner.append("<w15:chartTrackingRefBased/>")
    inner.append(f'<w15:docId w15:val="{stable_guid("w15:docId " + key)}"/>')
    return _root("w:settings", "".join(inner))


def web_settings_xml() -> str:
    return _root("w:webSettings", "<w:optimizeForBrowser/><w:allowPNG/>")


def font_table_xml() -> str:
    fonts = (
        ("Calibri", "020F0502020204030204", "00", "swiss"),
        ("Times New Roman", "02020603050405020304", "00", "roman"),
        ("MS Gothic", "020B0609070205080204", "80", "modern"),
    )
    inner = "".join(
        f'<w:font w:name="{name}"><w:panose1 w:val="{panose}"/><w:charset w:val="{charset}"/>'
        f'<w:family w:val="{family}"/>'
        f'<w:pitch w:val="{"fixed" if family == "modern" else "variable"}"/>'
        "</w:font>"
        for name, panose, charset, family in fonts
    )
    return _root("w:fonts", inner)


def glossary_xml(loc: Locale, key: str) -> str:
    """The glossary document with Word's three default placeholder building blocks."""
    parts = []
    for name, text in (
        (DOCPART_TEXT, loc.text_placeholder),
        (DOCPART_LIST, loc.list_placeholder),
        (DOCPART_DATE, loc.date_placeholder),
    ):
        parts.append(
            "<w:docPart><w:docPartPr>"
            f'<w:name w:val="{name}"/>'
            f'<w:category><w:name w:val="{loc.glossary_category}"/>'
            '<w:gallery w:val="placeholder"/></w:category>'
            '<w:types><w:type w:val="bbPlcHdr"/></w:types>'
            '<w:behaviors><w:behavior w:val="content"/></w:behaviors>'
            f'<w:guid w:val="{stable_guid(key + name)}"/>'
            "</w:docPartPr><w:docPartBody>"
            + p(placeholder_run(text, loc), rsid=RSIDS[1])
            + "</w:docPartBody></w:docPart>"
        )
    return _root("w:glossaryDocument", "<w:docParts>" + "".join(parts) + "</w:docParts>")


def _notes_xml(kind: str, bodies: Sequence[str], loc: Locale) -> str:
    """footnotes.xml / endnotes.xml: separator (-1), continuationSeparator (0), then notes 1.."""
    text_style = loc.footnote_text if kind == "footnote" else loc.endnote_text
    ref_style = loc.footnote_reference if kind == "footnote" else loc.endnote_reference
    sep = '<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
    inner = [
        f'<w:{kind} w:type="separator" w:id="-1"><w:p>{sep}<w:r><w:separator/></w:r></w:p>'
        f"</w:{kind}>",
        f'<w:{kind} w:type="continuationSeparator" w:id="0"><w:p>{sep}'
        f"<w:r><w:continuationSeparator/></w:r></w:p></w:{kind}>",
    ]
    for i, body in enumerate(bodies, start=1):
        mark = f'<w:r><w:rPr><w:rStyle w:val="{ref_style}"/></w:rPr><w:{kind}Ref/></w:r>'
        inner.append(
            f'<w:{kind} w:id="{i}">'
            f'<w:p><w:pPr><w:pStyle w:val="{text_style}"/></w:pPr>{mark}{r(" ")}{body}</w:p>'
            f"</w:{kind}>"
        )
    return _root(f"w:{kind}s", "".join(inner))


def core_xml(title: str) -> str:
    return (
        f"{XML_DECLARATION}<cp:coreProperties"
        ' xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
        ' xmlns:dcmitype="http://purl.org/dc/dcmitype/"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{esc(title)}</dc:title><dc:creator>Gemeente Voorbeeld</dc:creator>"
        "<cp:lastModifiedBy>Gemeente Voorbeeld</cp:lastModifiedBy><cp:revision>2</cp:revision>"
        '<dcterms:created xsi:type="dcterms:W3CDTF">2025-01-06T09:00:00Z</dcterms:created>'
        '<dcterms:modified xsi:type="dcterms:W3CDTF">2025-01-06T09:30:00Z</dcterms:modified>'
        "</cp:coreProperties>"
    )


def app_xml(template: bool) -> str:
    return (
        f"{XML_DECLARATION}<Properties"
        ' xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
        ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"<Template>{'' if template else 'Normal.dotm'}</Template><TotalTime>1</TotalTime>"
        "<Pages>1</Pages><Words>0</Words><Characters>0</Characters>"
        "<Application>Microsoft Office Word</Application><DocSecurity>0</DocSecurity>"
        "<Lines>1</Lines><Paragraphs>1</Paragraphs><ScaleCrop>false</ScaleCrop>"
        "<Company></Company><LinksUpToDate>false</LinksUpToDate>"
        "<CharactersWithSpaces>0</CharactersWithSpaces><SharedDoc>false</SharedDoc>"
        "<HyperlinksChanged>false</HyperlinksChanged><AppVersion>16.0000</AppVersion>"
        "</Properties>"
    )


def item_props_xml(item: CustomXml) -> str:
    refs = "".join(f'<ds:schemaRef ds:uri="{uri}"/>' for uri in item.schema_refs)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\r\n'
        f'<ds:datastoreItem ds:itemID="{item.item_id}" xmlns:ds="{DS_NS}">'
        f"<ds:schemaRefs>{refs}</ds:schemaRefs></ds:datastoreItem>"
    )


def section_properties(header_rids: Sequence[str], footer_rids: Sequence[str]) -> str:
    refs = "".join(
        f'<w:headerReference w:type="{HEADER_TYPES[i]}" r:id="{rid}"/>'
        for i, rid in enumerate(header_rids)
    ) + "".join(
        f'<w:footerReference w:type="{HEADER_TYPES[i]}" r:id="{rid}"/>'
        for i, rid in enumerate(footer_rids)
    )
    title_pg = "<w:titlePg/>" if max(len(header_rids), len(footer_rids)) >= 2 else ""
    return (
        f"<w:sectPr>{refs}"
        '<w:pgSz w:w="11906" w:h="16838"/>'
        '<w:pgMar w:top="1417" w:right="1417" w:bottom="1417" w:left="1417" w:header="708"'
        ' w:footer="708" w:gutter="0"/>'
        f'<w:cols w:space="708"/>{title_pg}<w:docGrid w:linePitch="360"/></w:sectPr>'
    )


def build_parts(
    body: str,
    *,
    headers: Sequence[str] = (),
    footers: Sequence[str] = (),
    footnotes: Sequence[str] = (),
    endnotes: Sequence[str] = (),
    custom_xml: Sequence[CustomXml] = (),
    media: Sequence[Media] = (),
    lang: str = "nl-NL",
    placeholder_style: str | None = None,
    main_content_type: str = "docx",
    title: str = "Beleidsplan",
    extra_parts: Sequence[tuple[str, str | None, bytes]] = (),
    check: bool = True,
) -> dict[str, bytes]:
    """Every part of the package, in the order Word writes them to the zip.

    ``body`` is the inside of w:body without the final w:sectPr (which is added with the header
    and footer references). ``headers``/``footers`` are the insides of w:hdr/w:ftr (up to three
    each: default, first, even). ``footnotes``/``endnotes`` are run content that follows the note
    mark in each note's paragraph; note *n* (from 1) must be referenced from the body with
    :func:`footnote_reference`/:func:`endnote_reference`. ``extra_parts`` are (name, content type
    override or None, bytes) added as they are. ``placeholder_style`` overrides the locale's
    styleId of the Placeholder Text style (the body must then use it too).
    """
    if main_content_type not in ("docx", "dotx"):
        raise ValueError(main_content_type)
    if max(len(headers), len(footers)) > len(HEADER_TYPES):
        raise ValueError("at most three headers and three footers")
    loc = locale(lang)
    if placeholder_style is not None:
        loc = replace(loc, placeholder_style=placeholder_style)
    key = title + "|" + body

    overrides: list[tuple[str, str]] = []
    rels: list[tuple[str, str, str]] = []
    parts: dict[str, str | bytes] = {}

    def add(name: str, content: str | bytes, content_type: str | None) -> None:
        parts[name] = content
        if content_type is not None:
            overrides.append(("/" + name, content_type))

    def rid() -> str:
        return f"rId{len(rels) + 1}"

    # customXml first: Word relates it from the main document as rId1, rId2, ...
    for n in range(1, len(custom_xml) + 1):
        rels.append((rid(), REL + "customXml", f"../customXml/item{n}.xml"))
    rels.append((rid(), REL + "styles", "styles.xml"))
    rels.append((rid(), REL + "settings", "settings.xml"))
    rels.append((rid(), REL + "webSettings", "webSettings.xml"))
    if footnotes:
        rels.append((rid(), REL + "footnotes", "footnotes.xml"))
    if endnotes:
        rels.append((rid(), REL + "endnotes", "endnotes.xml"))
    header_rids = []
    for n in range(1, len(headers) + 1):
        header_rids.append(rid())
        rels.append((header_rids[-1], REL + "header", f"header{n}.xml"))
    footer_rids = []
    for n in range(1, len(footers) + 1):
        footer_rids.append(rid())
        rels.append((footer_rids[-1], REL + "footer", f"footer{n}.xml"))
    rels.append((rid(), REL + "fontTable", "fontTable.xml"))
    rels.append((rid(), REL + "glossaryDocument", "glossary/document.xml"))
    used = {rel_id for rel_id, _, _ in rels}
    for m in media:
        if m.rel_id in used:
            raise ValueError(f"media relationship id {m.rel_id} is already used")
        used.add(m.rel_id)
        rels.append((m.rel_id, REL + "image", f"media/{m.name}"))

    main_ct = CT_MAIN_DOCX if main_content_type == "docx" else CT_MAIN_DOTX
    document = _root(
        "w:document",
        f"<w:body>{body}{section_properties(header_rids, footer_rids)}</w:body>",
    )

    add(
        "_rels/.rels",
        _rels(
            [
                ("rId3", REL_APP, "docProps/app.xml"),
                ("rId2", REL_CORE, "docProps/core.xml"),
                ("rId1", REL_OFFICE_DOCUMENT, "word/document.xml"),
            ]
        ),
        None,
    )
    add("word/document.xml", document, main_ct)
    add("word/_rels/document.xml.rels", _rels(rels), None)
    for n, item in enumerate(custom_xml, start=1):
        add(f"customXml/item{n}.xml", item.xml, None)
        add(f"customXml/itemProps{n}.xml", item_props_xml(item), CT_CUSTOM_XML_PROPS)
        add(
            f"customXml/_rels/item{n}.xml.rels",
            _rels([("rId1", REL + "customXmlProps", f"itemProps{n}.xml")]),
            None,
        )
    if footnotes:
        add("word/footnotes.xml", _notes_xml("footnote", footnotes, loc), CT_WML + "footnotes+xml")
    if endnotes:
        add("word/endnotes.xml", _notes_xml("endnote", endnotes, loc), CT_WML + "endnotes+xml")
    for n, inner in enumerate(headers, start=1):
        add(f"word/header{n}.xml", _root("w:hdr", inner), CT_WML + "header+xml")
    for n, inner in enumerate(footers, start=1):
        add(f"word/footer{n}.xml", _root("w:ftr", inner), CT_WML + "footer+xml")
    for m in media:
        add(f"word/media/{m.name}", m.data, None)
    add(
        "word/settings.xml",
        settings_xml(
            loc,
            key=key,
            footnotes=bool(footnotes),
            endnotes=bool(endnotes),
            even_headers=max(len(headers), len(footers)) >= 3,
        ),
        CT_WML + "settings+xml",
    )
    add("word/styles.xml", styles_xml(loc), CT_WML + "styles+xml")
    add("word/webSettings.xml", web_settings_xml(), CT_WML + "webSettings+xml")
    add("word/fontTable.xml", font_table_xml(), CT_WML + "fontTable+xml")
    add("word/glossary/document.xml", glossary_xml(loc, key), CT_GLOSSARY)
    add(
        "word/glossary/_rels/document.xml.rels",
        _rels(
            [
                ("rId1", REL + "styles", "styles.xml"),
                ("rId2", REL + "settings", "settings.xml"),
                ("rId3", REL + "webSettings", "webSettings.xml"),
                ("rId4", REL + "fontTable", "fontTable.xml"),
            ]
        ),
        None,
    )
    add("word/glossary/styles.xml", styles_xml(loc, glossary=True), CT_WML + "styles+xml")
    add(
        "word/glossary/settings.xml",
        settings_xml(loc, key=key + "glossary", footnotes=False, endnotes=False),
        CT_WML + "settings+xml",
    )
    add("word/glossary/webSettings.xml", web_settings_xml(), CT_WML + "webSettings+xml")
    add("word/glossary/fontTable.xml", font_table_xml(), CT_WML + "fontTable+xml")
    add("docProps/core.xml", core_xml(title), CT_CORE)
    add("docProps/app.xml", app_xml(main_content_type == "dotx"), CT_APP)
    for name, content_type, data in extra_parts:
        add(name, data, content_type)

    defaults = [("png", "image/png")] if any(m.name.endswith(".png") for m in media) else []
    defaults += [("rels", CT_RELS), ("xml", "application/xml")]
    content_types = (
        f'{XML_DECLARATION}<Types xmlns="{CT_NS}">'
        + "".join(f'<Default Extension="{e}" ContentType="{c}"/>' for e, c in defaults)
        + "".join(f'<Override PartName="{n}" ContentType="{c}"/>' for n, c in overrides)
        + "</Types>"
    )
    ordered: dict[str, bytes] = {"[Content_Types].xml": content_types.encode("utf-8")}
    for name, content in parts.items():
        ordered[name] = content.encode("utf-8") if isinstance(content, str) else content
    if check:
        for name, data in ordered.items():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(data)  # a malformed fragment fails here, not in a judge
    return ordered


ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def zip_parts(parts: Mapping[str, bytes]) -> bytes:
    """Zip the parts in the given order with fixed timestamps: same input, same bytes."""
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            archive.writestr(info, data)
    return buffer.getvalue()


def build_docx(body: str, **kwargs: object) -> bytes:
    """A complete .docx (or .dotx with ``main_content_type="dotx"``); see :func:`build_parts`."""
    return zip_parts(build_parts(body, **kwargs))  # type: ignore[arg-type]
