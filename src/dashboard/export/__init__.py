"""Exports for slides, reports and letters: chart and map images, data files, a presentation pack
and a region's attachment, one module per format.

Why a package: a file that leaves the app must say the same as the screen, so every export is
built from the same aggregation, chart and map functions the pages use. ``selection`` builds a
selection's charts, maps and tables once (the tables for people come from ``present.tables``,
shared with the screen, where the small-n rule is applied); ``render`` (images), ``files`` (CSV/XLSX), ``slides`` (PPTX: it draws what ``findings`` says
each slide says, with native charts from ``pptx_chart``), ``letter`` (DOCX) turn it into bytes;
``bundle`` writes them for ``tillsyn export``. The names below keep ``dashboard.export`` working
for the pages, the risk page and the CLI.
"""

from __future__ import annotations

from dashboard.export.bundle import KINDS, cli_main, write_kind
from dashboard.export.common import (
    MIME,
    TYP_CHOICES,
    UNIT_TYPES,
    About,
    ExportError,
    SelectionError,
    about_for,
    example_rounds,
    figure_title,
    file_base,
)
from dashboard.export.files import FORMULA_START, neutralise, table_csv, table_xlsx, tables_xlsx
from dashboard.export.findings import headline_notes
from dashboard.export.letter import attachment_name, bundle_docx, region_docx
from dashboard.export.render import (
    browser_path,
    chart_png,
    chart_svg,
    close_renderer,
    map_figure,
    map_png,
    map_svg,
)
from dashboard.export.selection import Bundle, ChartItem, MapItem, build, bundle, map_item, rate_map_item
from dashboard.export.slides import full_list_xlsx, pptx_pack
from dashboard.present.tables import (
    AS_IS,
    KOMMUNER,
    PROVISION_TREND,
    PROVISIONS,
    RATES,
    REGIONS,
    TREND,
    UNITS,
    TableKind,
    kommun_table,
    map_measure,
    map_table,
    provision_table,
    provision_trend_table,
    region_table,
    trend_table,
    units_table,
)

__all__ = [
    "AS_IS", "FORMULA_START", "KINDS", "KOMMUNER", "MIME", "PROVISIONS", "PROVISION_TREND", "RATES", "REGIONS", "TREND",
    "TYP_CHOICES", "UNITS", "UNIT_TYPES", "About", "Bundle", "ChartItem", "ExportError", "MapItem",
    "SelectionError", "TableKind", "about_for", "example_rounds", "attachment_name", "browser_path", "build", "bundle",
    "bundle_docx", "chart_png", "chart_svg", "cli_main", "close_renderer", "figure_title", "file_base",
    "full_list_xlsx", "headline_notes", "kommun_table", "map_figure", "map_item", "map_measure", "rate_map_item", "map_png", "map_svg", "map_table",
    "neutralise", "pptx_pack", "provision_table", "provision_trend_table", "region_docx", "region_table",
    "table_csv", "table_xlsx", "tables_xlsx", "trend_table", "units_table",
    "write_kind",
]
