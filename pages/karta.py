"""Karta: compliance by region or municipality, health centres on top, a table beside the map."""

from __future__ import annotations

from dashboard import downloads, i18n, sidebar, ui, views

f = ui.filters()
ui.page_header(f, i18n.t("page_map", f.lang))
level = "kommun" if f.region else f.niva
if not f.region:
    sidebar.select("niva", i18n.t("map_level", f.lang), ["region", "kommun"],
                   {"region": i18n.t("regions_heading", f.lang), "kommun": i18n.t("kommuner", f.lang)}.get, f)
if f.jamfor:
    sidebar.select("visa", i18n.t("show_change", f.lang, round=f.jamfor), ["", "forandring"],
                   {"": i18n.t("share_not_all", f.lang),
                    "forandring": i18n.t("change_legend", f.lang)}.get, f)
views.map_section(f, level, key="map", region=f.region, kommun=f.kommun)
downloads.map_files(f, level, region=f.region, kommun=f.kommun)
if f.region:
    views.units_table(f, "map_units", ["vardcentral"], f.region, f.kommun)
