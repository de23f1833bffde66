"""The embedded database (DuckDB) of imported rounds and the import log.

One file (``db_path()``) holds three tables: ``units`` and ``answers`` (the canonical tables,
plus a ``pos`` column that keeps the file's row order) and ``import_log``.

Concurrency. DuckDB lets one process write a database file, or several processes read it;
inside one process every connection to a file must use the same configuration (mixing a
read-only and a read-write connection raises). So ``Store`` holds no connection: each call
opens a short-lived one and closes it, under a process-wide lock, reads ``read_only`` and writes
read-write. Streamlit sessions (threads of one process) therefore never collide, and a second
process (the ``tillsyn`` CLI importing while the app runs) waits and retries for up to
``timeout`` seconds before ``StoreBusyError``. Only this module should open the database file.

Replacing a round is one transaction: delete its units and answers, insert the new ones, log.
Importing the same file into the same round again leaves the data identical; the log gets a
row each time, with ``repeated = True`` when the same bytes (sha256) were imported into that
round before.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from dashboard import schema
from dashboard.importer import ImportResult, exclude_existing, read_survey
from dashboard.profiles import Profile

__all__ = ["Store", "StoreBusyError", "db_path", "import_file"]

_LOCK = threading.RLock()  # one connection at a time per process: no configuration clashes
_READY: set[Path] = set()  # database files whose tables exist (created once per process)

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
_TABLES = ("units", "answers", "import_log", "documents")
_UNIT_COLS = ", ".join(schema.UNITS_COLUMNS)
_ANSWER_COLS = ", ".join(schema.ANSWERS_COLUMNS)


class StoreBusyError(RuntimeError):
    """Another process holds the database (for example a long import); try again shortly."""


def db_path() -> Path:
    """``$TILLSYN_DB``, else ``<repo>/data/tillsyn.duckdb``; the folder is created if missing."""
    env = os.environ.get("TILLSYN_DB")
    path = Path(env) if env else Path(__file__).resolve().parents[2] / "data" / "tillsyn.duckdb"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Store:
    """The rounds database. Cheap to create and safe to share between threads (see module doc)."""

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
                _READY.add(key)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        """Nothing to release: every call closes its own connection."""

    @contextmanager
    def _connect(self, write: bool) -> Iterator[duckdb.DuckDBPyConnection]:
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
                        raise StoreBusyError(
                            "Databasen används av en annan process; försök igen om en stund."
                        ) from exc
                    time.sleep(delay)
                    delay = min(delay * 2, 0.5)
            try:
                yield con
            finally:
                con.close()

    @contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A write connection in one transaction: all of it is committed, or none of it."""
        with self._connect(write=True) as con:
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    @staticmethod
    def _log(con: duckdb.DuckDBPyConnection, **row: object) -> None:
        next_id = con.execute("SELECT coalesce(max(id), 0) + 1 FROM import_log").fetchone()[0]
        values = {c: row.get(c) for c in _LOG_COLUMNS} | {"id": next_id, "imported_at": _now()}
        con.execute(
            f"INSERT INTO import_log ({', '.join(_LOG_COLUMNS)}) VALUES ({', '.join('?' * len(_LOG_COLUMNS))})",
            [values[c] for c in _LOG_COLUMNS],
        )

    # ------------------------------------------------------------------ writing

    def save_round(self, result: ImportResult, add: bool = False) -> None:
        """Replace the whole round with the accepted rows of ``result``, atomically, and log it.

        With ``add`` the rows are appended to the round instead (one transaction); a unit id
        already in the round raises ``ValueError`` and nothing is written (the importer reports
        such rows as rejected before this, see ``importer.exclude_existing``).
        Refuses a result with an ``error`` or with no accepted rows: replacing a round with
        nothing would silently delete it (use ``delete_round`` for that).
        """
        if result.error is not None:
            raise ValueError(f"filen gick inte att läsa och sparas inte: {result.error}")
        if result.accepted == 0:
            raise ValueError("inga godkända rader att spara; omgången lämnas orörd")
        units = schema.units_frame(result.units)
        answers = schema.answers_frame(result.answers)
        if set(units["round"]) != {result.round} or not set(answers["round"]) <= {result.round}:
            raise ValueError("raderna tillhör en annan omgång än resultatet")
        if units["unit_id"].duplicated().any():
            raise ValueError("samma enhets-id förekommer flera gånger")
        units.insert(1, "pos", range(len(units)))
        answers.insert(1, "pos", range(len(answers)))

        with self._transaction() as con:
            repeated = con.execute(
                "SELECT count(*) > 0 FROM import_log WHERE action = 'import' AND round = ? AND sha256 = ?",
                [result.round, result.sha256],
            ).fetchone()[0]
            removed = con.execute("SELECT count(*) FROM units WHERE round = ?", [result.round]).fetchone()[0]
            if add:
                removed = 0
                clash = con.execute(
                    "SELECT count(*) FROM units WHERE round = ? AND unit_id IN (SELECT unnest(?))",
                    [result.round, units["unit_id"].tolist()],
                ).fetchall()[0][0]
                if clash:
                    raise ValueError(f"{clash} enheter finns redan i omgång {result.round}; inget lades till")
                for table, frame in (("units", units), ("answers", answers)):
                    offset = con.execute(f"SELECT coalesce(max(pos) + 1, 0) FROM {table} WHERE round = ?",
                                         [result.round]).fetchall()[0][0]
                    frame["pos"] += int(offset)
            else:
                for sql in _DELETE_SQL:
                    con.execute(sql, [result.round])
            con.register("new_units", units)
            con.register("new_answers", answers)
            con.execute(f"INSERT INTO units (pos, {_UNIT_COLS}) SELECT pos, {_UNIT_COLS} FROM new_units")
            con.execute(
                f"INSERT INTO answers (pos, {_ANSWER_COLS}) SELECT pos, {_ANSWER_COLS} FROM new_answers"
            )
            con.unregister("new_units")
            con.unregister("new_answers")
            self._log(
                con,
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

    def delete_round(self, round_name: str) -> int:
        """Remove a round atomically; returns the number of units removed (0 if it did not exist)."""
        with self._transaction() as con:
            n_units = con.execute("SELECT count(*) FROM units WHERE round = ?", [round_name]).fetchone()[0]
            for sql in _DELETE_SQL:
                con.execute(sql, [round_name])
            if n_units:
                self._log(con, action="delete", round=round_name, removed=int(n_units))
        return int(n_units)

    # ------------------------------------------------------------------ backup

    def backup(self, dest: str | Path) -> Path:
        """Write a consistent copy of every table to a new DuckDB file ``dest``.

        Safe while the app runs: the copy is taken inside one transaction under the store's
        lock, so it never holds half an import. ``dest`` must not exist (no silent overwrite).
        """
        dest = Path(dest)
        if dest.exists():
            raise FileExistsError(f"{dest} finns redan; välj ett nytt filnamn för säkerhetskopian.")
        dest.parent.mkdir(parents=True, exist_ok=True)
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
        src = Path(src)
        if not src.is_file():
            raise FileNotFoundError(f"Säkerhetskopian {src} finns inte.")
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
                            con.execute(f"INSERT INTO {table} SELECT * FROM restore_db.{table}")
                        counts[table] = int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
                con.execute("COMMIT")
            finally:
                con.execute("DETACH restore_db")
        return counts

    # ------------------------------------------------------------------ documents

    def put_document(self, kind: str, name: str, content: bytes) -> None:
        """Store a named file kept with the data (an import profile, a slide template); replaces."""
        with self._transaction() as con:
            con.execute("DELETE FROM documents WHERE kind = ? AND name = ?", [kind, name])
            con.execute(
                "INSERT INTO documents (kind, name, content, updated_at) VALUES (?, ?, ?, ?)",
                [kind, name, bytes(content), _now()],
            )

    def get_document(self, kind: str, name: str) -> bytes | None:
        """The stored file, or None when there is none of that kind and name."""
        with self._connect(write=False) as con:
            row = con.execute(
                "SELECT content FROM documents WHERE kind = ? AND name = ?", [kind, name]
            ).fetchone()
        return bytes(row[0]) if row else None

    def documents(self, kind: str) -> pd.DataFrame:
        """Name and time of every stored file of one kind, newest first."""
        df = self._query(
            "SELECT name, updated_at FROM documents WHERE kind = ? ORDER BY updated_at DESC, name", [kind]
        )
        return df.astype({"name": "string", "updated_at": "string"})

    def delete_document(self, kind: str, name: str) -> bool:
        """Remove one stored file; True when there was one."""
        with self._transaction() as con:
            n = con.execute(
                "SELECT count(*) FROM documents WHERE kind = ? AND name = ?", [kind, name]
            ).fetchone()[0]
            con.execute("DELETE FROM documents WHERE kind = ? AND name = ?", [kind, name])
        return bool(n)

    # ------------------------------------------------------------------ reading

    def _query(self, sql: str, params: list[object] | None = None) -> pd.DataFrame:
        with self._connect(write=False) as con:
            return con.execute(sql, params or []).df()

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
        df = self._query(
            """
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
        )
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
        df = self._query(f"SELECT {', '.join(_LOG_COLUMNS)} FROM import_log ORDER BY id")
        return df.astype(
            {
                "id": "int64",
                "action": "string",
                "round": "string",
                "filename": "string",
                "sha256": "string",
                "imported_at": "string",
                "rows_in": "Int64",
                "accepted": "Int64",
                "rejected": "Int64",
                "repeated": "boolean",
                "removed": "Int64",
            }
        )


def import_file(
    path: str | Path,
    round_name: str | None = None,
    dry_run: bool = False,
    store: Store | None = None,
    profile: Profile | None = None,
    add: bool = False,
) -> ImportResult:
    """Read, validate and (unless ``dry_run``) store one file; returns the result with its report.

    Accepted rows are stored even when some rows were rejected. Nothing is stored on a dry run,
    when the file cannot be read (``error``), or when no row was accepted (which would otherwise
    replace the round with nothing).
    """
    result = read_survey(path, round_name=round_name, profile=profile)
    if add and result.error is None:
        existing, _ = (store or Store()).load_round(result.round)
        result = exclude_existing(result, existing)
    if dry_run or result.error is not None or result.accepted == 0:
        return result
    (store or Store()).save_round(result, add=add)
    return result
