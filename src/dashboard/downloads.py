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

from dashboard import cache, export, i18n, ui
from dashboard.state import Filters

i18n.register({
    "dl_png": ("PNG", "PNG"),
    "dl_png2": ("PNG 2×", "PNG 2×"),
    "dl_svg": ("SVG", "SVG"),
    "dl_csv": ("CSV", "CSV"),
    "dl_xlsx": ("Excel", "Excel"),
    "dl_pptx": ("Presentation (PPTX)", "Presentation (PPTX)"),
    "dl_docx": ("Bilaga till regionen (DOCX)", "Attachment for the region (DOCX)"),
    "dl_help_png": ("Bild 1920×1080 med rubrik, urval och källa", "Image 1920×1080 with title, selection and source"),
    "dl_help_png2": ("Bild 3840×2160 för tryck", "Image 3840×2160 for print"),
    "dl_help_svg": ("Vektorbild som kan skalas", "Scalable vector image"),
    "dl_help_csv": ("Tabellen bakom bilden, för Excel (semikolon, UTF-8)",
                    "The table behind the image, for Excel (semicolon, UTF-8)"),
    "dl_help_xlsx": ("Tabellen bakom bilden med fliken Om data", "The table behind the image with an About sheet"),
    "dl_help_pptx": ("Bildspel för urvalet: nyckeltal, karta, diagram, tabell och metod",
                     "Slides for the selection: key figures, map, charts, table and method"),
    "dl_help_docx": ("Bilaga som i IVO:s brev: vårdcentralerna som svarat och regionens resultat mot riket",
                     "Attachment as in IVO's letter: the health centres that answered and the region against the country"),
    "dl_no_chromium": ("Bildexport kräver Chromium på servern", "Image export needs Chromium on the server"),
    "dl_heading": ("Ladda ner", "Download"),
})


@lru_cache(maxsize=1)
def _images_possible() -> bool:
    """Chart images need a Chromium; without one the image buttons are shown disabled, with the reason."""
    try:
        export.browser_path()
    except export.ExportError:
        return False
    return True


def _about(f: Filters, title: str) -> export.About:
    synthetic = cache.rounds_in_view(f).any_synthetic  # any round the view draws on
    return export.about_for(f.round, f.lang, synthetic, f.region, f.kommun, f.typ, title)


def _button(label_key: str, data: Callable[[], bytes], file_name: str, fmt: str, key: str, lang: str,
            disabled: bool = False) -> None:
    help_text = i18n.t("dl_no_chromium", lang) if disabled else i18n.t(f"dl_help_{label_key[3:]}", lang)
    st.download_button(i18n.t(label_key, lang), data=data, file_name=file_name, mime=export.MIME[fmt],
                       key=key, help=help_text, on_click="ignore", icon=":material/download:",
                       disabled=disabled)


def _table_buttons(table: pd.DataFrame, about: export.About, base: str, key: str, lang: str) -> None:
    _button("dl_csv", lambda: export.table_csv(export.tidy(table, lang), about), f"{base}.csv", "csv",
            f"{key}_csv", lang)
    _button("dl_xlsx", lambda: export.table_xlsx(export.tidy(table, lang), about), f"{base}.xlsx", "xlsx",
            f"{key}_xlsx", lang)


def chart(fig: go.Figure, table: pd.DataFrame, name: str, f: Filters) -> None:
    """PNG, PNG 2×, SVG, CSV and Excel buttons for one chart.

    ``table``: the frame the chart was drawn from (``by_region``, ``by_kommun``, ``by_provision``
    or ``unit_status`` rows: it is tidied for people); ``name``: a short id unique on the page,
    e.g. ``"regioner-vardcentral"``, used in the file name and the widget keys.
    """
    lang = f.lang
    about = _about(f, export.figure_title(fig))
    base = export.file_base(f.round, f.region, f.kommun, name)
    key = f"dl_{name}"
    off = not _images_possible()
    with st.container(horizontal=True, gap="small", key=f"{key}_row"):
        _button("dl_png", lambda: export.chart_png(fig), f"{base}.png", "png", f"{key}_png", lang, off)
        _button("dl_png2", lambda: export.chart_png(fig, 2), f"{base}@2x.png", "png", f"{key}_png2", lang, off)
        _button("dl_svg", lambda: export.chart_svg(fig), f"{base}.svg", "svg", f"{key}_svg", lang, off)
        _table_buttons(table, about, base, key, lang)


def map_files(f: Filters, level: str, region: str = "", kommun: str = "", name: str = "") -> None:
    """PNG, PNG 2×, SVG, CSV and Excel buttons for the map the page shows at ``level``
    (the same classes, areas and health centres; drawn with matplotlib only when clicked)."""
    lang = f.lang
    # A fresh item per run over the shared one: its matplotlib figure (drawn on a click) stays per session.
    shared = _map_item(cache.data_version(), f.round, level, f.typ, lang, region, kommun)
    item = dataclasses.replace(shared, table=shared.table.copy(deep=False))
    about = _about(f, item.title)
    base = export.file_base(f.round, region, kommun, name or item.key)
    key = f"dl_{name or item.key}_{region}_{kommun}"
    with st.container(horizontal=True, gap="small", key=f"{key}_row"):
        _button("dl_png", lambda: export.map_png(item.figure), f"{base}.png", "png", f"{key}_png", lang)
        _button("dl_png2", lambda: export.map_png(item.figure, 2), f"{base}@2x.png", "png", f"{key}_png2", lang)
        _button("dl_svg", lambda: export.map_svg(item.figure), f"{base}.svg", "svg", f"{key}_svg", lang)
        _table_buttons(item.table, about, base, key, lang)


@cache.shared(64)
def _map_item(version: str, round_name: str, level: str, typ: str, lang: str, region: str, kommun: str):
    """The map's files' contents for one view, computed once (the files are drawn only on a click)."""
    units, _, status = cache.round_tables(round_name)
    return export.map_item(status, level, typ, lang, round_name, ui.is_synthetic(units), region, kommun)


def pack(f: Filters) -> None:
    """The presentation of the current selection (country, region or municipality) and, when a
    region is chosen, the region's attachment (DOCX)."""
    lang = f.lang
    units, answers, status = ui.round_tables(f.round)

    def bundle() -> export.Bundle:
        return export.build(units, answers, f.round, f.region, f.kommun, lang, f.typ, status=status)

    with st.container(horizontal=True, gap="small", key="dl_pack_row"):
        _button("dl_pptx", lambda: export.pptx_pack(bundle()), f"{export.file_base(f.round, f.region, f.kommun)}.pptx",
                "pptx", "dl_pack_pptx", lang, disabled=not _images_possible())
        if f.region:
            _button("dl_docx", lambda: export.bundle_docx(bundle()), export.attachment_name(f.round, f.region),
                    "docx", "dl_pack_docx", lang)
