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
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
import plotly.graph_objects as go

from dashboard import aggregate, charts, export, i18n, provisions, reference
from dashboard.aggregate import SMALL_N
from dashboard.levels import LEVELS

FACTORS: tuple[str, ...] = ("provisions", "none", "noanswer", "worse")
PROVISION_WEIGHT = 1.0
FACTOR_WEIGHTS: dict[str, float] = {"none": 2.0, "noanswer": 3.0, "worse": 2.0}
W_MIN, W_MAX, W_STEP = 0.0, 10.0, 0.5
MIN_N = SMALL_N  # the same small-n rule as every ranking
TOP_N = 25
UNIT_PLURAL = {"vardcentral": "vardcentraler", "socialnamnd": "socialnamnder"}
AREAS: dict[str, tuple[str, str]] = {key: (lv.code, lv.name) for key, lv in LEVELS.items()}

# Okabe–Ito colours as the status colours elsewhere, plus a pattern so colour is never alone.
FACTOR_COLOURS = {"provisions": "#E69F00", "none": "#D55E00", "noanswer": "#999999", "worse": "#CC79A7"}
FACTOR_PATTERNS = {"provisions": "", "none": "/", "noanswer": "x", "worse": "."}

# --- the maternity-care context indicator (real, public) ------------------------------------------

MATERNITY_SOURCE = "SCB, graviditetsregistret"
MATERNITY_YEARS: tuple[int, ...] = (2011, 2019, 2020, 2021)
# Share (%) of women asked about exposure to violence at a maternity care visit, by region
# (short names as in reference.REGIONS), exactly as in shared/reference/published-figures.md.
MATERNITY_CARE: dict[str, tuple[int, int, int, int]] = {
    "Blekinge": (52, 95, 98, 99),
    "Dalarna": (17, 90, 93, 95),
    "Gotland": (96, 98, 96, 99),
    "Gävleborg": (61, 92, 94, 97),
    "Halland": (60, 90, 94, 95),
    "Jämtland Härjedalen": (70, 95, 95, 96),
    "Jönköpings län": (22, 96, 97, 98),
    "Kalmar län": (36, 98, 98, 98),
    "Kronoberg": (82, 90, 91, 93),
    "Norrbotten": (35, 89, 90, 91),
    "Skåne": (27, 96, 96, 97),
    "Stockholm": (31, 94, 95, 95),
    "Sörmland": (41, 91, 93, 97),
    "Uppsala": (48, 90, 91, 95),
    "Värmland": (76, 96, 95, 97),
    "Västerbotten": (86, 97, 98, 98),
    "Västernorrland": (87, 99, 99, 98),
    "Västmanland": (81, 93, 96, 97),
    "Västra Götaland": (49, 93, 94, 95),
    "Örebro län": (82, 98, 97, 96),
    "Östergötland": (55, 96, 94, 95),
}
MATERNITY_COUNTRY: tuple[int, int, int, int] = (47, 94, 95, 96)

# --- strings ----------------------------------------------------------------------------------------

STRINGS: dict[str, tuple[str, str]] = {
    "risk_intro": (
        "Riskbilden hjälper dig att välja var tillsynen ska börja. Varje enhet får en poäng som är summan "
        "av några tydliga faktorer. Varje faktors bidrag syns för sig, och du kan ändra vikterna. Poängen "
        "är ett stöd för att prioritera, inte ett omdöme om enheten.",
        "The risk view helps you decide where supervision should start. Each unit gets a score that is the "
        "sum of a few plain factors. Each factor's contribution is shown on its own, and you can change the "
        "weights. The score is an aid to prioritising, not a judgement of the unit.",
    ),
    "risk_privacy": (
        "Dataskydd: poängen gäller organisationer (socialnämnder och vårdcentraler), inte personer. "
        "Inga personuppgifter används.",
        "Data protection: the scores are about organisations (social welfare committees and health "
        "centres), not people. No personal data is used.",
    ),
    "risk_how": ("Så räknas poängen", "How the score is computed"),
    "risk_how_text": (
        "Poäng = summan av vikt × faktor. Varje faktor är 0 eller 1 per enhet. Vårdcentraler och "
        "socialnämnder rangordnas var för sig, eftersom de har olika regler. För en kommun eller region "
        "visas medelpoängen för dess enheter, med antalet enheter (n).",
        "Score = the sum of weight × factor. Each factor is 0 or 1 per unit. Health centres and social "
        "welfare committees are ranked separately, because they have different rules. For a municipality "
        "or region the mean score of its units is shown, with the number of units (n).",
    ),
    "risk_factors": ("Faktorer", "Factors"),
    "risk_f_provisions": ("Regler som inte följs eller är okända", "Rules not met or not known"),
    "risk_f_none": ("Följer ingen regel eller vet inte", "Follows none of the rules or does not know"),
    "risk_f_noanswer": ("Har inte svarat på enkäten", "Did not answer the survey"),
    "risk_f_worse": ("Sämre än förra omgången", "Worse than the previous round"),
    "risk_x_provisions": (
        "För varje bindande regel (ska) som enheten har svarat nej eller vet ej på, eller inte besvarat: "
        "regelns vikt. Allmänna råd (bör) räknas inte, precis som i andelen som inte följer alla regler.",
        "For each binding rule (shall) the unit answered no or don't know to, or left unanswered: that "
        "rule's weight. General advice (should) is not counted, just as in the share not following all rules.",
    ),
    "risk_x_none": (
        "Enheten har inte svarat ja på någon bindande regel. Vikten läggs till en gång, utöver reglerna.",
        "The unit answered yes to none of the binding rules. The weight is added once, on top of the rules.",
    ),
    "risk_x_noanswer": (
        "Enheten har inte svarat på enkäten. Då vet vi inget om reglerna, så de räknas inte; i stället "
        "läggs den här vikten till.",
        "The unit did not answer the survey. Then nothing is known about the rules, so they are not "
        "counted; this weight is added instead.",
    ),
    "risk_x_worse": (
        "Enheten har fler bindande regler som inte är ja än i förra omgången (samma enhets-id). Räknas "
        "bara när det finns en tidigare omgång och enheten svarade båda gångerna.",
        "The unit has more binding rules not answered yes than in the previous round (same unit id). "
        "Counted only when there is an earlier round and the unit answered both times.",
    ),
    "risk_prev": ("Försämring jämförs med omgång {round}.", "Getting worse is compared with round {round}."),
    "risk_no_prev": (
        "Det finns ingen tidigare omgång att jämföra med, så faktorn ”sämre än förra omgången” är 0 för alla.",
        "There is no earlier round to compare with, so the factor “worse than the previous round” is 0 for all.",
    ),
    "risk_weights": ("Vikter", "Weights"),
    "risk_weights_help": (
        "Standard: varje bindande regel 1, följer ingen regel 2, inget svar 3, sämre än förra omgången 2. "
        "Vikterna sparas i adressen (w=…), så en delad länk visar samma lista.",
        "Default: each binding rule 1, follows none 2, no answer 3, worse than the previous round 2. "
        "The weights are kept in the address (w=…), so a shared link shows the same list.",
    ),
    "risk_weights_changed": ("Vikterna är ändrade: {weights}", "Weights changed: {weights}"),
    "risk_reset": ("Återställ standardvikter", "Reset to default weights"),
    "risk_weight_of": ("Vikt", "Weight"),
    "risk_units": ("Enheter", "Units"),
    "risk_score": ("Poäng", "Score"),
    "risk_mean_score": ("Medelpoäng", "Mean score"),
    "risk_contribution": ("bidrag", "contribution"),
    "risk_not_ja": ("Regler inte ja", "Rules not yes"),
    "risk_prev_not_ja": ("Regler inte ja förra omgången", "Rules not yes in the previous round"),
    "risk_unit_id": ("Enhets-id", "Unit id"),
    "risk_top_title": ("De {n} {units} med högst poäng", "The {n} {units} with the highest score"),
    "risk_area_title": ("Medelpoäng per {level}, {units}", "Mean score by {level}, {units}"),
    "risk_level_region": ("region", "region"),
    "risk_level_kommun": ("kommun", "municipality"),
    "risk_axis": ("Poäng (summa av bidragen)", "Score (sum of the contributions)"),
    "risk_caption_top": ("Högst poäng: {name}, {score} ({parts}).", "Highest score: {name}, {score} ({parts})."),
    "risk_caption_ties": ("{k} i diagrammet har samma högsta poäng.", "{k} in the chart share the highest score."),
    "risk_caption_none": ("Ingen enhet har poäng över 0.", "No unit scores above 0."),
    "risk_small_n": (
        "Kommuner och regioner med färre än 5 enheter rangordnas inte: de listas sist, utan rang, eftersom "
        "ett medelvärde av några få enheter kan bero på en enda enhet.",
        "Municipalities and regions with fewer than 5 units are not ranked: they are listed last, without a "
        "rank, because a mean of a few units can hinge on a single unit.",
    ),
    "risk_chart_ranked_only": ("Diagrammet visar bara områden med minst 5 enheter.",
                               "The chart shows only areas with at least 5 units."),
    "risk_all_table": ("Hela listan", "The full list"),
    "risk_select_hint": ("Välj en rad för att öppna sidan.", "Select a row to open its page."),
    "risk_filters_note": (
        "Filtren för regel och svar gäller inte här: poängen bygger på alla regler.",
        "The provision and answer filters do not apply here: the score uses all rules.",
    ),
    "risk_download_csv": ("Ladda ner listan (CSV)", "Download the list (CSV)"),
    "risk_download_xlsx": ("Ladda ner listan (Excel)", "Download the list (Excel)"),
    "risk_date": ("Datum", "Date"),
    "risk_weights_url": ("Vikter (som i adressen)", "Weights (as in the address)"),
    "risk_level": ("Nivå", "Level"),
    "risk_prev_round": ("Jämförd med omgång", "Compared with round"),
    "risk_method_row": (
        "Poäng = summan av vikt × faktor (0 eller 1). Områden: medelvärde över enheterna; färre än 5 "
        "enheter rangordnas inte.",
        "Score = sum of weight × factor (0 or 1). Areas: mean over the units; fewer than 5 units are not ranked.",
    ),
    "risk_maternity_heading": ("Sammanhang: frågor om våld i mödrahälsovården",
                               "Context: questions about violence in maternity care"),
    "risk_maternity_text": (
        "Andel kvinnor som tillfrågats om våld vid besök i mödrahälsovården, per region. Det här är "
        "verklig offentlig statistik, inte exempeldata. Den visas som sammanhang och ingår inte i poängen: "
        "den gäller regionernas mödrahälsovård, inte de enheter som besvarat enkäten.",
        "Share of women asked about violence at a maternity care visit, by region. These are real public "
        "statistics, not example data. They are shown as context and are not part of the score: they concern "
        "the regions' maternity care, not the units that answered the survey.",
    ),
    "risk_maternity_col": ("Mödrahälsovård: tillfrågade om våld {year} (%)",
                           "Maternity care: asked about violence {year} (%)"),
    "risk_maternity_col_note": (
        "Kolumnen om mödrahälsovården är sammanhang och ingår inte i poängen: verklig statistik från "
        "{source}, {year}. Mer om den längst ner på sidan.",
        "The maternity-care column is context and not part of the score: real statistics from {source}, "
        "{year}. More about it at the bottom of the page.",
    ),
    "risk_maternity_title": ("Andel kvinnor som tillfrågats om våld i mödrahälsovården",
                             "Share of women asked about violence in maternity care"),
    "risk_maternity_sub": ("Per region, {first} och {last} · verkliga siffror", "By region, {first} and {last} · real figures"),
    "risk_maternity_source": ("Källa: {source}, {years}", "Source: {source}, {years}"),
    "risk_maternity_caption": (
        "Lägst {last}: {low_name} {low} %. Högst: {high_name} {high} %. Riket: {country} % ({first}: {country_first} %).",
        "Lowest {last}: {low_name} {low}%. Highest: {high_name} {high}%. Country: {country}% ({first}: {country_first}%).",
    ),
}
i18n.register(STRINGS)


def factor_label(factor: str, lang: str) -> str:
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


def _num(value: float) -> str:
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
            parts.append(f"{key}:{_num(value)}")
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


# --- the maternity-care indicator -------------------------------------------------------------------

def maternity_care() -> pd.DataFrame:
    """The 21 regions with the SCB share (%) for each year in ``MATERNITY_YEARS`` (columns ``y2011``…)."""
    codes = {short: code for code, (_, short) in reference.REGIONS.items()}
    rows = []
    for short, values in MATERNITY_CARE.items():
        code = codes[short]
        row = {"region_kod": code, "region": reference.REGIONS[code][0], "region_short": short}
        row.update({f"y{year}": v for year, v in zip(MATERNITY_YEARS, values, strict=True)})
        rows.append(row)
    return pd.DataFrame(rows).sort_values("region_kod").reset_index(drop=True)


def maternity_source(lang: str) -> str:
    years = ", ".join(str(y) for y in MATERNITY_YEARS)
    return i18n.t("risk_maternity_source", lang, source=MATERNITY_SOURCE, years=years)


# --- tables as shown and exported -------------------------------------------------------------------

def _not_ja_list(row: pd.Series, pids: list[str]) -> str:
    return ", ".join(p for p in pids if row.get(f"x_{p}") == 1)


def unit_export(ranked: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The ranked units with localised headers: rank, unit, place, score, each factor's and each
    rule's contribution, and the rules not ``ja``. The same table is shown and downloaded."""
    pids = provision_columns(ranked)
    contrib = i18n.t("risk_contribution", lang)
    data: dict[str, object] = {
        i18n.t("rank", lang): ranked["rank"],
        i18n.t("page_unit", lang): ranked["name"],
        i18n.t("risk_unit_id", lang): ranked["unit_id"],
        i18n.t("kommun", lang): ranked["kommun"],
        i18n.t("region", lang): ranked["region"],
        i18n.t("risk_score", lang): ranked["score"].round(2),
    }
    for factor in FACTORS:
        data[f"{factor_label(factor, lang)} ({contrib})"] = ranked[f"c_{factor}"].round(2)
    data[i18n.t("risk_not_ja", lang)] = [_not_ja_list(r, pids) if r["responded"] else i18n.t("no_answer", lang)
                                         for _, r in ranked.iterrows()]
    for p in pids:
        data[f"{p} ({contrib})"] = ranked[f"c_{p}"].round(2)
    data[i18n.t("risk_prev_not_ja", lang)] = ranked["prev_n_not_ja"].astype("Float64")
    return pd.DataFrame(data)


def area_export(areas: pd.DataFrame, level: str, lang: str, with_maternity: bool = False) -> pd.DataFrame:
    """Ranked areas with localised headers: rank (blank when n < 5), name, n, mean score and the mean
    contribution of each factor; for regions optionally the maternity-care context, labelled as such."""
    code, name = AREAS[level]
    contrib = i18n.t("risk_contribution", lang)
    data: dict[str, object] = {
        i18n.t("rank", lang): areas["rank"],
        i18n.t(level, lang): areas[name],
        "n": areas["n_units"],
        i18n.t("n_responded", lang): areas["n_responded"],
        i18n.t("risk_mean_score", lang): areas["score"].round(2),
    }
    for factor in FACTORS:
        data[f"{factor_label(factor, lang)} ({contrib})"] = areas[f"c_{factor}"].round(2)
    data["n < 5"] = ~areas["ranked"] & (areas["n_units"] > 0)
    if with_maternity and level == "region":
        year = MATERNITY_YEARS[-1]
        mc = maternity_care().set_index("region_kod")[f"y{year}"]
        label = f"{i18n.t('risk_maternity_col', lang, year=year)} [{MATERNITY_SOURCE}]"
        data[label] = areas[code].map(mc).astype("Int64")
    return pd.DataFrame(data)


@dataclass(frozen=True)
class RiskAbout(export.About):
    """``export.About`` (title, source, round, selection, example notice, date) plus the risk view's own
    rows: level, unit type, compared round, the weights (as in the URL and one per row) and the method."""

    extra: tuple[tuple[str, str], ...] = ()

    def rows(self) -> list[tuple[str, str]]:
        return [*super().rows(), *self.extra]


def export_about(lang: str, round_name: str, previous: str, level: str, unit_type: str, scope: str,
                 weights: Mapping[str, float], synthetic: bool,
                 catalogue: pd.DataFrame | None = None) -> RiskAbout:
    """The file's description sheet, so a downloaded list says how it was ranked."""
    catalogue = provisions.catalogue() if catalogue is None else catalogue
    defaults = default_weights([unit_type], catalogue)
    title_col = "title_en" if lang == "en" else "title_sv"
    titles = dict(zip(catalogue["provision_id"], catalogue[title_col], strict=True))
    level_word = i18n.t("risk_units", lang) if level == "unit" else i18n.t(f"risk_level_{level}", lang)
    full = encode_weights(weights, defaults, full=True)
    extra: list[tuple[str, str]] = [
        (i18n.t("unit_type", lang), i18n.t(unit_type, lang)),
        (i18n.t("risk_level", lang), level_word),
        (i18n.t("risk_prev_round", lang), previous or "–"),
        (i18n.t("risk_weights_url", lang), full),
    ]
    for key in defaults:
        label = f"{key} {titles[key]}" if key in titles else factor_label(key, lang)
        extra.append((f"{i18n.t('risk_weight_of', lang)}: {label}", _num(float(weights.get(key, defaults[key])))))
    extra.append((i18n.t("risk_score", lang), i18n.t("risk_method_row", lang)))
    if level == "region":
        extra.append((i18n.t("risk_maternity_heading", lang), maternity_source(lang)))
    title = f"{i18n.t('page_risk', lang)}: {i18n.t(UNIT_PLURAL[unit_type], lang)}, {level_word.lower()}"
    filters = f"{i18n.t('risk_weights', lang)}: {full}"
    return RiskAbout(title=title, round=round_name, selection=scope, filters=filters, synthetic=synthetic,
                     lang=lang, extra=tuple(extra))


def export_table(table: pd.DataFrame, weights: Mapping[str, float], unit_type: str, today: dt.date,
                 lang: str) -> pd.DataFrame:
    """The shown table plus the weights and the date on every row (a CSV has no description sheet),
    yes/no in words."""
    out = table.copy()
    for col in out.columns:
        if pd.api.types.is_bool_dtype(out[col]):
            out[col] = out[col].map(lambda v: i18n.t("ja" if v else "nej", lang))
    out[i18n.t("risk_weights", lang)] = encode_weights(weights, default_weights([unit_type]), full=True)
    out[i18n.t("risk_date", lang)] = today.isoformat()
    return out


def to_csv(table: pd.DataFrame, about: RiskAbout) -> bytes:
    """CSV for Swedish Excel through ``export.table_csv``: the same formula neutralising as every export."""
    return export.table_csv(table, about)


def to_xlsx(table: pd.DataFrame, about: RiskAbout) -> bytes:
    """XLSX through ``export.table_xlsx``: the list, then the description sheet with the weights."""
    return export.table_xlsx(table, about, sheet=i18n.t("page_risk", about.lang))


def file_name(unit_type: str, level: str, round_name: str, today: dt.date, ext: str) -> str:
    safe = re.sub(r"[^\w.-]+", "_", round_name, flags=re.ASCII).strip("_") or "omgang"
    return f"riskbild_{unit_type}_{level}_{safe}_{today.isoformat()}.{ext}"


# --- figures ----------------------------------------------------------------------------------------

def contribution_bar(df: pd.DataFrame, labels: Sequence[str], lang: str, title: str, subtitle: str,
                     source: str) -> go.Figure:
    """One horizontal bar per row (highest on top), stacked by factor, so the reason for a rank shows."""
    d = df.iloc[::-1]
    ylabels = list(labels)[::-1]
    fig = go.Figure()
    for factor in FACTORS:
        label = factor_label(factor, lang)
        fig.add_trace(go.Bar(
            x=d[f"c_{factor}"], y=ylabels, orientation="h", name=label,
            marker={"color": FACTOR_COLOURS[factor], "pattern": {"shape": FACTOR_PATTERNS[factor]},
                    "line": {"color": "#333", "width": 0.5}},
            hovertemplate="%{y}: %{x:.2f}<extra>" + label + "</extra>",
        ))
    fig.update_layout(barmode="stack")
    fig.update_yaxes(type="category", automargin=True)
    fig.update_xaxes(title=i18n.t("risk_axis", lang), rangemode="tozero")
    fig = charts._layout(fig, title, subtitle, source, height=max(380, 26 * len(d) + 230))
    # Four factors wrap to two legend rows: give them room above the bars instead of over them.
    fig.update_layout(legend={"y": 1.01, "yanchor": "bottom", "traceorder": "normal"},
                      margin={"t": 130})
    return fig


def bar_labels(names: Sequence[str], ranks: Sequence[object], extra: Sequence[str] | None = None) -> list[str]:
    """"3. Name": the rank, shared by ties (never a made-up order); "–" for an unranked row. A
    repeated label gets ``extra`` (e.g. the unit id) so plotly does not merge two bars into one."""
    labels = [f"– {n}" if pd.isna(r) else f"{int(r)}. {n}" for n, r in zip(names, ranks, strict=True)]
    if extra is not None and len(set(labels)) < len(labels):
        labels = [f"{label} ({e})" for label, e in zip(labels, extra, strict=True)]
    return labels


def caption_contributions(df: pd.DataFrame, labels: Sequence[str], lang: str) -> str:
    """Text alternative: the top row's score and what it is made of."""
    if df.empty or not (df["score"] > 0).any():
        return i18n.t("risk_caption_none", lang)
    top = df.iloc[0]
    parts = ", ".join(f"{factor_label(f, lang).lower()} {_fmt(top[f'c_{f}'], lang)}"
                      for f in FACTORS if top[f"c_{f}"] > 0)
    text = i18n.t("risk_caption_top", lang, name=list(labels)[0], score=_fmt(top["score"], lang), parts=parts)
    tied = int((df["score"].round(9) == round(float(top["score"]), 9)).sum())
    return f"{text} {i18n.t('risk_caption_ties', lang, k=tied)}" if tied > 1 else text


def _fmt(value: float, lang: str) -> str:
    s = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return s.replace(".", ",") if lang != "en" else s


def maternity_chart(lang: str) -> go.Figure:
    """First and last year per region as dots (hollow, filled), sorted by the last year; country marked."""
    first, last = MATERNITY_YEARS[0], MATERNITY_YEARS[-1]
    mc = maternity_care().sort_values([f"y{last}", "region_short"], ascending=[True, False])
    fig = go.Figure()
    for year, symbol in ((first, "circle-open"), (last, "circle")):
        fig.add_trace(go.Scatter(
            x=mc[f"y{year}"], y=mc["region_short"], mode="markers", name=str(year),
            marker={"symbol": symbol, "size": 10, "color": charts.BAR_SELECTED, "line": {"width": 2}},
            hovertemplate="%{y} " + str(year) + ": %{x} %<extra></extra>",
        ))
    fig.add_vline(x=MATERNITY_COUNTRY[-1], line_dash="dash", line_color=charts.COUNTRY,
                  annotation_text=f"{i18n.t('country', lang)} {last}: {i18n.fmt_pct(MATERNITY_COUNTRY[-1] / 100, lang)}",
                  annotation_position="bottom left")
    fig.update_xaxes(title="%", range=[0, 102])
    fig.update_yaxes(type="category")
    return charts._layout(fig, i18n.t("risk_maternity_title", lang),
                          i18n.t("risk_maternity_sub", lang, first=first, last=last),
                          maternity_source(lang), height=max(420, 24 * len(mc) + 160))


def caption_maternity(lang: str) -> str:
    first, last = MATERNITY_YEARS[0], MATERNITY_YEARS[-1]
    mc = maternity_care().sort_values(f"y{last}")
    low, high = mc.iloc[0], mc.iloc[-1]
    return i18n.t("risk_maternity_caption", lang, last=last, first=first, low_name=low["region_short"],
                  low=low[f"y{last}"], high_name=high["region_short"], high=high[f"y{last}"],
                  country=MATERNITY_COUNTRY[-1], country_first=MATERNITY_COUNTRY[0])
