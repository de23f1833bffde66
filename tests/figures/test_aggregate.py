"""Aggregation: shares from counts, all areas present, honest ranks, country alongside."""

from __future__ import annotations

import pandas as pd

from dashboard.domain import provisions, reference
from dashboard.figures import aggregate


def _tables(spec: list[tuple[str, str, bool, bool]]):
    """spec: (unit_id, kommun_kod, responded, follows_all) for health centres."""
    units = pd.DataFrame([{"round": "r", "unit_id": u, "unit_type": "vardcentral", "name": u, "kommun_kod": k,
                           "region_kod": k[:2], "lat": float("nan"), "lon": float("nan"), "responded": resp,
                           "synthetic": False} for u, k, resp, _ in spec])
    ids = provisions.provision_ids("vardcentral")
    rows = [{"round": "r", "unit_id": u, "provision_id": p,
             "answer": "ja" if ok or p != "V1" else "nej"} for u, _, resp, ok in spec if resp for p in ids]
    return units, pd.DataFrame(rows)


def test_country_share_is_from_counts_not_an_average_of_shares():
    # Region 01: 1 of 1 not all; region 18: 1 of 3 not all -> country 2 of 4 = 50 %, not mean(100 %, 33 %)
    units, answers = _tables([("a", "0180", True, False), ("b", "1880", True, False),
                              ("c", "1880", True, True), ("d", "1880", True, True)])
    status = aggregate.unit_status(units, answers)
    reg = aggregate.by_region(status, "vardcentral").set_index("region_kod")
    assert reg.loc["01", "share_not_all"] == 1.0
    assert abs(reg.loc["18", "share_not_all"] - 1 / 3) < 1e-12
    assert reg.loc["18", "country_share_not_all"] == 0.5
    assert abs(reg.loc["18", "diff_pp"] - (100 / 3 - 50)) < 1e-9


def test_all_21_regions_listed_and_empty_ones_have_no_share():
    units, answers = _tables([("a", "0180", True, False)])
    reg = aggregate.by_region(aggregate.unit_status(units, answers), "vardcentral")
    assert len(reg) == 21
    assert reg.set_index("region_kod")["share_not_all"].drop("01").isna().all()


def test_non_responding_units_are_in_the_response_rate_not_the_share():
    units, answers = _tables([("a", "0180", True, False), ("b", "0180", False, False)])
    nat = aggregate.national(aggregate.unit_status(units, answers)).iloc[0]
    assert (nat["n_units"], nat["n_responded"], nat["n_not_all"]) == (2, 1, 1)
    assert nat["share_not_all"] == 1.0 and nat["response_rate"] == 0.5


def test_by_kommun_has_region_and_country_alongside(example):
    _, _, status = example
    km = aggregate.by_kommun(status, "vardcentral", "23")
    assert len(km) == 8 and km["n_units"].sum() == 22
    assert km["region_share_not_all"].nunique() == 1
    assert abs(km["country_share_not_all"].iloc[0] - 431 / 1136) < 1e-12


def test_honest_rank_never_puts_small_areas_first():
    df = pd.DataFrame({"code": ["a", "b", "c"], "n_responded": [1, 10, 20], "share_not_all": [1.0, 0.5, 0.6]})
    ranked = aggregate.honest_rank(df)
    assert ranked["code"].tolist() == ["c", "b", "a"]
    assert ranked["honest_rank"].tolist()[:2] == [1, 2] and pd.isna(ranked["honest_rank"].iloc[2])


def test_by_provision_counts_add_up_with_country_alongside(example):
    units, answers, _ = example
    prov = aggregate.by_provision(units, answers, "vardcentral", region_kod="18")
    assert (prov["n"] == 27).all()
    assert (prov[["n_ja", "n_nej", "n_vet_ej", "n_saknas"]].sum(axis=1) == prov["n"]).all()
    country = aggregate.by_provision(units, answers, "vardcentral")
    assert (country["n"] == 1136).all()
    assert prov["country_share_not_ja"].tolist() == country["share_not_ja"].tolist()


def test_by_provision_areas_equals_one_by_provision_per_area(example):
    """The static edition's one-pass provision rows are exactly ``by_provision`` of each area: every
    region, a spread of municipalities (big, small, none of a type), and a round that did not ask V2."""
    units, answers, _ = example
    for unit_type in ("vardcentral", "socialnamnd"):
        for level, codes in (("region", list(reference.regions()["region_kod"])),
                             ("kommun", ["0180", "1480", "2380", "0114", "2584", "0980"])):
            code = "region_kod" if level == "region" else "kommun_kod"
            areas = aggregate.by_provision_areas(units, answers, unit_type, level)
            assert set(areas[code]) == set((reference.regions() if level == "region"
                                            else reference.municipalities())[code])
            for c in codes:
                one = aggregate.by_provision(units, answers, unit_type, **{code: c})
                got = areas[areas[code] == c].drop(columns=code).reset_index(drop=True)
                pd.testing.assert_frame_equal(got, one, check_dtype=False)
    fewer = answers[answers["provision_id"] != "V2"]
    areas = aggregate.by_provision_areas(units, fewer, "vardcentral", "region")
    one = aggregate.by_provision(units, fewer, "vardcentral", region_kod="18")
    pd.testing.assert_frame_equal(areas[areas["region_kod"] == "18"].drop(columns="region_kod").reset_index(drop=True),
                                  one, check_dtype=False)
    assert int(one.set_index("provision_id").loc["V2", "n"]) == 0
