"""Survey rounds over time: matching units across rounds, change between two rounds, trends.

The match rule (shown on the method page): two units are the same unit when they have the same
``unit_id`` (the file's ``Enhets-id``, or the id the importer derives from unit type,
municipality code and name); otherwise when unit type, municipality code and normalised name
(case, accents and spacing ignored) agree. Units found in only one round are listed as new or
gone, never silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.domain import reference
from dashboard.figures import aggregate

PRESENCE = ("both", "new", "gone")


def _name_key(units: pd.DataFrame) -> pd.Series:
    return units["unit_type"] + "|" + units["kommun_kod"] + "|" + units["name"].map(reference.normalise_text)


def match_units(previous: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """One row per unit in either round: unit_id_prev, unit_id_cur, presence (both/new/gone),
    matched_by ("id" / "name" / "")."""
    prev = previous[["unit_id"]].assign(name_key=_name_key(previous).to_numpy())
    cur = current[["unit_id"]].assign(name_key=_name_key(current).to_numpy())
    by_id = prev.merge(cur, on="unit_id", suffixes=("_prev", "_cur"))
    pairs = [pd.DataFrame({"unit_id_prev": by_id["unit_id"], "unit_id_cur": by_id["unit_id"], "matched_by": "id"})]
    rest_prev = prev[~prev["unit_id"].isin(by_id["unit_id"])]
    rest_cur = cur[~cur["unit_id"].isin(by_id["unit_id"])]
    by_name = rest_prev.merge(rest_cur, on="name_key", suffixes=("_prev", "_cur"))
    by_name = by_name.drop_duplicates("unit_id_prev").drop_duplicates("unit_id_cur")
    pairs.append(pd.DataFrame({"unit_id_prev": by_name["unit_id_prev"], "unit_id_cur": by_name["unit_id_cur"],
                               "matched_by": "name"}))
    matched = pd.concat(pairs, ignore_index=True)
    gone = prev[~prev["unit_id"].isin(matched["unit_id_prev"])]
    new = cur[~cur["unit_id"].isin(matched["unit_id_cur"])]
    out = pd.concat([
        matched.assign(presence="both"),
        pd.DataFrame({"unit_id_prev": gone["unit_id"], "unit_id_cur": pd.NA, "matched_by": "", "presence": "gone"}),
        pd.DataFrame({"unit_id_prev": pd.NA, "unit_id_cur": new["unit_id"], "matched_by": "", "presence": "new"}),
    ], ignore_index=True)
    return out.astype({"unit_id_prev": "string", "unit_id_cur": "string", "matched_by": "string",
                       "presence": "string"})


def unit_changes(prev_status: pd.DataFrame, cur_status: pd.DataFrame) -> pd.DataFrame:
    """Per unit in either round: name, type, municipality, region, presence, status before and
    now, binding provisions not answered ``ja`` before and now, and whether it got worse."""
    match = match_units(prev_status, cur_status)
    cols = ["unit_id", "name", "unit_type", "kommun_kod", "kommun", "region_kod", "status", "n_rules", "n_ja"]
    prev = prev_status[cols].add_suffix("_prev")
    cur = cur_status[cols].add_suffix("_cur")
    out = match.merge(prev, on="unit_id_prev", how="left").merge(cur, on="unit_id_cur", how="left")
    for col in ("name", "unit_type", "kommun_kod", "kommun", "region_kod"):
        out[col] = out[f"{col}_cur"].fillna(out[f"{col}_prev"])
    out["not_ja_prev"] = out["n_rules_prev"] - out["n_ja_prev"]
    out["not_ja_cur"] = out["n_rules_cur"] - out["n_ja_cur"]
    out["worse"] = (out["presence"] == "both") & (out["not_ja_cur"] > out["not_ja_prev"])
    out["better"] = (out["presence"] == "both") & (out["not_ja_cur"] < out["not_ja_prev"])
    keep = ["presence", "matched_by", "unit_id_prev", "unit_id_cur", "name", "unit_type", "kommun_kod", "kommun",
            "region_kod", "status_prev", "status_cur", "not_ja_prev", "not_ja_cur", "worse", "better"]
    return out[keep]


def with_change(current: pd.DataFrame, previous: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """``current`` figures with the previous round's alongside (``*_prev``) and the change:
    ``change_pp`` (share not all, percentage points) and ``change_n_not_all`` (count)."""
    prev = previous[[*keys, "n_responded", "n_not_all", "n_none", "share_not_all"]].rename(
        columns={c: f"{c}_prev" for c in ("n_responded", "n_not_all", "n_none", "share_not_all")})
    out = current.merge(prev, on=keys, how="left")
    out["change_pp"] = (out["share_not_all"] - out["share_not_all_prev"]) * 100
    out["change_n_not_all"] = out["n_not_all"] - out["n_not_all_prev"]
    return out


def trend(statuses: dict[str, pd.DataFrame], unit_type: str, region_kod: str = "") -> pd.DataFrame:
    """Share not following all rules per round, for the country and (optionally) one region:
    round, scope ("country" / region code), n_responded, n_not_all, share_not_all."""
    rows = []
    for round_name, status in sorted(statuses.items()):
        s = status[status["unit_type"] == unit_type]
        scopes = [("country", s)] + ([(region_kod, s[s["region_kod"] == region_kod])] if region_kod else [])
        for scope, part in scopes:
            nat = aggregate.national(part)
            if nat.empty:
                continue
            r = nat.iloc[0]
            rows.append({"round": round_name, "scope": scope, "n_responded": int(r["n_responded"]),
                         "n_not_all": int(r["n_not_all"]), "share_not_all": r["share_not_all"]})
    return pd.DataFrame(rows, columns=["round", "scope", "n_responded", "n_not_all", "share_not_all"])


def provision_trend(tables: dict[str, tuple[pd.DataFrame, pd.DataFrame]], unit_type: str,
                    region_kod: str = "") -> pd.DataFrame:
    """Share not answering ``ja`` per provision and round (for the scope): round, provision_id, n, share_not_ja."""
    frames = []
    for round_name, (units, answers) in sorted(tables.items()):
        prov = aggregate.by_provision(units, answers, unit_type, region_kod=region_kod or None)
        frames.append(prov[["provision_id", "title_sv", "title_en", "n", "share_not_ja"]].assign(round=round_name))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


@dataclass(frozen=True)
class RoundsInView:
    """The rounds a view draws on (selected first, then compared, previous, trend rounds) and which
    of them hold generated example data: one answer to "must this view, chart or file say
    Exempeldata?", for the screen and for every file."""

    rounds: tuple[str, ...]
    examples: tuple[str, ...]

    @property
    def any_synthetic(self) -> bool:
        return bool(self.examples)


def in_view(available: pd.DataFrame, *names: str) -> RoundsInView:
    """``available``: the rounds table (``datasets.rounds()``: round, synthetic); ``names``: the
    rounds drawn on, empty names ignored, duplicates once, order kept."""
    shown = tuple(dict.fromkeys(str(n) for n in names if n))
    flags = dict(zip(available["round"].astype(str), available["synthetic"].astype(bool), strict=True))
    return RoundsInView(shown, tuple(r for r in shown if flags.get(r, False)))
