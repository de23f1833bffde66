"""The static edition served as a visitor gets it: built with ``tillsyn publish``, served by nginx with
the project's own configuration (deploy/nginx/, started unprivileged on a free port), opened in
Chromium. Every region and municipality is reachable by links from index.html in both languages;
no request leaves the site; no console error; axe finds nothing serious or critical; the national
page with everything it loads stays under 300 KB; the figures read without JavaScript.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import urllib.parse
import urllib.request
from collections import deque
from pathlib import Path

import ci_env
import lxml.html
import pytest

from benchmarks import static_site
from dashboard import i18n
from dashboard.domain import reference
from dashboard.export import publish
from dashboard.export.publish import paths

pytestmark = pytest.mark.e2e

BLOCKING = {"serious", "critical"}
NATIONAL_LIMIT = 300_000


@pytest.fixture(scope="module")
def site() -> Path:
    folder = static_site.site_folder()
    out = folder / "site"
    publish.build(out)
    yield out
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def server(site: Path, chromium: Path):
    if not static_site.nginx_available():
        ci_env.missing(f"nginx is not installed at {static_site.NGINX} (apt-get install nginx)")
    with static_site.Nginx(site) as srv:
        yield srv
        log = srv.error_log()
    assert "[error]" not in log, log  # e.g. a file a page asked for and the server did not have


def _get(url: str, gzip_ok: bool = False) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip_ok else {})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()


def test_every_region_and_municipality_is_reachable_from_index_html_in_both_languages(server, site):
    """A crawl over HTTP from /index.html that follows only the links on the pages: every page of the
    site is found, every link is relative and leads to a file the server has."""
    start = "/index.html"
    seen, queue, broken, absolute = {start}, deque([start]), [], []
    while queue:
        path = queue.popleft()
        status, _, body = _get(server.url + path)
        assert status == 200, path
        if not path.endswith(".html"):
            continue
        for _el, attr, link, _ in lxml.html.fromstring(body).iterlinks():
            if attr not in ("href", "src") or link.startswith("#"):
                continue
            if urllib.parse.urlsplit(link).scheme or link.startswith("/"):
                absolute.append((path, link))
                continue
            target = urllib.parse.urljoin(path, link).split("#")[0]
            if target.endswith("/"):
                target += "index.html"
            if not (site / target.lstrip("/")).is_file():
                broken.append((path, link))
            elif target not in seen:
                seen.add(target)
                queue.append(target)
    assert not absolute, absolute[:5]
    assert not broken, broken[:5]
    for lang in i18n.LANGS:
        assert "/" + paths.country(lang) in seen and "/" + paths.method(lang) in seen
        for code in reference.regions()["region_kod"]:
            assert "/" + paths.region(lang, code) in seen, (lang, code)
        for code in reference.municipalities()["kommun_kod"]:
            assert "/" + paths.kommun(lang, code) in seen, (lang, code)
    assert sum(1 for p in seen if p.endswith(".html")) == 2 * (1 + 21 + 290 + 1)


def test_served_compressed_with_cache_and_security_headers(server, site):
    status, headers, body = _get(server.url + "/index.html", gzip_ok=True)
    assert headers.get("content-encoding") == "gzip" and gzip.decompress(body) == (site / "index.html").read_bytes()
    assert headers["cache-control"] == "no-cache" and "etag" in headers
    assert "default-src 'none'" in headers["content-security-policy"] and headers["x-content-type-options"] == "nosniff"
    css = next(p for p in (site / "assets").iterdir() if p.suffix == ".css")
    _, headers, _ = _get(f"{server.url}/assets/{css.name}", gzip_ok=True)
    assert "immutable" in headers["cache-control"] and "max-age=31536000" in headers["cache-control"]
    assert "default-src 'none'" in headers["content-security-policy"]  # headers in every location
    _, headers, body = _get(server.url + "/data/regions.csv")
    assert headers["content-type"].startswith("text/csv") and "max-age=300" in headers["cache-control"]
    assert body == (site / "data" / "regions.csv").read_bytes()


PAGES = {"country": ("country", ""), "region": ("region", "18"), "kommun": ("kommun", "2380"),
         "method": ("method", "")}


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.mark.parametrize("lang", i18n.LANGS)
@pytest.mark.parametrize("page_key", list(PAGES))
def test_page_in_chromium_is_self_contained_error_free_and_accessible(browser, server, axe, artifacts, page_key, lang):
    kind, code = PAGES[page_key]
    url = f"{server.url}/{paths.page(lang, kind, code)}"
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    requests, problems = [], []
    own = urllib.parse.urlsplit(server.url).netloc

    def route(r):
        requests.append(r.request.url)
        if urllib.parse.urlsplit(r.request.url).netloc != own:
            problems.append(f"request to another host: {r.request.url}")
            return r.abort()
        return r.continue_()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    try:
        page.goto(url, wait_until="load")
        assert page.evaluate("document.documentElement.lang") == lang
        assert i18n.t("example_badge", lang) in page.locator(".example").inner_text()
        results = axe.run(page)
        found = [f"{v['id']} ({v['impact']}): {v['help']} at {n.get('target')}"
                 for v in results.response["violations"] if v.get("impact") in BLOCKING for n in v["nodes"]]
        if found:
            (artifacts / f"axe-static-{page_key}-{lang}.json").write_text(json.dumps(found, ensure_ascii=False, indent=2))
        assert not found, "\n".join(found)
        assert len(requests) >= 3  # the page, its stylesheet and its script were loaded and seen
        assert not problems, "\n".join(problems)
    finally:
        context.close()


def test_national_page_with_everything_it_loads_is_under_300_kb(browser, server):
    context = browser.new_context()
    page = context.new_page()
    responses = []
    page.on("requestfinished", lambda r: responses.append(r))
    try:
        page.goto(server.url + "/index.html", wait_until="networkidle")
        sizes = [r.sizes() for r in responses]
        total = sum(s["responseBodySize"] + s["responseHeadersSize"] for s in sizes)
        assert len(responses) == 3, [r.url for r in responses]  # the page, a stylesheet, a script: nothing else
        assert 0 < total <= NATIONAL_LIMIT, total
    finally:
        context.close()


def test_figures_read_without_javascript(browser, server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(server.url + "/index.html")
        text = re.sub(r"\s+", " ", page.locator("main").inner_text().replace("\u00a0", " "))
        assert "431 av 1 136 vårdcentraler (38 %)" in text and "200 av 290 socialnämnder (69 %)" in text
        assert page.locator("svg.map path").count() == 21
        page.goto(server.url + "/en/kommun/2380.html")
        text = re.sub(r"\s+", " ", page.locator("main").inner_text().replace("\u00a0", " "))
        assert "1 of 1" in text and "Too few units for a share" in text
    finally:
        context.close()


def test_a_map_area_opens_its_page(browser, server):
    """The small script's one job besides sorting: a click on an area opens the area's page."""
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    page = context.new_page()
    try:
        page.goto(server.url + "/index.html")
        page.locator('svg.map path[data-href="region/18.html"]').click()
        page.wait_for_url("**/region/18.html")
        assert "Region Örebro län" in page.locator("h1").inner_text()
        page.get_by_role("button", name=i18n.t("kommun", "sv")).first.click()  # sort the table by name
        assert page.locator("#map-table th[aria-sort]").count() == 1
    finally:
        context.close()
