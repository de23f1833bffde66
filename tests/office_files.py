"""Reading back the office files the exports make (test helper, not a test): CSV rows, a deck's
slides, charts and source lines, a custom template, the units a letter lists, and a real-looking round."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

EVIL = ['=HYPERLINK("http://x","y")', "+cmd|'/c calc'!A0", "@SUM(1+1)", "-2+3", "\t=1+1"]


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM missing: Swedish Excel would garble å/ä/ö"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def slide_title(slide) -> str:
    return slide.shapes.title.text_frame.text if slide.shapes.title is not None else ""


def slide_charts(slide) -> list:
    return [sh.chart for sh in slide.shapes if sh.has_chart]


def sources(slide) -> list[str]:
    return [sh.text_frame.text for sh in slide.shapes if sh.name == "Källa"]


def chart_slides(prs) -> list:
    return [s for s in prs.slides if slide_charts(s)]


def chart_series(chart) -> dict[str, list]:
    return {s.name: list(s.values) for s in chart.plots[0].series}


def custom_template(path: Path) -> bytes:
    """A 4:3 template with Swedish layout names in another order and its own theme font."""
    from lxml import etree
    from pptx import Presentation as P

    prs = P()
    names = {"Title Slide": "Rubrikbild", "Title and Content": "Rubrik och innehåll"}
    for layout in prs.slide_layouts:
        if layout.name in names:
            layout.name = names[layout.name]
    prs.slides.add_slide(prs.slide_layouts[6])  # an example slide, which the deck must not keep
    theme_part = next(r.target_part for r in prs.slide_master.part.rels.values() if r.reltype.endswith("/theme"))
    theme = etree.fromstring(theme_part.blob)
    ns = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
    for latin in theme.iterfind(".//a:fontScheme/*/a:latin", ns):
        latin.set("typeface", "Georgia")
    theme_part._blob = etree.tostring(theme)
    prs.save(path)
    return path.read_bytes()


def theme_fonts(prs) -> set[str]:
    from lxml import etree

    part = next(r.target_part for r in prs.slide_master.part.rels.values() if r.reltype.endswith("/theme"))
    ns = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
    return {el.get("typeface") for el in etree.fromstring(part.blob).iterfind(".//a:fontScheme/*/a:latin", ns)}


def listed_units(doc) -> list[str]:
    paragraphs = [p for p in doc.paragraphs]
    start = next(i for i, p in enumerate(paragraphs) if p.text.startswith("Inspektionen för vård och omsorg (IVO) har"))
    names = []
    for p in paragraphs[start + 1:]:
        if p.style.name.startswith("Heading") or not p.text:
            break
        names.append(p.text)
    return names


def real_round(units: pd.DataFrame, answers: pd.DataFrame, name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The example round relabelled as an imported (real) round, to test the source rules."""
    return units.assign(synthetic=False, round=name), answers.assign(round=name)
