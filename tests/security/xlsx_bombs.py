"""Hostile .xlsx files written by hand (zipfile + streamed XML, so a huge sheet costs little to build).

Every builder returns the bytes of a workbook whose first sheet starts with `header` as its first
row; what follows is the attack:

- `blank_rows_bomb`:   millions of empty rows (a sheet XML of hundreds of MB in a few hundred KB);
- `wide_row_bomb`:     a few rows of millions of cells each (beyond any column the reader wants);
- `shared_strings_bomb`: millions of distinct shared strings (the reader loads the table whole);
- `many_rows`:         100,000 filled rows (over every row limit);
- `lying_sizes`:       a central directory that claims tiny sizes for a huge member.
"""
from __future__ import annotations

import io
import zipfile
from typing import Iterable, Iterator, Optional
from xml.sax.saxutils import escape

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '{sheets}'
    '{strings}'
    '</Types>')
SHEET_TYPE = ('<Override PartName="/xl/worksheets/sheet{n}.xml" '
              'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
STRINGS_TYPE = ('<Override PartName="/xl/sharedStrings.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>')
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
R_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def _col(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def row_xml(values: Iterable, number: Optional[int] = None) -> str:
    cells = []
    for value in values:
        if value is None:
            continue
        if isinstance(value, bool):
            cells.append(f'<c t="b"><v>{int(value)}</v></c>')
        elif isinstance(value, (int, float)):
            cells.append(f"<c><v>{value}</v></c>")
        else:
            cells.append(f'<c t="inlineStr"><is><t>{escape(str(value))}</t></is></c>')
    attr = f' r="{number}"' if number is not None else ""
    return f"<row{attr}>{''.join(cells)}</row>"


def workbook(sheets: list[tuple[str, Iterator[str]]], shared_strings: Optional[Iterator[str]] = None,
             level: int = 9) -> bytes:
    """A minimal .xlsx: sheets given as (name, chunks of <row> XML), optional shared-string chunks."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(
            sheets="".join(SHEET_TYPE.format(n=i + 1) for i in range(len(sheets))),
            strings=STRINGS_TYPE if shared_strings is not None else ""))
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                         f'<workbook {NS} {R_NS}><sheets>' + "".join(
                             f'<sheet name="{escape(name)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
                             for i, (name, _) in enumerate(sheets)) + "</sheets></workbook>")
        rels = "".join(
            f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'relationships/worksheet" Target="worksheets/sheet{i + 1}.xml"/>' for i in range(len(sheets)))
        if shared_strings is not None:
            rels += ('<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                     'relationships/sharedStrings" Target="sharedStrings.xml"/>')
        archive.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                         + rels + "</Relationships>")
        for i, (_, chunks) in enumerate(sheets):
            with archive.open(f"xl/worksheets/sheet{i + 1}.xml", "w", force_zip64=True) as handle:
                handle.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                             f'<worksheet {NS}><sheetData>'.encode())
                for chunk in chunks:
                    handle.write(chunk.encode())
                handle.write(b"</sheetData></worksheet>")
        if shared_strings is not None:
            with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as handle:
                handle.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst {NS}>'.encode())
                for chunk in shared_strings:
                    handle.write(chunk.encode())
                handle.write(b"</sst>")
    return buffer.getvalue()


def _repeat(piece: str, total_bytes: int, chunk_bytes: int = 1 << 20) -> Iterator[str]:
    chunk = piece * max(1, chunk_bytes // len(piece))
    written = 0
    while written < total_bytes:
        yield chunk
        written += len(chunk)


def blank_rows_bomb(header: list, unpacked_mb: int = 300, sheet_name: str = "Sheet1",
                    extra_sheets: Optional[list[tuple[str, list[list]]]] = None) -> bytes:
    def rows():
        yield row_xml(header, 1)
        yield from _repeat("<row/>", unpacked_mb << 20)
    sheets = [(sheet_name, rows())] + [(n, iter([row_xml(r) for r in body])) for n, body in (extra_sheets or [])]
    return workbook(sheets)


def wide_row_bomb(header: list, unpacked_mb: int = 90, rows: int = 3) -> bytes:
    """`rows` rows after the header, each of (unpacked_mb / rows) MB of empty numeric cells."""
    def body():
        yield row_xml(header, 1)
        per_row = (unpacked_mb << 20) // rows
        for _ in range(rows):
            yield "<row>"
            yield from _repeat("<c><v>1</v></c>", per_row)
            yield "</row>"
    return workbook([("Sheet1", body())])


def shared_strings_bomb(header: list, unpacked_mb: int = 90) -> bytes:
    """Millions of shared strings (a string object each once read); the sheet itself is tiny."""
    def strings():
        yield from _repeat("<si><t>ab</t></si>", unpacked_mb << 20)
    return workbook([("Sheet1", iter([row_xml(header, 1), row_xml(["x"] * len(header), 2)]))], shared_strings=strings())


def many_rows(header: list, make_row, count: int = 100_000, sheet_name: str = "Sheet1",
              extra_sheets: Optional[list[tuple[str, list[list]]]] = None) -> bytes:
    def rows():
        yield row_xml(header, 1)
        batch = []
        for n in range(count):
            batch.append(row_xml(make_row(n), n + 2))
            if len(batch) == 5000:
                yield "".join(batch)
                batch = []
        yield "".join(batch)
    sheets = [(sheet_name, rows())] + [(n, iter([row_xml(r) for r in body])) for n, body in (extra_sheets or [])]
    return workbook(sheets, level=1)


def lying_sizes(data: bytes) -> bytes:
    """The same zip with every member's uncompressed size in the central directory set to 1000."""
    out = bytearray(data)
    position = 0
    while True:
        position = out.find(b"PK\x01\x02", position)
        if position < 0:
            break
        compressed = int.from_bytes(out[position + 20:position + 24], "little")
        if compressed != 0xFFFFFFFF:
            out[position + 24:position + 28] = (1000).to_bytes(4, "little")
        position += 4
    position = 0
    while True:
        position = out.find(b"PK\x03\x04", position)
        if position < 0:
            break
        if int.from_bytes(out[position + 18:position + 22], "little") != 0xFFFFFFFF:
            out[position + 22:position + 26] = (1000).to_bytes(4, "little")
        position += 4
    return bytes(out)


def damaged(data: bytes, how: str) -> bytes:
    """The same zip with every member damaged in one way: "method" (a compression method nobody
    supports), "encrypted" (the strong-encryption flag set), "deflate" (garbage in the compressed
    data, CRC left as it was)."""
    out = bytearray(data)
    for signature, flag_at, method_at, _name_len_at, header_len in ((b"PK\x03\x04", 6, 8, 26, 30),
                                                                   (b"PK\x01\x02", 8, 10, 28, 46)):
        position = 0
        while (position := out.find(signature, position)) >= 0:
            if how == "method":
                out[position + method_at:position + method_at + 2] = (99).to_bytes(2, "little")
            elif how == "encrypted":
                flags = int.from_bytes(out[position + flag_at:position + flag_at + 2], "little") | 0x41
                out[position + flag_at:position + flag_at + 2] = flags.to_bytes(2, "little")
            elif how == "deflate" and signature == b"PK\x03\x04":
                name_len = int.from_bytes(out[position + 26:position + 28], "little")
                extra_len = int.from_bytes(out[position + 28:position + 30], "little")
                start = position + header_len + name_len + extra_len
                size = int.from_bytes(out[position + 18:position + 22], "little")
                for i in range(start, start + min(size, 40)):
                    out[i] ^= 0x5A
            position += 4
    return bytes(out)
