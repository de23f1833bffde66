"""What one cell means: a unit type, an answer, yes or no, a municipality code, a number, a time.

Pure readers of the words and numbers people and survey tools write; each returns None for what it
cannot read, and the row checks (``rows``) say why. The mapping suggestion reads cells with the
same functions, so a column it proposes is one the importer accepts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from functools import lru_cache

from dashboard.domain.reference import municipalities, normalise_text

__all__ = ["answer_of", "kommun_code", "number", "parse_time", "unit_type_of", "yes_no"]

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
_CODE_RE = re.compile(r"(\d{3,4})(?:[.,]0+)?")
_NUMBER_RE = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
_TIME_FORMATS = ("%Y-%m-%d %H.%M.%S", "%Y-%m-%d %H.%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d.%m.%Y %H:%M:%S",
                 "%d.%m.%Y %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M")


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


def answer_of(raw: str) -> str | None:
    """ja/nej/vet_ej/saknas for an answer cell ("Vet ej.", "vet inte"); blank is "saknas"; None when unknown."""
    if not raw:
        return "saknas"
    return _ANSWER_WORDS.get(normalise_text(raw).rstrip(".!").strip())


def yes_no(raw: str) -> bool | None:
    """True/False for Ja/Nej, None for anything else."""
    return _YES_NO.get(normalise_text(raw))


def kommun_code(raw: str) -> str | None:
    """A 4-digit municipality code as written ("180", "0180", "180.0"), or None when not one."""
    m = _CODE_RE.fullmatch(raw)
    return m.group(1).zfill(4) if m else None


def number(value: str) -> float | None:
    """A decimal number with a point or a comma, or None."""
    return float(value.replace(",", ".")) if _NUMBER_RE.fullmatch(value) else None


def parse_time(value: str) -> dt.datetime | None:
    """A submission time as survey tools write it (ISO, or day/month/year), or None."""
    v = value.strip()
    try:
        return dt.datetime.fromisoformat(v.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        pass
    for fmt in _TIME_FORMATS:
        try:
            return dt.datetime.strptime(v, fmt)
        except ValueError:
            continue
    return None


def derived_id(unit_type: str, kommun_kod: str, name: str) -> str:
    """A stable id for a unit the file gives no ``Enhets-id``: type, municipality and a hash of the name."""
    digest = hashlib.sha1(normalise_text(name).encode("utf-8")).hexdigest()[:10]
    return f"{_ID_PREFIX[unit_type]}-{kommun_kod}-{digest}"


@lru_cache(maxsize=1)
def kommuner() -> dict[str, tuple[str, str, str]]:
    """kommun_kod -> (kommun name, region_kod, official region name)."""
    df = municipalities()
    return {
        str(r.kommun_kod): (str(r.kommun), str(r.region_kod), str(r.region))
        for r in df.itertuples(index=False)
    }

