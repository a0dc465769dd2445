"""The core on the shipped template: fields named from context, the model, fill, extract, and the
filled document judged by the Open XML SDK validator and LibreOffice."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from docx_aanpak import Document, Kind, Template, ValidationError
from docx_aanpak.controls import Level
from judges import assert_valid, missing_from, render_text

ROOT = Path(__file__).resolve().parent.parent
SEED = Path(__file__).resolve().parent / "data" / "lokale_aanpak_template.txt"
EXAMPLE = ROOT / "examples" / "plan_waalzicht.json"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
ROW_TITLES = [
    "BORGEN VAN DE AANPAK",
    "AANDACHTSFUNCTIONARIS / ADVISEUR RADICALISERING",
    "LOKAAL BEELD",
    "SAMENWERKING",
    "PREVENTIEVE MAATREGELEN",
    "SIGNALEREN EN MELDEN",
    "PERSOONSGERICHTE AANPAK (PGA R)",
    "DESKUNDIGHEIDSBEVORDERING",
    "BONDGENOTENNETWERK/ SLEUTELFIGURENNETWERK",
    "HANDHAVING",
]


def seed_questions() -> list[str]:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip().endswith("?")]


@pytest.fixture(scope="module")
def tpl(template_path: Path) -> Template:
    return Template.open(template_path)


@pytest.fixture(scope="module")
def plan() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return data


def document_xml(data: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read("word/document.xml"))


# -- fields ---------------------------------------------------------------------------------


def test_the_template_has_thirty_fields_in_document_order(tpl: Template) -> None:
    assert len(tpl.fields) == 30
    labels = [f.label for f in tpl.fields]
    assert labels[2:] == seed_questions()
    assert labels[0].startswith(
        "Specifiek voor onze gemeente is er de volgende aanvullende ambitie"
    )
    assert labels[1].startswith("Specifiek voor onze gemeente zijn er de volgende aanvullende")
    assert all(f.kind == Kind.RICH_TEXT for f in tpl.fields)


def test_sections_come_from_headings_and_the_wat_column(tpl: Template) -> None:
    sections = list(dict.fromkeys(f.section.strip() for f in tpl.fields))
    assert sections == ["Lokale ambitie", "Lokale doelstellingen", *ROW_TITLES]


def test_keys_are_unique_identifiers_built_from_section_and_question(tpl: Template) -> None:
    keys = tpl.keys
    assert len(set(keys)) == len(keys)
    assert all(k.isidentifier() and k.isascii() and k == k.lower() for k in keys)
    assert keys[0] == "lokale_ambitie"
    assert keys[1] == "lokale_doelstellingen"
    assert keys[-1] == "handhaving"  # a section with exactly one control is named by it alone
    by_label = {f.label: f.key for f in tpl.fields}
    assert by_label["Hoe zorg ik voor continuïteit in de deskundigheidsbevordering?"] == (
        "deskundigheidsbevordering_hoe_zorg_ik_voor_continuiteit_in_de_deskundigheidsbevordering"
    )
    assert by_label["Welke collega’s voorzie ik van inhoudelijke trainingen?"].startswith(
        "deskundigheidsbevordering_welke_collegas_"
    )


def test_levels_match_how_word_saved_the_controls(tpl: Template) -> None:
    levels = {f.key: f.location.level for f in tpl.fields}
    run_level = {k for k, v in levels.items() if v == Level.RUN}
    assert {"lokale_ambitie", "lokale_doelstellingen"} <= run_level
    assert any(k.startswith("samenwerking_") for k in run_level)
    assert levels["handhaving"] == Level.BLOCK


def test_emptied_and_placeholder_controls_both_read_as_unfilled(
    tpl: Template, template_path: Path
) -> None:
    values = tpl.extract(template_path)
    assert list(values) == tpl.keys
    assert all(v is None for v in values.values())


# -- model ----------------------------------------------------------------------------------


def test_model_has_optional_fields_with_labels_and_sections(tpl: Template) -> None:
    model = tpl.model()
    schema = model.model_json_schema()
    assert list(schema["properties"]) == tpl.keys
    assert schema.get("additionalProperties") is False
    handhaving = schema["properties"]["handhaving"]
    assert handhaving["title"] == tpl.field("handhaving").label
    assert handhaving["description"] == "HANDHAVING"
    assert model().model_dump() == dict.fromkeys(tpl.keys)


def test_unknown_key_is_an_error_naming_the_closest_keys(tpl: Template) -> None:
    with pytest.raises(ValidationError) as info:
        tpl.fill({"handhavin": "x"})
    assert "unknown field 'handhavin'" in str(info.value)
    assert "'handhaving'" in str(info.value)


def test_text_xml_cannot_hold_is_an_error_naming_the_field(tpl: Template) -> None:
    with pytest.raises(ValidationError) as info:
        tpl.fill({"handhaving": "ok\x01niet ok"})
    message = str(info.value)
    assert "handhaving" in message and "U+0001" in message


def test_fill_accepts_a_model_instance(tpl: Template, plan: dict[str, Any]) -> None:
    instance = tpl.model()(**plan)
    assert tpl.extract(tpl.fill(instance)) == plan


# -- fill and extract -------------------------------------------------------------------------


def test_every_answer_round_trips(tpl: Template, plan: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "plan.docx"
    tpl.fill(plan, title="Waalzicht").save(out)
    assert tpl.extract(out) == plan
    assert Document.open(out).core_property("dc:title") == "Waalzicht"


def test_filled_plan_passes_the_validator_and_renders_every_answer(
    tpl: Template, plan: dict[str, Any], tmp_path: Path
) -> None:
    out = tmp_path / "plan.docx"
    tpl.fill(plan).save(out)
    assert_valid(out)
    text = render_text(out, layout=False)
    needles = [line for answer in plan.values() for line in answer.split("\n")]
    assert missing_from(text, needles, spaces=False) == []
    assert "Klik of tik om tekst in te voeren" not in text


def test_none_leaves_a_control_untouched(tpl: Template, template_path: Path) -> None:
    filled = tpl.fill({"handhaving": "alleen deze"})
    values = tpl.extract(filled)
    assert values["handhaving"] == "alleen deze"
    assert all(v is None for k, v in values.items() if k != "handhaving")
    original = document_xml(template_path.read_bytes())
    ours = document_xml(filled.to_bytes())
    placeholders = lambda root: len(root.findall(f".//{{{W}}}showingPlcHdr"))  # noqa: E731
    assert placeholders(ours) == placeholders(original) - 1


def test_the_control_stays_and_the_placeholder_style_goes(
    tpl: Template, plan: dict[str, Any]
) -> None:
    root = document_xml(tpl.fill(plan).to_bytes())
    assert len(root.findall(f".//{{{W}}}sdt")) == 30
    assert root.findall(f".//{{{W}}}showingPlcHdr") == []
    styles = {e.get(f"{{{W}}}val") for e in root.iter(f"{{{W}}}rStyle")}
    assert "Tekstvantijdelijkeaanduiding" not in styles
    # The 9 pt of the table cells is kept on the typed runs.
    handhaving = [s for s in root.iter(f"{{{W}}}sdt") if "gebiedsverbod" in "".join(s.itertext())]
    sizes = {
        e.get(f"{{{W}}}val") for r in handhaving[0].iter(f"{{{W}}}r") for e in r.iter(f"{{{W}}}sz")
    }
    assert sizes == {"18"}


def _without_controls(root: etree._Element) -> bytes:
    for sdt in list(root.iter(f"{{{W}}}sdt")):
        parent = sdt.getparent()
        if parent is not None:
            marker = etree.Element("control")
            parent.replace(sdt, marker)
    return etree.tostring(root, method="c14n2")


def test_outside_the_controls_the_document_is_unchanged(
    tpl: Template, template_path: Path, plan: dict[str, Any]
) -> None:
    original = document_xml(template_path.read_bytes())
    filled = document_xml(tpl.fill(plan).to_bytes())
    assert _without_controls(filled) == _without_controls(original)


def test_refilling_replaces_the_earlier_answers(
    tpl: Template, plan: dict[str, Any], tmp_path: Path
) -> None:
    first = {k: f"Eerder antwoord {i}\nmet twee regels" for i, k in enumerate(plan)}
    a_path = tmp_path / "a.docx"
    tpl.fill(first).save(a_path)
    again = Template.open(a_path).fill(plan)
    direct = tpl.fill(plan)
    assert etree.tostring(document_xml(again.to_bytes()), method="c14n2") == etree.tostring(
        document_xml(direct.to_bytes()), method="c14n2"
    )
    assert tpl.extract(again) == plan


def test_same_input_gives_byte_identical_output(tpl: Template, plan: dict[str, Any]) -> None:
    assert tpl.fill(plan, title="X").to_bytes() == tpl.fill(plan, title="X").to_bytes()
    assert tpl.fill(plan).to_bytes() != tpl.fill({**plan, "handhaving": "anders"}).to_bytes()


def test_the_template_file_is_never_modified(
    template_path: Path, plan: dict[str, Any], tmp_path: Path
) -> None:
    before = hashlib.sha256(template_path.read_bytes()).hexdigest()
    tpl = Template.open(template_path)
    tpl.fill(plan).save(tmp_path / "one.docx")
    tpl.fill({"handhaving": "twee"}).save(tmp_path / "two.docx")
    assert hashlib.sha256(template_path.read_bytes()).hexdigest() == before
    assert Template.open(template_path).extract(template_path)["handhaving"] is None


def test_filling_twice_from_one_template_does_not_leak_between_documents(
    tpl: Template, plan: dict[str, Any]
) -> None:
    tpl.fill(plan)
    second = tpl.fill({"handhaving": "twee"})
    values = tpl.extract(second)
    assert values["handhaving"] == "twee"
    assert values["lokale_ambitie"] is None


def test_empty_string_shows_the_placeholder_again(
    tpl: Template, plan: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "a.docx"
    tpl.fill(plan).save(path)
    cleared = Template.open(path).fill({"handhaving": ""})
    assert tpl.extract(cleared)["handhaving"] is None
    root = document_xml(cleared.to_bytes())
    assert len(root.findall(f".//{{{W}}}showingPlcHdr")) == 1
    assert "Klik of tik om tekst in te voeren." in "".join(root.itertext())


def test_save_refuses_to_overwrite_without_permission(tpl: Template, tmp_path: Path) -> None:
    from docx_aanpak import OutputExistsError

    path = tmp_path / "plan.docx"
    path.write_bytes(b"keep me")
    with pytest.raises(OutputExistsError):
        tpl.fill({"handhaving": "x"}).save(path)
    assert path.read_bytes() == b"keep me"
    tpl.fill({"handhaving": "x"}).save(path, overwrite=True)
    assert tpl.extract(path)["handhaving"] == "x"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.docx"]  # no temporary files left


def test_zip_members_keep_the_template_order_and_fixed_timestamps(
    tpl: Template, template_path: Path, plan: dict[str, Any]
) -> None:
    with zipfile.ZipFile(template_path) as z:
        names = z.namelist()
    with zipfile.ZipFile(io.BytesIO(tpl.fill(plan).to_bytes())) as z:
        assert z.namelist() == names
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert z.testzip() is None


def test_questions_render_next_to_answers(tpl: Template, plan: dict[str, Any]) -> None:
    # The question before each control is what the field is labelled with.
    for item in tpl.fields[2:]:
        assert re.search(r"\?\s*$", item.label)
