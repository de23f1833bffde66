"""The server and browser harness shared by the benchmarks and the end-to-end tests (tests/e2e).

``Server`` starts ``streamlit run`` on a free loopback port; ``launch_browser`` starts the system
Chromium; ``PageWatch`` records what must never happen on a page (console errors, foreign
requests, dialogs); ``settle`` waits on the app's own run state, never on time. The baselines every
machine-dependent figure is compared with live here too: a hello-world page and a *component page*
(``st.metric``, ``st.dataframe``, ``st.plotly_chart``, ``st.pydeck_chart`` with a few values each),
both started with this project's own ``.streamlit/config.toml`` so that only the page differs.

``MachineWatch`` samples the machine while a benchmark runs: the 1-minute load average and the CPU
that processes *other than this benchmark's own* used, so the report can say how busy the machine
was instead of assuming it was quiet.

Standard library only at import: ``tillsyn`` loads this checkout's benchmarks for every command,
and Playwright and Pillow are development dependencies, imported where they are used.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
CONFIG = ROOT / ".streamlit" / "config.toml"
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

# The same flags for the app and its baselines. Binding 127.0.0.1 keeps everything on loopback and
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
if st.query_params.get("boom"):
    raise RuntimeError("boom")
'''

# Streamlit's own cost of the components the app uses: the floor for any page that shows them.
# A few values each; no basemap (map_provider=None), so nothing is fetched from another host.
COMPONENT_APP = '''import pandas as pd
import plotly.express as px
import pydeck as pdk
import streamlit as st

st.title("Components")
df = pd.DataFrame({"region": ["Stockholm", "Uppsala", "Skåne", "Norrbotten", "Gotland"],
                   "share": [0.62, 0.55, 0.71, 0.48, 0.66],
                   "lat": [59.33, 59.86, 55.60, 65.58, 57.63], "lon": [18.07, 17.64, 13.00, 22.15, 18.29]})
a, b, c = st.columns(3)
a.metric("Units", 1426)
b.metric("Share", "62 %", "+3 p.e.")
c.metric("Regions", 21)
st.dataframe(df[["region", "share"]], hide_index=True)
st.plotly_chart(px.bar(df, x="region", y="share"))
layer = pdk.Layer("ScatterplotLayer", data=df[["lon", "lat"]].to_dict("records"), id="points",
                  get_position=["lon", "lat"], get_radius=20000, get_fill_color=[0, 114, 178])
st.pydeck_chart(pdk.Deck(layers=[layer], map_provider=None,
                         initial_view_state=pdk.ViewState(latitude=62, longitude=16, zoom=3.5)))
'''

# What a baseline page shows once it has run: the browser waits for it.
BASELINE_TEXT = {"hello": "Picked a", "component": "Components"}

# The app is idle: the script is not running and the websocket is connected. Right after a page
# load this is briefly true before the first run starts, so always wait for content too (settle).
IDLE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
    && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && !document.querySelector('[data-stale="true"]');
}"""

# Fully painted: idle, no grey loading box (stSkeleton: a lazily loaded component not yet there),
# every map, chart and table in the window drawn (those further down or in a hidden tab are drawn
# only when they come into view), and no fetch of the page's own (e.g. map data) in flight.
# FETCH_COUNTER_JS must be installed in the context for the last part (it counts open fetches).
PAINTED_JS = """() => {
  if (!(""" + IDLE_JS + """)()) return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  const shown = (sel) => [...document.querySelectorAll(sel)].filter((el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.top < window.innerHeight && r.bottom > 0;
  });
  for (const d of shown('[data-testid="stDeckGlJsonChart"]')) if (!d.querySelector('canvas')) return false;
  for (const p of shown('[data-testid="stPlotlyChart"]')) if (!p.querySelector('.main-svg')) return false;
  for (const g of shown('[data-testid="stDataFrame"]')) if (!g.querySelector('canvas')) return false;
  return (window.__tillsynFetches || 0) === 0;
}"""

FETCH_COUNTER_JS = """(() => {
  window.__tillsynFetches = 0;
  const original = window.fetch;
  window.fetch = function (...args) {
    window.__tillsynFetches += 1;
    const answer = original.apply(this, args);
    // Counted until the whole body has arrived (on a copy: the caller's stream is left alone).
    answer.then((r) => r.clone().arrayBuffer()).catch(() => null)
      .finally(() => { window.__tillsynFetches -= 1; });
    return answer;
  };
})();"""

# Streamlit's frontend, opened on a deep path such as /karta, first probes /karta/_stcore/health
# and /karta/_stcore/host-config (404) before it finds the server's root; Chromium logs those as
# "Failed to load resource ... 404". A framework quirk, harmless: whitelisted by URL only.
PROBE_404 = re.compile(r"^/[A-Za-z0-9_-]+/_stcore/(health|host-config)$")


class BenchError(RuntimeError):
    """A configuration problem (no Chromium, unknown part): one sentence, exit code 2."""


# --------------------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def chromium_available() -> bool:
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


def proc_cpu_s(pid: int) -> float:
    """User + system CPU seconds process ``pid`` has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_rss(pid: int) -> int:
    """Resident set size of process ``pid`` in bytes (Linux /proc; the kernel's kB are KiB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


class Server:
    """``streamlit run`` in a subprocess on a free loopback port; a context manager.

    ``db`` becomes ``TILLSYN_DB`` (so nothing under data/ is touched); ``log`` receives the
    server's stdout and stderr. ``spawned_at`` is the ``perf_counter`` at spawn (cold start).
    The working folder is the app's, so a baseline made by ``baseline_dir`` reads the copy of the
    project's ``.streamlit/config.toml`` beside it, as the app reads the original.
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
        return proc_rss(self.proc.pid)

    def cpu_seconds(self) -> float:
        """User + system CPU time the server process has used so far (Linux /proc)."""
        assert self.proc is not None
        return proc_cpu_s(self.proc.pid)

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


def baseline_dir(tmp: Path, which: str) -> Path:
    """A baseline page (``hello`` or ``component``) in a folder of its own, beside a copy of the
    project's ``.streamlit/config.toml``; returns the script's path."""
    d = tmp / which
    (d / ".streamlit").mkdir(parents=True, exist_ok=True)
    script = d / f"{which}.py"
    script.write_text({"hello": HELLO_APP, "component": COMPONENT_APP}[which], encoding="utf-8")
    if CONFIG.exists():
        shutil.copy(CONFIG, d / ".streamlit" / "config.toml")
    return script


# --------------------------------------------------------------------------- browser


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
        if "404" in msg.text and self._own(url) and PROBE_404.match(urlsplit(url).path):
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


# --------------------------------------------------------------------------- figures


def median(xs: list[float]) -> float:
    return float(statistics.median(xs)) if xs else math.nan


def p95(xs: list[float]) -> float:
    """The 95th percentile, nearest rank (a value that was measured, never interpolated)."""
    if not xs:
        return math.nan
    s = sorted(xs)
    return float(s[min(len(s) - 1, math.ceil(0.95 * len(s)) - 1)])


def ratio(a: float, b: float) -> float:
    return a / b if b else math.nan


def say(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- the machine


def _busy_jiffies() -> int:
    """Busy CPU jiffies of the whole machine since boot, all cores (/proc/stat, first line)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields[:8]) - idle


def _tree_jiffies(root: int) -> dict[int, int]:
    """utime + stime of ``root`` and every process below it (by parent pid), from /proc."""
    parent: dict[int, int] = {}
    cpu: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{entry.name}/stat").read_text().rsplit(")", 1)[1].split()
            pid = int(entry.name)
            parent[pid] = int(fields[1])
            cpu[pid] = int(fields[11]) + int(fields[12])
    ours = {root}
    grew = True
    while grew:
        below = {p for p, pp in parent.items() if pp in ours and p not in ours}
        grew = bool(below)
        ours |= below
    return {p: cpu[p] for p in ours if p in cpu}


class MachineWatch:
    """Samples the machine in a background thread while a benchmark runs: the 1-minute load
    average and the CPU used by processes that are *not* this benchmark (this process and every
    process it started: servers, proxy, browsers). A context manager; ``summary()`` after it.

    The load average counts the benchmark's own work too (a busy step makes it climb), which is
    why the report gives both: ``other_cores`` is the share of the machine's cores that other
    work took, the figure that says whether the machine was quiet."""

    def __init__(self, interval: float = 2.0) -> None:
        self.interval = interval
        self.loadavg: list[float] = []
        self.other_cores: list[float] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.start_loadavg = math.nan

    def _run(self) -> None:
        hz = os.sysconf("SC_CLK_TCK")
        busy0 = _busy_jiffies()
        ours0 = _tree_jiffies(os.getpid())
        t0 = time.monotonic()
        while not self._stop.wait(self.interval):
            busy1 = _busy_jiffies()
            ours1 = _tree_jiffies(os.getpid())
            t1 = time.monotonic()
            # A process first seen now counts from zero; one that ended since is lost (a short
            # overestimate of the others' share, never an underestimate of it).
            ours = sum(v - ours0.get(p, 0) for p, v in ours1.items())
            other = max(0.0, (busy1 - busy0 - ours) / hz / max(t1 - t0, 1e-6))
            self.other_cores.append(other)
            self.loadavg.append(os.getloadavg()[0])
            busy0, ours0, t0 = busy1, ours1, t1

    def __enter__(self) -> MachineWatch:
        self.start_loadavg = os.getloadavg()[0]
        self._thread = threading.Thread(target=self._run, name="machine-watch", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def summary(self) -> dict[str, Any]:
        n = os.cpu_count() or 1
        return {
            "nproc": n,
            "loadavg_start": self.start_loadavg,
            "loadavg_max": max(self.loadavg, default=self.start_loadavg),
            "loadavg_mean": statistics.fmean(self.loadavg) if self.loadavg else self.start_loadavg,
            "other_cores_mean": statistics.fmean(self.other_cores) if self.other_cores else math.nan,
            "other_cores_max": max(self.other_cores, default=math.nan),
            "samples": len(self.other_cores),
        }
