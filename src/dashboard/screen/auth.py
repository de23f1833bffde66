"""Who may change data: importing through the web page needs an administrator.

The operator turns web import on in one of two ways (viewing always stays open):
- OIDC login through Streamlit (``st.login``): an ``[auth]`` section in
  ``.streamlit/secrets.toml`` and the administrators' e-mail addresses in
  ``[tillsyn] admins = ["namn@ivo.se"]``;
- a shared password in the environment variable ``TILLSYN_ADMIN_PASSWORD``, compared in
  constant time and never logged or echoed.
With neither configured, web import is off and the page says how to turn it on. The CLI
(``tillsyn import``) is unaffected: whoever can run it already has the files.

An OIDC administrator's e-mail must be verified by the identity provider (``email_verified``
true in the user info): an unverified address proves nothing about who signed in. The password
form slows down after failed attempts per client (``Throttle``, counted in the database so that
every replica counts the same; ``client_address`` says what a client is and whom it trusts).
"""

from __future__ import annotations

import hmac
import ipaddress
import math
import os
import time
from collections.abc import Callable, Mapping
from typing import Any, Literal, Protocol

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


def email_verified(user: Mapping[str, Any]) -> bool:
    """True only when the identity provider says the e-mail address is verified."""
    value = user.get("email_verified") if user else None
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def is_admin_user(user: Mapping[str, Any], secrets: Mapping[str, Any]) -> bool:
    """An OIDC user is an administrator when the verified e-mail is on the ``admins`` list."""
    return email_verified(user) and is_admin_email(user.get("email"), secrets)


class ThrottleState(Protocol):
    """Where the failures are counted: ``storage.admin.StoreThrottleState`` (shared by replicas)."""

    def get(self, client: str, now: float) -> tuple[int, float]: ...
    def failed(self, client: str, now: float) -> tuple[int, float]: ...
    def clear(self, client: str) -> None: ...


class Throttle:
    """Slows password guessing per client: after ``free`` failed attempts in a row, each further
    attempt must wait ``base * 2**(n - free)`` seconds (at most ``cap``).

    Per client, never for the whole process or site: a limit over everyone would let any stranger
    lock the administrator out by failing on purpose (it did: 28 anonymous failures refused the
    right password for 300 s). A client is an address (``admin_view.client_address``); the
    counts live in ``state``, the database, so every replica sees the same ones. ``clock`` gives
    wall-clock seconds (replicas compare times) and is injectable for tests.
    """

    def __init__(self, state: ThrottleState, free: int = 3, base: float = 2.0, cap: float = 300.0,
                 clock: Callable[[], float] = time.time) -> None:
        self.state, self.free, self.base, self.cap, self.clock = state, free, base, cap, clock

    def delay(self, failures: int) -> float:
        """Seconds to wait after ``failures`` failed attempts in a row."""
        if failures < self.free:
            return 0.0
        return min(self.cap, self.base * 2 ** min(failures - self.free, 30))

    def _left(self, failures: int, last: float, now: float) -> float:
        left = last + self.delay(failures) - now if failures else 0.0
        return float(math.ceil(left)) if left > 0 else 0.0

    def wait(self, client: str) -> float:
        """Seconds (rounded up) before ``client`` may try again; 0 when it may try now."""
        now = self.clock()
        return self._left(*self.state.get(client, now), now)

    def failed(self, client: str) -> float:
        """Record a failed attempt; returns the wait before the next one."""
        now = self.clock()
        return self._left(*self.state.failed(client, now), now)

    def succeeded(self, client: str) -> None:
        """A correct password clears that client's count (no one else's)."""
        self.state.clear(client)


def check_password(given: str, client: str, throttle: Throttle,
                   environ: Mapping[str, str] = os.environ) -> tuple[bool, float]:
    """(accepted, seconds to wait). While a wait is running the password is not even compared."""
    left = throttle.wait(client)
    if left > 0:
        return False, left
    if password_ok(given, environ):
        throttle.succeeded(client)
        return True, 0.0
    return False, throttle.failed(client)


# --------------------------------------------------------------------------- who is the client

BEHIND_PROXY_ENV = "TILLSYN_BEHIND_PROXY"
LOCAL = "local"  # Streamlit gives no address for a browser on the same machine


def behind_proxy(environ: Mapping[str, str] = os.environ) -> bool:
    """True when the operator says every request comes through the project's own proxy."""
    return environ.get(BEHIND_PROXY_ENV, "").strip().lower() not in ("", "0", "false", "no")


def client_address(peer: str | None, forwarded_for: str | None, trust_forwarded: bool) -> str:
    """The client a sign-in attempt is counted for.

    ``peer`` is the address Streamlit sees (``st.context.ip_address``; None on the same machine);
    ``forwarded_for`` the ``X-Forwarded-For`` header. The header is used, its first hop only, when
    ``trust_forwarded`` (``TILLSYN_BEHIND_PROXY`` set): the project's HAProxy (deploy/haproxy.cfg)
    deletes any X-Forwarded-For a client sends and puts the address it saw there, so behind it the
    first hop is the client. Anywhere else the header is whatever the client wrote (a new "client"
    per request, an endless supply of fresh tries), so it is ignored and the peer counts.
    An IPv6 address counts by its /64 network: one subscriber gets a whole /64 to pick from.
    """
    candidate = (forwarded_for or "").split(",")[0].strip() if trust_forwarded else ""
    for text in (candidate, (peer or "").strip()):
        try:
            address = ipaddress.ip_address(text)
        except ValueError:
            continue
        if isinstance(address, ipaddress.IPv6Address):
            if address.ipv4_mapped is not None:
                return str(address.ipv4_mapped)
            return str(ipaddress.ip_network(f"{address}/64", strict=False))
        return str(address)
    return LOCAL
