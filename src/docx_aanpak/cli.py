"""The ``docx-aanpak`` command (also ``python -m docx_aanpak``).

Every command catches the library's root error, prints it as ``Error: …`` on stderr and exits
with the error's code; a traceback is shown only with ``--debug``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .document import Document, atomic_write
from .errors import DataFileError, DocxAanpakError
from .extract import extract_values
from .model import model_name, render_model_source
from .records import load_json
from .scan import DUPLICATE_TAGS, Field, scan
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


def _print(text: str = "") -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(text if text.endswith("\n") else text + "\n")


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: Any = None,
    line: str | None = None,
) -> None:
    """A warning as one ``Warning: …`` line, without Python's echo of the source line."""
    _err(f"Warning: {message}")


@contextlib.contextmanager
def _one_line_warnings() -> Iterator[None]:
    """Show each distinct warning once, as one line (``-W``/``PYTHONWARNINGS`` still decide
    which warnings show, when given)."""
    with warnings.catch_warnings():
        if not sys.warnoptions:
            warnings.simplefilter("default")
        warnings.showwarning = _show_warning
        yield


TEXT_KINDS = ("rich_text", "plain_text", "combo_box", "dropdown")  # fields whose value is text


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
    if item.kind.value in TEXT_KINDS:
        data["multiline"] = item.multiline  # False: one line, a line break is refused
    for name in ("tag", "alias", "lock"):
        if getattr(item, name):
            data[name] = getattr(item, name)
    if item.bound:
        data["bound"] = True
    if item.children:
        data["children"] = [_field_json(c) for c in item.children]
    return data


def _template(args: argparse.Namespace, path: str | None = None) -> Template:
    return Template.open(path or args.template, duplicate_tags=args.duplicate_tags)


# -- fields, schema, model, excel ---------------------------------------------------------------


def cmd_fields(args: argparse.Namespace) -> int:
    template = _template(args)
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
    _print(_dumps(_template(args).model().model_json_schema()))
    return 0


def cmd_model(args: argparse.Namespace) -> int:
    template = _template(args)
    name = args.class_name or model_name(template.name)
    source = render_model_source(template.fields, name, Path(args.template).as_posix())
    if args.output:
        atomic_write(args.output, source.encode("utf-8"), overwrite=True)
        _print(f"Wrote {args.output} ({len(template.fields)} fields, class {name})")
    else:
        sys.stdout.write(source)
    return 0


def cmd_excel(args: argparse.Namespace) -> int:
    from .excel import write_workbook

    template = _template(args)
    write_workbook(args.output, template, overwrite=args.overwrite)
    _print(f"Wrote {args.output}: sheet 'Plannen' with {len(template.fields)} questions")
    return 0


# -- fill -------------------------------------------------------------------------------------


def _publish(document: Document, args: argparse.Namespace) -> None:
    from .publish import flatten, lock

    if args.flatten:
        flatten(document, keep_placeholders=args.keep_placeholders)
    elif args.lock:
        lock(document, mode=args.lock)


def _fill_one(args: argparse.Namespace, template: Template, data: dict[str, Any]) -> int:
    from .batch import safe_filename

    values = template.validate(data, where=args.values)
    out = Path(args.out)
    if out.suffix.lower() != ".docx":
        out = out / safe_filename(args.title or Path(args.values).stem)
    document = template.fill_validated(values, title=args.title, force=args.force)
    _publish(document, args)
    document.save(out, overwrite=args.overwrite)
    _print(f"Wrote {out} ({len(values)} of {len(template.fields)} fields filled)")
    if args.pdf:
        from .publish import to_pdf

        (pdf,) = to_pdf([out], out.parent, overwrite=args.overwrite)
        _print(f"Wrote {pdf}")
    return 0


class _Progress:
    """A rich progress bar on a terminal; silent otherwise."""

    def __init__(self, label: str) -> None:
        self._bar: Any = None
        self._task: Any = None
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            # No refresh thread: worker processes are forked, which is unsafe with threads.
            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                auto_refresh=False,
                transient=True,
            )
            self._task = self._bar.add_task(label, total=None)

    def __enter__(self) -> _Progress:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def advance(self, *_: object) -> None:
        if self._bar is not None:
            self._bar.advance(self._task)
            self._bar.refresh()


def _fill_many(args: argparse.Namespace, template: Template, records: Any) -> int:
    from .batch import Status, fill_many

    out_dir = Path(args.out)
    if out_dir.suffix.lower() == ".docx":
        raise DataFileError(
            f"{args.values} holds many plans: --out must be a folder, not {args.out}"
        )
    with _Progress("Plannen vullen") as progress:
        report = fill_many(
            template,
            records,
            out_dir,
            jobs=args.jobs,
            overwrite=args.overwrite,
            only_changed=args.only_changed,
            force=args.force,
            flatten=args.flatten,
            keep_placeholders=args.keep_placeholders,
            lock=args.lock,
            on_outcome=progress.advance,
        )
    for outcome in report.outcomes:
        if outcome.status == Status.FAILED:
            _err(f"Failed: {outcome.name} ({outcome.where}): {outcome.message}")
        elif outcome.status == Status.SKIPPED:
            _err(f"Skipped: {outcome.name}: {outcome.message}")
    pdf_failures = 0
    if args.pdf:
        from .publish import convert_to_pdf

        done = [o.path for o in report.outcomes
                if o.status in (Status.WRITTEN, Status.UNCHANGED) and o.path]  # fmt: skip
        for result in convert_to_pdf(done, out_dir, jobs=args.jobs, overwrite=args.overwrite):
            if result.error is not None:
                pdf_failures += 1
                _err(f"PDF failed: {result.error}")
    if args.report:
        report.save(args.report, overwrite=True)
        _print(f"Wrote report {args.report}")
    _print(f"{out_dir}: {report.summary()}")
    return 1 if report.failed or pdf_failures else 0


def cmd_fill(args: argparse.Namespace) -> int:
    template = _template(args)
    if args.flatten and args.lock:
        raise DataFileError("--flatten removes the controls; it cannot be combined with --lock")
    if Path(args.values).suffix.lower() == ".json":
        data = load_json(args.values)
        if isinstance(data, dict) and "plannen" not in data:
            return _fill_one(args, template, data)
    from .records import read_records

    return _fill_many(args, template, read_records(args.values, template))


# -- extract ------------------------------------------------------------------------------------


def _documents(inputs: Sequence[str]) -> Iterator[Path]:
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            yield from sorted(
                p
                for p in path.iterdir()
                if p.suffix.lower() in (".docx", ".dotx") and not p.name.startswith(("~$", "."))
            )
        else:
            yield path


def cmd_extract(args: argparse.Namespace) -> int:
    paths = list(_documents(args.docx))
    if not paths:
        raise DataFileError(f"no Word documents in {', '.join(args.docx)}")
    many = len(paths) > 1 or args.xlsx or Path(args.docx[0]).is_dir()
    if not many:
        if args.template:
            values = _template(args).extract(paths[0])
        else:
            document = Document.open(paths[0])
            values = extract_values(document, scan(document, duplicate_tags=args.duplicate_tags))
        if args.json is not None:
            _write_json(args.json, values)
        else:
            for key, value in values.items():
                shown = "—" if value is None else str(value).replace("\n", "\n    ")
                _print(f"{key}:\n    {shown}")
        return 0
    from .collect import collect, write_collection

    template = _template(args) if args.template else None
    result = collect(paths, template, duplicate_tags=args.duplicate_tags)
    for skipped in result.skipped:
        _err(f"Skipped {skipped.path}: {skipped.reason}")
    if args.xlsx:
        write_collection(args.xlsx, result, overwrite=args.overwrite)
        _print(f"Wrote {args.xlsx}: {len(result.plans)} plans, {len(result.skipped)} skipped")
    if args.json is not None or not args.xlsx:
        _write_json(
            args.json,
            [{"Gemeente": p.name, "bestand": str(p.path), **p.values} for p in result.plans],
        )
    return 1 if result.skipped and not result.plans else 0


def _write_json(target: str | None, data: object) -> None:
    text = _dumps(data) + "\n"
    if target and target != "-":
        atomic_write(target, text.encode("utf-8"), overwrite=True)
        _print(f"Wrote {target}")
    else:
        sys.stdout.write(text)


# -- migrate ------------------------------------------------------------------------------------


def cmd_migrate(args: argparse.Namespace) -> int:
    from .migrate import format_report, migrate_many

    template = _template(args)
    migrations = migrate_many(
        list(_documents(args.plans)),
        template,
        args.out,
        dry_run=args.dry_run,
        overwrite=args.overwrite,
        report=args.report,
        threshold=args.threshold,
    )
    _print(format_report(migrations))
    return 0 if all(m.ok for m in migrations) else 1


# -- parser -------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="docx-aanpak",
        description="Fill Dutch municipal policy plans written as Word templates with content "
        "controls.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--duplicate-tags",
        choices=DUPLICATE_TAGS,
        default="merge",
        help="controls sharing a tag and a kind: one field filled everywhere (default), or an "
        "error",
    )

    def command(name: str, help: str, func: Callable[[argparse.Namespace], int]) -> Any:
        sub = commands.add_parser(name, help=help, description=help, parents=[common])
        sub.set_defaults(func=func)
        return sub

    p = command("fields", "list the fields (content controls) of a template", cmd_fields)
    p.add_argument("template", help="the .docx or .dotx template")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = command("schema", "print the JSON Schema of a template's values", cmd_schema)
    p.add_argument("template")

    p = command("model", "generate a static pydantic model of a template", cmd_model)
    p.add_argument("template")
    p.add_argument("-o", "--output", help="write the Python module here")
    p.add_argument("--class-name", help="name of the model class")

    p = command("excel", "write the input workbook of a template", cmd_excel)
    p.add_argument("template")
    p.add_argument("output", help="the .xlsx to write")
    p.add_argument("--overwrite", action="store_true", help="replace an existing file")

    p = command(
        "fill", "fill a template: one plan (JSON object) or many (.xlsx/.csv/.json)", cmd_fill
    )
    p.add_argument("template")
    p.add_argument("values", help="a JSON object of one plan, or a workbook/CSV/JSON of plans")
    p.add_argument("-o", "--out", required=True, help="the .docx (one plan) or folder (many)")
    p.add_argument("--title", help="document title of a single plan (core properties)")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: CPUs)")
    p.add_argument("--overwrite", action="store_true", help="replace existing output files")
    p.add_argument(
        "--only-changed",
        action="store_true",
        help="with --overwrite: leave files whose content would not change",
    )
    p.add_argument("--report", help="write each plan's outcome to this .xlsx or .csv")
    p.add_argument("--force", action="store_true", help="also fill controls locked for editing")
    p.add_argument(
        "--flatten",
        action="store_true",
        help="replace the controls by their content (for publishing)",
    )
    p.add_argument(
        "--keep-placeholders",
        action="store_true",
        help="with --flatten: keep the placeholder text of unfilled controls",
    )
    p.add_argument(
        "--lock",
        nargs="?",
        const="sdtContentLocked",
        default=None,
        choices=("sdtContentLocked", "contentLocked", "sdtLocked"),
        help="lock the controls (default mode: sdtContentLocked)",
    )
    p.add_argument("--pdf", action="store_true", help="also write PDFs (headless LibreOffice)")

    p = command("extract", "read the answers back from filled plans", cmd_extract)
    p.add_argument("docx", nargs="+", help="filled .docx files or folders of them")
    p.add_argument("--template", help="read against this template's fields")
    p.add_argument(
        "--json",
        nargs="?",
        const="-",
        default=None,
        metavar="FILE",
        help="write JSON (to FILE, or standard output)",
    )
    p.add_argument("--xlsx", help="collect the plans into this workbook (Plannen + Voortgang)")
    p.add_argument("--overwrite", action="store_true", help="replace an existing workbook")

    p = command("migrate", "move answers into a new version of the template", cmd_migrate)
    p.add_argument("plans", nargs="+", help="filled plans (.docx files or folders)")
    p.add_argument("--template", required=True, help="the new template")
    p.add_argument("--out", required=True, help="folder for the migrated plans")
    p.add_argument("--dry-run", action="store_true", help="show the report, write no plans")
    p.add_argument("--report", help="also write the migration report to this .xlsx")
    p.add_argument("--overwrite", action="store_true", help="replace existing output files")
    p.add_argument(
        "--threshold",
        type=float,
        default=0.8,
        help="similarity needed to match a reworded question (0-1)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    debug = args.debug or bool(os.environ.get("DOCX_AANPAK_DEBUG"))
    try:
        with _one_line_warnings():
            return func(args)
    except DocxAanpakError as e:
        if debug:
            raise
        _err(f"Error: {e}")
        return e.exit_code
    except OSError as e:
        if debug:
            raise
        where = f"{e.filename}: " if e.filename else ""
        _err(f"Error: {where}{e.strerror or e}")
        return 1
    except KeyboardInterrupt:
        _err("Interrupted")
        return 130
