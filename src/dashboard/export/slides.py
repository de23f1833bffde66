"""The presentation of a selection (PPTX): a deck a presenter can use as it is.

Why native charts: an analyst must be able to change a colour, a font or a label in PowerPoint
("Edit data"), so charts are python-pptx charts with their numbers inside, not pictures; only maps
are pictures (PowerPoint has no map chart that works offline). Each slide has one title that states
the finding (generated from the data, true for any selection), one source line, and speaker notes
with the numbers, their denominators and the caveats. Areas with fewer than ``aggregate.SMALL_N``
units never get a share bar: they show counts.

Deck: title, key figures, three to five charts, at most one table slide (the units that follow no
rule; the full list goes in the XLSX beside the deck), a method slide. The look comes from a template
(``template.py``): the organisation's own, or the clean default shipped with the package.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from dashboard import i18n
from dashboard.domain import reference
from dashboard.export import tables, template
from dashboard.export.common import unescape, xml_safe
from dashboard.export.files import tables_xlsx
from dashboard.export.render import map_figure, map_png, mpl_lock
from dashboard.export.selection import Bundle
from dashboard.figures import aggregate
from dashboard.present import charts
from dashboard.present.captions import units_word

SMALL_N = aggregate.SMALL_N
MAX_CHARTS = 5
TABLE_ROWS = 10
# The source line and the title take fixed bands; charts and text fill what is between.
SOURCE_PT = 12


def _rgb(hex_colour: str) -> Any:
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_colour.lstrip("#"))


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
        if row.n_responded < SMALL_N:
            out.append(i18n.t("deck_small_n_note", lang, n=i18n.fmt_int(row.n_responded, lang), limit=SMALL_N))
        elif country and row.country_share_not_all == row.country_share_not_all:
            diff = (row.share_not_all - row.country_share_not_all) * 100
            pp = f"{diff:+.1f}".replace("-", "−")
            out.append(i18n.t("exp_notes_country", lang, p=_pct_words(row.country_share_not_all, lang),
                              pp=pp.replace(".", ",") if lang != "en" else pp))
    return out


# --------------------------------------------------------------------------- what goes on the slides


@dataclass
class Series:
    """One series of a native chart: its name, values, per-point labels and colours."""

    name: str
    values: list[float | None]
    labels: list[str]
    colour: str
    pattern: str = ""
    point_colours: dict[int, str] = field(default_factory=dict)


@dataclass
class ChartSpec:
    """A native chart: categories, series and how to draw them; ``kind`` is bar, stacked or line."""

    key: str
    title: str
    kind: str
    categories: list[str]
    series: list[Series]
    notes: str
    axis_title: str = ""
    maximum: float | None = None
    legend: bool = True
    number_format: str = '0"\u00a0%"'


@dataclass
class PictureSpec:
    """A picture slide (a map): PowerPoint has no offline map chart."""

    key: str
    title: str
    png: Callable[[], bytes]
    alt: str
    notes: str


def _scope_units(b: Bundle, unit_type: str) -> str:
    return units_word(unit_type, b.lang)


def _ordinal_rank(rank: int, total: int, lang: str) -> str:
    if rank == 1:
        return i18n.t("deck_rank_highest", lang)
    if rank == total:
        return i18n.t("deck_rank_lowest", lang)
    return i18n.t("deck_rank_nth", lang, rank=rank, total=total)


def region_chart(b: Bundle, unit_type: str) -> ChartSpec:
    """Share per region (regions with n < SMALL_N get no bar), the selected one marked, the country a bar of its own."""
    lang, t = b.lang, i18n.t
    reg = aggregate.honest_rank(aggregate.by_region(b.status, unit_type))
    reg = reg.sort_values("share_not_all", ascending=True, na_position="first").reset_index(drop=True)
    country = aggregate.national(tables_scope(b.status, unit_type))
    c = country.iloc[0] if len(country) else None
    cats, values, labels, colours = [], [], [], {}
    for i, r in enumerate(reg.itertuples(index=False)):
        small = r.n_responded < SMALL_N
        # too few for a share: no bar, the count in the category name instead
        cats.append(f"{r.region_short} ({_count_label(int(r.n_not_all), int(r.n_responded), lang)})" if small
                    else str(r.region_short))
        values.append(None if small or r.n_responded == 0 else round(float(r.share_not_all) * 100, 1))
        labels.append("" if small else _count_label(int(r.n_not_all), int(r.n_responded), lang))
        if r.region_kod == b.region:
            colours[i] = charts.BAR_SELECTED
    if c is not None and c["n_responded"]:
        cats.append(t("country", lang))
        values.append(round(float(c["share_not_all"]) * 100, 1))
        labels.append(i18n.fmt_share(int(c["n_not_all"]), int(c["n_responded"]), lang))
        colours[len(cats) - 1] = charts.COUNTRY
    series = Series(t("share_not_all", lang), values, labels, charts.BAR, point_colours=colours)
    title, notes = _region_finding(b, reg, unit_type, c)
    return ChartSpec(f"regioner-{unit_type}", title, "bar", cats, [series], notes,
                     axis_title=f"{t('share_not_all', lang)} (%)", maximum=100, legend=False)


def tables_scope(status: pd.DataFrame, unit_type: str) -> pd.DataFrame:
    return status[status["unit_type"] == unit_type]


def _count_label(k: int, n: int, lang: str) -> str:
    """ "20 av 27 (74 %)", or "2 av 2" with no percentage when n is too small for a share."""
    if n < SMALL_N:
        return i18n.t("deck_count_only", lang, k=i18n.fmt_int(k, lang), n=i18n.fmt_int(n, lang))
    return i18n.fmt_share(k, n, lang)


def _region_finding(b: Bundle, reg: pd.DataFrame, unit_type: str, c: Any) -> tuple[str, str]:
    lang, t = b.lang, i18n.t
    words = _scope_units(b, unit_type)
    ranked = reg.dropna(subset=["honest_rank"])
    total = len(ranked)
    country = i18n.fmt_share(int(c["n_not_all"]), int(c["n_responded"]), lang) if c is not None else "–"
    notes = [t("deck_notes_regions", lang, units=words, limit=SMALL_N, country=country)]
    small = reg[reg["n_responded"].between(1, SMALL_N - 1)]
    if len(small):
        notes.append(t("deck_notes_small_areas", lang, limit=SMALL_N, areas=", ".join(
            f"{r.region} ({_count_label(int(r.n_not_all), int(r.n_responded), lang)})" for r in small.itertuples())))
    if b.region:
        row = reg[reg["region_kod"] == b.region].iloc[0]
        name = reference.region_name(b.region)
        share = _count_label(int(row["n_not_all"]), int(row["n_responded"]), lang)
        if row["n_responded"] < SMALL_N or pd.isna(row["honest_rank"]):
            tail = t("deck_too_few_to_rank", lang)
        else:
            tail = _ordinal_rank(int(row["honest_rank"]), total, lang)
        title = t("deck_title_region", lang, name=name, share=share.split(" (")[0], units=words, tail=tail)
        notes.append(t("deck_notes_selected", lang, name=name, share=share, country=country))
        return title, " ".join(notes)
    if total:
        top = ranked.sort_values("honest_rank").iloc[0]
        title = t("deck_title_country_regions", lang, name=top["region"], units=words,
                  share=i18n.fmt_share(int(top["n_not_all"]), int(top["n_responded"]), lang), country=country)
    else:
        title = t("by_region_title", lang, units=words)
    return title, " ".join(notes)


def kommun_chart(b: Bundle, unit_type: str) -> ChartSpec | None:
    """Units per municipality by status, as counts (stacked): most municipalities have a handful of
    units, so a share per municipality would be a lone 0 % or 100 % bar. A municipality with at
    least ``SMALL_N`` units has its share in its label."""
    lang, t = b.lang, i18n.t
    km = aggregate.by_kommun(b.status, unit_type, b.region)
    km = km[km["n_units"] > 0]
    if km.empty:
        return None
    scope = b.status[(b.status["unit_type"] == unit_type) & (b.status["region_kod"] == b.region)]
    counts = scope.groupby(["kommun_kod", "status"]).size().unstack(fill_value=0)
    km = km.assign(_order=km["n_not_all"].astype(int)).sort_values(["_order", "kommun"], ascending=[True, False])
    cats = []
    for r in km.itertuples(index=False):
        if r.n_responded >= SMALL_N:
            cats.append(f"{r.kommun} – {i18n.fmt_share(int(r.n_not_all), int(r.n_responded), lang)}")
        else:
            cats.append(str(r.kommun))
    series = []
    for status in ("follows_all", "not_all", "follows_none", "no_answer"):
        vals = [int(counts.loc[k, status]) if (k in counts.index and status in counts.columns) else 0
                for k in km["kommun_kod"]]
        series.append(Series(t(status, lang), [float(v) for v in vals], [str(v) if v else "" for v in vals],
                             charts.STATUS_COLOURS[status], pattern=_STATUS_PATTERN[status]))
    region = reference.region_name(b.region)
    words = _scope_units(b, unit_type)
    with_units = int((km["n_units"] > 0).sum())
    failing = int((km["n_not_all"] > 0).sum())
    title = t("deck_title_kommuner", lang, name=region, units=words, m=failing, total=with_units)
    small = km[km["n_responded"] < SMALL_N]
    notes = t("deck_notes_kommuner", lang, units=words, limit=SMALL_N, small=len(small), total=len(km),
              detail="; ".join(f"{r.kommun}: {_count_label(int(r.n_not_all), int(r.n_responded), lang)}"
                               for r in km.iloc[::-1].itertuples()))
    return ChartSpec(f"kommuner-{unit_type}", title, "stacked", cats, series, notes,
                     axis_title=i18n.t("deck_axis_units", lang, units=words), number_format="0")


_STATUS_PATTERN = {"follows_all": "", "not_all": "/", "follows_none": "x", "no_answer": "."}


def provision_chart(b: Bundle, unit_type: str) -> ChartSpec | None:
    """Answers per provision, stacked: shares of n (counts when n < SMALL_N), the country's share of
    "ja" in each label, the provision most often not met in the title."""
    lang, t = b.lang, i18n.t
    prov = b.provisions(unit_type)
    n = int(prov["n"].max()) if len(prov) else 0
    if not n:
        return None
    small = n < SMALL_N
    title_col = "title_en" if lang == "en" else "title_sv"
    df = prov.iloc[::-1]
    cats = [f"{r.provision_id} {getattr(r, title_col)}" + (" *" if r.general_advice else "")
            + (f" · {t('country', lang)} {i18n.fmt_pct(1 - r.country_share_not_ja, lang)} {t('ja', lang).lower()}"
               if r.country_share_not_ja == r.country_share_not_ja and (b.region or b.kommun) else "")
            for r in df.itertuples(index=False)]
    series = []
    for answer in ("ja", "nej", "vet_ej", "saknas"):
        counts = df[f"n_{answer}"].astype(int).tolist()
        if small:
            vals = [float(k) for k in counts]
            labels = [str(k) if k else "" for k in counts]
        else:
            vals = [round(k / m * 100, 1) if m else None for k, m in zip(counts, df["n"], strict=True)]
            labels = [str(k) if k else "" for k in counts]
        series.append(Series(t(answer, lang), vals, labels, charts.ANSWER_COLOURS[answer],
                             pattern=charts.ANSWER_PATTERNS[answer]))
    words = _scope_units(b, unit_type)
    binding = prov[~prov["general_advice"]].dropna(subset=["share_not_ja"]).sort_values("share_not_ja", ascending=False)
    if len(binding):
        top = binding.iloc[0]
        k = int(top["n"] - top["n_ja"])
        title = t("deck_title_provision", lang, scope=b.selection, rule=f"{top['provision_id']} {top[title_col]}",
                  share=_count_label(k, int(top["n"]), lang).split(" (")[0], units=words)
    else:
        title = t("by_provision_title", lang, units=words)
    notes = [t("deck_notes_provisions", lang, units=words, n=i18n.fmt_int(n, lang)), unescape(t("advice_note", lang))]
    if small:
        notes.append(t("deck_small_n_note", lang, n=i18n.fmt_int(n, lang), limit=SMALL_N))
    notes += [f"{r.provision_id}: {_count_label(int(r.n - r.n_ja), int(r.n), lang)} "
              f"{t('deck_not_yes', lang)}" for r in prov.itertuples(index=False)]
    axis = i18n.t("deck_axis_units", lang, units=words) if small else "%"
    return ChartSpec(f"regler-{unit_type}", title, "stacked", cats, series, " ".join(notes), axis_title=axis,
                     maximum=None if small else 100, number_format="0" if small else '0"\u00a0%"')


def trend_chart(b: Bundle, unit_type: str) -> ChartSpec | None:
    """Share per round for the scope and the country (lines), when two or more rounds are stored."""
    from dashboard.figures import rounds as rounds_mod

    if not b.trend_statuses or len(b.trend_statuses) < 2:
        return None
    lang, t = b.lang, i18n.t
    trend = rounds_mod.trend(b.trend_statuses, unit_type, b.region)
    if trend.empty:
        return None
    names = sorted(trend["round"].unique())
    series = []
    scopes = [("country", t("country", lang), charts.COUNTRY)]
    if b.region:
        scopes.insert(0, (b.region, reference.region_name(b.region), charts.BAR_SELECTED))
    for scope, label, colour in scopes:
        part = trend[trend["scope"] == scope].set_index("round")
        vals, labels = [], []
        for r in names:
            if r in part.index and part.loc[r, "n_responded"] >= SMALL_N:
                vals.append(round(float(part.loc[r, "share_not_all"]) * 100, 1))
            else:
                vals.append(None)
            labels.append(_count_label(int(part.loc[r, "n_not_all"]), int(part.loc[r, "n_responded"]), lang)
                          if r in part.index else "")
        series.append(Series(label, vals, labels, colour))
    own = trend[trend["scope"] == (b.region or "country")]
    first, last = own.iloc[0], own.iloc[-1]
    words = _scope_units(b, unit_type)
    title = t("deck_title_trend", lang, scope=b.selection, units=words,
              a=_count_label(int(first["n_not_all"]), int(first["n_responded"]), lang), ra=first["round"],
              b=_count_label(int(last["n_not_all"]), int(last["n_responded"]), lang), rb=last["round"])
    notes = "; ".join(f"{r.round} {label_of(r.scope, lang)}: {_count_label(int(r.n_not_all), int(r.n_responded), lang)}"
                      for r in trend.itertuples())
    return ChartSpec(f"utveckling-{unit_type}", title, "line", [str(n) for n in names], series, notes,
                     axis_title=f"{t('share_not_all', lang)} (%)", maximum=100)


def label_of(scope: str, lang: str) -> str:
    return i18n.t("country", lang) if scope == "country" else reference.region_name(scope)


def chart_specs(b: Bundle) -> list[ChartSpec | PictureSpec]:
    """The three to five most telling charts for the selection, most telling first."""
    vc = "vardcentral" in b.unit_types
    out: list[ChartSpec | PictureSpec | None] = []
    first = "vardcentral" if vc else b.unit_types[0]
    if b.kommun:
        out += [provision_chart(b, u) for u in b.unit_types]
        out += [kommun_chart(b, first), region_chart(b, first)]
    elif b.region:
        out += [region_chart(b, first), kommun_chart(b, first), provision_chart(b, first)]
        out += [trend_chart(b, first)]
        out += [region_chart(b, u) for u in b.unit_types if u != first]
        out += [provision_chart(b, u) for u in b.unit_types if u != first]
    else:
        out += [region_chart(b, first), map_spec(b), provision_chart(b, first), trend_chart(b, first)]
        out += [region_chart(b, u) for u in b.unit_types if u != first]
        out += [provision_chart(b, u) for u in b.unit_types if u != first]
    return [s for s in out if s is not None][:MAX_CHARTS]


def map_spec(b: Bundle) -> PictureSpec | None:
    """The country's regions map (n is large per region); a picture, as PowerPoint has no map chart.
    Drawn without its own title and source: the slide has them once."""
    item = next((m for m in b.maps if m.level == "region"), None)
    if item is None:
        return None
    lang, t = b.lang, i18n.t
    words = units_word(item.unit_type, lang)
    legend = f"{t('share_not_all', lang)}, {words}"
    table = item.table
    ok = table[table["n_responded"] >= SMALL_N].dropna(subset=["share_not_all"]).sort_values("share_not_all")
    title = item.title
    if len(ok) >= 2:
        lo, hi = ok.iloc[0], ok.iloc[-1]
        title = t("deck_title_map", lang, units=words,
                  lo=_count_label(int(lo["n_not_all"]), int(lo["n_responded"]), lang), lo_name=lo["region"],
                  hi=_count_label(int(hi["n_not_all"]), int(hi["n_responded"]), lang), hi_name=hi["region"])
    notes = t("exp_notes_map", lang, title_lc=item.title[:1].lower() + item.title[1:], caption=item.caption)

    def png() -> bytes:
        with mpl_lock:
            fig = map_figure(table, "region", "", "", "", lang, None, legend)
        return map_png(fig)

    return PictureSpec(item.key, title, png, f"{item.title}. {item.caption}", notes)


def finding_titles(b: Bundle) -> dict[str, str]:
    """The deck's finding titles by chart key, so a chart image for a slide says the same."""
    return {spec.key: spec.title for spec in chart_specs(b) if isinstance(spec, ChartSpec)}


def with_title(fig: Any, title: str, width: int = 80) -> Any:
    """A copy of a plotly chart with ``title`` (wrapped for a 16:9 image) over its own subtitle."""
    import textwrap

    import plotly.graph_objects as go

    old = fig.layout.title.text or ""
    sub = old.split("<br>", 1)[1] if "<br>" in old else ""
    lines = textwrap.wrap(title, width)
    out = go.Figure(fig)
    out.update_layout(title_text="<br>".join(lines) + (f"<br>{sub}" if sub else ""),
                      margin={"t": 60 + 34 * len(lines)})
    return out


def no_rule_units(b: Bundle) -> pd.DataFrame:
    """The units of the selection that follow none of the rules (or do not know): the table slide."""
    s = b.scope_status
    return s[s["status"] == "follows_none"].sort_values(["region_kod", "kommun", "name"], kind="stable")


def full_list_xlsx(b: Bundle) -> bytes:
    """The full list beside the deck: every unit of the selection with its status, and the regions."""
    t = i18n.t
    sheets = {t("deck_sheet_no_rule", b.lang): tables.units_table(no_rule_units(b), b.lang),
              t("exp_units_slide", b.lang): tables.units_table(b.scope_status, b.lang)}
    return tables_xlsx(sheets, b.about(t("deck_full_list_title", b.lang, selection=b.selection)))


# --------------------------------------------------------------------------- drawing


@dataclass
class Frame:
    """Where things go on a slide, from the template's layouts (EMU)."""

    width: int
    height: int
    title: tuple[int, int, int, int]
    body: tuple[int, int, int, int]
    source: tuple[int, int, int, int]


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


def _set_title(slide: Any, text: str, frame: Frame, largest: int = 30) -> None:
    from pptx.util import Emu, Pt

    title = slide.shapes.title
    if title is None:
        box = slide.shapes.add_textbox(*(Emu(v) for v in frame.title))
        box.name = "Title"
        title = box
    else:
        title.left, title.top, title.width, title.height = (Emu(v) for v in frame.title)
    tf = title.text_frame
    tf.word_wrap = True
    tf.text = xml_safe(text)
    size = _fit_size(text, frame.title[2], frame.title[3], largest, em=0.66)  # titles are bold
    for p in tf.paragraphs:
        for r in p.runs:
            r.font.size = Pt(size)


def _source(slide: Any, text: str, frame: Frame) -> None:
    from pptx.util import Emu, Pt

    box = slide.shapes.add_textbox(*(Emu(v) for v in frame.source))
    box.name = SOURCE_NAME
    tf = box.text_frame
    tf.word_wrap = True
    tf.text = xml_safe(text)
    size = _fit_size(text, frame.source[2], frame.source[3], SOURCE_PT, smallest=9, lines_max=2)
    for r in tf.paragraphs[0].runs:
        r.font.size = Pt(size)
        r.font.color.rgb = _rgb("#444444")


SOURCE_NAME = "Källa"


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


def _text(slide: Any, lines: Iterable[tuple[str, int, bool]], box: tuple[int, int, int, int],
          name: str = "Text") -> Any:
    from pptx.util import Emu, Pt

    shape = slide.shapes.add_textbox(*(Emu(v) for v in box))
    shape.name = name
    tf = shape.text_frame
    tf.word_wrap = True
    for i, (line, size, bold) in enumerate(lines):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.text = xml_safe(line)
        p.space_after = Pt(6)
        for r in p.runs:
            r.font.size = Pt(size)
            r.font.bold = bold
    return shape


_PATTERNS = {"/": "WIDE_UPWARD_DIAGONAL", ".": "PERCENT_20", "x": "SMALL_CONFETTI"}


def _fill(fill: Any, colour: str, pattern: str) -> None:
    from pptx.enum.dml import MSO_PATTERN

    if pattern in _PATTERNS:
        fill.patterned()
        fill.pattern = getattr(MSO_PATTERN, _PATTERNS[pattern])
        fill.fore_color.rgb = _rgb("#FFFFFF")
        fill.back_color.rgb = _rgb(colour)
    else:
        fill.solid()
        fill.fore_color.rgb = _rgb(colour)


def add_chart(slide: Any, spec: ChartSpec, box: tuple[int, int, int, int], lang: str) -> Any:
    """A native chart with its data inside (PowerPoint's "Edit data"), labels with counts."""
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
    from pptx.util import Emu, Pt

    data = CategoryChartData(number_format=spec.number_format)
    data.categories = [xml_safe(c) for c in spec.categories]
    for s in spec.series:
        data.add_series(xml_safe(s.name), s.values)
    kind = {"bar": XL_CHART_TYPE.BAR_CLUSTERED, "stacked": XL_CHART_TYPE.BAR_STACKED,
            "line": XL_CHART_TYPE.LINE_MARKERS}[spec.kind]
    gframe = slide.shapes.add_chart(kind, *(Emu(v) for v in box), data)
    gframe.name = f"Diagram {spec.key}"
    chart = gframe.chart
    chart.has_title = False  # the slide's title says it; never twice
    chart.font.size = Pt(12 if len(spec.categories) > 12 else 14)
    chart.has_legend = spec.legend and len(spec.series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(12)
    value_axis = chart.value_axis
    value_axis.minimum_scale = 0
    if spec.maximum is not None:
        value_axis.maximum_scale = spec.maximum
    value_axis.has_major_gridlines = True
    value_axis.major_gridlines.format.line.color.rgb = _rgb("#DDDDDD")
    value_axis.tick_labels.font.size = Pt(11)
    value_axis.tick_labels.number_format = spec.number_format
    value_axis.tick_labels.number_format_is_linked = False
    if spec.axis_title:
        value_axis.has_title = True
        value_axis.axis_title.text_frame.text = xml_safe(spec.axis_title)
        value_axis.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(11)
    chart.category_axis.tick_labels.font.size = Pt(10 if len(spec.categories) > 12 else 12)
    if spec.kind in ("bar", "stacked"):
        plot = chart.plots[0]
        plot.gap_width = 40
        if spec.kind == "stacked":
            plot.overlap = 100
    for s, series in zip(spec.series, chart.series, strict=True):
        if spec.kind == "line":
            series.format.line.color.rgb = _rgb(s.colour)
            series.format.line.width = Pt(3)
            series.smooth = False
            series.marker.format.fill.solid()
            series.marker.format.fill.fore_color.rgb = _rgb(s.colour)
        else:
            _fill(series.format.fill, s.colour, s.pattern)
            for idx, colour in s.point_colours.items():
                _fill(series.points[idx].format.fill, colour, "")
        for idx, label in enumerate(s.labels):
            if not label:
                continue
            dl = series.points[idx].data_label
            dl.has_text_frame = True
            dl.text_frame.text = xml_safe(label)
            for r in dl.text_frame.paragraphs[0].runs:
                r.font.size = Pt(10 if spec.kind == "stacked" else 11)
            if spec.kind == "bar":
                dl.position = XL_LABEL_POSITION.OUTSIDE_END
            elif spec.kind == "line":
                dl.position = XL_LABEL_POSITION.ABOVE
            else:
                dl.position = XL_LABEL_POSITION.CENTER
    return gframe


def _picture(slide: Any, png: bytes, box: tuple[int, int, int, int], alt: str) -> None:
    from pptx.util import Emu

    left, top, width, height = box
    w = min(width, int(height * 16 / 9))
    h = int(w * 9 / 16)
    pic = slide.shapes.add_picture(io.BytesIO(png), Emu(left + (width - w) // 2), Emu(top), Emu(w), Emu(h))
    pic._element.nvPicPr.cNvPr.set("descr", xml_safe(alt))  # alt text for screen readers


def _table(slide: Any, df: pd.DataFrame, box: tuple[int, int, int, int]) -> None:
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
            for p in cell.text_frame.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(12)


def key_figures(slide: Any, b: Bundle, box: tuple[int, int, int, int]) -> None:
    """Large numbers with their n, one column per unit type; n < SMALL_N gets the count and no share."""
    lang, t = b.lang, i18n.t
    rows = list(b.headlines.itertuples(index=False))
    if not rows:
        _text(slide, [(t("no_data", lang), 24, False)], box)
        return
    col_w = box[2] // len(rows)
    for i, row in enumerate(rows):
        words = units_word(row.unit_type, lang)
        n, k = int(row.n_responded), int(row.n_not_all)
        big = t("deck_count_only", lang, k=i18n.fmt_int(k, lang), n=i18n.fmt_int(n, lang))
        lines = [(words.capitalize(), 20, True), (big, 54, True), (t("headline_not_all", lang), 18, False)]
        if n >= SMALL_N:
            lines.append((i18n.fmt_pct(row.share_not_all, lang), 32, True))
            if (b.region or b.kommun) and row.country_share_not_all == row.country_share_not_all:
                lines.append((f"{t('country', lang)}: {i18n.fmt_pct(row.country_share_not_all, lang)}", 16, False))
        else:
            lines.append((t("deck_too_few_for_share", lang), 18, False))
        lines.append((f"{t('deck_responded', lang)}: {i18n.fmt_int(n, lang)} {t('deck_of', lang)} "
                      f"{i18n.fmt_int(int(row.n_units), lang)}", 14, False))
        lines.append((f"{t('headline_none', lang).capitalize()}: {i18n.fmt_int(int(row.n_none), lang)}", 14, False))
        _text(slide, lines, (box[0] + i * col_w, box[1], col_w - int(box[2] * 0.02), box[3]), name=f"Nyckeltal {i + 1}")


def key_title(b: Bundle) -> str:
    lang, t = b.lang, i18n.t
    rows = list(b.headlines.itertuples(index=False))
    if not rows:
        return t("headline", lang)
    row = rows[0]
    words = units_word(row.unit_type, lang)
    share = t("deck_count_only", lang, k=i18n.fmt_int(int(row.n_not_all), lang), n=i18n.fmt_int(int(row.n_responded), lang))
    return t("deck_title_key", lang, scope=b.selection, share=share, units=words)


def pptx_pack(b: Bundle, template_bytes: bytes | None = None) -> bytes:
    """The deck of the selection in the template's look (``template_bytes``, else the default)."""
    from pptx.util import Pt

    t, lang = i18n.t, b.lang
    prs = template.open_template(template_bytes)
    cover, content = template.layouts(prs)
    source = b.source
    caveat = t("deck_caveat", lang)

    s = prs.slides.add_slide(cover)
    f = _frame(prs, cover)
    _set_title(s, t("exp_pack_title", lang, selection=b.selection), f, largest=40)
    sub = next((ph for ph in s.placeholders if ph.placeholder_format.idx == 1), None)
    lines = [t("exp_pack_subtitle", lang, round=b.round)]
    if b.synthetic:
        lines.append(f"{t('example_badge', lang)}: {t('example_notice', lang)}")
    if sub is not None:
        sub.text_frame.word_wrap = True
        sub.text_frame.text = xml_safe("\n".join(lines))
        size = _fit_size(" ".join(lines), int(sub.width), int(sub.height), 20, smallest=12, lines_max=8)
        for p in sub.text_frame.paragraphs:
            for r in p.runs:
                r.font.size = Pt(size)
    else:
        _text(s, [(line, 18, False) for line in lines], f.body)
    _drop_placeholders(s)
    _source(s, source, f)
    _notes(s, " ".join([*lines, source, caveat]))

    f = _frame(prs, content)
    s = prs.slides.add_slide(content)
    _set_title(s, key_title(b), f)
    _drop_placeholders(s)
    key_figures(s, b, f.body)
    _source(s, source, f)
    _notes(s, " ".join([*headline_notes(b), caveat]) or t("no_data", lang))

    for spec in chart_specs(b):
        s = prs.slides.add_slide(content)
        _set_title(s, spec.title, f)
        _drop_placeholders(s)
        if isinstance(spec, ChartSpec):
            add_chart(s, spec, f.body, lang)
        else:
            _picture(s, spec.png(), f.body, spec.alt)
        _source(s, source, f)
        _notes(s, f"{spec.notes} {caveat}")

    none = no_rule_units(b)
    if len(none):
        s = prs.slides.add_slide(content)
        shown = none.head(TABLE_ROWS)
        _set_title(s, t("deck_title_no_rule", lang, scope=b.selection, n=i18n.fmt_int(len(none), lang),
                        total=i18n.fmt_int(int(b.scope_status["responded"].astype(bool).sum()), lang)), f)
        _drop_placeholders(s)
        full = tables.units_table(shown, lang)
        cols = [t("exp_unit", lang), t("unit_type", lang), t("kommun", lang), t("region", lang)]
        body = f.body
        if len(none) > TABLE_ROWS:
            note_h = int(f.height * 0.06)
            _text(s, [(t("deck_more_in_xlsx", lang, n=i18n.fmt_int(len(none) - TABLE_ROWS, lang)), 14, False)],
                  (body[0], body[1] + body[3] - note_h, body[2], note_h), name="Fler")
            body = (body[0], body[1], body[2], body[3] - note_h)
        _table(s, full[cols], body)
        _source(s, source, f)
        _notes(s, " ".join([t("exp_notes_table", lang, a=1, b=len(shown), n=i18n.fmt_int(len(none), lang)),
                            t("exp_full_table", lang), caveat]))

    s = prs.slides.add_slide(content)
    _set_title(s, t("exp_method_slide", lang), f)
    _drop_placeholders(s)
    about = b.about(t("exp_pack_title", lang, selection=b.selection))
    # the source is the slide's source line; not repeated in the text
    skip = {t("exp_filters", lang), t("exp_source", lang)}
    rows = [f"{label}: {value}" for label, value in about.rows()[1:7] if label not in skip]
    rows.append(t("deck_small_n_rule", lang, limit=SMALL_N))
    _text(s, [(r, _fit_size(" ".join(rows), f.body[2], f.body[3], 16, smallest=11, lines_max=40), False)
              for r in rows], f.body)
    _source(s, source, f)
    _notes(s, " ".join([*rows, f"{t('exp_source', lang)}: {source}.", caveat]))

    prs.core_properties.title = t("exp_pack_title", lang, selection=b.selection)
    prs.core_properties.author = "Tillsynskartan"
    prs.core_properties.language = "sv-SE" if lang != "en" else "en-GB"
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()
