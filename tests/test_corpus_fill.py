"""Every corpus document, every field: found, filled with a value of its kind, judged, read back.

Parametrised over the corpus registry (``corpus.cases.CASES``), so every case any module adds is
held to the same rules (issue 9, "Done when"):

- every ``w:sdt`` that is neither a container nor a building block (``w:docPartObj`` …) is a
  field, or a place of one (text boxes included), or part of a repeating section's items;
- filling every field with a value of its kind adds no validator error, and LibreOffice shows
  every value;
- extract returns what was filled, and scanning the filled document gives the same keys.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import warnings
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from lxml import etree

from corpus.cases import CASES, Case
from corpus.word import png_bytes
from docx_aanpak import Document, Kind, Template, TemplateError, scan
from docx_aanpak.dates import format_date
from docx_aanpak.extract import ExtractWarning
from docx_aanpak.scan import Field
from judges import missing_from, render_texts, validate

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
W15 = "{http://schemas.microsoft.com/office/word/2012/wordml}"
CONTAINERS = {f"{W}group", f"{W15}repeatingSectionItem"}
BUILDING_BLOCKS = {f"{W}{n}" for n in ("docPartObj", "docPartList", "bibliography", "citation")}
BUILDING_BLOCKS.add(f"{W}equation")
TYPES = {
    f"{W}{n}" for n in ("text", "dropDownList", "comboBox", "date", "picture", "group", "richText")
} | {"{http://schemas.microsoft.com/office/word/2010/wordml}checkbox", f"{W15}repeatingSection"}
PARAMS = [pytest.param(case, id=case.name) for case in CASES]
JUDGED = list(CASES)


# -- every control is a field ------------------------------------------------------------------


def _kind_elements(sdt: etree._Element) -> set[str]:
    pr = sdt.find(f"{W}sdtPr")
    found = set() if pr is None else {child.tag for child in pr.iter()}
    return found


@pytest.mark.parametrize("case", PARAMS)
def test_every_control_is_a_field_a_container_or_a_building_block(case: Case) -> None:
    document = Document.open(case.build(), name=case.filename)
    try:
        fields = scan(document)
    except TemplateError:
        fields = []
    covered: set[etree._Element] = set()
    for story, root in document.iter_story_trees():
        sdts = list(root.iter(f"{W}sdt"))
        for item in fields:
            for location in item.locations:
                if location.part == story.name:
                    covered.add(sdts[location.index])
                    if item.kind == Kind.REPEATING_SECTION:  # its items' controls are its own
                        covered.update(sdts[location.index].iter(f"{W}sdt"))
        for sdt in sdts:
            kinds = _kind_elements(sdt)
            content = sdt.find(f"{W}sdtContent")
            holds_controls = content is not None and content.find(f".//{W}sdt") is not None
            rich = not (kinds & TYPES) or f"{W}richText" in kinds
            if kinds & (CONTAINERS | BUILDING_BLOCKS) or (rich and holds_controls):
                continue
            assert sdt in covered, (story.name, etree.tostring(sdt)[:300])


# -- filling every field ------------------------------------------------------------------------


def value_for(item: Field, current: object, n: int, image: Path) -> object:
    """A value of the field's kind, different from what the control holds."""
    kind = item.kind
    if kind == Kind.CHECKBOX:
        return not current
    if kind == Kind.DATE:
        return dt.date(2026, 2, 1) + dt.timedelta(days=n)
    if kind == Kind.DROPDOWN:
        return item.choices[-1].value if item.choices else f"Keuze {n}"
    if kind == Kind.COMBO_BOX:
        return f"Vrije tekst {n}"
    if kind == Kind.PICTURE:
        return image
    if kind == Kind.REPEATING_SECTION:
        return [
            {c.key: value_for(c, None, n * 10 + row * 3 + i, image)
             for i, c in enumerate(item.children)}
            for row in range(1, 4)
        ]  # fmt: skip
    if kind == Kind.PLAIN_TEXT and not item.multiline:
        return f"Antwoord {n}"
    return f"Antwoord {n}\nTweede regel {n}"


def shown_text(item: Field, value: object, glyphs: dict[str, tuple[str, str]]) -> list[str]:
    """What a reader sees of a value (a checkbox: the glyph its template declares)."""
    if item.kind == Kind.DROPDOWN:
        return [next((c.display for c in item.choices if c.value == value), str(value))]
    if item.kind == Kind.DATE and isinstance(value, dt.date):
        return [format_date(value, item.date_format, item.date_lid)]
    if item.kind == Kind.CHECKBOX:
        checked, unchecked = glyphs.get(item.key, ("\u2612", "\u2610"))
        return [checked if value else unchecked]
    if isinstance(value, str):
        return [line for line in value.replace("\t", "\n").split("\n") if line]
    if isinstance(value, list):
        by_key = {c.key: c for c in item.children}
        return [s for row in value for k, v in row.items() for s in shown_text(by_key[k], v, {})]
    return []


class Filled:
    def __init__(self, case: Case, path: Path, values: dict[str, object], fields: list[Field]):
        self.case = case
        self.path = path
        self.values = values
        self.fields = fields
        self.glyphs = checkbox_glyphs(case.build(), fields)

    @property
    def shown(self) -> list[str]:
        return [s for f in self.fields for s in shown_text(f, self.values[f.key], self.glyphs)]


def checkbox_glyphs(data: bytes, fields: list[Field]) -> dict[str, tuple[str, str]]:
    """The checked and unchecked glyph each checkbox field's control declares (w14:…State)."""
    out = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for item in fields:
            if item.kind != Kind.CHECKBOX:
                continue
            root = etree.fromstring(archive.read(item.location.part))
            sdt = list(root.iter(f"{W}sdt"))[item.location.index]
            states = [sdt.find(f".//{W14}{name}") for name in ("checkedState", "uncheckedState")]
            codes = [s.get(f"{W14}val") if s is not None else None for s in states]
            out[item.key] = (chr(int(codes[0] or "2612", 16)), chr(int(codes[1] or "2610", 16)))
    return out


Filler = Callable[[Case], Filled | None]


def fill_case(case: Case, directory: Path) -> Filled | None:
    """The case with each field filled with a value of its kind (locks forced), saved in
    ``directory`` next to the template; None for a case without fields."""
    try:
        tpl = Template.open(case.build(), name=case.filename)
    except TemplateError:
        if not case.controls or all(c.kind == "group" for c in case.controls):
            return None
        raise
    with warnings.catch_warnings():  # a template's copies may differ (duplicate_tags)
        warnings.simplefilter("ignore", ExtractWarning)
        current = tpl.extract(tpl.document)
    image = directory / "wapen.png"
    if not image.exists():
        image.write_bytes(png_bytes(24, 12))
    values = {f.key: value_for(f, current[f.key], n, image) for n, f in enumerate(tpl.fields, 1)}
    path = directory / f"{case.name}.docx"
    path.write_bytes(tpl.fill(values, force=True).to_bytes())
    (directory / "templates").mkdir(exist_ok=True)
    (directory / "templates" / case.filename).write_bytes(case.build())
    return Filled(case, path, values, tpl.fields)


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Filler:
    """``filled(case)``: the case filled (once per test module run)."""
    directory = tmp_path_factory.mktemp("corpus_filled")
    done: dict[str, Filled | None] = {}

    def get(case: Case) -> Filled | None:
        if case.name not in done:
            done[case.name] = fill_case(case, directory)
        return done[case.name]

    return get


@pytest.mark.parametrize("case", PARAMS)
def test_filled_documents_read_back_and_keep_their_keys(case: Case, filled: Filler) -> None:
    done = filled(case)
    if done is None:
        return  # nothing to fill
    tpl = Template.open(case.build(), name=case.filename)
    before = [(f.key, f.kind, len(f.locations)) for f in tpl.fields]
    after = [(f.key, f.kind, len(f.locations)) for f in scan(Document.open(done.path))]
    assert after == before
    extracted = tpl.extract(done.path)
    expected = {k: None if isinstance(v, Path) else v for k, v in done.values.items()}
    assert extracted == expected


def judged(filled: Filler) -> list[Filled]:
    """The filled cases the batched judges look at (none pending)."""
    return [d for c in JUDGED if (d := filled(c)) is not None]


def _errors(path: Path) -> set[str]:
    report = validate(path)
    return {
        json.dumps({k: v for k, v in e.items() if k != "file"}, sort_keys=True)
        for e in report.get("errors", [])  # type: ignore[union-attr]
    }


@pytest.mark.slow
def test_filling_every_field_adds_no_validator_error(filled: Filler) -> None:
    done = judged(filled)
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        found = pool.map(_errors, (d.path for d in done))
        errors = dict(zip((d.case.name for d in done), found, strict=True))
    problems = {}
    for item in done:
        if errors[item.case.name]:  # only errors the template does not have count
            template = item.path.parent / "templates" / item.case.filename
            added = errors[item.case.name] - _errors(template)
            if added:
                problems[item.case.name] = sorted(added)[:3]
    assert not problems, json.dumps(problems, indent=2, ensure_ascii=False)[:6000]


@pytest.mark.slow
def test_libreoffice_shows_every_filled_value(filled: Filler) -> None:
    done = judged(filled)
    texts = render_texts([d.path for d in done], layout=False)
    problems = {}
    for item in done:
        missing = missing_from(texts[item.path.resolve()], item.shown, spaces=False)
        if missing:
            problems[item.case.name] = missing
    assert not problems, problems
