"""Write-only Excel building blocks: styles, safe text, the administrative frame, tables.

Plain Python over openpyxl (no Flask, no database). Everything here writes through
``Workbook(write_only=True)``: each worksheet streams its rows to a temporary file as they
are appended, so memory does not grow with the number of rows.

Rules kept here, once, for every workbook of the product (the decisions themselves — the
cut, the formula test, the spill, the sheet titles — are pure functions in ``rules.py``):

* user text is always a string cell — text starting with ``=`` (a formula to openpyxl) or
  equal to an error code such as ``#N/A`` is written as an explicit string cell, never as a
  formula or an error; characters XML cannot carry are dropped; text over Excel's 32,767
  characters is cut with a visible marker;
* a table that would pass the sheet's row limit (1,048,576, a parameter so tests can use a
  small one) continues on a new sheet named ``<title> (2)`` with the same frame and header;
* the administrative frame: the two-line issuing body of Decree 30/2020 top left (the parent
  above, the department in bold below), national motto top right, form number, title, and the
  "Người lập biểu" / "Thủ trưởng đơn vị" signature blocks at the end.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any, Callable, Optional, Sequence
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.cell_range import CellRange

from .rules import (
    EXCEL_MAX_CHARS,
    EXCEL_MAX_ROWS,
    SHEET_TITLE_MAX,
    clean_text,
    continuation_title,
    needs_spill,
    needs_string_cell,
    sheet_title,
)

__all__ = ["EXCEL_MAX_CHARS", "EXCEL_MAX_ROWS", "SHEET_TITLE_MAX", "Book", "Column", "Frame", "Signatures",
           "TableSheet", "clean_text", "needs_string_cell", "sheet_title"]

FONT_NAME = "Times New Roman"  # shows every Vietnamese diacritic, and is what offices print with
FONT_SIZE = 12
PAPER_A4 = "9"  # the paperSize code of A4 in SpreadsheetML
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# --- styles ------------------------------------------------------------------------------------

_THIN = Side(style="thin", color="808080")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_GOOD_FILL = PatternFill("solid", fgColor="C6EFCE")
_BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
_GREY_FILL = PatternFill("solid", fgColor="EDEDED")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")

PERCENT_FORMAT = "0.0%"
INTEGER_FORMAT = "#,##0"
RATIO_FORMAT = "0.00"
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"


def _font(**kwargs) -> Font:
    return Font(name=FONT_NAME, size=kwargs.pop("size", FONT_SIZE), **kwargs)


#: name -> (font, fill, number format, alignment, border)
STYLE_DEFINITIONS: dict[str, dict[str, Any]] = {
    # Text that would read as a formula: Excel's "quote prefix" keeps it text even when a user
    # edits the cell later (and, being a style, it is never reused by openpyxl's row writer).
    "literal": {"quotePrefix": True},
    "title": {"font": _font(bold=True, size=14), "alignment": _CENTER},
    "subtitle": {"font": _font(italic=True), "alignment": _CENTER},
    "notice": {"font": _font(bold=True, color="C00000"), "alignment": _CENTER},
    "frame": {"font": _font(bold=True), "alignment": _CENTER},
    "frame_parent": {"font": _font(), "alignment": _CENTER},
    "frame_underlined": {"font": _font(bold=True, underline="single"), "alignment": _CENTER},
    "form_number": {"font": _font(italic=True), "alignment": _CENTER},
    "header": {"font": _font(bold=True), "fill": _HEADER_FILL, "alignment": _CENTER,
               "border": _BOX},
    "label": {"font": _font(bold=True), "alignment": Alignment(vertical="top", wrap_text=True)},
    "wrap": {"alignment": Alignment(vertical="top", wrap_text=True)},
    "note": {"font": _font(italic=True), "alignment": Alignment(wrap_text=False)},
    "warning": {"font": _font(bold=True, color="C00000")},
    "bold": {"font": _font(bold=True)},
    "integer": {"number_format": INTEGER_FORMAT},
    "percent": {"number_format": PERCENT_FORMAT},
    "ratio": {"number_format": RATIO_FORMAT},
    "date": {"number_format": DATE_FORMAT},
    "datetime": {"number_format": DATETIME_FORMAT},
    "good": {"font": _font(color="006100"), "fill": _GOOD_FILL},
    "bad": {"font": _font(color="9C0006"), "fill": _BAD_FILL},
    "neutral": {"fill": _GREY_FILL},
    "good_percent": {"font": _font(color="006100"), "fill": _GOOD_FILL,
                     "number_format": PERCENT_FORMAT},
    "bad_percent": {"font": _font(color="9C0006"), "fill": _BAD_FILL,
                    "number_format": PERCENT_FORMAT},
    "total": {"font": _font(bold=True), "fill": _TOTAL_FILL},
    "total_integer": {"font": _font(bold=True), "fill": _TOTAL_FILL,
                      "number_format": INTEGER_FORMAT},
    "total_percent": {"font": _font(bold=True), "fill": _TOTAL_FILL,
                      "number_format": PERCENT_FORMAT},
    "total_ratio": {"font": _font(bold=True), "fill": _TOTAL_FILL, "number_format": RATIO_FORMAT},
    "sign_title": {"font": _font(bold=True), "alignment": Alignment(horizontal="center")},
    "sign_note": {"font": _font(italic=True), "alignment": Alignment(horizontal="center")},
    "sign_name": {"font": _font(bold=True), "alignment": Alignment(horizontal="center")},
}

#: a column kind -> the style of its data cells (None: a plain cell)
KIND_STYLES = {"text": None, "wrap": "wrap", "int": None, "count": "integer", "money": "integer",
               "percent": "percent", "ratio": "ratio", "date": "date", "datetime": "datetime"}
TOTAL_STYLES = {"percent": "total_percent", "ratio": "total_ratio", "count": "total_integer",
                "money": "total_integer", "int": "total_integer"}


class _StyleHost:
    """Enough of a worksheet for openpyxl to register a style with the workbook."""

    title = "cell"  # openpyxl's Cell repr needs it

    def __init__(self, workbook: Workbook):
        self.parent = workbook
        self.encoding = "utf-8"


class Book:
    """A write-only workbook with the product's styles, default font and text rules."""

    def __init__(self, *, cut_marker: str, max_rows: int = EXCEL_MAX_ROWS,
                 timezone_name: str = "Asia/Ho_Chi_Minh"):
        if max_rows < 40:
            raise ValueError("max_rows must leave room for the frame, header and signatures")
        self.workbook = Workbook(write_only=True)
        self._use_default_font()
        self.cut_marker = cut_marker
        self.max_rows = max_rows
        self.zone = ZoneInfo(timezone_name)
        host = self.host = _StyleHost(self.workbook)
        self.styles: dict[str, Any] = {}
        for name, attributes in STYLE_DEFINITIONS.items():
            prototype = Cell(host)
            for attribute, value in attributes.items():
                setattr(prototype, attribute, value)
            self.styles[name] = prototype._style
        self.sheets: list[Any] = []

    def _use_default_font(self) -> None:
        """Make the workbook's default (Normal) font one that shows Vietnamese."""
        font = _font()
        self.workbook._fonts = IndexedList([font])
        normal = self.workbook._named_styles["Normal"]
        normal.font = font

    # -- cells ------------------------------------------------------------------------------
    def text(self, ws, value: Any) -> Any:
        """A value for a text column: a plain str when safe, else an explicit string cell."""
        if value is None or isinstance(value, Cell):
            return value
        if not isinstance(value, str):
            value = str(value)
        value = clean_text(value, self.cut_marker)
        if needs_string_cell(value):
            cell = Cell(ws or self.host, row=1, column=1, style_array=self.styles["literal"])
            cell._value = value
            cell.data_type = "s"
            return cell
        return value

    def styled(self, ws, value: Any, style: str) -> Any:
        """A cell with one of the named styles (text values get the text rules too)."""
        if isinstance(value, str):
            value = clean_text(value, self.cut_marker)
            cell = Cell(ws or self.host, row=1, column=1, style_array=self.styles[style])
            cell._value = value
            cell.data_type = "s"
            return cell
        if isinstance(value, datetime):
            value = self.local(value)
        return Cell(ws or self.host, row=1, column=1, value=value, style_array=self.styles[style])

    def local(self, moment: datetime) -> datetime:
        """A naive local datetime (Excel has no time zones); stored times are UTC."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return moment.astimezone(self.zone).replace(tzinfo=None, microsecond=0)

    def converter(self, ws, kind: str) -> Callable[[Any], Any]:
        """The function turning a Python value into what a column of ``kind`` holds."""
        if kind == "text":
            return lambda value: self.text(ws, value)
        style = KIND_STYLES.get(kind)
        if style is None:  # plain numbers
            return _plain_number
        prototype = self.styles[style]

        def convert(value: Any) -> Any:
            if value is None or isinstance(value, Cell):
                return value
            if isinstance(value, str):
                return self.text(ws, value)
            if isinstance(value, datetime):
                value = self.local(value)
            return Cell(ws, row=1, column=1, value=value, style_array=prototype)

        return convert

    # -- sheets -----------------------------------------------------------------------------
    def create_sheet(self, title: str, after: Any = None):
        """A new worksheet, placed right after ``after`` (a continuation) or at the end."""
        index = None
        if after is not None:
            index = self.workbook.worksheets.index(after) + 1
        ws = self.workbook.create_sheet(title=title, index=index)
        return ws

    def save(self, path_or_file) -> None:
        self.workbook.save(path_or_file)


def _plain_number(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    return value


# --- tables -------------------------------------------------------------------------------------

@dataclass
class Column:
    """One column of a table: its header, width (characters) and kind of value."""

    header: str
    width: float = 14
    kind: str = "text"  # text | wrap | int | count | money | percent | ratio | date | datetime
    group: Optional[str] = None  # a header over several columns (second header row)


@dataclass
class Frame:
    """The administrative frame of a printed form.

    ``issuing_body`` is the issuing department (bold), ``issuing_parent`` the body above it
    (regular weight, on the line above); see inspections.organisation.issuing_body_for.
    """

    issuing_body: str
    motto: str
    motto_line2: str
    form_number: str
    title: str
    subtitle: str = ""
    notice: str = ""
    continued: str = ""  # appended to the title on continuation sheets
    issuing_parent: str = ""


@dataclass
class Signatures:
    """The signature blocks under a form."""

    date_line: str
    left_title: str
    left_note: str
    right_title: str
    right_note: str
    left_name: str = ""


FRAME_ROWS = 6  # rows 1-6; the header starts on row 7
SIGNATURE_ROWS = 8


@dataclass
class _Piece:
    ws: Any
    rows: int = 0
    first_data_row: int = 0
    last_data_row: int = 0
    header_rows: tuple[int, int] = (0, 0)
    converters: list[Callable[[Any], Any]] = field(default_factory=list)


class TableSheet:
    """One sheet of a workbook: a frame, free rows, one table, and signatures.

    The table continues on ``<title> (2)``, ``(3)`` ... when the next row would pass the
    book's row limit (keeping room for the signature block and ``reserve`` extra rows).
    """

    def __init__(self, book: Book, title: str, columns: Sequence[Column], *,
                 frame: Optional[Frame] = None, signatures: Optional[Signatures] = None,
                 freeze: bool = True, freeze_columns: int = 0, reserve: int = 0,
                 header_height: Optional[float] = None, landscape: bool = True):
        self.book = book
        self.title = title
        self.columns = list(columns)
        self.frame = frame
        self.signatures = signatures
        self.freeze = freeze
        self.freeze_columns = freeze_columns
        self.reserve = reserve + (SIGNATURE_ROWS if signatures else 0) + 1
        self.header_height = header_height
        self.landscape = landscape
        self.has_groups = any(column.group for column in self.columns)
        self.table_started = False
        self.pieces: list[_Piece] = []
        self._piece = self._new_piece(sheet_title(title))

    # -- layout -----------------------------------------------------------------------------
    @property
    def width(self) -> int:
        return len(self.columns)

    @property
    def header_start(self) -> int:
        return (FRAME_ROWS + 1) if self.frame else 1

    @property
    def header_end(self) -> int:
        return self.header_start + (1 if self.has_groups else 0)

    def _new_piece(self, title: str, after: Any = None) -> _Piece:
        ws = self.book.create_sheet(title, after=after)
        for index, column in enumerate(self.columns, 1):
            ws.column_dimensions[get_column_letter(index)].width = column.width
        if self.header_height:
            ws.row_dimensions[self.header_end].height = self.header_height
        if self.freeze:
            ws.freeze_panes = f"{get_column_letter(self.freeze_columns + 1)}{self.header_end + 1}"
        ws.page_setup.orientation = "landscape" if self.landscape else "portrait"
        ws.page_setup.paperSize = PAPER_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.5
        ws.print_options.horizontalCentered = True
        ws.oddFooter.center.text = "&P / &N"
        piece = _Piece(ws=ws)
        piece.converters = [self.book.converter(ws, column.kind) for column in self.columns]
        self.pieces.append(piece)
        self.book.sheets.append(ws)
        return piece

    # -- rows -------------------------------------------------------------------------------
    def _append(self, cells: list) -> None:
        piece = self._piece
        if piece.rows == 0 and self.frame is not None:
            self._write_frame(piece, continued=len(self.pieces) > 1)
        piece.ws.append(cells)
        piece.rows += 1

    def _write_frame(self, piece: _Piece, continued: bool) -> None:
        frame = self.frame
        assert frame is not None  # written only for a sheet with a frame
        ws = piece.ws
        width = max(self.width, 2)
        if width >= 6:
            left_end, right_start = 3, width - 2
        else:
            left_end, right_start = width // 2, width // 2 + 1
        def cell(value: str, style: str):
            return self.book.styled(ws, value, style)

        def line(left: Optional[tuple[str, str]], right: Optional[tuple[str, str]]) -> list:
            row: list[Any] = [None] * width
            if left is not None:
                row[0] = cell(*left)
            if right is not None:
                row[right_start - 1] = cell(*right)
            return row

        row_number = piece.rows + 1
        if frame.issuing_parent:
            ws.append(line((frame.issuing_parent, "frame_parent"), (frame.motto, "frame")))
            ws.append(line((frame.issuing_body, "frame"), (frame.motto_line2, "frame_underlined")))
            ws.append(line((frame.form_number, "form_number"), None))
        else:
            ws.append(line((frame.issuing_body, "frame"), (frame.motto, "frame")))
            ws.append(line((frame.form_number, "form_number"), (frame.motto_line2, "frame_underlined")))
            ws.append([None])
        title = frame.title + (frame.continued if continued else "")
        ws.append([cell(title, "title")])
        ws.append([cell(frame.subtitle, "subtitle")] if frame.subtitle else [None])
        ws.append([cell(frame.notice, "notice")] if frame.notice else [None])
        last = get_column_letter(width)
        merges = [f"A{row_number}:{get_column_letter(left_end)}{row_number}",
                  f"{get_column_letter(right_start)}{row_number}:{last}{row_number}",
                  f"A{row_number + 1}:{get_column_letter(left_end)}{row_number + 1}",
                  f"{get_column_letter(right_start)}{row_number + 1}:{last}{row_number + 1}",
                  f"A{row_number + 2}:{get_column_letter(left_end)}{row_number + 2}",
                  f"A{row_number + 3}:{last}{row_number + 3}",
                  f"A{row_number + 4}:{last}{row_number + 4}",
                  f"A{row_number + 5}:{last}{row_number + 5}"]
        for ref in merges:
            bounds = CellRange(ref)
            if bounds.size["columns"] > 1:
                ws.merged_cells.add(bounds)
        piece.rows += FRAME_ROWS

    def free_row(self, values: Sequence[Any], style: Optional[str] = None,
                 merge: bool = False) -> None:
        """A row outside the table (text lines of a general sheet, notes)."""
        ws = self._piece.ws
        cells = [self.book.styled(ws, value, style) if style and value is not None
                 else (self.book.text(ws, value) if isinstance(value, str) else value)
                 for value in values]
        self._append(cells)
        if merge and self.width > 1:
            row = self._piece.rows
            ws.merged_cells.add(CellRange(f"A{row}:{get_column_letter(self.width)}{row}"))

    def key_value(self, label: str, value: Any, style: Optional[str] = None) -> None:
        """A "label: value" line (label in column A, value merged over the other columns)."""
        ws = self._piece.ws
        if isinstance(value, (date, datetime)) and style is None:
            style = "datetime" if isinstance(value, datetime) else "date"
        shown = self.book.styled(ws, value, style) if style and value is not None else (
            self.book.text(ws, value) if isinstance(value, str) else value)
        self._append([self.book.styled(ws, label, "label"), shown])
        if self.width > 2:
            row = self._piece.rows
            ws.merged_cells.add(CellRange(f"B{row}:{get_column_letter(self.width)}{row}"))

    def start_table(self) -> None:
        """Write the header row(s); rows after this are table rows."""
        self.table_started = True
        self._write_header(self._piece)

    def _write_header(self, piece: _Piece) -> None:
        ws = piece.ws
        if piece.rows == 0 and self.frame is not None:
            self._write_frame(piece, continued=len(self.pieces) > 1)
        start = piece.rows + 1
        if self.has_groups:
            groups: list[Any] = []
            merges = []
            index = 0
            while index < self.width:
                column = self.columns[index]
                if column.group:
                    end = index
                    while end + 1 < self.width and self.columns[end + 1].group == column.group:
                        end += 1
                    groups.append(self.book.styled(ws, column.group, "header"))
                    groups.extend(self.book.styled(ws, "", "header") for _ in range(end - index))
                    if end > index:
                        merges.append(f"{get_column_letter(index + 1)}{start}:"
                                      f"{get_column_letter(end + 1)}{start}")
                    index = end + 1
                else:
                    groups.append(self.book.styled(ws, column.header, "header"))
                    merges.append(f"{get_column_letter(index + 1)}{start}:"
                                  f"{get_column_letter(index + 1)}{start + 1}")
                    index += 1
            ws.append(groups)
            ws.append([self.book.styled(ws, column.header if column.group else "", "header")
                       for column in self.columns])
            for ref in merges:
                ws.merged_cells.add(CellRange(ref))
            piece.rows += 2
        else:
            ws.append([self.book.styled(ws, column.header, "header") for column in self.columns])
            piece.rows += 1
        piece.header_rows = (start, piece.rows)
        ws.print_title_rows = f"{start}:{piece.rows}"

    def row(self, values: Sequence[Any]) -> None:
        """One table row; ``values`` are Python values converted by the column kinds."""
        piece = self._piece
        if needs_spill(piece.rows, self.book.max_rows, self.reserve):
            piece = self._spill()
        converters = piece.converters
        piece.ws.append([converters[i](value) for i, value in enumerate(values)])
        piece.rows += 1
        if not piece.first_data_row:
            piece.first_data_row = piece.rows
        piece.last_data_row = piece.rows

    def safe_row(self, values: list) -> None:
        """A table row whose values are already safe for the cell (see :meth:`Book.text`).

        The fast path for long tables: no per-column conversion.
        """
        piece = self._piece
        if needs_spill(piece.rows, self.book.max_rows, self.reserve):
            piece = self._spill()
        piece.ws.append(values)
        piece.rows += 1
        if not piece.first_data_row:
            piece.first_data_row = piece.rows
        piece.last_data_row = piece.rows

    def _spill(self) -> _Piece:
        """Continue the table on a new sheet placed right after the current one."""
        number = len(self.pieces) + 1
        previous = self._piece
        piece = self._new_piece(continuation_title(self.title, number), after=previous.ws)
        self._piece = piece
        self._write_header(piece)
        return piece

    def total_row(self, values: Sequence[Any], kinds: Optional[Sequence[str]] = None) -> None:
        """A bold total row after the table (outside the filter range)."""
        ws = self._piece.ws
        kinds = kinds or [column.kind for column in self.columns]
        cells = []
        for value, kind in zip(values, kinds, strict=False):
            if value is None:
                cells.append(self.book.styled(ws, "", "total"))
            elif isinstance(value, str):
                cells.append(self.book.styled(ws, value, "total"))
            else:
                cells.append(self.book.styled(ws, value, TOTAL_STYLES.get(kind, "total")))
        self._append(cells)

    def close(self) -> None:
        """Filters over each piece's table and the signature block under the last one."""
        for piece in self.pieces:
            if piece.header_rows[1]:
                last_row = max(piece.last_data_row, piece.header_rows[1])
                piece.ws.auto_filter.ref = (f"A{piece.header_rows[1]}:"
                                            f"{get_column_letter(self.width)}{last_row}")
            if piece.rows == 0 and self.frame is not None:
                self._write_frame(piece, continued=piece is not self.pieces[0])
        if self.signatures:
            self._write_signatures(self._piece)

    def _write_signatures(self, piece: _Piece) -> None:
        sign = self.signatures
        assert sign is not None  # written only for a sheet with signatures
        ws = piece.ws
        width = max(self.width, 2)
        left = 1 if width < 6 else 2
        right = width if width < 6 else width - 1

        def line(left_value: Optional[tuple[str, str]], right_value: Optional[tuple[str, str]]):
            row: list[Any] = [None] * width
            if left_value is not None and left_value[0]:
                row[left - 1] = self.book.styled(ws, *left_value)
            if right_value is not None and right_value[0]:
                row[right - 1] = self.book.styled(ws, *right_value)
            return row

        ws.append([None])
        ws.append(line(None, (sign.date_line, "sign_note")))
        ws.append(line((sign.left_title, "sign_title"), (sign.right_title, "sign_title")))
        ws.append(line((sign.left_note, "sign_note"), (sign.right_note, "sign_note")))
        ws.append([None])
        ws.append([None])
        ws.append([None])
        ws.append(line((sign.left_name, "sign_name"), None))
        piece.rows += SIGNATURE_ROWS
