"""What each area of a map says: the value that colours it and its tooltip, for the share map and the
change map (``present.deck`` draws them; the page's ``screen.views.maps`` hands them over).

Why here and pure: the small-n rule (``aggregate.mask_small``) decides what an area may show, and a
tooltip is an output like a table cell. An area with fewer than ``SMALL_N`` responding units is drawn
by its units' status on the share map, and has no change class on the change map (a committee that
went from 0 of 1 to 1 of 1 is not "+100 p.e."); its tooltip gives the counts.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard import i18n
from dashboard.domain.levels import level as level_of
from dashboard.figures import aggregate
from dashboard.present.captions import units_word


def _count(k: Any, n: Any, lang: str) -> str:
    """ "20 av 27 (74 %)", or "1 av 1" below ``SMALL_N``."""
    return i18n.fmt_share(int(k), int(n), lang, small_n=aggregate.SMALL_N)


def _known(n: Any) -> bool:
    return n is not None and n == n and int(n) > 0


def _change(row: Any, shown: Any, name: str, words: str, compare_round: str, lang: str) -> dict[str, Any]:
    """An area on the change map: the change in percentage points when both rounds have at least
    ``SMALL_N`` responding units, else no class, and the counts of both rounds in the tooltip."""
    n = int(row.n_responded)
    since = i18n.t("vs_round", lang, round=compare_round).capitalize()
    if not n:
        return {"share": None, "tooltip": f"{name}\n{i18n.t('no_data', lang)}"}
    text = f"{name}\n{i18n.t('n_not_all', lang)}: {_count(row.n_not_all, n, lang)} {words}"
    if _known(row.n_responded_prev):
        text += f"\n{compare_round}: {_count(row.n_not_all_prev, row.n_responded_prev, lang)}"
    pp = shown.change_pp
    if pp is not None and pp == pp:
        return {"share": float(pp), "tooltip": f"{text}\n{since}: {i18n.fmt_pp(float(pp), lang)}"}
    reason = (i18n.t("too_few_change", lang, limit=aggregate.SMALL_N) if _known(row.n_responded_prev)
              else i18n.t("no_data", lang))
    return {"share": None, "tooltip": f"{text}\n{since}: {reason}"}


def area_records(table: pd.DataFrame, level: str, unit_type: str, lang: str = "sv",
                 compare_round: str = "") -> list[dict[str, Any]]:
    """One plain record per area of ``table`` (``by_region``/``by_kommun``, or with ``rounds.with_change``
    columns when ``compare_round`` is given: the change map): the area's code, ``share`` (percent, or
    the change in percentage points; None = no colour class), ``area_status`` for a small area on the
    share map, and a plain-text ``tooltip``."""
    lv = level_of(level)
    words = units_word(unit_type, lang)
    change = bool(compare_round)
    masked = aggregate.mask_small(table)
    label = i18n.t("n_not_all", lang)
    records = []
    for row, shown in zip(table.itertuples(index=False), masked.itertuples(index=False), strict=True):
        n = int(row.n_responded)
        name = getattr(row, lv.name)
        record: dict[str, Any] = {lv.code: getattr(row, lv.code)}
        if change:
            record.update(_change(row, shown, name, words, compare_round, lang))
        elif int(row.n_units) and aggregate.too_few(n):
            # Too few units for a share: the area is drawn by its units' status, the tooltip counts.
            record.update(share=None, area_status=aggregate.area_status(n, int(row.n_not_all), int(row.n_none)),
                          tooltip=f"{name}\n{label}: {_count(row.n_not_all, n, lang)} {words}"
                                  f"\n{i18n.t('too_few_short', lang)}")
        elif not n:
            record.update(share=None, tooltip=f"{name}\n{i18n.t('no_data', lang)}")
        else:
            record.update(share=float(shown.share_not_all) * 100,
                          tooltip=f"{name}\n{label}: {_count(row.n_not_all, n, lang)} {words}")
        records.append(record)
    return records
