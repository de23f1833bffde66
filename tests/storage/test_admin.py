"""The administrator gate's storage (issue 18.8): a per-client sign-in throttle shared by replicas
through the database, and the audit log. Each ``db`` test runs on DuckDB and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from dashboard.screen import auth
from dashboard.storage import admin
from dashboard.storage.store import Store

ROOT = Path(__file__).resolve().parents[2]
RIGHT = {auth.PASSWORD_ENV: "rätt-lösen"}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def db(store_target: Path | str) -> Path | str:
    return store_target


def _throttle(clock: FakeClock, **kw: float) -> auth.Throttle:
    return auth.Throttle(admin.StoreThrottleState(Store()), clock=clock, **kw)


def test_throttle_grows_per_client_caps_and_clears_on_success(db) -> None:
    clock = FakeClock()
    th = _throttle(clock, free=3, base=2, cap=60)
    assert [th.failed("198.51.100.1") for _ in range(3)] == [0, 0, 2]
    assert th.wait("198.51.100.1") == 2 and th.wait("198.51.100.2") == 0  # another client is not held up
    clock.now += 2
    assert th.wait("198.51.100.1") == 0
    assert th.failed("198.51.100.1") == 4
    clock.now += 4
    assert th.failed("198.51.100.1") == 8
    for _ in range(10):
        th.failed("198.51.100.1")
    assert th.wait("198.51.100.1") == 60  # capped
    th.failed("198.51.100.2")
    th.succeeded("198.51.100.1")
    assert th.wait("198.51.100.1") == 0
    assert admin.StoreThrottleState(Store()).get("198.51.100.2", clock.now) == (1, clock.now)  # kept


def test_no_number_of_strangers_locks_the_administrator_out(db) -> None:
    """The old process-wide limit refused the right password for 300 s after 28 anonymous failures."""
    clock = FakeClock()
    th = _throttle(clock, free=3, base=2, cap=300)
    for i in range(30):  # thirty clients, two failures each: none of them is held up on its own
        for _ in range(2):
            th.failed(f"203.0.113.{i}")
    for _ in range(28):  # and one client failing on and on
        th.failed("198.51.100.66")
    assert th.wait("198.51.100.66") == 300
    assert auth.check_password("rätt-lösen", "192.0.2.10", th, RIGHT) == (True, 0)


def test_the_password_is_not_compared_while_the_client_waits(db) -> None:
    clock = FakeClock()
    th = _throttle(clock, free=1, base=5)
    assert auth.check_password("fel", "192.0.2.1", th, RIGHT) == (False, 5)
    assert auth.check_password("rätt-lösen", "192.0.2.1", th, RIGHT) == (False, 5)  # right, but too soon
    clock.now += 5
    assert auth.check_password("rätt-lösen", "192.0.2.1", th, RIGHT) == (True, 0)


def test_a_client_is_forgotten_a_day_after_its_last_failure(db) -> None:
    clock = FakeClock()
    state = admin.StoreThrottleState(Store(), forget_after=100)
    th = auth.Throttle(state, free=1, base=10, clock=clock)
    th.failed("192.0.2.1")
    th.failed("192.0.2.2")
    clock.now += 101
    assert th.wait("192.0.2.1") == 0
    th.failed("192.0.2.3")  # a failure removes the forgotten ones from the table
    rows = Store()._query(f"SELECT client FROM {admin.THROTTLE_TABLE}")
    assert rows["client"].tolist() == ["192.0.2.3"]


_REPLICA = """
import json, sys
sys.path.insert(0, sys.argv[1])
from dashboard.screen import auth
from dashboard.storage import admin
from dashboard.storage.store import Store
th = auth.Throttle(admin.StoreThrottleState(Store(sys.argv[2])), free=3, base=60)
waits = [th.failed(sys.argv[3]) for _ in range(int(sys.argv[4]))]
print(json.dumps({"waits": waits, "wait_other": th.wait("192.0.2.200")}))
"""


def _replica(url: str, client: str, failures: int) -> dict:
    """One replica: a process of its own, with its own connection pool, on the shared database."""
    out = subprocess.run([sys.executable, "-c", _REPLICA, str(ROOT / "src"), url, client, str(failures)],
                         capture_output=True, text=True, timeout=120, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_two_replicas_on_postgresql_count_one_client_together(pg_admin_url: str) -> None:
    """Two failures on replica 1 and two on replica 2 are four for that client: held up on both, and
    on this third process too; while it waits, the administrator signs in from another client."""
    import pgserver

    with pgserver.fresh_database(pg_admin_url) as url:
        Store(url)  # the tables
        first = _replica(url, "198.51.100.7", 2)
        second = _replica(url, "198.51.100.7", 2)
        assert first["waits"] == [0, 0]
        assert second["waits"][0] == 60 and second["waits"][1] == 120  # the count went on from replica 1
        assert first["wait_other"] == second["wait_other"] == 0
        th = auth.Throttle(admin.StoreThrottleState(Store(url)), free=3, base=60)
        assert th.wait("198.51.100.7") >= 119
        assert auth.check_password("rätt-lösen", "192.0.2.200", th, RIGHT) == (True, 0)
        assert auth.check_password("rätt-lösen", "198.51.100.7", th, RIGHT)[0] is False


def test_audit_log_is_newest_first_and_clipped(db) -> None:
    s = Store()
    t0 = dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.UTC)
    admin.record(s, "sign_in", "admin@ivo.se", "192.0.2.1", "method=oidc", at=t0)
    admin.record(s, "import", "admin@ivo.se", "192.0.2.1", "round=2025; file=vc.xlsx; accepted=12",
                 at=t0 + dt.timedelta(minutes=5))
    admin.record(s, "sign_in_failed", "", "203.0.113.9", "x" * 2_000, at=t0 + dt.timedelta(minutes=6))
    log = admin.audit_log(s)
    assert log["action"].tolist() == ["sign_in_failed", "import", "sign_in"]
    assert log["happened_at"].iloc[-1] == "2025-03-01T08:00:00+00:00"
    assert log["who"].tolist() == ["", "admin@ivo.se", "admin@ivo.se"]
    assert len(log["what"].iloc[0]) == admin.MAX_TEXT
    assert admin.audit_log(s, limit=1)["action"].tolist() == ["sign_in_failed"]
    with pytest.raises(ValueError, match="unknown audit action"):
        admin.record(s, "anything")


def test_failed_sign_ins_are_pruned_but_nothing_else(db, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(admin, "KEEP_FAILED_SIGN_INS", 3)
    s = Store()
    admin.record(s, "import", "a@ivo.se", "192.0.2.1", "round=2025")
    for i in range(6):
        admin.record(s, "sign_in_failed", "", f"203.0.113.{i}")
    log = admin.audit_log(s)
    assert log["action"].tolist().count("sign_in_failed") == 3
    assert log["client"].tolist()[:3] == ["203.0.113.5", "203.0.113.4", "203.0.113.3"]
    assert "import" in log["action"].tolist()


def test_backup_and_restore_keep_the_audit_log(db, tmp_path: Path) -> None:
    s = Store()
    admin.record(s, "template_upload", "a@ivo.se", "192.0.2.1", "file=mall.pptx; bytes=1234")
    admin.StoreThrottleState(s).failed("203.0.113.1", 1.0)
    backup = s.backup(tmp_path / "b.duckdb")
    before = admin.audit_log(s)
    admin.record(s, "template_remove", "a@ivo.se", "192.0.2.1", "name=presentation.pptx")
    counts = s.restore(backup)
    assert counts["admin_audit"] == 1
    pd.testing.assert_frame_equal(admin.audit_log(s), before)
