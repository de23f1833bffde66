"""The risk page's sections (Streamlit): weights bound to the URL, ranked lists, context.

The figures come from ``dashboard.risk`` (pure, tested), the tables and files from ``risk_tables``
and the charts from ``risk_charts``; these functions only compose them. The weights
live in the URL (``w=V1:2,none:3``), so a shared link reproduces the same ranked list.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import (
    cache,
    export,
    filters,
    i18n,
    links,
    maternity,
    provisions,
    risk,
    risk_charts,
    risk_tables,
    ui,
    views,
)
from dashboard import downloads as download_row
from dashboard.state import Filters


def factor_table(round_name: str, previous: str) -> pd.DataFrame:
    """The unweighted factors of a round, from the cache boundary (keyed on the database version)."""
    return cache.risk_factors(round_name, previous)


# --- weights ---------------------------------------------------------------------------------------

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
        (u, list(risk.default_weights([u], cat).keys() - risk.FACTOR_WEIGHTS.keys())) for u in f.unit_types]
    keys = [k for _, ks in groups for k in ks]
    with st.expander(i18n.t("risk_weights", lang), expanded=bool(changed), icon=":material/tune:"):
        st.caption(i18n.t("risk_weights_help", lang))
        cols = st.columns(len(groups))
        for col, (group, group_keys) in zip(cols, groups, strict=True):
            with col:
                st.markdown(f"**{i18n.unit_noun(group, 2, lang).capitalize()}**" if group != "factors"
                            else f"**{i18n.t('risk_factors', lang)}**")
                for key in sorted(group_keys, key=list(risk.default_weights()).index):
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


def unit_section(f: Filters, scored: pd.DataFrame, unit_type: str, weights: dict[str, float],
                 previous: str) -> None:
    """Top units as stacked bars of their contributions, then every unit in a table that drills down."""
    lang = f.lang
    ranked = risk.rank_units(filters.in_scope(scored, None, f.region, f.kommun))
    if ranked.empty:
        st.info(i18n.t("no_data", lang))
        return
    top = ranked.head(risk.TOP_N)
    labels = risk_charts.bar_labels(top["name"], top["rank"], top["unit_id"])
    words = i18n.unit_noun(unit_type, 2, lang)
    title = i18n.t("risk_top_title", lang, n=len(top), units=words)
    subtitle = f"{views.subtitle(f, unit_type, len(ranked), f.region, f.kommun)} · {weights_line(f, weights)}"
    fig = risk_charts.contribution_bar(top, labels, lang, title, subtitle, views.source(f, previous))
    ui.chart(fig, risk_charts.caption_contributions(top, labels, lang), key=f"risk_units_bar_{unit_type}")
    table = risk_tables.unit_export(ranked, lang)
    if not previous:
        table = table.drop(columns=[i18n.t("risk_prev_not_ja", lang)])
    st.markdown(f"**{i18n.t('risk_all_table', lang)}** · n = {i18n.fmt_int(len(ranked), lang)} {words}")
    st.caption(i18n.t("risk_select_hint", lang))
    row = ui.picked_row(table, key=f"risk_units_table_{unit_type}")
    downloads(f, fig, table, "unit", unit_type, weights, previous, views.scope_name(f, f.region, f.kommun))
    if row is not None:
        unit = ranked.iloc[row]
        ui.open_link("unit", unit["name"], f.with_(region=unit["region_kod"], kommun=unit["kommun_kod"],
                                                   unit=unit["unit_id"]), f"risk_units_table_{unit_type}")


def area_section(f: Filters, scored: pd.DataFrame, level: str, unit_type: str, weights: dict[str, float],
                 previous: str) -> None:
    """Mean score per area with n; areas with n < 5 listed last, unranked, and left out of the chart."""
    lang = f.lang
    code, name = risk.AREAS[level]
    region = f.region if level == "kommun" else ""
    if region:
        scored = scored[scored["region_kod"] == region]
    areas = risk.by_area(scored, level)
    st.caption(i18n.t("risk_small_n", lang))
    ranked = areas[areas["ranked"]].head(risk.TOP_N)
    words = i18n.unit_noun(unit_type, 2, lang)
    fig = None
    if ranked.empty:
        st.info(i18n.t("risk_chart_ranked_only", lang))
    else:
        labels = risk_charts.bar_labels([f"{n} (n={k})" for n, k in zip(ranked[name], ranked["n_units"], strict=True)],
                                 ranked["rank"], ranked[code])
        title = i18n.t("risk_area_title", lang, level=i18n.t(f"risk_level_{level}", lang), units=words)
        subtitle = (f"{views.subtitle(f, unit_type, int(areas['n_units'].sum()), region)} · "
                    f"{weights_line(f, weights)}")
        fig = risk_charts.contribution_bar(ranked, labels, lang, title, subtitle, views.source(f, previous))
        ui.chart(fig, f"{risk_charts.caption_contributions(ranked, labels, lang)} {i18n.t('risk_chart_ranked_only', lang)}",
                 key=f"risk_{level}_bar_{unit_type}")
    table = risk_tables.area_export(areas, level, lang, with_maternity=level == "region")
    if level == "region":
        st.caption(i18n.t("risk_maternity_col_note", lang, source=maternity.SOURCE,
                          year=maternity.YEARS[-1]))
    st.caption(i18n.t("risk_select_hint", lang))
    row = ui.picked_row(table, key=f"risk_{level}_table_{unit_type}")
    downloads(f, fig, table, level, unit_type, weights, previous, views.scope_name(f, region))
    if row is not None:
        area = areas.iloc[row]
        page = "region" if level == "region" else "kommun"
        ui.open_link(page, area[name], f.with_(**{level: area[code]}), f"risk_{level}_table_{unit_type}")


def maternity_section(f: Filters) -> None:
    """The real SCB indicator by region: context with its source and years, never part of the score."""
    lang = f.lang
    st.header(i18n.t("risk_maternity_heading", lang))
    st.markdown(i18n.t("risk_maternity_text", lang))
    ui.chart(risk_charts.maternity_chart(lang), risk_charts.caption_maternity(lang), key="risk_maternity_chart")
    mc = maternity.table()
    country = pd.DataFrame([{"region": i18n.t("country", lang),
                             **{f"y{y}": v for y, v in zip(maternity.YEARS, maternity.COUNTRY,
                                                           strict=True)}}])
    shown = pd.concat([mc, country], ignore_index=True)
    table = pd.DataFrame({i18n.t("region", lang): shown["region"],
                          **{f"{y} (%)": shown[f"y{y}"] for y in maternity.YEARS}})
    with st.expander(i18n.t("table", lang)):
        st.dataframe(table, hide_index=True, width="stretch", key="risk_maternity_table")
    st.caption(maternity.source_line(lang))


