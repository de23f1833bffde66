"""The harness the benchmarks and the e2e tests share: baselines with the app's own configuration,
a component page that really shows the four components, and a machine watch that tells this
benchmark's own processes from the others'."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from streamlit.testing.v1 import AppTest

from benchmarks import harness


def test_baselines_run_with_the_projects_own_configuration(tmp_path):
    for which, text in (("hello", harness.HELLO_APP), ("component", harness.COMPONENT_APP)):
        script = harness.baseline_dir(tmp_path, which)
        assert script.read_text(encoding="utf-8") == text
        assert (script.parent / ".streamlit" / "config.toml").read_bytes() == harness.CONFIG.read_bytes()
    assert 'fileWatcherType = "none"' in harness.CONFIG.read_text(encoding="utf-8")


def test_component_page_shows_a_metric_a_table_a_chart_and_a_map_without_a_basemap():
    at = AppTest.from_string(harness.COMPONENT_APP, default_timeout=60).run()
    assert not at.exception
    assert len(at.metric) == 3 and len(at.dataframe) == 1
    assert len(at.get("plotly_chart")) == 1
    decks = at.get("deck_gl_json_chart")
    assert len(decks) == 1
    spec = decks[0].proto.json
    assert '"ScatterplotLayer"' in spec and "mapbox" not in spec.lower() and "carto" not in spec.lower()


def test_hello_page_raises_only_when_asked():
    at = AppTest.from_string(harness.HELLO_APP, default_timeout=30).run()
    assert not at.exception and at.markdown[0].value == "Picked a"
    at.query_params["boom"] = "1"
    assert at.run().exception


def test_machine_watch_counts_the_benchmarks_own_children_as_its_own():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        time.sleep(0.2)
        ours = harness._tree_jiffies(os.getpid())
        assert os.getpid() in ours and child.pid in ours
        assert 1 not in ours  # init is nobody's child here
    finally:
        child.kill()
        child.wait()
    with harness.MachineWatch(interval=0.2) as watch:
        time.sleep(0.7)
    s = watch.summary()
    assert s["samples"] >= 2 and s["nproc"] == os.cpu_count()
    assert 0 <= s["other_cores_mean"] <= s["other_cores_max"] <= os.cpu_count() + 0.5
    assert s["loadavg_max"] >= 0


def test_percentile_and_median_are_values_that_were_measured():
    xs = [0.1 * i for i in range(1, 21)]
    assert harness.p95(xs) == xs[18] and harness.median([3.0, 1.0, 2.0]) == 2.0
    assert harness.p95([]) != harness.p95([])  # NaN: no figure, never zero
