"""The rounds database: embedded DuckDB (default) or PostgreSQL for several hosts.

Four tables: ``units`` and ``answers`` (the canonical tables, plus a ``pos`` column that keeps
the file's row order), ``import_log`` and ``documents`` (files kept with the data); and the
administrator gate's two (``storage/admin.py``: the sign-in throttle and the audit log).

Which database. ``$TILLSYN_DB`` (or the ``path`` argument) is either a file path, which keeps
the embedded DuckDB file, or a URL ``postgresql+psycopg://user:pw@host/db``, which selects
PostgreSQL through SQLAlchemy 2 and psycopg 3. ``Store(...)`` returns the right class; both
have the same methods, the same SQL for the shared logic and the same backup format, so a
backup from one restores into the other. A DuckDB file must never be shared between hosts
(file locks over network file systems are not reliable): several replicas use PostgreSQL. This
module holds the shared logic and DuckDB; ``postgres`` holds what PostgreSQL does differently.

Concurrency, DuckDB. DuckDB lets one process write a database file, or several processes read
it; inside one process every connection to a file must use the same configuration (mixing a
read-only and a read-write connection raises). So ``Store`` holds no connection: each call
opens a short-lived one and closes it, under a process-wide lock, reads ``read_only`` and writes
read-write. Streamlit sessions (threads of one process) therefore never collide, and a second
process (the ``tillsyn`` CLI importing while the app runs) waits and retries for up to
``timeout`` seconds before ``StoreBusyError``. Only this module should open the database file.

Concurrency, PostgreSQL. One connection pool per URL and process. Every write transaction takes
one advisory lock first, so writers from all hosts run one after another (the import log's ids
stay dense and a replace never interleaves with another); a writer that waits longer than
``timeout`` gets ``StoreBusyError``. Readers never wait.

Replacing a round is one transaction: delete its units and answers, insert the new ones, log.
Importing the same file into the same round again leaves the data identical; the log gets a
row each time, with ``repeated = True`` when the same bytes (sha256) were imported into that
round before. New write methods are written once, on ``_Tx`` (``scalar``/``run``/
``insert_frame``), inside ``self._transaction()``, and work on both databases.

The store keeps frames and documents; it does not read files. What a round's rows are is decided
by the importer; ``save_round`` takes anything shaped like its result (``Batch``), and
``storage.imports.import_file`` reads a file and saves it.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import duckdb
import pandas as pd

from dashboard.domain import schema
from dashboard.i18n import Message, MessageError
from dashboard.storage import admin as _admin

__all__ = ["Batch", "SaveRefused", "Store", "StoreBusyError", "data_version", "db_path", "db_target", "is_url"]

_LOCK = threading.RLock()  # one connection at a time per process: no configuration clashes
_READY: set[Path | str] = set()  # databases whose tables exist (created once per process)

_DDL = (
    """CREATE TABLE IF NOT EXISTS units (
        round VARCHAR NOT NULL, pos INTEGER NOT NULL, unit_id VARCHAR NOT NULL,
        unit_type VARCHAR NOT NULL, name VARCHAR NOT NULL, kommun_kod VARCHAR NOT NULL,
        region_kod VARCHAR NOT NULL, lat DOUBLE, lon DOUBLE,
        responded BOOLEAN NOT NULL, synthetic BOOLEAN NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS answers (
        round VARCHAR NOT NULL, pos INTEGER NOT NULL, unit_id VARCHAR NOT NULL,
        provision_id VARCHAR NOT NULL, answer VARCHAR NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS import_log (
        id INTEGER NOT NULL, action VARCHAR NOT NULL, round VARCHAR NOT NULL,
        filename VARCHAR, sha256 VARCHAR, imported_at VARCHAR NOT NULL,
        rows_in INTEGER, accepted INTEGER, rejected INTEGER, repeated BOOLEAN, removed INTEGER)""",
    """CREATE TABLE IF NOT EXISTS documents (
        kind VARCHAR NOT NULL, name VARCHAR NOT NULL, content BLOB NOT NULL,
        updated_at VARCHAR NOT NULL, PRIMARY KEY (kind, name))""",
    *_admin.DDL,
)
# Statements that remove a round; one list so delete and replace share them (and tests can break them).
_DELETE_SQL: list[str] = [
    "DELETE FROM answers WHERE round = ?",
    "DELETE FROM units WHERE round = ?",
]
_LOG_COLUMNS = [
    "id", "action", "round", "filename", "sha256", "imported_at",
    "rows_in", "accepted", "rejected", "repeated", "removed",
]
_TABLES = ("units", "answers", "import_log", "documents", *_admin.BACKED_UP)
_TABLE_COLUMNS = {
    **_admin.BACKED_UP,
    "units": ["round", "pos", *[c for c in schema.UNITS_COLUMNS if c != "round"]],
    "answers": ["round", "pos", *[c for c in schema.ANSWERS_COLUMNS if c != "round"]],
    "import_log": _LOG_COLUMNS,
    "documents": ["kind", "name", "content", "updated_at"],
}
_UNIT_COLS = ", ".join(schema.UNITS_COLUMNS)
_ANSWER_COLS = ", ".join(schema.ANSWERS_COLUMNS)
_ROUNDS_SQL = """
    SELECT u.round,
           count(*) AS n_units,
           count(*) FILTER (WHERE u.unit_type = 'vardcentral') AS n_vardcentral,
           count(*) FILTER (WHERE u.unit_type = 'socialnamnd') AS n_socialnamnd,
           max(l.imported_at) AS imported_at,
           bool_or(u.synthetic) AS synthetic
    FROM units u
    LEFT JOIN (
        SELECT round, max(imported_at) AS imported_at
        FROM import_log WHERE action = 'import' GROUP BY round
    ) l USING (round)
    GROUP BY u.round
    ORDER BY u.round
"""


class StoreBusyError(MessageError, RuntimeError):
    """Another process holds the database (for example a long import); try again shortly."""


class SaveRefused(MessageError, ValueError):
    """``save_round`` writes nothing: the rows cannot replace or join the round as they are."""


class BackupExists(MessageError, FileExistsError):
    """A backup is never written over an existing file."""


class BackupMissing(MessageError, FileNotFoundError):
    """There is no backup file to restore."""


class Batch(Protocol):
    """What ``save_round`` stores: one file's accepted rows for one round, and what the log records.

    ``ingest.result.ImportResult`` is one; the store needs only this shape, not the importer.
    """

    @property
    def round(self) -> str: ...
    @property
    def filename(self) -> str: ...
    @property
    def sha256(self) -> str: ...
    @property
    def rows_in(self) -> int: ...
    @property
    def units(self) -> pd.DataFrame: ...
    @property
    def answers(self) -> pd.DataFrame: ...
    @property
    def error(self) -> object | None: ...  # why the file could not be read (then nothing is saved)
    @property
    def accepted(self) -> int: ...
    @property
    def rejected_rows(self) -> int: ...


def is_url(target: str | Path) -> bool:
    """True for a database URL (``postgresql+psycopg://...``), False for a file path."""
    return isinstance(target, str) and target.split("://", 1)[0].startswith("postgresql") and "://" in target


def db_target() -> str | Path:
    """``$TILLSYN_DB`` as a URL (PostgreSQL) or a path (DuckDB, see ``db_path``)."""
    env = os.environ.get("TILLSYN_DB", "")
    return env if is_url(env) else db_path()


_MADE: set[Path] = set()  # folders made (or found) once per process: db_path is on every page run's path


def db_path() -> Path:
    """``$TILLSYN_DB``, else ``data/tillsyn.duckdb`` in a checkout or a per-user data folder when
    installed (``resources.default_db``); the folder is created if missing (checked once per
    process: py-spy at 20 users found this mkdir and its stat in 11 % of the pages' CPU)."""
    from dashboard.domain import resources

    env = os.environ.get("TILLSYN_DB")
    path = Path(env) if env else resources.default_db()
    if path.parent not in _MADE:
        path.parent.mkdir(parents=True, exist_ok=True)
        _MADE.add(path.parent)
    return path


PG_VERSION_TTL = 1.0
_PG_VERSIONS: dict[str, tuple[float, str]] = {}  # URL -> (when asked, version)


def data_version() -> str:
    """A key that changes whenever the stored rounds change (caches are keyed on it).

    DuckDB: a marker file beside the database that every round or document write renews, read
    without opening the database (cheap on every page run); admin writes (throttle, audit log) do
    not touch it. PostgreSQL: the import log's last id, row count and time and the documents'
    count and time, one small query,
    asked at most once per ``PG_VERSION_TTL`` seconds per process (every cached table asks for the
    key, many times per page run); a write from this process forgets it at once, so only another
    host's import can take up to that long to show.
    """
    target = db_target()
    if isinstance(target, str):
        now = time.monotonic()
        seen = _PG_VERSIONS.get(target)
        if seen is None or now - seen[0] > PG_VERSION_TTL:
            seen = (now, Store(target).version())
            _PG_VERSIONS[target] = seen
        return seen[1]
    if not _version_file(target).exists():
        # A new database (or one from before the marker) is made, with its marker, before its
        # version is first read: otherwise the first page run would cache its tables under a key
        # that its own reads of the store then change.
        Store(target)
    return _duck_version(target)


def _version_file(path: Path) -> Path:
    """The DuckDB file's change marker, rewritten by every write that changes rounds or documents.

    Not the database file's own modification time: the admin gate's throttle and audit log write
    to the same file, and a failed sign-in must not empty every visitor's caches.
    """
    return path.with_name(path.name + ".version")


def _duck_version(path: Path) -> str:
    marker = _version_file(path)
    if marker.exists():
        return f"{path}:v{marker.stat().st_mtime_ns}:{marker.read_text(encoding='utf-8').strip()}"
    return f"{path}:{path.stat().st_mtime_ns if path.exists() else 0}"  # a database from before the marker


def _mark_changed(path: Path) -> None:
    """A new key for ``data_version``: a fresh token (not only the time, which may not move
    between two quick writes on a coarse clock), written atomically beside the database."""
    marker = _version_file(path)
    tmp = marker.with_name(marker.name + f".{os.getpid()}.tmp")
    tmp.write_text(f"{time.time_ns()}-{os.getpid()}-{uuid.uuid4().hex[:8]}", encoding="utf-8")
    os.replace(tmp, marker)


def forget_version() -> None:
    """After a write: this process's caches see it at once (the PostgreSQL key is asked again)."""
    _PG_VERSIONS.clear()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class _Tx(Protocol):
    """What the shared write logic needs from an open transaction (``?`` placeholders)."""

    def scalar(self, sql: str, params: Sequence[object] = ()) -> Any: ...
    def column(self, sql: str, params: Sequence[object] = ()) -> list[Any]: ...
    def run(self, sql: str, params: Sequence[object] = ()) -> None: ...
    def insert_frame(self, table: str, frame: pd.DataFrame) -> None: ...


class _DuckTx:
    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def scalar(self, sql: str, params: Sequence[object] = ()) -> Any:
        # fetchall, not fetchone: DuckDB refuses register() while a result is left unfinished
        return self.con.execute(sql, list(params)).fetchall()[0][0]

    def column(self, sql: str, params: Sequence[object] = ()) -> list[Any]:
        return [row[0] for row in self.con.execute(sql, list(params)).fetchall()]

    def run(self, sql: str, params: Sequence[object] = ()) -> None:
        self.con.execute(sql, list(params))

    def insert_frame(self, table: str, frame: pd.DataFrame) -> None:
        cols = ", ".join(frame.columns)
        self.con.register("new_rows", frame)
        try:
            self.con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM new_rows")
        finally:
            self.con.unregister("new_rows")


def _log(tx: _Tx, **row: object) -> None:
    next_id = tx.scalar("SELECT coalesce(max(id), 0) + 1 FROM import_log")
    values = {c: row.get(c) for c in _LOG_COLUMNS} | {"id": int(next_id), "imported_at": _now()}
    tx.run(
        f"INSERT INTO import_log ({', '.join(_LOG_COLUMNS)}) VALUES ({', '.join('?' * len(_LOG_COLUMNS))})",
        [values[c] for c in _LOG_COLUMNS],
    )


def _log_frame(df: pd.DataFrame) -> pd.DataFrame:
    return df.astype({
        "id": "int64", "action": "string", "round": "string", "filename": "string",
        "sha256": "string", "imported_at": "string", "rows_in": "Int64", "accepted": "Int64",
        "rejected": "Int64", "repeated": "boolean", "removed": "Int64",
    })


class Store:
    """The rounds database. Cheap to create and safe to share between threads (see module doc).

    ``Store(url)`` (or ``TILLSYN_DB=url``) with a ``postgresql...://`` URL returns a
    ``PostgresStore``; anything else is a DuckDB file.
    """

    path: Path | None

    def __new__(cls, path: str | Path | None = None, timeout: float = 10.0) -> Store:
        target = db_target() if path is None else path
        if cls is Store and is_url(target):
            from dashboard.storage.postgres import PostgresStore  # SQLAlchemy only when a URL is used

            return super().__new__(PostgresStore)
        return super().__new__(cls)

    def __init__(self, path: str | Path | None = None, timeout: float = 10.0) -> None:
        self.path = Path(path) if path is not None else db_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.timeout = timeout
        key = self.path.resolve()
        with _LOCK:
            if key not in _READY or not self.path.exists():
                with self._connect(write=True) as con:
                    for ddl in _DDL:
                        con.execute(ddl)
                if not _version_file(self.path).exists():
                    _mark_changed(self.path)
                _READY.add(key)

    @property
    def location(self) -> str:
        """Where the data is, for messages (a path, or a URL without its password)."""
        return str(self.path)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        """Nothing to release: every call closes its own connection."""

    @contextmanager
    def _connect(self, write: bool) -> Iterator[duckdb.DuckDBPyConnection]:
        assert self.path is not None
        with _LOCK:
            deadline = time.monotonic() + self.timeout
            delay = 0.05
            while True:
                try:
                    con = duckdb.connect(str(self.path), read_only=not write)
                    break
                except (duckdb.IOException, duckdb.ConnectionException) as exc:
                    if "lock" not in str(exc).lower():
                        raise
                    if time.monotonic() >= deadline:
                        raise StoreBusyError(Message("store_busy")) from exc
                    time.sleep(delay)
                    delay = min(delay * 2, 0.5)
            try:
                yield con
            finally:
                con.close()

    @contextmanager
    def _transaction(self) -> Iterator[_Tx]:
        """A write transaction: all of it is committed, or none of it."""
        with self._connect(write=True) as con:
            con.execute("BEGIN TRANSACTION")
            try:
                yield _DuckTx(con)
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    def version(self) -> str:
        """See ``data_version``."""
        assert self.path is not None
        return _duck_version(self.path)

    def _changed(self) -> None:
        """Rounds or documents changed: every process's caches get a new key."""
        assert self.path is not None
        _mark_changed(self.path)

    # ------------------------------------------------------------------ writing

    def save_round(self, result: Batch, add: bool = False) -> None:
        """Replace the whole round with the accepted rows of ``result``, atomically, and log it.

        With ``add`` the rows are appended to the round instead (one transaction); a unit id
        already in the round raises ``SaveRefused`` and nothing is written (the importer reports
        such rows as rejected before this, see ``result.exclude_existing``).
        Refuses a result with an ``error`` or with no accepted rows: replacing a round with
        nothing would silently delete it (use ``delete_round`` for that).
        """
        if result.error is not None:
            raise SaveRefused(Message("store_unreadable", error=result.error))
        if result.accepted == 0:
            raise SaveRefused(Message("store_nothing_accepted"))
        units = schema.units_frame(result.units)
        answers = schema.answers_frame(result.answers)
        if set(units["round"]) != {result.round} or not set(answers["round"]) <= {result.round}:
            raise SaveRefused(Message("store_other_round"))
        if units["unit_id"].duplicated().any():
            raise SaveRefused(Message("store_duplicate_ids"))
        units.insert(1, "pos", range(len(units)))
        answers.insert(1, "pos", range(len(answers)))

        with self._transaction() as tx:
            repeated = tx.scalar(
                "SELECT count(*) > 0 FROM import_log WHERE action = 'import' AND round = ? AND sha256 = ?",
                [result.round, result.sha256],
            )
            if add:
                removed = 0
                existing = set(tx.column("SELECT unit_id FROM units WHERE round = ?", [result.round]))
                clash = len(existing & set(units["unit_id"]))
                if clash:
                    raise SaveRefused(Message("store_add_clash", n=clash, round=result.round))
                for table, frame in (("units", units), ("answers", answers)):
                    offset = tx.scalar(f"SELECT coalesce(max(pos) + 1, 0) FROM {table} WHERE round = ?",
                                       [result.round])
                    frame["pos"] += int(offset)
            else:
                removed = tx.scalar("SELECT count(*) FROM units WHERE round = ?", [result.round])
                for sql in _DELETE_SQL:
                    tx.run(sql, [result.round])
            tx.insert_frame("units", units)
            tx.insert_frame("answers", answers)
            _log(
                tx,
                action="import",
                round=result.round,
                filename=result.filename,
                sha256=result.sha256,
                rows_in=result.rows_in,
                accepted=result.accepted,
                rejected=result.rejected_rows,
                repeated=bool(repeated),
                removed=int(removed),
            )
        self._changed()

    def delete_round(self, round_name: str) -> int:
        """Remove a round atomically; returns the number of units removed (0 if it did not exist)."""
        with self._transaction() as tx:
            n_units = int(tx.scalar("SELECT count(*) FROM units WHERE round = ?", [round_name]))
            for sql in _DELETE_SQL:
                tx.run(sql, [round_name])
            if n_units:
                _log(tx, action="delete", round=round_name, removed=n_units)
        self._changed()
        return n_units

    # ------------------------------------------------------------------ backup

    def backup(self, dest: str | Path) -> Path:
        """Write a consistent copy of every table to a new DuckDB file ``dest``.

        Safe while the app runs: the copy is taken inside one transaction under the store's
        lock, so it never holds half an import. ``dest`` must not exist (no silent overwrite).
        The same file format comes from both databases, and restores into either.
        """
        dest = _new_backup_path(dest)
        with self._connect(write=True) as con:
            con.execute("ATTACH ? AS backup_db", [str(dest)])
            try:
                for ddl in _DDL:
                    con.execute(ddl.replace("CREATE TABLE IF NOT EXISTS ", "CREATE TABLE backup_db."))
                con.execute("BEGIN TRANSACTION")
                for table in _TABLES:
                    con.execute(f"INSERT INTO backup_db.{table} SELECT * FROM {table}")
                con.execute("COMMIT")
            finally:
                con.execute("DETACH backup_db")
        return dest

    def restore(self, src: str | Path) -> dict[str, int]:
        """Replace every table with the contents of a backup made by ``backup`` (one transaction:
        all of it or none of it). Returns the number of rows restored per table."""
        src = _existing_backup(src)
        counts: dict[str, int] = {}
        with self._connect(write=True) as con:
            con.execute("ATTACH ? AS restore_db (READ_ONLY)", [str(src)])
            try:
                con.execute("BEGIN TRANSACTION")
                try:
                    present = {r[0] for r in con.execute(
                        "SELECT table_name FROM duckdb_tables() WHERE database_name = 'restore_db'"
                    ).fetchall()}
                    for table in _TABLES:
                        con.execute(f"DELETE FROM {table}")
                        if table in present:  # a backup from before a table existed restores it empty
                            cols = ", ".join(_TABLE_COLUMNS[table])
                            con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM restore_db.{table}")
                        counts[table] = int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
                con.execute("COMMIT")
            finally:
                con.execute("DETACH restore_db")
        self._changed()
        return counts

    # ------------------------------------------------------------------ documents

    def put_document(self, kind: str, name: str, content: bytes) -> None:
        """Store a named file kept with the data (an import profile, a slide template); replaces."""
        with self._transaction() as tx:
            tx.run("DELETE FROM documents WHERE kind = ? AND name = ?", [kind, name])
            tx.run(
                "INSERT INTO documents (kind, name, content, updated_at) VALUES (?, ?, ?, ?)",
                [kind, name, bytes(content), _now()],
            )
        self._changed()

    def get_document(self, kind: str, name: str) -> bytes | None:
        """The stored file, or None when there is none of that kind and name."""
        df = self._query("SELECT content FROM documents WHERE kind = ? AND name = ?", [kind, name])
        return bytes(df.iloc[0, 0]) if len(df) else None

    def documents(self, kind: str) -> pd.DataFrame:
        """Name and time of every stored file of one kind, newest first."""
        df = self._query(
            "SELECT name, updated_at FROM documents WHERE kind = ? ORDER BY updated_at DESC, name", [kind]
        )
        return df.astype({"name": "string", "updated_at": "string"})

    def delete_document(self, kind: str, name: str) -> bool:
        """Remove one stored file; True when there was one."""
        with self._transaction() as tx:
            n = tx.scalar("SELECT count(*) FROM documents WHERE kind = ? AND name = ?", [kind, name])
            tx.run("DELETE FROM documents WHERE kind = ? AND name = ?", [kind, name])
        self._changed()
        return bool(n)

    # ------------------------------------------------------------------ reading

    def _query(self, sql: str, params: Sequence[object] | None = None) -> pd.DataFrame:
        with self._connect(write=False) as con:
            return con.execute(sql, list(params or [])).df()

    def load_round(self, round_name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The round's (units, answers) as canonical frames in file order; empty if unknown."""
        units = self._query(f"SELECT {_UNIT_COLS} FROM units WHERE round = ? ORDER BY pos", [round_name])
        answers = self._query(
            f"SELECT {_ANSWER_COLS} FROM answers WHERE round = ? ORDER BY pos", [round_name]
        )
        return schema.units_frame(units), schema.answers_frame(answers)

    def load_all(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Every round's (units, answers), ordered by round name then file order."""
        units = self._query(f"SELECT {_UNIT_COLS} FROM units ORDER BY round, pos")
        answers = self._query(f"SELECT {_ANSWER_COLS} FROM answers ORDER BY round, pos")
        return schema.units_frame(units), schema.answers_frame(answers)

    def rounds(self) -> pd.DataFrame:
        """One row per stored round: round, n_units, n_vardcentral, n_socialnamnd, imported_at, synthetic."""
        df = self._query(_ROUNDS_SQL)
        return df.astype(
            {
                "round": "string",
                "n_units": "int64",
                "n_vardcentral": "int64",
                "n_socialnamnd": "int64",
                "imported_at": "string",
                "synthetic": "bool",
            }
        )

    def import_log(self) -> pd.DataFrame:
        """Every import (and deletion), oldest first.

        Columns: id, action ("import"/"delete"), round, filename, sha256, imported_at (UTC ISO),
        rows_in, accepted, rejected (distinct rejected rows), repeated (same file imported into
        the round before), removed (units of the round that the action replaced or deleted).
        A deletion row has no file and no counts except ``removed``.
        """
        return _log_frame(self._query(f"SELECT {', '.join(_LOG_COLUMNS)} FROM import_log ORDER BY id"))


def _new_backup_path(dest: str | Path) -> Path:
    dest = Path(dest)
    if dest.exists():
        raise BackupExists(Message("store_backup_exists", path=str(dest)))
    dest.parent.mkdir(parents=True, exist_ok=True)
    return dest


def _existing_backup(src: str | Path) -> Path:
    src = Path(src)
    if not src.is_file():
        raise BackupMissing(Message("store_backup_missing", path=str(src)))
    return src
