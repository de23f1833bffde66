"""The cache boundary: the only module that caches for the pages (tests/screen/test_cache_boundary.py
fails on an ``st.cache_data``/``st.cache_resource`` anywhere else).

Three ways in, each bounded: ``shared`` for pieces of a view built from the stored data (tables,
figures, decks; keyed on ``data_version()``), ``fixed`` for pieces built from figures shipped with
the code, ``uploaded`` for what is read from an uploaded file.

Every cached table is keyed on ``data_version()`` (``store.data_version``): the database file and its
change marker (renewed by round and document writes, not by the admin gate), or for PostgreSQL the import log's last row.
An import (in the app or from the CLI) changes the key, so nothing stale is shown, and two
databases (tests, or a moved TILLSYN_DB) never share a cache entry. Everything returned is
computed by the pure modules (``datasets``, ``aggregate``, ``rounds``); this module only caches.

Tables are held once per process (``st.cache_resource``, bounded) and every caller gets a shallow
copy: with pandas' copy-on-write a caller that changes its copy never changes the cached table,
and no session pays for unpickling a table (``st.cache_data`` copies by pickling on every read,
and a page reads these tables dozens of times per run).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, NamedTuple, TypeVar

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from dashboard.figures import aggregate
from dashboard.figures import rounds as rounds_mod
from dashboard.figures.rounds import RoundsInView
from dashboard.screen.state import Filters
from dashboard.storage import datasets

T = TypeVar("T")


def _shared(max_entries: int) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """``st.cache_resource`` bounded to ``max_entries``, handing out shallow copies of the tables
    (a DataFrame, or a tuple of them) so the cached ones cannot be changed by a caller."""
    def wrap(fn: Callable[..., T]) -> Callable[..., T]:
        cached = st.cache_resource(show_spinner=False, max_entries=max_entries)(fn)

        @wraps(fn)
        def read(*args: Any) -> T:
            return _copy(cached(*args))
        read.clear = cached.clear  # type: ignore[attr-defined]
        read.shared = cached  # type: ignore[attr-defined]  # no copy: for read-only use in this module
        return read
    return wrap


def _copy(value: Any) -> Any:
    if isinstance(value, pd.DataFrame):
        return value.copy(deep=False)
    if isinstance(value, tuple):
        return type(value)(*(_copy(v) for v in value)) if hasattr(value, "_fields") else tuple(map(_copy, value))
    return value


def shared(max_entries: int) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """For pieces of a view built from the cached tables (a figure, a deck, a ranked table): built
    once per (``data_version()``, view values) and shared by every session showing that view. The
    decorated function takes ``data_version()`` first and plain values after (round, filters,
    language, weights, texts); DataFrames come back as shallow copies, anything else (a figure)
    is shared and must only be read."""
    return _shared(max_entries)


def fixed(max_entries: int) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """For pieces built only from figures shipped with the code (the published SCB indicator), not
    from stored data: built once per argument values (a language) and shared, read-only, by every
    session. No ``data_version()`` in the key, as an import cannot change them."""
    return _shared(max_entries)


def uploaded(max_entries: int) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """For what is read from a file a user uploads (its header, rows and suggested mapping): read
    once per file, keyed on the file's bytes, not on every rerun of the wizard. ``st.cache_data``
    (not the shared resource cache): each run gets its own copy, so one upload's result is never an
    object two sessions change; a few entries, as files are large and read one at a time."""
    return st.cache_data(max_entries=max_entries, show_spinner=False)


class RoundTables(NamedTuple):
    """One round's tables: the units, their answers, and ``status`` (the compliance rule per unit)."""

    units: pd.DataFrame
    answers: pd.DataFrame
    status: pd.DataFrame


def data_version() -> str:
    """The stored data's version (``store.data_version``: DuckDB's change marker, PostgreSQL's import
    log), read once per script run and kept for the rest of it.

    Every cached table, every link (through the newest round) and every notice asks for it: a page
    run asked about a hundred times, and each DuckDB read is three file-system calls (py-spy: a
    tenth of the server's CPU per page open). One run then also draws from one version of the data,
    even if an import lands half-way through it. ``clear_caches`` (after this session's own import)
    forgets it; outside a script run (tests, tools) every call reads the store."""
    from dashboard.storage import store

    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None:
        return store.data_version()
    # ``ctx.cursors`` is a new dict at the start of every run (``ScriptRunContext.reset``): held
    # here, the memo belongs to the run that made it.
    memo = getattr(ctx, _RUN_VERSION, None)
    if memo is None or memo[0] is not ctx.cursors:
        memo = (ctx.cursors, store.data_version())
        setattr(ctx, _RUN_VERSION, memo)
    return memo[1]


_RUN_VERSION = "_tillsyn_data_version"


def _forget_run_version() -> None:
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is not None and hasattr(ctx, _RUN_VERSION):
        delattr(ctx, _RUN_VERSION)


@_shared(16)
def _rounds(version: str) -> pd.DataFrame:
    return datasets.rounds()


@_shared(8)
def _round_tables(version: str, round_name: str) -> RoundTables:
    units, answers = datasets.load(round_name)
    return RoundTables(units, answers, aggregate.unit_status(units, answers))


@_shared(64)
def _by_region(version: str, round_name: str, unit_type: str) -> pd.DataFrame:
    return aggregate.by_region(round_tables(round_name).status, unit_type)


@_shared(64)
def _by_kommun(version: str, round_name: str, unit_type: str, region_kod: str) -> pd.DataFrame:
    if region_kod:
        # A region's rows of the country's table (``aggregate.by_kommun`` filters the same way):
        # the first view of a region takes a selection, not an aggregation of its own.
        whole = _by_kommun.shared(version, round_name, unit_type, "")  # type: ignore[attr-defined]
        return whole[whole["region_kod"] == region_kod].reset_index(drop=True)
    return aggregate.by_kommun(round_tables(round_name).status, unit_type, None)


@_shared(256)
def _by_provision(version: str, round_name: str, unit_type: str, region_kod: str, kommun_kod: str) -> pd.DataFrame:
    t = round_tables(round_name)
    return aggregate.by_provision(t.units, t.answers, unit_type, region_kod=region_kod or None,
                                  kommun_kod=kommun_kod or None)


@_shared(64)
def _scope_figures(version: str, round_name: str, region_kod: str, kommun_kod: str) -> pd.DataFrame:
    from dashboard.figures import filters

    return aggregate.national(filters.in_scope(round_tables(round_name).status, None, region_kod, kommun_kod))


@_shared(64)
def _ranked_regions(version: str, round_name: str, unit_type: str) -> pd.DataFrame:
    return aggregate.honest_rank(by_region(round_name, unit_type))


@_shared(16)
def _unit_changes(version: str, round_name: str, previous: str) -> pd.DataFrame:
    return rounds_mod.unit_changes(round_tables(previous).status, round_tables(round_name).status)


@_shared(16)
def _coverage(version: str, round_name: str) -> pd.DataFrame:
    from dashboard.domain import provisions

    t = round_tables(round_name)
    return provisions.coverage(t.units, t.answers)


def coverage(round_name: str) -> pd.DataFrame:
    """How many of each unit type's binding provisions the round asked (``provisions.coverage``)."""
    return _coverage(data_version(), round_name)


def rounds() -> pd.DataFrame:
    """Every round the app can show, newest first (``datasets.rounds``)."""
    return _rounds(data_version())


def _rounds_shared() -> pd.DataFrame:
    """The cached rounds table itself, for the read-only look-ups below (called for every link)."""
    return _rounds.shared(data_version())  # type: ignore[attr-defined]


def newest_round() -> str:
    return str(_rounds_shared()["round"].iloc[0])


def round_tables(round_name: str) -> RoundTables:
    """(units, answers, status) of a round, by name: ``round_tables(r).status``."""
    return _round_tables(data_version(), round_name)


def by_region(round_name: str, unit_type: str) -> pd.DataFrame:
    return _by_region(data_version(), round_name, unit_type)


def by_kommun(round_name: str, unit_type: str, region_kod: str = "") -> pd.DataFrame:
    return _by_kommun(data_version(), round_name, unit_type, region_kod)


def by_provision(round_name: str, unit_type: str, region_kod: str = "", kommun_kod: str = "") -> pd.DataFrame:
    return _by_provision(data_version(), round_name, unit_type, region_kod, kommun_kod)


def ranked_regions(round_name: str, unit_type: str) -> pd.DataFrame:
    """The regions with their honest rank (``aggregate.honest_rank``; n < 5 unranked)."""
    return _ranked_regions(data_version(), round_name, unit_type)


def scope_figures(round_name: str, region_kod: str = "", kommun_kod: str = "") -> pd.DataFrame:
    """The headline counts (``aggregate.national``) of the country, a region or a municipality."""
    return _scope_figures(data_version(), round_name, region_kod, kommun_kod)


def unit_changes(round_name: str, previous: str) -> pd.DataFrame:
    """Units matched between two rounds, with status then and now (see rounds.match_units)."""
    return _unit_changes(data_version(), round_name, previous)


def region_change(round_name: str, previous: str, unit_type: str) -> pd.DataFrame:
    return rounds_mod.with_change(by_region(round_name, unit_type), by_region(previous, unit_type), ["region_kod"])


def kommun_change(round_name: str, previous: str, unit_type: str, region_kod: str = "") -> pd.DataFrame:
    return rounds_mod.with_change(by_kommun(round_name, unit_type, region_kod),
                                  by_kommun(previous, unit_type, region_kod), ["kommun_kod"])


@_shared(16)
def _risk_factors(version: str, round_name: str, previous: str) -> pd.DataFrame:
    from dashboard.figures import risk

    t = round_tables(round_name)
    prev = (round_tables(previous).units, round_tables(previous).answers) if previous else None
    return risk.factor_table(t.units, t.answers, previous=prev)


def risk_factors(round_name: str, previous: str) -> pd.DataFrame:
    """The risk score's unweighted factors per unit (``risk.factor_table``); weights are applied per
    run: cheap, and never stale."""
    return _risk_factors(data_version(), round_name, previous)


def trend_rounds() -> tuple[str, ...]:
    """The rounds a trend chart draws on: all of them, when there are two or more."""
    names = tuple(_rounds_shared()["round"].tolist())
    return names if len(names) >= 2 else ()


def rounds_in_view(f: Filters, *extra: str) -> RoundsInView:
    """The rounds this view draws on (selected, compared, and ``extra``: the risk page's previous
    round, the trend's rounds) and which are example data. The page's notice labels by this."""
    return rounds_mod.in_view(_rounds_shared(), f.round, f.jamfor, *extra)


def rounds_drawn(f: Filters, *extra: str) -> RoundsInView:
    """The rounds one chart or file draws on: the selected round and ``extra`` (the trend's rounds, the
    risk page's previous round), not the compared round unless given. A chart that compares nothing
    must not say "Jämförs med" because the page compares something else."""
    return rounds_mod.in_view(_rounds_shared(), f.round, *extra)


def clear_caches() -> None:
    """After an import or a deletion: every cached table may be stale."""
    st.cache_data.clear()
    st.cache_resource.clear()
    datasets.example_round.cache_clear()
    _forget_run_version()
