"""Who may change data: importing through the web page needs an administrator.

The operator turns web import on in one of two ways (viewing always stays open):
- OIDC login through Streamlit (``st.login``): an ``[auth]`` section in
  ``.streamlit/secrets.toml`` and the administrators' e-mail addresses in
  ``[tillsyn] admins = ["namn@ivo.se"]``;
- a shared password in the environment variable ``TILLSYN_ADMIN_PASSWORD``, compared in
  constant time and never logged or echoed.
With neither configured, web import is off and the page says how to turn it on. The CLI
(``tillsyn import``) is unaffected: whoever can run it already has the files.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Mapping
from typing import Any, Literal

PASSWORD_ENV = "TILLSYN_ADMIN_PASSWORD"
Mode = Literal["oidc", "password"]


def admins_from_secrets(secrets: Mapping[str, Any]) -> list[str]:
    """Administrators' e-mail addresses, lower-cased, from ``[tillsyn] admins``."""
    section = secrets.get("tillsyn", {}) if secrets else {}
    admins = section.get("admins", []) if hasattr(section, "get") else []
    return [str(a).strip().lower() for a in admins if str(a).strip()]


def mode(secrets: Mapping[str, Any], environ: Mapping[str, str] = os.environ) -> Mode | None:
    """How administrators sign in, or None when web import is off."""
    if secrets and "auth" in secrets and admins_from_secrets(secrets):
        return "oidc"
    if environ.get(PASSWORD_ENV):
        return "password"
    return None


def password_ok(given: str, environ: Mapping[str, str] = os.environ) -> bool:
    """Constant-time comparison; False when no password is configured or nothing was given."""
    expected = environ.get(PASSWORD_ENV, "")
    if not expected or not given:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def is_admin_email(email: str | None, secrets: Mapping[str, Any]) -> bool:
    return bool(email) and str(email).strip().lower() in admins_from_secrets(secrets)
