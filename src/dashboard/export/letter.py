"""The attachment to IVO's letter to one region (DOCX)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard import i18n
from dashboard.domain import reference
from dashboard.export.common import (
    UNIT_TYPES,
    About,
    SelectionError,
    describe,
    office_language,
    provision_label,
    saved,
    slug,
    unescape,
    xml_safe,
)
from dashboard.export.selection import Bundle
from dashboard.figures import aggregate
from dashboard.present.captions import units_word

SMALL_N = aggregate.SMALL_N


def _docx_language(doc: Any, lang: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rpr = doc.styles["Normal"].element.get_or_add_rPr()
    el = OxmlElement("w:lang")
    el.set(qn("w:val"), office_language(lang))
    rpr.append(el)


def _docx_table(doc: Any, header: list[str], rows: list[list[str]], widths_cm: tuple[float, ...] = (8, 4, 4)) -> None:
    from docx.shared import Cm

    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.autofit = False
    for j, text in enumerate(header):
        cell = table.rows[0].cells[j]
        cell.text = text
        for r in cell.paragraphs[0].runs:
            r.bold = True
    for row in rows:
        cells = table.add_row().cells
        for j, text in enumerate(row):
            cells[j].text = text
    for row in table.rows:
        for j, cell in enumerate(row.cells):
            cell.width = Cm(widths_cm[j] if j < len(widths_cm) else widths_cm[-1])


def _sentence(region: str, row: Any, lang: str) -> str:
    """The region's health centres in one sentence: with the share and the country's when there are
    at least ``SMALL_N`` that responded, else the count and why there is no share."""
    k, n = i18n.fmt_int(row["n_not_all"], lang), i18n.fmt_int(row["n_responded"], lang)
    if aggregate.too_few(row["n_responded"]):
        return i18n.t("exp_docx_sentence_small", lang, region=region, k=k, n=n, limit=SMALL_N)
    masked = aggregate.mask_small(pd.DataFrame([row]))
    return i18n.t("exp_docx_sentence", lang, region=region, k=k, n=n,
                  p=i18n.fmt_pct(row["share_not_all"], lang), pc=i18n.fmt_pct(masked["country_share_not_all"].iloc[0], lang))


def region_docx(region_kod: str, status: pd.DataFrame, prov: pd.DataFrame, about: About) -> bytes:
    """The attachment to IVO's letter to one region, as in the seed letter: the region, the survey,
    the health centres that answered, and the region's results against the country.

    ``status``: ``unit_status`` of the whole round; ``prov``: ``by_provision`` of health centres
    for the region (the country's share alongside).
    """
    from docx import Document
    from docx.shared import Pt

    t, lang = i18n.t, about.lang
    region = reference.region_name(region_kod)
    doc = Document()
    _docx_language(doc, lang)
    # Generated data must never pass for IVO's letter: "EXEMPEL" in the heading and on every page.
    mark = f"{t('exp_docx_example_mark', lang)}: " if about.synthetic else ""
    describe(doc, f"{mark}{t('exp_docx_kicker', lang)} {t('exp_docx_letter', lang).lower()}: {region}", lang)
    section = doc.sections[0]
    section.footer.paragraphs[0].text = about.source_line()
    if about.synthetic:
        header = section.header.paragraphs[0]
        header.text = ""
        header.add_run(t("exp_docx_example_header", lang)).bold = True
    else:
        doc.add_paragraph("Inspektionen för vård och omsorg (IVO)")
    doc.add_heading(f"{mark}{t('exp_docx_kicker', lang)}\n{t('exp_docx_letter', lang)}", level=1)
    doc.add_paragraph(region).runs[0].bold = True
    if about.synthetic:
        p = doc.add_paragraph()
        p.add_run(f"{t('example_badge', lang)}. ").bold = True
        p.add_run(t("example_notice", lang))

    vc = status[(status["unit_type"] == "vardcentral") & (status["region_kod"] == region_kod)]
    answered = vc[vc["responded"].astype(bool)]
    if len(answered):
        doc.add_paragraph(t("exp_docx_intro", lang, region=region))
        for name in answered["name"].astype(str).map(xml_safe):
            p = doc.add_paragraph(name, style="List Paragraph")
            p.paragraph_format.space_after = Pt(0)
    else:
        doc.add_paragraph(t("exp_docx_none_answered", lang))
    missing = vc[~vc["responded"].astype(bool)]
    if len(missing):
        doc.add_paragraph(t("exp_docx_missing", lang))
        for name in missing["name"].astype(str).map(xml_safe):
            doc.add_paragraph(name, style="List Paragraph").paragraph_format.space_after = Pt(0)

    doc.add_heading(t("exp_docx_survey_h", lang), level=2)
    doc.add_paragraph(t("exp_docx_survey", lang))
    doc.add_paragraph(t("exp_rule_text", lang))
    if about.coverage:  # a round that did not ask every binding provision says what it covers
        doc.add_paragraph(about.coverage)

    doc.add_heading(t("exp_docx_results_h", lang), level=2)
    for unit_type in UNIT_TYPES:
        reg = aggregate.by_region(status, unit_type)
        row = reg[reg["region_kod"] == region_kod].iloc[0]
        if unit_type == "vardcentral" and row["n_responded"]:
            doc.add_paragraph(_sentence(region, row, lang))
        if unit_type == "socialnamnd":
            doc.add_paragraph(t("exp_docx_kommuner_h", lang)).runs[0].bold = True
        country = aggregate.national(status[status["unit_type"] == unit_type])
        c = country.iloc[0] if len(country) else None
        header = [t("exp_measure", lang), t("region_share", lang), t("country_share", lang)]

        def pair(k: str, n: str, r: Any = row, c: Any = c) -> list[str]:
            # the small-n rule: fewer than SMALL_N units give the count alone ("1 av 1")
            return [i18n.fmt_share(int(r[k]), int(r[n]), lang, small_n=SMALL_N) if r[n] else "–",
                    i18n.fmt_share(int(c[k]), int(c[n]), lang, small_n=SMALL_N) if c is not None and c[n] else "–"]

        words = units_word(unit_type, lang)
        rows = [
            [f"{words.capitalize()}: {t('response_rate', lang).lower()}", *pair("n_responded", "n_units")],
            [f"{words.capitalize()}: {t('headline_not_all', lang)}", *pair("n_not_all", "n_responded")],
            [f"{words.capitalize()}: {t('headline_none', lang)}", *pair("n_none", "n_responded")],
        ]
        _docx_table(doc, header, rows)
        doc.add_paragraph()

    doc.add_heading(t("exp_docx_provisions_h", lang), level=2)
    rows = []
    for r in aggregate.mask_small(prov).itertuples(index=False):
        k = int(r.n - r.n_ja)
        rows.append([provision_label(r, lang),
                     i18n.fmt_share(k, int(r.n), lang, small_n=SMALL_N) if r.n else "–",
                     i18n.fmt_pct(r.country_share_not_ja, lang)])
    _docx_table(doc, [t("provision", lang), f"{t('share_not_ja', lang)}, {t('region_share', lang).lower()}",
                      f"{t('share_not_ja', lang)}, {t('country_share', lang).lower()}"], rows)
    doc.add_paragraph(unescape(t("advice_note", lang)))
    doc.add_paragraph(about.source_line())

    return saved(doc)


def bundle_docx(b: Bundle) -> bytes:
    """The region attachment of a bundle's region (the region of its municipality, if one is chosen)."""
    if not b.region:
        raise SelectionError(i18n.t("exp_err_docx_region", b.lang))
    about = b.about(f"{i18n.t('exp_docx_kicker', b.lang)} {i18n.t('exp_docx_letter', b.lang).lower()}")
    return region_docx(b.region, b.status, aggregate.by_provision(b.units, b.answers, "vardcentral",
                                                                   region_kod=b.region), about)


def attachment_name(round_name: str, region_kod: str) -> str:
    return f"bilaga_{slug(round_name)}_{region_kod}-{slug(reference.REGIONS[region_kod][1])}.docx"
