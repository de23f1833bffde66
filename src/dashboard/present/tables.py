"""Tables for people: one step that turns an aggregation into the columns a person reads, used
by the screen (``screen.views``) and by every file (CSV, XLSX, slides).

Each caller says what it has (``REGIONS``, ``KOMMUNER``, ``PROVISIONS``, ``UNITS``, ``TREND``,
``PROVISION_TREND``): one small object per table kind, never a guess from the column names.

Why here, below ``export`` and ``screen``: this is where the small-n rule is applied for both
(``aggregate.mask_small``): an area with fewer than ``SMALL_N`` responding units keeps its counts
and loses its share, difference and rank, on the page and in every file alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from dashboard import i18n
from dashboard.domain import reference
from dashboard.figures import aggregate

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

UNIT_TYPES = ("vardcentral", "socialnamnd")  # in the order people read them: health centres first
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xml_safe(text: str) -> str:
    """Control characters from a user's file would make the XLSX/PPTX/DOCX invalid XML: drop them."""
    return _ILLEGAL_XML.sub("", text)


def _pct(share: pd.Series) -> pd.Series:
    return (pd.to_numeric(share, errors="coerce").astype(float) * 100).round(1)


def _pp(diff: pd.Series) -> pd.Series:
    """A difference in percentage points to one decimal; + 0.0 turns a rounded -0.04 into 0.0, not "-0,0"."""
    return pd.to_numeric(diff, errors="coerce").astype(float).round(1) + 0.0


def small_flag(df: pd.DataFrame, lang: str) -> dict[str, pd.Series]:
    """The column that says why a row has counts and no share: fewer than ``SMALL_N`` responded
    (areas with no responding unit have no share anyway and are not flagged)."""
    n = pd.to_numeric(df["n_responded"], errors="coerce").fillna(0)
    return {i18n.t("small_n_col", lang, limit=aggregate.SMALL_N): n.between(1, aggregate.SMALL_N - 1).astype(bool)}


def _int(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce").astype("Int64")


def trend_table(trend: pd.DataFrame, lang: str = "sv") -> pd.DataFrame:
    """``rounds.trend`` output: one row per round and scope (the country or a region)."""
    t = i18n.t
    trend = aggregate.mask_small(trend)
    scope = trend["scope"].map(lambda c: t("country", lang) if c == "country" else reference.region_name(str(c)))
    return pd.DataFrame({
        t("round", lang): trend["round"].astype(str),
        t("scope", lang): scope,
        t("n_responded", lang): _int(trend["n_responded"]),
        t("n_not_all", lang): _int(trend["n_not_all"]),
        t("share_not_all", lang) + " (%)": _pct(trend["share_not_all"]),
    }).reset_index(drop=True)


def provision_trend_table(prov: pd.DataFrame, lang: str = "sv") -> pd.DataFrame:
    """``rounds.provision_trend`` output: one row per round and provision."""
    t = i18n.t
    prov = aggregate.mask_small(prov)
    title = prov["title_en"] if lang == "en" else prov["title_sv"]
    return pd.DataFrame({
        t("round", lang): prov["round"].astype(str),
        t("provision", lang): prov["provision_id"].astype(str) + " " + title.astype(str),
        "n": _int(prov["n"]),
        t("share_not_ja", lang) + " (%)": _pct(prov["share_not_ja"]),
    }).reset_index(drop=True)


def _counts(df: pd.DataFrame, lang: str) -> dict[str, pd.Series]:
    """The columns every area table has: unit type, counts and the share not following all rules."""
    t = i18n.t
    return {
        t("unit_type", lang): df["unit_type"].map(lambda u: t(u, lang)),
        t("n_units", lang): _int(df["n_units"]),
        t("n_responded", lang): _int(df["n_responded"]),
        t("n_not_all", lang): _int(df["n_not_all"]),
        t("share_not_all", lang) + " (%)": _pct(df["share_not_all"]),
        t("n_none", lang): _int(df["n_none"]),
    }


def region_table(reg: pd.DataFrame, lang: str = "sv") -> pd.DataFrame:
    """``by_region`` output as a table for people: codes, names, counts and shares in percent (none
    for a region with fewer than ``SMALL_N`` responding units, and no rank)."""
    t = i18n.t
    reg = aggregate.mask_small(reg)
    return pd.DataFrame({
        t("exp_code_region", lang): reg["region_kod"].astype(str),
        t("region", lang): reg["region"].astype(str),
        **_counts(reg, lang),
        t("exp_share_none", lang): _pct(reg["share_none"]),
        t("exp_response_rate_pct", lang): _pct(reg["response_rate"]),
        t("exp_country_pct", lang): _pct(reg["country_share_not_all"]),
        t("diff_pp", lang): _pp(reg["diff_pp"]),
        t("rank", lang): _int(reg["rank"]),
        **small_flag(reg, lang),
    }).reset_index(drop=True)


def kommun_table(km: pd.DataFrame, lang: str = "sv") -> pd.DataFrame:
    """``by_kommun`` output as a table for people, with the region's and the country's share."""
    t = i18n.t
    km = aggregate.mask_small(km)
    return pd.DataFrame({
        t("exp_code_kommun", lang): km["kommun_kod"].astype(str),
        t("kommun", lang): km["kommun"].astype(str),
        t("region", lang): km["region"].astype(str),
        **_counts(km, lang),
        t("exp_region_pct", lang): _pct(km["region_share_not_all"]),
        t("exp_country_pct", lang): _pct(km["country_share_not_all"]),
        **small_flag(km, lang),
    }).reset_index(drop=True)


def provision_table(prov: pd.DataFrame, lang: str = "sv") -> pd.DataFrame:
    """``by_provision`` output: answers per provision, the share not answering yes and the country's."""
    t = i18n.t
    title_col = "title_en" if lang == "en" else "title_sv"
    prov = aggregate.mask_small(prov)
    return pd.DataFrame({
        t("provision", lang): prov["provision_id"].astype(str),
        t("exp_title_col", lang): prov[title_col].astype(str),
        t("exp_reference", lang): prov["reference"].fillna("").astype(str),
        t("exp_general_advice", lang): prov["general_advice"].map(lambda g: t("exp_yes" if g else "exp_no", lang)),
        t("ja", lang): _int(prov["n_ja"]),
        t("nej", lang): _int(prov["n_nej"]),
        t("vet_ej", lang): _int(prov["n_vet_ej"]),
        t("saknas", lang): _int(prov["n_saknas"]),
        "n": _int(prov["n"]),
        t("share_not_ja", lang) + " (%)": _pct(prov["share_not_ja"]),
        t("exp_country_pct", lang): _pct(prov["country_share_not_ja"]),
    }).reset_index(drop=True)


def units_table(status: pd.DataFrame, lang: str = "sv") -> pd.DataFrame:
    """Units (``unit_status`` rows) with their municipality, region and status."""
    t = i18n.t
    s = status.sort_values(["region_kod", "kommun_kod", "unit_type", "name"], kind="stable")
    return pd.DataFrame({
        t("exp_unit_id", lang): s["unit_id"].astype(str),
        t("exp_unit", lang): s["name"].astype(str).map(xml_safe),
        t("unit_type", lang): s["unit_type"].map(lambda u: t(u, lang)),
        t("exp_code_kommun", lang): s["kommun_kod"].astype(str),
        t("kommun", lang): s["kommun"].astype(str),
        t("region", lang): s["region"].astype(str),
        t("exp_responded", lang): s["responded"].map(lambda r: t("exp_yes" if bool(r) else "exp_no", lang)),
        t("exp_status", lang): s["status"].map(lambda x: t(x, lang)),
        t("exp_n_ja", lang): _int(s["n_ja"]),
        t("exp_n_rules", lang): _int(s["n_rules"]),
    }).reset_index(drop=True)


def map_measure(typ: str, level: str) -> str:
    """The unit type that colours the areas, as on the map page: the chosen one, or by default
    health centres per region and social welfare committees per municipality."""
    if typ in UNIT_TYPES:
        return typ
    return "vardcentral" if level == "region" else "socialnamnd"


def map_table(status: pd.DataFrame, level: str, unit_type: str, region: str = "") -> pd.DataFrame:
    """The aggregation behind a map: ``by_region`` or ``by_kommun`` (of one region or all)."""
    if level == "region":
        return aggregate.by_region(status, unit_type)
    return aggregate.by_kommun(status, unit_type, region or None)


def change_columns(df: pd.DataFrame, lang: str = "sv") -> dict[str, pd.Series]:
    """The change since the compare round, when the frame carries it (``rounds.with_change``): in
    percentage points only where both rounds have at least ``SMALL_N`` responding units; the change
    in the count always."""
    if "change_pp" not in df.columns:
        return {}
    df = aggregate.mask_small(df).reset_index(drop=True)
    return {i18n.t("change_pp", lang): _pp(df["change_pp"]), i18n.t("change_n", lang): _int(df["change_n_not_all"])}


def screen_region_table(reg: pd.DataFrame, lang: str = "sv") -> pd.DataFrame:
    """The region table the screen shows: the file's table (``region_table``) without codes and the
    columns a person finds in the file only, plus the change since the compare round when there is one."""
    t = i18n.t
    full = region_table(reg, lang)
    cols = [t("region", lang), t("n_responded", lang), t("n_not_all", lang), t("share_not_all", lang) + " (%)",
            t("n_none", lang), t("diff_pp", lang), t("rank", lang), t("small_n_col", lang, limit=aggregate.SMALL_N)]
    out = full[cols]
    extra = change_columns(reg, lang)
    return out.assign(**extra) if extra else out


def screen_kommun_table(km: pd.DataFrame, lang: str = "sv") -> pd.DataFrame:
    """The municipality table the screen shows: the file's table (``kommun_table``) without codes,
    region and country, plus the change since the compare round when there is one."""
    t = i18n.t
    full = kommun_table(km, lang)
    cols = [t("kommun", lang), t("n_responded", lang), t("n_not_all", lang), t("share_not_all", lang) + " (%)",
            t("n_none", lang), t("small_n_col", lang, limit=aggregate.SMALL_N)]
    out = full[cols]
    extra = change_columns(km, lang)
    return out.assign(**extra) if extra else out


def screen_provision_table(prov: pd.DataFrame, lang: str = "sv") -> pd.DataFrame:
    """The answers per provision the screen shows under its chart: the file's table (``provision_table``)
    with the provision's id and title in one column, without reference and advice columns."""
    t = i18n.t
    full = provision_table(prov, lang)
    label = full[t("provision", lang)] + " " + full[t("exp_title_col", lang)]
    cols = [t("ja", lang), t("nej", lang), t("vet_ej", lang), t("saknas", lang), "n",
            t("share_not_ja", lang) + " (%)", t("exp_country_pct", lang)]
    return full[cols].assign(**{t("provision", lang): label})[[t("provision", lang), *cols]]


def ranking_table(ranked: pd.DataFrame, name_key: str, name_col: str, lang: str = "sv") -> pd.DataFrame:
    """An honest ranking (``aggregate.honest_rank`` output) for people: rank, name, n, the count and
    the share with its count ("20 av 27 (74 %)", only the count below ``SMALL_N``), the difference
    against the country, and the small-n flag."""
    t = i18n.t
    masked = aggregate.mask_small(ranked)
    return pd.DataFrame({
        t("rank", lang): _int(masked["honest_rank"]),
        t(name_key, lang): ranked[name_col],
        "n": _int(ranked["n_responded"]),
        t("n_not_all", lang): _int(ranked["n_not_all"]),
        t("share_not_all", lang): [i18n.fmt_share(k, n, lang, small_n=aggregate.SMALL_N) for k, n in
                                   zip(ranked["n_not_all"], ranked["n_responded"], strict=True)],
        t("share_not_all", lang) + " (%)": _pct(masked["share_not_all"]),
        t("diff_pp", lang): _pp(masked["diff_pp"]),
        **small_flag(ranked, lang),
    }).reset_index(drop=True)


def decimals(values: pd.Series, most: int = 2) -> int:
    """How many decimals a column of numbers needs (at most ``most``): 0 for counts, 1 for "74,1"."""
    v = pd.to_numeric(values, errors="coerce").astype(float).dropna()
    for d in range(most):
        if ((v * 10**d).round(6) % 1 == 0).all():
            return d
    return most


def styled(df: pd.DataFrame, lang: str = "sv") -> Styler:
    """A table for the screen with numbers as the language writes them ("74,1" and "1 136" in
    Swedish), each column with the decimals it needs and a blank where there is no figure. Why a
    Styler: ``st.dataframe`` shows its display texts but sorts by the numbers underneath, which
    strings in the cells would not."""
    sv = lang != "en"
    style = df.style
    for col in df.columns:
        if pd.api.types.is_numeric_dtype(df[col]) and not pd.api.types.is_bool_dtype(df[col]):
            style = style.format(precision=decimals(df[col]), decimal="," if sv else ".",
                                 thousands="\u00a0" if sv else ",", na_rep="", subset=[col])
    return style


def _rates(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Health centres per 10 000 inhabitants for people (the screen's table beside the rate map)."""
    from dashboard.figures import population

    return population.rate_people_table(table, lang)


@dataclass(frozen=True)
class TableKind:
    """What a table is (which aggregation made it), so a caller says it instead of a guess from columns.

    ``people(df, lang)`` is that kind's table for people; ``name`` is used in file names and tests.
    """

    name: str
    build: Callable[[pd.DataFrame, str], pd.DataFrame]

    def people(self, df: pd.DataFrame, lang: str = "sv") -> pd.DataFrame:
        return self.build(df, lang)


REGIONS = TableKind("regions", region_table)  # aggregate.by_region
KOMMUNER = TableKind("kommuner", kommun_table)  # aggregate.by_kommun
PROVISIONS = TableKind("provisions", provision_table)  # aggregate.by_provision
UNITS = TableKind("units", units_table)  # aggregate.unit_status rows
TREND = TableKind("trend", trend_table)  # rounds.trend
PROVISION_TREND = TableKind("provision_trend", provision_trend_table)  # rounds.provision_trend
RATES = TableKind("rates", lambda df, lang: _rates(df, lang))  # population.rate_table
AS_IS = TableKind("as_is", lambda df, lang: df.reset_index(drop=True))  # already a table for people
