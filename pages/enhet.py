"""Enhet: one unit's answer on each provision, where it is, and what to ask it about."""

from __future__ import annotations

import streamlit as st

from dashboard import i18n
from dashboard.screen import ui, views

f = ui.filters()
lang = f.lang
unit = views.current_unit(f)
if unit is None:
    ui.page_header(f, i18n.t("page_unit", lang))
    if f.unit:
        st.warning(i18n.t("unit_not_found", lang))
    st.header(i18n.t("choose_unit", lang))
    views.units_table(f, "pick_unit", f.unit_types, f.region, f.kommun)
    st.stop()

ui.page_header(f, str(unit["name"]), unit_name=str(unit["name"]))
left, right = st.columns([3, 2], gap="large")
with left:
    views.unit_facts(f, unit)
    views.unit_previous(f, unit)
with right:
    st.markdown(f"**{i18n.t('locator', lang)}**")
    views.locator_map(f, unit)
views.ask_about(f, unit)
st.header(i18n.t("answers_by_provision", lang))
views.unit_answer_table(f, unit)
