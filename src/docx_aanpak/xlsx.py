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
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from . import _ooxml as ox
from .errors import DataFileError
from .package import DEFAULT_LIMITS, Limits, MiB
from .workbook import MAX_COLUMN, MAX_ROW

__all__ = ["MAX_COLUMN", "MAX_ROW", "SPREADSHEET_NS", "CellValue", "XlsxReader", "error_name"]


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
_DIGITS = re.compile(r"[0-9]{1,9}")  # ASCII digits only: "²".isdigit() is true, int("²") fails

# Excel's error values, as Dutch Excel and LibreOffice Calc show them. Calc has more errors than
# a workbook file can store: it saves its "Err:502" (invalid argument) and others as #VALUE!.
_ERRORS = {
    "#VALUE!": ("#WAARDE!", "Err:502 or #VALUE!", "Err:502 of #VALUE!"),
    "#DIV/0!": ("#DEEL/0!", "#DIV/0!", "#DIV/0!"),
    "#REF!": ("#VERW!", "#REF!", "#REF!"),
    "#NAME?": ("#NAAM?", "#NAME?", "#NAME?"),
    "#NUM!": ("#GETAL!", "#NUM!", "#NUM!"),
    "#N/A": ("#N/B", "#N/A", "#N/A"),
    "#NULL!": ("#LEEG!", "#NULL!", "#NULL!"),
    "#SPILL!": ("#OVERLOOP!", "Err:504", "Err:504"),
    "#CALC!": ("#BEREKENEN!", "Err:504", "Err:504"),
}


def error_name(code: str, *, dutch: bool = False) -> str:
    """An error value the way both programs show it: ``#VALUE! (Calc: Err:502 or #VALUE!;
    Dutch Excel: #WAARDE!)``; in Dutch the Dutch Excel name comes first."""
    code = code.strip()
    known = _ERRORS.get(code.upper())
    if known is None:
        return code
    nl, calc_en, calc_nl = known
    if dutch:
        return f"{nl} (Engelstalige Excel: {code.upper()}; Calc: {calc_nl})"
    return f"{code.upper()} (Calc: {calc_en}; Dutch Excel: {nl})"


def _unescape(text: str) -> str:
    """Excel writes characters XML cannot hold as ``_xHHHH_`` (and ``_`` itself as _x005F_)."""
    return _UNESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


@dataclass(frozen=True, slots=True)
class CellValue:
    """A cell's value; ``problem`` (English) and ``dutch`` say why there is none (an error value,
    a formula never calculated); ``quoted``: Excel's quotePrefix (the text was typed after an
    apostrophe, which Excel hides)."""

    value: object
    number_format: str | None
    problem: str | None = None
    dutch: str | None = None
    quoted: bool = False


@dataclass(frozen=True, slots=True)
class _Style:
    number_format: str | None = None
    is_date: bool = False
    is_duration: bool = False
    quoted: bool = False


_PLAIN = _Style()


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

    def __init__(self, path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
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
            self._check_sizes(limits)
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

    def _check_sizes(self, limits: Limits) -> None:
        """The limits of .docx packages: parts, bytes per part and in all (a zip bomb of shared
        strings would otherwise fill the temporary folder). A part never inflates beyond what its
        header declares: the zip reader stops there and the CRC check fails."""
        infos = self.zip.infolist()
        if len(infos) > limits.max_parts:
            raise DataFileError(
                f"{self.path}: the workbook holds {len(infos)} parts; the limit is "
                f"{limits.max_parts}"
            )
        declared = 0
        for info in infos:
            if info.file_size > limits.max_part_bytes:
                raise DataFileError(
                    f"{self.path}: part {info.filename} declares {info.file_size // MiB} MB "
                    f"uncompressed (limit {limits.max_part_bytes // MiB} MB); refusing a possible "
                    "zip bomb"
                )
            declared += info.file_size
        if declared > limits.max_total_bytes:
            raise DataFileError(
                f"{self.path}: the parts declare {declared // MiB} MB uncompressed (limit "
                f"{limits.max_total_bytes // MiB} MB); refusing a possible zip bomb"
            )

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

    def _formats(self, part: str | None) -> list[_Style]:
        """Number format (a date? a duration?) and quotePrefix of each cell style index."""
        if part is None or part not in self.zip.namelist():
            return []
        root = self._part(part)

        def number(text: str, what: str) -> int:
            if not _DIGITS.fullmatch(text.strip()):
                raise DataFileError(
                    f"{self.path}: damaged workbook, {part} gives {what} the number format "
                    f"'{text}', which is not a number"
                )
            return int(text)

        custom = {
            number(f.get("numFmtId", ""), "a format code"): f.get("formatCode", "")
            for f in root.iter(f"{{{self.ns}}}numFmt")
        }
        result = []
        xfs = root.find(f"{{{self.ns}}}cellXfs")
        for index, xf in enumerate(() if xfs is None else xfs.iterfind(f"{{{self.ns}}}xf")):
            code_id = number(xf.get("numFmtId", "0"), f"cell style {index}")
            code = custom.get(code_id) or BUILTIN_FORMATS.get(code_id)
            quoted = xf.get("quotePrefix", "0").strip().lower() in ("1", "true")
            result.append(
                _Style(code, is_date_format(code), is_timedelta_format(code), quoted)
                if code or quoted
                else _PLAIN
            )
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

    def rows(
        self, part: str, sheet: str | None = None
    ) -> Iterator[tuple[int, dict[int, CellValue]]]:
        """(row number, {column number: value}) of every row the sheet stores, in order.

        Cells without a value (only a style) are left out, so a run of empty rows costs little.
        ``sheet`` (the sheet's name) goes into the messages about damaged cells.
        """
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
        place = f"{self.path}, sheet {sheet or part}"
        number = 0
        try:
            with self.zip.open(part) as stream:
                for row in ox.iter_elements(stream, row_tag):
                    given = row.get("r")
                    if given is None:
                        number += 1
                    elif given.isascii() and given.isdigit() and len(given) < 10:
                        number = int(given)
                    else:
                        raise DataFileError(
                            f"{place}: damaged workbook, the row after row {number} has the "
                            f"number '{given}'"
                        )
                    if not 0 < number <= MAX_ROW:
                        raise DataFileError(
                            f"{place}: damaged workbook, row {number} is beyond the last row "
                            f"of a sheet ({MAX_ROW:,})"
                        )
                    yield number, self._cells(row, number, place) if len(row) else {}
        except (ox.XmlSyntaxError, zipfile.BadZipFile, EOFError) as e:
            raise DataFileError(
                f"{self.path}: damaged workbook, cannot read {part} ({e})"
            ) from None

    def _cells(self, row: ox.Element, number: int, place: str) -> dict[int, CellValue]:
        c_tag, v_tag, f_tag, is_tag = self._tags
        formats = self.formats
        cells: dict[int, CellValue] = {}
        # A cell's column: its reference, else one more than the cell before. References are
        # read only for cells with a value (a run of styled empty cells costs little).
        base: str | None = None
        offset = 0
        for cell in row.iterfind(c_tag):
            ref = cell.get("r")
            if ref:
                base, offset = ref, 0
            else:
                offset += 1
            if not len(cell):
                continue  # a styled empty cell
            column = (_column(base, number, place) if base else 0) + offset
            style = cell.get("s")
            if style is None:
                found = _PLAIN
            elif _DIGITS.fullmatch(style.strip()):
                index = int(style)
                found = formats[index] if index < len(formats) else _PLAIN
            else:
                raise DataFileError(
                    f"{place}, cell {_ref(column, number)}: damaged workbook, the style "
                    f"'{style}' is not a number"
                )
            code = found.number_format
            kind = cell.get("t") or "n"
            v = cell.find(v_tag)
            f = cell.find(f_tag) if kind != "inlineStr" else None
            if f is not None and (v is None or (not v.text and kind != "str")):
                # A program wrote the formula and nothing calculated it: there is no value.
                formula = f"the formula ={f.text} " if f.text else "the formula "
                formule = f"de formule ={f.text} " if f.text else "de formule "
                cells[column] = CellValue(
                    None,
                    code,
                    f"{formula}was never calculated; open the workbook in Excel or Calc and "
                    "save it, then read it again",
                    f"{formule}is nooit berekend; open het werkboek in Excel of Calc, sla het "
                    "op en lees het dan opnieuw in",
                )
                continue
            if kind == "inlineStr":
                inline = cell.find(is_tag)
                text = None if inline is None else _unescape(_inline_text(inline, self._t, self._r))
                cells[column] = CellValue(text, code, quoted=found.quoted)
                continue
            cells[column] = self._value(kind, v, found, f"{place}, cell {_ref(column, number)}")
        return cells

    def _value(self, kind: str, v: ox.Element | None, style: _Style, where: str) -> CellValue:
        code = style.number_format
        text = None if v is None else (v.text or "")
        if text is None:
            return CellValue(None, code)
        if kind == "s":
            index = text.strip()
            if (
                self.strings is None
                or not _DIGITS.fullmatch(index)
                or int(index) >= len(self.strings)
            ):
                raise DataFileError(f"{where}: damaged workbook, shared string '{text}' is missing")
            return CellValue(self.strings[int(index)], code, quoted=style.quoted)
        if kind == "str":
            return CellValue(_unescape(text), code, quoted=style.quoted)
        if kind == "b":
            return CellValue(text.strip() in ("1", "true"), code)
        if kind == "e":
            return CellValue(
                None,
                code,
                f"the cell shows the error {error_name(text)}; correct the formula or value in "
                "the workbook",
                f"de cel toont de fout {error_name(text, dutch=True)}; verbeter de formule of "
                "de waarde in het werkboek",
            )
        if kind == "d":
            try:
                return CellValue(dt.datetime.fromisoformat(text.strip().rstrip("Z")), code)
            except ValueError:
                return CellValue(text, code)
        number = _number(text)
        if number is None:
            return CellValue(
                None,
                code,
                f"the cell holds '{text}', which is not a number",
                f"de cel bevat '{text}', wat geen getal is",
            )
        if style.is_date or style.is_duration:
            try:
                return CellValue(from_excel(number, self.epoch, timedelta=style.is_duration), code)
            except (ValueError, OverflowError):
                return CellValue(
                    None,
                    code,
                    f"the number {text} is not a date Excel can show",
                    f"het getal {text} is geen datum die Excel kan tonen",
                )
        return CellValue(number, code)


_COLUMNS: dict[str, int] = {}


def _ref(column: int, row: int) -> str:
    try:
        return f"{get_column_letter(column)}{row}"
    except ValueError:
        return f"column {column} of row {row}"


_REF = re.compile(r"([A-Za-z]{1,3})[0-9]{1,7}")


def _column(ref: str, row: int, place: str) -> int:
    """The column number of a cell reference such as ``AE7``."""
    match = _REF.fullmatch(ref)
    letters = match.group(1) if match else ""
    found = _COLUMNS.get(letters)
    if found is None:
        try:
            found = column_index_from_string(letters)
            if found > MAX_COLUMN:
                raise ValueError(ref)
        except ValueError:
            raise DataFileError(
                f"{place}, row {row}: damaged workbook, '{ref}' is not a cell reference"
            ) from None
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
