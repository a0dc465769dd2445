"""Data files into plan records: :func:`read_records` picks the reader by the file's kind.

The readers live with what they read: CSV and JSON in :mod:`docx_aanpak.records`, next to the
building blocks every reader shares, and the input workbook in :mod:`docx_aanpak.excel`, which
builds on those blocks. Choosing between them here keeps the imports one way
(records → excel → datafiles).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import DataFileError
from .records import PlanRecord, RecordError, _read_csv, _read_json

if TYPE_CHECKING:
    from .template import Template

__all__ = ["read_records"]

_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def read_records(
    path: str | os.PathLike[str], template: Template
) -> Iterator[PlanRecord | RecordError]:
    """Every plan in a workbook (.xlsx, .xlsm), CSV or JSON file, in file order, streamed.

    A file that cannot be read as a whole (or holds no plan) raises :class:`DataFileError` when
    iteration starts (before the first record); a bad plan is yielded as a
    :class:`RecordError` and the next plans follow.
    """
    source = Path(path)
    suffix = source.suffix.lower()
    if suffix in _WORKBOOK_SUFFIXES:
        from .excel import read_workbook  # openpyxl is loaded only for workbooks

        yield from read_workbook(source, template)
        return
    if suffix not in (".csv", ".json"):
        raise DataFileError(
            f"{source}: unknown kind of data file; use a workbook (.xlsx), .csv or .json"
        )
    if not source.is_file():
        raise DataFileError(f"{source}: no such file")
    if suffix == ".csv":
        yield from _read_csv(source, template)
    else:
        yield from _read_json(source, template)
