"""What a page run does, counted rather than timed (issue 20): the work the server does per page
open and per filter change, pinned where a speed-up relies on it."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest
import streamlit as st
from apptest import open_page

from dashboard.domain import reference
from dashboard.figures import aggregate
from dashboard.storage import store


@pytest.fixture
def fresh_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def test_a_page_run_reads_the_data_version_once(monkeypatch, fresh_caches):
    """Every cached table, link and notice keys on the data version; the store is asked once per
    run (it was asked about a hundred times, three file-system calls each), and again by the next
    run, so an import between two runs is seen by the second."""
    asked: list[int] = []
    real = store.data_version

    def counted() -> str:
        asked.append(1)
        return real()

    monkeypatch.setattr(store, "data_version", counted)
    at = open_page("oversikt")
    assert len(asked) == 1
    at.run()
    assert len(asked) == 2


def test_a_new_version_during_a_session_is_seen_by_its_next_run(monkeypatch, fresh_caches):
    """The memo belongs to one run: a changed store (another replica's import) gives the next run
    of the same session tables under the new key."""
    current = ["v1"]
    monkeypatch.setattr(store, "data_version", lambda: current[0])
    keys: list[str] = []
    real = aggregate.by_region

    def by_region(*args, **kwargs):
        keys.append("computed")
        return real(*args, **kwargs)

    monkeypatch.setattr(aggregate, "by_region", by_region)
    at = open_page("oversikt")
    first = len(keys)
    assert first  # computed under v1
    current[0] = "v2"
    at.run()
    assert len(keys) == 2 * first  # computed again under v2, not served from v1's entries


def test_a_new_databases_version_does_not_change_when_it_is_first_used(monkeypatch, tmp_path):
    """The first read of the version makes the database (and its marker): the first page run of a
    new server caches its tables under the key that every later run finds (it used to change under
    that run, and the second visitor built every table again)."""
    monkeypatch.setenv("TILLSYN_DB", str(tmp_path / "new.duckdb"))
    before = store.data_version()
    store.Store().rounds()
    assert store.data_version() == before


def test_a_regions_map_after_the_countrys_aggregates_nothing(monkeypatch, fresh_caches):
    """A region not seen before on the map (issue 20: rerun within 100 ms) takes its rows of the
    country's municipality table; neither the map nor its download buttons aggregate again."""
    calls: Counter[str] = Counter()
    real = aggregate.by_kommun

    def by_kommun(*args, **kwargs):
        calls[str(args[2] if len(args) > 2 else kwargs.get("region_kod"))] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(aggregate, "by_kommun", by_kommun)
    open_page("karta", niva="kommun")
    first = sum(calls.values())
    assert first
    for code in ("01", "12", "25"):
        open_page("karta", region=code)
    assert sum(calls.values()) == first, calls


@pytest.mark.parametrize("unit_type", ["vardcentral", "socialnamnd", "alla"])
def test_a_regions_rows_of_the_country_table_are_its_own_table(example, unit_type):
    """What the cache relies on: ``by_kommun`` of one region is the country's table filtered to it."""
    status = example[2]
    whole = aggregate.by_kommun(status, unit_type, None)
    for code in sorted(reference.REGIONS):
        pd.testing.assert_frame_equal(aggregate.by_kommun(status, unit_type, code),
                                      whole[whole["region_kod"] == code].reset_index(drop=True))


# What the pages must not load: heavy libraries only exports, the importer or the geometry
# builder need (geopandas with pyproj cost each server about 15 MB and its start a tenth of a
# second or more, pyarrow's parquet and dataset libraries about 20 MB; issue 20).
NOT_ON_PAGES = ("geopandas", "pyproj", "pyarrow.parquet", "pyarrow.dataset", "matplotlib", "pptx", "docx",
                "openpyxl", "kaleido")
PAGE_SCRIPT = """
import sys
from apptest import open_page
for page, params in [("oversikt", {}), ("karta", {"niva": "kommun"}), ("karta", {"region": "01"}),
                     ("region", {"region": "18"}), ("kommun", {"kommun": "2380"}), ("enhet", {"kommun": "2380"}),
                     ("jamforelse", {}), ("risk", {}), ("metod", {})]:
    open_page(page, **params)
print(sorted(m for m in %r if m in sys.modules))
"""


def test_the_pages_load_no_export_or_geometry_libraries(tmp_path):
    """Every page opened once in a fresh interpreter, as a new server does."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    tests = Path(__file__).resolve().parents[1]
    env = {**os.environ, "TILLSYN_DB": str(tmp_path / "t.duckdb"),
           "PYTHONPATH": os.pathsep.join([str(tests), os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run([sys.executable, "-c", PAGE_SCRIPT % (NOT_ON_PAGES,)], capture_output=True, text=True,
                         env=env, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]"
