"""The shipped template: rebuilt deterministically, faithful to the seed text, written the way
Dutch Word 365 writes a document with content controls, and judged by real clients.

Expectations come from the seed (tests/data/lokale_aanpak_template.txt, the text of the lost
original) and from the specification of the template; nothing is read back from the generator.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath

import pytest
from lxml import etree

from judges import assert_valid, missing_from, render_text

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT / "tools" / "build_template.py"
SEED = Path(__file__).resolve().parent / "data" / "lokale_aanpak_template.txt"

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {
    "w": W,
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "dc": "http://purl.org/dc/elements/1.1/",
}
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
GLOSSARY_CONTENT_TYPE = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.glossary+xml"
)

PLACEHOLDER_TEXT = "Klik of tik om tekst in te voeren."
PLACEHOLDER_STYLE = "Tekstvantijdelijkeaanduiding"
PLACEHOLDER_DOCPART = "DefaultPlaceholder_-1854013440"
# Schema order of w:sdtPr's children (ECMA-376 CT_SdtPr), before the type element.
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
# The localised style ids Dutch Word writes, with the built-in (English) names it stores.
DUTCH_STYLES = {
    "Standaard": "Normal",
    "Kop1": "heading 1",
    "Kop2": "heading 2",
    "Standaardalinea-lettertype": "Default Paragraph Font",
    "Standaardtabel": "Normal Table",
    "Geenlijst": "No List",
    "Tabelraster": "Table Grid",
    "Lijstalinea": "List Paragraph",
    PLACEHOLDER_STYLE: "Placeholder Text",
}
# Heading levels from the specification; every other heading is level 2.
HEADING_1 = ("Radicalisering en extremisme", "Ambitie en doelstellingen ", "Activiteiten")
# Only this row's controls sit inside a paragraph (run-level); the seed's trailing space after
# its first placeholder is text typed after the control.
RUN_LEVEL_ROW = "SAMENWERKING"
# The controls of Lokale ambitie and Lokale doelstellingen follow these intro sentences.
INTRO_PREFIX = "Specifiek voor onze gemeente"
TITLE = "Lokale aanpak radicalisering en extremisme"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def local(element: etree._Element) -> str:
    return etree.QName(element).localname


# --- The seed ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeedLine:
    number: int
    text: str  # bookmark marks, leading tabs/spaces and the bullet prefix removed
    bookmarks: tuple[str, ...]
    starts_cell: bool  # a TAB at the start of the line opens a new table cell
    bullet: bool

    @property
    def is_placeholder(self) -> bool:
        return self.text.strip() == PLACEHOLDER_TEXT

    @property
    def is_prompt(self) -> bool:
        """A question, or an intro sentence after which the municipality writes its own text."""
        return self.text.rstrip().endswith("?") or self.text.startswith(INTRO_PREFIX)


@cache
def seed() -> tuple[SeedLine, ...]:
    lines = []
    for number, raw in enumerate(SEED.read_text(encoding="utf-8").split("\n"), start=1):
        bookmarks = tuple(re.findall(r"\[bookmark: ([^\]]+)\]", raw))
        text = re.sub(r"\[bookmark: [^\]]+\]", "", raw)
        starts_cell = text.lstrip(" ").startswith("\t")
        text = text.lstrip(" \t")
        bullet = text.startswith("· ")
        lines.append(SeedLine(number, text.removeprefix("· "), bookmarks, starts_cell, bullet))
    return tuple(lines)


def seed_text_lines() -> list[SeedLine]:
    """The seed's non-empty lines other than placeholders (which stand for controls)."""
    return [line for line in seed() if line.text.strip() and not line.is_placeholder]


def seed_prompts() -> list[SeedLine]:
    return [line for line in seed() if line.is_prompt]


def next_text_line(line: SeedLine) -> SeedLine | None:
    return next((s for s in seed()[line.number :] if s.text.strip()), None)


def seed_emptied_prompts() -> set[str]:
    """Prompts whose control shows no placeholder in the seed: the author emptied it."""
    emptied = set()
    for prompt in seed_prompts():
        following = next_text_line(prompt)
        if following is None or not following.is_placeholder:
            emptied.add(prompt.text.strip())
    return emptied


def seed_tails() -> dict[str, str]:
    """Prompt -> whitespace the seed shows after its placeholder (text typed after a control)."""
    tails = {}
    for prompt in seed_prompts():
        following = next_text_line(prompt)
        if following is not None and following.is_placeholder:
            tail = following.text[len(following.text.rstrip()) :]
            if tail:
                tails[prompt.text.strip()] = tail
    return tails


def seed_row_titles() -> list[str]:
    return [line.text for line in seed() if line.starts_cell and line.text.isupper()]


def seed_cells() -> list[list[str]]:
    """The seed's table cells (each line starting with a TAB opens one): their text lines."""
    cells: list[list[str]] = []
    for line in seed():
        if line.starts_cell:
            cells.append([])
        if cells and line.text.strip() and not line.is_placeholder:
            cells[-1].append(line.text)
    return cells


def test_seed_reads_as_specified() -> None:
    """Guards the seed parsing the other tests rely on (counts from the specification)."""
    assert len(seed_prompts()) == 30
    assert sum(line.is_placeholder for line in seed()) == 26
    assert len(seed_emptied_prompts()) == 4
    assert len(seed_row_titles()) == 11
    assert sum(line.bullet for line in seed()) == 5


# --- The package ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def package(template_path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(template_path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def parse(package: dict[str, bytes], name: str) -> etree._Element:
    return etree.fromstring(package[name])


@pytest.fixture(scope="module")
def document(package: dict[str, bytes]) -> etree._Element:
    return parse(package, "word/document.xml")


@pytest.fixture(scope="module")
def styles(package: dict[str, bytes]) -> etree._Element:
    return parse(package, "word/styles.xml")


def relationships(package: dict[str, bytes], part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, target part name) of a part ("" for the package itself)."""
    path = PurePosixPath(part)
    base = path.parent if part else PurePosixPath()
    rels = parse(package, str(base / "_rels" / f"{path.name if part else ''}.rels"))
    found = {}
    for rel in rels.iterfind("rel:Relationship", NS):
        parts: list[str] = []
        for piece in (base / rel.get("Target", "")).parts:
            if piece == "..":
                parts.pop()
            elif piece != ".":
                parts.append(piece)
        found[rel.get("Id", "")] = (rel.get("Type", ""), "/".join(parts))
    return found


def content_types(package: dict[str, bytes]) -> dict[str, str]:
    """Part name -> content type, from the overrides and the defaults by extension."""
    types = parse(package, "[Content_Types].xml")
    defaults = {
        d.get("Extension"): d.get("ContentType", "") for d in types.iterfind("ct:Default", NS)
    }
    found = {name: defaults.get(name.rsplit(".", 1)[-1], "") for name in package}
    for override in types.iterfind("ct:Override", NS):
        found[override.get("PartName", "")[1:]] = override.get("ContentType", "")
    return found


# --- Reading the document ------------------------------------------------------------------------


def run_style(run: etree._Element) -> str | None:
    style = run.find("w:rPr/w:rStyle", NS)
    return None if style is None else style.get(w("val"))


def paragraph_text(paragraph: etree._Element) -> str:
    """The paragraph's text (runs inside run-level controls included, placeholder text skipped)."""
    parts = []
    for run in paragraph.iterfind(".//w:r", NS):
        if run_style(run) == PLACEHOLDER_STYLE:
            continue
        for child in run:
            if child.tag == w("t"):
                parts.append(child.text or "")
            elif child.tag == w("tab"):
                parts.append("\t")
            elif child.tag == w("br") and child.get(w("type")) in (None, "textWrapping"):
                parts.append("\n")
    return "".join(parts)


def controls(document: etree._Element) -> list[etree._Element]:
    return list(document.iter(w("sdt")))


def controls_by_prompt(document: etree._Element) -> dict[str, etree._Element]:
    """Each control keyed by the prompt paragraph before it (in document order)."""
    prompts = {line.text.strip() for line in seed_prompts()}
    found: dict[str, etree._Element] = {}
    last = None
    for element in document.iter(w("p"), w("sdt")):
        if element.tag == w("p"):
            text = paragraph_text(element).strip()
            if text in prompts:
                last = text
        else:
            assert last is not None, "a control comes before any question"
            assert last not in found, f"two controls follow {last!r}"
            found[last] = element
    return found


def control_text(sdt: etree._Element) -> str:
    return "".join(t.text or "" for t in sdt.iterfind("w:sdtContent//w:t", NS))


def enclosing(element: etree._Element, tag: str) -> etree._Element | None:
    for ancestor in element.iterancestors(w(tag)):
        return ancestor
    return None


def is_bold(run: etree._Element) -> bool:
    bold = run.find("w:rPr/w:b", NS)
    return bold is not None and bold.get(w("val")) in (None, "1", "true", "on")


def style_names(styles: etree._Element) -> dict[str, str]:
    return {
        s.get(w("styleId"), ""): s.find("w:name", NS).get(w("val"))
        for s in styles.iterfind("w:style", NS)
    }


def paragraph_style(paragraph: etree._Element) -> str | None:
    style = paragraph.find("w:pPr/w:pStyle", NS)
    return None if style is None else style.get(w("val"))


# --- 1. Deterministic generator ------------------------------------------------------------------


def generate(target: Path) -> bytes:
    subprocess.run(
        [sys.executable, str(GENERATOR), str(target)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return target.read_bytes()


def test_generator_is_deterministic_and_matches_committed_template(
    tmp_path: Path, template_path: Path
) -> None:
    first = generate(tmp_path / "first.docx")
    second = generate(tmp_path / "second" / "lokale_aanpak.docx")
    assert first == second

    committed = template_path.read_bytes()
    with (
        zipfile.ZipFile(tmp_path / "first.docx") as fresh,
        zipfile.ZipFile(template_path) as shipped,
    ):
        assert fresh.namelist() == shipped.namelist()
        for name in fresh.namelist():
            assert fresh.read(name) == shipped.read(name), (
                f"{name} differs: run `make template` and commit the result"
            )
        for info in fresh.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.compress_type == zipfile.ZIP_DEFLATED
    # Same members; the bytes can only differ if this zlib compresses differently.
    assert first == committed, f"same parts, other bytes (zlib {zlib.ZLIB_RUNTIME_VERSION})"


# --- 2. Content controls -------------------------------------------------------------------------


def test_thirty_controls_answer_the_prompts(document: etree._Element) -> None:
    sdts = controls(document)
    assert len(sdts) == len(seed_prompts()) == 30
    assert set(controls_by_prompt(document)) == {p.text.strip() for p in seed_prompts()}


def test_controls_are_written_like_words_default_rich_text_control(
    document: etree._Element,
) -> None:
    ids = []
    for sdt in controls(document):
        props = sdt.find("w:sdtPr", NS)
        assert props is not None
        assert props.find("w:tag", NS) is None and props.find("w:alias", NS) is None
        ids.append(int(props.find("w:id", NS).get(w("val"))))
        docpart = props.find("w:placeholder/w:docPart", NS)
        assert docpart is not None and docpart.get(w("val")) == PLACEHOLDER_DOCPART
        order = [local(child) for child in props]
        assert order == sorted(order, key=SDT_PR_ORDER.index), order
        assert [local(child) for child in sdt] == ["sdtPr", "sdtEndPr", "sdtContent"]
        assert len(sdt.find("w:sdtEndPr", NS)) == 0
        if enclosing(sdt, "tbl") is not None:
            # Like Word, the control carries the 9 pt of the surrounding table text.
            size = props.find("w:rPr/w:sz", NS)
            assert size is not None and size.get(w("val")) == "18"
    assert len(set(ids)) == len(ids)
    assert all(-(2**31) <= i < 2**31 for i in ids)


def test_placeholders_show_the_dutch_text_in_the_placeholder_style(
    document: etree._Element,
) -> None:
    emptied = seed_emptied_prompts()
    showing = 0
    for prompt, sdt in controls_by_prompt(document).items():
        if prompt in emptied:
            continue
        showing += 1
        assert sdt.find("w:sdtPr/w:showingPlcHdr", NS) is not None, prompt
        assert control_text(sdt) == PLACEHOLDER_TEXT, prompt
        runs = sdt.findall("w:sdtContent//w:r", NS)
        assert runs and all(run_style(r) == PLACEHOLDER_STYLE for r in runs), prompt
    assert showing == 26


def test_emptied_controls_keep_the_placeholder_reference_but_no_text(
    document: etree._Element,
) -> None:
    by_prompt = controls_by_prompt(document)
    for prompt in seed_emptied_prompts():
        sdt = by_prompt[prompt]
        assert sdt.find("w:sdtPr/w:showingPlcHdr", NS) is None, prompt
        assert sdt.find("w:sdtPr/w:placeholder/w:docPart", NS) is not None, prompt
        assert control_text(sdt) == "", prompt
        content = sdt.find("w:sdtContent", NS)
        assert content is not None
        if sdt.getparent().tag == w("tc"):
            # Never an empty sdtContent in a cell (Word repairs that): one paragraph, no runs.
            assert [local(c) for c in content] == ["p"], prompt
            assert [local(c) for c in content[0]] == ["pPr"], prompt
        else:
            assert [local(c) for c in content] == ["r"], prompt
            assert [local(c) for c in content[0]] == ["rPr"], prompt


def test_controls_are_block_level_in_cells_and_run_level_elsewhere(
    document: etree._Element,
) -> None:
    for prompt, sdt in controls_by_prompt(document).items():
        parent = sdt.getparent()
        assert parent is not None
        row = enclosing(sdt, "tr")
        if row is None:
            # Lokale ambitie / doelstellingen: a run-level control in a paragraph of its own.
            assert prompt.startswith(INTRO_PREFIX)
            assert parent.tag == w("p") and parent.getparent().tag == w("body"), prompt
            assert parent.find("w:r", NS) is None, prompt
            continue
        title = paragraph_text(row.find("w:tc/w:p", NS))
        if title.strip() == RUN_LEVEL_ROW:
            assert parent.tag == w("p"), prompt
            assert sdt.find("w:sdtContent/w:r", NS) is not None, prompt
        else:
            assert parent.tag == w("tc"), prompt
            assert sdt.find("w:sdtContent/w:p", NS) is not None, prompt
        cells = row.findall("w:tc", NS)
        assert enclosing(sdt, "tc") is cells[2], f"{prompt!r} is not in Lokale uitwerking"


def test_text_after_a_run_level_control_follows_the_seed(document: etree._Element) -> None:
    tails = seed_tails()
    assert tails  # the seed's "Klik of tik om tekst in te voeren. " (SAMENWERKING)
    by_prompt = controls_by_prompt(document)
    for prompt, tail in tails.items():
        sdt = by_prompt[prompt]
        following = sdt.getnext()
        assert following is not None and following.tag == w("r"), prompt
        assert following.findtext("w:t", namespaces=NS) == tail


def test_every_cell_ends_with_a_paragraph(document: etree._Element) -> None:
    for cell in document.iter(w("tc")):
        assert cell[-1].tag == w("p")


# --- 3. The seed's text, in order ----------------------------------------------------------------


def test_document_holds_every_seed_line_in_order(document: etree._Element) -> None:
    paragraphs = [paragraph_text(p) for p in document.iter(w("p"))]
    position = 0
    for line in seed_text_lines():
        try:
            position = paragraphs.index(line.text, position) + 1
        except ValueError:
            pytest.fail(f"seed line {line.number} {line.text!r} is missing or out of order")


def test_each_question_appears_once_and_is_followed_by_its_control(
    document: etree._Element,
) -> None:
    prompts = {p.text.strip() for p in seed_prompts()}
    events = []
    for element in document.iter(w("p"), w("sdt")):
        if element.tag == w("sdt"):
            events.append("control")
        elif (text := paragraph_text(element).strip()) in prompts:
            events.append(text)
    for prompt in prompts:
        assert events.count(prompt) == 1, prompt
    assert events[0] != "control"
    for here, after in zip(events, [*events[1:], None], strict=True):
        if here != "control":
            assert after == "control", f"no control after {here!r}"


def test_bullets_are_a_word_numbering_list(
    document: etree._Element, package: dict[str, bytes]
) -> None:
    numbering = parse(package, "word/numbering.xml")
    bullets = {line.text for line in seed() if line.bullet}
    found = [p for p in document.iter(w("p")) if paragraph_text(p) in bullets]
    assert len(found) == len(bullets)
    for paragraph in found:
        assert paragraph_style(paragraph) == "Lijstalinea"
        num_id = paragraph.find("w:pPr/w:numPr/w:numId", NS).get(w("val"))
        level = paragraph.find("w:pPr/w:numPr/w:ilvl", NS).get(w("val"))
        num = numbering.find(f"w:num[@w:numId='{num_id}']", NS)
        assert num is not None
        abstract_id = num.find("w:abstractNumId", NS).get(w("val"))
        lvl = numbering.find(
            f"w:abstractNum[@w:abstractNumId='{abstract_id}']/w:lvl[@w:ilvl='{level}']", NS
        )
        assert lvl is not None
        assert lvl.find("w:numFmt", NS).get(w("val")) == "bullet"
        assert lvl.find("w:lvlText", NS).get(w("val")) == "\uf0b7"
        assert lvl.find("w:rPr/w:rFonts", NS).get(w("ascii")) == "Symbol"


def test_table_cells_hold_the_seeds_cell_text(document: etree._Element) -> None:
    """Each seed line starting with a TAB opens a cell; its lines up to the next one fill it."""
    tables = document.findall("w:body/w:tbl", NS)
    assert len(tables) == 1
    rows = tables[0].findall("w:tr", NS)
    assert len(rows) == 1 + len(seed_row_titles())
    assert all(len(row.findall("w:tc", NS)) == 3 for row in rows)
    cells = []
    for cell in tables[0].iter(w("tc")):
        texts = [paragraph_text(p) for p in cell.iter(w("p"))]
        if any(t.strip() for t in texts):
            cells.append([t for t in texts if t.strip()])
    assert cells == seed_cells()


def test_table_layout(document: etree._Element, styles: etree._Element) -> None:
    table = document.find("w:body/w:tbl", NS)
    assert table is not None
    style = table.find("w:tblPr/w:tblStyle", NS).get(w("val"))
    assert style_names(styles)[style] == "Table Grid"
    borders = table.find("w:tblPr/w:tblBorders", NS)
    assert borders is not None
    assert {local(b) for b in borders} >= {"top", "bottom", "insideH", "insideV"}
    assert all(b.get(w("val")) == "single" for b in borders)

    header, *rows = table.findall("w:tr", NS)
    assert header.find("w:trPr/w:tblHeader", NS) is not None
    assert [paragraph_text(c.find("w:p", NS)) for c in header.findall("w:tc", NS)] == [
        "Wat",
        "Hoe",
        "Lokale uitwerking ",
    ]
    for cell in header.findall("w:tc", NS):
        assert cell.find("w:tcPr/w:shd", NS).get(w("fill")) not in (None, "auto", "FFFFFF")
        assert all(is_bold(r) for r in cell.iterfind(".//w:r", NS))

    titles = []
    for row in rows:
        first = row.find("w:tc/w:p", NS)
        assert first is not None
        titles.append(paragraph_text(first))
        assert all(is_bold(r) for r in first.iterfind("w:r", NS))
    assert titles == seed_row_titles()

    for run in table.iterfind(".//w:r", NS):
        if run.find("w:t", NS) is not None:
            size = run.find("w:rPr/w:sz", NS)
            assert size is not None and size.get(w("val")) == "18"


# --- 4. Bookmarks and headings -------------------------------------------------------------------


def test_seed_bookmarks_sit_on_their_paragraphs(document: etree._Element) -> None:
    starts = {b.get(w("name")): b for b in document.iter(w("bookmarkStart"))}
    ids = [b.get(w("id")) for b in document.iter(w("bookmarkStart"))]
    assert len(set(ids)) == len(ids)
    end_ids = {b.get(w("id")) for b in document.iter(w("bookmarkEnd"))}
    for line in seed():
        for name in line.bookmarks:
            assert name in starts, name
            assert starts[name].get(w("id")) in end_ids, name
            paragraph = starts[name].getparent()
            assert paragraph is not None and paragraph.tag == w("p")
            assert paragraph_text(paragraph) == line.text, name


def test_headings_use_word_heading_styles(document: etree._Element, styles: etree._Element) -> None:
    names = style_names(styles)
    expected = {
        line.text: 1 if line.text in HEADING_1 else 2
        for line in seed()
        if line.text and any(b.startswith("_Toc") for b in line.bookmarks)
    }
    expected["Activiteiten"] = 1
    found = {}
    for paragraph in document.iter(w("p")):
        name = names.get(paragraph_style(paragraph) or "", "")
        if name.startswith("heading "):
            found[paragraph_text(paragraph)] = int(name.removeprefix("heading "))
    assert found == expected
    for level in (1, 2):
        style = styles.find(f"w:style[@w:styleId='Kop{level}']", NS)
        assert style is not None
        outline = style.find("w:pPr/w:outlineLvl", NS)
        assert outline is not None and outline.get(w("val")) == str(level - 1)


def test_styles_have_dutch_ids_and_builtin_names(styles: etree._Element) -> None:
    names = style_names(styles)
    assert {i: names.get(i) for i in DUTCH_STYLES} == DUTCH_STYLES
    defaults = {
        s.get(w("type")): s.get(w("styleId"))
        for s in styles.iterfind("w:style", NS)
        if s.get(w("default")) == "1"
    }
    assert defaults == {
        "paragraph": "Standaard",
        "character": "Standaardalinea-lettertype",
        "table": "Standaardtabel",
        "numbering": "Geenlijst",
    }


# --- 5. Placeholder machinery --------------------------------------------------------------------


def check_placeholder_style(styles: etree._Element) -> None:
    style = styles.find(f"w:style[@w:styleId='{PLACEHOLDER_STYLE}']", NS)
    assert style is not None
    assert style.get(w("type")) == "character"
    assert style.find("w:name", NS).get(w("val")) == "Placeholder Text"
    based_on = style.find("w:basedOn", NS).get(w("val"))
    assert style_names(styles)[based_on] == "Default Paragraph Font"
    assert style.find("w:uiPriority", NS).get(w("val")) == "99"
    assert style.find("w:semiHidden", NS) is not None
    assert style.find("w:rPr/w:color", NS).get(w("val")) == "666666"


def test_placeholder_style(styles: etree._Element) -> None:
    check_placeholder_style(styles)


def test_glossary_holds_the_default_placeholder(package: dict[str, bytes]) -> None:
    rels = relationships(package, "word/document.xml")
    glossaries = [target for kind, target in rels.values() if kind == RT + "glossaryDocument"]
    assert glossaries == ["word/glossary/document.xml"]
    assert content_types(package)["word/glossary/document.xml"] == GLOSSARY_CONTENT_TYPE

    glossary = parse(package, "word/glossary/document.xml")
    assert glossary.tag == w("glossaryDocument")
    parts = glossary.findall("w:docParts/w:docPart", NS)
    by_name = {p.find("w:docPartPr/w:name", NS).get(w("val")): p for p in parts}
    part = by_name[PLACEHOLDER_DOCPART]
    props = part.find("w:docPartPr", NS)
    assert props is not None
    assert props.find("w:category/w:name", NS).get(w("val")) == "Algemeen"
    assert props.find("w:category/w:gallery", NS).get(w("val")) == "placeholder"
    assert props.find("w:behaviors/w:behavior", NS).get(w("val")) == "content"
    guid = props.find("w:guid", NS).get(w("val"))
    assert re.fullmatch(r"\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", guid or "")
    body = part.findall("w:docPartBody/w:p", NS)
    assert len(body) == 1
    runs = body[0].findall("w:r", NS)
    assert "".join(r.findtext("w:t", "", NS) for r in runs) == PLACEHOLDER_TEXT
    assert all(run_style(r) == PLACEHOLDER_STYLE for r in runs)

    glossary_rels = relationships(package, "word/glossary/document.xml")
    kinds = {kind.removeprefix(RT) for kind, _ in glossary_rels.values()}
    assert kinds == {"styles", "settings", "fontTable", "webSettings"}
    glossary_styles = next(t for k, t in glossary_rels.values() if k == RT + "styles")
    check_placeholder_style(parse(package, glossary_styles))


def test_package_is_complete(package: dict[str, bytes]) -> None:
    """Every part has a content type and every relationship target exists."""
    types = content_types(package)
    assert all(types[name] for name in package if name != "[Content_Types].xml")
    sources = [""] + [
        name.replace("_rels/", "").removesuffix(".rels")
        for name in package
        if name.endswith(".rels") and name != "_rels/.rels"
    ]
    for source in sources:
        for kind, target in relationships(package, source).values():
            assert target in package, f"{source or 'package'}: {kind} -> {target}"


def test_ignorable_prefixes_are_declared(package: dict[str, bytes]) -> None:
    for name, data in package.items():
        if not name.endswith(".xml"):
            continue
        root = etree.fromstring(data)
        ignorable = root.get(f"{{{NS['mc']}}}Ignorable")
        for prefix in (ignorable or "").split():
            assert prefix in root.nsmap, f"{name}: {prefix} is ignorable but not declared"
    document = etree.fromstring(package["word/document.xml"])
    ignorable = document.get(f"{{{NS['mc']}}}Ignorable", "").split()
    assert ignorable == ["w14", "w15", "w16se", "w16cid", "w16", "w16cex", "w16sdtdh", "wp14"]


def test_dutch_a4_document(package: dict[str, bytes], styles: etree._Element) -> None:
    lang = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    assert lang is not None and lang.get(w("val")) == "nl-NL"
    settings = parse(package, "word/settings.xml")
    assert settings.find("w:themeFontLang", NS).get(w("val")) == "nl-NL"
    document = parse(package, "word/document.xml")
    section = document.find("w:body/w:sectPr", NS)
    assert section is not None
    size = section.find("w:pgSz", NS)
    assert (size.get(w("w")), size.get(w("h"))) == ("11906", "16838")
    margins = section.find("w:pgMar", NS)
    assert {margins.get(w(side)) for side in ("top", "right", "bottom", "left")} == {"1417"}
    core = parse(package, "docProps/core.xml")
    assert core.findtext("dc:title", namespaces=NS) == TITLE
    assert core.findtext("dc:language", namespaces=NS) == "nl-NL"


# --- 6. Real judges ------------------------------------------------------------------------------


def test_open_xml_sdk_validator_accepts_the_template(template_path: Path) -> None:
    assert_valid(template_path)


HEADER_ROW = re.compile(r"^\s*Wat\s+Hoe\s+Lokale uitwerking\s*$")
PAGE_NUMBER = re.compile(r"^\s*\d+\s*$")


def table_columns(layout: str) -> tuple[str, list[str]]:
    """Split ``pdftotext -layout`` text into the text outside the table and one text per column.

    -layout prints the table's columns side by side, so a cell's wrapped lines are interleaved
    with its neighbours'. The header row repeats on every page (w:tblHeader); the positions of
    its words give the columns of that page. Text chunks (runs of words separated by single
    spaces) are assigned to the column they start in; each column's text continues across pages.
    """
    outside: list[str] = []
    columns: list[list[str]] = [[], [], []]
    for page in layout.split("\f"):
        starts: list[int] | None = None
        for line in page.splitlines():
            if HEADER_ROW.match(line):
                starts = [line.index(word) for word in ("Wat", "Hoe", "Lokale")]
            elif starts is None or PAGE_NUMBER.match(line):
                outside.append(line)
            else:
                for chunk in re.finditer(r"\S+(?: \S+)*", line):
                    column = max(
                        i for i, x in enumerate(starts) if x <= chunk.start() + 1 or i == 0
                    )
                    columns[column].append(chunk.group())
    return "\n".join(outside), ["\n".join(column) for column in columns]


def compact(text: str) -> str:
    """Drop all whitespace: narrow cells break long words (and a final "?") onto new lines."""
    return "".join(text.split())


@pytest.fixture(scope="module")
def rendered(template_path: Path) -> str:
    return render_text(template_path)


def test_libreoffice_renders_every_heading_title_and_question(rendered: str) -> None:
    outside, (wat, _hoe, lokaal) = table_columns(rendered)
    headings = [line.text for line in seed() if any(b.startswith("_Toc") for b in line.bookmarks)]
    headings = [h for h in headings if h.strip()] + ["Activiteiten"]
    assert missing_from(outside, headings) == []
    assert missing_from(compact(wat), [compact(t) for t in seed_row_titles()]) == []
    questions = [p.text for p in seed_prompts() if not p.text.startswith(INTRO_PREFIX)]
    assert missing_from(compact(lokaal), [compact(q) for q in questions]) == []
    placeholders = compact(lokaal).count(compact(PLACEHOLDER_TEXT))
    assert placeholders == sum(line.is_placeholder for line in seed())
