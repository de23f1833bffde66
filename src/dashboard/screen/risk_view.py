"""The risk page's sections (Streamlit): weights bound to the URL, ranked lists, context.

The figures come from ``dashboard.figures.risk`` (pure, tested), the tables and files from ``risk_tables``
and the charts from ``risk_charts``; these functions only compose them. The weights
live in the URL (``w=V1:2,none:3``), so a shared link reproduces the same ranked list.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, NamedTuple

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import export, i18n
from dashboard.domain import provisions
from dashboard.export import risk_tables
from dashboard.figures import filters, maternity, risk
from dashboard.present import captions, risk_charts
from dashboard.present import tables as people
from dashboard.screen import cache, links, ui
from dashboard.screen import downloads as download_row
from dashboard.screen.state import Filters
from dashboard.screen.views.scope import source

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

_url_filters = links.url_filters


def _commit_weights(keys: list[str]) -> None:
    f = _url_filters()
    current = risk.decode_weights(f.w)
    for key in keys:
        value = st.session_state.get(f"risk_w_{key}")
        if value is not None:
            current[key] = float(value)
    ui.go(f.with_(w=risk.encode_weights(current)))


def _reset_weights() -> None:
    ui.go(_url_filters().with_(w=""))


def weight_sliders(f: Filters) -> dict[str, float]:
    """Sliders synced from the URL before they are drawn; a change or the reset writes the URL."""
    lang = f.lang
    weights = risk.decode_weights(f.w)
    changed = risk.encode_weights(weights)
    cat = provisions.catalogue()
    titles = dict(zip(cat["provision_id"], cat["title_en" if lang == "en" else "title_sv"], strict=True))
    groups = [("factors", list(risk.FACTOR_WEIGHTS))] + [
        (u, list(risk.default_weights([u]).keys() - risk.FACTOR_WEIGHTS.keys())) for u in f.unit_types]
    order = {k: i for i, k in enumerate(risk.default_weights())}
    keys = [k for _, ks in groups for k in ks]
    with st.expander(i18n.t("risk_weights", lang), expanded=bool(changed), icon=":material/tune:"):
        st.caption(i18n.t("risk_weights_help", lang))
        cols = st.columns(len(groups))
        for col, (group, group_keys) in zip(cols, groups, strict=True):
            with col:
                st.markdown(f"**{i18n.unit_noun(group, 2, lang).capitalize()}**" if group != "factors"
                            else f"**{i18n.t('risk_factors', lang)}**")
                for key in sorted(group_keys, key=order.__getitem__):
                    wkey = f"risk_w_{key}"
                    if st.session_state.get(wkey) != weights[key]:
                        st.session_state[wkey] = weights[key]
                    label = f"{key} {titles[key]}" if key in titles else risk.factor_label(key, lang)
                    st.slider(label, min_value=risk.W_MIN, max_value=risk.W_MAX, step=risk.W_STEP, key=wkey,
                              format="%.1f", on_change=_commit_weights, args=(keys,),
                              help=None if key in titles else i18n.t(f"risk_x_{key}", lang))
        st.button(i18n.t("risk_reset", lang), on_click=_reset_weights, key="risk_reset",
                  icon=":material/restart_alt:", disabled=not changed)
    if changed:
        st.caption(i18n.t("risk_weights_changed", lang, weights=changed))
    return weights


def weights_line(f: Filters, weights: dict[str, float]) -> str:
    """For chart subtitles: a saved image still says which weights made it."""
    changed = risk.encode_weights(weights)
    return f"{i18n.t('risk_weights', f.lang)}: {changed or i18n.t('risk_weights_default', f.lang)}"


# --- sections --------------------------------------------------------------------------------------

def explanation(f: Filters, previous: str) -> None:
    lang = f.lang
    st.markdown(i18n.t("risk_intro", lang))
    st.info(i18n.t("risk_privacy", lang), icon=":material/shield:")
    with st.expander(i18n.t("risk_how", lang), icon=":material/info:"):
        st.markdown(i18n.t("risk_how_text", lang))
        for factor in risk.FACTORS:
            st.markdown(f"- **{risk.factor_label(factor, lang)}**: {i18n.t(f'risk_x_{factor}', lang)}")
        st.markdown(i18n.t("risk_small_n", lang))
    st.caption(i18n.t("risk_prev", lang, round=ui.plain(previous)) if previous else i18n.t("risk_no_prev", lang))
    if f.regel or f.svar:
        st.caption(i18n.t("risk_filters_note", lang))


def downloads(f: Filters, fig: go.Figure | None, table: pd.DataFrame, level: str, unit_type: str,
              weights: dict[str, float], previous: str, scope: str) -> None:
    """The common download row (images of the chart, CSV and Excel of exactly the table shown), with
    the weights and today's date in the table and the weights on the description sheet."""
    lang = f.lang
    shown = download_row.example_rounds(f, previous)  # the previous round counts too: it may be example data
    about = dataclasses.replace(risk_tables.export_about(lang, f.round, previous, level, unit_type, scope, weights,
                                                         bool(shown)), example_rounds=shown)
    data = risk_tables.export_table(table, weights, unit_type, dt.date.today(), lang)
    download_row.chart(fig, data, export.AS_IS, f"riskbild-{unit_type}-{level}", f, about=about)


# Rows of a ranked list shown at first: the top of the list is where to look first, and every
# page open sent all 1 136 health centres (240 KB) before. The whole list is one click away, and
# always in the CSV and Excel files. 50, not 100: the tables carry their display texts beside the
# numbers (decimal comma in Swedish), which doubles a table's bytes (risk page 68 -> 101 KB per open
# with 100 rows; issue 20 allows 100 KB).
LIST_ROWS = 50


class SectionView(NamedTuple):
    """What a ranked section draws: the rows (units or areas), the table shown and downloaded,
    the chart (None when nothing is ranked) and its text alternative."""

    rows: pd.DataFrame
    table: pd.DataFrame
    fig: go.Figure | None
    caption: str
    # ``table`` and its first ``LIST_ROWS`` rows as drawn: numbers as the language writes them
    # (``present.tables.styled``), made once per view rather than on every page open (it doubled the
    # page's CPU per open). The Stylers hold formats only, no styling functions, so drawing one
    # recomputes nothing on it and every session can share it.
    shown: Styler | None = None
    shown_top: Styler | None = None


def _scored(round_name: str, previous: str, unit_type: str, w: str) -> pd.DataFrame:
    table = cache.risk_factors(round_name, previous)
    return risk.scores(table[table["unit_type"] == unit_type], risk.decode_weights(w))


# Each entry holds a ranked list of every unit (about 1 MB with its table and Arrow copy); weights come from
# the URL, so the number of views is open-ended: few entries.
@cache.shared(32)
def _unit_view(version: str, round_name: str, previous: str, unit_type: str, w: str, region: str, kommun: str,
               lang: str, src: str) -> SectionView:
    """The unit section of one view, built once and shared by every session showing it."""
    f = Filters(lang=lang, round=round_name, region=region, kommun=kommun)
    weights = risk.decode_weights(w)
    ranked = risk.rank_units(filters.in_scope(_scored(round_name, previous, unit_type, w), None, region, kommun))
    if ranked.empty:
        return SectionView(ranked, ranked, None, "")
    top = ranked.head(risk.TOP_N)
    labels = risk_charts.bar_labels(top["name"], top["rank"], top["unit_id"])
    title = i18n.t("risk_top_title", lang, n=len(top), units=i18n.unit_noun(unit_type, 2, lang))
    subtitle = f"{captions.subtitle(lang, round_name, unit_type, len(ranked), region, kommun)} · {weights_line(f, weights)}"
    fig = risk_charts.contribution_bar(top, labels, lang, title, subtitle, src)
    table = risk_tables.unit_export(ranked, lang)
    if not previous:
        table = table.drop(columns=[i18n.t("risk_prev_not_ja", lang)])
    return SectionView(ranked, table, fig, risk_charts.caption_contributions(top, labels, lang),
                       people.styled(table, lang), people.styled(table.head(LIST_ROWS), lang))


@cache.shared(64)
def _area_view(version: str, round_name: str, previous: str, unit_type: str, w: str, level: str, region: str,
               lang: str, src: str) -> SectionView:
    """An area section (``kommun`` within ``region``, or ``region``) of one view, built once."""
    f = Filters(lang=lang, round=round_name, region=region)
    weights = risk.decode_weights(w)
    code, name = risk.AREAS[level]
    scored = _scored(round_name, previous, unit_type, w)
    if region:
        scored = scored[scored["region_kod"] == region]
    areas = risk.by_area(scored, level)
    ranked = areas[areas["ranked"]].head(risk.TOP_N)
    fig, caption = None, ""
    if not ranked.empty:
        labels = risk_charts.bar_labels([f"{n} (n={k})" for n, k in zip(ranked[name], ranked["n_units"], strict=True)],
                                 ranked["rank"], ranked[code])
        title = i18n.t("risk_area_title", lang, level=i18n.t(f"risk_level_{level}", lang),
                       units=i18n.unit_noun(unit_type, 2, lang))
        subtitle = (f"{captions.subtitle(lang, round_name, unit_type, int(areas['n_units'].sum()), region)} · "
                    f"{weights_line(f, weights)}")
        fig = risk_charts.contribution_bar(ranked, labels, lang, title, subtitle, src)
        caption = f"{risk_charts.caption_contributions(ranked, labels, lang)} {i18n.t('risk_chart_ranked_only', lang)}"
    table = risk_tables.area_export(areas, level, lang, with_maternity=level == "region")
    return SectionView(areas, table, fig, caption, people.styled(table, lang))


def unit_section(f: Filters, unit_type: str, weights: dict[str, float], previous: str) -> None:
    """Top units as stacked bars of their contributions, then every unit in a table that drills down."""
    lang = f.lang
    v = _unit_view(cache.data_version(), f.round, previous, unit_type, risk.encode_weights(weights),
                   f.region, f.kommun, lang, source(f, previous))
    if v.fig is None:
        st.info(i18n.t("no_data", lang))
        return
    ranked, table = v.rows, v.table
    words = i18n.unit_noun(unit_type, 2, lang)
    ui.chart(v.fig, v.caption, key=f"risk_units_bar_{unit_type}")
    st.markdown(f"**{i18n.t('risk_all_table', lang)}** · n = {i18n.fmt_int(len(ranked), lang)} {words}")
    st.caption(i18n.t("risk_select_hint", lang))
    shown = v.shown
    if len(ranked) > LIST_ROWS:
        whole = st.toggle(i18n.t("risk_show_all", lang, n=i18n.fmt_int(len(ranked), lang), units=words),
                          key=f"risk_all_{unit_type}")
        if not whole:
            shown = v.shown_top
            st.caption(i18n.t("risk_top_rows", lang, shown=i18n.fmt_int(LIST_ROWS, lang),
                              n=i18n.fmt_int(len(ranked), lang), units=words))
    row = ui.picked_row(shown, f"risk_units_table_{unit_type}")
    downloads(f, v.fig, table, "unit", unit_type, weights, previous, captions.scope_name(lang, f.region, f.kommun))
    if row is not None:
        unit = ranked.iloc[row]
        ui.open_link("unit", unit["name"], f.with_(region=unit["region_kod"], kommun=unit["kommun_kod"],
                                                   unit=unit["unit_id"]), f"risk_units_table_{unit_type}")


def area_section(f: Filters, level: str, unit_type: str, weights: dict[str, float], previous: str) -> None:
    """Mean score per area with n; areas with n < 5 listed last, unranked, and left out of the chart."""
    lang = f.lang
    code, name = risk.AREAS[level]
    region = f.region if level == "kommun" else ""
    v = _area_view(cache.data_version(), f.round, previous, unit_type, risk.encode_weights(weights), level,
                   region, lang, source(f, previous))
    areas, table = v.rows, v.table
    st.caption(i18n.t("risk_small_n", lang))
    if v.fig is None:
        st.info(i18n.t("risk_chart_ranked_only", lang))
    else:
        ui.chart(v.fig, v.caption, key=f"risk_{level}_bar_{unit_type}")
    if level == "region":
        st.caption(i18n.t("risk_maternity_col_note", lang, source=maternity.SOURCE,
                          year=maternity.YEARS[-1]))
    st.caption(i18n.t("risk_select_hint", lang))
    row = ui.picked_row(v.shown, f"risk_{level}_table_{unit_type}")
    downloads(f, v.fig, table, level, unit_type, weights, previous, captions.scope_name(lang, region))
    if row is not None:
        area = areas.iloc[row]
        page = "region" if level == "region" else "kommun"
        ui.open_link(page, area[name], f.with_(**{level: area[code]}), f"risk_{level}_table_{unit_type}")


class MaternityView(NamedTuple):
    fig: go.Figure
    caption: str
    table: Styler  # formats only: shared read-only, like SectionView's
    source: str


@cache.fixed(2)
def _maternity(lang: str) -> MaternityView:
    """Published figures that never change while the app runs: built once per language."""
    mc = maternity.table()
    country = pd.DataFrame([{"region": i18n.t("country", lang),
                             **{f"y{y}": v for y, v in zip(maternity.YEARS, maternity.COUNTRY,
                                                           strict=True)}}])
    shown = pd.concat([mc, country], ignore_index=True)
    table = pd.DataFrame({i18n.t("region", lang): shown["region"],
                          **{f"{y} (%)": shown[f"y{y}"] for y in maternity.YEARS}})
    return MaternityView(risk_charts.maternity_chart(lang), risk_charts.caption_maternity(lang),
                         people.styled(table, lang), maternity.source_line(lang))


def maternity_section(f: Filters) -> None:
    """The real SCB indicator by region: context with its source and years, never part of the score."""
    lang = f.lang
    st.header(i18n.t("risk_maternity_heading", lang))
    st.markdown(i18n.t("risk_maternity_text", lang))
    v = _maternity(lang)
    ui.chart(v.fig, v.caption, key="risk_maternity_chart")
    with st.expander(i18n.t("table", lang)):
        st.dataframe(v.table, hide_index=True, width="stretch", key="risk_maternity_table")
    st.caption(v.source)
