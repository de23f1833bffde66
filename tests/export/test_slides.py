"""The deck (``export.slides``): every file is opened with python-pptx and what is inside is checked
against the aggregation the pages use; LibreOffice renders it to check that no text leaves its box."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest
from office_files import (
    chart_series,
    chart_slides,
    custom_template,
    real_round,
    slide_charts,
    slide_title,
    sources,
    theme_fonts,
)
from pptx import Presentation

from dashboard import export
from dashboard.domain import reference
from dashboard.figures import aggregate
from dashboard.ingest import demo

needs_libreoffice = pytest.mark.needs("soffice", "pdftotext")  # the PDF render checks


def test_pptx_deck_has_title_key_figures_native_charts_one_table_and_method(b23, pptx23):
    prs = Presentation(io.BytesIO(pptx23))
    assert prs.slide_width * 9 == prs.slide_height * 16
    slides = list(prs.slides)
    titles = [slide_title(s) for s in slides]
    assert titles[0] == "Tillsynskartan: Region Jämtland Härjedalen"
    # titles state the finding, with its n
    assert titles[1] == "Region Jämtland Härjedalen: 8 av 22 vårdcentraler följer inte alla regler eller vet inte"
    assert titles[-1] == "Metod och källor"
    charts_ = chart_slides(prs)
    assert 3 <= len(charts_) <= 5
    assert all(len(slide_charts(s)) == 1 for s in charts_)
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
        assert sources(slide) == [b23.source]
        texts = [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame]
        assert sum(b23.source in t for t in texts) == 1
        title = slide_title(slide)
        assert title and sum(title == t for t in texts) == 1
        for chart in slide_charts(slide):
            assert not chart.has_title
    assert b23.source.startswith("Exempeldata, kalibrerad mot IVO:s publicerade andelar")


def test_region_pack_orebro_has_native_charts_equal_to_the_aggregation(example):
    units, answers, _ = example
    b = export.build(units, answers, demo.ROUND, region="18")
    prs = Presentation(io.BytesIO(export.pptx_pack(b)))
    charts_ = [c for s in chart_slides(prs) for c in slide_charts(s)]
    assert len(charts_) >= 3
    first = chart_slides(prs)[0]
    assert slide_title(first) == ("Region Örebro län: 20 av 27 vårdcentraler följer inte alla regler eller vet inte"
                                   " – högst andel i landet")
    chart = charts_[0]
    cats = list(chart.plots[0].categories)
    values = dict(zip(cats, chart_series(chart)["Andel inte alla / vet ej"], strict=True))
    reg = aggregate.by_region(b.status, "vardcentral").set_index("region_short")
    for name, row in reg.iterrows():
        assert values[name] == pytest.approx(round(row["share_not_all"] * 100, 1))
    assert values["Riket"] == pytest.approx(round(431 / 1136 * 100, 1))  # the country as a series point
    # labels carry the counts: "20 av 27 (74 %)"
    idx = cats.index("Örebro län")
    label = chart.plots[0].series[0].points[idx].data_label.text_frame.text
    assert label == "20 av 27 (74\u00a0%)"
    # the provisions chart: stacked shares equal by_provision
    prov_chart = next(c for c in charts_ if "Ja" in chart_series(c))
    prov = b.provisions("vardcentral").iloc[::-1]
    assert chart_series(prov_chart)["Ja"] == pytest.approx((prov["n_ja"] / prov["n"] * 100).round(1).tolist())
    # editable: the workbook with the numbers is inside the chart part
    assert chart.part.chart_workbook.xlsx_part is not None


def test_a_municipality_with_two_units_is_never_a_lone_100_percent_bar(example):
    units, answers, _ = example
    vc = units[units["unit_type"] == "vardcentral"]
    kommun = vc.groupby("kommun_kod").size()
    code = kommun[kommun == 2].index[0]
    b = export.build(units, answers, demo.ROUND, kommun=str(code))
    prs = Presentation(io.BytesIO(export.pptx_pack(b)))
    key = " ".join(sh.text_frame.text for sh in list(prs.slides)[1].shapes if sh.has_text_frame)
    assert "2 av 2" in key or "1 av 2" in key or "0 av 2" in key
    assert "för få enheter för en andel" in key and "100\u00a0%" not in key
    seen = 0
    for slide in chart_slides(prs):
        for chart in slide_charts(slide):
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
    kommun_chart = next(c for s in chart_slides(prs) for c in slide_charts(s) if "Följer alla regler" in chart_series(c))
    cats = list(kommun_chart.plots[0].categories)
    name = reference.kommun_name(b.kommun)
    i = cats.index(name)
    assert sum(v[i] for v in chart_series(kommun_chart).values()) == 2  # counts, not a share


def test_english_deck(example):
    units, answers, _ = example
    b = export.build(units, answers, demo.ROUND, region="18", lang="en")
    prs = Presentation(io.BytesIO(export.pptx_pack(b)))
    titles = [slide_title(s) for s in prs.slides]
    assert titles[1] == "Region Örebro län: 20 of 27 health centres do not follow all rules or do not know"
    assert titles[-1] == "Method and sources"
    assert all(sources(s) == [b.source] for s in prs.slides)
    assert b.source.startswith("Example data calibrated to IVO's published shares")


def test_custom_template_layouts_and_theme_are_used(tmp_path, b23):
    data = custom_template(tmp_path / "mall.pptx")
    prs = Presentation(io.BytesIO(export.pptx_pack(b23, data)))
    slides = list(prs.slides)
    assert slides[0].slide_layout.name == "Rubrikbild"
    assert all(s.slide_layout.name == "Rubrik och innehåll" for s in slides[1:])
    assert theme_fonts(prs) == {"Georgia"}
    assert (prs.slide_width, prs.slide_height) == (9144000, 6858000)  # the template's 4:3
    assert len(chart_slides(prs)) >= 3
    default = Presentation(io.BytesIO(pptx23_default := export.pptx_pack(b23)))
    assert theme_fonts(default) == {"Arial"} and pptx23_default != data


def test_trend_slide_is_a_native_line_chart_of_every_round(example):
    from dashboard.figures import rounds

    units, answers, _ = example
    ru, ra = real_round(units, answers, "2025")
    b = export.build(ru, ra, "2025", region="18", example_rounds=(demo.ROUND,))
    status23 = aggregate.unit_status(units, answers)
    b.trend_statuses = {demo.ROUND: status23, "2025": b.status}
    prs = Presentation(io.BytesIO(export.pptx_pack(b)))
    lines = [c for s in chart_slides(prs) for c in slide_charts(s) if c.chart_type == 65]  # XL_CHART_TYPE.LINE_MARKERS
    assert len(lines) == 1
    trend = rounds.trend(b.trend_statuses, "vardcentral", "18")
    got = chart_series(lines[0])
    assert list(lines[0].plots[0].categories) == ["2023", "2025"]
    want = trend[trend["scope"] == "18"]["share_not_all"].mul(100).round(1).tolist()
    assert got["Region Örebro län"] == pytest.approx(want)
    # only the trend slide (and the cover and method slide, which speak for the deck) draws on 2023
    said = [sources(s)[0] for s in prs.slides]
    assert said[0] == said[-1] == b.trend_source and "omgång 2023: Exempeldata" in b.trend_source
    trend_slide = [s for s in prs.slides if any(c.chart_type == 65 for c in slide_charts(s))][0]
    assert sources(trend_slide) == [b.trend_source]
    others = [s for s in list(prs.slides)[1:-1] if s is not trend_slide]
    assert all(sources(s) == [b.source] for s in others) and "Jämförs" not in b.source


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
    units, answers, _ = example
    selection = dict(selection)
    mall = custom_template(tmp_path / "mall.pptx") if selection.pop("template", False) else None
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

    units, answers, _ = example
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
