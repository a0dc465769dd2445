"""python-docx in, out and in place (issue 12.1).

A python-docx ``Document`` is accepted wherever a file is (``Template.open``, ``extract``,
``collect``, ``migrate``); ``Document.to_python_docx()`` hands a filled plan to python-docx to edit
further; ``Template.fill_into`` fills a python-docx ``Document`` in place. The outputs python-docx
saves are judged by the Open XML SDK validator and LibreOffice, and in-place filling must write the
same XML into the controls as ``Template.fill``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import posixpath
import re
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path
from typing import Any

import docx
import docx.document
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import PartFactory, XmlPart
from docx.oxml.ns import nsmap as NS
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from docx.oxml.text.paragraph import CT_P
from docx.oxml.text.run import CT_R
from lxml import etree

from corpus.cases import CASES, Case, by_name
from corpus.word import inline_picture, png_bytes, sdt, sdt_pr
from docx_aanpak import (
    Document,
    DocumentError,
    FillError,
    Kind,
    NotAWordDocumentError,
    Template,
    TemplateMismatchError,
    ValidationError,
    collect,
    migrate,
)
from docx_aanpak.scan import Field
from judges import assert_valid, missing_from, render_texts

ROOT = Path(__file__).resolve().parent.parent
PLAN = json.loads((ROOT / "examples" / "plan_waalzicht.json").read_text(encoding="utf-8"))
W_SDT = qn("w:sdt")
R_EMBED = qn("r:embed")
SIGNATURE = "Voor akkoord getekend door de burgemeester"
ANNEX = "Bijlage 1: overzicht van de partners in de regio"


# -- helpers --------------------------------------------------------------------------------------


def saved(document: docx.document.Document) -> bytes:
    """What python-docx saves."""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def part_xml(data: bytes, part: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read(part), etree.XMLParser(remove_blank_text=True))


def canonical(element: etree._Element) -> bytes:
    """Exclusive canonical XML: namespace declarations nothing uses (python-docx's core
    properties part declares fewer) do not count."""
    return etree.tostring(element, method="c14n", exclusive=True)


def controls(data: bytes, part: str) -> list[bytes]:
    """The outermost controls of a part, canonically."""
    root = part_xml(data, part)
    outer = [s for s in root.iter(W_SDT) if next(s.iterancestors(W_SDT), None) is None]
    return [canonical(s) for s in outer]


def sample(item: Field, picture: Path) -> object:
    """A value for any field, of its kind."""
    if item.kind == Kind.RICH_TEXT:
        return f"Antwoord op {item.key}\nmet een tweede alinea"
    if item.kind == Kind.PLAIN_TEXT:
        return f"Antwoord op {item.key}" + ("\nen een tweede regel" if item.multiline else "")
    if item.kind == Kind.DROPDOWN:
        return item.choices[-1].value
    if item.kind == Kind.COMBO_BOX:
        return "Eigen antwoord"
    if item.kind == Kind.DATE:
        return dt.date(2025, 3, 14)
    if item.kind == Kind.CHECKBOX:
        return True
    if item.kind == Kind.PICTURE:
        return str(picture)
    assert item.kind == Kind.REPEATING_SECTION, item.kind
    return [{c.key: sample(c, picture) for c in item.children} for _ in range(3)]


def texts_of(item: Field, value: object) -> list[str]:
    """What a reader sees of a text value."""
    if item.kind in (Kind.RICH_TEXT, Kind.PLAIN_TEXT, Kind.COMBO_BOX):
        return str(value).split("\n")
    return []


@pytest.fixture(scope="module")
def tpl(template_path: Path) -> Template:
    return Template.open(template_path)


@pytest.fixture(scope="module")
def picture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("beeld") / "logo.png"
    path.write_bytes(png_bytes(24, 12))
    return path


IN_PLACE_CASES = [c for c in CASES if c.suffix == ".docx" and c.controls]


def corpus_template(case: Case) -> Template:
    return Template.open(case.build(), name=case.filename, duplicate_tags="merge")


# -- in: a python-docx Document wherever a file is accepted ---------------------------------------


def test_template_open_and_extract_accept_a_python_docx_document(
    tpl: Template, template_path: Path, tmp_path: Path
) -> None:
    pd = docx.Document(str(template_path))
    before = saved(pd)
    from_python_docx = Template.open(pd)
    assert [(f.key, f.kind, f.section, f.label) for f in from_python_docx.fields] == [
        (f.key, f.kind, f.section, f.label) for f in tpl.fields
    ]
    assert from_python_docx.extract(pd) == dict.fromkeys(tpl.keys)
    plan = tmp_path / "plan.docx"
    tpl.fill(PLAN).save(plan)
    assert tpl.extract(docx.Document(str(plan))) == PLAN
    assert saved(pd) == before  # reading a python-docx document does not change it


def test_a_template_from_python_docx_fills_like_the_file(
    tpl: Template, template_path: Path
) -> None:
    ours = Template.open(docx.Document(str(template_path))).fill(PLAN)
    for story in tpl.document.story_parts():
        assert controls(ours.to_bytes(), story.name) == controls(
            tpl.fill(PLAN).to_bytes(), story.name
        )
    assert tpl.extract(ours) == PLAN


@pytest.mark.parametrize("thing", [42, object(), None, ["plan.docx"]], ids=repr)
def test_objects_that_are_not_documents_get_the_library_error(tpl: Template, thing: Any) -> None:
    with pytest.raises(NotAWordDocumentError, match="python-docx Document"):
        Template.open(thing)
    with pytest.raises(NotAWordDocumentError, match="python-docx Document"):
        tpl.extract(thing)
    with pytest.raises(NotAWordDocumentError, match="fill_into fills a python-docx Document"):
        tpl.fill_into(thing, PLAN)


def test_fill_into_a_file_name_or_our_document_points_to_fill(tpl: Template) -> None:
    for thing in ("template/lokale_aanpak.docx", tpl.fill(PLAN)):
        with pytest.raises(DocumentError, match=r"fill\(values\)\.save\(path\)"):
            tpl.fill_into(thing, PLAN)  # type: ignore[type-var]


def test_collect_and_migrate_accept_python_docx_documents(tpl: Template, tmp_path: Path) -> None:
    first = tpl.fill(PLAN, title="Waalzicht").to_python_docx()
    second = tpl.fill({"handhaving": "Alleen handhaving."}, title="Oosterdijk").to_python_docx()
    other = docx.Document(io.BytesIO(by_name("rich_text_block_body").build()))
    collection = collect([first, tmp_path / "ontbreekt.docx", second, other], tpl)
    assert [(p.name, p.values) for p in collection.plans] == [
        ("Waalzicht", PLAN),
        ("Oosterdijk", {**dict.fromkeys(tpl.keys), "handhaving": "Alleen handhaving."}),
    ]
    assert [s.path.name for s in collection.skipped] == [
        "ontbreekt.docx",
        "python-docx Document 'Beleidsplan eenzaamheid'",
    ]
    assert "not a plan of" in collection.skipped[1].reason

    migration = migrate(first, tpl)
    assert migration.plan == "Waalzicht"
    assert migration.values == PLAN
    assert migration.dropped == []


# -- out: a python-docx Document of a filled plan -------------------------------------------------


def edited_plan(tpl: Template) -> docx.document.Document:
    """A filled plan handed to python-docx, with a signature table and an annex appended."""
    pd = tpl.fill(PLAN, title="Waalzicht").to_python_docx()
    table = pd.add_table(rows=2, cols=2)
    table.cell(0, 0).text = SIGNATURE
    table.cell(0, 1).text = "Datum"
    table.cell(1, 1).text = "14-3-2025"
    pd.add_page_break()
    pd.add_paragraph(ANNEX)
    return pd


def test_to_python_docx_gives_a_python_docx_document_to_keep_editing(tpl: Template) -> None:
    pd = tpl.fill(PLAN, title="Waalzicht").to_python_docx()
    assert isinstance(pd, docx.document.Document)
    assert pd.core_properties.title == "Waalzicht"
    assert PLAN["handhaving"].split("\n")[0] in "".join(pd.element.body.itertext())
    edited = edited_plan(tpl)
    assert tpl.extract(edited) == PLAN
    assert Template.open(edited).keys == tpl.keys  # the controls are still found and named
    again = docx.Document(io.BytesIO(saved(edited)))
    assert tpl.extract(again) == PLAN
    assert again.tables[-1].cell(0, 0).text == SIGNATURE
    assert again.paragraphs[-1].text == ANNEX


def test_a_dotx_template_comes_out_as_a_docx_python_docx_opens() -> None:
    case = by_name("template_dotx")
    tpl = corpus_template(case)
    values = {f.key: sample(f, Path("unused")) for f in tpl.fields}
    pd = tpl.fill(values).to_python_docx()
    assert tpl.extract(pd) == tpl.extract(tpl.fill(values))


# -- in place -------------------------------------------------------------------------------------


def test_fill_into_fills_a_python_docx_document_in_place(
    tpl: Template, template_path: Path
) -> None:
    pd = docx.Document(str(template_path))
    held = pd.paragraphs[0]  # outside the controls
    held_text = held.text
    answer_cells = len(pd.tables[0]._cells)
    assert tpl.fill_into(pd, PLAN) is pd
    assert tpl.extract(pd) == PLAN
    reference = tpl.fill(PLAN).to_bytes()
    ours = saved(pd)
    for story in tpl.document.story_parts():
        assert controls(ours, story.name) == controls(reference, story.name)
    # python-docx's objects stay usable, and the new XML is made of python-docx's classes.
    assert held._p.getparent() is not None
    assert held.text == held_text
    assert len(pd.tables[0]._cells) == answer_cells
    body = pd.element.body
    assert all(isinstance(e, CT_P) for e in body.iter(qn("w:p")))
    assert all(isinstance(e, CT_R) for e in body.iter(qn("w:r")))
    assert all(isinstance(e, CT_Tbl) for e in body.iter(qn("w:tbl")))
    assert PLAN["handhaving"].split("\n")[0] in "".join(pd.element.body.itertext())
    pd.add_table(rows=1, cols=2).cell(0, 0).text = SIGNATURE
    pd.add_paragraph(ANNEX)
    assert pd.paragraphs[-1].text == ANNEX
    assert tpl.extract(docx.Document(io.BytesIO(saved(pd)))) == PLAN


@pytest.mark.parametrize("case", IN_PLACE_CASES, ids=lambda c: c.name)
def test_fill_into_writes_what_fill_writes(case: Case, picture: Path) -> None:
    """Every kind, level and part of the corpus: the same XML in every part as ``fill``, core
    properties included (only [Content_Types].xml is python-docx's own)."""
    tpl = corpus_template(case)
    values = {f.key: sample(f, picture) for f in tpl.fields}
    named = {"title": "Waalzicht", "subject": f"{case.name} – Waalzicht"}
    reference = tpl.fill(values, force=True, **named).to_bytes()
    pd = docx.Document(io.BytesIO(case.build()))
    tpl.fill_into(pd, values, force=True, **named)
    ours = saved(pd)
    with zipfile.ZipFile(io.BytesIO(reference)) as z:
        names = [n for n in z.namelist() if n != "[Content_Types].xml"]
        expected = {n: z.read(n) for n in names}
    with zipfile.ZipFile(io.BytesIO(ours)) as z:
        assert sorted(z.namelist()) == sorted([*names, "[Content_Types].xml"])
        for name in names:
            if name.endswith((".xml", ".rels")):
                assert canonical(part_xml(ours, name)) == canonical(part_xml(reference, name)), name
            else:
                assert z.read(name) == expected[name], name
    assert tpl.extract(ours) == tpl.extract(reference)


def test_fill_into_fills_headers_footers_footnotes_and_endnotes() -> None:
    tpl = corpus_template(by_name("parts_header_footer_notes"))
    values = {
        "zaaknummer": "Z/25/099999",
        "kop_afdeling": "Veiligheid en Handhaving",
        "voet_versie": "2.3",
        "noot_bron": "Politie, Basisteam Waalzicht",
        "eindnoot_verwijzing": "Raadsbesluit 2025-04",
    }
    pd = docx.Document(io.BytesIO(by_name("parts_header_footer_notes").build()))
    tpl.fill_into(pd, values)
    section = pd.sections[0]
    # python-docx's own header and footer parts hold the answers (python-docx shows no text of
    # content controls in Paragraph.text, so read their XML).
    assert "Veiligheid en Handhaving" in "".join(section.header.part.element.itertext())
    assert "Versie: 2.3" in "".join(section.footer.part.element.itertext())
    ours = saved(pd)
    assert "Politie, Basisteam Waalzicht" in "".join(
        part_xml(ours, "word/footnotes.xml").itertext()
    )
    assert "Raadsbesluit 2025-04" in "".join(part_xml(ours, "word/endnotes.xml").itertext())
    assert tpl.extract(pd) == values
    parts = {f.key: f.location.part for f in tpl.fields}
    assert {parts[k] for k in values} == {
        "word/document.xml",
        "word/header1.xml",
        "word/footer1.xml",
        "word/footnotes.xml",
        "word/endnotes.xml",
    }


def test_fill_into_updates_the_bound_custom_xml() -> None:
    tpl = corpus_template(by_name("bound_plain_text"))
    pd = docx.Document(io.BytesIO(by_name("bound_plain_text").build()))
    store = next(p for p in pd.part.package.iter_parts() if p.partname == "/customXml/item1.xml")
    assert b"<gemeente>Leiden</gemeente>" in store.blob
    tpl.fill_into(pd, {"gemeente_gebonden": "Waalzicht"})
    assert b"<gemeente>Waalzicht</gemeente>" in store.blob  # python-docx's own part object
    assert tpl.extract(pd) == {"gemeente_gebonden": "Waalzicht"}  # the bound value wins


def test_fill_into_adds_a_picture_python_docx_already_holds_under_its_own_id(
    tmp_path: Path,
) -> None:
    """The picture case holds image1.png under rId20; filling the same image again makes
    python-docx reuse that part and relationship (filling a copy chose a new rId1), and the
    control points at it."""
    case = by_name("picture")
    tpl = corpus_template(case)
    with zipfile.ZipFile(io.BytesIO(case.build())) as z:
        existing = z.read("word/media/image1.png")
    image = tmp_path / "logo.png"
    image.write_bytes(existing)
    reference = tpl.fill({"logo": str(image)}).to_bytes()
    assert [
        e.get(R_EMBED) for e in part_xml(reference, "word/document.xml").iter(qn("a:blip"))
    ] != ["rId20"]
    pd = docx.Document(io.BytesIO(case.build()))
    tpl.fill_into(pd, {"logo": str(image)})
    ours = saved(pd)
    root = part_xml(ours, "word/document.xml")
    embeds = [e.get(R_EMBED) for e in root.iter(qn("a:blip"))]
    assert embeds == ["rId20"]
    with zipfile.ZipFile(io.BytesIO(ours)) as z:
        assert [n for n in z.namelist() if n.startswith("word/media/")] == ["word/media/image1.png"]


def test_fill_into_updates_custom_xml_python_docx_has_parsed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Should python-docx parse the custom XML part (an XmlPart, not bytes), its tree is
    replaced."""
    monkeypatch.setitem(PartFactory.part_type_for, "application/xml", XmlPart)
    tpl = corpus_template(by_name("bound_plain_text"))
    pd = docx.Document(io.BytesIO(by_name("bound_plain_text").build()))
    store = next(p for p in pd.part.package.iter_parts() if p.partname == "/customXml/item1.xml")
    assert isinstance(store, XmlPart)
    tpl.fill_into(pd, {"gemeente_gebonden": "Waalzicht"})
    assert [e.text for e in store.element.iter("{*}gemeente")] == ["Waalzicht"]
    assert tpl.extract(saved(pd)) == {"gemeente_gebonden": "Waalzicht"}


def footnote_with_a_picture(image: bytes) -> docx.document.Document:
    """The notes case with a picture control in its footnote, made with python-docx: the
    footnotes part (bytes to python-docx) relates ``image`` as rId1 and the control shows it."""
    pd = docx.Document(io.BytesIO(by_name("parts_header_footer_notes").build()))
    notes = next(p for p in pd.part.package.iter_parts() if p.partname == "/word/footnotes.xml")
    image_part = pd.part.package.get_or_add_image_part(io.BytesIO(image))
    assert notes.relate_to(image_part, RT.IMAGE) == "rId1"
    control = sdt(
        sdt_pr(sdt_id=4711, alias="Logo", tag="noot_logo", type_xml="<w:picture/>"),
        inline_picture("rId1", name="Logo", docpr_id=4711, cx=457200, cy=457200),
    )
    root = etree.fromstring(notes.blob)
    holder = "".join(f' xmlns:{p}="{NS[p]}"' for p in ("w", "wp", "a", "pic", "r"))
    picture = etree.fromstring(f"<w:body{holder}>{control}</w:body>")[0]
    footnote = next(n for n in root.iter(qn("w:footnote")) if n.get(qn("w:id")) == "1")
    next(footnote.iter(qn("w:p"))).append(picture)
    notes._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return pd


@pytest.mark.parametrize("same", [True, False], ids=["same_image", "new_image"])
def test_fill_into_puts_a_picture_into_a_part_python_docx_keeps_as_bytes(
    same: bool, tmp_path: Path
) -> None:
    shown = png_bytes(16, 16)
    pd = footnote_with_a_picture(shown)
    tpl = Template.open(pd)
    assert tpl.field("noot_logo").location.part == "word/footnotes.xml"
    image = tmp_path / "logo.png"
    image.write_bytes(shown if same else png_bytes(32, 16))
    tpl.fill_into(pd, {"noot_logo": str(image), "noot_bron": "Eigen telling"})
    ours = saved(pd)
    blips = [e.get(R_EMBED) for e in part_xml(ours, "word/footnotes.xml").iter(qn("a:blip"))]
    # python-docx reuses the part it holds (rId1) or relates the new image as rId2.
    assert blips == (["rId1"] if same else ["rId2"])
    with zipfile.ZipFile(io.BytesIO(ours)) as z:
        media = sorted(n for n in z.namelist() if n.startswith("word/media/"))
        rels = etree.fromstring(z.read("word/_rels/footnotes.xml.rels"))
        target = {r.get("Id"): r.get("Target") for r in rels}[blips[0]]
        assert z.read(posixpath.normpath(posixpath.join("word", target))) == image.read_bytes()
    assert len(media) == (1 if same else 2)
    assert Template.open(pd).extract(ours)["noot_bron"] == "Eigen telling"
    assert_valid(write(tmp_path / "noot.docx", ours))


def test_fill_into_validates_like_fill_and_changes_nothing_on_error(
    tpl: Template, template_path: Path
) -> None:
    pd = docx.Document(str(template_path))
    before = saved(pd)
    bad = {**PLAN, "handhavingg": "typo"}
    with pytest.raises(ValidationError) as from_fill:
        tpl.fill(bad)
    with pytest.raises(ValidationError) as from_fill_into:
        tpl.fill_into(pd, bad)
    assert str(from_fill_into.value) == str(from_fill.value)
    assert saved(pd) == before

    locked = corpus_template(by_name("locked_controls"))
    pd = docx.Document(io.BytesIO(by_name("locked_controls").build()))
    before = saved(pd)
    with pytest.raises(FillError, match="locked"):
        locked.fill_into(pd, {"samenvatting": "Mag wel.", "gemeente_vast": "Waalzicht"})
    assert saved(pd) == before  # the unlocked control was not filled either
    locked.fill_into(pd, {"gemeente_vast": "Waalzicht"}, force=True)
    assert locked.extract(pd)["gemeente_vast"] == "Waalzicht"


def test_fill_into_refuses_a_document_of_another_template(tpl: Template) -> None:
    pd = docx.Document(io.BytesIO(by_name("rich_text_block_body").build()))
    before = saved(pd)
    with pytest.raises(TemplateMismatchError, match="python-docx Document"):
        tpl.fill_into(pd, PLAN)
    assert saved(pd) == before


def test_fill_into_sets_title_and_subject_and_refills_an_edited_plan(tpl: Template) -> None:
    pd = edited_plan(tpl)
    changed = {
        **PLAN,
        "handhaving": "Nieuw convenant.\nMet een tweede alinea.",
        "lokale_ambitie": "",
    }
    properties = pd.core_properties  # held over the call: stays the document's
    title = "Waalzicht 2026: " + "een titel langer dan de 255 tekens die python-docx zet " * 5
    tpl.fill_into(pd, changed, title=title, subject="Lokale aanpak – Waalzicht")
    assert tpl.extract(pd) == {**changed, "lokale_ambitie": None}
    assert pd.core_properties.title == properties.title == title
    properties.author = "Gemeente Waalzicht"
    assert docx.Document(io.BytesIO(saved(pd))).core_properties.author == "Gemeente Waalzicht"
    assert pd.core_properties.subject == "Lokale aanpak – Waalzicht"
    assert pd.tables[-1].cell(0, 0).text == SIGNATURE
    assert pd.paragraphs[-1].text == ANNEX


def without_core_properties(data: bytes) -> bytes:
    """A package without docProps/core.xml (and its relationship and content type)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            if name == "docProps/core.xml":
                continue
            if name in ("_rels/.rels", "[Content_Types].xml"):
                root = etree.fromstring(content)
                for element in list(root):
                    if "core" in (element.get("Target", "") + element.get("PartName", "")):
                        root.remove(element)
                content = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
            target.writestr(name, content)
    return out.getvalue()


def test_reading_a_python_docx_document_adds_no_core_properties() -> None:
    """python-docx adds a core properties part when ``core_properties`` is first read; reading
    its document (and naming it) must not."""
    data = without_core_properties(by_name("rich_text_run").build())
    pd = docx.Document(io.BytesIO(data))
    tpl = Template.open(pd)
    assert tpl.name == "python-docx Document"
    tpl.fill_into(pd, {f.key: "Ingevuld" for f in tpl.fields})
    assert set(tpl.extract(pd).values()) == {"Ingevuld"}
    with zipfile.ZipFile(io.BytesIO(saved(pd))) as z:
        assert "docProps/core.xml" not in z.namelist()


def test_fill_into_does_not_touch_the_template(tpl: Template, template_path: Path) -> None:
    file_before = hashlib.sha256(template_path.read_bytes()).hexdigest()
    fill_before = tpl.fill(PLAN).to_bytes()
    template_before = tpl.document.to_bytes()
    source = docx.Document(str(template_path))
    shadow = Template.open(source)
    tpl.fill_into(docx.Document(str(template_path)), PLAN)
    shadow.fill_into(source, {"handhaving": "Alleen in deze kopie."})
    assert tpl.document.to_bytes() == template_before
    assert tpl.fill(PLAN).to_bytes() == fill_before
    assert shadow.extract(shadow.document)["handhaving"] is None  # the template read from it
    assert hashlib.sha256(template_path.read_bytes()).hexdigest() == file_before


def test_python_docx_is_imported_only_when_it_is_used(template_path: Path, tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import sys
        from docx_aanpak import Template, collect
        tpl = Template.open({str(template_path)!r})
        tpl.fill({{"handhaving": "Convenant."}}).save({str(tmp_path / "plan.docx")!r})
        assert tpl.extract({str(tmp_path / "plan.docx")!r})["handhaving"] == "Convenant."
        collect([{str(tmp_path / "plan.docx")!r}], tpl)
        loaded = sorted(m for m in sys.modules if m == "docx" or m.startswith("docx."))
        assert not loaded, loaded
        tpl.fill({{}}).to_python_docx()
        assert "docx.document" in sys.modules
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr


# -- judged by real clients -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def judged(tpl: Template, template_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Documents saved by python-docx: an edited plan, and documents filled in place."""
    folder = tmp_path_factory.mktemp("pydocx")
    outputs: dict[str, tuple[Path, list[str]]] = {}

    path = folder / "bewerkt.docx"
    edited_plan(tpl).save(str(path))
    outputs["edited"] = (path, [*(line for v in PLAN.values() for line in v.split("\n"))])

    pd = docx.Document(str(template_path))
    tpl.fill_into(pd, PLAN, title="Waalzicht")
    pd.add_paragraph(ANNEX)
    path = folder / "ter_plekke.docx"
    pd.save(str(path))
    outputs["in_place"] = (path, [*(line for v in PLAN.values() for line in v.split("\n")), ANNEX])

    for case in ("parts_header_footer_notes", "bound_w15", "repeating_section", "group"):
        tpl_case = corpus_template(by_name(case))
        values = {f.key: sample(f, folder / "unused.png") for f in tpl_case.fields}
        pd = docx.Document(io.BytesIO(by_name(case).build()))
        tpl_case.fill_into(pd, values)
        path = folder / f"{case}.docx"
        pd.save(str(path))
        shown = [
            text
            for item in tpl_case.fields
            for value in [values[item.key]]
            for text in (
                [t for row in value for c in item.children for t in texts_of(c, row[c.key])]
                if isinstance(value, list)
                else texts_of(item, value)
            )
        ]
        outputs[case] = (path, shown)
    return outputs


def test_outputs_python_docx_saves_pass_the_validator(judged: Any) -> None:
    assert_valid(*(path for path, _ in judged.values()))


def test_libreoffice_renders_the_values_of_outputs_python_docx_saves(judged: Any) -> None:
    texts = render_texts([path for path, _ in judged.values()], layout=False)
    for name, (path, needles) in judged.items():
        assert needles, name
        assert missing_from(texts[path.resolve()], needles, spaces=False) == [], name
    assert SIGNATURE in " ".join(texts[judged["edited"][0].resolve()].split())


# -- the README -----------------------------------------------------------------------------------


def test_the_readme_shows_python_docx_in_out_and_in_place(
    tpl: Template, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## python-docx\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert [b for b in blocks if "fill_into(" in b] and [b for b in blocks if "to_python_docx" in b]
    (tmp_path / "template").symlink_to(ROOT / "template")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)
    assert isinstance(namespace["tpl"].document, Document)
    assert isinstance(namespace["signed"], docx.document.Document)
    signed = docx.Document("Waalzicht_getekend.docx")
    assert tpl.extract(signed)["handhaving"] == "Convenant met politie en OM."
    assert signed.tables[-1].cell(0, 0).text == "Vastgesteld door de gemeenteraad"
    concept = docx.Document("Waalzicht_concept.docx")
    assert tpl.extract(concept)["lokale_ambitie"] == "Jongeren weten waar ze terechtkunnen."
    assert concept.paragraphs[-1].text == "Bijlage 1: de partners in de regio"
