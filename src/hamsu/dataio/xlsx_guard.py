"""Look inside an XLSX (a zip of XML parts) before openpyxl parses it.

openpyxl loads the whole shared-strings part into memory before the first row is read,
so a 147 KB workbook whose shared strings hold one 150 MB string cost 3.8 s and was
stored as a job's header. Before any parsing, this checks:

- what each part says it unzips to (its declared size), added up, against the bound;
- each part's compression ratio (any part over 1 MiB): ordinary sheets compress 5–20
  times, a bomb hundreds or thousands of times;
- what each part really unzips to, read in chunks and never kept (a lying header is
  caught here; zipfile also checks the CRC);
- the longest string in the shared strings, measured by expat as the text streams by
  (an item's text is counted, never built), against the cell bound.

Inline strings and numbers live in the sheet itself, whose size the first checks bound;
the reader checks each cell as the rows are read.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from xml.parsers import expat

from django.utils.translation import gettext as _

from hamsu.core import uploads

_CHUNK = 1 << 20
_RATIO_CHECKED_FROM = 1 << 20  # small parts (styles, a tiny sheet) may compress very well
MAX_PARTS = 10_000


class ArchiveRefused(Exception):
    def __init__(self, message: str, *, too_large: bool = True):
        super().__init__(message)
        self.message = message
        self.too_large = too_large


def _uncompressed_too_large(limit: int) -> str:
    return _("The workbook unzips to more than %(limit)s bytes, the most an upload may hold.") % {
        "limit": uploads.n(limit)
    }


def _ratio_too_high(part: str, ratio: int, limit: int) -> str:
    return _(
        "The workbook's part %(part)s unzips to %(ratio)s times its size; a workbook part may "
        "unzip to at most %(limit)s times its size."
    ) % {"part": part, "ratio": uploads.n(ratio), "limit": uploads.n(limit)}


def _shared_string_too_long(index: int, limit: int) -> str:
    return _(
        "Shared string %(index)s of the workbook is longer than %(limit)s characters, the most one cell may hold."
    ) % {"index": uploads.n(index), "limit": uploads.n(limit)}


class _SharedStringLengths:
    """Feeds the shared-strings XML to expat and refuses an item longer than ``limit``."""

    def __init__(self, limit: int):
        self.limit = limit
        self.index = 0
        self.length = 0
        self.parser = expat.ParserCreate()
        self.parser.buffer_text = False  # text arrives in pieces: counted, never joined
        self.parser.StartElementHandler = self._start
        self.parser.CharacterDataHandler = self._text

    def _start(self, name: str, _attributes) -> None:
        local = name.rsplit(":", 1)[-1]
        if local == "si":
            self.index += 1
            self.length = 0

    def _text(self, data: str) -> None:
        self.length += len(data)
        if self.length > self.limit:
            raise ArchiveRefused(_shared_string_too_long(self.index, self.limit))

    def feed(self, data: bytes, final: bool = False) -> None:
        self.parser.Parse(data, final)


def check_archive(path: Path, bounds: uploads.UploadLimits) -> None:
    """Raise ``ArchiveRefused`` when the workbook would unzip past a bound."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            if len(parts) > MAX_PARTS:
                raise ArchiveRefused(
                    _("The workbook has more than %(limit)s parts.") % {"limit": uploads.n(MAX_PARTS)}
                )
            if sum(part.file_size for part in parts) > bounds.max_uncompressed_bytes:
                raise ArchiveRefused(_uncompressed_too_large(bounds.max_uncompressed_bytes))
            for part in parts:
                if part.file_size >= _RATIO_CHECKED_FROM:
                    ratio = part.file_size // max(1, part.compress_size)
                    if ratio > bounds.max_compression_ratio:
                        raise ArchiveRefused(
                            _ratio_too_high(part.filename, ratio, bounds.max_compression_ratio)
                        )
            total = 0
            for part in parts:
                strings = (
                    _SharedStringLengths(bounds.max_cell_chars)
                    if part.filename.lower().endswith("sharedstrings.xml")
                    else None
                )
                with archive.open(part) as stream:
                    while chunk := stream.read(_CHUNK):
                        total += len(chunk)
                        if total > bounds.max_uncompressed_bytes:
                            raise ArchiveRefused(_uncompressed_too_large(bounds.max_uncompressed_bytes))
                        if strings is not None:
                            strings.feed(chunk)
                if strings is not None:
                    strings.feed(b"", final=True)
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        NotImplementedError,
        expat.ExpatError,
    ) as error:
        raise ArchiveRefused(
            _("The file is not a readable .xlsx workbook (%(reason)s).") % {"reason": error}, too_large=False
        ) from None
