"""The attachment to a region (``export.letter``, DOCX)."""

from __future__ import annotations

import io

import pytest
from docx import Document
from office_files import listed_units

from dashboard import export
from dashboard.ingest import demo


def test_docx_lists_exactly_the_22_jamtland_health_centres(b23):
    doc = Document(io.BytesIO(export.bundle_docx(b23)))
    assert listed_units(doc) == [name for name, _ in demo.jamtland_units()]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "EXEMPEL: Bilaga till\nMeddelande om avslut av tillsyn" in text
    assert doc.sections[0].header.paragraphs[0].text.startswith("EXEMPEL")
    assert "Inspektionen för vård och omsorg (IVO)" not in text.split("\n")[:3]  # not headed as IVO's letter
    assert "Region Jämtland Härjedalen" in text and "Exempeldata" in text
    assert "8 av 22 vårdcentraler" in text and "38\u00a0%" in text  # region against the country
    tables = doc.tables
    assert tables[0].cell(1, 1).text == "22 av 22 (100\u00a0%)"
    assert tables[0].cell(2, 2).text == "431 av 1\u00a0136 (38\u00a0%)"  # the published national figure
    assert doc.sections[0].footer.paragraphs[0].text.startswith("Exempeldata, kalibrerad mot IVO:s")
    assert "Källa: IVO" not in doc.sections[0].footer.paragraphs[0].text


def test_docx_needs_a_region(example):
    units, answers, _ = example
    with pytest.raises(export.SelectionError, match="--region"):
        export.bundle_docx(export.build(units, answers, demo.ROUND))
