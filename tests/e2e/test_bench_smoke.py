"""`tillsyn bench --quick` runs every part (browser, page cost, importing, capacity) in a tiny configuration and writes JSON with the expected
keys. No timing is asserted (that is what docs/performance.md is for); only that each measurement
ran, produced numbers, and that the load run had no errors."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from benchmarks import harness

pytestmark = pytest.mark.e2e

EXPECTED = {
    "cold_start": {"app_median_s", "hello_median_s", "component_median_s", "ratio", "app_imports_median_s"},
    "first_visit": {"hello", "component", "overview", "map kommun", "risk"},
    "rerun_server": {"overview_median_ms", "map_first_visit_median_ms", "map_again_median_ms", "hello_median_ms"},
    "rerun_browser": {"overview_median_ms", "map_median_ms", "hello_median_ms"},
    "aggregation": {"small_median_s", "big_median_s", "per_unit_cost_ratio"},
    "load": {"crowd_p95_s", "solo_median_s", "errors", "completed", "server_cpu_s", "p95_ratio_to_solo"},
    "page_cost": {"hello", "component", "app", "breakdown", "machine"},
}



def test_bench_quick_writes_json_with_every_part(chromium, tmp_path):
    out = tmp_path / "performance.json"
    proc = subprocess.run([sys.executable, "-m", "dashboard.cli", "bench", "--quick", "--out", str(out)],
                          capture_output=True, text=True, timeout=900, cwd=harness.ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["config"]["quick"] is True
    assert {"machine", "date", "browser_run"} <= set(data)
    assert data["machine"]["nproc"] and data["machine"]["cpu_model"]
    for part, keys in EXPECTED.items():
        assert part in data, part
        assert keys <= set(data[part]), (part, keys - set(data[part]))
        for key in keys:
            value = data[part][key]
            if isinstance(value, int | float):
                assert math.isfinite(value), (part, key, value)
                # a difference of two RSS readings may be slightly negative in the tiny run (GC)
                assert value >= 0 or "per_extra" in key, (part, key, value)
    assert data["load"]["errors"] == 0, data["load"]["error_messages"]
    assert data["load"]["completed"] == data["config"]["sessions"]
    # no request left the app's host, on any page the first-visit part opened
    assert all(not data["first_visit"][k]["problems"] for k in EXPECTED["first_visit"]), data["first_visit"]
    assert "areas" in data["page_cost"]["breakdown"]["map kommun"]["deck_layers"]
    assert all(data["page_cost"][t]["errors"] == [] for t in ("hello", "component", "app"))
    assert {"other_cores_mean", "loadavg_max"} <= set(data["browser_run"]["machine"])
    assert "| Gate |" in proc.stdout
    # the other benchmarks ran in the same command and wrote their own keys (--quick: 1 500 rows, short steps)
    assert [f["rows"] for f in data["importing"]["files"]] == [1_500, 1_500]
    assert {"hello", "component", "app", "app2"} <= set(data["capacity"]["targets"])
    assert data["capacity"]["targets"]["app"]["churn"]["visits"] > 0
    assert all(s["client_cpu_s"] >= 0 and s["rss_peak_bytes"] > 0 for s in data["capacity"]["targets"]["app"]["steps"])
    text = out.with_suffix(".md").read_text(encoding="utf-8")
    assert "| Gate | Measured |" in text and "How busy the machine was" in text
