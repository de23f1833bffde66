"""Page sections used by more than one page: headlines, charts with captions, tables that drill down.

Each section takes the current filters, reads cached tables through ``ui`` and draws.
Figures come from ``aggregate``; nothing is computed here that a test could not check there.
"""

from __future__ import annotations

import html
from typing import NamedTuple

import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import streamlit as st

from dashboard import i18n
from dashboard.domain import reference
from dashboard.domain.levels import level as level_of
from dashboard.export import tables as export_tables
from dashboard.figures import aggregate, filters, population
from dashboard.figures.aggregate import SMALL_N
from dashboard.present import charts
from dashboard.screen import cache, downloads, links, ui
from dashboard.screen.state import Filters
from dashboard.screen.state import map_mode as state_map_mode

UNIT_PLURAL = {"vardcentral": "vardcentraler", "socialnamnd": "socialnamnder"}


def units_word(unit_type: str, lang: str) -> str:
    return i18n.t(UNIT_PLURAL[unit_type], lang)


def scope_name(f: Filters, region: str = "", kommun: str = "") -> str:
    if kommun:
        return reference.kommun_name(kommun)
    if region:
        return reference.region_name(region)
    return i18n.t("sweden", f.lang)


def subtitle(f: Filters, unit_type: str, n: int, region: str = "", kommun: str = "") -> str:
    return i18n.t("subtitle", f.lang, round=f.round, selection=scope_name(f, region, kommun),
                  n=i18n.fmt_int(n, f.lang), units=units_word(unit_type, f.lang))


def source(f: Filters, *also: str) -> str:
    """A chart's source line; it says Exempeldata when any round the view draws on is example data,
    and which rounds those are (a real round compared with the example round keeps IVO for itself)."""
    shown = cache.rounds_in_view(f, *also).examples
    return charts.source_line(f.lang, bool(shown), f.round, shown)


def scope_units(f: Filters, unit_types: list[str] | None = None, region: str = "", kommun: str = "") -> pd.DataFrame:
    return filters.in_scope(cache.round_tables(f.round).status, unit_types, region, kommun)


def scope_figures(f: Filters, region: str = "", kommun: str = "", round_name: str = "") -> pd.DataFrame:
    return cache.scope_figures(round_name or f.round, region, kommun)


def headlines(f: Filters, region: str = "", kommun: str = "") -> None:
    """Counts and shares for the scope, with the country alongside when the scope is smaller."""
    lang = f.lang
    country = scope_figures(f).set_index("unit_type")
    scope = scope_figures(f, region, kommun).set_index("unit_type") if (region or kommun) else country
    types = [t for t in f.unit_types if t in scope.index]
    if not types:
        st.info(i18n.t("no_data", lang))
        return
    cols = st.columns(len(types))
    for col, unit_type in zip(cols, types, strict=True):
        row = scope.loc[unit_type]
        with col.container(border=True):
            if aggregate.too_few(row["n_responded"]):
                _small_headline(f, unit_type, row)
            else:
                _headline(f, unit_type, row, previous=_previous_row(f, unit_type, region, kommun),
                          country=country.loc[unit_type] if (region or kommun) and unit_type in country.index else None)
            if (region or kommun) and unit_type in country.index:
                c = country.loc[unit_type]
                st.caption(f"{i18n.t('country', lang)}: {i18n.fmt_share(c['n_not_all'], c['n_responded'], lang)}")


def population_facts(f: Filters, region: str = "", kommun: str = "") -> None:
    """Inhabitants (SCB 2024) and health centres per 10 000 for the region or municipality shown."""
    level, code = ("kommun", kommun) if kommun else ("region", region)
    st.dataframe(population.context_table(cache.round_tables(f.round).status, level, code, f.lang), hide_index=True)
    st.caption(population.caption(f.lang, f.round in cache.rounds_in_view(f).examples))


def _headline(f: Filters, unit_type: str, row: pd.Series, previous: pd.Series | None,
              country: pd.Series | None) -> None:
    """The share as the large figure, with the change since the compare round or the difference
    against the country as its coloured delta."""
    lang = f.lang
    words = units_word(unit_type, lang)
    delta = None
    if previous is not None:
        diff = (row["share_not_all"] - previous["share_not_all"]) * 100
        delta = _delta(diff, i18n.t("vs_round", lang, round=f.jamfor), lang)
    elif country is not None:
        diff = (row["share_not_all"] - country["share_not_all"]) * 100
        delta = _delta(diff, i18n.t("vs_country", lang), lang)
    st.metric(f"{words.capitalize()}: {i18n.t('headline_not_all', lang)}",
              i18n.fmt_pct(row["share_not_all"], lang), delta=delta, delta_color="inverse")
    st.markdown(
        f"**{i18n.t('share_of_units', lang, k=i18n.fmt_int(row['n_not_all'], lang), n=i18n.fmt_int(row['n_responded'], lang), units=words, p=i18n.fmt_pct(row['share_not_all'], lang))}** "
        f"{i18n.t('headline_not_all', lang)}"
    )
    st.markdown(f"{i18n.fmt_int(row['n_none'], lang)} {i18n.t('headline_none', lang)}")
    st.markdown(f"{i18n.t('response_rate', lang)}: "
                f"{i18n.t('responded_of', lang, k=i18n.fmt_int(row['n_responded'], lang), n=i18n.fmt_int(row['n_units'], lang), p=i18n.fmt_pct(row['response_rate'], lang))}")
    if previous is not None:
        st.markdown(i18n.t(
            "change_line", lang, round=ui.plain(f.jamfor),
            pp=i18n.fmt_pp((row["share_not_all"] - previous["share_not_all"]) * 100, lang),
            n=f"{int(row['n_not_all'] - previous['n_not_all']):+d}".replace("-", "−"),
            prev=i18n.fmt_share(int(previous["n_not_all"]), int(previous["n_responded"]), lang)))


def _small_headline(f: Filters, unit_type: str, row: pd.Series) -> None:
    """Fewer than SMALL_N responding units: the count is the large figure ("2 av 2"), said to be too
    few for a share; no percentage and no coloured difference (the rankings' rule)."""
    lang = f.lang
    words = units_word(unit_type, lang)
    count = i18n.t("count_of", lang, k=i18n.fmt_int(row["n_not_all"], lang), n=i18n.fmt_int(row["n_responded"], lang))
    st.metric(f"{words.capitalize()}: {i18n.t('headline_not_all', lang)}", count)
    st.markdown(i18n.t("too_few_for_share", lang, n=aggregate.SMALL_N))
    st.markdown(f"{i18n.fmt_int(row['n_none'], lang)} {i18n.t('headline_none', lang)}")
    st.markdown(f"{i18n.t('response_rate', lang)}: "
                f"{i18n.t('responded_count', lang, k=i18n.fmt_int(row['n_responded'], lang), n=i18n.fmt_int(row['n_units'], lang))}")


def _delta(diff_pp: float, against: str, lang: str) -> str | None:
    """A metric delta: st.metric reads the arrow from a leading ASCII "-", not the typographic minus."""
    if diff_pp != diff_pp:
        return None
    return f"{i18n.fmt_pp(diff_pp, lang).replace(chr(0x2212), '-')} {against}"


def _previous_row(f: Filters, unit_type: str, region: str, kommun: str) -> pd.Series | None:
    """The scope's figures in the compare round, if one is chosen and has this unit type."""
    if not f.jamfor:
        return None
    prev = scope_figures(f, region, kommun, round_name=f.jamfor).set_index("unit_type")
    return prev.loc[unit_type] if unit_type in prev.index else None


def best_worst_links(f: Filters) -> None:
    """One click to the region with the highest and the lowest share (regions with n >= SMALL_N)."""
    lang = f.lang
    st.header(i18n.t("quick_links", lang))
    cols = st.columns(len(f.unit_types))
    for col, unit_type in zip(cols, f.unit_types, strict=True):
        reg = cache.by_region(f.round, unit_type)
        reg = reg[(reg["n_responded"] >= SMALL_N)].dropna(subset=["share_not_all"])
        if reg.empty:
            continue
        col.markdown(f"**{units_word(unit_type, lang).capitalize()}**")
        worst = reg.sort_values(["share_not_all", "n_responded"], ascending=[False, False]).iloc[0]
        best = reg.sort_values(["share_not_all", "n_responded"], ascending=[True, False]).iloc[0]
        for key, row, icon in (("go_worst", worst, ":material/arrow_upward:"),
                               ("go_best", best, ":material/arrow_downward:")):
            label = i18n.t(key, lang, name=row["region"],
                           share=i18n.fmt_share(row["n_not_all"], row["n_responded"], lang))
            links.page_link("region", label, f.with_(region=row["region_kod"]), col, icon=icon)


def region_table(f: Filters, reg: pd.DataFrame, key: str) -> None:
    """Regions with counts and shares; selecting a row opens the region page."""
    lang = f.lang
    reg = _with_previous(f, reg, "region")
    shown = export_tables.screen_region_table(reg, lang)  # the same step as the files' region table
    row = ui.picked_row(shown, key)
    if row is not None:
        ui.open_link("region", reg["region"].iloc[row], f.with_(region=reg["region_kod"].iloc[row]), key)


def _with_previous(f: Filters, table: pd.DataFrame, level: str) -> pd.DataFrame:
    """The table with the compare round's figures and the change, when a compare round is chosen."""
    if not f.jamfor or table.empty:
        return table
    unit_type = str(table["unit_type"].iloc[0])
    if level_of(level).parent is None:
        return cache.region_change(f.round, f.jamfor, unit_type)
    region = str(table["region_kod"].iloc[0]) if table["region_kod"].nunique() == 1 else ""
    return cache.kommun_change(f.round, f.jamfor, unit_type, region)


def _change_columns(f: Filters, table: pd.DataFrame) -> dict[str, pd.Series]:
    if not f.jamfor or "change_pp" not in table.columns:
        return {}
    return {i18n.t("change_pp", f.lang): table["change_pp"].round(1).to_numpy(),
            i18n.t("change_n", f.lang): table["change_n_not_all"].to_numpy()}


def kommun_table(f: Filters, km: pd.DataFrame, key: str) -> None:
    """Municipalities with counts and shares; selecting a row opens the municipality page."""
    lang = f.lang
    km = _with_previous(f, km, "kommun")
    shown = pd.DataFrame({
        i18n.t("kommun", lang): km["kommun"],
        i18n.t("n_responded", lang): km["n_responded"],
        i18n.t("n_not_all", lang): km["n_not_all"],
        # fewer than SMALL_N responding: the counts stand, the share is left blank (the rankings' rule)
        i18n.t("share_not_all", lang) + " (%)": (km["share_not_all"] * 100).round(1).where(
            km["n_responded"] >= SMALL_N),
        i18n.t("n_none", lang): km["n_none"],
        f"n < {SMALL_N}": km["n_responded"].between(1, SMALL_N - 1),
        **_change_columns(f, km),
    })
    row = ui.picked_row(shown, key)
    if row is not None:
        ui.open_link("kommun", km["kommun"].iloc[row], f.with_(kommun=km["kommun_kod"].iloc[row]), key)


class UnitsView(NamedTuple):
    """The units table as shown, the units behind its rows, the unit picker's names, and the count line."""

    shown: pa.Table
    units: pd.DataFrame
    names: dict[str, str]
    count: str


@cache.shared(64)
def _units_view(version: str, round_name: str, unit_types: tuple[str, ...], region: str, kommun: str, regel: str,
                svar: str, lang: str) -> UnitsView:
    """One view's units table, built once and shared by every session showing that view."""
    status = filters.in_scope(cache.round_tables(round_name).status, list(unit_types), region, kommun)
    answers = cache.round_tables(round_name).answers
    shown_units = filters.with_answer(status, answers, regel, svar).sort_values(["kommun", "name"])
    data = {
        i18n.t("page_unit", lang): shown_units["name"],
        i18n.t("unit_type", lang): shown_units["unit_type"].map(lambda u: i18n.t(u, lang)),
        i18n.t("kommun", lang): shown_units["kommun"],
        i18n.t("answer", lang) if not regel else f"{regel}": (
            shown_units["answer_on"].map(lambda a: i18n.t(a, lang)) if regel else
            shown_units["status"].map(lambda s: i18n.t(s, lang))),
        i18n.t("ja", lang) + " / n": [f"{a} / {n}" for a, n in zip(shown_units["n_ja"], shown_units["n_rules"], strict=True)],
    }
    if not regel:
        data = {k if k != i18n.t("answer", lang) else i18n.t("headline", lang): v for k, v in data.items()}
    names = dict(zip(shown_units["unit_id"], shown_units["name"] + ", " + shown_units["kommun"], strict=True))
    count = f"{i18n.fmt_int(len(shown_units), lang)} / {i18n.fmt_int(len(status), lang)}"
    return UnitsView(pa.Table.from_pandas(pd.DataFrame(data)), shown_units, names, count)


def units_table(f: Filters, key: str, unit_types: list[str], region: str = "", kommun: str = "") -> None:
    """Units of ``unit_types`` in the region/municipality with their status; the sidebar's provision
    and answer filters apply. A row (or the picker under the table) opens the unit."""
    lang = f.lang
    v = _units_view(cache.data_version(), f.round, tuple(unit_types), region, kommun, f.regel, f.svar, lang)
    shown_units, names = v.units, v.names
    st.caption(v.count)
    row = ui.picked_row(v.shown, key)
    chosen = st.selectbox(i18n.t("open_unit", lang), list(names), index=None, format_func=names.get,
                          placeholder=i18n.t("open_unit_hint", lang), key=f"{key}_pick")
    if row is not None or chosen:
        unit = shown_units.iloc[row] if row is not None else shown_units.set_index("unit_id", drop=False).loc[chosen]
        ui.open_link("unit", unit["name"], f.with_(region=unit["region_kod"], kommun=unit["kommun_kod"],
                                                   unit=unit["unit_id"]), key)


def region_charts(f: Filters) -> None:
    """Per region, one tab per unit type: sorted bars with the country marked, caption, table."""
    lang = f.lang
    st.header(i18n.t("regions_heading", lang))
    tabs = st.tabs([units_word(u, lang).capitalize() for u in f.unit_types])
    for tab, unit_type in zip(tabs, f.unit_types, strict=True):
        with tab:
            reg = cache.by_region(f.round, unit_type)
            n = int(reg["n_responded"].sum())
            fig, caption = _region_bar(cache.data_version(), f.round, unit_type, lang, f.region,
                                       i18n.t("by_region_title", lang, units=units_word(unit_type, lang)),
                                       subtitle(f, unit_type, n), source(f))
            ui.chart(fig, caption, key=f"region_bar_{unit_type}")
            downloads.chart(fig, reg, export_tables.REGIONS, f"regioner-{unit_type}", f)
            with st.expander(i18n.t("table", lang)):
                region_table(f, reg, key=f"region_table_{unit_type}")


def provision_charts(f: Filters, heading: str, region: str = "", kommun: str = "") -> None:
    """Answers per provision for the scope, the country's share of 'ja' marked."""
    lang = f.lang
    st.header(heading)
    tabs = st.tabs([units_word(u, lang).capitalize() for u in f.unit_types])
    for tab, unit_type in zip(tabs, f.unit_types, strict=True):
        with tab:
            prov = cache.by_provision(f.round, unit_type, region, kommun)
            n = int(prov["n"].max()) if len(prov) else 0
            if n == 0:
                st.info(i18n.t("no_data", lang))
                continue
            fig, caption = _provision_bar(cache.data_version(), f.round, unit_type, lang, region, kommun,
                                          i18n.t("by_provision_title", lang, units=units_word(unit_type, lang)),
                                          subtitle(f, unit_type, n, region, kommun), source(f))
            ui.chart(fig, caption, key=f"prov_bar_{unit_type}_{region}_{kommun}")
            downloads.chart(fig, prov, export_tables.PROVISIONS, f"regler-{unit_type}-{region or 'riket'}-{kommun or 'alla'}", f)
            st.caption(i18n.t("advice_note", lang))
            with st.expander(i18n.t("table", lang)):
                provision_table(f, prov)


# Figures are built once per view and shared (read-only) by every session: building plotly
# figures was most of an overview rerun. The key holds everything drawn, texts included; the
# chart's text alternative comes with it.

@st.cache_resource(show_spinner=False, max_entries=256)
def _region_bar(version: str, round_name: str, unit_type: str, lang: str, selected: str, title: str,
                sub: str, src: str) -> tuple[go.Figure, str]:
    reg = cache.by_region(round_name, unit_type)
    return charts.region_bar(reg, lang, title, sub, src, selected=selected), charts.caption_region_bar(reg, lang)


@st.cache_resource(show_spinner=False, max_entries=256)
def _provision_bar(version: str, round_name: str, unit_type: str, lang: str, region: str, kommun: str,
                   title: str, sub: str, src: str) -> tuple[go.Figure, str]:
    prov = cache.by_provision(round_name, unit_type, region, kommun)
    return charts.provision_bar(prov, lang, title, sub, src), charts.caption_provisions(prov, lang)


def provision_table(f: Filters, prov: pd.DataFrame) -> None:
    lang = f.lang
    title_col = "title_en" if lang == "en" else "title_sv"
    st.dataframe(pd.DataFrame({
        i18n.t("provision", lang): prov["provision_id"] + " " + prov[title_col],
        i18n.t("ja", lang): prov["n_ja"],
        i18n.t("nej", lang): prov["n_nej"],
        i18n.t("vet_ej", lang): prov["n_vet_ej"],
        i18n.t("saknas", lang): prov["n_saknas"],
        "n": prov["n"],
        i18n.t("share_not_ja", lang) + " (%)": (prov["share_not_ja"] * 100).round(1),
        i18n.t("country", lang) + " (%)": (prov["country_share_not_ja"] * 100).round(1),
    }), hide_index=True, width="stretch")


# --- maps -----------------------------------------------------------------------------------

MAP_WIDTH_PX = 540  # the map column (3 of 5) of the wide layout on a 1400 px screen


def map_measure(f: Filters, level: str) -> str:
    """Which unit type colours the areas: the chosen one, or by default health centres per
    region and social welfare committees per municipality (one per municipality). The map of health
    centres per 10 000 inhabitants (``map_mode`` "rate") does not ask: it is about health centres."""
    if f.typ != "alla":
        return f.typ
    return "vardcentral" if level == "region" else "socialnamnd"


def area_values(f: Filters, table: pd.DataFrame, level: str, unit_type: str, change: bool = False) -> list[dict]:
    """One plain record per area for the deck: code, share in percent (or the change in percentage
    points since the compare round) and a plain-text tooltip."""
    lang = f.lang
    lv = level_of(level)
    words = units_word(unit_type, lang)
    records = []
    for row in table.itertuples(index=False):
        share = row.share_not_all
        n = int(row.n_responded)
        name = getattr(row, lv.name)
        record = {lv.code: getattr(row, lv.code)}
        if not change and int(row.n_units) and aggregate.too_few(n):
            # Too few units for a share: the area is drawn by its units' status, the tooltip counts.
            status = aggregate.area_status(n, int(row.n_not_all), int(row.n_none))
            record.update(share=None, area_status=status, tooltip=(
                f"{name}\n{i18n.t('n_not_all', lang)}: "
                f"{i18n.t('count_of', lang, k=i18n.fmt_int(row.n_not_all, lang), n=i18n.fmt_int(n, lang))} {words}"
                f"\n{i18n.t('too_few_short', lang)}"))
            records.append(record)
            continue
        text = (f"{name}\n{i18n.t('n_not_all', lang)}: {i18n.fmt_share(int(row.n_not_all), n, lang)} {words}"
                if n else f"{name}\n{i18n.t('no_data', lang)}")
        value = None if share != share else float(share) * 100
        if change:
            pp = row.change_pp
            value = None if pp != pp else float(pp)
            text += f"\n{i18n.t('vs_round', lang, round=f.jamfor).capitalize()}: {i18n.fmt_pp(value, lang)}"
        record.update(share=value, tooltip=text)
        records.append(record)
    return records


def small_areas(table: pd.DataFrame, change: bool) -> pd.Series:
    """Which areas the share map draws by their units' status (units, but too few for a share)."""
    if change or table.empty:
        return pd.Series(False, index=table.index)
    return (table["n_units"] > 0) & (table["n_responded"] < SMALL_N)


def has_small_areas(table: pd.DataFrame, change: bool) -> bool:
    return bool(small_areas(table, change).any())


def unit_points(f: Filters, status: pd.DataFrame) -> list[dict]:
    """One record per unit with a position: the map's short status names keep 1 136 tooltips small."""
    from dashboard.domain import places
    from dashboard.present import maps

    short = maps.STATUS_LABEL[f.lang]
    yes = i18n.t("ja", f.lang).lower()
    approx = i18n.t("imp_map_approx", f.lang)
    status = places.approximate_positions(status)  # no coordinates: the municipality's centre, labelled
    return [{"lat": r.lat, "lon": r.lon, "status": r.status, "unit_id": r.unit_id,
             "tooltip": f"{r.name}\n{r.kommun}\n{short[r.status]} ({r.n_ja}/{r.n_rules} {yes})"
                        + (f"\n{approx}" if r.approx else "")}
            for r in status.itertuples(index=False) if r.lat == r.lat and r.lon == r.lon]


def legend(f: Filters, unit_type: str, with_points: bool, change: bool = False, by_status: bool = False,
           by_share: bool = True) -> None:
    """Colour classes (and point symbols) in words and colour; only our own constant strings here.
    ``by_status``: some area is drawn by its units' status, so the legend explains those colours;
    ``by_share``: some area is drawn on the share scale (not so on the committee map by municipality)."""
    from dashboard.present import maps

    lang = f.lang
    rows = (maps.change_legend_rows(lang) if change
            else maps.legend_rows(lang, {"no_data": i18n.t("no_data", lang)}))
    chips = " ".join(
        f"<span style='display:inline-block;width:14px;height:14px;background:{r['hex']};"
        f"border:1px solid #555;vertical-align:middle;margin-right:4px'></span>{r['label']}"
        for r in rows)
    # The round name comes from an imported file: escape it, this markdown allows HTML.
    title = (f"{i18n.t('change_legend', lang)} {i18n.t('vs_round', lang, round=html.escape(f.jamfor))}" if change
             else i18n.t("share_not_all", lang))
    if by_share or change:
        st.markdown(f"<div role='note' aria-label='legend'><b>{title}, "
                    f"{units_word(unit_type, lang)}:</b> {chips}</div>", unsafe_allow_html=True)
    if by_status:
        status_chips = " ".join(
            f"<span style='display:inline-block;width:14px;height:14px;background:{maps.AREA_STATUS_HEX[s]};"
            f"border:1px solid #555;vertical-align:middle;margin-right:4px'></span>{i18n.t(s, lang)}"
            for s in maps.STATUS_ORDER)
        st.markdown(f"<div role='note' aria-label='legend, small areas'><b>"
                    f"{i18n.t('small_area_legend', lang, n=SMALL_N, units=units_word(unit_type, lang))}</b> {status_chips}</div>",
                    unsafe_allow_html=True)
    if with_points:
        legend_points(f)


def legend_points(f: Filters) -> None:
    """The health centres' symbols in words (shape and colour, never colour alone)."""
    from dashboard.present import maps

    lang = f.lang
    shapes = {"o": "●", "D": "◆", "^": "▲"}
    items = " · ".join(f"{shapes.get(r['marker'], '○') if r['status'] != 'no_answer' else '○'} {i18n.t(r['status'], lang)}"
                       for r in maps.status_legend_rows(lang))
    st.caption(f"{i18n.t('vardcentraler', lang).capitalize()}: {items} · {i18n.t('imp_map_approx_legend', lang)}")


def map_mode(f: Filters) -> str:
    """What colours the areas ("share", "change" or "rate"): ``state.map_mode``."""
    return state_map_mode(f)


def map_view_options(f: Filters) -> list[str]:
    """The ``visa`` values the map page offers for these filters ("" = the share)."""
    options = [""]
    if f.typ in ("alla", "vardcentral"):
        options.append("per10000")
    if f.jamfor:
        options.append("forandring")
    return options


def map_section(f: Filters, level: str, key: str, region: str = "", kommun: str = "", height: int = 560) -> None:
    """A choropleth (no basemap) with health-centre points, legend, and the same numbers in a
    table beside it. Clicking an area or a point drills down; so does a table row."""
    mode = map_mode(f)
    if mode == "rate":
        _rate_map_section(f, level, key, region, kommun, height)
        return
    unit_type = map_measure(f, level)
    change = mode == "change"
    deck = _deck(cache.data_version(), f.round, f.typ, f.jamfor, f.visa, f.lang, level, region, kommun, height)
    left, right = st.columns([3, 2], gap="medium")
    with left:
        event = st.pydeck_chart(deck, on_select="rerun", selection_mode="single-object",
                                key=f"{key}_{level}_{region}_{kommun}", height=height)
        small = small_areas(_map_table(f, level, unit_type, change, region), change)
        legend(f, unit_type, f.typ in ("alla", "vardcentral"), change, by_status=bool(small.any()),
               by_share=not bool(small.all()))
    with right:
        if level == "region":
            region_table(f, _map_table(f, level, unit_type, change, region), key=f"{key}_table_region")
        else:
            kommun_table(f, _map_table(f, level, unit_type, change, region), key=f"{key}_table_kommun_{region}")
    _follow_click(f, event, level, key=f"{key}_{level}_{region}_{kommun}")


def _rate_map_section(f: Filters, level: str, key: str, region: str, kommun: str, height: int) -> None:
    """Health centres per 10 000 inhabitants: the map, its legend and sources, the same rates in a
    table beside it (inhabitants and the count with every rate). Drill-down as on the share map."""
    deck = _deck(cache.data_version(), f.round, f.typ, f.jamfor, f.visa, f.lang, level, region, kommun, height)
    table = population.rate_table(cache.round_tables(f.round).status, level, region)
    left, right = st.columns([3, 2], gap="medium")
    with left:
        event = st.pydeck_chart(deck, on_select="rerun", selection_mode="single-object",
                                key=f"{key}_{level}_{region}_{kommun}_rate", height=height)
        rate_legend(f, with_points=True)
    with right:
        row = ui.picked_row(population.rate_people_table(table, f.lang), f"{key}_table_rate_{level}_{region}")
        if row is not None:
            if level == "region":
                ui.open_link("region", table["region"].iloc[row], f.with_(region=table["region_kod"].iloc[row]),
                             f"{key}_table_rate")
            else:
                ui.open_link("kommun", table["kommun"].iloc[row], f.with_(kommun=table["kommun_kod"].iloc[row]),
                             f"{key}_table_rate")
    _follow_click(f, event, level, key=f"{key}_{level}_{region}_{kommun}_rate")


def rate_legend(f: Filters, with_points: bool) -> None:
    """The rate classes in words and colour, how they were chosen, and where the figures come from:
    SCB for inhabitants, the round for health centres (Exempeldata when the round is)."""
    from dashboard.present import maps

    lang = f.lang
    chips = " ".join(
        f"<span style='display:inline-block;width:14px;height:14px;background:{r['hex']};"
        f"border:1px solid #555;vertical-align:middle;margin-right:4px'></span>{html.escape(r['label'])}"
        for r in maps.rate_legend_rows(lang))
    st.markdown(f"<div role='note' aria-label='legend'><b>{i18n.t('popmap_per10000', lang)}:</b> {chips}</div>",
                unsafe_allow_html=True)
    if with_points:
        legend_points(f)
    status = cache.round_tables(f.round).status
    st.caption(i18n.t("popmap_breaks_note", lang, country=population.country_rate_text(status, lang)))
    st.caption(population.caption(lang, f.round in cache.rounds_in_view(f).examples))


def rate_area_values(f: Filters, table: pd.DataFrame, level: str) -> list[dict]:
    """One record per area for the rate map: code, rate per 10 000 (None = not covered) and the
    tooltip "Name\n0,8 per 10 000 (13 vårdcentraler, 160 140 invånare)"."""
    lv = level_of(level)
    records = []
    for row in table.itertuples(index=False):
        name = getattr(row, lv.name)
        rate = row.per_10000
        if rate != rate:
            records.append({lv.code: getattr(row, lv.code), "share": None,
                            "tooltip": f"{name}\n{i18n.t('no_data', f.lang)}"})
            continue
        records.append({lv.code: getattr(row, lv.code), "share": float(rate),
                        "tooltip": f"{name}\n{population.rate_text(row.n_units, row.befolkning, rate, f.lang)}"})
    return records


def _map_table(f: Filters, level: str, unit_type: str, change: bool, region: str) -> pd.DataFrame:
    if level == "region":
        return cache.region_change(f.round, f.jamfor, unit_type) if change else cache.by_region(f.round, unit_type)
    return (cache.kommun_change(f.round, f.jamfor, unit_type, region) if change
            else cache.by_kommun(f.round, unit_type, region))


@st.cache_resource(show_spinner=False, max_entries=64)
def _deck(version: str, round_name: str, typ: str, jamfor: str, visa: str, lang: str, level: str,
          region: str, kommun: str, height: int):
    """The map for one view, built once and shared by every session showing that view (the
    geometry is already simplified and cached in ``geo``; ``version`` changes after an import)."""
    from dashboard.domain import geo
    from dashboard.present import maps

    f = Filters(lang=lang, round=round_name, typ=typ, jamfor=jamfor, visa=visa)
    mode = map_mode(f)
    unit_type = map_measure(f, level)
    change = mode == "change"
    if mode == "rate":
        table = population.rate_table(cache.round_tables(round_name).status, level, region)
    else:
        table = _map_table(f, level, unit_type, change, region)
    # Fit the zoom to the map as drawn: the left column is about 540 px wide, ``height`` px high.
    size = {"height_px": height, "width_px": MAP_WIDTH_PX}
    if level == "region":
        features = geo.geojson_dict("region")
        view = geo.bounds_view([region] if region else [], "region", **size)
    else:
        features = geo.geojson_dict("kommun", region or None)
        codes = [kommun] if kommun else (table["kommun_kod"].tolist() if region else [])
        view = geo.bounds_view(codes, "kommun", **size)
    points = None
    if typ in ("alla", "vardcentral"):
        points = unit_points(f, filters.in_scope(cache.round_tables(round_name).status, ["vardcentral"], region, kommun))
    values = rate_area_values(f, table, level) if mode == "rate" else area_values(f, table, level, unit_type, change)
    return maps.choropleth_deck(features, values, level, view, points,
                                selected=[kommun] if kommun else ([region] if region and level == "region" else []),
                                lang=lang, height=height, scale="change" if change else mode)


def _follow_click(f: Filters, event, level: str, key: str) -> None:
    """A click on the map drills down: a region shows its municipalities on this map (the URL
    changes: one history entry); a municipality or a health centre gets a link to its page."""
    from dashboard.present import maps

    objects = (event.selection.get("objects") or {}) if event else {}
    clicked_units = [o for layer, objs in objects.items() if layer.startswith(maps.UNIT_LAYER) for o in objs]
    if clicked_units:
        status = cache.round_tables(f.round).status.set_index("unit_id")
        unit_id = clicked_units[0]["unit_id"]
        if unit_id in status.index:
            unit = status.loc[unit_id]
            ui.open_link("unit", unit["name"], f.with_(region=unit["region_kod"], kommun=unit["kommun_kod"],
                                                        unit=unit_id), key)
    elif objects.get("areas"):
        props = objects["areas"][0].get("properties", objects["areas"][0])
        code = str(props.get("code", ""))
        if level == "region" and code in reference.REGIONS:
            links.go(f.with_(region=code, niva="kommun"))
            st.rerun()
        elif code:
            ui.open_link("kommun", reference.kommun_name(code), f.with_(kommun=code), key)


# --- region, municipality and unit sections ---------------------------------------------------

def region_rank(f: Filters) -> None:
    """Rank among the 21 regions, per unit type; regions with n < 5 are not ranked."""
    lang = f.lang
    for unit_type in f.unit_types:
        ranked = cache.ranked_regions(f.round, unit_type)
        row = ranked[ranked["region_kod"] == f.region].iloc[0]
        words = units_word(unit_type, lang).capitalize()
        if row["honest_rank"] == row["honest_rank"] and row["honest_rank"] is not pd.NA:
            st.markdown(f"**{words}:** " + i18n.t("rank_of", lang, rank=int(row["honest_rank"]),
                                                  n=int(ranked["honest_rank"].notna().sum())))
        else:
            st.markdown(f"**{words}:** {i18n.t('rank_unranked', lang)}")


def compare_levels(f: Filters) -> None:
    """The municipality's health-centre share next to its region's and the country's."""
    lang = f.lang
    st.header(i18n.t("kommun_vs", lang))
    rows = []
    for unit_type in f.unit_types:
        for label, region, kommun in ((reference.kommun_name(f.kommun), f.region, f.kommun),
                                      (reference.region_name(f.region), f.region, ""),
                                      (i18n.t("country", lang), "", "")):
            fig = scope_figures(f, region, kommun).set_index("unit_type")
            if unit_type not in fig.index:
                continue
            r = fig.loc[unit_type]
            rows.append({
                i18n.t("unit_type", lang): units_word(unit_type, lang).capitalize(),
                i18n.t("scope", lang): label,
                i18n.t("n_responded", lang): int(r["n_responded"]),
                i18n.t("n_not_all", lang): int(r["n_not_all"]),
                i18n.t("share_not_all", lang): i18n.fmt_share(int(r["n_not_all"]), int(r["n_responded"]), lang,
                                                             small_n=SMALL_N),
            })
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def socialnamnd_answers(f: Filters) -> None:
    units = scope_units(f, ["socialnamnd"], f.region, f.kommun)
    if units.empty:
        st.info(i18n.t("no_units", f.lang))
        return
    unit = units.iloc[0]
    links.link("unit", f"{ui.plain(unit['name'])}: {i18n.t(unit['status'], f.lang)}", f,
               region=unit["region_kod"], kommun=unit["kommun_kod"], unit=unit["unit_id"])
    unit_answer_table(f, unit)


def current_unit(f: Filters) -> pd.Series | None:
    """The unit named in the URL, if it exists in the round."""
    if not f.unit:
        return None
    status = cache.round_tables(f.round).status
    hit = status[status["unit_id"] == f.unit]
    return None if hit.empty else hit.iloc[0]


def unit_facts(f: Filters, unit: pd.Series) -> None:
    lang = f.lang
    facts = pd.DataFrame({
        i18n.t("unit_facts", lang): [i18n.t("page_unit", lang), i18n.t("unit_type", lang), i18n.t("kommun", lang),
                                     i18n.t("region", lang), i18n.t("status", lang), i18n.t("ja", lang) + " / n",
                                     i18n.t("round", lang)],
        "": [str(unit["name"]), i18n.t(unit["unit_type"], lang), f"{unit['kommun']} ({unit['kommun_kod']})",
             str(unit["region"]), i18n.t(unit["status"], lang), f"{unit['n_ja']} / {unit['n_rules']}", f.round],
    })
    st.dataframe(facts, hide_index=True, width="stretch")


def locator_map(f: Filters, unit: pd.Series) -> None:
    """A small map of the unit's municipality with the unit's (approximate) position."""
    from dashboard.domain import geo
    from dashboard.present import maps

    features = geo.geojson_dict("kommun", str(unit["region_kod"]))
    view = geo.bounds_view([str(unit["kommun_kod"])], "kommun", height_px=300, width_px=420)
    points = unit_points(f, unit.to_frame().T)
    deck = maps.choropleth_deck(features, [], "kommun", view, points, selected=[str(unit["kommun_kod"])],
                                lang=f.lang, height=300)
    st.pydeck_chart(deck, height=300, key=f"locator_{unit['unit_id']}")


def ask_about(f: Filters, unit: pd.Series) -> None:
    """The binding provisions the unit does not report following: the inspector's questions."""
    lang = f.lang
    st.header(i18n.t("ask_about", lang))
    table = unit_answer_table_data(f, unit)
    todo = table[(table["answer"] != "ja") & ~table["general_advice"]]
    if todo.empty:
        st.success(i18n.t("ask_none", lang))
        return
    st.markdown(i18n.t("ask_intro", lang))
    title_col = "title_en" if lang == "en" else "title_sv"
    st.markdown("\n".join(f"- **{r.provision_id} {ui.plain(getattr(r, title_col))}** ({i18n.t(r.answer, lang).lower()})"
                          + (f", {r.reference}" if r.reference else "") for r in todo.itertuples(index=False)))


def unit_answer_table_data(f: Filters, unit: pd.Series) -> pd.DataFrame:
    return _unit_answers(cache.data_version(), f.round, str(unit["unit_id"]))


@cache.shared(256)
def _unit_answers(version: str, round_name: str, unit_id: str) -> pd.DataFrame:
    """One unit's answer per provision of its type, built once per unit (the unit and municipality pages)."""
    from dashboard.domain import provisions

    units, answers, _ = cache.round_tables(round_name)
    cat = provisions.catalogue()
    data = aggregate.unit_answers(units[units["unit_id"] == unit_id], answers, unit_id, cat)
    return data.merge(cat[["provision_id", "general_advice"]], on="provision_id", suffixes=("_x", ""))


def unit_answer_table(f: Filters, unit: pd.Series) -> None:
    lang = f.lang
    data = unit_answer_table_data(f, unit)
    title_col = "title_en" if lang == "en" else "title_sv"
    st.dataframe(pd.DataFrame({
        i18n.t("provision", lang): data["provision_id"] + " " + data[title_col]
        + data["general_advice"].map(lambda g: " *" if g else ""),
        i18n.t("answer", lang): data["answer"].map(lambda a: i18n.t(a, lang)),
        i18n.t("reference", lang): data["reference"].replace("", f"({i18n.t('not_confirmed', lang)})"),
        i18n.t("text", lang): data["text_sv"],
    }), hide_index=True, width="stretch")
    st.caption(i18n.t("advice_note", lang))


class RankingView(NamedTuple):
    """A ranking as drawn: the ranked areas, the table shown, the spread chart and its caption."""

    ranked: pd.DataFrame
    shown: pd.DataFrame
    fig: go.Figure
    caption: str


@cache.shared(64)
def _ranking(version: str, round_name: str, level: str, unit_type: str, region: str, lang: str,
             src: str) -> RankingView:
    """One ranking view, built once and shared by every session showing it (``region``: the
    municipalities of one region, or all when empty; regions are always all)."""
    lv = level_of(level)
    table = cache.by_region(round_name, unit_type) if level == "region" else cache.by_kommun(round_name, unit_type,
                                                                                            region)
    ranked = aggregate.honest_rank(table[table["n_units"] > 0])
    name_col = lv.name
    shown = pd.DataFrame({
        i18n.t("rank", lang): ranked["honest_rank"],
        i18n.t(lv.key, lang): ranked[name_col],
        "n": ranked["n_responded"],
        i18n.t("n_not_all", lang): ranked["n_not_all"],
        i18n.t("share_not_all", lang): [i18n.fmt_share(k, n, lang) for k, n in
                                       zip(ranked["n_not_all"], ranked["n_responded"], strict=True)],
        i18n.t("share_not_all", lang) + " (%)": (ranked["share_not_all"] * 100).round(1),
        i18n.t("diff_pp", lang): ranked["diff_pp"].round(1),
        i18n.t("small_n_col", lang): ranked["small_n"],
    })
    areas = i18n.t(lv.plural_key, lang).lower()
    f = Filters(lang=lang, round=round_name, region=region)
    fig = charts.share_distribution(ranked, name_col, lang, i18n.t("distribution_title", lang, areas=areas),
                                    subtitle(f, unit_type, int(ranked["n_responded"].sum()),
                                             region if lv.parent else ""),
                                    src, float(ranked["country_share_not_all"].iloc[0]) if len(ranked) else None)
    return RankingView(ranked, shown, fig, charts.caption_region_bar(ranked, lang, name_col))


def ranking(f: Filters, level: str, unit_type: str, key: str) -> None:
    """Honest ranking table (n beside every share, n < 5 unranked and last) and the spread as dots,
    of the regions, or of the municipalities (of ``f.region`` when one is chosen)."""
    lv = level_of(level)
    v = _ranking(cache.data_version(), f.round, level, unit_type, f.region if lv.parent else "", f.lang, source(f))
    ranked = v.ranked
    row = ui.picked_row(v.shown, key)
    if row is not None:
        ui.open_link(lv.page, ranked[lv.name].iloc[row], f.with_(**lv.filter_change(ranked[lv.code].iloc[row])), key)
    ui.chart(v.fig, v.caption, key=f"{key}_dist")
    downloads.chart(v.fig, ranked, export_tables.REGIONS if level == "region" else export_tables.KOMMUNER,
                    f"spridning-{level}-{unit_type}", f)


# --- rounds over time -------------------------------------------------------------------------

def example_caption(f: Filters) -> None:
    """Under a comparison of units across rounds: when either round is example data, say so right
    there, in the notice's words, so a real unit is never silently judged against generated answers."""
    view = cache.rounds_in_view(f)
    if view.any_synthetic:
        st.caption(f"**{i18n.t('example_badge', f.lang)}** · "
                   + i18n.t("example_rounds_in_view", f.lang, rounds=", ".join(ui.plain(r) for r in view.examples)))


def change_section(f: Filters, region: str = "", kommun: str = "") -> None:
    """Since the compare round: units that appeared, disappeared, got worse or better (in scope)."""
    if not f.jamfor:
        return
    lang = f.lang
    changes = cache.unit_changes(f.round, f.jamfor)
    changes = changes[changes["unit_type"].isin(f.unit_types)]
    if region:
        changes = changes[changes["region_kod"] == region]
    if kommun:
        changes = changes[changes["kommun_kod"] == kommun]
    st.header(i18n.t("changes_heading", lang, round=ui.plain(f.jamfor)))
    st.caption(i18n.t("match_rule", lang))
    example_caption(f)
    groups = [
        ("units_worse", changes["worse"]), ("units_better", changes["better"]),
        ("units_new", changes["presence"] == "new"), ("units_gone", changes["presence"] == "gone"),
    ]
    tabs = st.tabs([f"{i18n.t(key, lang, round=ui.plain(f.jamfor))} ({int(mask.sum())})" for key, mask in groups])
    for tab, (key, mask) in zip(tabs, groups, strict=True):
        with tab:
            part = changes[mask]
            st.dataframe(pd.DataFrame({
                i18n.t("page_unit", lang): part["name"],
                i18n.t("unit_type", lang): part["unit_type"].map(lambda u: i18n.t(u, lang)),
                i18n.t("kommun", lang): part["kommun"],
                i18n.t("before", lang): part["status_prev"].map(lambda s: i18n.t(s, lang) if isinstance(s, str) else "–"),
                i18n.t("now", lang): part["status_cur"].map(lambda s: i18n.t(s, lang) if isinstance(s, str) else "–"),
                i18n.t("not_ja_before", lang): part["not_ja_prev"],
                i18n.t("not_ja_now", lang): part["not_ja_cur"],
            }), hide_index=True, width="stretch", key=f"changes_{key}_{region}_{kommun}")


def trend_section(f: Filters, region: str = "") -> None:
    """Line and slope charts over every stored round, when there are two or more."""
    from dashboard.figures import rounds as rounds_mod

    names = cache.rounds()["round"].tolist()
    if len(names) < 2:
        return
    lang = f.lang
    st.header(i18n.t("trend_heading", lang))
    tabs = st.tabs([units_word(u, lang).capitalize() for u in f.unit_types])
    for tab, unit_type in zip(tabs, f.unit_types, strict=True):
        with tab:
            tables = {r: (cache.round_tables(r).units, cache.round_tables(r).answers) for r in names}
            statuses = {r: cache.round_tables(r).status for r in names}
            trend = rounds_mod.trend(statuses, unit_type, region)
            scope_names = {"country": i18n.t("country", lang)} | ({region: reference.region_name(region)} if region else {})
            fig = charts.trend_line(trend, scope_names, lang,
                                    i18n.t("trend_title", lang, units=units_word(unit_type, lang)),
                                    scope_name(f, region), source(f, *names))
            last = trend[trend["scope"] == (region or "country")].tail(2)
            caption = "; ".join(f"{r.round}: {i18n.fmt_share(r.n_not_all, r.n_responded, lang)}" for r in last.itertuples())
            ui.chart(fig, caption, key=f"trend_{unit_type}_{region}")
            downloads.chart(fig, trend, export_tables.TREND, f"utveckling-{unit_type}-{region or 'riket'}", f)
            prov = rounds_mod.provision_trend(tables, unit_type, region)
            fig = charts.provision_slope(prov, lang, i18n.t("trend_prov_title", lang), scope_name(f, region),
                                         source(f, *names))
            ui.chart(fig, i18n.t("trend_prov_title", lang), key=f"trend_prov_{unit_type}_{region}")
            downloads.chart(fig, prov, export_tables.PROVISION_TREND, f"utveckling-regler-{unit_type}-{region or 'riket'}", f)


def unit_previous(f: Filters, unit: pd.Series) -> None:
    """The same unit in the compare round (matched by the rule on the method page)."""
    if not f.jamfor:
        return
    lang = f.lang
    example_caption(f)
    changes = cache.unit_changes(f.round, f.jamfor)
    hit = changes[changes["unit_id_cur"] == unit["unit_id"]]
    if hit.empty or hit.iloc[0]["presence"] != "both":
        st.info(i18n.t("unit_new_in_round", lang, round=ui.plain(f.jamfor)))
        return
    prev_status = cache.round_tables(f.jamfor).status
    prev = prev_status[prev_status["unit_id"] == hit.iloc[0]["unit_id_prev"]].iloc[0]
    st.markdown(i18n.t("unit_prev", lang, round=ui.plain(f.jamfor), status=i18n.t(prev["status"], lang),
                       ja=int(prev["n_ja"]), n=int(prev["n_rules"])))
