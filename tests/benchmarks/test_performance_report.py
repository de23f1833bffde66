"""docs/performance.md is generated from docs/performance.json by one template, and tells the truth.

No timing is asserted: the figures are the benchmark's. What is checked is that the page follows
the data, that every gate is judged on latency as well as errors, that capacity and sizing take the
conservative reading, that the machine is called quiet only when it was measured quiet, and that
every missed gate is listed with its figure and what holds it back."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from benchmarks import gates, report

ROOT = Path(__file__).resolve().parents[2]


def _data() -> dict:
    return json.loads((ROOT / "docs" / "performance.json").read_text(encoding="utf-8"))


@pytest.fixture
def data() -> dict:
    return copy.deepcopy(_data())


def _gate(rows: list[dict], start: str) -> dict:
    found = [g for g in rows if g["gate"].startswith(start)]
    assert len(found) == 1, (start, [g["gate"] for g in rows])
    return found[0]


def test_committed_report_is_the_template_rendered_from_the_committed_json():
    assert (ROOT / "docs" / "performance.md").read_text(encoding="utf-8") == report.render(_data()), (
        "docs/performance.md differs from its JSON: run `python benchmarks/report.py`"
    )


def test_deploy_guide_sizing_is_generated_from_the_same_json():
    text = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    assert report.with_sizing(text, _data()) == text, (
        "docs/deploy.md's sizing differs from docs/performance.json: run `python benchmarks/report.py`"
    )


def test_the_committed_run_measured_every_gate_of_issue_20(data):
    names = [g["gate"] for g in gates.gates(data)]
    for start in ("Page opens per second at p95", "Server CPU per page open at 10 users", "CPU per page open flat",
                  "RSS of one app replica, peak at 40 users", "RSS flat through 10 minutes",
                  "Bytes per page open, `karta?niva=kommun`", "Bytes per page open, `risk`",
                  "First-time visitor (new browser) until fully painted", "Warm tab until fully painted",
                  "Cold start", "Filter change, server rerun, map, a region not seen before"):
        assert any(n.startswith(start) for n in names), start
    steps = [s["users"] for s in data["capacity"]["targets"]["app"]["steps"]]
    assert steps == [1, 5, 10, 15, 20, 30, 40]
    assert {"hello", "component", "app"} <= set(data["capacity"]["targets"])
    assert {"hello", "component"} <= set(data["page_cost"]) and {"hello", "component"} <= set(data["first_visit"])


def test_every_figure_follows_the_data_and_a_kilobyte_is_1000_bytes(data):
    data["page_cost"]["app"]["bytes"]["risk"] = 123_456
    data["cold_start"]["app_median_s"] = 9.87
    text = report.render(data)
    assert "| Bytes per page open, `risk` | 123 KB |" in text
    assert "| Cold start to the first figure (overview) | 9.87 s |" in text
    assert report.kb(1_500) == "2 KB" and report.mb(2_500_000) == "2.5 MB"


def test_browsers_at_once_fail_on_latency_even_without_errors(data):
    data["load"].update(errors=0, completed=data["load"]["sessions"], solo_median_s=6.0, crowd_p95_s=64.7,
                        p95_ratio_to_solo=64.7 / 6.0)
    g = _gate(gates.gates(data), f"{data['load']['sessions']} browsers at once")
    assert g["pass"] is False and "p95 64.7 s, 0 errors" in g["value"]
    data["load"].update(crowd_p95_s=9.0, p95_ratio_to_solo=1.5)
    assert _gate(gates.gates(data), f"{data['load']['sessions']} browsers at once")["pass"] is True


def test_capacity_counts_only_steps_within_the_p95_limit_and_says_what_was_full(data):
    c = data["capacity"]
    app, hello = c["targets"]["app"], c["targets"]["hello"]
    app.update(capacity_visits_per_s=4.0, capacity_users=10)
    hello.update(capacity_visits_per_s=20.0, capacity_users=40)
    for s in app["steps"]:
        s.update(errors=0, p95_s=0.2 if s["users"] <= 10 else 2.5, visits_per_s=s["users"] / 2.1,
                 cpu_s_per_visit=0.1, client_cores=0.2, other_cores=0.0)
    rows = gates.gates(data)
    g = _gate(rows, "Page opens per second at p95")
    assert g["pass"] is False and g["ratio"] == 0.2
    why = " ".join(g["why"])
    assert "At 15 users the app served 7.14 page opens per second with p95 2.50 s" in why
    assert "Neither the server's core nor the machine was full" in why  # 0.71 + 0.2 cores of 2
    text = report.render(data)
    assert "* **Page opens per second at p95" in text.split("## Gates not met")[1]


def test_cpu_per_open_must_stay_flat_up_to_20_users(data):
    app = data["capacity"]["targets"]["app"]
    for s in app["steps"]:
        s["cpu_s_per_visit"] = 0.1
    assert _gate(gates.gates(data), "CPU per page open flat")["pass"] is True
    next(s for s in app["steps"] if s["users"] == 20)["cpu_s_per_visit"] = 0.2
    assert _gate(gates.gates(data), "CPU per page open flat")["pass"] is False
    next(s for s in app["steps"] if s["users"] == 20)["cpu_s_per_visit"] = 0.1
    app["steps"][-1]["cpu_s_per_visit"] = 0.5  # 40 users: beyond the gate's range
    assert _gate(gates.gates(data), "CPU per page open flat")["pass"] is True


def test_memory_gates_take_the_peak_at_40_users_and_the_churn(data):
    app = data["capacity"]["targets"]["app"]
    app["steps"][-1]["rss_peak_bytes"] = 251_000_000
    assert _gate(gates.gates(data), "RSS of one app replica, peak at 40 users")["pass"] is False
    app["steps"][-1]["rss_peak_bytes"] = 249_000_000
    assert _gate(gates.gates(data), "RSS of one app replica, peak at 40 users")["pass"] is True
    app["churn"].update(drift=0.12, spread=0.12)
    assert _gate(gates.gates(data), "RSS flat through")["pass"] is False
    app["churn"].update(drift=-0.03, spread=0.08)
    assert _gate(gates.gates(data), "RSS flat through")["pass"] is True


def test_sizing_takes_the_most_conservative_estimate(data):
    c = data["capacity"]
    c["targets"]["app"].update(capacity_users=20, users_per_core_cpu=14.0)
    c["targets"]["app2"].update(capacity_users=30)  # 15 per core
    s = report.sizing_figures(c)
    assert s["per_core"] == 14.0
    assert [r["replicas"] for r in s["rows"]] == [1, 4, 8, 18, 36]
    assert [r["with_spare"] for r in s["rows"]] == [2, 5, 9, 19, 37]
    c["targets"]["app2"]["capacity_users"] = 10  # 5 per core: now the smallest
    assert report.sizing_figures(c)["per_core"] == 5.0
    assert "Users per core: **5.0**, the smallest of" in report.sizing(data)


def test_the_machine_is_called_quiet_only_when_it_was_measured_quiet(data):
    busy = {"nproc": 2, "loadavg_start": 0.3, "loadavg_max": 2.5, "other_cores_mean": 1.2, "other_cores_max": 1.9}
    quiet = busy | {"other_cores_mean": 0.05, "other_cores_max": 0.2, "loadavg_max": 2.1}
    assert gates.machine_note(quiet).endswith("a quiet machine") and gates.is_quiet(quiet)
    assert "quiet" not in gates.machine_note(busy) and not gates.is_quiet(busy)
    assert "1.20 of 2 cores" in gates.machine_note(busy)
    data["browser_run"]["machine"] = busy
    data["page_cost"]["machine"] = busy
    data["capacity"]["targets"]["app"]["churn"]["machine"] = busy
    text = report.render(data)
    assert "quiet" not in text.lower()
    assert "other processes used 1.20 of 2 cores on average" in text


def test_every_missed_gate_is_listed_with_its_figure_and_what_holds_it_back(data):
    rows = gates.gates(data)
    text = report.render(data)
    missed = [g for g in rows if g["pass"] is False]
    if missed:
        section = text.split("## Gates not met, and what holds each back")[1]
        for g in missed:
            assert f"* **{g['gate']}**: {g['value']} against a target of {g['target']}" in section
            for why in g["why"]:
                assert why in section
    # a gate forced to fail appears there with its reasons
    data["page_cost"]["app"]["bytes"]["map kommun"] = 425_000
    text = report.render(data)
    section = text.split("## Gates not met, and what holds each back")[1]
    assert "* **Bytes per page open, `karta?niva=kommun`**: 425 KB against a target of ≤ 100 KB" in section
    assert "Made of: " in section.split("karta?niva=kommun")[1]


def test_import_section_shows_each_file_against_its_gate(data):
    assert "1,500 rows < 2 s; 50,000 rows < 20 s" in report.render(data)
    slow = data["importing"]["files"][0]
    slow.update(suggest_s=0.5, import_s=2.25, ok=False)
    text = report.render(data)
    assert f"| `{slow['file']}` | {slow['rows']:,} | {report.kb(slow['bytes'])} | 0.50 s |" in text
    assert "| 2.25 s |" in text and "| < 2 s | yes | **no** |" in text
    assert f"* **Import of `{slow['file']}`** (1,500 rows): suggest 0.50 s, import 2.25 s against a limit of 2 s." in text
