"""Hostile names from an imported file are shown as text, never run.

A round is imported through ``dashboard.store.import_file`` into a fresh database BEFORE a second
server starts on it. Three health centres and a social welfare committee in Östersund get names
that would run script, inject Markdown or become a spreadsheet formula. Every page that can show
them is opened; no dialog may fire, no element may carry an event handler or a script/javascript
link, and where a name is shown it is shown literally. The map is swept with the mouse so that
its tooltips (deck.gl) are drawn too.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from benchmarks import bench
from dashboard import demo

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
    from dashboard import store

    tmp = tmp_path_factory.mktemp("xss")
    db = tmp / "xss.duckdb"
    result = store.import_file(_hostile_file(tmp / "hostile.csv"), round_name=ROUND, store=store.Store(db))
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
    return bench.normalise(text.replace("\u2060", "").replace("\u200b", ""))


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


def _sweep_map(v, steps: int = 14) -> list[str]:
    """Move the mouse over the map in a grid (bounded) and collect the tooltip texts shown."""
    canvas = v.page.locator("[data-testid='stDeckGlJsonChart'] canvas").first
    canvas.wait_for(state="visible")
    box = canvas.bounding_box()
    assert box is not None
    tips: set[str] = set()
    for i in range(steps):
        for j in range(steps):
            v.page.mouse.move(box["x"] + box["width"] * (i + 0.5) / steps, box["y"] + box["height"] * (j + 0.5) / steps)
            tip = v.page.locator(".deck-tooltip")
            if tip.count() and tip.first.is_visible():
                tips.add(tip.first.inner_text())
    v.page.mouse.move(0, 0)
    return sorted(tips)


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

    v.open(f"/kommun?kommun=2380&round={ROUND}", v.page.locator(".st-key-kommun_units [data-testid='stDataFrame']"))
    cells = _grid_cells(v, "kommun_units")
    for unit_id in ("VC-2380-001", "VC-2380-002", "VC-2380-003"):
        assert HOSTILE[unit_id] in cells, (HOSTILE[unit_id], cells)
    tips = _sweep_map(v)
    _check(v, "kommun")
    for tip in tips:  # a tooltip shows a name as text or not at all
        for hostile in HOSTILE.values():
            first = hostile.split()[0]
            assert first not in tip or hostile in tip, (hostile, tip)


@pytest.mark.parametrize("unit_id", list(HOSTILE))
def test_hostile_unit_page_shows_its_name_literally(xss_visit, unit_id):
    v = xss_visit
    name = HOSTILE[unit_id]
    v.open(f"/enhet?kommun=2380&unit={unit_id}&round={ROUND}", v.page.locator("[data-testid='stMain'] h1"))
    assert visible(v.page.locator("[data-testid='stMain'] h1").first.inner_text()) == visible(name)
    assert visible(v.crumbs()[-1]) == visible(name)
    _check(v, f"enhet-{re.sub(r'[^A-Za-z0-9]+', '-', unit_id)}")
