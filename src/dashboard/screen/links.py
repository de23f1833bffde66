"""Every link between pages, built in one place (after Datasette's ``url_builder``).

A link is a page plus the filters it should open with; the filters travel in the query string
(``state.Filters.to_params``), minus the round when it is the newest one, so links stay short
and a shared link keeps working after a newer round is imported. ``LinkBuilder`` is pure; the
Streamlit helpers below only draw what it builds.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from dashboard.screen.state import Filters

# File names are the Swedish URL paths: with a pages/ folder, Streamlit's page discovery
# expects a page's URL to be its file name.
PAGES: dict[str, str] = {
    "overview": "pages/oversikt.py",
    "map": "pages/karta.py",
    "region": "pages/region.py",
    "kommun": "pages/kommun.py",
    "unit": "pages/enhet.py",
    "compare": "pages/jamforelse.py",
    "risk": "pages/risk.py",
    "method": "pages/metod.py",
    "import": "pages/import.py",
}


@dataclass(frozen=True)
class LinkBuilder:
    """Builds query params and page targets; ``newest`` is the round a URL may leave out."""

    newest: str

    def params(self, f: Filters) -> dict[str, str]:
        params = f.to_params()
        if params.get("round") == self.newest:
            params.pop("round")
        return params

    def page(self, key: str) -> str:
        return PAGES[key]

    def path(self, key: str) -> str:
        """The page's URL path (its file name), for tests and for links outside Streamlit."""
        return "/" + PAGES[key].rsplit("/", 1)[-1].removesuffix(".py")


def builder() -> LinkBuilder:
    from dashboard.screen import cache

    return LinkBuilder(cache.newest_round())


def params_of(f: Filters) -> dict[str, str]:
    """The query params that open ``f``."""
    return builder().params(f)


def url_filters() -> Filters:
    """The filters in the URL, read directly: for widget callbacks, which run before the page and
    so must not go through ``ui.filters()`` (it may draw, or run ``app.py``)."""
    from dashboard.screen import cache, state

    return state.from_params(st.query_params.to_dict(), rounds=cache.rounds()["round"].tolist())


def go(f: Filters) -> None:
    """Write the filters to the current URL (only what differs from the defaults)."""
    st.query_params.from_dict(params_of(f))


def page_link(page: str, label: str, f: Filters, container=st, **options) -> None:
    """A link to ``page`` opening the view ``f`` (``options``: icon, width... of st.page_link)."""
    container.page_link(PAGES[page], label=label, query_params=params_of(f), **options)


def link(page: str, label: str, f: Filters, container=st, **changes: str) -> None:
    """A link to ``page`` with the current filters changed by ``changes``."""
    page_link(page, label, f.with_(**changes), container)
