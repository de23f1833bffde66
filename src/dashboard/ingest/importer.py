"""Read a survey file (CSV or XLSX) into validated canonical rows and a report of every rejected row.

Nothing is lost silently: every data row of the file is either accepted (one unit) or listed as
rejected with its row number, column, value and a reason in plain Swedish, so that

    rows_in == accepted + number of distinct rejected rows

always holds. A file that cannot be read at all imports nothing and ``error`` says why.

The file format
---------------
One row per unit; the first non-blank row is the header. Headers are matched case-, accent- and
punctuation-insensitively (``normalise_header``), so ``Kommunkod``, `` KOMMUNKOD `` and
``kommun-kod`` are the same column.

Required: ``Enhetstyp``, ``Kommunkod``, ``Enhet``.
Optional: ``Enhets-id``, ``Region``, ``Kommun``, ``Svarat``, ``Latitud``, ``Longitud``,
``Omgång``, ``Exempeldata``; also the aliases ``Enhetsnamn`` (= Enhet), ``Regionkod`` (= Region),
``Lat``/``Latitude`` and ``Lon``/``Lng``/``Longitude``.
Provisions: one column per provision whose header *starts* with the provision id
(``V1 Rutiner för att ställa frågor om våld``, ``v1``, ``S3 - Risk``). Other columns are ignored
and listed in the report.

Row numbers are the numbers a person sees in Excel: the header is row 1 (or the row it is on,
if blank rows precede it), the first data row is row 2. A ``sep=;`` hint line (written by some
Excel versions) is not a row. Blank rows between data rows are counted and rejected as
"tom rad" (so the count adds up); blank rows after the last data row are not rows at all.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from dashboard.domain import places, schema
from dashboard.domain.provisions import catalogue
from dashboard.domain.reference import municipalities, normalise_text, region_lookup
from dashboard.domain.ziplimits import ZipLimits, ZipRefused, check_zip
from dashboard.ingest import profiles as _profiles

__all__ = ["ImportResult", "Rejection", "Replacement", "exclude_existing", "normalise_header", "read_survey",
           "read_table", "unit_type_of"]

DEFAULT_UPLOAD_NAME = "uppladdad-fil"
# An unexpected error in the reader becomes a sentence for the user; the tests set this to True so
# that the same bug fails loudly there instead (tests/conftest.py).
STRICT = False

_UNIT_TYPE_WORDS: dict[str, str] = {
    "socialnamnd": "socialnamnd",
    "socialnamnden": "socialnamnd",
    "kommun": "socialnamnd",
    "socialtjanst": "socialnamnd",
    "socialtjansten": "socialnamnd",
    "socialforvaltning": "socialnamnd",
    "socialforvaltningen": "socialnamnd",
    "individ- och familjenamnd": "socialnamnd",
    "individ- och familjenamnden": "socialnamnd",
    "individ och familjenamnd": "socialnamnd",
    "individ och familjenamnden": "socialnamnd",
    "individ- och familjeomsorg": "socialnamnd",
    "individ- och familjeomsorgen": "socialnamnd",
    "ifo": "socialnamnd",
    "ifn": "socialnamnd",
    "socialutskott": "socialnamnd",
    "socialutskottet": "socialnamnd",
    "omsorgsnamnd": "socialnamnd",
    "vard- och omsorgsnamnd": "socialnamnd",
    "social- och omsorgsnamnd": "socialnamnd",
    "vardcentral": "vardcentral",
    "vardcentralen": "vardcentral",
    "halsocentral": "vardcentral",
    "halsocentralen": "vardcentral",
    "huslakarmottagning": "vardcentral",
    "huslakarmottagningen": "vardcentral",
    "familjelakarmottagning": "vardcentral",
    "familjelakarmottagningen": "vardcentral",
    "familjelakarenhet": "vardcentral",
    "lakarmottagning": "vardcentral",
    "narvard": "vardcentral",
    "narvarden": "vardcentral",
    "narhalsan": "vardcentral",
    "narakut": "vardcentral",
    "primarvard": "vardcentral",
    "primarvarden": "vardcentral",
    "primarvardsenhet": "vardcentral",
    "halsorum": "vardcentral",
}
# A unit-type cell that starts with one of these words ("Socialnämnden i Krokom", "Närhälsan
# Lerum", "IFO Vallentuna") names that type; checked after the exact words above.
_UNIT_TYPE_PREFIXES: tuple[tuple[str, str], ...] = tuple(
    sorted(((w, t) for w, t in _UNIT_TYPE_WORDS.items() if w != "kommun"), key=lambda wt: -len(wt[0]))
)


def unit_type_of(text: str) -> str | None:
    """``socialnamnd``/``vardcentral`` for the words people write, or None when unknown."""
    key = normalise_text(text).rstrip(".")
    key = re.sub(r"\s*-\s*och\b", "- och", key)
    if key in _UNIT_TYPE_WORDS:
        return _UNIT_TYPE_WORDS[key]
    for word, unit_type in _UNIT_TYPE_PREFIXES:
        if key.startswith(word) and (len(key) == len(word) or not key[len(word)].isalnum()):
            return unit_type
    return None
_UNIT_TYPE_LABEL: dict[str, str] = {"socialnamnd": "socialnämnd", "vardcentral": "vårdcentral"}
_ID_PREFIX: dict[str, str] = {"socialnamnd": "SN", "vardcentral": "VC"}
_ANSWER_WORDS: dict[str, str] = {
    "ja": "ja",
    "nej": "nej",
    "vet ej": "vet_ej",
    "vet inte": "vet_ej",
    "vet_ej": "vet_ej",
    "saknas": "saknas",
}
_YES_NO: dict[str, bool] = {"ja": True, "nej": False}

# field name -> the header as documented (used in messages when the file lacks the column)
_FIELD_LABEL: dict[str, str] = {
    "round": schema.COL_ROUND,
    "unit_id": schema.COL_UNIT_ID,
    "unit_type": schema.COL_UNIT_TYPE,
    "name": schema.COL_NAME,
    "kommun_kod": schema.COL_KOMMUN_KOD,
    "kommun": schema.COL_KOMMUN,
    "region": schema.COL_REGION,
    "responded": schema.COL_RESPONDED,
    "lat": schema.COL_LAT,
    "lon": schema.COL_LON,
    "synthetic": schema.COL_SYNTHETIC,
    "submitted": "Inskickad",
}
_REQUIRED_FIELDS = ("unit_type", "kommun_kod", "name")

_CODE_RE = re.compile(r"(\d{3,4})(?:[.,]0+)?")
_NUMBER_RE = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
_PROVISION_RE = re.compile(r"([a-z]+\d+)(?=$|[^a-z0-9])")
_CONTROL_RE = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SEP_HINT_RE = re.compile(r"\s*sep=(.)\s*")


def normalise_header(header: object) -> str:
    """Lower-case, accents and every non-alphanumeric removed: ``" Enhets-id "`` -> ``"enhetsid"``."""
    return re.sub(r"[^a-z0-9]", "", normalise_text(header))


_HEADER_FIELDS: dict[str, str] = {normalise_header(label): name for name, label in _FIELD_LABEL.items()}
_HEADER_FIELDS.update(
    {
        "enhetsnamn": "name",
        "regionkod": "region",
        "lat": "lat",
        "latitude": "lat",
        "lon": "lon",
        "lng": "lon",
        "longitude": "lon",
        "sluttid": "submitted",
        "tidpunkt": "submitted",
    }
)


@dataclass(frozen=True)
class Rejection:
    """One fault in one row; a row with several faults has several rejections."""

    row: int
    column: str
    value: str
    reason: str


@dataclass(frozen=True)
class Replacement:
    """An earlier submission of a unit, replaced by a later one of the same file."""

    row: int
    submitted: str
    by_row: int
    by_submitted: str
    name: str


@dataclass
class ImportResult:
    """What one file gave: canonical units/answers of the accepted rows and every rejection."""

    round: str
    filename: str
    sha256: str
    rows_in: int
    units: pd.DataFrame
    answers: pd.DataFrame
    rejected: list[Rejection]
    error: str | None
    ignored_columns: list[str] = field(default_factory=list)
    replaced: list[Replacement] = field(default_factory=list)
    dropped_columns: list[str] = field(default_factory=list)  # the profile's [drop]
    personal_columns: list[str] = field(default_factory=list)  # found to look like personal data
    unit_rows: list[int] = field(default_factory=list)  # the file row of each accepted unit
    asked_columns: list[str] = field(default_factory=list)  # provision ids the file has a column for

    @property
    def accepted(self) -> int:
        return len(self.units)

    @property
    def rejected_rows(self) -> int:
        """Distinct rejected rows (a row with three faults counts once)."""
        return len({r.row for r in self.rejected})

    @property
    def ok(self) -> bool:
        return self.error is None and not self.rejected

    def report(self) -> dict[str, Any]:
        return {
            "file": self.filename,
            "round": self.round,
            "sha256": self.sha256,
            "rows_in": self.rows_in,
            "accepted": self.accepted,
            "rejected_rows": self.rejected_rows,
            "rejected": [
                {"row": r.row, "column": r.column, "value": r.value, "reason": r.reason}
                for r in self.rejected
            ],
            "replaced_rows": len(self.replaced),
            "replaced": [
                {"row": r.row, "submitted": r.submitted, "by_row": r.by_row, "by_submitted": r.by_submitted,
                 "name": r.name}
                for r in self.replaced
            ],
            "ignored_columns": list(self.ignored_columns),
            "dropped_columns": list(self.dropped_columns),
            "personal_columns": list(self.personal_columns),
            "error": self.error,
        }


class _Unreadable(Exception):
    """The file cannot be read at all; the message is the one Swedish sentence shown to the user."""


# --------------------------------------------------------------------------- reference lookups


@lru_cache(maxsize=1)
def _kommuner() -> dict[str, tuple[str, str, str]]:
    """kommun_kod -> (kommun name, region_kod, official region name)."""
    df = municipalities()
    return {
        str(r.kommun_kod): (str(r.kommun), str(r.region_kod), str(r.region))
        for r in df.itertuples(index=False)
    }


@lru_cache(maxsize=1)
def _provisions() -> dict[str, str]:
    """provision_id -> unit_type, in catalogue order."""
    cat = catalogue()
    return dict(zip(cat["provision_id"].astype(str), cat["unit_type"].astype(str), strict=True))


@lru_cache(maxsize=1)
def _regions() -> dict[str, str]:
    """``reference.region_lookup()`` plus the bare names people write ("Örebro", "Jämtland").

    The bare name drops a leading "region " and a trailing "s län"/" län"; a bare name that
    would point at two regions is left out.
    """
    lookup = dict(region_lookup())
    extra: dict[str, set[str]] = {}
    for spelling, code in lookup.items():
        bare = re.sub(r"^region ", "", spelling)
        bare = re.sub(r"s? lan$", "", bare)
        extra.setdefault(bare, set()).add(code)
    for bare, codes in extra.items():
        if bare and len(codes) == 1:
            lookup.setdefault(bare, codes.pop())
    return lookup


# --------------------------------------------------------------------------- reading the raw table


def _cell_text(value: object) -> str:
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


# Limits that refuse a hostile or huge file before the work grows with it. A national round is
# about 1 500 rows and 30 columns; the limits leave room for 50 000-row files and no more.
MAX_ROWS = 100_000
MAX_COLUMNS = 1_000
MAX_CELLS = 4_000_000
MAX_XLSX_UNPACKED = 300_000_000  # bytes the archive says it unpacks to, all parts together
MAX_XLSX_PARTS = 2_000


def _too_many_rows(n: int) -> _Unreadable:
    return _Unreadable(
        f"Filen har fler än {MAX_ROWS:,} rader".replace(",", " ")
        + "; dela upp den eller kontrollera att den inte innehåller tomma rader långt ner."
    )


def _too_wide(n: int) -> _Unreadable:
    return _Unreadable(
        f"Filen är för bred: {n:,} kolumner".replace(",", " ")
        + f" (högst {MAX_COLUMNS:,} går att läsa)".replace(",", " ")
        + "; kontrollera skiljetecknet eller spara om filen med bara enkätens kolumner."
    )


XLSX_LIMITS = ZipLimits(entries=MAX_XLSX_PARTS, total=MAX_XLSX_UNPACKED, entry=MAX_XLSX_UNPACKED)


def _check_xlsx_archive(data: bytes) -> None:
    """Refuse by what the zip's directory declares, before anything is unpacked (``domain.ziplimits``)."""
    try:
        check_zip(data, XLSX_LIMITS)
    except ZipRefused as exc:
        if exc.reason == "entries":
            raise _Unreadable("Excel-filen består av orimligt många delar och läses inte.") from exc
        if exc.reason in ("total", "entry"):
            raise _Unreadable(
                f"Excel-filen packas upp till {exc.found / 1e6:,.0f} MB".replace(",", " ")
                + f", mer än de {MAX_XLSX_UNPACKED / 1e6:.0f} MB som läses; den är för stor eller inte en vanlig enkätexport."
            ) from exc
        raise _Unreadable(
            "Filen är en zip-fil men inte en Excel-fil (.xlsx) som går att läsa; spara den som .xlsx eller CSV."
        ) from exc


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


def _read_xlsx(data: bytes) -> list[tuple[int, list[str]]]:
    """The first sheet, streamed (openpyxl read-only), stopping at the row and column limits."""
    import openpyxl

    _check_xlsx_archive(data)
    _bound_openpyxl_dimension_scan()
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken or non-Excel zip
        raise _Unreadable(
            "Filen är en zip-fil men inte en Excel-fil (.xlsx) som går att läsa; spara den som .xlsx eller CSV."
        ) from exc
    try:
        if not wb.worksheets:
            raise _Unreadable("Excel-filen har inga blad med data.")
        ws = wb.worksheets[0]
        out: list[tuple[int, list[str]]] = []
        cells = 0
        try:
            # a declared width beyond the limit: read one column more than allowed, to tell
            wide = ws.max_column is not None and ws.max_column > MAX_COLUMNS
            rows = ws.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1 if wide else None)
            for i, row in enumerate(rows, start=1):
                if i > MAX_ROWS + 1:
                    raise _too_many_rows(i)
                values = list(row)
                while values and values[-1] is None:
                    values.pop()
                if len(values) > MAX_COLUMNS:
                    raise _too_wide(len(values))
                cells += len(values)
                if cells > MAX_CELLS:
                    raise _Unreadable("Filen har för många celler för att läsas; dela upp den.")
                out.append((i, [_cell_text(v) for v in values]))
        except _Unreadable:
            raise
        except Exception as exc:  # a broken sheet inside a valid zip (or a refused XML entity)
            raise _Unreadable(
                "Excel-filens blad går inte att läsa (skadad fil eller otillåtet innehåll); spara om den som .xlsx eller CSV."
            ) from exc
        return out
    finally:
        wb.close()


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _Unreadable("Filen säger att den är UTF-8 men innehåller tecken som inte går att läsa.") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise _Unreadable(
            "Filens teckenkodning går inte att läsa; spara den som CSV UTF-8 eller .xlsx."
        ) from exc


def _parse_csv(text: str, delimiter: str) -> list[list[str]]:
    first = text.split("\n", 1)[0]
    if first.count(delimiter) + 1 > MAX_COLUMNS:
        raise _too_wide(first.count(delimiter) + 1)
    out: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if len(out) > MAX_ROWS:
                raise _too_many_rows(len(out))
            if len(row) > MAX_COLUMNS:
                raise _too_wide(len(row))
            out.append(row)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise _Unreadable(
                f"Ett fält i CSV-filen är längre än {csv.field_size_limit():,} tecken".replace(",", " ")
                + "; kontrollera skiljetecknet och citattecknen."
            ) from exc
        raise _Unreadable(f"CSV-filen går inte att tolka ({exc}).") from exc
    return out


def _header_score(cells: Sequence[str], known: frozenset[str] = frozenset()) -> int:
    """How many cells are columns we know: used to tell a ';' file from a ',' file."""
    provisions = _provisions()
    score = 0
    for cell in cells:
        if normalise_header(cell) in _HEADER_FIELDS or normalise_text(cell) in known:
            score += 1
        else:
            m = _PROVISION_RE.match(normalise_text(cell))
            score += bool(m and m.group(1).upper() in provisions)
    return score


def _read_csv(data: bytes, known: frozenset[str] = frozenset()) -> list[tuple[int, list[str]]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _Unreadable("Filen är sparad som UTF-16 (Unicode-text); spara den som CSV UTF-8 eller .xlsx.")
    if _CONTROL_RE.search(data):  # control bytes are the same in UTF-8 and Windows-1252: not text
        raise _Unreadable("Filen är varken en textfil (CSV) eller en Excel-fil (.xlsx).")
    if data.count(b"\n") > 2 * MAX_ROWS + 10:  # many blank lines count too: refuse before parsing
        raise _too_many_rows(data.count(b"\n"))
    text = _decode(data)
    if not re.sub(r"[\s;,\"]", "", text):  # only separators and space
        raise _Unreadable("Filen är tom.")
    first, _, rest = text.partition("\n")
    hint = _SEP_HINT_RE.fullmatch(first)
    if hint:  # Excel's "sep=;" line: not a row (Excel hides it), and it names the separator
        return list(enumerate(_parse_csv(rest, hint.group(1)), start=1))

    best: tuple[int, int, int] | None = None
    chosen = ";"
    tables: dict[str, list[list[str]]] = {}
    first_line = text.split("\n", 1)[0]
    widths = {d: first_line.count(d) + 1 for d in (";", ",")}
    if max(widths.values()) > MAX_COLUMNS:  # by either separator: no survey has that many columns
        raise _too_wide(max(widths.values()))
    for priority, delimiter in enumerate((";", ",")):
        if widths[delimiter] > MAX_COLUMNS:
            continue
        table = _parse_csv(text, delimiter)
        tables[delimiter] = table
        header = next((r for r in table if any(c.strip() for c in r)), [])
        sample = [r for r in table[1:200] if any(c.strip() for c in r)]
        consistent = sum(len(r) == len(header) for r in sample)  # question texts often hold commas
        key = (_header_score(header, known), consistent, len(header), -priority)
        if best is None or key > best:
            best = key
            chosen = delimiter
    return list(enumerate(tables[chosen], start=1))


def _read_rows(data: bytes, known: frozenset[str] = frozenset()) -> list[tuple[int, list[str]]]:
    """(row number as a person sees it, cells as text) for every row of the file or first sheet."""
    if not data.strip():
        raise _Unreadable("Filen är tom.")
    if data.startswith(b"%PDF"):
        raise _Unreadable("Filen är en PDF; ladda upp en CSV-fil eller en Excel-fil (.xlsx).")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _Unreadable("Filen är i det gamla Excel-formatet (.xls); spara den som .xlsx eller CSV.")
    if data.startswith(b"PK\x03\x04") or zipfile.is_zipfile(io.BytesIO(data)):
        return _read_xlsx(data)
    return _read_csv(data, known)


# --------------------------------------------------------------------------- validating rows


@dataclass
class _Columns:
    fields: dict[str, int]  # field -> column index
    provisions: dict[str, int]  # provision_id -> column index
    headers: list[str]  # stripped header texts
    ignored: list[str]

    def label(self, fld: str) -> str:
        idx = self.fields.get(fld)
        return self.headers[idx] if idx is not None else _FIELD_LABEL[fld]


def _map_columns(header: list[str], data_rows: list[list[str]]) -> _Columns:
    provisions = _provisions()
    fields: dict[str, int] = {}
    provision_cols: dict[str, int] = {}
    ignored: list[str] = []
    headers = [h.strip() for h in header]
    for idx, text in enumerate(headers):
        key = normalise_header(text)
        m = _PROVISION_RE.match(normalise_text(text))
        if key in _HEADER_FIELDS:
            fld = _HEADER_FIELDS[key]
            if fld in fields:
                raise _Unreadable(
                    f"Kolumnen {_FIELD_LABEL[fld]} finns flera gånger i rubrikraden "
                    f"(”{headers[fields[fld]]}” och ”{text}”)."
                )
            fields[fld] = idx
        elif m and m.group(1).upper() in provisions:
            pid = m.group(1).upper()
            if pid in provision_cols:
                raise _Unreadable(
                    f"Frågan {pid} finns i flera kolumner (”{headers[provision_cols[pid]]}” och ”{text}”)."
                )
            provision_cols[pid] = idx
        elif text:
            ignored.append(text)
        elif any(idx < len(r) and r[idx].strip() for r in data_rows):
            ignored.append(f"(kolumn {idx + 1} utan rubrik)")
    missing = [_FIELD_LABEL[f] for f in _REQUIRED_FIELDS if f not in fields]
    if missing:
        named = [h for h in headers if h]
        found = (", ".join(named[:8]) + (", …" if len(named) > 8 else "")) or "inga"
        raise _Unreadable(
            f"Filen saknar {'den obligatoriska kolumnen' if len(missing) == 1 else 'de obligatoriska kolumnerna'} "
            f"{_and(missing)} (rubrikraden har: {found}). Är filen en export från ett enkätverktyg: "
            "skapa en importprofil med tillsyn mapping suggest (se docs/import-profile.md)."
        )
    return _Columns(fields, provision_cols, headers, ignored)


def _and(items: list[str]) -> str:
    """ "A, B och C" """
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} och {items[-1]}"


def _derived_id(unit_type: str, kommun_kod: str, name: str) -> str:
    digest = hashlib.sha1(normalise_text(name).encode("utf-8")).hexdigest()[:10]
    return f"{_ID_PREFIX[unit_type]}-{kommun_kod}-{digest}"


def _number(value: str) -> float | None:
    return float(value.replace(",", ".")) if _NUMBER_RE.fullmatch(value) else None


def _fmt(x: float) -> str:
    return f"{x:g}".replace(".", ",")


_ANSWER_HELP = "tillåtna svar är Ja, Nej, Vet ej eller tomt"
_YES_NO_HELP = "ange Ja eller Nej, eller lämna tomt"


def _validate_row(
    rownum: int,
    cells: list[str],
    cols: _Columns,
    round_name: str,
    round_from_column: tuple[str, int] | None,
) -> tuple[dict[str, Any] | None, dict[str, str], list[Rejection], str | None]:
    """Check one row. Returns (unit or None, answers, faults, duplicate key or None)."""
    faults: list[Rejection] = []

    def get(fld: str) -> str:
        idx = cols.fields.get(fld)
        return cells[idx].strip() if idx is not None and idx < len(cells) else ""

    def fault(fld: str, value: str, reason: str) -> None:
        faults.append(Rejection(rownum, cols.label(fld), value, reason))

    if len(cells) > len(cols.headers) and any(c.strip() for c in cells[len(cols.headers):]):
        extra = "; ".join(c.strip() for c in cells[len(cols.headers):] if c.strip())
        faults.append(
            Rejection(
                rownum,
                "",
                extra,
                "Raden har fler värden än rubrikraden har kolumner; kontrollera skiljetecknen "
                "(till exempel ett kommatecken i ett namn).",
            )
        )

    # unit type
    raw_type = get("unit_type")
    unit_type = unit_type_of(raw_type)
    if not raw_type:
        fault("unit_type", raw_type, "Enhetstyp saknas; ange Socialnämnd eller Vårdcentral.")
    elif unit_type is None:
        fault("unit_type", raw_type, "Okänd enhetstyp; ange Socialnämnd eller Vårdcentral.")

    # municipality code
    raw_code = get("kommun_kod")
    kommun_kod: str | None = None
    known = False
    m = _CODE_RE.fullmatch(raw_code)
    if not raw_code:
        fault("kommun_kod", raw_code, "Kommunkod saknas.")
    elif not m:
        fault("kommun_kod", raw_code, "Kommunkoden ska vara fyra siffror, till exempel 0180.")
    else:
        kommun_kod = m.group(1).zfill(4)
        known = kommun_kod in _kommuner()
        if not known:
            fault("kommun_kod", raw_code, f"Okänd kommunkod {kommun_kod}.")
    ref = _kommuner().get(kommun_kod or "")

    # name
    name = " ".join(get("name").split())
    if not name:
        fault("name", "", "Namn på enheten saknas.")

    # region (optional; must agree with the code)
    raw_region = get("region")
    if raw_region:
        region_key = normalise_text(raw_region)
        if re.fullmatch(r"\d{1,2}[.,]0+", region_key):
            region_key = region_key.split(".")[0].split(",")[0]
        region_kod = _regions().get(region_key)
        if region_kod is None:
            fault("region", raw_region, "Okänd region.")
        elif ref is not None and region_kod != ref[1]:
            fault(
                "region",
                raw_region,
                f"Regionen stämmer inte med kommunkoden {kommun_kod}, som ligger i {ref[2]}.",
            )

    # municipality name (optional; must agree with the code)
    raw_kommun = get("kommun")
    if raw_kommun and ref is not None and places.kommun_from_name(raw_kommun).code != kommun_kod:
        fault("kommun", raw_kommun, f"Kommunnamnet stämmer inte med kommunkoden {kommun_kod}, som är {ref[0]}.")

    # coordinates (optional; both or neither, inside Sweden)
    raw_lat, raw_lon = get("lat"), get("lon")
    lat = lon = float("nan")
    if raw_lat or raw_lon:
        both = "Ange både latitud och longitud, eller ingen av dem."
        if not raw_lat:
            fault("lat", raw_lat, f"Latitud saknas. {both}")
        if not raw_lon:
            fault("lon", raw_lon, f"Longitud saknas. {both}")
        la = _number(raw_lat) if raw_lat else None
        lo = _number(raw_lon) if raw_lon else None
        if raw_lat and la is None:
            fault("lat", raw_lat, "Latitud är inte ett tal (skriv till exempel 59,33).")
        if raw_lon and lo is None:
            fault("lon", raw_lon, "Longitud är inte ett tal (skriv till exempel 18,07).")
        if la is not None and lo is not None:
            lat_ok = schema.SWEDEN_LAT[0] <= la <= schema.SWEDEN_LAT[1]
            lon_ok = schema.SWEDEN_LON[0] <= lo <= schema.SWEDEN_LON[1]
            swapped = (
                schema.SWEDEN_LAT[0] <= lo <= schema.SWEDEN_LAT[1]
                and schema.SWEDEN_LON[0] <= la <= schema.SWEDEN_LON[1]
            )
            hint = " Har latitud och longitud bytt plats?" if swapped else ""
            where = f"Koordinaterna ({_fmt(la)}, {_fmt(lo)}) ligger utanför Sverige.{hint}"
            if not lat_ok:
                fault("lat", raw_lat, where)
            if not lon_ok:
                fault("lon", raw_lon, where)
            if lat_ok and lon_ok:
                lat, lon = la, lo

    # answers
    provisions = _provisions()
    answers: dict[str, str] = {}
    for pid, idx in cols.provisions.items():
        raw = cells[idx].strip() if idx < len(cells) else ""
        header = cols.headers[idx]
        if unit_type is not None and provisions[pid] != unit_type:
            if raw:
                faults.append(
                    Rejection(
                        rownum,
                        header,
                        raw,
                        f"Värdet ska vara tomt: frågan gäller inte enhetstypen {_UNIT_TYPE_LABEL[unit_type]}.",
                    )
                )
            continue
        key = normalise_text(raw).rstrip(".!").strip()
        answer = _ANSWER_WORDS.get(key) if raw else "saknas"
        if answer is None:
            faults.append(Rejection(rownum, header, raw, f"Ogiltigt svar; {_ANSWER_HELP}."))
        else:
            answers[pid] = answer
    if unit_type is not None:
        # Only the provisions the file asks (has a column for): a question the survey did not ask is
        # never stored as "saknas", which would count as not followed.
        answers = {pid: answers.get(pid, "saknas") for pid in cols.provisions if provisions[pid] == unit_type}

    # responded (blank: Ja if anything is answered)
    answered = any(a != "saknas" for a in answers.values())
    raw_resp = get("responded")
    responded = _YES_NO.get(normalise_text(raw_resp)) if raw_resp else answered
    if responded is None:
        fault("responded", raw_resp, f"Ogiltigt värde; {_YES_NO_HELP}.")
    elif responded is False and answered:
        fault("responded", raw_resp, "Svarat är Nej, men raden har svar på frågorna.")

    # synthetic flag
    raw_syn = get("synthetic")
    synthetic = _YES_NO.get(normalise_text(raw_syn)) if raw_syn else False
    if synthetic is None:
        fault("synthetic", raw_syn, f"Ogiltigt värde; {_YES_NO_HELP}.")

    # round (from the column only when no round was given to read_survey)
    raw_round = get("round")
    if round_from_column is not None and raw_round and raw_round != round_from_column[0]:
        fault(
            "round",
            raw_round,
            f"Omgången skiljer sig från filens omgång {round_from_column[0]} (rad {round_from_column[1]}).",
        )

    # identity (for duplicate detection even when the row has other faults)
    given_id = get("unit_id")
    if given_id:
        unit_id: str | None = given_id
    elif unit_type is not None and kommun_kod is not None and name:
        unit_id = _derived_id(unit_type, kommun_kod, name)
    else:
        unit_id = None

    unit = None
    if unit_type is not None and known and ref is not None and unit_id is not None:
        unit = {
            "round": round_name,
            "unit_id": unit_id,
            "unit_type": unit_type,
            "name": name,
            "kommun_kod": kommun_kod,
            "region_kod": ref[1],
            "lat": lat,
            "lon": lon,
            "responded": bool(responded),
            "synthetic": bool(synthetic),
        }
    return unit, answers, faults, unit_id


# --------------------------------------------------------------------------- entry point


def _empty(round_name: str, filename: str, sha: str, error: str | None) -> ImportResult:
    return ImportResult(
        round=round_name,
        filename=filename,
        sha256=sha,
        rows_in=0,
        units=schema.empty_units(),
        answers=schema.empty_answers(),
        rejected=[],
        error=error,
    )


def read_survey(
    source: str | Path | bytes,
    filename: str | None = None,
    round_name: str | None = None,
    profile: _profiles.Profile | None = None,
) -> ImportResult:
    """Read and validate one survey file; never raises for bad input (see ``ImportResult.error``).

    ``source`` is a path or the file's bytes (an upload). ``filename`` names it in the report
    (default: the path's name). The round is ``round_name`` if given, else the file's ``Omgång``
    column, else the file name without extension. With a ``profile`` the file is a survey
    tool's export, mapped onto the canonical format first (see ``profiles``).
    """
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        filename = filename or DEFAULT_UPLOAD_NAME
    else:
        path = Path(source)
        filename = filename or path.name
        try:
            data = path.read_bytes()
        except OSError as exc:
            given = (round_name or "").strip() or Path(filename).stem
            return _empty(given, filename, "", f"Filen {filename} kunde inte öppnas ({exc.strerror}).")
    sha = hashlib.sha256(data).hexdigest()
    given_round = (round_name or "").strip() or None
    fallback_round = given_round or Path(filename).stem or DEFAULT_UPLOAD_NAME
    try:
        return _read_survey(data, filename, sha, given_round, fallback_round, profile)
    except _Unreadable as exc:
        return _empty(fallback_round, filename, sha, str(exc))
    except _profiles.ProfileError as exc:
        return _empty(fallback_round, filename, sha, str(exc))
    except Exception as exc:  # the boundary: a bad file must give a sentence, not a traceback
        if STRICT:  # the tests turn this on: a bug here must fail loudly there
            raise
        return _empty(
            fallback_round,
            filename,
            sha,
            f"Filen kunde inte läsas på grund av ett oväntat fel ({type(exc).__name__}: {exc}).",
        )


def read_table(data: bytes, known_headers: Sequence[str] = ()) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the data rows (with the row numbers a person sees) of a file's bytes.

    Raises ``ValueError`` with one Swedish sentence when the file cannot be read. Used by the
    mapping suggestion and the Import page's preview; ``known_headers`` help tell a ';' file
    from a ',' file when the headers are a survey tool's question texts.
    """
    try:
        return _table(data, known_headers)
    except _Unreadable as exc:
        raise ValueError(str(exc)) from exc


def _table(data: bytes, known_headers: Sequence[str] = ()) -> tuple[list[str], list[tuple[int, list[str]]]]:
    rows = _read_rows(data, frozenset(normalise_text(h) for h in known_headers))
    non_blank = [i for i, (_, cells) in enumerate(rows) if any(c.strip() for c in cells)]
    if not non_blank:
        raise _Unreadable("Filen är tom.")
    header_at, last = non_blank[0], non_blank[-1]
    header = rows[header_at][1]
    return header, rows[header_at + 1 : last + 1]  # blank rows after the last data row are not rows


def _parse_time(value: str) -> dt.datetime | None:
    """A submission time as survey tools write it (ISO, or day/month/year), or None."""
    v = value.strip()
    try:
        return dt.datetime.fromisoformat(v.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        pass
    for fmt in ("%Y-%m-%d %H.%M.%S", "%Y-%m-%d %H.%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d.%m.%Y %H:%M:%S",
                "%d.%m.%Y %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M"):
        try:
            return dt.datetime.strptime(v, fmt)
        except ValueError:
            continue
    return None


def _read_survey(
    data: bytes,
    filename: str,
    sha: str,
    given_round: str | None,
    fallback_round: str,
    profile: _profiles.Profile | None = None,
) -> ImportResult:
    header, data_rows = _table(data, profile.source_headers() if profile else ())
    pre_faults: dict[int, list[tuple[str, str, str]]] = {}
    kommun_faulted: set[int] = set()
    dropped: list[str] = []
    personal: list[str] = []
    if profile is not None:
        applied = _profiles.apply(profile, header, data_rows)
        header, data_rows = applied.header, applied.rows
        pre_faults, kommun_faulted = applied.faults, applied.kommun_faulted
        dropped, personal = applied.dropped, applied.personal
    cols = _map_columns(header, [cells for _, cells in data_rows])
    if profile is not None:
        cols.ignored = applied.unused
    else:
        idx_of = {h.strip(): i for i, h in enumerate(header)}
        personal = [
            h for h in cols.ignored
            if h in idx_of and _profiles.looks_personal(h, (c[idx_of[h]] for _, c in data_rows if idx_of[h] < len(c)))
        ]
        cols.ignored = [h for h in cols.ignored if h not in personal]
    if not data_rows:
        raise _Unreadable("Filen har en rubrikrad men inga rader med enheter.")

    round_from_column: tuple[str, int] | None = None
    if given_round is None and "round" in cols.fields:
        idx = cols.fields["round"]
        for rownum, cells in data_rows:
            if idx < len(cells) and cells[idx].strip():
                round_from_column = (cells[idx].strip(), rownum)
                break
    round_name = given_round or (round_from_column[0] if round_from_column else fallback_round)

    rejected: list[Rejection] = []
    first_seen: dict[str, int] = {}
    by_time = "submitted" in cols.fields
    good: list[tuple[int, dict[str, Any], dict[str, str], dt.datetime | None, str]] = []
    for rownum, cells in data_rows:
        if not any(c.strip() for c in cells):
            rejected.append(Rejection(rownum, "", "", "tom rad"))
            continue
        unit, unit_answers, faults, unit_id = _validate_row(
            rownum, cells, cols, round_name, round_from_column
        )
        if rownum in pre_faults:
            if rownum in kommun_faulted:  # the name's fault says it better than "Kommunkod saknas"
                faults = [f for f in faults if f.column != cols.label("kommun_kod")]
            faults = [Rejection(rownum, c, v, r) for c, v, r in pre_faults[rownum]] + faults
        submitted: dt.datetime | None = None
        raw_time = ""
        if by_time:
            idx = cols.fields["submitted"]
            raw_time = cells[idx].strip() if idx < len(cells) else ""
            submitted = _parse_time(raw_time) if raw_time else None
            if raw_time and submitted is None:
                faults.append(Rejection(rownum, cols.label("submitted"), raw_time,
                                        "Tidpunkten går inte att tolka; skriv till exempel 2025-03-14 09:30."))
        if by_time:
            pass  # repeated submissions are resolved below: the latest wins
        elif unit_id is not None and unit_id in first_seen:
            id_idx = cols.fields.get("unit_id")
            if id_idx is not None and id_idx < len(cells) and cells[id_idx].strip():
                col, value, same = cols.label("unit_id"), unit_id, "samma Enhets-id"
            else:
                name_idx = cols.fields["name"]
                value = cells[name_idx].strip() if name_idx < len(cells) else ""
                col, same = cols.label("name"), "samma enhetstyp, kommunkod och namn"
            faults.append(Rejection(rownum, col, value, f"Dubblett av rad {first_seen[unit_id]} ({same})."))
        elif unit_id is not None:
            first_seen[unit_id] = rownum
        if unit is None and not faults:  # cannot happen; guards the invariant rows_in == accepted + rejected
            faults.append(Rejection(rownum, "", "", "Raden kunde inte tolkas."))
        if faults or unit is None:
            rejected.extend(faults)
            continue
        good.append((rownum, unit, unit_answers, submitted, raw_time))

    replaced: list[Replacement] = []
    if by_time:  # the latest submission of a unit wins (a blank time is the earliest; a tie: the later row)
        latest: dict[str, tuple[int, dict[str, Any], dict[str, str], dt.datetime | None, str]] = {}
        for entry in good:
            uid = entry[1]["unit_id"]
            if uid not in latest or (entry[3] or dt.datetime.min) >= (latest[uid][3] or dt.datetime.min):
                latest[uid] = entry
        winners = {id(e) for e in latest.values()}
        for entry in good:
            if id(entry) not in winners:
                win = latest[entry[1]["unit_id"]]
                replaced.append(Replacement(entry[0], entry[4], win[0], win[4], entry[1]["name"]))
        good = [e for e in good if id(e) in winners]

    units = [e[1] for e in good]
    answers = [
        {"round": round_name, "unit_id": e[1]["unit_id"], "provision_id": pid, "answer": a}
        for e in good
        for pid, a in e[2].items()
    ]

    units_df = schema.units_frame(pd.DataFrame(units)) if units else schema.empty_units()
    answers_df = schema.answers_frame(pd.DataFrame(answers)) if answers else schema.empty_answers()
    return ImportResult(
        round=round_name,
        filename=filename,
        sha256=sha,
        rows_in=len(data_rows),
        units=units_df,
        answers=answers_df,
        rejected=rejected,
        error=None,
        ignored_columns=cols.ignored,
        replaced=replaced,
        dropped_columns=dropped,
        personal_columns=personal,
        unit_rows=[e[0] for e in good],
        asked_columns=sorted(cols.provisions, key=lambda pid: (pid[0], int(pid[1:]))),
    )


def _unit_key(unit_type: object, kommun_kod: object, name: object) -> tuple[str, str, str]:
    return str(unit_type), str(kommun_kod), normalise_text(name)


def exclude_existing(result: ImportResult, existing: pd.DataFrame) -> ImportResult:
    """For ``--add``: a unit already in the round (same id, or same type, municipality and name)
    becomes a rejected row naming the round; it is never overwritten."""
    if result.error is not None or existing.empty or result.units.empty:
        return result
    ids = set(existing["unit_id"].astype(str))
    keys = {_unit_key(t, k, n) for t, k, n in zip(existing["unit_type"], existing["kommun_kod"], existing["name"],
                                                  strict=True)}
    rows = result.unit_rows or list(range(len(result.units)))
    keep: list[int] = []
    rejected = list(result.rejected)
    for pos, unit in enumerate(result.units.itertuples(index=False)):
        if str(unit.unit_id) in ids or _unit_key(unit.unit_type, unit.kommun_kod, unit.name) in keys:
            rejected.append(Rejection(rows[pos], schema.COL_NAME, str(unit.name),
                                      f"Enheten finns redan i omgång {result.round}; en tillagd fil ersätter "
                                      "aldrig en enhet (importera utan --add för att ersätta hela omgången)."))
        else:
            keep.append(pos)
    if len(keep) == len(result.units):
        return result
    units = result.units.iloc[keep].reset_index(drop=True)
    answers = result.answers[result.answers["unit_id"].isin(set(units["unit_id"]))].reset_index(drop=True)
    rejected.sort(key=lambda r: r.row)
    return dataclasses.replace(result, units=units, answers=answers, rejected=rejected,
                               unit_rows=[rows[p] for p in keep])
