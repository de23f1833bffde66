"""Tillsynskartan: entry point. Navigation, sidebar filters and language; pages do the rest."""

from __future__ import annotations

import streamlit as st

from dashboard import i18n, ui

# A local icon: a Material or emoji icon would make the browser fetch it from a third-party host.
st.set_page_config(page_title="Tillsynskartan", page_icon=str(ui.ICON), layout="wide")

f = ui.filters()
lang = f.lang
pages = [
    st.Page(ui.PAGES["overview"], title=i18n.t("page_overview", lang), icon=":material/dashboard:",
            url_path="oversikt", default=True),
    st.Page(ui.PAGES["map"], title=i18n.t("page_map", lang), icon=":material/map:", url_path="karta"),
    st.Page(ui.PAGES["region"], title=i18n.t("page_region", lang), icon=":material/location_city:",
            url_path="region"),
    st.Page(ui.PAGES["kommun"], title=i18n.t("page_kommun", lang), icon=":material/holiday_village:",
            url_path="kommun"),
    st.Page(ui.PAGES["unit"], title=i18n.t("page_unit", lang), icon=":material/local_hospital:",
            url_path="enhet"),
    st.Page(ui.PAGES["compare"], title=i18n.t("page_compare", lang), icon=":material/leaderboard:",
            url_path="jamforelse"),
    st.Page(ui.PAGES["method"], title=i18n.t("page_method", lang), icon=":material/menu_book:",
            url_path="metod"),
    st.Page(ui.PAGES["import"], title=i18n.t("page_import", lang), icon=":material/upload_file:",
            url_path="import"),
]
page = st.navigation(pages)
ui.sidebar(f)
page.run()
