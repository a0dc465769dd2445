"""docx_aanpak: fill Dutch municipal policy plans written as Word templates with content controls.

>>> from docx_aanpak import Template
>>> tpl = Template.open("template/lokale_aanpak.docx")      # doctest: +SKIP
>>> tpl.fill({"lokale_ambitie": "…"}).save("out/plan.docx")  # doctest: +SKIP
"""

from importlib.metadata import PackageNotFoundError, version

from .batch import BatchReport, Outcome, Status, fill_many, safe_filename
from .collect import collect, write_collection
from .controls import Choice, ContentControl, Kind, Level
from .document import Document
from .errors import (
    CorruptDocumentError,
    DataFileError,
    DocumentError,
    DocxAanpakError,
    EncryptedDocumentError,
    FillError,
    NotAWordDocumentError,
    OutputExistsError,
    Problem,
    TemplateError,
    TemplateMismatchError,
    ToolMissingError,
    UnsafeDocumentError,
    ValidationError,
)
from .excel import read_workbook, write_workbook
from .extract import ExtractWarning
from .migrate import Migration, migrate, migrate_many
from .publish import flatten, lock, to_pdf
from .records import DataFileWarning, PlanRecord, RecordError, read_records
from .scan import Field, KeyCollisionWarning, Location, scan
from .template import Template

try:
    __version__ = version("docx-aanpak")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

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
    "KeyCollisionWarning",
    "Kind",
    "Level",
    "Location",
    "Migration",
    "NotAWordDocumentError",
    "Outcome",
    "OutputExistsError",
    "PlanRecord",
    "Problem",
    "RecordError",
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
    "lock",
    "migrate",
    "migrate_many",
    "read_records",
    "read_workbook",
    "safe_filename",
    "scan",
    "to_pdf",
    "write_collection",
    "write_workbook",
]
