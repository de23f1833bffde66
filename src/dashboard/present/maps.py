"""Choropleth maps: one colour scale, a pydeck deck for the browser and a matplotlib figure for export.

Offline by design: no basemap, no tile or style URL anywhere, geometry from ``geo``.
Both renderers use the same class breaks and colours so a PNG matches the screen.

Why ``map_provider=None`` and *not* ``map_style=None``: pydeck then writes its
``"mapStyle": "__MAP_STYLE__"`` sentinel, which Streamlit (1.67) reads as "no basemap".
With ``map_style=None`` the key is dropped and Streamlit fills in a Carto basemap URL.
"""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd
import pydeck as pdk

from dashboard import i18n
from dashboard.domain.levels import CODE_FIELD, NAME_FIELD

if TYPE_CHECKING:  # matplotlib is imported where a static map is drawn: pages load faster without it
    from matplotlib.figure import Figure

Level = Literal["kommun", "region"]
Scale = Literal["share", "change", "rate"]  # share not following all, change in p.p., units per 10 000
Status = Literal["follows_all", "not_all", "follows_none", "no_answer"]

# Share (%) that "does not follow all provisions or does not know": fixed, comparable across rounds.
BREAKS: tuple[int, ...] = (0, 20, 40, 60, 80, 100)
# Viridis sampled light -> dark (perceptually uniform, colour-vision-deficiency safe).
# The darkest class stops short of viridis' near-black end so outlines stay visible.
CLASS_HEX: tuple[str, ...] = ("#fde725", "#5ec962", "#1f958b", "#355f8d", "#481d6f")
NO_DATA_HEX = "#d9d9d9"
OUTLINE_RGBA: list[int] = [64, 64, 64, 255]
SELECTED_OUTLINE_RGBA: list[int] = [0, 0, 0, 255]

NO_DATA_LABEL: dict[str, str] = {lang: i18n.t("no_data", lang) for lang in i18n.LANGS}
# An area with too few units for a share (aggregate.SMALL_N) is filled by its units' status, in the
# points' colours; "no answer" (a hollow ring as a point) is a white area with the dark outline.
AREA_STATUS_HEX: dict[str, str] = {"follows_all": "#0072b2", "not_all": "#e69f00", "follows_none": "#d55e00",
                                   "no_answer": "#ffffff"}

# Okabe-Ito colours, and size/outline differ too, so status is never told by colour alone.
STATUS_ORDER: tuple[str, ...] = ("follows_all", "not_all", "follows_none", "no_answer")
STATUS_STYLE: dict[str, dict[str, Any]] = {
    "follows_all": {"hex": "#0072b2", "radius": 4, "line_hex": "#ffffff", "line_width": 1, "marker": "o"},
    "not_all": {"hex": "#e69f00", "radius": 6, "line_hex": "#ffffff", "line_width": 1, "marker": "D"},
    "follows_none": {"hex": "#d55e00", "radius": 8, "line_hex": "#ffffff", "line_width": 1, "marker": "^"},
    # Hollow ring: transparent fill, dark outline.
    "no_answer": {"hex": "#ffffff00", "radius": 5, "line_hex": "#333333", "line_width": 2, "marker": "o"},
}
# The map's short status names ("Följer alla"), from the word catalogue like every other text.
STATUS_LABEL: dict[str, dict[str, str]] = {
    lang: {status: i18n.t(f"map_{status}", lang) for status in STATUS_ORDER} for lang in i18n.LANGS
}

UNIT_LAYER = "units"  # unit layers are "units-<status>"; a click on any of them is a unit
# Properties the deck computes itself; caller values with these names are overwritten.
_COMPUTED = ("code", "name", "share_class", "fill", "line", "line_width", "tooltip")


# --------------------------------------------------------------------------- colour scale


def hex_to_rgba(hex_colour: str) -> list[int]:
    """'#rrggbb' or '#rrggbbaa' -> [r, g, b, a] as deck.gl wants."""
    h = hex_colour.lstrip("#")
    rgba = [int(h[i : i + 2], 16) for i in range(0, len(h), 2)]
    return rgba if len(rgba) == 4 else [*rgba, 255]


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def class_of(share: float | None) -> int | None:
    """Class index 0-4 of a share in percent, intervals [0,20), [20,40), ... [80,100]; None = no data.

    Raises for values outside 0-100 (beyond float noise): a wrong share is a bug upstream.
    """
    if _is_missing(share):
        return None
    value = float(share)  # type: ignore[arg-type]
    if value < -1e-9 or value > 100 + 1e-9:
        raise ValueError(f"share {value} is outside 0-100 %")
    for i, upper in enumerate(BREAKS[1:-1]):
        if value < upper:
            return i
    return len(CLASS_HEX) - 1


def hex_for(share: float | None) -> str:
    cls = class_of(share)
    return NO_DATA_HEX if cls is None else CLASS_HEX[cls]


def _fill(palette: tuple[str, ...], cls: int | None, alpha: int) -> list[int]:
    """RGBA of class ``cls`` in ``palette``; the no-data grey when there is no class."""
    rgba = hex_to_rgba(NO_DATA_HEX if cls is None else palette[cls])
    rgba[3] = alpha
    return rgba


def colour_for(share: float | None, alpha: int = 255) -> list[int]:
    """RGBA fill for a share (no-data grey for None/NaN)."""
    return _fill(CLASS_HEX, class_of(share), alpha)


# Change between two rounds (percentage points of the share not following all rules):
# ColorBrewer PuOr, colour-blind safe; orange = the share rose (worse), purple = it fell.
CHANGE_BREAKS: tuple[float, ...] = (-math.inf, -10, -5, -1, 1, 5, 10, math.inf)
CHANGE_HEX: tuple[str, ...] = ("#542788", "#998ec3", "#d8daeb", "#f7f7f7", "#fee0b6", "#f1a340", "#b35806")


def change_class_of(pp: float | None) -> int | None:
    """Class 0-6 of a change in percentage points; None = no data (unit missing in a round)."""
    if _is_missing(pp):
        return None
    value = float(pp)  # type: ignore[arg-type]
    for i, upper in enumerate(CHANGE_BREAKS[1:]):
        if value < upper or (i == len(CHANGE_HEX) - 1):
            return i
    return len(CHANGE_HEX) - 1


def change_colour_for(pp: float | None, alpha: int = 255) -> list[int]:
    return _fill(CHANGE_HEX, change_class_of(pp), alpha)


def _signed(value: float) -> str:
    """A class bound as written in the legend: a real minus, no decimals when whole ("−10", "5")."""
    return f"{value:g}".replace("-", "\u2212")


def change_labels(lang: str = "sv") -> list[str]:
    """The change classes in words, from ``CHANGE_BREAKS``: "≤ −10 p.e.", "−10 till −5 p.e.", … "≥ 10 p.e."."""
    out = []
    for lo, hi in zip(CHANGE_BREAKS[:-1], CHANGE_BREAKS[1:], strict=True):
        if math.isinf(lo):
            out.append(i18n.t("map_change_below", lang, hi=_signed(hi)))
        elif math.isinf(hi):
            out.append(i18n.t("map_change_above", lang, lo=_signed(lo)))
        elif lo == -hi:
            out.append(i18n.t("map_change_around", lang, hi=_signed(hi)))
        else:
            out.append(i18n.t("map_change_between", lang, lo=_signed(lo), hi=_signed(hi)))
    return out


def change_legend_rows(lang: str = "sv") -> list[dict[str, Any]]:
    rows = [{"label": label, "hex": hex_colour, "rgba": hex_to_rgba(hex_colour), "class": i}
            for i, (label, hex_colour) in enumerate(zip(change_labels(lang), CHANGE_HEX, strict=True))]
    rows.append({"label": i18n.t("no_data", lang), "hex": NO_DATA_HEX,
                 "rgba": hex_to_rgba(NO_DATA_HEX), "class": None})
    return rows


# Health centres per 10 000 inhabitants (``visa=per10000``): fixed breaks, the same for regions
# and municipalities and for every round, so a colour means the same rate wherever it is seen.
# Chosen around the national level (about 1 per 10 000: 1 136 health centres, 10.6 million people):
# quantile breaks would colour 1.06 and 1.08 differently on a population-proportional round.
# Zero is a class of its own: a municipality with no health centre shows 0, not "no data".
# ColorBrewer Blues (sequential, one hue, lightness carries the order: colour-vision-deficiency safe).
RATE_BREAKS: tuple[float, ...] = (0.0, 0.8, 1.0, 1.2, 1.5, 2.0, math.inf)
RATE_HEX: tuple[str, ...] = ("#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")


def rate_class_of(rate: float | None) -> int | None:
    """Class 0-6 of a rate per 10 000: 0 is exactly zero, then [>0, 0.8), [0.8, 1), … [2, ∞).

    None = no data; a negative rate is a bug upstream and raises."""
    if _is_missing(rate):
        return None
    value = float(rate)  # type: ignore[arg-type]
    if value < 0:
        raise ValueError(f"rate {value} per 10 000 is negative")
    if value == 0:
        return 0
    for i, upper in enumerate(RATE_BREAKS[1:]):
        if value < upper:
            return i + 1
    return len(RATE_HEX) - 1


def rate_colour_for(rate: float | None, alpha: int = 255) -> list[int]:
    return _fill(RATE_HEX, rate_class_of(rate), alpha)


def _dec(value: float, lang: str) -> str:
    """A class bound: "0,75" / "0.75", "1" (no trailing zeros)."""
    text = f"{value:g}"
    return text.replace(".", ",") if lang != "en" else text


def rate_labels(lang: str = "sv") -> list[str]:
    """The rate classes in words, from ``RATE_BREAKS``: "0", "över 0, under 0,8", "0,8–1", … "2 eller fler"."""
    out = ["0"]
    for lo, hi in zip(RATE_BREAKS[:-1], RATE_BREAKS[1:], strict=True):
        if lo == 0:
            out.append(i18n.t("popmap_class_below", lang, hi=_dec(hi, lang)))
        elif math.isinf(hi):
            out.append(i18n.t("popmap_class_above", lang, lo=_dec(lo, lang)))
        else:
            out.append(f"{_dec(lo, lang)}–{_dec(hi, lang)}")
    return out


def rate_legend_rows(lang: str = "sv") -> list[dict[str, Any]]:
    """Legend entries of the rate map: the classes, then no data (an area the round does not cover)."""
    rows = [{"label": label, "hex": hex_colour, "rgba": hex_to_rgba(hex_colour), "class": i}
            for i, (label, hex_colour) in enumerate(zip(rate_labels(lang), RATE_HEX, strict=True))]
    rows.append({"label": i18n.t("no_data", lang), "hex": NO_DATA_HEX,
                 "rgba": hex_to_rgba(NO_DATA_HEX), "class": None})
    return rows


def class_label(cls: int) -> str:
    return f"{BREAKS[cls]}–{BREAKS[cls + 1]} %"


def legend_rows(lang: str = "sv", labels: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """Legend entries, classes then no data: label, hex, rgba, class (None for no data).

    ``labels`` may override ``"no_data"`` (and class labels as ``"class_0"`` ... ``"class_4"``).
    """
    labels = labels or {}
    rows = [
        {
            "label": labels.get(f"class_{i}", class_label(i)),
            "hex": hex_colour,
            "rgba": hex_to_rgba(hex_colour),
            "class": i,
        }
        for i, hex_colour in enumerate(CLASS_HEX)
    ]
    no_data = labels.get("no_data", NO_DATA_LABEL.get(lang, NO_DATA_LABEL["sv"]))
    rows.append({"label": no_data, "hex": NO_DATA_HEX, "rgba": hex_to_rgba(NO_DATA_HEX), "class": None})
    return rows


def status_legend_rows(lang: str = "sv", labels: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """Legend entries for unit points: status, label, hex (fill), line_hex, radius (px), marker."""
    labels = labels or {}
    names = STATUS_LABEL.get(lang, STATUS_LABEL["sv"])
    return [{"status": s, "label": labels.get(s, names[s]), **STATUS_STYLE[s]} for s in STATUS_ORDER]


# --------------------------------------------------------------------------- pydeck


class CompactDeck(pdk.Deck):
    """A Deck whose JSON has no indentation: Streamlit ships ``to_json()`` to the browser,
    and pydeck's indent=2 makes the map payload about five times larger."""

    def to_json(self) -> str:
        from pydeck.bindings.json_tools import default_serialize

        return json.dumps(
            self, sort_keys=True, default=default_serialize, separators=(",", ":"), ensure_ascii=False
        )


def _plain(value: Any) -> Any:
    """JSON-safe scalar: numpy -> Python, NaN/NA -> None (JSON has no NaN), others -> str."""
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        with contextlib.suppress(ValueError, TypeError):
            value = value.item()
    if _is_missing(value):
        return None
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _default_area_tooltip(name: str, share: float | None, no_data: str) -> str:
    if share is None:
        return f"{name}\n{no_data}"
    return f"{name}\n{share:.0f} %"


def area_features(
    features: Mapping[str, Any],
    values: Iterable[Mapping[str, Any]],
    level: Level,
    *,
    value_key: str = "share",
    code_key: str | None = None,
    selected: Iterable[str] = (),
    no_data_label: str = NO_DATA_LABEL["sv"],
    scale: Scale = "share",
) -> dict[str, Any]:
    """A new FeatureCollection with values merged into FLAT properties and colours precomputed.

    deck.gl tooltips cannot read nested properties, so everything the tooltip or the
    selection handler needs sits directly in ``properties``. The input is not mutated
    (geometry objects are shared, property dicts are new).
    """
    code_field = CODE_FIELD[level]
    key = code_key or code_field
    by_code: dict[str, Mapping[str, Any]] = {}
    for row in values:
        code = row.get(key, row.get("code"))
        if code is not None:
            by_code[str(code)] = row
    chosen = {str(c) for c in selected}

    out = []
    for feature in features["features"]:
        source = feature["properties"]
        code = str(source[code_field])
        # Only what the browser uses (colour, outline, tooltip, code for clicks): the file's own
        # properties would repeat the name and code on every area of every map sent.
        props: dict[str, Any] = {}
        row = by_code.get(code, {})
        for k, v in row.items():
            if k not in _COMPUTED or k == "tooltip":
                props[str(k)] = _plain(v)
        share = _plain(row.get(value_key))
        if share is not None:
            share = float(share)
        props[value_key] = share
        props["code"] = code
        props["name"] = str(row.get(NAME_FIELD[level]) or source.get(NAME_FIELD[level], code))
        if scale == "change":
            props["share_class"] = change_class_of(share)
            props["fill"] = change_colour_for(share)
        elif scale == "rate":
            props["share_class"] = rate_class_of(share)
            props["fill"] = rate_colour_for(share)
        elif row.get("area_status") in AREA_STATUS_HEX:
            props["share_class"] = None
            props["fill"] = hex_to_rgba(AREA_STATUS_HEX[row["area_status"]])
        else:
            props["share_class"] = class_of(share)
            props["fill"] = colour_for(share)
        is_selected = code in chosen
        props["line"] = SELECTED_OUTLINE_RGBA if is_selected else OUTLINE_RGBA
        props["line_width"] = 3 if is_selected else 1
        if not props.get("tooltip"):
            props["tooltip"] = _default_area_tooltip(props["name"], share, no_data_label)
        else:
            props["tooltip"] = str(props["tooltip"])
        out.append(
            (is_selected, code, {"type": "Feature", "properties": props, "geometry": feature["geometry"]})
        )
    # Selected areas last, so their thick outline is drawn over the neighbours' thin ones.
    out.sort(key=lambda t: (t[0], t[1]))
    return {"type": "FeatureCollection", "features": [f for _, _, f in out]}


def point_records(
    points: Iterable[Mapping[str, Any]], lang: str = "sv", labels: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """Plain records for the unit layers; points without coordinates are skipped.

    Style is per layer (one layer per status), not per point: 1 136 points with their own colour,
    outline and radius made the municipality map's payload half again as large. Coordinates are
    rounded to 4 decimals (about 10 m; positions are approximate anyway). A point without its own
    ``tooltip`` gets "name\nstatus label" (plain text).
    """
    status_names = {**STATUS_LABEL.get(lang, STATUS_LABEL["sv"]), **(labels or {})}
    records = []
    for point in points:
        status = point.get("status")
        if status not in STATUS_STYLE:
            raise ValueError(f"unknown unit status {status!r}; expected one of {STATUS_ORDER}")
        lat, lon = _plain(point.get("lat")), _plain(point.get("lon"))
        if lat is None or lon is None:
            continue
        record = {str(k): _plain(v) for k, v in point.items()}
        record.update(lat=round(float(lat), 4), lon=round(float(lon), 4))
        if not record.get("tooltip"):
            name = record.get("name")
            record["tooltip"] = f"{name}\n{status_names[status]}" if name else status_names[status]
        record["tooltip"] = str(record["tooltip"])
        records.append(record)
    return records


def _slim(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records as sent to the browser: the layer already says the status."""
    return [{k: v for k, v in r.items() if k != "status"} for r in records]


def choropleth_deck(
    features: Mapping[str, Any],
    values: Iterable[Mapping[str, Any]],
    level: Level,
    view: Mapping[str, float],
    points: Iterable[Mapping[str, Any]] | None = None,
    *,
    value_key: str = "share",
    code_key: str | None = None,
    selected: Iterable[str] = (),
    lang: str = "sv",
    labels: Mapping[str, str] | None = None,
    height: int = 600,
    scale: Scale = "share",
) -> pdk.Deck:
    """A basemap-free pydeck map: filled, outlined areas (layer "areas") and optional units ("units").

    ``values``: one dict per area with the level's code (``kommun_kod``/``region_kod``, or
    ``code``), ``share`` in percent (None = no data), an optional ready-made ``tooltip``
    text and any other flat scalars. ``points``: dicts with ``lat``, ``lon``, ``status``
    and optional ``tooltip``/``name``. Tooltips are plain text (never HTML): names come
    from user files.
    """
    no_data = (labels or {}).get("no_data", NO_DATA_LABEL.get(lang, NO_DATA_LABEL["sv"]))
    data = area_features(
        features,
        values,
        level,
        value_key=value_key,
        code_key=code_key,
        selected=selected,
        no_data_label=no_data,
        scale=scale,
    )
    layers = [
        pdk.Layer(
            "GeoJsonLayer",
            data,
            id="areas",
            pickable=True,
            stroked=True,
            filled=True,
            get_fill_color="properties.fill",
            get_line_color="properties.line",
            get_line_width="properties.line_width",
            line_width_units=pdk.types.String("pixels"),
            line_width_min_pixels=1,
            auto_highlight=True,
            highlight_color=[255, 255, 255, 80],
        )
    ]
    if points is not None:
        records = point_records(points, lang, labels)
        for status in STATUS_ORDER:  # one layer per status: style set once, ids "units-<status>"
            group = [r for r in records if r["status"] == status]
            if not group:
                continue
            style = STATUS_STYLE[status]
            layers.append(
                pdk.Layer(
                    "ScatterplotLayer",
                    _slim(group),
                    id=f"{UNIT_LAYER}-{status}",
                    pickable=True,
                    stroked=True,
                    filled=True,
                    get_position="[lon, lat]",
                    get_fill_color=hex_to_rgba(style["hex"]),
                    get_line_color=hex_to_rgba(style["line_hex"]),
                    get_radius=style["radius"],
                    get_line_width=style["line_width"],
                    radius_units=pdk.types.String("pixels"),
                    line_width_units=pdk.types.String("pixels"),
                )
            )
    view_state = pdk.ViewState(
        latitude=float(view["latitude"]),
        longitude=float(view["longitude"]),
        zoom=float(view["zoom"]),
        pitch=0,
        bearing=0,
    )
    # map_style deliberately left at pydeck's sentinel: see the module docstring.
    return CompactDeck(
        layers=layers,
        initial_view_state=view_state,
        map_provider=None,
        tooltip={"text": "{tooltip}"},
        height=height,
    )


# --------------------------------------------------------------------------- static export


def _text(fig: Figure, x: float, y: float, s: str, **kwargs: Any) -> None:
    """Figure text with mathtext off: a '$' in a user-supplied name must print as '$'."""
    fig.text(x, y, s, parse_math=False, **kwargs)


def static_map(
    gdf: Any,
    title: str,
    subtitle: str,
    source_line: str,
    legend_labels: Mapping[str, str] | None = None,
    points: Iterable[Mapping[str, Any]] | None = None,
    *,
    value_key: str = "share",
    lang: str = "sv",
    scale: Literal["share", "rate"] = "share",
    figsize: tuple[float, float] = (12.8, 7.2),
    dpi: int = 100,
) -> Figure:
    """A 16:9 north-up export figure: same classes as the deck, no basemap, legend, title and source.

    ``gdf``: a GeoDataFrame with geometry and a ``share`` column (percent, NaN = no data).
    Drawn in SWEREF 99 TM so Sweden is not stretched. ``legend_labels`` may hold
    ``legend_title``, ``no_data``, ``class_0``..``class_4`` and the four status keys.
    ``scale="rate"``: ``value_key`` holds units per 10 000 inhabitants, drawn in the rate classes.
    Uses ``matplotlib.figure.Figure`` directly (no pyplot state: safe in Streamlit threads).
    """
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    labels = dict(legend_labels or {})
    frame = gdf if gdf.crs is not None else gdf.set_crs("EPSG:4326")
    frame = frame.to_crs("EPSG:3006")
    shares = [_plain(v) for v in frame[value_key]] if value_key in frame else [None] * len(frame)
    if scale == "rate":
        colours = [NO_DATA_HEX if rate_class_of(s) is None else RATE_HEX[rate_class_of(s)] for s in shares]
        rows = rate_legend_rows(lang)
        if "no_data" in labels:
            rows[-1]["label"] = labels["no_data"]
    else:
        colours = [hex_for(s) for s in shares]
        rows = legend_rows(lang, labels)
    missing = [s is None for s in shares]

    fig = Figure(figsize=figsize, dpi=dpi, facecolor="white")
    ax = fig.add_axes((0.03, 0.08, 0.55, 0.76))
    ax.set_axis_off()
    ax.set_aspect("equal")

    line_width = 0.5 if len(frame) <= 30 else 0.25
    frame.plot(ax=ax, color=colours, edgecolor="none", linewidth=0)
    if any(missing):
        no_data_part = frame[missing]
        coll_before = len(ax.collections)
        no_data_part.plot(ax=ax, facecolor=NO_DATA_HEX, edgecolor="#8c8c8c", hatch="////", linewidth=0)
        for coll in ax.collections[coll_before:]:
            coll.set_hatch_linewidth(0.4)
    frame.boundary.plot(ax=ax, color="#404040", linewidth=line_width)

    handles: list[Any] = []
    for row in rows:
        hatch = "////" if row["class"] is None else None
        edge = "#8c8c8c" if row["class"] is None else "#404040"
        handles.append(
            Patch(facecolor=row["hex"], edgecolor=edge, hatch=hatch, linewidth=0.5, label=row["label"])
        )

    if points is not None:
        records = point_records(points, lang, labels)
        present = {r["status"] for r in records}
        to_xy = _projector()
        for row in status_legend_rows(lang, labels):
            group = [r for r in records if r["status"] == row["status"]]
            if group:
                xs, ys = to_xy([r["lon"] for r in group], [r["lat"] for r in group])
                hollow = row["status"] == "no_answer"
                ax.scatter(
                    xs,
                    ys,
                    s=(row["radius"] * 1.6) ** 2,
                    marker=row["marker"],
                    facecolors="none" if hollow else row["hex"],
                    edgecolors=row["line_hex"],
                    linewidths=row["line_width"] * 0.6,
                    zorder=3,
                )
            if row["status"] in present:
                handles.append(
                    Line2D(
                        [],
                        [],
                        linestyle="none",
                        marker=row["marker"],
                        markersize=row["radius"] * 1.6,
                        markerfacecolor="none" if row["status"] == "no_answer" else row["hex"],
                        markeredgecolor=row["line_hex"] if row["status"] == "no_answer" else "#404040",
                        label=row["label"],
                    )
                )

    legend = fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.6, 0.8),
        frameon=False,
        fontsize=11,
        title=labels.get("legend_title"),
        title_fontsize=12,
        alignment="left",
    )
    for text in [*legend.get_texts(), legend.get_title()]:
        text.set_parse_math(False)

    ax.annotate(
        "N",
        xy=(0.97, 0.98),
        xytext=(0.97, 0.88),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=10,
        arrowprops={"arrowstyle": "-|>", "color": "#333333", "linewidth": 1},
    )

    _text(fig, 0.03, 0.95, title, fontsize=18, fontweight="bold", va="top")
    _text(fig, 0.03, 0.895, subtitle, fontsize=12, color="#333333", va="top")
    _text(fig, 0.03, 0.03, source_line, fontsize=9, color="#444444", va="bottom")
    return fig


def _projector() -> Any:
    """lon/lat (WGS 84) -> SWEREF 99 TM, matching the figure's geometry."""
    from pyproj import Transformer

    transformer = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True)
    return transformer.transform
