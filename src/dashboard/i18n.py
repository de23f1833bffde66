"""Swedish and English strings, and number, percent and date formatting in each language.

Swedish first: every string has a Swedish text; English is the second language. All words live in
one catalogue, ``strings.toml`` (package data, sectioned by feature), read once at import.
Numbers, percentages and dates are formatted by Babel with the locale's own rules (sv_SE, en_GB),
so "1 136", "38 %", "3,2" in Swedish (no-break spaces, U+00A0, as CLDR gives them) and "1,136",
"38%", "3.2" in English are not hand-written here.
"""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from babel import dates as babel_dates
from babel import numbers as babel_numbers

LANGS = ("sv", "en")
LOCALES = {"sv": "sv_SE", "en": "en_GB"}
NBSP = "\u00a0"
MINUS = "\u2212"

CATALOGUE = "strings.toml"

# Unit types and the catalogue keys of their singular and plural nouns (lower case, for running text).
UNIT_WORDS: dict[str, tuple[str, str]] = {
    "vardcentral": ("unit_vardcentral_one", "vardcentraler"),
    "socialnamnd": ("unit_socialnamnd_one", "socialnamnder"),
}


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


def _template(key: str, lang: str) -> str:
    sv, en = STRINGS[key]
    return en if lang == "en" else sv


def t(key: str, lang: str = "sv", **kwargs: object) -> str:
    """The string for ``key`` in ``lang`` (Swedish when the language is unknown)."""
    text = _template(key, lang)
    return text.format(**kwargs) if kwargs else text


def locale(lang: str) -> str:
    """The Babel locale of a UI language (Swedish when unknown)."""
    return LOCALES.get(lang, LOCALES["sv"])


@lru_cache(maxsize=64)
def _pattern(lang: str, kind: str, decimals: int = 0) -> tuple[babel_numbers.NumberPattern, babel_numbers.Locale]:
    """A parsed Babel pattern and its locale, once per (language, kind, decimals): formatting a
    thousand tooltips should not parse a thousand patterns."""
    loc = babel_numbers.Locale.parse(locale(lang))
    if kind == "percent":
        pattern = babel_numbers.parse_pattern(loc.percent_formats[None].pattern)
        pattern.frac_prec = (decimals, decimals)
    elif kind == "pp":
        pattern = babel_numbers.parse_pattern(f"+#,##0.0;{MINUS}#,##0.0")
    elif kind == "num":
        pattern = babel_numbers.parse_pattern("#,##0." + "#" * decimals if decimals else "#,##0")
    else:
        pattern = babel_numbers.parse_pattern("#,##0")
    return pattern, loc


@lru_cache(maxsize=8192)
def _apply(lang: str, kind: str, decimals: int, value: float) -> str:
    """Babel's formatting is exact but slow (~50 µs); the same few hundred shares recur on every
    rerun (tooltips, labels), so the strings are remembered."""
    pattern, loc = _pattern(lang, kind, decimals)
    return pattern.apply(value, loc)


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_int(n: int | float | None, lang: str = "sv") -> str:
    """A whole number with the locale's grouping: "1 136" / "1,136"; "–" when unknown."""
    if _missing(n):
        return "–"
    return _apply(lang, "int", 0, int(round(n)))  # type: ignore[arg-type]


def fmt_num(value: float | None, lang: str = "sv", decimals: int = 2) -> str:
    """A number with at most ``decimals`` decimals, trailing zeros dropped: "2,5" / "2.5"; "–" when unknown."""
    if _missing(value):
        return "–"
    return _apply(lang, "num", decimals, float(value))  # type: ignore[arg-type]


def fmt_pct(share: float | None, lang: str = "sv", decimals: int = 0) -> str:
    """A share 0–1 as a percentage: "38 %" in Swedish, "38%" in English; "–" when unknown."""
    if _missing(share) or share != share:
        return "–"
    return _apply(lang, "percent", decimals, float(share))  # type: ignore[arg-type]


def fmt_pp(diff_pp: float | None, lang: str = "sv") -> str:
    """A difference in percentage points with its sign and a real minus: "−3,2 p.e." / "+3.2 pp"."""
    if diff_pp is None or diff_pp != diff_pp:
        return "–"
    return t("fmt_pp", lang, value=_apply(lang, "pp", 1, float(diff_pp)))


def fmt_share(k: int, n: int, lang: str = "sv", small_n: int = 0) -> str:
    """ "20 av 27 (74 %)": a share always with its count and denominator. With ``small_n``
    (``aggregate.SMALL_N``), fewer than that many units give the count alone ("2 av 2"): a share
    of two units would read as a finding."""
    if n < small_n:
        return t("count_of", lang, k=fmt_int(k, lang), n=fmt_int(n, lang))
    p = fmt_pct(k / n if n else float("nan"), lang)
    return t("share_of", lang, k=fmt_int(k, lang), n=fmt_int(n, lang), p=p)


def fmt_date(day: dt.date | None, lang: str = "sv") -> str:
    """A date for people: "2 maj 2024" / "2 May 2024" (files keep ISO dates for machines)."""
    if day is None:
        return "–"
    return babel_dates.format_date(day, format="long", locale=locale(lang))


def unit_noun(unit_type: str, n: int, lang: str = "sv") -> str:
    """The unit type's noun for ``n`` units, lower case: "vårdcentral" (1) / "vårdcentraler" (2)."""
    one, many = UNIT_WORDS[unit_type]
    return t(one if n == 1 else many, lang)


def unit_word(unit_type: str, n: int, lang: str = "sv") -> str:
    """A count with its noun: "1 vårdcentral", "1 136 vårdcentraler", "2 health centres"."""
    return f"{fmt_int(n, lang)} {unit_noun(unit_type, n, lang)}"


def plural(key: str, n: int, lang: str = "sv", **kwargs: object) -> str:
    """``key_one`` when ``n`` is 1, else ``key_other``, formatted with ``n`` (grouped) and ``kwargs``.
    Both Swedish and English have just these two forms."""
    form = "one" if n == 1 else "other"
    return t(f"{key}_{form}", lang, n=fmt_int(n, lang), **kwargs)


@dataclass(frozen=True)
class Num:
    """A number inside a ``Message``, grouped and with the decimal sign of the reader's language."""

    value: float
    decimals: int = 0


@dataclass(frozen=True, init=False)
class Message:
    """Words to say later, in the reader's language: a catalogue key and the values it names.

    The importer, the profiles and the store find out *what* went wrong long before anyone knows who
    reads it (a ``--lang`` flag, the page's language), so they keep the key and its values and
    ``text(lang)`` says it. A value may itself be a ``Message`` (said in the same language), a
    ``Num``, or a tuple of words, said as a list ("A, B och C" / "A, B and C"). ``str()`` is the
    Swedish text, the product's first language.
    """

    key: str
    params: tuple[tuple[str, object], ...]

    def __init__(self, key: str, /, **params: object) -> None:
        if key not in STRINGS:  # a typo fails where the message is made, not when someone reads it
            raise KeyError(f"no key {key!r} in {CATALOGUE}")
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "params", tuple(params.items()))

    def text(self, lang: str = "sv") -> str:
        return _template(self.key, lang).format(**{name: _say(value, lang) for name, value in self.params})

    def __str__(self) -> str:
        return self.text("sv")


def _say(value: object, lang: str) -> object:
    if isinstance(value, Message):
        return value.text(lang)
    if isinstance(value, Num):
        return fmt_int(value.value, lang) if value.decimals == 0 else fmt_num(value.value, lang, value.decimals)
    if isinstance(value, tuple):
        words = [str(_say(v, lang)) for v in value]
        return words[0] if len(words) == 1 else t("list_and", lang, head=", ".join(words[:-1]), last=words[-1])
    return value


class MessageError(Exception):
    """An error whose sentence is a ``Message``: ``str()`` is Swedish, ``text(lang)`` any language."""

    def __init__(self, message: Message) -> None:
        super().__init__(message)  # str() says it in Swedish; the one argument also lets it be pickled
        self.message = message

    def text(self, lang: str = "sv") -> str:
        return self.message.text(lang)


def error_text(exc: BaseException, lang: str = "sv") -> str:
    """An error's sentence in ``lang`` when its words are in the catalogue, else its own text."""
    return exc.text(lang) if isinstance(exc, MessageError) else str(exc)


def register(strings: dict[str, tuple[str, str]]) -> None:
    """Legacy, being removed: new words go into ``strings.toml``. Kept only while a module still calls it."""
    for key, texts in strings.items():
        if key in STRINGS and STRINGS[key] != texts:
            raise ValueError(f"i18n key {key!r} registered twice with different texts")
        STRINGS[key] = texts
