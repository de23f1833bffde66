"""Download buttons under charts and maps, and the presentation pack of the current selection.

Why callables: ``st.download_button(data=callable)`` (Streamlit ≥ 1.50) makes the file only when
the button is clicked, on a thread of its own, so a page rerun never waits for Chromium or
matplotlib. ``on_click="ignore"`` keeps the page from rerunning after a download. The bytes come
from ``export``, the same functions ``tillsyn export`` uses, so a button and the CLI give the
same file. Tables are captured from the page's cached data; nothing Streamlit runs in the callables.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import lru_cache

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import export, i18n
from dashboard.screen import cache, state
from dashboard.screen.state import Filters
from dashboard.screen.views import scope


@lru_cache(maxsize=1)
def _images_possible() -> bool:
    """Chart images need a Chromium; without one the image buttons are shown disabled, with the reason."""
    try:
        export.browser_path()
    except export.ExportError:
        return False
    return True


def example_rounds(f: Filters, *more: str, every_round: bool = False) -> tuple[str, ...]:
    """The example rounds among the rounds a file draws on: the selected, any ``more`` (the risk
    page's previous round) and, for trends, every stored round. Not the compared round: no file
    compares with it (its tables and charts are the selected round's), so none may say it does."""
    trend = cache.trend_rounds() if every_round else ()
    return cache.rounds_drawn(f, *more, *trend).examples


def _about(f: Filters, title: str, every_round: bool = False) -> export.About:
    ex = example_rounds(f, every_round=every_round)
    return export.about_for(f.round, f.lang, bool(ex), f.region, f.kommun, f.typ, title, ex, scope.coverage(f))


def _button(label_key: str, data: Callable[[], bytes], file_name: str, fmt: str, key: str, lang: str,
            disabled: bool = False) -> None:
    help_text = i18n.t("dl_no_chromium", lang) if disabled else i18n.t(f"dl_help_{label_key[3:]}", lang)
    st.download_button(i18n.t(label_key, lang), data=data, file_name=file_name, mime=export.MIME[fmt],
                       key=key, help=help_text, on_click="ignore", icon=":material/download:",
                       disabled=disabled)


def _table_buttons(table: pd.DataFrame, kind: export.TableKind, about: export.About, base: str, key: str,
                   lang: str) -> None:
    _button("dl_csv", lambda: export.table_csv(kind.people(table, lang), about), f"{base}.csv", "csv",
            f"{key}_csv", lang)
    _button("dl_xlsx", lambda: export.table_xlsx(kind.people(table, lang), about), f"{base}.xlsx", "xlsx",
            f"{key}_xlsx", lang)


def chart(fig: go.Figure | None, table: pd.DataFrame, kind: export.TableKind, name: str, f: Filters,
          about: export.About | None = None) -> None:
    """PNG, PNG 2×, SVG, CSV and Excel buttons for one chart.

    ``table``: the frame the chart was drawn from; ``kind``: what it is (``export.REGIONS``,
    ``export.KOMMUNER``, ``export.PROVISIONS``, ``export.TREND`` ...), which decides the columns
    people get in the CSV/XLSX; ``name``: a short id unique on the page,
    e.g. ``"regioner-vardcentral"``, used in the file name and the widget keys. ``about``: a
    description of its own (the risk view's weights); ``fig`` None: a table with no chart drawn.
    """
    lang = f.lang
    about = about or _about(f, export.figure_title(fig) if fig is not None else "",
                            every_round=kind in (export.TREND, export.PROVISION_TREND))
    base = export.file_base(f.round, f.region, f.kommun, name)
    key = f"dl_{name}"
    off = not _images_possible()
    with st.container(horizontal=True, gap="small", key=f"{key}_row"):
        if fig is not None:
            _button("dl_png", lambda: export.chart_png(fig), f"{base}.png", "png", f"{key}_png", lang, off)
            _button("dl_png2", lambda: export.chart_png(fig, 2), f"{base}@2x.png", "png", f"{key}_png2", lang, off)
            _button("dl_svg", lambda: export.chart_svg(fig), f"{base}.svg", "svg", f"{key}_svg", lang, off)
        _table_buttons(table, kind, about, base, key, lang)


def map_buttons(f: Filters, level: str, region: str = "", kommun: str = "", name: str = "") -> None:
    """PNG, PNG 2×, SVG, CSV and Excel buttons for the map the page shows at ``level``
    (the same classes, areas and health centres; drawn with matplotlib only when clicked)."""
    lang = f.lang
    # A fresh item per run over the shared one: its matplotlib figure (drawn on a click) stays per session.
    ex = example_rounds(f)
    rate = state.map_mode(f) == "rate"  # health centres per 10 000 inhabitants, or the share
    points = state.map_points(f, region) and not region  # from region level down the export always draws them
    shared = _map_item(cache.data_version(), f.round, level, f.typ, lang, region, kommun, rate, ex, points,
                       "" if rate else scope.coverage(f))
    item = dataclasses.replace(shared, table=shared.table.copy(deep=False))
    about = _about(f, item.title)
    base = export.file_base(f.round, region, kommun, name or item.key)
    key = f"dl_{name or item.key}_{region}_{kommun}"
    with st.container(horizontal=True, gap="small", key=f"{key}_row"):
        _button("dl_png", lambda: export.map_png(item.figure), f"{base}.png", "png", f"{key}_png", lang)
        _button("dl_png2", lambda: export.map_png(item.figure, 2), f"{base}@2x.png", "png", f"{key}_png2", lang)
        _button("dl_svg", lambda: export.map_svg(item.figure), f"{base}.svg", "svg", f"{key}_svg", lang)
        _table_buttons(item.table, item.kind, about, base, key, lang)


def _stored_template() -> bytes | None:
    """The slide template an administrator uploaded (None: the default template)."""
    from dashboard.export import bundle as export_bundle

    return export_bundle.stored_template()


@cache.shared(64)
def _map_item(version: str, round_name: str, level: str, typ: str, lang: str, region: str, kommun: str,
              rate: bool, examples: tuple[str, ...], points: bool = False, coverage: str = ""):
    """The map's files' contents for one view, computed once (the files are drawn only on a click)."""
    status = cache.round_tables(round_name).status
    if rate:  # health centres per 10 000 inhabitants: a count of units, whatever the survey asked
        return export.rate_map_item(status, level, typ, lang, round_name, bool(examples), region, kommun, examples,
                                    points)
    # The aggregation the map on screen already drew from (a region's: rows of the country's table).
    unit_type = export.map_measure(typ, level)
    table = (cache.by_region(round_name, unit_type) if level == "region"
             else cache.by_kommun(round_name, unit_type, region))
    return export.map_item(status, level, typ, lang, round_name, bool(examples), region, kommun, examples, points,
                           coverage=coverage, table=table)


def pack(f: Filters) -> None:
    """The presentation of the current selection (country, region or municipality) in the uploaded
    template's look, the full list beside it (XLSX), and, when a region is chosen, the region's
    attachment (DOCX). The deck's charts are native PowerPoint charts: no Chromium needed."""
    lang = f.lang
    units, answers, status = cache.round_tables(f.round)
    names = cache.rounds()["round"].astype(str).tolist()
    # with two or more rounds the deck has a trend slide, which draws on every round
    others = tuple(r for r in example_rounds(f, every_round=len(names) > 1) if r != f.round)

    def bundle() -> export.Bundle:
        b = export.build(units, answers, f.round, f.region, f.kommun, lang, f.typ, status=status,
                         example_rounds=others)
        if len(names) > 1:
            b.trend_statuses = {r: cache.round_tables(r).status for r in names}
        return b

    base = export.file_base(f.round, f.region, f.kommun)
    with st.container(horizontal=True, gap="small", key="dl_pack_row"):
        _button("dl_pptx", lambda: export.pptx_pack(bundle(), _stored_template()), f"{base}.pptx", "pptx",
                "dl_pack_pptx", lang)
        _button("dl_full_list", lambda: export.full_list_xlsx(bundle()), f"{base}.xlsx", "xlsx",
                "dl_pack_xlsx", lang)
        if f.region:
            _button("dl_docx", lambda: export.bundle_docx(bundle()), export.attachment_name(f.round, f.region),
                    "docx", "dl_pack_docx", lang)
