"""The docx-aanpak command: its contract, and errors as `Error: …` without a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from docx_aanpak.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "plan_waalzicht.json"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "docx_aanpak", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_fields_lists_the_thirty_fields_with_sections_and_questions(template_path: Path) -> None:
    proc = run("fields", str(template_path))
    assert proc.returncode == 0, proc.stderr
    assert "30 fields" in proc.stdout
    for text in (
        "HANDHAVING",
        "Welke procesafspraken maak ik hierover met de veiligheidspartners?",
        "handhaving",
        "lokale_ambitie",
        "BORGEN VAN DE AANPAK",
    ):
        assert text in proc.stdout


def test_fields_json_is_machine_readable(template_path: Path) -> None:
    proc = run("fields", str(template_path), "--json")
    fields = json.loads(proc.stdout)
    assert len(fields) == 30
    assert fields[-1]["key"] == "handhaving"
    assert {"key", "kind", "section", "label", "location", "level"} <= set(fields[0])


def test_schema_is_json_schema(template_path: Path) -> None:
    proc = run("schema", str(template_path))
    schema = json.loads(proc.stdout)
    assert schema["type"] == "object"
    assert len(schema["properties"]) == 30


def test_fill_then_extract_round_trips(template_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.docx"
    proc = run("fill", str(template_path), str(EXAMPLE), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert str(out) in proc.stdout
    extracted = run("extract", str(out), "--json", "--template", str(template_path))
    (plan,) = json.loads(extracted.stdout)  # a list of plans, as for a folder
    assert plan.pop("Gemeente") == "plan" and plan.pop("bestand") == str(out)
    assert plan == json.loads(EXAMPLE.read_text(encoding="utf-8"))
    # Without --template the document describes itself.
    (alone,) = json.loads(run("extract", str(out), "--json").stdout)
    assert alone["handhaving"] == json.loads(EXAMPLE.read_text(encoding="utf-8"))["handhaving"]


def test_fill_keeps_an_existing_file_without_overwrite(template_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.docx"
    out.write_bytes(b"existing")
    proc = run("fill", str(template_path), str(EXAMPLE), "-o", str(out))
    assert proc.returncode != 0
    assert proc.stderr.startswith("Error: ")
    assert "--overwrite" in proc.stderr
    assert out.read_bytes() == b"existing"
    assert (
        run("fill", str(template_path), str(EXAMPLE), "-o", str(out), "--overwrite").returncode == 0
    )


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["fields", "does-not-exist.docx"], "no such file"),
        (["fields", "pyproject.toml"], "not a Word document"),
        (["extract", "README.md"], "not a Word document"),
    ],
)
def test_bad_input_prints_an_error_without_traceback(args: list[str], needle: str) -> None:
    proc = run(*args)
    assert proc.returncode != 0
    assert proc.stderr.startswith("Error: ")
    assert needle in proc.stderr
    assert "Traceback" not in proc.stderr


def test_invalid_values_name_the_field_and_file(template_path: Path, tmp_path: Path) -> None:
    values = tmp_path / "values.json"
    values.write_text(json.dumps({"handhavng": "x", "lokale_ambitie": "ok"}), encoding="utf-8")
    proc = run("fill", str(template_path), str(values), "-o", str(tmp_path / "out.docx"))
    assert proc.returncode == 2
    assert "handhavng" in proc.stderr and "handhaving" in proc.stderr
    assert not (tmp_path / "out.docx").exists()
    broken = tmp_path / "broken.json"
    broken.write_text("{nope", encoding="utf-8")
    proc = run("fill", str(template_path), str(broken), "-o", str(tmp_path / "out.docx"))
    assert proc.stderr.startswith("Error: ") and "broken.json" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_main_returns_the_error_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fields", "nope.docx"]) == 4  # a missing input, in every command
    assert capsys.readouterr().err.startswith("Error: nope.docx")
