"""Karta: compliance by region or municipality, health centres on top, a table beside the map."""

from __future__ import annotations

from dashboard import i18n
from dashboard.screen import downloads, sidebar, ui
from dashboard.screen.views import maps, tables

f = ui.filters()
ui.page_header(f, i18n.t("page_map", f.lang))
level = "kommun" if f.region else f.niva
if not f.region:
    sidebar.select("niva", i18n.t("map_level", f.lang), ["region", "kommun"],
                   {"region": i18n.t("regions_heading", f.lang), "kommun": i18n.t("kommuner", f.lang)}.get, f)
options = maps.map_view_options(f)
if len(options) > 1:
    sidebar.select("visa", i18n.t("popmap_show", f.lang), options,
                   {"": i18n.t("share_not_all", f.lang),
                    "per10000": i18n.t("popmap_per10000", f.lang),
                    "forandring": i18n.t("show_change", f.lang, round=ui.plain(f.jamfor))}.get, f)
if not f.region and f.typ in ("alla", "vardcentral"):
    sidebar.toggle("vc", i18n.t("map_show_units", f.lang), f)
maps.map_section(f, level, key="map", region=f.region, kommun=f.kommun)
downloads.map_buttons(f, level, region=f.region, kommun=f.kommun)
if f.region:
    tables.units_table(f, "map_units", ["vardcentral"], f.region, f.kommun)
