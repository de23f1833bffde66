"""Tables that drill down: regions, municipalities and units, a selected row opens its page;
and the answers per provision behind a chart."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd
import pyarrow as pa
import streamlit as st

from dashboard import i18n
from dashboard.domain.levels import level as level_of
from dashboard.figures import filters
from dashboard.present import tables as people
from dashboard.screen import cache, ui
from dashboard.screen.state import Filters
from dashboard.screen.views.scope import coverage_caption


def region_table(f: Filters, reg: pd.DataFrame, key: str) -> None:
    """Regions with counts and shares; selecting a row opens the region page."""
    lang = f.lang
    reg = _with_previous(f, reg, "region")
    shown = people.screen_region_table(reg, lang)  # the same step as the files' region table
    row = ui.picked_row(shown, key, lang)
    _coverage(f, reg)
    if row is not None:
        ui.open_link("region", reg["region"].iloc[row], f.with_(region=reg["region_kod"].iloc[row]), key)


def _with_previous(f: Filters, table: pd.DataFrame, level: str) -> pd.DataFrame:
    """The table with the compare round's figures and the change, when a compare round is chosen."""
    if not f.jamfor or table.empty:
        return table
    unit_type = str(table["unit_type"].iloc[0])
    if level_of(level).parent is None:
        return cache.region_change(f.round, f.jamfor, unit_type)
    region = str(table["region_kod"].iloc[0]) if table["region_kod"].nunique() == 1 else ""
    return cache.kommun_change(f.round, f.jamfor, unit_type, region)


def kommun_table(f: Filters, km: pd.DataFrame, key: str) -> None:
    """Municipalities with counts and shares; selecting a row opens the municipality page."""
    lang = f.lang
    km = _with_previous(f, km, "kommun")
    row = ui.picked_row(people.screen_kommun_table(km, lang), key, lang)  # the same step as the files' table
    _coverage(f, km)
    if row is not None:
        ui.open_link("kommun", km["kommun"].iloc[row], f.with_(kommun=km["kommun_kod"].iloc[row]), key)


class UnitsView(NamedTuple):
    """The units table as shown, the units behind its rows, the unit picker's names, and the count line."""

    shown: pa.Table
    units: pd.DataFrame
    names: dict[str, str]
    count: str


@cache.shared(64)
def _units_view(version: str, round_name: str, unit_types: tuple[str, ...], region: str, kommun: str, regel: str,
                svar: str, lang: str) -> UnitsView:
    """One view's units table, built once and shared by every session showing that view."""
    status = filters.in_scope(cache.round_tables(round_name).status, list(unit_types), region, kommun)
    answers = cache.round_tables(round_name).answers
    shown_units = filters.with_answer(status, answers, regel, svar).sort_values(["kommun", "name"])
    data = {
        i18n.t("page_unit", lang): shown_units["name"],
        i18n.t("unit_type", lang): shown_units["unit_type"].map(lambda u: i18n.t(u, lang)),
        i18n.t("kommun", lang): shown_units["kommun"],
        i18n.t("answer", lang) if not regel else f"{regel}": (
            shown_units["answer_on"].map(lambda a: i18n.t(a, lang)) if regel else
            shown_units["status"].map(lambda s: i18n.t(s, lang))),
        i18n.t("ja", lang) + " / n": [f"{a} / {n}" for a, n in zip(shown_units["n_ja"], shown_units["n_rules"], strict=True)],
    }
    if not regel:
        data = {k if k != i18n.t("answer", lang) else i18n.t("headline", lang): v for k, v in data.items()}
    names = dict(zip(shown_units["unit_id"], shown_units["name"] + ", " + shown_units["kommun"], strict=True))
    count = f"{i18n.fmt_int(len(shown_units), lang)} / {i18n.fmt_int(len(status), lang)}"
    return UnitsView(pa.Table.from_pandas(pd.DataFrame(data)), shown_units, names, count)


def units_table(f: Filters, key: str, unit_types: list[str], region: str = "", kommun: str = "") -> None:
    """Units of ``unit_types`` in the region/municipality with their status; the sidebar's provision
    and answer filters apply. A row (or the picker under the table) opens the unit."""
    lang = f.lang
    v = _units_view(cache.data_version(), f.round, tuple(unit_types), region, kommun, f.regel, f.svar, lang)
    shown_units, names = v.units, v.names
    st.caption(v.count)
    row = ui.picked_row(v.shown, key)
    chosen = st.selectbox(i18n.t("open_unit", lang), list(names), index=None, format_func=names.get,
                          placeholder=i18n.t("open_unit_hint", lang), key=f"{key}_pick")
    if row is not None or chosen:
        unit = shown_units.iloc[row] if row is not None else shown_units.set_index("unit_id", drop=False).loc[chosen]
        ui.open_link("unit", unit["name"], f.with_(region=unit["region_kod"], kommun=unit["kommun_kod"],
                                                   unit=unit["unit_id"]), key)


def provision_table(f: Filters, prov: pd.DataFrame) -> None:
    """Answers per provision under its chart (the files' table: no share below ``SMALL_N``)."""
    st.dataframe(people.styled(people.screen_provision_table(prov, f.lang), f.lang), hide_index=True,
                 width="stretch")


def _coverage(f: Filters, table: pd.DataFrame) -> None:
    """The table's caption when the round did not ask every binding provision of its unit type."""
    if len(table) and "unit_type" in table.columns:
        coverage_caption(f, str(table["unit_type"].iloc[0]))
