"""Import: an administrator validates a survey file, sees every rejected row, then stores the round."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import cache, downloads, i18n, importer, store, ui

f = ui.filters()
lang = f.lang
ui.page_header(f, i18n.t("page_import", lang))
if not ui.require_admin(lang):
    st.stop()

if "import_flash" in st.session_state:
    st.success(st.session_state.pop("import_flash"))
st.caption(i18n.t("format_help", lang))
upload = st.file_uploader(i18n.t("upload", lang), type=["csv", "xlsx", "txt"], key="import_file")
round_name = st.text_input(i18n.t("round_name", lang), key="import_round").strip() or None
if upload is not None:
    result = importer.read_survey(upload.getvalue(), filename=upload.name, round_name=round_name)
    if result.error:
        st.error(result.error)
    else:
        stored = store.Store().rounds().set_index("round")
        if result.round in stored.index:
            st.warning(i18n.t("replace_warning", lang, round=result.round, n=int(stored.loc[result.round, "n_units"])))
        st.markdown(i18n.t("report_summary", lang, rows_in=result.rows_in, accepted=result.accepted,
                           rejected=result.rejected_rows))
        if result.rejected:
            st.header(i18n.t("rejected_rows", lang))
            st.dataframe(pd.DataFrame([{
                i18n.t("row", lang): r.row, i18n.t("column", lang): r.column,
                i18n.t("value", lang): r.value, i18n.t("reason", lang): r.reason,
            } for r in result.rejected]), hide_index=True, width="stretch")
        if result.accepted and st.button(i18n.t("do_import", lang, n=result.accepted, round=result.round),
                                         type="primary"):
            store.Store().save_round(result)
            cache.clear_caches()
            st.success(i18n.t("imported", lang, round=result.round, n=result.accepted))

st.header(i18n.t("rounds_stored", lang))
stored = store.Store().rounds()
st.dataframe(stored.rename(columns=ui.column_names(lang)), hide_index=True, width="stretch")
st.header(i18n.t("manage_rounds", lang))
if stored.empty:
    st.caption(i18n.t("no_rounds", lang))
else:
    doomed = st.selectbox(i18n.t("round", lang), stored["round"].tolist(), key="delete_round")
    row = stored.set_index("round").loc[doomed]
    st.markdown(i18n.t("delete_what", lang, round=ui.plain(doomed), n=int(row["n_units"]),
                       vc=int(row["n_vardcentral"]), sn=int(row["n_socialnamnd"])))
    sure = st.checkbox(i18n.t("confirm_delete", lang, round=ui.plain(doomed)), key=f"confirm_{doomed}")
    if st.button(i18n.t("delete", lang), disabled=not sure, key="delete_button"):
        removed = store.Store().delete_round(doomed)
        cache.clear_caches()
        st.session_state["import_flash"] = i18n.t("deleted", lang, round=ui.plain(doomed), n=removed)
        st.rerun()
st.header(i18n.t("import_log", lang))
st.dataframe(store.Store().import_log().rename(columns=ui.column_names(lang)), hide_index=True, width="stretch")

# The slide template for presentations (exports engineer): admin only, as this page stops before.
downloads.template_admin(lang)
