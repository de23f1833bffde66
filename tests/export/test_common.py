"""What every format shares (``export.common``): the example rounds in view, and text made safe for XML."""

from __future__ import annotations

import io

from docx import Document
from office_files import listed_units
from openpyxl import load_workbook
from pptx import Presentation

from dashboard import export
from dashboard.ingest import demo


def test_example_rounds_takes_every_round_in_view():
    is_example = {"2023": True, "2025": False}.__getitem__
    assert export.example_rounds(["2025", "", "2023", "2023"], is_example) == ("2023",)
    assert export.example_rounds(["2025"], is_example) == ()
    about = export.about_for("2025", "sv", False, example_rounds=("2023",))
    assert about.synthetic and "Källa: IVO" in about.source_line() and "omgång 2023: Exempeldata" in about.source_line()


def test_control_characters_in_names_do_not_break_office_files(example):
    units, answers, _ = example
    units = units.copy()
    units["name"] = units["name"].astype(object)
    i = units.index[(units["region_kod"] == "23") & (units["unit_type"] == "vardcentral")][0]
    units.loc[i, "name"] = "Lit\x07 hälsocentral\x00"
    b = export.build(units, answers, demo.ROUND, region="23")
    assert "Lit hälsocentral" in listed_units(Document(io.BytesIO(export.bundle_docx(b))))
    wb = load_workbook(io.BytesIO(export.tables_xlsx(b.tables(), b.about())))
    assert "Lit hälsocentral" in [c.value for c in wb["enheter"]["C"]]
    assert len(Presentation(io.BytesIO(export.pptx_pack(b))).slides) > 5
