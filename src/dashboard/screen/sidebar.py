"""The sidebar: the page menu and the filters, each widget bound to one field of the URL.

The URL (``st.query_params``) is the source of truth: widgets are synced from it before they
are drawn and write back to it when changed, so every view is a shareable link.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from dashboard import i18n
from dashboard.domain import provisions, reference
from dashboard.screen import cache, links, state
from dashboard.screen.state import Filters


def _commit(field: str, widget_key: str) -> None:
    """A widget's change written to the URL (a callback: runs before the page)."""
    links.go(links.url_filters().with_(**{field: st.session_state[widget_key] or ""}))


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


def toggle(field: str, label: str, f: Filters, container=st) -> bool:
    """A toggle bound to one URL field ("1" on, "" off), synced from the URL before it is drawn."""
    key = f"flt_{field}"
    current = getattr(f, field) == "1"
    if st.session_state.get(key) != current:
        st.session_state[key] = current
    container.toggle(label, key=key, on_change=_commit_flag, args=(field, key))
    return current


def _commit_flag(field: str, widget_key: str) -> None:
    links.go(links.url_filters().with_(**{field: "1" if st.session_state[widget_key] else ""}))


def nav_links(f: Filters, icons: dict[str, str]) -> None:
    """The page menu, each link carrying the current filters so they follow the user across pages."""
    with st.sidebar.container(key="nav"):
        for key in links.PAGES:
            links.page_link(key, i18n.t(f"page_{key}", f.lang), f, icon=icons.get(key), width="stretch")
    st.sidebar.divider()


def round_label(round_name: str, synthetic: bool, lang: str) -> str:
    """A round as named in menus: an example round says so."""
    return f"{round_name} ({i18n.t('example_badge', lang).lower()})" if synthetic else round_name


def sidebar(f: Filters) -> None:
    """The filters people expect, carried across pages through the URL."""
    lang = f.lang
    sb = st.sidebar
    select("lang", i18n.t("language", lang), list(i18n.LANGS), lambda code: i18n.t(f"ui_lang_{code}", lang), f, sb)
    sb.subheader(i18n.t("filters", lang))
    available = cache.rounds()
    labels = {r.round: round_label(r.round, r.synthetic, lang) for r in available.itertuples(index=False)}
    select("round", i18n.t("round", lang), available["round"].tolist(), labels.get, f, sb)
    others = [r for r in available["round"].tolist() if r != f.round]
    if others:
        select("jamfor", i18n.t("compare_with", lang), ["", *others],
               lambda r: labels.get(r, i18n.t("no_compare", lang)), f, sb)
    select("typ", i18n.t("unit_type", lang), list(state.UNIT_TYPE_CHOICES),
           {"alla": i18n.t("both", lang), "vardcentral": i18n.t("vardcentraler", lang).capitalize(),
            "socialnamnd": i18n.t("socialnamnder", lang).capitalize()}.get, f, sb)
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
