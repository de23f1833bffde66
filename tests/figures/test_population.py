"""Population (SCB, 31 December 2024): shipped with the package, complete, and summing to SCB's total."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import i18n
from dashboard.domain import reference
from dashboard.figures import aggregate, population


def test_all_290_municipalities_with_the_reference_codes_and_names():
    pop = reference.population()
    assert len(pop) == 290
    assert pop["kommun_kod"].tolist() == reference.municipalities()["kommun_kod"].tolist()
    assert pop["kommun"].tolist() == reference.municipalities()["kommun"].tolist()
    assert pop["kommun_kod"].str.fullmatch(r"\d{4}").all()  # codes are strings, leading zero kept
    assert (pop["befolkning"] > 0).all()


def test_the_figures_sum_to_scbs_national_total_for_2024():
    assert reference.POPULATION_TOTAL == 10_587_710  # published-figures.md: SCB's total for 2024
    assert int(reference.population()["befolkning"].sum()) == reference.POPULATION_TOTAL


def test_known_municipalities():
    pop = reference.population().set_index("kommun_kod")["befolkning"]
    assert pop["1880"] == 160_140  # Örebro
    assert pop["1882"] == 11_477  # Askersund
    assert pop["0180"] > 900_000  # Stockholm


def test_inhabitants_per_region_sum_the_municipalities():
    reg = aggregate.population_by_region().set_index("region_kod")["befolkning"]
    assert len(reg) == 21 and reg.sum() == reference.POPULATION_TOTAL
    assert reg["18"] == 308_375
    assert reg["09"] == reference.population().set_index("kommun_kod").loc["0980", "befolkning"]  # Gotland


def test_health_centres_per_10000_inhabitants():
    status = pd.DataFrame({
        "unit_type": ["vardcentral"] * 3 + ["socialnamnd"],
        "kommun_kod": ["1880", "1880", "1882", "1880"],
        "region_kod": ["18", "18", "18", "18"],
    })
    kom = aggregate.units_per_inhabitants(status, "kommun").set_index("kommun_kod")
    assert kom.loc["1880", "n_units"] == 2  # committees are not counted
    assert kom.loc["1880", "per_10000"] == pytest.approx(2 / 160_140 * 10_000)
    assert kom.loc["1882", "per_10000"] == pytest.approx(1 / 11_477 * 10_000)
    assert kom.loc["1814", "n_units"] == 0 and kom.loc["1814", "per_10000"] == 0  # every municipality listed
    assert len(kom) == 290
    reg = aggregate.units_per_inhabitants(status, "region").set_index("region_kod")
    assert reg.loc["18", "n_units"] == 3
    assert reg.loc["18", "per_10000"] == pytest.approx(3 / 308_375 * 10_000)
    assert len(reg) == 21


def test_context_table_says_inhabitants_rate_and_source(example):
    _, _, status = example
    sv = population.context_table(status, "kommun", "1880", "sv")
    assert list(sv.columns) == [i18n.t("pop_inhabitants", "sv"), i18n.t("pop_vc_per_10000", "sv")]
    assert sv.iloc[0, 0] == "160\u00a0140"
    n = int(((status["unit_type"] == "vardcentral") & (status["kommun_kod"] == "1880")).sum())
    assert n == 13  # the example round spreads health centres by population
    assert sv.iloc[0, 1] == "0,8 (13 vårdcentraler)"
    assert population.fmt_rate(13 / 160_140 * 10_000, "en") == "0.8"
    en = population.context_table(status, "region", "18", "en")
    assert en.iloc[0, 0] == "308,375"
    assert en.iloc[0, 1] == "0.9 (27 health centres)"
    assert population.source("sv") == "Invånare: SCB, folkmängd 31 december 2024."
    assert "Exempeldata" in population.caption("sv", synthetic=True)
    assert "Exempeldata" not in population.caption("sv", synthetic=False)


def _page_text(page: str, **params: str) -> tuple[str, list[pd.DataFrame]]:
    from apptest import open_page

    at = open_page(page, **params)
    return "\n".join(str(c.value) for c in at.caption), [d.value for d in at.dataframe]


def test_municipality_and_region_pages_show_inhabitants_and_rate_with_the_scb_source():
    captions, frames = _page_text("kommun", kommun="1880")
    table = next(df for df in frames if "Invånare" in df.columns)
    assert table.iloc[0].tolist() == ["160\u00a0140", "0,8 (13 vårdcentraler)"]
    assert "SCB, folkmängd 31 december 2024" in captions and "Exempeldata" in captions
    captions, frames = _page_text("region", region="18", lang="en")
    table = next(df for df in frames if "Inhabitants" in df.columns)
    assert table.iloc[0].tolist() == ["308,375", "0.9 (27 health centres)"]
    assert "Statistics Sweden (SCB)" in captions


def test_method_text_tells_published_from_derived():
    from dashboard.present import method

    for lang, derived in (("sv", "Härlett, inte publicerat:* 200 av 290"), ("en", "Derived, not published:* 200 of 290")):
        text = " ".join(method.text("data", lang).split())
        assert derived in text
        published = text[text.index("*Publi"):text.index("*Härl" if lang == "sv" else "*Deri")]
        assert "69 %" in published or "69%" in published
        assert "200" not in published  # 200 of 290 is never presented as published
        assert "431" in published and ("20 av 27" if lang == "sv" else "20 of 27") in published
        assert "befolkning" in text or "population" in text
