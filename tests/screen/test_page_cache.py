"""A second session opening the same view reuses what the first one built (issue 14): figures,
decks, ranked tables and the counts behind them are built once per (data version, view), not
once per page open. Each test counts the calls of a builder over two fresh sessions (two
AppTests) with the same URL: the count must not grow in the second one."""

from __future__ import annotations

from collections import Counter

import pytest
import streamlit as st
from apptest import open_page

from dashboard.domain import provisions
from dashboard.export import risk_tables
from dashboard.figures import aggregate, risk
from dashboard.present import charts, deck, risk_charts

# (page, URL params, (module, builder) pairs the page draws with)
CASES = [
    ("oversikt", {}, [(charts, "region_bar"), (charts, "provision_bar"), (aggregate, "national")]),
    ("karta", {"niva": "kommun"}, [(deck, "choropleth_deck")]),
    ("kommun", {"kommun": "2380"}, [(aggregate, "unit_answers"), (aggregate, "national")]),
    ("jamforelse", {}, [(charts, "share_distribution"), (aggregate, "honest_rank")]),
    ("risk", {}, [(risk_charts, "contribution_bar"), (risk_tables, "unit_export")]),
    # the area lists run when their tab is open (tabs are lazy)
    ("risk", {"state": {"risk_tab_level_vardcentral": "Kommuner"}}, [(risk, "by_area")]),
]


@pytest.mark.parametrize(("page", "params", "builders"), CASES, ids=["oversikt", "karta", "kommun", "jamforelse",
                                                                      "risk", "risk-areas"])
def test_second_session_reuses_what_the_first_built(monkeypatch, page, params, builders):
    st.cache_data.clear()
    st.cache_resource.clear()
    calls: Counter[str] = Counter()
    for module, name in builders:
        original = getattr(module, name)

        def counted(*args, _original=original, _name=name, **kwargs):
            calls[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)
    open_page(page, **params)
    first = dict(calls)
    assert all(first.get(name) for _, name in builders), first  # each builder ran in the first session
    open_page(page, **params)
    assert dict(calls) == first  # ... and not again in the second


def test_catalogue_is_built_once_and_callers_cannot_change_it():
    provisions._catalogue.cache_clear()
    a = provisions.catalogue()
    a.loc[:, "title_sv"] = "ändrad"
    a["extra"] = 1
    b = provisions.catalogue()
    assert provisions._catalogue.cache_info().misses == 1
    assert "extra" not in b.columns and (b["title_sv"] != "ändrad").all()


def test_cached_tables_are_handed_out_as_copies():
    """A page that changes the table it got (in place) does not change what the next session gets."""
    from dashboard.screen import cache

    at = open_page("oversikt")  # a script run gives the cache a runtime
    assert not at.exception
    round_name = cache.newest_round()
    reg = cache.by_region(round_name, "vardcentral")
    reg.loc[:, "n_units"] = -1
    reg["extra"] = 1
    again = cache.by_region(round_name, "vardcentral")
    assert "extra" not in again.columns and (again["n_units"] >= 0).all()


def test_heap_freezes_only_when_new_modules_were_imported(monkeypatch):
    """The full collection after every run stays cheap: long-lived objects are frozen once per new
    set of modules, not after every run (a freeze per run would hold every run's garbage)."""
    import gc
    import sys

    from dashboard.screen import heap

    monkeypatch.setattr(heap, "_state", {"modules": 0, "freezes": 0})
    before = gc.get_freeze_count()
    assert heap.settle() is True and gc.get_freeze_count() >= before
    assert heap.settle() is False  # nothing new imported
    monkeypatch.setitem(sys.modules, "dashboard_heap_test_module", object())
    assert heap.settle() is True
    monkeypatch.setattr(heap, "_state", {"modules": 0, "freezes": heap.MAX_FREEZES})
    assert heap.settle() is False  # bounded
    gc.unfreeze()
