"""Swedish and English strings, and number formatting in each language.

Swedish first: every string has a Swedish text; English is the second language.
Numbers in Swedish use a no-break space as thousands separator and a decimal comma
("1 136", "38 %", "3,2"); in English "1,136", "38%", "3.2".
"""

from __future__ import annotations

import math
import tomllib
from importlib import resources

LANGS = ("sv", "en")
NBSP = "\u00a0"

CATALOGUE = "strings.toml"


def _load() -> dict[str, tuple[str, str]]:
    """Read the one catalogue (``strings.toml``, package data) once; keys are unique across sections."""
    raw = tomllib.loads(resources.files("dashboard").joinpath(CATALOGUE).read_text(encoding="utf-8"))
    flat: dict[str, tuple[str, str]] = {}
    for section, entries in raw.items():
        for key, texts in entries.items():
            if key in flat:
                raise ValueError(f"i18n key {key!r} stands twice in {CATALOGUE} (again in [{section}])")
            flat[key] = (texts["sv"], texts.get("en", texts["sv"]))
    return flat


STRINGS: dict[str, tuple[str, str]] = _load()


def t(key: str, lang: str = "sv", **kwargs: object) -> str:
    """The string for ``key`` in ``lang`` (Swedish when the language is unknown)."""
    sv, en = STRINGS[key]
    text = en if lang == "en" else sv
    return text.format(**kwargs) if kwargs else text


def fmt_int(n: int | float | None, lang: str = "sv") -> str:
    if n is None or (isinstance(n, float) and math.isnan(n)):
        return "–"
    s = f"{int(round(n)):,}"
    return s.replace(",", NBSP) if lang != "en" else s


def fmt_pct(share: float | None, lang: str = "sv", decimals: int = 0) -> str:
    """A share 0–1 as a percentage: "38 %" in Swedish, "38%" in English; "–" when unknown."""
    if share is None or (isinstance(share, float) and math.isnan(share)) or share != share:
        return "–"
    value = f"{share * 100:.{decimals}f}"
    return f"{value.replace('.', ',')}{NBSP}%" if lang != "en" else f"{value}%"


def fmt_pp(diff_pp: float | None, lang: str = "sv") -> str:
    """A difference in percentage points with sign: "+3,2 p.e." / "+3.2 pp"."""
    if diff_pp is None or diff_pp != diff_pp:
        return "–"
    value = f"{diff_pp:+.1f}".replace("-", "−")
    return f"{value.replace('.', ',')}{NBSP}p.e." if lang != "en" else f"{value} pp"


def fmt_share(k: int, n: int, lang: str = "sv") -> str:
    """ "20 av 27 (74 %)": a share always with its count and denominator."""
    p = fmt_pct(k / n if n else float("nan"), lang)
    return t("share_of", lang, k=fmt_int(k, lang), n=fmt_int(n, lang), p=p)


def register(strings: dict[str, tuple[str, str]]) -> None:
    """Add a module's own (Swedish, English) strings, so each feature keeps its texts beside it.
    A key may not be registered twice with different texts."""
    for key, texts in strings.items():
        if key in STRINGS and STRINGS[key] != texts:
            raise ValueError(f"i18n key {key!r} registered twice with different texts")
        STRINGS[key] = texts
