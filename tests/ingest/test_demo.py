"""The example round reproduces every published figure, through the public functions."""

from __future__ import annotations

from dashboard import i18n
from dashboard.domain import geo, reference
from dashboard.figures import aggregate
from dashboard.ingest import demo
from dashboard.storage import datasets


def test_socialnamnder_200_of_290(example):
    _, _, status = example
    nat = aggregate.national(status).set_index("unit_type").loc["socialnamnd"]
    assert (nat["n_units"], nat["n_responded"], nat["n_not_all"]) == (290, 290, 200)
    assert i18n.fmt_pct(nat["share_not_all"]) == "69\u00a0%"
    sn = status[status["unit_type"] == "socialnamnd"]
    assert sorted(sn["kommun_kod"]) == sorted(reference.municipalities()["kommun_kod"])  # one per municipality


def test_vardcentraler_431_of_1136_and_24_none(example):
    _, _, status = example
    nat = aggregate.national(status).set_index("unit_type").loc["vardcentral"]
    assert (nat["n_units"], nat["n_not_all"], nat["n_none"]) == (1136, 431, 24)
    assert i18n.fmt_share(int(nat["n_not_all"]), int(nat["n_responded"])) == "431 av 1\u00a0136 (38\u00a0%)"


def test_every_region_has_health_centres_orebro_highest_kronoberg_lowest(example):
    _, _, status = example
    reg = aggregate.by_region(status, "vardcentral").set_index("region_kod")
    assert (reg["n_units"] > 0).all() and len(reg) == 21
    assert reg["n_units"].sum() == 1136
    assert (reg.loc["18", "n_units"], reg.loc["18", "n_not_all"]) == (27, 20)
    assert i18n.fmt_pct(reg.loc["18", "share_not_all"]) == "74\u00a0%"
    shares = reg["share_not_all"]
    assert shares.idxmax() == "18" and (shares.drop("18") < shares["18"]).all()
    assert shares.idxmin() == "07" and (shares.drop("07") > shares["07"]).all()
    assert reg.loc["18", "rank"] == 1


def test_jamtland_is_exactly_the_22_named_health_centres_in_their_municipalities(example):
    _, _, status = example
    jh = status[(status["unit_type"] == "vardcentral") & (status["region_kod"] == "23")]
    assert sorted(jh["name"]) == sorted(name for name, _ in demo.jamtland_units())
    assert len(jh) == 22
    placed = dict(zip(jh["name"], jh["kommun_kod"], strict=True))
    assert placed["Åre hälsocentral"] == "2321"
    assert placed["Frösö hälsocentral"] == "2380"
    assert placed["Närvård Frostviken"] == "2313"
    assert placed["Fjällhälsan Hede"] == "2361"


def test_other_units_have_plainly_generated_names(example):
    _, _, status = example
    others = status[~((status["unit_type"] == "vardcentral") & (status["region_kod"] == "23"))]
    assert others["name"].str.contains("exempel", case=False).all()


def test_every_row_is_flagged_synthetic(example):
    units, _, _ = example
    assert units["synthetic"].all()


def test_regeneration_is_byte_identical():
    assert demo.to_csv_bytes(demo.generate()) == demo.EXAMPLE_FILE.read_bytes()


def test_every_unit_lies_inside_its_municipality(example):
    units, _, _ = example
    found = geo.kommuner_at(units["lat"].tolist(), units["lon"].tolist())
    assert found == units["kommun_kod"].tolist()


def test_answers_vary_by_provision_and_by_region(example):
    units, answers, _ = example
    prov = aggregate.by_provision(units, answers, "vardcentral")
    binding = prov[~prov["general_advice"]]
    assert binding["share_not_ja"].max() - binding["share_not_ja"].min() > 0.03
    per_region = [aggregate.by_provision(units, answers, "vardcentral", region_kod=r)
                  .set_index("provision_id")["share_not_ja"] for r in ("01", "12", "14")]
    assert not per_region[0].equals(per_region[1]) and not per_region[1].equals(per_region[2])
    # Kronoberg: most health centres report routines for which questions to ask (V1)
    kron = aggregate.by_provision(units, answers, "vardcentral", region_kod="07").set_index("provision_id")
    assert kron.loc["V1", "share_not_ja"] <= binding["share_not_ja"].min()


def test_region_sizes_are_documented_and_sum_to_1136():
    sizes = demo.region_sizes()
    assert sum(sizes.values()) == 1136 and sizes["18"] == 27 and sizes["23"] == 22
    assert set(sizes) == set(reference.REGIONS)
    # the others follow real population (SCB 2024): Stockholm more than Skåne more than Gotland
    assert sizes["01"] > sizes["14"] > sizes["12"] > sizes["03"] > sizes["09"]


def _vc_per_kommun(status):
    vc = status[status["unit_type"] == "vardcentral"]
    return vc.groupby("kommun_kod").size()


def test_orebro_kommun_holds_its_population_share_of_the_regions_27(example):
    _, _, status = example
    per = _vc_per_kommun(status)
    pop = reference.population().set_index("kommun_kod")["befolkning"]
    region = pop[pop.index.str.startswith("18")]
    quota = 27 * region["1880"] / region.sum()  # 14.0: about half of the region lives in Örebro
    assert per["1880"] == demo.kommun_sizes("18", 27)["1880"] == 13
    assert abs(per["1880"] - quota) < 1.5
    assert per["1880"] > per["1882"]  # Örebro (160 000) has more than Askersund (11 500)
    assert per.reindex(region.index, fill_value=0).sum() == 27


def test_every_municipality_has_a_health_centre_where_its_regions_count_allows(example):
    _, _, status = example
    per = _vc_per_kommun(status)
    pop = reference.population()
    sizes = demo.region_sizes()
    for code, n in sizes.items():
        kommuner = pop[pop["region_kod"] == code]["kommun_kod"]
        if code != "23" and n >= len(kommuner):
            assert (per.reindex(kommuner, fill_value=0) >= 1).all(), code


def test_health_centres_follow_population_within_every_region(example):
    """A more populous municipality never has fewer example health centres (Jämtland: the real 22)."""
    _, _, status = example
    per = _vc_per_kommun(status)
    pop = reference.population()
    for code in reference.REGIONS:
        if code == "23":
            continue
        region = pop[pop["region_kod"] == code].sort_values("befolkning")
        counts = per.reindex(region["kommun_kod"], fill_value=0).tolist()
        assert counts == sorted(counts), code

    # Where no municipality needs lifting to one (Stockholm: 265 for 26), each gets its plain
    # largest-remainder share: within one of its exact population quota.
    stockholm = pop[pop["region_kod"] == "01"]
    quota = stockholm.set_index("kommun_kod")["befolkning"] / stockholm["befolkning"].sum() * demo.region_sizes()["01"]
    assert (quota >= 1).all()
    assert ((per.reindex(quota.index) - quota).abs() < 1).all()


def test_apportion_keeps_a_floor_and_the_total():
    assert demo.apportion({"a": 100, "b": 1, "c": 1}, 10, minimum=1) == {"a": 8, "b": 1, "c": 1}
    assert demo.apportion({"a": 100, "b": 1, "c": 1}, 10) == {"a": 10, "b": 0, "c": 0}
    assert demo.apportion({"a": 3, "b": 2, "c": 1}, 2, minimum=1) == {"a": 1, "b": 1, "c": 0}  # too few
    assert sum(demo.apportion({str(i): i + 1 for i in range(30)}, 97, minimum=1).values()) == 97


def test_example_round_is_the_default_when_nothing_is_imported():
    rounds = datasets.rounds()
    assert demo.ROUND in rounds["round"].tolist()
