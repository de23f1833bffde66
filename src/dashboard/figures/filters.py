"""Which units a view keeps: scope (region, municipality, unit type) and the answer filter.

Pure functions over the ``status`` table from ``aggregate.unit_status``.
"""

from __future__ import annotations

import pandas as pd

from dashboard.domain import provisions


def in_scope(status: pd.DataFrame, unit_types: list[str] | None = None, region_kod: str = "",
             kommun_kod: str = "") -> pd.DataFrame:
    """Units of the given types inside the region/municipality (empty = whole country)."""
    keep = pd.Series(True, index=status.index)
    if unit_types:
        keep &= status["unit_type"].isin(unit_types)
    if region_kod:
        keep &= status["region_kod"] == region_kod
    if kommun_kod:
        keep &= status["kommun_kod"] == kommun_kod
    return status[keep]


def with_answer(status: pd.DataFrame, answers: pd.DataFrame, provision_id: str = "",
                answer: str = "") -> pd.DataFrame:
    """Keep units that gave ``answer`` on ``provision_id`` (on any provision when none is chosen),
    and add the column ``answer_on`` with their answer on the chosen provision."""
    out = status.copy()
    if provision_id:
        own = answers[answers["provision_id"] == provision_id][["round", "unit_id", "answer"]]
        out = out.merge(own.rename(columns={"answer": "answer_on"}), on=["round", "unit_id"], how="left")
        cat = provisions.catalogue().set_index("provision_id")["unit_type"]
        out = out[out["unit_type"] == cat.get(provision_id, "")]
        out["answer_on"] = out["answer_on"].fillna("saknas")
    if answer:
        if provision_id:
            out = out[out["answer_on"] == answer]
        else:
            pairs = provisions.unit_answers(out, answers, provisions.catalogue())
            hit = pairs[pairs["answer"] == answer][["round", "unit_id"]].drop_duplicates()
            out = out.merge(hit, on=["round", "unit_id"], how="inner")
    return out.reset_index(drop=True)
