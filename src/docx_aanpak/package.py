"""Reading and writing the OPC zip package of a Word document, safely and deterministically.

Reading refuses what would make the library use unbounded memory or time (zip bombs, entity
declarations) and names what is wrong with a damaged or foreign file. Writing produces the same
bytes for the same content: members in the template's order, fixed timestamps, and unchanged parts
copied as already-compressed data.
"""

from __future__ import annotations

import functools
import io
import os
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TypeVar
from urllib.parse import unquote

from . import _ooxml as ox
from .errors import (
    CorruptDocumentError,
    EncryptedDocumentError,
    NotAWordDocumentError,
    UnsafeDocumentError,
)

__all__ = ["DEFAULT_LIMITS", "Limits", "Package", "Relationship", "open_package"]

MiB = 1024 * 1024
_T = TypeVar("_T")

CT_DOCUMENT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
CT_TEMPLATE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
CT_MACRO = {
    "application/vnd.ms-word.document.macroEnabled.main+xml": ".docm",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml": ".dotm",
}
FOREIGN_MAIN = {
    "spreadsheetml": "an Excel workbook",
    "presentationml": "a PowerPoint presentation",
}

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Limits:
    """Bounds on what a document may make the reader allocate."""

    max_part_bytes: int = 128 * MiB
    max_total_bytes: int = 512 * MiB
    max_parts: int = 10_000


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Relationship:
    rid: str
    type: str
    target: str  # resolved part name for internal targets, the raw target for external ones
    external: bool


_T_RELATIONSHIP = f"{{{ox.NS['pr']}}}Relationship"


# Relationships and content types parts up to this size are worked out once and kept (the
# plans made from one template hold the same ones, of a few KB); larger ones each time.
_KEPT_PART_BYTES = 16 * 1024


def _kept_when_small(read: Callable[..., _T]) -> Callable[..., _T]:
    """``read(data, ...)`` of a part, kept for parts up to :data:`_KEPT_PART_BYTES` (by their
    bytes; errors are never kept) and worked out each time for larger ones."""
    kept = functools.lru_cache(maxsize=64)(read)

    @functools.wraps(read)
    def parse(data: bytes, *args: str) -> _T:
        return kept(data, *args) if len(data) <= _KEPT_PART_BYTES else read(data, *args)

    return parse


@_kept_when_small
def _relationships_in(data: bytes, base: str) -> tuple[Relationship, ...]:
    """The relationships a relationships part holds, the targets resolved from folder ``base``.
    Raises what :func:`ox.parse` raises."""
    result = []
    for rel in ox.parse(data).iter(_T_RELATIONSHIP):
        rid, rtype, target = rel.get("Id", ""), rel.get("Type", ""), rel.get("Target", "")
        external = rel.get("TargetMode", "Internal") == "External"
        if not external:
            target = _resolve(base, target)
        result.append(Relationship(rid, rtype, target, external))
    return tuple(result)


@_kept_when_small
def _content_types_in(data: bytes) -> tuple[Mapping[str, str], Mapping[str, str]]:
    """The content types part: content types by part name (lower case, ``Override``) and by
    extension (``Default``). Raises what :func:`ox.parse` raises."""
    overrides: dict[str, str] = {}
    defaults: dict[str, str] = {}
    for element in ox.parse(data):
        tag = element.tag
        if not isinstance(tag, str):  # a comment or processing instruction
            continue
        kind = tag.rpartition("}")[2]
        if kind == "Override":
            overrides[element.get("PartName", "").lower()] = element.get("ContentType", "")
        elif kind == "Default":
            defaults[element.get("Extension", "").lower()] = element.get("ContentType", "")
    return overrides, defaults


@functools.lru_cache(maxsize=1024)
def _resolve(base: str, target: str) -> str:
    """The part name an internal relationship target of a part in folder ``base`` points to
    (worked out once: the parts of every plan point to the same names)."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(base, target))


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def _describe_ole(data: bytes, name: str) -> Exception:
    """Explain an OLE compound file: an encrypted OOXML package or a legacy binary format."""
    if _utf16("EncryptedPackage") in data or _utf16("EncryptionInfo") in data:
        return EncryptedDocumentError(
            name, "the document is password-protected; remove the password in Word and save again"
        )
    if _utf16("WordDocument") in data:
        what = "an old Word 97-2003 document (.doc)"
        hint = "open it in Word and save it as 'Word Document (*.docx)'"
    elif _utf16("Workbook") in data or _utf16("Book") in data:
        what, hint = "an old Excel workbook (.xls)", "a Word .docx is needed"
    elif _utf16("PowerPoint Document") in data:
        what, hint = "an old PowerPoint file (.ppt)", "a Word .docx is needed"
    else:
        what = "an OLE compound file (an old Office binary format)"
        hint = "save it as 'Word Document (*.docx)'"
    return NotAWordDocumentError(name, f"this is {what}, not a .docx; {hint}")


def _sniff(data: bytes, name: str) -> None:
    if not data:
        raise NotAWordDocumentError(name, "the file is empty")
    if data.startswith(OLE_SIGNATURE):
        raise _describe_ole(data, name)
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return
    start = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith(b"%PDF"):
        what = "a PDF file"
    elif start.startswith(b"{\\rtf"):
        what = "an RTF file"
    elif start.startswith(b"<"):
        what = "an XML or HTML file"
    else:
        what = "not a zip package"
    raise NotAWordDocumentError(name, f"not a Word document ({what}); a .docx or .dotx is needed")


def _member_map(names: Iterable[str]) -> dict[str, str]:
    """Case-insensitive lookup of zip member names (OPC part names ignore case)."""
    return {n.lower(): n for n in names}


class Package:
    """The parts of one Word package, in zip order, with content types and relationships."""

    def __init__(
        self,
        name: str,
        parts: Mapping[str, bytes],
        *,
        main_part: str,
        is_template: bool,
        strict: bool,
        overrides: dict[str, str],
        defaults: dict[str, str],
        originals: Mapping[str, bytes] | None = None,
    ) -> None:
        self.name = name
        self.parts = parts
        self.main_part = main_part
        self.is_template = is_template
        self.strict = strict
        # A Strict package is read with Transitional namespaces (``parts``) and written back
        # as Strict: unchanged parts as they were (``originals``), changed ones mapped back.
        self._originals = originals if strict else None
        self._overrides = overrides
        self._defaults = defaults
        self._lower = _member_map(parts)
        self._rels: dict[str, list[Relationship]] = {}
        self._compressed: dict[str, tuple[int, bytes, int]] = {}

    # -- lookup ---------------------------------------------------------------------------

    def find(self, partname: str) -> str | None:
        """The actual zip member name for a part name, or None."""
        partname = partname.lstrip("/")
        if partname in self.parts:
            return partname
        found = self._lower.get(partname.lower())
        if found is None and "%" in partname:  # relationship targets are URIs
            found = self._lower.get(unquote(partname).lower())
        return found

    def content_type(self, partname: str) -> str | None:
        partname = partname.lstrip("/")
        override = self._overrides.get("/" + partname.lower())
        if override:
            return override
        ext = posixpath.splitext(partname)[1].lstrip(".").lower()
        return self._defaults.get(ext)

    def rels_name(self, source: str) -> str:
        directory, base = posixpath.split(source)
        return posixpath.join(directory, "_rels", base + ".rels")

    def relationships(self, source: str) -> list[Relationship]:
        """Relationships of a part ('' for the package itself), parsed once."""
        if source in self._rels:
            return self._rels[source]
        rels_part = self.find(self.rels_name(source)) if source else self.find("_rels/.rels")
        result: list[Relationship] = []
        if rels_part is not None:
            base = posixpath.dirname(source)
            result = list(self._parsed(rels_part, lambda data: _relationships_in(data, base)))
        self._rels[source] = result
        return result

    def related(self, source: str, rtype: str) -> list[str]:
        """Part names that ``source`` points to with relationship type ``rtype``."""
        found = []
        for rel in self.relationships(source):
            if rel.type == rtype and not rel.external:
                member = self.find(rel.target)
                if member is not None:
                    found.append(member)
        return found

    def xml(self, partname: str) -> ox.Element:
        """Parse one XML part; errors name the file and the part."""
        return self._parsed(partname, ox.parse)

    def _parsed(self, partname: str, parse: Callable[[bytes], _T]) -> _T:
        """What ``parse`` (:func:`ox.parse`, or a function that calls it) makes of a part;
        errors name the file and the part."""
        try:
            return parse(self.parts[partname])
        except ox.XmlDoctypeError as e:
            raise UnsafeDocumentError(self.name, f"part {partname} {e}") from e
        except ox.XmlSyntaxError as e:
            raise CorruptDocumentError(
                self.name, f"part {partname} is not well-formed XML: {e}"
            ) from e

    # -- writing --------------------------------------------------------------------------

    def _compressed_member(self, name: str) -> tuple[int, bytes, int]:
        cached = self._compressed.get(name)
        if cached is None:
            source = self.parts if self._originals is None else self._originals
            cached = _deflate(source[name])
            self._compressed[name] = cached
        return cached

    def _outgoing(self, name: str, data: bytes) -> bytes:
        """A changed or new part as it is written: back in Strict namespaces for a Strict
        package."""
        if self.strict and _is_xml_part(name):
            return _map_markup(data, _TO_STRICT)
        return data

    def write(self, stream: BinaryIO, changes: Mapping[str, bytes | None] | None = None) -> None:
        """Write the package to ``stream`` with some parts replaced, added (new names, appended in
        the order given) or removed (``None``). The same input always gives the same bytes."""
        changes = dict(changes or {})
        writer = _ZipWriter(stream)
        for name in self.parts:
            if name in changes:
                data = changes.pop(name)
                if data is not None:
                    writer.add(name, _deflate(self._outgoing(name, data)))
            else:
                writer.add(name, self._compressed_member(name))
        for name, data in changes.items():
            if data is not None:
                writer.add(name, _deflate(self._outgoing(name, data)))
        writer.close()

    def to_bytes(self, changes: Mapping[str, bytes | None] | None = None) -> bytes:
        buffer = io.BytesIO()
        self.write(buffer, changes)
        return buffer.getvalue()


# -- deterministic zip writing ------------------------------------------------------------

_DOS_TIME = 0  # 00:00:00
_DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1980-01-01


def _deflate(data: bytes, level: int = 6) -> tuple[int, bytes, int]:
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return zlib.crc32(data), compressor.compress(data) + compressor.flush(), len(data)


class _ZipWriter:
    """A minimal zip writer: deflated members, fixed timestamps, no extra fields."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._offset = 0
        self._central: list[bytes] = []

    def add(self, name: str, member: tuple[int, bytes, int]) -> None:
        crc, data, size = member
        raw_name = name.encode("utf-8")
        flags = 0x0800 if not name.isascii() else 0
        if self._offset > 0xFFFFFFFF or len(data) > 0xFFFFFFFF or size > 0xFFFFFFFF:
            raise ValueError("package too large for a zip without ZIP64")
        header = struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50,
            20,
            flags,
            zipfile.ZIP_DEFLATED,
            _DOS_TIME,
            _DOS_DATE,
            crc,
            len(data),
            size,
            len(raw_name),
            0,
        )
        self._central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                flags,
                zipfile.ZIP_DEFLATED,
                _DOS_TIME,
                _DOS_DATE,
                crc,
                len(data),
                size,
                len(raw_name),
                0,
                0,
                0,
                0,
                0,
                self._offset,
            )
            + raw_name
        )
        self._stream.write(header)
        self._stream.write(raw_name)
        self._stream.write(data)
        self._offset += len(header) + len(raw_name) + len(data)

    def close(self) -> None:
        directory = b"".join(self._central)
        self._stream.write(directory)
        self._stream.write(
            struct.pack(
                "<IHHHHIIH",
                0x06054B50,
                0,
                0,
                len(self._central),
                len(self._central),
                len(directory),
                self._offset,
                0,
            )
        )


# -- reading ------------------------------------------------------------------------------


def _read_source(
    source: str | os.PathLike[str] | bytes | BinaryIO, name: str, limits: Limits
) -> bytes:
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
    elif isinstance(source, str | os.PathLike):
        path = Path(source)
        if not path.exists():
            raise NotAWordDocumentError(name, "no such file")
        if path.is_dir():
            raise NotAWordDocumentError(name, "is a directory, not a Word document")
        size = path.stat().st_size
        if size > limits.max_total_bytes:
            raise UnsafeDocumentError(
                name,
                f"the file is {size // MiB} MB; the limit is {limits.max_total_bytes // MiB} MB",
            )
        try:
            data = path.read_bytes()
        except OSError as e:
            raise NotAWordDocumentError(name, f"cannot be read: {e.strerror or e}") from e
    else:
        data = source.read(limits.max_total_bytes + 1)
        if len(data) > limits.max_total_bytes:
            raise UnsafeDocumentError(name, "the file is larger than the size limit")
    return data


def _source_name(source: object) -> str:
    if isinstance(source, str | os.PathLike):
        return os.fspath(source)
    return str(getattr(source, "name", "<document>"))


_DRIVE = re.compile(r"^[A-Za-z]:")


def _outside(member: str) -> bool:
    """Whether a zip member name points outside the package (``/abs``, ``C:``, ``../x``)."""
    if member.startswith(("/", "\\")) or _DRIVE.match(member):
        return True
    return ".." in member and any(segment == ".." for segment in re.split(r"[/\\]", member))


def _rels_source(member: str) -> str | None:
    """The part whose relationships a ``_rels/*.rels`` member holds ('' for the package), or
    None for any other member."""
    if not member.lower().endswith(".rels"):
        return None
    directory, base = posixpath.split(member)
    if posixpath.basename(directory).lower() != "_rels" or not base.lower().endswith(".rels"):
        return None
    return posixpath.join(posixpath.dirname(directory), base[: -len(".rels")])


def _is_xml_part(name: str) -> bool:
    return name.lower().endswith((".xml", ".rels"))


# A start or end tag, a declaration or a processing instruction: attribute values cannot hold
# "<", so a tag ends at the first ">" outside quotes. Text between tags is never touched.
_MARKUP = re.compile(rb"""<(?:[^<>"']|"[^"<]*"|'[^'<]*')*>""")


def _uri_pattern(mapping: Mapping[str, str]) -> tuple[re.Pattern[bytes], dict[bytes, bytes]]:
    table = {k.encode(): v.encode() for k, v in mapping.items()}
    alternatives = sorted(table, key=len, reverse=True)
    return re.compile(b"|".join(re.escape(a) for a in alternatives)), table


_STRICT_TO_TRANSITIONAL = {
    **ox.STRICT_NAMESPACES,
    ox.STRICT_RELATIONSHIP_PREFIX: ox.RT,
}
_TO_TRANSITIONAL = _uri_pattern(_STRICT_TO_TRANSITIONAL)
_TO_STRICT = _uri_pattern({v: k for k, v in _STRICT_TO_TRANSITIONAL.items()})


def _map_markup(data: bytes, mapping: tuple[re.Pattern[bytes], dict[bytes, bytes]]) -> bytes:
    """Replace namespace URIs and relationship types inside the markup of an XML part (never
    in its text, which may quote a URI)."""
    pattern, table = mapping

    def uris(match: re.Match[bytes]) -> bytes:
        return table[match.group()]

    def tag(match: re.Match[bytes]) -> bytes:
        markup = match.group()
        return pattern.sub(uris, markup) if b"://" in markup else markup

    return _MARKUP.sub(tag, data)


def _map_strict(data: bytes) -> bytes:
    """Read a Strict part with Transitional namespaces and relationship types."""
    return _map_markup(data, _TO_TRANSITIONAL)


def open_package(
    source: str | os.PathLike[str] | bytes | BinaryIO,
    *,
    name: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Package:
    """Read a .docx/.dotx into a :class:`Package`, refusing unsafe or foreign files clearly."""
    name = name or _source_name(source)
    data = _read_source(source, name, limits)
    _sniff(data, name)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as e:
        raise CorruptDocumentError(
            name, f"the file is damaged: not a complete zip archive (truncated or corrupt: {e})"
        ) from e
    # The archive stays open: parts are inflated when they are read.
    infos = [i for i in archive.infolist() if not i.is_dir()]
    if len(infos) > limits.max_parts:
        raise UnsafeDocumentError(
            name, f"the package holds {len(infos)} parts; the limit is {limits.max_parts}"
        )
    seen: set[str] = set()
    declared = 0
    for info in infos:
        if _outside(info.filename):
            raise UnsafeDocumentError(
                name,
                f"the package holds a member named {info.filename!r}, a path outside the "
                "package (absolute or with '..'); refusing it",
            )
        if info.filename.lower() in seen:
            raise CorruptDocumentError(name, f"the package holds part {info.filename} twice")
        seen.add(info.filename.lower())
        if info.flag_bits & 0x1:
            raise EncryptedDocumentError(name, f"part {info.filename} is encrypted")
        if info.file_size > limits.max_part_bytes:
            raise UnsafeDocumentError(
                name,
                f"part {info.filename} declares {info.file_size // MiB} MB uncompressed "
                f"(limit {limits.max_part_bytes // MiB} MB); refusing a possible zip bomb",
            )
        declared += info.file_size
    if declared > limits.max_total_bytes:
        raise UnsafeDocumentError(
            name,
            f"the parts declare {declared // MiB} MB uncompressed (limit "
            f"{limits.max_total_bytes // MiB} MB); refusing a possible zip bomb",
        )
    return _assemble(name, _Members(name, archive, infos, limits, data))


_LOCAL_HEADER = struct.Struct("<IHHHHHIIIHH")
# Flag bits zipfile refuses or needs a password for: encrypted, compressed patch data, strong
# encryption.
_SPECIAL_FLAGS = 0x1 | 0x20 | 0x40


class _Members(Mapping[str, bytes]):
    """The parts of a checked zip archive, each inflated when it is first read: reading a plan
    needs a few of its parts, and filling copies the others compressed as they are."""

    def __init__(
        self,
        name: str,
        archive: zipfile.ZipFile,
        infos: list[zipfile.ZipInfo],
        limits: Limits,
        data: bytes,
    ) -> None:
        self._name = name
        self._archive = archive
        self._data = data
        self._infos = {info.filename: info for info in infos}
        self._limits = limits
        self._inflated: dict[str, bytes] = {}

    def __getitem__(self, member: str) -> bytes:
        content = self._inflated.get(member)
        if content is None:
            content = self._inflated[member] = self._inflate(self._infos[member])
        return content

    def __iter__(self) -> Iterator[str]:
        return iter(self._infos)

    def __len__(self) -> int:
        return len(self._infos)

    def __contains__(self, member: object) -> bool:
        return member in self._infos

    def _direct(self, info: zipfile.ZipInfo) -> bytes | None:
        """A deflated member inflated straight from the archive's bytes, when it is whole: its
        local header agrees with the directory, and it inflates to exactly the size and CRC-32
        the directory declares (what zipfile returns then, without the cost of its file
        objects). None for anything else (and for a member larger than the limit): zipfile reads
        it, and names what is wrong."""
        if (
            info.compress_type != zipfile.ZIP_DEFLATED
            or info.flag_bits & _SPECIAL_FLAGS
            or info.file_size > self._limits.max_part_bytes
        ):
            return None
        data, offset = self._data, info.header_offset
        if offset < 0 or offset + _LOCAL_HEADER.size > len(data):
            return None
        header = _LOCAL_HEADER.unpack_from(data, offset)
        if header[0] != 0x04034B50:
            return None
        start = offset + _LOCAL_HEADER.size
        raw_name = data[start : start + header[9]]
        if raw_name.isascii():  # as UTF-8 and as code page 437: the same, sooner
            local_name = raw_name.decode("ascii")
        else:
            try:
                local_name = raw_name.decode("utf-8" if header[2] & 0x800 else "cp437")
            except UnicodeDecodeError:
                return None
        if local_name != info.orig_filename:
            return None
        start += header[9] + header[10]
        end = start + info.compress_size
        limit = getattr(info, "_end_offset", None)  # newer zipfile refuses overlapping members
        if end > len(data) or (limit is not None and end > limit):
            return None
        inflater = zlib.decompressobj(-15)
        try:
            content = inflater.decompress(data[start:end], info.file_size + 1)
        except zlib.error:
            return None
        if not inflater.eof or len(content) != info.file_size or zlib.crc32(content) != info.CRC:
            return None
        return content

    def _inflate(self, info: zipfile.ZipInfo) -> bytes:
        direct = self._direct(info)
        if direct is not None:
            return direct
        name, limit = self._name, self._limits.max_part_bytes
        try:
            with self._archive.open(info) as member:
                # Never inflate more than the header declares (+1 to notice a lie).
                content = member.read(min(info.file_size, limit) + 1)
        except zipfile.BadZipFile as e:
            problem = (
                "damaged or larger than its zip header declares" if "CRC" in str(e) else "damaged"
            )
            raise CorruptDocumentError(name, f"part {info.filename} is {problem} ({e})") from e
        except (zlib.error, EOFError, OSError, NotImplementedError, ValueError) as e:
            raise CorruptDocumentError(name, f"part {info.filename} is damaged ({e})") from e
        if len(content) > limit:
            raise UnsafeDocumentError(name, f"part {info.filename} is larger than the limit")
        return content


def _assemble(name: str, parts: Mapping[str, bytes]) -> Package:
    lower = _member_map(parts)
    ct_name = lower.get("[content_types].xml")
    if ct_name is None:
        raise NotAWordDocumentError(
            name, "not an Office Open XML package (no [Content_Types].xml); a .docx is needed"
        )
    rels_name = lower.get("_rels/.rels")
    strict = rels_name is not None and ox.STRICT_PREFIX.encode() in parts[rels_name]
    originals = parts
    if strict:
        parts = {k: (_map_strict(v) if _is_xml_part(k) else v) for k, v in parts.items()}
    overrides: dict[str, str] = {}
    defaults: dict[str, str] = {}
    probe = Package(
        name,
        parts,
        main_part="",
        is_template=False,
        strict=strict,
        overrides=overrides,
        defaults=defaults,
    )
    by_name, by_extension = probe._parsed(ct_name, _content_types_in)
    overrides.update(by_name)  # copies: the package's own
    defaults.update(by_extension)
    main = [
        r for r in probe.relationships("") if r.type == ox.RT_OFFICE_DOCUMENT and not r.external
    ]
    if not main:
        raise NotAWordDocumentError(name, "the package has no main document; a .docx is needed")
    main_part = main[0].target
    content_type = probe.content_type(main_part) or ""
    for marker, what in FOREIGN_MAIN.items():
        if marker in content_type:
            raise NotAWordDocumentError(name, f"this is {what}, not a Word document")
    if content_type in CT_MACRO:
        raise NotAWordDocumentError(
            name,
            f"macro-enabled documents ({CT_MACRO[content_type]}) are not supported; "
            "save it as a .docx or .dotx without macros",
        )
    if content_type not in (CT_DOCUMENT, CT_TEMPLATE):
        raise NotAWordDocumentError(
            name, f"the main part has content type {content_type or 'none'}, not a Word document"
        )
    member = probe.find(main_part)
    if member is None:
        raise CorruptDocumentError(name, f"the main document part {main_part} is missing")
    package = Package(
        name,
        parts,
        main_part=member,
        is_template=content_type == CT_TEMPLATE,
        strict=strict,
        overrides=overrides,
        defaults=defaults,
        originals=originals,
    )
    package._rels.update(probe._rels)  # the package's relationships, read once
    _check_relationships(package)
    return package


def _check_relationships(package: Package) -> None:
    """Every internal relationship of every part the package keeps (and of the package itself)
    must point to a part it holds: an output would fail validation otherwise."""
    for rels_member in list(package.parts):
        source = _rels_source(rels_member)
        if source is None:
            continue
        if source:
            found = package.find(source)
            if found is None:
                continue  # relationships of a part that is not there: nothing refers to them
            source = found
        for rel in package.relationships(source):
            if not rel.external and package.find(rel.target) is None:
                owner = source or "the package"
                raise CorruptDocumentError(
                    package.name,
                    f"relationship {rel.rid} of {owner} points to {rel.target}, "
                    "which is not in the package",
                )
