"""Kommun: the social welfare committee's answers, the health centres, and region/country alongside."""

from __future__ import annotations

import streamlit as st

from dashboard import i18n
from dashboard.domain import reference
from dashboard.screen import cache, ui, views

f = ui.filters()
lang = f.lang
if not f.kommun:
    ui.page_header(f, i18n.t("page_kommun", lang))
    st.header(i18n.t("choose_kommun", lang))
    views.kommun_table(f, cache.by_kommun(f.round, views.map_measure(f, "kommun"), f.region), key="pick_kommun")
    st.stop()

ui.page_header(f, f"{reference.kommun_name(f.kommun)} ({reference.region_name(f.region)})")
views.headlines(f, kommun=f.kommun)
views.population_facts(f, kommun=f.kommun)
views.compare_levels(f)
if "socialnamnd" in f.unit_types:
    st.header(i18n.t("sn_answers", lang))
    views.socialnamnd_answers(f)
if "vardcentral" in f.unit_types:
    st.header(i18n.t("kommun_units", lang))
    views.map_section(f, "kommun", key="kommun_map", region=f.region, kommun=f.kommun, height=420)
    views.units_table(f, "kommun_units", ["vardcentral"], f.region, f.kommun)
views.change_section(f, region=f.region, kommun=f.kommun)
