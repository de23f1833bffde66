"""Population context for a region or municipality page: inhabitants and health centres per 10 000.

Inhabitants are real (SCB, folkmängd 31 December 2024, ``reference.population``); the count of
health centres comes from the round shown, so on the example round the rate is example data too and
the caption says so. No Streamlit here: ``views`` draws the table this module builds.
"""

from __future__ import annotations

import pandas as pd

from dashboard import i18n
from dashboard.figures import aggregate


def fmt_rate(value: float, lang: str = "sv") -> str:
    """One decimal, decimal comma in Swedish ("1,3"), point in English ("1.3")."""
    if value != value:
        return "–"
    text = f"{value:.1f}"
    return text.replace(".", ",") if lang != "en" else text


def source(lang: str = "sv") -> str:
    """The source line of the inhabitants figures."""
    return i18n.t("pop_source", lang)


def context_table(status: pd.DataFrame, level: str, code: str, lang: str = "sv") -> pd.DataFrame:
    """One row for the area ``code`` (a region or a municipality): inhabitants and health centres
    per 10 000 inhabitants, formatted for ``lang``, with the count beside the rate."""
    per = aggregate.units_per_inhabitants(status, level).set_index("region_kod" if level == "region" else "kommun_kod")
    row = per.loc[code]
    rate = f"{fmt_rate(float(row['per_10000']), lang)} ({i18n.t('pop_vc_count', lang, n=i18n.fmt_int(int(row['n_units']), lang))})"
    return pd.DataFrame({
        i18n.t("pop_inhabitants", lang): [i18n.fmt_int(int(row["befolkning"]), lang)],
        i18n.t("pop_vc_per_10000", lang): [rate],
    })


def caption(lang: str, synthetic: bool) -> str:
    """Where the figures come from: SCB for inhabitants; the round for health centres, labelled
    as example data when it is."""
    text = source(lang)
    if synthetic:
        text += " " + i18n.t("pop_example_rate", lang)
    return text


# --- the map's measure: health centres per 10 000 inhabitants (``visa=per10000``) ----------------

RATE_UNIT_TYPE = "vardcentral"  # the only unit type whose supply per inhabitant means something


def rate_table(status: pd.DataFrame, level: str, region: str = "") -> pd.DataFrame:
    """Health centres per 10 000 inhabitants for every region, or every municipality (of ``region``).

    Columns: the area code and name (``region_kod``/``region`` or ``kommun_kod``/``kommun``),
    ``befolkning``, ``n_units`` and ``per_10000``. A municipality without a health centre is 0.
    An area whose region has no health centre at all in the round is not covered by it (a round of
    one region, or of committees only): its ``per_10000`` is NaN, "no data", never a false 0.
    """
    from dashboard.domain import reference

    per = aggregate.units_per_inhabitants(status, level, RATE_UNIT_TYPE)
    if level == "region":
        code, name = "region_kod", "region"
        per = per.merge(reference.regions()[["region_kod", "region"]], on="region_kod", how="left")
        area_region = per["region_kod"].astype(str)
    else:
        code, name = "kommun_kod", "kommun"
        per = per.merge(reference.municipalities()[["kommun_kod", "kommun"]], on="kommun_kod", how="left")
        area_region = per["kommun_kod"].astype(str).str[:2]
        if region:
            per, area_region = per[area_region == region], area_region[area_region == region]
    units = status[status["unit_type"] == RATE_UNIT_TYPE]
    covered = area_region.isin(set(units["kommun_kod"].astype(str).str[:2]))
    per = per.assign(per_10000=per["per_10000"].where(covered))
    return per[[code, name, "befolkning", "n_units", "per_10000"]].reset_index(drop=True)


def rate_text(n_units: int, befolkning: int, rate: float, lang: str = "sv") -> str:
    """ "0,8 per 10 000 (13 vårdcentraler, 160 140 invånare)": the rate with its count and population."""
    return i18n.t("popmap_rate_text", lang, rate=fmt_rate(rate, lang),
                  units=i18n.unit_word(RATE_UNIT_TYPE, int(n_units), lang),
                  pop=i18n.fmt_int(int(befolkning), lang))


def country_rate_text(status: pd.DataFrame, lang: str = "sv") -> str:
    """The level the fixed class breaks sit around: the whole country's rate, or, when the round
    covers only some regions, the rate over those regions, said so (never a country figure
    diluted by regions the round did not visit)."""
    per = rate_table(status, "region")
    covered = per[per["per_10000"].notna()]
    if covered.empty:
        return i18n.t("no_data", lang)
    n, pop = int(covered["n_units"].sum()), int(covered["befolkning"].sum())
    text = rate_text(n, pop, n / pop * aggregate.PER_INHABITANTS, lang)
    if len(covered) == len(per):
        return i18n.t("popmap_country", lang, rate=text)
    return i18n.plural("popmap_covered", len(covered), lang, rate=text)


def rate_people_table(table: pd.DataFrame, lang: str = "sv") -> pd.DataFrame:
    """``rate_table`` output for people (screen, CSV, XLSX): name, the rate first (the narrow table
    beside the map must show it without scrolling), then its count and inhabitants."""
    name = "kommun" if "kommun_kod" in table.columns else "region"
    return pd.DataFrame({
        i18n.t(name, lang): table[name].astype(str),
        i18n.t("popmap_rate_col", lang): pd.to_numeric(table["per_10000"]).astype(float).round(2),
        i18n.t("popmap_n_vc", lang): pd.to_numeric(table["n_units"]).astype("Int64"),
        i18n.t("pop_inhabitants", lang): pd.to_numeric(table["befolkning"]).astype("Int64"),
    }).reset_index(drop=True)
