"""Shared test set-up: never touch the developer's database under data/."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from ci_env import missing

# Set before any test imports dashboard.storage.store, so no test writes to data/tillsyn.duckdb.
os.environ.setdefault("TILLSYN_DB", str(Path(tempfile.mkdtemp(prefix="tillsyn-test-")) / "test.duckdb"))

ROOT = Path(__file__).resolve().parents[1]


# Tools some tests need from the system, and how to tell they are there.
TOOLS = {
    "chromium": ("Chromium (Debian package chromium)",
                 lambda: any(Path(p).is_file() for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser"))),
    "soffice": ("LibreOffice (soffice)", lambda: shutil.which("soffice") is not None),
    "pdftotext": ("poppler-utils (pdftotext)", lambda: shutil.which("pdftotext") is not None),
}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "needs(tool): the test needs a system tool (chromium, soffice); "
                                       "skipped without it, but failed in CI (ci_env.in_ci)")


def pytest_runtest_setup(item: pytest.Item) -> None:
    """``@pytest.mark.needs("soffice")``: skip on a developer machine without the tool, fail in CI."""
    for mark in item.iter_markers("needs"):
        for tool in mark.args:
            label, present = TOOLS[tool]
            if not present():
                missing(f"{label} is not installed")
@pytest.fixture(autouse=True)
def strict_importer(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug in the importer fails the test instead of turning into a message for the user."""
    from dashboard.ingest import importer

    monkeypatch.setattr(importer, "STRICT", True)


@pytest.fixture(scope="session")
def example():
    """(units, answers, status) of the shipped example round, loaded through the importer."""
    from dashboard.figures import aggregate
    from dashboard.storage import datasets

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


# --------------------------------------------------------------------------- the export tests' selections
# Here and not in tests/export/conftest.py: a second conftest module would shadow this one for the
# tests that ``from conftest import ROOT`` (pytest registers each under the name "conftest").


@pytest.fixture(scope="session")
def b23(example):
    """Region Jämtland Härjedalen (23) of the example round: 22 health centres, all responded."""
    from dashboard import export
    from dashboard.ingest import demo

    units, answers, _ = example
    return export.build(units, answers, demo.ROUND, region="23")


@pytest.fixture(scope="session")
def evil(example):
    """Region 23 where health centres are named like spreadsheet formulas (names come from user files)."""
    from office_files import EVIL

    from dashboard import export
    from dashboard.ingest import demo

    units, answers, _ = example
    units = units.copy()
    idx = units.index[(units["region_kod"] == "23") & (units["unit_type"] == "vardcentral")][: len(EVIL)]
    units["name"] = units["name"].astype(object)
    units.loc[idx, "name"] = EVIL
    return export.build(units, answers, demo.ROUND, region="23")


@pytest.fixture(scope="session")
def pptx23(b23) -> bytes:
    """The deck of region 23."""
    from dashboard import export

    return export.pptx_pack(b23)
