"""Population context for a region or municipality page: inhabitants and health centres per 10 000.

Inhabitants are real (SCB, folkmängd 31 December 2024, ``reference.population``); the count of
health centres comes from the round shown, so on the example round the rate is example data too and
the caption says so. No Streamlit here: ``views`` draws the table this module builds.
"""

from __future__ import annotations

import pandas as pd

from dashboard import aggregate, i18n


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
