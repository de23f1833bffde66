"""`tillsyn bench`: every benchmark into one JSON, then the report generated from it.

Every figure that depends on the machine is reported next to a baseline measured in the same run,
the same way: a hello-world page and a component page (``harness``), started with this project's
own ``.streamlit/config.toml``, one round next to ten. So the *ratios* carry over between machines
even when the seconds do not. Medians of several runs; bounded loops and timeouts everywhere;
only loopback traffic (servers bind 127.0.0.1, the browser talks to nothing else).

The benchmarks, each in a module of its own beside this one:

* ``browser.py``: cold start, first-time visitor and warm tab, browser reruns, browsers at once;
* ``inproc.py``: server-side reruns (``AppTest``) and aggregation, in this process;
* ``page_cost.py``: CPU and bytes of one page open at the protocol level, page by page;
* ``capacity.py``: concurrent users in steps, at the protocol level, and a churn of users;
* ``importing.py``: ``mapping suggest`` and ``import`` of survey exports;
* ``report.py``: the gates and docs/performance.md (and the sizing in docs/deploy.md), from the JSON.

``harness.py`` (``Server``, ``launch_browser``, ``PageWatch``, ``settle``) is shared with the
end-to-end tests. The benchmarks live in the checkout, not in the installed package: ``tillsyn
bench`` loads this file from the checkout. Standard library only at import time.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # loaded by path (tillsyn bench) or run as a script
    sys.path.insert(0, str(ROOT))

from benchmarks import harness  # noqa: E402
from benchmarks.harness import BenchError  # noqa: E402

# The parts that write the run's header (config, machine, date) and their own keys.
PARTS = ("cold_start", "first_visit", "rerun_server", "rerun_browser", "aggregation", "load")
BROWSER_PARTS = {"cold_start", "first_visit", "rerun_browser", "load"}
# The other benchmarks, each under its own key of the same JSON file.
OTHERS = ("page_cost", "importing", "capacity")
GROUPS = {"browser": PARTS, "all": (*PARTS, *OTHERS)}

__all__ = ["BenchError", "GROUPS", "OTHERS", "PARTS", "ROOT", "add_arguments", "main", "selection"]


def selection(only: str) -> tuple[list[str], list[str]]:
    """``--only`` as (browser parts, other benchmarks), in their order of running. Accepts the groups
    ``all`` and ``browser``, the other benchmarks by name, and single browser parts."""
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
    p.add_argument("--churn", type=float, default=600.0, help=t("cli_help_bench_churn"))
    p.add_argument("--quick", action="store_true", help=t("cli_help_bench_quick"))


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    ram = math.nan
    with contextlib.suppress(OSError, ValueError, IndexError, StopIteration):
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
        mem = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal:"))
        ram = int(mem.split()[1]) * 1024 / 1e9  # GB of 10^9 B, as KB is 10^3 B
    chromium = ""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        chromium = subprocess.run([str(harness.CHROMIUM), "--version"], capture_output=True, text=True,
                                  timeout=30).stdout.strip()
    import streamlit

    return {
        "nproc": os.cpu_count(), "ram_gb": round(ram, 1), "cpu_model": cpu,
        "python": platform.python_version(), "streamlit": streamlit.__version__,
        "chromium": chromium, "platform": platform.platform(),
    }


def run(args: argparse.Namespace, parts: list[str] | None = None) -> dict[str, Any]:
    """The parts of the browser group (``parts``, else those ``args.only`` selects), with the run's header."""
    from dashboard import i18n

    if parts is None:
        parts = selection(args.only)[0]
    runs, sessions, big_rounds, big_units = args.runs, args.sessions, args.big_rounds, args.big_units
    if args.quick:
        runs, sessions, big_rounds, big_units = 1, 2, 2, 2_000
    runs, sessions = max(1, min(runs, 50)), max(2, min(sessions, 50))
    results: dict[str, Any] = {"config": {"runs": runs, "sessions": sessions, "big_rounds": big_rounds,
                                          "big_units": big_units, "quick": bool(args.quick), "parts": parts}}
    if set(parts) & BROWSER_PARTS and not harness.chromium_available():
        raise BenchError(i18n.t("bench_no_chromium", "sv", path=harness.CHROMIUM))
    results["machine"] = machine()
    results["date"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    saved_db = os.environ.get("TILLSYN_DB")
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="tillsyn-bench-") as tmpdir, harness.MachineWatch() as watch:
        tmp = Path(tmpdir)
        # This process's own database (AppTest runs the app in process): never data/.
        os.environ["TILLSYN_DB"] = str(tmp / "bench.duckdb")
        try:
            _run_parts(results, parts, tmp, runs, sessions, big_rounds, big_units, args.quick)
        finally:
            if saved_db is None:
                os.environ.pop("TILLSYN_DB", None)
            else:
                os.environ["TILLSYN_DB"] = saved_db
    results["browser_run"] = {"took_s": time.perf_counter() - t0, "machine": watch.summary()}
    return results


def _run_parts(results: dict[str, Any], parts: list[str], tmp: Path, runs: int, sessions: int, big_rounds: int,
               big_units: int, quick: bool) -> None:
    from benchmarks import browser, inproc

    if "aggregation" in parts:
        harness.say("aggregation")
        results["aggregation"] = inproc.aggregation(runs, big_rounds, big_units)
    if "rerun_server" in parts:
        harness.say("server-side reruns (AppTest)")
        results["rerun_server"] = inproc.rerun_server(runs)
    if set(parts) & {"cold_start", "first_visit", "rerun_browser"}:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            b = harness.launch_browser(pw)
            try:
                if "cold_start" in parts:
                    harness.say("cold start")
                    results["cold_start"] = browser.cold_start(b, tmp, runs)
                if {"first_visit", "rerun_browser"} & set(parts):
                    hello = harness.baseline_dir(tmp, "hello")
                    component = harness.baseline_dir(tmp, "component")
                    with Server(harness.APP, tmp, "b") as srv, Server(hello, tmp, "h") as hsrv, \
                            Server(component, tmp, "c") as csrv:
                        if "first_visit" in parts:
                            harness.say("first-time visitor and warm tab")
                            urls = {"app": srv.url, "hello": hsrv.url, "component": csrv.url}
                            results["first_visit"] = browser.first_visit(b, urls, runs)
                        if "rerun_browser" in parts:
                            harness.say("browser reruns")
                            results["rerun_browser"] = browser.rerun_browser(b, srv.url, hsrv.url, runs)
            finally:
                b.close()
    if "load" in parts:
        harness.say("browsers at once")
        results["load"] = browser.load(tmp, sessions, solo_runs=1 if quick else 3)


def Server(script: Path, tmp: Path, name: str) -> harness.Server:  # noqa: N802 - a constructor
    """A server with its own database and log in ``tmp``."""
    return harness.Server(script, db=tmp / f"{name}.duckdb", log=tmp / f"{name}.log")


def _report() -> Any:
    from benchmarks import report

    return report


def _timed(name: str, out: Path, go: Any) -> None:
    """Run one of the other benchmarks and note in the JSON how long it took."""
    t0 = time.perf_counter()
    go()
    data = _report().load(out)
    if isinstance(data.get(name), dict):
        data[name]["took_s"] = time.perf_counter() - t0
        _report().merge(out, name, data[name])


def main(args: argparse.Namespace | None = None) -> int:
    """Every selected benchmark into one JSON file, then the one report generated from it. Exit 0 when
    they ran (a missed gate is reported, not an error), 2 when they could not run."""
    from dashboard import i18n

    if args is None or not hasattr(args, "only"):
        p = argparse.ArgumentParser(prog="tillsyn bench", description=__doc__.splitlines()[0])
        add_arguments(p)
        args = p.parse_args(None if args is None else [])
    out = Path(args.out)
    report = _report()
    try:
        parts, others = selection(args.only)
        if parts:
            results = report.json_safe(run(args, parts))
            data = report.load(out) | results
            report.save(out, data)
            print(report.gates_table(report.gates(data)))
            print(i18n.t("bench_json", "sv", path=out))
        if "page_cost" in others:
            from benchmarks import page_cost

            harness.say(i18n.t("bench_running", "sv", name="page_cost"))
            _timed("page_cost", out, lambda: report.merge(
                out, page_cost.KEY, report.json_safe(page_cost.run(1 if args.quick else 5))))
        if "importing" in others:
            from benchmarks import importing

            harness.say(i18n.t("bench_running", "sv", name="importing"))
            result: dict[str, Any] = {}
            _timed("importing", out, lambda: result.update(
                importing.write(out, (1_500,) if args.quick else tuple(args.rows))))
            print("\n".join(importing.lines(result)))
        if "capacity" in others:
            from benchmarks import capacity

            harness.say(i18n.t("bench_running", "sv", name="capacity"))
            quick = ["--steps", "1,2", "--window", "3", "--churn", "10"] if args.quick else ["--churn", str(args.churn)]
            _timed("capacity", out, lambda: capacity.main(["--out", str(out), "--no-report", *quick]))
    except BenchError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if report.has_header(report.load(out)):  # the report needs the browser run's header
        print(i18n.t("bench_report", "sv", path=report.write(out, out.with_suffix(".md"))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
