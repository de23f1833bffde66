"""What one page open costs the server and the network, page by page, next to the baselines.

Starts the app, the hello-world page and the component page (``harness``) with the production
config (``.streamlit/config.toml``), warms every page once, then opens each page ``k`` times, each
in a fresh session, over Streamlit's own protocol (``protocol.visit``: no browser). One at a time,
so the figures are the cost of one open, not queueing:

* server CPU per open (``/proc/<pid>/stat`` before and after a page's visits);
* bytes per open: the websocket payload a new session receives (no cached messages), the figure
  the issue's limit of 100 KB on the map and risk pages is about;
* RSS after ``RSS_SESSIONS`` single sessions (``/proc/<pid>/status``).

The ratios to the baselines in the same run are what carries over between machines.

    .venv/bin/python benchmarks/page_cost.py            # about two minutes
    .venv/bin/python benchmarks/page_cost.py --k 10 --out /tmp/perf.json
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: python benchmarks/page_cost.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import harness  # noqa: E402
from benchmarks.protocol import deck_layers, element_kind, run_visit  # noqa: E402

KEY = "page_cost"  # this benchmark's key in docs/performance.json
# (label, page_name, query_string): the pages as a shared link opens them.
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
BASELINE = [("page", "", "")]
RSS_SESSIONS = 50
BYTES_LIMIT = 100_000  # issue 20: at most 100 KB per open on the map and risk pages
BYTES_PAGES = ("map kommun", "risk")


def cost(srv: harness.Server, pages: list[tuple[str, str, str]], k: int) -> dict[str, Any]:
    """CPU seconds and bytes per page open for each page (after one warm-up visit each), and the
    server's RSS after ``RSS_SESSIONS`` sessions in all."""
    errors: list[str] = []

    def open_(page: str, query: str) -> int:
        v = run_visit(srv.url, page, query, timeout=60.0)
        if not v.ok:
            errors.append(f"{page}?{query}: {v.error}")
        return v.bytes

    for _, page, query in pages:
        open_(page, query)
    out: dict[str, Any] = {"cpu_s": {}, "bytes": {}, "errors": errors, "sessions": len(pages),
                           "rss_first_bytes": srv.rss()}
    for label, page, query in pages:
        cpu0 = srv.cpu_seconds()
        sizes = [open_(page, query) for _ in range(k)]
        out["cpu_s"][label] = (srv.cpu_seconds() - cpu0) / k
        out["bytes"][label] = statistics.median(sizes)
        out["sessions"] += k
    i = 0
    while out["sessions"] < RSS_SESSIONS:
        _, page, query = pages[i % len(pages)]
        open_(page, query)
        out["sessions"] += 1
        i += 1
    time.sleep(1.0)
    out["rss_bytes"] = srv.rss()
    return out


def breakdown(url: str, page: str, query: str) -> dict[str, Any]:
    """One more open of a page, its bytes by what carries them (element types, message types) and
    the bytes of each pydeck layer: what a page's bytes are made of."""
    kinds: dict[str, int] = {}
    layers: dict[str, int] = {}

    def note(fwd: Any, size: int) -> None:
        kind = element_kind(fwd)
        kinds[kind] = kinds.get(kind, 0) + size
        for layer, n in deck_layers(fwd).items():
            layers[layer] = layers.get(layer, 0) + n

    run_visit(url, page, query, timeout=60.0, on_message=note)
    return {"by_kind": dict(sorted(kinds.items(), key=lambda kv: -kv[1])), "deck_layers": layers}


def run(k: int = 5) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="tillsyn-page-cost-") as d, harness.MachineWatch() as watch:
        tmp = Path(d)
        out: dict[str, Any] = {"k": k, "rss_sessions": RSS_SESSIONS, "bytes_limit": BYTES_LIMIT,
                               "bytes_pages": list(BYTES_PAGES)}
        for which in ("hello", "component"):
            script = harness.baseline_dir(tmp, which)
            with harness.Server(script, db=tmp / f"{which}.duckdb", log=tmp / f"{which}.log") as srv:
                # A baseline is the denominator of every ratio: three times the visits, steadier.
                out[which] = cost(srv, BASELINE, 3 * k)
        with harness.Server(harness.APP, db=tmp / "app.duckdb", log=tmp / "app.log") as srv:
            out["app"] = cost(srv, PAGES, k)
            out["breakdown"] = {label: breakdown(srv.url, page, query)
                                for label, page, query in PAGES if label in BYTES_PAGES}
    out["machine"] = watch.summary()
    return out


def lines(r: dict[str, Any]) -> list[str]:
    """The figures as lines for the terminal."""
    h = r["hello"]["cpu_s"]["page"]
    out = [f"{'page':<12} {'CPU-s/open':>10} {'x hello':>8} {'KB/open':>9}",
           f"{'hello':<12} {h:>10.3f} {1.0:>8.2f} {r['hello']['bytes']['page'] / 1e3:>9.1f}",
           f"{'component':<12} {r['component']['cpu_s']['page']:>10.3f} "
           f"{r['component']['cpu_s']['page'] / h:>8.2f} {r['component']['bytes']['page'] / 1e3:>9.1f}"]
    for label, cpu in r["app"]["cpu_s"].items():
        out.append(f"{label:<12} {cpu:>10.3f} {cpu / h if h else float('nan'):>8.2f} "
                   f"{r['app']['bytes'][label] / 1e3:>9.1f}")
    out.append(f"RSS after {r['app']['sessions']} sessions: app {r['app']['rss_bytes'] / 1e6:.0f} MB, "
               f"component {r['component']['rss_bytes'] / 1e6:.0f} MB, hello {r['hello']['rss_bytes'] / 1e6:.0f} MB")
    errs = r["app"]["errors"] + r["hello"]["errors"] + r["component"]["errors"]
    out.append(f"errors: {len(errs)}" + "".join(f"\n  {e}" for e in errs[:5]))
    return out


def main(argv: list[str] | None = None) -> int:
    from benchmarks import report

    p = argparse.ArgumentParser(prog="page_cost", description=__doc__.splitlines()[0])
    p.add_argument("--k", type=int, default=5, help="fresh sessions per page")
    p.add_argument("--out", help="merge the figures into this JSON file under 'page_cost'")
    args = p.parse_args(argv)
    r = run(args.k)
    print("\n".join(lines(r)))
    if args.out:
        report.merge(Path(args.out), KEY, report.json_safe(r))
    return 1 if r["app"]["errors"] or r["hello"]["errors"] or r["component"]["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
