"""Enhet: one unit's answer on each provision, where it is, and what to ask it about."""

from __future__ import annotations

import streamlit as st

from dashboard import i18n
from dashboard.screen import ui
from dashboard.screen.views import tables, unit

f = ui.filters()
lang = f.lang
chosen = unit.current_unit(f)
if chosen is None:
    ui.page_header(f, i18n.t("page_unit", lang))
    if f.unit:
        st.warning(i18n.t("unit_not_found", lang))
    st.header(i18n.t("choose_unit", lang))
    tables.units_table(f, "pick_unit", f.unit_types, f.region, f.kommun)
    st.stop()

ui.page_header(f, str(chosen["name"]), unit_name=str(chosen["name"]))
left, right = st.columns([3, 2], gap="large")
with left:
    unit.unit_facts(f, chosen)
    unit.unit_previous(f, chosen)
with right:
    st.markdown(f"**{i18n.t('locator', lang)}**")
    unit.locator_map(f, chosen)
unit.ask_about(f, chosen)
st.header(i18n.t("answers_by_provision", lang))
unit.unit_answer_table(f, chosen)
