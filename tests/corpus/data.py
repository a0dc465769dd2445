"""Data files as people and programs really make them: workbooks typed in LibreOffice Calc in the
Dutch locale, and hostile workbooks (zip bombs of shared strings, damaged cell attributes).

Calc cannot be driven to type here (no UNO bridge), so a workbook is typed the way Calc stores what
a person typed: a flat OpenDocument spreadsheet (.fods) with the values, number styles and
locale Calc writes for input such as ``€ 12.500`` in a Dutch locale; :func:`calc_to_xlsx` then
lets the real Calc convert it, so the .xlsx holds Calc's own number formats, shared strings and
error values. The zip bombs are written from one precomputed deflate segment, never inflated.
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from .hostile import RawEntry, raw_zip

MiB = 1 << 20

# -- a workbook typed in LibreOffice Calc (Dutch locale) ----------------------------------------


@dataclass(frozen=True)
class Typed:
    """One cell as a person typed it in Calc: ``text`` is what the cell shows."""

    text: str
    currency: float | None = None  # typed as € 12.500: a currency value in the nl-NL format
    formula: str | None = None  # typed as =…, shown as ``text`` (Calc's result or error)


_FODS_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" office:version="1.3"
 office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
 <office:styles>
  <style:default-style style:family="table-cell">
   <style:text-properties fo:language="nl" fo:country="NL"/>
  </style:default-style>
 </office:styles>
 <office:automatic-styles>
  <number:currency-style style:name="EURP0" style:volatile="true">
   <number:currency-symbol number:language="nl" number:country="NL">€</number:currency-symbol>
   <number:text> </number:text>
   <number:number number:decimal-places="2" number:min-decimal-places="2"
    number:min-integer-digits="1" number:grouping="true"/>
  </number:currency-style>
  <number:currency-style style:name="EUR">
   <number:currency-symbol number:language="nl" number:country="NL">€</number:currency-symbol>
   <number:text> -</number:text>
   <number:number number:decimal-places="2" number:min-decimal-places="2"
    number:min-integer-digits="1" number:grouping="true"/>
   <style:map style:condition="value()&gt;=0" style:apply-style-name="EURP0"/>
  </number:currency-style>
  <style:style style:name="euro" style:family="table-cell" style:parent-style-name="Default"
   style:data-style-name="EUR"/>
 </office:automatic-styles>
 <office:body><office:spreadsheet>
"""


def _fods_cell(cell: Typed | str | None) -> str:
    if cell is None:
        return "<table:table-cell/>"
    if isinstance(cell, str):
        cell = Typed(cell)
    # Alt+Enter in Calc makes a new paragraph in the cell; a trailing one an empty paragraph.
    paragraphs = "".join(
        f"<text:p>{escape(line)}</text:p>" if line else "<text:p/>"
        for line in cell.text.split("\n")
    )
    if cell.formula is not None:
        formula = escape(cell.formula, {'"': "&quot;"})
        return (
            f'<table:table-cell table:formula="of:={formula}" office:value-type="float" '
            f'office:value="0">{paragraphs}</table:table-cell>'
        )
    if cell.currency is not None:
        return (
            '<table:table-cell table:style-name="euro" office:value-type="currency" '
            f'office:currency="EUR" office:value="{cell.currency!r}">{paragraphs}'
            "</table:table-cell>"
        )
    return f'<table:table-cell office:value-type="string">{paragraphs}</table:table-cell>'


def calc_fods(sheet: str, rows: Sequence[Sequence[Typed | str | None]]) -> str:
    """A flat OpenDocument spreadsheet holding what a person typed into Calc (Dutch locale)."""
    body = "".join(
        "<table:table-row>" + "".join(_fods_cell(c) for c in row) + "</table:table-row>"
        for row in rows
    )
    return (
        _FODS_HEAD
        + f'<table:table table:name="{escape(sheet)}">{body}</table:table>'
        + "</office:spreadsheet></office:body></office:document>\n"
    )


def calc_to_xlsx(source: Path, folder: Path) -> Path:
    """The file converted to .xlsx by headless LibreOffice Calc, with a private profile."""
    from judges import convert

    return convert([source], "xlsx", folder / "calc", calc=True)[0]


# -- zip bombs of shared strings ----------------------------------------------------------------

SST_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
SST_UNIT = b"<si><t>" + b"Veel te veel tekst. " * 40 + b"</t></si>"
SST_TAIL = b"</sst>"


@functools.cache
def _repeated_deflate(head: bytes, unit: bytes, total: int, tail: bytes) -> tuple[bytes, int, int]:
    """Raw deflate data of ``head``, ``unit`` repeated to about ``total`` bytes, and ``tail``,
    with its CRC-32 and size, built without inflating: each MiB segment is compressed with a full
    flush (byte-aligned, empty window), so one compressed segment can be repeated."""
    chunk = unit * (MiB // len(unit))
    count = max(1, total // len(chunk))
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    segment = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.compress(tail) + compressor.flush(zlib.Z_FINISH)
    crc = zlib.crc32(head)
    for _ in range(count):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    return start + segment * count + end, crc, len(head) + count * len(chunk) + len(tail)


def _deflated(name: str, data: bytes) -> RawEntry:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return RawEntry(
        name, compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data)
    )


_SST_TYPE = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
_SST_CONTENT = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def with_parts(workbook: bytes, extra: Sequence[RawEntry], *, shared_strings: bool) -> bytes:
    """A workbook (from openpyxl, without shared strings) with extra raw zip entries; with
    ``shared_strings`` the first entry is registered as the shared strings part."""
    import io
    import zipfile

    entries = []
    with zipfile.ZipFile(io.BytesIO(workbook)) as source:
        for info in source.infolist():
            data = source.read(info)
            if shared_strings and info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdSst" Type="' + _SST_TYPE + b'" '
                    b'Target="sharedStrings.xml"/></Relationships>',
                )
            if shared_strings and info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="'
                    + _SST_CONTENT
                    + b'"/></Types>',
                )
            entries.append(_deflated(info.filename, data))
    return raw_zip([*entries, *extra])


def shared_strings_bomb(workbook: bytes, inflated: int, *, declared: int | None = None) -> bytes:
    """The workbook with a shared strings part of valid XML that inflates to ``inflated`` bytes
    (about a thousandth of that compressed); its zip headers declare ``declared`` (default: the
    truth)."""
    data, crc, size = _repeated_deflate(SST_HEAD, SST_UNIT, inflated, SST_TAIL)
    entry = RawEntry("xl/sharedStrings.xml", data, crc, size if declared is None else declared)
    return with_parts(workbook, [entry], shared_strings=True)


def many_large_parts(workbook: bytes, parts: int, each: int) -> bytes:
    """The workbook with ``parts`` extra media parts of ``each`` bytes of zeros (honest sizes)."""
    data, crc, size = _repeated_deflate(b"", bytes(1024), each, b"")
    extra = [RawEntry(f"xl/media/bijlage{n}.bin", data, crc, size) for n in range(parts)]
    return with_parts(workbook, extra, shared_strings=False)
