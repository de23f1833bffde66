"""Server CPU per page open, page by page, next to a hello-world page (issue 14, point 1).

Starts the app and the hello-world page (``bench.HELLO_APP``) with the production config
(``.streamlit/config.toml``: no file watcher), warms every page once, then opens each page ``K``
times, each in a fresh session, over Streamlit's own protocol (no browser): websocket,
``rerun_script`` for the page and its query string, read until ``script_finished``. The server's
CPU comes from ``/proc/<pid>/stat`` before and after each page's visits; RSS after 50 sessions
from ``/proc/<pid>/status``. Visits are sequential, so the CPU per visit is the server's cost of
one page open, not queueing. The figures that count are the ratios to hello-world in the same run.

With ``--browser`` it also opens every page's link in headless system Chromium on the warm
server (a new browser context per open: no cache, a new session), link -> app idle, median of
``--browser-runs``, against the hello-world page; and the cold start (``bench.cold_start``:
spawn -> first headline figure visible, against hello world's first text).

    .venv/bin/python benchmarks/page_cost.py            # about a minute
    .venv/bin/python benchmarks/page_cost.py --k 10 --json /tmp/page_cost.json
    .venv/bin/python benchmarks/page_cost.py --browser  # plus link opens and cold start in Chromium
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench  # noqa: E402  (the sibling harness: Server, hello-world app with the same config)

# (label, page_name, query_string): the pages of the goal, as a shared link opens them.
PAGES: list[tuple[str, str, str]] = [
    ("overview", "", ""),
    ("map", "karta", ""),
    ("map kommun", "karta", "niva=kommun"),
    ("region", "region", "region=18"),
    ("kommun", "kommun", "kommun=2380"),
    ("unit", "enhet", "kommun=2380"),
    ("comparison", "jamforelse", ""),
    ("risk", "risk", ""),
    ("method", "metod", ""),
]
RSS_SESSIONS = 50
CPU_GOAL = 2.0  # server CPU per page open at most 2x hello-world's
RSS_GOAL_MB = 200
LINK_GOAL = 1.5  # link open in Chromium on a warm server, x hello-world
LINK_GOAL_MAP = 2.5  # the map pages
COLD_GOAL = 1.3  # cold start to the first figure, x hello-world

Visit = Callable[..., Awaitable[Any]]


def client() -> Visit:
    """The protocol client: ``visit(base_url, page_name, query_string, timeout)`` -> an object with
    ``ok`` and ``error``. The capacity benchmark's client (``benchmarks/capacity.py``) when it is
    there; until then a copy of it (``_visit`` below)."""
    try:
        from capacity import visit  # type: ignore[import-not-found]
    except ImportError:
        return _visit
    return visit


class _Result:
    def __init__(self, ok: bool, error: str) -> None:
        self.ok, self.error = ok, error


async def _visit(base_url: str, page_name: str, query_string: str = "", timeout: float = 30.0) -> _Result:
    """One new session on ``page_name?query_string`` until its script run ends (status 2, stopped
    for a rerun, means another run follows). An exception element or page_not_found is an error."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.asyncio.client import connect

    msg = BackMsg()
    msg.rerun_script.query_string = query_string
    msg.rerun_script.page_name = page_name
    msg.rerun_script.context_info.timezone = "Europe/Stockholm"
    msg.rerun_script.context_info.locale = "sv-SE"
    errors: list[str] = []
    ws_url = base_url.replace("http://", "ws://", 1).rstrip("/") + "/_stcore/stream"
    try:
        async with asyncio.timeout(timeout):
            async with connect(ws_url, subprotocols=["streamlit"], origin=base_url.rstrip("/"),  # type: ignore[list-item]
                               max_size=None) as ws:
                await ws.send(msg.SerializeToString())
                async for frame in ws:
                    if isinstance(frame, str):
                        continue
                    fwd = ForwardMsg()
                    fwd.ParseFromString(frame)
                    kind = fwd.WhichOneof("type")
                    if kind == "page_not_found":
                        errors.append(f"page_not_found: {page_name!r}")
                    elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element" \
                            and fwd.delta.new_element.WhichOneof("type") == "exception":
                        errors.append(f"exception: {fwd.delta.new_element.exception.message[:200]}")
                    elif kind == "script_finished" and fwd.script_finished != 2:
                        break
                else:
                    errors.append("connection closed before script_finished")
    except TimeoutError:
        errors.append(f"no script_finished within {timeout:.0f} s")
    except Exception as exc:  # noqa: BLE001 - a failed visit is reported, not raised
        errors.append(f"{type(exc).__name__}: {exc}")
    return _Result(not errors, "; ".join(errors))


def _open(visit: Visit, url: str, page: str, query: str, errors: list[str]) -> None:
    result = asyncio.run(visit(url, page, query, timeout=60.0))
    if not result.ok:
        errors.append(f"{page}?{query}: {result.error}")


def cost(srv: bench.Server, pages: list[tuple[str, str, str]], k: int, visit: Visit) -> dict[str, Any]:
    """CPU-s per page open for each page (after one warm-up visit each), and RSS after 50 sessions."""
    errors: list[str] = []
    for _, page, query in pages:
        _open(visit, srv.url, page, query, errors)
    out: dict[str, Any] = {"cpu_s": {}, "errors": errors, "sessions": len(pages)}
    for label, page, query in pages:
        cpu0 = srv.cpu_seconds()
        for _ in range(k):
            _open(visit, srv.url, page, query, errors)
        out["cpu_s"][label] = (srv.cpu_seconds() - cpu0) / k
        out["sessions"] += k
    i = 0
    while out["sessions"] < RSS_SESSIONS:
        _, page, query = pages[i % len(pages)]
        _open(visit, srv.url, page, query, errors)
        out["sessions"] += 1
        i += 1
    time.sleep(1.0)
    out["rss_mb"] = srv.rss() / 1e6
    return out


def _link_seconds(browser: Any, url: str, runs: int, expect: tuple[str, ...] = ()) -> list[float]:
    """Open ``url`` ``runs`` times, each in a new browser context; seconds until the app is idle."""
    out = []
    for _ in range(runs):
        ctx = browser.new_context(viewport=bench.VIEWPORT)
        page = ctx.new_page()
        try:
            t0 = time.perf_counter()
            page.goto(url, wait_until="commit")
            bench.settle(page, *expect, timeout=120_000)
            out.append(time.perf_counter() - t0)
        finally:
            ctx.close()
    return out


def links(browser: Any, srv: bench.Server, hsrv: bench.Server, runs: int) -> dict[str, Any]:
    """Median link open (link -> idle) per page and for hello world, on warm servers, interleaved."""
    import statistics

    _link_seconds(browser, hsrv.url + "/", 1, ("Picked a",))
    for _, page, query in PAGES:  # warm: every page once
        _link_seconds(browser, f"{srv.url}/{page}" + (f"?{query}" if query else ""), 1)
    out: dict[str, list[float]] = {"hello": []}
    for label, page, query in PAGES:
        out["hello"] += _link_seconds(browser, hsrv.url + "/", 1, ("Picked a",))
        out[label] = _link_seconds(browser, f"{srv.url}/{page}" + (f"?{query}" if query else ""), runs)
    return {label: statistics.median(xs) for label, xs in out.items()}


def run(k: int, browser_runs: int = 0) -> dict[str, Any]:
    visit = client()
    with tempfile.TemporaryDirectory(prefix="tillsyn-page-cost-") as d:
        tmp = Path(d)
        hello_dir = bench._hello_dir(tmp)
        with bench.Server(hello_dir / "hello.py", db=tmp / "hello.duckdb", log=tmp / "hello.log") as hsrv:
            # Hello world is the denominator of every ratio: three times the visits, for a steadier figure.
            hello = cost(hsrv, [("hello", "", "")], 3 * k, visit)
        with bench.Server(bench.APP, db=tmp / "app.duckdb", log=tmp / "app.log") as srv:
            app = cost(srv, PAGES, k, visit)
        out: dict[str, Any] = {"k": k, "hello": hello, "app": app}
        if browser_runs:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as pw:
                browser = bench.launch_browser(pw)
                try:
                    with bench.Server(hello_dir / "hello.py", db=tmp / "h2.duckdb", log=tmp / "h2.log") as hsrv, \
                            bench.Server(bench.APP, db=tmp / "a2.duckdb", log=tmp / "a2.log") as srv:
                        out["link_s"] = links(browser, srv, hsrv, browser_runs)
                    out["cold_start"] = bench.cold_start(browser, tmp, max(2, browser_runs // 2))
                finally:
                    browser.close()
    return out


def table(r: dict[str, Any]) -> str:
    h = r["hello"]["cpu_s"]["hello"]
    lines = [f"K = {r['k']} fresh sessions per page ({3 * r['k']} for hello), production config",
             f"{'page':<12} {'CPU-s/open':>10} {'x hello':>8}  goal <= {CPU_GOAL:g}x",
             f"{'hello':<12} {h:>10.3f} {1.0:>8.2f}"]
    for label, cpu in r["app"]["cpu_s"].items():
        ratio = cpu / h if h else float("nan")
        lines.append(f"{label:<12} {cpu:>10.3f} {ratio:>8.2f}  {'ok' if ratio <= CPU_GOAL else 'OVER'}")
    lines.append(f"RSS after {r['app']['sessions']} sessions: app {r['app']['rss_mb']:.0f} MB, "
                 f"hello {r['hello']['rss_mb']:.0f} MB (goal app <= {RSS_GOAL_MB} MB)")
    if "link_s" in r:
        h = r["link_s"]["hello"]
        lines.append(f"{'link open':<12} {'median s':>10} {'x hello':>8}  goal <= {LINK_GOAL:g}x "
                     f"(map pages {LINK_GOAL_MAP:g}x), Chromium, warm server")
        lines.append(f"{'hello':<12} {h:>10.2f} {1.0:>8.2f}")
        for label, s in r["link_s"].items():
            if label == "hello":
                continue
            goal = LINK_GOAL_MAP if label.startswith("map") else LINK_GOAL
            lines.append(f"{label:<12} {s:>10.2f} {s / h:>8.2f}  {'ok' if s / h <= goal else 'OVER'}")
        c = r["cold_start"]
        lines.append(f"cold start to the first figure: app {c['app_median_s']:.2f} s, hello {c['hello_median_s']:.2f} s, "
                     f"{c['ratio']:.2f}x (goal <= {COLD_GOAL:g}x)")
    errs = r["app"]["errors"] + r["hello"]["errors"]
    lines.append(f"errors: {len(errs)}" + "".join(f"\n  {e}" for e in errs[:5]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="page_cost", description=__doc__.splitlines()[0])
    p.add_argument("--k", type=int, default=5, help="fresh sessions per page")
    p.add_argument("--json", help="also write the figures to this file")
    p.add_argument("--browser", action="store_true", help="also link opens and cold start in Chromium")
    p.add_argument("--browser-runs", type=int, default=5, help="link opens per page (median)")
    args = p.parse_args(argv)
    r = run(args.k, args.browser_runs if args.browser else 0)
    print(table(r))
    if args.json:
        Path(args.json).write_text(json.dumps(r, indent=2) + "\n", encoding="utf-8")
    return 1 if r["app"]["errors"] or r["hello"]["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
