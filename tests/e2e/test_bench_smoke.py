"""`tillsyn bench --quick` runs every part (browser, importing, capacity) in a tiny configuration and writes JSON with the expected
keys. No timing is asserted (that is what docs/performance.md is for); only that each measurement
ran, produced numbers, and that the load run had no errors."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from benchmarks import bench

pytestmark = pytest.mark.e2e

EXPECTED = {
    "cold_start": {"app_median_s", "hello_median_s", "ratio", "app_imports_median_s"},
    "rerun_server": {"overview_median_ms", "map_first_visit_median_ms", "map_again_median_ms", "hello_median_ms"},
    "rerun_browser": {"overview_median_ms", "map_median_ms", "hello_median_ms"},
    "payload": {"map_kommun_ws_bytes", "naive_geojson_bytes", "map_deck_layers_bytes", "ratio_to_naive"},
    "aggregation": {"small_median_s", "big_median_s", "per_unit_cost_ratio"},
    "memory": {"app_per_extra_session_bytes", "hello_per_extra_session_bytes"},
    "load": {"crowd_p95_s", "solo_median_s", "errors", "completed", "server_cpu_s"},
}


def test_bench_quick_writes_json_with_every_part(chromium, tmp_path):
    out = tmp_path / "performance.json"
    proc = subprocess.run([sys.executable, "-m", "dashboard.cli", "bench", "--quick", "--out", str(out)],
                          capture_output=True, text=True, timeout=900, cwd=bench.ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["config"]["quick"] is True
    assert {"machine", "date", "gates"} <= set(data)
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
    assert set(data["payload"]["map_deck_layers_bytes"]) >= {"areas"}
    assert len(data["gates"]) >= 8 and all({"gate", "value", "target", "pass"} <= set(g) for g in data["gates"])
    assert "| Gate |" in proc.stdout
    # the other benchmarks ran in the same command and wrote their own keys (--quick: 1 500 rows, short steps)
    assert [f["rows"] for f in data["importing"]["files"]] == [1_500, 1_500]
    assert {"hello", "app", "app2"} <= set(data["capacity"]["targets"])
    assert out.with_suffix(".md").exists()
