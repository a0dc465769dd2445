"""Batch filling: one plan per municipality from one workbook, safely named, written atomically
and in parallel, with every row's outcome reported."""

from __future__ import annotations

import csv
import hashlib
import json
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from docx_aanpak import Template
from docx_aanpak.batch import Status, fill_many, safe_filename
from docx_aanpak.datafiles import read_records
from docx_aanpak.excel import write_workbook
from judges import assert_valid

ROOT = Path(__file__).resolve().parent.parent
MUNICIPALITIES = ROOT / "benchmarks" / "gemeenten_2025.csv"
EXAMPLE = json.loads((ROOT / "examples" / "plan_waalzicht.json").read_text(encoding="utf-8"))
SENTENCES = sorted({s.strip() + "." for v in EXAMPLE.values() for s in v.split(".") if s.strip()})


def municipalities() -> list[str]:
    with MUNICIPALITIES.open(encoding="utf-8") as handle:
        return [row["naam"] for row in csv.DictReader(handle)]


def answers(name: str, keys: list[str]) -> dict[str, str]:
    """Realistic, distinct answers for one municipality (seeded by its name)."""
    rng = random.Random(name)
    result = {}
    for key in keys:
        lines = [
            " ".join(rng.sample(SENTENCES, rng.randint(1, 3))) for _ in range(rng.randint(1, 3))
        ]
        result[key] = f"{name}: " + "\n".join(lines)
    return result


@pytest.fixture(scope="module")
def tpl(template_path: Path) -> Template:
    return Template.open(template_path)


# -- file names ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("'s-Gravenhage", "'s-Gravenhage.docx"),
        ("Beek (L.)", "Beek (L.).docx"),
        ("Nuenen, Gerwen en Nederwetten", "Nuenen, Gerwen en Nederwetten.docx"),
        ("Súdwest-Fryslân", "Súdwest-Fryslân.docx"),
        ("../x", "x.docx"),
        ("..\\..\\windows", "windows.docx"),
        ("CON", "CON_.docx"),
        ("nul.txt", "nul.txt_.docx"),
        ("Een: twee? drie*", "Een twee drie.docx"),
        ("   ", "plan.docx"),
        ("Bergen (NH.) ", "Bergen (NH.).docx"),
    ],
)
def test_file_names_keep_letters_and_cannot_escape(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


def test_every_municipality_gets_a_distinct_safe_file_name() -> None:
    names = municipalities()
    assert len(names) == 342
    files = [safe_filename(n) for n in names]
    assert len({f.casefold() for f in files}) == 342
    for name, file in zip(names, files, strict=True):
        assert "/" not in file and "\\" not in file and not file.startswith(".")
        assert file.removesuffix(".docx") == name.strip()  # CBS names need no changes


def test_long_names_are_cut_to_a_safe_length() -> None:
    name = "Gemeente " + "Ĳsselmonde-" * 40
    assert len(safe_filename(name).encode("utf-8")) <= 160


# -- the whole workflow on 342 municipalities ------------------------------------------------------


@pytest.mark.slow
def test_workbook_of_342_municipalities_fills_342_valid_named_documents(
    tpl: Template, template_path: Path, tmp_path: Path
) -> None:
    book_path = tmp_path / "gemeenten.xlsx"
    made = subprocess.run(
        [sys.executable, "-m", "docx_aanpak", "excel", str(template_path), str(book_path)],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    # A person fills the workbook: questions found by their header text, not by key.
    book = load_workbook(book_path)
    sheet = book["Plannen"]
    column_of = {sheet.cell(2, c).value: c for c in range(1, sheet.max_column + 1)}
    names = municipalities()
    expected: dict[str, dict[str, str]] = {}
    for row, name in enumerate(names, start=4):
        sheet.cell(row, column_of["Gemeente"], name)
        values = answers(name, tpl.keys)
        for item in tpl.fields:
            sheet.cell(row, column_of[item.label], values[item.key])
        expected[name] = values
    # One bad row: a formula nobody calculated (a program wrote it; Excel never opened it).
    bad_row = 4 + len(names)
    sheet.cell(bad_row, column_of["Gemeente"], "Kapotdorp")
    bad_column = column_of[tpl.fields[3].label]
    sheet.cell(bad_row, bad_column, "=CONCAT(A1,A2)")
    book.save(book_path)
    bad_cell = f"Plannen!{sheet.cell(bad_row, bad_column).column_letter}{bad_row}"

    out = tmp_path / "plannen"
    report = tmp_path / "resultaat.csv"
    proc = subprocess.run(
        [sys.executable, "-m", "docx_aanpak", "fill", str(template_path), str(book_path),
         "--out", str(out), "--report", str(report)],
        capture_output=True, text=True, check=False, timeout=900,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr  # one row failed
    assert bad_cell in proc.stderr and "Kapotdorp" in proc.stderr
    assert "342 written, 0 skipped, 1 failed" in proc.stdout

    files = sorted(out.glob("*.docx"))
    assert [p.name for p in files] == sorted(safe_filename(n) for n in names)
    assert len({hashlib.sha256(p.read_bytes()).digest() for p in files}) == 342
    for name in names:
        path = out / safe_filename(name)
        assert tpl.extract(path) == expected[name], name
    with report.open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[0][:2] == ["Gemeente", "Resultaat"]
    assert sum(1 for r in rows[1:] if r[1] == "geschreven") == 342
    assert any(r[0] == "Kapotdorp" and r[1] == "mislukt" and bad_cell in r[4] for r in rows)
    assert_valid(*files)


# -- the Python API --------------------------------------------------------------------------------


def test_a_bad_record_is_reported_and_the_others_are_written(tpl: Template, tmp_path: Path) -> None:
    records = [
        {"Gemeente": "Eerstedorp", "handhaving": "goed"},
        {"Gemeente": "Tweededorp", "handhavng": "typfout"},
        {"Gemeente": "Derdedorp", "lokale_ambitie": "ook goed"},
        {"Gemeente": "", "handhaving": "naamloos"},
    ]
    report = fill_many(tpl, records, tmp_path, jobs=1)
    assert [o.status for o in report.outcomes] == [
        Status.WRITTEN, Status.FAILED, Status.WRITTEN, Status.FAILED,
    ]  # fmt: skip
    assert "handhavng" in report.outcomes[1].message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Derdedorp.docx", "Eerstedorp.docx"]
    assert report.summary() == "2 written, 0 skipped, 2 failed"
    assert not report.ok


def test_existing_files_are_kept_unless_overwrite(tpl: Template, tmp_path: Path) -> None:
    records = [{"Gemeente": "Dorp", "handhaving": "eerste"}]
    fill_many(tpl, records, tmp_path, jobs=1)
    first = (tmp_path / "Dorp.docx").read_bytes()
    again = fill_many(tpl, [{"Gemeente": "Dorp", "handhaving": "tweede"}], tmp_path, jobs=1)
    assert again.outcomes[0].status == Status.SKIPPED
    assert (tmp_path / "Dorp.docx").read_bytes() == first
    replaced = fill_many(
        tpl, [{"Gemeente": "Dorp", "handhaving": "tweede"}], tmp_path, jobs=1, overwrite=True
    )
    assert replaced.outcomes[0].status == Status.WRITTEN
    assert tpl.extract(tmp_path / "Dorp.docx")["handhaving"] == "tweede"


def test_regenerating_gives_byte_identical_files_and_only_changed_skips_them(
    tpl: Template, tmp_path: Path
) -> None:
    records = [{"Gemeente": n, **answers(n, tpl.keys)} for n in ("Aadorp", "Bedorp", "Cedorp")]
    fill_many(tpl, records, tmp_path / "a", jobs=1)
    fill_many(tpl, records, tmp_path / "b", jobs=2)
    for name in ("Aadorp", "Bedorp", "Cedorp"):
        a = (tmp_path / "a" / f"{name}.docx").read_bytes()
        assert a == (tmp_path / "b" / f"{name}.docx").read_bytes()
    changed = [dict(records[0]), dict(records[1], handhaving="nieuw"), dict(records[2])]
    report = fill_many(tpl, changed, tmp_path / "a", jobs=1, overwrite=True, only_changed=True)
    assert [o.status for o in report.outcomes] == [
        Status.UNCHANGED, Status.WRITTEN, Status.UNCHANGED,
    ]  # fmt: skip


def test_core_properties_name_the_municipality(tpl: Template, tmp_path: Path) -> None:
    from docx_aanpak import Document

    fill_many(tpl, [{"Gemeente": "'s-Gravenhage", "handhaving": "x"}], tmp_path, jobs=1)
    document = Document.open(tmp_path / "'s-Gravenhage.docx")
    assert document.core_property("dc:title") == "'s-Gravenhage"
    assert "'s-Gravenhage" in (document.core_property("dc:subject") or "")


def test_two_names_for_one_file_name_are_refused(tpl: Template, tmp_path: Path) -> None:
    report = fill_many(
        tpl, [{"Gemeente": "A/B", "handhaving": "x"}, {"Gemeente": "A-B", "handhaving": "y"}],
        tmp_path, jobs=1,
    )  # fmt: skip
    assert report.outcomes[1].status == Status.FAILED
    assert "A-B.docx" in report.outcomes[1].message


def test_the_xlsx_report_passes_the_validator(tpl: Template, tmp_path: Path) -> None:
    report = fill_many(
        tpl, [{"Gemeente": "Dorp", "handhaving": "x"}, {"Gemeente": "=1+1", "x": 1}],
        tmp_path / "out", jobs=1,
    )  # fmt: skip
    path = tmp_path / "resultaat.xlsx"
    report.save(path)
    sheet = load_workbook(path)["Resultaat"]
    assert sheet["A3"].value == "=1+1" and sheet["A3"].data_type == "s"
    assert_valid(path)


def test_records_stream_from_a_workbook_into_the_batch(tpl: Template, tmp_path: Path) -> None:
    book = tmp_path / "in.xlsx"
    plans = [{"Gemeente": n, **answers(n, tpl.keys[:3])} for n in ("Eén", "Twee")]
    write_workbook(book, tpl, plans)
    report = fill_many(tpl, read_records(book, tpl), tmp_path / "out", jobs=2)
    assert report.written == 2
    assert tpl.extract(tmp_path / "out" / "Eén.docx") == {k: plans[0].get(k) for k in tpl.keys}


# -- workers (issue 11, items 9 and 12) -----------------------------------------------------------


def test_worker_count_is_capped_at_twice_the_cpus_and_61_on_windows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from docx_aanpak import batch

    monkeypatch.setattr(batch.os, "cpu_count", lambda: 4)
    assert batch.worker_count(None) == 4
    assert batch.worker_count(3) == 3
    assert batch.worker_count(1000) == 8
    monkeypatch.setattr(batch.os, "cpu_count", lambda: 64)
    monkeypatch.setattr(batch.sys, "platform", "win32")
    assert batch.worker_count(1000) == 61


@pytest.mark.parametrize("plans", [2, 20])
def test_no_more_workers_than_plans_or_twice_the_cpus(
    plans: int, tpl: Template, tmp_path: Path
) -> None:
    import multiprocessing
    import os

    seen: list[int] = []
    records = [{"Gemeente": f"Dorp {n}", "handhaving": "x"} for n in range(plans)]
    report = fill_many(
        tpl, records, tmp_path, jobs=64,
        on_outcome=lambda _: seen.append(len(multiprocessing.active_children())),
    )  # fmt: skip
    assert report.written == plans
    assert 1 <= max(seen) <= min(plans, 2 * (os.cpu_count() or 1))
    assert multiprocessing.active_children() == []  # all gone when the batch returns


def test_spawned_workers_write_the_same_documents(
    tpl: Template, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docx_aanpak import batch

    records = [{"Gemeente": n, **answers(n, tpl.keys)} for n in ("Aadorp", "Bedorp", "Cedorp")]
    fill_many(tpl, records, tmp_path / "fork", jobs=2)
    monkeypatch.setattr(batch, "start_method", lambda: "spawn")
    report = fill_many(tpl, records, tmp_path / "spawn", jobs=2)
    assert report.written == 3
    for name in ("Aadorp", "Bedorp", "Cedorp"):
        fork = (tmp_path / "fork" / f"{name}.docx").read_bytes()
        assert (tmp_path / "spawn" / f"{name}.docx").read_bytes() == fork


def test_a_worker_that_dies_fails_its_plans_and_the_others_go_on(
    tpl: Template, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import signal

    from docx_aanpak import batch

    real_run = batch._run

    def run_or_die(template: Template, task: object, options: object) -> object:
        if getattr(task, "name", "") == "Sterfdorp":
            os.kill(os.getpid(), signal.SIGKILL)  # the out-of-memory killer, say
        return real_run(template, task, options)  # type: ignore[arg-type]

    monkeypatch.setattr(batch, "_run", run_or_die)
    names = ["Sterfdorp", *(f"Dorp {n}" for n in range(12))]
    report = fill_many(tpl, [{"Gemeente": n, "handhaving": "x"} for n in names], tmp_path, jobs=2)
    died = report.outcomes[0]
    assert died.status == Status.FAILED and "stopped unexpectedly" in died.message
    assert report.written >= 10  # the plans of other chunks were written
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_the_out_folder_is_made_only_when_a_plan_is_written(tpl: Template, tmp_path: Path) -> None:
    from docx_aanpak import DataFileError

    def unreadable() -> Iterator[dict[str, object]]:
        raise DataFileError("kapot.xlsx: not a workbook")
        yield {}

    with pytest.raises(DataFileError):
        fill_many(tpl, unreadable(), tmp_path / "uit", jobs=1)
    assert not (tmp_path / "uit").exists()
    report = fill_many(tpl, [{"Gemeente": "Dorp"}], tmp_path / "uit" / "diep", jobs=1)
    assert report.written == 1 and (tmp_path / "uit" / "diep" / "Dorp.docx").is_file()


def test_a_plan_never_replaces_the_template_or_the_data_file(
    template_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "map"
    folder.mkdir()
    template = folder / "Waalzicht.docx"
    template.write_bytes(template_path.read_bytes())
    data = folder / "Dijkdorp.docx"  # a data file that happens to be named like a plan
    data.write_bytes(b"data")
    tpl = Template.open(template)
    records = [{"Gemeente": n, "handhaving": "x"} for n in ("Waalzicht", "Dijkdorp", "Heuvel")]
    for jobs in (1, 2):
        report = fill_many(
            tpl, records, folder, jobs=jobs, overwrite=True, inputs=[("the data file", data)]
        )
        assert [o.status for o in report.outcomes] == [
            Status.FAILED, Status.FAILED, Status.WRITTEN,
        ]  # fmt: skip
        assert "is the template" in report.outcomes[0].message
        assert "is the data file" in report.outcomes[1].message
        assert template.read_bytes() == template_path.read_bytes()
        assert data.read_bytes() == b"data"


def test_the_subject_is_the_template_title_and_the_name(tpl: Template, tmp_path: Path) -> None:
    from docx_aanpak import Document

    fill_many(tpl, [{"Gemeente": "Waalzicht"}], tmp_path / "a", jobs=1)
    fill_many(tpl, [{"Gemeente": "Waalzicht"}], tmp_path / "b", jobs=1, subject="Concept")
    subjects = [
        Document.open(tmp_path / folder / "Waalzicht.docx").core_property("dc:subject")
        for folder in ("a", "b")
    ]
    assert subjects == ["Lokale aanpak radicalisering en extremisme – Waalzicht", "Concept"]
