"""benchmarks/static_site.py: a small run end to end (build, nginx with the project's config, two
load steps) and the ratio to the app's capacity taken from the same JSON."""

from __future__ import annotations

import json

import ci_env
import pytest

from benchmarks import static_site


def test_a_small_run_measures_page_views_and_the_ratio_to_the_app(tmp_path):
    if not static_site.nginx_available():
        ci_env.missing(f"nginx is not installed at {static_site.NGINX} (apt-get install nginx)")
    out = tmp_path / "performance.json"
    capacity = {"date": "2026-12-04T12:00:00+00:00", "targets": {"app": {"capacity_visits_per_s": 5.0, "replicas": 1}}}
    out.write_text(json.dumps({"capacity": capacity, "other": 1}), encoding="utf-8")
    assert static_site.main(["--steps", "1,4", "--window", "1", "--out", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    r = data["static_site"]
    assert data["other"] == 1 and data["capacity"] == capacity  # the other benchmarks' keys are kept
    assert [s["users"] for s in r["steps"]] == [1, 4] and all(s["errors"] == 0 for s in r["steps"])
    assert r["capacity_page_views_per_s"] > 0 and r["ratio_to_app"] == pytest.approx(r["capacity_page_views_per_s"] / 5)
    assert r["build"]["pages"] == 626 and 0 < r["national_page_bytes"] <= static_site.NATIONAL_PAGE_LIMIT
    assert r["nginx_errors_logged"] == 0
    text = static_site.section(r)
    assert "## Static site" in text and f"{r['ratio_to_app']:.0f}×" in text


def test_without_a_capacity_run_there_is_no_ratio():
    assert static_site.app_capacity({}) is None
    assert static_site.app_capacity({"capacity": {"targets": {"app": {"capacity_visits_per_s": 7.1}}}})["visits_per_s"] == 7.1
