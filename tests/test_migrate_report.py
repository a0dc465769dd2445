"""What migration could not do, shown (issue 10.4): each dropped answer with the question that
came closest and its score; new questions told apart from questions never answered; a summary per
question across plans; exit code 1 for dropped answers unless --allow-drop; formatting carried
with the answer; pictures never treated as text and never dropped silently; the duplicate-tags
option honoured for the old plans."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from corpus.cases import rich_block
from corpus.life import edit_part, paragraph_xml, replace_answer, reword_question, run_xml
from corpus.word import Media, build_docx, inline_picture, p, png_bytes, sdt, sdt_pr
from docx_aanpak import Document, Template, migrate, migrate_many
from docx_aanpak import _ooxml as ox
from docx_aanpak.controls import ContentControl
from docx_aanpak.migrate import format_report, summary
from judges import assert_valid, missing_from, render_texts
from template_v2 import ADDED, CHANGES, build_v2

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template" / "lokale_aanpak.docx"
ANSWERS: dict[str, str] = json.loads(
    (ROOT / "examples" / "plan_waalzicht.json").read_text(encoding="utf-8")
)
COLLEGE = "Hoe betrek ik het college?"
COLLEGE_RAAD = "Hoe betrek ik het college en de gemeenteraad?"
TAKEN = "Wat is het takenpakket van de aandachtsfunctionaris?"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "docx_aanpak", *args],
        capture_output=True, text=True, check=False, timeout=600, cwd=ROOT,
    )  # fmt: skip


@pytest.fixture(scope="module")
def v1() -> Template:
    return Template.open(TEMPLATE)


@pytest.fixture(scope="module")
def raad_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template with "Hoe betrek ik het college?" reworded to also name the council."""
    path = tmp_path_factory.mktemp("raad") / "lokale_aanpak_raad.docx"
    path.write_bytes(edit_part(TEMPLATE.read_bytes(), reword_question(COLLEGE, COLLEGE_RAAD)))
    return path


@pytest.fixture(scope="module")
def raad(raad_path: Path) -> Template:
    return Template.open(raad_path)


def key_of(template: Template, question: str) -> str:
    [key] = [f.key for f in template.fields if f.label.strip() == question.strip()]
    return key


def test_a_near_miss_is_dropped_with_its_closest_question_and_score(
    v1: Template, raad: Template, tmp_path: Path
) -> None:
    plan = tmp_path / "waalzicht.docx"
    v1.fill(ANSWERS, title="Waalzicht").save(plan)
    result = migrate(plan, raad)
    [dropped] = result.dropped
    assert dropped.question == COLLEGE and dropped.value == ANSWERS[key_of(v1, COLLEGE)]
    assert dropped.candidate_question == COLLEGE_RAAD
    assert dropped.candidate_key == key_of(raad, COLLEGE_RAAD)
    assert dropped.candidate_score == pytest.approx(0.76, abs=0.01)
    assert "0.76" in dropped.reason
    text = format_report([result])
    assert f"closest: 0.76  BORGEN VAN DE AANPAK: {COLLEGE_RAAD}" in text
    # The question it would have gone to is open, and it is a new question.
    assert [f.label for f in result.new_questions] == [COLLEGE_RAAD]
    assert result.never_answered == []


def test_the_report_workbook_shows_the_near_miss_and_a_summary_per_question(
    v1: Template, raad: Template, tmp_path: Path
) -> None:
    plans = tmp_path / "oud"
    plans.mkdir()
    v1.fill(ANSWERS, title="Waalzicht").save(plans / "waalzicht.docx")
    half = {k: v for i, (k, v) in enumerate(ANSWERS.items()) if i % 2 == 0}
    v1.fill(half, title="Rivierenland").save(plans / "rivierenland.docx")
    report = tmp_path / "migratie.xlsx"
    migrations = migrate_many(sorted(plans.iterdir()), raad, tmp_path / "nieuw", report=report)
    assert_valid(report, *(m.output for m in migrations if m.output is not None))
    book = load_workbook(report)
    rows = list(book["Migratie"].iter_rows(values_only=True))
    column = {name: i for i, name in enumerate(rows[0])}
    [dropped] = [r for r in rows[1:] if r[column["status"]] == "vervallen"]
    assert dropped[column["oude vraag"]] == COLLEGE
    assert dropped[column["nieuwe vraag"]] == COLLEGE_RAAD
    assert dropped[column["score"]] == pytest.approx(0.76, abs=0.01)
    assert "0.76" in dropped[column["opmerking"]]
    # Per old question across both plans.
    sheet = list(book["Samenvatting"].iter_rows(values_only=True))
    assert sheet[0][:5] == ("sectie", "vraag", "overgenomen", "herkend", "vervallen")
    per_question = {row[1]: row[2:5] for row in sheet[1:]}
    college_answered = sum(1 for p in (ANSWERS, half) if p.get(key_of(v1, COLLEGE)))
    assert per_question[COLLEGE] == (0, 0, college_answered)
    assert per_question[TAKEN][0] == sum(1 for p in (ANSWERS, half) if p.get(key_of(v1, TAKEN)))
    totals = {s.question: (s.carried, s.fuzzy, s.dropped) for s in summary(migrations)}
    assert totals[COLLEGE] == (0, 0, college_answered)
    assert "per question across plans" in format_report(migrations)


def test_new_questions_are_told_apart_from_questions_never_answered(
    v1: Template, tmp_path: Path
) -> None:
    v2 = Template.open(build_v2(), name="v2.docx")
    unanswered = [f.key for f in v1.fields[3:6]]
    plan = tmp_path / "plan.docx"
    v1.fill({k: v for k, v in ANSWERS.items() if k not in unanswered}).save(plan)
    result = migrate(plan, v2)
    assert [(f.section, f.label.strip()) for f in result.new_questions] == [c.new for c in ADDED]
    # The questions left unanswered in the old plan, as version 2 words them.
    renamed = {change.old: change.new for change in CHANGES if change.old is not None}
    old_questions = [(f.section, f.label.strip()) for f in v1.fields if f.key in unanswered]
    never = [(f.section, f.label.strip()) for f in result.never_answered]
    assert never == [renamed.get(q, q) for q in old_questions]
    assert len(never) == 3 and set(never) != set(old_questions)  # two were reworded
    text = format_report([result])
    assert "new questions (not in the old version)" in text and "never answered" in text
    rows = _report_rows(tmp_path, [plan], v2)
    assert sum(r[2] == "nieuw open" for r in rows) == len(ADDED)
    assert sum(r[2] == "onbeantwoord" for r in rows) == 3


def _report_rows(tmp_path: Path, plans: list[Path], template: Template) -> list[tuple[object, ...]]:
    report = tmp_path / "r.xlsx"
    migrate_many(plans, template, tmp_path / "uit", dry_run=True, report=report, overwrite=True)
    return list(load_workbook(report)["Migratie"].iter_rows(min_row=2, values_only=True))


def test_the_exit_code_is_1_when_an_answer_was_dropped_unless_allowed(
    v1: Template, raad_path: Path, tmp_path: Path
) -> None:
    plan = tmp_path / "waalzicht.docx"
    v1.fill(ANSWERS, title="Waalzicht").save(plan)
    same = run("migrate", str(plan), "--template", str(TEMPLATE), "--out", str(tmp_path / "a"))
    assert same.returncode == 0, same.stderr  # nothing dropped
    dropped = run("migrate", str(plan), "--template", str(raad_path), "--out", str(tmp_path / "b"))
    assert dropped.returncode == 1 and "1 answer(s) found no place" in dropped.stderr
    assert "closest: 0.76" in dropped.stdout
    allowed = run("migrate", str(plan), "--template", str(raad_path), "--out",
                  str(tmp_path / "c"), "--allow-drop")  # fmt: skip
    assert allowed.returncode == 0, allowed.stderr


# -- formatting -----------------------------------------------------------------------------------

NUMBERING_2 = (
    '<w:abstractNum w:abstractNumId="7"><w:multiLevelType w:val="hybridMultilevel"/>'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/>'
    '<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr></w:lvl>'
    "</w:abstractNum>"
)


def _with_numbered_list(root: object) -> None:
    """Word adds a numbered list definition (numId 2) when a person starts one."""
    from lxml import etree

    assert isinstance(root, etree._Element)
    w = ox.NS["w"]
    holder = etree.fromstring(f'<w:numbering xmlns:w="{w}">{NUMBERING_2}</w:numbering>')
    abstract = holder[0]
    nums = root.findall(f"{{{w}}}num")
    nums[0].addprevious(abstract)
    num = etree.SubElement(root, f"{{{w}}}num")
    num.set(f"{{{w}}}numId", "2")
    etree.SubElement(num, f"{{{w}}}abstractNumId").set(f"{{{w}}}val", "7")
    nums[-1].addnext(num)


def formatted_plan(v1: Template) -> bytes:
    """A plan where the advisor typed a formatted answer in Word: bold and italic words, a line
    break, a bulleted list (the template's list) and a numbered list (a new list definition)."""
    answer = [
        paragraph_xml(
            run_xml("De aandachtsfunctionaris is "),
            run_xml("eerste aanspreekpunt", bold=True),
            run_xml(" voor "),
            run_xml("alle", italic=True),
            run_xml(" signalen.\nOok buiten kantoortijden."),
        ),
        paragraph_xml(run_xml("Signalen wegen"), list_item=True),
        paragraph_xml(run_xml("Casusoverleg voorzitten"), list_item=True),
        paragraph_xml(run_xml("Eerst bellen")).replace(
            "<w:pPr>",
            '<w:pPr><w:pStyle w:val="Lijstalinea"/><w:numPr><w:ilvl w:val="0"/>'
            '<w:numId w:val="2"/></w:numPr>',
        ),
    ]
    data = v1.fill(ANSWERS, title="Waalzicht").to_bytes()
    data = edit_part(data, replace_answer(TAKEN, answer))
    return edit_part(data, _with_numbered_list, "word/numbering.xml")


FORMATTED = (
    "De aandachtsfunctionaris is eerste aanspreekpunt voor alle signalen.\n"
    "Ook buiten kantoortijden.\nSignalen wegen\nCasusoverleg voorzitten\nEerst bellen"
)


def test_an_answers_formatting_is_carried_not_only_its_text(v1: Template, tmp_path: Path) -> None:
    old = tmp_path / "oud" / "waalzicht.docx"
    old.parent.mkdir()
    old.write_bytes(formatted_plan(v1))
    assert_valid(old)
    assert v1.extract(old)[key_of(v1, TAKEN)] == FORMATTED
    v2 = Template.open(build_v2(), name="v2.docx")
    [migration] = migrate_many([old], v2, tmp_path / "nieuw")
    assert migration.written and migration.formatting == {}
    new = migration.output
    assert new is not None
    assert_valid(new)
    key = key_of(v2, TAKEN)
    assert v2.extract(new)[key] == FORMATTED
    document = Document.open(new)
    location = v2.field(key).location
    control = ContentControl(list(document.tree(location.part).iter(ox.W_SDT))[location.index])
    assert control.content is not None
    runs = {
        "".join(t.text or "" for t in run.iter(ox.W_T)): run for run in control.content.iter(ox.W_R)
    }
    assert runs["eerste aanspreekpunt"].find(".//w:b", ox.NS) is not None
    assert runs["alle"].find(".//w:i", ox.NS) is not None
    assert runs[" signalen.Ook buiten kantoortijden."].find("w:br", ox.NS) is not None
    numbers = [
        n.get(ox.W_VAL) for n in control.content.iter(ox.qn("w:numId"))
    ]  # bullets keep the template's list; the numbered list got a definition of its own
    assert numbers[:2] == ["1", "1"] and numbers[2] not in ("1", None)
    numbering = document.tree("word/numbering.xml")
    defined = {n.get(ox.qn("w:numId")) for n in numbering.iter(ox.qn("w:num"))}
    assert numbers[2] in defined
    text = render_texts([new])[new.resolve()]
    assert missing_from(text, ["eerste aanspreekpunt", "Casusoverleg voorzitten"]) == []


# -- pictures -------------------------------------------------------------------------------------


def _picture_plan(filled: bool) -> bytes:
    pr = sdt_pr(sdt_id=41, alias="Logo", tag="logo", type_xml="<w:picture/>")
    drawing = inline_picture("rId20", name="Afbeelding 1", docpr_id=1, cx=914400, cy=914400)
    content = p(drawing) if filled else p()
    body = (
        p("Toelichting bij het plan?")
        + rich_block(p("Zie de bijlage."), tag="toelichting", alias=None)
        + p("Logo van de gemeente:")
        + sdt(pr, content, end_pr="<w:sdtEndPr/>")
    )
    media = [Media("image1.png", png_bytes(), "rId20")] if filled else []
    return build_docx(body, media=media)


def test_a_filled_picture_is_reported_never_dropped_silently(tmp_path: Path) -> None:
    plan = tmp_path / "plan.docx"
    plan.write_bytes(_picture_plan(filled=True))
    template = Template.open(_picture_plan(filled=False), name="nieuw.docx")
    result = migrate(plan, template)
    assert result.values == {"toelichting": "Zie de bijlage."}
    [dropped] = result.dropped
    assert dropped.old_key == "logo" and "picture" in dropped.reason and dropped.value is None
    (tmp_path / "t.docx").write_bytes(_picture_plan(filled=False))
    proc = run("migrate", str(plan), "--template", str(tmp_path / "t.docx"), "--out",
               str(tmp_path / "uit"))  # fmt: skip
    assert proc.returncode == 1 and "a picture" in proc.stdout


def test_a_text_answer_is_never_put_into_a_picture_field_as_a_path(tmp_path: Path) -> None:
    old = tmp_path / "oud.docx"
    old.write_bytes(
        build_docx(
            p("Toelichting bij het plan?")
            + rich_block(p("Zie de bijlage."), tag="toelichting", alias=None)
            + p("Logo van de gemeente:")
            + rich_block(p(str(ROOT / "pyproject.toml")), tag="logo", alias=None)
        )
    )
    template = Template.open(_picture_plan(filled=False), name="nieuw.docx")
    result = migrate(old, template)
    assert "logo" not in result.values
    [dropped] = result.dropped
    assert dropped.refused_by == "logo" and "picture" in dropped.reason
    migrate_many([old], template, tmp_path / "uit")  # writes without touching the "path"
    assert Template.open(_picture_plan(filled=False)).extract(tmp_path / "uit" / "oud.docx") == {
        "toelichting": "Zie de bijlage.",
        "logo": None,
    }


# -- duplicate tags -------------------------------------------------------------------------------


def test_migrate_honours_the_duplicate_tags_option(tmp_path: Path) -> None:
    def plan(answer: str | None) -> bytes:
        return build_docx(
            p("Naam van de gemeente?")
            + rich_block(p(answer) if answer else None, tag="gemeente", alias=None)
            + p("Nog eens, in de bijlage:")
            + rich_block(p(answer) if answer else None, tag="gemeente", alias=None)
        )

    old = tmp_path / "oud.docx"
    old.write_bytes(plan("Waalzicht"))
    template = Template.open(plan(None))  # shared tags merge by default
    assert migrate(old, template).values == {"gemeente": "Waalzicht"}  # the template's setting
    strict = Template.open(
        build_docx(p("Naam?") + rich_block(None, tag="gemeente", alias=None)),
        duplicate_tags="error",
    )
    with pytest.raises(Exception, match="tag 'gemeente' is used by two controls"):
        migrate(old, strict)
    assert migrate(old, strict, duplicate_tags="merge").values == {"gemeente": "Waalzicht"}
    [m] = migrate_many([old], strict, tmp_path / "uit", duplicate_tags="merge")
    assert m.ok and m.written
    (tmp_path / "t.docx").write_bytes(plan(None))
    proc = run("migrate", str(old), "--template", str(tmp_path / "t.docx"), "--out",
               str(tmp_path / "cli"), "--duplicate-tags", "error")  # fmt: skip
    assert proc.returncode != 0 and "is used by two controls" in proc.stderr
    proc = run("migrate", str(old), "--template", str(tmp_path / "t.docx"), "--out",
               str(tmp_path / "cli"))  # fmt: skip
    assert proc.returncode == 0, proc.stderr
