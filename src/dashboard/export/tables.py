"""Tables for people: one step that turns an aggregation into the columns a person reads, used
by the screen (``views``) and by every file (CSV, XLSX, slides).

Each caller says what it has (``REGIONS``, ``KOMMUNER``, ``PROVISIONS``, ``UNITS``, ``TREND``,
``PROVISION_TREND``): one small object per table kind, never a guess from the column names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from dashboard import i18n
from dashboard.domain import reference
from dashboard.export.common import UNIT_TYPES, xml_safe
from dashboard.figures import aggregate


def _pct(share: pd.Series) -> pd.Series:
    return (pd.to_numeric(share, errors="coerce").astype(float) * 100).round(1)


def _int(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce").astype("Int64")


def trend_table(trend: pd.DataFrame, lang: str = "sv") -> pd.DataFrame:
    """``rounds.trend`` output: one row per round and scope (the country or a region)."""
    t = i18n.t
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
    """``by_region`` output as a table for people: codes, names, counts and shares in percent."""
    t = i18n.t
    return pd.DataFrame({
        t("exp_code_region", lang): reg["region_kod"].astype(str),
        t("region", lang): reg["region"].astype(str),
        **_counts(reg, lang),
        t("exp_share_none", lang): _pct(reg["share_none"]),
        t("exp_response_rate_pct", lang): _pct(reg["response_rate"]),
        t("exp_country_pct", lang): _pct(reg["country_share_not_all"]),
        t("diff_pp", lang): pd.to_numeric(reg["diff_pp"], errors="coerce").astype(float).round(1),
        t("rank", lang): _int(reg["rank"]),
    }).reset_index(drop=True)


def kommun_table(km: pd.DataFrame, lang: str = "sv") -> pd.DataFrame:
    """``by_kommun`` output as a table for people, with the region's and the country's share."""
    t = i18n.t
    return pd.DataFrame({
        t("exp_code_kommun", lang): km["kommun_kod"].astype(str),
        t("kommun", lang): km["kommun"].astype(str),
        t("region", lang): km["region"].astype(str),
        **_counts(km, lang),
        t("exp_region_pct", lang): _pct(km["region_share_not_all"]),
        t("exp_country_pct", lang): _pct(km["country_share_not_all"]),
    }).reset_index(drop=True)


def provision_table(prov: pd.DataFrame, lang: str = "sv") -> pd.DataFrame:
    """``by_provision`` output: answers per provision, the share not answering yes and the country's."""
    t = i18n.t
    title_col = "title_en" if lang == "en" else "title_sv"
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
    """The change since the compare round, when the frame carries it (``ui.region_change``)."""
    if "change_pp" not in df.columns:
        return {}
    return {i18n.t("change_pp", lang): pd.to_numeric(df["change_pp"], errors="coerce").astype(float).round(1),
            i18n.t("change_n", lang): _int(df["change_n_not_all"])}


def screen_region_table(reg: pd.DataFrame, lang: str = "sv") -> pd.DataFrame:
    """The region table the screen shows: the file's table (``region_table``) without codes and the
    columns a person finds in the file only, plus the change since the compare round when there is one."""
    t = i18n.t
    full = region_table(reg, lang)
    cols = [t("region", lang), t("n_responded", lang), t("n_not_all", lang), t("share_not_all", lang) + " (%)",
            t("n_none", lang), t("diff_pp", lang), t("rank", lang)]
    out = full[cols]
    extra = change_columns(reg.reset_index(drop=True), lang)
    return out.assign(**extra) if extra else out


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
