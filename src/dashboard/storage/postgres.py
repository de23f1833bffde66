"""The rounds database on PostgreSQL, for several app hosts: the same ``Store``, another dialect.

``Store(url)`` (or ``TILLSYN_DB=url``) returns a ``PostgresStore``. It shares the tables, the SQL
and the write logic of ``store.Store`` (written once on ``_Tx``); this module adds what differs:
one connection pool per URL and process, the shared SQL in PostgreSQL's dialect, COPY for frames,
an advisory lock so writers from all hosts run one after another (see ``store``'s module doc),
and a backup in the same DuckDB file format the embedded store writes, so either restores the other.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

from dashboard.i18n import Message
from dashboard.storage import store as _store
from dashboard.storage.store import Store, StoreBusyError, db_target, is_url

if TYPE_CHECKING:  # SQLAlchemy is imported only when a PostgreSQL URL is used
    from sqlalchemy.engine import Connection, Engine

__all__ = ["PostgresStore", "dispose"]

_PG_WRITER_LOCK = 7_201_422  # pg_advisory_xact_lock key: one writer at a time across hosts

_ENGINES: dict[str, Engine] = {}


def _engine(url: str) -> Engine:
    """One pool per URL and process (Streamlit sessions are threads and share it)."""
    from sqlalchemy import create_engine

    with _store._LOCK:
        if url not in _ENGINES:
            driver_url = url.replace("postgresql://", "postgresql+psycopg://", 1)
            _ENGINES[url] = create_engine(driver_url, pool_pre_ping=True, pool_size=5, max_overflow=5)
        return _ENGINES[url]


def dispose(url: str) -> None:
    """Close the pool of ``url`` and forget that its tables exist (the database is about to be dropped)."""
    with _store._LOCK:
        engine = _ENGINES.pop(url, None)
        _store._READY.discard(url)
    if engine is not None:
        engine.dispose()


def _pg_sql(sql: str) -> str:
    """The shared SQL (DuckDB's ``?`` placeholders and type names) in PostgreSQL's dialect."""
    return (sql.replace("?", "%s").replace(" DOUBLE,", " DOUBLE PRECISION,")
            .replace(" BLOB ", " BYTEA "))


def _plain(frame: pd.DataFrame) -> list[tuple[object, ...]]:
    """Rows as Python values with None for missing (psycopg adapts no numpy or pandas types)."""
    obj = frame.astype(object).where(frame.notna(), None)
    return list(obj.itertuples(index=False, name=None))


class _PgTx:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def scalar(self, sql: str, params: Sequence[object] = ()) -> Any:
        return self.conn.exec_driver_sql(_pg_sql(sql), tuple(params)).scalar()

    def column(self, sql: str, params: Sequence[object] = ()) -> list[Any]:
        return list(self.conn.exec_driver_sql(_pg_sql(sql), tuple(params)).scalars())

    def run(self, sql: str, params: Sequence[object] = ()) -> None:
        self.conn.exec_driver_sql(_pg_sql(sql), tuple(params))

    def insert_frame(self, table: str, frame: pd.DataFrame) -> None:
        """COPY: one round (1 500 units, 12 000 answers) in well under a second."""
        raw = self.conn.connection.driver_connection
        with raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(frame.columns)}) FROM STDIN") as copy:
            for row in _plain(frame):
                copy.write_row(row)


class PostgresStore(Store):
    """The same store on PostgreSQL, for several app hosts (see module doc)."""

    def __init__(self, path: str | Path | None = None, timeout: float = 10.0) -> None:
        target = db_target() if path is None else path
        assert isinstance(target, str) and is_url(target)
        self.url = target
        self.path = None
        self.timeout = timeout
        self._engine = _engine(target)
        with _store._LOCK:
            if target not in _store._READY:
                with self._transaction() as tx:
                    for ddl in _store._DDL:
                        tx.run(ddl)
                _store._READY.add(target)

    @property
    def location(self) -> str:
        return self._engine.url.render_as_string(hide_password=True)

    def _changed(self) -> None:
        """Nothing to mark: the key is the import log's last row (``data_version``), and the
        transaction already made this process ask for it again."""

    @contextmanager
    def _transaction(self) -> Iterator[_store._Tx]:
        """One transaction behind the writers' advisory lock; waiting past ``timeout`` is busy."""
        from sqlalchemy.exc import OperationalError

        try:
            with self._engine.begin() as conn:
                conn.exec_driver_sql(f"SET LOCAL lock_timeout = {max(1, int(self.timeout * 1000))}")
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_WRITER_LOCK})")
                yield _PgTx(conn)
            _store.forget_version()  # this process's caches see its own write at once
        except OperationalError as exc:
            if getattr(exc.orig, "sqlstate", None) == "55P03":  # lock_not_available
                raise StoreBusyError(Message("store_busy")) from exc
            raise

    def _query(self, sql: str, params: Sequence[object] | None = None) -> pd.DataFrame:
        with self._engine.connect() as conn:
            res = conn.exec_driver_sql(_pg_sql(sql), tuple(params or ()))
            return pd.DataFrame(res.fetchall(), columns=list(res.keys()))

    def version(self) -> str:
        # Rounds (the import log) and documents (profiles, slide templates); never the admin tables,
        # so a failed sign-in does not change the key every cache is held under.
        df = self._query("SELECT coalesce(max(id), 0), count(*), coalesce(max(imported_at), ''), "
                         "(SELECT count(*) FROM documents), (SELECT coalesce(max(updated_at), '') FROM documents) "
                         "FROM import_log")
        return f"{self.location}:{':'.join(str(v) for v in df.iloc[0])}"

    def backup(self, dest: str | Path) -> Path:
        """The same DuckDB backup file as the embedded store writes, from one snapshot of
        PostgreSQL (REPEATABLE READ), so it restores into either database."""
        dest = _store._new_backup_path(dest)
        frames: dict[str, pd.DataFrame] = {}
        with self._engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                for table in _store._TABLES:
                    res = conn.exec_driver_sql(f"SELECT {', '.join(_store._TABLE_COLUMNS[table])} FROM {table}")
                    frames[table] = pd.DataFrame(res.fetchall(), columns=_store._TABLE_COLUMNS[table])
        frames["documents"]["content"] = frames["documents"]["content"].map(bytes)
        tmp = dest.with_name(dest.name + ".partial")
        tmp.unlink(missing_ok=True)
        con = duckdb.connect(str(tmp))
        try:
            for ddl in _store._DDL:
                con.execute(ddl)
            for table, frame in frames.items():
                if len(frame):
                    _store._DuckTx(con).insert_frame(table, frame)
        finally:
            con.close()
        tmp.rename(dest)
        return dest

    def restore(self, src: str | Path) -> dict[str, int]:
        src = _store._existing_backup(src)
        con = duckdb.connect(str(src), read_only=True)
        try:
            present = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
            frames = {
                t: con.execute(f"SELECT {', '.join(_store._TABLE_COLUMNS[t])} FROM {t}").df() for t in _store._TABLES if t in present
            }
        finally:
            con.close()
        counts: dict[str, int] = {}
        with self._transaction() as tx:
            for table in _store._TABLES:
                tx.run(f"DELETE FROM {table}")
                if table in frames and len(frames[table]):
                    tx.insert_frame(table, frames[table])
                counts[table] = int(tx.scalar(f"SELECT count(*) FROM {table}"))
        return counts
