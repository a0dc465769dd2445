"""The plan's life cycle through the command line: collect filled plans into a workbook (with
progress per plan and section), regenerate them from it, migrate them to a new template version,
and publish them flattened and as PDF."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from corpus.cases import CASES
from docx_aanpak import Template
from docx_aanpak.batch import fill_many, safe_filename
from judges import assert_valid, missing_from, render_texts
from template_v2 import build_v2

ROOT = Path(__file__).resolve().parent.parent
PLANS = json.loads((ROOT / "examples" / "gemeenten.json").read_text(encoding="utf-8"))
W_SDT = b"<w:sdt>"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "docx_aanpak", *args],
        capture_output=True, text=True, check=False, timeout=600, cwd=ROOT,
    )  # fmt: skip


@pytest.fixture(scope="module")
def tpl(template_path: Path) -> Template:
    return Template.open(template_path)


@pytest.fixture(scope="module")
def plans_dir(tpl: Template, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of filled plans, as a coordinator receives them, plus files that are not plans."""
    folder = tmp_path_factory.mktemp("plannen")
    report = fill_many(tpl, PLANS, folder, jobs=1)
    assert report.ok
    other = next(c for c in CASES if c.name == "rich_text_block_body")
    (folder / "ander_sjabloon.docx").write_bytes(other.build())
    (folder / "notities.docx").write_text("geen Word-document", encoding="utf-8")
    return folder


def expected_values(tpl: Template, plan: dict[str, object]) -> dict[str, object]:
    return {key: plan.get(key) for key in tpl.keys}


def test_collect_writes_plannen_and_voortgang_and_skips_what_is_not_a_plan(
    tpl: Template, plans_dir: Path, tmp_path: Path, template_path: Path
) -> None:
    book_path = tmp_path / "verzameld.xlsx"
    proc = run("extract", str(plans_dir), "--xlsx", str(book_path), "--template",
               str(template_path))  # fmt: skip
    # Files that were not collected are reported, and make the exit code 1.
    assert proc.returncode == 1, proc.stderr
    assert "ander_sjabloon.docx" in proc.stderr and "notities.docx" in proc.stderr
    book = load_workbook(book_path)
    assert book.sheetnames[:2] == ["Plannen", "Voortgang"]
    names = [book["Plannen"].cell(r, 1).value for r in range(4, book["Plannen"].max_row + 1)]
    assert sorted(names) == sorted(p["Gemeente"] for p in PLANS)
    progress = book["Voortgang"]
    header = [c.value for c in progress[1]]
    assert header[:3] == ["Gemeente", "Beantwoord", "Compleet"]
    assert len(header) == 3 + len({f.section for f in tpl.fields}) + 2
    assert header[-2:] == ["Ontbrekende vragen", "Meldingen"]
    for row in progress.iter_rows(min_row=2, values_only=True):
        plan = next(p for p in PLANS if p["Gemeente"] == row[0])
        answered = sum(1 for k in tpl.keys if plan.get(k))
        assert row[1] == answered
        assert row[2] == pytest.approx(answered / len(tpl.keys))
        assert sum(row[3:-2]) == answered  # type: ignore[arg-type]
        assert row[-2:] == (None, None)
    assert progress.conditional_formatting  # the coordinator sees open questions at a glance
    assert_valid(book_path)


def test_word_to_workbook_to_word_gives_the_same_answers(
    tpl: Template, plans_dir: Path, tmp_path: Path, template_path: Path
) -> None:
    book_path = tmp_path / "verzameld.xlsx"
    # The two files that are not plans are skipped (exit code 1); every plan is collected.
    assert run("extract", str(plans_dir), "--xlsx", str(book_path)).returncode == 1
    again = tmp_path / "opnieuw"
    proc = run("fill", str(template_path), str(book_path), "--out", str(again))
    assert proc.returncode == 0, proc.stderr
    for plan in PLANS:
        name = str(plan["Gemeente"])
        assert tpl.extract(again / safe_filename(name)) == expected_values(tpl, plan)
        # Regenerating from the collected data reproduces the plans byte for byte.
        assert (again / safe_filename(name)).read_bytes() == (
            plans_dir / safe_filename(name)
        ).read_bytes()


def test_extract_json_lists_every_plan(plans_dir: Path, template_path: Path) -> None:
    proc = run("extract", str(plans_dir), "--json", "--template", str(template_path))
    data = json.loads(proc.stdout)
    assert sorted(d["Gemeente"] for d in data) == sorted(p["Gemeente"] for p in PLANS)


def test_only_changed_leaves_unchanged_plans_alone(
    plans_dir: Path, tmp_path: Path, template_path: Path
) -> None:
    data = tmp_path / "plannen.json"
    data.write_text(json.dumps(PLANS, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    assert run("fill", str(template_path), str(data), "--out", str(out)).returncode == 0
    changed = [dict(p) for p in PLANS]
    changed[0]["handhaving"] = "Nieuwe afspraken met politie en OM."
    data.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    proc = run("fill", str(template_path), str(data), "--out", str(out), "--overwrite",
               "--only-changed")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert f"1 written, {len(PLANS) - 1} unchanged" in proc.stdout


def test_flattened_plans_have_no_controls_and_their_pdfs_hold_every_answer(
    tmp_path: Path, template_path: Path
) -> None:
    data = tmp_path / "plannen.json"
    data.write_text(json.dumps(PLANS[:2], ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "raad"
    proc = run("fill", str(template_path), str(data), "--out", str(out), "--flatten", "--pdf")
    assert proc.returncode == 0, proc.stderr
    documents = sorted(out.glob("*.docx"))
    assert len(documents) == 2
    for path in documents:
        with zipfile.ZipFile(path) as z:
            assert W_SDT not in z.read("word/document.xml")
            assert b"<w:sdt " not in z.read("word/document.xml")
    assert_valid(*documents)
    for plan in PLANS[:2]:
        pdf = out / safe_filename(str(plan["Gemeente"]), ".pdf")
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout  # fmt: skip
        answers = [line for k, v in plan.items() if k != "Gemeente" and v
                   for line in str(v).split("\n")]  # fmt: skip
        assert missing_from(text, answers, spaces=False) == []


def test_locked_plans_keep_their_controls_locked(tmp_path: Path, template_path: Path) -> None:
    data = tmp_path / "plannen.json"
    data.write_text(json.dumps(PLANS[:1], ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "vast"
    assert run("fill", str(template_path), str(data), "--out", str(out), "--lock").returncode == 0
    (document,) = out.glob("*.docx")
    with zipfile.ZipFile(document) as z:
        xml = z.read("word/document.xml")
    assert xml.count(b'<w:lock w:val="sdtContentLocked"/>') == 30
    assert_valid(document)


def test_migrate_moves_every_answer_into_the_new_version_and_reports(
    plans_dir: Path, tmp_path: Path
) -> None:
    v2 = tmp_path / "lokale_aanpak_v2.docx"
    v2.write_bytes(build_v2())
    plans = sorted(p for p in plans_dir.glob("*.docx")
                   if p.name not in ("ander_sjabloon.docx", "notities.docx"))  # fmt: skip
    out = tmp_path / "v2"
    dry = run("migrate", *map(str, plans), "--template", str(v2), "--out", str(out),
              "--dry-run")  # fmt: skip
    # Version 2 deletes a question: its answers are dropped, so the exit code is 1 ...
    assert dry.returncode == 1 and "--allow-drop" in dry.stderr, dry.stderr
    assert not out.exists() or list(out.iterdir()) == []
    report = tmp_path / "migratie.xlsx"
    # ... unless the coordinator accepts that.
    proc = run("migrate", *map(str, plans), "--template", str(v2), "--out", str(out),
               "--report", str(report), "--allow-drop")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "Welke tools gebruik ik hiervoor?" in proc.stdout  # the dropped question, in full
    assert sorted(p.name for p in out.glob("*.docx")) == sorted(p.name for p in plans)
    new = Template.open(v2)
    for path in out.glob("*.docx"):
        values = new.extract(path)
        assert any(v is not None for v in values.values())
    assert_valid(report, *out.glob("*.docx"))


def test_pdf_renders_with_libreoffice(plans_dir: Path) -> None:
    # The filled (not flattened) plans render too: the controls stay in place.
    paths = sorted(p for p in plans_dir.glob("*.docx")
                   if p.name not in ("ander_sjabloon.docx", "notities.docx"))[:1]  # fmt: skip
    texts = render_texts(paths, layout=False)
    assert len(next(iter(texts.values()))) > 1000
    with zipfile.ZipFile(io.BytesIO(paths[0].read_bytes())) as z:
        assert W_SDT in z.read("word/document.xml")
