"""Exports for slides, reports and letters: chart and map images, data files, a presentation pack
and a region's attachment.

Why one module: a file that leaves the app must say the same as the screen, so every export is
built from the same aggregation, chart and map functions the pages use. The format functions are
pure (tables or figures in, bytes out); ``build``/``bundle`` assemble everything for one
selection, and both the download buttons (``downloads``) and ``tillsyn export`` call them.

Chart images come from plotly's own static export (kaleido 1.x) driven by the system Chromium
(never a downloaded Chrome, never a CDN: MathJax off, plotly.js from the installed package).
Maps are drawn with geopandas/matplotlib (``maps.static_map``) with the interactive map's
class breaks. Text that came from a user's file is never run: spreadsheet cells that begin
with a formula character get a leading apostrophe.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import datetime as dt
import hashlib
import io
import os
import re
import shutil
import sys
import tempfile
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import plotly.graph_objects as go

from dashboard import aggregate, charts, datasets, filters, i18n, maps, reference

if TYPE_CHECKING:  # matplotlib is imported where a map is drawn: pages load faster without it
    from matplotlib.figure import Figure

i18n.register({
    "exp_by_kommun_title": ("Andel {units} som inte följer alla regler eller inte vet, per kommun",
                            "Share of {units} not following all rules or not knowing, by municipality"),
    "exp_map_region_title": ("Andel {units} som inte följer alla regler eller inte vet, per region",
                             "Share of {units} not following all rules or not knowing, by region"),
    "exp_about_sheet": ("Om data", "About the data"),
    "exp_data_sheet": ("Data", "Data"),
    "exp_field": ("Uppgift", "Item"),
    "exp_value": ("Värde", "Value"),
    "exp_title": ("Titel", "Title"),
    "exp_source": ("Källa", "Source"),
    "exp_selection": ("Urval", "Selection"),
    "exp_filters": ("Filter", "Filters"),
    "exp_created": ("Skapad", "Created"),
    "exp_created_by": ("Skapad med", "Made with"),
    "exp_rule": ("Regel för andelen", "Rule behind the share"),
    "exp_rule_text": (
        "En enhet räknas som att den inte följer alla regler, eller inte vet, när den har svarat nej, "
        "vet ej eller inte svarat på någon bindande regel (ska) i HSLF-FS 2022:39. Allmänna råd (bör) "
        "räknas inte. Andelarna gäller enheter som har svarat; svarsfrekvensen gäller alla enheter.",
        "A unit counts as not following all rules, or not knowing, when it answered no, don't know or "
        "nothing on any binding provision (shall) of HSLF-FS 2022:39. General advice (should) is not "
        "counted. Shares are over units that responded; the response rate is over all units.",
    ),
    "exp_not_example": ("Nej: data från en importerad enkätomgång", "No: data from an imported survey round"),
    "exp_example_column": ("Exempeldata", "Example data"),
    "exp_yes": ("Ja", "Yes"),
    "exp_no": ("Nej", "No"),
    "exp_code_region": ("Regionkod", "Region code"),
    "exp_code_kommun": ("Kommunkod", "Municipality code"),
    "exp_unit_id": ("Enhets-id", "Unit id"),
    "exp_unit": ("Enhet", "Unit"),
    "exp_status": ("Status", "Status"),
    "exp_responded": ("Har svarat", "Responded"),
    "exp_n_rules": ("Antal regler", "Provisions"),
    "exp_n_ja": ("Antal ja", "Yes answers"),
    "exp_title_col": ("Rubrik", "Title"),
    "exp_reference": ("Referens", "Reference"),
    "exp_general_advice": ("Allmänt råd", "General advice"),
    "exp_share_none": ("Andel ingen / vet ej (%)", "Share none / don't know (%)"),
    "exp_response_rate_pct": ("Svarsfrekvens (%)", "Response rate (%)"),
    "exp_country_pct": ("Riket (%)", "Country (%)"),
    "exp_region_pct": ("Regionen (%)", "Region (%)"),
    "exp_pack_title": ("Tillsynskartan: {selection}", "Tillsynskartan: {selection}"),
    "exp_pack_subtitle": ("IVO:s tillsyn av arbetet mot våld i nära relationer (HSLF-FS 2022:39) · Omgång {round}",
                          "IVO's supervision of the work against violence in close relationships "
                          "(HSLF-FS 2022:39) · Round {round}"),
    "exp_units_slide": ("Enheter", "Units"),
    "exp_regions_slide": ("Regioner", "Regions"),
    "exp_continued": ("forts.", "cont."),
    "exp_method_slide": ("Metod och källor", "Method and sources"),
    "exp_full_table": ("Hela tabellen finns i Excel-filen (XLSX) för samma urval.",
                       "The full table is in the Excel file (XLSX) for the same selection."),
    "exp_no_units": ("Inga enheter i urvalet.", "No units in the selection."),
    "exp_notes_headline": (
        "I {scope} har {k} av {n} {units} som svarat, {p} procent, uppgett att de inte följer alla regler "
        "eller inte vet om de gör det. {none} följer ingen regel eller vet inte. {resp} av {total} har svarat.",
        "In {scope}, {k} of {n} {units} that responded, {p} percent, said they do not follow all rules or "
        "do not know whether they do. {none} follow none of the rules or do not know. {resp} of {total} responded.",
    ),
    "exp_notes_country": ("I riket är andelen {p} procent; skillnaden är {pp} procentenheter.",
                          "For the country the share is {p} percent; the difference is {pp} percentage points."),
    "exp_notes_map": ("Kartan visar {title_lc}. Färgklasserna är 0–20, 20–40, 40–60, 60–80 och 80–100 procent; "
                      "grått betyder att ingen enhet har svarat. {caption}",
                      "The map shows the {title_lc}. The colour classes are 0–20, 20–40, 40–60, 60–80 and "
                      "80–100 percent; grey means no unit responded. {caption}"),
    "exp_notes_table": ("Rad {a}–{b} av {n}.", "Rows {a}–{b} of {n}."),
    "exp_docx_kicker": ("Bilaga till", "Attachment to"),
    "exp_docx_letter": ("Meddelande om avslut av tillsyn", "Notice of closed supervision"),
    "exp_docx_intro": (
        "Inspektionen för vård och omsorg (IVO) har i denna tillsynsinsats begärt uppgifter från "
        "vårdcentraler i {region}. Följande vårdcentraler har kommit in med begärda uppgifter:",
        "In this supervision the Health and Social Care Inspectorate (IVO) requested data from health "
        "centres in {region}. The following health centres submitted the requested data:",
    ),
    "exp_docx_none_answered": ("Ingen vårdcentral i regionen har kommit in med begärda uppgifter.",
                               "No health centre in the region submitted the requested data."),
    "exp_docx_missing": ("Följande vårdcentraler har inte kommit in med begärda uppgifter:",
                         "The following health centres did not submit the requested data:"),
    "exp_docx_survey_h": ("Enkäten", "The survey"),
    "exp_docx_survey": (
        "Enkäten frågade om enheten följer reglerna i Socialstyrelsens föreskrifter och allmänna råd "
        "(HSLF-FS 2022:39) om våld i nära relationer. Svaren är enheternas egna (självskattning).",
        "The survey asked whether the unit follows the provisions of the National Board of Health and "
        "Welfare's regulations and general advice (HSLF-FS 2022:39) on violence in close relationships. "
        "The answers are the units' own (self-reported).",
    ),
    "exp_docx_results_h": ("Regionens resultat jämfört med riket", "The region's results compared with the country"),
    "exp_docx_provisions_h": ("Svar per regel, vårdcentraler", "Answers by provision, health centres"),
    "exp_docx_kommuner_h": ("Socialnämnderna i regionens kommuner", "Social welfare committees in the region's municipalities"),
    "exp_measure": ("Mått", "Measure"),
    "exp_docx_sentence": (
        "I {region} uppger {k} av {n} vårdcentraler som har svarat ({p}) att de inte följer alla regler "
        "eller inte vet om de gör det. I riket är andelen {pc}.",
        "In {region}, {k} of {n} health centres that responded ({p}) say they do not follow all rules or "
        "do not know whether they do. For the country the share is {pc}.",
    ),
    "exp_err_region": ("Regionkoden {code!r} finns inte; giltiga koder är {codes}.",
                       "Region code {code!r} does not exist; valid codes are {codes}."),
    "exp_err_kommun": ("Kommunkoden {code!r} finns inte; ange en fyrsiffrig kod, till exempel 2380.",
                       "Municipality code {code!r} does not exist; give a four-digit code, for example 2380."),
    "exp_err_kommun_region": ("Kommunen {kommun} ligger inte i region {region}.",
                              "Municipality {kommun} is not in region {region}."),
    "exp_err_round": ("Omgången {round!r} finns inte.", "Round {round!r} does not exist."),
    "exp_err_typ": ("Enhetstypen {typ!r} finns inte; ange alla, vardcentral eller socialnamnd.",
                    "Unit type {typ!r} does not exist; give alla, vardcentral or socialnamnd."),
    "exp_err_docx_region": ("Bilagan gäller en region: ange --region (eller använd export bilagor för alla).",
                            "The attachment is for one region: give --region (or use export bilagor for all)."),
    "exp_err_write": ("Kan inte skriva till {path}.", "Cannot write to {path}."),
    "exp_err_dir": ("{path} är en fil; ange en katalog med --out.", "{path} is a file; give a directory with --out."),
})

# --------------------------------------------------------------------------- constants

# Charts are laid out at 1280×720 CSS px and rasterised at 1.5× so a PNG is 1920×1080 with text
# large enough for a slide; the "2×" option doubles that (3840×2160).
CHART_WIDTH, CHART_HEIGHT = 1280, 720
PNG_SCALE = 1.5
# static_map draws at 12.8×7.2 in; 150 dpi gives the same 1920×1080.
MAP_DPI = 150
RENDER_TIMEOUT = float(os.environ.get("TILLSYN_EXPORT_TIMEOUT", "60"))
UNIT_TYPES = ("vardcentral", "socialnamnd")
TYP_CHOICES = ("alla", *UNIT_TYPES)
UNIT_PLURAL = {"vardcentral": "vardcentraler", "socialnamnd": "socialnamnder"}
# Characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection), and their
# full-width forms, which some Excel locales also accept.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MIME = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
_GEO_TRACES = {"scattergeo", "choropleth", "choroplethmap", "choroplethmapbox", "scattermap",
               "scattermapbox", "densitymap", "densitymapbox"}


class ExportError(RuntimeError):
    """An export could not be made; the message is one sentence for the user."""


class SelectionError(ValueError):
    """An unknown round, region, municipality or unit type; the message is one sentence."""


# --------------------------------------------------------------------------- kaleido / Chromium


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
    raise ExportError("Hittar ingen Chromium för bildexporten: installera Debian-paketet chromium "
                      "eller ange sökvägen i miljövariabeln TILLSYN_CHROMIUM.")


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
                raise ExportError(f"Chromium ({path}) startade inte inom {RENDER_TIMEOUT:g} s.") from None
            raise ExportError(f"Chromium ({path}) kunde inte startas för bildexporten: {exc}") from exc
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
            raise ExportError(f"Bildexporten svarade inte inom {RENDER_TIMEOUT:g} s och avbröts.") from None
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
        raise ExportError("Diagrammet använder plotly geo, som hämtar kartdata från internet; "
                          "exportera kartor med map_png/map_svg.")
    out = go.Figure(fig)
    out.update_layout(width=CHART_WIDTH, height=CHART_HEIGHT, autosize=False)
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


# --------------------------------------------------------------------------- maps

# matplotlib is not thread-safe, and Streamlit runs download callables on threads of their own.
_mpl_lock = threading.RLock()


def map_png(figure: Figure, scale: float = 1) -> bytes:
    """A PNG of a ``maps.static_map`` figure: 1920×1080 at scale 1 (its 12.8×7.2 in at 150 dpi)."""
    buf = io.BytesIO()
    with _mpl_lock:
        figure.savefig(buf, format="png", dpi=MAP_DPI * scale, facecolor="white",
                       metadata={"Software": "Tillsynskartan"})
    return buf.getvalue()


def map_svg(figure: Figure) -> bytes:
    """The map as SVG with text as text (not outlines), so the title is searchable and readable."""
    import matplotlib

    buf = io.BytesIO()
    with _mpl_lock, matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "tillsyn"}):
        figure.savefig(buf, format="svg", facecolor="white", metadata={"Date": None})
    return buf.getvalue()


def map_measure(typ: str, level: str) -> str:
    """The unit type that colours the areas, as on the map page: the chosen one, or by default
    health centres per region and social welfare committees per municipality."""
    if typ in UNIT_TYPES:
        return typ
    return "vardcentral" if level == "region" else "socialnamnd"


def map_table(status: pd.DataFrame, level: str, unit_type: str, region: str = "") -> pd.DataFrame:
    """The aggregation behind a map: ``by_region`` or ``by_kommun`` (of one region or all)."""
    if level == "region":
        return aggregate.by_region(status, unit_type)
    return aggregate.by_kommun(status, unit_type, region or None)


def map_figure(table: pd.DataFrame, level: str, title: str, subtitle: str, source: str, lang: str = "sv",
               points: pd.DataFrame | None = None, legend_title: str = "") -> Figure:
    """A north-up static map from the committed geometry and the interactive map's classes.

    ``table`` is ``by_region``/``by_kommun`` output; ``points`` (optional) a status frame of units
    with lat/lon drawn with the status symbols.
    """
    from dashboard import geo

    code = "region_kod" if level == "region" else "kommun_kod"
    shapes = geo.load_regions() if level == "region" else geo.load_kommun()
    shapes = shapes[shapes[code].isin(set(table[code].astype(str)))]
    values = table[[code, "share_not_all"]].assign(**{code: table[code].astype(str)})
    gdf = shapes.merge(values, on=code, how="left")
    gdf["share"] = gdf["share_not_all"].astype(float) * 100
    labels = {"legend_title": legend_title, "no_data": i18n.t("no_data", lang)}
    for status in maps.STATUS_ORDER:
        labels[status] = i18n.t(status, lang)
    records = None
    if points is not None:
        records = [{"lat": r.lat, "lon": r.lon, "status": r.status, "name": r.name}
                   for r in points.itertuples(index=False) if r.lat == r.lat and r.lon == r.lon]
    return maps.static_map(gdf, title, subtitle, source, labels, records, lang=lang)


# --------------------------------------------------------------------------- tables


def map_item(status: pd.DataFrame, level: str, typ: str, lang: str, round_name: str, synthetic: bool,
             region: str = "", kommun: str = "") -> MapItem:
    """One static map as the map page draws it: areas coloured by ``map_measure``, municipalities of
    ``region`` only. Health centres are drawn on a region's map (unit type "alla" or "vardcentral");
    on a map of the whole country 1 136 symbols would hide the colours, so they are left out there."""
    region = region if level == "kommun" else ""
    unit_type = map_measure(typ, level)
    table = map_table(status, level, unit_type, region)
    words = _units_word(unit_type, lang)
    title = i18n.t("exp_map_region_title" if level == "region" else "exp_by_kommun_title", lang, units=words)
    sub = subtitle(lang, round_name, unit_type, int(table["n_responded"].sum()), region)
    source = charts.source_line(lang, synthetic, round_name)
    points = None
    if region and typ in ("alla", "vardcentral"):
        points = filters.in_scope(status, ["vardcentral"], region, kommun)
    legend = f"{i18n.t('share_not_all', lang)}, {words}"
    name = "region" if level == "region" else "kommun"
    caption = charts.caption_region_bar(table.rename(columns={"region": "_r", name: "region"}), lang)

    def draw() -> Figure:
        return map_figure(table, level, title, sub, source, lang, points, legend)

    key = f"karta-{'regioner' if level == 'region' else 'kommuner'}-{unit_type}"
    return MapItem(key, title, level, unit_type, table, caption, draw)


def _xml_safe(text: str) -> str:
    """Control characters from a user's file would make the XLSX/PPTX/DOCX invalid XML: drop them."""
    return _ILLEGAL_XML.sub("", text)


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe; others pass."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _pct(share: pd.Series) -> pd.Series:
    return (pd.to_numeric(share, errors="coerce").astype(float) * 100).round(1)


def _int(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce").astype("Int64")


def _units_word(unit_type: str, lang: str) -> str:
    return i18n.t(UNIT_PLURAL[unit_type], lang)


def trend_table(trend: pd.DataFrame, lang: str = "sv") -> pd.DataFrame:
    """``rounds.trend`` output: one row per round and scope (the country or a region)."""
    t = i18n.t
    scope = trend["scope"].map(lambda c: t("country", lang) if c == "country" else reference.region_name(str(c)))
    return pd.DataFrame({
        t("round", lang): trend["round"].astype(str),
        t("scope", lang): scope,
        t("n_responded", lang): _int(trend["n_responded"]),
        t("n_not_all", lang): _int(trend["n_not_all"]),
        t("share_not_all", lang) + " (%)": _pct(trend["share_not_all"]),
    }).reset_index(drop=True)


def provision_trend_table(prov: pd.DataFrame, lang: str = "sv") -> pd.DataFrame:
    """``rounds.provision_trend`` output: one row per round and provision."""
    t = i18n.t
    title = prov["title_en"] if lang == "en" else prov["title_sv"]
    return pd.DataFrame({
        t("round", lang): prov["round"].astype(str),
        t("provision", lang): prov["provision_id"].astype(str) + " " + title.astype(str),
        "n": _int(prov["n"]),
        t("share_not_ja", lang) + " (%)": _pct(prov["share_not_ja"]),
    }).reset_index(drop=True)


def _counts(df: pd.DataFrame, lang: str) -> dict[str, pd.Series]:
    """The columns every area table has: unit type, counts and the share not following all rules."""
    t = i18n.t
    return {
        t("unit_type", lang): df["unit_type"].map(lambda u: t(u, lang)),
        t("n_units", lang): _int(df["n_units"]),
        t("n_responded", lang): _int(df["n_responded"]),
        t("n_not_all", lang): _int(df["n_not_all"]),
        t("share_not_all", lang) + " (%)": _pct(df["share_not_all"]),
        t("n_none", lang): _int(df["n_none"]),
    }


def region_table(reg: pd.DataFrame, lang: str = "sv") -> pd.DataFrame:
    """``by_region`` output as a table for people: codes, names, counts and shares in percent."""
    t = i18n.t
    return pd.DataFrame({
        t("exp_code_region", lang): reg["region_kod"].astype(str),
        t("region", lang): reg["region"].astype(str),
        **_counts(reg, lang),
        t("exp_share_none", lang): _pct(reg["share_none"]),
        t("exp_response_rate_pct", lang): _pct(reg["response_rate"]),
        t("exp_country_pct", lang): _pct(reg["country_share_not_all"]),
        t("diff_pp", lang): pd.to_numeric(reg["diff_pp"], errors="coerce").astype(float).round(1),
        t("rank", lang): _int(reg["rank"]),
    }).reset_index(drop=True)


def kommun_table(km: pd.DataFrame, lang: str = "sv") -> pd.DataFrame:
    """``by_kommun`` output as a table for people, with the region's and the country's share."""
    t = i18n.t
    return pd.DataFrame({
        t("exp_code_kommun", lang): km["kommun_kod"].astype(str),
        t("kommun", lang): km["kommun"].astype(str),
        t("region", lang): km["region"].astype(str),
        **_counts(km, lang),
        t("exp_region_pct", lang): _pct(km["region_share_not_all"]),
        t("exp_country_pct", lang): _pct(km["country_share_not_all"]),
    }).reset_index(drop=True)


def provision_table(prov: pd.DataFrame, lang: str = "sv") -> pd.DataFrame:
    """``by_provision`` output: answers per provision, the share not answering yes and the country's."""
    t = i18n.t
    title_col = "title_en" if lang == "en" else "title_sv"
    return pd.DataFrame({
        t("provision", lang): prov["provision_id"].astype(str),
        t("exp_title_col", lang): prov[title_col].astype(str),
        t("exp_reference", lang): prov["reference"].fillna("").astype(str),
        t("exp_general_advice", lang): prov["general_advice"].map(lambda g: t("exp_yes" if g else "exp_no", lang)),
        t("ja", lang): _int(prov["n_ja"]),
        t("nej", lang): _int(prov["n_nej"]),
        t("vet_ej", lang): _int(prov["n_vet_ej"]),
        t("saknas", lang): _int(prov["n_saknas"]),
        "n": _int(prov["n"]),
        t("share_not_ja", lang) + " (%)": _pct(prov["share_not_ja"]),
        t("exp_country_pct", lang): _pct(prov["country_share_not_ja"]),
    }).reset_index(drop=True)


def units_table(status: pd.DataFrame, lang: str = "sv") -> pd.DataFrame:
    """Units (``unit_status`` rows) with their municipality, region and status."""
    t = i18n.t
    s = status.sort_values(["region_kod", "kommun_kod", "unit_type", "name"], kind="stable")
    return pd.DataFrame({
        t("exp_unit_id", lang): s["unit_id"].astype(str),
        t("exp_unit", lang): s["name"].astype(str).map(_xml_safe),
        t("unit_type", lang): s["unit_type"].map(lambda u: t(u, lang)),
        t("exp_code_kommun", lang): s["kommun_kod"].astype(str),
        t("kommun", lang): s["kommun"].astype(str),
        t("region", lang): s["region"].astype(str),
        t("exp_responded", lang): s["responded"].map(lambda r: t("exp_yes" if bool(r) else "exp_no", lang)),
        t("exp_status", lang): s["status"].map(lambda x: t(x, lang)),
        t("exp_n_ja", lang): _int(s["n_ja"]),
        t("exp_n_rules", lang): _int(s["n_rules"]),
    }).reset_index(drop=True)


def tidy(df: pd.DataFrame, lang: str = "sv") -> pd.DataFrame:
    """Any frame a page shows (by_region, by_kommun, by_provision, unit_status) as a table for people;
    a frame of another shape is returned as it is."""
    cols = set(df.columns)
    if {"round", "scope", "share_not_all"} <= cols:
        return trend_table(df, lang)
    if {"round", "provision_id", "share_not_ja"} <= cols and "n_ja" not in cols:
        return provision_trend_table(df, lang)
    if {"provision_id", "n_ja", "share_not_ja"} <= cols:
        return provision_table(df, lang)
    if {"unit_id", "status"} <= cols:
        return units_table(df, lang)
    if {"kommun_kod", "n_units", "region_share_not_all"} <= cols:
        return kommun_table(df, lang)
    if {"region_kod", "n_units", "rank"} <= cols:
        return region_table(df, lang)
    return df.reset_index(drop=True)


@dataclass(frozen=True)
class About:
    """Where a table or file comes from: printed in the "Om data" sheet and on the method slide."""

    title: str
    round: str
    selection: str
    filters: str
    synthetic: bool
    lang: str = "sv"
    source: str = ""

    def source_line(self) -> str:
        return self.source or charts.source_line(self.lang, self.synthetic, self.round)

    def rows(self) -> list[tuple[str, str]]:
        t, lang = i18n.t, self.lang
        example = (f"{t('example_badge', lang)}. {t('example_notice', lang)}" if self.synthetic
                   else t("exp_not_example", lang))
        source = re.sub(r"^(Källa|Source):\s*", "", self.source_line())
        return [
            (t("exp_title", lang), self.title),
            (t("exp_source", lang), source),
            (t("round", lang), self.round),
            (t("exp_selection", lang), self.selection),
            (t("exp_filters", lang), self.filters),
            (t("example_badge", lang), example),
            (t("exp_rule", lang), t("exp_rule_text", lang)),
            (t("exp_created", lang), dt.date.today().isoformat()),
            (t("exp_created_by", lang), "Tillsynskartan"),
        ]


def scope_name(lang: str, region: str = "", kommun: str = "") -> str:
    if kommun:
        return reference.kommun_name(kommun)
    if region:
        return reference.region_name(region)
    return i18n.t("sweden", lang)


def about_for(round_name: str, lang: str, synthetic: bool, region: str = "", kommun: str = "",
              typ: str = "alla", title: str = "") -> About:
    """The About of a selection, as the UI and the CLI describe it."""
    t = i18n.t
    typ_label = t("both", lang) if typ == "alla" else t(typ, lang)
    parts = [f"{t('unit_type', lang)}: {typ_label}",
             f"{t('region', lang)}: {reference.region_name(region) if region else t('all_regions', lang)}"]
    if kommun:
        parts.append(f"{t('kommun', lang)}: {reference.kommun_name(kommun)} ({kommun})")
    return About(title=title or t("app_title", lang), round=round_name, selection=scope_name(lang, region, kommun),
                 filters="; ".join(parts), synthetic=synthetic, lang=lang)


def _with_provenance(df: pd.DataFrame, about: About) -> pd.DataFrame:
    """The round as the first column, and "Exempeldata: Ja" on every row of generated data."""
    out = df.copy()
    out.insert(0, i18n.t("round", about.lang), about.round)
    if about.synthetic:
        out[i18n.t("exp_example_column", about.lang)] = i18n.t("exp_yes", about.lang)
    return out


def _safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]) or pd.api.types.is_bool_dtype(out[col]):
            out[col] = out[col].map(lambda v: neutralise(v) if isinstance(v, str) else v).astype(object)
    return out


def table_csv(df: pd.DataFrame, about: About) -> bytes:
    """CSV for Swedish Excel: UTF-8 with BOM, ``;`` between fields, decimal comma (point in English)."""
    out = _safe_frame(_with_provenance(df, about))
    text = out.to_csv(sep=";", decimal="," if about.lang != "en" else ".", index=False, na_rep="",
                      lineterminator="\r\n")
    return ("\ufeff" + text).encode("utf-8")


_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(name: str, used: set[str]) -> str:
    base = _SHEET_BAD.sub("-", name).strip("'") or "Data"
    base = base[:31]
    candidate, i = base, 2
    while candidate.lower() in used:
        suffix = f" ({i})"
        candidate, i = base[: 31 - len(suffix)] + suffix, i + 1
    used.add(candidate.lower())
    return candidate


def _cell_value(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, str):
        return neutralise(_xml_safe(value))
    return value


def _write_sheet(ws: Any, df: pd.DataFrame) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    widths = []
    for j, col in enumerate(df.columns, start=1):
        cell = ws.cell(row=1, column=j, value=_cell_value(str(col)))
        cell.data_type = "s"
        cell.font = Font(bold=True)
        widths.append(len(str(col)))
    for i, row in enumerate(df.itertuples(index=False), start=2):
        for j, value in enumerate(row, start=1):
            v = _cell_value(value)
            cell = ws.cell(row=i, column=j, value=v)
            if isinstance(v, str):
                cell.data_type = "s"  # never a formula, whatever the text
            elif isinstance(v, float):
                cell.number_format = "0.0"
            elif isinstance(v, int) and not isinstance(v, bool):
                cell.number_format = "0"
            widths[j - 1] = max(widths[j - 1], len(str(v)) if v is not None else 0)
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = min(max(8, width + 2), 60)
    ws.freeze_panes = "A2"
    if len(df.columns) and len(df):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(df.columns))}{len(df) + 1}"


def tables_xlsx(tables: Mapping[str, pd.DataFrame], about: About) -> bytes:
    """A workbook with one sheet per table and the sheet "Om data" (source, round, filters, notice)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    used: set[str] = set()
    first = True
    for name, df in tables.items():
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = _sheet_name(name, used)
        _write_sheet(ws, _with_provenance(df, about))
    info = wb.create_sheet(_sheet_name(i18n.t("exp_about_sheet", about.lang), used))
    info.cell(row=1, column=1, value=i18n.t("exp_field", about.lang)).font = Font(bold=True)
    info.cell(row=1, column=2, value=i18n.t("exp_value", about.lang)).font = Font(bold=True)
    for i, (label, value) in enumerate(about.rows(), start=2):
        for j, v in ((1, label), (2, value)):
            cell = info.cell(row=i, column=j, value=_cell_value(v))
            cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    info.column_dimensions["A"].width = 24
    info.column_dimensions["B"].width = 100
    info.freeze_panes = "A2"
    wb.properties.title = about.title
    wb.properties.creator = "Tillsynskartan"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def table_xlsx(df: pd.DataFrame, about: About, sheet: str = "") -> bytes:
    """One table as XLSX: typed numbers, frozen header, column widths, and the "Om data" sheet."""
    return tables_xlsx({sheet or i18n.t("exp_data_sheet", about.lang): df}, about)


# --------------------------------------------------------------------------- selection bundle


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower() or "x"


def file_base(round_name: str, region: str = "", kommun: str = "", name: str = "") -> str:
    """File names shared by the buttons and the CLI: ``tillsyn_2023_region-23_regioner-vardcentral``."""
    scope = f"kommun-{kommun}" if kommun else (f"region-{region}" if region else "sverige")
    parts = ["tillsyn", _slug(round_name), scope] + ([_slug(name)] if name else [])
    return "_".join(parts)


def subtitle(lang: str, round_name: str, unit_type: str, n: int, region: str = "", kommun: str = "") -> str:
    return i18n.t("subtitle", lang, round=round_name, selection=scope_name(lang, region, kommun),
                  n=i18n.fmt_int(n, lang), units=_units_word(unit_type, lang))


def figure_title(fig: go.Figure) -> str:
    text = fig.layout.title.text or ""
    return re.sub(r"<[^>]+>", "", text.split("<br>")[0])


@dataclass
class ChartItem:
    """One chart of a selection: the figure, the aggregation behind it and its text alternative."""

    key: str
    title: str
    figure: go.Figure
    table: pd.DataFrame
    caption: str


@dataclass
class MapItem:
    """One static map; the matplotlib figure is drawn on first use (it takes a second)."""

    key: str
    title: str
    level: str
    unit_type: str
    table: pd.DataFrame
    caption: str
    draw: Callable[[], Figure] = field(repr=False)

    @cached_property
    def figure(self) -> Figure:
        with _mpl_lock:
            return self.draw()


@dataclass
class Bundle:
    """Everything one selection (round, region, municipality, language, unit type) exports."""

    round: str
    region: str
    kommun: str
    lang: str
    typ: str
    units: pd.DataFrame
    answers: pd.DataFrame
    status: pd.DataFrame

    @property
    def unit_types(self) -> list[str]:
        return list(UNIT_TYPES) if self.typ == "alla" else [self.typ]

    @cached_property
    def synthetic(self) -> bool:
        return bool(len(self.units)) and bool(self.units["synthetic"].astype(bool).any())

    @property
    def selection(self) -> str:
        return scope_name(self.lang, self.region, self.kommun)

    @property
    def source(self) -> str:
        return charts.source_line(self.lang, self.synthetic, self.round)

    def about(self, title: str = "") -> About:
        return about_for(self.round, self.lang, self.synthetic, self.region, self.kommun, self.typ, title)

    def base(self, name: str = "") -> str:
        return file_base(self.round, self.region, self.kommun, name)

    @cached_property
    def scope_status(self) -> pd.DataFrame:
        """Units of the selection (all types chosen), for the units table and headlines."""
        return filters.in_scope(self.status, self.unit_types, self.region, self.kommun)

    @cached_property
    def headlines(self) -> pd.DataFrame:
        """``national`` figures of the selection, with the country's share alongside."""
        scope = aggregate.national(self.scope_status)
        country = aggregate.national(filters.in_scope(self.status, self.unit_types))
        country = country[["unit_type", "share_not_all"]].rename(columns={"share_not_all": "country_share_not_all"})
        out = scope.merge(country, on="unit_type", how="left")
        order = {u: i for i, u in enumerate(self.unit_types)}
        return out.sort_values("unit_type", key=lambda s: s.map(order)).reset_index(drop=True)

    def provisions(self, unit_type: str) -> pd.DataFrame:
        return aggregate.by_provision(self.units, self.answers, unit_type,
                                      region_kod=self.region or None, kommun_kod=self.kommun or None)

    @cached_property
    def charts(self) -> list[ChartItem]:
        """Per unit type: regions (the selected one marked), the region's municipalities (health
        centres, when a region is chosen) and answers per provision for the selection."""
        lang, out = self.lang, []
        for unit_type in self.unit_types:
            words = _units_word(unit_type, lang)
            reg = aggregate.by_region(self.status, unit_type)
            title = i18n.t("by_region_title", lang, units=words)
            fig = charts.region_bar(reg, lang, title, subtitle(lang, self.round, unit_type, int(reg["n_responded"].sum())),
                                    self.source, selected=self.region)
            out.append(ChartItem(f"regioner-{unit_type}", title, fig, reg, charts.caption_region_bar(reg, lang)))
            if self.region and unit_type == "vardcentral":
                km = aggregate.by_kommun(self.status, unit_type, self.region)
                title = i18n.t("exp_by_kommun_title", lang, units=words)
                country = float(km["country_share_not_all"].iloc[0]) if len(km) else None
                fig = charts.share_distribution(
                    km.assign(kommun=km["kommun"].astype(str)), "kommun", lang, title,
                    subtitle(lang, self.round, unit_type, int(km["n_responded"].sum()), self.region),
                    self.source, country)
                caption = charts.caption_region_bar(km.rename(columns={"kommun": "_k", "region": "_r"})
                                                    .rename(columns={"_k": "region"}), lang)
                out.append(ChartItem(f"kommuner-{unit_type}", title, fig, km, caption))
            prov = self.provisions(unit_type)
            n = int(prov["n"].max()) if len(prov) else 0
            if n:
                title = i18n.t("by_provision_title", lang, units=words)
                fig = charts.provision_bar(prov, lang, title,
                                           subtitle(lang, self.round, unit_type, n, self.region, self.kommun),
                                           self.source)
                out.append(ChartItem(f"regler-{unit_type}", title, fig, prov, charts.caption_provisions(prov, lang)))
        return out

    @cached_property
    def maps(self) -> list[MapItem]:
        """As on the map page: the country by region and by municipality, or the region's municipalities."""
        levels = ["region", "kommun"] if not self.region else ["kommun"]
        return [map_item(self.status, level, self.typ, self.lang, self.round, self.synthetic, self.region,
                         self.kommun) for level in levels]

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table behind a chart or map, and the units of the selection, tidied, by file key."""
        out: dict[str, pd.DataFrame] = {}
        for item in [*self.charts, *self.maps]:
            out[item.key] = tidy(item.table, self.lang)
        out["enheter"] = units_table(self.scope_status, self.lang)
        return out


def _check_selection(region: str, kommun: str, typ: str, lang: str) -> tuple[str, str]:
    if typ not in TYP_CHOICES:
        raise SelectionError(i18n.t("exp_err_typ", lang, typ=typ))
    if region:
        code = reference.region_lookup().get(reference.normalise_text(region))
        if code is None:
            raise SelectionError(i18n.t("exp_err_region", lang, code=region, codes=", ".join(reference.REGIONS)))
        region = code
    if kommun:
        codes = set(reference.municipalities()["kommun_kod"].astype(str))
        if kommun not in codes:
            raise SelectionError(i18n.t("exp_err_kommun", lang, code=kommun))
        if region and kommun[:2] != region:
            raise SelectionError(i18n.t("exp_err_kommun_region", lang, kommun=kommun, region=region))
        region = kommun[:2]
    return region, kommun


def build(units: pd.DataFrame, answers: pd.DataFrame, round_name: str, region: str = "", kommun: str = "",
          lang: str = "sv", typ: str = "alla", status: pd.DataFrame | None = None) -> Bundle:
    """A bundle from tables already loaded (the UI passes its cached ones)."""
    region, kommun = _check_selection(region or "", kommun or "", typ, lang)
    status = aggregate.unit_status(units, answers) if status is None else status
    return Bundle(str(round_name), region, kommun, lang if lang in i18n.LANGS else "sv", typ, units, answers, status)


def bundle(round_name: str | None = None, region: str = "", kommun: str = "", lang: str = "sv",
           typ: str = "alla") -> Bundle:
    """Everything for one selection, loaded through ``datasets`` (newest round when none is named)."""
    _check_selection(region or "", kommun or "", typ, lang)
    try:
        units, answers = datasets.load(round_name)
    except KeyError:
        raise SelectionError(i18n.t("exp_err_round", lang, round=round_name)) from None
    name = round_name or (str(units["round"].iloc[0]) if len(units) else datasets.default_round())
    return build(units, answers, name, region, kommun, lang, typ)


# --------------------------------------------------------------------------- presentation (PPTX)


def _unescape(text: str) -> str:
    """Our strings may carry Markdown escapes for the page (``\\*``); files show the plain text."""
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>~$])", r"\1", text)


def _pct_words(share: float, lang: str) -> str:
    if share != share:
        return "–"
    return f"{share * 100:.0f}"


def headline_notes(b: Bundle) -> list[str]:
    """The headline figures as sentences, for speaker notes and the slide's text alternative."""
    lang, out = b.lang, []
    country = b.region or b.kommun
    for row in b.headlines.itertuples(index=False):
        words = _units_word(row.unit_type, lang)
        out.append(i18n.t("exp_notes_headline", lang, scope=b.selection if (b.region or b.kommun) else
                          i18n.t("sweden", lang), k=i18n.fmt_int(row.n_not_all, lang),
                          n=i18n.fmt_int(row.n_responded, lang), units=words,
                          p=_pct_words(row.share_not_all, lang), none=i18n.fmt_int(row.n_none, lang),
                          resp=i18n.fmt_int(row.n_responded, lang), total=i18n.fmt_int(row.n_units, lang)))
        if country and row.country_share_not_all == row.country_share_not_all:
            diff = (row.share_not_all - row.country_share_not_all) * 100
            pp = f"{diff:+.1f}".replace("-", "−")
            out.append(i18n.t("exp_notes_country", lang, p=_pct_words(row.country_share_not_all, lang),
                              pp=pp.replace(".", ",") if lang != "en" else pp))
    return out


def _pptx_title(slide: Any, text: str, prs: Any, size: int = 30) -> None:
    from pptx.util import Emu, Pt

    title = slide.shapes.title
    title.left, title.top = Emu(int(prs.slide_width * 0.04)), Emu(int(prs.slide_height * 0.04))
    title.width, title.height = Emu(int(prs.slide_width * 0.92)), Emu(int(prs.slide_height * 0.12))
    title.text = _xml_safe(text)
    for p in title.text_frame.paragraphs:
        for r in p.runs:
            r.font.size = Pt(size)
            r.font.bold = True


def _pptx_footer(slide: Any, text: str, prs: Any) -> None:
    from pptx.util import Emu, Pt

    box = slide.shapes.add_textbox(Emu(int(prs.slide_width * 0.04)), Emu(int(prs.slide_height * 0.93)),
                                   Emu(int(prs.slide_width * 0.92)), Emu(int(prs.slide_height * 0.05)))
    box.name = "Källa"
    box.text_frame.text = _xml_safe(text)
    for r in box.text_frame.paragraphs[0].runs:
        r.font.size = Pt(11)


def _pptx_text(slide: Any, lines: Iterable[str], prs: Any, top: float = 0.2, size: int = 20) -> None:
    from pptx.util import Emu, Pt

    box = slide.shapes.add_textbox(Emu(int(prs.slide_width * 0.05)), Emu(int(prs.slide_height * top)),
                                   Emu(int(prs.slide_width * 0.9)), Emu(int(prs.slide_height * (0.9 - top))))
    tf = box.text_frame
    tf.word_wrap = True
    for i, line in enumerate(lines):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.text = _xml_safe(line)
        p.space_after = Pt(8)
        for r in p.runs:
            r.font.size = Pt(size)


def _pptx_picture(slide: Any, png: bytes, prs: Any, alt: str) -> None:
    from pptx.util import Emu

    top, bottom = prs.slide_height * 0.17, prs.slide_height * 0.91
    height = bottom - top
    width = height * 16 / 9
    left = (prs.slide_width - width) / 2
    pic = slide.shapes.add_picture(io.BytesIO(png), Emu(int(left)), Emu(int(top)), Emu(int(width)), Emu(int(height)))
    pic._element.nvPicPr.cNvPr.set("descr", alt)  # alt text for screen readers


def _pptx_table(slide: Any, df: pd.DataFrame, prs: Any, lang: str) -> None:
    from pptx.util import Emu, Pt

    rows, cols = len(df) + 1, len(df.columns)
    shape = slide.shapes.add_table(rows, cols, Emu(int(prs.slide_width * 0.04)), Emu(int(prs.slide_height * 0.17)),
                                   Emu(int(prs.slide_width * 0.92)), Emu(int(prs.slide_height * 0.05 * rows)))
    table = shape.table
    for j, col in enumerate(df.columns):
        table.cell(0, j).text = str(col)
    for i, row in enumerate(df.itertuples(index=False), start=1):
        for j, value in enumerate(row):
            if value is None or value is pd.NA or (isinstance(value, float) and value != value):
                text = "–"
            elif isinstance(value, float):
                text = f"{value:.1f}".replace(".", "," if lang != "en" else ".")
            else:
                text = str(value)
            table.cell(i, j).text = _xml_safe(text)
    for r in range(rows):
        for c in range(cols):
            for p in table.cell(r, c).text_frame.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(12)


def _slide_table(b: Bundle) -> tuple[str, pd.DataFrame]:
    """The table slide: the units of a region or municipality, or the regions for the country."""
    t, lang = i18n.t, b.lang
    if b.region or b.kommun:
        full = units_table(b.scope_status, lang)
        cols = [t("exp_unit", lang), t("unit_type", lang), t("kommun", lang), t("exp_status", lang),
                t("exp_n_ja", lang), t("exp_n_rules", lang)]
        return t("exp_units_slide", lang), full[cols]
    unit_type = b.unit_types[0]
    full = region_table(aggregate.by_region(b.status, unit_type), lang)
    cols = [t("region", lang), t("n_responded", lang), t("n_not_all", lang), t("share_not_all", lang) + " (%)",
            t("exp_country_pct", lang), t("diff_pp", lang)]
    return f"{t('exp_regions_slide', lang)}, {_units_word(unit_type, lang)}", full[cols]


def pptx_pack(b: Bundle, rows_per_slide: int = 9) -> bytes:
    """A 16:9 presentation of the selection: title, headline figures, map(s), charts, a table, method.

    Every picture has alt text and every slide speaker notes with its numbers in words; the
    source line (with "Exempeldata" for generated data) is on every slide.
    """
    from pptx import Presentation
    from pptx.util import Emu

    t, lang = i18n.t, b.lang
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(12192000), Emu(6858000)  # PowerPoint widescreen 16:9
    title_layout, title_only = prs.slide_layouts[0], prs.slide_layouts[5]
    source = b.source

    s = prs.slides.add_slide(title_layout)
    _pptx_title(s, t("exp_pack_title", lang, selection=b.selection), prs, size=40)
    s.shapes.title.top = int(prs.slide_height * 0.3)
    s.shapes.title.height = int(prs.slide_height * 0.2)
    sub = s.placeholders[1]
    sub.left, sub.top = int(prs.slide_width * 0.04), int(prs.slide_height * 0.52)
    sub.width, sub.height = int(prs.slide_width * 0.92), int(prs.slide_height * 0.3)
    lines = [t("exp_pack_subtitle", lang, round=b.round)]
    if b.synthetic:
        lines.append(f"{t('example_badge', lang)}: {t('example_notice', lang)}")
    sub.text_frame.text = "\n".join(lines)
    s.notes_slide.notes_text_frame.text = " ".join([t("exp_pack_subtitle", lang, round=b.round), source])

    s = prs.slides.add_slide(title_only)
    _pptx_title(s, f"{t('headline', lang)}: {b.selection}", prs)
    text = []
    for row in b.headlines.itertuples(index=False):
        words = _units_word(row.unit_type, lang)
        text.append(f"{words.capitalize()}: " + t("share_of_units", lang, k=i18n.fmt_int(row.n_not_all, lang),
                                                    n=i18n.fmt_int(row.n_responded, lang), units=words,
                                                    p=i18n.fmt_pct(row.share_not_all, lang))
                    + f" {t('headline_not_all', lang)}")
        text.append(f"    {i18n.fmt_int(row.n_none, lang)} {t('headline_none', lang)}; "
                    f"{t('response_rate', lang).lower()} {i18n.fmt_pct(row.response_rate, lang)}"
                    + (f"; {t('country', lang).lower()} {i18n.fmt_pct(row.country_share_not_all, lang)}"
                       if (b.region or b.kommun) else ""))
    _pptx_text(s, text or [t("no_data", lang)], prs)
    _pptx_footer(s, source, prs)
    s.notes_slide.notes_text_frame.text = " ".join(headline_notes(b)) or t("no_data", lang)

    for item in b.maps:
        s = prs.slides.add_slide(title_only)
        _pptx_title(s, item.title, prs, size=24)
        _pptx_picture(s, map_png(item.figure), prs, f"{item.title}. {item.caption}")
        _pptx_footer(s, source, prs)
        s.notes_slide.notes_text_frame.text = t("exp_notes_map", lang, title_lc=item.title[:1].lower() + item.title[1:],
                                                caption=item.caption)

    ordered = [c for c in b.charts if not c.key.startswith("regler")] + [c for c in b.charts if c.key.startswith("regler")]
    for item in ordered:
        s = prs.slides.add_slide(title_only)
        _pptx_title(s, item.title, prs, size=24)
        _pptx_picture(s, chart_png(item.figure), prs, f"{item.title}. {item.caption}")
        _pptx_footer(s, source, prs)
        note = item.caption + (f" {_unescape(t('advice_note', lang))}" if item.key.startswith("regler") else "")
        s.notes_slide.notes_text_frame.text = note

    heading, table = _slide_table(b)
    pages = [table.iloc[i:i + rows_per_slide] for i in range(0, len(table), rows_per_slide)] or [table]
    for i, page in enumerate(pages):
        s = prs.slides.add_slide(title_only)
        _pptx_title(s, heading + (f" ({t('exp_continued', lang)})" if i else ""), prs, size=24)
        if len(page):
            _pptx_table(s, page, prs, lang)
        else:
            _pptx_text(s, [t("exp_no_units", lang)], prs)
        _pptx_footer(s, source, prs)
        first = i * rows_per_slide + 1
        s.notes_slide.notes_text_frame.text = (
            t("exp_notes_table", lang, a=first, b=first + len(page) - 1, n=i18n.fmt_int(len(table), lang))
            + " " + t("exp_full_table", lang))

    s = prs.slides.add_slide(title_only)
    _pptx_title(s, t("exp_method_slide", lang), prs)
    about = b.about(t("exp_pack_title", lang, selection=b.selection))
    _pptx_text(s, [f"{label}: {value}" for label, value in about.rows()[1:7]], prs, size=16)
    _pptx_footer(s, source, prs)
    s.notes_slide.notes_text_frame.text = "\n".join(f"{label}: {value}" for label, value in about.rows()[1:7])

    prs.core_properties.title = t("exp_pack_title", lang, selection=b.selection)
    prs.core_properties.author = "Tillsynskartan"
    prs.core_properties.language = "sv-SE" if lang != "en" else "en-GB"
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- region attachment (DOCX)


def _docx_language(doc: Any, lang: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rpr = doc.styles["Normal"].element.get_or_add_rPr()
    el = OxmlElement("w:lang")
    el.set(qn("w:val"), "sv-SE" if lang != "en" else "en-GB")
    rpr.append(el)


def _docx_table(doc: Any, header: list[str], rows: list[list[str]], widths_cm: tuple[float, ...] = (8, 4, 4)) -> None:
    from docx.shared import Cm

    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.autofit = False
    for j, text in enumerate(header):
        cell = table.rows[0].cells[j]
        cell.text = text
        for r in cell.paragraphs[0].runs:
            r.bold = True
    for row in rows:
        cells = table.add_row().cells
        for j, text in enumerate(row):
            cells[j].text = text
    for row in table.rows:
        for j, cell in enumerate(row.cells):
            cell.width = Cm(widths_cm[j] if j < len(widths_cm) else widths_cm[-1])


def region_docx(region_kod: str, status: pd.DataFrame, prov: pd.DataFrame, about: About) -> bytes:
    """The attachment to IVO's letter to one region, as in the seed letter: the region, the survey,
    the health centres that answered, and the region's results against the country.

    ``status``: ``unit_status`` of the whole round; ``prov``: ``by_provision`` of health centres
    for the region (the country's share alongside).
    """
    from docx import Document
    from docx.shared import Pt

    t, lang = i18n.t, about.lang
    region = reference.region_name(region_kod)
    doc = Document()
    _docx_language(doc, lang)
    doc.core_properties.title = f"{t('exp_docx_kicker', lang)} {t('exp_docx_letter', lang).lower()}: {region}"
    doc.core_properties.author = "Tillsynskartan"
    doc.core_properties.language = "sv-SE" if lang != "en" else "en-GB"
    section = doc.sections[0]
    section.footer.paragraphs[0].text = about.source_line()

    doc.add_paragraph("Inspektionen för vård och omsorg (IVO)")
    doc.add_heading(f"{t('exp_docx_kicker', lang)}\n{t('exp_docx_letter', lang)}", level=1)
    doc.add_paragraph(region).runs[0].bold = True
    if about.synthetic:
        p = doc.add_paragraph()
        p.add_run(f"{t('example_badge', lang)}. ").bold = True
        p.add_run(t("example_notice", lang))

    vc = status[(status["unit_type"] == "vardcentral") & (status["region_kod"] == region_kod)]
    answered = vc[vc["responded"].astype(bool)]
    if len(answered):
        doc.add_paragraph(t("exp_docx_intro", lang, region=region))
        for name in answered["name"].astype(str).map(_xml_safe):
            p = doc.add_paragraph(name, style="List Paragraph")
            p.paragraph_format.space_after = Pt(0)
    else:
        doc.add_paragraph(t("exp_docx_none_answered", lang))
    missing = vc[~vc["responded"].astype(bool)]
    if len(missing):
        doc.add_paragraph(t("exp_docx_missing", lang))
        for name in missing["name"].astype(str).map(_xml_safe):
            doc.add_paragraph(name, style="List Paragraph").paragraph_format.space_after = Pt(0)

    doc.add_heading(t("exp_docx_survey_h", lang), level=2)
    doc.add_paragraph(t("exp_docx_survey", lang))
    doc.add_paragraph(t("exp_rule_text", lang))

    doc.add_heading(t("exp_docx_results_h", lang), level=2)
    for unit_type in UNIT_TYPES:
        reg = aggregate.by_region(status, unit_type)
        row = reg[reg["region_kod"] == region_kod].iloc[0]
        if unit_type == "vardcentral" and row["n_responded"]:
            doc.add_paragraph(t("exp_docx_sentence", lang, region=region,
                                k=i18n.fmt_int(row["n_not_all"], lang), n=i18n.fmt_int(row["n_responded"], lang),
                                p=i18n.fmt_pct(row["share_not_all"], lang),
                                pc=i18n.fmt_pct(row["country_share_not_all"], lang)))
        if unit_type == "socialnamnd":
            doc.add_paragraph(t("exp_docx_kommuner_h", lang)).runs[0].bold = True
        country = aggregate.national(status[status["unit_type"] == unit_type])
        c = country.iloc[0] if len(country) else None
        header = [t("exp_measure", lang), t("region_share", lang), t("country_share", lang)]

        def pair(k: str, n: str, r: Any = row, c: Any = c) -> list[str]:
            return [i18n.fmt_share(int(r[k]), int(r[n]), lang) if r[n] else "–",
                    i18n.fmt_share(int(c[k]), int(c[n]), lang) if c is not None and c[n] else "–"]

        words = _units_word(unit_type, lang)
        rows = [
            [f"{words.capitalize()}: {t('response_rate', lang).lower()}", *pair("n_responded", "n_units")],
            [f"{words.capitalize()}: {t('headline_not_all', lang)}", *pair("n_not_all", "n_responded")],
            [f"{words.capitalize()}: {t('headline_none', lang)}", *pair("n_none", "n_responded")],
        ]
        _docx_table(doc, header, rows)
        doc.add_paragraph()

    doc.add_heading(t("exp_docx_provisions_h", lang), level=2)
    title_col = "title_en" if lang == "en" else "title_sv"
    rows = []
    for r in prov.itertuples(index=False):
        k = int(r.n - r.n_ja)
        rows.append([f"{r.provision_id} {getattr(r, title_col)}" + (" *" if r.general_advice else ""),
                     i18n.fmt_share(k, int(r.n), lang) if r.n else "–",
                     i18n.fmt_pct(r.country_share_not_ja, lang)])
    _docx_table(doc, [t("provision", lang), f"{t('share_not_ja', lang)}, {t('region_share', lang).lower()}",
                      f"{t('share_not_ja', lang)}, {t('country_share', lang).lower()}"], rows)
    doc.add_paragraph(_unescape(t("advice_note", lang)))
    doc.add_paragraph(about.source_line())

    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def bundle_docx(b: Bundle) -> bytes:
    """The region attachment of a bundle's region (the region of its municipality, if one is chosen)."""
    if not b.region:
        raise SelectionError(i18n.t("exp_err_docx_region", b.lang))
    about = b.about(f"{i18n.t('exp_docx_kicker', b.lang)} {i18n.t('exp_docx_letter', b.lang).lower()}")
    return region_docx(b.region, b.status, aggregate.by_provision(b.units, b.answers, "vardcentral",
                                                                   region_kod=b.region), about)


def attachment_name(round_name: str, region_kod: str) -> str:
    return f"bilaga_{_slug(round_name)}_{region_kod}-{_slug(reference.REGIONS[region_kod][1])}.docx"


# --------------------------------------------------------------------------- files and CLI


def _write(path: Path, data: bytes) -> Path:
    """Write atomically: a half-written slide deck must never look finished."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tillsyn-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


def _target_dir(out: Path, lang: str) -> Path:
    if out.exists() and not out.is_dir():
        raise SelectionError(i18n.t("exp_err_dir", lang, path=out))
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError:
        raise SelectionError(i18n.t("exp_err_write", lang, path=out)) from None
    return out


def _target_file(out: Path, default_name: str, lang: str) -> Path:
    if out.is_dir() or not out.suffix:
        return _target_dir(out, lang) / default_name
    _target_dir(out.parent, lang)
    return out


def write_kind(kind: str, b: Bundle, out: Path) -> list[Path]:
    """Write what one ``tillsyn export`` kind makes; the same bytes as the download buttons."""
    lang, written = b.lang, []
    if kind in ("chart", "map"):
        d = _target_dir(out, lang)
        png, svg = (chart_png, chart_svg) if kind == "chart" else (map_png, map_svg)
        for item in b.charts if kind == "chart" else b.maps:
            base = b.base(item.key)
            written.append(_write(d / f"{base}.png", png(item.figure)))
            written.append(_write(d / f"{base}@2x.png", png(item.figure, 2)))
            written.append(_write(d / f"{base}.svg", svg(item.figure)))
    elif kind == "csv":
        d = _target_dir(out, lang)
        titles = {i.key: i.title for i in [*b.charts, *b.maps]}
        for key, table in b.tables().items():
            written.append(_write(d / f"{b.base(key)}.csv", table_csv(table, b.about(titles.get(key, key)))))
    elif kind == "xlsx":
        titles = {i.key: i.title for i in [*b.charts, *b.maps]}
        if out.suffix.lower() == ".xlsx":
            _target_dir(out.parent, lang)
            written.append(_write(out, tables_xlsx(b.tables(), b.about())))
        else:
            d = _target_dir(out, lang)
            for key, table in b.tables().items():
                written.append(_write(d / f"{b.base(key)}.xlsx", table_xlsx(table, b.about(titles.get(key, key)))))
    elif kind == "pptx":
        written.append(_write(_target_file(out, f"{b.base()}.pptx", lang), pptx_pack(b)))
    elif kind == "docx":
        data = bundle_docx(b)
        written.append(_write(_target_file(out, attachment_name(b.round, b.region), lang), data))
    elif kind == "bilagor":
        d = _target_dir(out, lang)
        for code in reference.REGIONS:
            rb = Bundle(b.round, code, "", lang, b.typ, b.units, b.answers, b.status)
            written.append(_write(d / attachment_name(b.round, code), bundle_docx(rb)))
    else:
        raise SelectionError(f"Okänd exporttyp {kind!r}.")
    return written


KINDS = ("chart", "map", "csv", "xlsx", "pptx", "docx", "bilagor")


def cli_main(args: Any) -> int:
    """``tillsyn export KIND ... --out PATH``; exit 2 with one sentence when nothing could be done."""
    lang = getattr(args, "lang", "sv") or "sv"
    try:
        if args.kind == "docx" and not (args.region or args.kommun):
            raise SelectionError(i18n.t("exp_err_docx_region", lang))
        b = bundle(args.round, args.region or "", args.kommun or "", lang, getattr(args, "typ", "alla") or "alla")
        written = write_kind(args.kind, b, Path(args.out))
    except (SelectionError, ExportError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except OSError:
        print(i18n.t("exp_err_write", lang, path=args.out), file=sys.stderr)
        return 2
    for path in written:
        print(path)
    return 0
