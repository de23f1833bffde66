"""The thin Streamlit layer shared by every page: data boundary, filters, notice, links, tables.

Pages compose these calls and the pure library functions; nothing here computes figures.
The URL (``st.query_params``) is the source of truth: widgets are synced from it before
they are drawn and write back to it when changed, so every view is a shareable link.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import aggregate, datasets, i18n, provisions, reference, state
from dashboard.state import Filters

ROOT = Path(__file__).resolve().parents[2]
ICON = Path(__file__).with_name("icon.png")
# File names are the Swedish URL paths: with a pages/ folder, Streamlit's page discovery
# expects a page's URL to be its file name.
PAGES: dict[str, str] = {
    "overview": "pages/oversikt.py",
    "map": "pages/karta.py",
    "region": "pages/region.py",
    "kommun": "pages/kommun.py",
    "unit": "pages/enhet.py",
    "compare": "pages/jamforelse.py",
    "risk": "pages/risk.py",
    "method": "pages/metod.py",
    "import": "pages/import.py",
}


# --- data boundary (cached) -------------------------------------------------------------
# Every cached table is keyed on ``data_version()``: the database file and its modification
# time. An import (in the app or from the CLI) changes the key, so nothing stale is shown,
# and two databases (tests, or a moved TILLSYN_DB) never share a cache entry.

def data_version() -> str:
    from dashboard import store

    path = store.db_path()
    return f"{path}:{path.stat().st_mtime_ns if path.exists() else 0}"


@st.cache_data(show_spinner=False, max_entries=16)
def _rounds(version: str) -> pd.DataFrame:
    return datasets.rounds()


@st.cache_data(show_spinner=False, max_entries=8)
def _round_tables(version: str, round_name: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    units, answers = datasets.load(round_name)
    return units, answers, aggregate.unit_status(units, answers)


@st.cache_data(show_spinner=False, max_entries=64)
def _by_region(version: str, round_name: str, unit_type: str) -> pd.DataFrame:
    return aggregate.by_region(round_tables(round_name)[2], unit_type)


@st.cache_data(show_spinner=False, max_entries=64)
def _by_kommun(version: str, round_name: str, unit_type: str, region_kod: str) -> pd.DataFrame:
    return aggregate.by_kommun(round_tables(round_name)[2], unit_type, region_kod or None)


@st.cache_data(show_spinner=False, max_entries=256)
def _by_provision(version: str, round_name: str, unit_type: str, region_kod: str, kommun_kod: str) -> pd.DataFrame:
    units, answers, _ = round_tables(round_name)
    return aggregate.by_provision(units, answers, unit_type, region_kod=region_kod or None,
                                  kommun_kod=kommun_kod or None)


@st.cache_data(show_spinner=False, max_entries=16)
def _unit_changes(version: str, round_name: str, previous: str) -> pd.DataFrame:
    from dashboard import rounds as rounds_mod

    return rounds_mod.unit_changes(round_tables(previous)[2], round_tables(round_name)[2])


def rounds() -> pd.DataFrame:
    return _rounds(data_version())


def round_tables(round_name: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(units, answers, status) of a round; status is the compliance rule applied per unit."""
    return _round_tables(data_version(), round_name)


def by_region(round_name: str, unit_type: str) -> pd.DataFrame:
    return _by_region(data_version(), round_name, unit_type)


def by_kommun(round_name: str, unit_type: str, region_kod: str = "") -> pd.DataFrame:
    return _by_kommun(data_version(), round_name, unit_type, region_kod)


def by_provision(round_name: str, unit_type: str, region_kod: str = "", kommun_kod: str = "") -> pd.DataFrame:
    return _by_provision(data_version(), round_name, unit_type, region_kod, kommun_kod)


def unit_changes(round_name: str, previous: str) -> pd.DataFrame:
    """Units matched between two rounds, with status then and now (see rounds.match_units)."""
    return _unit_changes(data_version(), round_name, previous)


def region_change(round_name: str, previous: str, unit_type: str) -> pd.DataFrame:
    from dashboard import rounds as rounds_mod

    return rounds_mod.with_change(by_region(round_name, unit_type), by_region(previous, unit_type), ["region_kod"])


def kommun_change(round_name: str, previous: str, unit_type: str, region_kod: str = "") -> pd.DataFrame:
    from dashboard import rounds as rounds_mod

    return rounds_mod.with_change(by_kommun(round_name, unit_type, region_kod),
                                  by_kommun(previous, unit_type, region_kod), ["kommun_kod"])


def clear_caches() -> None:
    """After an import or a deletion: every cached table may be stale."""
    st.cache_data.clear()
    datasets.example_round.cache_clear()


# --- filters <-> URL ---------------------------------------------------------------------

def _leave_legacy_pages_mode(entry: bool) -> None:
    """Streamlit treats an app with a ``pages/`` folder as a v1 multipage app until
    ``st.navigation`` has run once in the server process (and AppTest resets that on every
    run), so a deep link (``/karta``) can run the page file alone: no sidebar, no navigation.
    ``app.py`` (``entry``) just turns that mode off, since it calls ``st.navigation`` next; a
    page that finds the mode still on runs ``app.py`` in its place, in the same script run,
    so nothing the user just clicked is lost, and then stops."""
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        if not entry:
            import runpy

            runpy.run_path(str(ROOT / "app.py"), run_name="__main__")
            st.stop()


def filters(entry: bool = False) -> Filters:
    """The current view's filters, read from the URL; the round defaults to the newest.
    ``entry`` is True only in ``app.py``."""
    _leave_legacy_pages_mode(entry)
    available = rounds()["round"].tolist()
    f = state.from_params(st.query_params.to_dict(), rounds=available)
    if not f.round:
        f = f.with_(round=available[0])
    return f


def go(f: Filters) -> None:
    """Write the filters to the URL (only what differs from the defaults)."""
    params = f.to_params()
    if params.get("round") == rounds()["round"].iloc[0]:
        params.pop("round")
    st.query_params.from_dict(params)


def params_of(f: Filters) -> dict[str, str]:
    params = f.to_params()
    if params.get("round") == rounds()["round"].iloc[0]:
        params.pop("round")
    return params


def _commit(field: str, widget_key: str) -> None:
    """A widget's change written to the URL. Runs as a callback, before the page: so it reads the
    URL directly instead of through ``filters()``, which may run ``app.py`` (and must not here)."""
    current = state.from_params(st.query_params.to_dict(), rounds=rounds()["round"].tolist())
    go(current.with_(**{field: st.session_state[widget_key] or ""}))


def select(field: str, label: str, options: list[str], fmt: Callable[[str], str], f: Filters,
           container=st) -> str:
    """A selectbox bound to one URL field (synced from the URL before it is drawn)."""
    key = f"flt_{field}"
    current = getattr(f, field)
    if current not in options:
        current = options[0]
    if st.session_state.get(key) != current:
        st.session_state[key] = current
    container.selectbox(label, options, key=key, format_func=fmt, on_change=_commit, args=(field, key))
    return current


def nav_links(f: Filters, icons: dict[str, str]) -> None:
    """The page menu, each link carrying the current filters so they follow the user across pages."""
    params = params_of(f)
    with st.sidebar.container(key="nav"):
        for key, path in PAGES.items():
            st.page_link(path, label=i18n.t(f"page_{key}", f.lang), icon=icons.get(key), query_params=params,
                         width="stretch")
    st.sidebar.divider()


def sidebar(f: Filters) -> None:
    """The filters people expect, carried across pages through the URL."""
    lang = f.lang
    sb = st.sidebar
    select("lang", i18n.t("language", lang), ["sv", "en"], {"sv": "Svenska", "en": "English"}.get, f, sb)
    sb.subheader(i18n.t("filters", lang))
    available = rounds()
    labels = {r.round: f"{r.round} ({i18n.t('example_badge', lang).lower()})" if r.synthetic else r.round
              for r in available.itertuples(index=False)}
    select("round", i18n.t("round", lang), available["round"].tolist(), labels.get, f, sb)
    others = [r for r in available["round"].tolist() if r != f.round]
    if others:
        select("jamfor", i18n.t("compare_with", lang), ["", *others],
               lambda r: labels.get(r, i18n.t("no_compare", lang)), f, sb)
    select("typ", i18n.t("unit_type", lang), list(state.UNIT_TYPE_CHOICES),
           {"alla": i18n.t("both", lang), "vardcentral": i18n.t("vardcentral", lang).capitalize() + "er",
            "socialnamnd": i18n.t("socialnamnd", lang).capitalize() + "er"}.get
           if lang == "sv" else
           {"alla": i18n.t("both", lang), "vardcentral": "Health centres",
            "socialnamnd": "Social welfare committees"}.get, f, sb)
    regions = reference.regions()
    region_names = dict(zip(regions["region_kod"], regions["region"], strict=True))
    select("region", i18n.t("region", lang), ["", *regions["region_kod"]],
           lambda c: region_names.get(c, i18n.t("all_regions", lang)), f, sb)
    kommuner = reference.municipalities()
    if f.region:
        kommuner = kommuner[kommuner["region_kod"] == f.region]
    kommun_names = dict(zip(kommuner["kommun_kod"], kommuner["kommun"], strict=True))
    select("kommun", i18n.t("kommun", lang), ["", *kommuner["kommun_kod"]],
           lambda c: kommun_names.get(c, i18n.t("all_kommuner", lang)), f, sb)
    cat = provisions.catalogue()
    if f.typ != "alla":
        cat = cat[cat["unit_type"] == f.typ]
    title_col = "title_en" if lang == "en" else "title_sv"
    prov_names = dict(zip(cat["provision_id"], cat["provision_id"] + " " + cat[title_col], strict=True))
    select("regel", i18n.t("provision", lang), ["", *cat["provision_id"]],
           lambda p: prov_names.get(p, i18n.t("all_provisions", lang)), f, sb)
    select("svar", i18n.t("answer", lang), list(state.ANSWER_CHOICES),
           lambda a: i18n.t(a, lang) if a else i18n.t("all_answers", lang), f, sb)


# --- shared page pieces -------------------------------------------------------------------

def page_header(f: Filters, title: str, unit_name: str | None = None) -> None:
    """Title, breadcrumbs and the example-data notice: the top of every page."""
    st.title(plain(title))
    breadcrumbs(f, unit_name)
    example_notice(f)


def breadcrumbs(f: Filters, unit_name: str | None = None) -> None:
    crumbs = state.breadcrumbs(f, i18n.t("sweden", f.lang), unit_name)
    with st.container(horizontal=True, gap="small", key="breadcrumbs"):
        for i, crumb in enumerate(crumbs):
            label = plain(crumb.label) if i == 0 else f"› {plain(crumb.label)}"
            st.page_link(PAGES[crumb.page], label=label, query_params=params_of(crumb.filters), icon="")


def is_synthetic(units: pd.DataFrame) -> bool:
    return bool(len(units)) and bool(units["synthetic"].any())


def example_notice(f: Filters) -> None:
    """Visible on every page whenever the shown round holds generated example data."""
    units = round_tables(f.round)[0]
    if is_synthetic(units):
        with st.container(border=True):
            st.markdown(f"**{i18n.t('example_badge', f.lang)}** · {i18n.t('example_notice', f.lang)}")
            st.page_link(PAGES["method"], label=i18n.t("read_method", f.lang), icon=":material/info:",
                         query_params=params_of(f))


def link(page: str, label: str, f: Filters, container=st, **changes: str) -> None:
    container.page_link(PAGES[page], label=label, query_params=params_of(f.with_(**changes)))


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


def picked_row(table: pd.DataFrame, key: str) -> int | None:
    """A table whose rows can be selected (mouse or keyboard); returns the selected row's position.
    Data from files is shown as text: st.dataframe never renders HTML or Markdown."""
    event = st.dataframe(table, hide_index=True, key=key, on_select="rerun", selection_mode="single-row",
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
        st.page_link(PAGES[page], label=i18n.t("open_x", target.lang, name=plain(name)),
                     query_params=params_of(target), icon=":material/arrow_forward:")


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
    from dashboard import admin_view

    return admin_view.require_admin(lang)
