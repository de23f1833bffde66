"""Accessibility: axe-core (bundled with axe-playwright-python, nothing downloaded) on every page,
in Swedish and in English: no violation of impact "serious" or "critical".

Findings that come from Streamlit itself and cannot be fixed from the app are listed in KNOWN,
each with the rule id, a pattern for the elements it may match, and the reason. Only those
elements are excused; the same rule on any other element still fails. Each page also has to show
the example-data notice in its language.
"""

from __future__ import annotations

import json
import re

import pytest

from dashboard.screen import ui
from dashboard.storage import datasets

pytestmark = pytest.mark.e2e

BLOCKING = {"serious", "critical"}

# rule id -> (regex on the offending element's HTML, reason). Keep this list short and specific.
KNOWN: dict[str, tuple[str, str]] = {}


def _deep_links() -> dict[str, str]:
    """Each page at a representative deep link (so the drilled-down views are checked too)."""
    units, _ = datasets.example_round()
    unit = units[(units["unit_type"] == "vardcentral") & (units["kommun_kod"] == "2380")].iloc[0]
    special = {
        "overview": "/",
        "region": "/region?region=18",
        "kommun": "/kommun?kommun=2380",
        "unit": f"/enhet?kommun=2380&unit={unit['unit_id']}",
    }
    return {key: special.get(key, "/" + path.split("/")[-1].removesuffix(".py")) for key, path in ui.PAGES.items()}


PAGES = _deep_links()


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("page_key", list(PAGES))
def test_no_serious_or_critical_axe_violations(visit, axe, artifacts, page_key, lang):
    path = PAGES[page_key]
    url = path + ("&" if "?" in path else "?") + f"lang={lang}"
    notice = "Exempeldata" if lang == "sv" else "Example data"
    visit.open(url, notice)
    assert notice in visit.text(), f"{url}: no example-data notice"

    results = axe.run(visit.page)
    found = []
    for violation in results.response["violations"]:
        if violation.get("impact") not in BLOCKING:
            continue
        pattern, _reason = KNOWN.get(violation["id"], (None, None))
        nodes = [n for n in violation["nodes"] if not (pattern and re.search(pattern, n.get("html", "")))]
        for node in nodes:
            found.append({"rule": violation["id"], "impact": violation["impact"], "help": violation["help"],
                          "target": node.get("target"), "html": node.get("html", "")[:300],
                          "why": node.get("failureSummary", "")[:300]})
    if found:
        (artifacts / f"axe-{page_key}-{lang}.json").write_text(json.dumps(found, ensure_ascii=False, indent=2))
        visit.shot(f"axe-{page_key}-{lang}")
    assert not found, f"{url}:\n" + "\n".join(
        f"- {f['rule']} ({f['impact']}): {f['help']}\n  {f['html']}\n  {f['why']}" for f in found)
    assert not visit.watch.problems(), visit.watch.problems()


def test_known_findings_are_explained():
    for rule, (pattern, reason) in KNOWN.items():
        assert re.compile(pattern) and len(reason) > 20, rule
