"""The gates of issue 20 and the earlier trust gates, judged from docs/performance.json.

One definition, used by ``tillsyn bench`` (the table it prints) and by ``report.py`` (the page).
Each gate is a dict: ``gate`` (what), ``value`` and ``baseline`` (as text, from the same run),
``ratio``, ``target``, ``pass`` (True, False, or None for figures that are only reported) and
``why``: sentences built from the run's own figures that say what holds a missed gate back. Every
latency gate compares p95 under load with the single-user figure, never errors alone; every
sentence about the machine comes from what was measured (``machine_note``).
"""

from __future__ import annotations

import math
from typing import Any

KB = 1_000  # bytes: the only definition of a kilobyte in the report
MB = 1_000_000

CAPACITY_RATIO = 0.8  # app page opens/s at p95 <= 1 s, x hello world
CPU_RATIO_AT_10 = 1.5  # app CPU per page open at 10 users, x hello world
CPU_FLAT = 1.25  # CPU per open at any step up to 20 users, x the one-user figure
RSS_LIMIT = 250 * MB  # peak RSS of one app replica at the largest step (40 users)
CHURN_FLAT = 0.10  # RSS under churn within +-10 % of its level after settling
FIRST_VISIT_RATIO = 1.1  # first-time visitor and warm tab, x the component page
REPLICA_SCALING = 1.8  # two replicas / one
LOAD_P95_RATIO = 2.0  # browsers at once: p95 at most 2x one browser alone
GATED_LINKS = ("overview", "map kommun")  # first visit and warm tab, against the component page


def kb(n: float) -> str:
    return f"{n / KB:,.0f} KB"


def mb(n: float) -> str:
    return f"{n / MB:,.1f} MB"


def _ok(x: Any) -> bool:
    return isinstance(x, int | float) and not (isinstance(x, float) and math.isnan(x))


def users(n: int) -> str:
    return f"{n} user" if n == 1 else f"{n} users"


def _step(steps: list[dict[str, Any]], users: int) -> dict[str, Any]:
    """The step with ``users`` users, else the largest step below it, else the first."""
    below = [s for s in steps if s["users"] <= users]
    return below[-1] if below else steps[0]


def machine_note(m: dict[str, Any] | None) -> str:
    """How busy the machine was, from ``harness.MachineWatch``: quiet only when other processes
    took under a tenth of the cores on average and a fifth at most."""
    if not m or not _ok(m.get("other_cores_mean")):
        return "machine load not recorded"
    n = m["nproc"]
    quiet = m["other_cores_mean"] < 0.1 * n and m["other_cores_max"] < 0.2 * n
    text = (f"1-minute load average {m['loadavg_start']:.1f} at the start, at most {m['loadavg_max']:.1f}; "
            f"other processes used {m['other_cores_mean']:.2f} of {n} cores on average "
            f"(at most {m['other_cores_max']:.2f})")
    return text + ("; a quiet machine" if quiet else "; a shared machine: wall times include waiting for a core")


def is_quiet(m: dict[str, Any] | None) -> bool:
    return bool(m) and _ok(m.get("other_cores_mean")) and machine_note(m).endswith("a quiet machine")


def _gate(rows: list[dict[str, Any]], gate: str, value: str, baseline: str, rat: float | None, target: str,
          ok: bool | None, why: list[str] | None = None, section: str = "") -> None:
    rows.append({"gate": gate, "value": value, "baseline": baseline,
                 "ratio": None if rat is None or not _ok(rat) else round(rat, 2),
                 "target": target, "pass": ok, "why": why or [], "section": section})


def capacity_limits(c: dict[str, Any], target: str = "app") -> list[str]:
    """Where a target stops keeping p95 within the limit, and what was full there: its core (visits
    per second x CPU per visit), the load client's core, or the machine; or none of them."""
    limit = c["config"]["target_p95_s"]
    steps = c["targets"][target]["steps"]
    over = next((s for s in steps if s["p95_s"] > limit or s["errors"]), None)
    if over is None:
        return []
    busy = over["visits_per_s"] * over["cpu_s_per_visit"]
    client = over.get("client_cores", math.nan)
    other = over.get("other_cores")
    other_text = f", other processes {other:.2f}" if _ok(other) else ""
    text = (f"At {users(over['users'])} the app served {over['visits_per_s']:.2f} page opens per second with "
            f"p95 {over['p95_s']:.2f} s ({over['errors']} errors); cores in use: the server {busy:.2f} "
            f"(visits per second × CPU per visit), the load client {client:.2f}{other_text}")
    total = busy + (client if _ok(client) else 0) + (other if _ok(other) else 0)
    if busy >= 0.9:
        text += ". The server's one core was saturated: the CPU per page open is the limit."
    elif total >= 0.9 * (c["config"].get("nproc") or 2):
        text += (". The machine's cores were full (the client decodes every message on the same cores): "
                 "the figure is partly the benchmark's own limit.")
    else:
        text += (". Neither the server's core nor the machine was full: part of the wait is not CPU in the "
                 "server (its one event loop, the GIL held by a long step, locks).")
    return [text]


def _capacity(c: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    t = c["targets"]
    hello, app = t["hello"], t["app"]
    limit = c["config"]["target_p95_s"]
    r = app["capacity_visits_per_s"] / hello["capacity_visits_per_s"] if hello["capacity_visits_per_s"] else math.nan
    capped = " (every step passed: a lower bound)" if hello.get("capacity_capped") else ""
    why = capacity_limits(c)
    if "component" in t:
        comp = t["component"]
        why.append(f"The component page reached {comp['capacity_visits_per_s']:.2f} page opens per second "
                   f"({users(comp['capacity_users'])}): Streamlit's own cost of the components the app uses.")
    _gate(rows, f"Page opens per second at p95 ≤ {limit:g} s (protocol-level users, {c['config']['think_s']:g} s think)",
          f"{app['capacity_visits_per_s']:.2f} ({users(app['capacity_users'])})",
          f"hello {hello['capacity_visits_per_s']:.2f} ({users(hello['capacity_users'])}){capped}", r,
          f"≥ {CAPACITY_RATIO}×", _ok(r) and r >= CAPACITY_RATIO, why, "capacity")

    a10, h10 = _step(app["steps"], 10), _step(hello["steps"], 10)
    r = a10["cpu_s_per_visit"] / h10["cpu_s_per_visit"] if h10["cpu_s_per_visit"] else math.nan
    why = [f"One page open alone costs the server {_fmt_cpu(t)}."]
    _gate(rows, f"Server CPU per page open at {users(a10['users'])}", f"{a10['cpu_s_per_visit']:.3f} s",
          f"hello {h10['cpu_s_per_visit']:.3f} s", r, f"≤ {CPU_RATIO_AT_10}×", _ok(r) and r <= CPU_RATIO_AT_10,
          why, "capacity")

    upto = [s for s in app["steps"] if s["users"] <= 20]
    first, worst = upto[0], max(upto, key=lambda s: s["cpu_s_per_visit"])
    r = worst["cpu_s_per_visit"] / first["cpu_s_per_visit"] if first["cpu_s_per_visit"] else math.nan
    hello_upto = [s for s in hello["steps"] if s["users"] <= 20]
    hr = max(s["cpu_s_per_visit"] for s in hello_upto) / hello_upto[0]["cpu_s_per_visit"]
    _gate(rows, f"CPU per page open flat from {users(first['users'])} to {upto[-1]['users']} (largest / first)",
          f"{worst['cpu_s_per_visit']:.3f} s at {users(worst['users'])} vs {first['cpu_s_per_visit']:.3f} s",
          f"hello {hr:.2f}×", r, f"≤ {CPU_FLAT}×", _ok(r) and r <= CPU_FLAT,
          ["CPU per open by step: " + ", ".join(f"{s['users']}: {s['cpu_s_per_visit']:.3f} s" for s in upto)
           + "; work that grows with concurrency (full garbage collections, payloads serialised again, "
             "locks) shows here."], "capacity")

    last = app["steps"][-1]
    peak = last.get("rss_peak_bytes", last["rss_bytes"])
    _gate(rows, f"RSS of one app replica, peak at {users(last['users'])}", mb(peak),
          f"hello {mb(_step(hello['steps'], last['users']).get('rss_peak_bytes', 0))}", None, f"≤ {mb(RSS_LIMIT)}",
          peak <= RSS_LIMIT,
          [f"After its warm-up the app held {mb(app['idle_rss_bytes'])} (hello {mb(hello['idle_rss_bytes'])}"
           + (f", component page {mb(t['component']['idle_rss_bytes'])}" if "component" in t else "")
           + f"); the sessions of {users(last['users'])} added {mb(peak - app['idle_rss_bytes'])} to it."], "capacity")

    ch = app.get("churn")
    if ch and _ok(ch.get("drift")):
        ok = abs(ch["drift"]) <= CHURN_FLAT and ch["spread"] <= CHURN_FLAT
        _gate(rows, f"RSS flat through {ch['duration_s'] / 60:.0f} minutes of users coming and going",
              f"{ch['drift'] * 100:+.1f} % drift, {ch['spread'] * 100:.1f} % spread",
              f"{mb(ch['reference_bytes'])} after {ch['settle_s']:.0f} s", None, f"within ±{CHURN_FLAT * 100:.0f} %",
              ok, [f"{ch['users']} users, {ch['visits']} page opens ({ch['errors']} errors); RSS from "
                   f"{mb(ch['min_bytes'])} to {mb(ch['max_bytes'])}, last two minutes {mb(ch['last_bytes'])}."],
              "capacity")

    if "app2" in t:
        two = t["app2"]
        r = two["capacity_visits_per_s"] / app["capacity_visits_per_s"] if app["capacity_visits_per_s"] else math.nan
        _gate(rows, "Two replicas / one replica (page opens per second at the p95 limit)",
              f"{two['capacity_visits_per_s']:.2f} ({users(two['capacity_users'])})",
              f"one replica {app['capacity_visits_per_s']:.2f}", r, f"≥ {REPLICA_SCALING}×",
              _ok(r) and r >= REPLICA_SCALING, capacity_limits(c, "app2"), "capacity")


def _fmt_cpu(t: dict[str, Any]) -> str:
    one = {name: t[name]["steps"][0]["cpu_s_per_visit"] for name in ("app", "hello", "component") if name in t}
    return ", ".join(f"{name} {v:.3f} s" for name, v in one.items()) + " (at one user)"


def _page_cost(p: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    hello = p["hello"]["bytes"]["page"]
    for label in p["bytes_pages"]:
        size = p["app"]["bytes"][label]
        parts = p.get("breakdown", {}).get(label, {})
        why = []
        if parts.get("by_kind"):
            why.append("Made of: " + ", ".join(f"{k} {kb(v)}" for k, v in list(parts["by_kind"].items())[:4]) + ".")
        if parts.get("deck_layers"):
            why.append("Map layers: " + ", ".join(f"{k} {kb(v)}" for k, v in parts["deck_layers"].items()) + ".")
        _gate(rows, f"Bytes per page open, `{_page_url(label)}`", kb(size),
              f"hello {kb(hello)}, component page {kb(p['component']['bytes']['page'])}", None,
              f"≤ {kb(p['bytes_limit'])}", size <= p["bytes_limit"], why, "page_cost")


def _page_url(label: str) -> str:
    return {"map kommun": "karta?niva=kommun", "overview": "/", "map": "karta"}.get(label, label)


def _browser(d: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    if "cold_start" in d:
        c = d["cold_start"]
        _gate(rows, "Cold start to the first figure (overview)", f"{c['app_median_s']:.2f} s",
              f"hello {c['hello_median_s']:.2f} s", c["ratio"], f"≤ {c['target_ratio']}×",
              c["ratio"] <= c["target_ratio"],
              [f"The health check answered after {c['app_ready_median_s']:.2f} s (hello "
               f"{c['hello_ready_median_s']:.2f} s); importing the app's modules alone takes "
               f"{c['app_imports_median_s']:.2f} s in a fresh interpreter; the component page showed its "
               f"first text after {c.get('component_median_s', math.nan):.2f} s."], "browser")
    if "first_visit" in d:
        f = d["first_visit"]
        comp = f["component"]
        for label in GATED_LINKS:
            x = f[label]
            for when, what in (("first", "First-time visitor (new browser)"), ("warm", "Warm tab")):
                v, b = x[f"{when}_painted_median_s"], comp[f"{when}_painted_median_s"]
                why = [f"First element shown after {x[f'{when}_shown_median_s']:.2f} s, fully painted after {v:.2f} s "
                       f"(component page {comp[f'{when}_shown_median_s']:.2f} / {b:.2f} s); "
                       f"{x[f'{when}_requests']:.0f} requests (component page {comp[f'{when}_requests']:.0f})"
                       + (f"; websocket {kb(x['first_ws_bytes'])} (component page {kb(comp['first_ws_bytes'])})"
                          if when == "first" else "") + "."]
                if x["problems"]:
                    why.append("Problems seen: " + "; ".join(x["problems"][:3]))
                _gate(rows, f"{what} until fully painted, `{_page_url(label)}`", f"{v:.2f} s",
                      f"component page {b:.2f} s (hello {f['hello'][f'{when}_painted_median_s']:.2f} s)",
                      v / b if b else math.nan, f"≤ {f['target_ratio']}×",
                      bool(b) and v / b <= f["target_ratio"] and not x["problems"], why, "browser")
    if "rerun_server" in d:
        s = d["rerun_server"]
        for key, label in (("map_first_visit", "map, a region not seen before"), ("overview", "overview"),
                           ("map_again", "map, a region seen before")):
            v = s[key + "_median_ms"]
            _gate(rows, f"Filter change, server rerun, {label}", f"{v:.0f} ms", f"hello {s['hello_median_ms']:.0f} ms",
                  v / s["hello_median_ms"] if s["hello_median_ms"] else None, f"≤ {s['target_ms']} ms",
                  v <= s["target_ms"], [f"Runs: {', '.join(f'{x:.0f}' for x in s[key + '_ms'])} ms."], "browser")
    if "rerun_browser" in d:
        b = d["rerun_browser"]
        for key, label in (("overview", "overview"), ("map", "map")):
            _gate(rows, f"Filter change, browser shows the new numbers, {label}", f"{b[key + '_median_ms']:.0f} ms",
                  f"hello {b['hello_median_ms']:.0f} ms", b[key + "_ratio"], "(reported)", None, section="browser")
    if "aggregation" in d:
        a = d["aggregation"]
        _gate(rows, f"Aggregation, {a['big_rounds']}×{a['big_units'] // a['big_rounds']:,} vs 1×{a['small_units']:,} "
              "units (cost per unit)", f"{a['big_median_s']:.2f} s vs {a['small_median_s'] * 1000:.0f} ms",
              f"size ×{a['size_ratio']:.0f}, time ×{a['time_ratio']:.1f}", a["per_unit_cost_ratio"], "≤ 1 (linear)",
              a["per_unit_cost_ratio"] <= 1.1, section="browser")
    if "load" in d:
        ld = d["load"]
        limit = ld.get("target_ratio", LOAD_P95_RATIO)
        r = ld["p95_ratio_to_solo"]
        ok = ld["errors"] == 0 and ld["completed"] == ld["sessions"] and _ok(r) and r <= limit
        why = [f"{ld['sessions']} Chromium sessions and the server share the machine's cores; the server used "
               f"{ld['server_cpu_share'] * 100:.0f} % of the machine while they ran."]
        if ld["errors"]:
            why.append("Errors: " + "; ".join(ld["error_messages"][:3]))
        _gate(rows, f"{ld['sessions']} browsers at once drilling country → region → unit",
              f"p95 {ld['crowd_p95_s']:.1f} s, {ld['errors']} errors", f"alone {ld['solo_median_s']:.1f} s", r,
              f"0 errors, p95 ≤ {limit:g}× alone", ok, why, "browser")


def gates(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Every gate the JSON has figures for, in the order of the report."""
    rows: list[dict[str, Any]] = []
    if "capacity" in data:
        _capacity(data["capacity"], rows)
    if "page_cost" in data:
        _page_cost(data["page_cost"], rows)
    _browser(data, rows)
    return rows


def ratio_text(x: float | None) -> str:
    return "" if x is None or not _ok(x) else f"{x:.2f}×"


def table(rows: list[dict[str, Any]]) -> str:
    """The gates as a Markdown table (also readable in a terminal)."""
    mark = {True: "yes", False: "**no**", None: "–"}
    head = "| Gate | Measured | Baseline (same run) | Ratio | Target | Pass |\n|---|---|---|---|---|---|\n"
    return head + "\n".join(f"| {g['gate']} | {g['value']} | {g['baseline']} | {ratio_text(g['ratio'])} "
                            f"| {g['target']} | {mark[g['pass']]} |" for g in rows) + "\n"
