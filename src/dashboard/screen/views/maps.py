"""Maps: areas coloured by share, change or health centres per 10 000, health centres on top,
a legend in words and colour, the same numbers in a table beside the map, and drill-down by click."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from dashboard import i18n
from dashboard.domain import reference
from dashboard.domain.levels import level as level_of
from dashboard.figures import filters, population
from dashboard.figures.aggregate import SMALL_N
from dashboard.present import scales
from dashboard.present.captions import units_word
from dashboard.screen import cache, links, static_files, ui
from dashboard.screen.state import Filters, map_points
from dashboard.screen.state import map_mode as state_map_mode
from dashboard.screen.views.tables import kommun_table, region_table

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
    points since the compare round) and a plain-text tooltip, under the small-n rule (``present.areas``)."""
    from dashboard.present.areas import area_records

    return area_records(table, level, unit_type, f.lang, f.jamfor if change else "")


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

    short = scales.STATUS_LABEL[f.lang]
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
    lang = f.lang
    rows = (scales.change_legend_rows(lang) if change
            else scales.legend_rows(lang, {"no_data": i18n.t("no_data", lang)}))
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
            f"<span style='display:inline-block;width:14px;height:14px;background:{scales.AREA_STATUS_HEX[s]};"
            f"border:1px solid #555;vertical-align:middle;margin-right:4px'></span>{i18n.t(s, lang)}"
            for s in scales.STATUS_ORDER)
        st.markdown(f"<div role='note' aria-label='legend, small areas'><b>"
                    f"{i18n.t('small_area_legend', lang, n=SMALL_N, units=units_word(unit_type, lang))}</b> {status_chips}</div>",
                    unsafe_allow_html=True)
    if with_points:
        legend_points(f)


def point_marks(lang: str) -> str:
    """The health centres' marks as the map draws them: a circle of the status's size, fill and
    outline (a hollow ring for no answer), each with its name; HTML of our own constants only."""
    marks = []
    for r in scales.status_legend_rows(lang):
        size = 2 * int(r["radius"])
        fill = r["hex"] if len(r["hex"]) == 7 else "transparent"  # '#rrggbb00' is the hollow ring
        marks.append(f"<span style='display:inline-flex;align-items:center;margin-right:10px'>"
                     f"<span class='point-mark' data-status='{r['status']}' style='display:inline-block;"
                     f"width:{size}px;height:{size}px;border-radius:50%;background:{fill};"
                     f"border:{r['line_width']}px solid {r['line_hex']};box-shadow:0 0 0 1px #555;"
                     f"margin-right:4px'></span>{html.escape(r['label'])}</span>")
    return "".join(marks)


def legend_points(f: Filters) -> None:
    """The health centres' marks exactly as drawn (coloured circles of three sizes, a hollow ring),
    in words and colour, and where a unit without coordinates is placed."""
    lang = f.lang
    st.markdown(f"<div role='note' aria-label='{html.escape(i18n.t('map_points_legend', lang))}'>"
                f"<b>{i18n.t('vardcentraler', lang).capitalize()}:</b> {point_marks(lang)}"
                f"<br><small>{i18n.t('imp_map_approx_legend', lang)}</small></div>", unsafe_allow_html=True)


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
    points = map_points(f, region)
    deck = map_deck(f, level, region, kommun, height, points)
    left, right = st.columns([3, 2], gap="medium")
    with left:
        event = st.pydeck_chart(deck, on_select="rerun", selection_mode="single-object",
                                key=f"{key}_{level}_{region}_{kommun}", height=height)
        small = small_areas(_map_table(f, level, unit_type, change, region), change)
        legend(f, unit_type, points, change, by_status=bool(small.any()), by_share=not bool(small.all()))
        points_hint(f, points)
    with right:
        if level == "region":
            region_table(f, _map_table(f, level, unit_type, change, region), key=f"{key}_table_region")
        else:
            kommun_table(f, _map_table(f, level, unit_type, change, region), key=f"{key}_table_kommun_{region}")
    _follow_click(f, event, level, key=f"{key}_{level}_{region}_{kommun}")


def _rate_map_section(f: Filters, level: str, key: str, region: str, kommun: str, height: int) -> None:
    """Health centres per 10 000 inhabitants: the map, its legend and sources, the same rates in a
    table beside it (inhabitants and the count with every rate). Drill-down as on the share map."""
    points = map_points(f, region)
    deck = map_deck(f, level, region, kommun, height, points)
    table = population.rate_table(cache.round_tables(f.round).status, level, region)
    left, right = st.columns([3, 2], gap="medium")
    with left:
        event = st.pydeck_chart(deck, on_select="rerun", selection_mode="single-object",
                                key=f"{key}_{level}_{region}_{kommun}_rate", height=height)
        rate_legend(f, with_points=points)
        points_hint(f, points)
    with right:
        row = ui.picked_row(population.rate_people_table(table, f.lang), f"{key}_table_rate_{level}_{region}", f.lang)
        if row is not None:
            if level == "region":
                ui.open_link("region", table["region"].iloc[row], f.with_(region=table["region_kod"].iloc[row]),
                             f"{key}_table_rate")
            else:
                ui.open_link("kommun", table["kommun"].iloc[row], f.with_(kommun=table["kommun_kod"].iloc[row]),
                             f"{key}_table_rate")
    _follow_click(f, event, level, key=f"{key}_{level}_{region}_{kommun}_rate")


def points_hint(f: Filters, points: bool) -> None:
    """On the national map without the health centres: say where they are shown."""
    if not points and f.typ in ("alla", "vardcentral"):
        st.caption(i18n.t("map_points_hidden", f.lang, choice=i18n.t("map_show_units", f.lang)))


def map_deck(f: Filters, level: str, region: str, kommun: str, height: int, points: bool):
    """The view's deck from the shared cache; built again if a file it refers to has gone (the
    static folder is swept of files nobody published for weeks, e.g. by another replica)."""
    args = (cache.data_version(), f.round, f.typ, f.jamfor, f.visa, f.lang, level, region, kommun, height,
            "1" if points else "")
    deck, paths = _deck(*args)
    if not static_files.all_present(paths):
        _deck.clear()  # type: ignore[attr-defined]
        deck, paths = _deck(*args)
    return deck


def rate_legend(f: Filters, with_points: bool) -> None:
    """The rate classes in words and colour, how they were chosen, and where the figures come from:
    SCB for inhabitants, the round for health centres (Exempeldata when the round is)."""
    lang = f.lang
    chips = " ".join(
        f"<span style='display:inline-block;width:14px;height:14px;background:{r['hex']};"
        f"border:1px solid #555;vertical-align:middle;margin-right:4px'></span>{html.escape(r['label'])}"
        for r in scales.rate_legend_rows(lang))
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


@cache.shared(64)
def _deck(version: str, round_name: str, typ: str, jamfor: str, visa: str, lang: str, level: str,
          region: str, kommun: str, height: int, points: str):
    """The map for one view and the files it refers to, built once and shared by every session
    showing that view (the geometry is already simplified and cached in ``geo``; ``version``
    changes after an import). The layers' data go to the browser as static files when the server
    serves them (``static_files``): the deck then carries only their URLs."""
    from dashboard.domain import geo
    from dashboard.present import deck

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
    units = None
    if points:
        units = unit_points(f, filters.in_scope(cache.round_tables(round_name).status, ["vardcentral"], region, kommun))
    values = rate_area_values(f, table, level) if mode == "rate" else area_values(f, table, level, unit_type, change)
    publish = static_files.publisher()
    made = deck.choropleth_deck(features, values, level, view, units,
                                selected=[kommun] if kommun else ([region] if region and level == "region" else []),
                                lang=lang, height=height, scale="change" if change else mode, publish=publish)
    return made, (publish.paths if publish else [])


def _follow_click(f: Filters, event, level: str, key: str) -> None:
    """A click on the map drills down: a region shows its municipalities on this map (the URL
    changes: one history entry); a municipality or a health centre gets a link to its page."""
    from dashboard.present import deck

    objects = (event.selection.get("objects") or {}) if event else {}
    clicked_units = [o for layer, objs in objects.items() if layer.startswith(deck.UNIT_LAYER) for o in objs]
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
