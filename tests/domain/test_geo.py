"""Committed boundaries: complete, small, deterministic, topologically clean; point queries work."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import shapely

from dashboard.domain import geo, reference


@pytest.fixture(scope="module")
def kommun():
    return geo.load_kommun()


@pytest.fixture(scope="module")
def regions():
    return geo.load_regions()


def test_all_municipalities_and_regions_with_reference_codes(kommun, regions):
    assert len(kommun) == 290
    assert len(regions) == 21
    assert kommun["kommun_kod"].is_unique and regions["region_kod"].is_unique
    assert kommun["kommun_kod"].tolist() == reference.municipalities()["kommun_kod"].tolist()
    assert sorted(regions["region_kod"]) == sorted(reference.regions()["region_kod"])
    assert (kommun["region_kod"] == kommun["kommun_kod"].str[:2]).all()
    assert kommun.crs.to_epsg() == 4326


def test_codes_are_strings_with_leading_zeros(kommun, regions):
    assert all(isinstance(c, str) and len(c) == 4 for c in kommun["kommun_kod"])
    assert "0114" in set(kommun["kommun_kod"])
    assert all(isinstance(c, str) and len(c) == 2 for c in regions["region_kod"])


def test_region_names_are_official(regions):
    names = dict(zip(regions["region_kod"], regions["region"], strict=True))
    assert names["14"] == "Västra Götalandsregionen"
    assert names == {code: official for code, (official, _) in reference.REGIONS.items()}


def test_kommun_file_is_small():
    size = (geo.GEO_DIR / "kommun.geojson").stat().st_size
    assert 50_000 < size <= 400_000


def test_build_is_deterministic_and_matches_committed_files(tmp_path: Path):
    sizes_a = geo.build(tmp_path / "a")
    geo.build(tmp_path / "b")
    for name in ("kommun.geojson", "region.geojson"):
        a = (tmp_path / "a" / name).read_bytes()
        assert a == (tmp_path / "b" / name).read_bytes()
        assert sizes_a[name] == len(a)
        assert a == (geo.GEO_DIR / name).read_bytes(), f"geo/{name} is stale: run python -m dashboard.domain.geo"


def test_geometries_valid_and_polygonal(kommun, regions):
    for gdf in (kommun, regions):
        geoms = gdf.geometry.values
        assert shapely.is_valid(geoms).all()
        assert not shapely.is_empty(geoms).any()
        assert set(gdf.geom_type) <= {"Polygon", "MultiPolygon"}


def test_kommun_polygons_do_not_overlap(kommun):
    geoms = np.asarray(kommun.geometry.values, dtype=object)
    union_area = shapely.area(shapely.union_all(geoms))
    assert shapely.area(geoms).sum() == pytest.approx(union_area, rel=0.005)
    assert shapely.coverage_is_valid(geoms)


def test_regions_are_dissolved_from_the_same_kommun_geometry(kommun, regions):
    kommun_union = shapely.union_all(np.asarray(kommun.geometry.values, dtype=object))
    region_union = shapely.union_all(np.asarray(regions.geometry.values, dtype=object))
    assert shapely.area(region_union) == pytest.approx(shapely.area(kommun_union), rel=0.005)
    assert shapely.area(shapely.symmetric_difference(region_union, kommun_union)) < 0.005 * shapely.area(
        kommun_union
    )
    stockholm = regions.set_index("region_kod").geometry["01"]
    members = shapely.union_all(
        np.asarray(kommun[kommun["region_kod"] == "01"].geometry.values, dtype=object)
    )
    assert shapely.area(shapely.symmetric_difference(stockholm, members)) < 1e-6


def test_geojson_dict_and_region_subset():
    full = geo.geojson_dict("kommun")
    assert full["type"] == "FeatureCollection" and len(full["features"]) == 290
    props = full["features"][0]["properties"]
    assert set(props) == {"kommun_kod", "kommun", "region_kod"}
    stockholm = geo.geojson_dict("kommun", "01")
    assert len(stockholm["features"]) == 26
    assert {f["properties"]["region_kod"] for f in stockholm["features"]} == {"01"}
    assert len(geo.geojson_dict("region")["features"]) == 21


def test_random_points_are_inside_and_reproducible(kommun):
    shape = kommun.set_index("kommun_kod").geometry["0180"]
    points = geo.random_points_in(shape, 50, np.random.default_rng(7))
    assert len(points) == 50
    lats, lons = zip(*points, strict=True)
    assert shapely.contains_xy(shape, np.array(lons), np.array(lats)).all()
    assert min(lats) > 59.0 and max(lats) < 59.6  # (lat, lon) order, not (lon, lat)
    assert points == geo.random_points_in(shape, 50, np.random.default_rng(7))
    assert points != geo.random_points_in(shape, 50, np.random.default_rng(8))
    assert geo.random_points_in(shape, 0, np.random.default_rng(7)) == []


def test_random_points_in_a_sliver_fall_back_inside():
    sliver = shapely.Polygon([(15.0, 60.0), (16.0, 60.0), (16.0, 60.0 + 1e-7), (15.0, 60.0 + 1e-7)])
    # a diagonal band fills a tiny share of its bounding box
    band = shapely.LineString([(14.0, 58.0), (18.0, 62.0)]).buffer(1e-5)
    for shape in (sliver, band):
        points = geo.random_points_in(shape, 5, np.random.default_rng(1))
        assert len(points) == 5
        for lat, lon in points:
            assert shapely.contains_xy(shape, lon, lat)


def test_kommun_at_known_places():
    assert geo.kommun_at(59.33, 18.07) == "0180"  # Stockholm city centre
    assert geo.kommun_at(63.18, 14.64) == "2380"  # Östersund
    assert geo.kommun_at(57.70, 11.97) == "1480"  # Göteborg
    assert geo.kommun_at(56.0, 19.5) is None  # open Baltic Sea
    assert geo.kommun_at(float("nan"), 18.0) is None
    assert geo.kommuner_at([59.33, 56.0, 63.18], [18.07, 19.5, 14.64]) == ["0180", None, "2380"]


def test_bounds_view_frames_sweden_and_regions():
    sweden = geo.bounds_view([], "kommun")
    assert 3.6 <= sweden["zoom"] <= 4.1
    assert 60 < sweden["latitude"] < 65 and 15 < sweden["longitude"] < 20
    assert geo.bounds_view(["99"], "region") == geo.bounds_view([], "region")  # unknown codes: all of Sweden

    stockholm = geo.bounds_view(["01"], "region")
    assert stockholm["zoom"] > sweden["zoom"] + 2
    assert 58.7 < stockholm["latitude"] < 60.3 and 17.2 < stockholm["longitude"] < 19.2
    city = geo.bounds_view(["0180"], "kommun")
    assert city["zoom"] > stockholm["zoom"]


def test_geo_dir_env_override(tmp_path: Path):
    env = {**os.environ, "TILLSYN_GEO_DIR": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", "from dashboard.domain import geo; print(geo.GEO_DIR)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(out.stdout.strip()) == tmp_path
