"""Collecting a folder of plans (issue 10.2): one reference (--template, else the field set most
plans share), no plan skipped whole and no column dropped for a missing control, missing fields
listed in Voortgang and in the JSON output, copies and a stray template reported, and the exit
code says whether every plan was collected whole."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from corpus.life import delete_control, edit_part
from docx_aanpak import Template, collect
from judges import assert_valid

ROOT = Path(__file__).resolve().parent.parent
ANSWERS: dict[str, str] = json.loads(
    (ROOT / "examples" / "plan_waalzicht.json").read_text(encoding="utf-8")
)
BUDGET = "Welk budget heb ik beschikbaar?"
TOOLS = "Welke tools gebruik ik hiervoor?"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "docx_aanpak", *args],
        capture_output=True, text=True, check=False, timeout=600, cwd=ROOT,
    )  # fmt: skip


def answers_for(name: str) -> dict[str, str]:
    return {k: v.replace("Waalzicht", name) for k, v in ANSWERS.items()}


@pytest.fixture(scope="module")
def tpl(template_path: Path) -> Template:
    return Template.open(template_path)


def key_of(tpl: Template, question: str) -> str:
    [key] = [f.key for f in tpl.fields if f.label.strip() == question]
    return key


@pytest.fixture()
def folder(tpl: Template, tmp_path: Path) -> Path:
    """Three plans; the first in alphabetical order had its budget control deleted in Word."""
    plans = tmp_path / "plannen"
    plans.mkdir()
    for name in ("Aa en Hunze", "Bergen (NH.)", "Zwolle"):
        tpl.fill(answers_for(name), title=name).save(plans / f"{name}.docx")
    damaged = plans / "Aa en Hunze.docx"
    damaged.write_bytes(edit_part(damaged.read_bytes(), delete_control(BUDGET)))
    return plans


def test_a_plan_lacking_a_control_keeps_every_other_answer_and_every_column(
    tpl: Template, folder: Path
) -> None:
    budget = key_of(tpl, BUDGET)
    for reference in (None, tpl):  # first alphabetically is the damaged plan
        collection = collect(sorted(folder.iterdir()), reference)
        assert collection.template.keys == tpl.keys  # no column dropped
        assert not collection.skipped
        plans = {p.name: p for p in collection.plans}
        assert set(plans) == {"Aa en Hunze", "Bergen (NH.)", "Zwolle"}
        for name, plan in plans.items():
            wanted: dict[str, object] = dict(answers_for(name))
            if name == "Aa en Hunze":
                wanted[budget] = None
                assert plan.missing == (budget,) and not plan.complete
            else:
                assert plan.missing == ()
            assert plan.values == wanted
        assert not collection.ok


def test_a_deleted_control_that_renames_its_neighbour_still_lands_in_the_right_column(
    tpl: Template, tmp_path: Path
) -> None:
    """LOKAAL BEELD holds two controls: deleting one leaves the other alone in its row, so the
    plan itself names it by the row only. It is matched to the reference by its question."""
    survivor = next(f for f in tpl.fields if f.section == "LOKAAL BEELD" and f.label != TOOLS)
    plans = tmp_path / "plannen"
    plans.mkdir()
    for name in ("Asten", "Baarn", "Cuijk"):
        tpl.fill(answers_for(name), title=name).save(plans / f"{name}.docx")
    path = plans / "Asten.docx"
    path.write_bytes(edit_part(path.read_bytes(), delete_control(TOOLS.strip())))
    collection = collect(sorted(plans.iterdir()))
    asten = next(p for p in collection.plans if p.name == "Asten")
    assert asten.values[survivor.key] == answers_for("Asten")[survivor.key]
    assert asten.missing == (key_of(tpl, TOOLS),)


def test_the_cli_lists_missing_fields_in_json_and_voortgang_and_exits_1(
    tpl: Template, folder: Path, tmp_path: Path
) -> None:
    budget = key_of(tpl, BUDGET)
    book = tmp_path / "verzameld.xlsx"
    proc = run("extract", str(folder), "--json", str(tmp_path / "plannen.json"), "--xlsx",
               str(book))  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert "Aa en Hunze.docx" in proc.stderr and budget in proc.stderr
    records = json.loads((tmp_path / "plannen.json").read_text(encoding="utf-8"))
    by_name = {r["Gemeente"]: r for r in records}
    assert by_name["Aa en Hunze"]["ontbrekend"] == [budget]
    assert "ontbrekend" not in by_name["Zwolle"]
    assert list(by_name["Zwolle"]) == ["Gemeente", "bestand", *tpl.keys]
    assert by_name["Bergen (NH.)"][budget] == answers_for("Bergen (NH.)")[budget]
    assert_valid(book)
    workbook = load_workbook(book)
    header = [c.value for c in workbook["Voortgang"][1]]
    rows = {r[0]: r for r in workbook["Voortgang"].iter_rows(min_row=2, values_only=True)}
    missing = header.index("Ontbrekende vragen")
    assert rows["Aa en Hunze"][missing] == BUDGET
    assert rows["Zwolle"][missing] is None
    assert rows["Aa en Hunze"][1] == 29
    # The Plannen sheet keeps the budget column with the other plans' answers.
    plannen = workbook["Plannen"]
    keys = [c.value for c in plannen[3]]
    column = keys.index(budget) + 1
    got = {plannen.cell(r, 1).value: plannen.cell(r, column).value for r in range(4, 7)}
    assert got["Zwolle"] == answers_for("Zwolle")[budget] and got["Aa en Hunze"] is None


def test_a_complete_folder_exits_0(tpl: Template, tmp_path: Path, template_path: Path) -> None:
    for name in ("Asten", "Baarn"):
        tpl.fill(answers_for(name), title=name).save(tmp_path / f"{name}.docx")
    for extra in ((), ("--template", str(template_path))):
        proc = run("extract", str(tmp_path), "--xlsx", str(tmp_path / "v.xlsx"), "--overwrite",
                   *extra)  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        assert "2 plans, 0 incomplete, 0 skipped" in proc.stdout


def test_a_copy_beside_its_original_is_reported_not_collected(
    tpl: Template, tmp_path: Path
) -> None:
    tpl.fill(answers_for("Bergen (NH.)"), title="Bergen (NH.)").save(tmp_path / "Bergen (NH.).docx")
    older = dict.fromkeys(tpl.keys, "Oude versie.")
    tpl.fill(older, title="Bergen (NH.)").save(tmp_path / "Bergen (NH.) - kopie.docx")
    tpl.fill(answers_for("Zwolle"), title="Zwolle").save(tmp_path / "Zwolle.docx")
    for reference in (None, tpl):
        collection = collect(sorted(tmp_path.glob("*.docx")), reference)
        bergen = next(p for p in collection.plans if p.name == "Bergen (NH.)")
        assert bergen.path.name == "Bergen (NH.).docx"
        assert bergen.values == answers_for("Bergen (NH.)")
        [copy] = collection.skipped
        assert copy.kind == "copy" and copy.path.name == "Bergen (NH.) - kopie.docx"
        assert "Bergen (NH.).docx" in copy.reason
    proc = run("extract", str(tmp_path), "--json")
    assert proc.returncode == 1 and "kopie.docx: a copy of Bergen (NH.).docx" in proc.stderr


def test_a_template_in_the_plans_folder_is_reported_not_collected_or_preferred(
    tpl: Template, tmp_path: Path, template_path: Path
) -> None:
    shutil.copyfile(template_path, tmp_path / "Aaa sjabloon.docx")  # first alphabetically
    for name in ("Asten", "Baarn"):
        tpl.fill(answers_for(name), title=name).save(tmp_path / f"{name}.docx")
    tpl.fill({}, title="Cuijk").save(tmp_path / "Cuijk.docx")  # a plan not started yet
    for reference in (None, tpl):
        collection = collect(sorted(tmp_path.glob("*.docx")), reference)
        assert [p.name for p in collection.plans] == ["Asten", "Baarn", "Cuijk"]
        [stray] = collection.skipped
        assert stray.kind == "template" and stray.path.name == "Aaa sjabloon.docx"
        assert "Aaa sjabloon.docx" not in collection.reference
    proc = run("extract", str(tmp_path), "--json")
    assert proc.returncode == 1 and "Aaa sjabloon.docx: holds no answers" in proc.stderr
    assert [r["Gemeente"] for r in json.loads(proc.stdout)] == ["Asten", "Baarn", "Cuijk"]


def test_plans_keeping_the_templates_title_are_named_by_their_files(
    tpl: Template, tmp_path: Path
) -> None:
    """Plans typed by hand into a copy of the template all keep its title."""
    for name in ("Asten", "Baarn"):
        tpl.fill(answers_for(name)).save(tmp_path / f"{name}.docx")
    collection = collect(sorted(tmp_path.glob("*.docx")))
    assert [p.name for p in collection.plans] == ["Asten", "Baarn"] and collection.ok


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_workers_collect_the_same_as_one_process(
    tpl: Template, tmp_path: Path, method: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docx_aanpak import lifeline

    monkeypatch.setattr(lifeline, "start_method", lambda: method)
    names = [f"Gemeente {n:02d}" for n in range(30)]
    for n, name in enumerate(names):
        values = {k: v for i, (k, v) in enumerate(answers_for(name).items()) if (i + n) % 4}
        tpl.fill(values, title=name).save(tmp_path / f"{name}.docx")
    damaged = tmp_path / "Gemeente 07.docx"
    damaged.write_bytes(edit_part(damaged.read_bytes(), delete_control(BUDGET)))
    paths = sorted(tmp_path.glob("*.docx"))
    for reference in (tpl, None):
        one = collect(paths, reference, jobs=1)
        two = collect(paths, reference, jobs=2)
        assert [(p.name, p.values, p.missing) for p in one.plans] == [
            (p.name, p.values, p.missing) for p in two.plans
        ]
        assert [p.name for p in one.plans] == names
        assert next(p for p in two.plans if p.name == "Gemeente 07").missing == (
            key_of(tpl, BUDGET),
        )


def test_collect_honours_the_duplicate_tags_option(tmp_path: Path) -> None:
    from corpus.cases import rich_block
    from corpus.word import build_docx, p

    def plan(answer: str) -> bytes:
        return build_docx(
            p("Naam van de gemeente?")
            + rich_block(p(answer), tag="gemeente", alias=None)
            + p("Herhaald in de voettekst:")
            + rich_block(p(answer), tag="gemeente", alias=None)
        )

    for name in ("a", "b"):
        (tmp_path / f"{name}.docx").write_bytes(plan(f"Gemeente {name}"))
    paths = sorted(tmp_path.glob("*.docx"))
    merged = collect(paths, duplicate_tags="merge")
    assert [p.values for p in merged.plans] == [{"gemeente": "Gemeente a"},
                                                  {"gemeente": "Gemeente b"}]  # fmt: skip
    with pytest.raises(Exception, match="tag 'gemeente' is used by two controls"):
        collect(paths, duplicate_tags="error")
    template = Template.open(plan(""), duplicate_tags="merge")
    assert collect(paths, template).ok  # the template's setting applies to the plans


def test_an_answer_the_templates_list_lacks_is_collected_not_refused(tmp_path: Path) -> None:
    """A plan made from an older template version whose list had another choice: its answer is
    written to the workbook as it is, and the other plans are not lost over it."""
    from corpus.cases import NL, dropdown_run
    from corpus.word import build_docx, heading, p
    from docx_aanpak.collect import write_collection

    def template(choices: list[tuple[str, str]]) -> bytes:
        return build_docx(
            heading("Algemene gegevens", 1, NL)
            + p("Wat is de status van het plan?")
            + p(dropdown_run(None, choices, tag=None, alias=None))
        )

    current = [("Concept", "concept"), ("Vastgesteld", "vastgesteld")]
    older = [*current, ("In voorbereiding", "in voorbereiding")]
    tpl = Template.open(template(current), name="nieuw.docx")
    [key] = [f.key for f in tpl.fields]
    plans = tmp_path / "plannen"
    plans.mkdir()
    Template.open(template(older)).fill({key: "in voorbereiding"}, title="Ede").save(
        plans / "Ede.docx"
    )
    tpl.fill({key: "concept"}, title="Epe").save(plans / "Epe.docx")
    collection = collect(sorted(plans.glob("*.docx")), tpl)
    assert [p.values[key] for p in collection.plans] == ["in voorbereiding", "concept"]
    target = tmp_path / "verzameld.xlsx"
    write_collection(target, collection)
    assert_valid(target)
    sheet = load_workbook(target)["Plannen"]
    assert [(sheet.cell(r, 1).value, sheet.cell(r, 2).value) for r in (4, 5)] == [
        ("Ede", "in voorbereiding"),
        ("Epe", "Concept"),
    ]
