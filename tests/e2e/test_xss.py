"""Hostile names from an imported file are shown as text, never run.

A round is imported through ``dashboard.storage.imports.import_file`` into a fresh database BEFORE a second
server starts on it. Three health centres and a social welfare committee in Östersund get names
that would run script, inject Markdown or become a spreadsheet formula. Every page that can show
them is opened; no dialog may fire, no element may carry an event handler or a script/javascript
link, and where a name is shown it is shown literally. On the map, each hostile health centre is
hovered at its known position (projected from the view state the server sent) and its tooltip
must actually appear, with the name as literal text.
"""

from __future__ import annotations

import contextlib
import csv
import json
import math
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest

from benchmarks import harness
from dashboard.ingest import demo

pytestmark = pytest.mark.e2e

ROUND = "XSS-test"
HOSTILE = {
    "VC-2380-001": "<img src=x onerror=alert(1)>",
    "VC-2380-002": "</script><script>alert(1)</script>",
    "VC-2380-003": '=HYPERLINK("http://x","y")',
    "SN-2380": "[klicka](javascript:alert(1)) **fet** <b onmouseover=alert(1)>b</b>",
}

# Nothing in the page may look like this after hostile names have been drawn.
DOM_CHECK = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.getAttributeNames()) {
      if (a.toLowerCase().startsWith('on')) bad.push(el.tagName + '[' + a + ']');
    }
  }
  for (const a of document.querySelectorAll('a[href]')) {
    // every link goes to the app itself: a name that looks like a URL must not become a link out
    const h = a.getAttribute('href').trim().toLowerCase();
    if (h.startsWith('javascript:') || new URL(a.href).origin !== location.origin) bad.push('a[href=' + h + ']');
  }
  for (const s of document.querySelectorAll('script')) {
    if (s.textContent.includes('alert(1)')) bad.push('script with alert(1)');
  }
  for (const i of document.querySelectorAll('img[src="x"]')) bad.push('img[src=x]');
  return bad;
}"""


def _hostile_file(path: Path) -> Path:
    """The shipped example round with four names replaced, as the same CSV format."""
    with demo.EXAMPLE_FILE.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    header = rows[0]
    id_col, name_col, round_col = header.index("Enhets-id"), header.index("Enhet"), header.index("Omgång")
    replaced = 0
    for row in rows[1:]:
        row[round_col] = ROUND
        if row[id_col] in HOSTILE:
            row[name_col] = HOSTILE[row[id_col]]
            replaced += 1
    assert replaced == len(HOSTILE), "the example round no longer has the units this test renames"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, delimiter=";").writerows(rows)
    return path


@pytest.fixture(scope="module")
def xss_server(chromium, tmp_path_factory, serving):
    from dashboard.storage import imports, store

    tmp = tmp_path_factory.mktemp("xss")
    db = tmp / "xss.duckdb"
    result = imports.import_file(_hostile_file(tmp / "hostile.csv"), round_name=ROUND, store=store.Store(db))
    assert result.error is None and not result.rejected, (result.error, result.rejected[:3])
    assert set(HOSTILE.values()) <= set(result.units["name"])
    with serving(db, "server-xss.log") as server:
        yield server


@pytest.fixture
def xss_visit(new_visit, xss_server):
    return new_visit(xss_server.url)


def visible(text: str) -> str:
    """Text as a person sees it: whitespace collapsed, invisible joiners (which ui.plain puts into
    URL-like text so that Markdown does not turn it into a link) removed."""
    return harness.normalise(text.replace("\u2060", "").replace("\u200b", ""))


def _check(v, name: str) -> None:
    bad = v.page.evaluate(DOM_CHECK)
    assert not bad, bad
    assert not v.watch.dialogs, v.watch.dialogs
    v.shot(f"xss-{name}")
    v.assert_clean()


def _grid_cells(v, key: str) -> list[str]:
    g = v.page.locator(f".st-key-{key} [data-testid='data-grid-canvas'] tbody td")
    g.first.wait_for(state="attached")
    return [c.strip() for c in g.all_inner_texts()]


def _sent_decks(frames: list[bytes]) -> list[dict]:
    """The pydeck specs the server sent to this page, parsed out of its websocket frames (the deck
    JSON travels as a string inside Streamlit's protobuf messages)."""
    decoder = json.JSONDecoder()
    decks = []
    for frame in frames:
        text = frame.decode("utf-8", errors="ignore")
        at = text.find('"initialViewState"')
        while at != -1:
            start = at
            for _ in range(50):  # the deck object opens at one of the braces before the key
                start = text.rfind("{", 0, start)
                if start < 0:
                    break
                with contextlib.suppress(ValueError):
                    deck, _ = decoder.raw_decode(text, start)
                    if isinstance(deck, dict) and "initialViewState" in deck and "layers" in deck:
                        decks.append(deck)
                        break
            at = text.find('"initialViewState"', at + 1)
    return decks


def _layer_rows(v, layer: dict) -> list[dict]:
    """A layer's rows as the browser gets them: inline, or (when the server publishes map data as
    static files) fetched from the URL the deck carries instead, resolved against the page."""
    data = layer.get("data") or []
    if isinstance(data, str):
        response = v.page.request.get(urljoin(v.page.url, data))
        assert response.ok, (data, response.status)
        data = response.json()
    return list(data)


def _screen_point(view: dict, lon: float, lat: float, box: dict) -> tuple[float, float]:
    """Where deck.gl draws (lon, lat) on a canvas at ``box`` for a flat Web Mercator view state
    (pitch and bearing 0): 512 px world tiles scaled by 2^zoom, the view's centre at the canvas centre."""
    size = 512 * 2 ** float(view["zoom"])

    def world(lo: float, la: float) -> tuple[float, float]:
        y = math.log(math.tan(math.pi / 4 + math.radians(la) / 2))
        return (lo + 180) / 360 * size, (math.pi - y) / (2 * math.pi) * size

    px, py = world(lon, lat)
    cx, cy = world(float(view["longitude"]), float(view["latitude"]))
    return box["x"] + box["width"] / 2 + (px - cx), box["y"] + box["height"] / 2 + (py - cy)


def _hover_unit(v, name: str) -> str:
    """Hover the health centre called ``name`` at its known position on the map and return the
    tooltip text deck.gl draws. The position and the view state are those the server sent."""
    def points(deck: dict) -> list[dict]:
        return [p for layer in deck["layers"] if str(layer.get("id", "")).startswith("units")
                for p in _layer_rows(v, layer) if str(p.get("tooltip", "")).startswith(name + "\n")]

    decks = [d for d in _sent_decks(v.watch.ws_frames) if points(d)]
    assert decks, f"no map sent to the browser has a point for {name!r}"
    deck = decks[-1]
    point = points(deck)[0]
    canvas = v.page.locator("[data-testid='stDeckGlJsonChart'] canvas").first
    canvas.wait_for(state="visible")
    canvas.scroll_into_view_if_needed()  # the mouse only reaches what is inside the viewport
    box = canvas.bounding_box()
    assert box is not None
    x, y = _screen_point(deck["initialViewState"], float(point["lon"]), float(point["lat"]), box)
    assert box["x"] < x < box["x"] + box["width"] and box["y"] < y < box["y"] + box["height"], (name, x, y, box)
    tip = v.page.locator(".deck-tooltip")
    v.page.mouse.move(x - 3, y - 3)  # arrive from aside, so deck.gl sees a hover move onto the point
    v.page.mouse.move(x, y)
    # deck.gl draws the tooltip on the next animation frame once the point is picked
    try:
        v.page.wait_for_function("""(name) => { const t = document.querySelector('.deck-tooltip');
            return !!t && getComputedStyle(t).display !== 'none' && t.textContent.includes(name); }""",
            arg=name, timeout=30_000)
    except Exception as e:
        v.shot("xss-debug", full_page=False)
        shown = tip.first.inner_text() if tip.count() else None
        raise AssertionError(f"{name!r}: no tooltip at {(x, y)} in {box}; view {deck['initialViewState']}, "
                             f"point {point}; tooltip shown: {shown!r}; {len(decks)} decks") from e
    return tip.first.inner_text()


def test_hostile_names_on_the_overview_map_region_and_comparison_pages(xss_visit):
    v = xss_visit
    for name, path in (("oversikt", "/"), ("karta", "/karta?region=23"), ("jamforelse", "/jamforelse"),
                       ("risk", "/risk")):
        v.open(f"{path}{'&' if '?' in path else '?'}round={ROUND}", "Exempeldata")
        assert ROUND in v.page.get_by_role("combobox", name="Omgång", exact=True).input_value()
        _check(v, name)


def test_hostile_names_in_the_region_and_kommun_tables_are_literal(xss_visit):
    v = xss_visit
    v.open(f"/region?region=23&typ=vardcentral&round={ROUND}", v.page.locator(".st-key-region_units"))
    _check(v, "region")

    v.watch.keep_frames = True  # the map's spec (view state, points) is read from what the server sent
    v.open(f"/kommun?kommun=2380&round={ROUND}", v.page.locator(".st-key-kommun_units [data-testid='stDataFrame']"))
    cells = _grid_cells(v, "kommun_units")
    for unit_id in ("VC-2380-001", "VC-2380-002", "VC-2380-003"):
        assert HOSTILE[unit_id] in cells, (HOSTILE[unit_id], cells)
    # each hostile health centre's tooltip is actually drawn, shows the name literally, and runs nothing
    for unit_id in ("VC-2380-001", "VC-2380-002", "VC-2380-003"):
        tip = _hover_unit(v, HOSTILE[unit_id])
        assert tip.splitlines()[0] == HOSTILE[unit_id], (unit_id, tip)
        tooltip_html = v.page.locator(".deck-tooltip").first.inner_html()
        assert "<img" not in tooltip_html and "<script" not in tooltip_html, tooltip_html
        _check(v, f"kommun-tooltip-{unit_id}")
    v.page.mouse.move(0, 0)


@pytest.mark.parametrize("unit_id", list(HOSTILE))
def test_hostile_unit_page_shows_its_name_literally(xss_visit, unit_id):
    v = xss_visit
    name = HOSTILE[unit_id]
    v.open(f"/enhet?kommun=2380&unit={unit_id}&round={ROUND}", v.page.locator("[data-testid='stMain'] h1"))
    assert visible(v.page.locator("[data-testid='stMain'] h1").first.inner_text()) == visible(name)
    assert visible(v.crumbs()[-1]) == visible(name)
    _check(v, f"enhet-{re.sub(r'[^A-Za-z0-9]+', '-', unit_id)}")
