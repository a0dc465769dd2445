"""Every kind of control in every place, as Word writes them (the corpus), read, typed, filled and
read back; outputs judged by the Open XML SDK validator and LibreOffice."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from corpus.cases import CASES, Case, ExpectedControl
from corpus.word import png_bytes
from docx_aanpak import Document, FillError, Kind, Template, ValidationError, scan
from docx_aanpak.extract import extract_values
from judges import assert_valid, missing_from, render_texts

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
BY_NAME = {case.name: case for case in CASES}


def template(name: str, **options: Any) -> Template:
    case = BY_NAME[name]
    return Template.open(case.build(), name=case.filename, **options)


def xml_of(data: bytes, part: str = "word/document.xml") -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read(part))


def expected_fields(case: Case) -> list[ExpectedControl]:
    """The corpus lists every control; fields are the ones that hold a value. Groups and rich
    text around other controls are containers (their children are the fields), and the children
    of a repeating section are part of the section's value."""
    parents = {c.parent_tag for c in case.controls if c.parent_tag}
    sections = {c.tag for c in case.controls if c.kind == "repeating_section"}
    return [
        c
        for c in case.controls
        if c.kind != "group"
        and not c.fallback  # a text box's VML copy is a second location of the field
        and not (c.kind == "rich_text" and c.tag in parents)
        and c.parent_tag not in sections
    ]


def expected_value(control: ExpectedControl) -> object:
    # A row-level control's answer is its last cell; its first cell holds the question.
    if control.level == "row" and isinstance(control.value, str):
        return control.value.split("\n")[-1]
    return control.value


def expected_label(control: ExpectedControl) -> str | None:
    # A row-level control is named by what stands before its table, never by its own cells.
    return control.label


SCANNED = [c for c in CASES if c.name != "duplicate_tags"]


@pytest.mark.parametrize("case", SCANNED, ids=[c.name for c in SCANNED])
def test_every_control_is_found_typed_and_read(case: Case) -> None:
    document = Document.open(case.build(), name=case.filename)
    fields = scan(document)
    values = extract_values(document, fields)
    expected = expected_fields(case)
    assert len(fields) == len(expected)
    for item, control in zip(fields, expected, strict=True):
        assert item.kind.value == control.kind
        assert item.location.part == control.part
        assert item.location.level.value == control.level
        assert item.tag == control.tag
        assert item.alias == control.alias
        assert item.lock == control.lock
        assert item.bound == control.bound
        if control.tag:
            assert item.key == control.tag
        if control.choices is not None:
            assert tuple(c.value for c in item.choices) == control.choices
            assert tuple(c.display for c in item.choices) == control.display
        if control.label is not None:
            assert item.label == expected_label(control)
        assert values[item.key] == expected_value(control), item.key


# -- filling every case --------------------------------------------------------------------------


def value_for(item: Any, current: object, image: Path) -> object:
    """A new value of the field's type, different from what the control holds."""
    kind = item.kind
    if kind == Kind.CHECKBOX:
        return not current
    if kind == Kind.DATE:
        return dt.date(2026, 2, 15)
    if kind == Kind.DROPDOWN:
        return item.choices[-1].value
    if kind == Kind.COMBO_BOX:
        return f"Vrije tekst voor {item.key}"
    if kind == Kind.PICTURE:
        return image
    if kind == Kind.REPEATING_SECTION:
        return [{child.key: f"{child.key} {n}" for child in item.children} for n in range(1, 4)]
    if kind == Kind.PLAIN_TEXT and not item.multiline:
        return f"Antwoord {item.key}"
    return f"Antwoord {item.key}\nmet een tweede regel\tna een tab"


FILLABLE = [c for c in SCANNED if c.controls]


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict[str, object]]]:
    """Every corpus case filled with new values of each field's type (locked ones forced)."""
    directory = tmp_path_factory.mktemp("filled")
    image = directory / "logo.png"
    image.write_bytes(png_bytes(32, 16))
    result = {}
    for case in FILLABLE:
        tpl = Template.open(case.build(), name=case.filename)
        current = tpl.extract(tpl.document)
        values = {f.key: value_for(f, current[f.key], image) for f in tpl.fields}
        out = directory / f"{case.name}.docx"
        tpl.fill(values, force=True).save(out)
        result[case.name] = (out, values)
        SHOWN[case.name] = [shown for f in tpl.fields for shown in shown_text(f, values[f.key])]
    return result


SHOWN: dict[str, list[str]] = {}


def shown_text(item: Any, value: object) -> list[str]:
    """The lines a reader sees for a value: list items show their display text."""
    if item.kind in (Kind.DROPDOWN, Kind.COMBO_BOX):
        return [next((c.display for c in item.choices if c.value == value), str(value))]
    if isinstance(value, str):
        return value.replace("\t", "\n").split("\n")
    if isinstance(value, list):
        return [str(v) for row in value for v in row.values()]
    if isinstance(value, dt.date):
        return []  # the formatted text is checked in test_date_writes_full_date…
    return []


def test_filled_outputs_read_back_what_was_filled(
    filled: dict[str, tuple[Path, dict[str, object]]],
) -> None:
    for name, (path, values) in filled.items():
        tpl = Template.open(BY_NAME[name].build(), name=BY_NAME[name].filename)
        extracted = tpl.extract(path)
        for key, value in values.items():
            if isinstance(value, Path):
                assert extracted[key] is None  # pictures are write-only
            else:
                assert extracted[key] == value, (name, key)


def test_filled_outputs_pass_the_validator(
    filled: dict[str, tuple[Path, dict[str, object]]],
) -> None:
    assert_valid(*(path for path, _ in filled.values()))


def test_filled_outputs_render_their_answers_in_libreoffice(
    filled: dict[str, tuple[Path, dict[str, object]]],
) -> None:
    texts = render_texts([path for path, _ in filled.values()], layout=False)
    for name, (path, _) in filled.items():
        assert missing_from(texts[path.resolve()], SHOWN[name], spaces=False) == [], name


# -- kinds -----------------------------------------------------------------------------------------


def test_dropdown_writes_the_display_text_and_rejects_other_values() -> None:
    tpl = template("dropdown_unfilled")
    item = tpl.fields[0]
    chosen = item.choices[1]
    root = xml_of(tpl.fill({item.key: chosen.value}).to_bytes())
    assert chosen.display in "".join(root.itertext())
    lists = root.findall(f".//{{{W}}}dropDownList")
    assert lists[0].get(f"{{{W}}}lastValue") == chosen.value
    with pytest.raises(ValidationError) as info:
        tpl.fill({item.key: "niet in de lijst"})
    assert item.key in str(info.value)


def test_date_writes_full_date_and_dutch_month_names() -> None:
    tpl = template("date_unfilled")
    key = tpl.fields[0].key
    root = xml_of(tpl.fill({key: dt.date(2025, 10, 3)}).to_bytes())
    date = root.find(f".//{{{W}}}date")
    assert date is not None and date.get(f"{{{W}}}fullDate") == "2025-10-03T00:00:00Z"
    assert "3 oktober 2025" in "".join(root.itertext())
    with pytest.raises(ValidationError):
        tpl.fill({key: "geen datum"})


def test_checkbox_state_glyph_and_font_change_together() -> None:
    tpl = template("checkbox_unchecked")
    key = tpl.fields[0].key
    root = xml_of(tpl.fill({key: True}).to_bytes())
    checked = root.find(f".//{{{W14}}}checked")
    assert checked is not None and checked.get(f"{{{W14}}}val") == "1"
    sdt = root.find(f".//{{{W}}}sdt")
    assert sdt is not None
    runs = sdt.findall(f".//{{{W}}}sdtContent//{{{W}}}r")
    assert len(runs) == 1
    assert "".join(runs[0].itertext()) == "☒"
    fonts = runs[0].find(f"{{{W}}}rPr/{{{W}}}rFonts")
    assert fonts is not None and fonts.get(f"{{{W}}}ascii") == "MS Gothic"


def test_repeating_section_clones_items_with_fresh_unique_ids() -> None:
    tpl = template("repeating_section")
    item = tpl.fields[0]
    rows = [{c.key: f"{c.key} {n}" for c in item.children} for n in range(4)]
    data = tpl.fill({item.key: rows}).to_bytes()
    root = xml_of(data)
    ids = [e.get(f"{{{W}}}val") for e in root.iter(f"{{{W}}}id")]
    assert len(ids) == len(set(ids))
    items = root.findall(
        ".//{http://schemas.microsoft.com/office/word/2012/wordml}repeatingSectionItem"
    )
    assert len(items) == 4
    assert tpl.extract(data)[item.key] == rows
    fewer = tpl.fill({item.key: rows[:1]}).to_bytes()
    assert tpl.extract(fewer)[item.key] == rows[:1]


def test_group_children_are_fields_and_the_group_survives() -> None:
    tpl = template("group")
    assert [f.key for f in tpl.fields] == ["wethouder_naam", "portefeuille"]
    data = tpl.fill({"wethouder_naam": "P. de Boer", "portefeuille": "wonen"}).to_bytes()
    root = xml_of(data)
    assert root.find(f".//{{{W}}}group") is not None
    assert tpl.extract(data) == {"wethouder_naam": "P. de Boer", "portefeuille": "wonen"}


def test_picture_gets_new_image_bytes_through_a_new_relationship(tmp_path: Path) -> None:
    tpl = template("picture")
    key = tpl.fields[0].key
    image = tmp_path / "wapen.png"
    image.write_bytes(png_bytes(40, 20))
    data = tpl.fill({key: image}).to_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        rels = etree.fromstring(z.read("word/_rels/document.xml.rels"))
        blip = xml_of(data).find(".//{http://schemas.openxmlformats.org/drawingml/2006/main}blip")
        assert blip is not None
        rid = blip.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed")
        target = next(r.get("Target") for r in rels if r.get("Id") == rid)
        assert z.read(f"word/{target}") == image.read_bytes()
    extent = xml_of(data).find(
        ".//{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}extent"
    )
    assert extent is not None
    assert int(extent.get("cx", "0")) == 2 * int(extent.get("cy", "0"))  # 40 x 20 keeps 2:1
    not_an_image = tmp_path / "notitie.txt"
    not_an_image.write_text("geen plaatje", encoding="utf-8")
    with pytest.raises(FillError, match="not an image"):
        tpl.fill({key: not_an_image})
    with pytest.raises(ValidationError, match="no image file"):
        tpl.fill({key: tmp_path / "ontbreekt.png"})


def test_placeholder_split_over_runs_is_replaced_entirely() -> None:
    tpl = template("placeholder_split_runs")
    key = tpl.fields[0].key
    root = xml_of(tpl.fill({key: "Nieuw"}).to_bytes())
    text = "".join(root.itertext())
    assert "Klik of tik" not in text and "in te voeren" not in text
    assert "Nieuw" in text


def test_empty_and_self_closing_content_is_filled() -> None:
    tpl = template("empty_content")
    values = {f.key: f"gevuld {f.key}" for f in tpl.fields}
    assert tpl.extract(tpl.fill(values)) == values


def test_content_locked_controls_need_force() -> None:
    tpl = template("locked_controls")
    locked = next(f for f in tpl.fields if f.lock == "contentLocked")
    with pytest.raises(FillError, match="locked"):
        tpl.fill({locked.key: "anders"})
    assert tpl.extract(tpl.fill({locked.key: "anders"}, force=True))[locked.key] == "anders"
    free = next(f for f in tpl.fields if f.lock == "sdtLocked")  # the control, not its content
    assert tpl.extract(tpl.fill({free.key: "mag"}))[free.key] == "mag"


# -- places --------------------------------------------------------------------------------------


def test_headers_footers_and_notes_are_filled_in_their_own_parts() -> None:
    tpl = template("parts_header_footer_notes")
    values = {f.key: f"nieuw {f.key}" for f in tpl.fields}
    data = tpl.fill(values).to_bytes()
    for item in tpl.fields:
        root = xml_of(data, item.location.part)
        assert f"nieuw {item.key}" in "".join(root.itertext()), item.location.part
    assert tpl.extract(data) == values


# -- data binding ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["bound_plain_text", "bound_date", "bound_w15"])
def test_bound_controls_update_the_custom_xml_part(name: str) -> None:
    tpl = template(name)
    item = tpl.fields[0]
    value: object = dt.date(2027, 1, 31) if item.kind == Kind.DATE else "Nieuwe waarde"
    data = tpl.fill({item.key: value}).to_bytes()
    custom = xml_of(data, "customXml/item1.xml")
    stored = "".join(custom.itertext())
    assert ("2027-01-31" if item.kind == Kind.DATE else "Nieuwe waarde") in stored
    assert tpl.extract(data)[item.key] == value


def test_extraction_prefers_the_bound_value() -> None:
    case = BY_NAME["bound_plain_text"]
    document = Document.open(case.build())
    fields = scan(document)
    # The document text is stale ("Gemeente Voorbeeld"); Word shows the custom XML value.
    assert extract_values(document, fields)[fields[0].key] == case.controls[0].value


# -- languages and packages -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "placeholder"),
    [
        ("localized_nl", "Klik of tik om tekst in te voeren."),
        ("localized_en", "Click or tap here to enter text."),
        ("localized_de", "Klicken oder tippen Sie hier, um Text einzugeben."),
    ],
)
def test_clearing_shows_the_localized_placeholder_again(name: str, placeholder: str) -> None:
    tpl = template(name)
    key = next(f.key for f in tpl.fields if f.kind == Kind.RICH_TEXT)
    filled = Template.open(tpl.fill({key: "iets"}).to_bytes())
    cleared = filled.fill({key: ""}).to_bytes()
    assert placeholder in "".join(xml_of(cleared).itertext())
    assert tpl.extract(cleared)[key] is None


def test_a_dotx_template_gives_a_docx() -> None:
    tpl = template("template_dotx")
    data = tpl.fill({tpl.fields[0].key: "tekst"}).to_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        types = z.read("[Content_Types].xml").decode()
    assert "wordprocessingml.document.main+xml" in types
    assert "template.main+xml" not in types


def test_controls_sharing_a_tag_and_kind_are_one_field_unless_strict() -> None:
    from docx_aanpak import TemplateError

    merged = template("duplicate_tags")
    assert [f.key for f in merged.fields] == ["naam"]
    assert len(merged.fields[0].locations) == 2
    data = merged.fill({"naam": "Beiden"}).to_bytes()
    assert "".join(xml_of(data).itertext()).count("Beiden") == 2
    with pytest.raises(TemplateError, match="tag 'naam' is used by two controls"):
        template("duplicate_tags", duplicate_tags="error")


def test_context_keys_that_collide_are_numbered_with_a_warning() -> None:
    from corpus.word import build_docx
    from docx_aanpak import KeyCollisionWarning

    block = (
        '<w:sdt><w:sdtPr><w:id w:val="{}"/><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:p>'
        "<w:r><w:t>x</w:t></w:r></w:p></w:sdtContent></w:sdt>"
    )
    body = (
        "<w:p><w:r><w:t>Naam?</w:t></w:r></w:p>" + block.format(1)
        + "<w:p><w:r><w:t>Naam?</w:t></w:r></w:p>" + block.format(2)
    )  # fmt: skip
    with pytest.warns(KeyCollisionWarning, match="naam_2"):
        tpl = Template.open(build_docx(body))
    assert [f.key for f in tpl.fields] == ["naam", "naam_2"]
