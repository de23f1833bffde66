"""What the sections share: the scope's units and figures, and the source line under a chart.

Why its own module: every topic module draws for the same scope (the country, a region or a
municipality) and labels its charts the same way, Exempeldata included.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import i18n
from dashboard.figures import filters
from dashboard.present import charts
from dashboard.present.captions import coverage_text
from dashboard.screen import cache, ui
from dashboard.screen.state import Filters


def source(f: Filters, *also: str) -> str:
    """A chart's source line: the selected round and the rounds ``also`` that the chart draws on (a
    trend's rounds, the risk page's previous round). It says Exempeldata when any of them is example
    data, and which (a real round shown with an example round keeps IVO for itself)."""
    shown = cache.rounds_drawn(f, *also).examples
    line = charts.source_line(f.lang, bool(shown), f.round, shown)
    covered = coverage(f)
    return f"{line}. {covered}" if covered else line


def coverage(f: Filters, unit_types: list[str] | None = None) -> str:
    """What the selected round's figures cover, when it did not ask every binding provision ("")."""
    return coverage_text(cache.coverage(f.round), f.lang, unit_types or f.unit_types)


def coverage_caption(f: Filters, unit_type: str) -> None:
    """Under a headline, chart or table of one unit type: how many binding provisions the round asked,
    when not all (nothing is drawn for a round that asked all)."""
    text = coverage(f, [unit_type])
    if text:
        st.caption(text)


def scope_units(f: Filters, unit_types: list[str] | None = None, region: str = "", kommun: str = "") -> pd.DataFrame:
    return filters.in_scope(cache.round_tables(f.round).status, unit_types, region, kommun)


def scope_figures(f: Filters, region: str = "", kommun: str = "", round_name: str = "") -> pd.DataFrame:
    return cache.scope_figures(round_name or f.round, region, kommun)


def example_caption(f: Filters) -> None:
    """Under a comparison of units across rounds: when either round is example data, say so right
    there, in the notice's words, so a real unit is never silently judged against generated answers."""
    view = cache.rounds_in_view(f)
    if view.any_synthetic:
        st.caption(f"**{i18n.t('example_badge', f.lang)}** · "
                   + i18n.t("example_rounds_in_view", f.lang, rounds=", ".join(ui.plain(r) for r in view.examples)))
