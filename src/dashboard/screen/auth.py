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
form slows down after failed attempts, per session and for the whole process (``Throttle``).
"""

from __future__ import annotations

import hmac
import math
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
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


def email_verified(user: Mapping[str, Any]) -> bool:
    """True only when the identity provider says the e-mail address is verified."""
    value = user.get("email_verified") if user else None
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def is_admin_user(user: Mapping[str, Any], secrets: Mapping[str, Any]) -> bool:
    """An OIDC user is an administrator when the verified e-mail is on the ``admins`` list."""
    return email_verified(user) and is_admin_email(user.get("email"), secrets)


class Throttle:
    """Slows password guessing: after ``free`` failed attempts in a session, each further attempt
    must wait ``base * 2**(n - free)`` seconds (at most ``cap``); the same rule over the whole
    process, with ``global_free`` failures in the last ``window`` seconds, stops guessing from
    many sessions. ``clock`` is injectable for tests. Thread-safe (Streamlit sessions are threads).
    """

    def __init__(
        self,
        free: int = 3,
        base: float = 2.0,
        cap: float = 300.0,
        global_free: int = 20,
        window: float = 900.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.free, self.base, self.cap = free, base, cap
        self.global_free, self.window, self.clock = global_free, window, clock
        self._lock = threading.Lock()
        self._sessions: dict[str, tuple[int, float]] = {}  # key -> (failures in a row, time of the last)
        self._recent: deque[float] = deque()  # times of failures in the whole process

    def _delay(self, failures: int, free: int) -> float:
        if failures < free:
            return 0.0
        return min(self.cap, self.base * 2 ** min(failures - free, 30))

    def wait(self, key: str) -> float:
        """Seconds (rounded up) before ``key`` may try again; 0 when it may try now."""
        with self._lock:
            now = self.clock()
            while self._recent and now - self._recent[0] > self.window:
                self._recent.popleft()
            failures, last = self._sessions.get(key, (0, 0.0))
            left = max(
                last + self._delay(failures, self.free) - now if failures else 0.0,
                self._recent[-1] + self._delay(len(self._recent), self.global_free) - now if self._recent else 0.0,
            )
            return float(math.ceil(left)) if left > 0 else 0.0

    def failed(self, key: str) -> float:
        """Record a failed attempt; returns the wait before the next one."""
        with self._lock:
            now = self.clock()
            failures, _ = self._sessions.get(key, (0, 0.0))
            self._sessions[key] = (failures + 1, now)
            self._recent.append(now)
            if len(self._sessions) > 10_000:  # forget the oldest sessions; the global count remains
                for old in sorted(self._sessions, key=lambda k: self._sessions[k][1])[:5_000]:
                    del self._sessions[old]
        return self.wait(key)

    def succeeded(self, key: str) -> None:
        """A correct password clears that session's count (not the process's)."""
        with self._lock:
            self._sessions.pop(key, None)


THROTTLE = Throttle()  # one per process: the "overall" limit


def check_password(given: str, key: str, throttle: Throttle = THROTTLE,
                   environ: Mapping[str, str] = os.environ) -> tuple[bool, float]:
    """(accepted, seconds to wait). While a wait is running the password is not even compared."""
    left = throttle.wait(key)
    if left > 0:
        return False, left
    if password_ok(given, environ):
        throttle.succeeded(key)
        return True, 0.0
    return False, throttle.failed(key)
