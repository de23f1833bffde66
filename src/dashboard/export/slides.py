"""The presentation of a selection (PPTX): a deck a presenter can use as it is.

This module draws what ``findings.deck`` says: one title per slide (the finding), one source line,
the speaker notes, and the body (key figures as large numbers, a native chart from
``pptx_chart``, a map picture, a table or the method lines). Why native charts: an analyst must
be able to change a colour, a font or a label in PowerPoint ("Edit data"), so charts are
python-pptx charts with their numbers inside, not pictures; only maps are pictures (PowerPoint has
no map chart that works offline). The look comes from a template (``template.py``): the
organisation's own, or the clean default shipped with the package.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard import i18n
from dashboard.export import template
from dashboard.export.common import describe, saved, xml_safe
from dashboard.export.files import tables_xlsx
from dashboard.export.findings import (
    ChartSpec,
    Cover,
    KeyFigures,
    PictureSpec,
    Slide,
    TextRows,
    UnitTable,
    deck,
    deck_title,
    headline_notes,
    no_rule_units,
)
from dashboard.export.pptx_chart import add_chart, rgb
from dashboard.export.selection import Bundle
from dashboard.present import tables

__all__ = ["full_list_xlsx", "headline_notes", "pptx_pack"]

# The source line and the title take fixed bands; charts and text fill what is between.
SOURCE_PT = 12
SOURCE_NAME = "Källa"
# Each line of a key-figures column by its role (``findings.key_figures``): size in pt, bold.
KEY_STYLE = {"units": (20, True), "count": (54, True), "label": (18, False), "share": (32, True),
             "country": (16, False), "too_few": (18, False), "responded": (14, False), "none": (14, False)}

Box = tuple[int, int, int, int]


@dataclass
class Frame:
    """Where things go on a slide, from the template's layouts (EMU)."""

    width: int
    height: int
    title: Box
    body: Box
    source: Box


def _frame(prs: Any, layout: Any) -> Frame:
    """The title and body boxes of the layout (its title and first content placeholder), keeping a
    band at the bottom for the source line."""
    w, h = int(prs.slide_width), int(prs.slide_height)
    title = (int(w * 0.04), int(h * 0.04), int(w * 0.92), int(h * 0.14))
    body = (int(w * 0.04), int(h * 0.2), int(w * 0.92), int(h * 0.68))
    for ph in layout.placeholders:
        box = (int(ph.left or 0), int(ph.top or 0), int(ph.width or 0), int(ph.height or 0))
        if not box[2] or not box[3]:
            continue
        if ph.placeholder_format.type in (template.TITLE, template.CENTER_TITLE):
            title = box
        elif ph.placeholder_format.idx == 1:
            body = box
    source_top = int(h * 0.915)
    bottom = min(body[1] + body[3], source_top - int(h * 0.01))
    body = (body[0], max(body[1], title[1] + title[3]), body[2], bottom - max(body[1], title[1] + title[3]))
    source = (body[0], source_top, body[2], int(h * 0.06))
    return Frame(w, h, title, body, source)


def _fit_size(text: str, box_w: int, box_h: int, largest: int, smallest: int = 14, lines_max: int = 3,
              em: float = 0.6) -> int:
    """A font size (pt) at which ``text`` fits the box: ``em`` per character (0.6 for regular text in
    DejaVu Sans/Arial, more for bold), 1.2 line height.

    Why an estimate: python-pptx cannot measure text without the font files, and LibreOffice does not
    shrink on overflow the way PowerPoint does; the render test checks the result."""
    width_pt, height_pt = box_w / 12700, box_h / 12700
    for size in range(largest, smallest - 1, -2):
        per_line = max(1, int((width_pt - 14) / (size * em)))
        words, lines, current = text.split(), 1, 0
        for word in words:
            need = len(word) + (1 if current else 0)
            if current + need > per_line:
                lines, current = lines + 1, len(word)
            else:
                current += need
        if lines <= lines_max and lines * size * 1.2 + 8 <= height_pt:
            return size
    return smallest


def _font(paragraphs: Iterable[Any], size: int, bold: bool | None = None) -> None:
    """Every run of ``paragraphs`` in ``size`` pt (and bold or not, when ``bold`` is given)."""
    from pptx.util import Pt

    for p in paragraphs:
        for r in p.runs:
            r.font.size = Pt(size)
            if bold is not None:
                r.font.bold = bold


def _textbox(slide: Any, box: Box, name: str) -> Any:
    """A named, word-wrapping text box at ``box`` (EMU)."""
    from pptx.util import Emu

    shape = slide.shapes.add_textbox(*(Emu(v) for v in box))
    shape.name = name
    shape.text_frame.word_wrap = True
    return shape


def _set_title(slide: Any, text: str, frame: Frame, largest: int = 30) -> None:
    from pptx.util import Emu

    title = slide.shapes.title
    if title is None:
        title = _textbox(slide, frame.title, "Title")
    else:
        title.left, title.top, title.width, title.height = (Emu(v) for v in frame.title)
    tf = title.text_frame
    tf.word_wrap = True
    tf.text = xml_safe(text)
    _font(tf.paragraphs, _fit_size(text, frame.title[2], frame.title[3], largest, em=0.66))  # titles are bold


def _source(slide: Any, text: str, frame: Frame) -> None:
    tf = _textbox(slide, frame.source, SOURCE_NAME).text_frame
    tf.text = xml_safe(text)
    size = _fit_size(text, frame.source[2], frame.source[3], SOURCE_PT, smallest=9, lines_max=2)
    _font(tf.paragraphs[:1], size)
    for r in tf.paragraphs[0].runs:
        r.font.color.rgb = rgb("#444444")


def _notes(slide: Any, text: str) -> None:
    slide.notes_slide.notes_text_frame.text = xml_safe(text)


def _drop_placeholders(slide: Any) -> None:
    """Empty placeholders would show "Click to add text" in PowerPoint: remove them (title and
    filled ones stay)."""
    for ph in list(slide.placeholders):
        if ph.placeholder_format.type in (template.TITLE, template.CENTER_TITLE):
            continue
        if ph.has_text_frame and ph.text_frame.text.strip():
            continue
        ph._element.getparent().remove(ph._element)


def _text(slide: Any, lines: Iterable[tuple[str, int, bool]], box: Box, name: str = "Text") -> Any:
    from pptx.util import Pt

    shape = _textbox(slide, box, name)
    tf = shape.text_frame
    for i, (line, size, bold) in enumerate(lines):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.text = xml_safe(line)
        p.space_after = Pt(6)
        _font([p], size, bold)
    return shape


def _picture(slide: Any, png: bytes, box: Box, alt: str) -> None:
    from pptx.util import Emu

    left, top, width, height = box
    w = min(width, int(height * 16 / 9))
    h = int(w * 9 / 16)
    pic = slide.shapes.add_picture(io.BytesIO(png), Emu(left + (width - w) // 2), Emu(top), Emu(w), Emu(h))
    pic._element.nvPicPr.cNvPr.set("descr", xml_safe(alt))  # alt text for screen readers


def _table(slide: Any, df: pd.DataFrame, box: Box) -> None:
    from pptx.util import Emu, Pt

    rows, cols = len(df) + 1, len(df.columns)
    row_h = min(int(box[3] / rows), Emu(Pt(26)))
    shape = slide.shapes.add_table(rows, cols, Emu(box[0]), Emu(box[1]), Emu(box[2]), Emu(row_h * rows))
    shape.name = "Tabell"
    table = shape.table
    for j, col in enumerate(df.columns):
        table.cell(0, j).text = xml_safe(str(col))
    for i, row in enumerate(df.itertuples(index=False), start=1):
        for j, value in enumerate(row):
            table.cell(i, j).text = "–" if value is None or value is pd.NA else xml_safe(str(value))
    for r in range(rows):
        table.rows[r].height = row_h
        for c in range(cols):
            cell = table.cell(r, c)
            cell.margin_top = cell.margin_bottom = Emu(Pt(2))
            _font(cell.text_frame.paragraphs, 12)


def _key_figures(slide: Any, body: KeyFigures, box: Box) -> None:
    """Large numbers with their n, one column per unit type, side by side."""
    if not body.columns:
        _text(slide, [(body.empty, 24, False)], box)
        return
    col_w = box[2] // len(body.columns)
    for i, lines in enumerate(body.columns):
        styled = [(text, *KEY_STYLE[role]) for role, text in lines]
        _text(slide, styled, (box[0] + i * col_w, box[1], col_w - int(box[2] * 0.02), box[3]), name=f"Nyckeltal {i + 1}")


def _cover(slide: Any, body: Cover, frame: Frame) -> None:
    """The subtitle lines in the layout's subtitle placeholder, or a text box where it has none."""
    sub = next((ph for ph in slide.placeholders if ph.placeholder_format.idx == 1), None)
    if sub is not None:
        sub.text_frame.word_wrap = True
        sub.text_frame.text = xml_safe("\n".join(body.lines))
        _font(sub.text_frame.paragraphs,
              _fit_size(" ".join(body.lines), int(sub.width), int(sub.height), 20, smallest=12, lines_max=8))
    else:
        _text(slide, [(line, 18, False) for line in body.lines], frame.body)


def _unit_table(slide: Any, body: UnitTable, frame: Frame) -> None:
    """The table, with the line that points to the full list under it when the list is longer."""
    box = frame.body
    if body.more:
        note_h = int(frame.height * 0.06)
        _text(slide, [(body.more, 14, False)], (box[0], box[1] + box[3] - note_h, box[2], note_h), name="Fler")
        box = (box[0], box[1], box[2], box[3] - note_h)
    _table(slide, body.table, box)


def _method(slide: Any, body: TextRows, frame: Frame) -> None:
    box = frame.body
    size = _fit_size(" ".join(body.rows), box[2], box[3], 16, smallest=11, lines_max=40)
    _text(slide, [(r, size, False) for r in body.rows], box)


def _draw(prs: Any, s: Slide, layout: Any, frame: Frame, source: str, lang: str) -> None:
    """One slide: title, the body, the source line, the notes (in this order: the render test and
    screen readers meet the shapes in it)."""
    slide = prs.slides.add_slide(layout)
    _set_title(slide, s.title, frame, largest=40 if s.layout == "cover" else 30)
    body = s.body
    if isinstance(body, Cover):
        # the cover's subtitle placeholder is filled before the empty ones go
        _cover(slide, body, frame)
        _drop_placeholders(slide)
    else:
        _drop_placeholders(slide)
        if isinstance(body, KeyFigures):
            _key_figures(slide, body, frame.body)
        elif isinstance(body, ChartSpec):
            add_chart(slide, body, frame.body, lang)
        elif isinstance(body, PictureSpec):
            _picture(slide, body.png(), frame.body, body.alt)
        elif isinstance(body, UnitTable):
            _unit_table(slide, body, frame)
        else:
            _method(slide, body, frame)
    _source(slide, source, frame)
    _notes(slide, s.notes)


def pptx_pack(b: Bundle, template_bytes: bytes | None = None) -> bytes:
    """The deck of the selection in the template's look (``template_bytes``, else the default)."""
    prs = template.open_template(template_bytes)
    cover, content = template.layouts(prs)
    frames = {"cover": (cover, _frame(prs, cover)), "content": (content, _frame(prs, content))}
    for s in deck(b):
        layout, frame = frames[s.layout]
        _draw(prs, s, layout, frame, s.source or b.source, b.lang)
    describe(prs, deck_title(b), b.lang)
    return saved(prs)


def full_list_xlsx(b: Bundle) -> bytes:
    """The full list beside the deck: every unit of the selection with its status, and the regions."""
    t = i18n.t
    sheets = {t("deck_sheet_no_rule", b.lang): tables.units_table(no_rule_units(b), b.lang),
              t("exp_units_slide", b.lang): tables.units_table(b.scope_status, b.lang)}
    return tables_xlsx(sheets, b.about(t("deck_full_list_title", b.lang, selection=b.selection)))
