"""A streaming reader of .xlsx worksheets: rows of typed cell values, one at a time.

openpyxl's reader keeps the whole shared strings table in memory and cannot tell a formula that
was never calculated from an empty cell, so the sheet XML is read here directly: rows come one at
a time and are freed after use, the shared strings go to a temporary file (only offsets stay in
memory), and a formula without a cached value is reported as such. Number formats, date epochs
and Excel's date serials come from openpyxl's utilities.
"""

from __future__ import annotations

import datetime as dt
import math
import posixpath
import re
import tempfile
import zipfile
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils import column_index_from_string
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from . import _ooxml as ox
from .errors import DataFileError

__all__ = ["SPREADSHEET_NS", "CellValue", "XlsxReader"]


SPREADSHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_MAIN = (
    SPREADSHEET_NS,
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
_OFFICE_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_MAX_PART = 64 * 1024 * 1024  # workbook, relationships and styles parts are small
_UNESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape(text: str) -> str:
    """Excel writes characters XML cannot hold as ``_xHHHH_`` (and ``_`` itself as _x005F_)."""
    return _UNESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


@dataclass(frozen=True)
class CellValue:
    value: object
    number_format: str | None
    problem: str | None


class _SharedStrings:
    """The shared strings table, kept in a temporary file: only offsets stay in memory."""

    def __init__(self) -> None:
        # Closed by close(): the table lives as long as the reader, not one block.
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="docx_aanpak_strings_")  # noqa: SIM115
        self._offsets = array("Q", [0])

    def load(self, stream: IO[bytes], ns: str) -> None:
        si, t, r = f"{{{ns}}}si", f"{{{ns}}}t", f"{{{ns}}}r"
        for element in ox.iter_elements(stream, si):
            data = _unescape(_inline_text(element, t, r)).encode("utf-8", "surrogatepass")
            self._file.write(data)
            self._offsets.append(self._offsets[-1] + len(data))
        self._file.flush()

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, index: int) -> str:
        start, end = self._offsets[index], self._offsets[index + 1]
        self._file.seek(start)
        return self._file.read(end - start).decode("utf-8", "surrogatepass")

    def close(self) -> None:
        self._file.close()


class XlsxReader:
    """An .xlsx package opened for streaming one worksheet's rows."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.zip = zipfile.ZipFile(path)
        except FileNotFoundError:
            raise DataFileError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise DataFileError(f"{path}: is a folder, not a workbook") from None
        except PermissionError:
            raise DataFileError(f"{path}: no permission to read it") from None
        except (zipfile.BadZipFile, OSError) as e:
            raise DataFileError(f"{path}: {self._not_a_workbook()}") from e
        self.strings: _SharedStrings | None = None
        try:
            self._read_workbook()
        except BaseException:
            self.close()
            raise

    def _not_a_workbook(self) -> str:
        try:
            with self.path.open("rb") as handle:
                head = handle.read(8)
        except OSError:
            head = b""
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            return (
                "not an .xlsx workbook: an old .xls workbook or one protected with a password; "
                "save it in Excel as .xlsx without a password"
            )
        return "not an Excel workbook (.xlsx)"

    def close(self) -> None:
        if self.strings is not None:
            self.strings.close()
        self.zip.close()

    # -- parts ----------------------------------------------------------------------------------

    def _part(self, name: str) -> ox.Element:
        try:
            info = self.zip.getinfo(name)
        except KeyError:
            raise DataFileError(f"{self.path}: damaged workbook, part {name} is missing") from None
        if info.file_size > _MAX_PART:
            raise DataFileError(f"{self.path}: part {name} is too large for a workbook")
        try:
            return ox.parse(self.zip.read(info))
        except (ox.XmlSyntaxError, ox.XmlDoctypeError, zipfile.BadZipFile, OSError, EOFError) as e:
            raise DataFileError(
                f"{self.path}: damaged workbook, cannot read {name} ({e})"
            ) from None

    def _relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """{id: (type, target part)} of a part's relationships."""
        folder = PurePosixPath(part).parent
        rels = f"{folder}/_rels/{PurePosixPath(part).name}.rels".lstrip("./")
        if rels not in self.zip.namelist():
            return {}
        result = {}
        for rel in self._part(rels).iterfind(f"{{{_PKG_REL}}}Relationship"):
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External":
                continue
            path = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(str(folder), target))
            )
            result[rel.get("Id", "")] = (rel.get("Type", ""), path)
        return result

    def _read_workbook(self) -> None:
        main = next(
            (
                t
                for k, (kind, t) in self._relationships("").items()
                if kind.endswith("/officeDocument")
            ),
            None,
        )
        if main is None or main not in self.zip.namelist():
            raise DataFileError(f"{self.path}: {self._not_a_workbook()}")
        root = self._part(main)
        self.ns = ns = ox.namespace(root) or _MAIN[0]
        if ox.local_name(root) != "workbook" or ns not in _MAIN:
            raise DataFileError(f"{self.path}: not an Excel workbook (.xlsx)")
        self._tags = (f"{{{ns}}}c", f"{{{ns}}}v", f"{{{ns}}}f", f"{{{ns}}}is")
        self._t, self._r = f"{{{ns}}}t", f"{{{ns}}}r"
        rels = self._relationships(main)
        pr = root.find(f"{{{self.ns}}}workbookPr")
        date1904 = pr is not None and pr.get("date1904", "0").lower() in ("1", "true")
        self.epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
        self.sheets: list[tuple[str, str | None]] = []
        for sheet in root.iter(f"{{{self.ns}}}sheet"):
            rid = next(
                (sheet.get(f"{{{r}}}id") for r in _OFFICE_REL if sheet.get(f"{{{r}}}id")), None
            )
            kind, target = rels.get(rid or "", ("", ""))
            self.sheets.append(
                (sheet.get("name", ""), target if kind.endswith("/worksheet") else None)
            )
        self._strings_part = next(
            (t for kind, t in rels.values() if kind.endswith("/sharedStrings")), None
        )
        styles = next((t for kind, t in rels.values() if kind.endswith("/styles")), None)
        self.formats = self._formats(styles)

    def _formats(self, part: str | None) -> list[tuple[str | None, bool, bool]]:
        """(number format, is a date, is a duration) for each cell style index."""
        if part is None or part not in self.zip.namelist():
            return []
        root = self._part(part)
        custom = {
            int(f.get("numFmtId", "-1")): f.get("formatCode", "")
            for f in root.iter(f"{{{self.ns}}}numFmt")
        }
        result = []
        xfs = root.find(f"{{{self.ns}}}cellXfs")
        for xf in () if xfs is None else xfs.iterfind(f"{{{self.ns}}}xf"):
            number = int(xf.get("numFmtId", "0"))
            code = custom.get(number) or BUILTIN_FORMATS.get(number)
            result.append((code, is_date_format(code), is_timedelta_format(code)))
        return result

    def find_sheet(self, title: str) -> tuple[str, str]:
        names = [n for n, _ in self.sheets]
        match = next(((n, p) for n, p in self.sheets if n == title), None) or next(
            ((n, p) for n, p in self.sheets if n.casefold() == title.casefold()), None
        )
        if match is None:
            raise DataFileError(
                f"{self.path}: no sheet '{title}' (the workbook has "
                f"{', '.join(repr(n) for n in names) or 'no sheets'}); make the workbook with "
                "`docx-aanpak excel` and keep the name of its sheet"
            )
        name, part = match
        if part is None or part not in self.zip.namelist():
            raise DataFileError(f"{self.path}: sheet '{name}' is not a worksheet")
        return name, part

    # -- rows -----------------------------------------------------------------------------------

    def rows(self, part: str) -> Iterator[tuple[int, dict[int, CellValue]]]:
        """(row number, {column number: value}) of every row the sheet stores, in order."""
        if self.strings is None and self._strings_part in self.zip.namelist():
            assert self._strings_part is not None
            self.strings = _SharedStrings()
            try:
                with self.zip.open(self._strings_part) as stream:
                    self.strings.load(stream, self.ns)
            except (ox.XmlSyntaxError, zipfile.BadZipFile, OSError, EOFError) as e:
                raise DataFileError(
                    f"{self.path}: damaged workbook, cannot read the shared strings ({e})"
                ) from None
        row_tag = f"{{{self.ns}}}row"
        number = 0
        try:
            with self.zip.open(part) as stream:
                for row in ox.iter_elements(stream, row_tag):
                    number = int(row.get("r") or number + 1)
                    yield number, self._cells(row, number)
        except (ox.XmlSyntaxError, zipfile.BadZipFile, EOFError) as e:
            raise DataFileError(
                f"{self.path}: damaged workbook, cannot read {part} ({e})"
            ) from None

    def _cells(self, row: ox.Element, number: int) -> dict[int, CellValue]:
        c_tag, v_tag, f_tag, is_tag = self._tags
        formats = self.formats
        plain = (None, False, False)
        cells: dict[int, CellValue] = {}
        column = 0
        for cell in row.iterfind(c_tag):
            ref = cell.get("r")
            column = _column(ref) if ref else column + 1
            style = cell.get("s")
            index = int(style) if style else 0
            code, is_date, is_duration = formats[index] if index < len(formats) else plain
            kind = cell.get("t") or "n"
            v = cell.find(v_tag)
            f = cell.find(f_tag) if kind != "inlineStr" else None
            if f is not None and (v is None or (not v.text and kind != "str")):
                # A program wrote the formula and nothing calculated it: there is no value.
                formula = f"the formula ={f.text} " if f.text else "the formula "
                problem = (
                    f"{formula}was never calculated; open the workbook in Excel and save "
                    "it, then read it again"
                )
                cells[column] = CellValue(None, code, problem)
                continue
            if kind == "inlineStr":
                inline = cell.find(is_tag)
                text = None if inline is None else _unescape(_inline_text(inline, self._t, self._r))
                cells[column] = CellValue(text, code, None)
                continue
            cells[column] = self._value(kind, v, code, is_date, is_duration)
        return cells

    def _value(
        self,
        kind: str,
        v: ox.Element | None,
        code: str | None,
        is_date: bool,
        is_duration: bool,
    ) -> CellValue:
        text = None if v is None else (v.text or "")
        if text is None:
            return CellValue(None, code, None)
        if kind == "s":
            if self.strings is None or not text.strip().isdigit() or int(text) >= len(self.strings):
                raise DataFileError(
                    f"{self.path}: damaged workbook, shared string {text} is missing"
                )
            return CellValue(self.strings[int(text)], code, None)
        if kind == "str":
            return CellValue(_unescape(text), code, None)
        if kind == "b":
            return CellValue(text.strip() in ("1", "true"), code, None)
        if kind == "e":
            return CellValue(None, code, f"the cell shows the error {text}; correct it in Excel")
        if kind == "d":
            try:
                return CellValue(dt.datetime.fromisoformat(text.strip().rstrip("Z")), code, None)
            except ValueError:
                return CellValue(text, code, None)
        number = _number(text)
        if number is None:
            return CellValue(None, code, f"the cell holds '{text}', which is not a number")
        if is_date or is_duration:
            try:
                return CellValue(from_excel(number, self.epoch, timedelta=is_duration), code, None)
            except (ValueError, OverflowError):
                return CellValue(None, code, f"the number {text} is not a date Excel can show")
        return CellValue(number, code, None)


_COLUMNS: dict[str, int] = {}


def _column(ref: str) -> int:
    """The column number of a cell reference such as ``AE7``."""
    letters = ref.rstrip("0123456789")
    found = _COLUMNS.get(letters)
    if found is None:
        try:
            found = column_index_from_string(letters)
        except ValueError:
            raise DataFileError(f"damaged workbook: '{ref}' is not a cell reference") from None
        if len(_COLUMNS) < 20_000:
            _COLUMNS[letters] = found
    return found


def _inline_text(inline: ox.Element, t: str, r: str) -> str:
    if len(inline) == 1 and inline[0].tag == t:
        return inline[0].text or ""
    parts = [child.text or "" for child in inline if child.tag == t]
    for run in inline.iterfind(r):
        parts += [child.text or "" for child in run if child.tag == t]
    return "".join(parts)


def _number(text: str) -> int | float | None:
    text = text.strip()
    try:
        if re.fullmatch(r"-?\d+", text):
            return int(text)
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None
