"""The small-n rule of the public edition, in one place: fewer than ``aggregate.SMALL_N`` responding
units give counts only: no share, no difference, no rank.

Why its own module: every page, map title, table cell and open-data row of the static edition asks
the same question, and the rule must stay the app's (``aggregate.SMALL_N``, ``aggregate.too_few``).
The "tables for people" (``export.tables``) are to take the same rule later; ``masked`` is written
so it can move there unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from dashboard.figures import aggregate

SMALL_N = aggregate.SMALL_N
# Columns that hold a share, a difference of shares or a rank: left empty for a small area.
# The country's share beside an area stays: it is a share of the whole country, not of the area.
SHARE_COLUMNS: tuple[str, ...] = ("share_not_all", "share_none", "response_rate", "diff_pp", "share_not_ja", "rank")


def too_few(n_responded: float) -> bool:
    """True when a share of ``n_responded`` units would mislead (the app's rule)."""
    return aggregate.too_few(n_responded)


def masked(df: pd.DataFrame, n_col: str = "n_responded", columns: Iterable[str] = SHARE_COLUMNS) -> pd.DataFrame:
    """``df`` with its share, difference and rank columns empty (NA) on every row where fewer than
    ``SMALL_N`` units responded, and a boolean ``small_n`` column that says so. Counts stay."""
    out = df.copy()
    small = ~(pd.to_numeric(out[n_col], errors="coerce").fillna(0) >= SMALL_N)
    out["small_n"] = small.astype(bool)
    for col in columns:
        if col in out.columns:
            out[col] = out[col].astype("Float64" if col != "rank" else "Int64").mask(small)
    return out
