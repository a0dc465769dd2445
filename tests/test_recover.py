"""Plans re-saved by LibreOffice (issue 10.1): filled plans go through headless LibreOffice (the
real program) and are read back with exactly the answers that were filled: ``None`` for every
unanswered question, every paragraph of a multi-paragraph answer kept."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from corpus.life import (
    delete_blank_line_before,
    edit_part,
    resave_with_libreoffice,
    reword_question,
)
from docx_aanpak import Document, Template, collect, migrate, write_collection
from docx_aanpak import _ooxml as ox
from docx_aanpak.controls import ContentControl, Level
from docx_aanpak.extract import extract_values
from docx_aanpak.publish import flatten
from docx_aanpak.recover import RecoveryWarning, written_by_libreoffice
from docx_aanpak.scan import scan
from judges import assert_valid, require, soffice

ROOT = Path(__file__).resolve().parent.parent
ANSWERS = json.loads((ROOT / "examples" / "plan_waalzicht.json").read_text(encoding="utf-8"))
COLLEGE = "Hoe betrek ik het college?"
TOOLS = "Welke tools gebruik ik hiervoor?"


def plans(tpl: Template) -> dict[str, dict[str, object]]:
    """Plans as advisors fill them: complete, half done, not started, and answers with edges
    (an empty first or last paragraph, empty paragraphs inside, a tab, a first paragraph that
    reads like the placeholder, a question's text inside an answer)."""
    keys = tpl.keys
    half = {k: v for i, (k, v) in enumerate(ANSWERS.items()) if i % 3 == 0}
    half[keys[-1]] = "Eerste alinea.\nTweede alinea.\n\nVierde, na een lege."
    edges = {
        keys[0]: "Eén regel.",
        keys[2]: "\nbegint met een lege alinea",
        keys[3]: "eindigt met een lege alinea\n",
        keys[4]: "a\n\n\nb",
        keys[5]: f"{COLLEGE}\nDat is de vraag.",
        keys[6]: "x\ty  z",
        keys[28]: "Klik of tik om tekst in te voeren.\nmaar er volgt meer",
        keys[29]: "laatste\ntwee",
    }
    return {"Alles": dict(ANSWERS), "Half": half, "Randgevallen": edges, "Niets": {}}


def expected(tpl: Template, values: dict[str, object]) -> dict[str, object]:
    return {key: values.get(key) for key in tpl.keys}


@pytest.fixture(scope="module")
def tpl(template_path: Path) -> Template:
    return Template.open(template_path)


@pytest.fixture(scope="module")
def filled(tpl: Template, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("word")
    paths = {}
    for name, values in plans(tpl).items():
        paths[name] = folder / f"{name}.docx"
        tpl.fill(values, title=name).save(paths[name])
    return paths


@pytest.fixture(scope="module")
def office() -> str:
    found = soffice()
    require("LibreOffice", found, "apt-get install libreoffice-writer-nogui")
    assert found is not None
    return found


@pytest.fixture(scope="module")
def resaved(
    filled: dict[str, Path], office: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """Every plan saved once by LibreOffice; the edge cases also a second time."""
    once = tmp_path_factory.mktemp("libreoffice")
    saved = resave_with_libreoffice(list(filled.values()), once)
    paths = dict(zip(filled, saved, strict=True))
    twice = tmp_path_factory.mktemp("libreoffice2")
    [again] = resave_with_libreoffice([paths["Randgevallen"]], twice)
    paths["Randgevallen (twee keer)"] = again
    return paths


def test_libreoffice_really_writes_what_the_issue_describes(
    resaved: dict[str, Path], tpl: Template
) -> None:
    """The premise, checked on the real output: LibreOffice wrote the file, unanswered block
    controls no longer show their placeholder, and block-level controls became run-level ones
    with the rest of the answer outside them."""
    document = Document.open(resaved["Half"])
    assert written_by_libreoffice(document)
    root = document.tree("word/document.xml")
    controls = [ContentControl(el) for el in root.iter(ox.W_SDT)]
    block_keys = [f.key for f in tpl.fields if f.location.level == Level.BLOCK]
    assert block_keys and all(c.level == Level.RUN for c in controls)
    texts = [c.text for c in controls if not c.showing_placeholder]
    assert texts.count("Klik of tik om tekst in te voeren.") >= 10
    # The last answer's second paragraph is no longer inside its control.
    last = controls[-1]
    assert last.text == "Eerste alinea."
    assert extract_values(document, scan(document), shapes=None)[tpl.keys[-1]] != last.text


@pytest.mark.parametrize("name", ["Alles", "Half", "Randgevallen", "Niets"])
def test_template_reads_libreoffice_plans_exactly(
    resaved: dict[str, Path], tpl: Template, name: str
) -> None:
    assert tpl.extract(resaved[name]) == expected(tpl, plans(tpl)[name])


def test_a_plan_saved_twice_by_libreoffice_reads_the_same(
    resaved: dict[str, Path], tpl: Template
) -> None:
    values = expected(tpl, plans(tpl)["Randgevallen"])
    assert tpl.extract(resaved["Randgevallen (twee keer)"]) == values


def test_without_a_template_placeholders_and_split_answers_are_read_by_position(
    resaved: dict[str, Path], tpl: Template
) -> None:
    """The plan's own glossary tells the placeholder; the next question ends an answer."""
    for name in ("Alles", "Half", "Niets"):
        document = Document.open(resaved[name])
        assert extract_values(document, scan(document)) == expected(tpl, plans(tpl)[name])


def test_collecting_libreoffice_plans_gives_the_filled_answers_and_true_progress(
    resaved: dict[str, Path], filled: dict[str, Path], tpl: Template, tmp_path: Path
) -> None:
    originals = {"Alles", "Half", "Randgevallen", "Niets"}
    sources = [resaved[n] for n in sorted(originals)]
    # Without --template the reference is read from a plan LibreOffice did not touch.
    word_plan = tmp_path / "Word.docx"
    tpl.fill({tpl.keys[0]: "In Word ingevuld."}, title="Word").save(word_plan)
    for reference, extra in ((tpl, []), (None, [word_plan])):
        collection = collect([*sources, *extra], reference, jobs=1)
        assert collection.ok, (collection.skipped, [p.warnings for p in collection.plans])
        got = {p.name: p.values for p in collection.plans if p.name != "Word"}
        assert got == {n: expected(tpl, plans(tpl)[n]) for n in originals}
    book = tmp_path / "verzameld.xlsx"
    write_collection(book, collect(sources, tpl))
    assert_valid(book)
    progress = {row[0]: row[1] for row in load_workbook(book)["Voortgang"].iter_rows(
        min_row=2, values_only=True)}  # fmt: skip
    answered = {n: sum(1 for v in plans(tpl)[n].values() if v) for n in originals}
    assert progress == answered


def test_migrating_a_libreoffice_plan_carries_no_placeholder_text(
    resaved: dict[str, Path], tpl: Template
) -> None:
    result = migrate(resaved["Half"], tpl)
    assert result.values == {k: v for k, v in plans(tpl)["Half"].items() if v}
    assert not any("Klik of tik" in str(v) for v in result.values.values())


@pytest.fixture(scope="module")
def edited(tpl: Template, office: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The advisor deleted the blank line before "Hoe betrek ik het college?" and retyped a
    question further on, in Word; then LibreOffice saved the plan."""
    values = {k: f"Eerste alinea {n}.\nTweede alinea {n}." for n, k in enumerate(tpl.keys)}
    folder = tmp_path_factory.mktemp("bewerkt")
    source = folder / "Bewerkt.docx"
    data = tpl.fill(values, title="Bewerkt").to_bytes()
    data = edit_part(data, delete_blank_line_before(COLLEGE))
    data = edit_part(data, reword_question(TOOLS, "Welke hulpmiddelen gebruik ik hiervoor?"))
    source.write_bytes(data)
    [plan] = resave_with_libreoffice([source], folder / "lo")
    return plan


def test_an_answer_that_cannot_be_told_apart_is_recovered_with_a_warning_naming_the_field(
    edited: Path, tpl: Template
) -> None:
    key = tpl.keys[2]  # the answer before "Hoe betrek ik het college?"
    values = {k: f"Eerste alinea {n}.\nTweede alinea {n}." for n, k in enumerate(tpl.keys)}
    # Collecting notes the doubt in the plan's warnings (Voortgang) and the run is not ok.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        collection = collect([edited], tpl)
    [collected] = collection.plans
    assert collected.values == values  # the retyped question's answer too
    # Both answers followed by edited text are named: the one before the deleted blank line and
    # the one before the retyped question.
    before_tools = next(f.key for f in tpl.fields if f.label.strip() == TOOLS)
    previous = tpl.keys[tpl.keys.index(before_tools) - 1]
    assert len(collected.warnings) == 2
    assert key in collected.warnings[0] and previous in collected.warnings[1]
    assert not collection.ok
    with pytest.warns(RecoveryWarning) as caught:
        document = Document.open(edited)
        extract_values(document, tpl.fields, shapes=tpl.shapes)
    assert [key in str(w.message) for w in caught] == [True, False]


def test_a_plan_whose_controls_were_removed_is_reported_never_read_as_empty(
    filled: dict[str, Path], tpl: Template, tmp_path: Path, template_path: Path
) -> None:
    folder = tmp_path / "plannen"
    folder.mkdir()
    for name in ("Alles", "Half"):
        (folder / f"{name}.docx").write_bytes(filled[name].read_bytes())
    document = Document.open(filled["Half"])
    flatten(document)
    document.save(folder / "Gepubliceerd.docx")
    with zipfile.ZipFile(folder / "Gepubliceerd.docx") as z:
        assert b"<w:sdt>" not in z.read("word/document.xml")
    for reference in (tpl, None):
        collection = collect(sorted(folder.iterdir()), reference)
        assert [p.name for p in collection.plans] == ["Alles", "Half"]
        [skipped] = collection.skipped
        assert skipped.path.name == "Gepubliceerd.docx" and skipped.kind == "controls removed"
        assert "controls removed" in skipped.reason
    proc = subprocess.run(
        [sys.executable, "-m", "docx_aanpak", "extract", str(folder), "--json"],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 1
    assert "Gepubliceerd.docx: controls removed" in proc.stderr
    assert [p["Gemeente"] for p in json.loads(proc.stdout)] == ["Alles", "Half"]
    # One flattened plan on its own is an error too, never a plan without answers.
    one = subprocess.run(
        [sys.executable, "-m", "docx_aanpak", "extract", str(folder / "Gepubliceerd.docx"),
         "--template", str(template_path), "--json"],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert one.returncode == 1 and "controls removed" in one.stderr and one.stdout == ""
