"""What one file gave: the accepted units and answers, every rejection, and what became of repeats.

Nothing is lost silently: every data row is accepted (one unit), rejected (with its row number,
column, value and a reason), or replaced by a later submission of the same unit, so that

    rows_in == accepted + distinct rejected rows + replaced rows

always holds. Two things the counts cannot show are listed on their own:

- ``unasked``: per unit type in the file, the provisions the file has no question for. They are
  not stored (never "saknas", which would count as not followed); the report names them.
- ``withheld``: the rule for a unit whose latest submission is rejected (with a time column, the
  latest submission wins): the unit is **left out**. Its earlier, valid submissions are not used,
  because they may hold answers the unit has since changed; they count as replaced by the
  rejected one, and the report names the unit, the rejected row and the rows not used. Correct
  the row and import the file again. The reasons are ``i18n.Message``s: the importer decides what is wrong, and the report
says it in the reader's language (``ImportResult.report(lang)``, ``Rejection.reason(lang)``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from dashboard.domain import schema
from dashboard.domain.reference import normalise_text
from dashboard.i18n import UNIT_WORDS, Message, MessageError, Num

__all__ = ["ImportResult", "PersonLike", "Rejection", "Replacement", "Unreadable", "Withheld", "exclude_existing"]


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


@dataclass(frozen=True)
class PersonLike:
    """Unit names that read like a person's ("Anna Berg": no unit word, two or three capitalised
    words), for the administrator to check; they are imported, as a clinic may be named so."""

    column: str
    rows: list[int]

    def message(self) -> Message:
        shown = ", ".join(str(r) for r in self.rows[:10]) + (" …" if len(self.rows) > 10 else "")
        return Message("person_like_names", column=self.column, rows=shown)


@dataclass(frozen=True)
class Withheld:
    """A unit left out because its latest submission was rejected (see the module's rule)."""

    unit_id: str
    name: str
    row: int  # the rejected latest submission
    submitted: str
    earlier_rows: tuple[int, ...]  # its valid submissions, not used

    def reason(self, lang: str = "sv") -> str:
        key = "withheld_unit_one" if len(self.earlier_rows) == 1 else "withheld_unit_other"
        return Message(key, row=Num(self.row), at=self.submitted or Message("cli_imp_no_time"),
                       earlier=tuple(str(r) for r in self.earlier_rows)).text(lang)


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
    unasked: dict[str, list[str]] = field(default_factory=dict)  # unit type in the file -> provisions not asked
    withheld: list[Withheld] = field(default_factory=list)  # units left out: latest submission rejected
    person_like: PersonLike | None = None  # unit names that read like a person's name

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

    @property
    def to_look_at(self) -> bool:
        """Something beside the counts for a person to read: rejected rows, unasked provisions
        (``tillsyn import`` exits 1)."""
        return bool(self.rejected or self.unasked)

    def unasked_text(self, unit_type: str, lang: str = "sv") -> str:
        """One sentence naming the provisions of ``unit_type`` the file does not ask."""
        return Message("unasked_provisions", units=Message(UNIT_WORDS[unit_type][1]),
                       ids=tuple(self.unasked[unit_type])).text(lang)

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
            "asked_provisions": list(self.asked_columns),
            "unasked": [{"unit_type": ut, "provisions": ids, "text": self.unasked_text(ut, lang)}
                        for ut, ids in self.unasked.items()],
            "withheld_units": len(self.withheld),
            "withheld": [{"unit": w.name, "unit_id": w.unit_id, "row": w.row, "submitted": w.submitted,
                          "earlier_rows": list(w.earlier_rows), "reason": w.reason(lang)} for w in self.withheld],
            "ignored_columns": _said(self.ignored_columns, lang),
            "dropped_columns": list(self.dropped_columns),
            "personal_columns": _said(self.personal_columns, lang),
            "person_like_names": dataclasses.asdict(self.person_like) if self.person_like else None,
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


@dataclass(frozen=True)
class Faulty:
    """A rejected row whose unit is known: it may be that unit's latest submission."""

    row: int
    unit_id: str
    submitted: dt.datetime | None = None
    raw_time: str = ""


def _uid(entry: Accepted | Faulty) -> str:
    return str(entry.unit["unit_id"]) if isinstance(entry, Accepted) else entry.unit_id


def keep_latest(
    good: list[Accepted], faulty: Sequence[Faulty] = ()
) -> tuple[list[Accepted], list[Replacement], list[Withheld]]:
    """The latest submission of each unit, in file order; the ones they replace; and the units
    left out because their latest submission is one of the rejected ``faulty`` rows (whose
    earlier, valid submissions are then replaced by it).

    A blank time is the earliest; between equal times the later row wins.
    """
    latest: dict[str, Accepted | Faulty] = {}
    for entry in sorted([*good, *faulty], key=lambda e: e.row):
        uid = _uid(entry)
        if uid not in latest or (entry.submitted or dt.datetime.min) >= (latest[uid].submitted or dt.datetime.min):
            latest[uid] = entry
    winners = {id(e) for e in latest.values()}
    replaced: list[Replacement] = []
    not_used: dict[str, list[Accepted]] = {}
    for e in good:
        if id(e) in winners:
            continue
        by = latest[_uid(e)]
        replaced.append(Replacement(e.row, e.raw_time, by.row, by.raw_time, e.unit["name"]))
        if isinstance(by, Faulty):
            not_used.setdefault(by.unit_id, []).append(e)
    withheld = [Withheld(uid, rows[-1].unit["name"], latest[uid].row, latest[uid].raw_time,
                         tuple(e.row for e in rows)) for uid, rows in not_used.items()]
    return [e for e in good if id(e) in winners], replaced, sorted(withheld, key=lambda w: w.row)


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
