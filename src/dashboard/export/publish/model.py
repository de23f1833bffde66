"""One round's figures for the static edition, computed once through the app's own functions.

Why: a site of 600 pages must not compute a figure 600 times, and it must say exactly what the
app says. Every number here comes from ``aggregate`` (``national``, ``by_region``, ``by_kommun``,
``by_provision``, ``by_provision_areas``, ``honest_rank``) on ``aggregate.unit_status`` of the
round ``datasets.load`` gives the app; the small-n rule is applied by ``smalln`` on top.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pandas as pd

from dashboard.domain import provisions, reference
from dashboard.export.common import UNIT_TYPES
from dashboard.figures import aggregate, rounds
from dashboard.storage import datasets

LEVELS = ("country", "region", "kommun")
COUNTRY_CODE = "SE"
Row = dict[str, Any]


@lru_cache(maxsize=8)
def _catalogue_size(unit_type: str) -> int:
    return len(provisions.provision_ids(unit_type))


def _by(df: pd.DataFrame, code: Callable[[Row], str]) -> dict[str, Row]:
    return {str(code(r)): r for r in df.to_dict("records")}


@dataclass(frozen=True)
class Edition:
    """Everything the pages and the open data are made of, for one round.

    ``national``: one row per unit type (``aggregate.national``). ``regions``/``kommuner``: per unit
    type, every region (21) or municipality (290) with counts, shares and, for regions, the honest
    rank (``aggregate.honest_rank``: none below ``SMALL_N``). ``provision_rows``: per unit type and
    level, ``by_provision`` rows with the area's code (``"SE"`` for the country).
    ``asked``: per unit type, the provision ids the round asked (``provisions.asked``).
    """

    round: str
    synthetic: bool
    example_rounds: tuple[str, ...]
    units: pd.DataFrame
    answers: pd.DataFrame
    status: pd.DataFrame
    national: pd.DataFrame
    regions: dict[str, pd.DataFrame]
    kommuner: dict[str, pd.DataFrame]
    provision_rows: dict[tuple[str, str], pd.DataFrame]
    asked: dict[str, tuple[str, ...]]
    with_units: bool = False
    unit_types: tuple[str, ...] = field(default=UNIT_TYPES)
    # The same figures as plain records, looked up by code: 600 pages must not filter DataFrames.
    _records: dict[tuple[str, str], dict[str, Row]] = field(default_factory=dict, repr=False)
    _provision_records: dict[tuple[str, str], dict[str, list[Row]]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for unit_type in self.unit_types:
            self._records[("country", unit_type)] = _by(self.national[self.national["unit_type"] == unit_type],
                                                        lambda r: COUNTRY_CODE)
            self._records[("region", unit_type)] = _by(self.regions[unit_type], lambda r: r["region_kod"])
            self._records[("kommun", unit_type)] = _by(self.kommuner[unit_type], lambda r: r["kommun_kod"])
        for key, rows in self.provision_rows.items():
            grouped: dict[str, list[Row]] = {}
            for r in rows.to_dict("records"):
                grouped.setdefault(str(r["area_code"]), []).append(r)
            self._provision_records[key] = grouped

    def row(self, level: str, unit_type: str, code: str = COUNTRY_CODE) -> Row | None:
        """One area's figures (an ``aggregate`` row as a dict); None when the round has no such row."""
        return self._records[(level, unit_type)].get(code)

    def rows(self, level: str, unit_type: str, region_kod: str = "") -> list[Row]:
        """Every region, or the municipalities (of one region), in code order."""
        rows = self._records[(level, unit_type)].values()
        return [r for r in rows if not region_kod or r["region_kod"] == region_kod]

    def national_row(self, unit_type: str) -> Row | None:
        return self.row("country", unit_type)

    def provisions_of(self, unit_type: str, level: str, code: str = "SE") -> list[Row]:
        """``by_provision`` rows of one area (the country: level "country") for one unit type."""
        return self._provision_records[(unit_type, level)].get(code, [])

    def catalogue_size(self, unit_type: str) -> int:
        """How many provisions the catalogue has for the unit type (a round may ask fewer)."""
        return _catalogue_size(unit_type)



def _regions(status: pd.DataFrame, unit_type: str) -> pd.DataFrame:
    """``by_region`` with the honest rank in ``rank`` (no rank below SMALL_N, as on the app's ranking)."""
    reg = aggregate.by_region(status, unit_type)
    honest = aggregate.honest_rank(reg)[["region_kod", "honest_rank"]]
    out = reg.drop(columns=["rank"]).merge(honest, on="region_kod", how="left").rename(columns={"honest_rank": "rank"})
    return out.reset_index(drop=True)


def _provision_rows(units: pd.DataFrame, answers: pd.DataFrame, unit_type: str) -> dict[tuple[str, str], pd.DataFrame]:
    country = aggregate.by_provision(units, answers, unit_type).assign(area_code=COUNTRY_CODE)
    out = {(unit_type, "country"): country}
    for level in ("region", "kommun"):
        code = "region_kod" if level == "region" else "kommun_kod"
        rows = aggregate.by_provision_areas(units, answers, unit_type, level)
        out[(unit_type, level)] = rows.rename(columns={code: "area_code"})
    return out


def load(round_name: str | None = None, with_units: bool = False) -> Edition:
    """The edition of ``round_name`` (the newest round when None), as the app would show it.

    Raises ``KeyError`` for a round that does not exist (the CLI says so in one sentence)."""
    units, answers = datasets.load(round_name)
    name = str(units["round"].iloc[0]) if len(units) else str(round_name or datasets.default_round())
    view = rounds.in_view(datasets.rounds(), name)
    synthetic = view.any_synthetic or bool(len(units) and units["synthetic"].astype(bool).any())
    status = aggregate.unit_status(units, answers)
    provision_rows: dict[tuple[str, str], pd.DataFrame] = {}
    for unit_type in UNIT_TYPES:
        provision_rows.update(_provision_rows(units, answers, unit_type))
    asked = provisions.asked(units, answers)
    return Edition(
        round=name,
        synthetic=synthetic,
        example_rounds=view.examples or ((name,) if synthetic else ()),
        units=units,
        answers=answers,
        status=status,
        national=aggregate.national(status),
        regions={u: _regions(status, u) for u in UNIT_TYPES},
        kommuner={u: aggregate.by_kommun(status, u) for u in UNIT_TYPES},
        provision_rows=provision_rows,
        asked={u: tuple(asked.loc[asked["unit_type"] == u, "provision_id"].astype(str)) for u in UNIT_TYPES},
        with_units=with_units,
    )


def area_names() -> dict[str, dict[str, str]]:
    """Code -> name for regions and municipalities (the reference lists every area, with or without units)."""
    regions = reference.regions()
    kommuner = reference.municipalities()
    return {"region": dict(zip(regions["region_kod"].astype(str), regions["region"].astype(str), strict=True)),
            "kommun": dict(zip(kommuner["kommun_kod"].astype(str), kommuner["kommun"].astype(str), strict=True))}
