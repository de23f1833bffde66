"""Import: an administrator validates a survey file, sees every rejected row, then stores the round."""

from __future__ import annotations

import streamlit as st

from dashboard import i18n
from dashboard.screen import admin_view, cache, import_view, ui
from dashboard.storage import store

f = ui.filters()
lang = f.lang
ui.page_header(f, i18n.t("page_import", lang))
if not ui.require_admin(lang):
    st.stop()

if "import_flash" in st.session_state:
    st.success(st.session_state.pop("import_flash"))
st.caption(i18n.t("format_help", lang))
import_view.render(lang)

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
        admin_view.audit("delete_round", f"round={doomed}; removed={removed}")
        cache.clear_caches()
        st.session_state["import_flash"] = i18n.t("deleted", lang, round=ui.plain(doomed), n=removed)
        st.rerun()
st.header(i18n.t("import_log", lang))
st.dataframe(store.Store().import_log().rename(columns=ui.column_names(lang)), hide_index=True, width="stretch")

# The slide template for presentations and the audit log: admin only, as this page stops before.
admin_view.template_admin(lang)
admin_view.audit_table(lang)
