"""Municipality and region codes from the names people write, and municipalities from the names of units.

Survey exports carry a municipality *name* ("Krokoms kommun", "Malung–Sälen", "Region Gotland")
or none at all, only the unit's name ("Hälsorum Offerdal"). This module turns both into the
4-digit code, or says why it cannot: an unknown or ambiguous name is never guessed below the
fuzzy-match cut-off; the caller rejects the row and names the nearest candidates. A region
written as people write it ("VGR", "Region Västra Götaland", "Stockholms läns region", "SLL")
becomes its 2-digit code with the same care (``region_from_name``).

The locality table (``LOCALITIES``) is small on purpose and built only from what is public in
this repository: the Jämtland health centres of the example round and ``demo.py``'s reasoning
for placing them (each locality lies in the municipality given, per SCB's register of
localities and the municipalities' own pages). It is not a gazetteer; extend it with care.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
from rapidfuzz import fuzz, process

from dashboard.domain.reference import municipalities, normalise_text

__all__ = ["LOCALITIES", "FUZZY_CUTOFF", "PlaceMatch", "kommun_from_name", "kommun_in_unit_name", "region_from_name"]

# Score (0-100, rapidfuzz WRatio) a misspelt name must reach to be taken without asking.
FUZZY_CUTOFF = 92.0
# How far the best candidate must lead the second to count as unambiguous.
FUZZY_MARGIN = 4.0

# Locality (tätort or area) -> municipality code; see the module docstring for the source.
LOCALITIES: dict[str, str] = {
    "Offerdal": "2309",
    "Hammarstrand": "2303",
    "Bispgården": "2303",
    "Stugun": "2303",
    "Svenstavik": "2326",
    "Myrviken": "2326",
    "Kälarne": "2305",
    "Hede": "2361",
    "Sveg": "2361",
    "Funäsdalen": "2361",
    "Frösö": "2380",
    "Frösön": "2380",
    "Brunflo": "2380",
    "Lugnvik": "2380",
    "Lit": "2380",
    "Hoting": "2313",
    "Backe": "2313",
    "Frostviken": "2313",
    "Gäddede": "2313",
    "Hallen": "2321",
    "Järpen": "2321",
}

# Extra spellings of whole municipality names (normalised by ``_key``).
_EXTRA_NAMES: dict[str, str] = {
    "region gotland": "0980",
    "gotlands kommun": "0980",
    "gotlands lan": "0980",
}

_DASHES = re.compile(r"\s*[\u2010-\u2015\u2212-]\s*")
_SUFFIX = re.compile(r"(?:s)?\s+(?:kommun|stad|kommuns?|stads?)$")


def _key(value: object, accents: bool = True) -> str:
    """Normalised for lookup: case, spaces and every kind of dash made alike; accents kept unless
    ``accents=False`` (Håbo and Habo are two municipalities, so accents are tried first)."""
    if accents:
        text = " ".join(unicodedata.normalize("NFC", "" if value is None else str(value)).casefold().split())
    else:
        text = normalise_text(value)
    return _DASHES.sub("-", text).strip()


@dataclass(frozen=True)
class PlaceMatch:
    """The code found (or None) and, when none, the nearest names to show the person."""

    code: str | None
    candidates: tuple[str, ...] = ()
    how: str = "exact"  # exact | fuzzy | unit_name | none | ambiguous


@lru_cache(maxsize=2)
def _names(accents: bool = True) -> dict[str, str]:
    """Every accepted spelling -> code: name, "X kommun", "Xs kommun", "X stad". Without accents
    a spelling shared by two municipalities (habo: Habo, Håbo) is left out, never guessed."""
    out: dict[str, set[str]] = {}
    for code, name in zip(municipalities()["kommun_kod"], municipalities()["kommun"], strict=True):
        base = _key(name, accents)
        genitive = base if base.endswith(("s", "x", "z")) else base + "s"
        for spelling in (base, f"{base} kommun", f"{genitive} kommun", f"{base} stad", f"{genitive} stad",
                         base.replace("-", " "), base.replace("-", "")):
            out.setdefault(spelling, set()).add(str(code))
    for spelling, code in _EXTRA_NAMES.items():
        out.setdefault(_key(spelling, accents), set()).add(code)
    return {k: next(iter(v)) for k, v in out.items() if len(v) == 1}


@lru_cache(maxsize=1)
def _display() -> dict[str, str]:
    """code -> the official municipality name (for messages)."""
    df = municipalities()
    return {str(c): str(n) for c, n in zip(df["kommun_kod"], df["kommun"], strict=True)}


def kommun_name(code: str) -> str:
    return _display().get(code, code)


def exact_code(value: str) -> str | None:
    """The code when ``value`` is a municipality's name in one of its usual spellings (no fuzz)."""
    for accents in (True, False):
        names, k = _names(accents), _key(value, accents)
        for candidate in (k, _SUFFIX.sub("", k)):
            if candidate in names:
                return names[candidate]
    return None


def kommun_from_name(value: str) -> PlaceMatch:
    """The code of a municipality written as people write it; fuzzy only above the cut-off."""
    key = _key(value)
    if not key:
        return PlaceMatch(None, (), "none")
    code = exact_code(value)
    if code:
        return PlaceMatch(code, how="exact")
    bare = _SUFFIX.sub("", key)
    if re.fullmatch(r"\d{3,4}", key) and key.zfill(4) in _display():
        return PlaceMatch(key.zfill(4), how="exact")
    choices = {code: _key(name) for code, name in _display().items()}
    found = process.extract(bare or key, choices, scorer=fuzz.WRatio, limit=3)
    nearest = tuple(dict.fromkeys(kommun_name(code) for _, score, code in found if score >= 60))
    if found and found[0][1] >= FUZZY_CUTOFF and (len(found) < 2 or found[0][1] - found[1][1] >= FUZZY_MARGIN):
        return PlaceMatch(str(found[0][2]), nearest, "fuzzy")
    return PlaceMatch(None, nearest, "none")


@lru_cache(maxsize=2)
def _name_patterns(accents: bool = True) -> list[tuple[re.Pattern[str], str]]:
    """Whole-word patterns for every municipality name and locality, longest first; without
    accents a word shared by two municipalities is left out."""
    words: dict[str, set[str]] = {}
    for name, code in [(n, c) for c, n in _display().items()] + list(LOCALITIES.items()) + [("Gotland", "0980")]:
        words.setdefault(_key(name, accents), set()).add(code)
    ordered = sorted(((w, next(iter(c))) for w, c in words.items() if len(c) == 1), key=lambda kv: -len(kv[0]))
    return [(re.compile(rf"(?<![\w-]){re.escape(w)}(?:s)?(?![\w-])"), c) for w, c in ordered]


def kommun_in_unit_name(name: str) -> PlaceMatch:
    """The municipality a unit's name points at ("Hälsorum Offerdal" -> Krokom 2309).

    Longer names are tried first and a matched span is not reused ("Upplands Väsby" is not also
    "Väsby"); two different municipalities in one name is ambiguous, and none is none.
    """
    distinct: tuple[str, ...] = ()
    for accents in (True, False):
        text = _key(name, accents)
        taken: list[tuple[int, int]] = []
        codes: list[str] = []
        for pattern, code in _name_patterns(accents):
            for m in pattern.finditer(text):
                if any(m.start() < e and s < m.end() for s, e in taken):
                    continue
                taken.append((m.start(), m.end()))
                codes.append(code)
        distinct = tuple(dict.fromkeys(codes))
        if distinct:
            break
    if len(distinct) == 1:
        return PlaceMatch(distinct[0], how="unit_name")
    if len(distinct) > 1:
        return PlaceMatch(None, tuple(kommun_name(c) for c in distinct), "ambiguous")
    return PlaceMatch(None, (), "none")


# --------------------------------------------------------------------------- units without coordinates


@lru_cache(maxsize=1)
def kommun_centres() -> dict[str, tuple[float, float]]:
    """code -> (lat, lon) of a point inside each municipality (its representative point, which
    unlike a centroid always lies inside the area), from the committed boundaries."""
    from dashboard.domain import geo  # geometry only when a map needs it

    return geo.inner_points("kommun")


def approximate_positions(units: pd.DataFrame) -> pd.DataFrame:
    """Units without coordinates get their municipality's centre and ``approx`` True, so a map can
    draw them with "placering ungefärlig" instead of leaving them out (survey exports carry no
    coordinates). Units with coordinates keep them (``approx`` False)."""
    out = units.copy()
    missing = out["lat"].isna() | out["lon"].isna()
    out["approx"] = missing.astype(bool)
    if missing.any():
        centres = kommun_centres()
        codes = out.loc[missing, "kommun_kod"].astype(str)
        out.loc[missing, "lat"] = [centres.get(c, (float("nan"), float("nan")))[0] for c in codes]
        out.loc[missing, "lon"] = [centres.get(c, (float("nan"), float("nan")))[1] for c in codes]
    return out


# --------------------------------------------------------------------------- regions

# Names people write for a region that no rule below derives (normalised): abbreviations and
# the county councils' former names. "SLL" is Stockholms läns landsting, now Region Stockholm;
# "VGR" is how Västra Götalandsregionen writes itself; "RJH" Region Jämtland Härjedalen.
_REGION_ALIASES: dict[str, str] = {
    "vgr": "14",
    "sll": "01",
    "rjh": "23",
    "harjedalen": "23",
}
_REGION_WORDS = re.compile(r"\b(region(en)?|landstinget( i)?|lans landsting|lans region|lan|regionen)\b")


def _region_bare(text: str) -> str:
    """A region's name without "Region", "län", "landsting", a genitive s and the "-regionen" suffix."""
    key = normalise_text(text)
    key = re.sub(r"(?<=[a-z])regionen$", "", key)
    key = " ".join(_REGION_WORDS.sub(" ", key).split())
    return re.sub(r"(?<=[a-z]{3})s$", "", key)


@lru_cache(maxsize=1)
def _region_names() -> dict[str, str]:
    """Every accepted spelling of a region (normalised) -> region code: the code, the official,
    short and county names, and their bare forms with "Region X", "X län", "Xs län", "Xs läns
    region", "Landstinget X", "Xs läns landsting", "Xregionen" around them."""
    from dashboard.domain.reference import regions

    found: dict[str, set[str]] = {}
    for row in regions().itertuples(index=False):
        code = str(row.region_kod)
        bases = {_region_bare(str(n)) for n in (row.region, row.region_short, row.lan)}
        spellings = {normalise_text(str(n)) for n in (row.region, row.region_short, row.lan)}
        spellings |= {code, str(int(code))}
        for base in bases:
            gen = base if base.endswith(("s", "x", "z")) else base + "s"
            spellings |= {base, f"region {base}", f"{base} lan", f"{gen} lan", f"region {gen} lan",
                          f"{gen} lans region", f"landstinget {base}", f"landstinget i {gen} lan",
                          f"{gen} lans landsting", f"{gen}regionen", f"{base}regionen", base.replace(" ", "-")}
        for spelling in spellings:
            found.setdefault(spelling, set()).add(code)
    for alias, code in _REGION_ALIASES.items():
        found.setdefault(alias, set()).add(code)
    return {k: next(iter(v)) for k, v in found.items() if len(v) == 1}


def region_display(code: str) -> str:
    from dashboard.domain.reference import REGIONS

    return REGIONS[code][0]


@lru_cache(maxsize=4096)
def region_from_name(value: str) -> PlaceMatch:
    """The region code of a region written as people write it ("Region Västra Götaland",
    "Västra Götalandsregionen", "VGR", "Stockholms läns region", "SLL", "Jämtland", "14").

    As with municipalities: exact spellings first, then a fuzzy match (rapidfuzz) only above
    ``FUZZY_CUTOFF`` with a clear lead; otherwise no code and the nearest regions to show. Cached:
    a file writes its few regions on every row."""
    key = normalise_text(value)
    if re.fullmatch(r"\d{1,2}[.,]0+", key):
        key = re.split(r"[.,]", key)[0]
    if not key:
        return PlaceMatch(None, (), "none")
    names = _region_names()
    for candidate in (key, key.zfill(2) if key.isdigit() else key, _region_bare(key)):
        if candidate in names:
            return PlaceMatch(names[candidate], how="exact")
    bare = _region_bare(key) or key
    choices = {s: c for s, c in names.items() if not s.isdigit()}
    found = process.extract(bare, list(choices), scorer=fuzz.WRatio, limit=None)
    best: dict[str, float] = {}
    for spelling, score, _ in found:
        best[choices[spelling]] = max(best.get(choices[spelling], 0.0), score)
    ranked = sorted(best.items(), key=lambda kv: -kv[1])
    nearest = tuple(region_display(c) for c, s in ranked[:3] if s >= 60)
    if ranked and ranked[0][1] >= FUZZY_CUTOFF and (len(ranked) < 2 or ranked[0][1] - ranked[1][1] >= FUZZY_MARGIN):
        return PlaceMatch(ranked[0][0], nearest, "fuzzy")
    how = "ambiguous" if len(ranked) > 1 and ranked[0][1] >= FUZZY_CUTOFF else "none"
    return PlaceMatch(None, nearest, how)
