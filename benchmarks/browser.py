"""What a person waits for, measured in headless system Chromium next to the baselines.

* **cold start**: spawning ``streamlit run`` -> the first headline figure visible, against hello
  world's first text (and the component page's), alternating, each with a new server process;
* **first visit**: a new browser (empty cache) opens a link -> fully painted: the app idle, no grey
  loading box (``stSkeleton``) left, every map, chart and table drawn and no fetch in flight
  (``harness.PAINTED_JS``); then a **warm tab**: a second tab of the same browser (warm HTTP cache,
  a new session) opens the same link. App pages against the component page and hello world;
* **browser rerun**: an option clicked in a sidebar selectbox -> the new numbers shown and idle;
* **load**: several browsers at once drilling country -> region -> unit: errors and latency
  against one browser alone (the gate is judged on both).
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from benchmarks import harness
from benchmarks.harness import (
    APP,
    IDLE_JS,
    PROBE_404,
    VIEWPORT,
    Server,
    median,
    p95,
    pick_option,
    ratio,
    settle,
)

# (label, target, path, what shows that the page has run): the links of the first-visit part.
FIRST_VISIT = [
    ("hello", "hello", "/", "text=Picked a"),
    ("component", "component", "/", "text=Components"),
    ("overview", "app", "/", '[data-testid="stMetricValue"]'),
    ("map kommun", "app", "/karta?niva=kommun", '[data-testid="stDeckGlJsonChart"]'),
    ("risk", "app", "/risk", '[data-testid="stMain"] h1'),
]


def strings() -> dict[str, str]:
    """Texts the browser waits for, from the app's own strings (so a wording change does not break it)."""
    from dashboard import i18n

    return {
        "unit_type": i18n.t("unit_type", "sv"),
        "region": i18n.t("region", "sv"),
        "answers": i18n.t("answers_by_provision", "sv"),
        "only_vc": i18n.t("vardcentral", "sv").capitalize() + "er",
        "both": i18n.t("both", "sv"),
    }


def _import_seconds() -> float:
    """Importing the app's modules in a fresh interpreter that has already imported streamlit."""
    code = ("import time, streamlit; t = time.perf_counter(); import dashboard.screen.ui, dashboard.screen.views.maps, "
            "dashboard.screen.views.charts, dashboard.screen.views.headlines, dashboard.present.deck, "
            "dashboard.present.charts, dashboard.domain.geo, dashboard.storage.store; print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def cold_start(browser: Any, tmp: Path, runs: int) -> dict[str, Any]:
    """Spawn -> first figure (app: first headline metric; baselines: their text), alternating."""
    scripts = {"app": APP, "hello": harness.baseline_dir(tmp, "hello"),
               "component": harness.baseline_dir(tmp, "component")}
    first = {"app": '[data-testid="stMetricValue"]', "hello": "text=Picked a", "component": "text=Components"}
    shown: dict[str, list[float]] = {k: [] for k in scripts}
    ready: dict[str, list[float]] = {k: [] for k in scripts}
    for i in range(runs):
        order = list(scripts) if i % 2 == 0 else list(reversed(scripts))
        for which in order:
            srv = Server(scripts[which], db=tmp / f"cold-{which}-{i}.duckdb", log=tmp / f"cold-{which}-{i}.log")
            ctx = browser.new_context(viewport=VIEWPORT)
            page = ctx.new_page()
            try:
                srv.spawn().wait_ready(poll=0.02)
                ready[which].append(time.perf_counter() - srv.spawned_at)
                page.goto(srv.url + "/", wait_until="commit")
                page.locator(first[which]).first.wait_for(state="visible", timeout=120_000)
                shown[which].append(time.perf_counter() - srv.spawned_at)
            finally:
                ctx.close()
                srv.stop()
    imports_s = [_import_seconds() for _ in range(runs)]
    out: dict[str, Any] = {"app_imports_s": imports_s, "app_imports_median_s": median(imports_s),
                           "target_ratio": 1.5}
    for which in scripts:
        out[f"{which}_s"] = shown[which]
        out[f"{which}_median_s"] = median(shown[which])
        # spawn -> /_stcore/health answers
        out[f"{which}_ready_median_s"] = median(ready[which])
    out["ratio"] = ratio(out["app_median_s"], out["hello_median_s"])
    return out


def _painted(context: Any, url: str, expect: str) -> dict[str, Any]:
    """Open ``url`` in a new tab of ``context``: seconds until the expected element is visible and
    until the page is fully painted; websocket bytes, requests, and anything that went wrong."""
    page = context.new_page()
    watch = harness.PageWatch(page, url)
    try:
        t0 = time.perf_counter()
        page.goto(url, wait_until="commit")
        page.locator(expect).first.wait_for(state="visible", timeout=120_000)
        t1 = time.perf_counter()
        page.wait_for_function(harness.PAINTED_JS, timeout=120_000, polling=50)
        t2 = time.perf_counter()
        return {"shown_s": t1 - t0, "painted_s": t2 - t0, "ws_bytes": watch.ws_bytes,
                "requests": len(watch.requests), "problems": watch.problems()}
    finally:
        page.close()


def first_visit(browser: Any, urls: dict[str, str], runs: int) -> dict[str, Any]:
    """First-time visitor (new browser context: empty cache) and warm tab (a second tab of that
    context), per link, interleaved run by run; medians."""
    samples: dict[str, dict[str, list[Any]]] = {label: {"first": [], "warm": [], "problems": []}
                                               for label, *_ in FIRST_VISIT}
    for _ in range(runs + 1):  # the first round warms the servers and is dropped
        for label, target, path, expect in FIRST_VISIT:
            ctx = browser.new_context(viewport=VIEWPORT)
            ctx.add_init_script(harness.FETCH_COUNTER_JS)
            try:
                first = _painted(ctx, urls[target] + path, expect)
                warm = _painted(ctx, urls[target] + path, expect)
            finally:
                ctx.close()
            s = samples[label]
            s["first"].append(first)
            s["warm"].append(warm)
            s["problems"] += first["problems"] + warm["problems"]
    out: dict[str, Any] = {"runs": runs, "target_ratio": 1.1}
    for label, s in samples.items():
        first, warm = s["first"][1:], s["warm"][1:]
        out[label] = {
            "first_painted_median_s": median([x["painted_s"] for x in first]),
            "first_shown_median_s": median([x["shown_s"] for x in first]),
            "warm_painted_median_s": median([x["painted_s"] for x in warm]),
            "warm_shown_median_s": median([x["shown_s"] for x in warm]),
            "first_ws_bytes": median([x["ws_bytes"] for x in first]),
            "first_requests": median([x["requests"] for x in first]),
            "warm_requests": median([x["requests"] for x in warm]),
            "problems": sorted(set(s["problems"]))[:10],
        }
    return out


def _select_and_time(page: Any, label: str, option: str, done: Callable[[], None]) -> float:
    opt = pick_option(page, label, option)
    t = time.perf_counter()
    opt.click()
    done()
    return (time.perf_counter() - t) * 1000


def rerun_browser(browser: Any, app_url: str, hello_url: str, runs: int) -> dict[str, Any]:
    """Option clicked in a sidebar selectbox -> the new numbers are on screen and the app is idle."""
    from dashboard.domain import reference

    s = strings()
    ctx = browser.new_context(viewport=VIEWPORT)
    page = ctx.new_page()
    metrics = page.locator('[data-testid="stMetric"]')
    overview: list[float] = []
    count = "() => document.querySelectorAll('[data-testid=\"stMetric\"]').length === {}"
    try:
        page.goto(app_url + "/")
        settle(page, metrics.first)
        for _ in range(runs):
            overview.append(_select_and_time(page, s["unit_type"], s["only_vc"], lambda: (
                page.wait_for_function(count.format(1)), page.wait_for_function(IDLE_JS))))
            overview.append(_select_and_time(page, s["unit_type"], s["both"], lambda: (
                page.wait_for_function(count.format(2)), page.wait_for_function(IDLE_JS))))

        map_ms: list[float] = []
        deck = page.locator('[data-testid="stDeckGlJsonChart"]').first
        page.goto(app_url + "/karta")
        settle(page, deck)
        for code in sorted(reference.REGIONS)[:runs]:
            crumb = page.locator('.st-key-breadcrumbs').get_by_text(reference.region_name(code))
            map_ms.append(_select_and_time(page, s["region"], reference.region_name(code), lambda c=crumb: (
                c.wait_for(state="visible"), page.wait_for_function(IDLE_JS))))
            page.goto(app_url + "/karta")
            settle(page, deck)
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
        "overview_median_ms": median(overview), "map_median_ms": median(map_ms),
        "hello_median_ms": median(hello),
        "overview_ratio": ratio(median(overview), median(hello)),
        "map_ratio": ratio(median(map_ms), median(hello)),
    }


async def _drill(browser: Any, url: str, unit_heading: str) -> dict[str, Any]:
    """One visitor: overview -> (the first region quick link) region -> (the first health centre
    row) unit. Returns step times and any problem."""
    ctx = await browser.new_context(viewport=VIEWPORT)
    page = await ctx.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("console", lambda m: problems.append(f"console: {m.text}")
            if m.type == "error" and not PROBE_404.match(urlsplit((m.location or {}).get("url", "")).path) else None)
    page.on("request", lambda r: problems.append(f"foreign request: {r.url}")
            if urlsplit(r.url).hostname not in ("127.0.0.1", None) else None)
    steps: dict[str, float] = {}
    grid = page.locator(".st-key-region_units [data-testid='stDataFrame']")
    try:
        t0 = time.perf_counter()
        await page.goto(url + "/")
        await harness.settle_async(page, page.locator('[data-testid="stMetric"]').first)
        t1 = time.perf_counter()
        await page.locator('a[href*="region?region="]').first.click()
        await page.wait_for_url(re.compile(r"/region\?"), timeout=120_000)
        await harness.settle_async(page, grid)
        t2 = time.perf_counter()
        await grid.click(position=harness.dataframe_row_point(0))
        await page.locator(".st-key-region_units_open a").click(timeout=120_000)  # the selection's link
        await page.wait_for_url(re.compile(r"/enhet\?"), timeout=120_000)
        await harness.settle_async(page, unit_heading)
        t3 = time.perf_counter()
        steps = {"overview_s": t1 - t0, "region_s": t2 - t1, "unit_s": t3 - t2, "total_s": t3 - t0}
    except Exception as exc:  # noqa: BLE001 - a failed drill is a result (an error), not a crash
        problems.append(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
    finally:
        await ctx.close()
    return {"steps": steps, "problems": problems}


async def _load(url: str, sessions: int, cpu: Callable[[], float], solo_runs: int) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    heading = strings()["answers"]
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(harness.CHROMIUM), args=harness.CHROMIUM_ARGS,
                                           headless=True)
        try:
            solo = [await _drill(browser, url, heading) for _ in range(solo_runs)]
            t, c = time.perf_counter(), cpu()
            crowd = await asyncio.gather(*(_drill(browser, url, heading) for _ in range(sessions)))
            wall, server_cpu = time.perf_counter() - t, cpu() - c
        finally:
            await browser.close()
    solo_total = [r["steps"]["total_s"] for r in solo if r["steps"]]
    crowd_total = [r["steps"]["total_s"] for r in crowd if r["steps"]]
    errors = [p for r in solo + crowd for p in r["problems"]]
    return {
        "sessions": sessions, "wall_s": wall, "server_cpu_s": server_cpu,
        # share of the machine's CPU capacity the server used while the crowd ran (the rest of the
        # load is the browsers, on the same machine)
        "server_cpu_share": server_cpu / (wall * (os.cpu_count() or 1)),
        "solo_total_s": solo_total, "crowd_total_s": crowd_total,
        "solo_median_s": median(solo_total), "crowd_median_s": median(crowd_total),
        "crowd_p95_s": p95(crowd_total),
        "p95_ratio_to_solo": ratio(p95(crowd_total), median(solo_total)),
        "target_ratio": 2.0,
        "errors": len(errors), "error_messages": errors[:20],
        "completed": len(crowd_total),
    }


def load(tmp: Path, sessions: int, solo_runs: int = 3) -> dict[str, Any]:
    """``sessions`` browsers at once against one app server, after ``solo_runs`` alone."""
    with Server(APP, db=tmp / "load.duckdb", log=tmp / "load.log") as srv:
        out = asyncio.run(_load(srv.url, sessions, srv.cpu_seconds, solo_runs))
        log = srv.log_text()
    tracebacks = log.count("Traceback")
    out["server_tracebacks"] = tracebacks
    out["errors"] += tracebacks
    return out
