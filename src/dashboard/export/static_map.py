"""The exported map picture (matplotlib): the same classes and colours as the screen's deck.

Why in ``export``: only files draw it (PNG, SVG, the slides' map), and matplotlib is heavy; the
pages never import this module. Classes, colours and legend rows come from ``present.scales``,
unit points from ``present.deck.point_records``, so a PNG matches the screen.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal

from dashboard.present.deck import point_records
from dashboard.present.scales import (
    AREA_STATUS_HEX,
    NO_DATA_HEX,
    RATE_HEX,
    hex_for,
    legend_rows,
    plain_value,
    rate_class_of,
    rate_legend_rows,
    status_legend_rows,
)

if TYPE_CHECKING:  # matplotlib is imported where a static map is drawn: pages load faster without it
    from matplotlib.figure import Figure


def _text(fig: Figure, x: float, y: float, s: str, **kwargs: Any) -> None:
    """Figure text with mathtext off: a '$' in a user-supplied name must print as '$'."""
    fig.text(x, y, s, parse_math=False, **kwargs)


def static_map(
    gdf: Any,
    title: str,
    subtitle: str,
    source_line: str,
    legend_labels: Mapping[str, str] | None = None,
    points: Iterable[Mapping[str, Any]] | None = None,
    *,
    value_key: str = "share",
    lang: str = "sv",
    scale: Literal["share", "rate"] = "share",
    figsize: tuple[float, float] = (12.8, 7.2),
    dpi: int = 100,
) -> Figure:
    """A 16:9 north-up export figure: same classes as the deck, no basemap, legend, title and source.

    ``gdf``: a GeoDataFrame with geometry and a ``share`` column (percent, NaN = no data).
    Drawn in SWEREF 99 TM so Sweden is not stretched. ``legend_labels`` may hold
    ``legend_title``, ``no_data``, ``class_0``..``class_4`` and the four status keys.
    ``scale="rate"``: ``value_key`` holds units per 10 000 inhabitants, drawn in the rate classes.
    Uses ``matplotlib.figure.Figure`` directly (no pyplot state: safe in Streamlit threads).
    """
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    labels = dict(legend_labels or {})
    frame = gdf if gdf.crs is not None else gdf.set_crs("EPSG:4326")
    frame = frame.to_crs("EPSG:3006")
    shares = [plain_value(v) for v in frame[value_key]] if value_key in frame else [None] * len(frame)
    if scale == "rate":
        colours = [NO_DATA_HEX if rate_class_of(s) is None else RATE_HEX[rate_class_of(s)] for s in shares]
        rows = rate_legend_rows(lang)
        if "no_data" in labels:
            rows[-1]["label"] = labels["no_data"]
    else:
        # an area with too few units for a share (``area_status``) in its units' status colour
        status = list(frame["area_status"]) if "area_status" in frame else [None] * len(frame)
        colours = [AREA_STATUS_HEX[st] if st in AREA_STATUS_HEX else hex_for(s) for s, st in zip(shares, status, strict=True)]
        rows = legend_rows(lang, labels)
        small = [st for st in status if st in AREA_STATUS_HEX]
        if small:  # the legend explains those colours too (the screen's "small areas" legend)
            suffix = labels.get("small_area", "")
            rows += [{"label": f"{labels.get(st, st)} · {suffix}" if suffix else labels.get(st, st),
                      "hex": AREA_STATUS_HEX[st], "class": st} for st in dict.fromkeys(small)]
        shares = [None if st in AREA_STATUS_HEX else s for s, st in zip(shares, status, strict=True)]
    missing = [s is None and c == NO_DATA_HEX for s, c in zip(shares, colours, strict=True)]

    fig = Figure(figsize=figsize, dpi=dpi, facecolor="white")
    ax = fig.add_axes((0.03, 0.08, 0.55, 0.76))
    ax.set_axis_off()
    ax.set_aspect("equal")

    line_width = 0.5 if len(frame) <= 30 else 0.25
    frame.plot(ax=ax, color=colours, edgecolor="none", linewidth=0)
    if any(missing):
        no_data_part = frame[missing]
        coll_before = len(ax.collections)
        no_data_part.plot(ax=ax, facecolor=NO_DATA_HEX, edgecolor="#8c8c8c", hatch="////", linewidth=0)
        for coll in ax.collections[coll_before:]:
            coll.set_hatch_linewidth(0.4)
    frame.boundary.plot(ax=ax, color="#404040", linewidth=line_width)

    handles: list[Any] = []
    for row in rows:
        hatch = "////" if row["class"] is None else None
        edge = "#8c8c8c" if row["class"] is None else "#404040"
        handles.append(
            Patch(facecolor=row["hex"], edgecolor=edge, hatch=hatch, linewidth=0.5, label=row["label"])
        )

    if points is not None:
        records = point_records(points, lang, labels)
        present = {r["status"] for r in records}
        to_xy = _projector()
        for row in status_legend_rows(lang, labels):
            group = [r for r in records if r["status"] == row["status"]]
            if group:
                xs, ys = to_xy([r["lon"] for r in group], [r["lat"] for r in group])
                hollow = row["status"] == "no_answer"
                ax.scatter(
                    xs,
                    ys,
                    s=(row["radius"] * 1.6) ** 2,
                    marker=row["marker"],
                    facecolors="none" if hollow else row["hex"],
                    edgecolors=row["line_hex"],
                    linewidths=row["line_width"] * 0.6,
                    zorder=3,
                )
            if row["status"] in present:
                handles.append(
                    Line2D(
                        [],
                        [],
                        linestyle="none",
                        marker=row["marker"],
                        markersize=row["radius"] * 1.6,
                        markerfacecolor="none" if row["status"] == "no_answer" else row["hex"],
                        markeredgecolor=row["line_hex"] if row["status"] == "no_answer" else "#404040",
                        label=row["label"],
                    )
                )

    legend = fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.6, 0.8),
        frameon=False,
        fontsize=11,
        title=labels.get("legend_title"),
        title_fontsize=12,
        alignment="left",
    )
    for text in [*legend.get_texts(), legend.get_title()]:
        text.set_parse_math(False)

    ax.annotate(
        "N",
        xy=(0.97, 0.98),
        xytext=(0.97, 0.88),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=10,
        arrowprops={"arrowstyle": "-|>", "color": "#333333", "linewidth": 1},
    )

    _text(fig, 0.03, 0.95, title, fontsize=18, fontweight="bold", va="top")
    _text(fig, 0.03, 0.895, subtitle, fontsize=12, color="#333333", va="top")
    _text(fig, 0.03, 0.03, "\n".join(textwrap.wrap(source_line, 170)), fontsize=9, color="#444444", va="bottom")
    return fig


def _projector() -> Any:
    """lon/lat (WGS 84) -> SWEREF 99 TM, matching the figure's geometry."""
    from pyproj import Transformer

    transformer = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True)
    return transformer.transform
