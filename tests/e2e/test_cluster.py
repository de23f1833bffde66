"""Two replicas behind HAProxy (deploy/local-cluster) on PostgreSQL, as deployed: a user stays on one
replica, and what replicas must share (the admin sign-in throttle, the audit log) is shared.

Streamlit keeps a session, its uploads and its generated files in one process, so the page,
the websocket, an upload and a download must all reach the replica that served the first
request. Checked three ways per browser context: the proxy's stick cookie is set once and kept,
every HTTP response carries the same ``X-Tillsyn-Replica``, and every line the proxy logged for
the context's requests (read after the context closed) names that replica. New users are spread:
fresh contexts land on both replicas. The replicas share a throwaway PostgreSQL (tests/pgserver.py), not
a DuckDB file: a shared file would hide anything kept per process or per host.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import ci_env
import pytest

from benchmarks import harness
from dashboard import i18n
from dashboard.ingest import demo

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
COOKIE = "TILLSYN_REPLICA"
ADMIN_PASSWORD = "cluster-test-admin"  # web import needs an administrator (signed in per session)
LOG_LINE = re.compile(r"\] web app/(?P<server>\S+) .*\"(?P<method>[A-Z]+) (?P<path>\S+)")


def _visit(browser: object, url: str) -> object:
    """A fresh context on ``url`` with tests/e2e/conftest.py's ``Visit`` helper (idle waits, text)."""
    here = str(Path(__file__).with_name("conftest.py"))
    module = next(m for m in list(sys.modules.values()) if getattr(m, "__file__", None) == here)
    return module.Visit(browser, url)


class Cluster:
    def __init__(self, url: str, state: Path, db: str) -> None:
        self.url, self.state, self.db = url, state, db
        self.log = state / "haproxy.log"

    def lines_with(self, cookie: str) -> list[dict[str, str]]:
        """Proxy log lines (one per finished request or websocket) of the user with this stick cookie:
        the cookie is captured in every line, sent by the browser or set by the proxy."""
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return [m.groupdict() for line in text.splitlines() if f"{COOKIE}={cookie}" in line
                if (m := LOG_LINE.search(line))]


@pytest.fixture(scope="module")
def cluster(chromium: Path, tmp_path_factory: pytest.TempPathFactory, pg_admin_url: str) -> Iterator[Cluster]:
    import pgserver

    ci_env.haproxy()  # skipped without it; failed in CI
    state = tmp_path_factory.mktemp("cluster")
    port = harness.free_port()
    with pgserver.fresh_database(pg_admin_url) as db:
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "deploy" / "local-cluster"), "--replicas", "2", "--port", str(port),
             "--state-dir", str(state), "--db", db],
            stdout=subprocess.PIPE, text=True, env=os.environ | {"TILLSYN_ADMIN_PASSWORD": ADMIN_PASSWORD},
        )
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            assert line.startswith("READY"), f"local-cluster did not start: {line!r}; logs in {state}"
            assert json.loads((state / "cluster.json").read_text(encoding="utf-8"))["db"] == db
            yield Cluster(line.split()[1], state, db)
        finally:
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(30) == 0
    for replica in ("r1", "r2"):
        assert "Traceback" not in (state / f"{replica}.log").read_text(), f"replica {replica} logged an exception"


@pytest.fixture
def sticky(browser: object, cluster: Cluster) -> Iterator[object]:
    """A fresh browser context on the proxy; after the test, it must have stayed on one replica."""
    v = _visit(browser, cluster.url)
    served: list[str] = []
    v.page.on("response", lambda r: served.append(r.headers.get("x-tillsyn-replica", "")))
    yield v
    cookies = [c["value"] for c in v.context.cookies() if c["name"] == COOKIE]
    v.close()
    assert len(cookies) == 1, "the proxy set no stick cookie"
    replicas = set(filter(None, served))
    assert len(replicas) == 1, f"HTTP responses came from several replicas: {replicas}"
    deadline = time.monotonic() + 15  # the websocket's log line is written when it closes
    while True:
        lines = cluster.lines_with(cookies[0])
        if any(x["path"].startswith("/_stcore/stream") for x in lines) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert any(x["path"].startswith("/_stcore/stream") for x in lines), "no websocket in the proxy log"
    assert {x["server"] for x in lines} == replicas, f"the proxy log shows other replicas: {lines}"


def test_deep_link_and_drill_down_stay_on_one_replica(sticky):
    import test_e2e_app  # the drill-down as a person clicks it

    from dashboard.figures import aggregate
    from dashboard.storage import datasets

    sticky.open("/region?region=18", "Region Örebro län")
    units, answers = datasets.example_round()
    seen = test_e2e_app.drill(sticky, aggregate.unit_status(units, answers))
    assert "enhet" in seen["unit_url"]


def test_sign_in_and_upload_on_the_import_page_stay_on_one_replica(sticky):
    """The admin sign-in lives in the session, the upload goes over HTTP to the session's replica."""
    page = sticky.page
    sticky.open("/import", i18n.t("admin_password", "sv"))
    page.get_by_label(i18n.t("admin_password", "sv")).fill(ADMIN_PASSWORD)
    page.get_by_role("button", name=i18n.t("sign_in", "sv")).click()
    sticky.settle(i18n.t("rounds_stored", "sv"))
    page.locator("[data-testid='stFileUploaderDropzoneInput'][accept*='.csv']").set_input_files(str(demo.EXAMPLE_FILE))
    sticky.settle(page.get_by_text(re.compile(r"rader lästes")).first)
    assert "godkända" in sticky.text()


def test_download_stays_on_one_replica(sticky):
    page = sticky.page
    button = page.get_by_role("button", name=re.compile(r"^CSV$|download\s*CSV$"))  # the risk list's CSV download
    sticky.open("/risk", button.first)
    with page.expect_download() as info:
        button.first.click()
    assert info.value.path().stat().st_size > 100


def test_new_users_are_spread_over_both_replicas(browser, cluster):
    seen = set()
    for _ in range(4):
        v = _visit(browser, cluster.url)
        response = v.page.goto(cluster.url + "/metod")
        seen.add(response.headers.get("x-tillsyn-replica"))
        v.close()
    assert seen == {"r1", "r2"}


def _on_each_replica(browser: object, cluster: Cluster) -> dict[str, object]:
    """A fresh context on the Import page on each replica (new users are spread round-robin)."""
    found: dict[str, object] = {}
    for _ in range(8):
        v = _visit(browser, cluster.url)
        replica = v.page.goto(cluster.url + "/import").headers.get("x-tillsyn-replica", "")
        v.wait_run()
        v.settle(i18n.t("admin_password", "sv"))
        if replica in found:
            v.close()
        else:
            found[replica] = v
        if len(found) == 2:
            return found
    raise AssertionError(f"new users did not reach both replicas: {sorted(found)}")


def _submit(v: object, password: str) -> str:
    v.page.get_by_label(i18n.t("admin_password", "sv")).fill(password)
    v.act(v.page.get_by_role("button", name=i18n.t("sign_in", "sv")).click)
    return v.text()


def test_failed_sign_ins_on_one_replica_hold_the_same_client_up_on_the_other(browser, cluster):
    """Every browser here is one client to the app (127.0.0.1, from the proxy's X-Forwarded-For).
    Its failures on one replica grow its wait (2, 4, 8, 16 s: a try during a wait is not counted, so
    this waits them out); the other replica, a process of its own, then refuses even the right
    password from it at once. Before, each process counted alone, so N replicas gave N times the tries.
    The audit log in PostgreSQL names the client."""
    from dashboard.storage import admin
    from dashboard.storage.store import Store

    contexts = _on_each_replica(browser, cluster)
    first, second = contexts.values()
    try:
        held = 0
        while held < 16:
            text = _submit(first, "fel-lösenord")
            found = re.search(r"måste du vänta (\d+) sekunder", text)
            held = int(found.group(1)) if found else 0
            assert found or "Fel lösenord" in text, text
            if 0 < held < 16:
                time.sleep(held + 0.5)  # the throttle is about time: the next try must be counted
        text = _submit(second, ADMIN_PASSWORD)
        assert "För många felaktiga inloggningsförsök" in text, text
        assert i18n.t("rounds_stored", "sv") not in text  # not signed in
    finally:
        for v in contexts.values():
            v.close()
    log = admin.audit_log(Store(cluster.db))
    failed = log[log["action"] == "sign_in_failed"]
    assert len(failed) == 6 and set(failed["client"]) == {"127.0.0.1"}, log
