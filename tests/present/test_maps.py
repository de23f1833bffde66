"""Colour scale, offline pydeck deck (no URLs, flat tooltips, no HTML) and the static export figure."""

from __future__ import annotations

import copy
import io
import json
import math

import numpy as np
import pydeck as pdk
import pytest
from matplotlib.figure import Figure
from matplotlib.image import imread

from dashboard.domain import geo
from dashboard.present import maps

XSS = "<img src=x onerror=alert(1)>"


def _luminance(hex_colour: str) -> float:
    r, g, b, _ = maps.hex_to_rgba(hex_colour)

    def lin(c: int) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


@pytest.mark.parametrize(
    ("share", "expected"),
    [
        (0, 0),
        (19.99, 0),
        (20, 1),
        (39.9, 1),
        (40, 2),
        (60, 3),
        (79.99, 3),
        (80, 4),
        (100, 4),
        (100 + 1e-12, 4),
    ],
)
def test_class_breaks(share, expected):
    assert maps.class_of(share) == expected


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, np.float64("nan")])
def test_missing_is_no_data(missing):
    assert maps.class_of(missing) is None
    assert maps.colour_for(missing) == maps.hex_to_rgba(maps.NO_DATA_HEX)


@pytest.mark.parametrize("bad", [-1, 100.5, 250])
def test_out_of_range_share_raises(bad):
    with pytest.raises(ValueError):
        maps.class_of(bad)


def test_scale_is_sequential_light_to_dark_and_no_data_distinct():
    lum = [_luminance(h) for h in maps.CLASS_HEX]
    assert all(a > b for a, b in zip(lum, lum[1:], strict=False)), lum
    # adjacent classes clearly apart (contrast ratio >= 1.3)
    assert all((a + 0.05) / (b + 0.05) >= 1.3 for a, b in zip(lum, lum[1:], strict=False))
    assert maps.NO_DATA_HEX not in maps.CLASS_HEX
    grey = maps.hex_to_rgba(maps.NO_DATA_HEX)
    assert grey[0] == grey[1] == grey[2]  # achromatic, unlike every class colour
    assert all(len(set(maps.hex_to_rgba(h)[:3])) > 1 for h in maps.CLASS_HEX)
    assert maps.colour_for(50) == maps.hex_to_rgba(maps.CLASS_HEX[2])


def test_legend_rows():
    rows = maps.legend_rows("sv")
    assert [r["label"] for r in rows] == ["0–20 %", "20–40 %", "40–60 %", "60–80 %", "80–100 %", "Ingen data"]
    assert rows[-1]["class"] is None and rows[-1]["hex"] == maps.NO_DATA_HEX
    assert maps.legend_rows("en")[-1]["label"] == "No data"
    assert maps.legend_rows("en", {"no_data": "Saknas"})[-1]["label"] == "Saknas"
    assert len({r["hex"] for r in rows}) == 6


def _deck(values=None, points=None, **kwargs):
    features = geo.geojson_dict("kommun")
    if values is None:
        values = [
            {
                "kommun_kod": "0180",
                "share": 42.0,
                "n_responded": np.int64(12),
                "tooltip": "Stockholm\n42 % (12)",
            },
            {"kommun_kod": "2380", "share": np.float64(85.5)},
            {"kommun_kod": "0114", "share": float("nan"), "kommun": XSS},
        ]
    return maps.choropleth_deck(features, values, "kommun", geo.bounds_view([], "kommun"), points, **kwargs)


POINTS = [
    {"lat": 59.33, "lon": 18.07, "status": "not_all", "name": XSS},
    {
        "lat": 63.18,
        "lon": 14.64,
        "status": "follows_all",
        "name": "VC Östersund",
        "tooltip": "VC Östersund\nok",
    },
    {"lat": 57.7, "lon": 11.97, "status": "follows_none"},
    {"lat": 65.58, "lon": 22.15, "status": "no_answer"},
    {"lat": float("nan"), "lon": 18.0, "status": "no_answer"},
]


def _features_by_code(spec: dict) -> dict[str, dict]:
    areas = next(layer for layer in spec["layers"] if layer["id"] == "areas")
    return {f["properties"]["code"]: f["properties"] for f in areas["data"]["features"]}


def test_deck_is_offline():
    deck = _deck(points=POINTS)
    text = deck.to_json().lower()
    for banned in ("http", "mapbox", "carto", "tiles", "googleapis"):
        assert banned not in text
    spec = json.loads(deck.to_json())
    # pydeck's sentinel: Streamlit draws no basemap; a missing mapStyle would make it add Carto.
    assert spec.get("mapStyle") == "__MAP_STYLE__"
    assert "mapProvider" not in spec
    assert "NaN" not in deck.to_json()


def test_deck_layers_and_view():
    spec = json.loads(_deck(points=POINTS).to_json())
    assert [layer["id"] for layer in spec["layers"]] == [
        "areas", "units-follows_all", "units-not_all", "units-follows_none", "units-no_answer"]
    assert spec["layers"][0]["@@type"] == "GeoJsonLayer" and spec["layers"][0]["pickable"] is True
    assert all(layer["@@type"] == "ScatterplotLayer" and layer["pickable"] for layer in spec["layers"][1:])
    assert spec["initialViewState"]["zoom"] == geo.bounds_view([], "kommun")["zoom"]
    assert len(spec["layers"][0]["data"]["features"]) == 290
    no_points = json.loads(_deck().to_json())
    assert [layer["id"] for layer in no_points["layers"]] == ["areas"]


def test_properties_are_flat_with_precomputed_colour_and_tooltip():
    props = _features_by_code(json.loads(_deck().to_json()))
    sthlm = props["0180"]
    assert sthlm["share"] == 42.0 and sthlm["n_responded"] == 12 and sthlm["share_class"] == 2
    assert sthlm["tooltip"] == "Stockholm\n42 % (12)"
    assert sthlm["fill"] == maps.hex_to_rgba(maps.CLASS_HEX[2])
    assert props["2380"]["tooltip"] == "Östersund\n86 %"
    assert props["2380"]["fill"] == maps.hex_to_rgba(maps.CLASS_HEX[4])
    # no value at all, and NaN: no-data colour and label
    assert props["0115"]["share"] is None and props["0115"]["fill"] == maps.hex_to_rgba(maps.NO_DATA_HEX)
    assert props["0114"]["tooltip"].endswith("Ingen data")
    assert all(not isinstance(v, dict) for p in props.values() for v in p.values())


def test_tooltip_is_text_not_html():
    deck = _deck(points=POINTS)
    assert deck._tooltip == {"text": "{tooltip}"}
    assert "html" not in deck._tooltip
    spec = json.loads(deck.to_json())
    props = _features_by_code(spec)
    # the hostile name stays a plain value shown through the text tooltip, never in an HTML template
    assert props["0114"]["tooltip"] == f"{XSS}\nIngen data"
    units = [p for layer in spec["layers"][1:] for p in layer["data"]]
    assert any(p["tooltip"].startswith(XSS) for p in units)
    assert "html" not in json.dumps(deck._tooltip)


def test_input_feature_collection_is_not_mutated():
    features = geo.geojson_dict("kommun")
    before = copy.deepcopy(features["features"][0]["properties"])
    _deck()
    assert features["features"][0]["properties"] == before
    assert "fill" not in features["features"][0]["properties"]


def test_selected_area_is_outlined_and_drawn_last():
    spec = json.loads(_deck(selected=["0180"]).to_json())
    feats = spec["layers"][0]["data"]["features"]
    assert feats[-1]["properties"]["code"] == "0180"
    assert feats[-1]["properties"]["line_width"] > feats[0]["properties"]["line_width"]


def test_points_status_not_by_colour_alone():
    records = maps.point_records(POINTS)
    assert len(records) == 4  # the NaN point is skipped
    by_status = {r["status"]: r for r in records}
    layers = {layer["id"]: layer for layer in json.loads(_deck(points=POINTS).to_json())["layers"][1:]}
    radii = {lid: layer["getRadius"] for lid, layer in layers.items()}
    assert len(set(radii.values())) == 4  # size differs by status, not only colour
    assert layers["units-no_answer"]["getFillColor"][3] == 0  # hollow ring
    assert "fill" not in by_status["not_all"] and "radius" not in by_status["not_all"]  # style per layer
    assert by_status["follows_all"]["tooltip"] == "VC Östersund\nok"
    assert by_status["follows_none"]["tooltip"] == "Följer inga"
    assert all(isinstance(r["lat"], float) for r in records)
    with pytest.raises(ValueError):
        maps.point_records([{"lat": 59.0, "lon": 18.0, "status": "maybe"}])


def test_compact_json_is_the_same_spec_as_pydeck_json():
    deck = _deck(points=POINTS)
    compact = deck.to_json()
    assert json.loads(compact) == json.loads(pdk.Deck.to_json(deck))
    assert len(compact) < 0.5 * len(pdk.Deck.to_json(deck))
    assert len(compact.encode()) < 600_000


def test_region_level_deck():
    values = [{"region_kod": "01", "share": 10}, {"code": "25", "share": 90}]
    deck = maps.choropleth_deck(geo.geojson_dict("region"), values, "region", geo.bounds_view([], "region"))
    props = _features_by_code(json.loads(deck.to_json()))
    assert len(props) == 21
    assert props["01"]["name"] == "Region Stockholm" and props["01"]["share_class"] == 0
    assert props["25"]["share_class"] == 4


def _png(fig: Figure) -> np.ndarray:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    buf.seek(0)
    return imread(buf)


def test_static_map_renders_non_blank():
    gdf = geo.load_kommun().copy()
    rng = np.random.default_rng(3)
    gdf["share"] = rng.uniform(0, 100, len(gdf))
    gdf.loc[gdf.index[:10], "share"] = np.nan
    fig = maps.static_map(
        gdf,
        "Andel som inte följer alla (kostar $5)",
        "Vårdcentraler",
        "Källa: exempeldata",
        {"legend_title": "Andel"},
        points=POINTS,
    )
    assert isinstance(fig, Figure)
    w, h = fig.get_size_inches()
    assert math.isclose(w / h, 16 / 9, rel_tol=0.01)
    img = _png(fig)
    rgb = (img[..., :3] * 255).round().astype(int)
    assert (rgb < 250).any(axis=-1).mean() > 0.05  # not an empty white page
    colours = {tuple(c) for c in rgb.reshape(-1, 3)[::7]}
    for hex_colour in maps.CLASS_HEX:
        assert tuple(maps.hex_to_rgba(hex_colour)[:3]) in colours, hex_colour


def test_static_map_region_level_without_shares():
    gdf = geo.load_regions().copy()
    fig = maps.static_map(gdf, "Regioner", "", "", lang="en")
    rgb = (_png(fig)[..., :3] * 255).round().astype(int)
    grey = tuple(maps.hex_to_rgba(maps.NO_DATA_HEX)[:3])
    assert grey in {tuple(c) for c in rgb.reshape(-1, 3)}
