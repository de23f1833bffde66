"""What the administrator gate keeps in the database: the sign-in throttle and the audit log.

Why in the database: several replicas behind the proxy share one PostgreSQL, and a throttle kept in
each process's memory would give a guesser N times the tries on N replicas; a restart would forget
it too. The throttle counts per client (the address, see ``screen.admin_view.client_address``),
never for the whole process, so a stranger's failures never lock the administrator out.

Why an audit log: who signed in (or failed to), imported, deleted a round or changed the slide
template, and when, must be answerable afterwards; it is kept with the data and in every backup.

The tables are created with the store's (``store._DDL`` includes ``DDL``); every write goes through
``Store._transaction`` (one writer at a time on PostgreSQL, across hosts), so two replicas counting
the same client's failures never lose one.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # store imports this module for its table definitions
    from dashboard.storage.store import Store

THROTTLE_TABLE = "admin_throttle"
AUDIT_TABLE = "admin_audit"
DDL = (
    f"""CREATE TABLE IF NOT EXISTS {THROTTLE_TABLE} (
        client VARCHAR NOT NULL PRIMARY KEY, failures INTEGER NOT NULL, last_failure DOUBLE,
        updated_at VARCHAR NOT NULL)""",
    f"""CREATE TABLE IF NOT EXISTS {AUDIT_TABLE} (
        id INTEGER NOT NULL, happened_at VARCHAR NOT NULL, action VARCHAR NOT NULL, who VARCHAR NOT NULL,
        client VARCHAR NOT NULL, what VARCHAR NOT NULL)""",
)
AUDIT_COLUMNS = ["id", "happened_at", "action", "who", "client", "what"]
# Backed up and restored with the data: the audit log. The throttle is not data: a restore keeps it.
BACKED_UP = {AUDIT_TABLE: AUDIT_COLUMNS}

ACTIONS = ("sign_in", "sign_in_failed", "import", "delete_round", "template_upload", "template_remove")
FORGET_AFTER = 24 * 3600.0  # seconds after a client's last failure that its count is forgotten
KEEP_FAILED_SIGN_INS = 10_000  # newest failed sign-ins kept in the log; every other action is kept
MAX_TEXT = 500  # characters kept of ``who``, ``client`` and ``what`` (they can come from a visitor)


def _now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _clip(text: object) -> str:
    return str(text or "")[:MAX_TEXT]


# ---------------------------------------------------------------------------------- throttle


class StoreThrottleState:
    """A client's failed sign-ins in a row and when the last one was, shared by every replica.

    Times are wall-clock seconds (``time.time``): monotonic clocks differ between hosts."""

    def __init__(self, store: Store, forget_after: float = FORGET_AFTER) -> None:
        self.store, self.forget_after = store, forget_after

    def get(self, client: str, now: float) -> tuple[int, float]:
        """(failures, time of the last); (0, 0.0) for a client unknown or forgotten."""
        df = self.store._query(f"SELECT failures, last_failure FROM {THROTTLE_TABLE} WHERE client = ?",
                               [_clip(client)])
        if df.empty or now - float(df.iloc[0, 1]) > self.forget_after:
            return 0, 0.0
        return int(df.iloc[0, 0]), float(df.iloc[0, 1])

    def failed(self, client: str, now: float) -> tuple[int, float]:
        """Count one more failure for ``client`` (one transaction); returns the new state. Clients
        whose last failure is older than ``forget_after`` are removed on the way."""
        client = _clip(client)
        with self.store._transaction() as tx:
            tx.run(f"DELETE FROM {THROTTLE_TABLE} WHERE last_failure < ?", [now - self.forget_after])
            failures = int(tx.scalar(f"SELECT coalesce(max(failures), 0) FROM {THROTTLE_TABLE} WHERE client = ?",
                                     [client])) + 1
            tx.run(f"DELETE FROM {THROTTLE_TABLE} WHERE client = ?", [client])
            tx.run(f"INSERT INTO {THROTTLE_TABLE} (client, failures, last_failure, updated_at) VALUES (?, ?, ?, ?)",
                   [client, failures, now, _now_iso()])
        return failures, now

    def clear(self, client: str) -> None:
        """A right password: the client starts afresh (other clients keep their counts)."""
        with self.store._transaction() as tx:
            tx.run(f"DELETE FROM {THROTTLE_TABLE} WHERE client = ?", [_clip(client)])


# ---------------------------------------------------------------------------------- audit log


def record(store: Store, action: str, who: str = "", client: str = "", what: str = "",
           at: dt.datetime | None = None) -> None:
    """Add one line to the audit log. ``action`` is one of ``ACTIONS``; ``who`` the administrator's
    e-mail (empty for the shared password); ``client`` the address; ``what`` the object acted on."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    when = (at or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
    with store._transaction() as tx:
        next_id = int(tx.scalar(f"SELECT coalesce(max(id), 0) + 1 FROM {AUDIT_TABLE}"))
        tx.run(f"INSERT INTO {AUDIT_TABLE} ({', '.join(AUDIT_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)",
               [next_id, when, action, _clip(who), _clip(client), _clip(what)])
        if action == "sign_in_failed":  # a flood of failures from many addresses must not fill the disk
            tx.run(f"DELETE FROM {AUDIT_TABLE} WHERE action = 'sign_in_failed' AND id <= ?",
                   [next_id - KEEP_FAILED_SIGN_INS])


def audit_log(store: Store, limit: int = 1_000) -> pd.DataFrame:
    """The newest ``limit`` lines of the audit log, newest first: id, happened_at (UTC, ISO), action, who,
    client, what."""
    df = store._query(f"SELECT {', '.join(AUDIT_COLUMNS)} FROM {AUDIT_TABLE} ORDER BY id DESC LIMIT ?",
                      [int(limit)])
    if df.empty:
        df = pd.DataFrame(columns=AUDIT_COLUMNS)
    return df.astype({"id": "int64", **{c: "string" for c in AUDIT_COLUMNS[1:]}})

