"""Reading every kind of output for a share, difference or rank of an area with fewer than SMALL_N
units (issue 18, point 5): text, tables, plotly figures, deck JSON, PPTX, DOCX, XLSX, CSV and SVG.

How a small area is recognised, without knowing which output it is:
- text: a count "k av n" / "k of n" with n < SMALL_N. Followed by a percentage in brackets ("1 av 1
  (100 %)") it is a share of a small area; in the same line or sentence as a percentage, "procent",
  "p.e." or "pp" ("2 av 2 … 100 procent") it is too.
- tables: a row whose responding units ("Svarat"/"Responded", else "n") are 1 to SMALL_N - 1 must leave
  every share, difference and rank cell empty (the country's stays; the region's only if the region,
  summed over the table, has SMALL_N or more).
- charts: a point labelled with a small count ("Gotland (1 av 1)", "2 av 2") has no value on a share axis.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import math
import re
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from typing import Any

from dashboard.figures.aggregate import SMALL_N

# "k av n" with thousands written "1 136" (a no-break or a plain space) or "1,136": n is the whole number
COUNT = re.compile(r"(?<![\d\u00a0])(\d+) (?:av|of) (\d+)(?![\d\u00a0]|,\d| \d{3}\b)")
SHARE_AFTER = re.compile(r"(?<![\d\u00a0])(\d+) (?:av|of) (\d+)\s*\([^)]*%")
SHARE_WORDS = re.compile(r"%|procent|percent|p\.e\.|\bpp\b|\(pp\)")
SEGMENT = re.compile(r"\n|;|(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9])")
SHARE_HEADER = re.compile(r"%|p\.e\.|\(pp\)|^(Rang|Rank)$|^(Andel|Share)|^diff_pp$|^rank$|^response_rate$",
                          re.IGNORECASE)
OTHER_AREA = re.compile(r"^(Riket|Country)\b|^Regionen\b|^Region \(%\)|^(country|region)_share")
# a column with its own outside source in the header (the risk page's SCB maternity-care context) is
# published statistics about the region, not a share of the survey's units
OUTSIDE = re.compile(r"\[SCB")
N_HEADERS = ("Svarat", "Responded", "n_responded", "n")


def _small(n: str) -> bool:
    return 0 < int(n) < SMALL_N


def small_count(text: str) -> bool:
    """The text names a count of fewer than SMALL_N units ("2 av 2")."""
    return any(_small(m.group(2)) for m in COUNT.finditer(text))


class Scan:
    """Collects every place where a small area shows a share, difference or rank."""

    def __init__(self) -> None:
        self.found: list[str] = []
        self.seen = 0  # outputs read: a scan that read nothing proves nothing
        self.texts: list[str] = []  # everything read, for the test's own controls

    def bad(self, where: str, what: str) -> None:
        self.found.append(f"{where}: {what}")

    # ------------------------------------------------------------------ text
    def text(self, where: str, text: Any) -> None:
        if text is None or isinstance(text, bool | int | float):
            return
        text = str(text)
        self.texts.append(text)
        for m in SHARE_AFTER.finditer(text):
            if _small(m.group(2)):
                self.bad(where, f"share of a small area: {m.group(0)!r}")
        for part in SEGMENT.split(text):
            if small_count(part) and not SHARE_AFTER.search(part) and SHARE_WORDS.search(part):
                self.bad(where, f"small count beside a share: {part.strip()!r}")

    def strings(self, where: str, value: Any) -> None:
        """Every string anywhere in a JSON-like value."""
        if isinstance(value, str):
            self.text(where, value)
        elif isinstance(value, dict):
            for v in value.values():
                self.strings(where, v)
        elif isinstance(value, list | tuple):
            for v in value:
                self.strings(where, v)

    # ------------------------------------------------------------------ tables
    def table(self, where: str, header: list[str], rows: Iterable[list[Any]]) -> None:
        self.seen += 1
        header = [str(h) for h in header]
        rows = [list(r) for r in rows]
        for row in rows:
            for cell in row:
                if isinstance(cell, str):
                    self.text(where, cell)
        n_col = next((header.index(h) for h in N_HEADERS if h in header), None)
        if n_col is None:
            return
        region_n = _region_counts(header, rows, n_col)
        for row in rows:
            n = _number(row[n_col])
            if n is None or not 0 < n < SMALL_N:
                continue
            for j, name in enumerate(header):
                if j == n_col or not SHARE_HEADER.search(name) or OUTSIDE.search(name) or j >= len(row):
                    continue
                if OTHER_AREA.search(name):
                    region = str(row[_region_column(header)]) if region_n else ""
                    if name.lower().startswith("region") and 0 < region_n.get(region, SMALL_N) < SMALL_N \
                            and _number(row[j]) is not None:
                        self.bad(where, f"a small region's share {name}={row[j]!r} in {row}")
                    continue
                value = row[j]
                if isinstance(value, str) and not _is_number_text(value):
                    continue  # words ("1 av 1"), read by the text rules above
                if _number(value) is not None:
                    self.bad(where, f"{name}={value!r} for n={n:g} in {row}")

    def frame(self, where: str, df: Any) -> None:
        self.table(where, [str(c) for c in df.columns], df.astype(object).where(df.notna(), None).values.tolist())

    def csv(self, where: str, data: bytes, delimiter: str = ";") -> None:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))
        self.table(where, rows[0], rows[1:])

    def xlsx(self, where: str, data: bytes) -> None:
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(data))
        for ws in wb.worksheets:
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            if rows:
                self.table(f"{where}[{ws.title}]", [str(c) for c in rows[0]], rows[1:])

    # ------------------------------------------------------------------ charts and maps
    def plotly(self, where: str, spec: dict[str, Any]) -> None:
        self.seen += 1
        layout = spec.get("layout", {})
        self.strings(where, layout.get("annotations", []))
        self.strings(where, layout.get("title", {}))
        axis_title = {a: json.dumps(layout.get(f"{a}axis", {}).get("title", "")) for a in ("x", "y")}
        for trace in spec.get("data", []):
            for key in ("text", "hovertext", "name", "x", "y", "customdata"):
                self.strings(where, _array(trace.get(key)))
            if "text" in str(trace.get("mode", "")) and "markers" not in str(trace.get("mode", "")) \
                    and "lines" not in str(trace.get("mode", "")):
                continue  # a label placed on the axis, not a value
            value_axis = next((a for a in ("x", "y") if "%" in axis_title[a]), None)
            if value_axis is None:
                continue  # counts, not shares
            values = _array(trace.get(value_axis)) or []
            labels = [_array(trace.get(k)) or [] for k in ("text", "x" if value_axis == "y" else "y")]
            for i, value in enumerate(values):
                said = " ".join(str(lab[i]) for lab in labels if i < len(lab) and lab[i] is not None)
                if small_count(said) and _number(value) is not None:
                    self.bad(where, f"a point {value!r} on a share axis for {said!r}")

    def deck(self, where: str, deck_json: str, fetch: Any = None) -> None:
        """A pydeck map: every area's tooltip and colour, every point's tooltip. A layer whose data is
        a URL (a static file the browser fetches) is read through ``fetch(url) -> text``; one that
        cannot be read is a finding, never skipped."""
        self.seen += 1
        deck = json.loads(deck_json)
        for layer in deck.get("layers", []):
            data = layer.get("data")
            if isinstance(data, str):
                try:
                    data = json.loads(fetch(data))
                except Exception as exc:  # noqa: BLE001 - reported
                    self.bad(where, f"layer data at {data!r} could not be read: {exc}")
                    continue
            features = data.get("features", []) if isinstance(data, dict) else []
            for feature in features:
                props = feature.get("properties", {})
                tip = str(props.get("tooltip", ""))
                self.text(where, tip)
                if small_count(tip) and props.get("share") is not None:
                    self.bad(where, f"a small area coloured by {props.get('share')!r}: {tip!r}")
            if isinstance(data, list):
                for record in data:
                    self.text(where, record.get("tooltip"))

    def svg(self, where: str, data: bytes) -> None:
        import xml.etree.ElementTree as ET

        self.seen += 1
        for el in ET.fromstring(data).iter():
            if el.tag.endswith("}text") or el.tag == "text":
                self.text(where, "".join(el.itertext()))

    def html(self, where: str, data: bytes) -> None:
        """A static page: each block's text by the text rules, each table by the table rule."""
        self.seen += 1
        reader = _Html()
        reader.feed(data.decode("utf-8"))
        for text in reader.blocks:
            self.text(where, text)
        for header, rows in reader.tables:
            if header:
                self.table(f"{where} table", header, rows)

    # ------------------------------------------------------------------ office documents
    def pptx(self, where: str, data: bytes) -> None:
        from pptx import Presentation

        self.seen += 1
        for i, slide in enumerate(Presentation(io.BytesIO(data)).slides, start=1):
            here = f"{where} slide {i}"
            self.text(f"{here} notes", slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else "")
            for shape in slide.shapes:
                if shape.has_text_frame:
                    for p in shape.text_frame.paragraphs:
                        self.text(here, "".join(r.text for r in p.runs))
                if shape.has_table:
                    cells = [[c.text for c in row.cells] for row in shape.table.rows]
                    self.table(f"{here} table", cells[0], cells[1:])
                if shape.has_chart:
                    self._chart(f"{here} chart", shape.chart)

    def _chart(self, where: str, chart: Any) -> None:
        share_axis = "%" in (chart.value_axis.tick_labels.number_format or "")
        categories = [str(c) for c in chart.plots[0].categories]
        for c in categories:
            self.text(where, c)
        for plot in chart.plots:
            for series in plot.series:
                labels = _data_labels(series)
                for text in labels.values():
                    self.text(where, text)
                for i, value in enumerate(series.values):
                    said = f"{categories[i] if i < len(categories) else ''} {labels.get(i, '')}"
                    if share_axis and small_count(said) and value is not None:
                        self.bad(where, f"{series.name}: a bar/point {value!r} for {said!r}")

    def docx(self, where: str, data: bytes) -> None:
        from docx import Document

        self.seen += 1
        doc = Document(io.BytesIO(data))
        for section in doc.sections:
            for p in [*section.header.paragraphs, *section.footer.paragraphs]:
                self.text(where, p.text)
        for p in doc.paragraphs:
            self.text(where, p.text)
        for table in doc.tables:
            cells = [[c.text for c in row.cells] for row in table.rows]
            self.table(f"{where} table", cells[0], cells[1:])


def _data_labels(series: Any) -> dict[int, str]:
    """The per-point label texts of a native chart's series, by point index."""
    out = {}
    for dlbl in series._element.xpath("./c:dLbls/c:dLbl"):
        idx = int(dlbl.xpath("./c:idx/@val")[0])
        out[idx] = "".join(dlbl.xpath(".//a:t/text()"))
    return out


def _array(value: Any) -> list[Any] | None:
    """A plotly array, also in plotly 6's typed form ({"dtype": "f8", "bdata": base64})."""
    if isinstance(value, dict) and "bdata" in value:
        import numpy as np

        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    if isinstance(value, list | tuple):
        return list(value)
    return None if value is None else [value]


def _is_number_text(text: str) -> bool:
    return bool(re.fullmatch(r"[−+-]?[\d\u00a0 ]+([.,]\d+)?", text.strip()))


def _number(value: Any) -> float | None:
    """A cell as a number; None for an empty cell, a missing value or words."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return None if isinstance(value, float) and math.isnan(value) else float(value)
    text = str(value).strip()
    if not text or text in ("–", "-", "<NA>", "nan", "None") or not _is_number_text(text):
        return None
    return float(text.replace("\u00a0", "").replace(" ", "").replace(",", ".").replace("−", "-"))


def _region_column(header: list[str]) -> int:
    return next(i for i, h in enumerate(header) if h in ("Region", "region"))


def _region_counts(header: list[str], rows: list[list[Any]], n_col: int) -> dict[str, float]:
    """Responding units per region, summed over a table of municipalities that has a region column."""
    if not {"Region", "region"} & set(header) or not any(
            OTHER_AREA.search(h) and h.lower().startswith("region") for h in header):
        return {}
    j = _region_column(header)
    out: dict[str, float] = {}
    for row in rows:
        out[str(row[j])] = out.get(str(row[j]), 0) + (_number(row[n_col]) or 0)
    return out


def walk(node: Any) -> Iterator[Any]:
    """Every element of an AppTest tree."""
    for child in getattr(node, "children", {}).values():
        yield child
        yield from walk(child)


class _Html(HTMLParser):
    """Text blocks (paragraphs, headings, list items, captions, svg titles) and tables of a page."""

    BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "caption", "figcaption", "title", "text", "dt", "dd", "summary"}

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[str] = []
        self.tables: list[tuple[list[str], list[list[str]]]] = []
        self._text: list[str] | None = None
        self._depth = 0
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append(([], []))
        elif tag == "tr" and self.tables:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag in self.BLOCKS and self._cell is None:
            self._text, self._depth = ([] if self._text is None else self._text), self._depth + 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self.tables:
            header, rows = self.tables[-1]
            if not header:
                header.extend(self._row)
            else:
                rows.append(self._row)
            self._row = None
        elif tag in self.BLOCKS and self._text is not None and self._cell is None:
            self._depth -= 1
            if self._depth <= 0:
                self.blocks.append(" ".join("".join(self._text).split()))
                self._text, self._depth = None, 0

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif self._text is not None:
            self._text.append(data)
