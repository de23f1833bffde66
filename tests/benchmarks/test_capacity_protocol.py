"""Smoke test of the capacity benchmark's protocol client (benchmarks/capacity.py).

One visit each to a hello-world page and to the app, through deploy/local-cluster (one replica
behind HAProxy): the run must end with ``script_finished`` and no error; a page that raises and
a page that does not exist must count as errors (an uncaught exception still ends with status 0).
"""

from __future__ import annotations

import asyncio
import importlib.util
import sys
from pathlib import Path

import ci_env
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(coro):
    """``asyncio.run`` on a thread of its own: an open Playwright session (the e2e tests' browser)
    keeps an event loop running on this thread, and asyncio.run refuses to start inside one."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _capacity():
    spec = importlib.util.spec_from_file_location("capacity", ROOT / "benchmarks" / "capacity.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def capacity():
    ci_env.haproxy()  # skipped without it; failed in CI
    return _capacity()


def test_hello_world_visit_finishes_and_a_raising_page_is_an_error(capacity, tmp_path):
    hello = tmp_path / "hello.py"
    hello.write_text(capacity.HELLO_SCRIPT, encoding="utf-8")
    with capacity.cluster(hello, 1, tmp_path / "state") as info:
        ok = _run(capacity.visit(info["url"], "", ""))
        boom = _run(capacity.visit(info["url"], "", "boom=1"))
    assert ok.ok and ok.runs >= 1 and ok.error == "", ok
    assert not boom.ok and boom.error.startswith("exception"), boom


def test_app_visit_finishes_and_an_unknown_page_is_an_error(capacity, tmp_path):
    with capacity.cluster(capacity.APP, 1, tmp_path / "state", db=str(tmp_path / "db.duckdb")) as info:
        ok = _run(capacity.visit(info["url"], "karta", "niva=kommun", timeout=60))
        missing = _run(capacity.visit(info["url"], "no-such-page", "", timeout=60))
    assert ok.ok and ok.runs >= 1, ok
    assert not missing.ok and "page_not_found" in missing.error, missing
