"""The page frame shared by every page: the current filters, page language, header with
breadcrumbs and example notice, and the small pieces pages draw (tables, charts, the admin gate).

Data comes through ``cache`` (the one cache boundary), links through ``links``, the filters'
widgets from ``sidebar``; nothing here computes figures.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from dashboard import i18n
from dashboard.figures.rounds import RoundsInView
from dashboard.screen import cache, links, state
from dashboard.screen.state import Filters

if TYPE_CHECKING:
    import pyarrow as pa
    from pandas.io.formats.style import Styler

ROOT = Path(__file__).resolve().parents[3]
ICON = Path(__file__).resolve().parents[1] / "icon.png"

# Kept for callers not yet moved to the modules that own these now.
from dashboard.screen.cache import (  # noqa: E402,F401
    by_kommun,
    by_provision,
    by_region,
    clear_caches,
    data_version,
    kommun_change,
    region_change,
    round_tables,
    rounds,
    unit_changes,
)
from dashboard.screen.links import PAGES, go, link, params_of  # noqa: E402,F401
from dashboard.screen.sidebar import nav_links, select, sidebar  # noqa: E402,F401

# --- filters <-> URL ---------------------------------------------------------------------

def _leave_legacy_pages_mode(entry: bool) -> None:
    """Streamlit treats an app with a ``pages/`` folder as a v1 multipage app until
    ``st.navigation`` has run once in the server process (and AppTest resets that on every
    run), so a deep link (``/karta``) can run the page file alone: no sidebar, no navigation.
    ``app.py`` (``entry``) just turns that mode off, since it calls ``st.navigation`` next; a
    page that finds the mode still on runs ``app.py`` in its place, in the same script run,
    so nothing the user just clicked is lost, and then stops. The one place for this
    workaround; tests/test_pages.py fails when Streamlit no longer needs it."""
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        if not entry:
            import runpy

            runpy.run_path(_entry_script(), run_name="__main__")
            st.stop()


def _entry_script() -> str:
    """The app's entry point as Streamlit was started with it (``streamlit run app.py``)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return str(ctx.main_script_path) if ctx and ctx.main_script_path else str(ROOT / "app.py")


def filters(entry: bool = False) -> Filters:
    """The current view's filters, read from the URL; the round defaults to the newest.
    ``entry`` is True only in ``app.py``."""
    _leave_legacy_pages_mode(entry)
    available = cache.rounds()["round"].tolist()
    f = state.from_params(st.query_params.to_dict(), rounds=available)
    if not f.round:
        f = f.with_(round=available[0])
    return f


def page_language(lang: str) -> None:
    """``<html lang>`` as shown ("sv"/"en"): screen readers pick the pronunciation from it (WCAG
    3.1.1). Streamlit serves ``lang="en"`` and offers no setting, so a script sets it; it runs on
    every rerun and page switch because ``app.py`` runs then. Drawn last in the sidebar, so the
    element's small gap sits below the filters and moves nothing on the page."""
    code = "en" if lang == "en" else "sv"
    st.sidebar.html(f"<script>document.documentElement.lang = '{code}';</script>", unsafe_allow_javascript=True)


# --- shared page pieces -------------------------------------------------------------------

def page_header(f: Filters, title: str, unit_name: str | None = None, also: tuple[str, ...] = ()) -> None:
    """Title, breadcrumbs and the example-data notice: the top of every page. ``also``: rounds
    the page draws on besides the selected and compared ones (risk: previous; trends: all)."""
    st.title(plain(title))
    breadcrumbs(f, unit_name)
    example_notice(f, cache.rounds_in_view(f, *also))


def breadcrumbs(f: Filters, unit_name: str | None = None) -> None:
    crumbs = state.breadcrumbs(f, i18n.t("sweden", f.lang), unit_name)
    with st.container(horizontal=True, gap="small", key="breadcrumbs"):
        for i, crumb in enumerate(crumbs):
            label = plain(crumb.label) if i == 0 else f"› {plain(crumb.label)}"
            links.page_link(crumb.page, label, crumb.filters, icon="")


def is_synthetic(units: pd.DataFrame) -> bool:
    return bool(len(units)) and bool(units["synthetic"].any())


def example_notice(f: Filters, view: RoundsInView | None = None) -> None:
    """Visible on every page whenever a round it draws on (selected, compared, previous, trend)
    holds generated example data; names those rounds when it is not just the selected one."""
    view = view or cache.rounds_in_view(f)
    if not view.any_synthetic:
        return
    with st.container(border=True, key="example_notice"):
        st.markdown(f"**{i18n.t('example_badge', f.lang)}** · {example_text(f.round, view.examples, f.lang)}")
        links.page_link("method", i18n.t("read_method", f.lang), f, icon=":material/info:")


def example_text(round_name: str, examples: tuple[str, ...], lang: str) -> str:
    """The notice's words: the example data notice when the selected round is example data (naming
    the other example rounds in view, if any); when it is real, that it is, and which rounds in view
    are not. Round names come from files: escaped for Markdown."""
    if round_name not in examples:
        return i18n.t("example_notice_real", lang, round=plain(round_name), rounds=", ".join(map(plain, examples)))
    text = i18n.t("example_notice", lang)
    if examples == (round_name,):
        return text
    return f"{text} {i18n.t('example_rounds_in_view', lang, rounds=', '.join(map(plain, examples)))}"


def plain(text: object) -> str:
    """Text from data shown inside Markdown: escape Markdown and HTML so it shows literally."""
    s = str(text)
    for ch in "\\`*_{}[]()#+-.!|<>~$":
        s = s.replace(ch, "\\" + ch)
    # GFM turns text that looks like a URL or an e-mail address into a link, escaped or not
    # (a unit named 'www.x.se' or '=HYPERLINK("http://x")' became a link to that host): an
    # invisible word joiner (U+2060) after the first character of "www", "://" and "@" breaks it.
    return _AUTOLINK.sub(lambda m: m.group(0)[0] + "\u2060" + m.group(0)[1:], s)


_AUTOLINK = re.compile(r"(?i)www|://|@")


def picked_row(table: pd.DataFrame | Styler | pa.Table, key: str, lang: str = "") -> int | None:
    """A table whose rows can be selected (mouse or keyboard); returns the selected row's position.
    Data from files is shown as text: st.dataframe never renders HTML or Markdown. With ``lang`` the
    numbers are written as that language writes them (decimal comma in Swedish), sorted as numbers;
    a table already styled so (a cached view's) is drawn as it is."""
    from dashboard.present.tables import styled

    shown = styled(table, lang) if lang and isinstance(table, pd.DataFrame) else table
    event = st.dataframe(shown, hide_index=True, key=key, on_select="rerun", selection_mode="single-row",
                         width="stretch")
    rows = event.selection.rows if event else []
    return rows[0] if rows else None


def open_link(page: str, name: str, target: Filters, key: str) -> None:
    """After a row or map selection: a real link to the chosen region, municipality or unit.

    A link, not st.switch_page: with Streamlit 1.67 a switch with new query params adds two
    browser-history entries (the current page with the new params, then the target), so Back
    would need two presses per level. A link adds one, opens in a new tab, and is reachable by
    keyboard (Tab, Enter)."""
    with st.container(key=f"{key}_open"):
        links.page_link(page, i18n.t("open_x", target.lang, name=plain(name)), target,
                        icon=":material/arrow_forward:")


def column_names(lang: str) -> dict[str, str]:
    """People's headers for the store's tables (stored rounds, import log)."""
    t = i18n.t
    return {
        "round": t("round", lang), "n_units": t("n_units", lang),
        "n_vardcentral": t("vardcentraler", lang).capitalize(), "n_socialnamnd": t("socialnamnder", lang).capitalize(),
        "imported_at": t("col_imported_at", lang), "synthetic": t("example_badge", lang), "id": "#",
        "action": t("col_action", lang), "filename": t("col_file", lang), "sha256": "SHA-256",
        "rows_in": t("col_rows_in", lang), "accepted": t("col_accepted", lang), "rejected": t("col_rejected", lang),
        "repeated": t("col_repeated", lang), "removed": t("col_removed", lang),
    }


def chart(fig, caption: str, key: str) -> None:
    """A plotly chart with its text alternative underneath."""
    st.plotly_chart(fig, key=key, config={"displaylogo": False, "toImageButtonOptions": {"format": "png"}})
    st.caption(caption)


def require_admin(lang: str) -> bool:
    """True when the visitor may change data (the gate lives in ``admin_view``)."""
    from dashboard.screen import admin_view

    return admin_view.require_admin(lang)
