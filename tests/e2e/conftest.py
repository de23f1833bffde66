"""End-to-end set-up: the real app in a subprocess, driven by the system Chromium.

One server per test session (``app_url``), on a free loopback port, with ``TILLSYN_DB`` in a
temporary folder, so the tests never touch data/. A second server with a hostile round
(``xss_server``) is started only by the tests that ask for it. Screenshots go to artifacts/e2e/.

Chromium: /usr/bin/chromium (or $TILLSYN_CHROMIUM). Without it the e2e tests are skipped with a
reason, except in CI (``ci_env.in_ci``), where a missing browser is a failure: CI installs it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from ci_env import missing

from benchmarks import harness

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "e2e"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/e2e is an e2e test (each module also says so with pytestmark)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def chromium() -> Path:
    """The system Chromium; skip without it (fail in CI, where it is installed)."""
    reason = None
    if not harness.chromium_available():
        reason = f"no Chromium at {harness.CHROMIUM} (install the Debian package `chromium`)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "the playwright Python package is not installed (pip install -r requirements-dev.txt)"
    if reason:
        missing(reason)
    return harness.CHROMIUM


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """artifacts/e2e/, emptied of the previous run's screenshots, reports and logs."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.iterdir():
        if old.is_file() and old.suffix in (".png", ".json", ".log"):
            old.unlink()
    return ARTIFACTS


@pytest.fixture(scope="session")
def app_server(chromium: Path, tmp_path_factory: pytest.TempPathFactory, serving) -> Iterator[harness.Server]:
    """The app with an empty database of its own (so it shows the shipped example round)."""
    db = tmp_path_factory.mktemp("e2e-db") / "tillsyn.duckdb"
    with serving(db, "server.log") as server:
        yield server


@pytest.fixture(scope="session")
def serving(artifacts: Path):
    """Start an app server on a database; when it stops, its log must hold no traceback."""

    @contextlib.contextmanager
    def run(db: Path, log_name: str) -> Iterator[harness.Server]:
        with harness.Server(db=db, log=artifacts / log_name) as server:
            yield server
        assert "Traceback" not in server.log_text(), f"the server logged an exception: see {server.log_path}"

    return run


@pytest.fixture(scope="session")
def app_url(app_server: harness.Server) -> str:
    return app_server.url


@pytest.fixture(scope="session")
def browser(chromium: Path) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = harness.launch_browser(pw)
        try:
            yield b
        finally:
            b.close()


# Waits key on the app's own state, never on time. Streamlit marks its root element with the script's
# run state (data-test-script-state: initial, running, rerunRequested, notRunning, ...). This script,
# installed in every page before the app loads, counts finished runs: each change of that attribute
# to "notRunning" from another state. An action that reruns the app (a click, the back button, a
# widget) is complete when the count has gone up AND the app is idle, so nothing is read from the
# previous run's page, however slow the machine. A link may load a new document (the count starts
# again at 0 there): then its first finished run is the one waited for.
RUN_COUNTER_JS = """(() => {
  window.__tillsynRuns = 0;
  window.__tillsynDoc = Math.random().toString(36).slice(2);
  const seen = (m) => {
    if (m.attributeName === 'data-test-script-state' && m.target.getAttribute('data-testid') === 'stApp'
        && m.target.getAttribute('data-test-script-state') === 'notRunning' && m.oldValue !== 'notRunning') {
      window.__tillsynRuns += 1;
    }
  };
  new MutationObserver((ms) => ms.forEach(seen)).observe(document, {
    attributes: true, attributeOldValue: true, subtree: true, attributeFilter: ['data-test-script-state']});
})();"""

# Idle (harness.IDLE_JS: not running, connected, nothing stale) after a run that finished later than
# ``at`` = {doc, runs} (the document and its count when the action began).
RUN_DONE_JS = ("(at) => (window.__tillsynDoc === at.doc ? window.__tillsynRuns > at.runs : window.__tillsynRuns > 0)"
               " && (" + harness.IDLE_JS + ")()")

# Idle, and the breadcrumb links read exactly ``want`` (their '›' separators and spaces ignored).
SHOWS_CRUMBS_JS = ("(want) => { const got = [...document.querySelectorAll('.st-key-breadcrumbs a')]"
                   ".map((a) => a.innerText.replace(/\\s+/g, ' ').replace(/^\\s*›\\s*/, '').trim());"
                   " return JSON.stringify(got) === JSON.stringify(want) && (" + harness.IDLE_JS + ")(); }")

# Generous: a wait ends as soon as its condition holds, so only a hung app ever reaches it.
WAIT_MS = 180_000


class Visit:
    """A fresh browser context and page on the app, with a ``PageWatch`` on it."""

    def __init__(self, browser: object, base_url: str, **context_options: object) -> None:
        self.base_url = base_url
        self.context = browser.new_context(viewport=harness.VIEWPORT, **context_options)  # type: ignore[attr-defined]
        self.context.set_default_timeout(WAIT_MS)
        self.context.add_init_script(RUN_COUNTER_JS)
        self.page = self.context.new_page()
        self.watch = harness.PageWatch(self.page, base_url)

    def runs(self) -> dict[str, object]:
        """This document's id and the script runs finished since it loaded."""
        return self.page.evaluate("() => ({doc: window.__tillsynDoc || '', runs: window.__tillsynRuns || 0})")

    def wait_run(self, before: dict[str, object] | None = None) -> None:
        """Until a run that finished after ``before`` (default: any in a new document) and the app is
        idle. No time involved: the timeout only ends a hung app."""
        self.page.wait_for_function(RUN_DONE_JS, arg=before or {"doc": "", "runs": 0}, timeout=WAIT_MS)

    def act(self, action: Callable[[], object], *expect: object) -> Visit:
        """Do something that reruns the app, then wait for that rerun to finish before reading."""
        before = self.runs()
        action()
        self.wait_run(before)
        return self.settle(*expect)

    def open(self, path: str, *expect: object) -> Visit:
        self.page.goto(self.base_url + path)
        self.wait_run()  # a new document: its first finished run
        self.settle(*expect)
        return self

    def settle(self, *expect: object) -> Visit:
        """Idle, the expected texts/locators shown, and the page header's breadcrumb links drawn
        (a fresh session can draw them a moment after later elements)."""
        harness.settle(self.page, *expect, self.page.locator(".st-key-breadcrumbs a").first, timeout=WAIT_MS)
        return self

    def text(self) -> str:
        """The main area's text, whitespace (no-break spaces included) collapsed to single spaces."""
        return harness.normalise(self.page.locator('[data-testid="stMain"]').inner_text())

    def shows_crumbs(self, crumbs: list[str]) -> Visit:
        """Until the app is idle and its breadcrumbs are exactly ``crumbs``: keyed on what the page
        shows, for navigation that may or may not start a new script run (the back button can restore
        the previous document from the browser's cache, where nothing reruns)."""
        self.page.wait_for_function(SHOWS_CRUMBS_JS, arg=crumbs, timeout=WAIT_MS)
        return self

    def crumbs(self) -> list[str]:
        """The breadcrumb links' texts, without the '›' separators."""
        links = self.page.locator(".st-key-breadcrumbs a")
        links.first.wait_for(state="visible")
        return [harness.normalise(t).lstrip("›").strip() for t in links.all_inner_texts()]

    def shot(self, name: str, full_page: bool = True) -> Path:
        """A screenshot into artifacts/e2e/. Streamlit scrolls inside its main area, so for the whole
        page the viewport is made as tall as the content (at most 8000 px) for the shot."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        size = self.page.viewport_size
        height = self.page.evaluate(
            "() => (document.querySelector('[data-testid=\"stMain\"]') || document.body).scrollHeight") if full_page else 0
        if size and height > size["height"]:
            self.page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 8000)})
            self.page.wait_for_timeout(400)
        try:
            self.page.screenshot(path=str(path))
        finally:
            if size:
                self.page.set_viewport_size(size)
        return path

    def assert_clean(self) -> None:
        problems = self.watch.problems()
        assert not problems, "\n".join(problems)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser: object, app_url: str) -> Iterator[Visit]:
    v = Visit(browser, app_url)
    try:
        yield v
    finally:
        v.close()


@pytest.fixture
def new_visit(browser: object, app_url: str) -> Iterator[object]:
    """A factory of further fresh contexts (e.g. to open a copied URL in a clean browser)."""
    made: list[Visit] = []

    def make(base_url: str = app_url) -> Visit:
        v = Visit(browser, base_url)
        made.append(v)
        return v

    try:
        yield make
    finally:
        for v in made:
            v.close()
