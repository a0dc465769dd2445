"""Property test: random values of each field's type, filled into one document holding every kind
of control, come back unchanged from extract, and the Open XML SDK validator stays happy."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.cases import (
    PORTEFEUILLES,
    _id,
    checkbox_run,
    date_run,
    dropdown_run,
    plain_run,
    rich_block,
    rich_run,
)
from corpus.word import build_docx, p, r, sdt, sdt_pr, tc, tr
from docx_aanpak import Kind, Template
from judges import assert_valid

END = "<w:sdtEndPr/>"
REGIOS = (("Holland Rijnland", "hr"), ("Haaglanden", "hl"))


def every_kind_docx() -> bytes:
    partner = p(r("Partner: "), plain_run(None, tag="partner", alias="Partner", salt="i0"))
    item = sdt(
        sdt_pr(sdt_id=_id("item", "0"), ext_xml="<w15:repeatingSectionItem/>"), partner, end_pr=END
    )
    section = sdt(
        sdt_pr(sdt_id=_id("partners"), tag="partners", ext_xml="<w15:repeatingSection/>"),
        item,
        end_pr=END,
    )
    group = sdt(
        sdt_pr(sdt_id=_id("groep"), tag="groep", type_xml="<w:group/>"),
        p(r("Portefeuille: "), dropdown_run(None, PORTEFEUILLES, tag="portefeuille", alias=None)),
        end_pr=END,
    )
    multi = sdt(
        sdt_pr(sdt_id=_id("adres"), tag="adres", type_xml='<w:text w:multiLine="1"/>'),
        r("Postbus 1"),
    )
    cell = (
        '<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>'
        '<w:gridCol w:w="4531"/><w:gridCol w:w="4531"/></w:tblGrid>'
        + tr(tc(p("Inwoners")), tc(rich_block(None, tag="inwoners", alias=None)))
        + "</w:tbl>"
    )
    body = "".join(
        [
            p("Aanleiding?"),
            rich_block(None, tag="aanleiding", alias=None),
            p(r("Titel: "), rich_run(None, tag="titel", alias=None)),
            p(r("Gemeente: "), plain_run(None, tag="gemeente", alias=None)),
            p(r("Postadres: "), multi),
            p(r("Regio: "), dropdown_run(None, REGIOS, tag="regio", alias=None, combo=True)),
            p(r("Terrein: "), dropdown_run(None, PORTEFEUILLES, tag="terrein", alias=None)),
            p(r("Vastgesteld: "), date_run(None, tag="vastgesteld", alias=None)),
            p(r("Besproken: "), checkbox_run(False, tag="besproken", alias=None)),
            p("Partners?"),
            section,
            group,
            cell,
            p(""),
        ]
    )
    return build_docx(body)


XML_CHAR = re.compile("^[\t\n\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*$")
line = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
    min_size=1,
    max_size=30,
).filter(lambda s: bool(XML_CHAR.match(s)) and s.strip() != "")
lines = st.lists(line, min_size=1, max_size=3).map("\n".join)


@pytest.fixture(scope="module")
def tpl() -> Template:
    return Template.open(every_kind_docx(), name="every_kind.docx")


def strategy_for(tpl: Template) -> st.SearchStrategy[dict[str, object]]:
    parts: dict[str, st.SearchStrategy[object]] = {}
    for item in tpl.fields:
        if item.kind == Kind.DROPDOWN:
            parts[item.key] = st.sampled_from([c.value for c in item.choices])
        elif item.kind == Kind.DATE:
            parts[item.key] = st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31))
        elif item.kind == Kind.CHECKBOX:
            parts[item.key] = st.booleans()
        elif item.kind == Kind.REPEATING_SECTION:
            child = item.children[0].key
            parts[item.key] = st.lists(st.fixed_dictionaries({child: line}), min_size=1, max_size=4)
        elif item.kind in (Kind.PLAIN_TEXT, Kind.COMBO_BOX) and not item.multiline:
            parts[item.key] = line
        else:
            parts[item.key] = lines
    return st.fixed_dictionaries(parts)


def test_the_document_holds_every_kind(tpl: Template) -> None:
    kinds = {f.kind for f in tpl.fields}
    assert kinds >= {
        Kind.RICH_TEXT,
        Kind.PLAIN_TEXT,
        Kind.DROPDOWN,
        Kind.COMBO_BOX,
        Kind.DATE,
        Kind.CHECKBOX,
        Kind.REPEATING_SECTION,
    }
    assert "portefeuille" in tpl.keys  # inside the group


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_values_round_trip_and_stay_valid(
    tpl: Template, data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    values = data.draw(strategy_for(tpl))
    out = tmp_path_factory.mktemp("every_kind") / "filled.docx"
    tpl.fill(values).save(out)
    assert tpl.extract(out) == values
    assert_valid(out)
