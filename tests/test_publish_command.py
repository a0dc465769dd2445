"""Publishing existing plans: ``docx-aanpak publish`` and :func:`publish_plans`.

The plans are worked on as they are, so what people changed in Word (formatting, a paragraph
they added) is published too; a plan re-saved by LibreOffice publishes without its placeholders
(the fixture is re-saved by the real LibreOffice); outputs never replace an input or an existing
file, and each plan's outcome is reported with a non-zero exit code when any failed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from corpus.word import locale
from docx_aanpak import Document, Template
from docx_aanpak import _ooxml as ox
from docx_aanpak.cli import main
from docx_aanpak.controls import paragraph_text
from judges import assert_valid, convert, missing_from, require, soffice, validate

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template" / "lokale_aanpak.docx"
PLAN = ROOT / "examples" / "plan_waalzicht.json"
PLACEHOLDER_TEXT = locale("nl-NL").text_placeholder
W = ox.NS["w"]
COLLEGE = "borgen_van_de_aanpak_hoe_betrek_ik_het_college"  # a one-line answer in a table
ADDED = "Vastgesteld door de gemeenteraad van Waalzicht op 3 maart 2026."


@pytest.fixture(scope="module")
def template() -> Template:
    return Template.open(TEMPLATE)


@pytest.fixture(scope="module")
def partial() -> dict[str, str]:
    plan: dict[str, str] = json.loads(PLAN.read_text(encoding="utf-8"))
    return {key: value for i, (key, value) in enumerate(plan.items()) if i % 3 == 0}


def require_office() -> None:
    require("LibreOffice", soffice(), "apt-get install libreoffice-writer-nogui")


def pdftotext(pdf: Path) -> str:
    require("pdftotext", shutil.which("pdftotext"), "apt-get install poppler-utils")
    return subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True, timeout=120
    ).stdout


def squash(text: str) -> str:
    return " ".join(text.split())


def answer_lines(values: dict[str, str]) -> list[str]:
    return [line for value in values.values() for line in value.split("\n") if line.strip()]


def body(document: Document) -> ox.Element:
    found = document.tree(document.package.main_part).find(f"{{{W}}}body")
    assert found is not None
    return found


def edited_plan(template: Template, values: dict[str, str], path: Path) -> Path:
    """A plan as someone left it after editing in Word: one answer made bold, and a
    paragraph added after the table."""
    document = template.fill(values, title="Waalzicht")
    root = body(document)
    answer = values[COLLEGE]
    for run in root.iter(ox.W_R):
        text = "".join(t.text or "" for t in run.iter(f"{{{W}}}t"))
        if text == answer:
            properties = run.find(f"{{{W}}}rPr")
            if properties is None:
                properties = ox.make("w:rPr")
                run.insert(0, properties)
            properties.insert(0, ox.make("w:b"))
    paragraph = ox.make("w:p")
    run = ox.sub(paragraph, "w:r")
    ox.sub(run, "w:t").text = ADDED
    section = root.find(f"{{{W}}}sectPr")
    assert section is not None
    section.addprevious(paragraph)
    document.mark_changed(document.package.main_part)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path


def schema_errors(path: Path) -> list[tuple[str, str]]:
    errors = validate(path).get("errors") or []
    assert isinstance(errors, list)
    return sorted((str(e.get("id")), str(e.get("description"))) for e in errors)


def has_controls(path: Path) -> bool:
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("word/document.xml")
    return b"<w:sdt>" in xml or b"<w:sdt " in xml


def bold_texts(path: Path) -> list[str]:
    document = Document.open(path)
    found = []
    for run in body(document).iter(ox.W_R):
        properties = run.find(f"{{{W}}}rPr")
        if properties is not None and properties.find(f"{{{W}}}b") is not None:
            found.append("".join(t.text or "" for t in run.iter(f"{{{W}}}t")))
    return found


def paragraphs(path: Path) -> list[str]:
    return [paragraph_text(p) for p in body(Document.open(path)).iter(ox.W_P)]


# -- the API ------------------------------------------------------------------------------------


def test_publish_plans_keeps_what_people_changed_in_the_plan(
    template: Template, partial: dict[str, str], tmp_path: Path
) -> None:
    from docx_aanpak.publish import publish_plans

    require_office()
    answer = partial[COLLEGE]
    source = edited_plan(template, partial, tmp_path / "plannen" / "Waalzicht.docx")
    before = source.read_bytes()
    report = publish_plans([tmp_path / "plannen"], tmp_path / "raad", flatten=True, pdf=True)
    assert report.ok, report.outcomes
    [outcome] = report.outcomes
    docx, pdf = tmp_path / "raad" / "Waalzicht.docx", tmp_path / "raad" / "Waalzicht.pdf"
    assert (outcome.source, outcome.docx, outcome.pdf) == (source, docx, pdf)
    assert report.summary() == "1 published, 0 failed"
    assert source.read_bytes() == before
    assert not has_controls(docx)
    assert answer in bold_texts(docx)
    assert ADDED in paragraphs(docx)
    assert PLACEHOLDER_TEXT not in "\n".join(paragraphs(docx))
    assert_valid(docx)
    text = pdftotext(pdf)
    assert PLACEHOLDER_TEXT not in squash(text)
    assert missing_from(text, [*answer_lines(partial), ADDED], spaces=False) == []


def test_publish_lock_keeps_the_controls_locked_and_the_answers_readable(
    template: Template, partial: dict[str, str], tmp_path: Path
) -> None:
    from docx_aanpak.publish import publish_plans

    source = tmp_path / "plannen" / "Waalzicht.docx"
    source.parent.mkdir()
    template.fill(partial, title="Waalzicht").save(source)
    report = publish_plans([source], tmp_path / "raad", lock="contentLocked")
    assert report.ok and report.outcomes[0].pdf is None
    published = tmp_path / "raad" / "Waalzicht.docx"
    with zipfile.ZipFile(published) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    assert xml.count('<w:lock w:val="contentLocked"/>') == len(template.fields)
    assert template.extract(published) == template.extract(source)
    assert_valid(published)


# -- plans re-saved by LibreOffice --------------------------------------------------------------


@pytest.fixture(scope="module")
def resaved(
    template: Template, partial: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A partly answered plan, re-saved as .docx by the real LibreOffice (which drops
    w:showingPlcHdr from most controls, so their placeholders read as text)."""
    require_office()
    work = tmp_path_factory.mktemp("libreoffice")
    source = work / "in" / "Waalzicht.docx"
    source.parent.mkdir()
    template.fill(partial, title="Waalzicht").save(source)
    (resaved,) = convert([source], "docx:MS Word 2007 XML", work / "out")
    with zipfile.ZipFile(resaved) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    # Most placeholders now read as answers (LibreOffice keeps w:showingPlcHdr on few, if any).
    assert xml.count(PLACEHOLDER_TEXT) - xml.count("showingPlcHdr") >= 10
    return resaved


def test_a_plan_resaved_by_libreoffice_publishes_without_placeholders(
    resaved: Path, partial: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "raad"
    code = main(["publish", str(resaved), "--out", str(out), "--flatten", "--pdf"])
    assert code == 0
    assert PLACEHOLDER_TEXT not in "\n".join(paragraphs(out / "Waalzicht.docx"))
    # LibreOffice's own file does not pass the validator; publishing adds no error to it.
    assert schema_errors(out / "Waalzicht.docx") == schema_errors(resaved)
    text = pdftotext(out / "Waalzicht.pdf")
    assert PLACEHOLDER_TEXT not in squash(text)
    assert missing_from(text, answer_lines(partial), spaces=False) == []


# -- the command: safety and reporting ----------------------------------------------------------


@pytest.fixture
def folder(template: Template, partial: dict[str, str], tmp_path: Path) -> Path:
    plans = tmp_path / "plannen"
    plans.mkdir()
    template.fill(partial, title="Waalzicht").save(plans / "Waalzicht.docx")
    template.fill({"handhaving": "Convenant."}, title="Rivierenland").save(
        plans / "Rivierenland.docx"
    )
    return plans


def test_publish_never_writes_over_its_input(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    code = main(["publish", str(folder), "--out", str(folder), "--flatten", "--overwrite"])
    assert code == 1
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    err = capsys.readouterr().err
    for name in before:
        assert f"Failed: {folder / name}: its output {folder / name} would replace the plan " \
            "itself" in err  # fmt: skip


def test_publish_keeps_existing_outputs_unless_overwrite(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "raad"
    out.mkdir()
    (out / "Waalzicht.docx").write_bytes(b"oud")
    code = main(["publish", str(folder), "--out", str(out), "--flatten"])
    assert code == 1
    assert (out / "Waalzicht.docx").read_bytes() == b"oud"
    assert not has_controls(out / "Rivierenland.docx")
    captured = capsys.readouterr()
    assert "already exists; pass --overwrite" in captured.err
    assert "1 published, 1 failed" in captured.out
    assert main(["publish", str(folder), "--out", str(out), "--flatten", "--overwrite"]) == 0
    assert not has_controls(out / "Waalzicht.docx")


def test_publish_reports_each_plan_and_fails_when_one_fails(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "kapot.docx").write_text("geen Word-document", encoding="utf-8")
    other = tmp_path / "ander" / "Waalzicht.docx"  # the same name as a plan in the folder
    other.parent.mkdir()
    shutil.copyfile(folder / "Waalzicht.docx", other)
    out = tmp_path / "raad"
    code = main(["publish", str(folder), str(other), "--out", str(out), "--flatten"])
    assert code == 1
    captured = capsys.readouterr()
    assert f"Published {folder / 'Rivierenland.docx'}: {out / 'Rivierenland.docx'}" in captured.out
    assert f"Published {folder / 'Waalzicht.docx'}: {out / 'Waalzicht.docx'}" in captured.out
    assert f"Failed: {folder / 'kapot.docx'}: not a Word document" in captured.err
    assert f"Failed: {other}: {folder / 'Waalzicht.docx'} is published to" in captured.err
    assert "2 published, 2 failed" in captured.out
    assert sorted(p.name for p in out.iterdir()) == ["Rivierenland.docx", "Waalzicht.docx"]


def test_publish_without_anything_to_do_is_a_usage_error(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["publish", str(folder), "--out", str(tmp_path / "raad")]) == 2
    assert "give --flatten, --lock and/or --pdf" in capsys.readouterr().err
    (tmp_path / "leeg").mkdir()
    assert main(["publish", str(tmp_path / "leeg"), "--out", str(tmp_path / "raad"),
                 "--pdf"]) == 2  # fmt: skip
    assert not (tmp_path / "raad").exists()


def test_publish_pdf_without_libreoffice_explains_and_writes_nothing(
    folder: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    out = tmp_path / "raad"
    assert main(["publish", str(folder), "--out", str(out), "--flatten", "--pdf"]) == 3
    assert "apt-get install libreoffice-writer-nogui" in capsys.readouterr().err
    assert not out.exists()


def test_publish_keep_placeholders_keeps_them_in_the_document_and_the_pdf(
    folder: Path, tmp_path: Path
) -> None:
    require_office()
    source = folder / "Waalzicht.docx"
    showing = "\n".join(paragraphs(source)).count(PLACEHOLDER_TEXT)
    assert showing >= 10
    out = tmp_path / "raad"
    assert main(["publish", str(source), "--out", str(out), "--flatten", "--pdf",
                 "--keep-placeholders"]) == 0  # fmt: skip
    assert "\n".join(paragraphs(out / "Waalzicht.docx")).count(PLACEHOLDER_TEXT) == showing
    assert squash(pdftotext(out / "Waalzicht.pdf")).count(PLACEHOLDER_TEXT) == showing
