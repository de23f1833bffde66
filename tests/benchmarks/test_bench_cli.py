"""`tillsyn bench` runs every benchmark into one JSON (issue 11: suggest and import "in `tillsyn bench`").

No timing is asserted here: only that the command offers each benchmark, that a selection means
what it says, and that a benchmark adds its own key to the JSON without dropping the figures
other runs wrote there."""

from __future__ import annotations

import json

import pytest

from benchmarks import bench, report
from dashboard import cli, i18n


def test_bench_help_lists_every_benchmark(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["bench", "--help"])
    assert exc.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for name in ("all", "browser", *bench.OTHERS, *bench.PARTS):
        assert name in text, name
    assert "--rows" in text and "--only" in text and "--churn" in text
    assert i18n.t("cli_help_bench_out") in text  # the help comes from the catalogue


def test_only_selects_groups_benchmarks_and_single_parts():
    assert bench.OTHERS == ("page_cost", "importing", "capacity")
    assert bench.selection("all") == (list(bench.PARTS), list(bench.OTHERS))
    assert bench.selection("browser") == (list(bench.PARTS), [])
    assert bench.selection("importing") == ([], ["importing"])
    assert bench.selection("capacity,first_visit,cold_start,page_cost") == (
        ["cold_start", "first_visit"], ["page_cost", "capacity"])
    with pytest.raises(bench.BenchError, match="nosuch"):
        bench.selection("importing,nosuch")


def test_bench_only_importing_adds_its_key_and_keeps_the_others(tmp_path, capsys):
    out = tmp_path / "performance.json"
    others = {"capacity": {"gates": [1, 2]}, "cold_start": {"ratio": 1.5}, "note": "kept"}
    out.write_text(json.dumps(others), encoding="utf-8")
    assert cli.main(["bench", "--only", "importing", "--rows", "50", "--out", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {k: data[k] for k in others} == others
    im = data["importing"]
    assert im["sizes"] == [50] and [f["file"] for f in im["files"]] == ["bench-50.xlsx", "bench-50.csv"]
    assert all(f["rows"] == f["accepted"] == 50 and f["suggest_s"] > 0 and f["import_s"] > 0 for f in im["files"])
    assert im["limits_s"] == {"1500": 2.0, "50000": 20.0}
    assert im["took_s"] > 0  # how long each benchmark took is kept, for the report's reproduction note
    assert {"other_cores_mean", "loadavg_start"} <= set(im["machine"])  # the load it ran at
    assert "bench-50.csv: 50 rader" in capsys.readouterr().out
    assert not out.with_suffix(".md").exists()  # no browser header in this JSON: no report written


def test_merge_starts_a_missing_or_broken_file_and_replaces_only_its_key(tmp_path):
    path = tmp_path / "p.json"
    assert report.merge(path, "importing", {"a": 1}) == {"importing": {"a": 1}}
    report.merge(path, "capacity", {"b": float("nan")})
    report.merge(path, "importing", {"a": 3})
    assert json.loads(path.read_text(encoding="utf-8")) == {"importing": {"a": 3}, "capacity": {"b": None}}
    path.write_text("{not json", encoding="utf-8")
    assert report.merge(path, "importing", {}) == {"importing": {}}
