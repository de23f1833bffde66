"""Bytes to a table: the header and the data rows of a CSV file or an Excel workbook's first sheet.

Row numbers are the numbers a person sees in Excel: the header is row 1 (or the row it is on,
if blank rows precede it), the first data row is row 2. A ``sep=;`` hint line (written by some
Excel versions) is not a row. Blank rows after the last data row are not rows at all.

CSV: UTF-8 (with or without BOM) or Windows-1252, ``;`` or ``,`` (the one whose header row has the
most columns we know). XLSX: the first sheet, every row and column it holds whatever size it
declares, checked against an independent count (``xlsx``).

A hostile or huge file is refused before the work grows with it: the limits (``bounds``, and the
zip and shared-strings limits in ``xlsx``) are checked on what the file declares (the zip directory,
the first line) before anything is unpacked or parsed. Every refusal is an ``Unreadable`` with one
sentence for the person.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence

from dashboard.domain.reference import normalise_text
from dashboard.i18n import Message, Num
from dashboard.ingest.bounds import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_FIELD,
    MAX_ROWS,
    Table,
    too_many_rows,
    too_wide,
)
from dashboard.ingest.headers import header_score
from dashboard.ingest.result import Unreadable
from dashboard.ingest.xlsx import (
    MAX_SHARED_STRINGS,
    MAX_SHARED_STRINGS_BYTES,
    MAX_XLSX_PARTS,
    MAX_XLSX_UNPACKED,
    cell_text,
    read_xlsx,
)

__all__ = ["MAX_CELLS", "MAX_COLUMNS", "MAX_ROWS", "MAX_SHARED_STRINGS", "MAX_SHARED_STRINGS_BYTES",
           "MAX_XLSX_PARTS", "MAX_XLSX_UNPACKED", "Table", "cell_text", "read_table"]

_CONTROL_RE = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SEP_HINT_RE = re.compile(r"\s*sep=(.)\s*")

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


def _field_too_long() -> Unreadable:
    return Unreadable(Message("read_csv_field_too_long", n=Num(MAX_FIELD)))


def _parse_csv(text: str, delimiter: str) -> list[list[str]]:
    first = text.split("\n", 1)[0]
    if first.count(delimiter) + 1 > MAX_COLUMNS:
        raise too_wide(first.count(delimiter) + 1)
    out: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if len(out) > MAX_ROWS:
                raise too_many_rows()
            if len(row) > MAX_COLUMNS:
                raise too_wide(len(row))
            if any(len(cell) > MAX_FIELD for cell in row):
                raise _field_too_long()
            out.append(row)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise _field_too_long() from exc
        raise Unreadable(Message("read_csv_unparsable", error=str(exc))) from exc
    return out


def _read_csv(data: bytes, known: frozenset[str] = frozenset()) -> Table:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Unreadable(Message("read_utf16"))
    if _CONTROL_RE.search(data):  # control bytes are the same in UTF-8 and Windows-1252: not text
        raise Unreadable(Message("read_not_text"))
    if data.count(b"\n") > 2 * MAX_ROWS + 10:  # many blank lines count too: refuse before parsing
        raise too_many_rows()
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
        raise too_wide(max(widths.values()))
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
        return read_xlsx(data)
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
