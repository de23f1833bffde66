"""What one file gave: the accepted units and answers, every rejection, and what became of repeats.

Nothing is lost silently: every data row is accepted (one unit), rejected (with its row number,
column, value and a reason), or replaced by a later submission of the same unit, so that

    rows_in == accepted + distinct rejected rows + replaced rows

always holds. The reasons are ``i18n.Message``s: the importer decides what is wrong, and the report
says it in the reader's language (``ImportResult.report(lang)``, ``Rejection.reason(lang)``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from dashboard.domain import schema
from dashboard.domain.reference import normalise_text
from dashboard.i18n import Message, MessageError

__all__ = ["ImportResult", "Rejection", "Replacement", "Unreadable", "exclude_existing"]


class Unreadable(MessageError, ValueError):
    """The file cannot be read or used at all: nothing is imported, and the message says why."""


@dataclass(frozen=True)
class Rejection:
    """One fault in one row; a row with several faults has several rejections."""

    row: int
    column: str
    value: str
    message: Message

    def reason(self, lang: str = "sv") -> str:
        return self.message.text(lang)


@dataclass(frozen=True)
class Replacement:
    """An earlier submission of a unit, replaced by a later one of the same file."""

    row: int
    submitted: str
    by_row: int
    by_submitted: str
    name: str


Column = str | Message  # a header, or a description of a column that has none ("kolumn 7 utan rubrik")


def _said(columns: list[Column], lang: str) -> list[str]:
    return [c.text(lang) if isinstance(c, Message) else c for c in columns]


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
    error: Message | None
    ignored_columns: list[Column] = field(default_factory=list)
    replaced: list[Replacement] = field(default_factory=list)
    dropped_columns: list[str] = field(default_factory=list)  # the profile's [drop]
    personal_columns: list[Column] = field(default_factory=list)  # found to look like personal data
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

    def error_text(self, lang: str = "sv") -> str | None:
        return None if self.error is None else self.error.text(lang)

    def report(self, lang: str = "sv") -> dict[str, Any]:
        """The result as plain data (``tillsyn import --json``), every sentence in ``lang``."""
        return {
            "file": self.filename,
            "round": self.round,
            "sha256": self.sha256,
            "rows_in": self.rows_in,
            "accepted": self.accepted,
            "rejected_rows": self.rejected_rows,
            "rejected": [
                {"row": r.row, "column": r.column, "value": r.value, "reason": r.reason(lang)}
                for r in self.rejected
            ],
            "replaced_rows": len(self.replaced),
            "replaced": [dataclasses.asdict(r) for r in self.replaced],
            "ignored_columns": _said(self.ignored_columns, lang),
            "dropped_columns": list(self.dropped_columns),
            "personal_columns": _said(self.personal_columns, lang),
            "error": self.error_text(lang),
        }


def empty_result(round_name: str, filename: str, sha: str, error: Message | None) -> ImportResult:
    """A file that gave nothing (``error`` says why)."""
    return ImportResult(round=round_name, filename=filename, sha256=sha, rows_in=0, units=schema.empty_units(),
                        answers=schema.empty_answers(), rejected=[], error=error)


# --------------------------------------------------------------------------- repeated submissions


@dataclass
class Accepted:
    """A row that passed every check, waiting to learn whether a later submission replaces it."""

    row: int
    unit: dict[str, Any]
    answers: dict[str, str]
    submitted: dt.datetime | None = None
    raw_time: str = ""


def keep_latest(good: list[Accepted]) -> tuple[list[Accepted], list[Replacement]]:
    """The latest submission of each unit, in file order, and the ones they replace.

    A blank time is the earliest; between equal times the later row wins.
    """
    latest: dict[str, Accepted] = {}
    for entry in good:
        uid = entry.unit["unit_id"]
        if uid not in latest or (entry.submitted or dt.datetime.min) >= (latest[uid].submitted or dt.datetime.min):
            latest[uid] = entry
    winners = {id(e) for e in latest.values()}
    replaced = [
        Replacement(e.row, e.raw_time, latest[e.unit["unit_id"]].row, latest[e.unit["unit_id"]].raw_time,
                    e.unit["name"])
        for e in good if id(e) not in winners
    ]
    return [e for e in good if id(e) in winners], replaced


# --------------------------------------------------------------------------- units already stored


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
                                      Message("row_already_stored", round=result.round)))
        else:
            keep.append(pos)
    if len(keep) == len(result.units):
        return result
    units = result.units.iloc[keep].reset_index(drop=True)
    answers = result.answers[result.answers["unit_id"].isin(set(units["unit_id"]))].reset_index(drop=True)
    rejected.sort(key=lambda r: r.row)
    return dataclasses.replace(result, units=units, answers=answers, rejected=rejected,
                               unit_rows=[rows[p] for p in keep])
