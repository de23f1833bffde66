"""Captions and unit words: how a chart's subtitle names the round, the selection and its units.

Why one home: the page and the file of the same chart must say the same thing, so the screen's
sections (``screen.views``), the risk page and every export format (``export``) call these; the
unit nouns themselves live in the word catalogue (``i18n.unit_noun``).
"""

from __future__ import annotations

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
