"""Scanning: which controls are fields, where they are, and keys that never drift."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
import warnings
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree
from pydantic import BaseModel

from corpus.cases import NL, by_name, checkbox_run, plain_run, rich_block
from corpus.scan import mixed_kinds_document, text_box, text_boxes_document
from corpus.word import build_docx, heading, p, r, tbl, tc, tr
from docx_aanpak import (
    Document,
    KeyCollisionWarning,
    Kind,
    Template,
    TemplateError,
    UnsafeDocumentError,
    scan,
)
from docx_aanpak.cli import main
from docx_aanpak.controls import Level
from docx_aanpak.fill import FillContext, fill_document
from docx_aanpak.scan import MAX_CONTROLS, RESERVED_NAMES, slugify
from judges import assert_valid, missing_from, render_text

ROOT = Path(__file__).resolve().parent.parent
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


# -- scanning does not need pydantic -----------------------------------------------------------


def test_reserved_names_are_the_public_attributes_of_pydantic_base_model() -> None:
    public = {n for n in dir(BaseModel) if not n.startswith("_") and not n.startswith("model_")}
    assert public == RESERVED_NAMES
    assert all(slugify(name) == name for name in RESERVED_NAMES)  # a key can spell each one


def test_scanning_does_not_import_pydantic() -> None:
    # The package's __init__ imports the whole API; load scan.py on its own to see what it needs.
    code = (
        "import sys, types\n"
        "package = types.ModuleType('docx_aanpak')\n"
        f"package.__path__ = [{str(ROOT / 'src' / 'docx_aanpak')!r}]\n"
        "sys.modules['docx_aanpak'] = package\n"
        "import docx_aanpak.scan\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


# -- text boxes ----------------------------------------------------------------------------------


def xml_parts(data: bytes) -> dict[str, etree._Element]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name: etree.fromstring(archive.read(name))
            for name in archive.namelist()
            if name.startswith("word/") and name.endswith(".xml") and "/" not in name[5:]
        }


def sdt_texts(data: bytes) -> dict[str, list[str]]:
    """The text in every w:sdt of each story part, in document order."""
    out: dict[str, list[str]] = {}
    for name, root in xml_parts(data).items():
        out[name] = ["".join(s.find(f"{W}sdtContent").itertext()) for s in root.iter(f"{W}sdt")]
    return out


def test_controls_in_text_boxes_are_found_and_named_by_the_text_box() -> None:
    document = Document.open(text_boxes_document(tagged=False), name="omslag.docx")
    fields = scan(document)
    assert [(f.key, f.kind.value, f.location.level.value) for f in fields] == [
        ("beleidsplan_titel_van_het_plan", "plain_text", "run"),
        ("beleidsplan_samenvatting_van_het_plan", "rich_text", "block"),
        ("beleidsplan_inleiding_van_het_plan", "rich_text", "block"),
        ("datum", "date", "run"),
    ]
    boxed = [f for f in fields if f.key != "beleidsplan_inleiding_van_het_plan"]
    for item in boxed:  # the DrawingML text box and its VML copy: one field, two places
        assert len(item.locations) == 2, item.key
        first, copy = item.locations
        assert "text box" in first.where and "VML copy" in copy.where
        assert first.part == copy.part
    assert fields[0].label == "Titel van het plan:"
    assert fields[1].label == "Samenvatting van het plan"
    assert fields[3].location.part == "word/header1.xml"


def test_text_boxes_are_filled_in_both_copies_and_read_back(tmp_path: Path) -> None:
    tpl = Template.open(text_boxes_document(tagged=False), name="omslag.docx")
    keys = tpl.keys
    values: dict[str, object] = {
        keys[0]: "Veilig samenleven in Waalzicht",
        keys[1]: "Eerste regel van de samenvatting\nTweede regel",
        keys[2]: "De inleiding.",
        keys[3]: dt.date(2026, 5, 12),
    }
    data = tpl.fill(values).to_bytes()
    texts = sdt_texts(data)
    body = texts["word/document.xml"]
    # document order: the DrawingML copy's two controls, the VML copy's two, the inleiding
    assert body[0] == body[2] == "Veilig samenleven in Waalzicht"
    assert body[1] == body[3] == "Eerste regel van de samenvattingTweede regel"
    assert texts["word/header1.xml"] == ["12 mei 2026", "12 mei 2026"]
    assert tpl.extract(data) == values
    path = tmp_path / "omslag.docx"
    path.write_bytes(data)
    assert_valid(path)
    shown = render_text(path)
    expected = ["Veilig samenleven in Waalzicht", "Eerste regel van de samenvatting"]
    assert missing_from(shown, [*expected, "Tweede regel", "De inleiding.", "12 mei 2026"]) == []


def test_text_box_text_does_not_name_the_paragraph_it_is_anchored_in() -> None:
    question = "Wat is het doel van het plan?"
    box = text_box(p("Kader"), name="kader", number=1)
    body = (
        p(question)
        + p(box)  # an anchor paragraph holding only the text box
        + rich_block(None, tag=None, alias=None, salt="doel")
        + p(r("Naam wethouder: "), box.replace("Kader", "Tweede kader"))
        + p(plain_run(None, tag=None, alias=None))
    )
    fields = scan(Document.open(build_docx(body)))
    assert [f.label for f in fields] == [question, "Naam wethouder:"]


def test_a_text_box_without_a_question_of_its_own_takes_the_text_before_it() -> None:
    inside = p(plain_run(None, tag=None, alias=None))
    body = p(r("Naam wethouder: "), text_box(inside, name="naam", number=1))
    (item,) = scan(Document.open(build_docx(body)))
    assert item.label == "Naam wethouder:"
    assert item.key == "naam_wethouder"
    assert len(item.locations) == 2


def test_a_vml_text_box_without_alternate_content_is_found() -> None:
    run = text_box(p(r("Wethouder: "), plain_run(None, tag=None, alias=None)), name="v", number=1)
    vml = run[run.index("<w:pict>") : run.index("</w:pict>") + len("</w:pict>")]
    body = p(r("Ondertekening"), f"<w:r>{vml}</w:r>")
    (item,) = scan(Document.open(build_docx(body)))
    assert (item.label, item.key, len(item.locations)) == ("Wethouder:", "wethouder", 1)


# -- a key never comes from a control's own content ----------------------------------------------

OWN_CONTENT_KEYS = [
    "besluitvorming_gaat_de_gemeente_akkoord_met_het_convenant",
    "besluitvorming_toelichting_bij_het_besluit",
    "besluitvorming_heeft_de_raad_ingestemd",
    "besluitvorming_voorwaarden",
    "besluitvorming_voor_welke_doelgroep_is_het_plan",
    "besluitvorming_welke_partners_doen_mee",
    "besluitvorming_aanvulling",
]


def test_controls_in_a_rows_first_cell_do_not_name_themselves_or_their_row() -> None:
    case = by_name("own_content_names_nothing")
    tpl = Template.open(case.build(), name=case.filename)
    assert tpl.keys == OWN_CONTENT_KEYS
    values = {
        f.key: (True if f.kind == Kind.CHECKBOX else "ja" if f.kind == Kind.DROPDOWN else "x y")
        for f in tpl.fields
    }
    filled = tpl.fill(values).to_bytes()
    assert [f.key for f in scan(Document.open(filled))] == OWN_CONTENT_KEYS
    assert tpl.extract(filled) == values  # the filled plan still matches its template


def test_checkbox_glyphs_are_not_labels() -> None:
    body = (
        heading("Besluit", 1, NL)
        + p(r("\u2610 Ja, de raad is geïnformeerd: "), plain_run(None, tag=None, alias=None))
        + p("Welke bijlagen horen bij het besluit?")
        + p(r("\u2612"))  # a glyph typed as text is no question
        + rich_block(None, tag=None, alias=None, salt="x")
        + p("Opmerking")
        + p(checkbox_run(False, tag="vinkje", alias=None), plain_run(None, tag=None, alias=None))
    )
    labels = [f.label for f in scan(Document.open(build_docx(body)))]
    assert labels == [
        "Ja, de raad is geïnformeerd:",
        "Welke bijlagen horen bij het besluit?",
        "Opmerking",  # the checkbox in front holds its glyph, no label
        "Opmerking",
    ]


# -- order and places follow the document ---------------------------------------------------------


def test_a_row_level_repeating_section_is_listed_and_located_in_document_order() -> None:
    case = by_name("row_repeating_section")
    tpl = Template.open(case.build(), name=case.filename)
    assert tpl.keys == ["team", "afdeling", "contacten"]
    section = tpl.field("contacten")
    assert str(section.location) == "word/document.xml, table 1, row 3"
    assert section.location.level == Level.ROW
    assert [c.key for c in section.children] == ["contact_naam"]
    rows = [{"contact_naam": name} for name in ("C. Smit", "D. Visser", "E. Bos")]
    assert tpl.extract(tpl.fill({"contacten": rows}))["contacten"] == rows


# -- duplicate tags -----------------------------------------------------------------------------


def test_a_tag_in_the_header_and_the_body_is_one_field_filled_in_both(tmp_path: Path) -> None:
    title = plain_run(None, tag="titel", alias="Titel")
    data = build_docx(p(r("Titel: "), title), headers=[p(r("Plan: "), title)])
    tpl = Template.open(data)
    (item,) = tpl.fields
    assert [loc.part for loc in item.locations] == ["word/document.xml", "word/header1.xml"]
    filled = tpl.fill({"titel": "Samen sterk"}).to_bytes()
    texts = sdt_texts(filled)
    assert texts["word/document.xml"] == texts["word/header1.xml"] == ["Samen sterk"]
    path = tmp_path / "titel.docx"
    path.write_bytes(filled)
    assert_valid(path)


def test_one_tag_on_two_kinds_is_an_error_naming_both_places() -> None:
    with pytest.raises(TemplateError) as info:
        Template.open(mixed_kinds_document(), name="gemengd.docx")
    message = str(info.value)
    assert "gemengd.docx" in message and "tag 'naam'" in message
    assert "plain_text" in message and "dropdown" in message
    assert "paragraph 1" in message and "paragraph 3" in message


def test_duplicate_tags_strict_mode_is_still_there() -> None:
    document = Document.open(by_name("duplicate_tags").build(), name="dubbel.docx")
    assert [f.key for f in scan(document)] == ["naam"]
    with pytest.raises(TemplateError, match="tag 'naam' is used by two controls"):
        scan(document, duplicate_tags="error")


def test_the_cli_merges_duplicate_tags_unless_asked_not_to(tmp_path: Path) -> None:
    path = tmp_path / "dubbel.docx"
    path.write_bytes(by_name("duplicate_tags").build())
    assert main(["fields", str(path)]) == 0
    assert main(["fields", str(path), "--duplicate-tags", "error"]) == 1


# -- many controls ----------------------------------------------------------------------------


def untagged_blocks(count: int, question: str = "Toelichting") -> bytes:
    block = (
        '<w:sdt><w:sdtPr><w:id w:val="{}"/></w:sdtPr><w:sdtContent><w:p>'
        "<w:r><w:t>x</w:t></w:r></w:p></w:sdtContent></w:sdt>"
    )
    return build_docx("".join(p(question) + block.format(n) for n in range(count)), check=False)


def test_many_equal_names_are_numbered_with_one_warning() -> None:
    document = Document.open(untagged_blocks(2000))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fields = scan(document)
    assert [f.key for f in fields] == ["toelichting"] + [f"toelichting_{n}" for n in range(2, 2001)]
    collisions = [w for w in caught if issubclass(w.category, KeyCollisionWarning)]
    assert len(collisions) == 1
    assert "1999 controls" in str(collisions[0].message)


def test_more_controls_than_the_limit_are_refused_with_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "te_veel.docx"
    path.write_bytes(untagged_blocks(MAX_CONTROLS + 1, question=""))
    with pytest.raises(UnsafeDocumentError) as info:
        Template.open(path)
    assert str(path) in str(info.value) and f"{MAX_CONTROLS:,}" in str(info.value)


def test_text_boxes_are_compiled_and_the_fast_path_writes_what_the_tree_path_writes() -> None:
    tpl = Template.open(text_boxes_document(tagged=False), name="omslag.docx")
    context = FillContext.of(tpl.document, tpl.fields)
    (part,) = context.compiled.values()
    assert len(part.slots) == 5  # three fields in the body; two of them twice (text box copies)
    values = {f.key: f" Tekst {n}  met &amp; <tekens> " for n, f in enumerate(tpl.fields[:3])}
    fast = fill_document(tpl.document, tpl.fields, values, context)
    slow = fill_document(tpl.document, tpl.fields, values, replace(context, compiled={}))
    assert fast.to_bytes() == slow.to_bytes()


def test_a_row_level_control_holding_no_rows_is_found_in_its_place() -> None:
    empty = (
        '<w:sdt><w:sdtPr><w:tag w:val="leeg"/><w:id w:val="7"/></w:sdtPr><w:sdtContent/></w:sdt>'
    )
    table = tbl(tr(tc(p("Naam")), tc(p("A"))), loc=NL).replace("<w:tr>", empty + "<w:tr>", 1)
    fields = scan(Document.open(build_docx(p("Vraag") + table)))
    assert [(f.key, str(f.location), f.location.level) for f in fields] == [
        ("leeg", "word/document.xml, table 1, row 1", Level.ROW)
    ]
