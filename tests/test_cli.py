"""The docx-aanpak command: its contract, and errors as `Error: …` without a traceback."""

from __future__ import annotations

import json
import re
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


# -- exit codes and messages (issue 13, item 7) -------------------------------------------------


def write_plans(path: Path, plans: list[dict[str, str]]) -> Path:
    path.write_text(json.dumps(plans, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "args",
    [
        ["fields", "{missing}.docx"],
        ["schema", "{missing}.docx"],
        ["model", "{missing}.docx"],
        ["excel", "{missing}.docx", "{tmp}/uit.xlsx"],
        ["fill", "{missing}.docx", "{example}", "-o", "{tmp}/uit.docx"],
        ["fill", "{template}", "{missing}.json", "-o", "{tmp}/uit.docx"],
        ["fill", "{template}", "{missing}.xlsx", "-o", "{tmp}/uit"],
        ["fill", "{template}", "{missing}.csv", "-o", "{tmp}/uit"],
        ["extract", "{missing}.docx"],
        ["extract", "{missing}"],
        ["extract", "{example_docx}", "--template", "{missing}.docx"],
        ["migrate", "{missing}.docx", "--template", "{template}", "--out", "{tmp}/uit"],
        ["migrate", "{example_docx}", "--template", "{missing}.docx", "--out", "{tmp}/uit"],
    ],
)
def test_a_missing_input_gives_exit_code_4_from_every_command(
    args: list[str], template_path: Path, tmp_path: Path
) -> None:
    places = {
        "missing": str(tmp_path / "bestaat_niet"),
        "tmp": str(tmp_path),
        "template": str(template_path),
        "example": str(EXAMPLE),
        "example_docx": str(template_path),
    }
    proc = run(*(a.format(**places) for a in args))
    assert proc.returncode == 4, proc.stderr
    assert proc.stderr.startswith("Error: ") and "bestaat_niet" in proc.stderr
    assert "no such file" in proc.stderr and "Traceback" not in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing written, no folder made


def test_debug_works_after_the_command_too() -> None:
    for args in (["--debug", "fields", "nope.docx"], ["fields", "nope.docx", "--debug"]):
        proc = run(*args)
        assert "Traceback" in proc.stderr and "InputNotFoundError" in proc.stderr, args
    assert "Traceback" not in run("fields", "nope.docx").stderr


def test_messages_name_the_flag_not_the_python_argument(
    template_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "plan.docx"
    out.write_bytes(b"existing")
    proc = run("fill", str(template_path), str(EXAMPLE), "-o", str(out))
    assert "--overwrite" in proc.stderr and "overwrite=" not in proc.stderr

    from docx_aanpak import Template
    from docx_aanpak.publish import lock

    document = Template.open(template_path).fill({"handhaving": "Afgesproken."})
    lock(document, mode="contentLocked")
    document.save(tmp_path / "vergrendeld.docx")
    proc = run("fill", str(tmp_path / "vergrendeld.docx"), str(EXAMPLE), "-o", str(tmp_path / "x"))
    assert proc.returncode == 1 and "locked" in proc.stderr
    assert "--force" in proc.stderr and "force=" not in proc.stderr


def test_only_changed_without_overwrite_is_an_error_that_says_so(
    template_path: Path, tmp_path: Path
) -> None:
    plans = write_plans(tmp_path / "plannen.json", [{"Gemeente": "Dorp", "handhaving": "x"}])
    proc = run("fill", str(template_path), str(plans), "--out", str(tmp_path / "uit"),
               "--only-changed")  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr.startswith("Error: ") and "--only-changed needs --overwrite" in proc.stderr
    assert not (tmp_path / "uit").exists()


def test_a_batch_that_skipped_plans_exits_1(template_path: Path, tmp_path: Path) -> None:
    plans = write_plans(tmp_path / "plannen.json", [{"Gemeente": "Dorp", "handhaving": "x"}])
    args = ("fill", str(template_path), str(plans), "--out", str(tmp_path / "uit"))
    assert run(*args).returncode == 0
    again = run(*args)  # the plan exists: skipped, not replaced
    assert again.returncode == 1 and "0 written, 1 skipped" in again.stdout
    assert "Skipped: Dorp" in again.stderr and "--overwrite" in again.stderr


def test_extract_of_a_file_and_of_its_folder_print_the_same(
    template_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "plannen"
    proc = run("fill", str(template_path), str(EXAMPLE), "-o", str(folder / "Waalzicht.docx"))
    assert proc.returncode == 0, proc.stderr
    plan = folder / "Waalzicht.docx"
    for flags in ([], ["--json"], ["--template", str(template_path)],
                  ["--json", "--template", str(template_path)]):  # fmt: skip
        one = run("extract", str(plan), *flags)
        many = run("extract", str(folder), *flags)
        assert one.returncode == many.returncode == 0, (flags, one.stderr, many.stderr)
        assert one.stdout == many.stdout, flags
    (entry,) = json.loads(run("extract", str(plan), "--json").stdout)
    expected = json.loads(EXAMPLE.read_text(encoding="utf-8"))["handhaving"]
    assert entry["bestand"] == str(plan) and entry["handhaving"] == expected
    assert "handhaving:" in run("extract", str(plan)).stdout  # text without --json


def test_the_readme_lists_every_exit_code() -> None:
    import signal

    from docx_aanpak import errors

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("| Exit code |") :].split("\n\n")[0]
    listed = {int(m) for m in re.findall(r"^\| (\d+) ", section, re.M)}
    codes = {c.exit_code for c in vars(errors).values()
             if isinstance(c, type) and issubclass(c, errors.DocxAanpakError)}  # fmt: skip
    stops = {128 + signal.SIGINT, 128 + signal.SIGTERM, 128 + signal.SIGHUP}
    assert listed == {0} | codes | stops


# -- outputs never replace inputs (issue 11, item 12) -------------------------------------------


@pytest.fixture
def batch_input(template_path: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A template and a workbook of two plans, in a folder of their own."""
    from docx_aanpak import Template
    from docx_aanpak.excel import write_workbook

    folder = tmp_path / "invoer"
    folder.mkdir()
    template = folder / "sjabloon.docx"
    template.write_bytes(template_path.read_bytes())
    book = folder / "invoer.xlsx"
    write_workbook(book, Template.open(template), [
        {"Gemeente": "Aadorp", "handhaving": "Eerste."},
        {"Gemeente": "Bedorp", "handhaving": "Tweede."},
    ])  # fmt: skip
    return template, book


def snapshot(*paths: Path) -> list[bytes]:
    return [p.read_bytes() for p in paths]


@pytest.mark.parametrize(
    ("report", "code"),
    [
        ("{book}", 5),  # the input workbook
        ("{template}", 2),  # the template (a report is .xlsx or .csv)
        ("{out}/rapport.docx", 2),  # where the plans go
        ("{link}", 5),  # another name of the input workbook
    ],
)
def test_a_report_never_replaces_an_input_or_a_plan(
    report: str, code: int, batch_input: tuple[Path, Path], tmp_path: Path
) -> None:
    template, book = batch_input
    out = tmp_path / "uit"
    link = tmp_path / "resultaat.xlsx"
    link.hardlink_to(book)
    before = snapshot(template, book)
    target = report.format(book=book, template=template, out=out, link=link)
    for extra in ([], ["--overwrite"]):
        proc = run("fill", str(template), str(book), "--out", str(out), "--report", target, *extra)
        assert proc.returncode == code, proc.stderr
        assert proc.stderr.startswith("Error: ") and "Traceback" not in proc.stderr
    assert snapshot(template, book) == before
    assert not out.exists()  # refused before any plan was written


def test_a_report_is_replaced_only_with_overwrite(
    batch_input: tuple[Path, Path], tmp_path: Path
) -> None:
    template, book = batch_input
    report = tmp_path / "resultaat.csv"
    report.write_text("vorige\n", encoding="utf-8")
    args = ("fill", str(template), str(book), "--out", str(tmp_path / "uit"), "--report",
            str(report))  # fmt: skip
    proc = run(*args)
    assert proc.returncode == 1 and "--overwrite" in proc.stderr
    assert report.read_text(encoding="utf-8") == "vorige\n"
    assert not (tmp_path / "uit").exists()
    assert run(*args, "--overwrite").returncode == 0
    assert "Aadorp" in report.read_text(encoding="utf-8-sig")


def test_extract_and_model_never_write_over_their_input(
    template_path: Path, tmp_path: Path
) -> None:
    template = tmp_path / "tpl.docx"
    template.write_bytes(template_path.read_bytes())
    plan = tmp_path / "plan.docx"
    assert run("fill", str(template), str(EXAMPLE), "-o", str(plan)).returncode == 0
    before = snapshot(template, plan)
    for args in (
        ["extract", str(plan), "--json", str(plan)],
        ["extract", str(plan), "--json", str(plan), "--overwrite"],
        ["extract", str(tmp_path), "--xlsx", str(plan), "--overwrite"],
        ["model", str(template), "-o", str(template)],
        ["model", str(template), "-o", str(template), "--overwrite"],
        ["excel", str(template), str(template), "--overwrite"],
        ["fill", str(template), str(EXAMPLE), "-o", str(template), "--overwrite"],
        ["migrate", str(plan), "--template", str(template), "--out", str(tmp_path),
         "--report", str(template)],
    ):  # fmt: skip
        proc = run(*args)
        assert proc.returncode in (2, 5), (args, proc.stderr)
        assert proc.stderr.startswith("Error: "), args
    assert snapshot(template, plan) == before
    proc = run("model", str(template), "-o", str(template), "--overwrite")
    assert "is the template" in proc.stderr and "refusing to write over it" in proc.stderr


def test_a_plan_named_like_the_template_never_replaces_it(
    template_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "sjablonen"
    folder.mkdir()
    template = folder / "Waalzicht.docx"
    template.write_bytes(template_path.read_bytes())
    before = template.read_bytes()
    plans = write_plans(tmp_path / "plannen.json", [
        {"Gemeente": "Waalzicht", "handhaving": "Zou het sjabloon vervangen."},
        {"Gemeente": "Dijkdorp", "handhaving": "Gewoon."},
    ])  # fmt: skip
    proc = run("fill", str(template), str(plans), "-o", str(folder), "--overwrite")
    assert proc.returncode == 1
    assert "Waalzicht" in proc.stderr and "is the template" in proc.stderr
    assert "1 written, 0 skipped, 1 failed" in proc.stdout
    assert template.read_bytes() == before
    assert (folder / "Dijkdorp.docx").is_file()


# -- what the terminal is sent (issue 11, item 15) ----------------------------------------------


def test_control_characters_in_names_and_messages_are_shown_not_sent(
    template_path: Path, tmp_path: Path
) -> None:
    evil = "Evil\x1b]0;pwned\x07\u202e"
    plans = write_plans(tmp_path / "plannen.json", [
        {"Gemeente": evil, "handhaving": "een stuurteken \x01 past niet in XML"},
        {"Gemeente": "Dorp\r\nWritten: nep", "handhaving": "ook \x0b niet"},
        {"Gemeente": "Goed", "handhaving": "Wel."},
    ])  # fmt: skip
    proc = run("fill", str(template_path), str(plans), "-o", str(tmp_path / "uit"))
    assert proc.returncode == 1  # two plans failed; their names and messages were echoed
    assert "Evil\\x1b]0;pwned\\x07\\u202e" in proc.stderr
    assert "Failed: Dorp" in proc.stderr and "Written: nep" not in proc.stderr
    # A message of a file that cannot be read at all, naming a member of the data file.
    members = write_plans(tmp_path / "sleutels.json", [{"Gemeente": "Goed", evil: "x"}])
    failed = run("fill", str(template_path), str(members), "-o", str(tmp_path / "uit2"))
    assert failed.returncode == 2 and "Evil\\x1b]0;pwned" in failed.stderr
    for output in (proc.stderr, proc.stdout, failed.stderr, failed.stdout):
        for raw in ("\x1b", "\x07", "\u202e", "\r", "\x01", "\x0b"):
            assert raw not in output
        assert "Traceback" not in output


# -- the --out folder (issue 11, item 16) --------------------------------------------------------


def test_a_data_file_that_cannot_be_read_leaves_no_out_folder(
    template_path: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "kapot.xlsx"
    broken.write_text("geen werkboek", encoding="utf-8")
    out = tmp_path / "uit"
    proc = run("fill", str(template_path), str(broken), "--out", str(out))
    assert proc.returncode == 2 and proc.stderr.startswith("Error: ")
    assert not out.exists()


# -- document properties (issue 13, item 8) ------------------------------------------------------


def test_the_subject_is_the_template_title_and_the_name_or_subject(
    template_path: Path, tmp_path: Path
) -> None:
    from docx_aanpak import Document

    plans = write_plans(tmp_path / "plannen.json", [{"Gemeente": "'s-Gravenhage"}])
    assert run("fill", str(template_path), str(plans), "-o", str(tmp_path / "a")).returncode == 0
    document = Document.open(tmp_path / "a" / "'s-Gravenhage.docx")
    assert document.core_property("dc:title") == "'s-Gravenhage"
    assert (
        document.core_property("dc:subject")
        == "Lokale aanpak radicalisering en extremisme – 's-Gravenhage"
    )
    proc = run("fill", str(template_path), str(plans), "-o", str(tmp_path / "b"),
               "--subject", "Vastgesteld door de raad")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    document = Document.open(tmp_path / "b" / "'s-Gravenhage.docx")
    assert document.core_property("dc:subject") == "Vastgesteld door de raad"

    one = tmp_path / "een.docx"
    proc = run("fill", str(template_path), str(EXAMPLE), "-o", str(one), "--title", "Waalzicht")
    assert proc.returncode == 0, proc.stderr
    assert (
        Document.open(one).core_property("dc:subject")
        == "Lokale aanpak radicalisering en extremisme – Waalzicht"
    )
    proc = run("fill", str(template_path), str(EXAMPLE), "-o", str(one), "--overwrite",
               "--subject", "Concept")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert Document.open(one).core_property("dc:subject") == "Concept"
