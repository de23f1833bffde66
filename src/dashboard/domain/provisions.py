"""The provisions catalogue and the compliance rule.

The catalogue (data: ``refdata/provisions.toml``) summarises what HSLF-FS 2022:39
(Socialstyrelsen's regulations and general advice on violence in close relationships, in force
from 2022-11-01) asks of a municipality's social welfare committee and of a health centre. Titles
and texts are summaries, not quotations.

References: a chapter/section is given only where a public source confirms it.
- V1 "7 kap. 2 §": Region Kalmar län's page for care providers on HSLF-FS 2022:39
  (chapter 7 is the chapter for health care) — see shared/reference/published-figures.md.
Every other reference is left blank on purpose: it is not confirmed from a source we
can name, and a wrong paragraph in a letter to a region is worse than none.

The compliance rule (one place, used by every figure):
- a unit "does not follow all rules, or does not know" when any *binding* provision
  (a regulation, not a general advice) is answered ``nej``, ``vet_ej`` or ``saknas``;
- it "follows none, or does not know of any" when none of its binding provisions is ``ja``.
General advice ("bör", should) is not a rule ("ska", shall) and is shown but not counted.
Units that did not respond are left out of the compliance figures and counted in the
response rate instead.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any

import pandas as pd

from dashboard.domain.schema import provisions_frame

# The catalogue and the known phrasings are data (``refdata/provisions.toml``, with its provenance in
# refdata/README.md), read once here. PHRASINGS: how survey tools and people phrase each provision as a
# question; the mapping suggestion (``mapping.py``) matches a file's question texts against these, the
# titles and the texts. Add a phrasing to the file when a real export is not matched.
CATALOGUE_FILE = "refdata/provisions.toml"
_COLUMNS = ["provision_id", "unit_type", "title_sv", "title_en", "text_sv", "reference", "general_advice"]


def _read() -> list[dict[str, Any]]:
    text = resources.files("dashboard.domain").joinpath(CATALOGUE_FILE).read_text(encoding="utf-8")
    return tomllib.loads(text)["provision"]


_RAW = _read()
PHRASINGS: dict[str, tuple[str, ...]] = {p["id"]: tuple(p["phrasings"]) for p in _RAW}


def catalogue() -> pd.DataFrame:
    """The provisions catalogue as a canonical ``provisions`` table. Built once per process (it is
    read many times per page run); a shallow copy under copy-on-write, so callers may change theirs."""
    return _catalogue().copy(deep=False)


@lru_cache(maxsize=1)
def _catalogue() -> pd.DataFrame:
    rows = [(p["id"], p["unit_type"], p["title_sv"], p["title_en"], p["text_sv"], p["reference"], p["general_advice"])
            for p in _RAW]
    return provisions_frame(pd.DataFrame(rows, columns=_COLUMNS))


def provision_ids(unit_type: str | None = None) -> list[str]:
    cat = catalogue()
    if unit_type is not None:
        cat = cat[cat["unit_type"] == unit_type]
    return cat["provision_id"].tolist()


def binding(provisions: pd.DataFrame) -> pd.DataFrame:
    """The provisions that are rules ("ska"), not general advice ("bör")."""
    return provisions[~provisions["general_advice"]]


def asked(units: pd.DataFrame, answers: pd.DataFrame) -> pd.DataFrame:
    """The provisions each round asked, per unit type: round, unit_type, provision_id.

    A survey asks a provision when its file has a column for it; the importer then stores an answer
    row for every unit of that type (``saknas`` when left blank) and none for a provision it did not
    ask. So the answers themselves record what was asked, for imported and stored rounds alike.
    """
    typed = answers[["round", "unit_id", "provision_id"]].merge(
        units[["round", "unit_id", "unit_type"]], on=["round", "unit_id"], how="inner")
    out = typed[["round", "unit_type", "provision_id"]].drop_duplicates()
    return out.sort_values(["round", "unit_type", "provision_id"]).reset_index(drop=True)


def coverage(units: pd.DataFrame, answers: pd.DataFrame, provisions: pd.DataFrame | None = None) -> pd.DataFrame:
    """How many of each unit type's binding provisions each round asked: one row per round and unit
    type that has units, with ``n_binding``, ``n_asked`` and the ids ``asked`` / ``not_asked`` (tuples).

    Why: a round that asked only some provisions counts status over those (``unit_answers``), so every
    figure of it must say how many it covers; general advice ("bör") is never counted here, as it is
    not a rule."""
    rules = binding(catalogue() if provisions is None else provisions)
    got = asked(units, answers)
    rows = []
    for (round_name, unit_type), _ in units.groupby(["round", "unit_type"], sort=True, observed=True):
        ids = rules.loc[rules["unit_type"] == unit_type, "provision_id"].astype(str).tolist()
        mine = set(got.loc[(got["round"] == round_name) & (got["unit_type"] == unit_type), "provision_id"].astype(str))
        rows.append({"round": str(round_name), "unit_type": str(unit_type), "n_binding": len(ids),
                     "n_asked": sum(p in mine for p in ids), "asked": tuple(p for p in ids if p in mine),
                     "not_asked": tuple(p for p in ids if p not in mine)})
    return pd.DataFrame(rows, columns=["round", "unit_type", "n_binding", "n_asked", "asked", "not_asked"])


def unit_answers(units: pd.DataFrame, answers: pd.DataFrame, provisions: pd.DataFrame) -> pd.DataFrame:
    """Every (unit, provision its round asked of its type) pair with its answer; a missing answer to
    an asked provision is ``saknas``. A provision the round did not ask is left out, never a failure.

    Returns columns round, unit_id, unit_type, provision_id, general_advice, answer.
    """
    pairs = units[["round", "unit_id", "unit_type"]].merge(
        provisions[["provision_id", "unit_type", "general_advice"]], on="unit_type", how="inner"
    )
    pairs = pairs.merge(asked(units, answers), on=["round", "unit_type", "provision_id"], how="inner")
    out = pairs.merge(answers[["round", "unit_id", "provision_id", "answer"]], how="left",
                      on=["round", "unit_id", "provision_id"])
    out["answer"] = out["answer"].fillna("saknas").astype("string")
    return out


def compliance(units: pd.DataFrame, answers: pd.DataFrame, provisions: pd.DataFrame) -> pd.DataFrame:
    """Apply the compliance rule to every unit.

    Returns one row per unit (round, unit_id) with counts of binding answers
    (n_rules, n_ja, n_nej, n_vet_ej, n_saknas) and the booleans ``follows_all``,
    ``not_all`` ("does not follow all rules, or does not know") and ``follows_none``
    ("follows none, or does not know of any"). Non-responding units get NA booleans.
    """
    pairs = unit_answers(units, answers, binding(provisions))
    counts = (
        pd.crosstab([pairs["round"], pairs["unit_id"]], pairs["answer"])
        .reindex(columns=["ja", "nej", "vet_ej", "saknas"], fill_value=0)
        .add_prefix("n_")
        .reset_index()
    )
    counts.columns.name = None
    out = units[["round", "unit_id", "responded"]].merge(counts, on=["round", "unit_id"], how="left")
    for col in ("n_ja", "n_nej", "n_vet_ej", "n_saknas"):
        out[col] = out[col].fillna(0).astype("int64")
    out["n_rules"] = out[["n_ja", "n_nej", "n_vet_ej", "n_saknas"]].sum(axis=1)
    responded = out["responded"].astype(bool)
    follows_all = (out["n_rules"] > 0) & (out["n_ja"] == out["n_rules"])
    out["follows_all"] = follows_all.astype("boolean").where(responded, pd.NA)
    out["not_all"] = (~follows_all).astype("boolean").where(responded, pd.NA)
    out["follows_none"] = (out["n_ja"] == 0).astype("boolean").where(responded, pd.NA)
    return out.drop(columns=["responded"])
