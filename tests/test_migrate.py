"""Migration of plans from version 1 of the template (the shipped one) to version 2.

Version 2 is built by tests/template_v2.py: two reworded questions, one moved to another row,
one deleted, two added. The expected outcome is derived from that list of changes (old question
-> new question), not from the matcher.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from corpus.cases import plain_run, rich_block
from corpus.word import build_docx, p, r
from docx_aanpak import ContentControl, Document, Template, TemplateMismatchError
from docx_aanpak import _ooxml as ox
from docx_aanpak.migrate import (
    DEFAULT_THRESHOLD,
    Dropped,
    Migration,
    format_report,
    migrate,
    migrate_many,
    normalize,
    question_similarity,
    report_workbook,
    similarity,
)
from docx_aanpak.xlsx import _unescape
from judges import assert_valid
from template_v2 import ADDED, CHANGES, DELETED, MOVED, REWORDED, build_v2

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template" / "lokale_aanpak.docx"
PLAN = ROOT / "examples" / "plan_waalzicht.json"
TITLE = "Lokale aanpak Waalzicht"


# -- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def v1() -> Template:
    return Template.open(TEMPLATE)


@pytest.fixture(scope="module")
def v2_bytes() -> bytes:
    return build_v2()


@pytest.fixture(scope="module")
def v2(v2_bytes: bytes) -> Template:
    return Template.open(v2_bytes, name="lokale_aanpak_v2.docx")


@pytest.fixture(scope="module")
def answers() -> dict[str, str]:
    data: dict[str, str] = json.loads(PLAN.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def plans(tmp_path_factory: pytest.TempPathFactory, v1: Template, answers: dict[str, str]) -> Path:
    """A folder with the Waalzicht plan and a second plan, both filled in version 1."""
    folder = tmp_path_factory.mktemp("oud")
    v1.fill(answers, title=TITLE).save(folder / "waalzicht.docx")
    other = {k: v.replace("Waalzicht", "Rivierenland") for k, v in answers.items()}
    v1.fill(other).save(folder / "rivierenland.docx")
    return folder


@pytest.fixture(scope="module")
def migration(plans: Path, v2: Template) -> Migration:
    return migrate(plans / "waalzicht.docx", v2)


def where(template: Template, section: str, question: str) -> str:
    """The key of the field asking ``question`` in row/section ``section``."""
    found = [f.key for f in template.fields if f.section == section and f.label.strip() == question]
    assert len(found) == 1, (section, question, found)
    return found[0]


@pytest.fixture(scope="module")
def expected_keys(v1: Template, v2: Template) -> dict[str, str | None]:
    """Old key -> new key (None: deleted), from the list of changes."""
    renamed = {change.old: change.new for change in CHANGES if change.old is not None}
    result: dict[str, str | None] = {}
    for field in v1.fields:
        old = (field.section, field.label.strip())
        new = renamed.get(old, old)
        result[field.key] = None if new is None else where(v2, *new)
    return result


@pytest.fixture(scope="module")
def expected_values(
    expected_keys: dict[str, str | None], answers: dict[str, str], v2: Template
) -> dict[str, object]:
    values: dict[str, object] = {f.key: None for f in v2.fields}
    for old, new in expected_keys.items():
        if new is not None:
            values[new] = answers[old]
    return values


# -- version 2 itself ---------------------------------------------------------------------------


def test_template_v2_is_valid_and_holds_the_changes(
    v2_bytes: bytes, v2: Template, tmp_path: Path
) -> None:
    path = tmp_path / "lokale_aanpak_v2.docx"
    path.write_bytes(v2_bytes)
    assert_valid(path)
    labels = {(f.section, f.label.strip()) for f in v2.fields}
    assert len(v2.fields) == 30 - 1 + len(ADDED)
    for change in CHANGES:
        if change.new is not None:
            assert change.new in labels
        if change.old is not None and change.old != MOVED.new:
            assert change.old not in labels
    # Every control and every paragraph keeps a unique id.
    root = Document.open(v2_bytes).tree("word/document.xml")
    ids = [ContentControl(el).id for el in root.iter(ox.W_SDT)]
    assert len(ids) == len(set(ids)) == len(v2.fields)
    para_ids = [el.get(f"{{{ox.NS['w14']}}}paraId") for el in root.iter(ox.W_P)]
    assert len(para_ids) == len(set(para_ids))


# -- matching -------------------------------------------------------------------------------------


def test_normalize_folds_case_diacritics_and_punctuation() -> None:
    assert normalize("  Hoe zorg ik voor Continuïteit,  in de collega’s-kring? ") == (
        "hoe zorg ik voor continuiteit in de collegas kring"
    )


def test_reworded_and_moved_questions_score_above_the_threshold(v1: Template, v2: Template) -> None:
    for change in (*REWORDED, MOVED):
        assert change.old is not None and change.new is not None
        old = v1.field(where(v1, *change.old))
        new = v2.field(where(v2, *change.new))
        assert similarity(old, new) >= DEFAULT_THRESHOLD, change


def test_unrelated_questions_of_the_template_stay_below_the_threshold(v1: Template) -> None:
    scores = [similarity(a, b) for a, b in itertools.permutations(v1.fields, 2)]
    assert max(scores) < DEFAULT_THRESHOLD
    # A rewording of the frame weighs less than a change of subject.
    assert question_similarity(
        "Hoe betrek ik het college?", "Op welke manier betrek ik het college?"
    ) > question_similarity(
        "Welke interne beleidsvelden betrek ik?", "Welke externe partners betrek ik?"
    )


def test_answers_whose_question_survives_all_land_in_version_2(
    migration: Migration, expected_keys: dict[str, str | None], expected_values: dict[str, object]
) -> None:
    carried = {c.new_key for c in migration.carried}
    assert carried == {old for old, new in expected_keys.items() if old == new}
    assert {f.old_key: f.new_key for f in migration.fuzzy} == {
        old: new for old, new in expected_keys.items() if new is not None and new != old
    }
    assert all(f.score >= DEFAULT_THRESHOLD for f in migration.fuzzy)
    assert migration.values == {k: v for k, v in expected_values.items() if v is not None}
    assert migration.plan == TITLE and migration.title == TITLE


def test_the_deleted_question_is_dropped_with_its_full_answer(
    migration: Migration, v1: Template, answers: dict[str, str]
) -> None:
    assert DELETED.old is not None
    old_key = where(v1, *DELETED.old)
    [dropped] = migration.dropped
    assert (dropped.old_key, dropped.section, dropped.question.strip()) == (old_key, *DELETED.old)
    assert dropped.value == answers[old_key]
    assert "no matching question" in dropped.reason


def test_both_new_questions_are_open(migration: Migration) -> None:
    assert [(f.section, f.label.strip()) for f in migration.new_open] == [c.new for c in ADDED]


def test_migrated_plan_is_valid_and_reads_back_as_expected(
    plans: Path, v2: Template, expected_values: dict[str, object], tmp_path: Path
) -> None:
    out = tmp_path / "nieuw"
    migrations = migrate_many([plans / "waalzicht.docx", plans / "rivierenland.docx"], v2, out)
    assert [m.error for m in migrations] == [None, None]
    assert [m.written for m in migrations] == [True, True]
    assert [m.output for m in migrations] == [out / "waalzicht.docx", out / "rivierenland.docx"]
    assert [m.plan for m in migrations] == [TITLE, "rivierenland"]
    assert_valid(*(m.output for m in migrations if m.output is not None))
    assert v2.extract(out / "waalzicht.docx") == expected_values
    assert Document.open(out / "waalzicht.docx").core_property("dc:title") == TITLE


def test_dry_run_writes_nothing(plans: Path, v2: Template, tmp_path: Path) -> None:
    out = tmp_path / "nieuw"
    migrations = migrate_many([plans / "waalzicht.docx"], v2, out, dry_run=True)
    assert not out.exists()
    [m] = migrations
    assert m.ok and not m.written and m.output == out / "waalzicht.docx"
    assert len(m.fuzzy) == 5 and len(m.dropped) == 1
    assert "not written" in format_report(migrations)


def test_the_report_lists_every_dropped_answer_and_new_question(
    plans: Path, v2: Template, answers: dict[str, str], v1: Template, tmp_path: Path
) -> None:
    report = tmp_path / "migratie.xlsx"
    migrations = migrate_many([plans / "waalzicht.docx"], v2, tmp_path / "nieuw", report=report)
    assert_valid(report)
    book = load_workbook(report)
    assert book.sheetnames == ["Migratie", "Samenvatting"]
    rows = list(book["Migratie"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    column = {name: i for i, name in enumerate(header)}
    assert {
        "plan",
        "status",
        "oude sectie",
        "oude vraag",
        "nieuwe sectie",
        "nieuwe vraag",
        "score",
        "antwoord",
    } <= set(column)

    def status(name: str) -> list[tuple[object, ...]]:
        return [row for row in body if row[column["status"]] == name]

    assert DELETED.old is not None
    [dropped] = status("vervallen")
    assert dropped[column["oude vraag"]].strip() == DELETED.old[1]
    assert dropped[column["antwoord"]] == answers[where(v1, *DELETED.old)]
    assert [
        (row[column["nieuwe sectie"]], row[column["nieuwe vraag"]].strip())
        for row in status("nieuw open")
    ] == [c.new for c in ADDED]
    assert len(status("herkend")) == len(migrations[0].fuzzy)
    assert all(row[column["score"]] >= DEFAULT_THRESHOLD for row in status("herkend"))
    assert len(status("overgenomen")) == len(migrations[0].carried)
    # Multi-line answers stay whole in one cell.
    answer_texts = {row[column["antwoord"]] for row in body}
    assert all(value in answer_texts for value in answers.values())
    assert {row[column["plan"]] for row in body} == {TITLE}


def test_a_document_without_controls_is_reported_and_the_others_go_on(
    plans: Path, v2: Template, tmp_path: Path
) -> None:
    stray = tmp_path / "brief.docx"
    stray.write_bytes(build_docx(p("Geachte heer, mevrouw,") + p("Met vriendelijke groet.")))
    with pytest.raises(TemplateMismatchError, match="no content controls"):
        migrate(stray, v2)
    out = tmp_path / "nieuw"
    report = tmp_path / "r.xlsx"
    migrations = migrate_many([stray, plans / "waalzicht.docx"], v2, out, report=report)
    assert migrations[0].error is not None and "brief.docx" in migrations[0].error
    assert not migrations[0].written and migrations[1].written
    assert sorted(x.name for x in out.iterdir()) == ["waalzicht.docx"]
    text = format_report(migrations)
    assert "brief.docx" in text and "no content controls" in text
    assert "1 with errors" in text
    rows = list(load_workbook(report)["Migratie"].iter_rows(values_only=True))
    assert any(row[2] == "fout" and "brief.docx" in row[-1] for row in rows[1:])


def test_a_document_from_another_template_is_not_migrated(v2: Template, tmp_path: Path) -> None:
    other = tmp_path / "subsidie.docx"
    body = (
        p("Wat is het gevraagde subsidiebedrag?")
        + rich_block(p("€ 12.000"), tag="subsidiebedrag", alias=None)
        + p(r("Naam aanvrager: "), plain_run("Stichting De Brug", tag="aanvrager", alias=None))
    )
    other.write_bytes(build_docx(body))
    with pytest.raises(TemplateMismatchError, match="none of its 2 answers"):
        migrate(other, v2)


def test_an_answer_the_new_field_refuses_is_dropped_with_the_reason(tmp_path: Path) -> None:
    old = tmp_path / "oud.docx"
    old.write_bytes(
        build_docx(
            p("Welke partners doen mee?")
            + rich_block(p("Politie") + p("Scholen"), tag="partners", alias=None)
            + p("Wie is de contactpersoon?")
            + rich_block(p("Jan de Vries"), tag="contact", alias=None)
        )
    )
    new = Template.open(
        build_docx(
            p(r("Welke partners doen mee? "), plain_run(None, tag="partners", alias=None))
            + p(r("Wie is de contactpersoon? "), plain_run(None, tag="contact", alias=None))
        ),
        name="nieuw.docx",
    )
    result = migrate(old, new)
    assert result.values == {"contact": "Jan de Vries"}
    [dropped] = result.dropped
    assert dropped.value == "Politie\nScholen" and dropped.refused_by == "partners"
    assert "one line" in dropped.reason
    assert [f.key for f in result.new_open] == ["partners"]


def test_an_existing_output_is_kept_and_reported_without_stopping_the_others(
    plans: Path, v2: Template, tmp_path: Path
) -> None:
    out = tmp_path / "nieuw"
    out.mkdir()
    (out / "waalzicht.docx").write_bytes(b"eerder gemigreerd")
    paths = [plans / "waalzicht.docx", plans / "rivierenland.docx"]
    migrations = migrate_many(paths, v2, out)
    assert migrations[0].error is not None and "already exists" in migrations[0].error
    assert (out / "waalzicht.docx").read_bytes() == b"eerder gemigreerd"
    assert migrations[1].written
    again = migrate_many(paths, v2, out, overwrite=True)
    assert [m.written for m in again] == [True, True]
    assert v2.extract(out / "waalzicht.docx")["lokale_ambitie"] is not None


def test_a_plan_is_never_written_over_itself(plans: Path, v2: Template, tmp_path: Path) -> None:
    folder = tmp_path / "map"
    folder.mkdir()
    plan = folder / "waalzicht.docx"
    plan.write_bytes((plans / "waalzicht.docx").read_bytes())
    [m] = migrate_many([plan], v2, folder, overwrite=True)
    assert m.error is not None and "old plan itself" in m.error
    assert plan.read_bytes() == (plans / "waalzicht.docx").read_bytes()


def test_format_report_shows_scores_and_full_dropped_answers(
    migration: Migration, answers: dict[str, str], v1: Template
) -> None:
    text = format_report([migration])
    assert DELETED.old is not None
    for line in answers[where(v1, *DELETED.old)].split("\n"):
        assert line in text
    for change in REWORDED:
        assert change.old is not None and change.new is not None
        assert change.old[1] in text and change.new[1] in text
    assert "0.8" in text or "0.9" in text
    for change in ADDED:
        assert change.new is not None
        assert change.new[1] in text


def test_report_keeps_answers_as_text(tmp_path: Path) -> None:
    answer = '=HYPERLINK("http://example.org")\x07 en\nmeer'
    migration = Migration(
        plan="Plan",
        source=tmp_path / "plan.docx",
        title=None,
        template="nieuw.docx",
        dropped=[Dropped("k", "Sectie", "Vraag?", answer, "no matching question")],
    )
    path = tmp_path / "r.xlsx"
    path.write_bytes(report_workbook([migration]))
    assert_valid(path)
    [row] = list(load_workbook(path)["Migratie"].iter_rows(min_row=2))
    cell = row[8]
    # Text, not a formula; the bell character is kept as Excel writes it (_x0007_), not dropped.
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://example.org")_x0007_ en\nmeer', "s")
    assert _unescape(cell.value) == answer
