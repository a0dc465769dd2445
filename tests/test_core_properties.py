"""Property tests: any text a Word document can hold survives fill -> save -> extract, and text it
cannot hold is rejected with an error naming the field."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docx_aanpak import Template, ValidationError

XML_CHAR = re.compile("^[\t\n\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*$")

# Arbitrary Unicode that XML 1.0 can hold (no "\r": line endings are normalised to "\n"), with
# newlines, tabs, emoji, right-to-left scripts and spaces at both ends well represented.
pieces = st.one_of(
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"
        ),
        max_size=20,
    ),
    st.sampled_from(["\n", "\t", " ", "  ", "😀", "שלום", "مرحبا", "ĳ", "é", "€", "\u200f"]),
)
xml_text = (
    st.lists(pieces, min_size=1, max_size=8)
    .map("".join)
    .filter(lambda s: s != "" and bool(XML_CHAR.match(s)))
)

not_xml = st.sampled_from(["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1f", "\ufffe", "\uffff"])


@pytest.fixture(scope="module")
def tpl(template_path: Path) -> Template:
    return Template.open(template_path)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(run_level=xml_text, block_level=xml_text)
def test_any_xml_text_survives_fill_save_extract(
    tpl: Template, run_level: str, block_level: str
) -> None:
    values = {"lokale_ambitie": run_level, "handhaving": block_level}
    buffer = io.BytesIO()
    tpl.fill(values).save(buffer)
    buffer.seek(0)
    extracted = tpl.extract(buffer.getvalue())
    assert extracted["lokale_ambitie"] == run_level
    assert extracted["handhaving"] == block_level


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(prefix=xml_text, bad=not_xml, suffix=xml_text)
def test_text_xml_cannot_hold_is_rejected_naming_the_field(
    tpl: Template, prefix: str, bad: str, suffix: str
) -> None:
    with pytest.raises(ValidationError) as info:
        tpl.fill({"handhaving": prefix + bad + suffix})
    assert "handhaving" in str(info.value)
    assert f"U+{ord(bad):04X}" in str(info.value)


def test_line_endings_are_normalised(tpl: Template) -> None:
    filled = tpl.fill({"handhaving": "a\r\nb\rc"})
    assert tpl.extract(filled)["handhaving"] == "a\nb\nc"
