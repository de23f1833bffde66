"""The capacity benchmark's protocol client and load shape (benchmarks/protocol.py, capacity.py).

One visit each to a hello-world page and to the app, through deploy/local-cluster (one replica
behind HAProxy): the run must end with ``script_finished`` and no error, and its bytes are counted;
a page that raises and a page that does not exist must count as errors (an uncaught exception still
ends with status 0). The rest are pure functions: the conservative capacity step, the churn's
waves and its flatness figure, and the breakdown of a page's bytes.
"""

from __future__ import annotations

import asyncio
import json

import ci_env
import pytest

from benchmarks import capacity, protocol


def _run(coro):
    """``asyncio.run`` on a thread of its own: an open Playwright session (the e2e tests' browser)
    keeps an event loop running on this thread, and asyncio.run refuses to start inside one."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


@pytest.fixture(scope="module")
def haproxy() -> None:
    ci_env.haproxy()  # skipped without it; failed in CI


def test_hello_world_visit_finishes_and_a_raising_page_is_an_error(haproxy, tmp_path):
    hello = tmp_path / "hello.py"
    hello.write_text(capacity.HELLO_SCRIPT, encoding="utf-8")
    with protocol.cluster(hello, 1, tmp_path / "state") as info:
        ok = _run(protocol.visit(info["url"], "", ""))
        boom = _run(protocol.visit(info["url"], "", "boom=1"))
    assert ok.ok and ok.runs >= 1 and ok.error == "", ok
    assert 0 < ok.bytes < 5_000, ok  # a title, a selectbox and a line: about a kilobyte
    assert not boom.ok and boom.error.startswith("exception"), boom


def test_app_visit_finishes_its_bytes_add_up_and_an_unknown_page_is_an_error(haproxy, tmp_path):
    kinds: dict[str, int] = {}

    def note(fwd, size: int) -> None:
        kinds[protocol.element_kind(fwd)] = kinds.get(protocol.element_kind(fwd), 0) + size

    with protocol.cluster(capacity.APP, 1, tmp_path / "state", db=str(tmp_path / "db.duckdb")) as info:
        ok = _run(protocol.visit(info["url"], "karta", "niva=kommun", timeout=60, on_message=note))
        missing = _run(protocol.visit(info["url"], "no-such-page", "", timeout=60))
    assert ok.ok and ok.runs >= 1, ok
    assert sum(kinds.values()) == ok.bytes  # every frame counted once, by what it carries
    assert {"new_session", "script_finished", "deck_gl_json_chart"} <= set(kinds), kinds
    assert not missing.ok and "page_not_found" in missing.error, missing


def test_deck_layers_are_measured_compact_by_layer_id():
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    spec = {"layers": [{"id": "areas", "data": [{"x": 1}] * 3}, {"id": "points", "data": []}], "mapStyle": None}
    fwd = ForwardMsg()
    fwd.delta.new_element.deck_gl_json_chart.json = json.dumps(spec, indent=2)
    sizes = protocol.deck_layers(fwd)
    assert sizes == {"areas": len(json.dumps(spec["layers"][0], separators=(",", ":"))),
                     "points": len(json.dumps(spec["layers"][1], separators=(",", ":")))}
    assert protocol.element_kind(fwd) == "deck_gl_json_chart"
    other = ForwardMsg()
    other.script_finished = 0
    assert protocol.deck_layers(other) == {} and protocol.element_kind(other) == "script_finished"


def _step(users: int, p95: float, errors: int = 0) -> dict:
    return {"users": users, "p95_s": p95, "errors": errors, "visits_per_s": users / 2}


def test_capacity_is_the_last_step_before_the_first_failure_never_a_lucky_one_above_it():
    steps = [_step(1, 0.1), _step(5, 0.3), _step(10, 1.4), _step(15, 0.9), _step(20, 0.8)]
    assert capacity.passing(steps, 1.0)["users"] == 5
    assert capacity.passing([_step(1, 0.1), _step(5, 0.2, errors=1), _step(10, 0.2)], 1.0)["users"] == 1
    assert capacity.passing([_step(1, 1.5)], 1.0) is None
    assert capacity.STEPS == (1, 5, 10, 15, 20, 30, 40)


def test_churn_waves_go_from_low_to_high_and_back():
    wave = [capacity.users_at(t, 2, 30, 150) for t in range(0, 301, 5)]
    assert wave[0] == 2 and max(wave) == 30 and wave[15] == 30 and wave[30] == 2 and wave[45] == 30 and wave[-1] == 2


def test_churn_flatness_leaves_out_the_settling_and_compares_the_last_minutes_with_the_first():
    def rss(values: list[float]) -> dict:
        return {"rss": [{"t_s": 5.0 * i, "rss_bytes": v} for i, v in enumerate(values)]}

    # 0-120 s settling (ignored, however high), then flat at 300 MB with 2 % noise
    flat = capacity.churn_summary(rss([100e6] * 24 + [300e6, 306e6] * 48))
    assert flat["reference_bytes"] == 303e6 and abs(flat["drift"]) < 0.001 and flat["spread"] < 0.011
    # growing by 1 MB every sample after settling: the last two minutes lie far above the first two
    grow = capacity.churn_summary(rss([300e6] * 24 + [300e6 + i * 1e6 for i in range(96)]))
    assert grow["drift"] > 0.2 and grow["spread"] > grow["drift"]
