"""The example round reproduces every published figure, through the public functions."""

from __future__ import annotations

from dashboard import aggregate, datasets, demo, geo, i18n, reference


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
    assert sorted(jh["name"]) == sorted(name for name, _ in demo.JAMTLAND_UNITS)
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


def test_example_round_is_the_default_when_nothing_is_imported():
    rounds = datasets.rounds()
    assert demo.ROUND in rounds["round"].tolist()
