"""The offline pydeck deck: no URLs, flat tooltips, no HTML, status not by colour alone."""

from __future__ import annotations

import copy
import json

import numpy as np
import pydeck as pdk
import pytest
from map_points import POINTS, XSS

from dashboard.domain import geo
from dashboard.present import deck as decks
from dashboard.present import scales


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
    return decks.choropleth_deck(features, values, "kommun", geo.bounds_view([], "kommun"), points, **kwargs)


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
    assert sthlm["fill"] == scales.hex_to_rgba(scales.CLASS_HEX[2])
    assert props["2380"]["tooltip"] == "Östersund\n86 %"
    assert props["2380"]["fill"] == scales.hex_to_rgba(scales.CLASS_HEX[4])
    # no value at all, and NaN: no-data colour and label
    assert props["0115"]["share"] is None and props["0115"]["fill"] == scales.hex_to_rgba(scales.NO_DATA_HEX)
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
    records = decks.point_records(POINTS)
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
        decks.point_records([{"lat": 59.0, "lon": 18.0, "status": "maybe"}])


def test_compact_json_is_the_same_spec_as_pydeck_json():
    deck = _deck(points=POINTS)
    compact = deck.to_json()
    assert json.loads(compact) == json.loads(pdk.Deck.to_json(deck))
    assert len(compact) < 0.5 * len(pdk.Deck.to_json(deck))
    assert len(compact.encode()) < 600_000


def test_region_level_deck():
    values = [{"region_kod": "01", "share": 10}, {"code": "25", "share": 90}]
    deck = decks.choropleth_deck(geo.geojson_dict("region"), values, "region", geo.bounds_view([], "region"))
    props = _features_by_code(json.loads(deck.to_json()))
    assert len(props) == 21
    assert props["01"]["name"] == "Region Stockholm" and props["01"]["share_class"] == 0
    assert props["25"]["share_class"] == 4


def test_published_layers_carry_only_a_url_and_the_data_goes_out_whole():
    """With ``publish`` each layer's data leaves the deck (it goes to the browser as a file): the deck
    holds the URL the publisher gave, and the publisher got exactly the data the inline deck holds."""
    sent: dict[str, object] = {}

    def publish(kind: str, data: object) -> str:
        sent[kind] = data
        return f"/app/static/maps/{kind}.json"

    inline = json.loads(_deck(points=POINTS).to_json())
    published = _deck(points=POINTS, publish=publish)
    spec = json.loads(published.to_json())
    assert [layer["data"] for layer in spec["layers"]] == [
        "/app/static/maps/areas-kommun.json", "/app/static/maps/units-follows_all.json",
        "/app/static/maps/units-not_all.json", "/app/static/maps/units-follows_none.json",
        "/app/static/maps/units-no_answer.json"]
    assert json.loads(json.dumps(sent["areas-kommun"])) == inline["layers"][0]["data"]
    assert json.loads(json.dumps(sent["units-no_answer"])) == inline["layers"][4]["data"]
    # everything but the data is the same deck
    for a, b in zip(spec["layers"], inline["layers"], strict=True):
        assert {k: v for k, v in a.items() if k != "data"} == {k: v for k, v in b.items() if k != "data"}
    assert len(published.to_json()) < 3_000 < len(_deck(points=POINTS).to_json())


def test_the_json_is_made_once_per_deck():
    deck = _deck()
    first = deck.to_json()
    assert deck.to_json() is first  # the same string, not serialised again per page open
    assert _deck().to_json() == first and _deck().to_json() is not first
