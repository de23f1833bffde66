"""What each slide says (``export.findings``): plain values, read and tested without python-pptx."""

from __future__ import annotations

import subprocess
import sys

from dashboard import export, i18n
from dashboard.export import findings
from dashboard.figures import aggregate
from dashboard.ingest import demo


def test_chart_images_for_slides_take_the_finding_title(example):
    units, answers, _ = example
    b = export.build(units, answers, demo.ROUND, region="18")
    titles = findings.finding_titles(b)
    want = "Region Örebro län: 20 av 27 vårdcentraler följer inte alla regler eller vet inte – högst andel i landet"
    assert titles["regioner-vardcentral"] == want


def test_the_findings_are_made_without_python_pptx():
    """The findings are claims about the data, apart from drawing: with python-pptx unimportable the
    whole deck's text is still made (a fresh interpreter, so no earlier import hides the dependency)."""
    code = (
        "import sys; sys.modules['pptx'] = None\n"
        "from dashboard import export\n"
        "from dashboard.export import findings\n"
        "from dashboard.ingest import demo\n"
        "from dashboard.storage import datasets\n"
        "units, answers = datasets.example_round()\n"
        "deck = findings.deck(export.build(units, answers, demo.ROUND, region='18'))\n"
        "assert 'pptx' not in [m.split('.')[0] for m, v in sys.modules.items() if v is not None]\n"
        "print(len(deck)); print(deck[1].title)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    n, key = out.stdout.splitlines()
    assert int(n) >= 6
    assert key == "Region Örebro län: 20 av 27 vårdcentraler följer inte alla regler eller vet inte"


def test_every_slide_has_a_title_a_body_and_notes_with_the_caveat(b23):
    deck = findings.deck(b23)
    caveat = i18n.t("deck_caveat", "sv")
    assert [s.layout for s in deck] == ["cover"] + ["content"] * (len(deck) - 1)
    assert deck[0].title == "Tillsynskartan: Region Jämtland Härjedalen" == findings.deck_title(b23)
    assert isinstance(deck[0].body, findings.Cover) and any("Exempeldata" in line for line in deck[0].body.lines)
    assert isinstance(deck[1].body, findings.KeyFigures)
    charts = [s for s in deck if isinstance(s.body, findings.ChartSpec | findings.PictureSpec)]
    assert 3 <= len(charts) <= findings.MAX_CHARTS
    assert [s.title for s in charts] == [spec.title for spec in findings.chart_specs(b23)]
    assert deck[-1].title == "Metod och källor" and isinstance(deck[-1].body, findings.TextRows)
    assert all(s.title and s.notes.endswith(caveat) for s in deck)


def test_key_figures_give_a_share_only_from_small_n_units_up(example):
    """Kommun 1880 (Örebro) has 13 health centres and one social welfare committee: a share for the
    first, the count and "too few for a share" for the second."""
    units, answers, _ = example
    b = export.build(units, answers, demo.ROUND, kommun="1880")
    vc, sn = findings.key_figures(b).columns
    assert dict(vc)["count"] == "9 av 13" and dict(vc)["share"] == "69\u00a0%" and dict(vc)["country"] == "Riket: 38\u00a0%"
    assert dict(sn)["count"] == "1 av 1" and "share" not in dict(sn)
    assert dict(sn)["too_few"] == "för få enheter för en andel"
    assert aggregate.SMALL_N > 1


def test_the_table_slide_shows_ten_units_and_points_to_the_full_list(example):
    units, answers, _ = example
    b = export.build(units, answers, demo.ROUND)
    none = findings.no_rule_units(b)
    (table,) = [s for s in findings.deck(b) if isinstance(s.body, findings.UnitTable)]
    assert len(none) == 31 and len(table.body.table) == findings.TABLE_ROWS
    assert list(table.body.table.columns) == ["Enhet", "Enhetstyp", "Kommun", "Region"]
    assert table.body.more.startswith("… och 21 till")
    assert table.title.startswith("Sverige: 31 av ") and "Rad 1–10 av 31." in table.notes
