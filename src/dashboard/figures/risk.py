"""Risk view: a transparent, adjustable score per unit, and its aggregation to municipality and region.

Why: the government assignment (A2021/01714) asks IVO to develop tools to analyse risks, with data
protection in mind. The score helps an inspector decide where to look first; it is an aid to
prioritising, not a judgement, so every factor's contribution is its own column and the weights are
in the URL. The scores are about organisations (units), never about people.

Factors per unit (each 0 or 1, multiplied by its weight; ``score`` is the sum of the contributions):

- one per *binding* provision of the unit's type, answered ``nej``, ``vet_ej`` or ``saknas`` (not
  ``ja``): the compliance rule's own criterion. General advice is not a rule and is not scored;
- ``none``: the unit follows none of the rules or does not know (no binding provision ``ja``);
- ``noanswer``: the unit did not respond. Its provisions are then unknown, not counted as failed;
- ``worse``: more binding provisions not ``ja`` than in the previous round (units matched by
  ``unit_id``; 0 when there is no previous round or the unit did not respond in both).

Areas (municipality, region) get the mean over their units with n beside it; areas with fewer
than ``MIN_N`` units are listed after all others and not ranked, so a mean of one or two units
never tops a list. Scores compare units of one type only: the two types have different rules.

Pure: DataFrames in, DataFrames out; nothing here reads the database or draws. The tables for people
and the files' description are in ``risk_tables``, the figures in ``risk_charts``, the SCB
maternity-care context in ``maternity``, the words in strings.toml ([risk]).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

import pandas as pd

from dashboard import i18n
from dashboard.domain import provisions, reference
from dashboard.domain.levels import LEVELS
from dashboard.figures import aggregate
from dashboard.figures.aggregate import SMALL_N

FACTORS: tuple[str, ...] = ("provisions", "none", "noanswer", "worse")
PROVISION_WEIGHT = 1.0
FACTOR_WEIGHTS: dict[str, float] = {"none": 2.0, "noanswer": 3.0, "worse": 2.0}
W_MIN, W_MAX, W_STEP = 0.0, 10.0, 0.5
MIN_N = SMALL_N  # the same small-n rule as every ranking
TOP_N = 25
AREAS: dict[str, tuple[str, str]] = {key: (lv.code, lv.name) for key, lv in LEVELS.items()}


def factor_label(factor: str, lang: str) -> str:
    """A factor's name for people ("Har inte svarat på enkäten")."""
    return i18n.t(f"risk_f_{factor}", lang)


# --- weights ----------------------------------------------------------------------------------------

def default_weights(unit_types: Iterable[str] | None = None,
                    catalogue: pd.DataFrame | None = None) -> dict[str, float]:
    """Every binding provision 1 (no rule is assumed more important than another), then the factors."""
    if catalogue is None:  # the shipped catalogue: worked out once (weights are read many times a run)
        return dict(_shipped_default_weights(None if unit_types is None else tuple(unit_types)))
    rules = provisions.binding(catalogue)
    if unit_types is not None:
        rules = rules[rules["unit_type"].isin(list(unit_types))]
    weights = {str(p): PROVISION_WEIGHT for p in rules["provision_id"]}
    weights.update(FACTOR_WEIGHTS)
    return weights


@lru_cache(maxsize=16)
def _shipped_default_weights(unit_types: tuple[str, ...] | None) -> dict[str, float]:
    return default_weights(unit_types, provisions.catalogue())


def weight_text(value: float) -> str:
    """A weight as written in the URL and the files: "2", "0.5" (never "2.0")."""
    return f"{value:g}"


def encode_weights(weights: Mapping[str, float], defaults: Mapping[str, float] | None = None,
                   full: bool = False) -> str:
    """``"V1:2,none:3"``: only what differs from the defaults (``full``: everything), in a fixed order,
    so a URL stays short and the same weights always give the same string."""
    defaults = default_weights() if defaults is None else defaults
    parts = []
    for key, default in defaults.items():
        value = float(weights.get(key, default))
        if full or value != default:
            parts.append(f"{key}:{weight_text(value)}")
    return ",".join(parts)


def decode_weights(text: str | None, defaults: Mapping[str, float] | None = None) -> dict[str, float]:
    """The defaults, overridden by each valid ``key:value`` in ``text``. Unknown keys, values that are
    not numbers and values outside [W_MIN, W_MAX] are ignored rather than failing: a mistyped link
    still opens, with the defaults for what it got wrong."""
    weights = dict(default_weights() if defaults is None else defaults)
    for part in (text or "").split(","):
        key, sep, raw = part.partition(":")
        key = key.strip()
        if not sep or key not in weights:
            continue
        try:
            value = float(raw.strip())
        except ValueError:
            continue
        if math.isfinite(value) and W_MIN <= value <= W_MAX:
            weights[key] = round(value, 2)
    return weights


# --- rounds -----------------------------------------------------------------------------------------

def previous_round(rounds: Sequence[str], current: str) -> str:
    """The round just before ``current`` (rounds are ordered by name, as in ``datasets.rounds``); "" if none."""
    older = [r for r in rounds if r < current]
    return max(older) if older else ""


# --- factors and scores -----------------------------------------------------------------------------

def factor_table(units: pd.DataFrame, answers: pd.DataFrame, catalogue: pd.DataFrame | None = None,
                 previous: tuple[pd.DataFrame, pd.DataFrame] | None = None) -> pd.DataFrame:
    """One row per unit with each factor as 0/1 before weighting.

    Columns: identity (round, unit_id, unit_type, name, kommun_kod, kommun, region_kod, region),
    ``responded``; ``x_<provision>`` per binding provision (1 = not ``ja``, 0 = ``ja``, NaN = not the
    unit's type or unknown because it did not respond); ``n_rules``, ``n_not_ja`` (NaN if no answer);
    ``f_none``, ``f_noanswer``, ``f_worse`` (0/1) and ``prev_n_not_ja`` (NaN when not comparable).
    """
    catalogue = provisions.catalogue() if catalogue is None else catalogue
    rules = provisions.binding(catalogue)
    status = aggregate.unit_status(units, answers, catalogue)
    out = status[["round", "unit_id", "unit_type", "name", "kommun_kod", "kommun", "region_kod", "region"]].copy()
    responded = status["responded"].astype(bool).to_numpy()
    out["responded"] = responded
    pairs = provisions.unit_answers(units, answers, rules)
    pairs = pairs.assign(not_ja=(pairs["answer"] != "ja").astype("float64"))
    pids = [str(p) for p in rules["provision_id"]]
    if len(pairs):
        wide = pairs.pivot_table(index=["round", "unit_id"], columns="provision_id", values="not_ja",
                                 aggfunc="max", observed=True)
        wide = wide.reindex(columns=pids)
        wide.columns = [f"x_{p}" for p in wide.columns]
        wide = wide.reset_index()
        out = out.merge(wide, on=["round", "unit_id"], how="left")
    for p in pids:
        col = f"x_{p}"
        if col not in out.columns:
            out[col] = float("nan")
        out[col] = out[col].astype("float64").where(responded)
    xcols = [f"x_{p}" for p in pids]
    out["n_rules"] = status["n_rules"].fillna(0).astype("int64").to_numpy()
    out["n_not_ja"] = out[xcols].sum(axis=1, min_count=1).where(responded) if xcols else float("nan")
    out["f_none"] = status["follows_none"].fillna(False).astype(bool).astype("int64").to_numpy()
    out["f_noanswer"] = (~responded).astype("int64")
    out["prev_n_not_ja"] = float("nan")
    if previous is not None:
        prev_units, prev_answers = previous
        comp = provisions.compliance(prev_units, prev_answers, catalogue)
        prev = prev_units[["round", "unit_id", "responded"]].merge(comp, on=["round", "unit_id"], how="left")
        prev = prev[prev["responded"].astype(bool)]
        prev = prev.assign(prev_n_not_ja=(prev["n_rules"] - prev["n_ja"]).astype("float64"))
        prev = prev.drop_duplicates("unit_id", keep="last")[["unit_id", "prev_n_not_ja"]]
        out = out.drop(columns="prev_n_not_ja").merge(prev, on="unit_id", how="left")
    out["f_worse"] = (out["n_not_ja"] > out["prev_n_not_ja"]).fillna(False).astype(bool).astype("int64")
    return out.reset_index(drop=True)


def provision_columns(table: pd.DataFrame) -> list[str]:
    """The provision ids with an ``x_`` column that applies to at least one unit in ``table``."""
    return [c[2:] for c in table.columns if c.startswith("x_") and table[c].notna().any()]


def scores(table: pd.DataFrame, weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Weight each factor: ``c_<provision>``, ``c_provisions`` (their sum), ``c_none``, ``c_noanswer``,
    ``c_worse`` and ``score`` = the sum of the four factor contributions."""
    w = {**default_weights(), **(weights or {})}
    out = table.copy()
    pids = [c[2:] for c in table.columns if c.startswith("x_")]
    for p in pids:
        out[f"c_{p}"] = out[f"x_{p}"].fillna(0.0) * float(w.get(p, PROVISION_WEIGHT))
    out["c_provisions"] = out[[f"c_{p}" for p in pids]].sum(axis=1) if pids else 0.0
    for factor in ("none", "noanswer", "worse"):
        out[f"c_{factor}"] = out[f"f_{factor}"].astype("float64") * float(w[factor])
    out["score"] = out[[f"c_{f}" for f in FACTORS]].sum(axis=1)
    return out


def rank_units(scored: pd.DataFrame) -> pd.DataFrame:
    """Highest score first, with ``rank`` (ties share a rank); ties listed by more rules not ``ja``, then name."""
    key = scored["score"].round(9)
    out = scored.assign(_key=key, _n=scored["n_not_ja"].fillna(-1))
    out = out.sort_values(["_key", "_n", "name", "unit_id"], ascending=[False, False, True, True])
    out["rank"] = out["_key"].rank(ascending=False, method="min").astype("Int64")
    return out.drop(columns=["_key", "_n"]).reset_index(drop=True)


def by_area(scored: pd.DataFrame, level: str, min_n: int = MIN_N) -> pd.DataFrame:
    """Mean score and mean contributions per municipality or region, of units of one type.

    Columns: the area's code and name, ``n_units``, ``n_responded``, ``n_none``, ``n_worse``, ``score``
    and ``c_<factor>`` (means), ``ranked`` (n_units >= ``min_n``) and ``rank`` (only for ranked areas).
    Ranked areas come first by score; the rest follow, unranked. Regions: all 21, also without units.
    """
    code, name = AREAS[level]
    cols = ["score", *[f"c_{f}" for f in FACTORS]]
    s = scored.assign(_resp=scored["responded"].astype(bool).astype("int64"))
    grouped = s.groupby(code, observed=True)
    agg = grouped[cols].mean()
    agg["n_units"] = grouped.size()
    agg["n_responded"] = grouped["_resp"].sum()
    agg["n_none"] = grouped["f_none"].sum()
    agg["n_worse"] = grouped["f_worse"].sum()
    agg = agg.reset_index()
    if level == "region":
        areas = reference.regions()[["region_kod", "region", "region_short"]]
    else:
        areas = scored[["kommun_kod", "kommun", "region_kod", "region"]].drop_duplicates("kommun_kod")
    out = areas.merge(agg, on=code, how="left")
    for c in ("n_units", "n_responded", "n_none", "n_worse"):
        out[c] = out[c].fillna(0).astype("int64")
    out["ranked"] = (out["n_units"] >= min_n) & out["score"].notna()
    key = out["score"].round(9)
    out["rank"] = key.where(out["ranked"]).rank(ascending=False, method="min").astype("Int64")
    out = out.assign(_key=key).sort_values(["ranked", "_key", "n_units", name],
                                           ascending=[False, False, False, True], na_position="last")
    return out.drop(columns="_key").reset_index(drop=True)
