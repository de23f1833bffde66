"""Data files: CSV for Swedish Excel and XLSX with an "Om data" sheet.

Text that came from a user's file is never run: spreadsheet cells that begin with a formula
character get a leading apostrophe, and XLSX text cells are typed as strings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from dashboard import i18n
from dashboard.export.common import About, saved, xml_safe

# Characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection), and their
# full-width forms, which some Excel locales also accept.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe; others pass."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _with_provenance(df: pd.DataFrame, about: About) -> pd.DataFrame:
    """The round as the first column, and "Exempeldata: Ja" on every row of generated data (a table
    over several rounds, a trend, already has its round per row: the flag follows each row's round,
    so a real round's rows never say Ja); a yes/no column (the small-n flag) in words, as a
    spreadsheet in Swedish would otherwise say TRUE/FALSE."""
    lang = about.lang
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_bool_dtype(out[col]):
            out[col] = out[col].map(lambda v: i18n.t("exp_yes" if v else "exp_no", lang))
    round_col = i18n.t("round", lang)
    if round_col not in out.columns:
        out.insert(0, round_col, about.round)
    examples = set(about.example_rounds) or ({about.round} if about.synthetic else set())
    flags = out[round_col].astype(str).isin(examples)
    if flags.any():
        out[i18n.t("exp_example_column", lang)] = flags.map(lambda v: i18n.t("exp_yes" if v else "exp_no", lang))
    return out


def _safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]) or pd.api.types.is_bool_dtype(out[col]):
            out[col] = out[col].map(lambda v: neutralise(v) if isinstance(v, str) else v).astype(object)
    return out


def table_csv(df: pd.DataFrame, about: About) -> bytes:
    """CSV for Swedish Excel: UTF-8 with BOM, ``;`` between fields, decimal comma (point in English)."""
    out = _with_provenance(df, about)
    if about.coverage:  # a CSV has no "Om data" sheet: what the figures cover goes on every row
        out[i18n.t("exp_coverage", about.lang)] = about.coverage
    out = _safe_frame(out)
    text = out.to_csv(sep=";", decimal="," if about.lang != "en" else ".", index=False, na_rep="",
                      lineterminator="\r\n")
    return ("\ufeff" + text).encode("utf-8")


_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(name: str, used: set[str]) -> str:
    base = _SHEET_BAD.sub("-", name).strip("'") or "Data"
    base = base[:31]
    candidate, i = base, 2
    while candidate.lower() in used:
        suffix = f" ({i})"
        candidate, i = base[: 31 - len(suffix)] + suffix, i + 1
    used.add(candidate.lower())
    return candidate


def _cell_value(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, str):
        return neutralise(xml_safe(value))
    return value


def _write_sheet(ws: Any, df: pd.DataFrame) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    widths = []
    for j, col in enumerate(df.columns, start=1):
        cell = ws.cell(row=1, column=j, value=_cell_value(str(col)))
        cell.data_type = "s"
        cell.font = Font(bold=True)
        widths.append(len(str(col)))
    for i, row in enumerate(df.itertuples(index=False), start=2):
        for j, value in enumerate(row, start=1):
            v = _cell_value(value)
            cell = ws.cell(row=i, column=j, value=v)
            if isinstance(v, str):
                cell.data_type = "s"  # never a formula, whatever the text
            elif isinstance(v, float):
                cell.number_format = "0.0"
            elif isinstance(v, int) and not isinstance(v, bool):
                cell.number_format = "0"
            widths[j - 1] = max(widths[j - 1], len(str(v)) if v is not None else 0)
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = min(max(8, width + 2), 60)
    ws.freeze_panes = "A2"
    if len(df.columns) and len(df):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(df.columns))}{len(df) + 1}"


def tables_xlsx(tables: Mapping[str, pd.DataFrame], about: About) -> bytes:
    """A workbook with one sheet per table and the sheet "Om data" (source, round, filters, notice)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    used: set[str] = set()
    first = True
    for name, df in tables.items():
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = _sheet_name(name, used)
        _write_sheet(ws, _with_provenance(df, about))
    info = wb.create_sheet(_sheet_name(i18n.t("exp_about_sheet", about.lang), used))
    info.cell(row=1, column=1, value=i18n.t("exp_field", about.lang)).font = Font(bold=True)
    info.cell(row=1, column=2, value=i18n.t("exp_value", about.lang)).font = Font(bold=True)
    for i, (label, value) in enumerate(about.rows(), start=2):
        for j, v in ((1, label), (2, value)):
            cell = info.cell(row=i, column=j, value=_cell_value(v))
            cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    info.column_dimensions["A"].width = 24
    info.column_dimensions["B"].width = 100
    info.freeze_panes = "A2"
    wb.properties.title = about.title
    wb.properties.creator = "Tillsynskartan"
    return saved(wb)


def table_xlsx(df: pd.DataFrame, about: About, sheet: str = "") -> bytes:
    """One table as XLSX: typed numbers, frozen header, column widths, and the "Om data" sheet."""
    return tables_xlsx({sheet or i18n.t("exp_data_sheet", about.lang): df}, about)
