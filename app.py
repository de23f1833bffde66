"""Tillsynskartan: entry point. Navigation, sidebar filters and language; pages do the rest."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import i18n
from dashboard.screen import heap, links, sidebar, ui

heap.use_system_arrow_pool()
# A local icon: a Material or emoji icon would make the browser fetch it from a third-party host.
st.set_page_config(page_title="Tillsynskartan", page_icon=str(ui.ICON), layout="wide",
                   initial_sidebar_state="expanded")

f = ui.filters(entry=True)
ICONS = {
    "overview": ":material/dashboard:", "map": ":material/map:", "region": ":material/location_city:",
    "kommun": ":material/holiday_village:", "unit": ":material/local_hospital:",
    "compare": ":material/leaderboard:", "risk": ":material/warning:",
    "method": ":material/menu_book:", "import": ":material/upload_file:",
}
pages = [
    st.Page(path, title=i18n.t(f"page_{key}", f.lang), icon=ICONS[key], url_path=Path(path).stem)
    for key, path in links.PAGES.items()
]
# The overview is served at "/" and at /oversikt: the default page is always "/" (Streamlit
# ignores its url_path but reserves it), so it is registered once more under a spare name.
pages.insert(0, st.Page(links.PAGES["overview"], title=i18n.t("page_overview", f.lang), icon=ICONS["overview"],
                        url_path="start", default=True))
# Streamlit's own menu drops the query string on a page switch; our links carry the filters.
page = st.navigation(pages, position="hidden")
sidebar.nav_links(f, ICONS)
sidebar.sidebar(f)
ui.page_language(f.lang)
try:
    page.run()
finally:
    # Long-lived objects out of the per-run full collection's way (dashboard.screen.heap).
    heap.settle()
