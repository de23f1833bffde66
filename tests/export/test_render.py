"""Images (``export.render``): chart PNG/SVG through kaleido and the system Chromium, map PNG/SVG through
matplotlib, and the renderer's limits. One Chromium (kaleido) is shared by the whole test session."""

from __future__ import annotations

import asyncio
import io
import threading
import xml.etree.ElementTree as ET

import numpy as np
import plotly.graph_objects as go
import pytest
from PIL import Image

from dashboard import export
from dashboard.ingest import demo

needs_chromium = pytest.mark.needs("chromium")  # skipped without it; failed when CI=true (tests/conftest.py)


def _png(data: bytes) -> Image.Image:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return Image.open(io.BytesIO(data))


def _not_blank(img: Image.Image) -> None:
    grey = np.asarray(img.convert("L"))
    assert grey.std() > 10, "image is (nearly) one colour"
    assert (grey < 200).mean() > 0.01, "almost nothing drawn"


def _svg_text(data: bytes) -> str:
    root = ET.fromstring(data)
    return " ".join(t for el in root.iter() for t in (el.text, el.get("data-unformatted")) if t)


# --------------------------------------------------------------------------- charts (kaleido)


@needs_chromium
def test_chart_png_is_1920x1080_and_2x_is_3840x2160(b23):
    fig = b23.charts[0].figure
    one = _png(export.chart_png(fig))
    assert one.size == (1920, 1080)
    _not_blank(one)
    two = _png(export.chart_png(fig, 2))
    assert two.size == (3840, 2160)
    _not_blank(two)


@needs_chromium
def test_chart_svg_parses_and_carries_title_selection_and_source(b23):
    item = next(c for c in b23.charts if c.key == "regler-vardcentral")
    text = _svg_text(export.chart_svg(item.figure))
    assert item.title in text  # "Svar per regel, vårdcentraler": å/ä/ö survive
    assert "Region Jämtland Härjedalen" in text and "22 vårdcentraler" in text
    assert "Exempeldata, kalibrerad mot IVO:s publicerade andelar" in text
    assert "Källa: IVO" not in text  # generated numbers are never credited to IVO


@needs_chromium
def test_chart_image_is_cached_by_content(b23):
    fig = b23.charts[0].figure
    assert export.chart_png(fig) is export.chart_png(go.Figure(fig))


def test_plotly_geo_is_refused_before_any_browser():
    with pytest.raises(export.ExportError, match="plotly geo"):
        export.chart_png(go.Figure(go.Scattergeo(lon=[18], lat=[59])))


def test_a_hanging_render_times_out_with_a_clear_error(monkeypatch):
    """kaleido can hang (plotly/Kaleido #134): the wait is bounded and the browser reset."""

    class Stuck:
        closed = False

        async def calc_fig(self, fig, opts=None):
            await asyncio.sleep(3600)

        async def close(self):
            Stuck.closed = True

    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    renderer = export.render._Renderer()
    renderer._loop, renderer._thread, renderer._kaleido = loop, thread, Stuck()
    monkeypatch.setattr(export.render, "RENDER_TIMEOUT", 0.3)
    with pytest.raises(export.ExportError, match="svarade inte inom 0.3 s"):
        renderer.render(go.Figure(), {"format": "png"})
    assert Stuck.closed and renderer._kaleido is None
    thread.join(timeout=5)
    assert not thread.is_alive()


def test_the_render_page_loads_nothing_from_the_internet():
    """plotly.js from the installed package and MathJax off, as the renderer configures kaleido."""
    import kaleido

    page = kaleido.PageGenerator(mathjax=False).generate_index()
    assert "http://" not in page and "https://" not in page
    assert "plotly.min.js" in page


def test_browser_path_prefers_the_configured_chromium(monkeypatch, tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("")
    monkeypatch.setenv("TILLSYN_CHROMIUM", str(fake))
    assert export.browser_path() == str(fake)


# --------------------------------------------------------------------------- maps (matplotlib)


def test_map_png_and_svg_from_the_same_classes(b23):
    item = b23.maps[0]
    assert item.level == "kommun" and set(item.table["region_kod"]) == {"23"}
    img = _png(export.map_png(item.figure))
    assert img.size == (1920, 1080)
    _not_blank(img)
    assert _png(export.map_png(item.figure, 2)).size == (3840, 2160)
    text = _svg_text(export.map_svg(item.figure))
    assert item.title in text and "Exempeldata" in text and "N" in text.split()
    # the legend is the interactive map's classes
    assert "0–20 %" in text and "80–100 %" in text and "Ingen data" in text


def test_a_chart_image_for_a_slide_takes_the_finding_title_wrapped_over_its_subtitle(example):
    units, answers, _ = example
    b = export.build(units, answers, demo.ROUND, region="18")
    want = "Region Örebro län: 20 av 27 vårdcentraler följer inte alla regler eller vet inte – högst andel i landet"
    fig = export.render.with_title(b.charts[0].figure, want)
    text = fig.layout.title.text
    assert text.replace("<br>", " ").startswith(want) and "<sup>Omgång 2023" in text
    assert max(len(line) for line in text.split("<br>")[:2]) <= 80  # wrapped to fit 16:9
