"""The ``docx-aanpak`` command (also ``python -m docx_aanpak``).

Every command catches the library's root error, prints it as ``Error: …`` on stderr and exits
with the error's code; a traceback is shown only with ``--debug``. Exit codes: 0 done; 1 finished
with problems (plans failed or skipped, a document could not be used); 2 bad data, values or
options; 3 a tool is missing; 4 an input file is missing; 5 an output would replace an input;
128 + the signal when interrupted (130 Ctrl+C, 143 SIGTERM, 129 SIGHUP).

Names and messages that come from data files are shown with control characters made visible
(``\x1b``), so a data file cannot send escape sequences to the terminal.

A command imports what it needs when it runs (the library modules inside the command function),
so ``--version`` and ``fields`` do not pay for pydantic, openpyxl or rich.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import signal
import sys
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import (
    DataFileError,
    DocxAanpakError,
    InputNotFoundError,
    OutputExistsError,
    visible,
)

if TYPE_CHECKING:
    from .collect import Collection
    from .document import Document
    from .guard import Inputs
    from .scan import Field
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
    text = visible(text)
    sys.stderr.write(text if text.endswith("\n") else text + "\n")


class UsageError(DocxAanpakError):
    """Options that do not go together, or a value an option cannot take."""

    exit_code = 2


def _check_outputs(inputs: Inputs, *outputs: str | os.PathLike[str] | None) -> None:
    """An output that is one of the run's inputs is an error, whatever the flags."""
    for output in outputs:
        if output is not None and output != "-":
            inputs.check(output)


def _check_new(path: str | os.PathLike[str] | None, overwrite: bool) -> None:
    """Refuse an existing output before any work is done, unless ``--overwrite``."""
    if path is not None and not overwrite and Path(path).exists():
        raise OutputExistsError(str(path))


def _template_inputs(args: argparse.Namespace, *more: tuple[str, str]) -> Inputs:
    from .guard import Inputs

    inputs = Inputs(more)
    if getattr(args, "template", None):
        inputs.add("the template", args.template)
    return inputs


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
    from .template import Template

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
    from .document import atomic_write
    from .model import model_name, render_model_source

    _check_outputs(_template_inputs(args), args.output)
    _check_new(args.output, args.overwrite)
    template = _template(args)
    name = args.class_name or model_name(template.name)
    source = render_model_source(template.fields, name, Path(args.template).as_posix())
    if args.output:
        atomic_write(args.output, source.encode("utf-8"), overwrite=args.overwrite)
        _print(f"Wrote {args.output} ({len(template.fields)} fields, class {name})")
    else:
        sys.stdout.write(source)
    return 0


def cmd_excel(args: argparse.Namespace) -> int:
    from .excel import write_workbook

    _check_outputs(_template_inputs(args), args.output)
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


def _fill_one(args: argparse.Namespace, template: Template, plan: Any) -> int:
    from .batch import safe_filename

    values = plan.values  # a PlanRecord: converted like every data file's, "Gemeente" its name
    title = args.title or plan.name or None
    out = Path(args.out)
    if out.suffix.lower() != ".docx":
        out = out / safe_filename(title or Path(args.values).stem)
    _check_outputs(_template_inputs(args, ("the data file", args.values)), out)
    subject = args.subject
    if subject is None and title:
        subject = _subject(template, title)
    document = template.fill_validated(values, title=title, subject=subject, force=args.force)
    _publish(document, args)
    document.save(out, overwrite=args.overwrite)
    _print(f"Wrote {out} ({len(values)} of {len(template.fields)} fields filled)")
    if args.pdf:
        from .publish import to_pdf

        (pdf,) = to_pdf([out], out.parent, overwrite=args.overwrite, standard=args.pdf_standard)
        _print(f"Wrote {pdf}")
    return 0


def _subject(template: Template, name: str) -> str:
    """A plan's subject: "template title – name" (the name alone if the template has no title)."""
    title = (template.document.core_property("dc:title") or "").strip()
    return f"{title} – {name}" if title else name


class _Progress:
    """A rich progress bar on a terminal; silent otherwise. Counts the outcomes by status."""

    def __init__(self, label: str) -> None:
        self._bar: Any = None
        self._task: Any = None
        self.counts: dict[str, int] = {}
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

    def advance(self, outcome: Any = None) -> None:
        status = str(getattr(outcome, "status", ""))
        self.counts[status] = self.counts.get(status, 0) + 1
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
    inputs = [("the template", args.template), ("the data file", args.values)]
    with _Progress("Plannen vullen") as progress:
        try:
            report = fill_many(
                template,
                records,
                out_dir,
                jobs=args.jobs,
                overwrite=args.overwrite,
                only_changed=args.only_changed,
                force=args.force,
                subject=args.subject,
                flatten=args.flatten,
                keep_placeholders=args.keep_placeholders,
                lock=args.lock,
                inputs=inputs,
                on_outcome=progress.advance,
            )
        except KeyboardInterrupt:
            written = progress.counts.get(Status.WRITTEN, 0)
            _err(
                f"Stopped after writing {written} plan(s) into {out_dir} (the workers may have "
                "finished a few more); every file written is complete. To finish, run the same "
                "command again with --overwrite --only-changed."
            )
            raise
    for outcome in report.outcomes:
        name = visible(outcome.name, newlines=False)
        if outcome.status == Status.FAILED:
            _err(f"Failed: {name} ({outcome.where}): {outcome.message}")
        elif outcome.status == Status.SKIPPED:
            _err(f"Skipped: {name}: {outcome.message}")
    pdf_failures = 0
    if args.pdf:
        from .publish import convert_to_pdf

        done = [o.path for o in report.outcomes
                if o.status in (Status.WRITTEN, Status.UNCHANGED) and o.path]  # fmt: skip
        for result in convert_to_pdf(
            done, out_dir, jobs=args.jobs, overwrite=args.overwrite, standard=args.pdf_standard
        ):
            if result.error is not None:
                pdf_failures += 1
                _err(f"PDF failed: {result.error}")
    if args.report:
        from .guard import Inputs

        # Not over a plan just written either (a report is .xlsx or .csv, but a link may point
        # anywhere).
        plans = Inputs(("a plan written by this run", o.path) for o in report.outcomes if o.path)
        _check_outputs(plans, args.report)
        report.save(args.report, overwrite=args.overwrite)
        _print(f"Wrote report {args.report}")
    _print(f"{out_dir}: {report.summary()}")
    return 1 if report.failed or report.skipped or pdf_failures else 0


def cmd_fill(args: argparse.Namespace) -> int:
    if args.only_changed and not args.overwrite:
        raise UsageError(
            "--only-changed needs --overwrite: it rewrites the plans whose content changed and "
            "leaves the others (without --overwrite no existing plan is touched)"
        )
    if args.report:
        if Path(args.report).suffix.lower() not in (".xlsx", ".csv"):
            raise UsageError(f"--report {args.report}: the report is an .xlsx or .csv file")
        _check_outputs(_template_inputs(args, ("the data file", args.values)), args.report)
        _check_new(args.report, args.overwrite)
    template = _template(args)
    if args.flatten and args.lock:
        raise DataFileError("--flatten removes the controls; it cannot be combined with --lock")
    if args.pdf:
        from .publish import find_soffice

        find_soffice()  # without LibreOffice, stop before writing any plan
    if Path(args.values).suffix.lower() == ".json":
        from .records import read_single_plan

        plan = read_single_plan(args.values, template)  # None: the file holds a list of plans
        if plan is not None:
            return _fill_one(args, template, plan)
    from .datafiles import read_records

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


def _extract_one(args: argparse.Namespace, path: Path) -> Collection:
    """One named file, read exactly as :func:`~docx_aanpak.collect.collect` reads each plan of a
    folder (so both print the same), except that a file it would skip is an error here."""
    from .collect import collect
    from .errors import TemplateMismatchError

    template = _template(args) if args.template else None
    result = collect([path], template, duplicate_tags=args.duplicate_tags, jobs=1)
    if not result.plans:
        reason = result.skipped[0].reason if result.skipped else "not a plan"
        raise TemplateMismatchError(f"{path}: {reason}")
    return result


def _show_plans(plans: Iterable[Any]) -> None:
    for number, plan in enumerate(plans):
        _print(("\n" if number else "") + visible(f"{plan.name} ({plan.path})"))
        for key, value in plan.values.items():
            shown = "—" if value is None else visible(str(value)).replace("\n", "\n      ")
            _print(f"  {key}:\n      {shown}")


def cmd_extract(args: argparse.Namespace) -> int:
    paths = list(_documents(args.docx))
    if not paths:
        raise DataFileError(f"no Word documents in {', '.join(args.docx)}")
    inputs = _template_inputs(args, *(("one of the plans read", str(p)) for p in paths))
    _check_outputs(inputs, args.json, args.xlsx)
    _check_new(None if args.json == "-" else args.json, args.overwrite)
    _check_new(args.xlsx, args.overwrite)
    # One file or many, the same flags give the same output: text, or with --json a list of
    # plans ({"Gemeente", "bestand", "ontbrekend" if fields are missing, one member per field}),
    # or with --xlsx a workbook.
    from .collect import collect, write_collection

    if len(paths) == 1 and not args.xlsx and not Path(args.docx[0]).is_dir():
        result = _extract_one(args, paths[0])
    else:
        template = _template(args) if args.template else None
        result = collect(paths, template, duplicate_tags=args.duplicate_tags, jobs=args.jobs)
        if template is None:
            _err(f"Reference: {result.reference}")
    _report_collection(result)
    if args.xlsx:
        write_collection(args.xlsx, result, overwrite=args.overwrite)
        _print(f"Wrote {args.xlsx}: {result.summary()}")
    if args.json is not None:
        _write_json(args.json, result.records(), overwrite=args.overwrite)
    elif not args.xlsx:
        _show_plans(result.plans)
    return 0 if result.ok else 1


def _report_collection(result: Collection) -> None:
    """Skipped files, missing fields and doubtful answers, on standard error."""
    for skipped in result.skipped:
        _err(f"Skipped {skipped.path}: {skipped.reason}")
    for plan in result.plans:
        if plan.missing:
            _err(
                f"Incomplete {plan.path}: lacks {len(plan.missing)} field(s) of the reference: "
                + ", ".join(plan.missing)
            )
        for warning in plan.warnings:
            _err(f"Warning: {warning}")


def _write_json(target: str | None, data: object, *, overwrite: bool = False) -> None:
    text = _dumps(data) + "\n"
    if target and target != "-":
        from .document import atomic_write

        atomic_write(target, text.encode("utf-8"), overwrite=overwrite)
        _print(f"Wrote {target}")
    else:
        sys.stdout.write(text)


# -- freeze -------------------------------------------------------------------------------------


def cmd_freeze(args: argparse.Namespace) -> int:
    from .freeze import freeze
    from .scan import scan

    source, target = Path(args.template), Path(args.output)
    _check_outputs(_template_inputs(args), target)
    _check_new(target, args.overwrite)
    document = freeze(source, duplicate_tags=args.duplicate_tags)
    document.save(target, overwrite=args.overwrite)
    count = len(scan(document, duplicate_tags=args.duplicate_tags))
    _print(f"Wrote {target}: the keys of {count} fields are now the tags of their controls")
    return 0


# -- migrate ------------------------------------------------------------------------------------


def cmd_migrate(args: argparse.Namespace) -> int:
    from .migrate import format_report, migrate_many

    plans = list(_documents(args.plans))
    inputs = _template_inputs(args, *(("one of the plans read", str(p)) for p in plans))
    if args.report and Path(args.report).suffix.lower() != ".xlsx":
        raise UsageError(f"--report {args.report}: the migration report is an .xlsx file")
    targets = [] if args.dry_run else [Path(args.out) / p.name for p in plans]
    _check_outputs(inputs, args.report, *targets)
    template = _template(args)
    migrations = migrate_many(
        plans,
        template,
        args.out,
        dry_run=args.dry_run,
        overwrite=args.overwrite,
        report=args.report,
        threshold=args.threshold,
        duplicate_tags=args.duplicate_tags,
    )
    _print(format_report(migrations))
    dropped = sum(len(m.dropped) for m in migrations)
    if dropped and not args.allow_drop:
        _err(
            f"{dropped} answer(s) found no place in the new template (listed above); pass "
            "--allow-drop to accept that"
        )
        return 1
    return 0 if all(m.ok for m in migrations) else 1


# -- publish ------------------------------------------------------------------------------------


def cmd_publish(args: argparse.Namespace) -> int:
    from .publish import plan_files, publish_plans

    if args.flatten and args.lock:
        raise DataFileError("--flatten removes the controls; it cannot be combined with --lock")
    if not (args.flatten or args.lock or args.pdf):
        raise DataFileError("nothing to publish: give --flatten, --lock and/or --pdf")
    if not plan_files(args.plans):
        raise DataFileError(f"no Word documents in {', '.join(args.plans)}")
    report = publish_plans(
        args.plans,
        args.out,
        flatten=args.flatten,
        lock=args.lock,
        pdf=args.pdf,
        keep_placeholders=args.keep_placeholders,
        standard=args.pdf_standard,
        jobs=args.jobs,
        overwrite=args.overwrite,
    )
    for outcome in report.outcomes:
        written = [str(p) for p in (outcome.docx, outcome.pdf) if p is not None]
        if outcome.error is not None:
            message = str(outcome.error)
            if not message.startswith(str(outcome.source)):
                message = f"{outcome.source}: {message}"
            kept = f" (wrote {', '.join(written)})" if written else ""
            _err(f"Failed: {message}{kept}")
        else:
            _print(f"Published {outcome.source}: {', '.join(written)}")
    _print(f"{args.out}: {report.summary()}")
    return 0 if report.ok else 1


def _publishing_options(p: argparse.ArgumentParser) -> None:
    """--flatten, --keep-placeholders, --lock, --pdf and --pdf-standard (fill and publish)."""
    p.add_argument(
        "--flatten",
        action="store_true",
        help="write each plan without content controls, their content kept (for publishing)",
    )
    p.add_argument(
        "--keep-placeholders",
        action="store_true",
        help="keep the placeholder text of unanswered questions (normally left out)",
    )
    p.add_argument(
        "--lock",
        nargs="?",
        const="sdtContentLocked",
        default=None,
        choices=("sdtContentLocked", "contentLocked", "sdtLocked"),
        help="lock the controls instead (default mode: sdtContentLocked)",
    )
    p.add_argument("--pdf", action="store_true", help="also write PDFs (headless LibreOffice)")
    p.add_argument(
        "--pdf-standard",
        choices=("pdf-a-2b", "pdf"),
        default="pdf-a-2b",
        help="with --pdf: PDF/A-2b for archiving (default) or plain PDF; both tagged",
    )


# -- parser -------------------------------------------------------------------------------------

DUPLICATE_TAGS = ("merge", "error")


def _positive(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {text!r}")
    return number


class _Version(argparse.Action):
    """``--version``: the installed version, looked up only when asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        kwargs.setdefault("nargs", 0)
        kwargs.setdefault("default", argparse.SUPPRESS)
        super().__init__(option_strings, dest, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        from . import __version__

        sys.stdout.write(f"{parser.prog} {__version__}\n")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="docx-aanpak",
        description="Fill Dutch municipal policy plans written as Word templates with content "
        "controls.",
    )
    parser.add_argument("--version", action=_Version, help="show the version and exit")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    common = argparse.ArgumentParser(add_help=False)
    # Also after the command; SUPPRESS keeps it from undoing a --debug given before the command.
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks of errors"
    )
    common.add_argument(
        "--duplicate-tags",
        choices=DUPLICATE_TAGS,  # scan.DUPLICATE_TAGS (not imported: a test keeps them equal)
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
    p.add_argument("--overwrite", action="store_true", help="replace an existing file")

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
    p.add_argument(
        "--subject",
        help="document subject (core properties); default: the template's title – the plan's name",
    )
    p.add_argument(
        "--jobs",
        type=_positive,
        default=None,
        help="worker processes (default: CPUs; at most twice the CPUs, and no more than plans)",
    )
    p.add_argument("--overwrite", action="store_true", help="replace existing output files")
    p.add_argument(
        "--only-changed",
        action="store_true",
        help="with --overwrite: leave files whose content would not change",
    )
    p.add_argument(
        "--report", help="write each plan's outcome to this .xlsx or .csv (see --overwrite)"
    )
    p.add_argument("--force", action="store_true", help="also fill controls locked for editing")
    _publishing_options(p)

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
    p.add_argument("--overwrite", action="store_true", help="replace an existing output file")
    p.add_argument("--jobs", type=_positive, default=None, help="worker processes (default: CPUs)")

    p = command(
        "freeze", "write every field's key into its control's tag (keys stay stable)", cmd_freeze
    )
    p.add_argument("template")
    p.add_argument("-o", "--output", required=True, help="the frozen template (.docx) to write")
    p.add_argument("--overwrite", action="store_true", help="replace an existing output file")

    p = command(
        "publish", "publish existing plans: flattened or locked .docx, and/or PDF", cmd_publish
    )
    p.add_argument("plans", nargs="+", help="filled plans (.docx files or folders)")
    p.add_argument("--out", required=True, help="folder for the published files")
    _publishing_options(p)
    p.add_argument("--jobs", type=_positive, default=None, help="LibreOffice processes at once")
    p.add_argument("--overwrite", action="store_true", help="replace existing output files")

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
    p.add_argument(
        "--allow-drop",
        action="store_true",
        help="exit with 0 even when answers found no place in the new template",
    )
    return parser


# Arguments that name files or folders to read, in every command that has them.
_INPUTS = ("template", "values", "docx", "plans")


def _check_inputs(args: argparse.Namespace) -> None:
    """A missing input is the same error (exit code 4) in every command, before any work."""
    for dest in _INPUTS:
        value = getattr(args, dest, None)
        for item in [value] if isinstance(value, str) else value or []:
            if not Path(item).exists():
                raise InputNotFoundError(
                    item, "file or folder" if dest in ("docx", "plans") else "file"
                )


class _Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP: stop the way Ctrl+C does (clean up, then exit 128 + the signal)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_stopped(signum: int, _frame: object) -> None:
    raise _Stopped(signum)


def _stop_signals() -> dict[int, Any]:
    """Turn SIGTERM and SIGHUP into :class:`_Stopped`; return the handlers they had."""
    previous: dict[int, Any] = {}
    if threading.current_thread() is not threading.main_thread():
        return previous
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is not None and signal.getsignal(signum) == signal.SIG_DFL:
            previous[signum] = signal.signal(signum, _raise_stopped)
    return previous


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):  # never fail on a character the terminal lacks
            stream.reconfigure(errors="backslashreplace")
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    debug = args.debug or bool(os.environ.get("DOCX_AANPAK_DEBUG"))
    previous = _stop_signals()
    try:
        _check_inputs(args)
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
        return InputNotFoundError.exit_code if isinstance(e, FileNotFoundError) else 1
    except KeyboardInterrupt as e:
        signum = getattr(e, "signum", signal.SIGINT)
        _err(
            "Interrupted" if signum == signal.SIGINT else f"Stopped ({signal.Signals(signum).name})"
        )
        return 128 + signum
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
