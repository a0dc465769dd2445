"""Errors raised by docx_aanpak.

Every error the library raises on purpose derives from :class:`DocxAanpakError`, so a caller (and
the CLI) can catch one type. Each carries an ``exit_code`` for the command line and a message that
names the file, sheet, cell or control at fault::

    DocxAanpakError
    ├── DocumentError              a .docx/.dotx cannot be used
    │   ├── NotAWordDocumentError  empty, not a zip, .doc, .xlsx, .pptx, no main document part
    │   ├── EncryptedDocumentError password-protected (an encrypted OLE container)
    │   ├── UnsafeDocumentError    zip bomb, DOCTYPE/entity declarations, too many parts
    │   ├── CorruptDocumentError   truncated zip, missing part, broken relationship, bad XML
    │   └── TemplateError          no content controls, or one tag on controls of different kinds
    ├── TemplateMismatchError      a document was not made from the template at hand
    ├── ValidationError            values do not fit the template's fields (lists every problem)
    ├── FillError                  a control cannot take its value (locked, broken data binding)
    ├── DataFileError              a workbook, JSON or CSV file cannot be read
    ├── OutputExistsError          refusing to replace an existing file without ``overwrite``
    ├── OutputIsInputError         refusing to write over one of the run's inputs, always
    ├── InputNotFoundError         an input file or folder named on the command line is missing
    └── ToolMissingError           an external program (LibreOffice) is not installed

Exit codes of the command line (``exit_code``): 1 a run finished with problems or a document
could not be used, 2 bad data or values (or a wrong combination of options), 3 a tool is missing,
4 an input is missing, 5 an output would replace an input.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
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
    "visible",
]


# Characters a terminal may act on instead of showing, or a report cannot hold: C0 and C1 controls
# (but tab and newline), bidirectional overrides, non-characters and lone surrogates.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\ufffe\uffff\ud800-\udfff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, newlines: bool = True) -> str:
    """``text`` with such characters written out (``\\x1b``, ``\\ufffe``), so that a data file
    cannot send escape sequences to a terminal and a report can always hold its names and
    messages; newlines are written out too unless ``newlines``."""
    text = _INVISIBLE.sub(_escape, text)
    return text if newlines else text.replace("\n", "\\n")


class DocxAanpakError(Exception):
    """Root of all docx_aanpak errors. ``str(error)`` is a complete, user-facing message."""

    exit_code = 1


class DocumentError(DocxAanpakError):
    """A Word document or template cannot be used."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class NotAWordDocumentError(DocumentError):
    """The file is not a Word document or template (.docx, .dotx)."""


class EncryptedDocumentError(DocumentError):
    """The file is password-protected."""


class UnsafeDocumentError(DocumentError):
    """The file would make the reader use unbounded time or memory, or resolve entities."""


class CorruptDocumentError(DocumentError):
    """The package is damaged: truncated, missing parts, broken relationships, malformed XML."""


class TemplateError(DocumentError):
    """The document cannot serve as a template: nothing to fill, or conflicting tags."""


class TemplateMismatchError(DocxAanpakError):
    """A document does not hold the controls of the template it is read against."""


@dataclass(frozen=True)
class Problem:
    """One invalid value: which field, where it came from, and what is wrong."""

    message: str
    key: str | None = None
    label: str | None = None
    where: str | None = None  # e.g. "Plannen!D7" or "values.json"

    def __str__(self) -> str:
        parts = []
        if self.where:
            parts.append(self.where)
        in_cell = bool(self.where) and "!" in (self.where or "")
        if self.key and not (in_cell and self.label):
            parts.append(f"field '{self.key}'")  # a person filling a workbook never sees keys
        if self.label and self.label != self.key:
            parts.append(f"({self.label})")
        head = " ".join(parts)
        return f"{head}: {self.message}" if head else self.message


class ValidationError(DocxAanpakError):
    """Values do not fit the template. ``problems`` lists each one."""

    exit_code = 2

    def __init__(self, problems: Sequence[Problem], *, context: str | None = None) -> None:
        self.problems = tuple(problems)
        self.context = context
        lines = [str(p) for p in self.problems]
        # ``detail``: the problems without the context, for a report that names the plan already.
        if len(lines) == 1:
            self.detail = lines[0]
        else:
            self.detail = f"{len(lines)} invalid values:\n" + "\n".join(f"  - {x}" for x in lines)
        super().__init__(f"{context}: {self.detail}" if context else self.detail)


class FillError(DocxAanpakError):
    """A control cannot take its value."""


class DataFileError(DocxAanpakError):
    """A data file (workbook, JSON, CSV) cannot be read."""

    exit_code = 2


class OutputExistsError(DocxAanpakError):
    """An output file exists and overwriting was not asked for."""

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__(f"{path} already exists; pass --overwrite to replace it")


class OutputIsInputError(DocxAanpakError):
    """An output would replace one of the files the run reads (``--overwrite`` or not)."""

    exit_code = 5

    def __init__(self, path: str, role: str, source: str) -> None:
        self.path = path
        self.role = role
        self.source = source
        same = "" if source == path else f" ({source})"
        super().__init__(
            f"{path} is {role}{same} of this run; refusing to write over it (with or without "
            "--overwrite): choose another name or folder for the output"
        )


class InputNotFoundError(DocxAanpakError):
    """A file or folder to read does not exist."""

    exit_code = 4

    def __init__(self, path: str, what: str = "file") -> None:
        self.path = path
        super().__init__(f"{path}: no such {what}")


class ToolMissingError(DocxAanpakError):
    """An external program is needed but not installed."""

    exit_code = 3
