"""Exports: every file is opened with its own library and what is inside is checked against the
aggregation the pages use. One Chromium (kaleido) is shared by the whole test session."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import subprocess
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from docx import Document
from openpyxl import load_workbook
from PIL import Image
from pptx import Presentation

from dashboard import export
from dashboard.domain import reference
from dashboard.figures import aggregate
from dashboard.ingest import demo
from dashboard.storage import datasets

EVIL = ['=HYPERLINK("http://x","y")', "+cmd|'/c calc'!A0", "@SUM(1+1)", "-2+3", "\t=1+1"]
FORMULA = ("=", "+", "-", "@", "\t", "\r")

needs_chromium = pytest.mark.needs("chromium")  # skipped without it; failed when CI=true (tests/conftest.py)
needs_libreoffice = pytest.mark.needs("soffice", "pdftotext")  # the PDF render checks


@pytest.fixture(scope="module")
def example() -> tuple[pd.DataFrame, pd.DataFrame]:
    return datasets.example_round()


@pytest.fixture(scope="module")
def b23(example) -> export.Bundle:
    units, answers = example
    return export.build(units, answers, demo.ROUND, region="23")


@pytest.fixture(scope="module")
def evil(example) -> export.Bundle:
    """Region 23 where health centres are named like spreadsheet formulas (names come from user files)."""
    units, answers = example
    units = units.copy()
    idx = units.index[(units["region_kod"] == "23") & (units["unit_type"] == "vardcentral")][: len(EVIL)]
    units["name"] = units["name"].astype(object)
    units.loc[idx, "name"] = EVIL
    return export.build(units, answers, demo.ROUND, region="23")


def _png(data: bytes) -> Image.Image:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return Image.open(io.BytesIO(data))


def _not_blank(img: Image.Image) -> None:
    grey = np.asarray(img.convert("L"))
    assert grey.std() > 10, "image is (nearly) one colour"
    assert (grey < 200).mean() > 0.01, "almost nothing drawn"


def _svg_text(data: bytes) -> str:
    root = ET.fromstring(data)
    return " ".join(t for el in root.iter() for t in (el.text, el.get("data-unformatted")) if t)


# --------------------------------------------------------------------------- charts (kaleido)


@needs_chromium
def test_chart_png_is_1920x1080_and_2x_is_3840x2160(b23):
    fig = b23.charts[0].figure
    one = _png(export.chart_png(fig))
    assert one.size == (1920, 1080)
    _not_blank(one)
    two = _png(export.chart_png(fig, 2))
    assert two.size == (3840, 2160)
    _not_blank(two)


@needs_chromium
def test_chart_svg_parses_and_carries_title_selection_and_source(b23):
    item = next(c for c in b23.charts if c.key == "regler-vardcentral")
    text = _svg_text(export.chart_svg(item.figure))
    assert item.title in text  # "Svar per regel, vårdcentraler": å/ä/ö survive
    assert "Region Jämtland Härjedalen" in text and "22 vårdcentraler" in text
    assert "Exempeldata, kalibrerad mot IVO:s publicerade andelar" in text
    assert "Källa: IVO" not in text  # generated numbers are never credited to IVO


@needs_chromium
def test_chart_image_is_cached_by_content(b23):
    fig = b23.charts[0].figure
    assert export.chart_png(fig) is export.chart_png(go.Figure(fig))


def test_plotly_geo_is_refused_before_any_browser():
    with pytest.raises(export.ExportError, match="plotly geo"):
        export.chart_png(go.Figure(go.Scattergeo(lon=[18], lat=[59])))


def test_a_hanging_render_times_out_with_a_clear_error(monkeypatch):
    """kaleido can hang (plotly/Kaleido #134): the wait is bounded and the browser reset."""

    class Stuck:
        closed = False

        async def calc_fig(self, fig, opts=None):
            await asyncio.sleep(3600)

        async def close(self):
            Stuck.closed = True

    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    renderer = export.render._Renderer()
    renderer._loop, renderer._thread, renderer._kaleido = loop, thread, Stuck()
    monkeypatch.setattr(export.render, "RENDER_TIMEOUT", 0.3)
    with pytest.raises(export.ExportError, match="svarade inte inom 0.3 s"):
        renderer.render(go.Figure(), {"format": "png"})
    assert Stuck.closed and renderer._kaleido is None
    thread.join(timeout=5)
    assert not thread.is_alive()


def test_the_render_page_loads_nothing_from_the_internet():
    """plotly.js from the installed package and MathJax off, as the renderer configures kaleido."""
    import kaleido

    page = kaleido.PageGenerator(mathjax=False).generate_index()
    assert "http://" not in page and "https://" not in page
    assert "plotly.min.js" in page


def test_browser_path_prefers_the_configured_chromium(monkeypatch, tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("")
    monkeypatch.setenv("TILLSYN_CHROMIUM", str(fake))
    assert export.browser_path() == str(fake)


# --------------------------------------------------------------------------- maps (matplotlib)


def test_map_png_and_svg_from_the_same_classes(b23):
    item = b23.maps[0]
    assert item.level == "kommun" and set(item.table["region_kod"]) == {"23"}
    img = _png(export.map_png(item.figure))
    assert img.size == (1920, 1080)
    _not_blank(img)
    assert _png(export.map_png(item.figure, 2)).size == (3840, 2160)
    text = _svg_text(export.map_svg(item.figure))
    assert item.title in text and "Exempeldata" in text and "N" in text.split()
    # the legend is the interactive map's classes
    assert "0–20 %" in text and "80–100 %" in text and "Ingen data" in text


def test_country_has_a_region_map_and_a_municipality_map(example):
    units, answers = example
    b = export.build(units, answers, demo.ROUND)
    assert [(m.level, m.unit_type) for m in b.maps] == [("region", "vardcentral"), ("kommun", "socialnamnd")]
    assert len(b.maps[0].table) == 21 and len(b.maps[1].table) == 290


# --------------------------------------------------------------------------- CSV / XLSX


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM missing: Swedish Excel would garble å/ä/ö"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_region_csv_equals_the_aggregation(b23):
    reg = aggregate.by_region(b23.status, "vardcentral")
    rows = _csv_rows(export.table_csv(export.REGIONS.people(reg, "sv"), b23.about("x")))
    header, body = rows[0], rows[1:]
    assert len(body) == 21
    row = dict(zip(header, next(r for r in body if r[1] == "23"), strict=True))
    want = reg.set_index("region_kod").loc["23"]
    assert row["Omgång"] == "2023" and row["Region"] == "Region Jämtland Härjedalen"
    assert int(row["Svarat"]) == want["n_responded"] == 22
    assert int(row["Inte alla / vet ej"]) == want["n_not_all"]
    assert float(row["Andel inte alla / vet ej (%)"].replace(",", ".")) == round(want["share_not_all"] * 100, 1)
    assert row["Exempeldata"] == "Ja"


def test_kommun_and_provision_csv_equal_the_aggregation(b23):
    km = aggregate.by_kommun(b23.status, "vardcentral", "23")
    rows = _csv_rows(export.table_csv(export.KOMMUNER.people(km, "sv"), b23.about()))
    got = {r[1]: int(r[6]) for r in rows[1:]}  # Kommunkod -> Svarat
    assert got == dict(zip(km["kommun_kod"], km["n_responded"], strict=True))
    prov = b23.provisions("vardcentral")
    rows = _csv_rows(export.table_csv(export.PROVISIONS.people(prov, "en"), export.about_for("2023", "en", True, "23")))
    assert rows[0][0] == "Survey round" and rows[0][-1] == "Example data"
    assert [int(r[5]) for r in rows[1:]] == prov["n_ja"].tolist()
    assert rows[1][10] == f"{prov['share_not_ja'].iloc[0] * 100:.1f}"  # English: decimal point


def test_xlsx_typed_numbers_frozen_header_widths_and_about_sheet(b23):
    reg = aggregate.by_region(b23.status, "vardcentral")
    data = export.table_xlsx(export.REGIONS.people(reg, "sv"), b23.about("Andel per region"))
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Data", "Om data"]
    ws = wb["Data"]
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.bold
    header = [c.value for c in ws[1]]
    i = {h: n for n, h in enumerate(header)}
    row = next(r for r in ws.iter_rows(min_row=2) if r[i["Regionkod"]].value == "23")
    want = reg.set_index("region_kod").loc["23"]
    assert row[i["Svarat"]].data_type == "n" and row[i["Svarat"]].value == want["n_responded"]
    assert row[i["Andel inte alla / vet ej (%)"]].value == pytest.approx(round(want["share_not_all"] * 100, 1))
    assert row[i["Regionkod"]].data_type == "s"  # "01" must stay text
    assert all((ws.column_dimensions[c].width or 0) >= 8 for c in "ABCDE")
    assert ws.column_dimensions["C"].width > ws.column_dimensions["A"].width  # region names are wider
    about = {r[0].value: r[1].value for r in wb["Om data"].iter_rows(min_row=2)}
    assert about["Titel"] == "Andel per region"
    assert about["Källa"].startswith("Exempeldata, kalibrerad mot IVO:s publicerade andelar")
    assert "IVO, tillsyn" not in about["Källa"]
    assert about["Omgång"] == "2023" and about["Urval"] == "Region Jämtland Härjedalen"
    assert "Region: Region Jämtland Härjedalen" in about["Filter"]
    assert about["Exempeldata"].startswith("Exempeldata. Enhetssvaren är genererade")


@pytest.mark.parametrize("value", [*EVIL, "\r=1", "＝1+1"])
def test_neutralise_formula_text(value):
    assert export.neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Lit hälsocentral", "'=already", 3, -2.5, None])
def test_neutralise_leaves_other_values(value):
    assert export.neutralise(value) == value


def test_no_csv_cell_starts_with_a_formula_character(evil):
    units = export.units_table(evil.scope_status, "sv")
    rows = _csv_rows(export.table_csv(units, evil.about()))
    cells = [c for r in rows for c in r]
    for cell in cells:
        if cell.startswith(FORMULA):
            float(cell.replace(",", "."))  # only a plain negative number may start with "-"
    for name in EVIL:
        assert "'" + name in cells


def test_no_xlsx_cell_is_a_formula(evil):
    data = export.tables_xlsx(evil.tables(), evil.about())
    wb = load_workbook(io.BytesIO(data))
    seen = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA), cell.value
                    seen.append(cell.value)
    for name in EVIL:
        assert "'" + name in seen


def test_round_name_from_a_file_is_neutralised_too(example):
    units, answers = example
    b = export.build(units.assign(round="=1+1"), answers.assign(round="=1+1"), "=1+1", region="23")
    rows = _csv_rows(export.table_csv(export.PROVISIONS.people(b.provisions("vardcentral"), "sv"), b.about()))
    assert all(r[0] == "'=1+1" for r in rows[1:])
    assert export.file_base("=1+1", "23") == "tillsyn_1-1_region-23"


def test_each_table_kind_gives_its_people_columns(b23):
    """The caller says what it has; nothing is guessed from the columns."""
    assert "Regionkod" in export.REGIONS.people(aggregate.by_region(b23.status, "vardcentral")).columns
    assert "Kommunkod" in export.KOMMUNER.people(aggregate.by_kommun(b23.status, "socialnamnd", "23")).columns
    assert "Rubrik" in export.PROVISIONS.people(b23.provisions("socialnamnd")).columns
    assert "Enhets-id" in export.UNITS.people(b23.scope_status).columns
    assert not hasattr(export, "tidy")
    # a municipality table with a rank column is still a municipality table when the caller says so
    km = aggregate.honest_rank(aggregate.by_kommun(b23.status, "vardcentral", "23"))
    assert "Kommunkod" in export.KOMMUNER.people(km).columns


def test_screen_and_files_share_one_region_table(b23):
    from dashboard.export import tables

    reg = aggregate.by_region(b23.status, "vardcentral")
    screen, file = tables.screen_region_table(reg, "sv"), export.REGIONS.people(reg, "sv")
    assert set(screen.columns) < set(file.columns)
    for col in screen.columns:
        assert screen[col].equals(file[col]), col


# --------------------------------------------------------------------------- PPTX


@pytest.fixture(scope="module")
def pptx23(b23) -> bytes:
    return export.pptx_pack(b23)


def _slide_title(slide) -> str:
    return slide.shapes.title.text_frame.text if slide.shapes.title is not None else ""


CHART = 3  # MSO_SHAPE_TYPE.CHART


def _charts(slide) -> list:
    return [sh.chart for sh in slide.shapes if sh.has_chart]


def _sources(slide) -> list[str]:
    return [sh.text_frame.text for sh in slide.shapes if sh.name == "Källa"]


def _chart_slides(prs) -> list:
    return [s for s in prs.slides if _charts(s)]


def test_pptx_deck_has_title_key_figures_native_charts_one_table_and_method(b23, pptx23):
    prs = Presentation(io.BytesIO(pptx23))
    assert prs.slide_width * 9 == prs.slide_height * 16
    slides = list(prs.slides)
    titles = [_slide_title(s) for s in slides]
    assert titles[0] == "Tillsynskartan: Region Jämtland Härjedalen"
    # titles state the finding, with its n
    assert titles[1] == "Region Jämtland Härjedalen: 8 av 22 vårdcentraler följer inte alla regler eller vet inte"
    assert titles[-1] == "Metod och källor"
    charts_ = _chart_slides(prs)
    assert 3 <= len(charts_) <= 5
    assert all(len(_charts(s)) == 1 for s in charts_)
    tables_ = [s for s in slides if any(sh.has_table for sh in s.shapes)]
    assert len(tables_) <= 1
    # speaker notes with numbers on every slide
    assert all(s.has_notes_slide and s.notes_slide.notes_text_frame.text.strip() for s in slides)
    assert "8 av 22 vårdcentraler" in slides[1].notes_slide.notes_text_frame.text
    assert all(re.search(r"\d", s.notes_slide.notes_text_frame.text) for s in slides[1:-1])
    # key figures as large numbers with their n
    key_text = " ".join(sh.text_frame.text for sh in slides[1].shapes if sh.has_text_frame)
    assert "8 av 22" in key_text and "Har svarat: 22 av 22" in key_text


def test_pptx_one_title_and_one_source_line_per_slide_never_inside_a_chart(b23, pptx23):
    prs = Presentation(io.BytesIO(pptx23))
    for slide in prs.slides:
        assert _sources(slide) == [b23.source]
        texts = [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame]
        assert sum(b23.source in t for t in texts) == 1
        title = _slide_title(slide)
        assert title and sum(title == t for t in texts) == 1
        for chart in _charts(slide):
            assert not chart.has_title
    assert b23.source.startswith("Exempeldata, kalibrerad mot IVO:s publicerade andelar")


def _series(chart) -> dict[str, list]:
    return {s.name: list(s.values) for s in chart.plots[0].series}


def test_region_pack_orebro_has_native_charts_equal_to_the_aggregation(example):
    units, answers = example
    b = export.build(units, answers, demo.ROUND, region="18")
    prs = Presentation(io.BytesIO(export.pptx_pack(b)))
    charts_ = [c for s in _chart_slides(prs) for c in _charts(s)]
    assert len(charts_) >= 3
    first = _chart_slides(prs)[0]
    assert _slide_title(first) == ("Region Örebro län: 20 av 27 vårdcentraler följer inte alla regler eller vet inte"
                                   " – högst andel i landet")
    chart = charts_[0]
    cats = list(chart.plots[0].categories)
    values = dict(zip(cats, _series(chart)["Andel inte alla / vet ej"], strict=True))
    reg = aggregate.by_region(b.status, "vardcentral").set_index("region_short")
    for name, row in reg.iterrows():
        assert values[name] == pytest.approx(round(row["share_not_all"] * 100, 1))
    assert values["Riket"] == pytest.approx(round(431 / 1136 * 100, 1))  # the country as a series point
    # labels carry the counts: "20 av 27 (74 %)"
    idx = cats.index("Örebro län")
    label = chart.plots[0].series[0].points[idx].data_label.text_frame.text
    assert label == "20 av 27 (74\u00a0%)"
    # the provisions chart: stacked shares equal by_provision
    prov_chart = next(c for c in charts_ if "Ja" in _series(c))
    prov = b.provisions("vardcentral").iloc[::-1]
    assert _series(prov_chart)["Ja"] == pytest.approx((prov["n_ja"] / prov["n"] * 100).round(1).tolist())
    # editable: the workbook with the numbers is inside the chart part
    assert chart.part.chart_workbook.xlsx_part is not None


def test_a_municipality_with_two_units_is_never_a_lone_100_percent_bar(example):
    units, answers = example
    vc = units[units["unit_type"] == "vardcentral"]
    kommun = vc.groupby("kommun_kod").size()
    code = kommun[kommun == 2].index[0]
    b = export.build(units, answers, demo.ROUND, kommun=str(code))
    prs = Presentation(io.BytesIO(export.pptx_pack(b)))
    key = " ".join(sh.text_frame.text for sh in list(prs.slides)[1].shapes if sh.has_text_frame)
    assert "2 av 2" in key or "1 av 2" in key or "0 av 2" in key
    assert "för få enheter för en andel" in key and "100\u00a0%" not in key
    seen = 0
    for slide in _chart_slides(prs):
        for chart in _charts(slide):
            if "%" not in chart.value_axis.tick_labels.number_format:
                continue  # a chart of counts
            for series in chart.plots[0].series:
                for i, v in enumerate(series.values):
                    if v is None:
                        continue
                    # every share drawn has a label with its count, and n is at least SMALL_N
                    label = series.points[i].data_label.text_frame.text
                    n = int(re.search(r"av ([\d\u00a0 ]+)", label).group(1).replace("\u00a0", "").replace(" ", ""))
                    assert n >= aggregate.SMALL_N, (label, v)
                    seen += 1
    assert seen  # the region chart's shares were checked
    kommun_chart = next(c for s in _chart_slides(prs) for c in _charts(s) if "Följer alla regler" in _series(c))
    cats = list(kommun_chart.plots[0].categories)
    name = reference.kommun_name(b.kommun)
    i = cats.index(name)
    assert sum(v[i] for v in _series(kommun_chart).values()) == 2  # counts, not a share


def test_small_n_in_the_distribution_chart_download(example):
    """A PNG/SVG download of the municipality chart follows the same rule: no dot of its own at 0 or
    100 % for an area with fewer than SMALL_N units; they are grouped with the group's count."""
    units, answers = example
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


def test_english_deck(example):
    units, answers = example
    b = export.build(units, answers, demo.ROUND, region="18", lang="en")
    prs = Presentation(io.BytesIO(export.pptx_pack(b)))
    titles = [_slide_title(s) for s in prs.slides]
    assert titles[1] == "Region Örebro län: 20 of 27 health centres do not follow all rules or do not know"
    assert titles[-1] == "Method and sources"
    assert all(_sources(s) == [b.source] for s in prs.slides)
    assert b.source.startswith("Example data calibrated to IVO's published shares")


def _custom_template(path: Path) -> bytes:
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


def _theme_fonts(prs) -> set[str]:
    from lxml import etree

    part = next(r.target_part for r in prs.slide_master.part.rels.values() if r.reltype.endswith("/theme"))
    ns = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
    return {el.get("typeface") for el in etree.fromstring(part.blob).iterfind(".//a:fontScheme/*/a:latin", ns)}


def test_custom_template_layouts_and_theme_are_used(tmp_path, b23):
    data = _custom_template(tmp_path / "mall.pptx")
    prs = Presentation(io.BytesIO(export.pptx_pack(b23, data)))
    slides = list(prs.slides)
    assert slides[0].slide_layout.name == "Rubrikbild"
    assert all(s.slide_layout.name == "Rubrik och innehåll" for s in slides[1:])
    assert _theme_fonts(prs) == {"Georgia"}
    assert (prs.slide_width, prs.slide_height) == (9144000, 6858000)  # the template's 4:3
    assert len(_chart_slides(prs)) >= 3
    default = Presentation(io.BytesIO(pptx23_default := export.pptx_pack(b23)))
    assert _theme_fonts(default) == {"Arial"} and pptx23_default != data


def test_default_template_is_the_generated_one():
    from pptx import Presentation as P

    from dashboard.export import template

    shipped = P(io.BytesIO(template.default_bytes()))
    made = P(io.BytesIO(template.make_default()))
    assert [lay.name for lay in shipped.slide_layouts] == [lay.name for lay in made.slide_layouts]
    assert (shipped.slide_width, shipped.slide_height) == (12192000, 6858000)
    assert _theme_fonts(shipped) == _theme_fonts(made) == {"Arial"}


def test_layouts_fall_back_when_names_differ(tmp_path):
    from pptx import Presentation as P

    from dashboard.export import template

    prs = P()
    for i, layout in enumerate(prs.slide_layouts):
        layout.name = f"Layout {i}"
    buf = io.BytesIO()
    prs.save(buf)
    cover, content = template.layouts(template.open_template(buf.getvalue()))
    assert any(ph.placeholder_format.idx == 1 for ph in content.placeholders)
    assert cover is not None


# --------------------------------------------------------------------------- DOCX


def _listed_units(doc) -> list[str]:
    paragraphs = [p for p in doc.paragraphs]
    start = next(i for i, p in enumerate(paragraphs) if p.text.startswith("Inspektionen för vård och omsorg (IVO) har"))
    names = []
    for p in paragraphs[start + 1:]:
        if p.style.name.startswith("Heading") or not p.text:
            break
        names.append(p.text)
    return names


def test_docx_lists_exactly_the_22_jamtland_health_centres(b23):
    doc = Document(io.BytesIO(export.bundle_docx(b23)))
    assert _listed_units(doc) == [name for name, _ in demo.jamtland_units()]
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
    units, answers = example
    with pytest.raises(export.SelectionError, match="--region"):
        export.bundle_docx(export.build(units, answers, demo.ROUND))


def test_unknown_codes_are_one_sentence(example):
    units, answers = example
    with pytest.raises(export.SelectionError, match=r"^Regionkoden '99' finns inte; giltiga koder är 01, 03"):
        export.build(units, answers, demo.ROUND, region="99")
    with pytest.raises(export.SelectionError, match="^Kommunkoden '9999' finns inte"):
        export.build(units, answers, demo.ROUND, kommun="9999")
    b = export.build(units, answers, demo.ROUND, kommun="2380")
    assert (b.region, b.kommun) == ("23", "2380")
    assert export.build(units, answers, demo.ROUND, region="Jämtland Härjedalen").region == "23"


# --------------------------------------------------------------------------- LibreOffice


@needs_libreoffice
def test_libreoffice_converts_pptx_and_docx_to_pdf(tmp_path, b23, pptx23):
    (tmp_path / "pack.pptx").write_bytes(pptx23)
    (tmp_path / "bilaga.docx").write_bytes(export.bundle_docx(b23))
    result = subprocess.run(
        ["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"),
         str(tmp_path / "pack.pptx"), str(tmp_path / "bilaga.docx")],
        capture_output=True, text=True, timeout=180, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    for name in ("pack", "bilaga"):
        pdf = (tmp_path / "pdf" / f"{name}.pdf").read_bytes()
        assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", (tmp_path / "pdf" / "pack.pdf").read_bytes()))
    assert pages == len(Presentation(io.BytesIO(pptx23)).slides)


# --------------------------------------------------------------------------- download buttons


def _download_page() -> None:
    from dashboard import export
    from dashboard.figures import aggregate
    from dashboard.screen import downloads, ui
    from dashboard.screen.state import Filters

    f = Filters(round="2023", region="23")
    units, answers, status = ui.round_tables("2023")
    b = export.build(units, answers, "2023", region="23", status=status)
    downloads.chart(b.charts[0].figure, aggregate.by_region(status, "vardcentral"), export.REGIONS,
                    "regioner-vardcentral", f)
    downloads.map_buttons(f, "kommun", region="23")
    downloads.pack(f)


def test_download_rows_render_without_making_files():
    """The buttons are drawn on every rerun; the files are made only when one is clicked."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_download_page, default_timeout=60).run()
    assert not at.exception
    labels = [e.proto.label for e in at.get("download_button")]
    assert labels == ["PNG", "PNG 2×", "SVG", "CSV", "Excel"] * 2 + ["Presentation (PPTX)", "Hela listan (XLSX)",
                                                                     "Bilaga till regionen (DOCX)"]


def _template_admin_page() -> None:
    from dashboard.screen import downloads

    downloads.template_admin("sv")


def test_template_admin_shows_the_stored_template(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from dashboard.export import template
    from dashboard.storage import store

    monkeypatch.setenv("TILLSYN_DB", str(tmp_path / "t.duckdb"))
    at = AppTest.from_function(_template_admin_page, default_timeout=60).run()
    assert not at.exception
    assert at.header[0].value == "Mall för bildspel" and at.get("file_uploader")
    assert any("standardmallen" in c.value for c in at.caption)
    store.Store().put_document(template.STORE_KIND, template.STORE_NAME, template.default_bytes())
    at = AppTest.from_function(_template_admin_page, default_timeout=60).run()
    assert any(c.value.replace("\\", "").startswith("Nuvarande mall: presentation.pptx") for c in at.caption)
    at.button(key="deck_template_remove").click().run()
    assert store.Store().get_document(template.STORE_KIND, template.STORE_NAME) is None


def test_control_characters_in_names_do_not_break_office_files(example):
    units, answers = example
    units = units.copy()
    units["name"] = units["name"].astype(object)
    i = units.index[(units["region_kod"] == "23") & (units["unit_type"] == "vardcentral")][0]
    units.loc[i, "name"] = "Lit\x07 hälsocentral\x00"
    b = export.build(units, answers, demo.ROUND, region="23")
    assert "Lit hälsocentral" in _listed_units(Document(io.BytesIO(export.bundle_docx(b))))
    wb = load_workbook(io.BytesIO(export.tables_xlsx(b.tables(), b.about())))
    assert "Lit hälsocentral" in [c.value for c in wb["enheter"]["C"]]
    assert len(Presentation(io.BytesIO(export.pptx_pack(b))).slides) > 5


# --------------------------------------------------------------------------- sources tell the truth


def _real(units: pd.DataFrame, answers: pd.DataFrame, name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The example round relabelled as an imported (real) round, to test the source rules."""
    return units.assign(synthetic=False, round=name), answers.assign(round=name)


def test_real_data_keeps_the_ivo_source_and_example_data_never_gets_it(example):
    units, answers = example
    ex = export.build(units, answers, demo.ROUND, region="18")
    assert not ex.source.startswith("Källa: IVO") and ex.source.startswith("Exempeldata, kalibrerad")
    assert export.build(units, answers, demo.ROUND, region="18", lang="en").source.startswith(
        "Example data calibrated to IVO's published shares")
    ru, ra = _real(units, answers, "2025")
    real = export.build(ru, ra, "2025", region="18")
    assert real.source.startswith("Källa: IVO, tillsyn A2021/01714") and not real.synthetic
    about = {k: v for k, v in real.about().rows()}
    assert about["Exempeldata"].startswith("Nej")


def test_a_real_round_compared_with_an_example_round_says_so_everywhere(example):
    """The compared round is in view too: the files involve generated data and say which."""
    units, answers = example
    ru, ra = _real(units, answers, "2025")
    b = export.build(ru, ra, "2025", region="23", example_rounds=(demo.ROUND,))
    assert b.synthetic and b.example_rounds == (demo.ROUND,)
    assert "omgång 2023: Exempeldata" in b.source and b.source.startswith("Källa: IVO")
    rows = _csv_rows(export.table_csv(export.REGIONS.people(aggregate.by_region(b.status, "vardcentral")), b.about()))
    assert rows[0][-1] == "Exempeldata" and rows[1][-1] == "Ja"
    doc = Document(io.BytesIO(export.bundle_docx(b)))
    assert doc.sections[0].header.paragraphs[0].text.startswith("EXEMPEL")
    assert "omgång 2023: Exempeldata" in doc.sections[0].footer.paragraphs[0].text
    assert any("omgång 2023: Exempeldata" in t.get_text() for t in b.maps[0].figure.texts)  # the map's source


def test_example_rounds_takes_every_round_in_view():
    is_example = {"2023": True, "2025": False}.__getitem__
    assert export.example_rounds(["2025", "", "2023", "2023"], is_example) == ("2023",)
    assert export.example_rounds(["2025"], is_example) == ()
    about = export.about_for("2025", "sv", False, example_rounds=("2023",))
    assert about.synthetic and "Källa: IVO" in about.source_line() and "omgång 2023: Exempeldata" in about.source_line()


# --------------------------------------------------------------------------- rendered slides


def _soffice_pdf(tmp_path: Path, pptx: bytes, name: str = "deck") -> Path:
    (tmp_path / f"{name}.pptx").write_bytes(pptx)
    result = subprocess.run(
        ["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), str(tmp_path / f"{name}.pptx")],
        capture_output=True, text=True, timeout=240, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    return tmp_path / "pdf" / f"{name}.pdf"


_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)


def _pdf_words(pdf: Path) -> list[tuple[float, float, list[tuple[float, float, float, float, str]]]]:
    """Every page's size and words with their boxes (points), from poppler's ``pdftotext -bbox``."""
    import html

    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, timeout=60,
                         check=True).stdout
    pages = []
    for w, h, body in _PAGE.findall(out):
        words = [(float(a), float(b), float(c), float(d), html.unescape(t)) for a, b, c, d, t in _WORD.findall(body)]
        pages.append((float(w), float(h), words))
    return pages


def _tokens(text: str) -> list[str]:
    return text.replace("\u00a0", " ").split()


def _overflows(prs, pages) -> list[str]:
    """Each text box's words must lie inside the box and the slide. Every word of a shape's text is
    looked up among the page's words (pdftotext's reading order differs from the boxes', so by value):
    an unused identical word inside the box (EMU → pt, 3 pt slack) counts; none means the word was
    drawn outside its box, or not at all (clipped)."""
    problems = []
    emu_pt = 12700
    for number, (slide, (w, h, words)) in enumerate(zip(prs.slides, pages, strict=True), start=1):
        for x0, y0, x1, y1, text in words:
            if x0 < -1 or y0 < -1 or x1 > w + 1 or y1 > h + 1:
                problems.append(f"slide {number}: {text!r} outside the slide")
        page_words = [(x0, y0, x1, y1, tok) for x0, y0, x1, y1, text in words for tok in _tokens(text)]
        used: set[int] = set()
        for shape in slide.shapes:
            if not shape.has_text_frame or not shape.text_frame.text.strip():
                continue
            left, top = shape.left / emu_pt, shape.top / emu_pt
            right, bottom = left + shape.width / emu_pt, top + shape.height / emu_pt
            for tok in _tokens(shape.text_frame.text):
                inside = [i for i, (x0, y0, x1, y1, t) in enumerate(page_words) if t == tok and i not in used
                          and x0 >= left - 3 and x1 <= right + 3 and y0 >= top - 3 and y1 <= bottom + 3]
                if inside:
                    used.add(inside[0])
                else:
                    where = [(round(x0), round(y0)) for x0, y0, x1, y1, t in page_words if t == tok]
                    problems.append(f"slide {number}: {tok!r} of {shape.name!r} not inside its box "
                                    f"({left:.0f},{top:.0f},{right:.0f},{bottom:.0f}); drawn at {where[:3]}")
    return problems


@needs_libreoffice
@pytest.mark.parametrize("selection", [{}, {"region": "18"}, {"kommun": "1880"}, {"region": "18", "lang": "en"},
                                       {"region": "18", "template": True}])
def test_rendered_slides_have_no_text_outside_its_box(tmp_path, example, selection):
    units, answers = example
    selection = dict(selection)
    mall = _custom_template(tmp_path / "mall.pptx") if selection.pop("template", False) else None
    b = export.build(units, answers, demo.ROUND, **selection)
    data = export.pptx_pack(b, mall)
    pdf = _soffice_pdf(tmp_path, data)
    prs = Presentation(io.BytesIO(data))
    pages = _pdf_words(pdf)
    assert len(pages) == len(prs.slides)
    assert _overflows(prs, pages) == []


@needs_libreoffice
def test_the_overflow_check_catches_an_overflowing_box(tmp_path, example):
    """The check above must be able to fail: a title far too long for its box is caught."""
    from pptx.util import Pt

    units, answers = example
    prs = Presentation(io.BytesIO(export.pptx_pack(export.build(units, answers, demo.ROUND, region="18"))))
    title = prs.slides[1].shapes.title
    title.text_frame.text = " ".join(["överflöd"] * 60)
    for r in title.text_frame.paragraphs[0].runs:
        r.font.size = Pt(40)
    buf = io.BytesIO()
    prs.save(buf)
    pages = _pdf_words(_soffice_pdf(tmp_path, buf.getvalue()))
    problems = _overflows(prs, pages)
    assert any("överflöd" in p and "not inside its box" in p for p in problems), problems


def test_region_bar_download_gives_no_bar_to_a_region_with_too_few_units(example):
    """Gotland has one social welfare committee: its count, never a lone 100 % (or 0 %) bar."""
    units, answers = example
    b = export.build(units, answers, demo.ROUND, typ="socialnamnd")
    fig = next(c for c in b.charts if c.key == "regioner-socialnamnd").figure
    bars = fig.data[0]
    ys = list(bars.y)
    i = next(j for j, y in enumerate(ys) if str(y).startswith("Gotland"))
    assert ys[i] in ("Gotland (1 av 1)", "Gotland (0 av 1)")
    assert bars.x[i] != bars.x[i]  # NaN: no bar
    big = [j for j, y in enumerate(ys) if "(" not in str(y)]
    assert all(bars.x[j] == bars.x[j] for j in big) and len(big) == 20


def test_trend_slide_is_a_native_line_chart_of_every_round(example):
    from dashboard.figures import rounds

    units, answers = example
    ru, ra = _real(units, answers, "2025")
    b = export.build(ru, ra, "2025", region="18", example_rounds=(demo.ROUND,))
    status23 = aggregate.unit_status(units, answers)
    b.trend_statuses = {demo.ROUND: status23, "2025": b.status}
    prs = Presentation(io.BytesIO(export.pptx_pack(b)))
    lines = [c for s in _chart_slides(prs) for c in _charts(s) if c.chart_type == 65]  # XL_CHART_TYPE.LINE_MARKERS
    assert len(lines) == 1
    trend = rounds.trend(b.trend_statuses, "vardcentral", "18")
    got = _series(lines[0])
    assert list(lines[0].plots[0].categories) == ["2023", "2025"]
    want = trend[trend["scope"] == "18"]["share_not_all"].mul(100).round(1).tolist()
    assert got["Region Örebro län"] == pytest.approx(want)
    assert all(_sources(s) == [b.source] for s in prs.slides) and "omgång 2023: Exempeldata" in b.source


def test_chart_images_for_slides_take_the_finding_title(example):
    from dashboard.export import slides

    units, answers = example
    b = export.build(units, answers, demo.ROUND, region="18")
    titles = slides.finding_titles(b)
    want = "Region Örebro län: 20 av 27 vårdcentraler följer inte alla regler eller vet inte – högst andel i landet"
    assert titles["regioner-vardcentral"] == want
    fig = slides.with_title(b.charts[0].figure, want)
    text = fig.layout.title.text
    assert text.replace("<br>", " ").startswith(want) and "<sup>Omgång 2023" in text
    assert max(len(line) for line in text.split("<br>")[:2]) <= 80  # wrapped to fit 16:9


def test_provision_chart_of_a_two_unit_municipality_shows_counts_not_shares(example):
    from dashboard.present import charts

    units, answers = example
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
