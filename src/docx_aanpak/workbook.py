"""Write .xlsx workbooks: the SpreadsheetML of every workbook docx_aanpak makes (the input
workbook, the collected plans, the reports), written straight as text.

A :class:`Workbook` holds :class:`Sheet` objects. A sheet holds cells (text, numbers, truth
values, dates), each with a :class:`Style`, and what a person needs around them: column widths,
row heights, hidden rows, merged cells, frozen panes, lists and checks (:class:`Validation`),
colour scales, a filter, and print settings. :meth:`Workbook.to_bytes` gives the package.

Text is always text, never a formula, and reads back exactly as written, in Excel, in Calc and
in :mod:`docx_aanpak.xlsx`: characters XML cannot hold are written as Excel writes them
(``_x0001_``), and so is the ``_`` of an ``_x…_`` that is already in the text (``_x005F_``).

Writing the XML directly, rather than through openpyxl's object model, makes a workbook of a few
hundred plans about ten times cheaper to write, and its import costs nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

__all__ = [
    "FIRST_SERIAL_DATE",
    "MAX_CELL_TEXT",
    "MAX_COLUMN",
    "MAX_ROW",
    "ColorScale",
    "Sheet",
    "Style",
    "Validation",
    "Workbook",
    "column_letter",
    "cut_to_cell",
]

MAX_ROW = 1_048_576
"""The last row of a sheet in Excel and LibreOffice Calc."""
MAX_COLUMN = 16_384
"""The last column of a sheet (XFD) in Excel and LibreOffice Calc."""
MAX_CELL_TEXT = 32_767
"""The most characters an Excel cell holds."""
FIRST_SERIAL_DATE = dt.date(1900, 3, 1)
"""The first date Excel's serial numbers count right (they count a 29 February 1900)."""

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed: the same workbook gives the same bytes
_FONT_NAME = "Calibri"
_FONT_SIZE = 11.0
_DEFAULT_ROW_HEIGHT = 15.0
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)

# Characters XML 1.0 cannot hold (and CR, which XML turns into LF), and the "_" of a text that
# looks like Excel's own escape: written as Excel writes them.
_ESCAPE = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_XML_SPECIAL = re.compile('[&<>"]')
_XML_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}

# Excel's built-in number formats that the workbooks use; others get ids from 164.
_BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "0%": 9, "0.00%": 10}


def _xml(text: str) -> str:
    """Text as XML character data or an attribute value."""
    return _XML_SPECIAL.sub(lambda m: _XML_ENTITIES[m.group()], text)


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    return "_x005F_" if char == "_" else f"_x{ord(char):04X}_"


def cell_text(text: str) -> str:
    """A text as a cell holds it in the file (see the module's docstring), XML-escaped."""
    return _xml(_ESCAPE.sub(_escaped, text))


def cut_to_cell(text: str) -> str:
    """A text cut to what a cell holds, marked as cut with " …"."""
    return text if len(text) <= MAX_CELL_TEXT else text[: MAX_CELL_TEXT - 2] + " …"


@cache
def column_letter(number: int) -> str:
    """The letters of column ``number`` (1 is A, 27 is AA, 16384 is XFD)."""
    if not 1 <= number <= MAX_COLUMN:
        raise ValueError(f"column {number} is outside a sheet (1 to {MAX_COLUMN})")
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _number(value: float) -> str:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"a cell cannot hold the number {value}")
        return repr(value)
    return str(value)


def _width(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True, slots=True)
class Style:
    """How a cell or column looks: font (bold, size in points, ARGB colour), solid fill
    (ARGB), alignment, number format, and Excel's quote prefix (the cell was typed after an
    apostrophe: text that would be a formula stays text when it is edited)."""

    bold: bool = False
    size: float = _FONT_SIZE
    color: str | None = None
    fill: str | None = None
    wrap: bool = False
    vertical: str | None = None
    horizontal: str | None = None
    number_format: str | None = None
    quote_prefix: bool = False


_PLAIN = Style()


@dataclass(frozen=True)
class Validation:
    """A data validation (Excel: Gegevensvalidatie) over cell ranges: ``kind`` "list" (the
    choices in ``formula1``: a range, or a quoted comma list) or "date" (``operator`` and two
    bounds as serials), with the message shown for a wrong entry."""

    kind: str
    ranges: Sequence[str]
    formula1: str
    formula2: str | None = None
    operator: str | None = None
    error_title: str = ""
    error: str = ""

    def xml(self) -> str:
        attributes = f'type="{self.kind}"'
        if self.operator:
            attributes += f' operator="{self.operator}"'
        attributes += ' allowBlank="1" showErrorMessage="1"'
        if self.error_title:
            attributes += f' errorTitle="{_xml(self.error_title)}"'
        if self.error:
            attributes += f' error="{_xml(self.error)}"'
        formulas = f"<formula1>{_xml(self.formula1)}</formula1>"
        if self.formula2 is not None:
            formulas += f"<formula2>{_xml(self.formula2)}</formula2>"
        ranges = " ".join(self.ranges)
        return f'<dataValidation {attributes} sqref="{ranges}">{formulas}</dataValidation>'


@dataclass(frozen=True)
class ColorScale:
    """A colour scale over a range: (number, ARGB colour) points, low to high."""

    range: str
    points: Sequence[tuple[float, str]]

    def xml(self, priority: int) -> str:
        values = "".join(f'<cfvo type="num" val="{_number(v)}"/>' for v, _ in self.points)
        colors = "".join(f'<color rgb="{c}"/>' for _, c in self.points)
        return (
            f'<conditionalFormatting sqref="{self.range}"><cfRule type="colorScale" '
            f'priority="{priority}"><colorScale>{values}{colors}</colorScale></cfRule>'
            "</conditionalFormatting>"
        )


class _Styles:
    """The workbook's style table: fonts, fills, number formats and cell formats, each once."""

    def __init__(self) -> None:
        self.fonts: dict[tuple[bool, float, str | None], int] = {(False, _FONT_SIZE, None): 0}
        self.fills: dict[str | None, int] = {None: 0}  # 1 is Excel's obligatory gray125
        self.formats: dict[str, int] = {}
        self.xfs: dict[Style, int] = {_PLAIN: 0}

    def index(self, style: Style | None) -> int:
        if style is None:
            return 0
        found = self.xfs.get(style)
        if found is None:
            font = (style.bold, style.size, style.color)
            self.fonts.setdefault(font, len(self.fonts))
            if style.fill is not None and style.fill not in self.fills:
                self.fills[style.fill] = len(self.fills) + 1
            fmt = style.number_format
            if fmt is not None and fmt not in _BUILTIN_FORMATS:
                self.formats.setdefault(fmt, 164 + len(self.formats))
            found = self.xfs[style] = len(self.xfs)
        return found

    def _format_id(self, style: Style) -> int:
        fmt = style.number_format
        if fmt is None:
            return 0
        return _BUILTIN_FORMATS.get(fmt) or self.formats[fmt]

    def xml(self) -> str:
        parts = [_DECLARATION, f'<styleSheet xmlns="{_MAIN}">']
        if self.formats:
            parts.append(f'<numFmts count="{len(self.formats)}">')
            parts += [
                f'<numFmt numFmtId="{i}" formatCode="{_xml(code)}"/>'
                for code, i in self.formats.items()
            ]
            parts.append("</numFmts>")
        parts.append(f'<fonts count="{len(self.fonts)}">')
        for bold, size, color in self.fonts:
            parts.append(
                "<font>"
                + ('<b val="1"/>' if bold else "")
                + f'<sz val="{_width(size)}"/>'
                + (f'<color rgb="{color}"/>' if color else "")
                + f'<name val="{_FONT_NAME}"/><family val="2"/></font>'
            )
        parts.append("</fonts>")
        parts.append(f'<fills count="{len(self.fills) + 1}">')
        parts.append('<fill><patternFill patternType="none"/></fill>')
        parts.append('<fill><patternFill patternType="gray125"/></fill>')
        for color in list(self.fills)[1:]:
            parts.append(
                f'<fill><patternFill patternType="solid"><fgColor rgb="{color}"/>'
                '<bgColor indexed="64"/></patternFill></fill>'
            )
        parts.append("</fills>")
        parts.append(
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
            "</borders>"
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            "</cellStyleXfs>"
        )
        parts.append(f'<cellXfs count="{len(self.xfs)}">')
        for style in self.xfs:
            font = self.fonts[(style.bold, style.size, style.color)]
            fill = self.fills[style.fill]
            attributes = (
                f'numFmtId="{self._format_id(style)}" fontId="{font}" fillId="{fill}" '
                'borderId="0" xfId="0"'
            )
            if style.number_format is not None:
                attributes += ' applyNumberFormat="1"'
            if font:
                attributes += ' applyFont="1"'
            if fill:
                attributes += ' applyFill="1"'
            if style.quote_prefix:
                attributes += ' quotePrefix="1"'
            alignment = ""
            if style.wrap or style.vertical or style.horizontal:
                attributes += ' applyAlignment="1"'
                alignment = "<alignment"
                if style.horizontal:
                    alignment += f' horizontal="{style.horizontal}"'
                if style.vertical:
                    alignment += f' vertical="{style.vertical}"'
                if style.wrap:
                    alignment += ' wrapText="1"'
                alignment += "/>"
            parts.append(
                f"<xf {attributes}>{alignment}</xf>" if alignment else f"<xf {attributes}/>"
            )
        parts.append("</cellXfs>")
        parts.append(
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            '<dxfs count="0"/><tableStyles count="0"/></styleSheet>'
        )
        return "".join(parts)


@dataclass
class Sheet:
    """One sheet. Rows and columns count from 1; set cells in any order."""

    name: str
    hidden: bool = False
    _styles: _Styles = field(default_factory=_Styles, repr=False)
    _cells: dict[int, dict[int, tuple[object, int]]] = field(default_factory=dict, repr=False)
    _columns: dict[int, tuple[float, int]] = field(default_factory=dict, repr=False)
    _heights: dict[int, float] = field(default_factory=dict, repr=False)
    _hidden_rows: set[int] = field(default_factory=set, repr=False)
    _merged: list[str] = field(default_factory=list, repr=False)
    _validations: list[Validation] = field(default_factory=list, repr=False)
    _scales: list[ColorScale] = field(default_factory=list, repr=False)
    frozen: tuple[int, int] | None = None
    """The first scrolling (row, column): rows above and columns left of it stay in view."""
    filter: bool = False
    """A filter on the header row (the first row) over every used column."""

    def set(self, row: int, column: int, value: object, style: Style | None = None) -> None:
        """Put a value (``str``, ``int``, ``float``, ``bool``, ``datetime.date``, or ``None``
        for an empty cell that only shows its style) in a cell."""
        if not 1 <= row <= MAX_ROW:
            raise ValueError(f"row {row} is outside a sheet (1 to {MAX_ROW})")
        column_letter(column)  # checks the column
        if not isinstance(value, str | int | float | dt.date | None):
            raise TypeError(f"a cell cannot hold {type(value).__name__}")
        if isinstance(value, str) and len(value) > MAX_CELL_TEXT:
            raise ValueError(f"a cell holds at most {MAX_CELL_TEXT} characters, not {len(value)}")
        self._cells.setdefault(row, {})[column] = (value, self._styles.index(style))

    def column(self, number: int, width: float, style: Style | None = None) -> None:
        """A column's width (in characters, as Excel counts) and the style of its empty cells."""
        column_letter(number)
        self._columns[number] = (width, self._styles.index(style))

    def height(self, row: int, points: float) -> None:
        self._heights[row] = points

    def hide_row(self, row: int) -> None:
        self._hidden_rows.add(row)

    def merge(self, row: int, first: int, last_row: int, last: int) -> None:
        """Merge the cells from (``row``, ``first``) to (``last_row``, ``last``)."""
        self._merged.append(f"{column_letter(first)}{row}:{column_letter(last)}{last_row}")

    def validate(self, validation: Validation) -> None:
        self._validations.append(validation)

    def color_scale(self, scale: ColorScale) -> None:
        self._scales.append(scale)

    @property
    def last_row(self) -> int:
        return max(self._cells, default=0)

    @property
    def last_column(self) -> int:
        used = (max(cells) for cells in self._cells.values() if cells)
        return max(max(used, default=1), max(self._columns, default=1))

    def xml(self, selected: bool) -> str:
        last_row, last_column = max(self.last_row, 1), self.last_column
        dimension = f"A1:{column_letter(last_column)}{last_row}"
        parts = [_DECLARATION, f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">']
        if not self.hidden:
            parts.append('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>')
        parts.append(f'<dimension ref="{dimension}"/>')
        parts.append(self._view(selected))
        parts.append(f'<sheetFormatPr defaultRowHeight="{_width(_DEFAULT_ROW_HEIGHT)}"/>')
        if self._columns:
            parts.append("<cols>")
            for number in sorted(self._columns):
                width, style = self._columns[number]
                styled = f' style="{style}"' if style else ""
                parts.append(
                    f'<col min="{number}" max="{number}" width="{_width(width)}" '
                    f'customWidth="1"{styled}/>'
                )
            parts.append("</cols>")
        parts.append(self._data())
        if self.filter and self._cells:
            parts.append(f'<autoFilter ref="{dimension}"/>')
        if self._merged:
            parts.append(f'<mergeCells count="{len(self._merged)}">')
            parts += [f'<mergeCell ref="{ref}"/>' for ref in self._merged]
            parts.append("</mergeCells>")
        parts += [scale.xml(priority) for priority, scale in enumerate(self._scales, 1)]
        if self._validations:
            parts.append(f'<dataValidations count="{len(self._validations)}">')
            parts += [v.xml() for v in self._validations]
            parts.append("</dataValidations>")
        parts.append(
            '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
            'footer="0.3"/>'
        )
        if not self.hidden:
            # A4 landscape, one page wide and as many pages down as needed.
            parts.append(
                '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
            )
        parts.append("</worksheet>")
        return "".join(parts)

    def _view(self, selected: bool) -> str:
        tab = ' tabSelected="1"' if selected else ""
        if self.frozen is None or self.frozen == (1, 1):
            return (
                f'<sheetViews><sheetView{tab} workbookViewId="0"><selection activeCell="A1" '
                'sqref="A1"/></sheetView></sheetViews>'
            )
        row, column = self.frozen
        corner = f"{column_letter(column)}{row}"
        if row > 1 and column > 1:
            pane = (
                f'<pane xSplit="{column - 1}" ySplit="{row - 1}" topLeftCell="{corner}" '
                'activePane="bottomRight" state="frozen"/><selection pane="topRight"/>'
                '<selection pane="bottomLeft"/>'
                f'<selection pane="bottomRight" activeCell="{corner}" sqref="{corner}"/>'
            )
        elif row > 1:
            pane = (
                f'<pane ySplit="{row - 1}" topLeftCell="{corner}" activePane="bottomLeft" '
                f'state="frozen"/><selection pane="bottomLeft" activeCell="{corner}" '
                f'sqref="{corner}"/>'
            )
        else:
            pane = (
                f'<pane xSplit="{column - 1}" topLeftCell="{corner}" activePane="topRight" '
                f'state="frozen"/><selection pane="topRight" activeCell="{corner}" '
                f'sqref="{corner}"/>'
            )
        return f'<sheetViews><sheetView{tab} workbookViewId="0">{pane}</sheetView></sheetViews>'

    def _data(self) -> str:
        rows = set(self._cells) | set(self._heights) | self._hidden_rows
        if not rows:
            return "<sheetData/>"
        parts = ["<sheetData>"]
        for number in sorted(rows):
            attributes = f'r="{number}"'
            height = self._heights.get(number)
            if height is not None:
                attributes += f' ht="{_width(height)}" customHeight="1"'
            if number in self._hidden_rows:
                attributes += ' hidden="1"'
            cells = self._cells.get(number)
            if not cells:
                parts.append(f"<row {attributes}/>")
                continue
            parts.append(f"<row {attributes}>")
            for column in sorted(cells):
                parts.append(_cell(f"{column_letter(column)}{number}", *cells[column]))
            parts.append("</row>")
        parts.append("</sheetData>")
        return "".join(parts)


def _cell(ref: str, value: object, style: int) -> str:
    styled = f' s="{style}"' if style else ""
    if value is None:
        return f'<c r="{ref}"{styled}/>'
    if isinstance(value, str):
        text = cell_text(value)
        space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
        return f'<c r="{ref}"{styled} t="inlineStr"><is><t{space}>{text}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{styled} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"{styled}><v>{_number(value)}</v></c>'
    assert isinstance(value, dt.date)
    return f'<c r="{ref}"{styled}><v>{_number(_serial(value))}</v></c>'


def _serial(value: dt.date) -> float | int:
    """Excel's serial number of a date (1900 date system)."""
    moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
    if moment.tzinfo is not None:
        moment = moment.replace(tzinfo=None)
    if moment.date() < FIRST_SERIAL_DATE:
        raise ValueError(f"{value.isoformat()} is before 1 March 1900: not an Excel date serial")
    delta = moment - _EXCEL_EPOCH
    if not isinstance(value, dt.datetime):
        return delta.days
    return delta.days + delta.seconds / 86_400 + delta.microseconds / 86_400_000_000


class Workbook:
    """Sheets in order; the first is the one shown when the workbook opens. Visible sheets
    print on A4 landscape, one page wide, with the frozen header rows on every page."""

    def __init__(self) -> None:
        self._styles = _Styles()
        self.sheets: list[Sheet] = []

    def add_sheet(self, name: str, *, hidden: bool = False, index: int | None = None) -> Sheet:
        """A new sheet, last or at ``index``."""
        if not name or len(name) > 31 or re.search(r"[\[\]:*?/\\]", name):
            raise ValueError(f"{name!r} cannot be a sheet name")
        if any(s.name.casefold() == name.casefold() for s in self.sheets):
            raise ValueError(f"the workbook already has a sheet {name!r}")
        sheet = Sheet(name, hidden, self._styles)
        self.sheets.insert(len(self.sheets) if index is None else index, sheet)
        return sheet

    def sheet(self, name: str) -> Sheet:
        for sheet in self.sheets:
            if sheet.name == name:
                return sheet
        raise KeyError(name)

    def to_bytes(self) -> bytes:
        """The workbook as an .xlsx package."""
        if not self.sheets or all(s.hidden for s in self.sheets):
            raise ValueError("a workbook needs a visible sheet")
        first = next(i for i, s in enumerate(self.sheets) if not s.hidden)
        sheets = [s.xml(i == first) for i, s in enumerate(self.sheets)]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:

            def write(name: str, text: str) -> None:
                package.writestr(zipfile.ZipInfo(name, _ZIP_DATE), text.encode("utf-8"),
                                 compress_type=zipfile.ZIP_DEFLATED)  # fmt: skip

            write("[Content_Types].xml", self._content_types())
            write("_rels/.rels", _PACKAGE_RELS)
            write("docProps/app.xml", _APP)
            write("docProps/core.xml", _CORE)
            write("xl/workbook.xml", self._workbook(first))
            write("xl/_rels/workbook.xml.rels", self._relationships())
            write("xl/styles.xml", self._styles.xml())
            for number, text in enumerate(sheets, 1):
                write(f"xl/worksheets/sheet{number}.xml", text)
        return buffer.getvalue()

    def _content_types(self) -> str:
        sheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{sheet}"/>'
            for n in range(1, len(self.sheets) + 1)
        )
        return (
            _DECLARATION
            + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.extended-properties+xml"/>'
            f"{overrides}</Types>"
        )

    def _relationships(self) -> str:
        sheet = f"{_REL}/worksheet"
        items = "".join(
            f'<Relationship Id="rId{n}" Type="{sheet}" Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, len(self.sheets) + 1)
        )
        styles = len(self.sheets) + 1
        return (
            f'{_DECLARATION}<Relationships xmlns="{_PKG_REL}">{items}'
            f'<Relationship Id="rId{styles}" Type="{_REL}/styles" Target="styles.xml"/>'
            "</Relationships>"
        )

    def _workbook(self, first: int) -> str:
        sheets: list[str] = []
        names: list[str] = []
        for number, sheet in enumerate(self.sheets, 1):
            state = ' state="hidden"' if sheet.hidden else ""
            sheets.append(
                f'<sheet name="{_xml(sheet.name)}" sheetId="{number}"{state} r:id="rId{number}"/>'
            )
            names += _print_names(sheet, number - 1)
        defined = f"<definedNames>{''.join(names)}</definedNames>" if names else ""
        return (
            f'{_DECLARATION}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><workbookPr/>'
            f'<bookViews><workbookView activeTab="{first}"/></bookViews>'
            f'<sheets>{"".join(sheets)}</sheets>{defined}<calcPr calcId="191029"/></workbook>'
        )


def _print_names(sheet: Sheet, index: int) -> Iterable[str]:
    """The print titles (the frozen header rows) and print area (whole used columns, so rows
    people add later print too) of a visible sheet."""
    if sheet.hidden:
        return []
    quoted = "'" + sheet.name.replace("'", "''") + "'"
    names = []
    if sheet.frozen is not None and sheet.frozen[0] > 1:
        names.append(
            f'<definedName name="_xlnm.Print_Titles" localSheetId="{index}">'
            f"{_xml(quoted)}!$1:${sheet.frozen[0] - 1}</definedName>"
        )
    if sheet.filter and sheet.last_row:
        last = f"{column_letter(sheet.last_column)}${sheet.last_row}"
        names.append(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{index}" hidden="1">'
            f"{_xml(quoted)}!$A$1:${last}</definedName>"
        )
    names.append(
        f'<definedName name="_xlnm.Print_Area" localSheetId="{index}">'
        f"{_xml(quoted)}!$A$1:${column_letter(sheet.last_column)}${MAX_ROW}</definedName>"
    )
    return names


_PACKAGE_RELS = (
    f'{_DECLARATION}<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
    'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)
_APP = (
    f'{_DECLARATION}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    'extended-properties"><Application>docx_aanpak</Application></Properties>'
)
_CORE = (
    f'{_DECLARATION}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/'
    '2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    "<dc:creator>docx_aanpak</dc:creator></cp:coreProperties>"
)
