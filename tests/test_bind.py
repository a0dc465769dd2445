"""Data bindings, document properties and packages, judged by the Open XML SDK validator and
LibreOffice: Document Property controls (issue 9.2), bound repeating sections (9.3) and pictures
(9.4), Strict Open XML (9.7), property text XML cannot hold (11.1), templates without core
properties (11.2), binding XPaths outside Word's subset (11.8) and core properties by their
plain names (13.7). Zip members outside the package (11.20) and a missing glossary part (11.21)
are hostile corpus cases (tests/test_hostile.py)."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import struct
import subprocess
import sys
import textwrap
import zipfile
import zlib
from pathlib import Path

import pytest
from lxml import etree

from corpus import bind, bind_hostile
from corpus.cases import CASES
from corpus.hostile import HOSTILE
from corpus.word import png_bytes, zip_parts
from docx_aanpak import (
    Document,
    FillError,
    KeyCollisionWarning,
    Template,
    ValidationError,
    fill_many,
    migrate,
    migrate_many,
)
from judges import assert_valid, missing_from, render_texts

ROOT = Path(__file__).resolve().parent.parent
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
BY_NAME = {c.name: c for c in [*CASES, *HOSTILE]}


def template(name: str) -> Template:
    case = BY_NAME[name]
    return Template.open(case.build(), name=case.filename)


def parts_of(source: Path | bytes) -> dict[str, bytes]:
    data = source.read_bytes() if isinstance(source, Path) else source
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def xml(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def child_text(root: etree._Element, namespace: str, name: str) -> str | None:
    element = root.find(f"{{{namespace}}}{name}")
    return None if element is None else (element.text or "")


def custom_item(parts: dict[str, bytes], item_id: str) -> etree._Element:
    """The custom XML data part whose itemProps hold ``item_id``."""
    ds = "{http://schemas.openxmlformats.org/officeDocument/2006/customXml}itemID"
    for name, data in parts.items():
        if Path(name).name.startswith("itemProps") and xml(data).get(ds) == item_id:
            return xml(parts[name.replace("itemProps", "item")])
    raise AssertionError(f"no custom XML item {item_id}")


def transitional_copy(path: Path) -> Path:
    """A Strict package with Transitional names (what the library reads), for the checks."""
    copy = path.with_name(path.stem + "_transitional.docx")
    parts = {}
    for name, data in parts_of(path).items():
        if name.endswith((".xml", ".rels")):
            for transitional, strict in bind_hostile.STRICT_NAMESPACES:
                data = data.replace(strict.encode(), transitional.encode())
            data = data.replace(
                (bind_hostile.STRICT_REL + "extendedProperties").encode(),
                (bind_hostile.REL + "extended-properties").encode(),
            ).replace(bind_hostile.STRICT_REL.encode(), bind_hostile.REL.encode())
        parts[name] = data
    copy.write_bytes(zip_parts(parts))
    return copy


def bound_xpaths(data: bytes) -> list[str]:
    root = xml(parts_of(data)["word/document.xml"])
    return [b.get(f"{{{W}}}xpath") for b in root.iter(f"{{{W}}}dataBinding")]


# -- Document Property controls (9.2) -------------------------------------------------------------


def property_values(tpl: Template) -> dict[str, object]:
    by_alias = {f.alias: f.key for f in tpl.fields}
    return {
        by_alias["Titel"]: "Lokale aanpak Waalzicht",
        by_alias["Onderwerp"]: "Radicalisering en extremisme",
        by_alias["Auteur"]: "J. de Vries",
        by_alias["Bedrijf"]: "Gemeente Waalzicht",
        by_alias["Manager"]: "A. Bakker",
        by_alias["Samenvatting"]: "Samen met partners.\nMet een jaarlijkse evaluatie.",
        by_alias["Publicatiedatum"]: dt.date(2026, 2, 15),
    }


def assert_properties_written(path: Path) -> None:
    parts = parts_of(path)
    document = Document.open(path)
    assert document.core_property("title") == "Lokale aanpak Waalzicht"
    assert document.core_property("subject") == "Radicalisering en extremisme"
    assert document.core_property("creator") == "J. de Vries"
    app = xml(parts["docProps/app.xml"])
    ep = bind.EP
    assert child_text(app, ep, "Company") == "Gemeente Waalzicht"
    assert child_text(app, ep, "Manager") == "A. Bakker"
    cover = custom_item(parts, bind.COVER_STORE)
    assert child_text(cover, bind.COVER_NS, "Abstract") == (
        "Samen met partners.\nMet een jaarlijkse evaluatie."
    )
    assert (child_text(cover, bind.COVER_NS, "PublishDate") or "")[:10] == "2026-02-15"


SOURCES = {
    "with_property_parts": lambda: BY_NAME["document_properties"].build(),
    "without_property_parts": bind.document_properties_without_stores,
    "strict_without_property_parts": lambda: zip_parts(
        bind_hostile.to_strict(bind.document_properties_without_stores_parts())
    ),
}


@pytest.mark.parametrize("source", list(SOURCES))
def test_document_property_controls_fill_the_property_parts(source: str, tmp_path: Path) -> None:
    tpl = Template.open(SOURCES[source](), name=f"{source}.docx")
    values = property_values(tpl)
    out = tmp_path / "plan.docx"
    tpl.fill(values).save(out)
    if source.startswith("strict"):
        assert b'w:conformance="strict"' in parts_of(out)["word/document.xml"]
        assert_properties_written(transitional_copy(out))  # the checks use Transitional names
    else:
        assert_properties_written(out)
    assert tpl.extract(out) == values
    assert_valid(out)
    text = render_texts([out], layout=False)[out.resolve()]
    shown = [v for v in values.values() if isinstance(v, str)] + ["15 februari 2026"]
    assert missing_from(text, [line for v in shown for line in v.split("\n")]) == []


@pytest.mark.filterwarnings("ignore::docx_aanpak.KeyCollisionWarning")  # extract scans again
def test_a_property_bound_twice_shows_one_value_everywhere(tmp_path: Path) -> None:
    with pytest.warns(KeyCollisionWarning):
        tpl = Template.open(bind.title_twice(), name="title_twice.docx")
    keys = [f.key for f in tpl.fields]
    assert keys == ["titel", "titel_2"]
    # The plan's title (from --title or the batch) shows in every control bound to it.
    titled = tmp_path / "titled.docx"
    tpl.fill({}, title="Waalzicht").save(titled)
    assert tpl.extract(titled) == {"titel": "Waalzicht", "titel_2": "Waalzicht"}
    # A field bound to the title gives it its own value, shown in the other control too.
    own = tmp_path / "own.docx"
    tpl.fill({"titel": "Eigen titel"}, title="Waalzicht").save(own)
    assert Document.open(own).core_property("title") == "Eigen titel"
    assert tpl.extract(own) == {"titel": "Eigen titel", "titel_2": "Eigen titel"}
    for path in (titled, own):
        header = xml(parts_of(path)["word/header1.xml"])
        assert not list(header.iter(f"{{{W}}}showingPlcHdr"))
    assert_valid(titled, own)
    texts = render_texts([titled, own])
    assert "Waalzicht" in texts[titled.resolve()]
    assert texts[own.resolve()].count("Eigen titel") == 2
    # Two values for one property: a document can show only one.
    with pytest.raises(FillError, match=r"titel.*same data"):
        tpl.fill({"titel": "Een", "titel_2": "Twee"})


# -- a bound repeating section (9.3) --------------------------------------------------------------

ROWS = [
    {"partner_naam": "GGD Hollands Midden", "partner_rol": "Monitoring"},
    {"partner_naam": "Stichting Buurtwerk", "partner_rol": "Uitvoering"},
    {"partner_naam": "Politie Eenheid Den Haag", "partner_rol": "Signalering"},
]


def partner_nodes(data: bytes) -> list[tuple[str, str]]:
    root = custom_item(parts_of(data), bind.PLAN_STORE)
    ns = f"{{{bind.PLAN_NS}}}"
    partners = root.find(f"{ns}partners")
    assert partners is not None
    return [
        (p.findtext(f"{ns}naam") or "", p.findtext(f"{ns}rol") or "")
        for p in partners.iter(f"{ns}partner")
    ]


def test_bound_repeating_section_items_get_their_own_nodes(tmp_path: Path) -> None:
    tpl = template("bound_repeating_section")
    key = tpl.fields[0].key
    three = tmp_path / "three.docx"
    tpl.fill({key: ROWS}).save(three)
    data = three.read_bytes()
    assert partner_nodes(data) == [(r["partner_naam"], r["partner_rol"]) for r in ROWS]
    path = bind.PARTNERS_PATH
    assert bound_xpaths(data) == [
        f"{path}[{n}]/ns0:{leaf}[1]" for n in (1, 2, 3) for leaf in ("naam", "rol")
    ]
    assert tpl.extract(three) == {key: ROWS}
    # Removing items removes their nodes.
    one = tmp_path / "one.docx"
    tpl.fill({key: ROWS[2:]}).save(one)
    assert partner_nodes(one.read_bytes()) == [("Politie Eenheid Den Haag", "Signalering")]
    assert bound_xpaths(one.read_bytes()) == [f"{path}[1]/ns0:naam[1]", f"{path}[1]/ns0:rol[1]"]
    assert tpl.extract(one) == {key: ROWS[2:]}
    assert_valid(three, one)
    text = render_texts([three], layout=False)[three.resolve()]
    assert missing_from(text, [v for row in ROWS for v in row.values()]) == []


def test_items_of_an_unmapped_section_are_rebound_from_their_own_bindings(tmp_path: Path) -> None:
    # Only the controls in the items are mapped: the node an item repeats is where the paths
    # of the first two items differ (partner[1], partner[2]).
    tpl = Template.open(bind.bound_repeating_section(section_bound=False), name="unmapped.docx")
    key = tpl.fields[0].key
    out = tmp_path / "three.docx"
    tpl.fill({key: ROWS}).save(out)
    assert partner_nodes(out.read_bytes()) == [(r["partner_naam"], r["partner_rol"]) for r in ROWS]
    assert tpl.extract(out) == {key: ROWS}
    assert_valid(out)


def test_a_single_item_of_an_unmapped_section_is_not_copied_onto_its_own_node() -> None:
    one = bind.bound_repeating_section(section_bound=False, partners=bind.PARTNERS[:1])
    tpl = Template.open(one, name="unmapped_one.docx")
    key = tpl.fields[0].key
    assert tpl.extract(tpl.fill({key: ROWS[:1]}).to_bytes()) == {key: ROWS[:1]}
    with pytest.raises(FillError, match="cannot tell which node an item repeats"):
        tpl.fill({key: ROWS})  # answers would share one node


# -- a bound picture (9.4) ------------------------------------------------------------------------


def test_a_bound_picture_stores_the_new_image_and_reads_back_as_none(tmp_path: Path) -> None:
    tpl = template("bound_picture")
    key = tpl.fields[0].key
    assert tpl.extract(tpl.document) == {key: None}  # write-only, even with base64 in the XML
    image = tmp_path / "wapen.png"
    image.write_bytes(png_bytes(48, 24))
    out = tmp_path / "plan.docx"
    tpl.fill({key: image}).save(out)
    logo = custom_item(parts_of(out), bind.LOGO_STORE).findtext(f"{{{bind.PLAN_NS}}}logo")
    assert base64.b64decode(logo or "") == image.read_bytes()
    assert tpl.extract(out) == {key: None}
    assert_valid(out)
    render_texts([out])  # opens in LibreOffice


@pytest.mark.parametrize(
    "value",
    [
        base64.b64encode(png_bytes(160, 160)).decode() * 4,  # the base64 of an image
        "logo.png\nwapen.png",
        "a" * 300 + ".png",
    ],
    ids=["base64", "two_lines", "long_name"],
)
def test_a_picture_value_that_is_not_a_path_is_refused_naming_the_field(value: str) -> None:
    tpl = template("bound_picture")
    key = tpl.fields[0].key
    with pytest.raises(ValidationError, match=key):
        tpl.fill({key: value})
    with pytest.raises(FillError, match=key):
        tpl.fill_validated({key: value})


def noisy_png(width: int, height: int) -> bytes:
    """A PNG of deterministic noise: it does not compress, like a photograph."""
    state = 12345
    rows = bytearray()
    for _ in range(height):
        rows.append(0)
        for _ in range(width * 3):
            state = (state * 1103515245 + 12345) & 0x7FFFFFFF
            rows.append(state >> 23)

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )


def test_migrating_a_plan_with_a_bound_picture_leaves_the_picture(tmp_path: Path) -> None:
    tpl = template("bound_picture")
    key = tpl.fields[0].key
    image = tmp_path / "foto.png"
    image.write_bytes(noisy_png(48, 48))
    assert len(base64.b64encode(image.read_bytes())) > 4096  # longer than any path
    plan = tmp_path / "plan.docx"
    tpl.fill({key: image}).save(plan)
    result = migrate(plan, tpl)  # the picture's base64 is never taken for a file name
    assert result.ok
    assert result.values.get(key) is None
    (dropped,) = result.dropped  # not carried, and said so
    assert dropped.old_key == key and dropped.value is None and "picture" in dropped.reason


# -- Strict Open XML (9.7) ------------------------------------------------------------------------


def test_strict_as_word_saves_it_is_written_back_as_strict_and_valid(tmp_path: Path) -> None:
    case = BY_NAME["strict_word"]
    source = tmp_path / case.filename
    source.write_bytes(case.build())
    tpl = Template.open(source)
    assert tpl.extract(source) == {
        "gemeente": bind_hostile.STRICT_GEMEENTE,
        "toelichting": bind_hostile.STRICT_TOELICHTING,
    }
    values = {"gemeente": "Delft", "toelichting": "Samen met de wijkteams.\nElk jaar bijgesteld."}
    out = tmp_path / "plan.docx"
    tpl.fill(values).save(out)
    assert_valid(out)
    before, after = parts_of(source), parts_of(out)
    assert list(after) == list(before)
    assert [n for n in before if before[n] != after[n]] == ["word/document.xml"]
    document = after["word/document.xml"]
    assert b'w:conformance="strict"' in document
    assert b"http://purl.oclc.org/ooxml/wordprocessingml/main" in document
    assert b"schemas.openxmlformats.org/wordprocessingml" not in document
    assert b'w:ind w:left="72pt"' in document and b'w:w="100%"' in document
    assert outside_controls(document) == outside_controls(before["word/document.xml"])
    assert tpl.extract(out) == values
    text = render_texts([out], layout=False)[out.resolve()]
    assert missing_from(text, ["Delft", "Samen met de wijkteams.", "Elk jaar bijgesteld."]) == []


def outside_controls(data: bytes) -> bytes:
    """A part's canonical XML with every control taken out."""
    root = xml(data)
    strict_w = "http://purl.oclc.org/ooxml/wordprocessingml/main"
    for sdt in list(root.iter(f"{{{strict_w}}}sdt")):
        parent = sdt.getparent()
        if parent is not None:
            parent.remove(sdt)
    return etree.tostring(root, method="c14n")


# -- document properties: bad text (11.1), a missing part (11.2), plain names (13.7) --------------


@pytest.mark.parametrize("bad", ["\x01", "\ufffe", "\ud800"], ids=["U+0001", "U+FFFE", "U+D800"])
def test_a_title_xml_cannot_hold_is_a_validation_error(bad: str, tmp_path: Path) -> None:
    tpl = template("no_core_properties")
    with pytest.raises(ValidationError, match=f"'title'.*U\\+{ord(bad):04X}"):
        tpl.fill({"gemeente": "Delft"}, title=f"Waal{bad}zicht")
    document = tpl.fill({"gemeente": "Delft"})
    with pytest.raises(ValidationError, match=f"'subject'.*U\\+{ord(bad):04X}"):
        document.set_core_properties(subject=f"Plan{bad}")
    if bad != "\ud800":  # a lone surrogate in a plan's file name is the batch's to refuse
        record = {"Gemeente": f"Waal{bad}zicht", "gemeente": "Delft"}
        report = fill_many(tpl, [record], tmp_path, jobs=1)
        assert report.summary() == "0 written, 0 skipped, 1 failed"
        assert f"U+{ord(bad):04X}" in (report.outcomes[0].message or "")


def test_a_template_without_core_properties_gets_them(tmp_path: Path) -> None:
    tpl = template("no_core_properties")
    assert "docProps/core.xml" not in tpl.document.package.parts
    assert tpl.document.core_property("title") is None
    out = tmp_path / "Delft.docx"
    tpl.fill({"gemeente": "Delft"}, title="Delft", subject="Lokale aanpak – Delft").save(out)
    document = Document.open(out)
    assert document.core_property("title") == "Delft"
    assert document.core_property("subject") == "Lokale aanpak – Delft"
    assert_valid(out)


def test_fill_title_batch_and_migrate_work_without_core_properties(tmp_path: Path) -> None:
    source = tmp_path / "sjabloon.docx"
    source.write_bytes(BY_NAME["no_core_properties"].build())
    values = tmp_path / "waarden.json"
    values.write_text(json.dumps({"gemeente": "Delft"}), encoding="utf-8")
    single = tmp_path / "Delft.docx"
    proc = subprocess.run(
        [sys.executable, "-m", "docx_aanpak", "fill", str(source), str(values),
         "-o", str(single), "--title", "Delft"],
        capture_output=True, text=True, timeout=120, check=False, cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert Document.open(single).core_property("title") == "Delft"

    tpl = Template.open(source)
    batch = tmp_path / "batch"
    records = [{"Gemeente": name, "gemeente": name} for name in ("Leiden", "Gouda")]
    report = fill_many(tpl, records, batch, jobs=1)
    assert report.summary() == "2 written, 0 skipped, 0 failed"

    migrated = tmp_path / "v2"
    results = migrate_many([single], tpl, migrated)
    assert [r.error for r in results] == [None]
    assert Document.open(migrated / "Delft.docx").core_property("title") == "Delft"
    outputs = [single, batch / "Leiden.docx", batch / "Gouda.docx", migrated / "Delft.docx"]
    for path in outputs[1:3]:
        assert Document.open(path).core_property("title") == path.stem
    assert_valid(*outputs)


def test_core_properties_are_read_and_set_by_their_plain_names(tmp_path: Path) -> None:
    document = Document.open(BY_NAME["document_properties"].build())
    assert document.core_property("title") == document.core_property("dc:title") == "Beleidsplan"
    assert document.core_property("creator") == "Gemeente Voorbeeld"
    assert document.core_property("lastModifiedBy") == "Gemeente Voorbeeld"
    assert document.core_property("revision") == "2"
    assert document.core_property("created") == "2025-01-06T09:00:00Z"
    assert document.core_property("subject") is None
    with pytest.raises(KeyError, match="not a core document property"):
        document.core_property("titel")
    document.set_core_properties(
        keywords="radicalisering; extremisme", category="Beleid", description="Concept"
    )
    out = tmp_path / "plan.docx"
    document.save(out)
    saved = Document.open(out)
    assert saved.core_property("keywords") == "radicalisering; extremisme"
    assert saved.core_property("cp:category") == "Beleid"
    assert saved.core_property("description") == "Concept"
    assert_valid(out)


# -- XPaths outside the subset Word writes (11.8) -------------------------------------------------

BOMB_SCRIPT = textwrap.dedent(
    """
    import sys, warnings
    from docx_aanpak import FillError, Template
    tpl = Template.open(sys.argv[1])
    try:
        tpl.fill({"gemeente": "Delft"})
    except FillError as e:
        print("FillError:", e)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        print("extract:", tpl.extract(sys.argv[1]))
    print("warning:", caught[0].message if caught else None)
    """
)


def test_a_binding_xpath_outside_words_subset_is_refused_in_bounded_time(tmp_path: Path) -> None:
    source = tmp_path / "xpath_bomb.docx"
    source.write_bytes(bind.xpath_bomb())
    assert source.stat().st_size < 16_000
    proc = subprocess.run(
        [sys.executable, "-c", BOMB_SCRIPT, str(source)],
        capture_output=True, text=True, timeout=60, check=False, cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("FillError: field 'gemeente'")
    assert "data binding that cannot be followed" in lines[0]
    assert lines[1] == "extract: {'gemeente': 'Leiden'}"  # the text the control shows
    assert lines[2].startswith("warning: ") and "gemeente" in lines[2]


@pytest.mark.parametrize(
    "xpath",
    [
        "//ns0:partner",
        "/ns0:plan[1]/ns0:partner[last()]",
        "count(//*)",
        "/ns0:plan[1]/ns0:partner[count(//*) > 0]",
        "/ns0:plan[1]/text()",
        "/ns0:plan[1]/*",
        "/ns0:plan[1]/ns0:partner[@naam='x']",
        "/ns0:plan[1] | /ns0:plan[1]",
        "/ns9:plan[1]",
        "",
    ],
)
def test_xpaths_outside_words_subset_are_refused(xpath: str) -> None:
    from docx_aanpak.binding import UnsupportedXPathError, parse_xpath

    with pytest.raises(UnsupportedXPathError):
        parse_xpath(xpath, {"ns0": "urn:plan"})


def test_the_xpaths_word_writes_are_followed() -> None:
    from docx_aanpak import _ooxml as ox
    from docx_aanpak.binding import parse_xpath

    root = ox.parse(
        b'<plan xmlns="urn:plan" xmlns:x="urn:x"><partner x:id="p1"><naam>A</naam></partner>'
        b"<partner><naam>B</naam></partner><status>concept</status></plan>"
    )
    ns = {"ns0": "urn:plan", "ns1": "urn:x"}

    def texts(xpath: str) -> list[str]:
        return [t.read() for t in parse_xpath(xpath, ns).select(root)]

    assert texts("/ns0:plan[1]/ns0:partner[2]/ns0:naam[1]") == ["B"]
    assert texts("/ns0:plan[1]/ns0:partner") == ["A", "B"]
    assert texts("/ns0:plan[1]/ns0:partner[1]/@ns1:id") == ["p1"]
    assert texts("/ns0:plan[1]/ns0:status[1]") == ["concept"]
    assert texts("/ns0:plan[1]/ns0:partner[3]/ns0:naam[1]") == []
    assert texts("/ns0:plan[2]") == []
    path = parse_xpath("/ns0:plan[1]/ns0:partner[2]/ns0:naam[1]", ns)
    assert path.text() == "/ns0:plan[1]/ns0:partner[2]/ns0:naam[1]"
