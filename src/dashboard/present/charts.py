"""Plotly figures with shared styling and captions (text alternatives).

Every chart carries its title, a subtitle (round, selection, unit counts) and a source line
inside the figure, so a static export is self-explaining. Colours are colour-blind safe
(Okabe–Ito); status is never shown by colour alone (labels and patterns carry it too).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go

from dashboard import i18n
from dashboard.figures.aggregate import SMALL_N, mask_small

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
STATUS_COLOURS = {
    "follows_all": "#0072B2",
    "not_all": "#E69F00",
    "follows_none": "#D55E00",
    "no_answer": "#999999",
}
ANSWER_COLOURS = {"ja": "#0072B2", "nej": "#D55E00", "vet_ej": "#E69F00", "saknas": "#BBBBBB"}
ANSWER_PATTERNS = {"ja": "", "nej": "/", "vet_ej": ".", "saknas": "x"}
BAR = "#56B4E9"
BAR_SELECTED = "#0072B2"
COUNTRY = "#000000"
FONT = "DejaVu Sans, Arial, sans-serif"
SOURCE_WIDTH = 150  # characters per line of the source under a chart


def layout(fig: go.Figure, title: str, subtitle: str, source: str, height: int) -> go.Figure:
    # a long source line (example rounds, what a round covers) wraps instead of running off the chart
    lines = textwrap.wrap(source, SOURCE_WIDTH) or [""]
    source = "<br>".join(lines)
    fig.update_layout(
        title={"text": f"{title}<br><sup>{subtitle}</sup>", "x": 0.01, "xanchor": "left"},
        font={"family": FONT, "size": 13, "color": "#222"},
        height=height + 15 * (len(lines) - 1),
        margin={"l": 10, "r": 30, "t": 80, "b": 70 + 15 * (len(lines) - 1)},
        plot_bgcolor="white",
        paper_bgcolor="white",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
    )
    fig.add_annotation(text=source, xref="paper", yref="paper", x=0, y=-0.02, yanchor="top",
                       xanchor="left", showarrow=False, font={"size": 11, "color": "#444"}, yshift=-40)
    fig.update_xaxes(gridcolor="#e5e5e5", zeroline=False)
    return fig


def source_line(lang: str, synthetic: bool, round_name: str, example_rounds: Iterable[str] = ()) -> str:
    """The source under a chart or on a slide. Generated numbers are never credited to IVO.

    ``synthetic``: some round in view is example data; ``example_rounds``: which ones, when known.
    The selected round's own data is credited to IVO only when it is real; a real round compared
    with an example round keeps IVO for itself and says which round is example data.
    """
    round_word = i18n.t("round", lang).lower()
    others = [r for r in dict.fromkeys(str(r) for r in example_rounds) if r != str(round_name)]
    own_example = synthetic and (not others or str(round_name) in {str(r) for r in example_rounds})
    if own_example:
        text = f"{i18n.t('source_example', lang)}; {round_word} {round_name}"
    else:
        text = f"{i18n.t('source_line', lang)}; {round_word} {round_name}"
    if others:
        text += ". " + i18n.t("source_example_compared", lang, rounds=", ".join(others))
    return text


def region_bar(reg: pd.DataFrame, lang: str, title: str, subtitle: str, source: str,
               selected: str = "") -> go.Figure:
    """Share not following all rules per region, sorted, with the country level marked."""

    df = reg.dropna(subset=["share_not_all"]).sort_values("share_not_all", ascending=True)
    # fewer than SMALL_N responding: no bar (a 1-of-1 would fill it), the count beside the name
    small = df["n_responded"] < SMALL_N
    df = pd.concat([df[small], df[~small]])
    df = df.assign(region_short=[f"{name} ({i18n.t('share_of_count', lang, k=int(k), n=int(n))})" if sm else name
                                 for name, k, n, sm in zip(df["region_short"], df["n_not_all"], df["n_responded"],
                                                           small.loc[df.index], strict=True)],
                   share_not_all=df["share_not_all"].where(~small.loc[df.index]))
    labels = ["" if sm else i18n.fmt_share(k, n, lang) for k, n, sm in
              zip(df["n_not_all"], df["n_responded"], small.loc[df.index], strict=True)]
    colours = [BAR_SELECTED if c == selected else BAR for c in df["region_kod"]]
    fig = go.Figure(go.Bar(
        x=df["share_not_all"] * 100, y=df["region_short"], orientation="h", marker_color=colours,
        marker_line_color="#333", marker_line_width=[2 if c == selected else 0 for c in df["region_kod"]],
        text=labels, textposition="outside", cliponaxis=False, customdata=df["region_kod"],
        hovertemplate="%{y}: %{text}<extra></extra>", name=i18n.t("share_not_all", lang),
    ))
    country = float(reg["country_share_not_all"].iloc[0]) * 100 if len(reg) else None
    if country is not None and country == country:
        fig.add_vline(x=country, line_dash="dash", line_color=COUNTRY,
                      annotation_text=f"{i18n.t('country', lang)} {i18n.fmt_pct(country / 100, lang)}",
                      annotation_position="top")
    fig.update_xaxes(title=f"{i18n.t('share_not_all', lang)} (%)", range=[0, 110])
    return layout(fig, title, subtitle, source, height=max(420, 26 * len(df) + 160))


def provision_bar(prov: pd.DataFrame, lang: str, title: str, subtitle: str, source: str) -> go.Figure:
    """Answers per provision as stacked bars (ja / nej / vet ej / inget svar), country share marked.

    With fewer than ``aggregate.SMALL_N`` responding units the bars are counts, not shares (2 of 2
    would read as 100 %), and the country's share is left out: it is not comparable with a count."""

    title_col = "title_en" if lang == "en" else "title_sv"
    df = prov.iloc[::-1]
    n_max = int(df["n"].max()) if len(df) else 0
    counts = n_max < SMALL_N
    ylabels = [f"{p} {t}" + (" *" if ga else "") for p, t, ga in
               zip(df["provision_id"], df[title_col], df["general_advice"], strict=True)]
    fig = go.Figure()
    for answer in ("ja", "nej", "vet_ej", "saknas"):
        share = df[f"n_{answer}"] / df["n"].where(df["n"] > 0) * 100
        fig.add_trace(go.Bar(
            x=df[f"n_{answer}"] if counts else share, y=ylabels, orientation="h", name=i18n.t(answer, lang),
            marker={"color": ANSWER_COLOURS[answer], "pattern": {"shape": ANSWER_PATTERNS[answer]}},
            customdata=df[f"n_{answer}"],
            hovertemplate=("%{y}: %{customdata}" if counts else "%{y}: %{customdata} (%{x:.0f} %)")
            + "<extra>" + i18n.t(answer, lang) + "</extra>",
        ))
    if not counts:
        fig.add_trace(go.Scatter(
            x=100 - df["country_share_not_ja"] * 100, y=ylabels, mode="markers",
            marker={"symbol": "line-ns", "size": 22, "line": {"width": 3, "color": COUNTRY}},
            name=f"{i18n.t('country', lang)}: {i18n.t('ja', lang).lower()}", hovertemplate="%{x:.0f} %<extra></extra>",
        ))
    fig.update_layout(barmode="stack")
    if counts:
        fig.update_xaxes(title=i18n.t("chart_count_axis", lang, limit=SMALL_N), range=[0, max(n_max, 1)], dtick=1)
    else:
        fig.update_xaxes(title="%", range=[0, 100])
    return layout(fig, title, subtitle, source, height=max(380, 44 * len(df) + 170))


def share_distribution(df: pd.DataFrame, name_col: str, lang: str, title: str, subtitle: str,
                       source: str, country: float | None) -> go.Figure:
    """Each area's share as a dot with its count, sorted. Areas with fewer than ``aggregate.SMALL_N``
    responding units get no dot of their own (a 1-of-1 would sit at 0 % or 100 %): they are grouped
    as one "other areas" row with the group's count, and a share only when the group is large enough."""

    d = df.dropna(subset=["share_not_all"])
    small = d["n_responded"] < SMALL_N
    big, rest = d[~small].sort_values("share_not_all"), d[small]
    fig = go.Figure()
    if len(rest):
        k, n = int(rest["n_not_all"].sum()), int(rest["n_responded"].sum())
        label = i18n.t("chart_others", lang, m=len(rest), limit=SMALL_N)
        if n >= SMALL_N:
            fig.add_trace(go.Scatter(
                x=[k / n * 100], y=[label], mode="markers+text", text=[i18n.fmt_share(k, n, lang)],
                textposition="middle right", marker={"symbol": "diamond-open", "size": 12, "color": BAR_SELECTED,
                                                     "line": {"width": 2}},
                name=i18n.t("chart_others_legend", lang, limit=SMALL_N), hovertemplate="%{y}: %{text}<extra></extra>",
            ))
        else:  # even together too few for a share: the count only, no dot
            fig.add_trace(go.Scatter(
                x=[0], y=[label], mode="text", text=[i18n.t("share_of_count", lang, k=k, n=n)],
                textposition="middle right", showlegend=False, hoverinfo="skip",
            ))
    fig.add_trace(go.Scatter(
        x=big["share_not_all"] * 100, y=big[name_col], mode="markers",
        marker={"symbol": "circle", "size": 9, "color": BAR_SELECTED, "line": {"width": 1.5}},
        name=f"n ≥ {SMALL_N}",
        text=[i18n.fmt_share(k, n, lang) for k, n in zip(big["n_not_all"], big["n_responded"], strict=True)],
        hovertemplate="%{y}: %{text}<extra></extra>",
    ))
    if country is not None and country == country:
        fig.add_vline(x=country * 100, line_dash="dash", line_color=COUNTRY,
                      annotation_text=f"{i18n.t('country', lang)} {i18n.fmt_pct(country, lang)}")
    fig.update_xaxes(title=f"{i18n.t('share_not_all', lang)} (%)", range=[-2, 102])
    rows = len(big) + (1 if len(rest) else 0)
    return layout(fig, title, subtitle, source, height=max(420, 16 * rows + 160))


def caption_region_bar(reg: pd.DataFrame, lang: str, name_col: str = "region") -> str:
    """A text alternative with the key numbers: highest, lowest and the country level, among the
    areas with at least ``SMALL_N`` responding units (a 1-of-1 area is not "the highest share")."""
    d = mask_small(reg).dropna(subset=["share_not_all"]).sort_values("share_not_all", ascending=False)
    if d.empty:
        return i18n.t("caption_all_small", lang, limit=SMALL_N) if (reg["n_responded"] > 0).any() \
            else i18n.t("no_data", lang)
    hi, lo = d.iloc[0], d.iloc[-1]
    country = i18n.fmt_pct(float(d["country_share_not_all"].iloc[0]), lang)
    return i18n.t("caption_region_bar", lang, hi_name=hi[name_col], lo_name=lo[name_col], country=country,
                  hi=i18n.fmt_share(hi["n_not_all"], hi["n_responded"], lang),
                  lo=i18n.fmt_share(lo["n_not_all"], lo["n_responded"], lang))


def caption_provisions(prov: pd.DataFrame, lang: str) -> str:
    d = prov[~prov["general_advice"]].dropna(subset=["share_not_ja"]).sort_values("share_not_ja", ascending=False)
    if d.empty:
        return i18n.t("no_data", lang)
    top = d.iloc[0]
    title = top["title_en"] if lang == "en" else top["title_sv"]
    k = int(top["n"] - top["n_ja"])
    return i18n.t("caption_provisions", lang, pid=top["provision_id"], title=title,
                  share=i18n.fmt_share(k, int(top["n"]), lang, small_n=SMALL_N))


def trend_line(trend: pd.DataFrame, names: dict[str, str], lang: str, title: str, subtitle: str,
               source: str) -> go.Figure:
    """Share not following all rules per round: one line per scope (country dashed), n in the labels.
    A round in which the scope has fewer than ``SMALL_N`` responding units has no point, only its count."""
    fig = go.Figure()
    for scope, part in mask_small(trend).groupby("scope", sort=False):
        labels = [i18n.fmt_share(k, n, lang, small_n=SMALL_N)
                  for k, n in zip(part["n_not_all"], part["n_responded"], strict=True)]
        fig.add_trace(go.Scatter(
            x=part["round"], y=part["share_not_all"] * 100, mode="lines+markers+text", name=names.get(scope, scope),
            text=labels, textposition="top center",
            line={"color": COUNTRY if scope == "country" else BAR_SELECTED,
                  "dash": "dash" if scope == "country" else "solid", "width": 2},
            marker={"symbol": "square" if scope == "country" else "circle", "size": 9},
        ))
    fig.update_xaxes(title=i18n.t("round", lang), type="category")
    fig.update_yaxes(title=f"{i18n.t('share_not_all', lang)} (%)", range=[0, 105], gridcolor="#e5e5e5")
    return layout(fig, title, subtitle, source, height=420)


def provision_slope(prov: pd.DataFrame, lang: str, title: str, subtitle: str, source: str) -> go.Figure:
    """Per provision, the share not answering yes in each round (a slope chart across rounds); no
    point where fewer than ``SMALL_N`` units answered it."""
    title_col = "title_en" if lang == "en" else "title_sv"
    prov = mask_small(prov) if len(prov) else prov
    fig = go.Figure()
    symbols = ["circle", "square", "diamond", "triangle-up", "x", "star"]
    palette = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
    for i, (pid, part) in enumerate(prov.groupby("provision_id", sort=True)):
        fig.add_trace(go.Scatter(
            x=part["round"], y=part["share_not_ja"] * 100, mode="lines+markers",
            name=f"{pid} {part[title_col].iloc[0]}",
            marker={"symbol": symbols[i % len(symbols)], "size": 9, "color": palette[i % len(palette)]},
            line={"color": palette[i % len(palette)]},
            hovertemplate="%{x}: %{y:.0f} %<extra>" + pid + "</extra>",
        ))
    fig.update_xaxes(title=i18n.t("round", lang), type="category")
    fig.update_yaxes(title=f"{i18n.t('share_not_ja', lang)} (%)", rangemode="tozero", gridcolor="#e5e5e5")
    fig.update_layout(legend={"orientation": "v", "y": 0.5, "x": 1.02, "xanchor": "left", "yanchor": "middle"})
    return layout(fig, title, subtitle, source, height=460)
