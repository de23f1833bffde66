"""Map colour scales: the class breaks, colours, fills and legend entries both map renderers share.

Why its own module: the browser's deck (``present.deck``) and the exported picture
(``export.static_map``) must colour an area the same, so they read one scale; the legends on the
page and in the files are built from the same rows. No pydeck, no matplotlib here: the screen's
legends import this without loading either.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import pandas as pd

from dashboard import i18n
from dashboard.figures.aggregate import SMALL_N

Level = Literal["kommun", "region"]
Scale = Literal["share", "change", "rate"]  # share not following all, change in p.p., units per 10 000
Status = Literal["follows_all", "not_all", "follows_none", "no_answer"]

# Share (%) that "does not follow all provisions or does not know": fixed, comparable across rounds.
BREAKS: tuple[int, ...] = (0, 20, 40, 60, 80, 100)
# Viridis sampled light -> dark (perceptually uniform, colour-vision-deficiency safe).
# The darkest class stops short of viridis' near-black end so outlines stay visible.
CLASS_HEX: tuple[str, ...] = ("#fde725", "#5ec962", "#1f958b", "#355f8d", "#481d6f")
NO_DATA_HEX = "#d9d9d9"

NO_DATA_LABEL: dict[str, str] = {lang: i18n.t("no_data", lang) for lang in i18n.LANGS}
# An area with too few units for a share (aggregate.SMALL_N) is filled by its units' status, in the
# points' colours; "no answer" (a hollow ring as a point) is a white area with the dark outline.
AREA_STATUS_HEX: dict[str, str] = {"follows_all": "#0072b2", "not_all": "#e69f00", "follows_none": "#d55e00",
                                   "no_answer": "#ffffff"}

# Okabe-Ito colours, and size/outline differ too, so status is never told by colour alone.
STATUS_ORDER: tuple[str, ...] = ("follows_all", "not_all", "follows_none", "no_answer")
STATUS_STYLE: dict[str, dict[str, Any]] = {
    "follows_all": {"hex": "#0072b2", "radius": 4, "line_hex": "#ffffff", "line_width": 1, "marker": "o"},
    "not_all": {"hex": "#e69f00", "radius": 6, "line_hex": "#ffffff", "line_width": 1, "marker": "D"},
    "follows_none": {"hex": "#d55e00", "radius": 8, "line_hex": "#ffffff", "line_width": 1, "marker": "^"},
    # Hollow ring: transparent fill, dark outline.
    "no_answer": {"hex": "#ffffff00", "radius": 5, "line_hex": "#333333", "line_width": 2, "marker": "o"},
}
# The map's short status names ("Följer alla"), from the word catalogue like every other text.
STATUS_LABEL: dict[str, dict[str, str]] = {
    lang: {status: i18n.t(f"map_{status}", lang) for status in STATUS_ORDER} for lang in i18n.LANGS
}


# --------------------------------------------------------------------------- colour scale


def hex_to_rgba(hex_colour: str) -> list[int]:
    """'#rrggbb' or '#rrggbbaa' -> [r, g, b, a] as deck.gl wants."""
    h = hex_colour.lstrip("#")
    rgba = [int(h[i : i + 2], 16) for i in range(0, len(h), 2)]
    return rgba if len(rgba) == 4 else [*rgba, 255]


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def class_of(share: float | None) -> int | None:
    """Class index 0-4 of a share in percent, intervals [0,20), [20,40), ... [80,100]; None = no data.

    Raises for values outside 0-100 (beyond float noise): a wrong share is a bug upstream.
    """
    if _is_missing(share):
        return None
    value = float(share)  # type: ignore[arg-type]
    if value < -1e-9 or value > 100 + 1e-9:
        raise ValueError(f"share {value} is outside 0-100 %")
    for i, upper in enumerate(BREAKS[1:-1]):
        if value < upper:
            return i
    return len(CLASS_HEX) - 1


def hex_for(share: float | None) -> str:
    cls = class_of(share)
    return NO_DATA_HEX if cls is None else CLASS_HEX[cls]


def _fill(palette: tuple[str, ...], cls: int | None, alpha: int) -> list[int]:
    """RGBA of class ``cls`` in ``palette``; the no-data grey when there is no class."""
    rgba = hex_to_rgba(NO_DATA_HEX if cls is None else palette[cls])
    rgba[3] = alpha
    return rgba


def colour_for(share: float | None, alpha: int = 255) -> list[int]:
    """RGBA fill for a share (no-data grey for None/NaN)."""
    return _fill(CLASS_HEX, class_of(share), alpha)


# Change between two rounds (percentage points of the share not following all rules):
# ColorBrewer PuOr, colour-blind safe; orange = the share rose (worse), purple = it fell.
CHANGE_BREAKS: tuple[float, ...] = (-math.inf, -10, -5, -1, 1, 5, 10, math.inf)
CHANGE_HEX: tuple[str, ...] = ("#542788", "#998ec3", "#d8daeb", "#f7f7f7", "#fee0b6", "#f1a340", "#b35806")


def change_class_of(pp: float | None) -> int | None:
    """Class 0-6 of a change in percentage points; None = no data (unit missing in a round)."""
    if _is_missing(pp):
        return None
    value = float(pp)  # type: ignore[arg-type]
    for i, upper in enumerate(CHANGE_BREAKS[1:]):
        if value < upper or (i == len(CHANGE_HEX) - 1):
            return i
    return len(CHANGE_HEX) - 1


def change_colour_for(pp: float | None, alpha: int = 255) -> list[int]:
    return _fill(CHANGE_HEX, change_class_of(pp), alpha)


def _signed(value: float) -> str:
    """A class bound as written in the legend: a real minus, no decimals when whole ("−10", "5")."""
    return f"{value:g}".replace("-", "\u2212")


def change_labels(lang: str = "sv") -> list[str]:
    """The change classes in words, from ``CHANGE_BREAKS``: "≤ −10 p.e.", "−10 till −5 p.e.", … "≥ 10 p.e."."""
    out = []
    for lo, hi in zip(CHANGE_BREAKS[:-1], CHANGE_BREAKS[1:], strict=True):
        if math.isinf(lo):
            out.append(i18n.t("map_change_below", lang, hi=_signed(hi)))
        elif math.isinf(hi):
            out.append(i18n.t("map_change_above", lang, lo=_signed(lo)))
        elif lo == -hi:
            out.append(i18n.t("map_change_around", lang, hi=_signed(hi)))
        else:
            out.append(i18n.t("map_change_between", lang, lo=_signed(lo), hi=_signed(hi)))
    return out


def change_legend_rows(lang: str = "sv") -> list[dict[str, Any]]:
    """The change classes, then the grey of an area with no change to show: no data in one of the
    rounds, or fewer than ``aggregate.SMALL_N`` responding units in either (the small-n rule)."""
    return _legend(change_labels(lang), CHANGE_HEX, i18n.t("map_change_no_data", lang, limit=SMALL_N))


# Health centres per 10 000 inhabitants (``visa=per10000``): fixed breaks, the same for regions
# and municipalities and for every round, so a colour means the same rate wherever it is seen.
# Chosen around the national level (about 1 per 10 000: 1 136 health centres, 10.6 million people):
# quantile breaks would colour 1.06 and 1.08 differently on a population-proportional round.
# Zero is a class of its own: a municipality with no health centre shows 0, not "no data".
# ColorBrewer Blues (sequential, one hue, lightness carries the order: colour-vision-deficiency safe).
RATE_BREAKS: tuple[float, ...] = (0.0, 0.8, 1.0, 1.2, 1.5, 2.0, math.inf)
RATE_HEX: tuple[str, ...] = ("#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")


def rate_class_of(rate: float | None) -> int | None:
    """Class 0-6 of a rate per 10 000: 0 is exactly zero, then [>0, 0.8), [0.8, 1), … [2, ∞).

    None = no data; a negative rate is a bug upstream and raises."""
    if _is_missing(rate):
        return None
    value = float(rate)  # type: ignore[arg-type]
    if value < 0:
        raise ValueError(f"rate {value} per 10 000 is negative")
    if value == 0:
        return 0
    for i, upper in enumerate(RATE_BREAKS[1:]):
        if value < upper:
            return i + 1
    return len(RATE_HEX) - 1


def rate_colour_for(rate: float | None, alpha: int = 255) -> list[int]:
    return _fill(RATE_HEX, rate_class_of(rate), alpha)


def _dec(value: float, lang: str) -> str:
    """A class bound: "0,75" / "0.75", "1" (no trailing zeros)."""
    text = f"{value:g}"
    return text.replace(".", ",") if lang != "en" else text


def rate_labels(lang: str = "sv") -> list[str]:
    """The rate classes in words, from ``RATE_BREAKS``: "0", "över 0, under 0,8", "0,8–1", … "2 eller fler"."""
    out = ["0"]
    for lo, hi in zip(RATE_BREAKS[:-1], RATE_BREAKS[1:], strict=True):
        if lo == 0:
            out.append(i18n.t("popmap_class_below", lang, hi=_dec(hi, lang)))
        elif math.isinf(hi):
            out.append(i18n.t("popmap_class_above", lang, lo=_dec(lo, lang)))
        else:
            out.append(f"{_dec(lo, lang)}–{_dec(hi, lang)}")
    return out


def rate_legend_rows(lang: str = "sv") -> list[dict[str, Any]]:
    """Legend entries of the rate map: the classes, then no data (an area the round does not cover)."""
    return _legend(rate_labels(lang), RATE_HEX, i18n.t("no_data", lang))


def class_label(cls: int) -> str:
    return f"{BREAKS[cls]}–{BREAKS[cls + 1]} %"


def legend_rows(lang: str = "sv", labels: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """Legend entries, classes then no data: label, hex, rgba, class (None for no data).

    ``labels`` may override ``"no_data"`` (and class labels as ``"class_0"`` ... ``"class_4"``).
    """
    labels = labels or {}
    return _legend([labels.get(f"class_{i}", class_label(i)) for i in range(len(CLASS_HEX))], CLASS_HEX,
                   labels.get("no_data", NO_DATA_LABEL.get(lang, NO_DATA_LABEL["sv"])))


def _legend(labels: Iterable[str], palette: tuple[str, ...], no_data: str) -> list[dict[str, Any]]:
    """Legend entries of one scale: a row per class (label, hex, rgba, class index), then no data
    (class None, the grey): the share, change and rate legends, on the page and in the files."""
    rows = [{"label": label, "hex": hex_colour, "rgba": hex_to_rgba(hex_colour), "class": i}
            for i, (label, hex_colour) in enumerate(zip(labels, palette, strict=True))]
    rows.append({"label": no_data, "hex": NO_DATA_HEX, "rgba": hex_to_rgba(NO_DATA_HEX), "class": None})
    return rows


def status_legend_rows(lang: str = "sv", labels: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """Legend entries for unit points: status, label, hex (fill), line_hex, radius (px), marker."""
    labels = labels or {}
    names = STATUS_LABEL.get(lang, STATUS_LABEL["sv"])
    return [{"status": s, "label": labels.get(s, names[s]), **STATUS_STYLE[s]} for s in STATUS_ORDER]


def plain_value(value: Any) -> Any:
    """JSON-safe scalar: numpy -> Python, NaN/NA -> None (JSON has no NaN), others -> str."""
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        with contextlib.suppress(ValueError, TypeError):
            value = value.item()
    if _is_missing(value):
        return None
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)

