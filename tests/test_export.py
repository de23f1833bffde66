"""Exports: every file is opened with its own library and what is inside is checked against the
aggregation the pages use. One Chromium (kaleido) is shared by the whole test session."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import shutil
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

from dashboard import aggregate, datasets, demo, export

EVIL = ['=HYPERLINK("http://x","y")', "+cmd|'/c calc'!A0", "@SUM(1+1)", "-2+3", "\t=1+1"]
FORMULA = ("=", "+", "-", "@", "\t", "\r")

needs_chromium = pytest.mark.skipif(not any(Path(p).is_file() for p in ("/usr/bin/chromium",
                                                                         "/usr/bin/chromium-browser")),
                                    reason="chart images need Chromium (Debian package chromium)")


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


@needs_chromium
def test_pptx_has_the_slides_in_order_with_pictures_and_notes(b23, pptx23):
    prs = Presentation(io.BytesIO(pptx23))
    assert prs.slide_width * 9 == prs.slide_height * 16
    slides = list(prs.slides)
    titles = [_slide_title(s) for s in slides]
    assert titles[0] == "Tillsynskartan: Region Jämtland Härjedalen"
    assert titles[1] == "Nyckeltal: Region Jämtland Härjedalen"
    assert titles[2] == b23.maps[0].title
    assert "per region" in titles[3] and "per kommun" in titles[4]
    assert any(t.startswith("Svar per regel") for t in titles)
    assert titles[-1] == "Metod och källor"
    assert any(t.startswith("Enheter") for t in titles)

    def pictures(s):
        return [sh for sh in s.shapes if sh.shape_type == 13]  # MSO_SHAPE_TYPE.PICTURE

    assert len(pictures(slides[2])) == 1
    assert all(pictures(s) for s in slides[2:7])
    assert all(s.has_notes_slide and s.notes_slide.notes_text_frame.text.strip() for s in slides)
    assert "8 av 22 vårdcentraler" in slides[1].notes_slide.notes_text_frame.text
    unit_slides = [s for s, t in zip(slides, titles, strict=True) if t.startswith("Enheter")]
    names = [s.shapes[i].table.cell(r, 0).text for s in unit_slides for i in range(len(s.shapes))
             if s.shapes[i].has_table for r in range(1, len(s.shapes[i].table.rows))]
    assert len(names) == len(b23.scope_status) == 22 + 8
    text = " ".join(sh.text_frame.text for s in slides for sh in s.shapes if sh.has_text_frame)
    assert text.count("Exempeldata") >= len(slides)  # title slide notice and every footer
    picture = pictures(slides[2])[0]
    assert picture._element.nvPicPr.cNvPr.get("descr")  # alt text


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
    assert _listed_units(doc) == [name for name, _ in demo.JAMTLAND_UNITS]
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


@needs_chromium
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
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
    from dashboard import aggregate, downloads, export, ui
    from dashboard.state import Filters

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
    assert labels == ["PNG", "PNG 2×", "SVG", "CSV", "Excel"] * 2 + ["Presentation (PPTX)", "Bilaga till regionen (DOCX)"]


@needs_chromium
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
    assert "exempeldata (2023)" in b.source and b.source.startswith("Källa: IVO")
    rows = _csv_rows(export.table_csv(export.REGIONS.people(aggregate.by_region(b.status, "vardcentral")), b.about()))
    assert rows[0][-1] == "Exempeldata" and rows[1][-1] == "Ja"
    doc = Document(io.BytesIO(export.bundle_docx(b)))
    assert doc.sections[0].header.paragraphs[0].text.startswith("EXEMPEL")
    assert "exempeldata (2023)" in doc.sections[0].footer.paragraphs[0].text
    assert any("exempeldata (2023)" in t.get_text() for t in b.maps[0].figure.texts)  # the map's source


def test_example_rounds_takes_every_round_in_view():
    is_example = {"2023": True, "2025": False}.__getitem__
    assert export.example_rounds(["2025", "", "2023", "2023"], is_example) == ("2023",)
    assert export.example_rounds(["2025"], is_example) == ()
    about = export.about_for("2025", "sv", False, example_rounds=("2023",))
    assert about.synthetic and "Källa: IVO" in about.source_line() and "exempeldata (2023)" in about.source_line()
