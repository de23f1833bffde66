"""Map colour scales: class breaks, no data, a sequential colour-blind-safe palette, legend rows."""

from __future__ import annotations

import numpy as np
import pytest

from dashboard.present import scales


def _luminance(hex_colour: str) -> float:
    r, g, b, _ = scales.hex_to_rgba(hex_colour)

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
    assert scales.class_of(share) == expected


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, np.float64("nan")])
def test_missing_is_no_data(missing):
    assert scales.class_of(missing) is None
    assert scales.colour_for(missing) == scales.hex_to_rgba(scales.NO_DATA_HEX)


@pytest.mark.parametrize("bad", [-1, 100.5, 250])
def test_out_of_range_share_raises(bad):
    with pytest.raises(ValueError):
        scales.class_of(bad)


def test_scale_is_sequential_light_to_dark_and_no_data_distinct():
    lum = [_luminance(h) for h in scales.CLASS_HEX]
    assert all(a > b for a, b in zip(lum, lum[1:], strict=False)), lum
    # adjacent classes clearly apart (contrast ratio >= 1.3)
    assert all((a + 0.05) / (b + 0.05) >= 1.3 for a, b in zip(lum, lum[1:], strict=False))
    assert scales.NO_DATA_HEX not in scales.CLASS_HEX
    grey = scales.hex_to_rgba(scales.NO_DATA_HEX)
    assert grey[0] == grey[1] == grey[2]  # achromatic, unlike every class colour
    assert all(len(set(scales.hex_to_rgba(h)[:3])) > 1 for h in scales.CLASS_HEX)
    assert scales.colour_for(50) == scales.hex_to_rgba(scales.CLASS_HEX[2])


def test_legend_rows():
    rows = scales.legend_rows("sv")
    assert [r["label"] for r in rows] == ["0–20 %", "20–40 %", "40–60 %", "60–80 %", "80–100 %", "Ingen data"]
    assert rows[-1]["class"] is None and rows[-1]["hex"] == scales.NO_DATA_HEX
    assert scales.legend_rows("en")[-1]["label"] == "No data"
    assert scales.legend_rows("en", {"no_data": "Saknas"})[-1]["label"] == "Saknas"
    assert len({r["hex"] for r in rows}) == 6
