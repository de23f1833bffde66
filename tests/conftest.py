"""Shared test set-up: never touch the developer's database under data/."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Set before any test imports dashboard.store, so no test writes to data/tillsyn.duckdb.
os.environ.setdefault("TILLSYN_DB", str(Path(tempfile.mkdtemp(prefix="tillsyn-test-")) / "test.duckdb"))

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def strict_importer(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug in the importer fails the test instead of turning into a message for the user."""
    from dashboard import importer

    monkeypatch.setattr(importer, "STRICT", True)


@pytest.fixture(scope="session")
def example():
    """(units, answers, status) of the shipped example round, loaded through the importer."""
    from dashboard import aggregate, datasets

    units, answers = datasets.example_round()
    return units, answers, aggregate.unit_status(units, answers)
