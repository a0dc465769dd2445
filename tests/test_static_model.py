"""The shipped static model (for IDE completion) matches the template it was generated from."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path

import pytest

from corpus.cases import CASES
from docx_aanpak import Template
from docx_aanpak.lokale_aanpak import LokaleAanpak
from docx_aanpak.model import model_name, render_model_source

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "src" / "docx_aanpak" / "lokale_aanpak.py"


def test_static_model_is_what_the_generator_writes_for_the_template(template_path: Path) -> None:
    tpl = Template.open(template_path)
    source = render_model_source(tpl.fields, "LokaleAanpak", "template/lokale_aanpak.docx")
    assert STATIC.read_text(encoding="utf-8") == source, (
        "template and static model drifted apart; regenerate with `make static-model`"
    )


def test_static_and_dynamic_models_have_the_same_schema(template_path: Path) -> None:
    dynamic = Template.open(template_path).model()
    static_schema = LokaleAanpak.model_json_schema()
    dynamic_schema = dynamic.model_json_schema()
    static_schema.pop("title")
    dynamic_schema.pop("title")
    assert static_schema == dynamic_schema


def test_a_static_model_instance_fills_the_template(template_path: Path) -> None:
    tpl = Template.open(template_path)
    plan = LokaleAanpak(lokale_ambitie="Meer jongerenwerk", handhaving="Convenant")
    values = tpl.extract(tpl.fill(plan))
    assert values["lokale_ambitie"] == "Meer jongerenwerk"
    assert values["handhaving"] == "Convenant"


def _load(source: str, tmp_path: Path, name: str) -> type:
    path = tmp_path / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[name]
    cls: type = getattr(module, model_name(name))
    return cls


@pytest.mark.parametrize(
    "case",
    [
        "dropdown_filled",
        "date_filled",
        "checkbox_checked",
        "repeating_section",
        "picture",
        "plain_text_single_line",
    ],
)
def test_generated_source_is_typed_like_the_dynamic_model(case: str, tmp_path: Path) -> None:
    built = next(c for c in CASES if c.name == case)
    tpl = Template.open(built.build(), name=built.filename)
    static = _load(render_model_source(tpl.fields, model_name(case), case), tmp_path, case)
    static_schema = static.model_json_schema()  # type: ignore[attr-defined]
    dynamic_schema = tpl.model().model_json_schema()
    assert static_schema["properties"] == dynamic_schema["properties"]
    if case == "date_filled":
        key = tpl.fields[0].key
        assert getattr(static(**{key: "2025-01-02"}), key) == dt.date(2025, 1, 2)
