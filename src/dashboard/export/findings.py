"""What each slide of a selection's deck says: titles that state the finding, the numbers behind
every chart, the speaker notes with their denominators, the table and the method text.

Why apart from the drawing (``slides.py``): a finding is a claim about the data and must be true
for any selection; keeping it free of python-pptx lets it be read and tested as plain values
(strings, lists, DataFrames), and lets a chart image for a slide take the same title
(``finding_titles``). Areas with fewer than ``aggregate.SMALL_N`` units that responded never get a
share: they show counts, and the notes say why.

Deck: title, key figures, three to five charts (most telling first), at most one table (the units
that follow no rule; the full list goes in the XLSX beside the deck), a method slide.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from dashboard import i18n
from dashboard.domain import reference
from dashboard.export.common import provision_label, unescape
from dashboard.export.render import map_figure, map_png, mpl_lock
from dashboard.export.selection import Bundle
from dashboard.figures import aggregate
from dashboard.present import charts, tables
from dashboard.present.captions import units_word

SMALL_N = aggregate.SMALL_N
MAX_CHARTS = 5
TABLE_ROWS = 10


def _pct_words(share: float, lang: str) -> str:
    if share != share:
        return "–"
    return f"{share * 100:.0f}"


def _count_label(k: int, n: int, lang: str) -> str:
    """ "20 av 27 (74 %)", or "2 av 2" with no percentage when n is too small for a share."""
    if n < SMALL_N:
        return i18n.t("deck_count_only", lang, k=i18n.fmt_int(k, lang), n=i18n.fmt_int(n, lang))
    return i18n.fmt_share(k, n, lang)


def _not_all(row: Any, lang: str) -> str:
    """An area's (or a round's) units not following all rules, as ``_count_label`` says it."""
    return _count_label(int(row.n_not_all), int(row.n_responded), lang)


def headline_notes(b: Bundle) -> list[str]:
    """The headline figures as sentences, for speaker notes and the slide's text alternative."""
    lang, out = b.lang, []
    country = b.region or b.kommun
    for row in aggregate.mask_small(b.headlines).itertuples(index=False):
        words = units_word(row.unit_type, lang)
        small = aggregate.too_few(row.n_responded)
        # below SMALL_N the sentence has the count and no percentage ("2 av 2", never "100 procent")
        out.append(i18n.t("exp_notes_headline_small" if small else "exp_notes_headline", lang,
                          scope=b.selection if (b.region or b.kommun) else i18n.t("sweden", lang),
                          k=i18n.fmt_int(row.n_not_all, lang), n=i18n.fmt_int(row.n_responded, lang), units=words,
                          p=_pct_words(row.share_not_all, lang), none=i18n.fmt_int(row.n_none, lang),
                          resp=i18n.fmt_int(row.n_responded, lang), total=i18n.fmt_int(row.n_units, lang)))
        if small:
            out.append(i18n.t("deck_small_n_note", lang, n=i18n.fmt_int(row.n_responded, lang), limit=SMALL_N))
        elif country and row.country_share_not_all == row.country_share_not_all:
            diff = (row.share_not_all - row.country_share_not_all) * 100
            pp = f"{diff:+.1f}".replace("-", "−")
            out.append(i18n.t("exp_notes_country", lang, p=_pct_words(row.country_share_not_all, lang),
                              pp=pp.replace(".", ",") if lang != "en" else pp))
    return out


# --------------------------------------------------------------------------- the charts


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


def _ordinal_rank(rank: int, total: int, lang: str) -> str:
    if rank == 1:
        return i18n.t("deck_rank_highest", lang)
    if rank == total:
        return i18n.t("deck_rank_lowest", lang)
    return i18n.t("deck_rank_nth", lang, rank=rank, total=total)


def tables_scope(status: pd.DataFrame, unit_type: str) -> pd.DataFrame:
    return status[status["unit_type"] == unit_type]


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
        cats.append(f"{r.region_short} ({_not_all(r, lang)})" if small else str(r.region_short))
        values.append(None if small or r.n_responded == 0 else round(float(r.share_not_all) * 100, 1))
        labels.append("" if small else _not_all(r, lang))
        if r.region_kod == b.region:
            colours[i] = charts.BAR_SELECTED
    if c is not None and c["n_responded"]:
        small = aggregate.too_few(c["n_responded"])
        cats.append(f"{t('country', lang)} ({_not_all(c, lang)})" if small else t("country", lang))
        values.append(None if small else round(float(c["share_not_all"]) * 100, 1))
        labels.append("" if small else _not_all(c, lang))
        colours[len(cats) - 1] = charts.COUNTRY
    series = Series(t("share_not_all", lang), values, labels, charts.BAR, point_colours=colours)
    title, notes = _region_finding(b, reg, unit_type, c)
    return ChartSpec(f"regioner-{unit_type}", title, "bar", cats, [series], notes,
                     axis_title=f"{t('share_not_all', lang)} (%)", maximum=100, legend=False)


def _region_finding(b: Bundle, reg: pd.DataFrame, unit_type: str, c: Any) -> tuple[str, str]:
    lang, t = b.lang, i18n.t
    words = units_word(unit_type, lang)
    ranked = reg.dropna(subset=["honest_rank"])
    total = len(ranked)
    country = _not_all(c, lang) if c is not None else "–"
    notes = [t("deck_notes_regions", lang, units=words, limit=SMALL_N, country=country)]
    small = reg[reg["n_responded"].between(1, SMALL_N - 1)]
    if len(small):
        notes.append(t("deck_notes_small_areas", lang, limit=SMALL_N, areas=", ".join(
            f"{r.region} ({_not_all(r, lang)})" for r in small.itertuples())))
    if b.region:
        row = reg[reg["region_kod"] == b.region].iloc[0]
        name = reference.region_name(b.region)
        share = _not_all(row, lang)
        if row["n_responded"] < SMALL_N or pd.isna(row["honest_rank"]):
            tail = t("deck_too_few_to_rank", lang)
        else:
            tail = _ordinal_rank(int(row["honest_rank"]), total, lang)
        title = t("deck_title_region", lang, name=name, share=share.split(" (")[0], units=words, tail=tail)
        notes.append(t("deck_notes_selected", lang, name=name, share=share, country=country))
        return title, " ".join(notes)
    if total:
        top = ranked.sort_values("honest_rank").iloc[0]
        title = t("deck_title_country_regions", lang, name=top["region"], units=words, share=_not_all(top, lang),
                  country=country)
    else:
        title = t("by_region_title", lang, units=words)
    return title, " ".join(notes)


_STATUS_PATTERN = {"follows_all": "", "not_all": "/", "follows_none": "x", "no_answer": "."}


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
    cats = [f"{r.kommun} – {_not_all(r, lang)}" if r.n_responded >= SMALL_N else str(r.kommun)
            for r in km.itertuples(index=False)]
    series = []
    for status in ("follows_all", "not_all", "follows_none", "no_answer"):
        vals = [int(counts.loc[k, status]) if (k in counts.index and status in counts.columns) else 0
                for k in km["kommun_kod"]]
        series.append(Series(t(status, lang), [float(v) for v in vals], [str(v) if v else "" for v in vals],
                             charts.STATUS_COLOURS[status], pattern=_STATUS_PATTERN[status]))
    region = reference.region_name(b.region)
    words = units_word(unit_type, lang)
    with_units = int((km["n_units"] > 0).sum())
    failing = int((km["n_not_all"] > 0).sum())
    title = t("deck_title_kommuner", lang, name=region, units=words, m=failing, total=with_units)
    small = km[km["n_responded"] < SMALL_N]
    notes = t("deck_notes_kommuner", lang, units=words, limit=SMALL_N, small=len(small), total=len(km),
              detail="; ".join(f"{r.kommun}: {_not_all(r, lang)}" for r in km.iloc[::-1].itertuples()))
    return ChartSpec(f"kommuner-{unit_type}", title, "stacked", cats, series, notes,
                     axis_title=i18n.t("deck_axis_units", lang, units=words), number_format="0")


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
    df = aggregate.mask_small(prov).iloc[::-1]
    cats = [provision_label(r, lang)
            + (f" · {t('country', lang)} {i18n.fmt_pct(1 - r.country_share_not_ja, lang)} {t('ja', lang).lower()}"
               if r.country_share_not_ja == r.country_share_not_ja and (b.region or b.kommun) else "")
            for r in df.itertuples(index=False)]
    series = []
    for answer in ("ja", "nej", "vet_ej", "saknas"):
        counts = df[f"n_{answer}"].astype(int).tolist()
        if small:
            vals = [float(k) for k in counts]
        else:
            vals = [round(k / m * 100, 1) if m else None for k, m in zip(counts, df["n"], strict=True)]
        labels = [str(k) if k else "" for k in counts]
        series.append(Series(t(answer, lang), vals, labels, charts.ANSWER_COLOURS[answer],
                             pattern=charts.ANSWER_PATTERNS[answer]))
    words = units_word(unit_type, lang)
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
    words = units_word(unit_type, lang)
    title = t("deck_title_trend", lang, scope=b.selection, units=words,
              a=_not_all(first, lang), ra=first["round"], b=_not_all(last, lang), rb=last["round"])
    notes = "; ".join(f"{r.round} {label_of(r.scope, lang)}: {_not_all(r, lang)}" for r in trend.itertuples())
    return ChartSpec(f"utveckling-{unit_type}", title, "line", [str(n) for n in names], series, notes,
                     axis_title=f"{t('share_not_all', lang)} (%)", maximum=100)


def label_of(scope: str, lang: str) -> str:
    return i18n.t("country", lang) if scope == "country" else reference.region_name(scope)


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
        title = t("deck_title_map", lang, units=words, lo=_not_all(lo, lang), lo_name=lo["region"],
                  hi=_not_all(hi, lang), hi_name=hi["region"])
    notes = t("exp_notes_map", lang, title_lc=item.title[:1].lower() + item.title[1:], caption=item.caption)

    def png() -> bytes:
        with mpl_lock:
            fig = map_figure(table, "region", "", "", "", lang, None, legend)
        return map_png(fig)

    return PictureSpec(item.key, title, png, f"{item.title}. {item.caption}", notes)


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


def finding_titles(b: Bundle) -> dict[str, str]:
    """The deck's finding titles by chart key, so a chart image for a slide says the same."""
    return {spec.key: spec.title for spec in chart_specs(b) if isinstance(spec, ChartSpec)}


# --------------------------------------------------------------------------- the other slides


@dataclass
class Cover:
    """The title slide's lines under the title: the survey and round, and the example-data notice."""

    lines: list[str]


@dataclass
class KeyFigures:
    """One column per unit type, each a list of (role, text) lines; ``empty`` when there is none.

    The role names the line's part (``units``, ``count``, ``label``, ``share``, ``country``,
    ``too_few``, ``responded``, ``none``) and the drawing gives each its size."""

    columns: list[list[tuple[str, str]]]
    empty: str


@dataclass
class UnitTable:
    """The rows a table slide shows, in people's columns, and the line that says how many more."""

    table: pd.DataFrame
    more: str


@dataclass
class TextRows:
    """A slide of short lines of text (the method slide)."""

    rows: list[str]


@dataclass
class Slide:
    """What one slide says: its layout ("cover" or "content"), title, body and speaker notes."""

    layout: str
    title: str
    body: Cover | KeyFigures | ChartSpec | PictureSpec | UnitTable | TextRows
    notes: str
    source: str = ""  # the slide's source line; empty: the selected round's own (``Bundle.source``)


def key_title(b: Bundle) -> str:
    lang, t = b.lang, i18n.t
    rows = list(b.headlines.itertuples(index=False))
    if not rows:
        return t("headline", lang)
    row = rows[0]
    words = units_word(row.unit_type, lang)
    share = t("deck_count_only", lang, k=i18n.fmt_int(int(row.n_not_all), lang), n=i18n.fmt_int(int(row.n_responded), lang))
    return t("deck_title_key", lang, scope=b.selection, share=share, units=words)


def key_figures(b: Bundle) -> KeyFigures:
    """Large numbers with their n, one column per unit type; n < SMALL_N gets the count and no share."""
    lang, t = b.lang, i18n.t
    columns = []
    for row in aggregate.mask_small(b.headlines).itertuples(index=False):
        words = units_word(row.unit_type, lang)
        n, k = int(row.n_responded), int(row.n_not_all)
        big = t("deck_count_only", lang, k=i18n.fmt_int(k, lang), n=i18n.fmt_int(n, lang))
        lines = [("units", words.capitalize()), ("count", big), ("label", t("headline_not_all", lang))]
        if n >= SMALL_N:
            lines.append(("share", i18n.fmt_pct(row.share_not_all, lang)))
            if (b.region or b.kommun) and row.country_share_not_all == row.country_share_not_all:
                lines.append(("country", f"{t('country', lang)}: {i18n.fmt_pct(row.country_share_not_all, lang)}"))
        else:
            lines.append(("too_few", t("deck_too_few_for_share", lang)))
        lines.append(("responded", f"{t('deck_responded', lang)}: {i18n.fmt_int(n, lang)} {t('deck_of', lang)} "
                                   f"{i18n.fmt_int(int(row.n_units), lang)}"))
        lines.append(("none", f"{t('headline_none', lang).capitalize()}: {i18n.fmt_int(int(row.n_none), lang)}"))
        columns.append(lines)
    return KeyFigures(columns, t("no_data", lang))


def no_rule_units(b: Bundle) -> pd.DataFrame:
    """The units of the selection that follow none of the rules (or do not know): the table slide."""
    s = b.scope_status
    return s[s["status"] == "follows_none"].sort_values(["region_kod", "kommun", "name"], kind="stable")


def _no_rule_slide(b: Bundle, caveat: str) -> Slide | None:
    lang, t = b.lang, i18n.t
    none = no_rule_units(b)
    if not len(none):
        return None
    shown = none.head(TABLE_ROWS)
    title = t("deck_title_no_rule", lang, scope=b.selection, n=i18n.fmt_int(len(none), lang),
              total=i18n.fmt_int(int(b.scope_status["responded"].astype(bool).sum()), lang))
    cols = [t("exp_unit", lang), t("unit_type", lang), t("kommun", lang), t("region", lang)]
    more = (t("deck_more_in_xlsx", lang, n=i18n.fmt_int(len(none) - TABLE_ROWS, lang))
            if len(none) > TABLE_ROWS else "")
    notes = " ".join([t("exp_notes_table", lang, a=1, b=len(shown), n=i18n.fmt_int(len(none), lang)),
                      t("exp_full_table", lang), caveat])
    return Slide("content", title, UnitTable(tables.units_table(shown, lang)[cols], more), notes)


def method_rows(b: Bundle, every_round: bool = False) -> list[str]:
    """The method slide's lines: where the data comes from, the rule, and the small-n rule."""
    lang, t = b.lang, i18n.t
    about = b.about(deck_title(b), every_round)
    # the source is the slide's source line; not repeated in the text
    skip = {t("exp_filters", lang), t("exp_source", lang)}
    rows = [f"{label}: {value}" for label, value in about.rows()[1:7] if label not in skip]
    rows.append(t("deck_small_n_rule", lang, limit=SMALL_N))
    return rows


def deck_title(b: Bundle) -> str:
    return i18n.t("exp_pack_title", b.lang, selection=b.selection)


def deck(b: Bundle) -> list[Slide]:
    """Every slide of the selection's deck, in order, as what it says (``slides.pptx_pack`` draws it).

    Only the trend slide draws on the other rounds in view: it alone (and the cover and method slide,
    which speak for the whole deck) names their example data; every other slide is the selected
    round's and says only what that round is."""
    lang, t = b.lang, i18n.t
    specs = chart_specs(b)
    trend = any(isinstance(spec, ChartSpec) and spec.kind == "line" for spec in specs)
    about = b.about(deck_title(b), every_round=trend)
    source, caveat = b.trend_source if trend else b.source, t("deck_caveat", lang)
    lines = [t("exp_pack_subtitle", lang, round=b.round)]
    if about.synthetic:
        lines.append(f"{t('example_badge', lang)}: {about.example_text()}")
    out = [Slide("cover", deck_title(b), Cover(lines), " ".join([*lines, source, caveat]), source),
           Slide("content", key_title(b), key_figures(b), " ".join([*headline_notes(b), caveat]) or t("no_data", lang))]
    out += [Slide("content", spec.title, spec, f"{spec.notes} {caveat}",
                  b.trend_source if isinstance(spec, ChartSpec) and spec.kind == "line" else "") for spec in specs]
    table = _no_rule_slide(b, caveat)
    if table is not None:
        out.append(table)
    rows = method_rows(b, every_round=trend)
    out.append(Slide("content", t("exp_method_slide", lang), TextRows(rows),
                     " ".join([*rows, f"{t('exp_source', lang)}: {source}.", caveat]), source))
    return out
