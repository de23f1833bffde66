"""The presentation of a selection (PPTX)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

import pandas as pd

from dashboard import aggregate, i18n
from dashboard.export import tables
from dashboard.export.common import unescape, units_word, xml_safe
from dashboard.export.render import chart_png, map_png
from dashboard.export.selection import Bundle


def _pct_words(share: float, lang: str) -> str:
    if share != share:
        return "–"
    return f"{share * 100:.0f}"


def headline_notes(b: Bundle) -> list[str]:
    """The headline figures as sentences, for speaker notes and the slide's text alternative."""
    lang, out = b.lang, []
    country = b.region or b.kommun
    for row in b.headlines.itertuples(index=False):
        words = units_word(row.unit_type, lang)
        out.append(i18n.t("exp_notes_headline", lang, scope=b.selection if (b.region or b.kommun) else
                          i18n.t("sweden", lang), k=i18n.fmt_int(row.n_not_all, lang),
                          n=i18n.fmt_int(row.n_responded, lang), units=words,
                          p=_pct_words(row.share_not_all, lang), none=i18n.fmt_int(row.n_none, lang),
                          resp=i18n.fmt_int(row.n_responded, lang), total=i18n.fmt_int(row.n_units, lang)))
        if country and row.country_share_not_all == row.country_share_not_all:
            diff = (row.share_not_all - row.country_share_not_all) * 100
            pp = f"{diff:+.1f}".replace("-", "−")
            out.append(i18n.t("exp_notes_country", lang, p=_pct_words(row.country_share_not_all, lang),
                              pp=pp.replace(".", ",") if lang != "en" else pp))
    return out


def _pptx_title(slide: Any, text: str, prs: Any, size: int = 30) -> None:
    from pptx.util import Emu, Pt

    title = slide.shapes.title
    title.left, title.top = Emu(int(prs.slide_width * 0.04)), Emu(int(prs.slide_height * 0.04))
    title.width, title.height = Emu(int(prs.slide_width * 0.92)), Emu(int(prs.slide_height * 0.12))
    title.text = xml_safe(text)
    for p in title.text_frame.paragraphs:
        for r in p.runs:
            r.font.size = Pt(size)
            r.font.bold = True


def _pptx_footer(slide: Any, text: str, prs: Any) -> None:
    from pptx.util import Emu, Pt

    box = slide.shapes.add_textbox(Emu(int(prs.slide_width * 0.04)), Emu(int(prs.slide_height * 0.93)),
                                   Emu(int(prs.slide_width * 0.92)), Emu(int(prs.slide_height * 0.05)))
    box.name = "Källa"
    box.text_frame.text = xml_safe(text)
    for r in box.text_frame.paragraphs[0].runs:
        r.font.size = Pt(11)


def _pptx_text(slide: Any, lines: Iterable[str], prs: Any, top: float = 0.2, size: int = 20) -> None:
    from pptx.util import Emu, Pt

    box = slide.shapes.add_textbox(Emu(int(prs.slide_width * 0.05)), Emu(int(prs.slide_height * top)),
                                   Emu(int(prs.slide_width * 0.9)), Emu(int(prs.slide_height * (0.9 - top))))
    tf = box.text_frame
    tf.word_wrap = True
    for i, line in enumerate(lines):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.text = xml_safe(line)
        p.space_after = Pt(8)
        for r in p.runs:
            r.font.size = Pt(size)


def _pptx_picture(slide: Any, png: bytes, prs: Any, alt: str) -> None:
    from pptx.util import Emu

    top, bottom = prs.slide_height * 0.17, prs.slide_height * 0.91
    height = bottom - top
    width = height * 16 / 9
    left = (prs.slide_width - width) / 2
    pic = slide.shapes.add_picture(io.BytesIO(png), Emu(int(left)), Emu(int(top)), Emu(int(width)), Emu(int(height)))
    pic._element.nvPicPr.cNvPr.set("descr", alt)  # alt text for screen readers


def _pptx_table(slide: Any, df: pd.DataFrame, prs: Any, lang: str) -> None:
    from pptx.util import Emu, Pt

    rows, cols = len(df) + 1, len(df.columns)
    shape = slide.shapes.add_table(rows, cols, Emu(int(prs.slide_width * 0.04)), Emu(int(prs.slide_height * 0.17)),
                                   Emu(int(prs.slide_width * 0.92)), Emu(int(prs.slide_height * 0.05 * rows)))
    table = shape.table
    for j, col in enumerate(df.columns):
        table.cell(0, j).text = str(col)
    for i, row in enumerate(df.itertuples(index=False), start=1):
        for j, value in enumerate(row):
            if value is None or value is pd.NA or (isinstance(value, float) and value != value):
                text = "–"
            elif isinstance(value, float):
                text = f"{value:.1f}".replace(".", "," if lang != "en" else ".")
            else:
                text = str(value)
            table.cell(i, j).text = xml_safe(text)
    for r in range(rows):
        for c in range(cols):
            for p in table.cell(r, c).text_frame.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(12)


def _slide_table(b: Bundle) -> tuple[str, pd.DataFrame]:
    """The table slide: the units of a region or municipality, or the regions for the country."""
    t, lang = i18n.t, b.lang
    if b.region or b.kommun:
        full = tables.units_table(b.scope_status, lang)
        cols = [t("exp_unit", lang), t("unit_type", lang), t("kommun", lang), t("exp_status", lang),
                t("exp_n_ja", lang), t("exp_n_rules", lang)]
        return t("exp_units_slide", lang), full[cols]
    unit_type = b.unit_types[0]
    full = tables.region_table(aggregate.by_region(b.status, unit_type), lang)
    cols = [t("region", lang), t("n_responded", lang), t("n_not_all", lang), t("share_not_all", lang) + " (%)",
            t("exp_country_pct", lang), t("diff_pp", lang)]
    return f"{t('exp_regions_slide', lang)}, {units_word(unit_type, lang)}", full[cols]


def pptx_pack(b: Bundle, rows_per_slide: int = 9) -> bytes:
    """A 16:9 presentation of the selection: title, headline figures, map(s), charts, a table, method.

    Every picture has alt text and every slide speaker notes with its numbers in words; the
    source line (with "Exempeldata" for generated data) is on every slide.
    """
    from pptx import Presentation
    from pptx.util import Emu

    t, lang = i18n.t, b.lang
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(12192000), Emu(6858000)  # PowerPoint widescreen 16:9
    title_layout, title_only = prs.slide_layouts[0], prs.slide_layouts[5]
    source = b.source

    s = prs.slides.add_slide(title_layout)
    _pptx_title(s, t("exp_pack_title", lang, selection=b.selection), prs, size=40)
    s.shapes.title.top = int(prs.slide_height * 0.3)
    s.shapes.title.height = int(prs.slide_height * 0.2)
    sub = s.placeholders[1]
    sub.left, sub.top = int(prs.slide_width * 0.04), int(prs.slide_height * 0.52)
    sub.width, sub.height = int(prs.slide_width * 0.92), int(prs.slide_height * 0.3)
    lines = [t("exp_pack_subtitle", lang, round=b.round)]
    if b.synthetic:
        lines.append(f"{t('example_badge', lang)}: {t('example_notice', lang)}")
    sub.text_frame.text = "\n".join(lines)
    s.notes_slide.notes_text_frame.text = " ".join([t("exp_pack_subtitle", lang, round=b.round), source])

    s = prs.slides.add_slide(title_only)
    _pptx_title(s, f"{t('headline', lang)}: {b.selection}", prs)
    text = []
    for row in b.headlines.itertuples(index=False):
        words = units_word(row.unit_type, lang)
        text.append(f"{words.capitalize()}: " + t("share_of_units", lang, k=i18n.fmt_int(row.n_not_all, lang),
                                                    n=i18n.fmt_int(row.n_responded, lang), units=words,
                                                    p=i18n.fmt_pct(row.share_not_all, lang))
                    + f" {t('headline_not_all', lang)}")
        text.append(f"    {i18n.fmt_int(row.n_none, lang)} {t('headline_none', lang)}; "
                    f"{t('response_rate', lang).lower()} {i18n.fmt_pct(row.response_rate, lang)}"
                    + (f"; {t('country', lang).lower()} {i18n.fmt_pct(row.country_share_not_all, lang)}"
                       if (b.region or b.kommun) else ""))
    _pptx_text(s, text or [t("no_data", lang)], prs)
    _pptx_footer(s, source, prs)
    s.notes_slide.notes_text_frame.text = " ".join(headline_notes(b)) or t("no_data", lang)

    for item in b.maps:
        s = prs.slides.add_slide(title_only)
        _pptx_title(s, item.title, prs, size=24)
        _pptx_picture(s, map_png(item.figure), prs, f"{item.title}. {item.caption}")
        _pptx_footer(s, source, prs)
        s.notes_slide.notes_text_frame.text = t("exp_notes_map", lang, title_lc=item.title[:1].lower() + item.title[1:],
                                                caption=item.caption)

    ordered = [c for c in b.charts if not c.key.startswith("regler")] + [c for c in b.charts if c.key.startswith("regler")]
    for item in ordered:
        s = prs.slides.add_slide(title_only)
        _pptx_title(s, item.title, prs, size=24)
        _pptx_picture(s, chart_png(item.figure), prs, f"{item.title}. {item.caption}")
        _pptx_footer(s, source, prs)
        note = item.caption + (f" {unescape(t('advice_note', lang))}" if item.key.startswith("regler") else "")
        s.notes_slide.notes_text_frame.text = note

    heading, table = _slide_table(b)
    pages = [table.iloc[i:i + rows_per_slide] for i in range(0, len(table), rows_per_slide)] or [table]
    for i, page in enumerate(pages):
        s = prs.slides.add_slide(title_only)
        _pptx_title(s, heading + (f" ({t('exp_continued', lang)})" if i else ""), prs, size=24)
        if len(page):
            _pptx_table(s, page, prs, lang)
        else:
            _pptx_text(s, [t("exp_no_units", lang)], prs)
        _pptx_footer(s, source, prs)
        first = i * rows_per_slide + 1
        s.notes_slide.notes_text_frame.text = (
            t("exp_notes_table", lang, a=first, b=first + len(page) - 1, n=i18n.fmt_int(len(table), lang))
            + " " + t("exp_full_table", lang))

    s = prs.slides.add_slide(title_only)
    _pptx_title(s, t("exp_method_slide", lang), prs)
    about = b.about(t("exp_pack_title", lang, selection=b.selection))
    _pptx_text(s, [f"{label}: {value}" for label, value in about.rows()[1:7]], prs, size=16)
    _pptx_footer(s, source, prs)
    s.notes_slide.notes_text_frame.text = "\n".join(f"{label}: {value}" for label, value in about.rows()[1:7])

    prs.core_properties.title = t("exp_pack_title", lang, selection=b.selection)
    prs.core_properties.author = "Tillsynskartan"
    prs.core_properties.language = "sv-SE" if lang != "en" else "en-GB"
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()
