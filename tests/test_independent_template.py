"""A template rebuilt independently — the same questions, other structural choices — is read just
as well: the same fields under the same keys, filled and read back."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from corpus.cases import _id
from corpus.word import build_docx, heading, locale, p, placeholder_run, r, sdt, sdt_pr, tc, tr
from docx_aanpak import Template
from judges import assert_valid

ROOT = Path(__file__).resolve().parent.parent
PLAN = json.loads((ROOT / "examples" / "plan_waalzicht.json").read_text(encoding="utf-8"))
DOCPART = "DefaultPlaceholder_-1854013440"
TOP_SECTIONS = ("Lokale ambitie", "Lokale doelstellingen")


def sections(tpl: Template) -> list[tuple[str, list[str]]]:
    """(section, [question, …]) in document order, as a person reads them in the template."""
    result: list[tuple[str, list[str]]] = []
    for item in tpl.fields:
        if not result or result[-1][0] != item.section:
            result.append((item.section, []))
        result[-1][1].append(item.label)
    return result


def rich_block(n: int, lang: str, *, split: bool = False) -> str:
    loc = locale(lang)
    text = loc.text_placeholder
    runs = (
        [placeholder_run(text[:8], loc), placeholder_run(text[8:], loc)]
        if split
        else [placeholder_run(text, loc)]
    )
    pr = sdt_pr(sdt_id=_id("alt", str(n)), docpart=DOCPART, showing=True, type_xml="<w:richText/>")
    return sdt(pr, p(*runs), end_pr="<w:sdtEndPr/>")


def rich_run(n: int, lang: str) -> str:
    loc = locale(lang)
    pr = sdt_pr(sdt_id=_id("alt", str(n)), docpart=DOCPART, showing=True)
    return sdt(pr, placeholder_run(loc.text_placeholder, loc))


def headings_only(parts: list[tuple[str, list[str]]]) -> bytes:
    """English Word, no table: every row title is a heading 2, every control run-level in its own
    paragraph under its question."""
    lang, n = "en-US", 0
    body = [heading("Ambitie en doelstellingen", 1, locale(lang))]
    for section, questions in parts:
        if section not in TOP_SECTIONS and "Activiteiten" not in "".join(body):
            body.append(heading("Activiteiten", 1, locale(lang)))
        body.append(heading(section, 2, locale(lang)))
        for question in questions:
            n += 1
            body += [p(question), p(rich_run(n, lang))]
    return build_docx("".join(body), lang=lang)


def two_column_table(parts: list[tuple[str, list[str]]]) -> bytes:
    """Dutch Word, a two-column table (title | questions with block-level controls, placeholders
    split over runs); the two top sections hold run-level controls right after their sentence."""
    lang, n = "nl-NL", 0
    body = [heading("Ambitie en doelstellingen", 1, locale(lang))]
    rows = []
    for section, questions in parts:
        if section in TOP_SECTIONS:
            n += 1
            body += [heading(section, 2, locale(lang)), p(r(questions[0] + " "), rich_run(n, lang))]
            continue
        answers = []
        for question in questions:
            n += 1
            answers += [p(question), rich_block(n, lang, split=True)]
        rows.append(tr(tc(p(r(section, props="<w:rPr><w:b/></w:rPr>"))), tc(*answers, p(""))))
    grid = '<w:tblGrid><w:gridCol w:w="3000"/><w:gridCol w:w="6000"/></w:tblGrid>'
    table = (
        f'<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr>{grid}{"".join(rows)}</w:tbl>'
    )
    body += [heading("Activiteiten", 1, locale(lang)), table, p("")]
    return build_docx("".join(body), lang=lang)


BUILDERS: dict[str, Callable[[list[tuple[str, list[str]]]], bytes]] = {
    "headings_only": headings_only,
    "two_column_table": two_column_table,
}


@pytest.fixture(scope="module")
def shipped(template_path: Path) -> Template:
    return Template.open(template_path)


@pytest.mark.parametrize("variant", BUILDERS)
def test_an_independent_rebuild_gives_the_same_fields(
    variant: str, shipped: Template, tmp_path: Path
) -> None:
    rebuilt = Template.open(BUILDERS[variant](sections(shipped)), name=f"{variant}.docx")
    assert [f.key for f in rebuilt.fields] == shipped.keys
    assert [(f.section, f.label) for f in rebuilt.fields] == [
        (f.section, f.label) for f in shipped.fields
    ]
    out = tmp_path / f"{variant}.docx"
    rebuilt.fill(PLAN).save(out)
    values: dict[str, Any] = rebuilt.extract(out)
    assert values == PLAN
    assert_valid(out)
