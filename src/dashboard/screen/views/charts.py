"""Charts with captions: the share per region and the answers per provision, each with its
download buttons and the same numbers in a table below."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from dashboard import i18n
from dashboard.present import charts
from dashboard.present import tables as people
from dashboard.present.captions import subtitle, units_word
from dashboard.screen import cache, downloads, ui
from dashboard.screen.state import Filters
from dashboard.screen.views.scope import coverage_caption, source
from dashboard.screen.views.tables import provision_table, region_table


def region_charts(f: Filters) -> None:
    """Per region, one tab per unit type: sorted bars with the country marked, caption, table."""
    lang = f.lang
    st.header(i18n.t("regions_heading", lang))
    tabs = st.tabs([units_word(u, lang).capitalize() for u in f.unit_types])
    for tab, unit_type in zip(tabs, f.unit_types, strict=True):
        with tab:
            reg = cache.by_region(f.round, unit_type)
            n = int(reg["n_responded"].sum())
            fig, caption = _region_bar(cache.data_version(), f.round, unit_type, lang, f.region,
                                       i18n.t("by_region_title", lang, units=units_word(unit_type, lang)),
                                       subtitle(f.lang, f.round, unit_type, n), source(f))
            ui.chart(fig, caption, key=f"region_bar_{unit_type}")
            coverage_caption(f, unit_type)
            downloads.chart(fig, reg, people.REGIONS, f"regioner-{unit_type}", f)
            with st.expander(i18n.t("table", lang)):
                region_table(f, reg, key=f"region_table_{unit_type}")


def provision_charts(f: Filters, heading: str, region: str = "", kommun: str = "") -> None:
    """Answers per provision for the scope, the country's share of 'ja' marked."""
    lang = f.lang
    st.header(heading)
    tabs = st.tabs([units_word(u, lang).capitalize() for u in f.unit_types])
    for tab, unit_type in zip(tabs, f.unit_types, strict=True):
        with tab:
            prov = cache.by_provision(f.round, unit_type, region, kommun)
            n = int(prov["n"].max()) if len(prov) else 0
            if n == 0:
                st.info(i18n.t("no_data", lang))
                continue
            fig, caption = _provision_bar(cache.data_version(), f.round, unit_type, lang, region, kommun,
                                          i18n.t("by_provision_title", lang, units=units_word(unit_type, lang)),
                                          subtitle(f.lang, f.round, unit_type, n, region, kommun),
                                          source(f))
            ui.chart(fig, caption, key=f"prov_bar_{unit_type}_{region}_{kommun}")
            downloads.chart(fig, prov, people.PROVISIONS, f"regler-{unit_type}-{region or 'riket'}-{kommun or 'alla'}", f)
            st.caption(i18n.t("advice_note", lang))
            coverage_caption(f, unit_type)
            with st.expander(i18n.t("table", lang)):
                provision_table(f, prov)


# Figures are built once per view and shared (read-only) by every session: building plotly
# figures was most of an overview rerun. The key holds everything drawn, texts included; the
# chart's text alternative comes with it.

@cache.shared(256)
def _region_bar(version: str, round_name: str, unit_type: str, lang: str, selected: str, title: str,
                sub: str, src: str) -> tuple[go.Figure, str]:
    reg = cache.by_region(round_name, unit_type)
    return charts.region_bar(reg, lang, title, sub, src, selected=selected), charts.caption_region_bar(reg, lang)


@cache.shared(256)
def _provision_bar(version: str, round_name: str, unit_type: str, lang: str, region: str, kommun: str,
                   title: str, sub: str, src: str) -> tuple[go.Figure, str]:
    prov = cache.by_provision(round_name, unit_type, region, kommun)
    return charts.provision_bar(prov, lang, title, sub, src), charts.caption_provisions(prov, lang)
