"""An Excel workbook's first sheet: every row and every column it holds, read within bounds.

Why not openpyxl's read-only worksheet: it trusts the size the sheet declares (``<dimension
ref="A1:K5">``, written by whatever program made the file) and silently leaves out every row below
it and every column to the right of it (issue 18: 20 rows in, 4 accepted, 0 rejected, exit 0); a
sheet without the element is scanned whole before the first row is read. So openpyxl reads the
workbook (which sheet is first, the styles that make a number a date, the shared strings' part)
and parses each ``<row>`` (value types, dates, booleans), and this module puts every cell where its
own reference says, whatever the declared size says.

Nothing lost, checked: a second, independent pass (a pattern over the sheet's bytes, no XML
parser) counts the sheet's rows and cells. When the rows or cells read differ from that count the
file is refused with one sentence, never imported short. A row number that goes backwards or a
cell given twice would otherwise lose a value, so they are refused too.

Bounded: the zip's directory is checked before anything is unpacked (number of parts, total
unpacked size), and each part's declared size is proved in bounded steps. The shared strings
(every text of the workbook, read whole before the first row) are bounded by their declared
unpacked size and their declared count before they are parsed, by their actual count while they
are, and read by a lean parser: openpyxl's took 23 s and 307 MB for 34 MB of strings. Rows,
columns and cells stop at ``bounds``, one cell's text at Excel's own 32 767 characters. A document
type declaration (the way to entity bombs) is refused by the strings' parser; the sheet's parser
(expat, through openpyxl) refuses entity expansion.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import IO, Any
from xml.parsers import expat

from dashboard.domain.ziplimits import ZipLimits, ZipRefused, check_zip
from dashboard.i18n import Message, Num
from dashboard.ingest.bounds import MAX_CELLS, MAX_COLUMNS, MAX_ROWS, Table, too_many_rows, too_wide
from dashboard.ingest.result import Unreadable

__all__ = ["MAX_CELL_CHARS", "MAX_SHARED_STRINGS", "MAX_SHARED_STRINGS_BYTES", "MAX_XLSX_PARTS", "MAX_XLSX_UNPACKED",
           "cell_text", "check_archive", "read_xlsx"]

MAX_XLSX_UNPACKED = 300_000_000  # bytes the archive says it unpacks to, all parts together
MAX_XLSX_PARTS = 2_000
# A 50 000-row Forms-style export (e-mail, name and unit unique per row) has 3.5 MB of shared
# strings and 100 000 of them; the bounds leave four and ten times that.
MAX_SHARED_STRINGS_BYTES = 16_000_000
MAX_SHARED_STRINGS = 1_000_000
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell: a longer text was not written by Excel

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main "  # expat: namespace, space, name
_SST, _SI, _T, _RPH = _NS + "sst", _NS + "si", _NS + "t", _NS + "rPh"
_TAG_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)[\s/>]")  # an opening tag, any namespace prefix


def _not_xlsx() -> Unreadable:
    return Unreadable(Message("read_zip_not_xlsx"))


def _broken() -> Unreadable:
    return Unreadable(Message("read_xlsx_broken_sheet"))


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


def check_archive(data: bytes) -> None:
    """Refuse by what the zip's directory declares, before anything is unpacked (the zip limits
    shared with the slide templates: ``domain.ziplimits``), then prove the declared sizes by
    inflating each part in 1 MB steps: openpyxl reads some parts whole, and ``zipfile`` inflates a
    whole part before cutting it to its declared size (a 1 MB upload whose 1 200-byte part
    inflates to 1 GB took 2 GB). The proof costs 0.06 s for a 50 000-row export."""
    try:
        check_zip(data, XLSX_LIMITS, verify=True)
    except ZipRefused as exc:
        if exc.reason == "mismatch":
            raise Unreadable(Message("read_xlsx_size_lies", name=exc.name)) from exc
        if exc.reason == "entries":
            raise Unreadable(Message("read_xlsx_parts")) from exc
        if exc.reason in ("total", "entry"):
            raise Unreadable(Message("read_xlsx_unpacked", mb=Num(exc.found / 1e6),
                                     limit=Num(MAX_XLSX_UNPACKED / 1e6))) from exc
        raise _not_xlsx() from exc


# --------------------------------------------------------------------------- shared strings, the count


def _expat(start: Any, end: Any, text: Any) -> expat.XMLParserType:
    """A namespace-aware expat parser that refuses a document type declaration (no part of a
    workbook has one; it is how entity bombs come)."""

    def no_doctype(*_args: object) -> None:
        raise _broken()

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = no_doctype
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    return parser


def _declared(attrs: dict[str, str], name: str) -> int:
    try:
        return int(attrs.get(name, "0"))
    except ValueError:
        return 0


def _too_many_strings(n: int) -> Unreadable:
    return Unreadable(Message("read_xlsx_strings_count", n=Num(n), max=Num(MAX_SHARED_STRINGS)))


def _bounded(text: str) -> str:
    if len(text) > MAX_CELL_CHARS:
        raise Unreadable(Message("read_xlsx_cell_too_long", max=Num(MAX_CELL_CHARS)))
    return text


def shared_strings(src: IO[bytes]) -> list[str]:
    """Every shared string in order, as openpyxl gives them (the ``t`` texts of each ``si``, the
    phonetic runs left out, ``_x005F_`` unescaped the same way), refusing more than
    ``MAX_SHARED_STRINGS``. No tree is built: memory is the strings themselves."""
    strings: list[str] = []
    parts: list[str] = []
    state = {"in_t": False, "phonetic": 0}

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == _T:
            state["in_t"] = state["phonetic"] == 0
        elif name == _SI:
            parts.clear()
        elif name == _RPH:
            state["phonetic"] += 1
        elif name == _SST and _declared(attrs, "uniqueCount") > MAX_SHARED_STRINGS:
            raise _too_many_strings(_declared(attrs, "uniqueCount"))  # as declared: before any is read

    def end(name: str) -> None:
        if name == _T:
            state["in_t"] = False
        elif name == _SI:
            if len(strings) >= MAX_SHARED_STRINGS:
                raise _too_many_strings(len(strings) + 1)
            strings.append(_bounded("".join(parts).replace("x005F_", "")))
        elif name == _RPH:
            state["phonetic"] -= 1

    def text(data: str) -> None:
        if state["in_t"]:
            parts.append(data)

    try:
        _expat(start, end, text).ParseFile(src)
    except expat.ExpatError as exc:
        raise _broken() from exc
    return strings


def count_rows_and_cells(src: IO[bytes]) -> tuple[int, int]:
    """The independent count: the ``<row>`` and ``<c>`` (cell) tags of the sheet, found in its bytes
    by a pattern, not by an XML parser (0.2 s for a 50 000-row sheet; an expat pass took 1.6 s). A
    tag-like text in a comment, or a row child that is not a cell, makes the counts differ: a loud
    refusal, never a loss."""
    rows = cells = 0
    carry = b""
    while True:
        chunk = src.read(1 << 20)
        data = carry + chunk
        cut = data.rfind(b"<")  # a tag cut in two is counted with the next chunk
        if cut < 0 or not chunk:
            cut = len(data)
        head, carry = data[:cut], data[cut:]
        names = _TAG_RE.findall(head)
        found = names.count(b"c")
        cells += found
        rows += len(names) - found
        if not chunk:
            return rows, cells


# --------------------------------------------------------------------------- the workbook


def _strings_part(reader: Any) -> zipfile.ZipInfo | None:
    """The shared strings' part, refused when it declares more bytes than are read."""
    from openpyxl.xml.constants import SHARED_STRINGS

    part = reader.package.find(SHARED_STRINGS)
    if part is None:
        return None
    info: zipfile.ZipInfo = reader.archive.getinfo(part.PartName[1:])
    if info.file_size > MAX_SHARED_STRINGS_BYTES:  # zipfile never unpacks more than this
        raise Unreadable(Message("read_xlsx_strings_size", mb=Num(info.file_size / 1e6),
                                 limit=Num(MAX_SHARED_STRINGS_BYTES / 1e6)))
    return info


def _first_sheet(reader: Any) -> tuple[str | None, zipfile.ZipInfo | None]:
    """The first worksheet's part (chart sheets are not sheets of data) and the strings' part."""
    from openpyxl.styles.stylesheet import apply_stylesheet

    reader.read_manifest()
    strings = _strings_part(reader)
    reader.read_workbook()
    apply_stylesheet(reader.archive, reader.wb)  # which styles make a number a date
    for _sheet, rel in reader.parser.find_sheets():
        if rel.target in reader.valid_files and "chartsheet" not in rel.Type:
            return rel.target, strings
    return None, strings


def _placed(number: int, cells: list[dict[str, Any]]) -> list[str]:
    """One row's cells as text, each at the column its reference names, up to the last value."""
    width = max((c["column"] for c in cells if c["value"] is not None), default=0)
    if width > MAX_COLUMNS:
        raise too_wide(width)
    values = [""] * width
    seen: set[int] = set()
    for c in cells:
        col = c["column"]
        if col in seen:
            raise Unreadable(Message("read_xlsx_cell_twice", row=Num(number), column=Num(col)))
        seen.add(col)
        if c["value"] is not None:
            values[col - 1] = _bounded(cell_text(c["value"]))
    return values


def _rows(reader: Any, path: str, strings: list[str]) -> tuple[Table, int, int]:
    """Every row of the sheet (rows it leaves out are blank rows), and how many rows and cells the
    parser gave."""
    from openpyxl.worksheet._reader import WorkSheetParser

    wb = reader.wb
    out: Table = []
    rows_read = cells_read = cells = last = 0
    with reader.archive.open(path) as src:
        parser = WorkSheetParser(src, strings, data_only=True, epoch=wb.epoch, date_formats=wb._date_formats,
                                 timedelta_formats=wb._timedelta_formats)
        for number, row in parser.parse():
            if number <= last:
                raise Unreadable(Message("read_xlsx_row_order", row=Num(number), after=Num(last)))
            if number > MAX_ROWS + 1:
                raise too_many_rows()
            out.extend((n, []) for n in range(last + 1, number))
            last = number
            values = _placed(number, row)
            cells += len(values)
            if cells > MAX_CELLS:
                raise Unreadable(Message("read_too_many_cells"))
            out.append((number, values))
            rows_read += 1
            cells_read += len(row)
    return out, rows_read, cells_read


def read_xlsx(data: bytes) -> Table:
    """The first sheet: every row and column it holds, checked against an independent count."""
    from openpyxl.reader.excel import ExcelReader

    check_archive(data)
    try:
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken or non-Excel zip
        raise _not_xlsx() from exc
    try:
        try:
            path, strings_part = _first_sheet(reader)
        except Unreadable:
            raise
        except Exception as exc:
            raise _not_xlsx() from exc
        if path is None:
            raise Unreadable(Message("read_xlsx_no_sheets"))
        try:
            strings: list[str] = []
            if strings_part is not None:
                with reader.archive.open(strings_part) as src:
                    strings = shared_strings(src)
            table, rows_read, cells_read = _rows(reader, path, strings)
            with reader.archive.open(path) as src:
                rows_there, cells_there = count_rows_and_cells(src)
        except Unreadable:
            raise
        except Exception as exc:  # a broken sheet inside a valid zip (or a refused XML entity)
            raise _broken() from exc
        if (rows_read, cells_read) != (rows_there, cells_there):
            raise Unreadable(Message("read_xlsx_not_all_read", rows=Num(rows_there), rows_read=Num(rows_read),
                                     cells=Num(cells_there), cells_read=Num(cells_read)))
        return table
    finally:
        reader.archive.close()
