"""Values at the edge of what Word can hold are written so that the validator and LibreOffice
accept them: dates before the year 1000 and pictures of extreme proportions."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from corpus.cases import by_name
from corpus.word import png_bytes
from docx_aanpak import Template
from docx_aanpak.dates import format_date
from judges import assert_valid, missing_from, render_texts

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
FRAME = 914400  # the corpus picture control's frame: 914400 x 914400 EMU


def document_xml(data: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read("word/document.xml"))


def template(name: str) -> Template:
    case = by_name(name)
    return Template.open(case.build(), name=case.filename)


# -- dates -------------------------------------------------------------------------------------

EARLY = [dt.date(1, 1, 1), dt.date(999, 12, 31), dt.date(45, 7, 4)]


def test_format_date_writes_four_digit_years() -> None:
    assert format_date(dt.date(1, 1, 1), "d MMMM yyyy", "nl-NL") == "1 januari 0001"
    assert format_date(dt.date(45, 7, 4), "dd-MM-yyyy", "nl-NL") == "04-07-0045"
    assert format_date(dt.date(5, 3, 9), "d-M-yy", "nl-NL") == "9-3-05"


def test_dates_before_the_year_1000_are_valid_and_read_back(tmp_path: Path) -> None:
    tpl = template("date_unfilled")
    key = tpl.fields[0].key
    paths = []
    for day in EARLY:
        data = tpl.fill({key: day}).to_bytes()
        date = document_xml(data).find(f".//{W}date")
        assert date is not None
        assert date.get(f"{W}fullDate") == f"{day.year:04d}-{day:%m-%d}T00:00:00Z"
        assert tpl.extract(data)[key] == day
        paths.append(tmp_path / f"{day.isoformat()}.docx")
        paths[-1].write_bytes(data)
    assert_valid(*paths)
    texts = render_texts(paths)
    for day, path in zip(EARLY, paths, strict=True):
        shown = format_date(day, "d MMMM yyyy", "nl-NL")
        assert missing_from(texts[path.resolve()], [shown]) == [], shown


# -- pictures ----------------------------------------------------------------------------------


def extents(data: bytes) -> list[tuple[int, int]]:
    root = document_xml(data)
    return [
        (int(e.get("cx", "0")), int(e.get("cy", "0")))
        for e in [*root.iter(f"{WP}extent"), *root.iter(f"{A}ext")]
    ]


@pytest.mark.parametrize(
    ("width", "height", "expected"),
    [
        (40, 20, (FRAME, FRAME // 2)),  # wide: as wide as the frame
        (20, 40, (FRAME // 2, FRAME)),  # tall: as high as the frame
        (1, 100_000, (round(FRAME / 100_000), FRAME)),  # a line, never taller than the frame
        (100_000, 1, (FRAME, round(FRAME / 100_000))),
    ],
)
def test_a_picture_is_fitted_into_its_frame(
    tmp_path: Path, width: int, height: int, expected: tuple[int, int]
) -> None:
    tpl = template("picture")
    image = tmp_path / "beeld.png"
    image.write_bytes(png_bytes(width, height))
    data = tpl.fill({tpl.fields[0].key: image}).to_bytes()
    found = extents(data)
    assert found and all(extent == expected for extent in found)


def test_a_picture_of_extreme_proportions_passes_the_judges(tmp_path: Path) -> None:
    tpl = template("picture")
    paths = []
    for width, height in ((1, 100_000), (100_000, 1)):
        image = tmp_path / f"beeld_{width}x{height}.png"
        image.write_bytes(png_bytes(width, height))
        paths.append(tmp_path / f"plan_{width}x{height}.docx")
        tpl.fill({tpl.fields[0].key: image}).save(paths[-1])
    assert_valid(*paths)
    texts = render_texts(paths)
    question = by_name("picture").controls[0].label
    assert question is not None
    for path in paths:
        assert missing_from(texts[path.resolve()], [question]) == []


# -- checkboxes ----------------------------------------------------------------------------------


def test_a_checkbox_with_a_glyph_code_that_is_no_character_gets_words_default_box() -> None:
    case = by_name("checkbox_unchecked")
    data = case.build()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["word/document.xml"] = parts["word/document.xml"].replace(
        b'w14:checkedState w14:val="2612"', b'w14:checkedState w14:val="zz12"'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    tpl = Template.open(buffer.getvalue(), name=case.filename)
    key = tpl.fields[0].key
    filled = tpl.fill({key: True}).to_bytes()
    assert "\u2612" in "".join(document_xml(filled).itertext())
    assert tpl.extract(filled)[key] is True
