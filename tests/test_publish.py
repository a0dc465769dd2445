"""Publishing: flattening controls, locking them, and PDFs made by LibreOffice.

Small documents are built with the corpus writer (tests/corpus/word.py) and checked by their XML
structure; the shipped template, filled with examples/plan_waalzicht.json, is judged by the Open
XML SDK validator and by LibreOffice + pdftotext.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from corpus.cases import checkbox_run, plain_run, rich_block, rich_run
from corpus.word import (
    DOCPART_TEXT,
    build_docx,
    locale,
    p,
    placeholder_run,
    r,
    sdt,
    sdt_pr,
    tbl,
    tc,
    tr,
)
from docx_aanpak import Document, FillError, Template, ToolMissingError
from docx_aanpak import _ooxml as ox
from docx_aanpak.controls import paragraph_text
from docx_aanpak.errors import DocumentError, DocxAanpakError, OutputExistsError
from docx_aanpak.publish import convert_to_pdf, flatten, lock, to_pdf
from judges import assert_valid, require, soffice

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template" / "lokale_aanpak.docx"
PLAN = ROOT / "examples" / "plan_waalzicht.json"
NL = locale("nl-NL")
PLACEHOLDER_TEXT = NL.text_placeholder
PLACEHOLDER_STYLE = NL.placeholder_style
W = ox.NS["w"]
# Schema order of w:sdtPr's children (ECMA-376 CT_SdtPr) up to dataBinding.
SDT_PR_ORDER = (
    "rPr",
    "alias",
    "tag",
    "id",
    "lock",
    "placeholder",
    "temporary",
    "showingPlcHdr",
    "dataBinding",
)


def w(name: str) -> str:
    return f"{{{W}}}{name}"


# -- helpers ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def template() -> Template:
    return Template.open(TEMPLATE)


@pytest.fixture(scope="module")
def plan() -> dict[str, str]:
    data: dict[str, str] = json.loads(PLAN.read_text(encoding="utf-8"))
    return data


def answer_lines(values: dict[str, str]) -> list[str]:
    return [line for value in values.values() for line in value.split("\n") if line.strip()]


def story_xml(path: Path) -> dict[str, bytes]:
    """The story parts of a saved .docx (body, headers, footers, notes)."""
    with zipfile.ZipFile(path) as archive:
        return {
            name: archive.read(name)
            for name in archive.namelist()
            if name.startswith("word/")
            and "/" not in name[5:]
            and name.rsplit("/", 1)[-1].startswith(
                ("document", "header", "footer", "footnotes", "endnotes")
            )
        }


def pdf_text(pdf: Path) -> str:
    """pdftotext in reading order (not -layout: a cell's lines stay together)."""
    require("pdftotext", shutil.which("pdftotext"), "apt-get install poppler-utils")
    return subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True, timeout=120
    ).stdout


def _flat(text: str) -> str:
    # pdftotext joins a word hyphenated at a line end ("Zorg-" + "en" -> "Zorgen"), and narrow
    # cells break lines anywhere: compare without whitespace and hyphens.
    return re.sub(r"[\s\-\u00ad]", "", text)


def missing_answers(text: str, needles: list[str]) -> list[str]:
    """Needles not in the text. A table row that breaks across pages splits a cell's text in
    two; a needle found as two contiguous halves counts as present."""
    hay = _flat(text)
    missing = []
    for needle in needles:
        words = needle.split()
        if _flat(needle) in hay:
            continue
        if any(
            _flat(" ".join(words[:k])) in hay and _flat(" ".join(words[k:])) in hay
            for k in range(1, len(words))
        ):
            continue
        missing.append(needle)
    return missing


def require_office() -> None:
    require("LibreOffice", soffice(), "apt-get install libreoffice-writer-nogui")


def body_of(document: Document) -> ox.Element:
    body = document.tree(document.package.main_part).find(w("body"))
    assert body is not None
    return body


def open_doc(body: str, **kwargs: object) -> Document:
    return Document.open(build_docx(body, **kwargs), name="case.docx")


def tags(element: ox.Element) -> list[str]:
    return [ox.local_name(child) for child in element if ox.is_element(child)]


def texts(container: ox.Element) -> list[str]:
    return [paragraph_text(child) for child in container if child.tag == ox.W_P]


def no_controls(document: Document) -> bool:
    return all(next(root.iter(ox.W_SDT), None) is None for _, root in document.iter_story_trees())


def all_text(element: ox.Element) -> str:
    # The visible text of each paragraph (itertext() would also give field codes).
    return "\n".join(paragraph_text(paragraph) for paragraph in element.iter(ox.W_P))


def uses_placeholder_style(element: ox.Element) -> bool:
    return any(s.get(ox.W_VAL) == PLACEHOLDER_STYLE for s in element.iter(w("rStyle")))


def pr(tag: str, *, showing: bool = False) -> str:
    return sdt_pr(
        sdt_id=abs(hash(tag)) % 100_000 + 1, tag=tag, docpart=DOCPART_TEXT, showing=showing
    )


# -- flatten: small documents -------------------------------------------------------------------


def test_flatten_puts_run_level_content_into_its_paragraph() -> None:
    document = open_doc(
        p(r("Gemeente: "), rich_run("Waalzicht", tag="naam", alias=None), r(" (Gelderland)"))
    )
    flatten(document)
    body = body_of(document)
    paragraph = body.find(ox.W_P)
    assert paragraph is not None
    assert tags(paragraph) == ["r", "r", "r"]
    assert paragraph_text(paragraph) == "Gemeente: Waalzicht (Gelderland)"
    assert no_controls(document)


def test_flatten_empties_an_unfilled_run_level_control() -> None:
    document = open_doc(p(r("Gemeente: "), rich_run(None, tag="naam", alias=None)))
    flatten(document)
    paragraph = body_of(document).find(ox.W_P)
    assert paragraph is not None
    assert paragraph_text(paragraph) == "Gemeente: "
    assert not uses_placeholder_style(paragraph)


def test_flatten_empties_controls_holding_their_placeholders_text_without_the_flag() -> None:
    """LibreOffice drops w:showingPlcHdr when it saves a plan; the placeholder's text (its
    docPart in the glossary) must still not be published as an answer."""
    body_xml = (
        p(r("Gemeente: "), rich_run(PLACEHOLDER_TEXT, tag="naam", alias=None))
        + rich_block(p(PLACEHOLDER_TEXT), tag="ambitie", alias=None)
        + p(r("Regio: "), rich_run("Rivierenland", tag="regio", alias=None))
    )
    assert "showingPlcHdr" not in body_xml
    document = open_doc(body_xml)
    flatten(document)
    assert no_controls(document)
    assert texts(body_of(document)) == ["Gemeente: ", "Regio: Rivierenland"]
    kept = open_doc(body_xml)
    flatten(kept, keep_placeholders=True)
    assert all_text(body_of(kept)).count(PLACEHOLDER_TEXT) == 2


def test_flatten_keeps_placeholder_text_in_normal_style_when_asked() -> None:
    document = open_doc(p(r("Gemeente: "), rich_run(None, tag="naam", alias=None)))
    flatten(document, keep_placeholders=True)
    paragraph = body_of(document).find(ox.W_P)
    assert paragraph is not None
    assert paragraph_text(paragraph) == f"Gemeente: {PLACEHOLDER_TEXT}"
    assert not uses_placeholder_style(paragraph)


def test_flatten_puts_block_level_paragraphs_into_the_body() -> None:
    document = open_doc(
        p("Voor") + rich_block(p("Eerste") + p("Tweede"), tag="a", alias=None) + p("Na")
    )
    flatten(document)
    body = body_of(document)
    assert tags(body) == ["p", "p", "p", "p", "sectPr"]
    assert texts(body) == ["Voor", "Eerste", "Tweede", "Na"]


def test_flatten_removes_an_unfilled_block_control_from_the_body() -> None:
    document = open_doc(p("Voor") + rich_block(None, tag="a", alias=None) + p("Na"))
    flatten(document)
    assert texts(body_of(document)) == ["Voor", "Na"]


def test_flatten_leaves_an_empty_paragraph_in_a_cell_it_empties() -> None:
    table = tbl(tr(tc(p("Vraag")), tc(rich_block(None, tag="a", alias=None))), loc=NL)
    document = open_doc(table + p())
    flatten(document)
    cell = list(body_of(document).iter(ox.W_TC))[1]
    assert tags(cell) == ["tcPr", "p"]
    assert texts(cell) == [""]


def test_flatten_separates_tables_that_an_emptied_control_stood_between() -> None:
    table = tbl(tr(tc(p("A")), tc(p("B"))), loc=NL)
    document = open_doc(table + rich_block(None, tag="a", alias=None) + table + p())
    flatten(document)
    assert tags(body_of(document)) == ["tbl", "p", "tbl", "p", "sectPr"]


def test_flatten_puts_a_cell_level_control_cell_into_its_row() -> None:
    row = tr(tc(p("Vraag")), sdt(pr("cel"), tc(p("Antwoord"))))
    document = open_doc(tbl(row, loc=NL) + p())
    flatten(document)
    row_element = next(body_of(document).iter(ox.W_TR))
    assert tags(row_element) == ["tc", "tc"]
    assert texts(row_element[1]) == ["Antwoord"]


def test_flatten_empties_an_unfilled_cell_level_control_and_keeps_its_cell() -> None:
    cell = tc(p(placeholder_run(PLACEHOLDER_TEXT, NL)))
    row = tr(tc(p("Vraag")), sdt(pr("cel", showing=True), cell))
    document = open_doc(tbl(row, loc=NL) + p())
    flatten(document)
    row_element = next(body_of(document).iter(ox.W_TR))
    assert tags(row_element) == ["tc", "tc"]
    assert tags(row_element[1]) == ["tcPr", "p"]
    assert texts(row_element[1]) == [""]


def test_flatten_puts_a_row_level_control_row_into_its_table() -> None:
    rows = tr(tc(p("Titel")), tc(p("Waarde"))) + sdt(pr("rij"), tr(tc(p("A")), tc(p("B"))))
    document = open_doc(tbl(rows, loc=NL) + p())
    flatten(document)
    table = body_of(document).find(ox.W_TBL)
    assert table is not None
    assert tags(table) == ["tblPr", "tblGrid", "tr", "tr"]
    assert texts(table[3][1]) == ["B"]


def test_flatten_unwraps_nested_controls_keeping_the_innermost_content() -> None:
    inner_block = rich_block(p("Binnenste"), tag="binnen", alias=None)
    inner_run = p(r("Naam: "), plain_run("Jan", tag="naam", alias=None))
    document = open_doc(rich_block(inner_run + inner_block, tag="groep", alias=None) + p("Na"))
    flatten(document)
    body = body_of(document)
    assert tags(body) == ["p", "p", "p", "sectPr"]
    assert texts(body) == ["Naam: Jan", "Binnenste", "Na"]
    assert tags(body[0]) == ["r", "r"]


def test_flatten_keeps_a_checkbox_glyph() -> None:
    document = open_doc(p(r("Akkoord: "), checkbox_run(True, tag="akkoord", alias=None)))
    flatten(document)
    paragraph = body_of(document).find(ox.W_P)
    assert paragraph is not None
    assert paragraph_text(paragraph) == "Akkoord: \u2612"


def test_flatten_reaches_headers_and_footers() -> None:
    document = open_doc(
        p("Tekst"),
        headers=[p(rich_run("Waalzicht", tag="kop", alias=None))],
        footers=[p(rich_run(None, tag="voet", alias=None))],
    )
    flatten(document)
    assert no_controls(document)
    header = next(root for story, root in document.iter_story_trees() if story.kind == "header")
    assert "".join(texts(header)) == "Waalzicht"


def test_flattened_small_documents_pass_the_validator(tmp_path: Path) -> None:
    table = tbl(
        tr(
            tc(p("Vraag")),
            sdt(pr("cel", showing=True), tc(p(placeholder_run(PLACEHOLDER_TEXT, NL)))),
        ),
        loc=NL,
    )
    bodies = {
        "run": p(r("Gemeente: "), rich_run(None, tag="naam", alias=None)),
        "cell": table + rich_block(None, tag="b", alias=None) + table + p(),
        "nested": rich_block(
            p(r("Naam: "), plain_run("Jan", tag="naam", alias=None)), tag="groep", alias=None
        ),
    }
    paths = []
    for name, body in bodies.items():
        for keep in (False, True):
            document = open_doc(body, headers=[p(rich_run(None, tag="kop", alias=None))])
            flatten(document, keep_placeholders=keep)
            path = tmp_path / f"{name}_{keep}.docx"
            document.save(path)
            paths.append(path)
    assert_valid(*paths)


# -- flatten: the shipped template ---------------------------------------------------------------


def test_flattened_plan_has_no_controls_passes_the_validator_and_shows_every_answer(
    template: Template, plan: dict[str, str], tmp_path: Path
) -> None:
    document = template.fill(plan, title="Lokale aanpak Waalzicht")
    flatten(document)
    path = tmp_path / "waalzicht.docx"
    document.save(path)
    for name, xml in story_xml(path).items():
        assert b"<w:sdt>" not in xml and b"<w:sdt " not in xml, name
    assert_valid(path)
    require_office()
    [pdf] = to_pdf([path], tmp_path / "pdf")
    assert missing_answers(pdf_text(pdf), answer_lines(plan)) == []


def test_flatten_removes_placeholders_of_an_unfilled_template(
    template: Template, tmp_path: Path
) -> None:
    document = template.fill({})
    flatten(document)
    assert no_controls(document)
    body = body_of(document)
    assert PLACEHOLDER_TEXT not in all_text(body)
    assert not uses_placeholder_style(body)
    path = tmp_path / "leeg.docx"
    document.save(path)
    assert_valid(path)
    # Every cell still ends with a paragraph.
    assert all(cell[-1].tag == ox.W_P for cell in body.iter(ox.W_TC))


def test_flatten_keeps_placeholders_without_the_grey_style_when_asked(
    template: Template, tmp_path: Path
) -> None:
    showing = sum(
        1
        for sdt_el in template.document.tree("word/document.xml").iter(ox.W_SDT)
        if sdt_el.find(f"{w('sdtPr')}/{w('showingPlcHdr')}") is not None
    )
    assert showing > 20
    document = template.fill({})
    flatten(document, keep_placeholders=True)
    body = body_of(document)
    assert no_controls(document)
    assert all_text(body).count(PLACEHOLDER_TEXT) == showing
    assert not uses_placeholder_style(body)
    path = tmp_path / "met_aanwijzingen.docx"
    document.save(path)
    assert_valid(path)


# -- lock ---------------------------------------------------------------------------------------


def _sdt_prs(document: Document) -> list[ox.Element]:
    return [
        pr_el
        for _, root in document.iter_story_trees()
        for sdt_el in root.iter(ox.W_SDT)
        if (pr_el := sdt_el.find(w("sdtPr"))) is not None
    ]


def test_lock_marks_every_control_at_its_schema_position(
    template: Template, plan: dict[str, str], tmp_path: Path
) -> None:
    document = template.fill(plan)
    lock(document)
    prs = _sdt_prs(document)
    assert len(prs) == len(template.fields)
    for pr_el in prs:
        locks = pr_el.findall(w("lock"))
        assert [x.get(ox.W_VAL) for x in locks] == ["sdtContentLocked"]
        names = [ox.local_name(child) for child in pr_el if ox.local_name(child) in SDT_PR_ORDER]
        assert names == sorted(names, key=SDT_PR_ORDER.index)
    path = tmp_path / "vergrendeld.docx"
    document.save(path)
    assert_valid(path)
    assert template.extract(path) == template.validate(plan) | {
        f.key: None for f in template.fields if f.key not in plan
    }


def test_lock_replaces_an_existing_lock() -> None:
    document = open_doc(
        p(r("Naam: "), plain_run("Jan", tag="naam", alias="Naam", lock="sdtLocked"))
    )
    lock(document, mode="contentLocked")
    [pr_el] = _sdt_prs(document)
    assert [x.get(ox.W_VAL) for x in pr_el.findall(w("lock"))] == ["contentLocked"]
    assert [ox.local_name(c) for c in pr_el][:4] == ["alias", "tag", "id", "lock"]


def test_a_locked_plan_is_filled_again_only_with_force(
    template: Template, plan: dict[str, str]
) -> None:
    document = template.fill(plan)
    lock(document)
    locked = Template(document, template.fields)
    with pytest.raises(FillError, match="locked"):
        locked.fill({"handhaving": "Nieuw"})
    assert locked.extract(locked.fill({"handhaving": "Nieuw"}, force=True))["handhaving"] == "Nieuw"


def test_lock_refuses_an_unknown_mode() -> None:
    document = open_doc(p(rich_run("x", tag="x", alias=None)))
    with pytest.raises(ValueError, match="sdtContentLocked"):
        lock(document, mode="readOnly")


# -- PDF ----------------------------------------------------------------------------------------


def test_to_pdf_converts_in_parallel_and_the_pdfs_hold_the_answers(
    template: Template, plan: dict[str, str], tmp_path: Path
) -> None:
    require_office()
    other = {key: value.replace("Waalzicht", "Rivierenland") for key, value in plan.items()}
    other["handhaving"] = "Afspraken over handhaving staan in het convenant van Rivierenland."
    sources = []
    for name, values in (("waalzicht", plan), ("rivierenland", other)):
        path = tmp_path / "docx" / f"{name}.docx"
        path.parent.mkdir(exist_ok=True)
        template.fill(values).save(path)
        sources.append((path, values))
    out = tmp_path / "pdf"
    pdfs = to_pdf([s for s, _ in sources], out, jobs=2)
    assert pdfs == [out / "waalzicht.pdf", out / "rivierenland.pdf"]
    for pdf, (_, values) in zip(pdfs, sources, strict=True):
        assert pdf.read_bytes().startswith(b"%PDF")
        assert missing_answers(pdf_text(pdf), answer_lines(values)) == []
    # Each PDF holds its own plan: Waalzicht's answer is not in Rivierenland's PDF.
    assert missing_answers(pdf_text(pdfs[1]), [plan["handhaving"]]) == [plan["handhaving"]]
    assert sorted(x.name for x in out.iterdir()) == ["rivierenland.pdf", "waalzicht.pdf"]


def test_to_pdf_keeps_an_existing_pdf_unless_overwrite(template: Template, tmp_path: Path) -> None:
    require_office()
    source = tmp_path / "plan.docx"
    template.fill({"handhaving": "Convenant."}).save(source)
    out = tmp_path / "pdf"
    out.mkdir()
    (out / "plan.pdf").write_bytes(b"old")
    with pytest.raises(OutputExistsError):
        to_pdf([source], out)
    assert (out / "plan.pdf").read_bytes() == b"old"
    to_pdf([source], out, overwrite=True)
    assert (out / "plan.pdf").read_bytes().startswith(b"%PDF")


def test_a_failed_conversion_names_the_file_and_the_others_go_on(
    template: Template, tmp_path: Path
) -> None:
    require_office()
    good = tmp_path / "goed.docx"
    template.fill({}).save(good)
    missing = tmp_path / "weg.docx"
    results = convert_to_pdf([good, missing], tmp_path / "pdf")
    assert results[0].pdf == tmp_path / "pdf" / "goed.pdf" and results[0].error is None
    assert results[1].pdf is None and isinstance(results[1].error, DocumentError)
    assert str(missing) in str(results[1].error)
    with pytest.raises(DocumentError, match=r"weg\.docx"):
        to_pdf([good, missing], tmp_path / "pdf2")


def test_a_conversion_that_takes_too_long_is_stopped(template: Template, tmp_path: Path) -> None:
    require_office()
    source = tmp_path / "traag.docx"
    template.fill({}).save(source)
    with pytest.raises(DocumentError, match=r"traag\.docx.*within 0\.01 seconds"):
        to_pdf([source], tmp_path / "pdf", timeout=0.01)
    assert not (tmp_path / "pdf" / "traag.pdf").exists()


def test_to_pdf_refuses_two_documents_with_the_same_name(tmp_path: Path) -> None:
    require_office()
    with pytest.raises(DocxAanpakError, match="different names"):
        to_pdf([tmp_path / "a" / "plan.docx", tmp_path / "b" / "plan.docx"], tmp_path)


def test_to_pdf_without_libreoffice_explains_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ToolMissingError) as raised:
        to_pdf([tmp_path / "plan.docx"], tmp_path / "pdf")
    message = str(raised.value)
    assert "apt-get install libreoffice-writer-nogui" in message
    assert "brew install --cask libreoffice" in message
    assert "libreoffice.org" in message
    assert raised.value.exit_code == 3
    assert not (tmp_path / "pdf").exists()
