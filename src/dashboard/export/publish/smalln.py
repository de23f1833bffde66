"""The small-n rule of the public edition: fewer than ``aggregate.SMALL_N`` responding units give
counts only: no share, no difference, no rank.

Why its own module: every page, map title, table cell and open-data row of the static edition asks
the same question, and the answer must be the app's: ``aggregate.too_few`` for one figure and
``aggregate.mask_small`` (the one rule for every output, with the counts each share rests on) for a
table. Nothing here decides anything of its own.
"""

from __future__ import annotations

import pandas as pd

from dashboard.figures import aggregate

SMALL_N = aggregate.SMALL_N


def too_few(n_responded: float) -> bool:
    """True when a share of ``n_responded`` units would mislead (the app's rule)."""
    return aggregate.too_few(n_responded)


def masked(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with every share, difference and rank empty where the counts it rests on are below
    ``SMALL_N`` (the area's own, or the region's or country's beside it), and ``small_n`` saying
    which rows are small. Counts stay."""
    return aggregate.mask_small(df)
