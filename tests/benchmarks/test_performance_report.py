"""docs/performance.md is generated from docs/performance.json by one template (issue 12.6)."""

from __future__ import annotations

import copy
import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _report():
    spec = importlib.util.spec_from_file_location("perf_report", ROOT / "benchmarks" / "report.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _data() -> dict:
    return json.loads((ROOT / "docs" / "performance.json").read_text(encoding="utf-8"))


def test_committed_report_is_the_template_rendered_from_the_committed_json():
    expected = _report().render(_data())
    assert (ROOT / "docs" / "performance.md").read_text(encoding="utf-8") == expected, (
        "docs/performance.md differs from its JSON: run `python benchmarks/report.py`"
    )


def test_deploy_guide_sizing_table_is_generated_from_the_same_json():
    text = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    assert _report().with_sizing(text, _data()) == text, (
        "docs/deploy.md's sizing table differs from docs/performance.json: run `python benchmarks/report.py`"
    )


def test_every_figure_follows_the_data_and_a_kilobyte_is_1000_bytes():
    report = _report()
    data = copy.deepcopy(_data())
    data["payload"]["map_kommun_ws_bytes"] = 123_456
    data["cold_start"]["app_median_s"] = 9.87
    text = report.render(data)
    assert "| Bytes to browser, municipality map page | 123 KB |" in text
    assert "| Cold start to first paint (overview) | 9.87 s |" in text
    assert report.kb(1_500) == "2 KB" and report.mb(2_500_000) == "2.5 MB"


def test_capacity_section_comes_from_the_capacity_figures():
    data = _data()
    assert "capacity" in data, "run benchmarks/capacity.py: docs/performance.json has no capacity figures"
    text = _report().render(data)
    for target in data["capacity"]["targets"].values():
        last = target["steps"][-1]
        assert f"| {target['label']} | {last['users']} | {last['visits']} |" in text


def test_import_section_shows_each_file_against_its_gate():
    data = copy.deepcopy(_data())
    assert "importing" in data, "run `tillsyn bench --only importing`: docs/performance.json has no import figures"
    assert "1,500 rows < 2 s; 50,000 rows < 20 s" in _report().render(data)
    slow = data["importing"]["files"][0]
    slow.update(suggest_s=0.5, import_s=2.25, ok=False)
    text = _report().render(data)
    assert f"| `{slow['file']}` | {slow['rows']:,} | {_report().kb(slow['bytes'])} | 0.50 s |" in text
    assert "| 2.25 s |" in text and "| < 2 s | yes | **no** |" in text
    assert f"* **Import of `{slow['file']}`** (1,500 rows): suggest 0.50 s, import 2.25 s against a limit of 2 s." in text
