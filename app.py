"""Tillsynskartan: entry point. Navigation, sidebar filters and language; pages do the rest."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import i18n, ui

# A local icon: a Material or emoji icon would make the browser fetch it from a third-party host.
st.set_page_config(page_title="Tillsynskartan", page_icon=str(ui.ICON), layout="wide")

f = ui.filters(entry=True)
ICONS = {
    "overview": ":material/dashboard:", "map": ":material/map:", "region": ":material/location_city:",
    "kommun": ":material/holiday_village:", "unit": ":material/local_hospital:",
    "compare": ":material/leaderboard:", "risk": ":material/warning:",
    "method": ":material/menu_book:", "import": ":material/upload_file:",
}
pages = [
    st.Page(path, title=i18n.t(f"page_{key}", f.lang), icon=ICONS[key], url_path=Path(path).stem,
            default=key == "overview")
    for key, path in ui.PAGES.items()
]
# Streamlit's own menu drops the query string on a page switch; our links carry the filters.
page = st.navigation(pages, position="hidden")
ui.nav_links(f, ICONS)
ui.sidebar(f)
page.run()
