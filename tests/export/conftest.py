"""The export tests' shared selections: the example round, Jämtland Härjedalen (region 23), the same with
health centres named like spreadsheet formulas, and its deck."""

from __future__ import annotations

import pandas as pd
import pytest
from office_files import EVIL

from dashboard import export
from dashboard.ingest import demo
from dashboard.storage import datasets


@pytest.fixture(scope="module")
def example() -> tuple[pd.DataFrame, pd.DataFrame]:
    return datasets.example_round()


@pytest.fixture(scope="module")
def b23(example) -> export.Bundle:
    units, answers = example
    return export.build(units, answers, demo.ROUND, region="23")


@pytest.fixture(scope="module")
def evil(example) -> export.Bundle:
    """Region 23 where health centres are named like spreadsheet formulas (names come from user files)."""
    units, answers = example
    units = units.copy()
    idx = units.index[(units["region_kod"] == "23") & (units["unit_type"] == "vardcentral")][: len(EVIL)]
    units["name"] = units["name"].astype(object)
    units.loc[idx, "name"] = EVIL
    return export.build(units, answers, demo.ROUND, region="23")


@pytest.fixture(scope="module")
def pptx23(b23) -> bytes:
    return export.pptx_pack(b23)
