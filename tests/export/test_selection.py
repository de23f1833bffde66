"""One selection (``export.selection``): its charts, maps and source line, and one sentence for an unknown code."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from docx import Document
from office_files import csv_rows, real_round

from dashboard import export
from dashboard.figures import aggregate
from dashboard.ingest import demo


def test_country_has_a_region_map_and_a_municipality_map(example):
    units, answers, _ = example
    b = export.build(units, answers, demo.ROUND)
    assert [(m.level, m.unit_type) for m in b.maps] == [("region", "vardcentral"), ("kommun", "socialnamnd")]
    assert len(b.maps[0].table) == 21 and len(b.maps[1].table) == 290


def test_unknown_codes_are_one_sentence(example):
    units, answers, _ = example
    with pytest.raises(export.SelectionError, match=r"^Regionkoden '99' finns inte; giltiga koder är 01, 03"):
        export.build(units, answers, demo.ROUND, region="99")
    with pytest.raises(export.SelectionError, match="^Kommunkoden '9999' finns inte"):
        export.build(units, answers, demo.ROUND, kommun="9999")
    b = export.build(units, answers, demo.ROUND, kommun="2380")
    assert (b.region, b.kommun) == ("23", "2380")
    assert export.build(units, answers, demo.ROUND, region="Jämtland Härjedalen").region == "23"


def test_region_bar_download_gives_no_bar_to_a_region_with_too_few_units(example):
    """Gotland has one social welfare committee: its count, never a lone 100 % (or 0 %) bar."""
    units, answers, _ = example
    b = export.build(units, answers, demo.ROUND, typ="socialnamnd")
    fig = next(c for c in b.charts if c.key == "regioner-socialnamnd").figure
    bars = fig.data[0]
    ys = list(bars.y)
    i = next(j for j, y in enumerate(ys) if str(y).startswith("Gotland"))
    assert ys[i] in ("Gotland (1 av 1)", "Gotland (0 av 1)")
    assert bars.x[i] != bars.x[i]  # NaN: no bar
    big = [j for j, y in enumerate(ys) if "(" not in str(y)]
    assert all(bars.x[j] == bars.x[j] for j in big) and len(big) == 20


def test_small_n_in_the_distribution_chart_download(example):
    """A PNG/SVG download of the municipality chart follows the same rule: no dot of its own at 0 or
    100 % for an area with fewer than SMALL_N units; they are grouped with the group's count."""
    units, answers, _ = example
    b = export.build(units, answers, demo.ROUND, region="18")
    fig = next(c for c in b.charts if c.key == "kommuner-vardcentral").figure
    km = aggregate.by_kommun(b.status, "vardcentral", "18")
    small = km[km["n_responded"] < aggregate.SMALL_N]
    ys = [str(y) for tr in fig.data if tr.y is not None for y in list(tr.y)]
    for name in small["kommun"]:
        assert name not in ys
    grouped = next(tr for tr in fig.data if tr.y is not None and len(tr.y) and str(tr.y[0]).startswith("Övriga"))
    k, n = int(small["n_not_all"].sum()), int(small["n_responded"].sum())
    assert grouped.text[0].startswith(f"{k} av {n}")


def test_provision_chart_of_a_two_unit_municipality_shows_counts_not_shares(example):
    from dashboard.present import charts

    units, answers, _ = example
    vc = units[units["unit_type"] == "vardcentral"].groupby("kommun_kod").size()
    code = str(vc[vc == 2].index[0])
    b = export.build(units, answers, demo.ROUND, kommun=code, typ="vardcentral")
    prov = b.provisions("vardcentral")
    fig = charts.provision_bar(prov, "sv", "t", "s", "k")
    ja = next(tr for tr in fig.data if tr.name == "Ja")
    assert list(ja.x) == prov["n_ja"].iloc[::-1].tolist()  # counts
    assert max(max(tr.x) for tr in fig.data if tr.type == "bar") <= 2
    assert fig.layout.xaxis.range[1] == 2 and "Antal enheter" in fig.layout.xaxis.title.text
    big = charts.provision_bar(export.build(units, answers, demo.ROUND, region="18").provisions("vardcentral"),
                               "sv", "t", "s", "k")
    assert big.layout.xaxis.title.text == "%" and len(big.data) == 5  # shares, with the country marked


# --------------------------------------------------------------------------- sources tell the truth


def test_real_data_keeps_the_ivo_source_and_example_data_never_gets_it(example):
    units, answers, _ = example
    ex = export.build(units, answers, demo.ROUND, region="18")
    assert not ex.source.startswith("Källa: IVO") and ex.source.startswith("Exempeldata, kalibrerad")
    assert export.build(units, answers, demo.ROUND, region="18", lang="en").source.startswith(
        "Example data calibrated to IVO's published shares")
    ru, ra = real_round(units, answers, "2025")
    real = export.build(ru, ra, "2025", region="18")
    assert real.source.startswith("Källa: IVO, tillsyn A2021/01714") and not real.synthetic
    about = {k: v for k, v in real.about().rows()}
    assert about["Exempeldata"].startswith("Nej")


def test_a_real_round_with_an_example_round_in_view_says_so_where_it_draws_on_it(example):
    """Issue 18, point 6: the example round in view (a trend) is named where it is drawn on, and only
    there; a chart, map, table or letter of the real round alone compares nothing and says so."""
    units, answers, _ = example
    ru, ra = real_round(units, answers, "2025")
    b = export.build(ru, ra, "2025", region="23", example_rounds=(demo.ROUND,))
    assert b.synthetic and b.example_rounds == (demo.ROUND,)
    assert b.source == "Källa: IVO, tillsyn A2021/01714; omgång 2025"  # no "Jämförs med"
    rows = csv_rows(export.table_csv(export.REGIONS.people(aggregate.by_region(b.status, "vardcentral")), b.about()))
    assert "Exempeldata" not in rows[0]
    assert dict(b.about().rows())["Exempeldata"].startswith("Nej")
    doc = Document(io.BytesIO(export.bundle_docx(b)))
    assert not doc.sections[0].header.paragraphs[0].text.startswith("EXEMPEL")
    assert doc.sections[0].footer.paragraphs[0].text == b.source
    assert not any("Jämförs" in t.get_text() for t in b.maps[0].figure.texts)  # the map's source
    # the trend draws on the example round: its source and its file name it, and say the round is real
    assert "Jämförs med omgång 2023: Exempeldata" in b.trend_source and b.trend_source.startswith("Källa: IVO")
    about = b.about(every_round=True)
    said = dict(about.rows())["Exempeldata"]
    assert said.startswith("Nej för omgång 2025") and "2023" in said and "Enskilda enheters" not in said
    trend = pd.DataFrame({"round": ["2023", "2025"], "scope": "country", "n_responded": [20, 20],
                          "n_not_all": [5, 6], "share_not_all": [0.25, 0.3]})
    rows = csv_rows(export.table_csv(export.TREND.people(trend), about))
    flag = rows[0].index("Exempeldata")
    assert [r[0] for r in rows[1:]] == ["2023", "2025"] and [r[flag] for r in rows[1:]] == ["Ja", "Nej"]
