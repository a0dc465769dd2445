"""docx_aanpak: fill Dutch municipal policy plans written as Word templates with content controls.

>>> from docx_aanpak import Template
>>> tpl = Template.open("template/lokale_aanpak.docx")      # doctest: +SKIP
>>> tpl.fill({"lokale_ambitie": "…"}).save("out/plan.docx")  # doctest: +SKIP

The names below are imported on first use (``from docx_aanpak import Template`` loads what a
template needs, not the workbook or PDF code), so the command line starts at once.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"  # the package's version (pyproject.toml reads it from here)

if TYPE_CHECKING:
    from .batch import BatchReport, Outcome, Status, fill_many, safe_filename
    from .collect import collect, write_collection
    from .controls import Choice, ContentControl, Kind, Level
    from .datafiles import read_records
    from .document import Document
    from .errors import (
        CorruptDocumentError,
        DataFileError,
        DocumentError,
        DocxAanpakError,
        EncryptedDocumentError,
        FillError,
        InputNotFoundError,
        NotAWordDocumentError,
        OutputExistsError,
        OutputIsInputError,
        Problem,
        TemplateError,
        TemplateMismatchError,
        ToolMissingError,
        UnsafeDocumentError,
        ValidationError,
    )
    from .excel import read_workbook, write_workbook
    from .extract import ExtractWarning
    from .freeze import freeze
    from .migrate import Migration, migrate, migrate_many
    from .publish import PublishReport, flatten, lock, publish_plans, to_pdf
    from .records import DataFileWarning, PlanRecord, RecordError
    from .recover import RecoveryWarning
    from .scan import Field, KeyCollisionWarning, Location, scan
    from .template import Template


# Where each public name lives (keep in step with the imports above).
_MODULES: dict[str, tuple[str, ...]] = {
    "batch": ("BatchReport", "Outcome", "Status", "fill_many", "safe_filename"),
    "collect": ("collect", "write_collection"),
    "controls": ("Choice", "ContentControl", "Kind", "Level"),
    "datafiles": ("read_records",),
    "document": ("Document",),
    "errors": (
        "CorruptDocumentError",
        "DataFileError",
        "DocumentError",
        "DocxAanpakError",
        "EncryptedDocumentError",
        "FillError",
        "InputNotFoundError",
        "NotAWordDocumentError",
        "OutputExistsError",
        "OutputIsInputError",
        "Problem",
        "TemplateError",
        "TemplateMismatchError",
        "ToolMissingError",
        "UnsafeDocumentError",
        "ValidationError",
    ),
    "excel": ("read_workbook", "write_workbook"),
    "extract": ("ExtractWarning",),
    "freeze": ("freeze",),
    "migrate": ("Migration", "migrate", "migrate_many"),
    "publish": ("PublishReport", "flatten", "lock", "publish_plans", "to_pdf"),
    "records": ("DataFileWarning", "PlanRecord", "RecordError"),
    "recover": ("RecoveryWarning",),
    "scan": ("Field", "KeyCollisionWarning", "Location", "scan"),
    "template": ("Template",),
}
_HOME = {name: module for module, names in _MODULES.items() for name in names}

__all__ = [
    "BatchReport",
    "Choice",
    "ContentControl",
    "CorruptDocumentError",
    "DataFileError",
    "DataFileWarning",
    "Document",
    "DocumentError",
    "DocxAanpakError",
    "EncryptedDocumentError",
    "ExtractWarning",
    "Field",
    "FillError",
    "InputNotFoundError",
    "KeyCollisionWarning",
    "Kind",
    "Level",
    "Location",
    "Migration",
    "NotAWordDocumentError",
    "Outcome",
    "OutputExistsError",
    "OutputIsInputError",
    "PlanRecord",
    "Problem",
    "PublishReport",
    "RecordError",
    "RecoveryWarning",
    "Status",
    "Template",
    "TemplateError",
    "TemplateMismatchError",
    "ToolMissingError",
    "UnsafeDocumentError",
    "ValidationError",
    "__version__",
    "collect",
    "fill_many",
    "flatten",
    "freeze",
    "lock",
    "migrate",
    "migrate_many",
    "publish_plans",
    "read_records",
    "read_workbook",
    "safe_filename",
    "scan",
    "to_pdf",
    "write_collection",
    "write_workbook",
]


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_HOME[name]}", __name__), name)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _Package(types.ModuleType):
    """Importing the submodule ``scan`` (``collect``, ``migrate``) binds it on the package, over
    the public function of the same name; keep the function, as ``from .scan import scan`` did."""

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and name in _HOME:
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
