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
from dashboard.screen import cache, ui
from dashboard.screen.state import Filters


def source(f: Filters, *also: str) -> str:
    """A chart's source line; it says Exempeldata when any round the view draws on is example data,
    and which rounds those are (a real round compared with the example round keeps IVO for itself)."""
    shown = cache.rounds_in_view(f, *also).examples
    return charts.source_line(f.lang, bool(shown), f.round, shown)


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
