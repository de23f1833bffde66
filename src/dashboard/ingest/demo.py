"""The seeded example round, calibrated to the published figures.

Per-unit survey answers are not public, so the app ships a generated example round
(every row flagged ``Exempeldata = Ja`` → ``synthetic = True``). It is written in the
same file format the importer reads and is always loaded *through* the importer.

Published figures it reproduces exactly (shared/reference/published-figures.md):
- socialnämnder: 69 % do not follow all rules or do not know. Only the share is published; the
  example has one committee per municipality, so 200 of 290 (69 % of 290, rounded) is derived;
- 1 136 vårdcentraler in all 21 regions; 431 (38 %) not all; 24 follow none or do not know of any;
- Region Örebro län: 27 vårdcentraler, 20 not all (74 %), the highest share of all regions;
- Region Kronoberg: the lowest share;
- Region Jämtland Härjedalen: exactly the 22 health centres named in IVO's letter (seed 000).

Region and municipality sizes follow real population (SCB, 31 December 2024,
``reference.population()``): health centres are shared out in proportion to inhabitants
(largest remainder), so a big town has more example units than a small one. Everything
else (which units fail, which provisions, positions) is generated deterministically from
``SEED``; regenerating gives byte-identical files.
"""

from __future__ import annotations

import csv
import io
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dashboard.domain import provisions, reference, resources, schema

SEED = 20240430
ROUND = "2023"
DATA_DIR = resources.folder("data")
EXAMPLE_FILE = DATA_DIR / "exempelomgang.csv"

N_VARDCENTRALER = 1136
N_VC_NOT_ALL = 431
N_VC_NONE = 24
N_SN_NOT_ALL = 200
N_SN_NONE = 7  # not published; a small number so the "follows none" figure is not empty
OREBRO, KRONOBERG, JAMTLAND = "18", "07", "23"
OREBRO_SIZE, OREBRO_NOT_ALL = 27, 20

# How often each binding provision is the one not met, relative to the others (plausible,
# not uniform): routines for children and protected personal data are the usual gaps.
FAIL_WEIGHT: dict[str, float] = {
    "S1": 1.0, "S2": 0.7, "S3": 1.1, "S4": 1.4, "S5": 1.6, "S6": 0.9,
    "V1": 1.0, "V2": 0.8, "V3": 1.3, "V4": 1.6, "V5": 1.1, "V6": 1.5, "V7": 0.9,
}
WORDS_FILE = DATA_DIR / "exempelunderlag.toml"


@lru_cache(maxsize=1)
def words() -> dict[str, Any]:
    """What the generator writes besides numbers (``data/exempelunderlag.toml``): the unit-type and
    answer words of the file, the names of generated units, and Jämtland's 22 real health centres."""
    return tomllib.loads(WORDS_FILE.read_text(encoding="utf-8"))


def jamtland_units() -> list[tuple[str, str]]:
    """(name, kommun_kod) of the 22 health centres that answered in Region Jämtland Härjedalen, in file order."""
    return [(str(name), str(code)) for name, code in words()["jamtland"]["units"]]


def largest_remainder(weights: dict[str, float], total: int) -> dict[str, int]:
    """Share ``total`` out in proportion to ``weights`` so the parts are integers that sum exactly."""
    keys = sorted(weights)
    w = np.array([weights[k] for k in keys], dtype=float)
    raw = w / w.sum() * total
    base = np.floor(raw).astype(int)
    order = sorted(range(len(keys)), key=lambda i: (-(raw[i] - base[i]), keys[i]))
    for i in order[: total - int(base.sum())]:
        base[i] += 1
    return {k: int(v) for k, v in zip(keys, base, strict=True)}


def apportion(weights: dict[str, float], total: int, minimum: int = 0) -> dict[str, int]:
    """Largest remainder with a floor: every key gets at least ``minimum`` when ``total`` allows it.

    Keys whose proportional quota is below the floor are set to the floor and the rest is shared out
    again over the others, until every remaining quota reaches it; then plain largest remainder. The
    result keeps order: a larger weight never gets fewer than a smaller one.
    """
    if minimum * len(weights) > total:
        return largest_remainder(weights, total)
    fixed: dict[str, int] = {}
    free = dict(weights)
    while free:
        left = total - sum(fixed.values())
        wsum = sum(free.values())
        low = {k for k, w in free.items() if w / wsum * left < minimum}
        if not low:
            return dict(sorted({**fixed, **largest_remainder(free, left)}.items()))
        fixed |= dict.fromkeys(low, minimum)
        free = {k: w for k, w in free.items() if k not in low}
    return dict(sorted(fixed.items()))


def region_population() -> dict[str, int]:
    """Inhabitants per region (SCB, 31 December 2024): the sum of its municipalities."""
    pop = reference.population()
    return {str(k): int(v) for k, v in pop.groupby("region_kod")["befolkning"].sum().items()}


def region_sizes() -> dict[str, int]:
    """Health centres per region: Örebro 27 and Jämtland 22 as published, the rest by population."""
    fixed = {OREBRO: OREBRO_SIZE, JAMTLAND: len(jamtland_units())}
    rest = {k: v for k, v in region_population().items() if k not in fixed}
    sizes = largest_remainder(rest, N_VARDCENTRALER - sum(fixed.values()))
    return dict(sorted({**sizes, **fixed}.items()))


def kommun_sizes(region_kod: str, n: int) -> dict[str, int]:
    """Health centres per municipality of a region: ``n`` in proportion to population, at least one
    each where ``n`` allows (largest remainder). Municipalities with none are left out."""
    pop = reference.population()
    in_region = pop[pop["region_kod"] == region_kod]
    weights = dict(zip(in_region["kommun_kod"].astype(str), in_region["befolkning"].astype(float), strict=True))
    return {k: v for k, v in apportion(weights, n, minimum=1).items() if v > 0}


def region_not_all(sizes: dict[str, int], rng: np.random.Generator) -> dict[str, int]:
    """Health centres that do not follow all rules, per region, summing to 431.

    Örebro is fixed at 20 of 27; Kronoberg gets a clearly lower share than anyone; the
    others vary around the national level. Asserts the published ranking holds.
    """
    others = [k for k in sizes if k not in (OREBRO, KRONOBERG)]
    target = {k: rng.uniform(0.28, 0.50) for k in others}
    kron = round(sizes[KRONOBERG] * 0.15)
    remaining = N_VC_NOT_ALL - OREBRO_NOT_ALL - kron
    parts = largest_remainder({k: target[k] * sizes[k] for k in others}, remaining)
    out = {**parts, OREBRO: OREBRO_NOT_ALL, KRONOBERG: kron}
    shares = {k: out[k] / sizes[k] for k in sizes}
    assert max(shares, key=shares.get) == OREBRO and sorted(shares.values())[-2] < shares[OREBRO]
    assert min(shares, key=shares.get) == KRONOBERG and sorted(shares.values())[1] > shares[KRONOBERG]
    assert sum(out.values()) == N_VC_NOT_ALL
    return dict(sorted(out.items()))


def _failing_answer(rng: np.random.Generator) -> str:
    return str(rng.choice(["nej", "vet_ej", "saknas"], p=[0.58, 0.34, 0.08]))


def _answers_for(status: str, ids: list[str], advice: list[str], weights: np.ndarray,
                 rng: np.random.Generator) -> dict[str, str]:
    """Answers for one unit given its status: follows_all, not_all (some fail) or none (all fail)."""
    answers = dict.fromkeys(ids, "ja")
    if status == "none":
        answers = {p: _failing_answer(rng) for p in ids}
    elif status == "not_all":
        k = min(len(ids) - 1, 1 + int(rng.poisson(0.9)))
        failing = rng.choice(ids, size=k, replace=False, p=weights / weights.sum())
        for p in failing:
            answers[str(p)] = _failing_answer(rng)
    for p in advice:
        answers[p] = "ja" if rng.random() < (0.9 if status == "follows_all" else 0.6) else _failing_answer(rng)
    return answers


def _statuses(n: int, n_not_all: int, n_none: int, rng: np.random.Generator) -> list[str]:
    statuses = ["none"] * n_none + ["not_all"] * (n_not_all - n_none) + ["follows_all"] * (n - n_not_all)
    rng.shuffle(statuses)
    return statuses


def generate() -> pd.DataFrame:
    """The example round as rows in the survey-file format (one row per unit, Swedish headers)."""
    from dashboard.domain import geo  # geometry only when generating, not when the app reads the file

    rng = np.random.default_rng(SEED)
    said = words()
    yes = said["flags"]["yes"]
    kommuner = reference.municipalities()
    shapes = geo.load_kommun().set_index("kommun_kod").geometry
    cat = provisions.catalogue()
    rows: list[dict[str, object]] = []

    def region_weights(unit_type: str) -> dict[str, np.ndarray]:
        ids = provisions.binding(cat[cat["unit_type"] == unit_type])["provision_id"].tolist()
        base = np.array([FAIL_WEIGHT[p] for p in ids])
        out = {code: base * rng.lognormal(0.0, 0.35, size=len(ids)) for code in reference.REGIONS}
        if unit_type == "vardcentral":  # Kronoberg: most report templates for which questions to ask
            out[KRONOBERG][ids.index("V1")] *= 0.1
        return out

    def add(unit_type: str, unit_id: str, name: str, kod: str, status: str, weights: np.ndarray) -> None:
        type_cat = cat[cat["unit_type"] == unit_type]
        ids = provisions.binding(type_cat)["provision_id"].tolist()
        advice = type_cat[type_cat["general_advice"]]["provision_id"].tolist()
        lat, lon = geo.random_points_in(shapes[kod], 1, rng)[0]
        row = kommuner.set_index("kommun_kod").loc[kod]
        answers = _answers_for(status, ids, advice, weights, rng)
        rows.append({
            schema.COL_ROUND: ROUND,
            schema.COL_UNIT_ID: unit_id,
            schema.COL_UNIT_TYPE: said["unit_types"][unit_type],
            schema.COL_NAME: name,
            schema.COL_KOMMUN_KOD: kod,
            schema.COL_KOMMUN: row["kommun"],
            schema.COL_REGION: row["region"],
            schema.COL_RESPONDED: yes,
            schema.COL_LAT: f"{lat:.5f}",
            schema.COL_LON: f"{lon:.5f}",
            schema.COL_SYNTHETIC: yes,
            **{p: said["answers"][a] for p, a in answers.items()},
        })

    # Socialnämnder: one per municipality; 200 not all, with regional variation in the odds.
    sn_weights = region_weights("socialnamnd")
    region_odds = {code: rng.uniform(0.5, 1.5) for code in reference.REGIONS}
    odds = kommuner["region_kod"].map(region_odds).to_numpy()
    chosen = rng.choice(len(kommuner), size=N_SN_NOT_ALL, replace=False, p=odds / odds.sum())
    chosen_set = {int(i) for i in chosen}
    none = {int(i) for i in rng.choice(sorted(chosen_set), size=N_SN_NONE, replace=False)}
    for i, k in enumerate(kommuner.itertuples(index=False)):
        status = "none" if i in none else "not_all" if i in chosen_set else "follows_all"
        add("socialnamnd", f"SN-{k.kommun_kod}", said["names"]["socialnamnd"].format(kommun=k.kommun),
            k.kommun_kod, status, sn_weights[k.region_kod])

    # Vårdcentraler: region sizes and "not all" counts as published, spread over municipalities by
    # population (at least one each where the region's count allows).
    vc_weights = region_weights("vardcentral")
    sizes = region_sizes()
    not_all = region_not_all(sizes, rng)
    none_by_region = largest_remainder({k: v for k, v in not_all.items() if k != KRONOBERG}, N_VC_NONE)
    for code, size in sizes.items():
        statuses = _statuses(size, not_all[code], none_by_region.get(code, 0), rng)
        if code == JAMTLAND:
            placed = jamtland_units()
        else:
            names = kommuner.set_index("kommun_kod")["kommun"]
            placed = []
            for kod, count in kommun_sizes(code, size).items():
                placed += [(said["names"]["vardcentral"].format(kommun=names[kod], n=i), kod)
                           for i in range(1, count + 1)]
        seen: dict[str, int] = {}
        for (name, kod), status in zip(placed, statuses, strict=True):
            seen[kod] = seen.get(kod, 0) + 1
            add("vardcentral", f"VC-{kod}-{seen[kod]:03d}", name, kod, status, vc_weights[code])

    df = pd.DataFrame(rows).fillna("")
    headers = {r.provision_id: f"{r.provision_id} {r.title_sv}" for r in cat.itertuples(index=False)}
    return df.rename(columns=headers)


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 with BOM and ``;``: what Swedish Excel opens correctly, and what the importer reads."""
    buf = io.StringIO()
    df.to_csv(buf, sep=";", index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def write(path: Path = EXAMPLE_FILE) -> Path:
    """Regenerate the example round file (byte-identical for the same code and seed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(to_csv_bytes(generate()))
    return path


if __name__ == "__main__":
    print(write())
