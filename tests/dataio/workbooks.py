"""Hand-built XLSX files for the upload bounds, written as Excel writes them (text in the
shared strings, cells pointing at it), so that a shared string can be made huge — streamed
into the zip, never held whole — and a part's header can be made to lie about its size."""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

CONTENT_TYPES = (
    HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT}.worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT}.sharedStrings+xml"/>'
    "</Types>"
)
PACKAGE_RELS = (
    HEAD + f'<Relationships xmlns="{RELS}">'
    f'<Relationship Id="rId1" Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    HEAD + f'<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    HEAD + f'<Relationships xmlns="{RELS}">'
    f'<Relationship Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        name = chr(65 + remainder) + name
    return name


def workbook(path: Path, rows: list[list], *, first_string: Iterable[bytes] | None = None) -> Path:
    """An XLSX of ``rows`` (text and numbers). With ``first_string``, the text of the first
    cell (A1) is those bytes, streamed into the shared strings."""
    strings: list[str] = []
    index_of: dict[str, int] = {}
    sheet = [HEAD, f'<worksheet xmlns="{MAIN}"><sheetData>']
    for r, row in enumerate(rows, start=1):
        sheet.append(f'<row r="{r}">')
        for c, value in enumerate(row):
            ref = f"{_column(c)}{r}"
            if isinstance(value, str):
                if value not in index_of:
                    index_of[value] = len(strings)
                    strings.append(value)
                sheet.append(f'<c r="{ref}" t="s"><v>{index_of[value]}</v></c>')
            else:
                sheet.append(f'<c r="{ref}"><v>{value}</v></c>')
        sheet.append("</row>")
    sheet.append("</sheetData></worksheet>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("[Content_Types].xml", CONTENT_TYPES)
        out.writestr("_rels/.rels", PACKAGE_RELS)
        out.writestr("xl/workbook.xml", WORKBOOK)
        out.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        out.writestr("xl/worksheets/sheet1.xml", "".join(sheet))
        part = zipfile.ZipInfo("xl/sharedStrings.xml")
        part.compress_type = zipfile.ZIP_DEFLATED
        with out.open(part, "w", force_zip64=first_string is not None) as stream:
            count = len(strings)
            stream.write(f'{HEAD}<sst xmlns="{MAIN}" count="{count}" uniqueCount="{count}">'.encode())
            for i, text in enumerate(strings):
                stream.write(b"<si><t>")
                if i == 0 and first_string is not None:
                    for piece in first_string:
                        stream.write(piece)
                else:
                    stream.write(escape(text).encode())
                stream.write(b"</t></si>")
            stream.write(b"</sst>")
    return path


def declare_size(path: Path, member: str, size: int) -> Path:
    """Make the zip's headers (local and central) claim ``member`` unzips to ``size`` bytes."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
        start_dir = archive.start_dir
    assert data[info.header_offset : info.header_offset + 4] == b"PK\x03\x04"
    struct.pack_into("<I", data, info.header_offset + 22, size)
    position = data.index(b"PK\x01\x02", start_dir)
    while position != -1:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        name = bytes(data[position + 46 : position + 46 + name_length]).decode()
        if name == member:
            struct.pack_into("<I", data, position + 24, size)
            break
        position = data.find(b"PK\x01\x02", position + 46)
    path.write_bytes(bytes(data))
    return path
