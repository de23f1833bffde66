"""The risk view's figures: contributions as stacked bars, and the maternity-care context.

Chart-level code beside ``charts`` (the same layout helper, ``charts.layout``), so ``risk`` (the
score) needs neither plotly nor files.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from dashboard import i18n
from dashboard.figures import maternity, risk
from dashboard.present import charts

# Okabe–Ito colours as the status colours elsewhere, plus a pattern so colour is never alone.
FACTOR_COLOURS = {"provisions": "#E69F00", "none": "#D55E00", "noanswer": "#999999", "worse": "#CC79A7"}
FACTOR_PATTERNS = {"provisions": "", "none": "/", "noanswer": "x", "worse": "."}

def contribution_bar(df: pd.DataFrame, labels: Sequence[str], lang: str, title: str, subtitle: str,
                     source: str) -> go.Figure:
    """One horizontal bar per row (highest on top), stacked by factor, so the reason for a rank shows."""
    d = df.iloc[::-1]
    ylabels = list(labels)[::-1]
    fig = go.Figure()
    for factor in risk.FACTORS:
        label = risk.factor_label(factor, lang)
        fig.add_trace(go.Bar(
            x=d[f"c_{factor}"], y=ylabels, orientation="h", name=label,
            marker={"color": FACTOR_COLOURS[factor], "pattern": {"shape": FACTOR_PATTERNS[factor]},
                    "line": {"color": "#333", "width": 0.5}},
            hovertemplate="%{y}: %{x:.2f}<extra>" + label + "</extra>",
        ))
    fig.update_layout(barmode="stack")
    fig.update_yaxes(type="category", automargin=True)
    fig.update_xaxes(title=i18n.t("risk_axis", lang), rangemode="tozero")
    fig = charts.layout(fig, title, subtitle, source, height=max(380, 26 * len(d) + 230))
    # Four factors wrap to two legend rows: give them room above the bars instead of over them.
    fig.update_layout(legend={"y": 1.01, "yanchor": "bottom", "traceorder": "normal"},
                      margin={"t": 130})
    return fig


def bar_labels(names: Sequence[str], ranks: Sequence[object], extra: Sequence[str] | None = None) -> list[str]:
    """"3. Name": the rank, shared by ties (never a made-up order); "–" for an unranked row. A
    repeated label gets ``extra`` (e.g. the unit id) so plotly does not merge two bars into one."""
    labels = [f"– {n}" if pd.isna(r) else f"{int(r)}. {n}" for n, r in zip(names, ranks, strict=True)]
    if extra is not None and len(set(labels)) < len(labels):
        labels = [f"{label} ({e})" for label, e in zip(labels, extra, strict=True)]
    return labels


def caption_contributions(df: pd.DataFrame, labels: Sequence[str], lang: str) -> str:
    """Text alternative: the top row's score and what it is made of."""
    if df.empty or not (df["score"] > 0).any():
        return i18n.t("risk_caption_none", lang)
    top = df.iloc[0]
    parts = ", ".join(f"{risk.factor_label(f, lang).lower()} {_fmt(top[f'c_{f}'], lang)}"
                      for f in risk.FACTORS if top[f"c_{f}"] > 0)
    text = i18n.t("risk_caption_top", lang, name=list(labels)[0], score=_fmt(top["score"], lang), parts=parts)
    tied = int((df["score"].round(9) == round(float(top["score"]), 9)).sum())
    return f"{text} {i18n.t('risk_caption_ties', lang, k=tied)}" if tied > 1 else text


def _fmt(value: float, lang: str) -> str:
    return i18n.fmt_num(float(value), lang, decimals=2)


def maternity_chart(lang: str) -> go.Figure:
    """First and last year per region as dots (hollow, filled), sorted by the last year; country marked."""
    first, last = maternity.YEARS[0], maternity.YEARS[-1]
    mc = maternity.table().sort_values([f"y{last}", "region_short"], ascending=[True, False])
    fig = go.Figure()
    for year, symbol in ((first, "circle-open"), (last, "circle")):
        fig.add_trace(go.Scatter(
            x=mc[f"y{year}"], y=mc["region_short"], mode="markers", name=str(year),
            marker={"symbol": symbol, "size": 10, "color": charts.BAR_SELECTED, "line": {"width": 2}},
            hovertemplate="%{y} " + str(year) + ": %{x} %<extra></extra>",
        ))
    fig.add_vline(x=maternity.COUNTRY[-1], line_dash="dash", line_color=charts.COUNTRY,
                  annotation_text=f"{i18n.t('country', lang)} {last}: {i18n.fmt_pct(maternity.COUNTRY[-1] / 100, lang)}",
                  annotation_position="bottom left")
    fig.update_xaxes(title="%", range=[0, 102])
    fig.update_yaxes(type="category")
    return charts.layout(fig, i18n.t("risk_maternity_title", lang),
                          i18n.t("risk_maternity_sub", lang, first=first, last=last),
                          maternity.source_line(lang), height=max(420, 24 * len(mc) + 160))


def caption_maternity(lang: str) -> str:
    first, last = maternity.YEARS[0], maternity.YEARS[-1]
    mc = maternity.table().sort_values(f"y{last}")
    low, high = mc.iloc[0], mc.iloc[-1]
    return i18n.t("risk_maternity_caption", lang, last=last, first=first, low_name=low["region_short"],
                  low=low[f"y{last}"], high_name=high["region_short"], high=high[f"y{last}"],
                  country=maternity.COUNTRY[-1], country_first=maternity.COUNTRY[0])
