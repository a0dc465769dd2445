"""Stable keys across template versions (issue 10.3): ``freeze`` writes every field's key into its
control's tag and a short title into its alias, changing nothing else; after freezing, rewording,
adding and removing questions keeps every other key, and migration carries every answer by tag.
The shipped template stays untagged."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from corpus.life import edit_part
from docx_aanpak import Document, Template, freeze, migrate, migrate_many
from docx_aanpak import _ooxml as ox
from docx_aanpak.controls import ContentControl
from judges import assert_valid
from template_v2 import ADDED, CHANGES, DELETED, build_v2

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template" / "lokale_aanpak.docx"
ANSWERS: dict[str, str] = json.loads(
    (ROOT / "examples" / "plan_waalzicht.json").read_text(encoding="utf-8")
)
W = ox.NS["w"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, check=False, timeout=600,
        cwd=ROOT,
    )  # fmt: skip


@pytest.fixture(scope="module")
def v1() -> Template:
    return Template.open(TEMPLATE)


@pytest.fixture(scope="module")
def frozen_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("vast") / "lokale_aanpak_vast.docx"
    freeze(TEMPLATE).save(path)
    return path


@pytest.fixture(scope="module")
def frozen(frozen_path: Path) -> Template:
    return Template.open(frozen_path)


def without_tags_and_titles(data: bytes) -> bytes:
    root = ox.parse(data)
    for name in ("w:tag", "w:alias"):
        for element in list(root.iter(ox.qn(name))):
            parent = element.getparent()
            assert parent is not None
            parent.remove(element)
    return ox.serialize(root)


def test_the_shipped_template_is_untagged(v1: Template) -> None:
    assert all(f.tag is None and f.alias is None for f in v1.fields)


def test_freeze_tags_every_control_with_its_key_and_changes_nothing_else(
    v1: Template, frozen: Template, frozen_path: Path
) -> None:
    before = hashlib.sha256(TEMPLATE.read_bytes()).hexdigest()
    assert_valid(frozen_path)
    assert frozen.keys == v1.keys
    assert [f.tag for f in frozen.fields] == v1.keys
    titles = [f.alias for f in frozen.fields]
    assert all(titles) and all(len(t or "") <= 60 for t in titles)
    assert titles[2] == "Welke afdelingen ga ik betrekken?"
    assert titles[0] == "Lokale ambitie"  # a long question alone in its section: the section
    with zipfile.ZipFile(TEMPLATE) as a, zipfile.ZipFile(frozen_path) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            if name == "word/document.xml":
                # Without the tags and titles it added, the document is the original.
                assert without_tags_and_titles(b.read(name)) == ox.serialize(ox.parse(a.read(name)))
            else:
                assert a.read(name) == b.read(name), name
    assert hashlib.sha256(TEMPLATE.read_bytes()).hexdigest() == before


def test_tags_sit_in_schema_order(frozen_path: Path) -> None:
    root = Document.open(frozen_path).tree("word/document.xml")
    for sdt in root.iter(ox.W_SDT):
        names = [ox.local_name(child) for child in ContentControl(sdt).properties]
        assert names.index("alias") < names.index("tag") < names.index("id")


def v2_of(template: Path) -> bytes:
    """Version 2 made from ``template`` (see tests/template_v2.py). Its two new questions are
    new controls, without a tag (the prototype they are copied from would carry one)."""
    source = build_v2(template)
    with zipfile.ZipFile(template) as z:
        old_ids = {
            ContentControl(el).id for el in ox.parse(z.read("word/document.xml")).iter(ox.W_SDT)
        }

    def untag_new_controls(root: object) -> None:
        for sdt in root.iter(f"{{{W}}}sdt"):  # type: ignore[attr-defined]
            control = ContentControl(sdt)
            if control.id not in old_ids:
                for name in ("w:tag", "w:alias"):
                    element = control.properties.find(ox.qn(name))
                    if element is not None:
                        control.properties.remove(element)

    return edit_part(source, untag_new_controls)


def where(template: Template, section: str, question: str) -> str:
    [key] = [f.key for f in template.fields if f.section == section and f.label.strip() == question]
    return key


def test_after_freezing_rewording_adding_and_deleting_questions_keeps_every_other_key(
    v1: Template, frozen_path: Path
) -> None:
    renamed = {c.old: c.new for c in CHANGES if c.old is not None}
    untagged_v2 = Template.open(build_v2(TEMPLATE), name="v2.docx")
    frozen_v2 = Template.open(v2_of(frozen_path), name="v2_vast.docx")
    changed_untagged = []
    for item in v1.fields:
        old = (item.section, item.label.strip())
        new = renamed.get(old, old)
        if new is None:
            assert item.key not in frozen_v2.keys
            continue
        assert where(frozen_v2, *new) == item.key, old
        if where(untagged_v2, *new) != item.key:
            changed_untagged.append(item.key)
    # Without freezing the same edits rename keys (the HANDHAVING case among them).
    assert "handhaving" in changed_untagged
    added = [where(frozen_v2, *c.new) for c in ADDED if c.new is not None]
    assert len(set(added)) == 2 and not set(added) & set(v1.keys)


def test_migration_from_a_frozen_version_carries_every_answer_by_tag(
    frozen: Template, frozen_path: Path, tmp_path: Path
) -> None:
    plan = tmp_path / "oud" / "waalzicht.docx"
    plan.parent.mkdir()
    frozen.fill(ANSWERS, title="Waalzicht").save(plan)
    v2_path = tmp_path / "v2_vast.docx"
    v2_path.write_bytes(v2_of(frozen_path))
    v2 = Template.open(v2_path)
    result = migrate(plan, v2)
    assert result.fuzzy == []
    assert DELETED.old is not None
    [dropped] = result.dropped
    assert (dropped.section, dropped.question.strip()) == DELETED.old
    assert all(c.matched_by == "tag" for c in result.carried)
    assert {c.new_key for c in result.carried} == set(ANSWERS) - {dropped.old_key}
    assert [(f.section, f.label.strip()) for f in result.new_questions] == [c.new for c in ADDED]
    [m] = migrate_many([plan], v2, tmp_path / "nieuw")
    assert m.written and m.output is not None
    assert_valid(m.output)
    got = v2.extract(m.output)
    assert {k: v for k, v in got.items() if v is not None} == {
        k: v for k, v in ANSWERS.items() if k != dropped.old_key
    }
    # A plan filled from the untagged original migrates to the frozen version by key.
    untagged = tmp_path / "oud" / "rivierenland.docx"
    Template.open(TEMPLATE).fill(ANSWERS).save(untagged)
    again = migrate(untagged, v2)
    assert again.fuzzy == [] and len(again.carried) == len(ANSWERS) - 1


def test_the_cli_freezes_and_never_writes_over_the_template(tmp_path: Path) -> None:
    out = tmp_path / "vast.docx"
    proc = run("-m", "docx_aanpak", "freeze", str(TEMPLATE), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "30 fields" in proc.stdout
    assert Template.open(out).keys == Template.open(TEMPLATE).keys
    again = run("-m", "docx_aanpak", "freeze", str(TEMPLATE), "-o", str(out))
    assert again.returncode != 0 and "already exists" in again.stderr
    before = TEMPLATE.read_bytes()
    itself = run("-m", "docx_aanpak", "freeze", str(TEMPLATE), "-o", str(TEMPLATE),
                 "--overwrite")  # fmt: skip
    assert itself.returncode == 5 and "is the template of this run" in itself.stderr
    assert TEMPLATE.read_bytes() == before


def test_freezing_twice_changes_nothing(frozen_path: Path) -> None:
    once = frozen_path.read_bytes()
    twice = io.BytesIO()
    freeze(once).save(twice)
    with zipfile.ZipFile(io.BytesIO(once)) as a, zipfile.ZipFile(twice) as b:
        assert a.read("word/document.xml") == b.read("word/document.xml")


def test_the_example_freezes_the_shipped_template(tmp_path: Path) -> None:
    out = tmp_path / "lokale_aanpak_vast.docx"
    proc = run(str(ROOT / "examples" / "freeze_template.py"), str(out))
    assert proc.returncode == 0, proc.stderr
    assert_valid(out)
    assert [f.tag for f in Template.open(out).fields] == Template.open(TEMPLATE).keys
