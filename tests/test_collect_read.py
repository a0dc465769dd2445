"""Collecting reads a plan once, fast: the signature and the values come from one pass over each
control (:class:`~docx_aanpak.controls.Snapshot`). It must read exactly what the plain path
reads: every control looked up afresh (``ContentControl``), the signature taken from the
elements themselves, the values from :func:`extract_values`, with the same warnings and errors.

Checked on every corpus document (as it is and filled), every hostile one, plans of the shipped
template, and all of these re-saved by LibreOffice, read with and without a template.
"""

from __future__ import annotations

import contextlib
import json
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus.cases import CASES, Case
from corpus.hostile import HOSTILE, HostileCase
from corpus.life import resave_with_libreoffice
from docx_aanpak import Document, Template, TemplateError
from docx_aanpak import _ooxml as ox
from docx_aanpak.collect import Signature, _Context, _Read, _read, signature
from docx_aanpak.controls import ContentControl, Snapshot, inline_items, paragraph_text
from docx_aanpak.errors import DocxAanpakError
from docx_aanpak.extract import extract_values
from docx_aanpak.recover import written_by_libreoffice
from docx_aanpak.scan import scan
from test_corpus_fill import fill_case

ROOT = Path(__file__).resolve().parent.parent
ANSWERS = json.loads((ROOT / "examples" / "plan_waalzicht.json").read_text(encoding="utf-8"))
W = ox.NS["w"]

# -- the plain path ------------------------------------------------------------------------------

VOLATILE = {f"{{{W}}}{name}" for name in ("showingPlcHdr", "rPr", "placeholder", "temporary")}
NAMED = {f"{{{W}}}{name}" for name in ("tag", "alias", "id")}


def plain_signature(document: Document) -> Signature:
    """The signature as documented, from the elements: per part, per control its parent's tag,
    then the tags of its properties but the volatile ones, with the value of tag, alias, id."""
    parts = []
    for story, root in document.iter_story_trees():
        controls = []
        for element in root.iter(ox.W_SDT):
            pr = element.find(f"{{{W}}}sdtPr")
            kinds: list[object] = []
            for child in [] if pr is None else pr:
                if isinstance(child.tag, str) and child.tag not in VOLATILE:
                    kinds.append(child.tag)
                    if child.tag in NAMED:
                        kinds.append(child.get(ox.W_VAL))
            parent = element.getparent()
            controls.append((None if parent is None else parent.tag, *kinds))
        parts.append((story.name, tuple(controls)))
    return tuple(parts)


@contextlib.contextmanager
def recorded() -> Iterator[list[str]]:
    messages: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield messages
    messages.extend(f"{w.category.__name__}: {w.message}" for w in caught)


def plain_read(path: Path, context: _Context) -> tuple[object, ...]:
    """What reading one plan gives on the plain path: the fields of the template when the plan's
    signature is the template's, else its own scan; values by :func:`extract_values`."""
    try:
        document = Document.open(path)
        title = (document.core_property("dc:title") or "").strip()
        own = plain_signature(document)
        known = context.known.get(own)
        duplicate_tags = context.duplicate_tags or "merge"
        fields = list(known) if known is not None else scan(document, duplicate_tags=duplicate_tags)
        libreoffice, showing = False, 0
        if not context.known:
            libreoffice = written_by_libreoffice(document)
            showing = sum(
                ContentControl(element).showing_placeholder
                for _, root in document.iter_story_trees()
                for element in root.iter(ox.W_SDT)
            )
        with recorded() as notes:
            values = extract_values(document, fields, shapes=context.shapes)
        notes = [n.partition(": ")[2] for n in notes]
        return (title, own, tuple(fields), values, tuple(notes), libreoffice, showing, None)
    except DocxAanpakError as e:
        return ("", None, None, None, (), False, 0, str(e))


def fast_read(read: _Read) -> tuple[object, ...]:
    return (read.title, read.signature, read.fields, read.values, read.warnings,
            read.libreoffice, read.showing, read.error)  # fmt: skip


def contexts(template: Template | None) -> list[_Context]:
    found = [_Context({}, {}, None), _Context({}, {}, "error")]
    if template is not None:
        known = {plain_signature(template.document): tuple(template.fields)}
        found.append(_Context(known, template.shapes, template.duplicate_tags))
    return found


def assert_reads_the_same(path: Path, template: Template | None) -> list[_Read]:
    """The fast read and the plain read agree, in every context (and so do the warnings
    reading sends out, such as a scan's); returns the fast reads."""
    reads = []
    for context in contexts(template):
        with recorded() as fast_notes:
            read = _read(path, context, {})
        with recorded() as plain_notes:
            plain = plain_read(path, context)
        assert fast_read(read) == plain, (path.name, context.duplicate_tags, bool(context.known))
        assert fast_notes == plain_notes, path.name
        reads.append(read)
    return reads


def template_of(path: Path) -> Template | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return Template.open(path)
    except (TemplateError, DocxAanpakError):
        return None


# -- the documents -------------------------------------------------------------------------------


def shipped_plans(template: Template, folder: Path) -> list[Path]:
    """Plans of the shipped template: complete, half done, not started, and answers with
    several paragraphs, empty ones among them."""
    keys = template.keys
    half = {k: v for i, (k, v) in enumerate(ANSWERS.items()) if i % 3 == 0}
    half[keys[-1]] = "Eerste alinea.\nTweede alinea.\n\nVierde, na een lege."
    plans = {"Alles": dict(ANSWERS), "Half": half, "Niets": {}}
    paths = []
    for name, values in plans.items():
        path = folder / f"{name}.docx"
        template.fill(values, title=name).save(path)
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def shipped(template_path: Path) -> Template:
    return Template.open(template_path)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_corpus_document_reads_the_same_fast_and_plain(case: Case, tmp_path: Path) -> None:
    raw = tmp_path / "templates" / case.filename
    raw.parent.mkdir()
    raw.write_bytes(case.build())
    template = template_of(raw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        filled = fill_case(case, tmp_path)
    reads = assert_reads_the_same(raw, template)
    if template is not None:  # the template's own controls: read by its signature
        assert reads[-1].signature in contexts(template)[-1].known
    if filled is not None:
        assert_reads_the_same(filled.path, template)


@pytest.mark.parametrize("case", HOSTILE, ids=[c.name for c in HOSTILE])
def test_a_hostile_document_reads_the_same_fast_and_plain(
    case: HostileCase, shipped: Template, tmp_path: Path
) -> None:
    path = tmp_path / case.filename
    path.write_bytes(case.build())
    assert_reads_the_same(path, shipped)


def test_plans_of_the_shipped_template_read_the_same_fast_and_plain(
    shipped: Template, tmp_path: Path
) -> None:
    for path in shipped_plans(shipped, tmp_path):
        [*_, by_template] = assert_reads_the_same(path, shipped)
        assert by_template.signature in contexts(shipped)[-1].known


def corpus_paths(folder: Path) -> list[Path]:
    """Every corpus document as it is (``<case>.raw.docx``) and filled (``<case>.docx``)."""
    paths = []
    for case in CASES:
        raw = folder / f"{case.name}.raw{case.suffix}"
        raw.write_bytes(case.build())
        paths.append(raw)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            filled = fill_case(case, folder)
        if filled is not None:
            paths.append(filled.path)
    return paths


@pytest.fixture(scope="module")
def resaved(shipped: Template, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Corpus documents (as they are and filled) and plans of the shipped template, each saved
    once by LibreOffice."""
    folder = tmp_path_factory.mktemp("word")
    sources = [*shipped_plans(shipped, folder), *corpus_paths(folder)]
    return resave_with_libreoffice(sources, tmp_path_factory.mktemp("libreoffice"))


@pytest.mark.slow
def test_plans_resaved_by_libreoffice_read_the_same_fast_and_plain(
    resaved: list[Path], shipped: Template, tmp_path: Path
) -> None:
    """Read with the template they were made from: their signatures differ from it (LibreOffice
    moves controls), so they are scanned, and their answers read against its shapes."""
    cases = {c.name: c for c in CASES}
    templates: dict[str, Template | None] = {}
    for path in resaved:
        name = path.name.split(".")[0]
        case = cases.get(name)
        if case is not None and name not in templates:
            source = tmp_path / case.filename
            source.write_bytes(case.build())
            templates[name] = template_of(source)
        assert_reads_the_same(path, shipped if case is None else templates[name])


# -- controls read once ------------------------------------------------------------------------

PROPERTIES = (
    "kind",
    "level",
    "tag",
    "alias",
    "id",
    "lock",
    "content_locked",
    "showing_placeholder",
    "placeholder_docpart",
    "binding",
    "multiline",
    "choices",
    "date_format",
    "date_lid",
    "is_container",
    "text",
    "is_empty",
    "is_unfilled",
    "value",
)


def outcome(control: ContentControl, name: str) -> object:
    try:
        return getattr(control, name)
    except Exception as e:  # the same error, too
        return (type(e), str(e))


def documents(paths: list[Path]) -> Iterator[Document]:
    for path in paths:
        with contextlib.suppress(DocxAanpakError):
            yield Document.open(path)


def assert_snapshots_are_their_controls(document: Document) -> None:
    for _, root in document.iter_story_trees():
        for element in root.iter(ox.W_SDT):
            plain, snapshot = ContentControl(element), Snapshot(element)
            for name in PROPERTIES:
                expected = outcome(plain, name)
                assert outcome(snapshot, name) == expected, (document.name, name)
                assert outcome(snapshot, name) == expected, (document.name, name, "again")
            assert snapshot.content is plain.content
            assert snapshot.describe() == plain.describe()


def test_a_snapshot_reads_what_its_control_reads(shipped: Template, tmp_path: Path) -> None:
    paths = [*corpus_paths(tmp_path), *shipped_plans(shipped, tmp_path)]
    for document in documents(paths):
        assert_snapshots_are_their_controls(document)
        assert signature(document) == plain_signature(document)


@pytest.mark.slow
def test_a_snapshot_reads_what_its_control_reads_after_libreoffice(resaved: list[Path]) -> None:
    for document in documents(resaved):
        assert_snapshots_are_their_controls(document)
        assert signature(document) == plain_signature(document)


# -- text in one walk ----------------------------------------------------------------------------

RUN_TEXT = {f"{{{W}}}{name}": text for name, text in (
    ("tab", "\t"), ("ptab", "\t"), ("br", "\n"), ("cr", "\n"), ("noBreakHyphen", "-"))}  # fmt: skip


def plain_paragraph_text(paragraph: ox.Element, skip_controls: bool) -> str:
    """A paragraph's text from :func:`inline_items`, the runs' children one by one."""
    out: list[str] = []
    for item in inline_items(paragraph):
        if item.tag == ox.W_R:
            for child in item:
                if child.tag == ox.W_T:
                    out.append(child.text or "")
                elif child.tag in RUN_TEXT:
                    out.append(RUN_TEXT[child.tag])
                elif child.tag == f"{{{W}}}sym" and child.get(f"{{{W}}}char"):
                    with contextlib.suppress(ValueError):
                        out.append(chr(int(child.get(f"{{{W}}}char", ""), 16)))
        elif not skip_controls:
            content = item.find(f"{{{W}}}sdtContent")
            if content is not None:
                out.append(plain_paragraph_text(content, skip_controls))
    return "".join(out)


def test_paragraph_text_is_the_text_of_its_inline_items(shipped: Template, tmp_path: Path) -> None:
    paths = [*corpus_paths(tmp_path), *shipped_plans(shipped, tmp_path)]
    for document in documents(paths):
        for _, root in document.iter_story_trees():
            for paragraph in root.iter(ox.W_P):
                for skip in (False, True):
                    expected = plain_paragraph_text(paragraph, skip)
                    assert paragraph_text(paragraph, skip_controls=skip) == expected


# -- odd controls ------------------------------------------------------------------------------

NAMESPACES = (
    f'xmlns:w="{W}" xmlns:w14="{ox.NS["w14"]}" xmlns:w15="{ox.NS["w15"]}" xmlns:mc="{ox.NS["mc"]}"'
)
ODD = {
    "comment before the properties": "<w:sdt><!-- c --><w:sdtPr><w:tag w:val='a'/></w:sdtPr>"
    "<w:sdtContent><w:r><w:t>x</w:t></w:r></w:sdtContent></w:sdt>",
    "no properties": "<w:sdt><w:sdtContent><w:p><w:r><w:t>x</w:t></w:r></w:p></w:sdtContent>"
    "</w:sdt>",
    "two property elements": "<w:sdt><w:sdtContent/><w:sdtPr><w:tag w:val='b'/></w:sdtPr>"
    "<w:sdtPr><w:tag w:val='c'/><w:text/></w:sdtPr></w:sdt>",
    "repeated and commented properties": "<w:sdt><w:sdtPr><!-- c --><w:tag w:val='a'/>"
    "<w:tag w:val='b'/><w:showingPlcHdr w:val='0'/><w:showingPlcHdr/><w:alias w:val='t'/>"
    "<w:id w:val='x'/><w:lock w:val='unlocked'/></w:sdtPr>"
    "<w:sdtContent><w:r><w:t>x</w:t></w:r></w:sdtContent></w:sdt>",
    "a placeholder with more in it": "<w:sdt><w:sdtPr><w:placeholder><!-- c --><w:name/>"
    "<w:docPart w:val='P1'/><w:docPart w:val='P2'/></w:placeholder><w:showingPlcHdr/></w:sdtPr>"
    "<w:sdtContent><w:p><w:r><w:t>Klik</w:t></w:r></w:p></w:sdtContent></w:sdt>",
    "a kind in alternate content": "<w:sdt><w:sdtPr><mc:AlternateContent><mc:Choice Requires='w14'>"
    "<w14:checkbox><w14:checked w14:val='1'/></w14:checkbox></mc:Choice></mc:AlternateContent>"
    "<w:text/></w:sdtPr><w:sdtContent><w:r><w:t>☒</w:t></w:r></w:sdtContent></w:sdt>",
    "two contents": "<w:sdt><w:sdtPr><w:text/></w:sdtPr><w:sdtContent><w:r><w:t>a</w:t></w:r>"
    "</w:sdtContent><w:sdtContent><w:r><w:t>b</w:t></w:r></w:sdtContent></w:sdt>",
    "bound twice": "<w:sdt><w:sdtPr><w15:dataBinding w:xpath='/b' w:storeItemID='{X}'/>"
    "<w:dataBinding w:xpath='/a' w:storeItemID='{Y}'/><w:date><w:dateFormat w:val='d-M-yyyy'/>"
    "</w:date></w:sdtPr><w:sdtContent><w:r><w:t>1-2-2025</w:t></w:r></w:sdtContent></w:sdt>",
    "a list": "<w:sdt><w:sdtPr><w:dropDownList><w:listItem w:displayText='Ja' w:value='j'/>"
    "</w:dropDownList></w:sdtPr><w:sdtContent><w:r><w:t>Ja</w:t></w:r></w:sdtContent></w:sdt>",
}
WRAPPERS = {
    "alone": "{}",
    "in a body": "<w:body>{}</w:body>",
    "in a paragraph": "<w:body><w:p><w:hyperlink>{}</w:hyperlink></w:p></w:body>",
    "in a row": "<w:tbl><w:tr>{}</w:tr></w:tbl>",
    "in a run-level control": "<w:p><w:sdt><w:sdtContent>{}</w:sdtContent></w:sdt></w:p>",
    "in a table": "<w:tbl><w:sdt><w:sdtContent>{}</w:sdtContent></w:sdt></w:tbl>",
}


@pytest.mark.parametrize("wrapper", WRAPPERS)
@pytest.mark.parametrize("odd", ODD)
def test_a_snapshot_of_an_odd_control_reads_what_the_control_reads(odd: str, wrapper: str) -> None:
    markup = WRAPPERS[wrapper].format(ODD[odd])
    root = ox.parse(f"<w:document {NAMESPACES}>{markup}</w:document>".encode())
    elements = list(root.iter(ox.W_SDT))
    element = elements[-1] if wrapper != "alone" else elements[0]
    if wrapper == "alone":
        root.remove(element)  # a control without a parent
    plain, snapshot = ContentControl(element), Snapshot(element)
    for name in PROPERTIES:
        assert outcome(snapshot, name) == outcome(plain, name), name
    assert snapshot.content is plain.content
    pr = element.find(f"{{{W}}}sdtPr")
    children = [] if pr is None else [c for c in pr if isinstance(c.tag, str)]
    assert [c for _, c in snapshot.in_order] == children
    assert [t for t, _ in snapshot.in_order] == [c.tag for c in children]
    parent = element.getparent()
    assert snapshot.parent_tag == (None if parent is None else parent.tag)


# -- parts without controls ----------------------------------------------------------------------

FOOTER = "word/footer1.xml"


def test_a_part_seen_without_controls_gives_the_same_signature_unparsed(
    shipped: Template, tmp_path: Path
) -> None:
    """The template's footer holds no controls: in a second plan it is not parsed again, and
    the signature is what the elements give."""
    first, second = shipped_plans(shipped, tmp_path)[:2]
    for path in (first, second):
        document = Document.open(path)
        assert signature(document) == plain_signature(Document.open(path))
    assert FOOTER in {s.name for s in document.story_parts()}
    assert document.unparsed(FOOTER) is not None  # the second plan's footer: not parsed


def test_a_part_changed_in_memory_is_read_from_its_tree(shipped: Template, tmp_path: Path) -> None:
    path = shipped_plans(shipped, tmp_path)[0]
    signature(Document.open(path))  # the footer is now known to hold no controls
    document = Document.open(path)
    footer = document.tree(FOOTER)
    paragraph = next(footer.iter(ox.W_P))
    sdt = ox.sub(paragraph, "w:sdt")
    ox.sub(ox.sub(sdt, "w:sdtPr"), "w:tag", {"w:val": "nieuw"})
    assert document.unparsed(FOOTER) is None
    found = dict(signature(document))
    assert found[FOOTER] == dict(plain_signature(document))[FOOTER] != ()


def test_a_broken_part_is_refused_though_a_good_one_was_seen(
    shipped: Template, tmp_path: Path
) -> None:
    path = shipped_plans(shipped, tmp_path)[0]
    signature(Document.open(path))
    broken = tmp_path / "kapot.docx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(broken, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, data[:-20] if info.filename == FOOTER else data)
    with recorded():
        read = _read(broken, contexts(shipped)[-1], {})
    assert read.error is not None and FOOTER in read.error and "not well-formed" in read.error
