"""Write docs/performance.md from docs/performance.json, from one template.

The report is generated, never typed: every figure in it comes from the JSON through
``performance.md.j2`` beside this file, so text and data cannot disagree. One definition of a
kilobyte (1 000 B) and a megabyte (1 000 000 B) for all of it: ``kb`` and ``mb`` below.
``bench.py`` (the browser benchmark) and ``capacity.py`` (the protocol-level capacity
benchmark) both call ``write`` after updating the JSON; ``tests/test_performance_report.py``
renders the committed JSON and compares it with the committed Markdown.

    python benchmarks/report.py                 # docs/performance.json -> docs/performance.md
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import jinja2

ROOT = Path(__file__).resolve().parents[1]
JSON_PATH = ROOT / "docs" / "performance.json"
MD_PATH = ROOT / "docs" / "performance.md"
DEPLOY_PATH = ROOT / "docs" / "deploy.md"
TEMPLATE = Path(__file__).with_name("performance.md.j2")

KB = 1_000  # bytes: the only definition of a kilobyte in the report
MB = 1_000_000


def json_safe(obj: Any) -> Any:
    """NaN as null (JSON has no NaN), through dicts, lists and tuples: the JSON stays standard."""
    if isinstance(obj, float) and obj != obj:
        return None
    if isinstance(obj, dict):
        return {k: json_safe(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [json_safe(v) for v in obj]
    return obj


def kb(n: float) -> str:
    return f"{n / KB:,.0f} KB"


def mb(n: float) -> str:
    return f"{n / MB:,.1f} MB"


def ratio(x: float | None) -> str:
    return "" if x is None or x != x else f"{x:.2f}×"


def gates(r: dict[str, Any]) -> list[dict[str, Any]]:
    """The trust gates of the browser benchmark: (what, value, baseline, ratio, target, pass)."""
    rows: list[dict[str, Any]] = []

    def add(name: str, value: str, baseline: str, rat: float | None, target: str, ok: bool | None) -> None:
        rows.append({"gate": name, "value": value, "baseline": baseline,
                     "ratio": None if rat is None or rat != rat else round(rat, 2),
                     "target": target, "pass": ok})

    if "cold_start" in r:
        c = r["cold_start"]
        add("Cold start to first paint (overview)", f"{c['app_median_s']:.2f} s", f"hello {c['hello_median_s']:.2f} s",
            c["ratio"], f"≤ {c['target_ratio']}×", c["ratio"] <= c["target_ratio"])
    if "rerun_server" in r:
        s = r["rerun_server"]
        for key, label in (("overview", "overview"), ("map_first_visit", "map (new region)"),
                           ("map_again", "map (region seen before)")):
            add(f"Filter change, server rerun, {label}", f"{s[key + '_median_ms']:.0f} ms",
                f"hello {s['hello_median_ms']:.0f} ms", s[key + "_median_ms"] / s["hello_median_ms"],
                f"≤ {s['target_ms']} ms", s[key + "_median_ms"] <= s["target_ms"])
    if "rerun_browser" in r:
        b = r["rerun_browser"]
        add("Filter change, browser shows new numbers, overview", f"{b['overview_median_ms']:.0f} ms",
            f"hello {b['hello_median_ms']:.0f} ms", b["overview_ratio"], "(reported)", None)
        add("Filter change, browser shows new numbers, map", f"{b['map_median_ms']:.0f} ms",
            f"hello {b['hello_median_ms']:.0f} ms", b["map_ratio"], "(reported)", None)
    if "payload" in r:
        p = r["payload"]
        add("Bytes to browser, municipality map page", kb(p["map_kommun_ws_bytes"]),
            f"naive GeoJSON {kb(p['naive_geojson_bytes'])}", p["ratio_to_naive"], f"≤ {kb(p['target_bytes'])}",
            p["map_kommun_ws_bytes"] <= p["target_bytes"])
    if "aggregation" in r:
        a = r["aggregation"]
        add(f"Aggregation, {a['big_rounds']}×{a['big_units'] // a['big_rounds']:,} vs 1×{a['small_units']:,} units "
            "(cost per unit)", f"{a['big_median_s']:.2f} s vs {a['small_median_s'] * 1000:.0f} ms",
            f"size ×{a['size_ratio']:.0f}, time ×{a['time_ratio']:.1f}", a["per_unit_cost_ratio"],
            "≤ 1 (linear)", a["per_unit_cost_ratio"] <= 1.1)
    if "memory" in r:
        m = r["memory"]
        add(f"Memory per extra session (1 → {m['sessions']})", mb(m["app_per_extra_session_bytes"]),
            f"hello {mb(m['hello_per_extra_session_bytes'])}", m["ratio_per_session"],
            f"≤ {mb(m['target_per_session_bytes'])}", m["app_per_extra_session_bytes"] <= m["target_per_session_bytes"])
    if "load" in r:
        ld = r["load"]
        add(f"Load: {ld['sessions']} sessions drilling country → region → unit", f"p95 {ld['crowd_p95_s']:.1f} s, "
            f"{ld['errors']} errors", f"alone {ld['solo_median_s']:.1f} s", ld["p95_ratio_to_solo"], "0 errors",
            ld["errors"] == 0 and ld["completed"] == ld["sessions"])
    return rows


def capacity_limits(c: dict[str, Any], target: str = "app") -> list[str]:
    """Where one replica stops keeping p95 within the limit, and whether its core was the limit
    there: the share of a core the server used (visits per second × CPU seconds per visit)."""
    limit = c["config"]["target_p95_s"]
    steps = c["targets"][target]["steps"]
    over = next((s for s in steps if s["p95_s"] > limit or s["errors"]), None)
    if over is None:
        return []
    busy = over["visits_per_s"] * over["cpu_s_per_visit"]
    text = (f"At {over['users']} users one app replica served {over['visits_per_s']:.2f} page opens per second "
            f"with p95 {over['p95_s']:.2f} s, using {busy:.2f} of a core (visits per second × CPU per visit)")
    if busy < 0.9:
        text += ("; the core was not saturated, so part of the wait is not CPU in the server process "
                 "(the load client decoding every message on the same cores, and the process's single "
                 "event loop and lock, are the candidates; not yet measured apart).")
    else:
        text += "; its one core was saturated: the cost per page open is the limit."
    return [text]


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE.parent), undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True, autoescape=False,
    )
    env.filters.update(kb=kb, mb=mb, ratio=ratio)
    return env


def render(data: dict[str, Any]) -> str:
    """The Markdown report for one benchmark JSON (pure: same data, same text)."""
    mark = {True: "yes", False: "**no**", None: "–"}
    limits = capacity_limits(data["capacity"]) if "capacity" in data else []
    return _env().get_template(TEMPLATE.name).render(d=data, gates=gates(data), mark=mark, KB=KB, limits=limits)


SIZING_BEGIN = "<!-- sizing: generated by benchmarks/report.py from docs/performance.json -->\n"
SIZING_END = "<!-- sizing: end -->\n"


def sizing(data: dict[str, Any]) -> str:
    """The sizing table (users per core at p95 ≤ 1 s) from the capacity figures, '' without them."""
    if "capacity" not in data:
        return ""
    return str(_env().get_template("sizing.md.j2").module.sizing(data["capacity"]))  # type: ignore[attr-defined]


def with_sizing(text: str, data: dict[str, Any]) -> str:
    """``text`` (docs/deploy.md) with its block between the sizing markers regenerated."""
    head, rest = text.split(SIZING_BEGIN, 1)
    _, tail = rest.split(SIZING_END, 1)
    return head + SIZING_BEGIN + sizing(data) + SIZING_END + tail


def write(json_path: Path = JSON_PATH, md_path: Path = MD_PATH, deploy_path: Path | None = DEPLOY_PATH) -> Path:
    """Regenerate the Markdown next to its JSON, and the sizing table in docs/deploy.md."""
    data = json.loads(json_path.read_text(encoding="utf-8"))
    md_path.write_text(render(data), encoding="utf-8")
    if deploy_path is not None and deploy_path.exists() and json_path.resolve() == JSON_PATH.resolve():
        deploy_path.write_text(with_sizing(deploy_path.read_text(encoding="utf-8"), data), encoding="utf-8")
    return md_path


if __name__ == "__main__":
    args = sys.argv[1:]
    print(write(*(Path(a) for a in args[:2])) if args else write())
