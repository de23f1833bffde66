"""Regler och metod: the provisions catalogue, the compliance rule, sources, licences, example data."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import i18n
from dashboard.domain import provisions
from dashboard.present import method
from dashboard.screen import ui

f = ui.filters()
lang = f.lang
ui.page_header(f, i18n.t("page_method", lang))
st.header(i18n.t("method_rule", lang))
st.markdown(method.text("rule", lang))
st.header(i18n.t("method_catalogue", lang))
cat = provisions.catalogue()
title_col = "title_en" if lang == "en" else "title_sv"
st.dataframe(pd.DataFrame({
    "Id": cat["provision_id"],
    i18n.t("unit_type", lang): cat["unit_type"].map(lambda u: i18n.t(u, lang)),
    i18n.t("provision", lang): cat[title_col],
    i18n.t("text", lang): cat["text_sv"],
    i18n.t("reference", lang): cat["reference"].replace("", f"({i18n.t('not_confirmed', lang)})"),
    i18n.t("general_advice", lang): cat["general_advice"],
}), hide_index=True, width="stretch")
st.header(i18n.t("method_data", lang))
st.markdown(method.text("data", lang))
with st.expander(i18n.t("method_allocation", lang)):
    st.dataframe(method.allocation_table(lang), hide_index=True, width="stretch")
st.header(i18n.t("method_sources", lang))
st.markdown(method.text("sources", lang))
st.header(i18n.t("trend_heading", lang))
st.markdown(i18n.t("match_rule", lang))
