"""Kommun: the social welfare committee's answers, the health centres, and region/country alongside."""

from __future__ import annotations

import streamlit as st

from dashboard import i18n
from dashboard.domain import reference
from dashboard.screen import cache, ui
from dashboard.screen.views import change, comparison, headlines, maps, tables, unit

f = ui.filters()
lang = f.lang
if not f.kommun:
    ui.page_header(f, i18n.t("page_kommun", lang))
    st.header(i18n.t("choose_kommun", lang))
    tables.kommun_table(f, cache.by_kommun(f.round, maps.map_measure(f, "kommun"), f.region), key="pick_kommun")
    st.stop()

ui.page_header(f, f"{reference.kommun_name(f.kommun)} ({reference.region_name(f.region)})")
headlines.headlines(f, kommun=f.kommun)
headlines.population_facts(f, kommun=f.kommun)
comparison.compare_levels(f)
if "socialnamnd" in f.unit_types:
    st.header(i18n.t("sn_answers", lang))
    unit.socialnamnd_answers(f)
if "vardcentral" in f.unit_types:
    st.header(i18n.t("kommun_units", lang))
    maps.map_section(f, "kommun", key="kommun_map", region=f.region, kommun=f.kommun, height=420)
    tables.units_table(f, "kommun_units", ["vardcentral"], f.region, f.kommun)
change.change_section(f, region=f.region, kommun=f.kommun)
