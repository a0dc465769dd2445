"""Broken and hostile input: a clear error of the library's own types, naming the file and what
is wrong, in bounded time and memory, with no output left behind."""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest

from corpus.cases import CASES, Case
from corpus.hostile import HOSTILE, HostileCase
from docx_aanpak import (
    CorruptDocumentError,
    DocxAanpakError,
    EncryptedDocumentError,
    NotAWordDocumentError,
    Template,
    TemplateError,
    UnsafeDocumentError,
)
from docx_aanpak.package import DEFAULT_LIMITS, _Members
from judges import assert_valid

ROOT = Path(__file__).resolve().parent.parent

# What each broken case must raise, and a phrase the message must hold so a user can act on it.
EXPECTED: dict[str, tuple[type[DocxAanpakError], str]] = {
    "empty_file": (NotAWordDocumentError, "empty"),
    "not_a_zip": (NotAWordDocumentError, "not a Word document"),
    "truncated_zip": (CorruptDocumentError, "damaged"),
    "zip_bomb": (UnsafeDocumentError, "zip bomb"),
    "zip_bomb_lying_size": (CorruptDocumentError, "larger than its zip header declares"),
    "xxe_external_entity": (UnsafeDocumentError, "DOCTYPE"),
    "billion_laughs": (UnsafeDocumentError, "DOCTYPE"),
    "malformed_xml": (CorruptDocumentError, "not well-formed XML"),
    "missing_document_xml": (CorruptDocumentError, "word/document.xml is missing"),
    "broken_relationship": (CorruptDocumentError, "not in the package"),
    "xlsx_as_template": (NotAWordDocumentError, "Excel workbook"),
    "pptx_as_template": (NotAWordDocumentError, "PowerPoint presentation"),
    "encrypted_docx": (EncryptedDocumentError, "password"),
    "old_doc": (NotAWordDocumentError, "Word 97-2003"),
    "no_controls": (TemplateError, "no content controls"),
    "duplicate_tags": (TemplateError, "tag 'naam' is used by a plain_text and a dropdown"),
    "zip_member_outside_package": (UnsafeDocumentError, "'../../evil.txt', a path outside"),
    "zip_member_absolute_path": (UnsafeDocumentError, "'/abs/evil.txt', a path outside"),
    "missing_glossary_styles": (CorruptDocumentError, "word/glossary/styles.xml, which is not in"),
}
# Not broken: read by mapping Strict namespaces, and an XML encoding other than UTF-8.
READABLE = {"strict_ooxml", "non_utf8_encoding", "strict_word"}
BROKEN = [c for c in HOSTILE if c.name not in READABLE]


def test_every_hostile_case_has_an_expectation() -> None:
    assert {c.name for c in BROKEN} == set(EXPECTED)


@pytest.mark.parametrize("case", BROKEN, ids=[c.name for c in BROKEN])
def test_hostile_input_gets_a_clear_error_in_bounded_time_and_memory(
    case: HostileCase, tmp_path: Path
) -> None:
    path = tmp_path / case.filename
    path.write_bytes(case.build())
    error_type, phrase = EXPECTED[case.name]
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(error_type) as info:
            Template.open(path)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    message = str(info.value)
    assert str(path) in message
    assert phrase in message
    assert elapsed < 10
    assert peak < 64 * 1024 * 1024  # a 1 GiB bomb never inflates


@pytest.mark.parametrize("case", BROKEN, ids=[c.name for c in BROKEN])
def test_the_cli_reports_hostile_templates_and_writes_nothing(
    case: HostileCase, tmp_path: Path
) -> None:
    template = tmp_path / case.filename
    template.write_bytes(case.build())
    values = tmp_path / "values.json"
    values.write_text(json.dumps({}), encoding="utf-8")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    proc = subprocess.run(
        [sys.executable, "-m", "docx_aanpak", "fill", str(template), str(values),
         "-o", str(out_dir / "plan.docx")],
        capture_output=True, text=True, timeout=120, check=False, cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode != 0
    assert proc.stderr.startswith("Error: ")
    assert case.filename in proc.stderr
    assert "Traceback" not in proc.stderr
    assert list(out_dir.iterdir()) == []


def test_strict_open_xml_is_read_and_written_back_as_strict(tmp_path: Path) -> None:
    case = next(c for c in HOSTILE if c.name == "strict_ooxml")
    tpl = Template.open(case.build(), name=case.filename)
    assert [f.key for f in tpl.fields] == ["gemeente"]
    assert tpl.extract(tpl.document) == {"gemeente": "Leiden"}
    out = tmp_path / "strict_filled.docx"
    tpl.fill({"gemeente": "Delft"}).save(out)
    with zipfile.ZipFile(out) as archive:
        document = archive.read("word/document.xml")
    assert b'w:conformance="strict"' in document
    assert b"http://purl.oclc.org/ooxml/wordprocessingml/main" in document
    assert tpl.extract(out) == {"gemeente": "Delft"}
    assert_valid(out)


def test_a_non_utf8_xml_part_is_read_and_written_as_utf8(tmp_path: Path) -> None:
    case = next(c for c in HOSTILE if c.name == "non_utf8_encoding")
    tpl = Template.open(case.build(), name=case.filename)
    key = tpl.fields[0].key
    out = tmp_path / "utf8.docx"
    tpl.fill({key: "Coördinatie in één keer"}).save(out)
    assert tpl.extract(out)[key] == "Coördinatie in één keer"
    assert_valid(out)


def test_a_document_of_another_template_is_refused_when_extracting(template_path: Path) -> None:
    from corpus.cases import CASES
    from docx_aanpak import TemplateMismatchError

    other = next(c for c in CASES if c.name == "rich_text_block_body")
    with pytest.raises(TemplateMismatchError, match="was not made from"):
        Template.open(template_path).extract(other.build())


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE x><x/>",
        b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>',
        b"<x>Let op!</x><!DOCTYPE y>",
        b"!<!DOCTYPE",
        b"<!-- ! --><x/>",
        b"<x>!!</x>",
        b"<x/>",
        b"",
        "\ufeff<!DOCTYPE x><x/>".encode("utf-16-le"),
        "<x>Let op!</x><!DOCTYPE y>".encode("utf-16-le"),
        "<x>Let op!</x>".encode("utf-16-le"),
        "<!DOCTYPE x><x/>".encode("utf-16-be"),  # found by libxml2 once parsed
    ],
)
def test_the_doctype_search_finds_what_a_plain_search_finds(data: bytes) -> None:
    """A DOCTYPE is searched from the first "!" on: the same answer as searching it all."""
    from docx_aanpak._ooxml import _declares_doctype

    plain = b"<!DOCTYPE" in data or "<!DOCTYPE".encode("utf-16-le") in data
    assert _declares_doctype(data) == plain


@pytest.mark.parametrize("data", [b'<x xml:id="1"/>', b'<x><a xml:id="q"/><a xml:id="q"/></x>'])
def test_a_malformed_or_repeated_xml_id_is_not_well_formed(data: bytes) -> None:
    from docx_aanpak import _ooxml as ox

    with pytest.raises(ox.XmlSyntaxError):
        ox.parse(data)


# -- members inflated straight from the archive's bytes -------------------------------------------


def _members(data: bytes) -> tuple[zipfile.ZipFile, _Members]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    infos = [i for i in archive.infolist() if not i.is_dir()]
    return archive, _Members("doc.docx", archive, infos, DEFAULT_LIMITS, data)


@pytest.mark.parametrize("case", [*CASES, *HOSTILE], ids=lambda c: c.name)
def test_a_member_inflated_directly_is_what_zipfile_reads(case: Case | HostileCase) -> None:
    data = case.build()
    try:
        archive, members = _members(data)
    except zipfile.BadZipFile:
        return  # not a zip: nothing is inflated
    for info in archive.infolist():
        direct = members._direct(info)
        if direct is not None:
            assert direct == archive.read(info)


def _changed_member(data: bytes, change: str) -> bytes:
    """The package with word/document.xml damaged in one way, or stored instead of deflated."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo("word/document.xml")
    content = archive.read(info)
    out = bytearray(data)
    offset = info.header_offset
    name_length, extra_length = struct.unpack_from("<HH", data, offset + 26)
    start = offset + 30 + name_length + extra_length
    central = data.index(b"word/document.xml", data.index(b"PK\x01\x02")) - 46  # its entry
    if change == "crc":
        struct.pack_into("<I", out, central + 16, (info.CRC + 1) & 0xFFFFFFFF)
    elif change == "larger":
        struct.pack_into("<I", out, central + 24, info.file_size + 10)
    elif change == "smaller":
        struct.pack_into("<I", out, central + 24, info.file_size - 10)
    elif change == "local name":
        out[offset + 30] = ord("W")
    elif change == "local signature":
        out[offset] = ord("Q")
    elif change == "stream":
        out[start : start + 20] = bytes(20)
    elif change == "stored":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as target:
            for item in archive.infolist():
                kind = zipfile.ZIP_STORED if item is info else zipfile.ZIP_DEFLATED
                target.writestr(item.filename, archive.read(item), compress_type=kind)
        return buffer.getvalue()
    assert zlib.crc32(content) == info.CRC
    return bytes(out)


CHANGES = ["crc", "larger", "smaller", "local name", "local signature", "stream", "stored"]


@pytest.mark.parametrize("change", CHANGES)
def test_a_damaged_or_stored_member_is_read_by_zipfile_with_the_same_result(
    change: str, template_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Anything but a whole deflated member is left to zipfile: the same content or error."""
    data = _changed_member(template_path.read_bytes(), change)

    def read() -> object:
        try:
            return _members(data)[1]["word/document.xml"]
        except Exception as e:  # the error itself is compared
            return (type(e), str(e))

    archive, members = _members(data)
    assert members._direct(archive.getinfo("word/document.xml")) is None
    direct = read()
    monkeypatch.setattr(_Members, "_direct", lambda self, info: None)
    assert read() == direct


# -- relationships and content types, worked out once per part -------------------------------------


def _with_part(data: bytes, name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info, content if info.filename == name else source.read(info))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("part", "content", "error", "phrase"),
    [
        ("_rels/.rels", b"<Relationships", CorruptDocumentError, "not well-formed XML"),
        ("[Content_Types].xml", b"<!DOCTYPE x><x/>", UnsafeDocumentError, "DOCTYPE"),
        ("word/_rels/document.xml.rels", b"<x/>&", CorruptDocumentError, "not well-formed"),
    ],
)
def test_a_broken_relationships_or_content_types_part_is_refused_every_time(
    part: str, content: bytes, error: type[Exception], phrase: str, template_path: Path
) -> None:
    data = _with_part(template_path.read_bytes(), part, content)
    for _ in range(2):  # errors are not kept
        with pytest.raises(error) as info:
            Template.open(data, name="kapot.docx")
        assert "kapot.docx" in str(info.value) and part in str(info.value)
        assert phrase in str(info.value)


def test_large_relationships_parts_read_the_same_as_small_ones(template_path: Path) -> None:
    """Parts too large to keep are read each time, with the same result."""
    from docx_aanpak.package import _KEPT_PART_BYTES, open_package

    data = template_path.read_bytes()
    rels = zipfile.ZipFile(io.BytesIO(data)).read("word/_rels/document.xml.rels")
    padded = rels.replace(b"?>", b"?>" + b" " * _KEPT_PART_BYTES, 1)
    small, large = (
        open_package(data),
        open_package(_with_part(data, "word/_rels/document.xml.rels", padded)),
    )
    assert large.relationships("word/document.xml") == small.relationships("word/document.xml")
    assert open_package(data).relationships("") == small.relationships("")
