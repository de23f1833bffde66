"""Capacity at the Streamlit protocol level: how many people can open pages at once (issue 14).

A virtual user is what a browser does when someone opens a shared link, without the browser: a
websocket to ``/_stcore/stream`` (subprotocol ``streamlit``), one ``BackMsg`` with ``rerun_script``
(the page's ``page_name`` and ``query_string``, built with Streamlit's own protobuf classes, as the
frontend does on connect), then every ``ForwardMsg`` until ``script_finished``. Status 2 (stopped
for a rerun) means another run follows: keep reading. An exception element or ``page_not_found``
is an error even though the run still ends with status 0; so is no ``script_finished`` in time.

Steps of concurrent users (default 1, 10, 25, 50), each user visiting the page mix with a think
time between visits, for a bounded window per step; for a hello-world page and the app with one
replica and with two replicas, every target behind the same HAProxy (``deploy/local-cluster``),
all in one run. Server CPU and RSS come from ``/proc`` of the replicas (the proxy and this client
excluded). The figures go into ``docs/performance.json`` under ``capacity`` and
``docs/performance.md`` is regenerated from it (``benchmarks/report.py``).

    .venv/bin/python benchmarks/capacity.py                    # about 8 minutes on 2 cores
    .venv/bin/python benchmarks/capacity.py --steps 1,10 --window 5 --out /tmp/cap.json
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CLUSTER = ROOT / "deploy" / "local-cluster"
APP = ROOT / "app.py"

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
HELLO_PAGES: list[tuple[str, str]] = [("", "")]
# Hello world: a title, one selectbox, one line of text. ``?boom=1`` raises (for the smoke test).
HELLO_SCRIPT = '''import streamlit as st

st.title("Hello")
choice = st.selectbox("Pick one", ["a", "b", "c"])
st.write(f"You picked {choice}")
if st.query_params.get("boom"):
    raise RuntimeError("boom")
'''
FINISHED_EARLY_FOR_RERUN = 2


@dataclass
class Visit:
    page: str
    seconds: float
    ok: bool
    error: str = ""
    runs: int = 0  # script runs seen (a status-2 run and its successor count as two)


def _back_msg(page_name: str, query_string: str) -> bytes:
    """The first message Streamlit's frontend sends on a new session: rerun the page for its URL."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    state = msg.rerun_script
    state.query_string = query_string
    state.page_name = page_name
    state.page_script_hash = ""
    state.context_info.timezone = "Europe/Stockholm"
    state.context_info.timezone_offset = -60
    state.context_info.locale = "sv-SE"
    state.context_info.is_embedded = False
    return msg.SerializeToString()


def _problem(fwd: Any) -> str:
    """An error a person would see in this ForwardMsg, or ''."""
    kind = fwd.WhichOneof("type")
    if kind == "page_not_found":
        return f"page_not_found: {fwd.page_not_found.page_name!r}"
    if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
        element = fwd.delta.new_element
        if element.WhichOneof("type") == "exception":
            return f"exception: {element.exception.type}: {element.exception.message[:200]}"
    return ""


async def visit(base_url: str, page_name: str, query_string: str = "", timeout: float = 30.0,
                cookie: str | None = None) -> Visit:
    """Open one new session on ``page_name?query_string`` and wait for the end of its script run."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.asyncio.client import connect

    label = page_name + (f"?{query_string}" if query_string else "")
    ws_url = base_url.replace("http://", "ws://", 1).rstrip("/") + "/_stcore/stream"
    headers = {"Cookie": cookie} if cookie else None
    t0 = time.perf_counter()
    errors: list[str] = []
    runs = 0
    try:
        async with asyncio.timeout(timeout):
            async with connect(ws_url, subprotocols=["streamlit"], origin=base_url.rstrip("/"),  # type: ignore[arg-type]
                               additional_headers=headers, max_size=None, open_timeout=timeout) as ws:
                await ws.send(_back_msg(page_name, query_string))
                async for frame in ws:
                    if isinstance(frame, str):
                        continue
                    fwd = ForwardMsg()
                    fwd.ParseFromString(frame)
                    if problem := _problem(fwd):
                        errors.append(problem)
                    if fwd.WhichOneof("type") == "script_finished":
                        runs += 1
                        if fwd.script_finished != FINISHED_EARLY_FOR_RERUN:
                            break
                else:
                    errors.append("connection closed before script_finished")
    except TimeoutError:
        errors.append(f"no script_finished within {timeout:.0f} s")
    except OSError as exc:
        errors.append(f"connection failed: {exc}")
    except Exception as exc:  # noqa: BLE001 - a protocol failure is an error of this visit, not the run
        errors.append(f"{type(exc).__name__}: {exc}")
    return Visit(label, time.perf_counter() - t0, not errors, "; ".join(errors), runs)


# ------------------------------------------------------------------ server processes

def _proc_cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _proc_rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024  # the kernel's kB are KiB
    return 0


@contextmanager
def cluster(app: Path, replicas: int, state: Path, db: str | None = None) -> Iterator[dict[str, Any]]:
    """``deploy/local-cluster`` running; yields its cluster.json (url, replica pids)."""
    from socket import socket

    with socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, str(CLUSTER), "--replicas", str(replicas), "--port", str(port),
           "--app", str(app), "--state-dir", str(state)]
    if db:
        cmd += ["--db", db]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line.startswith("READY"):
            raise RuntimeError(f"local-cluster did not start (see {state}): {line!r}")
        yield json.loads((state / "cluster.json").read_text(encoding="utf-8"))
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ------------------------------------------------------------------ load

def _pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    if len(xs) == 1:
        return xs[0]
    return statistics.quantiles(xs, n=100, method="inclusive")[q - 1]


async def step(url: str, pages: list[tuple[str, str]], users: int, window: float, think: float,
               timeout: float, seed: int) -> tuple[list[Visit], float]:
    """``users`` virtual users for ``window`` seconds; returns the visits and the elapsed time.

    Users start spread over one think time; each visits the page mix in its own order, pausing
    ``think`` seconds between visits; no new visit starts after the window (bounded run)."""
    rng = random.Random(seed)
    visits: list[Visit] = []
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

    await asyncio.gather(*(user(i) for i in range(users)))
    return visits, time.perf_counter() - t0


def measure(name: str, label: str, app: Path, pages: list[tuple[str, str]], replicas: int, steps: list[int],
            window: float, think: float, timeout: float, target_p95: float, tmp: Path) -> dict[str, Any]:
    print(f"capacity: {label}", file=sys.stderr, flush=True)
    with cluster(app, replicas, tmp / name, db=str(tmp / f"{name}.duckdb")) as info:
        url, pids = info["url"], [r["pid"] for r in info["replicas"]]
        # Each page once per replica: consecutive visits go round-robin to the replicas.
        warm = [asyncio.run(visit(url, p, q, timeout)) for p, q in pages for _ in range(replicas)]
        out: dict[str, Any] = {"label": label, "replicas": replicas, "steps": [],
                               "warmup_errors": [v.error for v in warm if not v.ok],
                               "idle_rss_bytes": sum(_proc_rss(p) for p in pids)}
        for users in steps:
            cpu0, load0 = sum(_proc_cpu_s(p) for p in pids), os.getloadavg()[0]
            visits, elapsed = asyncio.run(step(url, pages, users, window, think, timeout, seed=users))
            cpu = sum(_proc_cpu_s(p) for p in pids) - cpu0
            secs = sorted(v.seconds for v in visits)
            ok = [v for v in visits if v.ok]
            row = {
                "users": users, "visits": len(visits), "ok": len(ok), "errors": len(visits) - len(ok),
                "elapsed_s": elapsed, "visits_per_s": len(ok) / elapsed,
                "p50_s": _pct(secs, 50), "p95_s": _pct(secs, 95),
                "cpu_s": cpu, "cpu_s_per_visit": cpu / max(1, len(visits)),
                "rss_bytes": sum(_proc_rss(p) for p in pids),
                # The machine's 1-minute load before and after: other work on the cores shows here.
                "loadavg_before": load0, "loadavg_after": os.getloadavg()[0],
                "error_samples": sorted({v.error for v in visits if not v.ok})[:5],
                "per_page_median_s": {
                    page: statistics.median(v.seconds for v in visits if v.page == page)
                    for page in sorted({v.page for v in visits})
                },
            }
            out["steps"].append(row)
            print(f"  {users:>3} users: {row['visits']} visits, {row['visits_per_s']:.2f}/s, "
                  f"p50 {row['p50_s']:.2f} s, p95 {row['p95_s']:.2f} s, {row['errors']} errors, "
                  f"CPU {row['cpu_s_per_visit']:.3f} s/visit", file=sys.stderr, flush=True)
        good = [s for s in out["steps"] if s["p95_s"] <= target_p95 and s["errors"] == 0]
        best = max(good, key=lambda s: s["users"]) if good else None
        out["capacity_users"] = best["users"] if best else 0
        out["capacity_visits_per_s"] = best["visits_per_s"] if best else 0.0
        # What the target pushes through at all (any latency), without errors: the saturation point.
        clean = [s for s in out["steps"] if s["errors"] == 0] or out["steps"]
        out["max_visits_per_s"] = max(s["visits_per_s"] for s in clean)
        # Users one core carries at 70 % load, from the CPU per page open at one user and the time
        # between a user's visits (think time + the visit): finer than the coarse steps.
        first = out["steps"][0]
        out["users_per_core_cpu"] = (0.7 / max(first["cpu_s_per_visit"], 1e-9)) * (think + first["p50_s"])
        return out


def _gate(name: str, num: float, den: float, target: float) -> dict[str, Any]:
    r = num / den if den else 0.0
    return {"gate": name, "ratio": r, "target": target, "pass": r >= target}


def notes(c: dict[str, Any]) -> list[str]:
    """What holds capacity back, in sentences built from this run's figures only."""
    t = c["targets"]
    hello, app = t["hello"]["steps"][0], t["app"]["steps"][0]
    out = [
        f"Server CPU per page open at one user: app {app['cpu_s_per_visit']:.3f} s, hello "
        f"{hello['cpu_s_per_visit']:.3f} s ({app['cpu_s_per_visit'] / max(hello['cpu_s_per_visit'], 1e-9):.1f}×); "
        f"one replica is one process on one core, so it serves at most about "
        f"{1 / max(app['cpu_s_per_visit'], 1e-9):.1f} app page opens per second.",
    ]
    slow = max(app["per_page_median_s"].items(), key=lambda kv: kv[1])
    out.append(f"Slowest page at one user: {slow[0] or '(overview)'} with a median of {slow[1]:.2f} s.")
    last = t["app"]["steps"][-1]
    out.append(f"RSS of one app replica after {last['users']} users: {last['rss_bytes'] / 1e6:.0f} MB "
               f"(idle {t['app']['idle_rss_bytes'] / 1e6:.0f} MB).")
    out.append(f"The load client runs on the same {os.cpu_count()} cores as the servers and the proxy.")
    return out


def run(args: argparse.Namespace) -> dict[str, Any]:
    steps = [int(x) for x in args.steps.split(",")]
    common = {"steps": steps, "window": args.window, "think": args.think, "timeout": args.timeout,
              "target_p95": args.target_p95}
    with tempfile.TemporaryDirectory(prefix="tillsyn-capacity-") as d:
        tmp = Path(d)
        hello = tmp / "hello.py"
        hello.write_text(HELLO_SCRIPT, encoding="utf-8")
        targets = {
            "hello": measure("hello", "hello world, 1 replica", hello, HELLO_PAGES, 1, tmp=tmp, **common),
            "app": measure("app", "app, 1 replica", APP, APP_PAGES, 1, tmp=tmp, **common),
            "app2": measure("app2", "app, 2 replicas", APP, APP_PAGES, 2, tmp=tmp, **common),
        }
    c: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "config": {"steps": steps, "think_s": args.think, "window_s": args.window,
                   "visit_timeout_s": args.timeout, "target_p95_s": args.target_p95,
                   "pages": [p + (f"?{q}" if q else "") or "/" for p, q in APP_PAGES]},
        "targets": targets,
    }
    c["gates"] = [
        _gate("App capacity / hello-world capacity", targets["app"]["capacity_visits_per_s"],
              targets["hello"]["capacity_visits_per_s"], 0.5),
        _gate("Two replicas / one replica (app)", targets["app2"]["capacity_visits_per_s"],
              targets["app"]["capacity_visits_per_s"], 1.8),
    ]
    c["notes"] = notes(c)
    return c


def _report_module() -> Any:
    """benchmarks/report.py, this file's neighbour (benchmarks/ is not a package)."""
    sys.path.insert(0, str(Path(__file__).parent))
    import report

    return report


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="capacity", description=__doc__.splitlines()[0])
    p.add_argument("--steps", default="1,10,25,50", help="concurrent users per step")
    p.add_argument("--window", type=float, default=20.0, help="seconds per step")
    p.add_argument("--think", type=float, default=2.0, help="seconds between a user's visits")
    p.add_argument("--timeout", type=float, default=20.0, help="seconds before a visit counts as failed")
    p.add_argument("--target-p95", type=float, default=1.0)
    p.add_argument("--out", default=str(ROOT / "docs" / "performance.json"))
    p.add_argument("--no-report", action="store_true", help="leave the report to the caller (tillsyn bench)")
    args = p.parse_args(argv)
    capacity = _report_module().json_safe(run(args))
    out = Path(args.out)
    data = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    data["capacity"] = capacity
    out.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for g in capacity["gates"]:
        print(f"{g['gate']}: {g['ratio']:.2f} (target ≥ {g['target']}): {'pass' if g['pass'] else 'FAIL'}")
    report = _report_module()
    if not args.no_report and {"config", "machine", "date"} <= data.keys():
        print(f"Report: {report.write(out, out.with_suffix('.md'))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
