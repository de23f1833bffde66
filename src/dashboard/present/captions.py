"""Captions and unit words: how a chart's subtitle names the round, the selection and its units.

Why one home: the page and the file of the same chart must say the same thing, so the screen's
sections (``screen.views``), the risk page and every export format (``export``) call these; the
unit nouns themselves live in the word catalogue (``i18n.unit_noun``).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from dashboard import i18n
from dashboard.domain import reference


def units_word(unit_type: str, lang: str) -> str:
    """The unit type's plural noun, lower case: "vårdcentraler", "social welfare committees"."""
    return i18n.unit_noun(unit_type, 2, lang)


def scope_name(lang: str, region: str = "", kommun: str = "") -> str:
    """The selection in words: the municipality, else the region, else Sweden."""
    if kommun:
        return reference.kommun_name(kommun)
    if region:
        return reference.region_name(region)
    return i18n.t("sweden", lang)


def subtitle(lang: str, round_name: str, unit_type: str, n: int, region: str = "", kommun: str = "") -> str:
    """A chart's subtitle: the round, the selection and how many units the figures count."""
    return i18n.t("subtitle", lang, round=round_name, selection=scope_name(lang, region, kommun),
                  n=i18n.fmt_int(n, lang), units=units_word(unit_type, lang))


def coverage_text(coverage: pd.DataFrame, lang: str, unit_types: Iterable[str] | None = None) -> str:
    """What a round's figures cover, for a round that did not ask all of a unit type's binding
    provisions (``provisions.coverage``): "Omgången frågade bara om 1 av de 7 bindande reglerna för
    vårdcentraler (V1) …", one sentence per such unit type (of ``unit_types``, when given). A round
    that asked every binding provision gets "": nothing extra to say."""
    wanted = None if unit_types is None else set(unit_types)
    out = []
    for row in coverage.itertuples(index=False):
        if (wanted is not None and row.unit_type not in wanted) or row.n_asked >= row.n_binding:
            continue
        words = units_word(row.unit_type, lang)
        if row.n_asked:
            out.append(i18n.t("coverage_partial", lang, k=row.n_asked, n=row.n_binding, units=words,
                              ids=", ".join(row.asked)))
        else:
            out.append(i18n.t("coverage_none", lang, n=row.n_binding, units=words))
    return " ".join(out)
