"""The Decree 30/2020/NĐ-CP page with python-docx: paper, fonts, header, blocks, tables.

Pure layout (no Flask, no database). The rules kept here, once, for every document:

* A4, margins 20 mm top and bottom, 30 mm left, 15 mm right; Times New Roman, body 14 pt;
* the header table: the issuing body in two lines (the parent above, the issuer bold below,
  a short rule under it) on the left, the national motto on the right (bold 12 pt, the
  tagline bold 13 pt underlined), then "Số: ..." and the place and date in italics;
* text from the data is always plain run text: characters XML cannot hold are dropped, and
  nothing is ever turned into a field, a hyperlink or a style name;
* what a person must still write is a dotted line (a right tab with a dot leader, which
  fills the line whatever the font) or a run of "…" inside a sentence.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Iterable, Optional, Sequence

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt

FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 12
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGINS_MM["left"] - MARGINS_MM["right"]
DOTS = "……"
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TAGLINE = "Độc lập - Tự do - Hạnh phúc"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# Characters an XML 1.0 document cannot hold (python-docx refuses them), lone surrogates too.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def clean(text: object) -> str:
    """``text`` as a string python-docx accepts: XML-illegal characters dropped, ``\\r`` too."""
    value = "" if text is None else str(text)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _BAD_CHARS.sub("", value)


def roman(number: int) -> str:
    return _ROMAN[number - 1] if 0 < number <= len(_ROMAN) else str(number)


def day_text(day: Optional[date]) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def or_dots(text: str, dots: str = DOTS) -> str:
    return text if text and text.strip() else dots


class Page:
    """One document being laid out."""

    def __init__(self) -> None:
        self.doc = Document()
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
        section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
        section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
        section.header_distance = section.footer_distance = Mm(10)
        for name in ("Normal", "Table Grid"):
            style = self.doc.styles[name]
            style.font.name = FONT
            _east_asian_font(style.element.get_or_add_rPr())
        normal = self.doc.styles["Normal"]
        normal.font.size = Pt(BODY_PT)
        fmt = normal.paragraph_format
        fmt.space_before, fmt.space_after = Pt(0), Pt(6)
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        props = self.doc.core_properties
        props.author = props.last_modified_by = ""
        props.language = "vi-VN"

    # -- paragraphs ------------------------------------------------------------------------
    def para(self, text: str = "", *, container=None, align: str = "justify", bold: bool = False,
             italic: bool = False, size: Optional[float] = None, indent: bool = True,
             after: Optional[float] = None, before: Optional[float] = None,
             keep: bool = False, underline: bool = False):
        """A paragraph of one run; ``container`` is a table cell (default: the body)."""
        target = container if container is not None else self.doc
        paragraph = target.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.alignment = {"justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "center": WD_ALIGN_PARAGRAPH.CENTER,
                         "left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
        if indent and align == "justify":
            fmt.first_line_indent = Mm(10)
        if after is not None:
            fmt.space_after = Pt(after)
        if before is not None:
            fmt.space_before = Pt(before)
        if keep:
            fmt.keep_with_next = True
        if text:
            self.run(paragraph, text, bold=bold, italic=italic, size=size, underline=underline)
        return paragraph

    def run(self, paragraph, text: str, *, bold: bool = False, italic: bool = False,
            size: Optional[float] = None, underline: bool = False):
        run = paragraph.add_run(clean(text))
        run.bold = bold or None
        run.italic = italic or None
        if underline:
            run.underline = True
        if size is not None:
            run.font.size = Pt(size)
        return run

    def mixed(self, parts: Sequence[tuple[str, str]], **options):
        """A paragraph of runs: ``(text, flags)`` with flags among ``b`` (bold), ``i`` (italic)."""
        paragraph = self.para(**options)
        for text, flags in parts:
            if text:
                self.run(paragraph, text, bold="b" in flags, italic="i" in flags,
                         size=options.get("size"))
        return paragraph

    def heading(self, number: str, text: str, *, level: int = 1):
        """A numbered section heading: "I. ..." (bold) or "1. ..." (bold) or "a) ..." (italic)."""
        return self.para(f"{number} {text}" if number else text, bold=level <= 2,
                         italic=level == 3, keep=True, before=6 if level == 1 else 0)

    def dotted_lines(self, count: int = 1, *, lead: str = "", container=None,
                     width_mm: float = TEXT_WIDTH_MM) -> None:
        """``count`` lines to write on: a dot leader up to the right margin."""
        for index in range(count):
            paragraph = self.para(container=container, align="left", indent=False, after=2)
            paragraph.paragraph_format.tab_stops.add_tab_stop(
                Mm(width_mm - 1), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
            if lead and index == 0:
                self.run(paragraph, lead)
            paragraph.add_run("\t")

    def bullet(self, text: str, *, prefix: str = "- ", **options):
        return self.para(prefix + text, **options)

    # -- the header ------------------------------------------------------------------------
    def header(self, *, parent: str, department: str, number: str, number_suffix: str,
               place: str, day: Optional[date], year: Optional[int]) -> None:
        """The header table of Decree 30/2020: issuing body | motto; number | place and date."""
        table = self.doc.add_table(rows=2, cols=2)
        _no_borders(table)
        widths = (Mm(72), Mm(TEXT_WIDTH_MM - 72))
        _column_widths(table, widths)
        left, right = table.cell(0, 0), table.cell(0, 1)
        first = left.paragraphs[0]
        _center(first)
        self.run(first, or_dots(parent.upper(), "……………………………"), size=13)
        self.para(or_dots(department.upper(), "……………………………"), container=left, align="center",
                  bold=True, size=13, after=0)
        self.rule(left, Mm(22), widths[0])
        motto = right.paragraphs[0]
        _center(motto)
        self.run(motto, MOTTO, bold=True, size=12)
        self.para(TAGLINE, container=right, align="center", bold=True, size=13,
                  underline=True, after=0)
        number_text = number.strip() if number and number.strip() else (
            f"{DOTS}/{number_suffix}" if number_suffix else f"{DOTS}/{DOTS}")
        cell = table.cell(1, 0).paragraphs[0]
        _center(cell)
        cell.paragraph_format.space_before = Pt(6)
        self.run(cell, f"Số: {number_text}", size=13)
        date_cell = table.cell(1, 1).paragraphs[0]
        _center(date_cell)
        date_cell.paragraph_format.space_before = Pt(6)
        self.run(date_cell, date_line(place, day, year), italic=True, size=14)
        self.para(after=0)

    def rule(self, cell, length, cell_width) -> None:
        """A short centred rule: an empty paragraph with a bottom border, indented both sides."""
        paragraph = self.para(container=cell, align="center", after=0)
        side = max(0, int((cell_width - length) / 2))
        fmt = paragraph.paragraph_format
        fmt.left_indent = fmt.right_indent = Emu(side)
        fmt.line_spacing = Pt(4)
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"),
                           ("w:color", "000000")):
            bottom.set(qn(key), value)
        borders.append(bottom)
        paragraph._p.get_or_add_pPr().append(borders)

    def title(self, lines: Iterable[str], *, draft: str = "") -> None:
        """The document's name and subject, bold and centred; a draft mark above when given."""
        if draft:
            self.para(draft, align="center", bold=True, italic=True, size=13, after=6)
        for index, line in enumerate(lines):
            self.para(line, align="center", bold=True, size=14 if index == 0 else 14,
                      after=0, keep=True, before=6 if index == 0 else 0)
        self.para(after=0)

    # -- tables ----------------------------------------------------------------------------
    def table(self, headers: Sequence[str], rows: Iterable[Sequence[str]],
              widths_mm: Sequence[float], *, numeric: Sequence[int] = (),
              bold_rows: Sequence[int] = ()) -> None:
        """A bordered table: a bold centred header row (repeated on each page), then ``rows``."""
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        header_row = table.rows[0]
        _repeat_header(header_row)
        for cell, text in zip(header_row.cells, headers, strict=True):
            paragraph = cell.paragraphs[0]
            _center(paragraph)
            paragraph.paragraph_format.space_after = Pt(0)
            self.run(paragraph, text, bold=True, size=TABLE_PT)
        for index, values in enumerate(rows):
            cells = table.add_row().cells
            for column, (cell, text) in enumerate(zip(cells, values, strict=False)):
                paragraph = cell.paragraphs[0]
                paragraph.paragraph_format.space_after = Pt(0)
                paragraph.paragraph_format.alignment = (
                    WD_ALIGN_PARAGRAPH.CENTER if column in numeric or column == 0
                    else WD_ALIGN_PARAGRAPH.LEFT)
                self.run(paragraph, text, size=TABLE_PT, bold=index in bold_rows)
        _column_widths(table, [Mm(w) for w in widths_mm])
        self.para(after=0)

    # -- the end ---------------------------------------------------------------------------
    def closing(self, *, recipients: Sequence[str], blocks: Sequence["SignBlock"],
                left_blocks: Sequence["SignBlock"] = ()) -> None:
        """"Nơi nhận:" bottom left (when given), signature blocks bottom right.

        ``left_blocks`` are signatures placed on the left (a record signed by two sides).
        """
        rows = max(len(blocks), len(left_blocks), 1)
        table = self.doc.add_table(rows=rows, cols=2)
        _no_borders(table)
        widths = (Mm(75), Mm(TEXT_WIDTH_MM - 75))
        _column_widths(table, widths)
        for row in table.rows:
            _keep_row(row)
        if recipients:
            cell = table.cell(0, 0)
            head = cell.paragraphs[0]
            head.paragraph_format.space_after = Pt(0)
            self.run(head, "Nơi nhận:", bold=True, italic=True, size=12)
            for line in recipients:
                self.para(line, container=cell, align="left", indent=False, size=11, after=0)
        for index, block in enumerate(left_blocks):
            self.sign_block(table.cell(index, 0), block)
        for index, block in enumerate(blocks):
            self.sign_block(table.cell(index, 1), block)

    def sign_block(self, cell, block: "SignBlock") -> None:
        first = cell.paragraphs[0]
        _center(first)
        first.paragraph_format.space_after = Pt(0)
        first.paragraph_format.keep_with_next = True
        for index, line in enumerate(block.titles):
            paragraph = first if index == 0 else self.para(container=cell, align="center",
                                                           after=0, keep=True)
            self.run(paragraph, line.upper(), bold=True, size=14)
        self.para(block.note, container=cell, align="center", italic=True, size=13, after=0,
                  keep=True)
        for _ in range(4):
            self.para(container=cell, align="center", after=0, keep=True)
        self.para(or_dots(block.name, "……………………………"), container=cell, align="center",
                  bold=True, size=14, after=12)

    def save(self, out) -> None:
        self.doc.save(out)


class SignBlock:
    """A signature block: the signer's position (one or more lines), the note, the name."""

    def __init__(self, titles: Sequence[str], note: str, name: str = ""):
        self.titles = list(titles)
        self.note = note
        self.name = name


def date_line(place: str, day: Optional[date], year: Optional[int]) -> str:
    """"Đà Nẵng, ngày 05 tháng 12 năm 2026"; unknown parts are dots."""
    where = or_dots(place, "…………")
    if day is None:
        return f"{where}, ngày {DOTS} tháng {DOTS} năm {year or DOTS}"
    return f"{where}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


# -- low-level OOXML helpers ---------------------------------------------------------------

def _east_asian_font(rpr) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for key in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(key), FONT)


def _center(paragraph) -> None:
    paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)


def _no_borders(table) -> None:
    props = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    props.append(borders)


def _column_widths(table, widths) -> None:
    """Fixed column widths (Word reads the cells, LibreOffice the grid: set both)."""
    table.autofit = False
    grid = table._tbl.tblGrid
    for column, width in zip(grid.findall(qn("w:gridCol")), widths, strict=False):
        column.set(qn("w:w"), str(int(width.twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = width


def _repeat_header(row) -> None:
    props = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    props.append(element)
    _keep_row(row)


def _keep_row(row) -> None:
    props = row._tr.get_or_add_trPr()
    element = OxmlElement("w:cantSplit")
    element.set(qn("w:val"), "true")
    props.append(element)
