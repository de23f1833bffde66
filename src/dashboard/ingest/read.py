"""Bytes to a table: the header and the data rows of a CSV file or an Excel workbook's first sheet.

Row numbers are the numbers a person sees in Excel: the header is row 1 (or the row it is on,
if blank rows precede it), the first data row is row 2. A ``sep=;`` hint line (written by some
Excel versions) is not a row. Blank rows after the last data row are not rows at all.

CSV: UTF-8 (with or without BOM) or Windows-1252, ``;`` or ``,`` (the one whose header row has the
most columns we know). XLSX: streamed with openpyxl in read-only mode.

A hostile or huge file is refused before the work grows with it: the limits below are checked on
what the file declares (the zip directory, the first line) before anything is unpacked or parsed.
Every refusal is an ``Unreadable`` with one sentence for the person.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from functools import lru_cache

from dashboard.domain.reference import normalise_text
from dashboard.domain.ziplimits import ZipLimits, ZipRefused, check_zip
from dashboard.i18n import Message, Num
from dashboard.ingest.headers import header_score
from dashboard.ingest.result import Unreadable

__all__ = ["MAX_CELLS", "MAX_COLUMNS", "MAX_ROWS", "MAX_XLSX_PARTS", "MAX_XLSX_UNPACKED", "read_table"]

# A national round is about 1 500 rows and 30 columns; the limits leave room for 50 000-row files and no more.
MAX_ROWS = 100_000
MAX_COLUMNS = 1_000
MAX_CELLS = 4_000_000
MAX_XLSX_UNPACKED = 300_000_000  # bytes the archive says it unpacks to, all parts together
MAX_XLSX_PARTS = 2_000

_CONTROL_RE = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SEP_HINT_RE = re.compile(r"\s*sep=(.)\s*")

Table = list[tuple[int, list[str]]]  # (row number as a person sees it, cells as text)


def _too_many_rows() -> Unreadable:
    return Unreadable(Message("read_too_many_rows", max=Num(MAX_ROWS)))


def _too_wide(n: int) -> Unreadable:
    return Unreadable(Message("read_too_wide", n=Num(n), max=Num(MAX_COLUMNS)))


def _not_xlsx() -> Unreadable:
    return Unreadable(Message("read_zip_not_xlsx"))


# --------------------------------------------------------------------------- Excel


def cell_text(value: object) -> str:
    """An Excel cell as the text a person sees (180.0 -> "180", TRUE -> "Ja")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


XLSX_LIMITS = ZipLimits(entries=MAX_XLSX_PARTS, total=MAX_XLSX_UNPACKED, entry=MAX_XLSX_UNPACKED)


def _check_xlsx_archive(data: bytes) -> None:
    """Refuse by what the zip's directory declares, before anything is unpacked (the zip limits
    shared with the slide templates: ``domain.ziplimits``)."""
    try:
        check_zip(data, XLSX_LIMITS)
    except ZipRefused as exc:
        if exc.reason == "entries":
            raise Unreadable(Message("read_xlsx_parts")) from exc
        if exc.reason in ("total", "entry"):
            raise Unreadable(Message("read_xlsx_unpacked", mb=Num(exc.found / 1e6),
                                     limit=Num(MAX_XLSX_UNPACKED / 1e6))) from exc
        raise _not_xlsx() from exc


@lru_cache(maxsize=1)
def _bound_openpyxl_dimension_scan() -> None:
    """openpyxl (3.1) looks for a sheet's ``<dimension>`` with 'end' events, so a sheet without
    one is parsed whole (3 million rows: 25 s and 400 MB) before the first row is read. The
    element comes before ``<sheetData>`` when present, so stop at the start of ``<sheetData>``."""
    from xml.etree.ElementTree import iterparse

    from openpyxl.worksheet._reader import DATA_TAG, DIMENSION_TAG, WorkSheetParser
    from openpyxl.worksheet.dimensions import SheetDimension

    def parse_dimensions(self: WorkSheetParser) -> tuple[int, int, int, int] | None:
        for _event, element in iterparse(self.source, events=("start",)):
            if element.tag == DIMENSION_TAG:
                return SheetDimension(ref=element.get("ref")).boundaries
            if element.tag == DATA_TAG:
                return None
        return None

    WorkSheetParser.parse_dimensions = parse_dimensions  # type: ignore[method-assign]


def _read_xlsx(data: bytes) -> Table:
    """The first sheet, streamed (openpyxl read-only), stopping at the row and column limits."""
    import openpyxl

    _check_xlsx_archive(data)
    _bound_openpyxl_dimension_scan()
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken or non-Excel zip
        raise _not_xlsx() from exc
    try:
        if not wb.worksheets:
            raise Unreadable(Message("read_xlsx_no_sheets"))
        ws = wb.worksheets[0]
        out: Table = []
        cells = 0
        try:
            # a declared width beyond the limit: read one column more than allowed, to tell
            wide = ws.max_column is not None and ws.max_column > MAX_COLUMNS
            rows = ws.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1 if wide else None)
            for i, row in enumerate(rows, start=1):
                if i > MAX_ROWS + 1:
                    raise _too_many_rows()
                values = list(row)
                while values and values[-1] is None:
                    values.pop()
                if len(values) > MAX_COLUMNS:
                    raise _too_wide(len(values))
                cells += len(values)
                if cells > MAX_CELLS:
                    raise Unreadable(Message("read_too_many_cells"))
                out.append((i, [cell_text(v) for v in values]))
        except Unreadable:
            raise
        except Exception as exc:  # a broken sheet inside a valid zip (or a refused XML entity)
            raise Unreadable(Message("read_xlsx_broken_sheet")) from exc
        return out
    finally:
        wb.close()


# --------------------------------------------------------------------------- CSV


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise Unreadable(Message("read_bad_utf8")) from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise Unreadable(Message("read_bad_encoding")) from exc


def _parse_csv(text: str, delimiter: str) -> list[list[str]]:
    first = text.split("\n", 1)[0]
    if first.count(delimiter) + 1 > MAX_COLUMNS:
        raise _too_wide(first.count(delimiter) + 1)
    out: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if len(out) > MAX_ROWS:
                raise _too_many_rows()
            if len(row) > MAX_COLUMNS:
                raise _too_wide(len(row))
            out.append(row)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise Unreadable(Message("read_csv_field_too_long", n=Num(csv.field_size_limit()))) from exc
        raise Unreadable(Message("read_csv_unparsable", error=str(exc))) from exc
    return out


def _read_csv(data: bytes, known: frozenset[str] = frozenset()) -> Table:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Unreadable(Message("read_utf16"))
    if _CONTROL_RE.search(data):  # control bytes are the same in UTF-8 and Windows-1252: not text
        raise Unreadable(Message("read_not_text"))
    if data.count(b"\n") > 2 * MAX_ROWS + 10:  # many blank lines count too: refuse before parsing
        raise _too_many_rows()
    text = _decode(data)
    if not re.sub(r"[\s;,\"]", "", text):  # only separators and space
        raise Unreadable(Message("read_empty"))
    first, _, rest = text.partition("\n")
    hint = _SEP_HINT_RE.fullmatch(first)
    if hint:  # Excel's "sep=;" line: not a row (Excel hides it), and it names the separator
        return list(enumerate(_parse_csv(rest, hint.group(1)), start=1))

    best: tuple[int, int, int, int] | None = None
    chosen = ";"
    tables: dict[str, list[list[str]]] = {}
    widths = {d: first.count(d) + 1 for d in (";", ",")}
    if max(widths.values()) > MAX_COLUMNS:  # by either separator: no survey has that many columns
        raise _too_wide(max(widths.values()))
    for priority, delimiter in enumerate((";", ",")):
        table = _parse_csv(text, delimiter)
        tables[delimiter] = table
        header = next((r for r in table if any(c.strip() for c in r)), [])
        sample = [r for r in table[1:200] if any(c.strip() for c in r)]
        consistent = sum(len(r) == len(header) for r in sample)  # question texts often hold commas
        key = (header_score(header, known), consistent, len(header), -priority)
        if best is None or key > best:
            best = key
            chosen = delimiter
    return list(enumerate(tables[chosen], start=1))


# --------------------------------------------------------------------------- either


def _read_rows(data: bytes, known: frozenset[str] = frozenset()) -> Table:
    """(row number as a person sees it, cells as text) for every row of the file or first sheet."""
    if not data.strip():
        raise Unreadable(Message("read_empty"))
    if data.startswith(b"%PDF"):
        raise Unreadable(Message("read_pdf"))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise Unreadable(Message("read_xls"))
    if data.startswith(b"PK\x03\x04") or zipfile.is_zipfile(io.BytesIO(data)):
        return _read_xlsx(data)
    return _read_csv(data, known)


def read_table(data: bytes, known_headers: Sequence[str] = ()) -> tuple[list[str], Table]:
    """The header and the data rows (with the row numbers a person sees) of a file's bytes.

    Raises ``Unreadable`` (a ``ValueError``) with one sentence when the file cannot be read.
    ``known_headers`` (a profile's source headers) help tell a ';' file from a ',' file when the
    headers are a survey tool's question texts. The importer, the mapping suggestion and the
    Import page's preview all read files through this.
    """
    rows = _read_rows(data, frozenset(normalise_text(h) for h in known_headers))
    non_blank = [i for i, (_, cells) in enumerate(rows) if any(c.strip() for c in cells)]
    if not non_blank:
        raise Unreadable(Message("read_empty"))
    header_at, last = non_blank[0], non_blank[-1]
    header = rows[header_at][1]
    return header, rows[header_at + 1 : last + 1]  # blank rows after the last data row are not rows
