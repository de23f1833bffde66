"""Read a survey file (CSV or XLSX) into validated canonical rows and a report of every rejected row.

``read_survey`` is the one entry: it reads the bytes (``read``), maps a survey tool's export onto the
standard columns when a profile is given (``profiles``), recognises the columns (``headers``), checks
every row (``rows``) and keeps the latest of repeated submissions (``result``). Nothing is lost
silently: every data row is accepted, rejected with its reasons, or replaced by a later submission
(see ``result``), and the report names the provisions the file does not ask and the units left out
because their latest submission was rejected. A file that cannot be read at all imports nothing
and ``error`` says why.

One row per unit; the first non-blank row is the header (the columns: see ``headers``). Blank rows
between data rows are counted and rejected as "tom rad" (so the count adds up).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from dashboard.domain import schema
from dashboard.i18n import Message
from dashboard.ingest import personal
from dashboard.ingest import profiles as _profiles
from dashboard.ingest.headers import FIELD_LABEL, Columns, map_columns, normalise_header, provision_types
from dashboard.ingest.read import read_table
from dashboard.ingest.result import (
    Accepted,
    Faulty,
    ImportResult,
    PersonLike,
    Rejection,
    Replacement,
    Unreadable,
    Withheld,
    empty_result,
    exclude_existing,
    keep_latest,
)
from dashboard.ingest.rows import Row, check_row, duplicate_fault, submitted_time
from dashboard.ingest.values import unit_type_of

__all__ = ["ImportResult", "Rejection", "Replacement", "exclude_existing", "normalise_header", "read_survey",
           "read_table", "unit_type_of"]

DEFAULT_UPLOAD_NAME = "uppladdad-fil"
# An unexpected error in the reader becomes a sentence for the user; the tests set this to True so
# that the same bug fails loudly there instead (tests/conftest.py).
STRICT = False
Table = tuple[list[str], list[tuple[int, list[str]]]]  # a file as read_table gives it: header, numbered rows
# Fields whose every accepted value is a code, a number or Ja/Nej: any other value rejects the row, so
# nothing personal can be stored through them and their values are not searched (50 000 rows: 2 s).
_NOT_TEXT = frozenset({"kommun_kod", "lat", "lon", "responded", "synthetic"})
_PERSONAL_KINDS = {"email": Message("personal_kind_email"), "phone": Message("personal_kind_phone"),
                   "personnummer": Message("personal_kind_personnummer"),
                   "samordningsnummer": Message("personal_kind_samordningsnummer")}


def read_survey(
    source: str | Path | bytes,
    filename: str | None = None,
    round_name: str | None = None,
    profile: _profiles.Profile | None = None,
    table: Table | None = None,
) -> ImportResult:
    """Read and validate one survey file; never raises for bad input (see ``ImportResult.error``).

    ``source`` is a path or the file's bytes (an upload). ``filename`` names it in the report
    (default: the path's name). The round is ``round_name`` if given, else the file's ``Omgång``
    column, else the file name without extension. With a ``profile`` the file is a survey
    tool's export, mapped onto the canonical format first (see ``profiles``). ``table`` is the
    file already read by ``read_table`` (the Import page reads an upload once, not on every rerun).
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
            return empty_result(given, filename, "", Message("read_cannot_open", file=filename, why=exc.strerror))
    sha = hashlib.sha256(data).hexdigest()
    given_round = (round_name or "").strip() or None
    fallback_round = given_round or Path(filename).stem or DEFAULT_UPLOAD_NAME
    try:
        return _read_survey(data, filename, sha, given_round, fallback_round, profile, table)
    except (Unreadable, _profiles.ProfileError) as exc:
        return empty_result(fallback_round, filename, sha, exc.message)
    except Exception as exc:  # the boundary: a bad file must give a sentence, not a traceback
        if STRICT:  # the tests turn this on: a bug here must fail loudly there
            raise
        return empty_result(fallback_round, filename, sha,
                            Message("read_unexpected", error=f"{type(exc).__name__}: {exc}"))




class _Mapped:
    """The table in canonical columns, and what the profile (or the personal-data check) left out."""

    def __init__(self, data: bytes, profile: _profiles.Profile | None, table: Table | None = None) -> None:
        header, self.rows = table if table is not None else read_table(data, profile.source_headers() if profile else ())
        self.pre_faults: dict[int, list[tuple[str, str, Message]]] = {}
        self.kommun_faulted: set[int] = set()
        self.dropped: list[str] = []
        self.personal: list[str | Message] = []
        if profile is not None:
            applied = _profiles.apply(profile, header, self.rows)
            header, self.rows = applied.header, applied.rows
            self.pre_faults, self.kommun_faulted = applied.faults, applied.kommun_faulted
            self.dropped, self.personal = applied.dropped, applied.personal
        self.cols = map_columns(header, [cells for _, cells in self.rows])
        if profile is not None:
            self.cols.ignored = list(applied.unused)
        else:  # a canonical file's extra columns: never read, and named apart when they look personal
            idx_of = {h.strip(): i for i, h in enumerate(header)}
            self.personal = [
                h for h in self.cols.ignored
                if isinstance(h, str) and h in idx_of
                and personal.looks_personal(h, (c[idx_of[h]] for _, c in self.rows if idx_of[h] < len(c)))
            ]
            self.cols.ignored = [h for h in self.cols.ignored if h not in self.personal]
        if not self.rows:
            raise Unreadable(Message("read_no_data_rows"))
        self.person_like: list[int] = []
        self.person_like_column = ""
        self._check_personal(header, profile)

    def _check_personal(self, header: list[str], profile: _profiles.Profile | None) -> None:
        """Every text column to be read, by its values, before anything is stored: one e-mail address,
        phone number or identity number refuses the import, naming the column (as the file or
        the profile calls it). Unit names that read like a person's are listed for the person."""
        for fld, idx in self.cols.fields.items():
            if fld in _NOT_TEXT:
                continue
            canon = FIELD_LABEL[fld]
            source = profile.columns.get(canon) if profile is not None else header[idx]
            label = source if isinstance(source, str) else canon
            hit = personal.refusal((n, c[idx]) for n, c in self.rows if idx < len(c))
            if hit:
                kind, rownum = hit
                raise Unreadable(Message("personal_refused", column=label, target=canon, row=rownum,
                                         kind=_PERSONAL_KINDS[kind]))
            if fld == "name":
                self.person_like = [n for n, c in self.rows if idx < len(c) and personal.person_like(c[idx])]
                self.person_like_column = label


def _round_in_file(cols: Columns, data_rows: list[tuple[int, list[str]]]) -> tuple[str, int] | None:
    """The first ``Omgång`` value in the file and its row, when the file has the column."""
    idx = cols.fields.get("round")
    if idx is None:
        return None
    for rownum, cells in data_rows:
        if idx < len(cells) and cells[idx].strip():
            return cells[idx].strip(), rownum
    return None


def _read_survey(
    data: bytes,
    filename: str,
    sha: str,
    given_round: str | None,
    fallback_round: str,
    profile: _profiles.Profile | None = None,
    table: Table | None = None,
) -> ImportResult:
    mapped = _Mapped(data, profile, table)
    cols = mapped.cols
    round_from_column = None if given_round is not None else _round_in_file(cols, mapped.rows)
    round_name = given_round or (round_from_column[0] if round_from_column else fallback_round)

    rejected: list[Rejection] = []
    first_seen: dict[str, int] = {}
    by_time = "submitted" in cols.fields  # repeated submissions: the latest wins (below), none is a duplicate
    good: list[Accepted] = []
    faulty: list[Faulty] = []  # rejected rows of a known unit: with times, maybe its latest submission
    unit_types: set[str] = set()
    for rownum, cells in mapped.rows:
        if not any(c.strip() for c in cells):
            rejected.append(Rejection(rownum, "", "", Message("row_blank")))
            continue
        row = Row(rownum, cells, cols)
        checked = check_row(row, round_name, round_from_column)
        if checked.unit_type is not None:
            unit_types.add(checked.unit_type)
        if rownum in mapped.pre_faults:
            if rownum in mapped.kommun_faulted:  # the name's fault says it better than "Kommunkod saknas"
                row.faults = [f for f in row.faults if f.column != cols.label("kommun_kod")]
            row.faults[:0] = [Rejection(rownum, c, v, m) for c, v, m in mapped.pre_faults[rownum]]
        submitted, raw_time = submitted_time(row) if by_time else (None, "")
        if not by_time and checked.unit_id is not None:
            if checked.unit_id in first_seen:
                duplicate_fault(row, checked.unit_id, first_seen[checked.unit_id])
            else:
                first_seen[checked.unit_id] = rownum
        if checked.unit is None and not row.faults:  # cannot happen; guards rows_in == accepted + rejected
            row.fault_at("", "", Message("row_unreadable"))
        if row.faults or checked.unit is None:
            rejected.extend(row.faults)
            if by_time and checked.unit_id is not None:
                faulty.append(Faulty(rownum, checked.unit_id, submitted, raw_time))
            continue
        good.append(Accepted(rownum, checked.unit, checked.answers, submitted, raw_time))

    replaced: list[Replacement] = []
    withheld: list[Withheld] = []
    if by_time:
        good, replaced, withheld = keep_latest(good, faulty)
    answers = [{"round": round_name, "unit_id": e.unit["unit_id"], "provision_id": pid, "answer": a}
               for e in good for pid, a in e.answers.items()]
    return ImportResult(
        round=round_name,
        filename=filename,
        sha256=sha,
        rows_in=len(mapped.rows),
        units=schema.units_frame(pd.DataFrame([e.unit for e in good])) if good else schema.empty_units(),
        answers=schema.answers_frame(pd.DataFrame(answers)) if answers else schema.empty_answers(),
        rejected=rejected,
        error=None,
        ignored_columns=cols.ignored,
        replaced=replaced,
        dropped_columns=mapped.dropped,
        personal_columns=mapped.personal,
        unit_rows=[e.row for e in good],
        asked_columns=sorted(cols.provisions, key=_provision_order),
        unasked=_unasked(cols, unit_types),
        withheld=withheld,
        person_like=PersonLike(mapped.person_like_column, mapped.person_like) if mapped.person_like else None,
    )


def _provision_order(pid: str) -> tuple[str, int]:
    return pid[0], int(pid[1:])


def _unasked(cols: Columns, unit_types: set[str]) -> dict[str, list[str]]:
    """Per unit type in the file, the provisions of that type it has no question (column) for."""
    types = provision_types()
    out = {}
    for unit_type in sorted(unit_types):
        missing = sorted((p for p, t in types.items() if t == unit_type and p not in cols.provisions),
                         key=_provision_order)
        if missing:
            out[unit_type] = missing
    return out
