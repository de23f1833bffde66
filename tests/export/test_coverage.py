"""A round that did not ask every binding provision says how many its figures cover (issue 18, point 3):
the files' "Om data" sheet and CSV rows, the letter, every slide's source line and each chart's; a round
that asked them all says nothing extra."""

from __future__ import annotations

import io

import pytest
from docx import Document
from office_files import csv_rows, real_round, sources
from openpyxl import load_workbook
from pptx import Presentation

from dashboard import export
from dashboard.domain import provisions
from dashboard.figures import aggregate
from dashboard.present.captions import coverage_text

SV = ("Omgången frågade bara om 1 av de 7 bindande reglerna för vårdcentraler (V1); siffrorna för "
      "vårdcentraler gäller de frågade reglerna, övriga räknas inte.")
EN = ("The round asked about only 1 of the 7 binding rules for health centres (V1); the figures for "
      "health centres cover the rules asked, the others are not counted.")


@pytest.fixture(scope="module")
def only_v1(example):
    """The example round as a real round "2025" whose survey asked health centres about V1 and the
    general advice V8 only (committees about everything)."""
    units, answers, _ = example
    ru, ra = real_round(units, answers, "2025")
    asked = ~ra["provision_id"].str.startswith("V") | ra["provision_id"].isin(["V1", "V8"])
    return ru, ra[asked].reset_index(drop=True)


def test_coverage_counts_binding_provisions_only(only_v1, example):
    units, answers = only_v1
    cov = provisions.coverage(units, answers).set_index("unit_type")
    assert (cov.loc["vardcentral", "n_asked"], cov.loc["vardcentral", "n_binding"]) == (1, 7)  # V8 is advice
    assert cov.loc["vardcentral", "asked"] == ("V1",) and cov.loc["vardcentral", "not_asked"][0] == "V2"
    assert (cov.loc["socialnamnd", "n_asked"], cov.loc["socialnamnd", "n_binding"]) == (6, 6)
    assert coverage_text(provisions.coverage(units, answers), "sv") == SV
    assert coverage_text(provisions.coverage(units, answers), "en") == EN
    assert coverage_text(provisions.coverage(units, answers), "sv", ["socialnamnd"]) == ""
    full = provisions.coverage(*example[:2])
    assert (full["n_asked"] == full["n_binding"]).all() and coverage_text(full, "sv") == ""


def test_every_file_of_the_round_says_what_it_covers(only_v1):
    units, answers = only_v1
    b = export.build(units, answers, "2025", region="23")
    assert b.coverage == SV and b.source.endswith(SV)
    reg = export.REGIONS.people(aggregate.by_region(b.status, "vardcentral"))
    rows = csv_rows(export.table_csv(reg, b.about("t")))
    col = rows[0].index("Regler som omfattas")
    assert all(r[col] == SV for r in rows[1:])
    wb = load_workbook(io.BytesIO(export.table_xlsx(reg, b.about("t"))))
    about = {r[0]: r[1] for r in wb["Om data"].iter_rows(min_row=2, values_only=True)}
    assert about["Regler som omfattas"] == SV
    doc = Document(io.BytesIO(export.bundle_docx(b)))
    assert SV in [p.text for p in doc.paragraphs]
    prs = Presentation(io.BytesIO(export.pptx_pack(b)))
    assert all(sources(s) and sources(s)[0].endswith(SV) for s in prs.slides)  # every slide
    assert all(any(a.text.replace("<br>", " ").endswith(SV) for a in item.figure.layout.annotations)
               for item in b.charts)  # each chart's source line, wrapped
    assert any(SV in t.get_text().replace("\n", " ") for t in b.maps[0].figure.texts)


def test_a_round_that_asked_everything_says_nothing_extra(example):
    units, answers, _ = example
    ru, ra = real_round(units, answers, "2025")
    b = export.build(ru, ra, "2025", region="23")
    assert b.coverage == "" and "frågade" not in b.source
    rows = csv_rows(export.table_csv(export.REGIONS.people(aggregate.by_region(b.status, "vardcentral")), b.about()))
    assert "Regler som omfattas" not in rows[0]
    assert "Regler som omfattas" not in dict(b.about().rows())
