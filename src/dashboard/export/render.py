"""Images: plotly charts through kaleido and the system Chromium, maps through matplotlib.

Chart images come from plotly's own static export (kaleido 1.x) driven by the system Chromium
(never a downloaded Chrome, never a CDN: MathJax off, plotly.js from the installed package).
Maps are drawn with geopandas/matplotlib (``static_map``) with the interactive map's
class breaks.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import hashlib
import io
import os
import shutil
import threading
from collections import OrderedDict
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import plotly.graph_objects as go

from dashboard import i18n
from dashboard.export.common import ExportError
from dashboard.export.static_map import static_map
from dashboard.figures import aggregate
from dashboard.present import scales

if TYPE_CHECKING:  # matplotlib is imported where a map is drawn: pages load faster without it
    from matplotlib.figure import Figure

# Charts are laid out at 1280×720 CSS px and rasterised at 1.5× so a PNG is 1920×1080 with text
# large enough for a slide; the "2×" option doubles that (3840×2160).
CHART_WIDTH, CHART_HEIGHT = 1280, 720
PNG_SCALE = 1.5
# static_map draws at 12.8×7.2 in; 150 dpi gives the same 1920×1080.
MAP_DPI = 150
EXPORT_FONT = 16
RENDER_TIMEOUT = float(os.environ.get("TILLSYN_EXPORT_TIMEOUT", "60"))
_GEO_TRACES = {"scattergeo", "choropleth", "choroplethmap", "choroplethmapbox", "scattermap",
               "scattermapbox", "densitymap", "densitymapbox"}


def browser_path() -> str:
    """The Chromium kaleido drives: ``TILLSYN_CHROMIUM`` or ``BROWSER_PATH`` if set, else the system one.

    kaleido would otherwise look for (or offer to download) its own Chrome, which needs the internet.
    """
    candidates = [os.environ.get("TILLSYN_CHROMIUM"), os.environ.get("BROWSER_PATH"), "/usr/bin/chromium",
                  "/usr/bin/chromium-browser", shutil.which("chromium"), shutil.which("chromium-browser"),
                  shutil.which("google-chrome")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return candidate
    raise ExportError(i18n.t("exp_err_no_chromium"))


class _Renderer:
    """One headless Chromium (through kaleido) on its own event-loop thread, shared by the process.

    Why: starting Chromium takes a second or two, a render after that about 0.1 s. Every wait
    has a timeout (kaleido's ``write_image`` is known to hang), and after a timeout or a crash
    the browser is closed so the next export starts a fresh one.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido: Any = None
        self._atexit = False

    def _start(self) -> None:
        import kaleido

        path = browser_path()
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="tillsyn-kaleido", daemon=True)
        thread.start()

        async def open_browser() -> Any:
            # --no-sandbox is choreographer's default (enable_sandbox=False): needed as root in CI.
            k = kaleido.Kaleido(path=path, mathjax=False, timeout=RENDER_TIMEOUT, n=1)
            await k.open()
            return k

        future = asyncio.run_coroutine_threadsafe(open_browser(), loop)
        try:
            self._kaleido = future.result(timeout=RENDER_TIMEOUT)
        except BaseException as exc:
            future.cancel()
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=5)
            if isinstance(exc, FutureTimeout):
                raise ExportError(i18n.t("exp_err_chromium_slow", path=path, seconds=f"{RENDER_TIMEOUT:g}")) from None
            raise ExportError(i18n.t("exp_err_chromium_start", path=path, error=exc)) from exc
        self._loop, self._thread = loop, thread
        if not self._atexit:
            atexit.register(self.close)
            self._atexit = True

    def render(self, fig: go.Figure, opts: dict[str, Any]) -> bytes:
        with self._lock:
            if self._kaleido is None:
                self._start()
            loop, k = self._loop, self._kaleido
        assert loop is not None
        future = asyncio.run_coroutine_threadsafe(k.calc_fig(fig, opts=opts), loop)
        try:
            return future.result(timeout=RENDER_TIMEOUT + min(5.0, RENDER_TIMEOUT))
        except FutureTimeout:
            future.cancel()
            self.close()
            raise ExportError(i18n.t("exp_err_render_timeout", seconds=f"{RENDER_TIMEOUT:g}")) from None
        except ExportError:
            raise
        except Exception as exc:  # a crashed browser: start a new one next time
            self.close()
            raise ExportError(f"Bildexporten misslyckades: {exc}") from exc

    def close(self) -> None:
        """Close the browser (also at exit); a later render starts a new one."""
        with self._lock:
            loop, thread, k = self._loop, self._thread, self._kaleido
            self._loop = self._thread = self._kaleido = None
        if loop is None:
            return
        if k is not None:
            try:
                asyncio.run_coroutine_threadsafe(k.close(), loop).result(timeout=10)
            except Exception:  # noqa: BLE001 - closing must not fail; kill what is left
                proc = getattr(k, "subprocess", None)
                with contextlib.suppress(Exception):
                    proc.kill()
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(timeout=5)


_renderer = _Renderer()
_image_cache: OrderedDict[str, bytes] = OrderedDict()
_cache_lock = threading.Lock()
_CACHE_SIZE = 64


def close_renderer() -> None:
    """Stop the shared Chromium (tests, or a long-lived process that is done exporting)."""
    _renderer.close()


def _export_figure(fig: go.Figure) -> go.Figure:
    """A copy at the export size; plotly geo is refused (it fetches topojson from a CDN)."""
    if any(getattr(trace, "type", "") in _GEO_TRACES for trace in fig.data):
        raise ExportError(i18n.t("exp_err_plotly_geo"))
    out = go.Figure(fig)
    # Legible on a projector: at 1920×1080 the body text is 24 px and the title 33 px.
    out.update_layout(width=CHART_WIDTH, height=CHART_HEIGHT, autosize=False, font={"size": EXPORT_FONT})
    out.update_layout(title_font={"size": EXPORT_FONT + 6})
    for note in out.layout.annotations or ():  # the source line and the country label
        if note.font is not None and note.font.size is not None and note.font.size < EXPORT_FONT - 2:
            note.font.size = EXPORT_FONT - 2
    return out


def with_title(fig: go.Figure, title: str, width: int = 80) -> go.Figure:
    """A copy of a plotly chart with ``title`` (wrapped for a 16:9 image) over its own subtitle.

    Why: a chart image made for a slide carries the deck's finding title (``findings.finding_titles``)
    instead of the screen's descriptive one, so the picture and the slide say the same."""
    import textwrap

    old = fig.layout.title.text or ""
    sub = old.split("<br>", 1)[1] if "<br>" in old else ""
    lines = textwrap.wrap(title, width)
    out = go.Figure(fig)
    out.update_layout(title_text="<br>".join(lines) + (f"<br>{sub}" if sub else ""),
                      margin={"t": 60 + 34 * len(lines)})
    return out


def _render(fig: go.Figure, fmt: str, scale: float) -> bytes:
    spec = _export_figure(fig)
    opts = {"format": fmt, "width": CHART_WIDTH, "height": CHART_HEIGHT, "scale": scale}
    key = hashlib.sha256((spec.to_json() + repr(sorted(opts.items()))).encode()).hexdigest()
    with _cache_lock:
        if key in _image_cache:
            _image_cache.move_to_end(key)
            return _image_cache[key]
    data = _renderer.render(spec, opts)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with _cache_lock:
        _image_cache[key] = data
        while len(_image_cache) > _CACHE_SIZE:
            _image_cache.popitem(last=False)
    return data


def chart_png(fig: go.Figure, scale: float = 1) -> bytes:
    """A 16:9 PNG of a plotly chart: 1920×1080 at scale 1, 3840×2160 at scale 2."""
    return _render(fig, "png", PNG_SCALE * scale)


def chart_svg(fig: go.Figure) -> bytes:
    """The chart as SVG (1280×720 user units, text kept as text so it stays searchable)."""
    return _render(fig, "svg", 1)


# matplotlib is not thread-safe, and Streamlit runs download callables on threads of their own.
mpl_lock = threading.RLock()


def map_png(figure: Figure, scale: float = 1) -> bytes:
    """A PNG of a ``static_map`` figure: 1920×1080 at scale 1 (its 12.8×7.2 in at 150 dpi)."""
    buf = io.BytesIO()
    with mpl_lock:
        figure.savefig(buf, format="png", dpi=MAP_DPI * scale, facecolor="white",
                       metadata={"Software": "Tillsynskartan"})
    return buf.getvalue()


def map_svg(figure: Figure) -> bytes:
    """The map as SVG with text as text (not outlines), so the title is searchable and readable."""
    import matplotlib

    buf = io.BytesIO()
    with mpl_lock, matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "tillsyn"}):
        figure.savefig(buf, format="svg", facecolor="white", metadata={"Date": None})
    return buf.getvalue()


def map_figure(table: pd.DataFrame, level: str, title: str, subtitle: str, source: str, lang: str = "sv",
               points: pd.DataFrame | None = None, legend_title: str = "") -> Figure:
    """A north-up static map from the committed geometry and the interactive map's classes.

    ``table`` is ``by_region``/``by_kommun`` output; ``points`` (optional) a status frame of units
    with lat/lon drawn with the status symbols.
    """
    # the small-n rule, as on the screen's map: an area with too few units for a share is drawn by
    # its units' status (``area_status``), never in a share class
    small = (table["n_units"] > 0) & (table["n_responded"] < aggregate.SMALL_N)
    status = [aggregate.area_status(int(n), int(k), int(z)) if sm else None for n, k, z, sm in
              zip(table["n_responded"], table["n_not_all"], table["n_none"], small, strict=True)]
    gdf = _areas(table.assign(area_status=status, share_not_all=aggregate.mask_small(table)["share_not_all"]),
                 level, ["share_not_all", "area_status"])
    gdf["share"] = gdf["share_not_all"].astype(float) * 100
    return static_map(gdf, title, subtitle, source, _labels(legend_title, lang), _records(points), lang=lang)


def rate_map_figure(table: pd.DataFrame, level: str, title: str, subtitle: str, source: str, lang: str = "sv",
                    points: pd.DataFrame | None = None) -> Figure:
    """The static map of health centres per 10 000 inhabitants, in the screen's rate classes.

    ``table`` is ``population.rate_table`` output (``per_10000`` NaN = the round does not cover the area).
    """
    gdf = _areas(table, level, "per_10000")
    return static_map(gdf, title, subtitle, source, _labels(i18n.t("popmap_per10000", lang), lang),
                      _records(points), value_key="per_10000", lang=lang, scale="rate")


def _areas(table: pd.DataFrame, level: str, columns: str | list[str]) -> Any:
    """The level's shapes that the table covers, with the table's ``columns`` joined on by code."""
    from dashboard.domain import geo

    code = "region_kod" if level == "region" else "kommun_kod"
    shapes = geo.load_regions() if level == "region" else geo.load_kommun()
    shapes = shapes[shapes[code].isin(set(table[code].astype(str)))]
    columns = [columns] if isinstance(columns, str) else columns
    values = table[[code, *columns]].assign(**{code: table[code].astype(str)})
    return shapes.merge(values, on=code, how="left")


def _labels(legend_title: str, lang: str) -> dict[str, str]:
    labels = {"legend_title": legend_title, "no_data": i18n.t("no_data", lang),
              "small_area": i18n.t("small_n_col", lang, limit=aggregate.SMALL_N).lower()}
    labels.update({status: i18n.t(status, lang) for status in scales.STATUS_ORDER})
    return labels


def _records(points: pd.DataFrame | None) -> list[dict[str, Any]] | None:
    """Units with coordinates as the static map's point records (None: no points drawn)."""
    if points is None:
        return None
    return [{"lat": r.lat, "lon": r.lon, "status": r.status, "name": r.name}
            for r in points.itertuples(index=False) if r.lat == r.lat and r.lon == r.lon]
