"""The administrator gate drawn on a page: OIDC with a verified e-mail, or a throttled password."""

from __future__ import annotations

import uuid

import streamlit as st

from dashboard import i18n
from dashboard.screen import auth

_KEY = "admin_throttle_key"


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


def require_admin(lang: str, throttle: auth.Throttle | None = None) -> bool:
    """True when the visitor may change data; otherwise draws the sign-in or the 'off' notice."""
    throttle = throttle or auth.THROTTLE
    secrets = _secrets()
    how = auth.mode(secrets)
    if how is None:
        st.info(i18n.t("import_off", lang))
        return False
    if how == "oidc":
        if not st.user.is_logged_in:
            st.button(i18n.t("sign_in", lang), on_click=st.login)
            return False
        user = _user()
        if auth.is_admin_email(user.get("email"), secrets) and not auth.email_verified(user):
            st.warning(i18n.t("adm_unverified", lang))
            st.button(i18n.t("sign_out", lang), on_click=st.logout)
            return False
        if not auth.is_admin_user(user, secrets):
            st.warning(i18n.t("not_admin", lang))
            st.button(i18n.t("sign_out", lang), on_click=st.logout)
            return False
        return True
    if st.session_state.get("is_admin"):
        return True
    key = st.session_state.setdefault(_KEY, uuid.uuid4().hex)
    box = st.empty()
    with box.form("admin_login"):
        given = st.text_input(i18n.t("admin_password", lang), type="password")
        submitted = st.form_submit_button(i18n.t("sign_in", lang))
    if not submitted:
        left = throttle.wait(key)
        if left:
            st.warning(i18n.t("adm_wait", lang, s=int(left)))
        return False
    waiting = throttle.wait(key)
    ok, left = auth.check_password(given, key, throttle)
    if ok:
        st.session_state["is_admin"] = True
        box.empty()
        return True
    if waiting:  # not even compared
        st.warning(i18n.t("adm_wait", lang, s=int(left)))
    elif left:
        st.error(i18n.t("adm_wrong_wait", lang, s=int(left)))
    else:
        st.error(i18n.t("wrong_password", lang))
    return False
