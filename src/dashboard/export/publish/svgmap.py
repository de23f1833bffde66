"""Inline SVG maps for the static edition: the country's regions, a region's municipalities.

Why SVG in the page: the map must show without JavaScript, tiles or a request to anyone, and be
small enough that the national page with everything it loads stays under 300 KB. The boundaries
are the app's (``geo/*.geojson``), projected to SWEREF 99 TM (EPSG:3006, Sweden's own projection,
so the north is not stretched as in Web Mercator), simplified as one coverage (neighbours keep
their shared edges) to about half a pixel, and written as integer pixel paths.

Colour is never the only carrier: the share classes are the app's (``present.scales``: viridis,
colour-blind safe, lightness ordered); an area with too few units for a share is drawn in its
units' status colour *with a hatch*, an area without units in grey *with dots*; every area has a
``<title>`` (a tooltip without JavaScript) and the table beside the map names each area's class.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely
from markupsafe import Markup, escape

from dashboard import i18n
from dashboard.domain import geo
from dashboard.figures import aggregate
from dashboard.present import scales

SWEREF99_TM = "EPSG:3006"
COUNTRY_WIDTH = 360  # px: Sweden is about 2.4 times as tall as wide
REGION_WIDTH = 480
SIMPLIFY_PX = 0.6  # coverage simplification tolerance, in pixels of the drawn map
OUTLINE = "#404040"
STATUS_KEYS = tuple(f"s-{s}" for s in scales.STATUS_ORDER)
NO_UNITS = "none"


@dataclass(frozen=True)
class Frame:
    """One map's geometry: the areas' path data in pixels, and the drawing's size."""

    width: int
    height: int
    paths: dict[str, str]  # code -> SVG path data
    names: dict[str, str]  # code -> area name (the boundaries' own)


@dataclass(frozen=True)
class Area:
    """How one area is drawn: its class key (``c0``–``c4``, ``s-<status>``, ``none``), the tooltip
    text, the page it opens (relative link, or empty) and whether it is the page's own area."""

    code: str
    key: str
    title: str
    href: str = ""
    current: bool = False


def _path_data(geom: shapely.Geometry, minx: float, maxy: float, scale: float) -> str:
    parts = []
    for poly in shapely.get_parts(geom):
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)
            px = np.rint((xy[:, 0] - minx) * scale).astype(int)
            py = np.rint((maxy - xy[:, 1]) * scale).astype(int)
            keep = np.ones(len(px), dtype=bool)
            keep[1:] = (np.diff(px) != 0) | (np.diff(py) != 0)
            px, py = px[keep], py[keep]
            if len(px) < 4:  # collapsed below a pixel: nothing to draw
                continue
            pts = " ".join(f"{x} {y}" for x, y in zip(px[:-1].tolist(), py[:-1].tolist(), strict=True))
            parts.append(f"M{pts}Z")
    return "".join(parts)


@lru_cache(maxsize=2)
def _projected(level: str):  # noqa: ANN202 - a GeoDataFrame, shared: do not mutate
    return geo.load(level).to_crs(SWEREF99_TM)  # type: ignore[arg-type]


@lru_cache(maxsize=32)
def frame(level: str, region_kod: str = "") -> Frame:
    """The regions of the country (``level`` "region") or one region's municipalities ("kommun")."""
    gdf = _projected(level)
    code_col = "region_kod" if level == "region" else "kommun_kod"
    name_col = "region" if level == "region" else "kommun"
    if region_kod:
        gdf = gdf[gdf["region_kod"] == region_kod]
    minx, miny, maxx, maxy = (float(v) for v in gdf.total_bounds)
    width = COUNTRY_WIDTH if level == "region" else REGION_WIDTH
    scale = width / (maxx - minx)
    geoms = shapely.coverage_simplify(np.asarray(gdf.geometry.values, dtype=object), SIMPLIFY_PX / scale)
    codes = gdf[code_col].astype(str).tolist()
    paths = {c: _path_data(g, minx, maxy, scale) for c, g in zip(codes, geoms, strict=True)}
    names = dict(zip(codes, gdf[name_col].astype(str), strict=True))
    return Frame(width=width, height=int(np.ceil((maxy - miny) * scale)), paths=paths, names=names)


def area_key(n_units: int, n_responded: int, n_not_all: int, n_none: int, share: float | None) -> str:
    """The class an area is drawn in: a share class (``c0``–``c4``) when enough units responded, its
    units' status (``s-…``, the app's small-area rule: ``aggregate.area_status``) when too few, and
    ``none`` when it has no units at all."""
    if not n_units:
        return NO_UNITS
    if aggregate.too_few(n_responded):
        return "s-" + aggregate.area_status(int(n_responded), int(n_not_all), int(n_none))
    cls = scales.class_of(None if share is None or share != share else float(share) * 100)
    return NO_UNITS if cls is None else f"c{cls}"


def key_label(key: str, lang: str) -> str:
    """What a class key means, in words: the legend's label and the table's "on the map" cell."""
    if key.startswith("c"):
        return scales.class_label(int(key[1:]))
    if key.startswith("s-"):
        return i18n.t("pub_map_small", lang, status=scales.STATUS_LABEL[lang][key[2:]])
    return i18n.t("no_units", lang)


def _fill(key: str) -> str:
    if key.startswith("c"):
        return scales.CLASS_HEX[int(key[1:])]
    if key.startswith("s-"):
        return scales.AREA_STATUS_HEX[key[2:]]
    return scales.NO_DATA_HEX


def _patterns(prefix: str, keys: Iterable[str]) -> str:
    """Hatches for small areas, dots for areas without units: the second carrier besides colour."""
    out = []
    for key in sorted(set(keys)):
        fill = _fill(key)
        if key.startswith("s-"):
            ink = "#555555" if fill.lower() == "#ffffff" else "#ffffff"
            out.append(f'<pattern id="{prefix}{key}" width="6" height="6" patternUnits="userSpaceOnUse" '
                       f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{fill}"/>'
                       f'<rect width="2" height="6" fill="{ink}"/></pattern>')
        elif key == NO_UNITS:
            out.append(f'<pattern id="{prefix}{key}" width="5" height="5" patternUnits="userSpaceOnUse">'
                       f'<rect width="5" height="5" fill="{fill}"/><circle cx="2.5" cy="2.5" r="1" '
                       f'fill="#777777"/></pattern>')
    return "".join(out)


def _paint(prefix: str, key: str) -> str:
    return _fill(key) if key.startswith("c") else f"url(#{prefix}{key})"


def svg(fr: Frame, areas: Sequence[Area], label_id: str, prefix: str = "m-") -> Markup:
    """The map as an ``<svg role="img">`` labelled by the element ``label_id`` (its caption).

    Areas carry ``data-href`` for the small script that opens a clicked area's page; the links
    themselves are in the table beside the map, so nothing depends on the script."""
    by_code = {a.code: a for a in areas}
    body = []
    current = []
    for code, d in fr.paths.items():
        area = by_code.get(code)
        if area is None or not d:
            continue
        attrs = f' data-href="{escape(area.href)}"' if area.href else ""
        item = (f'<path d="{d}" fill="{_paint(prefix, area.key)}" class="area {escape(area.key)}"{attrs}>'
                f"<title>{escape(area.title)}</title></path>")
        (current if area.current else body).append(item)
    # The page's own area last, with a heavy outline, so its border is not hidden by neighbours.
    body.extend(item.replace('class="area ', 'class="area current ', 1) for item in current)
    defs = _patterns(prefix, (a.key for a in areas))
    return Markup(
        f'<svg class="map" viewBox="0 0 {fr.width} {fr.height}" width="{fr.width}" height="{fr.height}" '
        f'role="img" aria-labelledby="{escape(label_id)}" xmlns="http://www.w3.org/2000/svg">'
        f"<defs>{defs}</defs><g stroke=\"{OUTLINE}\" stroke-width=\"0.6\" stroke-linejoin=\"round\">"
        f"{''.join(body)}</g></svg>")


LEGEND_ORDER = (*(f"c{i}" for i in range(len(scales.CLASS_HEX))), *STATUS_KEYS, NO_UNITS)


def legend(keys: Iterable[str], lang: str, prefix: str = "l-") -> list[dict[str, Markup | str]]:
    """The legend rows of the classes a map uses, in a fixed order: a small swatch (with the same
    hatch or dots as the map) and its words."""
    used = set(keys)
    rows = []
    for key in LEGEND_ORDER:
        if key not in used:
            continue
        swatch = Markup(
            f'<svg class="swatch" width="18" height="14" viewBox="0 0 18 14" aria-hidden="true" '
            f'focusable="false"><defs>{_patterns(prefix, [key])}</defs><rect x="0.5" y="0.5" width="17" '
            f'height="13" fill="{_paint(prefix, key)}" stroke="{OUTLINE}"/></svg>')
        rows.append({"key": key, "swatch": swatch, "label": key_label(key, lang)})
    return rows
