"""Headlines: the scope's share as the large figure, its context, and the quick links to the
regions with the highest and lowest share (the overview, region and municipality pages)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import i18n
from dashboard.figures import aggregate, population
from dashboard.figures.aggregate import SMALL_N
from dashboard.present.captions import units_word
from dashboard.screen import cache, links, ui
from dashboard.screen.state import Filters
from dashboard.screen.views.scope import coverage_caption, scope_figures


def headlines(f: Filters, region: str = "", kommun: str = "") -> None:
    """Counts and shares for the scope, with the country alongside when the scope is smaller."""
    lang = f.lang
    country = scope_figures(f).set_index("unit_type")
    scope = scope_figures(f, region, kommun).set_index("unit_type") if (region or kommun) else country
    types = [t for t in f.unit_types if t in scope.index]
    if not types:
        st.info(i18n.t("no_data", lang))
        return
    cols = st.columns(len(types))
    for col, unit_type in zip(cols, types, strict=True):
        row = scope.loc[unit_type]
        with col.container(border=True):
            if aggregate.too_few(row["n_responded"]):
                _small_headline(f, unit_type, row)
            else:
                _headline(f, unit_type, row, previous=_previous_row(f, unit_type, region, kommun),
                          country=country.loc[unit_type] if (region or kommun) and unit_type in country.index else None)
            if (region or kommun) and unit_type in country.index:
                c = country.loc[unit_type]
                st.caption(f"{i18n.t('country', lang)}: "
                           f"{i18n.fmt_share(c['n_not_all'], c['n_responded'], lang, small_n=SMALL_N)}")
            coverage_caption(f, unit_type)


def population_facts(f: Filters, region: str = "", kommun: str = "") -> None:
    """Inhabitants (SCB 2024) and health centres per 10 000 for the region or municipality shown."""
    level, code = ("kommun", kommun) if kommun else ("region", region)
    st.dataframe(population.context_table(cache.round_tables(f.round).status, level, code, f.lang), hide_index=True)
    st.caption(population.caption(f.lang, f.round in cache.rounds_in_view(f).examples))


def _headline(f: Filters, unit_type: str, row: pd.Series, previous: pd.Series | None,
              country: pd.Series | None) -> None:
    """The share as the large figure, with the change since the compare round or the difference
    against the country as its coloured delta."""
    lang = f.lang
    words = units_word(unit_type, lang)
    delta = None
    if previous is not None and aggregate.too_few(previous["n_responded"]):
        # the compare round had too few units for a share: no difference in p.e., its count only
        st.caption(i18n.t("change_line_small", lang, round=ui.plain(f.jamfor),
                          prev=i18n.fmt_share(int(previous["n_not_all"]), int(previous["n_responded"]), lang,
                                              small_n=SMALL_N), limit=SMALL_N))
        previous = None
    if previous is not None:
        diff = (row["share_not_all"] - previous["share_not_all"]) * 100
        delta = _delta(diff, i18n.t("vs_round", lang, round=f.jamfor), lang)
    elif country is not None:
        diff = (row["share_not_all"] - country["share_not_all"]) * 100
        delta = _delta(diff, i18n.t("vs_country", lang), lang)
    st.metric(f"{words.capitalize()}: {i18n.t('headline_not_all', lang)}",
              i18n.fmt_pct(row["share_not_all"], lang), delta=delta, delta_color="inverse")
    st.markdown(
        f"**{i18n.t('share_of_units', lang, k=i18n.fmt_int(row['n_not_all'], lang), n=i18n.fmt_int(row['n_responded'], lang), units=words, p=i18n.fmt_pct(row['share_not_all'], lang))}** "
        f"{i18n.t('headline_not_all', lang)}"
    )
    st.markdown(f"{i18n.fmt_int(row['n_none'], lang)} {i18n.t('headline_none', lang)}")
    st.markdown(f"{i18n.t('response_rate', lang)}: "
                f"{i18n.t('responded_of', lang, k=i18n.fmt_int(row['n_responded'], lang), n=i18n.fmt_int(row['n_units'], lang), p=i18n.fmt_pct(row['response_rate'], lang))}")
    if previous is not None:
        st.markdown(i18n.t(
            "change_line", lang, round=ui.plain(f.jamfor),
            pp=i18n.fmt_pp((row["share_not_all"] - previous["share_not_all"]) * 100, lang),
            n=f"{int(row['n_not_all'] - previous['n_not_all']):+d}".replace("-", "−"),
            prev=i18n.fmt_share(int(previous["n_not_all"]), int(previous["n_responded"]), lang)))


def _small_headline(f: Filters, unit_type: str, row: pd.Series) -> None:
    """Fewer than SMALL_N responding units: the count is the large figure ("2 av 2"), said to be too
    few for a share; no percentage and no coloured difference (the rankings' rule)."""
    lang = f.lang
    words = units_word(unit_type, lang)
    count = i18n.t("count_of", lang, k=i18n.fmt_int(row["n_not_all"], lang), n=i18n.fmt_int(row["n_responded"], lang))
    st.metric(f"{words.capitalize()}: {i18n.t('headline_not_all', lang)}", count)
    st.markdown(i18n.t("too_few_for_share", lang, n=aggregate.SMALL_N))
    st.markdown(f"{i18n.fmt_int(row['n_none'], lang)} {i18n.t('headline_none', lang)}")
    st.markdown(f"{i18n.t('response_rate', lang)}: "
                f"{i18n.t('responded_count', lang, k=i18n.fmt_int(row['n_responded'], lang), n=i18n.fmt_int(row['n_units'], lang))}")


def _delta(diff_pp: float, against: str, lang: str) -> str | None:
    """A metric delta: st.metric reads the arrow from a leading ASCII "-", not the typographic minus."""
    if diff_pp != diff_pp:
        return None
    return f"{i18n.fmt_pp(diff_pp, lang).replace(chr(0x2212), '-')} {against}"


def _previous_row(f: Filters, unit_type: str, region: str, kommun: str) -> pd.Series | None:
    """The scope's figures in the compare round, if one is chosen and has this unit type."""
    if not f.jamfor:
        return None
    prev = scope_figures(f, region, kommun, round_name=f.jamfor).set_index("unit_type")
    return prev.loc[unit_type] if unit_type in prev.index else None


def best_worst_links(f: Filters) -> None:
    """One click to the region with the highest and the lowest share (regions with n >= SMALL_N)."""
    lang = f.lang
    st.header(i18n.t("quick_links", lang))
    cols = st.columns(len(f.unit_types))
    for col, unit_type in zip(cols, f.unit_types, strict=True):
        reg = cache.by_region(f.round, unit_type)
        reg = reg[(reg["n_responded"] >= SMALL_N)].dropna(subset=["share_not_all"])
        if reg.empty:
            continue
        col.markdown(f"**{units_word(unit_type, lang).capitalize()}**")
        worst = reg.sort_values(["share_not_all", "n_responded"], ascending=[False, False]).iloc[0]
        best = reg.sort_values(["share_not_all", "n_responded"], ascending=[True, False]).iloc[0]
        for key, row, icon in (("go_worst", worst, ":material/arrow_upward:"),
                               ("go_best", best, ":material/arrow_downward:")):
            label = i18n.t(key, lang, name=row["region"],
                           share=i18n.fmt_share(row["n_not_all"], row["n_responded"], lang))
            links.page_link("region", label, f.with_(region=row["region_kod"]), col, icon=icon)
