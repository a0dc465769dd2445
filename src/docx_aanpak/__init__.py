"""docx_aanpak: fill Dutch municipal policy plans written as Word templates with content controls.

>>> from docx_aanpak import Template
>>> tpl = Template.open("template/lokale_aanpak.docx")      # doctest: +SKIP
>>> tpl.fill({"lokale_ambitie": "…"}).save("out/plan.docx")  # doctest: +SKIP
"""

from importlib.metadata import PackageNotFoundError, version

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
from .extract import ExtractWarning
from .scan import Field, KeyCollisionWarning, Location, scan
from .template import Template

try:
    __version__ = version("docx-aanpak")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

__all__ = [
    "Choice",
    "ContentControl",
    "CorruptDocumentError",
    "DataFileError",
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
    "NotAWordDocumentError",
    "OutputExistsError",
    "Problem",
    "Template",
    "TemplateError",
    "TemplateMismatchError",
    "ToolMissingError",
    "UnsafeDocumentError",
    "ValidationError",
    "__version__",
    "scan",
]
