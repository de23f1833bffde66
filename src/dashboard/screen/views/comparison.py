"""Comparison: the region's rank, the municipality beside its region and the country, and the
honest rankings (n beside every share, n < 5 unranked) with the spread as dots."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import i18n
from dashboard.domain import reference
from dashboard.domain.levels import level as level_of
from dashboard.figures import aggregate
from dashboard.figures.aggregate import SMALL_N
from dashboard.present import charts
from dashboard.present import tables as people
from dashboard.present.captions import subtitle, units_word
from dashboard.screen import cache, downloads, ui
from dashboard.screen.state import Filters
from dashboard.screen.views.scope import coverage_caption, scope_figures, source


def region_rank(f: Filters) -> None:
    """Rank among the 21 regions, per unit type; regions with n < 5 are not ranked."""
    lang = f.lang
    for unit_type in f.unit_types:
        ranked = cache.ranked_regions(f.round, unit_type)
        row = ranked[ranked["region_kod"] == f.region].iloc[0]
        words = units_word(unit_type, lang).capitalize()
        if pd.notna(row["honest_rank"]):  # an unranked region (n < SMALL_N) has NA: "==" on it raises
            st.markdown(f"**{words}:** " + i18n.t("rank_of", lang, rank=int(row["honest_rank"]),
                                                  n=int(ranked["honest_rank"].notna().sum())))
        else:
            st.markdown(f"**{words}:** {i18n.t('rank_unranked', lang)}")


def compare_levels(f: Filters) -> None:
    """The municipality's health-centre share next to its region's and the country's."""
    lang = f.lang
    st.header(i18n.t("kommun_vs", lang))
    rows = []
    for unit_type in f.unit_types:
        for label, region, kommun in ((reference.kommun_name(f.kommun), f.region, f.kommun),
                                      (reference.region_name(f.region), f.region, ""),
                                      (i18n.t("country", lang), "", "")):
            fig = scope_figures(f, region, kommun).set_index("unit_type")
            if unit_type not in fig.index:
                continue
            r = fig.loc[unit_type]
            rows.append({
                i18n.t("unit_type", lang): units_word(unit_type, lang).capitalize(),
                i18n.t("scope", lang): label,
                i18n.t("n_responded", lang): int(r["n_responded"]),
                i18n.t("n_not_all", lang): int(r["n_not_all"]),
                i18n.t("share_not_all", lang): i18n.fmt_share(int(r["n_not_all"]), int(r["n_responded"]), lang,
                                                             small_n=SMALL_N),
            })
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


class RankingView(NamedTuple):
    """A ranking as drawn: the ranked areas, the table shown, the spread chart and its caption."""

    ranked: pd.DataFrame
    shown: pd.DataFrame
    fig: go.Figure
    caption: str


@cache.shared(64)
def _ranking(version: str, round_name: str, level: str, unit_type: str, region: str, lang: str,
             src: str) -> RankingView:
    """One ranking view, built once and shared by every session showing it (``region``: the
    municipalities of one region, or all when empty; regions are always all)."""
    lv = level_of(level)
    table = cache.by_region(round_name, unit_type) if level == "region" else cache.by_kommun(round_name, unit_type,
                                                                                            region)
    ranked = aggregate.honest_rank(table[table["n_units"] > 0])
    name_col = lv.name
    shown = people.ranking_table(ranked, lv.key, name_col, lang)
    areas = i18n.t(lv.plural_key, lang).lower()
    fig = charts.share_distribution(ranked, name_col, lang, i18n.t("distribution_title", lang, areas=areas),
                                    subtitle(lang, round_name, unit_type, int(ranked["n_responded"].sum()),
                                             region if lv.parent else ""),
                                    src, float(ranked["country_share_not_all"].iloc[0]) if len(ranked) else None)
    return RankingView(ranked, shown, fig, charts.caption_region_bar(ranked, lang, name_col))


def ranking(f: Filters, level: str, unit_type: str, key: str) -> None:
    """Honest ranking table (n beside every share, n < 5 unranked and last) and the spread as dots,
    of the regions, or of the municipalities (of ``f.region`` when one is chosen)."""
    lv = level_of(level)
    v = _ranking(cache.data_version(), f.round, level, unit_type, f.region if lv.parent else "", f.lang, source(f))
    ranked = v.ranked
    row = ui.picked_row(v.shown, key, f.lang)
    if row is not None:
        ui.open_link(lv.page, ranked[lv.name].iloc[row], f.with_(**lv.filter_change(ranked[lv.code].iloc[row])), key)
    ui.chart(v.fig, v.caption, key=f"{key}_dist")
    coverage_caption(f, unit_type)
    downloads.chart(v.fig, ranked, people.REGIONS if level == "region" else people.KOMMUNER,
                    f"spridning-{level}-{unit_type}", f)
