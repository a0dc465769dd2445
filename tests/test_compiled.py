"""The compiled fast path writes exactly what the tree path writes."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.cases import CASES
from docx_aanpak import Template
from docx_aanpak import _ooxml as ox
from docx_aanpak.fill import FillContext, fill_document

XML_CHAR = re.compile("^[\t\n\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*$")
text = st.text(
    st.one_of(
        st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
        st.sampled_from(["\n", "\t", " ", "&", "<", ">", '"', "]", "\u00a0"]),
    ),
    max_size=40,
).filter(lambda s: bool(XML_CHAR.match(s)))


@pytest.fixture(scope="module")
def tpl(template_path: Path) -> Template:
    return Template.open(template_path)


def both_paths(tpl: Template, values: dict[str, object]) -> tuple[bytes, bytes]:
    context = FillContext.of(tpl.document, tpl.fields)
    assert context.compiled, "the shipped template should compile"
    fast = fill_document(tpl.document, tpl.fields, values, context)
    slow = fill_document(tpl.document, tpl.fields, values, replace(context, compiled={}))
    return fast.to_bytes(), slow.to_bytes()


def test_the_shipped_template_compiles_every_field(tpl: Template) -> None:
    context = FillContext.of(tpl.document, tpl.fields)
    (part,) = context.compiled.values()
    assert len(part.slots) == 30
    # Nothing rendered: the part is exactly the template's part.
    assert part.render({}) == ox.serialize(tpl.document.tree(part.part))


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(values=st.lists(text, min_size=30, max_size=30))
def test_fast_and_tree_paths_write_the_same_bytes(tpl: Template, values: list[str]) -> None:
    data: dict[str, object] = dict(zip(tpl.keys, values, strict=True))
    fast, slow = both_paths(tpl, data)
    assert fast == slow


def test_untouched_and_cleared_controls_match_too(tpl: Template) -> None:
    data: dict[str, object] = {tpl.keys[0]: "", tpl.keys[5]: "x"}  # "" shows the placeholder
    fast, slow = both_paths(tpl, data)
    assert fast == slow


@pytest.mark.parametrize("name", [c.name for c in CASES if c.controls])
def test_corpus_documents_fill_the_same_either_way(name: str) -> None:
    case = next(c for c in CASES if c.name == name)
    if name == "duplicate_tags":
        tpl = Template.open(case.build(), duplicate_tags="merge")
    else:
        tpl = Template.open(case.build())
    data = {f.key: "tekst" for f in tpl.fields if f.kind.value in ("rich_text", "plain_text")}
    context = FillContext.of(tpl.document, tpl.fields)
    fast = fill_document(tpl.document, tpl.fields, data, replace(context, force=True))
    slow = fill_document(tpl.document, tpl.fields, data,
                         replace(context, compiled={}, force=True))  # fmt: skip
    assert fast.to_bytes() == slow.to_bytes()
