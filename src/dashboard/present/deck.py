"""The browser's map: a basemap-free pydeck deck of coloured areas and unit points.

Offline by design: no basemap, no tile or style URL anywhere, geometry from ``geo``. Colours and
classes come from ``scales``, the same ones the exported picture (``export.static_map``) uses, so
a PNG matches the screen.

Why ``map_provider=None`` and *not* ``map_style=None``: pydeck then writes its
``"mapStyle": "__MAP_STYLE__"`` sentinel, which Streamlit (1.67) reads as "no basemap".
With ``map_style=None`` the key is dropped and Streamlit fills in a Carto basemap URL.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pydeck as pdk

from dashboard.domain.levels import CODE_FIELD, NAME_FIELD
from dashboard.present.scales import (
    AREA_STATUS_HEX,
    NO_DATA_LABEL,
    STATUS_LABEL,
    STATUS_ORDER,
    STATUS_STYLE,
    Level,
    Scale,
    change_class_of,
    change_colour_for,
    class_of,
    colour_for,
    hex_to_rgba,
    plain_value,
    rate_class_of,
    rate_colour_for,
)

OUTLINE_RGBA: list[int] = [64, 64, 64, 255]
SELECTED_OUTLINE_RGBA: list[int] = [0, 0, 0, 255]

UNIT_LAYER = "units"  # unit layers are "units-<status>"; a click on any of them is a unit
# Properties the deck computes itself; caller values with these names are overwritten.
_COMPUTED = ("code", "name", "share_class", "fill", "line", "line_width", "tooltip")


# A layer's data made into a URL the browser fetches it from (``screen.static_files``): (kind, data) -> URL.
Publish = Callable[[str, Any], str]

_JSON: weakref.WeakKeyDictionary[pdk.Deck, str] = weakref.WeakKeyDictionary()


class CompactDeck(pdk.Deck):
    """A Deck whose JSON has no indentation and is made once.

    Streamlit ships ``to_json()`` to the browser on every page open that draws the map, and
    pydeck's indent=2 makes the payload about five times larger. The pages cache a deck per view
    and never change it, so the JSON is kept with it instead of being serialised per open."""

    def to_json(self) -> str:
        from pydeck.bindings.json_tools import default_serialize

        text = _JSON.get(self)
        if text is None:
            text = json.dumps(
                self, sort_keys=True, default=default_serialize, separators=(",", ":"), ensure_ascii=False
            )
            _JSON[self] = text
        return text


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
                props[str(k)] = plain_value(v)
        share = plain_value(row.get(value_key))
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
        lat, lon = plain_value(point.get("lat")), plain_value(point.get("lon"))
        if lat is None or lon is None:
            continue
        record = {str(k): plain_value(v) for k, v in point.items()}
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
    publish: Publish | None = None,
) -> pdk.Deck:
    """A basemap-free pydeck map: filled, outlined areas (layer "areas") and optional units ("units").

    ``values``: one dict per area with the level's code (``kommun_kod``/``region_kod``, or
    ``code``), ``share`` in percent (None = no data), an optional ready-made ``tooltip``
    text and any other flat scalars. ``points``: dicts with ``lat``, ``lon``, ``status``
    and optional ``tooltip``/``name``. Tooltips are plain text (never HTML): names come
    from user files. ``publish``: each layer's data goes to the browser as a file at the URL it
    returns (the deck then holds the URL, not the data); without it the data is inline.
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
            publish(f"areas-{level}", data) if publish else data,
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
                    publish(f"{UNIT_LAYER}-{status}", _slim(group)) if publish else _slim(group),
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

