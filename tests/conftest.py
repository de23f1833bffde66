"""Shared test set-up: never touch the developer's database under data/."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Set before any test imports dashboard.store, so no test writes to data/tillsyn.duckdb.
os.environ.setdefault("TILLSYN_DB", str(Path(tempfile.mkdtemp(prefix="tillsyn-test-")) / "test.duckdb"))

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def example():
    """(units, answers, status) of the shipped example round, loaded through the importer."""
    from dashboard import aggregate, datasets

    units, answers = datasets.example_round()
    return units, answers, aggregate.unit_status(units, answers)


@pytest.fixture(scope="session")
def pg_admin_url():
    """A PostgreSQL server for the whole run (see tests/pgserver.py): skipped locally, required in CI."""
    import pgserver

    with pgserver.cluster() as url:
        yield url


@pytest.fixture(params=["duckdb", "postgresql"])
def store_target(request, tmp_path, monkeypatch):
    """Each store test runs twice: on a DuckDB file and on an empty PostgreSQL database.

    ``TILLSYN_DB`` is set to it, so ``Store()`` and the CLI use it too.
    """
    if request.param == "duckdb":
        target = tmp_path / "db" / "tillsyn.duckdb"
        monkeypatch.setenv("TILLSYN_DB", str(target))
        yield target
        return
    import pgserver

    with pgserver.fresh_database(request.getfixturevalue("pg_admin_url")) as url:
        monkeypatch.setenv("TILLSYN_DB", url)
        yield url
