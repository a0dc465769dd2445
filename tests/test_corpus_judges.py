"""The test corpus (tests/corpus) judged by real tools, and checked against its own expectations.

- Every valid case passes the Open XML SDK validator and renders in LibreOffice with its
  questions visible.
- Every case is deterministic, and what each case claims about its controls (kind, level, tag,
  alias, placeholder, lock, binding, nesting, label, choices, value) matches its XML, read here by
  a deliberately small, independent walker.
- Every hostile case is broken in the way it claims.
"""

from __future__ import annotations

import datetime
import struct
import unicodedata
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path, PurePosixPath

import pytest
from lxml import etree

from corpus.cases import CASES, KINDS, LEVELS, LOCKS, Case, ExpectedControl
from corpus.hostile import (
    HOSTILE,
    OLE_SIGNATURE,
    STRICT_R,
    STRICT_W,
    XXE_TARGET,
    ZIP_BOMB_DECLARED,
    HostileCase,
)
from corpus.word import (
    CT_MAIN_DOCX,
    CT_MAIN_DOTX,
    DOCPART_DATE,
    DOCPART_LIST,
    DOCPART_TEXT,
    LOCALES,
    W14_NS,
    W15_NS,
    W_NS,
)
from judges import assert_valid, missing_from, render_texts

W = f"{{{W_NS}}}"
W14 = f"{{{W14_NS}}}"
W15 = f"{{{W15_NS}}}"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
DS = "{http://schemas.openxmlformats.org/officeDocument/2006/customXml}"
HUGE = 500_000_000

SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)

BUILT: dict[str, bytes] = {}


def built(case: Case) -> bytes:
    if case.name not in BUILT:
        BUILT[case.name] = case.build()
    return BUILT[case.name]


def parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def xml(data: bytes) -> etree._Element:
    return etree.fromstring(data, SAFE_PARSER)


def part_order(name: str) -> tuple[int, str]:
    """Body first, then headers, footers, footnotes, endnotes (the order of ``controls``)."""
    prefixes = (
        "word/document.xml",
        "word/header",
        "word/footer",
        "word/footnotes",
        "word/endnotes",
    )
    for rank, prefix in enumerate(prefixes):
        if name.startswith(prefix):
            return rank, name
    return len(prefixes), name


def story_parts(parts: dict[str, bytes]) -> list[str]:
    names = [n for n in parts if part_order(n)[0] < 5]
    return sorted(names, key=part_order)


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    for case in CASES:
        (out / case.filename).write_bytes(built(case))
    return out


# --- the real judges ------------------------------------------------------------------------------


@pytest.mark.slow
def test_every_valid_case_passes_the_open_xml_sdk_validator(corpus_dir: Path) -> None:
    assert_valid(*(corpus_dir / c.filename for c in CASES))


@pytest.mark.slow
def test_schema_valid_hostile_packages_pass_the_validator(tmp_path: Path) -> None:
    """The wrong-type packages are valid packages of their own kind (so only the type is wrong)."""
    paths = []
    for case in HOSTILE:
        if case.problem in {"wrong_package_type", "no_controls", "duplicate_tags"}:
            paths.append(tmp_path / case.filename)
            paths[-1].write_bytes(case.build())
    assert len(paths) == 4
    assert_valid(*paths)


def normalized(text: str) -> str:
    # PDF text may carry ligatures (U+FB01 for "fi"); NFKC folds them back.
    return unicodedata.normalize("NFKC", text)


@pytest.mark.slow
def test_every_valid_case_opens_in_libreoffice_with_its_questions(corpus_dir: Path) -> None:
    paths = [corpus_dir / c.filename for c in CASES]
    texts = render_texts(paths)
    problems = {}
    for case, path in zip(CASES, paths, strict=True):
        text = normalized(texts[path.resolve()])
        labels = [normalized(c.label) for c in case.controls if c.label]
        assert text.strip(), f"{case.name} rendered no text"
        missing = missing_from(text, labels)
        if missing:
            problems[case.name] = missing
    assert not problems, problems


# --- the corpus itself ----------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_build_is_deterministic(case: Case) -> None:
    assert case.build() == case.build()


@pytest.mark.parametrize("case", HOSTILE, ids=lambda c: c.name)
def test_hostile_build_is_deterministic(case: HostileCase) -> None:
    assert case.build() == case.build()


def test_case_names_are_unique_and_file_name_safe() -> None:
    names = [c.name for c in CASES] + [c.name for c in HOSTILE]
    hostile_names = [c.name for c in HOSTILE]
    assert len({c.name for c in CASES}) == len(CASES)
    assert len(set(hostile_names)) == len(hostile_names)
    for name in names:
        assert name.replace("_", "").isalnum() and name.islower(), name


def test_corpus_covers_every_kind_level_lock_part_and_language() -> None:
    controls = [c for case in CASES for c in case.controls]
    assert {c.kind for c in controls} == set(KINDS)
    assert {c.level for c in controls} == set(LEVELS)
    assert {c.lock for c in controls} - {None} == set(LOCKS)
    parts = {PurePosixPath(c.part).name for c in controls}
    assert {"document.xml", "header1.xml", "footer1.xml", "footnotes.xml", "endnotes.xml"} <= parts
    assert any(c.bound for c in controls)
    assert any(c.parent_tag for c in controls)
    assert any(c.tag is None for c in controls)
    assert any(c.multiline for c in controls)
    assert {c.suffix for c in CASES} == {".docx", ".dotx"}
    assert any(not case.controls for case in CASES)
    langs = set()
    for case in CASES:
        styles = parts_of(built(case))["word/styles.xml"].decode()
        langs |= {lang for lang in LOCALES if f'w:val="{lang}"' in styles}
    assert langs == set(LOCALES)
    for kind in ("dropdown", "date", "checkbox"):
        values = {c.value is None or c.value for c in controls if c.kind == kind}
        assert len(values) >= 2, f"{kind}: need both an unfilled and a filled case"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_expected_controls_are_well_formed(case: Case) -> None:
    for c in case.controls:
        assert c.kind in KINDS and c.level in LEVELS and c.lock in (None, *LOCKS)
        if c.kind in ("dropdown", "combo_box"):
            assert c.choices and c.display and len(c.choices) == len(c.display)
            assert "" not in c.choices
        if c.kind == "dropdown" and c.value is not None:
            assert c.value in c.choices
        if c.kind == "date":
            assert c.value is None or isinstance(c.value, datetime.date)
        if c.kind == "checkbox":
            assert isinstance(c.value, bool)
        if c.kind in ("picture", "group"):
            assert c.value is None
        if c.showing_placeholder:
            assert c.value is None
    tagged = [
        c.tag
        for c in case.controls
        if (c.parent_tag is None or c.kind != "plain_text") and not c.fallback
    ]
    if case.name not in {"duplicate_tags", "untagged_under_headings", "own_content_names_nothing"}:
        assert None not in tagged
        named = [tag for tag in tagged if tag]  # Word's Document Property controls: w:tag ""
        assert len(set(named)) == len(named), "tags must be distinctive within a case"


# A small, independent reader of the XML, to hold each case to what it claims.

SDTPR_ORDER = [
    [W + "rPr"],
    [W + "alias"],
    [W + "tag"],
    [W + "id"],
    [W + "lock"],
    [W + "placeholder"],
    [W + "temporary"],
    [W + "showingPlcHdr"],
    [W + "dataBinding"],
    [W + "label"],
    [W + "tabIndex"],
    [W15 + "color"],
    [W15 + "appearance"],
    [W15 + "dataBinding"],
    [
        W + name
        for name in (
            "text",
            "dropDownList",
            "comboBox",
            "date",
            "picture",
            "group",
            "richText",
            "docPartObj",
            "docPartList",
            "equation",
            "citation",
            "bibliography",
        )
    ],
    [W14 + "checkbox", W15 + "repeatingSection", W15 + "repeatingSectionItem"],
]
RANK = {name: rank for rank, names in enumerate(SDTPR_ORDER) for name in names}
KIND_OF = {
    W + "text": "plain_text",
    W + "dropDownList": "dropdown",
    W + "comboBox": "combo_box",
    W + "date": "date",
    W + "picture": "picture",
    W + "group": "group",
    W + "richText": "rich_text",
    W14 + "checkbox": "checkbox",
    W15 + "repeatingSection": "repeating_section",
}
RUN_CONTAINERS = {W + n for n in ("p", "hyperlink", "fldSimple", "smartTag", "ins", "del")}


def is_item(sdt: etree._Element) -> bool:
    return sdt.find(f"{W}sdtPr/{W15}repeatingSectionItem") is not None


def val(el: etree._Element | None, ns: str = W) -> str | None:
    return None if el is None else el.get(f"{ns}val")


def sdt_kind(pr: etree._Element) -> str:
    kinds = [KIND_OF[child.tag] for child in pr if child.tag in KIND_OF]
    assert len(kinds) <= 1, kinds
    return kinds[0] if kinds else "rich_text"


def sdt_level(sdt: etree._Element) -> str:
    node = sdt.getparent()
    while node is not None and node.tag in (W + "sdtContent", W + "sdt"):
        node = node.getparent()
    assert node is not None
    if node.tag in RUN_CONTAINERS:
        return "run"
    if node.tag == W + "tr":
        return "cell"
    if node.tag == W + "tbl":
        return "row"
    return "block"


def paragraph_text(p: etree._Element, before: int | None = None, order: dict | None = None) -> str:
    out = []
    for el in p.iter(W + "t", W + "br", W + "tab"):
        if before is not None and order is not None and order[el] > before:
            break
        out.append(el.text or "" if el.tag == W + "t" else "\n" if el.tag == W + "br" else "\t")
    return "".join(out)


def content_text(content: etree._Element) -> str | None:
    paragraphs = [p for p in content.iter(W + "p") if p.getparent().tag != W + "p"]
    if paragraphs:
        text = "\n".join(paragraph_text(p) for p in paragraphs)
    else:
        text = paragraph_text(content)
    return text if text.strip() else None


def sdt_label(sdt: etree._Element, root: etree._Element, order: dict) -> str | None:
    here = order[sdt]
    ancestors = set(sdt.iterancestors())
    if sdt_level(sdt) == "run":
        para = next(a for a in sdt.iterancestors(W + "p"))
        before = paragraph_text(para, here, order).strip()
        if before:
            return before
    if sdt_level(sdt) == "row":  # named by what stands before its table, not by its rows
        here = order[next(sdt.iterancestors(W + "tbl"))]
    for p in reversed([p for p in root.iter(W + "p") if order[p] < here and p not in ancestors]):
        text = paragraph_text(p).strip()
        if text:
            return text
    return None


def custom_xml_value(parts: dict[str, bytes], binding: etree._Element) -> str | None:
    """The bound node's text; None when the node is empty or missing (Word then shows the
    placeholder; a document property part holds only the properties that are set)."""
    store = binding.get(W + "storeItemID")
    items = [n for n in parts if PurePosixPath(n).name.startswith("itemProps")]
    # Word's well-known stores of the document properties (core, extended).
    property_parts = {
        "{6C3C8BC8-F283-45AE-878A-BAB7291924A1}": "docProps/core.xml",
        "{6668398D-A668-4E3E-A5EB-62B293D839F1}": "docProps/app.xml",
    }
    for props_name in items if store not in property_parts else ():
        if xml(parts[props_name]).get(DS + "itemID") == store:
            item_name = props_name.replace("itemProps", "item")
            break
    else:
        if store not in property_parts:
            raise AssertionError(f"no custom XML item with itemID {store}")
        item_name = property_parts[store]
    namespaces = {}
    for mapping in (binding.get(W + "prefixMappings") or "").split():
        prefix, uri = mapping.split("=", 1)
        namespaces[prefix.removeprefix("xmlns:")] = uri.strip("'\"")
    found = xml(parts[item_name]).xpath(binding.get(W + "xpath"), namespaces=namespaces)
    assert len(found) <= 1
    return (found[0].text or None) if found else None


def observed(parts: dict[str, bytes]) -> Iterator[tuple[str, etree._Element, etree._Element]]:
    for name in story_parts(parts):
        root = xml(parts[name])
        for sdt in root.iter(W + "sdt"):
            if not is_item(sdt):
                yield name, root, sdt


def check_control(
    parts: dict[str, bytes],
    name: str,
    root: etree._Element,
    sdt: etree._Element,
    want: ExpectedControl,
) -> None:
    order = {el: i for i, el in enumerate(root.iter())}
    pr = sdt.find(W + "sdtPr")
    content = sdt.find(W + "sdtContent")
    assert pr is not None and content is not None
    kind = sdt_kind(pr)
    binding = pr.find(W + "dataBinding")
    if binding is None:
        binding = pr.find(W15 + "dataBinding")
    parent = next((a for a in sdt.iterancestors(W + "sdt") if not is_item(a)), None)
    got = {
        "part": name,
        "kind": kind,
        "level": sdt_level(sdt),
        "tag": val(pr.find(W + "tag")),
        "alias": val(pr.find(W + "alias")),
        "showing_placeholder": pr.find(W + "showingPlcHdr") is not None,
        "lock": val(pr.find(W + "lock")),
        "bound": binding is not None,
        "parent_tag": None if parent is None else val(parent.find(f"{W}sdtPr/{W}tag")),
        "label": sdt_label(sdt, root, order),
    }
    want_fields = {k: getattr(want, k) for k in got}
    assert got == want_fields

    ranks = [RANK[child.tag] for child in pr]
    assert ranks == sorted(ranks), f"w:sdtPr children out of Word's order: {[c.tag for c in pr]}"

    shown = content_text(content)
    if want.showing_placeholder:
        shown = None
        runs = list(content.iter(W + "r"))
        assert runs and all(r.find(f"{W}rPr/{W}rStyle") is not None for r in runs)
        docpart = val(pr.find(f"{W}placeholder/{W}docPart"))
        assert docpart in (DOCPART_TEXT, DOCPART_LIST, DOCPART_DATE)

    if kind in ("dropdown", "combo_box"):
        list_el = pr.find(W + ("dropDownList" if kind == "dropdown" else "comboBox"))
        items = [(i.get(W + "displayText"), i.get(W + "value")) for i in list_el]
        items = [(d, v) for d, v in items if v != ""]
        assert tuple(v for _, v in items) == want.choices
        assert tuple(d for d, _ in items) == want.display
        if kind == "dropdown" and want.value is not None:
            assert list_el.get(W + "lastValue") == want.value
            assert shown == {v: d for d, v in items}[want.value]
        if kind == "combo_box" and want.value is not None:
            assert shown == want.value
    elif kind == "plain_text":
        assert (pr.find(W + "text").get(W + "multiLine") in ("1", "true")) == want.multiline
        assert want.value == (custom_xml_value(parts, binding) if want.bound else shown)
    elif kind == "rich_text":
        if want.bound:
            assert want.value == custom_xml_value(parts, binding)
        assert want.value == shown
    elif kind == "date":
        date_el = pr.find(W + "date")
        assert val(date_el.find(W + "dateFormat")) == "d MMMM yyyy"
        assert val(date_el.find(W + "storeMappedDataAs")) == "dateTime"
        assert val(date_el.find(W + "calendar")) == "gregorian"
        full = date_el.get(W + "fullDate")
        if want.bound:
            assert (custom_xml_value(parts, binding) or "")[:10] == want.value.isoformat()
            assert full is not None and full[:10] != want.value.isoformat(), "should be stale"
        elif want.value is None:
            assert full is None
        else:
            assert full == f"{want.value.isoformat()}T00:00:00Z"
    elif kind == "checkbox":
        box = pr.find(W14 + "checkbox")
        assert box.find(W14 + "checked").get(W14 + "val") == str(int(want.value))
        assert shown == ("\u2612" if want.value else "\u2610")
        fonts = next(content.iter(W + "rFonts"))
        assert fonts.get(W + "ascii") == "MS Gothic" and fonts.get(W + "hint") == "eastAsia"
    elif kind == "picture":
        blip = next(content.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}blip"))
        rels = xml(parts["word/_rels/document.xml.rels"])
        rid = blip.get(f"{{{R_NS}}}embed")
        target = next(r.get("Target") for r in rels if r.get("Id") == rid)
        assert parts["word/" + target].startswith(b"\x89PNG\r\n\x1a\n")
    elif kind == "repeating_section":
        items = [s for s in content if s.tag == W + "sdt"]
        assert items and all(is_item(s) for s in items)
        values = []
        for item in items:
            values.append(
                {
                    val(s.find(f"{W}sdtPr/{W}tag")): content_text(s.find(W + "sdtContent"))
                    for s in item.iter(W + "sdt")
                    if s is not item
                }
            )
        assert values == want.value
    elif kind == "group":
        assert want.value is None


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_expected_controls_match_the_xml(case: Case) -> None:
    parts = parts_of(built(case))
    found = list(observed(parts))
    assert len(found) == len(case.controls)
    for (name, root, sdt), want in zip(found, case.controls, strict=True):
        check_control(parts, name, root, sdt, want)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_sdt_count_per_part_equals_expected_controls(case: Case) -> None:
    """w:sdt per part (nested ones included, repeating-section item wrappers apart)."""
    parts = parts_of(built(case))
    counted: Counter[str] = Counter()
    items = 0
    for name in parts:
        if name.endswith(".xml") and name.startswith("word/"):
            sdts = list(xml(parts[name]).iter(W + "sdt"))
            items += sum(is_item(s) for s in sdts)
            counted[name] = sum(not is_item(s) for s in sdts)
    counted = +counted
    assert counted == Counter(c.part for c in case.controls)
    sections = [c for c in case.controls if c.kind == "repeating_section"]
    assert items == sum(len(c.value) for c in sections)  # type: ignore[arg-type]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_package_is_wired_like_word_writes_it(case: Case) -> None:
    data = built(case)
    with zipfile.ZipFile(BytesIO(data)) as archive:
        infos = archive.infolist()
        assert infos[0].filename == "[Content_Types].xml"
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in infos)
        assert archive.testzip() is None
    parts = parts_of(data)
    types = xml(parts["[Content_Types].xml"])
    overrides = {o.get("PartName"): o.get("ContentType") for o in types.iter(CT + "Override")}
    main = CT_MAIN_DOTX if case.suffix == ".dotx" else CT_MAIN_DOCX
    assert overrides["/word/document.xml"] == main
    for part_name in overrides:
        assert part_name.lstrip("/") in parts, part_name
    defaults = {d.get("Extension") for d in types.iter(CT + "Default")}
    for name in parts:
        assert "/" + name in overrides or name.rsplit(".", 1)[-1] in defaults

    for rels_name in [n for n in parts if n.endswith(".rels")]:
        folder = PurePosixPath(rels_name).parent.parent
        for rel in xml(parts[rels_name]).iter(PKG_RELS + "Relationship"):
            target = str(folder / rel.get("Target")).lstrip("/")
            while "/../" in f"/{target}":
                head, _, tail = target.partition("/../")
                target = str(PurePosixPath(head).parent / tail).lstrip("./")
            assert target in parts, f"{rels_name}: {rel.get('Target')}"

    document = parts["word/document.xml"].decode()
    assert 'mc:Ignorable="w14 w15' in document
    styles = xml(parts["word/styles.xml"])
    placeholder = [
        s for s in styles.iter(W + "style") if val(s.find(W + "name")) == "Placeholder Text"
    ]
    assert len(placeholder) == 1
    loc = next(
        loc
        for loc in LOCALES.values()
        if loc.placeholder_style == placeholder[0].get(W + "styleId")
    )
    for level in (1, 2):
        heading = [
            s for s in styles.iter(W + "style") if s.get(W + "styleId") == loc.heading(level)
        ]
        assert val(heading[0].find(W + "name")) == f"heading {level}"

    glossary = xml(parts["word/glossary/document.xml"])
    doc_parts = {
        val(dp.find(f"{W}docPartPr/{W}name")): paragraph_text(dp.find(W + "docPartBody"))
        for dp in glossary.iter(W + "docPart")
    }
    assert doc_parts == {
        DOCPART_TEXT: loc.text_placeholder,
        DOCPART_LIST: loc.list_placeholder,
        DOCPART_DATE: loc.date_placeholder,
    }
    for style in glossary.iter(W + "rStyle"):
        assert val(style) == loc.placeholder_style

    # Placeholder runs in the stories use the localized placeholder text and style.
    for name in story_parts(parts):
        for sdt in xml(parts[name]).iter(W + "sdt"):
            if sdt.find(f"{W}sdtPr/{W}showingPlcHdr") is not None:
                text = content_text(sdt.find(W + "sdtContent"))
                assert text in (loc.text_placeholder, loc.list_placeholder, loc.date_placeholder)

    for kind in ("footnote", "endnote"):
        name = f"word/{kind}s.xml"
        if name not in parts:
            assert f"{kind}Reference" not in document
            continue
        notes = list(xml(parts[name]).iter(W + kind))
        assert [(n.get(W + "type"), n.get(W + "id")) for n in notes[:2]] == [
            ("separator", "-1"),
            ("continuationSeparator", "0"),
        ]
        ids = [n.get(W + "id") for n in notes[2:]]
        refs = [
            r.get(W + "id") for r in xml(parts["word/document.xml"]).iter(W + f"{kind}Reference")
        ]
        assert ids and ids == refs
        settings = parts["word/settings.xml"].decode()
        assert f'<w:{kind}Pr><w:{kind} w:id="-1"/><w:{kind} w:id="0"/></w:{kind}Pr>' in settings


# --- hostile inputs are broken the way they claim -------------------------------------------------


def hostile(name: str) -> HostileCase:
    return next(c for c in HOSTILE if c.name == name)


def cfb_directory_names(data: bytes) -> list[str]:
    """Read a compound file's directory with its FAT (an independent, minimal CFB reader)."""
    assert data[:8] == OLE_SIGNATURE
    (sector_shift,) = struct.unpack_from("<H", data, 30)
    size = 1 << sector_shift
    n_fat, first_dir = struct.unpack_from("<II", data, 44)
    difat = struct.unpack_from("<109I", data, 76)[:n_fat]
    fat: list[int] = []
    for sector in difat:
        fat += struct.unpack_from(f"<{size // 4}I", data, (sector + 1) * size)
    names = []
    sector = first_dir
    seen = set()
    while sector != 0xFFFFFFFE:
        assert sector not in seen
        seen.add(sector)
        base = (sector + 1) * size
        for off in range(base, base + size, 128):
            length, kind = struct.unpack_from("<HB", data, off + 64)
            if kind:
                names.append(data[off : off + length - 2].decode("utf-16-le"))
        sector = fat[sector]
    return names


def test_every_hostile_problem_is_named_and_expected_cases_exist() -> None:
    problems = {c.problem for c in HOSTILE}
    assert {
        "empty",
        "not_zip",
        "truncated_zip",
        "zip_bomb",
        "zip_bomb_declared_size_lies",
        "xxe",
        "entity_expansion",
        "missing_main_part",
        "missing_related_part",
        "ole_doc",
        "wrong_package_type",
        "strict_ooxml",
        "encrypted",
        "no_controls",
        "duplicate_tags",
        "non_utf8_xml",
        "malformed_xml",
    } <= problems
    for case in HOSTILE:
        assert case.suffix.startswith(".") and case.problem.replace("_", "").isalnum()


def test_empty_and_not_a_zip() -> None:
    assert hostile("empty_file").build() == b""
    data = hostile("not_a_zip").build()
    assert data and not zipfile.is_zipfile(BytesIO(data))
    data.decode("ascii")


def test_truncated_zip_does_not_open() -> None:
    data = hostile("truncated_zip").build()
    assert data[:4] == b"PK\x03\x04"
    with pytest.raises(zipfile.BadZipFile), zipfile.ZipFile(BytesIO(data)) as archive:
        archive.testzip()


def raw_member(data: bytes, name: str) -> tuple[zipfile.ZipInfo, bytes]:
    with zipfile.ZipFile(BytesIO(data)) as archive:
        info = archive.getinfo(name)
    sig, *_, name_len, extra_len = struct.unpack_from("<IHHHHHIIIHH", data, info.header_offset)
    assert sig == 0x04034B50
    start = info.header_offset + 30 + name_len + extra_len
    return info, data[start : start + info.compress_size]


def inflated_size_exceeds(stream: bytes, limit: int) -> bool:
    """Inflate in bounded pieces, never holding more than 1 MiB, until ``limit`` is passed."""
    d = zlib.decompressobj(-15)
    total = 0
    pending = stream
    while pending or d.unconsumed_tail:
        chunk = d.decompress(d.unconsumed_tail or pending, 1 << 20)
        pending = b""
        total += len(chunk)
        if total > limit:
            return True
        if not chunk and not d.unconsumed_tail:
            break
    return False


def test_zip_bomb_is_huge_and_small() -> None:
    data = hostile("zip_bomb").build()
    assert len(data) < 5_000_000
    info, _ = raw_member(data, "word/document.xml")
    assert info.file_size > HUGE
    assert info.compress_size < info.file_size / 500


def test_zip_bomb_lies_about_its_size() -> None:
    data = hostile("zip_bomb_lying_size").build()
    assert len(data) < 5_000_000
    info, stream = raw_member(data, "word/document.xml")
    assert info.file_size == ZIP_BOMB_DECLARED
    local_size = struct.unpack_from("<I", data, info.header_offset + 22)[0]
    assert local_size == ZIP_BOMB_DECLARED
    assert inflated_size_exceeds(stream, HUGE)


def document_xml(case_name: str) -> bytes:
    return parts_of(hostile(case_name).build())["word/document.xml"]


def test_xxe_declares_an_external_entity_used_in_a_control() -> None:
    raw = document_xml("xxe_external_entity")
    assert b"<!DOCTYPE" in raw and f'SYSTEM "{XXE_TARGET}"'.encode() in raw
    root = xml(raw)  # well-formed, entity left unresolved by a safe parser
    assert root.find(f".//{W}sdt/{W}sdtPr/{W}tag") is not None
    assert b"&xxe;" in raw


def test_billion_laughs_expands_beyond_any_limit() -> None:
    raw = document_xml("billion_laughs")
    doctype = raw[raw.index(b"<!DOCTYPE") : raw.index(b"]>") + 2]
    dtd = doctype.decode()
    assert dtd.count("<!ENTITY") == 10
    for n in range(1, 10):
        prev = "lol" if n == 1 else f"lol{n - 1}"
        assert f'<!ENTITY lol{n} "{("&" + prev + ";") * 10}">' in dtd
    assert HUGE < 3 * 10**9  # lol9 is 10^9 copies of "lol"
    rest = raw.replace(doctype, b"")
    assert rest.count(b"&lol9;") == 1
    root = xml(rest.replace(b"&lol9;", b"lol"))  # otherwise a well-formed document
    assert root.find(f".//{W}sdt/{W}sdtPr/{W}tag") is not None


def test_non_utf8_and_malformed_document_xml() -> None:
    raw = document_xml("non_utf8_encoding")
    assert raw.startswith(b'<?xml version="1.0" encoding="windows-1252"')
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "€ 120.000" in raw.decode("cp1252")
    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring(document_xml("malformed_xml"))


def test_missing_main_part_and_broken_relationship() -> None:
    parts = parts_of(hostile("missing_document_xml").build())
    assert "word/document.xml" not in parts
    assert b'PartName="/word/document.xml"' in parts["[Content_Types].xml"]
    assert b'Target="word/document.xml"' in parts["_rels/.rels"]

    parts = parts_of(hostile("broken_relationship").build())
    assert "word/styles.xml" not in parts
    assert b'Target="styles.xml"' in parts["word/_rels/document.xml.rels"]
    assert "word/document.xml" in parts


def test_strict_ooxml_uses_strict_namespaces_and_has_one_tagged_control() -> None:
    parts = parts_of(hostile("strict_ooxml").build())
    root = xml(parts["word/document.xml"])
    assert root.tag == f"{{{STRICT_W}}}document"
    assert root.get(f"{{{STRICT_W}}}conformance") == "strict"
    assert W_NS.encode() not in parts["word/document.xml"]
    tags = root.findall(f".//{{{STRICT_W}}}sdt/{{{STRICT_W}}}sdtPr/{{{STRICT_W}}}tag")
    assert [t.get(f"{{{STRICT_W}}}val") for t in tags] == ["gemeente"]
    rels = xml(parts["_rels/.rels"])
    types = {r.get("Type") for r in rels}
    assert f"{STRICT_R}/officeDocument" in types
    doc_rels = {r.get("Type") for r in xml(parts["word/_rels/document.xml.rels"])}
    assert f"{STRICT_R}/styles" in doc_rels


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("xlsx_as_template", "spreadsheetml.sheet.main+xml"),
        ("pptx_as_template", "presentationml.presentation.main+xml"),
    ],
)
def test_other_office_packages(name: str, content_type: str) -> None:
    parts = parts_of(hostile(name).build())
    assert "word/document.xml" not in parts
    assert content_type.encode() in parts["[Content_Types].xml"]
    assert CT_MAIN_DOCX.encode() not in parts["[Content_Types].xml"]


def test_encrypted_docx_is_a_compound_file_with_office_streams() -> None:
    data = hostile("encrypted_docx").build()
    assert not zipfile.is_zipfile(BytesIO(data))
    names = cfb_directory_names(data)
    assert names[0] == "Root Entry"
    assert {"EncryptionInfo", "EncryptedPackage", "\x06DataSpaces", "\x06Primary"} <= set(names)


def test_old_doc_is_a_compound_file_with_a_word_document_stream() -> None:
    case = hostile("old_doc")
    assert case.suffix == ".doc"
    data = case.build()
    assert data[:8] == OLE_SIGNATURE
    assert {"WordDocument", "1Table"} <= set(cfb_directory_names(data))


def test_valid_but_awkward_hostile_cases() -> None:
    assert b"<w:sdt>" not in document_xml("no_controls")
    raw = document_xml("duplicate_tags")
    tags = [val(t) for t in xml(raw).iter(W + "tag")]
    assert len(tags) == 2 and len(set(tags)) == 1
