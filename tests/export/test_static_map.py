"""The exported map picture: 16:9, not blank, the screen's class colours, no data shown."""

from __future__ import annotations

import io
import math

import numpy as np
from map_points import POINTS
from matplotlib.figure import Figure
from matplotlib.image import imread

from dashboard.domain import geo
from dashboard.export.static_map import static_map
from dashboard.present import scales


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
    fig = static_map(
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
    for hex_colour in scales.CLASS_HEX:
        assert tuple(scales.hex_to_rgba(hex_colour)[:3]) in colours, hex_colour


def test_static_map_region_level_without_shares():
    gdf = geo.load_regions().copy()
    fig = static_map(gdf, "Regioner", "", "", lang="en")
    rgb = (_png(fig)[..., :3] * 255).round().astype(int)
    grey = tuple(scales.hex_to_rgba(scales.NO_DATA_HEX)[:3])
    assert grey in {tuple(c) for c in rgb.reshape(-1, 3)}
