"""The rounds database: round-trips, idempotent re-imports, atomic replace/delete, the import log."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import sqlalchemy.exc
from conftest import ROOT

from dashboard import i18n
from dashboard.domain import schema
from dashboard.ingest.importer import read_survey
from dashboard.storage import admin, postgres, store
from dashboard.storage.imports import import_file
from dashboard.storage.store import Store, db_path

HEADER = "Omgång;Enhetstyp;Kommunkod;Enhet;Latitud;Longitud;Exempeldata;V1;V2;S1;S2\r\n"
ROUND_2024 = HEADER + (
    "2024;Socialnämnd;0180;Socialnämnden i Stockholm;;;Ja;;;Ja;Nej\r\n"
    "2024;Socialnämnd;1880;Socialnämnden i Örebro;;;Ja;;;Vet ej;\r\n"
    "2024;Vårdcentral;1880;Vårdcentralen Gripen;59,27;15,21;Ja;Ja;Ja;;\r\n"
    "2024;Vårdcentral;2380;Hälsocentralen Lugnvik;63,19;14,65;Ja;Nej;;;\r\n"
    "2024;Vårdcentral;0999;Finns inte;;;Ja;;;;\r\n"
)
ROUND_2025 = HEADER + (
    "2025;Socialnämnd;0180;Socialnämnden i Stockholm;;;Nej;Ja;;;\r\n"  # V1 answered by a socialnämnd
    "2025;Vårdcentral;180;Vårdcentralen Älvsjö;59,28;18,01;Nej;Ja;Nej;;\r\n"
)


# Every test taking ``db`` runs on DuckDB and on PostgreSQL (``store_target`` in conftest.py).
DB_ERRORS = (duckdb.Error, sqlalchemy.exc.DBAPIError)


@pytest.fixture
def db(store_target: Path | str) -> Path | str:
    return store_target


@pytest.fixture
def duck(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """DuckDB only: for what only a file has (its path, its lock)."""
    path = tmp_path / "db" / "tillsyn.duckdb"
    monkeypatch.setenv("TILLSYN_DB", str(path))
    return path


def survey(tmp_path: Path, text: str, name: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_db_path(duck: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert db_path() == duck and duck.parent.is_dir()
    monkeypatch.delenv("TILLSYN_DB")
    default = db_path()
    assert default == Path(store.__file__).resolve().parents[3] / "data" / "tillsyn.duckdb"


def test_empty_store(db: Path) -> None:
    with Store() as s:
        if isinstance(db, Path):
            assert type(s) is Store and s.path == db and db.exists()
        else:
            assert type(s) is postgres.PostgresStore and s.url == db and s.path is None
        assert s.rounds().empty
        assert list(s.rounds().columns) == [
            "round", "n_units", "n_vardcentral", "n_socialnamnd", "imported_at", "synthetic",
        ]
        units, answers = s.load_all()
        pd.testing.assert_frame_equal(units, schema.empty_units())
        pd.testing.assert_frame_equal(answers, schema.empty_answers())
        assert s.load_round("2024")[0].empty
        assert s.import_log().empty
        assert s.delete_round("2024") == 0


def test_round_trip(db: Path, tmp_path: Path) -> None:
    result = import_file(survey(tmp_path, ROUND_2024, "a.csv"))
    assert result.error is None and (result.accepted, result.rejected_rows) == (4, 1)
    units, answers = Store().load_round("2024")
    pd.testing.assert_frame_equal(units, result.units)
    pd.testing.assert_frame_equal(answers, result.answers)
    assert units["lat"].isna().tolist() == [True, True, False, False]


def test_reimport_is_idempotent(db: Path, tmp_path: Path) -> None:
    path = survey(tmp_path, ROUND_2024, "a.csv")
    s = Store()
    import_file(path, store=s)
    first = s.load_all()
    import_file(path, store=s)
    second = s.load_all()
    for a, b in zip(first, second, strict=True):
        pd.testing.assert_frame_equal(a, b)
    log = s.import_log()
    assert log["action"].tolist() == ["import", "import"]
    assert log["repeated"].tolist() == [False, True]
    assert log["removed"].tolist() == [0, 4]
    assert s.rounds()["n_units"].tolist() == [4]


def test_replacing_a_round_removes_units_no_longer_in_the_file(db: Path, tmp_path: Path) -> None:
    s = Store()
    import_file(survey(tmp_path, ROUND_2024, "a.csv"), store=s)
    smaller = HEADER + "2024;Vårdcentral;1880;Vårdcentralen Gripen;;;Ja;Nej;Nej;;\r\n"
    import_file(survey(tmp_path, smaller, "b.csv"), store=s)
    units, answers = s.load_round("2024")
    assert units["name"].tolist() == ["Vårdcentralen Gripen"]
    # the file asks V1 and V2 of health centres: two answers each, none for the unasked V3-V8
    assert set(answers["unit_id"]) == set(units["unit_id"]) and sorted(answers["provision_id"]) == ["V1", "V2"]


def test_rounds_summary(db: Path, tmp_path: Path) -> None:
    s = Store()
    import_file(survey(tmp_path, ROUND_2025, "b.csv"), store=s)  # one row rejected: V1 for a socialnämnd
    import_file(survey(tmp_path, ROUND_2024, "a.csv"), store=s)
    rounds = s.rounds()
    assert rounds["round"].tolist() == ["2024", "2025"]
    assert rounds["n_units"].tolist() == [4, 1]
    assert rounds["n_vardcentral"].tolist() == [2, 1]
    assert rounds["n_socialnamnd"].tolist() == [2, 0]
    assert rounds["synthetic"].tolist() == [True, False]
    for stamp in rounds["imported_at"]:
        assert dt.datetime.fromisoformat(stamp).utcoffset() == dt.timedelta(0)
    assert str(rounds["n_units"].dtype) == "int64" and rounds["synthetic"].dtype == bool


def test_load_all_keeps_rounds_apart(db: Path, tmp_path: Path) -> None:
    s = Store()
    r24 = import_file(survey(tmp_path, ROUND_2024, "a.csv"), store=s)
    r25 = import_file(survey(tmp_path, ROUND_2025, "b.csv"), store=s)
    units, answers = s.load_all()
    pd.testing.assert_frame_equal(units, schema.units_frame(pd.concat([r24.units, r25.units])))
    pd.testing.assert_frame_equal(answers, schema.answers_frame(pd.concat([r24.answers, r25.answers])))


def test_round_name_argument_overrides_file(db: Path, tmp_path: Path) -> None:
    s = Store()
    import_file(survey(tmp_path, ROUND_2024, "a.csv"), round_name="Prov", store=s)
    assert s.rounds()["round"].tolist() == ["Prov"]
    assert s.load_round("Prov")[1]["round"].eq("Prov").all()


def test_delete_round_is_atomic_and_leaves_others(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    s = Store()
    import_file(survey(tmp_path, ROUND_2024, "a.csv"), store=s)
    import_file(survey(tmp_path, ROUND_2025, "b.csv"), store=s)
    before = s.load_all()

    # a failure half-way (answers deleted, then an error) must leave the round whole
    monkeypatch.setattr(store, "_DELETE_SQL", [*store._DELETE_SQL, "DELETE FROM no_such_table WHERE round = ?"])
    with pytest.raises(DB_ERRORS):
        s.delete_round("2024")
    for a, b in zip(before, s.load_all(), strict=True):
        pd.testing.assert_frame_equal(a, b)
    monkeypatch.undo()

    assert s.delete_round("2024") == 4
    assert s.rounds()["round"].tolist() == ["2025"]
    units, answers = s.load_all()
    assert units["round"].eq("2025").all() and answers["round"].eq("2025").all()
    pd.testing.assert_frame_equal(units, s.load_round("2025")[0])
    assert s.delete_round("2024") == 0
    log = s.import_log()
    assert log["action"].tolist() == ["import", "import", "delete"]  # the failed delete left no trace
    assert log.iloc[-1]["round"] == "2024" and log.iloc[-1]["removed"] == 4


def test_failed_save_leaves_the_old_round(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    s = Store()
    import_file(survey(tmp_path, ROUND_2024, "a.csv"), store=s)
    before = s.load_all()
    monkeypatch.setattr(store, "_DELETE_SQL", [*store._DELETE_SQL, "SELECT * FROM no_such_table WHERE round = ?"])
    with pytest.raises(DB_ERRORS):
        import_file(survey(tmp_path, ROUND_2024.replace("Gripen", "Gripen 2"), "b.csv"), store=s)
    for a, b in zip(before, s.load_all(), strict=True):
        pd.testing.assert_frame_equal(a, b)
    assert len(s.import_log()) == 1


def test_survives_reopening(db: Path, tmp_path: Path) -> None:
    result = import_file(survey(tmp_path, ROUND_2024, "a.csv"))
    store._READY.clear()  # as if the process restarted
    units, answers = Store(db).load_round("2024")
    pd.testing.assert_frame_equal(units, result.units)
    pd.testing.assert_frame_equal(answers, result.answers)
    assert len(Store().import_log()) == 1


def test_import_log(db: Path, tmp_path: Path) -> None:
    path = survey(tmp_path, ROUND_2024, "a.csv")
    result = import_file(path)
    log = Store().import_log()
    assert len(log) == 1
    entry = log.iloc[0]
    assert entry["action"] == "import" and entry["round"] == "2024" and entry["filename"] == "a.csv"
    assert entry["sha256"] == result.sha256
    assert (entry["rows_in"], entry["accepted"], entry["rejected"]) == (5, 4, 1)
    assert entry["rows_in"] == entry["accepted"] + entry["rejected"]
    stamp = dt.datetime.fromisoformat(entry["imported_at"])
    assert abs(dt.datetime.now(dt.UTC) - stamp) < dt.timedelta(minutes=5)


def test_nothing_stored_on_dry_run_error_or_nothing_accepted(db: Path, tmp_path: Path) -> None:
    s = Store()
    dry = import_file(survey(tmp_path, ROUND_2024, "a.csv"), dry_run=True, store=s)
    assert dry.accepted == 4
    bad = import_file(survey(tmp_path, "%PDF-1.4 nonsense", "b.csv"), store=s)
    assert bad.error is not None
    none_ok = import_file(survey(tmp_path, HEADER + "2024;Vårdcentral;0999;X;;;;;;;\r\n", "c.csv"), store=s)
    assert none_ok.error is None and none_ok.accepted == 0 and none_ok.rejected_rows == 1
    assert s.rounds().empty and s.import_log().empty


def test_save_round_refuses_unreadable_or_empty(db: Path) -> None:
    s = Store()
    with pytest.raises(ValueError) as refused:
        s.save_round(read_survey(b"", filename="x.csv"))
    assert str(refused.value) == "filen gick inte att läsa och sparas inte: Filen är tom."
    assert i18n.error_text(refused.value, "en") == "the file could not be read and is not saved: The file is empty."
    with pytest.raises(ValueError):
        s.save_round(read_survey(HEADER.encode() + b"2024;Sjukhus;0180;X;;;;;;;\r\n", filename="x.csv"))


def test_threads_read_and_write_without_lock_errors(db: Path, tmp_path: Path) -> None:
    s = Store()
    paths = [survey(tmp_path, ROUND_2024.replace("2024;", f"R{i};"), f"r{i}.csv") for i in range(4)]
    errors: list[BaseException] = []

    def work(path: Path) -> None:
        try:
            for _ in range(3):
                import_file(path, store=s)
                s.rounds()
                s.load_all()
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(p,)) for p in paths]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert s.rounds()["n_units"].tolist() == [4, 4, 4, 4]
    assert len(s.import_log()) == 12


def test_other_process_holding_the_file_gives_store_busy(duck: Path) -> None:
    s = Store(timeout=0.3)
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    proc = ctx.Process(target=_hold_write_lock, args=(str(duck), ready, release))
    proc.start()
    try:
        assert ready.wait(30)
        with pytest.raises(store.StoreBusyError):
            s.delete_round("x")
    finally:
        release.set()
        proc.join(30)
    assert s.delete_round("x") == 0  # free again once the other process is gone


def _hold_write_lock(path: str, ready: object, release: object) -> None:
    con = duckdb.connect(path)
    ready.set()  # type: ignore[attr-defined]
    release.wait(30)  # type: ignore[attr-defined]
    con.close()


def test_documents_are_kept_replaced_listed_and_removed(db, tmp_path):
    store = Store(db)
    assert store.get_document("profile", "vc") is None
    store.put_document("profile", "vc", b"[columns]\n")
    store.put_document("profile", "vc", b"[columns]\nEnhet = 'Namn'\n")
    store.put_document("template", "ivo", b"PK\x03\x04")
    assert store.get_document("profile", "vc") == b"[columns]\nEnhet = 'Namn'\n"
    assert list(store.documents("profile")["name"]) == ["vc"]
    backup = store.backup(tmp_path / "b.duckdb")
    assert store.delete_document("profile", "vc") is True
    assert store.delete_document("profile", "vc") is False
    assert store.get_document("profile", "vc") is None
    store.restore(backup)
    assert store.get_document("template", "ivo") == b"PK\x03\x04"


def test_store_kind_follows_tillsyn_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert store.is_url("postgresql+psycopg://u@h/db") and store.is_url("postgresql://u@h/db")
    assert not store.is_url(str(tmp_path / "postgresql.duckdb")) and not store.is_url(tmp_path)
    monkeypatch.setenv("TILLSYN_DB", "postgresql+psycopg://u:secret@127.0.0.1:1/db")
    assert store.db_target() == "postgresql+psycopg://u:secret@127.0.0.1:1/db"
    monkeypatch.setenv("TILLSYN_DB", str(tmp_path / "x.duckdb"))
    assert store.db_target() == tmp_path / "x.duckdb" and type(Store()) is Store


def test_data_version_changes_with_every_write(db: Path | str, tmp_path: Path) -> None:
    s = Store()
    seen = {store.data_version()}
    import_file(survey(tmp_path, ROUND_2024, "a.csv"), store=s)
    seen.add(store.data_version())
    import_file(survey(tmp_path, ROUND_2024, "a.csv"), store=s)
    seen.add(store.data_version())
    s.delete_round("2024")
    seen.add(store.data_version())
    assert len(seen) == 4
    assert "secret" not in store.data_version()


def test_admin_writes_leave_the_cache_key_alone(db: Path | str, tmp_path: Path) -> None:
    """A failed sign-in or an audit line must not empty every visitor's caches (the key is for
    rounds and documents); a stored document still changes it."""
    from dashboard.storage import admin

    s = Store()
    import_file(survey(tmp_path, ROUND_2024, "a.csv"), store=s)
    before = store.data_version()
    time.sleep(0.02)
    throttle = admin.StoreThrottleState(s)
    for i in range(3):
        throttle.failed("203.0.113.9", now=1000.0 + i)
        admin.record(s, "sign_in_failed", client="203.0.113.9")
    assert store.data_version() == before
    s.put_document("template", "mall", b"x")
    store.forget_version()
    assert store.data_version() != before


def test_a_backup_moves_between_duckdb_and_postgresql(tmp_path: Path, pg_admin_url: str) -> None:
    """One backup format: a DuckDB file restores into PostgreSQL and back, exactly."""
    import pgserver

    duck_store = Store(tmp_path / "a.duckdb")
    import_file(survey(tmp_path, ROUND_2024, "a.csv"), store=duck_store)
    import_file(survey(tmp_path, ROUND_2025, "b.csv"), store=duck_store)
    duck_store.put_document("profile", "vc", b"\x00bytes\xff")
    admin.record(duck_store, "delete_round", "admin@ivo.se", "203.0.113.7", "round=2023; removed=4")
    first = duck_store.backup(tmp_path / "from-duck.duckdb")
    with pgserver.fresh_database(pg_admin_url) as url:
        pg = Store(url)
        assert type(pg) is postgres.PostgresStore
        assert pg.restore(first) == {"units": 5, "answers": 10, "import_log": 2, "documents": 1, "admin_audit": 1}
        pd.testing.assert_frame_equal(admin.audit_log(duck_store), admin.audit_log(pg))
        for a, b in zip(duck_store.load_all(), pg.load_all(), strict=True):
            pd.testing.assert_frame_equal(a, b)
        pd.testing.assert_frame_equal(duck_store.import_log(), pg.import_log())
        pd.testing.assert_frame_equal(duck_store.rounds(), pg.rounds())
        second = pg.backup(tmp_path / "from-pg.duckdb")
    back = Store(tmp_path / "b.duckdb")
    back.restore(second)
    for a, b in zip(duck_store.load_all(), back.load_all(), strict=True):
        pd.testing.assert_frame_equal(a, b)
    assert back.get_document("profile", "vc") == b"\x00bytes\xff"
    pd.testing.assert_frame_equal(admin.audit_log(duck_store), admin.audit_log(back))


def test_postgresql_writer_waiting_too_long_is_busy(pg_admin_url: str) -> None:
    """Writers from all hosts queue on one advisory lock; past ``timeout`` the caller hears 'busy'."""
    import pgserver
    import psycopg

    with pgserver.fresh_database(pg_admin_url) as url:
        s = Store(url, timeout=0.3)
        with psycopg.connect(url.replace("+psycopg", "", 1)) as other:
            other.execute(f"SELECT pg_advisory_xact_lock({postgres._PG_WRITER_LOCK})")
            with pytest.raises(store.StoreBusyError):
                s.delete_round("x")
        assert s.delete_round("x") == 0  # free again once the other transaction ended


def test_postgresql_version_is_asked_once_per_ttl_and_a_local_write_shows_at_once(
        db: Path | str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not isinstance(db, str):
        pytest.skip("DuckDB's key is a marker file's modification time: nothing to remember")
    asked = []
    original = postgres.PostgresStore.version
    monkeypatch.setattr(postgres.PostgresStore, "version", lambda self: asked.append(1) or original(self))
    monkeypatch.setattr(store, "PG_VERSION_TTL", 60.0)
    store._PG_VERSIONS.clear()
    first = store.data_version()
    assert [store.data_version() for _ in range(20)] == [first] * 20 and len(asked) == 1  # one query
    import_file(survey(tmp_path, ROUND_2024, "a.csv"), store=Store())
    assert store.data_version() != first  # this process's own write is seen without waiting
    # another host's write (straight into the log, as a second replica's import would) waits for the TTL
    before = store.data_version()
    with Store()._engine.begin() as conn:  # not through this process's store: as another host writes
        conn.exec_driver_sql("UPDATE import_log SET imported_at = '2099-01-01T00:00:00+00:00'")
    assert store.data_version() == before
    monkeypatch.setattr(store, "PG_VERSION_TTL", 0.0)
    assert store.data_version() != before


def test_the_store_reads_no_files() -> None:
    """store.py keeps frames and documents; reading a file is the importer's, and storage.imports joins them."""
    code = ("import sys, dashboard.storage.store, dashboard.storage.postgres; "
            "print(sorted(m for m in sys.modules if m.startswith('dashboard.ingest')))")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "[]"
