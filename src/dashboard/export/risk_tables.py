"""The risk view's tables for people and what its files say: ranked lists with localised headers,
the weights and date on every row, and the description sheet (``RiskAbout``).

Kept apart from ``risk`` (the score) because the description sheet is an ``export.About`` and
``export`` brings the renderers, while the score must stay importable without them. The screen and
the download row (``downloads.chart``) use the same tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from dashboard import export, i18n
from dashboard.domain import provisions
from dashboard.figures import maternity, risk


def _not_ja_list(row: pd.Series, pids: list[str]) -> str:
    return ", ".join(p for p in pids if row.get(f"x_{p}") == 1)


def _factor_columns(df: pd.DataFrame, contrib: str, lang: str) -> dict[str, pd.Series]:
    """Each factor's contribution to the score, one column per factor, for units and areas alike."""
    return {f"{risk.factor_label(factor, lang)} ({contrib})": df[f"c_{factor}"].round(2) for factor in risk.FACTORS}


def unit_export(ranked: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The ranked units with localised headers: rank, unit, place, score, each factor's and each
    rule's contribution, and the rules not ``ja``. The same table is shown and downloaded."""
    pids = risk.provision_columns(ranked)
    contrib = i18n.t("risk_contribution", lang)
    data: dict[str, object] = {
        i18n.t("rank", lang): ranked["rank"],
        i18n.t("page_unit", lang): ranked["name"],
        i18n.t("risk_unit_id", lang): ranked["unit_id"],
        i18n.t("kommun", lang): ranked["kommun"],
        i18n.t("region", lang): ranked["region"],
        i18n.t("risk_score", lang): ranked["score"].round(2),
    }
    data.update(_factor_columns(ranked, contrib, lang))
    data[i18n.t("risk_not_ja", lang)] = [_not_ja_list(r, pids) if r["responded"] else i18n.t("no_answer", lang)
                                         for _, r in ranked.iterrows()]
    for p in pids:
        data[f"{p} ({contrib})"] = ranked[f"c_{p}"].round(2)
    data[i18n.t("risk_prev_not_ja", lang)] = ranked["prev_n_not_ja"].astype("Float64")
    return pd.DataFrame(data)


def area_export(areas: pd.DataFrame, level: str, lang: str, with_maternity: bool = False) -> pd.DataFrame:
    """Ranked areas with localised headers: rank (blank when n < 5), name, n, mean score and the mean
    contribution of each factor; for regions optionally the maternity-care context, labelled as such."""
    code, name = risk.AREAS[level]
    contrib = i18n.t("risk_contribution", lang)
    data: dict[str, object] = {
        i18n.t("rank", lang): areas["rank"],
        i18n.t(level, lang): areas[name],
        "n": areas["n_units"],
        i18n.t("n_responded", lang): areas["n_responded"],
        i18n.t("risk_mean_score", lang): areas["score"].round(2),
    }
    data.update(_factor_columns(areas, contrib, lang))
    data["n < 5"] = ~areas["ranked"] & (areas["n_units"] > 0)
    if with_maternity and level == "region":
        year = maternity.YEARS[-1]
        mc = maternity.table().set_index("region_kod")[f"y{year}"]
        label = f"{i18n.t('risk_maternity_col', lang, year=year)} [{maternity.SOURCE}]"
        data[label] = areas[code].map(mc).astype("Int64")
    return pd.DataFrame(data)


@dataclass(frozen=True)
class RiskAbout(export.About):
    """``export.About`` (title, source, round, selection, example notice, date) plus the risk view's own
    rows: level, unit type, compared round, the weights (as in the URL and one per row) and the method."""

    extra: tuple[tuple[str, str], ...] = ()

    def rows(self) -> list[tuple[str, str]]:
        return [*super().rows(), *self.extra]


def export_about(lang: str, round_name: str, previous: str, level: str, unit_type: str, scope: str,
                 weights: Mapping[str, float], synthetic: bool,
                 catalogue: pd.DataFrame | None = None) -> RiskAbout:
    """The file's description sheet, so a downloaded list says how it was ranked."""
    catalogue = provisions.catalogue() if catalogue is None else catalogue
    defaults = risk.default_weights([unit_type], catalogue)
    title_col = "title_en" if lang == "en" else "title_sv"
    titles = dict(zip(catalogue["provision_id"], catalogue[title_col], strict=True))
    level_word = i18n.t("risk_units", lang) if level == "unit" else i18n.t(f"risk_level_{level}", lang)
    full = risk.encode_weights(weights, defaults, full=True)
    extra: list[tuple[str, str]] = [
        (i18n.t("unit_type", lang), i18n.t(unit_type, lang)),
        (i18n.t("risk_level", lang), level_word),
        (i18n.t("risk_prev_round", lang), previous or "–"),
        (i18n.t("risk_weights_url", lang), full),
    ]
    for key in defaults:
        label = f"{key} {titles[key]}" if key in titles else risk.factor_label(key, lang)
        extra.append((f"{i18n.t('risk_weight_of', lang)}: {label}", risk.weight_text(float(weights.get(key, defaults[key])))))
    extra.append((i18n.t("risk_score", lang), i18n.t("risk_method_row", lang)))
    if level == "region":
        extra.append((i18n.t("risk_maternity_heading", lang), maternity.source_line(lang)))
    title = f"{i18n.t('page_risk', lang)}: {i18n.unit_noun(unit_type, 2, lang)}, {level_word.lower()}"
    filters = f"{i18n.t('risk_weights', lang)}: {full}"
    return RiskAbout(title=title, round=round_name, selection=scope, filters=filters, synthetic=synthetic,
                     lang=lang, extra=tuple(extra))


def export_table(table: pd.DataFrame, weights: Mapping[str, float], unit_type: str, today: dt.date,
                 lang: str) -> pd.DataFrame:
    """The shown table plus the weights and the date on every row (a CSV has no description sheet),
    yes/no in words."""
    out = table.copy()
    for col in out.columns:
        if pd.api.types.is_bool_dtype(out[col]):
            out[col] = out[col].map(lambda v: i18n.t("ja" if v else "nej", lang))
    out[i18n.t("risk_weights", lang)] = risk.encode_weights(weights, risk.default_weights([unit_type]), full=True)
    out[i18n.t("risk_date", lang)] = today.isoformat()
    return out
