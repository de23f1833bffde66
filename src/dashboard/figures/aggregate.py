"""Pure functions: canonical tables -> figures per level, with the country alongside.

Shares are always computed from counts (never averages of averages), and every share
travels with its numerator and denominator so the UI can say "20 av 27 (74 %)".
Compliance figures are over units that responded; the response rate is over all units.
"""

from __future__ import annotations

import pandas as pd

from dashboard.domain import provisions, reference

COUNT_COLUMNS = ["n_units", "n_responded", "n_not_all", "n_none", "n_follows_all"]
SMALL_N = 5  # fewer responding units than this: no share, no rank, no difference (one rule everywhere)


def unit_status(units: pd.DataFrame, answers: pd.DataFrame, catalogue: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per unit: the units table, names of its municipality and region, and the compliance rule applied."""
    catalogue = provisions.catalogue() if catalogue is None else catalogue
    status = units.merge(provisions.compliance(units, answers, catalogue), on=["round", "unit_id"], how="left")
    kommuner = reference.municipalities()[["kommun_kod", "kommun", "region"]]
    status = status.merge(kommuner, on="kommun_kod", how="left")
    status["status"] = "no_answer"
    responded = status["responded"].astype(bool)
    status.loc[responded & status["follows_all"].fillna(False).astype(bool), "status"] = "follows_all"
    status.loc[responded & status["not_all"].fillna(False).astype(bool), "status"] = "not_all"
    status.loc[responded & status["follows_none"].fillna(False).astype(bool), "status"] = "follows_none"
    return status


def _counts(status: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    s = status.assign(
        _resp=status["responded"].astype(bool).astype(int),
        _not_all=status["not_all"].fillna(False).astype(bool).astype(int),
        _none=status["follows_none"].fillna(False).astype(bool).astype(int),
        _all=status["follows_all"].fillna(False).astype(bool).astype(int),
    )
    grouped = s.groupby(by, dropna=False, observed=True) if by else s.assign(_k=0).groupby("_k")
    out = grouped.agg(
        n_units=("unit_id", "size"),
        n_responded=("_resp", "sum"),
        n_not_all=("_not_all", "sum"),
        n_none=("_none", "sum"),
        n_follows_all=("_all", "sum"),
    ).reset_index()
    return out.drop(columns=["_k"], errors="ignore")


def add_shares(df: pd.DataFrame) -> pd.DataFrame:
    """Shares from counts; NaN where nothing responded (no data, not zero)."""
    out = df.copy()
    resp = out["n_responded"].where(out["n_responded"] > 0)
    units = out["n_units"].where(out["n_units"] > 0)
    out["share_not_all"] = out["n_not_all"] / resp
    out["share_none"] = out["n_none"] / resp
    out["response_rate"] = out["n_responded"] / units
    return out


def national(status: pd.DataFrame) -> pd.DataFrame:
    """Country figures, one row per unit type."""
    return add_shares(_counts(status, ["unit_type"]))


def _with_country(df: pd.DataFrame, status: pd.DataFrame) -> pd.DataFrame:
    """The country's shares alongside, with its ``country_n_responded``: the country of a small
    imported round can itself be too small for a share (``mask_small`` reads it)."""
    cols = ["share_not_all", "share_none", "response_rate", "n_responded", "n_units"]
    country = national(status)[["unit_type", *cols]]
    country = country.rename(columns={c: f"country_{c}" for c in cols})
    out = df.merge(country, on="unit_type", how="left")
    out["diff_pp"] = (out["share_not_all"] - out["country_share_not_all"]) * 100
    return out


def by_region(status: pd.DataFrame, unit_type: str) -> pd.DataFrame:
    """All 21 regions for one unit type (regions without units included, with NaN shares),
    with the country share alongside and a rank (1 = highest share not all) among the regions with
    at least ``SMALL_N`` responding units only: a region of one committee is never "rank 1"."""
    regions = reference.regions()[["region_kod", "region", "region_short"]]
    counts = _counts(status[status["unit_type"] == unit_type], ["unit_type", "region_kod"])
    out = regions.merge(counts.drop(columns="unit_type"), on="region_kod", how="left")
    out[COUNT_COLUMNS] = out[COUNT_COLUMNS].fillna(0).astype("int64")
    out["unit_type"] = unit_type
    out = _with_country(add_shares(out), status)
    ranked = out["share_not_all"].where(out["n_responded"] >= SMALL_N)
    out["rank"] = ranked.rank(ascending=False, method="min").astype("Int64")
    return out


def by_kommun(status: pd.DataFrame, unit_type: str, region_kod: str | None = None) -> pd.DataFrame:
    """All municipalities (of one region, or all 290) for one unit type, with region and country alongside."""
    kommuner = reference.municipalities()[["kommun_kod", "kommun", "region_kod", "region"]]
    if region_kod:
        kommuner = kommuner[kommuner["region_kod"] == region_kod]
    counts = _counts(status[status["unit_type"] == unit_type], ["kommun_kod"])
    out = kommuner.merge(counts, on="kommun_kod", how="left")
    out[COUNT_COLUMNS] = out[COUNT_COLUMNS].fillna(0).astype("int64")
    out["unit_type"] = unit_type
    out = _with_country(add_shares(out), status)
    region = by_region(status, unit_type)[["region_kod", "share_not_all", "n_responded"]].rename(
        columns={"share_not_all": "region_share_not_all", "n_responded": "region_n_responded"})
    return out.merge(region, on="region_kod", how="left").reset_index(drop=True)


def by_provision(units: pd.DataFrame, answers: pd.DataFrame, unit_type: str,
                 catalogue: pd.DataFrame | None = None, region_kod: str | None = None,
                 kommun_kod: str | None = None) -> pd.DataFrame:
    """Per provision of one unit type: counts of each answer among responding units, the share
    not answered ``ja``, and the same share for the whole country alongside."""
    catalogue = provisions.catalogue() if catalogue is None else catalogue
    cat = catalogue[catalogue["unit_type"] == unit_type]
    responding = units[(units["unit_type"] == unit_type) & units["responded"].astype(bool)]

    def table(sel: pd.DataFrame) -> pd.DataFrame:
        pairs = provisions.unit_answers(sel, answers, cat)
        t = pd.crosstab(pairs["provision_id"], pairs["answer"]).reindex(
            index=cat["provision_id"], columns=["ja", "nej", "vet_ej", "saknas"], fill_value=0)
        t.columns = [f"n_{c}" for c in t.columns]
        t.index.name = "provision_id"
        t = t.reset_index()
        t["n"] = t[["n_ja", "n_nej", "n_vet_ej", "n_saknas"]].sum(axis=1)
        t["share_not_ja"] = (t["n"] - t["n_ja"]) / t["n"].where(t["n"] > 0)
        return t

    sel = responding
    if region_kod:
        sel = sel[sel["region_kod"] == region_kod]
    if kommun_kod:
        sel = sel[sel["kommun_kod"] == kommun_kod]
    out = table(sel).merge(table(responding)[["provision_id", "share_not_ja", "n"]].rename(
        columns={"share_not_ja": "country_share_not_ja", "n": "country_n"}), on="provision_id")
    return cat[["provision_id", "title_sv", "title_en", "reference", "general_advice"]].merge(out, on="provision_id")


def unit_answers(units: pd.DataFrame, answers: pd.DataFrame, unit_id: str,
                 catalogue: pd.DataFrame | None = None) -> pd.DataFrame:
    """One unit's answer on each provision of its type, with the provision's text and reference."""
    catalogue = provisions.catalogue() if catalogue is None else catalogue
    unit = units[units["unit_id"] == unit_id]
    pairs = provisions.unit_answers(unit, answers, catalogue)
    return pairs.merge(catalogue.drop(columns=["unit_type", "general_advice"]), on="provision_id")


def too_few(n_responded: float) -> bool:
    """True when a share of ``n_responded`` units would mislead: shown as a count instead."""
    return not n_responded >= SMALL_N


def area_status(n_responded: int, n_not_all: int, n_none: int) -> str:
    """An area with too few units for a share, told by its units' status (the points' categories):
    follows_all when every responding unit does, follows_none when every one follows none,
    not_all when at least one does not follow all, no_answer when none responded."""
    if not n_responded:
        return "no_answer"
    if not n_not_all:
        return "follows_all"
    if n_none == n_responded:
        return "follows_none"
    return "not_all"


# Every column that holds a share, a difference of shares or a rank, and the counts it rests on.
# The country's and the region's shares beside an area rest on the country's and the region's counts:
# they stay unless those are small too (a small imported round can be small as a whole).
SHARE_BASIS: dict[str, tuple[str, ...]] = {
    "share_not_all": ("n_responded",),
    "share_none": ("n_responded",),
    "response_rate": ("n_units",),
    "diff_pp": ("n_responded", "country_n_responded"),
    "rank": ("n_responded",),
    "honest_rank": ("n_responded",),
    "country_share_not_all": ("country_n_responded",),
    "country_share_none": ("country_n_responded",),
    "country_response_rate": ("country_n_units",),
    "region_share_not_all": ("region_n_responded",),
    "share_not_all_prev": ("n_responded_prev",),
    "change_pp": ("n_responded", "n_responded_prev"),
    "share_not_ja": ("n",),
    "country_share_not_ja": ("country_n",),
}


def small_rows(df: pd.DataFrame, basis: tuple[str, ...]) -> pd.Series:
    """True on the rows where any of the ``basis`` counts is below ``SMALL_N`` (or unknown)."""
    small = pd.Series(False, index=df.index)
    for n_col in basis:
        small |= ~(pd.to_numeric(df[n_col], errors="coerce").fillna(0) >= SMALL_N)
    return small


def mask_small(df: pd.DataFrame) -> pd.DataFrame:
    """The one small-n rule for every output: ``df`` (any aggregation here, ``rounds.with_change``,
    ``rounds.trend`` ...) with each share, difference and rank left empty (NaN/NA) on the rows whose
    counts are below ``SMALL_N``; counts stay, and ``small_n`` says which rows are small.

    Why here and pure: tables for people, chart labels, map tooltips, slides, letters and the static
    edition all take their numbers through this, so none can show "1 av 1 (100 %)" or "rank 1" for
    one committee. A share column whose counts are missing raises: a caller that dropped the counts
    could not be checked, and a share that cannot be checked is not shown."""
    out = df.copy()
    for col, basis in SHARE_BASIS.items():
        if col not in out.columns:
            continue
        missing = [n for n in basis if n not in out.columns]
        if missing:
            raise ValueError(f"{col} needs {', '.join(missing)} to apply the small-n rule")
        out[col] = out[col].mask(small_rows(out, basis))
    own = next((c for c in ("n_responded", "n") if c in out.columns), None)
    if own is not None:
        out["small_n"] = small_rows(out, (own,)).to_numpy(dtype=bool)
    return out


def honest_rank(df: pd.DataFrame, n_col: str = "n_responded", share_col: str = "share_not_all") -> pd.DataFrame:
    """Rank areas by share (1 = highest), but only those with at least ``SMALL_N`` responding
    units; smaller areas get no rank and are sorted after all ranked ones, so a 1-of-1 never
    tops a list on share alone. Returns ``df`` sorted, with ``honest_rank`` and ``small_n``."""
    out = df.copy()
    out["small_n"] = out[n_col] < SMALL_N
    big = ~out["small_n"] & out[share_col].notna()
    out["honest_rank"] = out[share_col].where(big).rank(ascending=False, method="min").astype("Int64")
    return out.sort_values(["small_n", share_col, n_col], ascending=[True, False, False],
                           na_position="last").reset_index(drop=True)


# --- population context (SCB, 31 December 2024) ---------------------------------------------------

PER_INHABITANTS = 10_000


def population_by_region() -> pd.DataFrame:
    """Inhabitants per region (the sum of its municipalities): region_kod, befolkning."""
    pop = reference.population()
    return pop.groupby("region_kod", as_index=False)["befolkning"].sum()


def units_per_inhabitants(status: pd.DataFrame, level: str, unit_type: str = "vardcentral") -> pd.DataFrame:
    """Units of one type per 10 000 inhabitants, for every region or every municipality (none = 0).

    ``level`` is "region" or "kommun". Returns the area code, befolkning, n_units and per_10000.
    Counts every unit of the round in the area, answered or not: it is about supply, not compliance."""
    code = "region_kod" if level == "region" else "kommun_kod"
    pop = population_by_region() if level == "region" else reference.population()[["kommun_kod", "befolkning"]]
    counts = status[status["unit_type"] == unit_type].groupby(code).size().rename("n_units")
    out = pop.merge(counts, left_on=code, right_index=True, how="left")
    out["n_units"] = out["n_units"].fillna(0).astype("int64")
    out["per_10000"] = out["n_units"] / out["befolkning"] * PER_INHABITANTS
    return out[[code, "befolkning", "n_units", "per_10000"]].reset_index(drop=True)
