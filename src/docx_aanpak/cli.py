"""The ``docx-aanpak`` command (also ``python -m docx_aanpak``).

Every command catches the library's root error, prints it as ``Error: …`` on stderr and exits
with the error's code; a traceback is shown only with ``--debug``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .document import atomic_write
from .errors import DataFileError, DocxAanpakError
from .model import model_name, render_model_source
from .scan import Field, scan
from .template import Template

__all__ = ["main"]


def _json_default(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _dumps(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=_json_default)


def _field_json(item: Field) -> dict[str, Any]:
    data: dict[str, Any] = {
        "key": item.key,
        "kind": item.kind.value,
        "section": item.section,
        "label": item.label,
        "location": str(item.location),
        "level": item.location.level.value,
    }
    if len(item.locations) > 1:
        data["also_at"] = [str(loc) for loc in item.locations[1:]]
    if item.choices:
        data["choices"] = [{"value": c.value, "display": c.display} for c in item.choices]
    if item.tag:
        data["tag"] = item.tag
    if item.alias:
        data["alias"] = item.alias
    if item.lock:
        data["lock"] = item.lock
    if item.bound:
        data["bound"] = True
    if item.children:
        data["children"] = [_field_json(c) for c in item.children]
    return data


def _read_json(path: str) -> Any:
    try:
        with Path(path).open(encoding="utf-8-sig") as handle:
            return json.load(handle)
    except FileNotFoundError:
        raise DataFileError(f"{path}: no such file") from None
    except json.JSONDecodeError as e:
        raise DataFileError(
            f"{path}: not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})"
        ) from None
    except UnicodeDecodeError as e:
        raise DataFileError(f"{path}: not UTF-8 text ({e.reason})") from None


def _print(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


# -- commands ---------------------------------------------------------------------------------


def cmd_fields(args: argparse.Namespace) -> int:
    template = Template.open(args.template)
    if args.json:
        _print(_dumps([_field_json(f) for f in template.fields]))
        return 0
    section = None
    for number, item in enumerate(template.fields, 1):
        if item.section != section:
            section = item.section
            _print(f"\n{section}")
        _print(f"  {number:>2}. {item.label}")
        extra = f", choices: {', '.join(c.value for c in item.choices)}" if item.choices else ""
        _print(f"      {item.key}  [{item.kind.value}, {item.location.level.value}{extra}]")
    _print(f"\n{len(template.fields)} fields in {template.name}")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    template = Template.open(args.template)
    _print(_dumps(template.model().model_json_schema()))
    return 0


def cmd_model(args: argparse.Namespace) -> int:
    template = Template.open(args.template)
    name = args.class_name or model_name(template.name)
    source = render_model_source(template.fields, name, Path(args.template).as_posix())
    if args.output:
        atomic_write(args.output, source.encode("utf-8"), overwrite=True)
        _print(f"Wrote {args.output} ({len(template.fields)} fields, class {name})")
    else:
        sys.stdout.write(source)
    return 0


def cmd_fill(args: argparse.Namespace) -> int:
    template = Template.open(args.template)
    data = _read_json(args.values)
    if not isinstance(data, dict):
        raise DataFileError(f"{args.values}: expected a JSON object of field values")
    values = template.validate(data, where=args.values)
    document = template.fill_validated(values, title=args.title, force=args.force)
    document.save(args.out, overwrite=args.overwrite)
    _print(f"Wrote {args.out} ({len(values)} of {len(template.fields)} fields filled)")
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from .document import Document
    from .extract import extract_values

    if args.template:
        values = Template.open(args.template).extract(args.docx)
    else:
        document = Document.open(args.docx)
        values = extract_values(document, scan(document))
    if args.json:
        _print(_dumps(values))
    else:
        for key, value in values.items():
            shown = "—" if value is None else str(value).replace("\n", "\n    ")
            _print(f"{key}:\n    {shown}")
    return 0


# -- parser -----------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="docx-aanpak",
        description="Fill Dutch municipal policy plans written as Word templates with content "
        "controls.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = commands.add_parser("fields", help="list the fields (content controls) of a template")
    p.add_argument("template", help="the .docx or .dotx template")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_fields)

    p = commands.add_parser("schema", help="print the JSON Schema of a template's values")
    p.add_argument("template")
    p.set_defaults(func=cmd_schema)

    p = commands.add_parser("model", help="generate a static pydantic model of a template")
    p.add_argument("template")
    p.add_argument("-o", "--output", help="write the Python module here")
    p.add_argument("--class-name", help="name of the model class")
    p.set_defaults(func=cmd_model)

    p = commands.add_parser("fill", help="fill a template with values")
    p.add_argument("template")
    p.add_argument("values", help="a JSON object of field values")
    p.add_argument("-o", "--out", required=True, help="the .docx to write")
    p.add_argument("--title", help="document title (core properties)")
    p.add_argument("--overwrite", action="store_true", help="replace existing output files")
    p.add_argument("--force", action="store_true", help="also fill controls locked for editing")
    p.set_defaults(func=cmd_fill)

    p = commands.add_parser("extract", help="read the answers back from a filled document")
    p.add_argument("docx")
    p.add_argument("--template", help="read against this template's fields")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_extract)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    debug = args.debug or bool(os.environ.get("DOCX_AANPAK_DEBUG"))
    try:
        return func(args)
    except DocxAanpakError as e:
        if debug:
            raise
        sys.stderr.write(f"Error: {e}\n")
        return e.exit_code
    except OSError as e:
        if debug:
            raise
        where = f"{e.filename}: " if e.filename else ""
        sys.stderr.write(f"Error: {where}{e.strerror or e}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted\n")
        return 130
