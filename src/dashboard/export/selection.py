"""One selection (round, region, municipality, language, unit type) and everything it exports:
the charts, maps and tables, built once from the same aggregations the pages use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import pandas as pd
import plotly.graph_objects as go

from dashboard import i18n
from dashboard.domain import provisions, reference
from dashboard.export.common import (
    TYP_CHOICES,
    UNIT_TYPES,
    About,
    SelectionError,
    about_for,
    file_base,
)
from dashboard.export.render import map_figure, mpl_lock, rate_map_figure
from dashboard.figures import aggregate, filters
from dashboard.present import charts, tables
from dashboard.present.captions import coverage_text, scope_name, subtitle, units_word
from dashboard.storage import datasets

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def map_item(status: pd.DataFrame, level: str, typ: str, lang: str, round_name: str, synthetic: bool,
             region: str = "", kommun: str = "", example_rounds: tuple[str, ...] = (),
             with_points: bool = False, *, coverage: str = "", table: pd.DataFrame | None = None) -> MapItem:
    """One static map as the map page draws it: areas coloured by ``map_measure``, municipalities of
    ``region`` only. Health centres are drawn on a region's map (unit type "alla" or "vardcentral");
    on a map of the whole country 1 136 symbols would hide the colours, so they are left out there
    unless ``with_points`` (the page's choice to show them). ``coverage``: what the round covers when
    it did not ask every rule (added to the source line). ``table``: the aggregation behind it
    (``tables.map_table``) when the caller already has it (the screen's cached one)."""
    region = region if level == "kommun" else ""
    unit_type = tables.map_measure(typ, level)
    table = tables.map_table(status, level, unit_type, region) if table is None else table
    words = units_word(unit_type, lang)
    title = i18n.t("exp_map_region_title" if level == "region" else "exp_by_kommun_title", lang, units=words)
    sub = subtitle(lang, round_name, unit_type, int(table["n_responded"].sum()), region)
    source = charts.source_line(lang, synthetic, round_name, example_rounds)
    source = f"{source}. {coverage}" if coverage else source
    points = None
    if (region or with_points) and typ in ("alla", "vardcentral"):
        points = filters.in_scope(status, ["vardcentral"], region, kommun)
    legend = f"{i18n.t('share_not_all', lang)}, {words}"
    name = "region" if level == "region" else "kommun"
    caption = charts.caption_region_bar(table.rename(columns={"region": "_r", name: "region"}), lang)

    def draw() -> Figure:
        return map_figure(table, level, title, sub, source, lang, points, legend)

    key = f"karta-{'regioner' if level == 'region' else 'kommuner'}-{unit_type}"
    kind = tables.REGIONS if level == "region" else tables.KOMMUNER
    return MapItem(key, title, level, unit_type, table, caption, draw, kind)


def rate_map_item(status: pd.DataFrame, level: str, typ: str, lang: str, round_name: str, synthetic: bool,
                  region: str = "", kommun: str = "", example_rounds: tuple[str, ...] = (),
                  with_points: bool = False) -> MapItem:
    """The static map of health centres per 10 000 inhabitants, as the map page draws it with
    ``visa=per10000``: the rate classes, the count and inhabitants in the table, SCB named as the
    source of the inhabitants beside the round's own source line (Exempeldata when it is)."""
    from dashboard.figures import population

    region = region if level == "kommun" else ""
    table = population.rate_table(status, level, region)
    title = i18n.t("popmap_per10000", lang)
    sub = subtitle(lang, round_name, "vardcentral", int(table["n_units"].sum()), region)
    source = f"{charts.source_line(lang, synthetic, round_name, example_rounds)}. {population.source(lang)}"
    points = None
    if (region or with_points) and typ in ("alla", "vardcentral"):
        points = filters.in_scope(status, ["vardcentral"], region, kommun)
    caption = population.caption(lang, synthetic)

    def draw() -> Figure:
        return rate_map_figure(table, level, title, sub, source, lang, points)

    key = f"karta-{'regioner' if level == 'region' else 'kommuner'}-per10000"
    return MapItem(key, title, level, "vardcentral", table, caption, draw, tables.RATES)


@dataclass
class ChartItem:
    """One chart of a selection: the figure, the aggregation behind it and its text alternative."""

    key: str
    title: str
    figure: go.Figure
    table: pd.DataFrame
    caption: str
    kind: tables.TableKind


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
    kind: tables.TableKind = tables.KOMMUNER

    @cached_property
    def figure(self) -> Figure:
        with mpl_lock:
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
    # Other rounds in view that are example data (a compared round), besides this round's own.
    other_example_rounds: tuple[str, ...] = ()
    # unit_status of every stored round by name, for the trend slide (None or one round: no trend).
    trend_statuses: dict[str, pd.DataFrame] | None = None

    @property
    def unit_types(self) -> list[str]:
        return list(UNIT_TYPES) if self.typ == "alla" else [self.typ]

    @cached_property
    def own_synthetic(self) -> bool:
        return bool(len(self.units)) and bool(self.units["synthetic"].astype(bool).any())

    @property
    def own_examples(self) -> tuple[str, ...]:
        """This round, if it is example data: what a file of this round alone draws on."""
        return (self.round,) if self.own_synthetic else ()

    @property
    def example_rounds(self) -> tuple[str, ...]:
        """Every example round the selection's files draw on: this one (if generated) and the others
        in view (a trend's rounds)."""
        return tuple(dict.fromkeys((*self.own_examples, *self.other_example_rounds)))

    @property
    def synthetic(self) -> bool:
        """True when any round in view is example data: the deck then says so (and which)."""
        return bool(self.example_rounds)

    @property
    def selection(self) -> str:
        return scope_name(self.lang, self.region, self.kommun)

    @cached_property
    def coverage(self) -> str:
        """What the round's figures cover when it did not ask every binding provision of the unit
        types chosen ("Omgången frågade bara om 1 av de 7 …"); "" when it asked them all."""
        return coverage_text(provisions.coverage(self.units, self.answers), self.lang, self.unit_types)

    def _with_coverage(self, line: str) -> str:
        return f"{line}. {self.coverage}" if self.coverage else line

    @property
    def source(self) -> str:
        """The source line of a chart, map or table of this round alone: no "Jämförs med", as it
        compares nothing; what the round covers when it did not ask every rule."""
        return self._with_coverage(charts.source_line(self.lang, self.own_synthetic, self.round, self.own_examples))

    @property
    def trend_source(self) -> str:
        """The source line of what draws on every round in view (the trend slide)."""
        return self._with_coverage(charts.source_line(self.lang, self.synthetic, self.round, self.example_rounds))

    def about(self, title: str = "", every_round: bool = False) -> About:
        """What a file says of itself; ``every_round`` for one that draws on the others in view too."""
        rounds = self.example_rounds if every_round else self.own_examples
        return about_for(self.round, self.lang, bool(rounds), self.region, self.kommun, self.typ, title, rounds,
                         self.coverage)

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
        country = country[["unit_type", "share_not_all", "n_responded"]].rename(
            columns={"share_not_all": "country_share_not_all", "n_responded": "country_n_responded"})
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
            words = units_word(unit_type, lang)
            reg = aggregate.by_region(self.status, unit_type)
            title = i18n.t("by_region_title", lang, units=words)
            fig = charts.region_bar(reg, lang, title, subtitle(lang, self.round, unit_type, int(reg["n_responded"].sum())),
                                    self.source, selected=self.region)
            out.append(ChartItem(f"regioner-{unit_type}", title, fig, reg, charts.caption_region_bar(reg, lang),
                                 tables.REGIONS))
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
                out.append(ChartItem(f"kommuner-{unit_type}", title, fig, km, caption, tables.KOMMUNER))
            prov = self.provisions(unit_type)
            n = int(prov["n"].max()) if len(prov) else 0
            if n:
                title = i18n.t("by_provision_title", lang, units=words)
                fig = charts.provision_bar(prov, lang, title,
                                           subtitle(lang, self.round, unit_type, n, self.region, self.kommun),
                                           self.source)
                out.append(ChartItem(f"regler-{unit_type}", title, fig, prov, charts.caption_provisions(prov, lang),
                                     tables.PROVISIONS))
        return out

    @cached_property
    def maps(self) -> list[MapItem]:
        """As on the map page: the country by region and by municipality, or the region's municipalities."""
        levels = ["region", "kommun"] if not self.region else ["kommun"]
        return [map_item(self.status, level, self.typ, self.lang, self.round, self.own_synthetic, self.region,
                         self.kommun, self.own_examples, coverage=self.coverage) for level in levels]

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table behind a chart or map, and the units of the selection, tidied, by file key."""
        out: dict[str, pd.DataFrame] = {}
        for item in [*self.charts, *self.maps]:
            out[item.key] = item.kind.people(item.table, self.lang)
        out["enheter"] = tables.units_table(self.scope_status, self.lang)
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
          lang: str = "sv", typ: str = "alla", status: pd.DataFrame | None = None,
          example_rounds: tuple[str, ...] = ()) -> Bundle:
    """A bundle from tables already loaded (the UI passes its cached ones).

    ``example_rounds``: the example rounds among the other rounds in view (e.g. the compared one),
    so files of a real round compared with generated data say so."""
    region, kommun = _check_selection(region or "", kommun or "", typ, lang)
    status = aggregate.unit_status(units, answers) if status is None else status
    return Bundle(str(round_name), region, kommun, lang if lang in i18n.LANGS else "sv", typ, units, answers, status,
                  tuple(str(r) for r in example_rounds))


def bundle(round_name: str | None = None, region: str = "", kommun: str = "", lang: str = "sv",
           typ: str = "alla") -> Bundle:
    """Everything for one selection, loaded through ``datasets`` (newest round when none is named)."""
    _check_selection(region or "", kommun or "", typ, lang)
    try:
        units, answers = datasets.load(round_name)
    except KeyError:
        raise SelectionError(i18n.t("exp_err_round", lang, round=round_name)) from None
    name = round_name or (str(units["round"].iloc[0]) if len(units) else datasets.default_round())
    stored = datasets.rounds()
    others = tuple(str(r) for r, syn in zip(stored["round"], stored["synthetic"], strict=True) if syn and str(r) != name)
    b = build(units, answers, name, region, kommun, lang, typ)
    if len(stored) > 1:  # the trend slide draws on every round: their example status counts too
        statuses = {name: b.status}
        for other in stored["round"].astype(str):
            if other != name:
                statuses[other] = aggregate.unit_status(*datasets.load(other))
        b.trend_statuses = statuses
        b.other_example_rounds = others
    return b
