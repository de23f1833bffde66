"""One selection (``export.selection``): its charts, maps and source line, and one sentence for an unknown code."""

from __future__ import annotations

import io

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


def test_a_real_round_compared_with_an_example_round_says_so_everywhere(example):
    """The compared round is in view too: the files involve generated data and say which."""
    units, answers, _ = example
    ru, ra = real_round(units, answers, "2025")
    b = export.build(ru, ra, "2025", region="23", example_rounds=(demo.ROUND,))
    assert b.synthetic and b.example_rounds == (demo.ROUND,)
    assert "omgång 2023: Exempeldata" in b.source and b.source.startswith("Källa: IVO")
    rows = csv_rows(export.table_csv(export.REGIONS.people(aggregate.by_region(b.status, "vardcentral")), b.about()))
    assert rows[0][-1] == "Exempeldata" and rows[1][-1] == "Ja"
    doc = Document(io.BytesIO(export.bundle_docx(b)))
    assert doc.sections[0].header.paragraphs[0].text.startswith("EXEMPEL")
    assert "omgång 2023: Exempeldata" in doc.sections[0].footer.paragraphs[0].text
    assert any("omgång 2023: Exempeldata" in t.get_text() for t in b.maps[0].figure.texts)  # the map's source
