"""Which column is which: the header row of a survey file, recognised.

Headers are matched case-, accent- and punctuation-insensitively (``normalise_header``), so
``Kommunkod``, `` KOMMUNKOD `` and ``kommun-kod`` are the same column.

Required: ``Enhetstyp``, ``Kommunkod``, ``Enhet``.
Optional: ``Enhets-id``, ``Region``, ``Kommun``, ``Svarat``, ``Latitud``, ``Longitud``,
``Omgång``, ``Exempeldata``, ``Inskickad``; also the aliases ``Enhetsnamn`` (= Enhet), ``Regionkod``
(= Region), ``Lat``/``Latitude``, ``Lon``/``Lng``/``Longitude`` and ``Sluttid``/``Tidpunkt`` (= Inskickad).
Provisions: one column per provision whose header *starts* with the provision id
(``V1 Rutiner för att ställa frågor om våld``, ``v1``, ``S3 - Risk``). Other columns are ignored
and listed in the report.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from dashboard.domain import schema
from dashboard.domain.provisions import catalogue
from dashboard.domain.reference import normalise_text
from dashboard.i18n import Message
from dashboard.ingest.result import Column, Unreadable

__all__ = ["Columns", "header_score", "map_columns", "normalise_header", "provision_types"]

# field name -> the header as documented (used in messages when the file lacks the column)
FIELD_LABEL: dict[str, str] = {
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
REQUIRED_FIELDS = ("unit_type", "kommun_kod", "name")
_PROVISION_RE = re.compile(r"([a-z]+\d+)(?=$|[^a-z0-9])")


def normalise_header(header: object) -> str:
    """Lower-case, accents and every non-alphanumeric removed: ``" Enhets-id "`` -> ``"enhetsid"``."""
    return re.sub(r"[^a-z0-9]", "", normalise_text(header))


_HEADER_FIELDS: dict[str, str] = {normalise_header(label): name for name, label in FIELD_LABEL.items()}
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


@lru_cache(maxsize=1)
def provision_types() -> dict[str, str]:
    """provision_id -> unit_type, in catalogue order."""
    cat = catalogue()
    return dict(zip(cat["provision_id"].astype(str), cat["unit_type"].astype(str), strict=True))


def _provision_of(header: str) -> str | None:
    """The provision id a header starts with ("V1 Rutiner…" -> "V1"), or None."""
    m = _PROVISION_RE.match(normalise_text(header))
    pid = m.group(1).upper() if m else None
    return pid if pid in provision_types() else None


def header_score(cells: Sequence[str], known: frozenset[str] = frozenset()) -> int:
    """How many cells are columns we know: used to tell a ';' file from a ',' file."""
    return sum(normalise_header(c) in _HEADER_FIELDS or normalise_text(c) in known or _provision_of(c) is not None
               for c in cells)


@dataclass
class Columns:
    """Where each field and provision is in a file's rows."""

    fields: dict[str, int]  # field -> column index
    provisions: dict[str, int]  # provision_id -> column index
    headers: list[str]  # stripped header texts
    ignored: list[Column]

    def label(self, fld: str) -> str:
        """The column's header in the file, or the documented header when the file lacks it."""
        idx = self.fields.get(fld)
        return self.headers[idx] if idx is not None else FIELD_LABEL[fld]


def unnamed_column(idx: int) -> Message:
    """How a column without a header is named in reports (``idx`` from 0)."""
    return Message("read_unnamed_column", n=idx + 1)


def map_columns(header: list[str], data_rows: list[list[str]]) -> Columns:
    """Recognise every header; raises ``Unreadable`` for a column twice or a required one missing."""
    fields: dict[str, int] = {}
    provision_cols: dict[str, int] = {}
    ignored: list[Column] = []
    headers = [h.strip() for h in header]
    for idx, text in enumerate(headers):
        key = normalise_header(text)
        pid = _provision_of(text)
        if key in _HEADER_FIELDS:
            fld = _HEADER_FIELDS[key]
            if fld in fields:
                raise Unreadable(Message("read_column_twice", column=FIELD_LABEL[fld], first=headers[fields[fld]],
                                         second=text))
            fields[fld] = idx
        elif pid is not None:
            if pid in provision_cols:
                raise Unreadable(Message("read_provision_twice", pid=pid, first=headers[provision_cols[pid]],
                                         second=text))
            provision_cols[pid] = idx
        elif text:
            ignored.append(text)
        elif any(idx < len(r) and r[idx].strip() for r in data_rows):
            ignored.append(unnamed_column(idx))
    missing = tuple(FIELD_LABEL[f] for f in REQUIRED_FIELDS if f not in fields)
    if missing:
        named = [h for h in headers if h]
        found: str | Message = (", ".join(named[:8]) + (", …" if len(named) > 8 else "")) or Message("read_none")
        if len(missing) == 1:
            raise Unreadable(Message("read_missing_required_one", columns=missing, found=found))
        raise Unreadable(Message("read_missing_required_other", columns=missing, found=found))
    return Columns(fields, provision_cols, headers, ignored)
