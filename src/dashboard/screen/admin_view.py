"""The administrator gate drawn on a page (OIDC with a verified e-mail, or a throttled password), the
audit log of what administrators did, and the slide-template upload they manage.

The throttle counts per client address (``client``) in the database, so a stranger's failures slow
only that stranger, on every replica alike (``auth.Throttle``, ``storage.admin``). Every sign-in,
failed sign-in, import, round deletion and template change is written to the audit log with when,
who (the OIDC e-mail; empty for the shared password) and from which client.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import i18n
from dashboard.screen import auth, ui
from dashboard.storage import admin, store

_WHO = "admin_who"  # the signed-in administrator's e-mail ("" for the shared password)
_AUDITED = "admin_audited"  # an OIDC sign-in (or refusal) is logged once per session
_TEMPLATE_DONE = "deck_template_done"  # (upload id, outcome, message): each upload is handled once
_TEMPLATE_ROUND = "deck_template_round"  # a new uploader after a removal, so the old file is not stored again


def _secrets() -> dict:
    """st.secrets as a plain dict; an absent secrets file means no OIDC configured."""
    try:
        return st.secrets.to_dict()
    except Exception:  # noqa: BLE001 - no secrets.toml, or unreadable: treat as not configured
        return {}


def _user() -> dict:
    try:
        return dict(st.user.to_dict()) if hasattr(st.user, "to_dict") else dict(st.user)
    except Exception:  # noqa: BLE001 - no user info (not signed in)
        return {}


def client() -> str:
    """This visitor's client address, as the throttle and the audit log count it (see
    ``auth.client_address`` for when X-Forwarded-For is trusted)."""
    try:
        peer = st.context.ip_address
        forwarded = st.context.headers.get("X-Forwarded-For")
    except Exception:  # noqa: BLE001 - no browser session (a test run): the same machine
        peer, forwarded = None, None
    return auth.client_address(peer, forwarded, auth.behind_proxy())


def throttle() -> auth.Throttle:
    """The sign-in throttle on the shared database."""
    return auth.Throttle(admin.StoreThrottleState(store.Store()))


def audit(action: str, what: str = "", who: str | None = None) -> None:
    """One line in the audit log for this session's administrator (or ``who``) and client."""
    admin.record(store.Store(), action, st.session_state.get(_WHO, "") if who is None else who, client(), what)


def _oidc(lang: str, secrets: dict) -> bool:
    if not st.user.is_logged_in:
        st.button(i18n.t("sign_in", lang), on_click=st.login)
        return False
    user = _user()
    email = str(user.get("email") or "")
    if auth.is_admin_user(user, secrets):
        if not st.session_state.get(_AUDITED):
            st.session_state[_WHO] = email
            audit("sign_in", "method=oidc")
            st.session_state[_AUDITED] = True
        return True
    if not st.session_state.get(_AUDITED):
        audit("sign_in_failed", "method=oidc; " + ("unverified" if auth.is_admin_email(email, secrets)
                                                   else "not_admin"), who=email)
        st.session_state[_AUDITED] = True
    unverified_admin = auth.is_admin_email(email, secrets) and not auth.email_verified(user)
    st.warning(i18n.t("adm_unverified" if unverified_admin else "not_admin", lang))
    st.button(i18n.t("sign_out", lang), on_click=st.logout)
    return False


def require_admin(lang: str) -> bool:
    """True when the visitor may change data; otherwise draws the sign-in or the 'off' notice."""
    secrets = _secrets()
    how = auth.mode(secrets)
    if how is None:
        st.info(i18n.t("import_off", lang))
        return False
    if how == "oidc":
        return _oidc(lang, secrets)
    if st.session_state.get("is_admin"):
        return True
    gate, who = throttle(), client()
    box = st.empty()
    with box.form("admin_login"):
        given = st.text_input(i18n.t("admin_password", lang), type="password")
        submitted = st.form_submit_button(i18n.t("sign_in", lang))
    try:
        if not submitted:
            left = gate.wait(who)
            if left:
                st.warning(i18n.t("adm_wait", lang, s=int(left)))
            return False
        waiting = gate.wait(who)
        ok, left = auth.check_password(given, who, gate)
    except store.StoreBusyError:
        st.warning(i18n.t("adm_busy", lang))
        return False
    if ok:
        st.session_state["is_admin"] = True
        st.session_state[_WHO] = ""
        audit("sign_in", "method=password")
        box.empty()
        return True
    if waiting:  # not even compared, and not logged: a held-up client cannot fill the log
        st.warning(i18n.t("adm_wait", lang, s=int(left)))
        return False
    audit("sign_in_failed", "method=password", who="")
    st.error(i18n.t("adm_wrong_wait", lang, s=int(left)) if left else i18n.t("wrong_password", lang))
    return False


def audit_frame(log: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The audit log as people read it: newest first, actions in words, the shared password named."""
    t = i18n.t
    return pd.DataFrame({
        t("audit_at", lang): log["happened_at"],
        t("audit_action", lang): [t(f"audit_{a}", lang) if a in admin.ACTIONS else a for a in log["action"]],
        t("audit_who", lang): [w or t("audit_shared_password", lang) for w in log["who"].fillna("")],
        t("audit_client", lang): log["client"],
        t("audit_what", lang): log["what"],
    }).astype("string")


def audit_table(lang: str, limit: int = 1_000) -> None:
    """The audit log on the Import page (administrators only: the page stops before for others)."""
    st.header(i18n.t("audit_heading", lang))
    st.caption(i18n.t("audit_help", lang, n=i18n.fmt_int(limit, lang)))
    st.dataframe(audit_frame(admin.audit_log(store.Store(), limit), lang), hide_index=True, width="stretch",
                 key="admin_audit_table")


def _stored_refusal(s: store.Store, stamp: str) -> str:
    """Why the stored template is refused when read (one stored before the limits, or put in the
    database by other means; decks then use the default), checked once per stored version."""
    from dashboard import export
    from dashboard.export import template

    seen = st.session_state.get("deck_template_stored")
    if not seen or seen[0] != stamp:
        try:
            template.check_archive(s.get_document(template.STORE_KIND, template.STORE_NAME) or b"")
            seen = (stamp, "")
        except export.ExportError as exc:
            seen = (stamp, str(exc))
        st.session_state["deck_template_stored"] = seen
    return seen[1]


def template_admin(lang: str) -> None:
    """The slide-template upload for administrators (the Import page calls this after its gate): decks
    then use the template's master, layouts, theme fonts and colours.

    An upload is read, checked and stored once (by its upload id), not on every rerun of the page;
    the check refuses a file beyond ``template.LIMITS`` before anything is unpacked."""
    from dashboard import export
    from dashboard.export import template

    t = i18n.t
    st.header(t("deck_template_heading", lang))
    st.caption(t("deck_template_help", lang))
    s = store.Store()
    current = s.documents(template.STORE_KIND)
    if len(current):
        stamp = f"{current['name'].iloc[0]} ({current['updated_at'].iloc[0]})"
        st.caption(t("deck_template_current", lang, name=ui.plain(stamp)))
        refused = _stored_refusal(s, stamp)
        if refused:
            st.error(t("deck_template_stored_bad", lang, error=ui.plain(refused)))
    else:
        st.caption(t("deck_template_none", lang))
    n = st.session_state.setdefault(_TEMPLATE_ROUND, 0)
    upload = st.file_uploader(t("deck_template_heading", lang), type=["pptx"], key=f"deck_template_file_{n}")
    if upload is not None:
        done = st.session_state.get(_TEMPLATE_DONE)
        if not done or done[0] != upload.file_id:
            data = upload.getvalue()
            try:
                names = template.check(data)
            except export.ExportError as exc:
                done = (upload.file_id, "error", t("deck_template_bad", lang, error=ui.plain(str(exc))))
            else:
                s.put_document(template.STORE_KIND, template.STORE_NAME, data)
                audit("template_upload", f"file={upload.name}; bytes={len(data)}")
                done = (upload.file_id, "success", t("deck_template_saved", lang, layouts=ui.plain(" / ".join(names))))
            st.session_state[_TEMPLATE_DONE] = done
        (st.error if done[1] == "error" else st.success)(done[2])
    if len(current) and st.button(t("deck_template_remove", lang), key="deck_template_remove"):
        s.delete_document(template.STORE_KIND, template.STORE_NAME)
        audit("template_remove", f"name={template.STORE_NAME}")
        st.session_state[_TEMPLATE_ROUND] = n + 1  # a fresh, empty uploader
        st.session_state.pop(_TEMPLATE_DONE, None)
        st.rerun()
