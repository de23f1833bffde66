"""Region: figures against the country, rank, municipalities on a map, health centres, provisions."""

from __future__ import annotations

import streamlit as st

from dashboard import i18n
from dashboard.domain import reference
from dashboard.screen import cache, downloads, ui
from dashboard.screen.views import change, charts, comparison, headlines, maps, tables

f = ui.filters()
lang = f.lang
if not f.region:
    ui.page_header(f, i18n.t("page_region", lang))
    st.header(i18n.t("choose_region", lang))
    tables.region_table(f, cache.by_region(f.round, maps.map_measure(f, "region")), key="pick_region")
    st.stop()

ui.page_header(f, reference.region_name(f.region), also=cache.trend_rounds())
headlines.headlines(f, region=f.region)
headlines.population_facts(f, region=f.region)
comparison.region_rank(f)
downloads.pack(f)
st.header(i18n.t("kommun_map_heading", lang))
maps.map_section(f, "kommun", key="region_map", region=f.region, kommun=f.kommun, height=480)
if "vardcentral" in f.unit_types:
    st.header(i18n.t("health_centres_heading", lang))
    st.markdown(i18n.t("attachment_intro", lang, region=reference.region_name(f.region)))
    tables.units_table(f, "region_units", ["vardcentral"], f.region)
charts.provision_charts(f, heading=i18n.t("region_vs_country", lang), region=f.region)
change.change_section(f, region=f.region)
change.trend_section(f, region=f.region)
