"""Change over rounds: units that got worse, better, appeared or disappeared since the compare
round, and the trend over every stored round."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import i18n
from dashboard.domain import reference
from dashboard.figures.aggregate import SMALL_N
from dashboard.present import charts
from dashboard.present import tables as people
from dashboard.present.captions import scope_name, units_word
from dashboard.screen import cache, downloads, ui
from dashboard.screen.state import Filters
from dashboard.screen.views.scope import example_caption, source


def change_section(f: Filters, region: str = "", kommun: str = "") -> None:
    """Since the compare round: units that appeared, disappeared, got worse or better (in scope)."""
    if not f.jamfor:
        return
    lang = f.lang
    changes = cache.unit_changes(f.round, f.jamfor)
    changes = changes[changes["unit_type"].isin(f.unit_types)]
    if region:
        changes = changes[changes["region_kod"] == region]
    if kommun:
        changes = changes[changes["kommun_kod"] == kommun]
    st.header(i18n.t("changes_heading", lang, round=ui.plain(f.jamfor)))
    st.caption(i18n.t("match_rule", lang))
    example_caption(f)
    groups = [
        ("units_worse", changes["worse"]), ("units_better", changes["better"]),
        ("units_new", changes["presence"] == "new"), ("units_gone", changes["presence"] == "gone"),
    ]
    tabs = st.tabs([f"{i18n.t(key, lang, round=ui.plain(f.jamfor))} ({int(mask.sum())})" for key, mask in groups])
    for tab, (key, mask) in zip(tabs, groups, strict=True):
        with tab:
            part = changes[mask]
            st.dataframe(pd.DataFrame({
                i18n.t("page_unit", lang): part["name"],
                i18n.t("unit_type", lang): part["unit_type"].map(lambda u: i18n.t(u, lang)),
                i18n.t("kommun", lang): part["kommun"],
                i18n.t("before", lang): part["status_prev"].map(lambda s: i18n.t(s, lang) if isinstance(s, str) else "–"),
                i18n.t("now", lang): part["status_cur"].map(lambda s: i18n.t(s, lang) if isinstance(s, str) else "–"),
                i18n.t("not_ja_before", lang): part["not_ja_prev"],
                i18n.t("not_ja_now", lang): part["not_ja_cur"],
            }), hide_index=True, width="stretch", key=f"changes_{key}_{region}_{kommun}")


def trend_section(f: Filters, region: str = "") -> None:
    """Line and slope charts over every stored round, when there are two or more."""
    from dashboard.figures import rounds as rounds_mod

    names = cache.rounds()["round"].tolist()
    if len(names) < 2:
        return
    lang = f.lang
    st.header(i18n.t("trend_heading", lang))
    tabs = st.tabs([units_word(u, lang).capitalize() for u in f.unit_types])
    for tab, unit_type in zip(tabs, f.unit_types, strict=True):
        with tab:
            tables = {r: (cache.round_tables(r).units, cache.round_tables(r).answers) for r in names}
            statuses = {r: cache.round_tables(r).status for r in names}
            trend = rounds_mod.trend(statuses, unit_type, region)
            scope_names = {"country": i18n.t("country", lang)} | ({region: reference.region_name(region)} if region else {})
            fig = charts.trend_line(trend, scope_names, lang,
                                    i18n.t("trend_title", lang, units=units_word(unit_type, lang)),
                                    scope_name(f.lang, region), source(f, *names))
            last = trend[trend["scope"] == (region or "country")].tail(2)
            caption = "; ".join(f"{r.round}: {i18n.fmt_share(r.n_not_all, r.n_responded, lang, small_n=SMALL_N)}"
                                for r in last.itertuples())
            ui.chart(fig, caption, key=f"trend_{unit_type}_{region}")
            downloads.chart(fig, trend, people.TREND, f"utveckling-{unit_type}-{region or 'riket'}", f)
            prov = rounds_mod.provision_trend(tables, unit_type, region)
            fig = charts.provision_slope(prov, lang, i18n.t("trend_prov_title", lang), scope_name(f.lang, region),
                                         source(f, *names))
            ui.chart(fig, i18n.t("trend_prov_title", lang), key=f"trend_prov_{unit_type}_{region}")
            downloads.chart(fig, prov, people.PROVISION_TREND, f"utveckling-regler-{unit_type}-{region or 'riket'}", f)
