"""Open data of the static edition: CSV and JSON for the country, the regions, the municipalities and
the provisions, described by a Frictionless Data Package (``datapackage.json``, Table Schemas).

Why this format: analysts read it with R, Python or Excel's Power Query without asking anyone, and
a data package says what every column means and how it is typed, next to the data. The CSV is for
machines: UTF-8 without BOM, comma, decimal point, shares as fractions 0–1, empty for "no value".
Text that a spreadsheet would run as a formula gets a leading apostrophe (``files.neutralise``,
the app's own guard). The small-n rule holds here too: below ``SMALL_N`` responding units a row has
its counts, and its share, difference and rank are empty (``small_n`` says so).
Unit-level rows (every unit, every answer) are written only when the edition is built with
``--units``: see docs/publish.md for why they are not public by default.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard import i18n
from dashboard.export.files import neutralise
from dashboard.export.publish import smalln
from dashboard.export.publish.model import Edition, area_names

DECIMALS = 6
DIR = "data"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Table Schema type: string, integer, number, boolean


def _c(spec: str) -> tuple[Column, ...]:
    """ "name:type name:type" -> columns (type defaults to string)."""
    out = []
    for item in spec.split():
        name, _, typ = item.partition(":")
        out.append(Column(name, typ or "string"))
    return tuple(out)


_HEAD = "round synthetic:boolean"
_COUNTS = ("n_units:integer n_responded:integer n_not_all:integer n_none:integer n_follows_all:integer "
           "share_not_all:number share_none:number response_rate:number")


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    units_only: bool = False  # unit-level: written only with --units


TABLES: tuple[Table, ...] = (
    Table("country", _c(f"{_HEAD} unit_type {_COUNTS} small_n:boolean"), ("unit_type",)),
    Table("regions", _c(f"{_HEAD} region_kod region unit_type {_COUNTS} country_share_not_all:number "
                        "diff_pp:number rank:integer small_n:boolean"), ("region_kod", "unit_type")),
    Table("municipalities", _c(f"{_HEAD} kommun_kod kommun region_kod region unit_type {_COUNTS} "
                               "region_share_not_all:number country_share_not_all:number diff_pp:number "
                               "small_n:boolean"), ("kommun_kod", "unit_type")),
    Table("provisions", _c(f"{_HEAD} level area_code area unit_type provision_id title_sv title_en reference "
                           "general_advice:boolean asked:boolean n_ja:integer n_nej:integer n_vet_ej:integer "
                           "n_saknas:integer n:integer share_not_ja:number country_share_not_ja:number "
                           "small_n:boolean"), ("level", "area_code", "unit_type", "provision_id")),
    Table("units", _c(f"{_HEAD} unit_id name unit_type kommun_kod region_kod responded:boolean status "
                      "n_rules:integer n_ja:integer"), ("unit_id",), units_only=True),
    Table("answers", _c(f"{_HEAD} unit_id provision_id answer"), ("unit_id", "provision_id"), units_only=True),
)


def tables(with_units: bool) -> tuple[Table, ...]:
    return tuple(t for t in TABLES if with_units or not t.units_only)


# ---------------------------------------------------------------------------------------- frames


def frames(ed: Edition) -> dict[str, pd.DataFrame]:
    """Each open-data table as a DataFrame with the columns of ``TABLES``, small areas masked
    (``aggregate.mask_small``: an area's own share, and the region's or country's beside it when
    those are small too)."""
    regions = pd.concat([ed.regions[u] for u in ed.unit_types], ignore_index=True)
    kommuner = pd.concat([ed.kommuner[u] for u in ed.unit_types], ignore_index=True)
    out = {"country": smalln.masked(ed.national), "regions": smalln.masked(regions),
           "municipalities": smalln.masked(kommuner), "provisions": _provisions(ed)}
    if ed.with_units:
        out.update(_unit_frames(ed))
    for name, df in out.items():
        df["round"] = ed.round
        df["synthetic"] = ed.synthetic
        out[name] = df
    return out


def _provisions(ed: Edition) -> pd.DataFrame:
    """``by_provision`` rows of every area: the country, then the regions, then the municipalities."""
    names = area_names()
    levels = []
    for level in ("country", "region", "kommun"):
        parts = []
        for unit_type in ed.unit_types:
            rows = ed.provision_rows[(unit_type, level)]
            area = (rows["area_code"].map(names[level]) if level != "country"
                    else pd.Series(i18n.t("sweden", "sv"), index=rows.index))
            parts.append(rows.assign(level=level, unit_type=unit_type, area=area,
                                     asked=rows["provision_id"].astype(str).isin(set(ed.asked.get(unit_type, ())))))
        levels.append(pd.concat(parts, ignore_index=True).sort_values(["area_code", "unit_type"], kind="stable"))
    return smalln.masked(pd.concat(levels, ignore_index=True))


def _unit_frames(ed: Edition) -> dict[str, pd.DataFrame]:
    units = ed.status.sort_values("unit_id", kind="stable")
    answers = ed.answers.merge(ed.units[["unit_id"]], on="unit_id").sort_values(["unit_id", "provision_id"])
    return {"units": units.reset_index(drop=True), "answers": answers.reset_index(drop=True)}


# ---------------------------------------------------------------------------------------- values


def _value(value: Any, typ: str) -> Any:
    """A cell as JSON would hold it: int, rounded float, bool, text, or None for no value."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if typ == "integer":
        return int(value)
    if typ == "number":
        v = round(float(value), DECIMALS)
        return 0.0 if v == 0 else v
    if typ == "boolean":
        return bool(value)
    return str(value)


def records(df: pd.DataFrame, table: Table) -> list[dict[str, Any]]:
    cols = [c.name for c in table.columns]
    types = [c.type for c in table.columns]
    return [{c: _value(v, typ) for c, v, typ in zip(cols, row, types, strict=True)}
            for row in df[cols].itertuples(index=False, name=None)]


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.{DECIMALS}f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


def to_csv(rows: list[dict[str, Any]], table: Table) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([c.name for c in table.columns])
    for row in rows:
        w.writerow([_csv_cell(row[c.name]) for c in table.columns])
    return buf.getvalue().encode("utf-8")


def to_json(rows: list[dict[str, Any]]) -> bytes:
    """An array of row objects, one row per line: compact, and still readable and diffable."""
    lines = (json.dumps(r, ensure_ascii=False, sort_keys=True, separators=(",", ":")) for r in rows)
    return ("[\n" + ",\n".join(lines) + "\n]\n").encode("utf-8")


# ---------------------------------------------------------------------------------------- package


def _field(col: Column) -> dict[str, Any]:
    return {"name": col.name, "type": col.type, "title": i18n.t(f"pub_dc_{col.name}", "sv"),
            "description": i18n.t(f"pub_dd_{col.name}", "sv", n=smalln.SMALL_N),
            "x-en": {"title": i18n.t(f"pub_dc_{col.name}", "en"),
                     "description": i18n.t(f"pub_dd_{col.name}", "en", n=smalln.SMALL_N)}}


def _resource(table: Table, fmt: str, data: bytes) -> dict[str, Any]:
    return {
        "name": f"{table.name}-{fmt}",
        "path": f"{table.name}.{fmt}",
        "format": fmt,
        "mediatype": "text/csv" if fmt == "csv" else "application/json",
        "encoding": "utf-8",
        "title": i18n.t(f"pub_dt_{table.name}", "sv"),
        "description": i18n.t(f"pub_dtd_{table.name}", "sv", n=smalln.SMALL_N),
        "x-en": {"title": i18n.t(f"pub_dt_{table.name}", "en"),
                 "description": i18n.t(f"pub_dtd_{table.name}", "en", n=smalln.SMALL_N)},
        "bytes": len(data),
        "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
        "schema": {"fields": [_field(c) for c in table.columns], "primaryKey": list(table.key),
                   "missingValues": [""]},
    }


def package(ed: Edition, resources: list[dict[str, Any]]) -> bytes:
    sources = ([{"title": i18n.t("source_example", "sv")}] if ed.synthetic
               else [{"title": i18n.t("source_line", "sv").removeprefix("Källa: ")}])
    descriptor = {
        "name": "tillsynskartan",
        "title": i18n.t("pub_dp_title", "sv", round=ed.round),
        "description": i18n.t("pub_dp_description", "sv", n=smalln.SMALL_N)
        + (" " + i18n.t("example_badge", "sv") + ": " + i18n.t("example_notice", "sv") if ed.synthetic else ""),
        "x-en": {"title": i18n.t("pub_dp_title", "en", round=ed.round),
                 "description": i18n.t("pub_dp_description", "en", n=smalln.SMALL_N)
                 + (" " + i18n.t("example_badge", "en") + ": " + i18n.t("example_notice", "en") if ed.synthetic else "")},
        "version": ed.round,
        "keywords": ["IVO", "HSLF-FS 2022:39"] + ([i18n.t("example_badge", "sv")] if ed.synthetic else []),
        "sources": sources,
        "x-round": ed.round,
        "x-synthetic": ed.synthetic,
        "x-small-n": smalln.SMALL_N,
        "resources": resources,
    }
    return (json.dumps(descriptor, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def files(ed: Edition) -> dict[str, bytes]:
    """Every open-data file, by its path in the site (``data/...``)."""
    out: dict[str, bytes] = {}
    resources = []
    all_frames = frames(ed)
    for table in tables(ed.with_units):
        rows = records(all_frames[table.name], table)
        for fmt, data in (("csv", to_csv(rows, table)), ("json", to_json(rows))):
            out[f"{DIR}/{table.name}.{fmt}"] = data
            resources.append(_resource(table, fmt, data))
    out[f"{DIR}/datapackage.json"] = package(ed, resources)
    return out
