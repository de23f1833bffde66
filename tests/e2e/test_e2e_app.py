"""The app in a real browser: deep links, numbers, breadcrumbs, clicking down region -> municipality
-> unit, the back button, a copied URL in a fresh browser, the map drawn, English, and nothing
but the app's own host contacted, no console errors.

Screenshots of each step go to artifacts/e2e/ for a person to look at.
"""

from __future__ import annotations

import io
import re
import time

import pytest

from benchmarks import harness
from dashboard import i18n
from dashboard.domain import reference
from dashboard.figures import aggregate
from dashboard.screen import ui
from dashboard.storage import datasets

pytestmark = pytest.mark.e2e

# URL path of every page: the file stem, except the default page (the overview), which is "/".
NAV = ["" if key == "overview" else path.split("/")[-1].removesuffix(".py") for key, path in ui.PAGES.items()]


@pytest.fixture(scope="module")
def status():
    units, answers = datasets.example_round()
    return aggregate.unit_status(units, answers)


# --- helpers ---------------------------------------------------------------------------------


def grid(page, key: str):
    """The st.dataframe with widget key ``key``."""
    return page.locator(f".st-key-{key} [data-testid='stDataFrame']")


def grid_rows(page, key: str) -> list[list[str]]:
    """The rendered rows of a data grid, read from its accessible table (the grid itself is a canvas).

    Only rows inside the visible window are rendered; row i is at position i from the top."""
    g = grid(page, key)
    g.locator("[data-testid='data-grid-canvas'] tbody tr").first.wait_for(state="attached")
    return g.locator("[data-testid='data-grid-canvas'] tbody tr").evaluate_all(
        "rows => rows.map(r => Array.from(r.querySelectorAll('td')).map(td => td.innerText.trim()))")


def click_row(v, key: str, row: int, *expect: object) -> None:
    """Select data row ``row`` (0 = first visible) by clicking its checkbox on the canvas, then
    follow the "Öppna …" link the selection shows (a link: one history entry per level). Each click
    reruns the app: the next step waits for that run to finish (``Visit.act``), never for a time."""
    page = v.page
    link = page.locator(f".st-key-{key}_open a")
    v.act(lambda: grid(page, key).click(position=harness.dataframe_row_point(row)), link)
    v.act(link.click, *expect)


def h1(page) -> str:
    return harness.normalise(page.locator("[data-testid='stMain'] h1").first.inner_text())


def deck_canvas_drawn(page, name: str, timeout: float = 180) -> bytes:
    """Screenshot the map's WebGL canvas until it shows a drawn map; save it and return it. WebGL paints
    after the run, with no DOM signal, so this polls the pixels: it ends as soon as the map is drawn,
    and the bound (generous, for a busy machine) only ends a map that never draws, which FAILS the
    test here: a caller cannot ignore a blank map (the map-edge test once did, and a blank canvas
    touches no edge)."""
    canvas = page.locator("[data-testid='stDeckGlJsonChart'] canvas").first
    canvas.wait_for(state="visible")
    deadline = time.monotonic() + timeout
    colours, spread = 0, 0.0
    while time.monotonic() < deadline:
        png = canvas.screenshot()
        colours, spread = harness.canvas_colours(png)
        if colours >= 8 and spread >= 10:
            (harness.ROOT / "artifacts" / "e2e" / f"{name}.png").write_bytes(png)
            return png
        page.wait_for_timeout(250)
    pytest.fail(f"{name}: the map canvas looks blank after {timeout:.0f} s: {colours} colours, stddev {spread:.1f}")


# --- tests -----------------------------------------------------------------------------------


def test_overview_shows_the_published_national_figures(visit):
    v = visit.open("/", "Exempeldata", "431 av 1")
    body = v.text()
    assert "431 av 1 136 vårdcentraler (38 %)" in body
    assert "200 av 290 socialnämnder (69 %)" in body
    assert "24 följer ingen regel eller vet inte" in body
    assert "Exempeldata" in body
    assert h1(v.page) == "Översikt"
    assert v.crumbs() == ["Sverige"]
    v.shot("01-oversikt")
    v.assert_clean()


def test_deep_link_to_a_region_shows_its_numbers_breadcrumbs_and_a_drawn_map(visit):
    v = visit.open("/region?region=18", "Plats 1 av 21")
    body = v.text()
    assert h1(v.page) == "Region Örebro län"
    assert "20 av 27 vårdcentraler (74 %)" in body
    assert "Plats 1 av 21 regioner" in body
    assert "Riket: 431 av 1 136 (38 %)" in body
    assert "Exempeldata" in body
    # breadcrumbs are links: Sverige -> the overview, the region -> its own page
    links = v.page.locator(".st-key-breadcrumbs a")
    assert v.crumbs() == ["Sverige", "Region Örebro län"]
    hrefs = links.evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert hrefs[0] in ("", "/", "oversikt") and re.fullmatch(r"region\?region=18", hrefs[1]), hrefs
    deck_canvas_drawn(v.page, "02-region-18-map")
    v.shot("02-region-18")
    v.assert_clean()


def test_the_map_page_draws_the_country(visit):
    v = visit.open("/karta", visit.page.locator("[data-testid='stDeckGlJsonChart']"))
    deck_canvas_drawn(v.page, "03-karta-map")
    v.shot("03-karta")
    v.assert_clean()


def edge_coverage(png: bytes) -> dict[str, float]:
    """Share of non-background pixels in the outermost rows and columns of a map screenshot:
    a map that shows the whole of its area leaves a margin of background on every side."""
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB")
    w, h = img.size
    px = img.load()

    def share(points: list[tuple[int, int]]) -> float:
        return sum(1 for p in points if max(255 - c for c in px[p]) > 30) / len(points)

    return {"top": share([(x, 1) for x in range(w)]), "bottom": share([(x, h - 2) for x in range(w)]),
            "left": share([(1, y) for y in range(h)]), "right": share([(w - 2, y) for y in range(h)])}


@pytest.mark.parametrize("path", ["/karta", "/region?region=18", "/region?region=23"])
def test_the_map_shows_the_whole_area(visit, path):
    v = visit.open(path, visit.page.locator("[data-testid='stDeckGlJsonChart']"))
    name = "map-" + re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")
    cover = edge_coverage(deck_canvas_drawn(v.page, name))  # a blank canvas fails there, not here
    assert max(cover.values()) < 0.02, f"{path}: the area reaches the map's edge: {cover}"
    v.assert_clean()


def drill(v, status) -> dict[str, str]:
    """Country -> region -> municipality -> unit, by clicking (a link, then table rows), checking
    each level's heading, numbers and breadcrumbs on the way. Returns the names and URLs seen."""
    page = v.page
    v.open("/", "431 av 1")
    seen = {"overview_url": page.url}

    # country -> region: the quick link to the region with the highest share
    v.act(page.get_by_role("link", name=re.compile(r"Region Örebro län, 20 av 27")).click, "Plats 1 av 21")
    page.wait_for_url(re.compile(r"/region\?(.*&)?region=18(&|$)"))
    assert h1(page) == "Region Örebro län"
    assert "20 av 27 vårdcentraler (74 %)" in v.text()
    assert v.crumbs() == ["Sverige", "Region Örebro län"]
    seen["region_url"] = page.url
    v.shot("04-drill-1-region")

    # region -> municipality: a row of the municipalities table (one that has health centres)
    with_units = set(status.loc[(status["unit_type"] == "vardcentral") & (status["region_kod"] == "18"), "kommun"])
    key = "region_map_table_kommun_18"
    rows = grid_rows(page, key)
    index = next(i for i, r in enumerate(rows) if r and r[0] in with_units)
    kommun = rows[index][0]
    kommun_kod = reference.municipalities().set_index("kommun").loc[kommun, "kommun_kod"]
    click_row(v, key, index, page.locator(".st-key-kommun_units [data-testid='stDataFrame']"))
    page.wait_for_url(re.compile(rf"/kommun\?(.*&)?kommun={kommun_kod}(&|$)"))
    assert kommun in h1(page)
    assert v.crumbs() == ["Sverige", "Region Örebro län", kommun]
    seen |= {"kommun": kommun, "kommun_url": page.url}
    v.shot("05-drill-2-kommun")

    # municipality -> unit: the first health centre in the list
    unit_name = grid_rows(page, "kommun_units")[0][0]
    click_row(v, "kommun_units", 0, i18n.t("answers_by_provision", "sv"))
    page.wait_for_url(re.compile(r"/enhet\?(.*&)?unit="))
    assert h1(page) == unit_name
    assert v.crumbs() == ["Sverige", "Region Örebro län", kommun, unit_name]
    seen |= {"unit": unit_name, "unit_url": page.url}
    v.shot("06-drill-3-enhet")
    return seen


def test_click_down_region_kommun_unit_and_open_the_copied_url_fresh(visit, new_visit, status):
    seen = drill(visit, status)
    unit_text = visit.text()
    visit.assert_clean()

    # the copied URL, opened in a fresh browser context, reproduces the unit view
    fresh = new_visit().open(seen["unit_url"].removeprefix(visit.base_url), i18n.t("answers_by_provision", "sv"))
    assert h1(fresh.page) == seen["unit"]
    assert fresh.crumbs() == ["Sverige", "Region Örebro län", seen["kommun"], seen["unit"]]
    assert fresh.text() == unit_text
    fresh.shot("07-copied-url-fresh-context")
    fresh.assert_clean()


def test_the_back_button_returns_one_level_per_press(visit, status):
    seen = drill(visit, status)
    page = visit.page
    for url, level_h1, crumbs in (
        (seen["kommun_url"], None, ["Sverige", "Region Örebro län", seen["kommun"]]),
        (seen["region_url"], "Region Örebro län", ["Sverige", "Region Örebro län"]),
        (seen["overview_url"], "Översikt", ["Sverige"]),
    ):
        # Back shows the previous level: wait for its URL, then for the app to be idle with exactly
        # that level's breadcrumbs (the level we left stays on screen until the rerun, if any, ends).
        page.go_back(wait_until="commit")
        page.wait_for_url(url)
        visit.shows_crumbs(crumbs)
        assert page.url == url
        assert visit.crumbs() == crumbs
        if level_h1:
            assert h1(page) == level_h1
    visit.shot("08-back-to-overview")
    visit.assert_clean()


def test_sidebar_choice_goes_into_the_url_and_lists_the_regions_health_centres(visit):
    v = visit.open("/region?typ=vardcentral", i18n.t("choose_region", "sv"))
    page = v.page
    v.act(harness.pick_option(page, "Region", "Region Jämtland Härjedalen").click,
          page.locator(".st-key-region_units [data-testid='stDataFrame']"))
    page.wait_for_url(re.compile(r"/region\?(.*&)?region=23(&|$)"))
    assert h1(page) == "Region Jämtland Härjedalen"
    assert "typ=vardcentral" in page.url
    assert "22 / 22" in v.text()
    g = grid(page, "region_units")
    assert g.locator("[data-testid='data-grid-canvas'] table").get_attribute("aria-rowcount") == "23"  # + header
    names = _all_grid_names(page, "region_units")
    assert len(names) == 22, names
    assert {"Krokom hälsocentral", "Åre hälsocentral"} <= names
    v.shot("09-region-23-health-centres")
    v.assert_clean()


def _all_grid_names(page, key: str, steps: int = 20) -> set[str]:
    """First-column values of every row. The grid renders (and lists in its accessible table) only
    the rows in view, and updates that table a moment after a scroll: so scroll its scroller half a
    view at a time (bounded), and read once the table has settled (two equal reads in a row)."""
    g = grid(page, key)
    seen: set[str] = set()

    def settled_rows() -> list[list[str]]:
        last = None
        for _ in range(20):
            page.wait_for_timeout(200)
            rows = grid_rows(page, key)
            if rows and rows == last:
                return rows
            last = rows
        return last or []

    for _ in range(steps):
        seen |= {r[0] for r in settled_rows() if r}
        at_end = g.evaluate("""e => { const s = e.querySelector('.dvn-scroller');
            if (s.scrollTop + s.clientHeight >= s.scrollHeight - 1) return true;
            s.scrollTop += s.clientHeight / 2; return false; }""")
        if at_end:
            break
    return seen


def test_english(visit):
    v = visit.open("/?lang=en", "Example data", "431 of 1")
    body = v.text()
    assert h1(v.page) == "Overview"
    assert "431 of 1,136 health centres (38%)" in body
    assert "200 of 290 social welfare committees (69%)" in body
    assert v.crumbs() == ["Sweden"]
    v.page.locator(".st-key-nav a").first.wait_for(state="visible")
    nav = harness.normalise(" ".join(v.page.locator(".st-key-nav a").all_inner_texts()))
    assert "Overview" in nav and "Översikt" not in nav
    v.open("/region?region=18&lang=en", "Example data", "Rank 1 of 21")
    assert "20 of 27 health centres (74%)" in v.text()
    assert v.crumbs() == ["Sweden", "Region Örebro län"]
    v.shot("10-english-region")
    v.assert_clean()


# Records every text the page draws on a 2D canvas: the data grid paints its cells there, and its
# accessible table lists the values underneath, not what is painted.
DRAWN_TEXT = """(() => {
    const drawn = window.__drawnText = new Set();
    const fill = CanvasRenderingContext2D.prototype.fillText;
    CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
        drawn.add(String(text));
        return fill.call(this, text, ...rest);
    };
})();"""


def test_tables_write_numbers_as_the_language_does(visit):
    """Issue 18, point 6: the grid paints "74,1" (Region Örebro län's share) in Swedish and "74.1" in
    English; underneath it stays the number 74.1, so the column sorts by value."""
    visit.page.add_init_script(DRAWN_TEXT)
    for lang, share, other in (("sv", "74,1", "74.1"), ("en", "74.1", "74,1")):
        v = visit.open(f"/region?typ=vardcentral&lang={lang}", i18n.t("choose_region", lang))
        orebro = next(r for r in _all_grid_rows(v.page, "pick_region") if r and r[0] == "Region Örebro län")
        assert "74.1" in orebro, orebro  # the value underneath
        v.page.wait_for_function("t => window.__drawnText && window.__drawnText.has(t)", arg=share)
        drawn = v.page.evaluate("() => Array.from(window.__drawnText)")
        assert share in drawn and other not in drawn, sorted(drawn)[:80]
        v.shot(f"11-decimal-{lang}")
    v.assert_clean()


def _all_grid_rows(page, key: str) -> list[list[str]]:
    """The rows of a data grid in view, then after scrolling it to the end (21 regions: two screens)."""
    first = grid_rows(page, key)
    grid(page, key).evaluate("e => { const s = e.querySelector('.dvn-scroller'); s.scrollTop = s.scrollHeight; }")
    page.wait_for_timeout(300)
    return first + grid_rows(page, key)


def test_every_request_stays_on_the_apps_own_host(visit):
    """Every page, loaded fresh: requests only to 127.0.0.1:<port> (no fonts, tiles or telemetry)."""
    v = visit
    for stem in NAV:
        v.open(f"/{stem}", "Exempeldata")
        assert v.page.url.split("?")[0] == f"{v.base_url}/{stem}", f"/{stem} was not found: {v.page.url}"
    assert v.watch.requests, "no requests were recorded"
    assert not v.watch.foreign_requests, v.watch.foreign_requests
    v.assert_clean()


def test_oversikt_path_opens_the_overview(visit):
    """The overview's Swedish path works as well as "/" (no 'page not found' console error)."""
    v = visit.open("/oversikt", "431 av 1")
    assert h1(v.page) == "Översikt"
    v.assert_clean()
