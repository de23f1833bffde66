"""Capacity at the Streamlit protocol level: how many people can open pages at once (issue 20).

Virtual users (``protocol.visit``: a new session per page open, no browser) visit a page mix with a
think time between visits, in steps of concurrent users (default 1, 5, 10, 15, 20, 30, 40), each
step for a bounded window. Four targets in one run, each behind the same HAProxy
(``deploy/local-cluster``) and with this project's ``.streamlit/config.toml``: a hello-world page,
the component page (``harness.COMPONENT_APP``), the app with one replica and with two replicas.

Per step: page opens per second, p50/p95/max, errors, the server's CPU per page open and its peak
RSS (``/proc`` of the replicas; the proxy and this client excluded), bytes per open by page, the
machine's load average, and **this load client's own CPU**: it decodes every message on the same
cores as the servers, so a client near one full core is itself the limit, and the report says so.

Then a churn of users coming and going on the app (default 10 minutes): the number of users
follows waves between a few and 30, each user opens a few pages and leaves; the server's RSS is
sampled throughout, to show whether memory stays flat or grows with every session.

The figures go into ``docs/performance.json`` under ``capacity``; gates and text are made from
them by ``report.py``.

    .venv/bin/python benchmarks/capacity.py                    # about 20 minutes on 2 cores
    .venv/bin/python benchmarks/capacity.py --steps 1,10 --window 5 --churn 30 --out /tmp/cap.json
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import math
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: python benchmarks/capacity.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import harness  # noqa: E402
from benchmarks.protocol import Visit, cluster, visit  # noqa: E402

ROOT = harness.ROOT
APP = harness.APP
KEY = "capacity"  # this benchmark's key in docs/performance.json

# (page_name, query_string): a shared link's page and filters. The map and risk pages included.
APP_PAGES: list[tuple[str, str]] = [
    ("", ""),
    ("karta", ""),
    ("karta", "niva=kommun"),
    ("risk", ""),
    ("region", "region=18"),
    ("kommun", "kommun=2380"),
    ("enhet", "kommun=2380"),
    ("jamforelse", ""),
]
BASELINE_PAGES: list[tuple[str, str]] = [("", "")]
HELLO_SCRIPT = harness.HELLO_APP  # kept under this name for tests/benchmarks
STEPS = (1, 5, 10, 15, 20, 30, 40)


async def _sample_rss(pids: list[int], every: float, into: list[tuple[float, int]], t0: float) -> None:
    """Append (seconds since t0, summed RSS of ``pids``) every ``every`` seconds until cancelled."""
    while True:
        into.append((time.perf_counter() - t0, sum(harness.proc_rss(p) for p in pids)))
        await asyncio.sleep(every)


async def step(url: str, pages: list[tuple[str, str]], users: int, window: float, think: float,
               timeout: float, seed: int, pids: list[int]) -> dict[str, Any]:
    """``users`` virtual users for ``window`` seconds: the visits, the elapsed time and the RSS
    samples. Users start spread over one think time; each visits the page mix in its own order,
    pausing ``think`` seconds between visits; no new visit starts after the window (bounded)."""
    rng = random.Random(seed)
    visits: list[Visit] = []
    rss: list[tuple[float, int]] = []
    t0 = time.perf_counter()
    end = t0 + window

    async def user(i: int) -> None:
        await asyncio.sleep(rng.uniform(0, think))
        k = i
        while time.perf_counter() < end:
            page, query = pages[k % len(pages)]
            visits.append(await visit(url, page, query, timeout))
            k += 1
            await asyncio.sleep(think)

    sampler = asyncio.create_task(_sample_rss(pids, 0.5, rss, t0))
    try:
        await asyncio.gather(*(user(i) for i in range(users)))
    finally:
        sampler.cancel()
    return {"visits": visits, "elapsed": time.perf_counter() - t0, "rss": rss}


def users_at(t: float, low: int, high: int, period: float) -> int:
    """The churn's target number of users at second ``t``: waves from ``low`` up to ``high`` and back."""
    return round(low + (high - low) * (1 - math.cos(2 * math.pi * t / period)) / 2)


async def churn(url: str, pages: list[tuple[str, str]], duration: float, think: float, timeout: float,
                pids: list[int], low: int = 2, high: int = 30, period: float = 150.0,
                seed: int = 20) -> dict[str, Any]:
    """Users coming and going for ``duration`` seconds; RSS sampled every 5 s."""
    rng = random.Random(seed)
    visits: list[Visit] = []
    rss: list[tuple[float, int]] = []
    active: set[asyncio.Task[None]] = set()
    t0 = time.perf_counter()
    end = t0 + duration
    arrived = 0

    async def user(first: int, opens: int) -> None:
        for k in range(opens):
            if time.perf_counter() >= end:
                return
            page, query = pages[(first + k) % len(pages)]
            visits.append(await visit(url, page, query, timeout))
            await asyncio.sleep(think)

    sampler = asyncio.create_task(_sample_rss(pids, 5.0, rss, t0))
    try:
        while (now := time.perf_counter()) < end:
            active = {t for t in active if not t.done()}
            while len(active) < users_at(now - t0, low, high, period):
                task = asyncio.create_task(user(rng.randrange(len(pages)), rng.randint(1, 6)))
                active.add(task)
                arrived += 1
            await asyncio.sleep(0.25)
        await asyncio.gather(*active)
    finally:
        sampler.cancel()
    return {"duration_s": duration, "users": arrived, "visits": len(visits),
            "errors": sum(not v.ok for v in visits), "low": low, "high": high, "period_s": period,
            "rss": [{"t_s": round(t, 1), "rss_bytes": b} for t, b in rss],
            "error_samples": sorted({v.error for v in visits if not v.ok})[:5]}


def churn_summary(c: dict[str, Any], settle_s: float = 120.0) -> dict[str, Any]:
    """Flatness of RSS under churn. The first ``settle_s`` seconds fill Streamlit's store of
    recently disconnected sessions (at most 128, for 2 minutes) and are left out; after them the
    reference is the median of the next two minutes and the drift is the last two minutes'
    median against it; ``spread`` is the largest distance of any later sample from it."""
    samples = [(s["t_s"], s["rss_bytes"]) for s in c["rss"]]
    later = [(t, b) for t, b in samples if t >= settle_s] or samples
    if not later:
        return {"reference_bytes": math.nan, "last_bytes": math.nan, "drift": math.nan, "spread": math.nan}
    t_first = later[0][0]
    t_last = later[-1][0]
    ref = statistics.median(b for t, b in later if t < t_first + 120) if later else math.nan
    last = statistics.median(b for t, b in later if t > t_last - 120)
    return {"settle_s": settle_s, "reference_bytes": ref, "last_bytes": last,
            "min_bytes": min(b for _, b in later), "max_bytes": max(b for _, b in later),
            "drift": last / ref - 1, "spread": max(abs(b / ref - 1) for _, b in later)}


def _row(users: int, s: dict[str, Any], cpu: float, client_cpu: float, load0: float,
         other: dict[str, Any]) -> dict[str, Any]:
    visits: list[Visit] = s["visits"]
    secs = [v.seconds for v in visits]
    ok = [v for v in visits if v.ok]
    by_page: dict[str, list[Visit]] = {}
    for v in visits:
        by_page.setdefault(v.page, []).append(v)
    return {
        "users": users, "visits": len(visits), "ok": len(ok), "errors": len(visits) - len(ok),
        "elapsed_s": s["elapsed"], "visits_per_s": len(ok) / s["elapsed"],
        "p50_s": harness.median(secs), "p95_s": harness.p95(secs), "max_s": max(secs, default=math.nan),
        "cpu_s": cpu, "cpu_s_per_visit": cpu / max(1, len(visits)),
        "client_cpu_s": client_cpu, "client_cores": client_cpu / s["elapsed"],
        "rss_bytes": s["rss"][-1][1] if s["rss"] else 0,
        "rss_peak_bytes": max((b for _, b in s["rss"]), default=0),
        # The machine's 1-minute load before and after, and the CPU that other work took meanwhile.
        "loadavg_before": load0, "loadavg_after": os.getloadavg()[0],
        "other_cores": other.get("other_cores_mean"),
        "error_samples": sorted({v.error for v in visits if not v.ok})[:5],
        "per_page_median_s": {p: statistics.median(v.seconds for v in vs) for p, vs in sorted(by_page.items())},
        "per_page_bytes": {p: statistics.median(v.bytes for v in vs) for p, vs in sorted(by_page.items())},
    }


def passing(steps: list[dict[str, Any]], target_p95: float) -> dict[str, Any] | None:
    """The highest step such that it and every step below it kept p95 within the limit without an
    error: a noisy pass above a failed step does not count (the conservative reading)."""
    best = None
    for s in steps:
        if s["p95_s"] > target_p95 or s["errors"]:
            break
        best = s
    return best


def measure(name: str, label: str, app: Path, pages: list[tuple[str, str]], replicas: int, steps: list[int],
            window: float, think: float, timeout: float, target_p95: float, tmp: Path,
            churn_s: float = 0.0) -> dict[str, Any]:
    harness.say(f"capacity: {label}")
    with cluster(app, replicas, tmp / name, db=str(tmp / f"{name}.duckdb")) as info:
        url, pids = info["url"], [r["pid"] for r in info["replicas"]]
        # Each page once per replica: consecutive visits go round-robin to the replicas.
        warm = [asyncio.run(visit(url, p, q, timeout)) for p, q in pages for _ in range(replicas)]
        out: dict[str, Any] = {"label": label, "replicas": replicas, "steps": [],
                               "warmup_errors": [v.error for v in warm if not v.ok],
                               "idle_rss_bytes": sum(harness.proc_rss(p) for p in pids)}
        for users in steps:
            cpu0, load0, client0 = sum(harness.proc_cpu_s(p) for p in pids), os.getloadavg()[0], time.process_time()
            with harness.MachineWatch(interval=2.0) as watch:
                s = asyncio.run(step(url, pages, users, window, think, timeout, users, pids))
            cpu = sum(harness.proc_cpu_s(p) for p in pids) - cpu0
            row = _row(users, s, cpu, time.process_time() - client0, load0, watch.summary())
            out["steps"].append(row)
            harness.say(f"  {users:>3} users: {row['visits']} visits, {row['visits_per_s']:.2f}/s, p50 "
                        f"{row['p50_s']:.2f} s, p95 {row['p95_s']:.2f} s, {row['errors']} errors, CPU "
                        f"{row['cpu_s_per_visit']:.3f} s/visit, client {row['client_cores']:.2f} core, RSS peak "
                        f"{row['rss_peak_bytes'] / 1e6:.0f} MB")
        best = passing(out["steps"], target_p95)
        out["capacity_users"] = best["users"] if best else 0
        out["capacity_visits_per_s"] = best["visits_per_s"] if best else 0.0
        # Every step passed: the true capacity is above the largest step (a lower bound only).
        out["capacity_capped"] = best is out["steps"][-1]
        clean = [s for s in out["steps"] if s["errors"] == 0] or out["steps"]
        out["max_visits_per_s"] = max(s["visits_per_s"] for s in clean)
        # Users one core carries at 70 % load, from the CPU per page open at one user and the time
        # between a user's visits (think time + the visit).
        first = out["steps"][0]
        out["users_per_core_cpu"] = (0.7 / max(first["cpu_s_per_visit"], 1e-9)) * (think + first["p50_s"]) / replicas
        if churn_s > 0:
            harness.say(f"  churn for {churn_s:.0f} s")
            with harness.MachineWatch(interval=5.0) as watch:
                c = asyncio.run(churn(url, pages, churn_s, think, timeout, pids))
            c["machine"] = watch.summary()
            c.update(churn_summary(c, settle_s=min(120.0, churn_s / 5)))
            out["churn"] = c
        return out


def run(args: argparse.Namespace) -> dict[str, Any]:
    steps = [int(x) for x in args.steps.split(",")]
    common: dict[str, Any] = {"steps": steps, "window": args.window, "think": args.think,
                              "timeout": args.timeout, "target_p95": args.target_p95}
    with tempfile.TemporaryDirectory(prefix="tillsyn-capacity-") as d:
        tmp = Path(d)
        # The baselines run in the repository's folder (local-cluster's), so with its config.
        hello = harness.baseline_dir(tmp, "hello")
        component = harness.baseline_dir(tmp, "component")
        targets = {
            "hello": measure("hello", "hello world, 1 replica", hello, BASELINE_PAGES, 1, tmp=tmp, **common),
            "component": measure("component", "component page, 1 replica", component, BASELINE_PAGES, 1,
                                 tmp=tmp, **common),
            "app": measure("app", "app, 1 replica", APP, APP_PAGES, 1, tmp=tmp, churn_s=args.churn, **common),
        }
        if args.replicas2:
            targets["app2"] = measure("app2", "app, 2 replicas", APP, APP_PAGES, 2, tmp=tmp, **common)
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "config": {"steps": steps, "think_s": args.think, "window_s": args.window,
                   "visit_timeout_s": args.timeout, "target_p95_s": args.target_p95, "churn_s": args.churn,
                   "nproc": os.cpu_count(),
                   "pages": [p + (f"?{q}" if q else "") or "/" for p, q in APP_PAGES]},
        "targets": targets,
    }


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--steps", default=",".join(map(str, STEPS)), help="concurrent users per step")
    p.add_argument("--window", type=float, default=20.0, help="seconds per step")
    p.add_argument("--think", type=float, default=2.0, help="seconds between a user's visits")
    p.add_argument("--timeout", type=float, default=20.0, help="seconds before a visit counts as failed")
    p.add_argument("--target-p95", type=float, default=1.0)
    p.add_argument("--churn", type=float, default=600.0, help="seconds of users coming and going (0: none)")
    p.add_argument("--no-replicas2", dest="replicas2", action="store_false", help="skip the two-replica target")


def main(argv: list[str] | None = None) -> int:
    from benchmarks import report as report_module

    p = argparse.ArgumentParser(prog="capacity", description=__doc__.splitlines()[0])
    add_arguments(p)
    p.add_argument("--out", default=str(ROOT / "docs" / "performance.json"))
    p.add_argument("--no-report", action="store_true", help="leave the report to the caller (tillsyn bench)")
    args = p.parse_args(argv)
    out = Path(args.out)
    report_module.merge(out, KEY, report_module.json_safe(run(args)))
    if not args.no_report:
        print(f"Report: {report_module.write(out, out.with_suffix('.md'))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
