"""PDFs: what they show, what they are, and how they are made.

* What they show: never the placeholder of an unanswered question, every answer, and the answers
  of a table in the size the document gives them (LibreOffice imports a block-level control in a
  cell with its first paragraph in another size; a flattened copy has no controls to import).
* What they are: PDF/A-2b (or plain PDF when asked), tagged, in the template's language, with the
  plan's title shown in the window title bar; read back with pikepdf.
* How they are made: many files per LibreOffice process, processes in parallel, and a file that
  LibreOffice skips or hangs on in a list is named while the others are written. The process
  counts come from a wrapper on PATH that logs each start and then runs the real LibreOffice.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from corpus.word import locale
from docx_aanpak import Template
from docx_aanpak.cli import main
from docx_aanpak.controls import Level
from docx_aanpak.errors import DocumentError
from docx_aanpak.publish import convert_to_pdf, to_pdf
from judges import missing_from, require, soffice

pikepdf = pytest.importorskip("pikepdf", reason="pip install pikepdf (the test extra)")

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template" / "lokale_aanpak.docx"
PLAN = ROOT / "examples" / "plan_waalzicht.json"
PLACEHOLDER_TEXT = locale("nl-NL").text_placeholder
XHTML = "{http://www.w3.org/1999/xhtml}"
PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"
DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"


@pytest.fixture(scope="module")
def template() -> Template:
    return Template.open(TEMPLATE)


@pytest.fixture(scope="module")
def plan() -> dict[str, str]:
    data: dict[str, str] = json.loads(PLAN.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def partial(plan: dict[str, str]) -> dict[str, str]:
    """A partly answered plan: every third question answered (10 of 30)."""
    return {key: value for i, (key, value) in enumerate(plan.items()) if i % 3 == 0}


def require_office() -> None:
    require("LibreOffice", soffice(), "apt-get install libreoffice-writer-nogui")


def pdftotext(pdf: Path, *options: str) -> str:
    require("pdftotext", shutil.which("pdftotext"), "apt-get install poppler-utils")
    return subprocess.run(
        ["pdftotext", *options, str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout


def squash(text: str) -> str:
    return " ".join(text.split())


def answer_lines(values: dict[str, str]) -> list[str]:
    return [line for value in values.values() for line in value.split("\n") if line.strip()]


def word_heights(pdf: Path) -> list[tuple[str, float]]:
    """Each word of the PDF with the height of its box (which follows its font size)."""
    root = ET.fromstring(pdftotext(pdf, "-bbox"))
    return [
        (word.text or "", round(float(word.get("yMax", 0)) - float(word.get("yMin", 0)), 1))
        for word in root.iter(f"{XHTML}word")
    ]


# -- what a PDF shows ---------------------------------------------------------------------------


def test_pdf_of_a_partly_answered_plan_shows_every_answer_and_no_placeholder(
    template: Template, partial: dict[str, str], tmp_path: Path
) -> None:
    require_office()
    source = tmp_path / "waalzicht.docx"
    template.fill(partial, title="Waalzicht").save(source)
    [pdf] = to_pdf([source], tmp_path / "pdf")
    text = pdftotext(pdf)
    assert PLACEHOLDER_TEXT not in squash(text)
    assert missing_from(text, answer_lines(partial), spaces=False) == []
    # The questions are still there; only the placeholders are gone.
    assert "Welke afdelingen ga ik betrekken?" in squash(text)


def test_fill_pdf_without_flatten_shows_no_placeholder(
    template: Template, partial: dict[str, str], tmp_path: Path
) -> None:
    """The issue's case: ``fill --pdf`` printed "Klik of tik om tekst in te voeren." 20 times."""
    require_office()
    values = tmp_path / "waalzicht.json"
    values.write_text(json.dumps(partial, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out" / "Waalzicht.docx"
    assert main(["fill", str(TEMPLATE), str(values), "-o", str(out), "--title", "Waalzicht",
                 "--pdf"]) == 0  # fmt: skip
    text = pdftotext(out.with_suffix(".pdf"))
    assert PLACEHOLDER_TEXT not in squash(text)
    assert missing_from(text, answer_lines(partial), spaces=False) == []
    # The plan itself keeps its controls and placeholders: only the PDF leaves them out.
    assert template.extract(out) == {key: partial.get(key) for key in template.keys}


def test_fill_many_pdf_without_flatten_shows_no_placeholder(
    partial: dict[str, str], plan: dict[str, str], tmp_path: Path
) -> None:
    require_office()
    other = {key: value for i, (key, value) in enumerate(plan.items()) if i % 4 == 1}
    data = [{"Gemeente": "Waalzicht", **partial}, {"Gemeente": "Rivierenland", **other}]
    values = tmp_path / "plannen.json"
    values.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["fill", str(TEMPLATE), str(values), "--out", str(out), "--pdf",
                 "--jobs", "2"]) == 0  # fmt: skip
    for name, answers in (("Waalzicht", partial), ("Rivierenland", other)):
        text = pdftotext(out / f"{name}.pdf")
        assert PLACEHOLDER_TEXT not in squash(text), name
        assert missing_from(text, answer_lines(answers), spaces=False) == [], name


def test_pdf_shows_every_paragraph_of_a_table_answer_in_the_documents_size(
    template: Template, tmp_path: Path
) -> None:
    """Word shows the answers in a table cell at 9 pt, like the question above them. LibreOffice
    showed the first paragraph of a block-level control in a cell larger than the rest."""
    require_office()
    in_table = [
        field.key
        for field in template.fields
        if field.location.level == Level.BLOCK and "table" in str(field.location)
    ]
    assert len(in_table) >= 20
    values = {
        key: f"Eerstealinea{i} van het antwoord.\nTweedealinea{i} van het antwoord."
        for i, key in enumerate(in_table)
    }
    source = tmp_path / "plan.docx"
    template.fill(values, title="Waalzicht").save(source)
    [pdf] = to_pdf([source], tmp_path / "pdf")
    heights = word_heights(pdf)
    question = {h for word, h in heights if word == "afdelingen"}  # "Welke afdelingen ga ik …"
    assert len(question) == 1
    first = {h for word, h in heights if word.startswith("Eerstealinea")}
    second = {h for word, h in heights if word.startswith("Tweedealinea")}
    assert len([w for w, _ in heights if w.startswith("Eerstealinea")]) == len(in_table)
    assert first == second == question


# -- what a PDF is ------------------------------------------------------------------------------


def pdf_facts(pdf: Path) -> dict[str, object]:
    with pikepdf.open(pdf) as document:
        root = document.Root
        marks = root.get("/MarkInfo")
        preferences = root.get("/ViewerPreferences")
        info = document.docinfo
        with document.open_metadata() as xmp:
            return {
                "pdfa_part": xmp.get(f"{PDFAID}part"),
                "pdfa_conformance": xmp.get(f"{PDFAID}conformance"),
                "xmp_title": xmp.get(DC_TITLE),
                "info_title": str(info["/Title"]) if "/Title" in info else None,
                "structure_tree": "/StructTreeRoot" in root,
                "marked": bool(marks is not None and marks.get("/Marked")),
                "lang": str(root["/Lang"]) if "/Lang" in root else None,
                "display_doc_title": bool(
                    preferences is not None and preferences.get("/DisplayDocTitle")
                ),
            }


def test_pdf_is_pdf_a_2b_tagged_in_the_templates_language_with_the_plans_title(
    template: Template, partial: dict[str, str], tmp_path: Path
) -> None:
    require_office()
    titled = tmp_path / "waalzicht.docx"
    template.fill(partial, title="Lokale aanpak Waalzicht").save(titled)
    # A plan without a title gets its file name as the PDF's title.
    untitled = template.fill(partial)
    untitled.set_core_properties(title="")
    untitled.save(tmp_path / "Beek (L.).docx")
    pdfs = to_pdf([titled, tmp_path / "Beek (L.).docx"], tmp_path / "pdf")
    for pdf, title in zip(pdfs, ["Lokale aanpak Waalzicht", "Beek (L.)"], strict=True):
        assert pdf_facts(pdf) == {
            "pdfa_part": "2",
            "pdfa_conformance": "B",
            "xmp_title": title,
            "info_title": title,
            "structure_tree": True,
            "marked": True,
            "lang": "nl-NL",
            "display_doc_title": True,
        }, pdf.name


def test_pdf_standard_pdf_writes_plain_pdf_still_tagged_and_titled(
    template: Template, partial: dict[str, str], tmp_path: Path
) -> None:
    require_office()
    values = tmp_path / "waalzicht.json"
    values.write_text(json.dumps(partial, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "Waalzicht.docx"
    assert main(["fill", str(TEMPLATE), str(values), "-o", str(out), "--title", "Waalzicht",
                 "--pdf", "--pdf-standard", "pdf"]) == 0  # fmt: skip
    facts = pdf_facts(out.with_suffix(".pdf"))
    assert facts["pdfa_part"] is None and facts["pdfa_conformance"] is None
    assert facts["info_title"] == "Waalzicht"
    assert facts["structure_tree"] and facts["marked"] and facts["display_doc_title"]
    assert facts["lang"] == "nl-NL"


def test_an_unknown_pdf_standard_is_refused_before_any_work(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="pdf-a-2b"):
        to_pdf([tmp_path / "plan.docx"], tmp_path / "pdf", standard="pdf-a-1")
    assert not (tmp_path / "pdf").exists()


# -- how PDFs are made --------------------------------------------------------------------------

# A wrapper named soffice, first on PATH: it logs how many documents each start was given, and
# (like LibreOffice with a damaged file) leaves out files whose text holds BROKEN and hangs on
# files whose text holds HANGING, then runs the real LibreOffice on the rest.
BROKEN = "ONLEESBAARVOORLIBREOFFICE"
HANGING = "BLIJFTHANGENINLIBREOFFICE"
WRAPPER = """#!{python}
import os, subprocess, sys, time, zipfile

REAL, LOG = {real!r}, {log!r}

def holds(path, marker):
    try:
        with zipfile.ZipFile(path) as z:
            return marker in z.read("word/document.xml").decode("utf-8")
    except (OSError, KeyError, zipfile.BadZipFile):
        return False

args = sys.argv[1:]
files = [a for a in args if a.endswith(".docx")]
with open(LOG, "a") as log:
    log.write(f"{{len(files)}}\\n")
kept = []
for name in files:
    if holds(name, {hanging!r}):
        if kept:  # convert the files before it, then hang
            subprocess.run([REAL, *[a for a in args if a not in files], *kept])
        time.sleep(3600)
    if not holds(name, {broken!r}):
        kept.append(name)
if not kept:
    print("Error: source file could not be loaded", file=sys.stderr)
    sys.exit(1)
os.execv(REAL, [REAL, *[a for a in args if a not in files], *kept])
"""


@pytest.fixture
def wrapped_office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Put the logging wrapper first on PATH; return its log (one line per start)."""
    require_office()
    real = soffice()
    assert real is not None
    folder = tmp_path / "bin"
    folder.mkdir()
    log = tmp_path / "starts.log"
    log.touch()
    wrapper = folder / "soffice"
    wrapper.write_text(
        WRAPPER.format(
            python=sys.executable, real=real, log=str(log), broken=BROKEN, hanging=HANGING
        ),
        encoding="utf-8",
    )
    wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")
    assert shutil.which("soffice") == str(wrapper)
    return log


def starts(log: Path) -> list[int]:
    return [int(line) for line in log.read_text().split()]


def plans(template: Template, folder: Path, count: int, special: dict[int, str]) -> list[Path]:
    """``count`` small plans, each naming itself in its answer; ``special`` adds a marker."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        answer = f"Convenant nummer {i} met politie en OM. {special.get(i, '')}".strip()
        path = folder / f"plan{i}.docx"
        template.fill({"handhaving": answer}, title=f"Plan {i}").save(path)
        paths.append(path)
    return paths


def test_one_libreoffice_converts_many_files_and_two_run_in_parallel(
    template: Template, wrapped_office: Path, tmp_path: Path
) -> None:
    sources = plans(template, tmp_path / "docx", 6, {})
    pdfs = to_pdf(sources, tmp_path / "pdf", jobs=2)
    assert starts(wrapped_office) == [3, 3]
    for i, pdf in enumerate(pdfs):
        assert pdf == tmp_path / "pdf" / f"plan{i}.pdf"
        assert f"Convenant nummer {i} met" in squash(pdftotext(pdf))


def test_a_file_libreoffice_skips_in_a_list_is_named_and_the_others_are_written(
    template: Template, wrapped_office: Path, tmp_path: Path
) -> None:
    sources = plans(template, tmp_path / "docx", 5, {1: BROKEN, 3: BROKEN})
    results = convert_to_pdf(sources, tmp_path / "pdf", jobs=1)
    for i, result in enumerate(results):
        if i in (1, 3):
            assert result.pdf is None
            assert isinstance(result.error, DocumentError)
            assert str(sources[i]) in str(result.error)
            assert "source file could not be loaded" in str(result.error)
        else:
            assert result.error is None and result.pdf is not None
            assert f"Convenant nummer {i} met" in squash(pdftotext(result.pdf))
    assert not (tmp_path / "pdf" / "plan1.pdf").exists()
    # The list (which converts 0, 2 and 4), then plan1 alone (named), then plan3 alone.
    assert starts(wrapped_office) == [5, 1, 1]


def test_a_file_libreoffice_hangs_on_is_stopped_and_named_and_the_rest_go_on(
    template: Template, wrapped_office: Path, tmp_path: Path
) -> None:
    sources = plans(template, tmp_path / "docx", 5, {2: HANGING})
    results = convert_to_pdf(sources, tmp_path / "pdf", jobs=1, timeout=15)
    assert [r.pdf is not None for r in results] == [True, True, False, True, True]
    error = results[2].error
    assert isinstance(error, DocumentError) and str(sources[2]) in str(error)
    assert "within 15 seconds" in str(error)
    for i in (0, 1, 3, 4):
        assert f"Convenant nummer {i} met" in squash(pdftotext(tmp_path / "pdf" / f"plan{i}.pdf"))
    assert starts(wrapped_office) == [5, 1, 2]
    # No LibreOffice of ours is left running.
    running = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True, check=True)
    assert str(tmp_path) not in running.stdout


def test_fill_pdf_without_libreoffice_explains_and_writes_nothing(
    partial: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    values = tmp_path / "waalzicht.json"
    values.write_text(json.dumps(partial, ensure_ascii=False), encoding="utf-8")
    plans = tmp_path / "plannen.json"
    plans.write_text(json.dumps([{"Gemeente": "Waalzicht", **partial}]), encoding="utf-8")
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    out = tmp_path / "out"
    assert main(["fill", str(TEMPLATE), str(values), "-o", str(out / "W.docx"), "--pdf"]) == 3
    assert main(["fill", str(TEMPLATE), str(plans), "--out", str(out), "--pdf"]) == 3
    assert capsys.readouterr().err.count("apt-get install libreoffice-writer-nogui") == 2
    assert not out.exists()
