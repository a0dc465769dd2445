"""From fields to a pydantic model, and values validated through it.

Each field becomes an optional attribute of a real type (``str``, a ``Literal`` of a dropdown's
values, ``datetime.date``, ``bool``, a list of item models for a repeating section). ``None``
means "leave this control as it is". The label is the title, the section the description.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

import pydantic
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, create_model

from ._ooxml import xml_problem
from .controls import Kind
from .errors import Problem, ValidationError
from .images import path_problem
from .scan import Field, slugify

__all__ = [
    "ONE_LINE",
    "PictureFile",
    "RichText",
    "SingleLineText",
    "build_model",
    "model_name",
    "render_model_source",
    "validate_values",
]


def _normalize_newlines(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def _xml_safe(value: str) -> str:
    problem = xml_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _single_line(value: str) -> str:
    if "\n" in value:
        raise ValueError("this control holds one line; remove the line breaks")
    return value


def _picture(value: Path) -> Path:
    # Decide on text that cannot be a path (the base64 of an image, say) before any file
    # system access: it must never reach one, nor fail there with an OSError.
    problem = path_problem(str(value))
    if problem:
        raise ValueError(
            f"a picture needs the path of an image file, and this text is not: {problem}"
        )
    try:
        found = value.is_file()
    except OSError as e:
        raise ValueError(f"cannot read {value}: {e.strerror or e}") from None
    if not found:
        raise ValueError(f"no image file at {value}")
    return value


RichText = Annotated[str, BeforeValidator(_normalize_newlines), AfterValidator(_xml_safe)]
"""Text for rich text and multi-line controls: line endings become ``\\n``, XML-safe only."""

ONE_LINE = r"^[^\r\n]*$"
"""The JSON Schema ``pattern`` of text a control holds on one line (no line breaks)."""

SingleLineText = Annotated[
    RichText,
    AfterValidator(_single_line),
    pydantic.Field(json_schema_extra={"pattern": ONE_LINE}),
]
"""Text for single-line plain text controls (and combo boxes): the JSON Schema says so with a
``pattern`` that forbids line breaks."""

PictureFile = Annotated[Path, AfterValidator(_picture)]
"""An image file to put into a picture control."""


def model_name(source: str) -> str:
    """A class name from a template file name: ``lokale_aanpak.docx`` -> ``LokaleAanpak``."""
    stem = Path(source).stem
    name = "".join(part.capitalize() for part in slugify(stem).split("_"))
    return name if name and name[0].isalpha() else f"Plan{name}"


def _annotation(field: Field, model: str) -> Any:
    kind = field.kind
    if kind == Kind.DROPDOWN and field.choices:
        return Literal[tuple(c.value for c in field.choices)]
    if kind == Kind.DATE:
        return dt.date
    if kind == Kind.CHECKBOX:
        return bool
    if kind == Kind.PICTURE:
        return PictureFile
    if kind == Kind.REPEATING_SECTION:
        item = build_model(field.children, f"{model}{model_name(field.key)}Item")
        return list[item]  # type: ignore[valid-type]
    if kind in (Kind.PLAIN_TEXT, Kind.DROPDOWN, Kind.COMBO_BOX) and not field.multiline:
        return SingleLineText
    return RichText


def _schema_extra(field: Field) -> dict[str, Any]:
    extra: dict[str, Any] = {"x-kind": field.kind.value}
    if field.choices:
        extra["x-choices"] = [{"value": c.value, "display": c.display} for c in field.choices]
    return extra


def build_model(fields: Sequence[Field], name: str = "Plan") -> type[BaseModel]:
    """A pydantic model with one optional attribute per field, in document order."""
    definitions: dict[str, Any] = {}
    for field in fields:
        annotation = _annotation(field, name)
        definitions[field.key] = (
            annotation | None,
            pydantic.Field(
                default=None,
                title=field.label,
                description=field.section,
                json_schema_extra=_schema_extra(field),
            ),
        )
    model: type[BaseModel] = create_model(
        name,
        __config__=ConfigDict(extra="forbid", title=name),
        **definitions,
    )
    return model


def _problems(
    error: pydantic.ValidationError, fields: Mapping[str, Field], where: str | None
) -> list[Problem]:
    problems = []
    for item in error.errors(include_url=False):
        loc = [str(x) for x in item["loc"]]
        key = loc[0] if loc else None
        field = fields.get(key) if key else None
        label = field.label if field else None
        message = str(item["msg"])
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        if len(loc) > 1:
            message = f"at {'/'.join(loc[1:])}: {message}"
        problems.append(Problem(message, key=key, label=label, where=where))
    return problems


def validate_values(
    model: type[BaseModel],
    fields: Sequence[Field],
    values: Mapping[str, Any] | BaseModel,
    *,
    where: str | None = None,
) -> BaseModel:
    """Validate values (a mapping or any model instance) into ``model``.

    Unknown keys are reported with the closest known keys; every problem names its field.
    """
    by_key = {f.key: f for f in fields}
    if isinstance(values, model):
        data: Mapping[str, Any] = values.model_dump(exclude_unset=True)
    elif isinstance(values, BaseModel):
        data = values.model_dump(exclude_unset=True)
    elif isinstance(values, Mapping):
        data = values
    else:
        raise ValidationError(
            [
                Problem(
                    f"values must be a mapping or a model, not {type(values).__name__}", where=where
                )
            ]
        )
    unknown = [k for k in data if k not in by_key]
    if unknown:
        problems = []
        for key in unknown:
            close = difflib.get_close_matches(str(key), list(by_key), n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            problems.append(Problem(f"unknown field '{key}'{hint}", where=where))
        raise ValidationError(problems)
    try:
        return model.model_validate(dict(data))
    except pydantic.ValidationError as e:
        raise ValidationError(_problems(e, by_key, where)) from None


# -- static model source ---------------------------------------------------------------------


def _literal_source(field: Field) -> str:
    return "Literal[" + ", ".join(repr(c.value) for c in field.choices) + "]"


def _type_source(field: Field, name: str, extra_classes: list[str]) -> str:
    kind = field.kind
    if kind == Kind.DROPDOWN and field.choices:
        return _literal_source(field)
    if kind == Kind.DATE:
        return "datetime.date"
    if kind == Kind.CHECKBOX:
        return "bool"
    if kind == Kind.PICTURE:
        return "PictureFile"
    if kind == Kind.REPEATING_SECTION:
        item = f"{name}{model_name(field.key)}Item"
        extra_classes.append(_class_source(field.children, item, extra_classes))
        return f"list[{item}]"
    if kind in (Kind.PLAIN_TEXT, Kind.DROPDOWN, Kind.COMBO_BOX) and not field.multiline:
        return "SingleLineText"
    return "RichText"


def _py(value: object) -> str:
    """A Python literal for strings and dicts of strings, double-quoted like the formatter."""
    return json.dumps(value, ensure_ascii=False)


def _class_source(fields: Sequence[Field], name: str, extra_classes: list[str]) -> str:
    lines = [
        f"class {name}(BaseModel):",
        f"    model_config = ConfigDict(extra={_py('forbid')}, title={_py(name)})",
        "",
    ]
    for field in fields:
        extra: dict[str, Any] = {"x-kind": field.kind.value}
        if field.choices:
            extra["x-choices"] = [{"value": c.value, "display": c.display} for c in field.choices]
        lines += [
            f"    {field.key}: {_type_source(field, name, extra_classes)} | None = Field(",
            "        default=None,",
            f"        title={_py(field.label)},",
            f"        description={_py(field.section)},",
            f"        json_schema_extra={_py(extra)},",
            "    )",
        ]
    return "\n".join(lines) + "\n"


def render_model_source(fields: Sequence[Field], name: str, source: str) -> str:
    """Python source of a static model equal to :func:`build_model` (for IDE completion)."""
    extra_classes: list[str] = []
    main = _class_source(fields, name, extra_classes)
    header = [
        "# ruff: noqa: E501",
        f'"""Typed model of {source}.',
        "",
        "Generated by `docx-aanpak model`; do not edit. A test fails when the template and this",
        'model drift apart."""',
        "",
        "from __future__ import annotations",
        "",
        "import datetime  # noqa: F401",
        "from typing import Literal  # noqa: F401",
        "",
        "from pydantic import BaseModel, ConfigDict, Field",
        "",
        "from docx_aanpak.model import PictureFile, RichText, SingleLineText  # noqa: F401",
        "",
        f'__all__ = ["{name}"]',
        "",
    ]
    body = "\n\n\n".join([*extra_classes, main])
    return "\n".join(header) + "\n\n" + body
