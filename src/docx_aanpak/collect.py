"""Collect filled plans into one workbook: the answers (sheet "Plannen", the input layout, so the
workbook can be edited and filled again) and how far each plan is (sheet "Voortgang")."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .document import Document
from .errors import DocxAanpakError
from .scan import scan
from .template import Template

if TYPE_CHECKING:
    from docx.document import Document as PyDocxDocument

__all__ = ["Collected", "Collection", "Skipped", "collect", "plan_name", "write_collection"]

PROGRESS_SHEET = "Voortgang"


@dataclass(frozen=True)
class Collected:
    name: str
    path: Path
    values: dict[str, object]


@dataclass(frozen=True)
class Skipped:
    path: Path
    reason: str


@dataclass
class Collection:
    template: Template
    plans: list[Collected] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def plan_name(document: Document, path: Path, template: Template) -> str:
    """The plan's name: the document title, unless it is empty or the template's own title;
    else the file name."""
    title = (document.core_property("dc:title") or "").strip()
    template_title = (template.document.core_property("dc:title") or "").strip()
    if title and title != template_title:
        return title
    return path.stem


def collect(
    paths: Iterable[str | os.PathLike[str] | PyDocxDocument],
    template: Template | None = None,
    *,
    duplicate_tags: str = "error",
) -> Collection:
    """Read every plan. Without a template, the first readable plan describes the fields. A file
    that is not a plan, or was made from another template, is skipped with the reason. A
    python-docx ``Document`` may stand for a file (its path is then its name)."""
    collection: Collection | None = None if template is None else Collection(template)
    skipped: list[Skipped] = []
    names: dict[str, Path] = {}
    for item in paths:
        given = Path(item) if isinstance(item, str | os.PathLike) else None
        path = given or Path(f"<{type(item).__name__}>")
        try:
            document = Document.open(item)
            path = given or Path(document.name)  # a python-docx Document: named by its title
            if collection is None:
                fields = scan(document, duplicate_tags=duplicate_tags)
                collection = Collection(Template(document, fields, duplicate_tags=duplicate_tags))
            values = collection.template.extract(document)
        except DocxAanpakError as e:
            skipped.append(Skipped(path, str(e)))
            continue
        name = plan_name(document, path, collection.template)
        if name.casefold() in names:
            earlier = names[name.casefold()]
            skipped.append(Skipped(path, f"a plan named '{name}' was already read from {earlier}"))
            continue
        names[name.casefold()] = path
        collection.plans.append(Collected(name, path, values))
    if collection is None:
        raise DocxAanpakError(
            "none of the files is a plan with content controls:\n"
            + "\n".join(f"  - {s.path}: {s.reason}" for s in skipped)
        )
    collection.skipped.extend(skipped)
    return collection


def _progress_sheet(book: object, collection: Collection) -> None:
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.workbook.workbook import Workbook

    assert isinstance(book, Workbook)
    sheet = book.create_sheet(PROGRESS_SHEET, 1)
    sections: dict[str, list[str]] = {}
    for item in collection.template.fields:
        sections.setdefault(item.section, []).append(item.key)
    total = len(collection.template.fields)
    header = ["Gemeente", "Beantwoord", "Compleet"]
    header += [f"{section} ({len(keys)})" for section, keys in sections.items()]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.data_type = "s"
    for plan in collection.plans:
        answered = sum(1 for v in plan.values.values() if v not in (None, "", []))
        row: list[object] = [plan.name, answered, answered / total if total else 0]
        for keys in sections.values():
            row.append(sum(1 for k in keys if plan.values.get(k) not in (None, "", [])))
        sheet.append(row)
        sheet.cell(sheet.max_row, 1).data_type = "s"
        sheet.cell(sheet.max_row, 3).number_format = "0%"
    last = sheet.max_row
    red, yellow, green = "FFF8696B", "FFFFEB84", "FF63BE7B"
    if last >= 2:
        overall = ColorScaleRule(  # type: ignore[no-untyped-call]
            start_type="num", start_value=0, start_color=red,
            mid_type="num", mid_value=0.5, mid_color=yellow,
            end_type="num", end_value=1, end_color=green,
        )  # fmt: skip
        sheet.conditional_formatting.add(f"C2:C{last}", overall)
        for offset, keys in enumerate(sections.values()):
            column = get_column_letter(4 + offset)
            rule = ColorScaleRule(  # type: ignore[no-untyped-call]
                start_type="num", start_value=0, start_color=red,
                end_type="num", end_value=len(keys), end_color=green,
            )  # fmt: skip
            sheet.conditional_formatting.add(f"{column}2:{column}{last}", rule)
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 12
    sheet.column_dimensions["C"].width = 12
    for offset in range(len(sections)):
        sheet.column_dimensions[get_column_letter(4 + offset)].width = 18
    sheet.row_dimensions[1].height = 60


def write_collection(
    path: str | os.PathLike[str], collection: Collection, *, overwrite: bool = False
) -> None:
    """Write the plans in the input workbook's layout plus the "Voortgang" sheet."""
    from .excel import build_workbook, save_workbook

    records = [{"Gemeente": p.name, **p.values} for p in collection.plans]
    book = build_workbook(collection.template, records)
    _progress_sheet(book, collection)
    save_workbook(book, path, overwrite=overwrite)
