"""Riskbild: where to look first. A transparent, adjustable score by unit, municipality and region."""

from __future__ import annotations

import streamlit as st

from dashboard import i18n
from dashboard.figures import risk
from dashboard.screen import cache, risk_view, ui

f = ui.filters()
previous = risk.previous_round(cache.rounds()["round"].tolist(), f.round)
ui.page_header(f, i18n.t("page_risk", f.lang), also=(previous,))
risk_view.explanation(f, previous)
weights = risk_view.weight_sliders(f)
# Only the open tab runs (and is sent): a tab chosen reruns the page.
tabs = st.tabs([i18n.unit_noun(u, 2, f.lang).capitalize() for u in f.unit_types], key="risk_tab_type",
               on_change="rerun")
for tab, unit_type in zip(tabs, f.unit_types, strict=True):
    if not tab.open:
        continue
    with tab:
        units_tab, kommun_tab, region_tab = st.tabs([i18n.t("risk_units", f.lang), i18n.t("kommuner", f.lang),
                                                     i18n.t("regions_heading", f.lang)],
                                                    key=f"risk_tab_level_{unit_type}", on_change="rerun")
        if units_tab.open:
            with units_tab:
                risk_view.unit_section(f, unit_type, weights, previous)
        if kommun_tab.open:
            with kommun_tab:
                risk_view.area_section(f, "kommun", unit_type, weights, previous)
        if region_tab.open:
            with region_tab:
                risk_view.area_section(f, "region", unit_type, weights, previous)
risk_view.maternity_section(f)
