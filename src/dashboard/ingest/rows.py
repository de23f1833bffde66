"""Checking one row: each field read and checked by a small function that says what is wrong.

A row is accepted only when every check passes; otherwise each fault becomes a ``Rejection`` with the
row number a person sees in Excel, the column, the value and a reason (an ``i18n.Message``). A row
with several faults reports all of them, so one round of corrections is enough.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from dashboard.domain import places, schema
from dashboard.i18n import UNIT_WORDS, Message, Num
from dashboard.ingest import values
from dashboard.ingest.headers import Columns, provision_types
from dashboard.ingest.result import Rejection

__all__ = ["CheckedRow", "Row", "check_row", "duplicate_fault", "submitted_time"]

_UNIT_TYPE_HELP = Message("row_unit_type_help")
_ANSWER_HELP = Message("row_answer_help")
_YES_NO_HELP = Message("row_yes_no_help")
_BOTH_COORDINATES = Message("row_coordinates_both")


@dataclass
class Row:
    """One data row of the file, as the checks read it, and the faults found so far."""

    number: int  # as a person sees it in Excel
    cells: list[str]
    cols: Columns
    faults: list[Rejection] = field(default_factory=list)

    def get(self, fld: str) -> str:
        """The field's cell, stripped; "" when the file has no such column or the row is short."""
        idx = self.cols.fields.get(fld)
        return self.cells[idx].strip() if idx is not None and idx < len(self.cells) else ""

    def fault(self, fld: str, value: str, message: Message) -> None:
        self.faults.append(Rejection(self.number, self.cols.label(fld), value, message))

    def fault_at(self, column: str, value: str, message: Message) -> None:
        self.faults.append(Rejection(self.number, column, value, message))


@dataclass
class CheckedRow:
    """What one row gave: the unit (None when a fault stops it), its answers and its identity."""

    unit: dict[str, Any] | None
    answers: dict[str, str]
    unit_id: str | None  # for duplicate detection, even when the row has other faults
    unit_type: str | None = None  # when readable, even when the row has other faults


def _extra_cells(row: Row) -> None:
    width = len(row.cols.headers)
    if len(row.cells) > width and any(c.strip() for c in row.cells[width:]):
        extra = "; ".join(c.strip() for c in row.cells[width:] if c.strip())
        row.fault_at("", extra, Message("row_extra_values"))


def _unit_type(row: Row) -> str | None:
    raw = row.get("unit_type")
    unit_type = values.unit_type_of(raw)
    if not raw:
        row.fault("unit_type", raw, Message("row_unit_type_missing", help=_UNIT_TYPE_HELP))
    elif unit_type is None:
        row.fault("unit_type", raw, Message("row_unit_type_unknown", help=_UNIT_TYPE_HELP))
    return unit_type


def _kommun_kod(row: Row) -> str | None:
    """The municipality code, when it is a known one (the row is kept only then)."""
    raw = row.get("kommun_kod")
    code = values.kommun_code(raw)
    if not raw:
        row.fault("kommun_kod", raw, Message("row_code_missing"))
    elif code is None:
        row.fault("kommun_kod", raw, Message("row_code_format"))
    elif code not in values.kommuner():
        row.fault("kommun_kod", raw, Message("row_code_unknown", code=code))
    return code


def _name(row: Row) -> str:
    name = " ".join(row.get("name").split())
    if not name:
        row.fault("name", "", Message("row_name_missing"))
    return name


def _region(row: Row, kommun_kod: str | None) -> None:
    """Optional; when given it must agree with the municipality code."""
    raw = row.get("region")
    if not raw:
        return
    match = places.region_from_name(raw)
    region_kod = match.code
    ref = values.kommuner().get(kommun_kod or "")
    if region_kod is None:
        near = ", ".join(match.candidates)
        if match.how == "ambiguous":
            row.fault("region", raw, Message("row_region_ambiguous", near=near))
        else:
            row.fault("region", raw, Message("row_region_unknown_near", near=near) if near else Message("row_region_unknown"))
    elif ref is not None and region_kod != ref[1]:
        row.fault("region", raw, Message("row_region_mismatch", code=kommun_kod, region=ref[2]))


def _kommun_name(row: Row, kommun_kod: str | None) -> None:
    """Optional; when given it must agree with the municipality code."""
    raw = row.get("kommun")
    ref = values.kommuner().get(kommun_kod or "")
    if raw and ref is not None and places.kommun_from_name(raw).code != kommun_kod:
        row.fault("kommun", raw, Message("row_kommun_mismatch", code=kommun_kod, kommun=ref[0]))


def _coordinates(row: Row) -> tuple[float, float]:
    """Optional: both or neither, inside Sweden; (nan, nan) when not given or not usable."""
    raw_lat, raw_lon = row.get("lat"), row.get("lon")
    if not (raw_lat or raw_lon):
        return float("nan"), float("nan")
    if not raw_lat:
        row.fault("lat", raw_lat, Message("row_lat_missing", both=_BOTH_COORDINATES))
    if not raw_lon:
        row.fault("lon", raw_lon, Message("row_lon_missing", both=_BOTH_COORDINATES))
    la = values.number(raw_lat) if raw_lat else None
    lo = values.number(raw_lon) if raw_lon else None
    if raw_lat and la is None:
        row.fault("lat", raw_lat, Message("row_lat_not_number"))
    if raw_lon and lo is None:
        row.fault("lon", raw_lon, Message("row_lon_not_number"))
    if la is None or lo is None:
        return float("nan"), float("nan")
    lat_ok = schema.SWEDEN_LAT[0] <= la <= schema.SWEDEN_LAT[1]
    lon_ok = schema.SWEDEN_LON[0] <= lo <= schema.SWEDEN_LON[1]
    swapped = schema.SWEDEN_LAT[0] <= lo <= schema.SWEDEN_LAT[1] and schema.SWEDEN_LON[0] <= la <= schema.SWEDEN_LON[1]
    where = (Message("row_outside_sweden_swapped", lat=Num(la, 6), lon=Num(lo, 6)) if swapped
             else Message("row_outside_sweden", lat=Num(la, 6), lon=Num(lo, 6)))
    if not lat_ok:
        row.fault("lat", raw_lat, where)
    if not lon_ok:
        row.fault("lon", raw_lon, where)
    return (la, lo) if lat_ok and lon_ok else (float("nan"), float("nan"))


def _answers(row: Row, unit_type: str | None) -> dict[str, str]:
    """One answer per provision of the unit's type that the file asks (has a column for).

    A question the survey did not ask is never stored as "saknas", which would count as not
    followed. An answer to a question of the other unit type is a fault.
    """
    types = provision_types()
    answers: dict[str, str] = {}
    for pid, idx in row.cols.provisions.items():
        raw = row.cells[idx].strip() if idx < len(row.cells) else ""
        header = row.cols.headers[idx]
        if unit_type is not None and types[pid] != unit_type:
            if raw:
                row.fault_at(header, raw, Message("row_other_unit_type", unit_type=Message(UNIT_WORDS[unit_type][0])))
            continue
        answer = values.answer_of(raw)
        if answer is None:
            row.fault_at(header, raw, Message("row_answer_invalid", help=_ANSWER_HELP))
        else:
            answers[pid] = answer
    if unit_type is not None:
        answers = {pid: answers.get(pid, "saknas") for pid in row.cols.provisions if types[pid] == unit_type}
    return answers


def _responded(row: Row, answers: dict[str, str]) -> bool | None:
    """Blank means Ja when anything is answered; Nej with answers is a contradiction."""
    answered = any(a != "saknas" for a in answers.values())
    raw = row.get("responded")
    responded = values.yes_no(raw) if raw else answered
    if responded is None:
        row.fault("responded", raw, Message("row_yes_no_invalid", help=_YES_NO_HELP))
    elif responded is False and answered:
        row.fault("responded", raw, Message("row_responded_no_but_answers"))
    return responded


def _synthetic(row: Row) -> bool | None:
    raw = row.get("synthetic")
    synthetic = values.yes_no(raw) if raw else False
    if synthetic is None:
        row.fault("synthetic", raw, Message("row_yes_no_invalid", help=_YES_NO_HELP))
    return synthetic


def _round(row: Row, round_from_column: tuple[str, int] | None) -> None:
    """With the round read from the file's column, every row must name the same round."""
    raw = row.get("round")
    if round_from_column is not None and raw and raw != round_from_column[0]:
        row.fault("round", raw, Message("row_round_differs", round=round_from_column[0], row=round_from_column[1]))


def _unit_id(row: Row, unit_type: str | None, kommun_kod: str | None, name: str) -> str | None:
    given = row.get("unit_id")
    if given:
        return given
    if unit_type is not None and kommun_kod is not None and name:
        return values.derived_id(unit_type, kommun_kod, name)
    return None


def check_row(row: Row, round_name: str, round_from_column: tuple[str, int] | None) -> CheckedRow:
    """Check every field of one row; ``row.faults`` collects what is wrong."""
    _extra_cells(row)
    unit_type = _unit_type(row)
    kommun_kod = _kommun_kod(row)
    name = _name(row)
    _region(row, kommun_kod)
    _kommun_name(row, kommun_kod)
    lat, lon = _coordinates(row)
    answers = _answers(row, unit_type)
    responded = _responded(row, answers)
    synthetic = _synthetic(row)
    _round(row, round_from_column)
    unit_id = _unit_id(row, unit_type, kommun_kod, name)
    ref = values.kommuner().get(kommun_kod or "")
    unit = None
    if unit_type is not None and ref is not None and unit_id is not None:
        unit = {"round": round_name, "unit_id": unit_id, "unit_type": unit_type, "name": name,
                "kommun_kod": kommun_kod, "region_kod": ref[1], "lat": lat, "lon": lon,
                "responded": bool(responded), "synthetic": bool(synthetic)}
    return CheckedRow(unit, answers, unit_id, unit_type)


def submitted_time(row: Row) -> tuple[dt.datetime | None, str]:
    """The row's submission time (None when blank or unreadable, which is a fault) and the text."""
    raw = row.get("submitted")
    when = values.parse_time(raw) if raw else None
    if raw and when is None:
        row.fault("submitted", raw, Message("row_time_unreadable"))
    return when, raw


def duplicate_fault(row: Row, unit_id: str, first_row: int) -> None:
    """A second row of the same unit in a file without submission times: named by id, else by name."""
    given = row.get("unit_id")
    if given:
        row.fault("unit_id", unit_id, Message("row_duplicate", row=first_row, same=Message("row_same_id")))
    else:
        row.fault("name", row.get("name"), Message("row_duplicate", row=first_row, same=Message("row_same_name")))
