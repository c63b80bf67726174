"""Helpers for the Word document tests: documents read back with python-docx, converted to PDF
with LibreOffice."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

HOSTILE = ("=SUM(1)+cmd|' /C calc'!A0", "{ MERGEFIELD Name \\* MERGEFORMAT }",
           "<w:fldSimple w:instr=\"PAGE\"/>", "https://evil.example/x?y=1", "Heading 1",
           "&amp; ]]> \x07bell")


def read_docx(data: bytes):
    return Document(io.BytesIO(data))


def all_text(document) -> str:
    """Every paragraph of the body and of every table cell (nested too), one per line."""
    lines = []

    def walk(container):
        for block in container.iter_inner_content():
            if hasattr(block, "rows"):
                for row in block.rows:
                    for cell in row.cells:
                        walk(cell)
            else:
                lines.append(block.text)

    walk(document)
    return "\n".join(lines)


def body_xml(data: bytes) -> str:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/document.xml").decode("utf-8")


def header_cells(document):
    """The Decree 30 header table: (issuing body cell, motto cell, number cell, date cell)."""
    table = document.tables[0]
    return table.cell(0, 0), table.cell(0, 1), table.cell(1, 0), table.cell(1, 1)


def count_tables(document) -> list:
    """Tables whose header row has Tổng số / Trong đó: Nữ / Tỷ lệ nữ (%)."""
    found = []
    for table in document.tables:
        head = [cell.text for cell in table.rows[0].cells]
        if "Tổng số" in head and "Trong đó: Nữ" in head and "Tỷ lệ nữ (%)" in head:
            found.append(table)
    return found


def table_rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def dotted_paragraphs(document) -> int:
    """Paragraphs that are a line to write on (a right tab with a dot leader)."""
    count = 0
    for paragraph in document.paragraphs:
        for stop in paragraph._p.findall(".//" + qn("w:tab")):
            if stop.get(qn("w:leader")) == "dot":
                count += 1
    return count


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        pytest.skip("LibreOffice (soffice) is not installed: .ci/run installs libreoffice-writer")
    return path


def to_pdf(files: list[Path], out_dir: Path, profile: Path) -> list[Path]:
    """Convert ``files`` with LibreOffice headless, in its own profile (parallel runs)."""
    command = [soffice(), f"-env:UserInstallation=file://{profile}", "--headless",
               "--convert-to", "pdf", "--outdir", str(out_dir)] + [str(f) for f in files]
    result = subprocess.run(command, capture_output=True, text=True, timeout=240, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return [out_dir / (f.stem + ".pdf") for f in files]


def pdf_pages(data: bytes) -> list[tuple[float, float]]:
    """(width, height) in points of every page's MediaBox."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]", data)
    return [(float(x1) - float(x0), float(y1) - float(y0)) for x0, y0, x1, y1 in boxes]
