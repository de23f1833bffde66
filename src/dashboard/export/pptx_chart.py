"""A native PowerPoint chart from a ``findings.ChartSpec``: python-pptx's chart with its numbers inside.

Why native and not a picture: an analyst must be able to change a colour, a font or a label in
PowerPoint ("Edit data"). Why its own module: how a chart is drawn (types, axes, fills, patterns
for colour-blind readers, labels) is one job, apart from laying out the slides around it.
"""

from __future__ import annotations

from typing import Any

from dashboard.export.common import xml_safe
from dashboard.export.findings import ChartSpec

# Pattern fills besides the colours, so the statuses and answers differ without colour too.
_PATTERNS = {"/": "WIDE_UPWARD_DIAGONAL", ".": "PERCENT_20", "x": "SMALL_CONFETTI"}


def rgb(hex_colour: str) -> Any:
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_colour.lstrip("#"))


def _fill(fill: Any, colour: str, pattern: str) -> None:
    from pptx.enum.dml import MSO_PATTERN

    if pattern in _PATTERNS:
        fill.patterned()
        fill.pattern = getattr(MSO_PATTERN, _PATTERNS[pattern])
        fill.fore_color.rgb = rgb("#FFFFFF")
        fill.back_color.rgb = rgb(colour)
    else:
        fill.solid()
        fill.fore_color.rgb = rgb(colour)


def add_chart(slide: Any, spec: ChartSpec, box: tuple[int, int, int, int], lang: str) -> Any:
    """A native chart with its data inside (PowerPoint's "Edit data"), labels with counts."""
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
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
    value_axis.major_gridlines.format.line.color.rgb = rgb("#DDDDDD")
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
            series.format.line.color.rgb = rgb(s.colour)
            series.format.line.width = Pt(3)
            series.smooth = False
            series.marker.format.fill.solid()
            series.marker.format.fill.fore_color.rgb = rgb(s.colour)
        else:
            _fill(series.format.fill, s.colour, s.pattern)
            for idx, colour in s.point_colours.items():
                _fill(series.points[idx].format.fill, colour, "")
        _labels(series, s.labels, spec.kind)
    return gframe


_LABEL_POSITION = {"bar": "OUTSIDE_END", "line": "ABOVE", "stacked": "CENTER"}


def _labels(series: Any, labels: list[str], kind: str) -> None:
    """Each point's own label (a count, "20 av 27 (74 %)"); an empty label draws none."""
    from pptx.enum.chart import XL_LABEL_POSITION
    from pptx.util import Pt

    for idx, label in enumerate(labels):
        if not label:
            continue
        dl = series.points[idx].data_label
        dl.has_text_frame = True
        dl.text_frame.text = xml_safe(label)
        for r in dl.text_frame.paragraphs[0].runs:
            r.font.size = Pt(10 if kind == "stacked" else 11)
        dl.position = getattr(XL_LABEL_POSITION, _LABEL_POSITION[kind])
