"""What the server does for a page, timed in this process (no browser, no network).

* **server rerun**: ``AppTest.run()`` wall time after changing a sidebar selectbox: the unit type
  on the overview; region after region on the map page, first visit (the per-region caches miss:
  the "map rerun for a region not seen before" gate) and again; hello world the same way;
* **aggregation**: everything the pages compute for a round, for the example round against
  generated rounds drawn from it (cost per unit: linear or better).
"""

from __future__ import annotations

import math
import time
from typing import Any

from benchmarks.harness import APP, HELLO_APP, median, ratio


def rerun_server(runs: int) -> dict[str, Any]:
    """Server-side rerun after a sidebar filter change, timed around AppTest.run() (in process)."""
    from streamlit.testing.v1 import AppTest

    from dashboard.domain import reference

    def timed(at: Any) -> float:
        t = time.perf_counter()
        at.run()
        ms = (time.perf_counter() - t) * 1000
        if at.exception:
            raise RuntimeError(f"app raised: {[e.value for e in at.exception]}")
        return ms

    # overview: unit type back and forth
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    overview: list[float] = []
    cycle = ["vardcentral", "socialnamnd", "alla"]
    for i in range(max(2 * runs, 3)):
        at.selectbox(key="flt_typ").set_value(cycle[i % 3])
        overview.append(timed(at))

    # map: region after region (the first visit of each region misses the per-region caches)
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.switch_page("pages/karta.py")
    at.run()
    regions = sorted(reference.REGIONS)
    map_first: list[float] = []
    map_again: list[float] = []
    n = min(len(regions), max(2 * runs, 3))
    for code in regions[:n]:
        at.selectbox(key="flt_region").set_value(code)
        map_first.append(timed(at))
    for code in regions[:n]:
        at.selectbox(key="flt_region").set_value(code)
        map_again.append(timed(at))

    hello = AppTest.from_string(HELLO_APP, default_timeout=60)
    hello.run()
    hello_ms: list[float] = []
    for i in range(max(2 * runs, 3)):
        hello.selectbox[0].set_value("abc"[i % 3])
        hello_ms.append(timed(hello))

    return {
        "overview_ms": overview, "map_first_visit_ms": map_first, "map_again_ms": map_again,
        "hello_ms": hello_ms,
        "overview_median_ms": median(overview), "map_first_visit_median_ms": median(map_first),
        "map_again_median_ms": median(map_again), "hello_median_ms": median(hello_ms),
        "overview_ratio": ratio(median(overview), median(hello_ms)),
        "map_ratio": ratio(median(map_first), median(hello_ms)),
        "target_ms": 100,
    }


def synthetic_round(units: Any, answers: Any, n: int, round_name: str, seed: int) -> tuple[Any, Any]:
    """``n`` units drawn (with replacement) from the example round under new ids, answers shuffled
    a little, so group sizes and answer mixes are realistic."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    pick = units.sample(n=n, replace=True, random_state=seed).reset_index(drop=True)
    new_ids = pd.Series([f"G{seed}-{i:06d}" for i in range(n)], dtype="string")
    mapping = pd.DataFrame({"old": pick["unit_id"].to_numpy(), "unit_id": new_ids})
    new_units = pick.assign(unit_id=new_ids, round=round_name)
    new_answers = mapping.merge(answers.rename(columns={"unit_id": "old"}), on="old").drop(columns="old")
    new_answers["round"] = round_name
    flip = rng.random(len(new_answers)) < 0.1
    choices = np.array(["ja", "nej", "vet_ej", "saknas"], dtype=object)
    ans = new_answers["answer"].astype(object).to_numpy(copy=True)
    ans[flip] = rng.choice(choices, flip.sum())
    new_answers["answer"] = pd.array(ans, dtype=new_answers["answer"].dtype)
    return new_units, new_answers[list(answers.columns)]


def aggregation(runs: int, big_rounds: int, big_units: int) -> dict[str, Any]:
    """Everything the pages compute for a round (unit status, country, per region, per municipality,
    per provision, both unit types), for 1 example round vs ``big_rounds`` generated rounds."""
    from dashboard.figures import aggregate
    from dashboard.storage import datasets

    units, answers = datasets.example_round()
    big = [synthetic_round(units, answers, big_units, f"G{i}", seed=i) for i in range(big_rounds)]

    def work(rounds: list[tuple[Any, Any]]) -> None:
        for u, a in rounds:
            status = aggregate.unit_status(u, a)
            aggregate.national(status)
            for t in ("vardcentral", "socialnamnd"):
                aggregate.by_region(status, t)
                aggregate.by_kommun(status, t)
                aggregate.by_provision(u, a, t)

    def timed(rounds: list[tuple[Any, Any]]) -> list[float]:
        work(rounds)  # warm-up (imports, catalogue and reference caches)
        out = []
        for _ in range(runs):
            t = time.perf_counter()
            work(rounds)
            out.append(time.perf_counter() - t)
        return out

    small_s = timed([(units, answers)])
    big_s = timed(big)
    n_small, n_big = len(units), big_rounds * big_units
    t_small, t_big = median(small_s), median(big_s)
    return {
        "small_units": n_small, "big_units": n_big, "big_rounds": big_rounds,
        "small_s": small_s, "big_s": big_s, "small_median_s": t_small, "big_median_s": t_big,
        "time_ratio": ratio(t_big, t_small), "size_ratio": n_big / n_small,
        # < 1: cheaper per unit at scale (fixed costs amortised); > 1 would be worse than linear
        "per_unit_cost_ratio": ratio(t_big / n_big, t_small / n_small),
        "exponent": math.log(t_big / t_small) / math.log(n_big / n_small) if t_small and t_big else math.nan,
    }
