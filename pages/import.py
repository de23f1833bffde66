"""Import: an administrator validates a survey file, sees every rejected row, then stores the round."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import i18n, importer, store, ui

f = ui.filters()
lang = f.lang
ui.page_header(f, i18n.t("page_import", lang))
if not ui.require_admin(lang):
    st.stop()

st.caption(i18n.t("format_help", lang))
upload = st.file_uploader(i18n.t("upload", lang), type=["csv", "xlsx", "txt"], key="import_file")
round_name = st.text_input(i18n.t("round_name", lang), key="import_round").strip() or None
if upload is not None:
    result = importer.read_survey(upload.getvalue(), filename=upload.name, round_name=round_name)
    if result.error:
        st.error(result.error)
    else:
        st.markdown(i18n.t("report_summary", lang, rows_in=result.rows_in, accepted=result.accepted,
                           rejected=result.rejected_rows))
        if result.rejected:
            st.subheader(i18n.t("rejected_rows", lang))
            st.dataframe(pd.DataFrame([{
                i18n.t("row", lang): r.row, i18n.t("column", lang): r.column,
                i18n.t("value", lang): r.value, i18n.t("reason", lang): r.reason,
            } for r in result.rejected]), hide_index=True, width="stretch")
        if result.accepted and st.button(i18n.t("do_import", lang, n=result.accepted, round=result.round),
                                         type="primary"):
            store.Store().save_round(result)
            ui.clear_caches()
            st.success(i18n.t("imported", lang, round=result.round, n=result.accepted))

st.subheader(i18n.t("rounds_stored", lang))
st.dataframe(store.Store().rounds(), hide_index=True, width="stretch")
st.subheader(i18n.t("import_log", lang))
st.dataframe(store.Store().import_log(), hide_index=True, width="stretch")
