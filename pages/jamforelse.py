"""Jämförelse: regions and municipalities ranked, with n beside every share and small numbers marked."""

from __future__ import annotations

import streamlit as st

from dashboard import i18n
from dashboard.present import captions
from dashboard.screen import ui
from dashboard.screen.views import comparison

f = ui.filters()
lang = f.lang
ui.page_header(f, i18n.t("page_compare", lang))
st.info(i18n.t("ranking_note", lang))
tab_regions, tab_kommuner = st.tabs([i18n.t("ranking_regions", lang), i18n.t("ranking_kommuner", lang)])
with tab_regions:
    for unit_type in f.unit_types:
        st.markdown(f"**{captions.units_word(unit_type, lang).capitalize()}**")
        comparison.ranking(f, "region", unit_type, key=f"rank_region_{unit_type}")
with tab_kommuner:
    comparison.ranking(f, "kommun", "vardcentral", key="rank_kommun")
