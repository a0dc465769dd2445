"""Broken and hostile inputs: what a reader of Word templates must refuse (or survive) cleanly.

Every builder is bounded: the zip bombs are written from one precomputed deflate segment, so
building one takes well under a second of compression and never holds the inflated data.
"""

from __future__ import annotations

import base64
import functools
import struct
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from . import cases
from .word import (
    CT_CORE,
    CT_RELS,
    REL,
    REL_CORE,
    REL_OFFICE_DOCUMENT,
    WORD_NAMESPACES,
    XML_DECLARATION,
    build_parts,
    core_xml,
    p,
    r,
    zip_parts,
)


@dataclass(frozen=True)
class HostileCase:
    name: str
    description: str
    build: Callable[[], bytes]
    suffix: str
    problem: str  # short slug of what is wrong

    @property
    def filename(self) -> str:
        return self.name + self.suffix


HOSTILE: list[HostileCase] = []


def hostile(name: str, description: str, *, suffix: str = ".docx", problem: str):  # type: ignore[no-untyped-def]
    def register(build: Callable[[], bytes]) -> Callable[[], bytes]:
        HOSTILE.append(HostileCase(name, description, build, suffix, problem))
        return build

    return register


OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_BOMB_SIZE = 1 << 30  # 1 GiB of zeros once inflated
ZIP_BOMB_DECLARED = 4096  # what the lying variant declares
BOMB_PART = "word/document.xml"


def _valid_parts() -> dict[str, bytes]:
    """The parts of a small valid document with one tagged control."""
    body = p(cases.Q_AANLEIDING) + cases.rich_block(None, tag="aanleiding", alias="Aanleiding")
    return build_parts(body)


def _document_xml(body: str, *, prolog: str = XML_DECLARATION) -> bytes:
    return f"{prolog}<w:document {WORD_NAMESPACES}><w:body>{body}</w:body></w:document>".encode()


def _with_document(document: bytes) -> bytes:
    """The valid package with word/document.xml replaced by ``document``."""
    parts = _valid_parts()
    parts["word/document.xml"] = document
    return zip_parts(parts)


# --- not a package at all --------------------------------------------------------------------


@hostile("empty_file", "A zero-byte file with a .docx name.", problem="empty")
def _empty_file() -> bytes:
    return b""


@hostile("not_a_zip", "Plain Dutch text saved with a .docx name.", problem="not_zip")
def _not_a_zip() -> bytes:
    return b"Dit is geen Word-document maar platte tekst.\r\nGemeente Voorbeeld\r\n"


@hostile(
    "truncated_zip",
    "The rich_text_block_body case cut in half (no central directory).",
    problem="truncated_zip",
)
def _truncated_zip() -> bytes:
    data = cases.by_name("rich_text_block_body").build()
    return data[: len(data) // 2]


# --- zip bombs ----------------------------------------------------------------------------------

_CHUNK = 1 << 20


@functools.cache
def _zero_deflate(total: int) -> tuple[bytes, int]:
    """A raw deflate stream of ``total`` zero bytes and its CRC-32, built without inflating.

    One MiB of zeros is compressed with a full flush, which ends byte-aligned with an empty
    window, so the same segment can be repeated; the CRC is computed over the same zero chunk.
    """
    if total % _CHUNK:
        raise ValueError("total must be a whole number of MiB")
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = bytes(_CHUNK)
    segment = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(total // _CHUNK):
        crc = zlib.crc32(chunk, crc)
    return segment * (total // _CHUNK) + tail, crc


@dataclass(frozen=True)
class RawEntry:
    name: str
    data: bytes  # stored as is (method 8: raw deflate data)
    crc: int
    size: int  # uncompressed size written to the local header and central directory


def raw_zip(entries: Sequence[RawEntry]) -> bytes:
    """A zip written by hand, so entries can carry pre-compressed data and any declared size."""
    out = bytearray()
    central = bytearray()
    for e in entries:
        name = e.name.encode("utf-8")
        offset = len(out)
        # local file header: version 20, flags 0, deflate, time/date 1980-01-01 00:00
        out += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, e.crc, len(e.data), e.size, len(name), 0
        )
        out += name + e.data
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0,
            8,
            0,
            0x21,
            e.crc,
            len(e.data),
            e.size,
            len(name),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        central += name
    cd_offset = len(out)
    out += central
    out += struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), cd_offset, 0
    )
    return bytes(out)


def _deflated(name: str, data: bytes) -> RawEntry:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return RawEntry(name, c.compress(data) + c.flush(), zlib.crc32(data), len(data))


def _bomb(declared: int | None) -> bytes:
    stream, crc = _zero_deflate(ZIP_BOMB_SIZE)
    entries = []
    for name, data in _valid_parts().items():
        if name == BOMB_PART:
            entries.append(
                RawEntry(name, stream, crc, ZIP_BOMB_SIZE if declared is None else declared)
            )
        else:
            entries.append(_deflated(name, data))
    return raw_zip(entries)


@hostile(
    "zip_bomb",
    "word/document.xml inflates to 1 GiB of zeros (about 1 MB compressed); sizes are honest.",
    problem="zip_bomb",
)
def _zip_bomb() -> bytes:
    return _bomb(None)


@hostile(
    "zip_bomb_lying_size",
    "word/document.xml inflates to 1 GiB of zeros, but the local header and central directory "
    f"declare {ZIP_BOMB_DECLARED} bytes (the CRC-32 is that of the real 1 GiB).",
    problem="zip_bomb_declared_size_lies",
)
def _zip_bomb_lying_size() -> bytes:
    return _bomb(ZIP_BOMB_DECLARED)


# --- hostile XML ------------------------------------------------------------------------------

XXE_TARGET = "file:///etc/passwd"


def _control_body(text_xml: str) -> str:
    """A question and a tagged plain text control whose w:t holds ``text_xml`` unescaped."""
    control = (
        '<w:sdt><w:sdtPr><w:alias w:val="Gemeente"/><w:tag w:val="gemeente"/>'
        '<w:id w:val="-1089430216"/><w:text/></w:sdtPr>'
        f"<w:sdtContent><w:r><w:t>{text_xml}</w:t></w:r></w:sdtContent></w:sdt>"
    )
    return p(r("Naam van de gemeente: ")).replace("</w:p>", control + "</w:p>")


@hostile(
    "xxe_external_entity",
    f"word/document.xml declares a DOCTYPE with an external entity ({XXE_TARGET}), used in a "
    "control.",
    problem="xxe",
)
def _xxe() -> bytes:
    prolog = (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\r\n'
        f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{XXE_TARGET}">]>'
    )
    document = _document_xml(_control_body("&xxe;"), prolog=prolog)
    return _with_document(document)


@hostile(
    "billion_laughs",
    "word/document.xml declares nested entities (lol9 expands to 10^9 'lol's) used in a control.",
    problem="entity_expansion",
)
def _billion_laughs() -> bytes:
    entities = ['<!ENTITY lol "lol">']
    for n in range(1, 10):
        prev = "lol" if n == 1 else f"lol{n - 1}"
        entities.append(f'<!ENTITY lol{n} "{("&" + prev + ";") * 10}">')
    prolog = XML_DECLARATION + f"<!DOCTYPE w:document [{''.join(entities)}]>"
    document = _document_xml(_control_body("&lol9;"), prolog=prolog)
    return _with_document(document)


@hostile(
    "non_utf8_encoding",
    "word/document.xml declared and encoded as windows-1252 (OOXML allows only UTF-8/UTF-16).",
    problem="non_utf8_xml",
)
def _non_utf8_encoding() -> bytes:
    body = p("Hoe vaak wordt het plan geëvalueerd?") + _control_body("Elk jaar, budget € 120.000")
    text = (
        '<?xml version="1.0" encoding="windows-1252" standalone="yes"?>\r\n'
        f"<w:document {WORD_NAMESPACES}><w:body>{body}</w:body></w:document>"
    )
    return _with_document(text.encode("cp1252"))


@hostile(
    "malformed_xml",
    "word/document.xml is not well-formed: a w:t is never closed.",
    problem="malformed_xml",
)
def _malformed_xml() -> bytes:
    body = p(cases.Q_AANLEIDING) + "<w:p><w:r><w:t>De aanleiding is</w:r></w:p>"
    return _with_document(_document_xml(body))


# --- broken packages ------------------------------------------------------------------------------


@hostile(
    "missing_document_xml",
    "word/document.xml is absent although [Content_Types].xml and _rels/.rels still name it.",
    problem="missing_main_part",
)
def _missing_document_xml() -> bytes:
    parts = _valid_parts()
    del parts["word/document.xml"]
    return zip_parts(parts)


@hostile(
    "broken_relationship",
    "word/_rels/document.xml.rels relates styles.xml, but word/styles.xml is not in the zip.",
    problem="missing_related_part",
)
def _broken_relationship() -> bytes:
    parts = _valid_parts()
    del parts["word/styles.xml"]
    return zip_parts(parts)


# Strict OOXML (ISO/IEC 29500 Strict): other namespaces and relationship types.
STRICT_W = "http://purl.oclc.org/ooxml/wordprocessingml/main"
STRICT_R = "http://purl.oclc.org/ooxml/officeDocument/relationships"
_STRICT_MAP = (
    ("http://schemas.openxmlformats.org/wordprocessingml/2006/main", STRICT_W),
    ("http://schemas.openxmlformats.org/officeDocument/2006/relationships", STRICT_R),
    (
        "http://schemas.openxmlformats.org/drawingml/2006/main",
        "http://purl.oclc.org/ooxml/drawingml/main",
    ),
    (
        "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
        "http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing",
    ),
    (
        "http://schemas.openxmlformats.org/drawingml/2006/picture",
        "http://purl.oclc.org/ooxml/drawingml/picture",
    ),
    (
        "http://schemas.openxmlformats.org/officeDocument/2006/math",
        "http://purl.oclc.org/ooxml/officeDocument/math",
    ),
)


@hostile(
    "strict_ooxml",
    'Strict OOXML: purl.oclc.org namespaces and relationship types, w:conformance="strict"; '
    "one plain text control tagged 'gemeente' holding 'Leiden'.",
    problem="strict_ooxml",
)
def _strict_ooxml() -> bytes:
    body = p(
        r("Naam van de gemeente: "),
        cases.plain_run("Leiden", tag="gemeente", alias="Gemeente"),
    )
    parts = build_parts(body, title="Beleidsplan (Strict)")
    del parts["docProps/app.xml"]  # Word's Strict app.xml has its own namespace; leave it out
    out: dict[str, bytes] = {}
    for name, data in parts.items():
        text = data.decode("utf-8")
        if name == "_rels/.rels":
            text = (
                f'{XML_DECLARATION}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                f'<Relationship Id="rId2" Type="{REL_CORE}" Target="docProps/core.xml"/>'
                f'<Relationship Id="rId1" Type="{STRICT_R}/officeDocument"'
                ' Target="word/document.xml"/>'
                "</Relationships>"
            )
        elif name == "[Content_Types].xml":
            text = text.replace(
                '<Override PartName="/docProps/app.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>',
                "",
            )
        for old, new in _STRICT_MAP:
            text = text.replace(old, new)
        if name == "word/document.xml":
            text = text.replace("<w:document ", '<w:document w:conformance="strict" ', 1)
        out[name] = text.encode("utf-8")
    return zip_parts(out)


# --- other formats given as templates -------------------------------------------------------------

SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PML = "http://schemas.openxmlformats.org/presentationml/2006/main"
DML = "http://schemas.openxmlformats.org/drawingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _rels(*rels: tuple[str, str, str]) -> bytes:
    body = "".join(f'<Relationship Id="{i}" Type="{REL}{t}" Target="{g}"/>' for i, t, g in rels)
    return f'{XML_DECLARATION}<Relationships xmlns="{PKG_RELS}">{body}</Relationships>'.encode()


def _content_types(overrides: Sequence[tuple[str, str]]) -> bytes:
    body = (
        f'<Default Extension="rels" ContentType="{CT_RELS}"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(f'<Override PartName="{n}" ContentType="{c}"/>' for n, c in overrides)
    )
    return (
        f'{XML_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f"{body}</Types>"
    ).encode()


def _package_rels(main: str) -> bytes:
    return (
        f'{XML_DECLARATION}<Relationships xmlns="{PKG_RELS}">'
        f'<Relationship Id="rId1" Type="{REL_OFFICE_DOCUMENT}" Target="{main}"/>'
        f'<Relationship Id="rId2" Type="{REL_CORE}" Target="docProps/core.xml"/>'
        "</Relationships>"
    ).encode()


CT_XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
CT_PPTX_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"


@hostile(
    "xlsx_as_template",
    "A minimal valid Excel workbook (.xlsx) offered where a Word template is expected.",
    suffix=".xlsx",
    problem="wrong_package_type",
)
def _xlsx() -> bytes:
    pml_ct = "application/vnd.openxmlformats-officedocument.spreadsheetml."
    parts = {
        "[Content_Types].xml": _content_types(
            [
                ("/xl/workbook.xml", CT_XLSX_MAIN),
                ("/xl/worksheets/sheet1.xml", pml_ct + "worksheet+xml"),
                ("/docProps/core.xml", CT_CORE),
            ]
        ),
        "_rels/.rels": _package_rels("xl/workbook.xml"),
        "xl/workbook.xml": (
            f'{XML_DECLARATION}<workbook xmlns="{SML}" xmlns:r="{R_NS}"><sheets>'
            '<sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ).encode(),
        "xl/_rels/workbook.xml.rels": _rels(("rId1", "worksheet", "worksheets/sheet1.xml")),
        "xl/worksheets/sheet1.xml": (
            f'{XML_DECLARATION}<worksheet xmlns="{SML}"><sheetData><row r="1">'
            '<c r="A1" t="inlineStr"><is><t>Beleidsplan</t></is></c>'
            '<c r="B1" t="inlineStr"><is><t>Leiden</t></is></c></row></sheetData></worksheet>'
        ).encode(),
        "docProps/core.xml": core_xml("Werkmap").encode(),
    }
    return zip_parts(parts)


def _theme() -> str:
    colors = (
        ("dk1", '<a:sysClr val="windowText" lastClr="000000"/>'),
        ("lt1", '<a:sysClr val="window" lastClr="FFFFFF"/>'),
        ("dk2", '<a:srgbClr val="0E2841"/>'),
        ("lt2", '<a:srgbClr val="E8E8E8"/>'),
        ("accent1", '<a:srgbClr val="156082"/>'),
        ("accent2", '<a:srgbClr val="E97132"/>'),
        ("accent3", '<a:srgbClr val="196B24"/>'),
        ("accent4", '<a:srgbClr val="0F9ED5"/>'),
        ("accent5", '<a:srgbClr val="A02B93"/>'),
        ("accent6", '<a:srgbClr val="4EA72E"/>'),
        ("hlink", '<a:srgbClr val="467886"/>'),
        ("folHlink", '<a:srgbClr val="96607D"/>'),
    )
    clr = "".join(f"<a:{n}>{c}</a:{n}>" for n, c in colors)
    font = '<a:latin typeface="{0}"/><a:ea typeface=""/><a:cs typeface=""/>'
    fill = '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
    line = f'<a:ln w="12700">{fill}</a:ln>'
    effect = "<a:effectStyle><a:effectLst/></a:effectStyle>"
    return (
        f'{XML_DECLARATION}<a:theme xmlns:a="{DML}" name="Office-thema"><a:themeElements>'
        f'<a:clrScheme name="Office">{clr}</a:clrScheme>'
        f'<a:fontScheme name="Office"><a:majorFont>{font.format("Aptos Display")}</a:majorFont>'
        f"<a:minorFont>{font.format('Aptos')}</a:minorFont></a:fontScheme>"
        f'<a:fmtScheme name="Office"><a:fillStyleLst>{fill * 3}</a:fillStyleLst>'
        f"<a:lnStyleLst>{line * 3}</a:lnStyleLst><a:effectStyleLst>{effect * 3}</a:effectStyleLst>"
        f"<a:bgFillStyleLst>{fill * 3}</a:bgFillStyleLst></a:fmtScheme>"
        "</a:themeElements></a:theme>"
    )


def _sp_tree(shapes: str = "") -> str:
    return (
        '<p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/>'
        f"</p:nvGrpSpPr><p:grpSpPr/>{shapes}</p:spTree></p:cSld>"
    )


@hostile(
    "pptx_as_template",
    "A minimal valid PowerPoint presentation (.pptx: master, layout, theme, one slide).",
    suffix=".pptx",
    problem="wrong_package_type",
)
def _pptx() -> bytes:
    ns = f'xmlns:a="{DML}" xmlns:r="{R_NS}" xmlns:p="{PML}"'
    ct = "application/vnd.openxmlformats-officedocument.presentationml."
    clr_map = (
        '<p:clrMap bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1" accent2="accent2"'
        ' accent3="accent3" accent4="accent4" accent5="accent5" accent6="accent6" hlink="hlink"'
        ' folHlink="folHlink"/>'
    )
    title = (
        '<p:sp><p:nvSpPr><p:cNvPr id="2" name="Titel 1"/><p:cNvSpPr/><p:nvPr/></p:nvSpPr>'
        '<p:spPr><a:xfrm><a:off x="838200" y="365125"/><a:ext cx="10515600" cy="1325563"/>'
        '</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr>'
        '<p:txBody><a:bodyPr/><a:lstStyle/><a:p><a:r><a:rPr lang="nl-NL"/>'
        "<a:t>Beleidsplan</a:t></a:r></a:p></p:txBody></p:sp>"
    )
    parts = {
        "[Content_Types].xml": _content_types(
            [
                ("/ppt/presentation.xml", CT_PPTX_MAIN),
                ("/ppt/slideMasters/slideMaster1.xml", ct + "slideMaster+xml"),
                ("/ppt/slideLayouts/slideLayout1.xml", ct + "slideLayout+xml"),
                ("/ppt/slides/slide1.xml", ct + "slide+xml"),
                (
                    "/ppt/theme/theme1.xml",
                    "application/vnd.openxmlformats-officedocument.theme+xml",
                ),
                ("/docProps/core.xml", CT_CORE),
            ]
        ),
        "_rels/.rels": _package_rels("ppt/presentation.xml"),
        "ppt/presentation.xml": (
            f"{XML_DECLARATION}<p:presentation {ns}>"
            '<p:sldMasterIdLst><p:sldMasterId id="2147483648" r:id="rId1"/></p:sldMasterIdLst>'
            '<p:sldIdLst><p:sldId id="256" r:id="rId2"/></p:sldIdLst>'
            '<p:sldSz cx="12192000" cy="6858000"/><p:notesSz cx="6858000" cy="9144000"/>'
            "</p:presentation>"
        ).encode(),
        "ppt/_rels/presentation.xml.rels": _rels(
            ("rId1", "slideMaster", "slideMasters/slideMaster1.xml"),
            ("rId2", "slide", "slides/slide1.xml"),
            ("rId3", "theme", "theme/theme1.xml"),
        ),
        "ppt/slideMasters/slideMaster1.xml": (
            f"{XML_DECLARATION}<p:sldMaster {ns}>{_sp_tree()}{clr_map}"
            '<p:sldLayoutIdLst><p:sldLayoutId id="2147483649" r:id="rId1"/></p:sldLayoutIdLst>'
            "</p:sldMaster>"
        ).encode(),
        "ppt/slideMasters/_rels/slideMaster1.xml.rels": _rels(
            ("rId1", "slideLayout", "../slideLayouts/slideLayout1.xml"),
            ("rId2", "theme", "../theme/theme1.xml"),
        ),
        "ppt/slideLayouts/slideLayout1.xml": (
            f'{XML_DECLARATION}<p:sldLayout {ns} preserve="1">{_sp_tree()}'
            "<p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>"
        ).encode(),
        "ppt/slideLayouts/_rels/slideLayout1.xml.rels": _rels(
            ("rId1", "slideMaster", "../slideMasters/slideMaster1.xml")
        ),
        "ppt/slides/slide1.xml": (
            f"{XML_DECLARATION}<p:sld {ns}>{_sp_tree(title)}"
            "<p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>"
        ).encode(),
        "ppt/slides/_rels/slide1.xml.rels": _rels(
            ("rId1", "slideLayout", "../slideLayouts/slideLayout1.xml")
        ),
        "ppt/theme/theme1.xml": _theme().encode(),
        "docProps/core.xml": core_xml("Presentatie").encode(),
    }
    return zip_parts(parts)


# --- OLE compound files ---------------------------------------------------------------------------

_FREE, _END, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_SECTOR, _MINI, _CUTOFF = 512, 64, 4096


@dataclass
class _Entry:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    data: bytes = b""
    children: list[_Entry] | None = None
    index: int = -1
    left: int = _NOSTREAM
    right: int = _NOSTREAM
    child: int = _NOSTREAM
    start: int = _END


def _cfb_key(name: str) -> tuple[int, str]:
    return (len(name), name.upper())


def compound_file(streams: Mapping[str, bytes]) -> bytes:
    """A version 3 Compound File Binary (OLE2) container holding ``streams``.

    Keys are paths with ``/`` between storage names ("\\x06DataSpaces/Version"). Streams under
    4096 bytes live in the mini stream, as Office writes them; sibling entries form a balanced
    binary tree ordered by name length, then upper-cased name, all coloured black.
    """
    root = _Entry("Root Entry", 5, children=[])
    for path, data in streams.items():
        node = root
        *dirs, leaf = path.split("/")
        for d in dirs:
            assert node.children is not None
            found = next((c for c in node.children if c.name == d), None)
            if found is None:
                found = _Entry(d, 1, children=[])
                node.children.append(found)
            node = found
        assert node.children is not None
        node.children.append(_Entry(leaf, 2, data=data))

    entries: list[_Entry] = []

    def number(node: _Entry) -> None:
        node.index = len(entries)
        entries.append(node)
        for c in sorted(node.children or [], key=lambda e: _cfb_key(e.name)):
            number(c)

    number(root)

    def tree(nodes: list[_Entry]) -> int:
        if not nodes:
            return _NOSTREAM
        mid = len(nodes) // 2
        nodes[mid].left = tree(nodes[:mid])
        nodes[mid].right = tree(nodes[mid + 1 :])
        return nodes[mid].index

    for e in entries:
        if e.children:
            e.child = tree(sorted(e.children, key=lambda c: _cfb_key(c.name)))

    small = [e for e in entries if e.kind == 2 and len(e.data) < _CUTOFF]
    big = [e for e in entries if e.kind == 2 and len(e.data) >= _CUTOFF]

    def ceil(n: int, d: int) -> int:
        return -(-n // d)

    mini_fat: list[int] = []
    mini_stream = bytearray()
    for e in small:
        count = ceil(len(e.data), _MINI)
        e.start = len(mini_fat) if count else _END
        mini_fat += [len(mini_fat) + i + 1 for i in range(count - 1)] + ([_END] if count else [])
        mini_stream += e.data.ljust(count * _MINI, b"\0")

    n_dir = ceil(len(entries) * 128, _SECTOR)
    n_minifat = ceil(len(mini_fat) * 4, _SECTOR)
    n_mini_stream = ceil(len(mini_stream), _SECTOR)
    n_big = sum(ceil(len(e.data), _SECTOR) for e in big)
    n_data = n_dir + n_minifat + n_mini_stream + n_big
    n_fat = 1
    while n_fat * (_SECTOR // 4) < n_data + n_fat:
        n_fat += 1
    if n_fat > 109:
        raise ValueError("too large for a header-only DIFAT")

    fat: list[int] = [_FATSECT] * n_fat
    sectors: list[bytes] = []

    def allocate(data: bytes) -> int:
        count = ceil(len(data), _SECTOR)
        if count == 0:
            return _END
        first = n_fat + len(sectors)
        for i in range(count):
            sectors.append(data[i * _SECTOR : (i + 1) * _SECTOR].ljust(_SECTOR, b"\0"))
            fat.append(first + i + 1 if i < count - 1 else _END)
        return first

    minifat_bytes = b"".join(struct.pack("<I", v) for v in mini_fat)
    minifat_bytes += struct.pack("<I", _FREE) * (n_minifat * _SECTOR // 4 - len(mini_fat))
    first_minifat = allocate(minifat_bytes) if mini_fat else _END
    dir_start_index = len(sectors)
    allocate(bytes(n_dir * _SECTOR))  # placeholder; filled below once start sectors are known
    root.start = allocate(bytes(mini_stream)) if mini_stream else _END
    root.data = bytes(len(mini_stream))
    for e in big:
        e.start = allocate(e.data)

    def dir_entry(e: _Entry | None) -> bytes:
        if e is None:
            return b"\0" * 64 + struct.pack(
                "<HBBIII16sIQQIQ",
                0,
                0,
                0,
                _NOSTREAM,
                _NOSTREAM,
                _NOSTREAM,
                b"\0" * 16,
                0,
                0,
                0,
                0,
                0,
            )
        name = e.name.encode("utf-16-le")
        size = len(mini_stream) if e.kind == 5 else len(e.data) if e.kind == 2 else 0
        start = e.start if e.kind != 1 else 0
        return name.ljust(64, b"\0") + struct.pack(
            "<HBBIII16sIQQIQ",
            len(name) + 2,
            e.kind,
            1,
            e.left,
            e.right,
            e.child,
            b"\0" * 16,
            0,
            0,
            0,
            start,
            size,
        )

    slots = n_dir * _SECTOR // 128
    directory = b"".join(dir_entry(entries[i] if i < len(entries) else None) for i in range(slots))
    for i in range(n_dir):
        sectors[dir_start_index + i] = directory[i * _SECTOR : (i + 1) * _SECTOR]

    fat += [_FREE] * (n_fat * _SECTOR // 4 - len(fat))
    fat_bytes = b"".join(struct.pack("<I", v) for v in fat)
    difat = list(range(n_fat)) + [_FREE] * (109 - n_fat)
    header = (
        OLE_SIGNATURE
        + b"\0" * 16
        + struct.pack(
            "<HHHHH6sIIIIIIIII",
            0x003E,
            0x0003,
            0xFFFE,
            9,
            6,
            b"\0" * 6,
            0,
            n_fat,
            n_fat + dir_start_index,
            0,
            _CUTOFF,
            first_minifat,
            n_minifat,
            _END,
            0,
        )
        + b"".join(struct.pack("<I", v) for v in difat)
    )
    assert len(header) == _SECTOR
    return header + fat_bytes + b"".join(sectors)


def _lp_unicode(text: str) -> bytes:
    """UNICODE-LP-P4: byte length, UTF-16LE characters, padded to a multiple of four bytes."""
    data = text.encode("utf-16-le")
    return struct.pack("<I", len(data)) + data + b"\0" * (-len(data) % 4)


def _data_spaces() -> dict[str, bytes]:
    """The \\x06DataSpaces storage Office writes next to an encrypted package (MS-OFFCRYPTO)."""
    version = _lp_unicode("Microsoft.Container.DataSpaces") + struct.pack(
        "<HHHHHH", 1, 0, 1, 0, 1, 0
    )
    entry = (
        struct.pack("<II", 1, 0)  # one reference component, of type stream
        + _lp_unicode("EncryptedPackage")
        + _lp_unicode("StrongEncryptionDataSpace")
    )
    entry = struct.pack("<I", len(entry) + 4) + entry
    data_space_map = struct.pack("<II", 8, 1) + entry
    definition = struct.pack("<II", 8, 1) + _lp_unicode("StrongEncryptionTransform")
    transform_header = (
        struct.pack("<I", 1)
        + _lp_unicode("{FF9A3F03-56EF-4613-BDD5-5A41C1D07246}")
        + _lp_unicode("Microsoft.Container.EncryptionTransform")
        + struct.pack("<HHHHHH", 1, 0, 1, 0, 1, 0)
    )
    transform = (
        struct.pack("<I", len(transform_header) + 4)
        + transform_header
        + struct.pack("<I", 0)  # EncryptionTransformInfo: empty name
        + struct.pack("<III", 0, 0, 4)
    )
    return {
        "\x06DataSpaces/Version": version,
        "\x06DataSpaces/DataSpaceMap": data_space_map,
        "\x06DataSpaces/DataSpaceInfo/StrongEncryptionDataSpace": definition,
        "\x06DataSpaces/TransformInfo/StrongEncryptionTransform/\x06Primary": transform,
    }


def _b64(key: str, n: int) -> str:
    raw = b"".join(
        zlib.crc32(f"{key}{i}".encode()).to_bytes(4, "little") for i in range(-(-n // 4))
    )
    return base64.b64encode(raw[:n]).decode()


def _encryption_info() -> bytes:
    """Agile EncryptionInfo (version 4.4): the XML descriptor Office writes (values are fake)."""
    common = (
        'saltSize="16" blockSize="16" keyBits="256" hashSize="64" cipherAlgorithm="AES"'
        ' cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512"'
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        '<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption"'
        ' xmlns:p="http://schemas.microsoft.com/office/2006/keyEncryptor/password"'
        ' xmlns:c="http://schemas.microsoft.com/office/2006/keyEncryptor/certificate">'
        f'<keyData {common} saltValue="{_b64("kd", 16)}"/>'
        f'<dataIntegrity encryptedHmacKey="{_b64("hk", 64)}"'
        f' encryptedHmacValue="{_b64("hv", 64)}"/>'
        '<keyEncryptors><keyEncryptor uri="http://schemas.microsoft.com/office/2006/keyEncryptor/password">'
        f'<p:encryptedKey spinCount="100000" {common} saltValue="{_b64("ks", 16)}"'
        f' encryptedVerifierHashInput="{_b64("vi", 16)}"'
        f' encryptedVerifierHashValue="{_b64("vv", 64)}"'
        f' encryptedKeyValue="{_b64("kv", 32)}"/></keyEncryptor></keyEncryptors></encryption>'
    )
    return struct.pack("<HHI", 4, 4, 0x40) + xml.encode("utf-8")


@hostile(
    "encrypted_docx",
    "A password-protected .docx: an OLE compound file with EncryptionInfo (agile), "
    "EncryptedPackage and \\x06DataSpaces, as Office writes it (not decryptable).",
    problem="encrypted",
)
def _encrypted() -> bytes:
    package = cases.by_name("rich_text_block_body").build()
    padded = len(package) + (-len(package) % 16)
    noise = b"".join(
        zlib.crc32(f"enc{i}".encode()).to_bytes(4, "little") for i in range(padded // 4)
    )
    streams = {
        **_data_spaces(),
        "EncryptionInfo": _encryption_info(),
        "EncryptedPackage": struct.pack("<Q", len(package)) + noise,
    }
    return compound_file(streams)


@hostile(
    "old_doc",
    "A Word 97-2003 .doc: an OLE compound file with WordDocument and 1Table streams.",
    suffix=".doc",
    problem="ole_doc",
)
def _old_doc() -> bytes:
    # FIB base: wIdent 0xA5EC, nFib 0x00C1 (Word 97), lid 0x0413 (nl-NL), fWhichTblStm set.
    fib = struct.pack("<HHHHHH", 0xA5EC, 0x00C1, 0x0000, 0x0413, 0x0000, 0x0200)
    text = "Beleidsplan gemeente Voorbeeld\r".encode("utf-16-le")
    word_document = (fib + b"\0" * (0x800 - len(fib)) + text).ljust(4608, b"\0")
    comp_obj = struct.pack("<HHI16s", 1, 0xFFFE, 0x0A03, b"\0" * 16) + b"".join(
        struct.pack("<I", len(s) + 1) + s + b"\0"
        for s in (b"Microsoft Word 97-2003 Document", b"MSWordDoc", b"Word.Document.8")
    )
    return compound_file(
        {"WordDocument": word_document, "1Table": b"\0" * 1024, "\x01CompObj": comp_obj}
    )


# --- valid packages with awkward content ----------------------------------------------------------


@hostile(
    "no_controls",
    "A valid document without any content control (nothing to fill).",
    problem="no_controls",
)
def _no_controls() -> bytes:
    return cases.by_name("no_controls").build()


@hostile(
    "duplicate_tags",
    "A valid document in which a plain text and a dropdown control share the tag 'naam'.",
    problem="duplicate_tags",
)
def _duplicate_tags() -> bytes:
    from .scan import mixed_kinds_document

    return mixed_kinds_document()


def by_name(name: str) -> HostileCase:
    for c in HOSTILE:
        if c.name == name:
            return c
    raise KeyError(name)


from . import bind_hostile as _bind_hostile  # noqa: E402, F401  (registers its hostile cases)
