"""Import profiles: how a survey tool's export maps onto the canonical file format.

A profile is a small TOML file (the contract is documented in ``docs/import-profile.md``)::

    [columns]            # canonical column = source header, or { value = "constant" }
    Enhet = "Vårdcentralens namn"
    Kommun = "Kommun"                     # a municipality name; the code is looked up
    Enhetstyp = { value = "Vårdcentral" }
    Inskickad = "Sluttid"                 # optional: picks the latest of repeated submissions
    [provisions]         # provision id = source header
    V1 = "Har vårdcentralen rutiner för ...?"
    [answers]            # source answer = ja | nej | vet_ej | saknas
    "1" = "ja"
    [drop]               # columns never read (personal data)
    columns = ["E-post", "Namn"]

``parse`` checks a profile and raises ``ProfileError`` with one sentence (an ``i18n.Message``); ``apply``
turns a read table (header and rows) into a table in the canonical format, which the importer
then validates exactly as it validates a canonical file. Nothing of a dropped or unmapped
column reaches the result: ``apply`` copies only mapped columns.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dashboard.domain import places, schema
from dashboard.domain.provisions import catalogue
from dashboard.domain.reference import normalise_text
from dashboard.i18n import Message, MessageError
from dashboard.ingest.headers import unnamed_column
from dashboard.ingest.personal import looks_personal

__all__ = [
    "COLUMN_KEYS",
    "Constant",
    "Profile",
    "ProfileError",
    "apply",
    "parse",
    "to_toml",
]

COL_SUBMITTED = "Inskickad"
# Canonical [columns] keys, in the order a profile is written.
COLUMN_KEYS: tuple[str, ...] = (
    schema.COL_UNIT_TYPE,
    schema.COL_KOMMUN_KOD,
    schema.COL_KOMMUN,
    schema.COL_NAME,
    schema.COL_UNIT_ID,
    schema.COL_REGION,
    schema.COL_RESPONDED,
    schema.COL_LAT,
    schema.COL_LON,
    schema.COL_ROUND,
    schema.COL_SYNTHETIC,
    COL_SUBMITTED,
)
ANSWER_TARGETS: dict[str, str] = {"ja": "Ja", "nej": "Nej", "vet_ej": "Vet ej", "saknas": ""}
_SECTIONS = ("columns", "provisions", "answers", "drop")


class ProfileError(MessageError, ValueError):
    """The profile cannot be used; the message is one sentence for the person (``text(lang)``)."""



@dataclass(frozen=True)
class Constant:
    """One value for every row (``{ value = "Vårdcentral" }``)."""

    value: str


@dataclass
class Profile:
    """A parsed profile. ``columns`` keys are canonical headers as in ``COLUMN_KEYS``."""

    columns: dict[str, str | Constant] = field(default_factory=dict)
    provisions: dict[str, str] = field(default_factory=dict)
    answers: dict[str, str] = field(default_factory=dict)
    drop: list[str] = field(default_factory=list)

    def source_headers(self) -> list[str]:
        """Every source header the profile reads."""
        cols = [v for v in self.columns.values() if isinstance(v, str)]
        return cols + list(self.provisions.values())


def _hkey(header: object) -> str:
    """Header identity for matching a profile to a file: case and spacing do not matter."""
    return normalise_text(header)


def _canonical_key(key: str) -> str | None:
    wanted = re.sub(r"[^a-z0-9]", "", normalise_text(key))
    for canon in COLUMN_KEYS:
        if re.sub(r"[^a-z0-9]", "", normalise_text(canon)) == wanted:
            return canon
    return None


def parse(text: str | bytes) -> Profile:
    """Read and check a profile; raises ``ProfileError`` naming the first fault."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ProfileError(Message("prof_not_utf8")) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(Message("prof_not_toml", error=str(exc))) from exc
    unknown = [k for k in data if k not in _SECTIONS]
    if unknown:
        raise ProfileError(Message("prof_unknown_section", section=unknown[0]))
    prof = Profile()
    for key, value in _table(data, "columns").items():
        canon = _canonical_key(key)
        if canon is None:
            raise ProfileError(Message("prof_unknown_column", key=repr(key), allowed=", ".join(COLUMN_KEYS)))
        if canon in prof.columns:
            raise ProfileError(Message("prof_column_twice", column=canon))
        if isinstance(value, str) and value.strip():
            prof.columns[canon] = value.strip()
        elif isinstance(value, dict) and set(value) == {"value"} and isinstance(value["value"], str | int):
            prof.columns[canon] = Constant(str(value["value"]).strip())
        else:
            raise ProfileError(Message("prof_column_value", column=canon))
    ids = set(catalogue()["provision_id"].astype(str))
    for key, value in _table(data, "provisions").items():
        pid = key.strip().upper()
        if pid not in ids:
            raise ProfileError(Message("prof_unknown_provision", key=repr(key), known=", ".join(sorted(ids))))
        if not isinstance(value, str) or not value.strip():
            raise ProfileError(Message("prof_provision_value", pid=pid))
        prof.provisions[pid] = value.strip()
    for key, value in _table(data, "answers").items():
        if not isinstance(value, str) or value.strip().lower() not in ANSWER_TARGETS:
            raise ProfileError(Message("prof_answer_value", key=repr(key), value=repr(value)))
        prof.answers[answer_key(key)] = value.strip().lower()
    drop = _table(data, "drop")
    extra = [k for k in drop if k != "columns"]
    if extra:
        raise ProfileError(Message("prof_drop_key", key=repr(extra[0])))
    cols = drop.get("columns", [])
    if not isinstance(cols, list) or not all(isinstance(c, str) for c in cols):
        raise ProfileError(Message("prof_drop_list"))
    prof.drop = [c.strip() for c in cols if c.strip()]
    _check_required(prof)
    return prof


def _table(data: Mapping[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ProfileError(Message("prof_not_section", section=name))
    return value


def answer_key(value: object) -> str:
    """An answer as matched: case, accents, spacing and a trailing full stop do not matter."""
    return normalise_text(value).rstrip(".!").strip()


def _check_required(prof: Profile) -> None:
    missing = tuple(c for c in (schema.COL_UNIT_TYPE, schema.COL_NAME) if c not in prof.columns)
    if missing:
        raise ProfileError(Message("prof_missing_columns", columns=missing))
    if not prof.provisions:
        raise ProfileError(Message("prof_no_provisions"))
    mapped = set(map(_hkey, prof.source_headers()))
    clash = [c for c in prof.drop if _hkey(c) in mapped]
    if clash:
        raise ProfileError(Message("prof_drop_clash", column=clash[0]))


# --------------------------------------------------------------------------- writing


def toml_string(value: str) -> str:
    """A TOML basic string (JSON string escapes are valid TOML)."""
    return json.dumps(value, ensure_ascii=False)


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else toml_string(key)


def to_toml(
    prof: Profile,
    notes: Mapping[tuple[str, str], str] | None = None,
    undecided: Iterable[tuple[str, str, str, str]] = (),
    header_comment: str = "",
) -> str:
    """The profile as TOML. ``notes[(section, key)]`` is written as a comment after the line;
    ``undecided`` rows (section, key, value, comment) are written commented out."""
    notes = notes or {}
    pending: dict[str, list[tuple[str, str, str]]] = {}
    for section, key, value, comment in undecided:
        pending.setdefault(section, []).append((key, value, comment))
    out: list[str] = [f"# {line}" if line else "#" for line in header_comment.splitlines()]

    def line(section: str, key: str, rendered: str) -> str:
        note = notes.get((section, key))
        return f"{_toml_key(key)} = {rendered}" + (f"  # {note}" if note else "")

    def commented(section: str) -> list[str]:
        return [f"# {_toml_key(k)} = {toml_string(v)}  # {c}" for k, v, c in pending.get(section, [])]

    out.append("[columns]")
    for key in COLUMN_KEYS:
        if key in prof.columns:
            v = prof.columns[key]
            out.append(line("columns", key, f"{{ value = {toml_string(v.value)} }}" if isinstance(v, Constant)
                            else toml_string(v)))
    out += commented("columns")
    out += ["", "[provisions]"]
    order = list(catalogue()["provision_id"].astype(str))
    for pid in sorted(prof.provisions, key=order.index):
        out.append(line("provisions", pid, toml_string(prof.provisions[pid])))
    out += commented("provisions")
    out += ["", "[answers]"]
    for key, target in prof.answers.items():
        out.append(line("answers", key, toml_string(target)))
    out += commented("answers")
    out += ["", "[drop]", "columns = [" + ", ".join(toml_string(c) for c in prof.drop) + "]"]
    notes_drop = notes.get(("drop", "columns"))
    if notes_drop:
        out[-1] += f"  # {notes_drop}"
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- applying


@dataclass
class Applied:
    """A table in the canonical format, made from a source table by a profile."""

    header: list[str]
    rows: list[tuple[int, list[str]]]
    faults: dict[int, list[tuple[str, str, Message]]]  # row -> (source column, value, reason)
    kommun_faulted: set[int]
    dropped: list[str]
    personal: list[str | Message]
    unused: list[str]


def find_header(headers: list[str], wanted: str) -> int | None:
    """Index of ``wanted`` among ``headers``: exact first, then ignoring case and spacing."""
    stripped = [h.strip() for h in headers]
    if wanted in stripped:
        return stripped.index(wanted)
    key = _hkey(wanted)
    for i, h in enumerate(stripped):
        if _hkey(h) == key:
            return i
    return None


def _missing(headers: list[str], wanted: str) -> ProfileError:
    named = [h for h in headers if h.strip()]
    found = ", ".join(f"”{h}”" for h in named[:6]) + (", …" if len(named) > 6 else "")
    return ProfileError(Message("prof_column_not_in_file", column=wanted, found=found))


def _kommun_reason(value: str, match: places.PlaceMatch, from_unit: bool) -> Message:
    near = ", ".join(match.candidates[:3])
    if match.how == "ambiguous":
        return Message("prof_unit_name_ambiguous", value=value, near=near)
    if from_unit:
        if near:
            return Message("prof_kommun_not_in_name_near", value=value, near=near)
        return Message("prof_kommun_not_in_name", value=value)
    if near:
        return Message("prof_kommun_unknown_near", value=value, near=near)
    return Message("prof_kommun_unknown", value=value)


def apply(prof: Profile, header: list[str], rows: list[tuple[int, list[str]]]) -> Applied:
    """The source table as a canonical table (only mapped columns are copied).

    The municipality code is looked up from ``Kommun`` when the profile gives a name, or from
    the unit's name when it gives neither ``Kommunkod`` nor ``Kommun`` (or the name cell is
    blank); a row whose municipality cannot be found gets a fault naming the value.
    Raises ``ProfileError`` when the profile reads a column the file does not have.
    """
    src: dict[str, int] = {}
    for canon, value in prof.columns.items():
        if isinstance(value, str):
            idx = find_header(header, value)
            if idx is None:
                raise _missing(header, value)
            src[canon] = idx
    prov_idx: dict[str, int] = {}
    for pid, value in prof.provisions.items():
        idx = find_header(header, value)
        if idx is None:
            raise _missing(header, value)
        prov_idx[pid] = idx
    used = set(src.values()) | set(prov_idx.values())
    drop_keys = {_hkey(d) for d in prof.drop}
    dropped = [h for i, h in enumerate(header) if i not in used and h.strip() and _hkey(h) in drop_keys]
    personal = [
        h if h.strip() else unnamed_column(i)
        for i, h in enumerate(header)
        if i not in used and _hkey(h) not in drop_keys
        and looks_personal(h, (c[i] for _, c in rows if i < len(c)))
    ]
    unused = [h for i, h in enumerate(header) if i not in used and h.strip()
              and h not in dropped and h not in personal]

    need_code = schema.COL_KOMMUN_KOD not in prof.columns
    out_header = [k for k in prof.columns if k != schema.COL_KOMMUN or not need_code]
    if need_code:
        out_header.append(schema.COL_KOMMUN_KOD)
    out_header += [f"{pid}" for pid in prov_idx]
    answers = {k: ANSWER_TARGETS[v] for k, v in prof.answers.items()}

    out_rows: list[tuple[int, list[str]]] = []
    faults: dict[int, list[tuple[str, str, Message]]] = {}
    kommun_faulted: set[int] = set()
    name_idx = src.get(schema.COL_NAME)
    kommun_idx = src.get(schema.COL_KOMMUN)
    kommun_const = prof.columns.get(schema.COL_KOMMUN)
    for rownum, cells in rows:
        def cell(i: int | None, cells: list[str] = cells) -> str:
            return cells[i].strip() if i is not None and i < len(cells) else ""

        blank = not any(c.strip() for i, c in enumerate(cells) if i in used)
        new: list[str] = []
        for key in out_header[: len(out_header) - len(prov_idx)]:
            if key == schema.COL_KOMMUN_KOD and need_code:
                kommun = kommun_const.value if isinstance(kommun_const, Constant) else cell(kommun_idx)
                new.append("" if blank else _lookup(rownum, kommun, cell(name_idx), header,
                                                     kommun_idx, name_idx, faults, kommun_faulted))
                continue
            value = prof.columns[key]
            new.append(value.value if isinstance(value, Constant) and not blank else cell(src.get(key)))
        for idx in prov_idx.values():
            raw = cell(idx)
            mapped = answers.get(answer_key(raw))
            new.append(mapped if mapped is not None else raw)
        out_rows.append((rownum, new))
    return Applied(out_header, out_rows, faults, kommun_faulted, dropped, personal, unused)


def _lookup(
    rownum: int,
    kommun: str,
    name: str,
    header: list[str],
    kommun_idx: int | None,
    name_idx: int | None,
    faults: dict[int, list[tuple[str, str, Message]]],
    faulted: set[int],
) -> str:
    """The municipality code for one row, or "" with a fault recorded: from the municipality cell
    when there is one, else from a municipality or locality inside the unit's name."""
    if kommun:
        value, idx, default_col, in_name = kommun, kommun_idx, schema.COL_KOMMUN, False
    elif name:
        value, idx, default_col, in_name = name, name_idx, schema.COL_NAME, True
    else:
        return ""
    match = places.kommun_in_unit_name(value) if in_name else places.kommun_from_name(value)
    if match.code:
        return match.code
    col = header[idx].strip() if idx is not None else default_col
    faults.setdefault(rownum, []).append((col, value, _kommun_reason(value, match, in_name)))
    faulted.add(rownum)
    return ""
