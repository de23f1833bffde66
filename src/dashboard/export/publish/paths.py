"""Where each page of the static edition lives, and relative links between them.

Why relative links only: the site must work wherever it is put (a web server's root, a path under
someone else's site, a folder opened from disk), so no link starts with "/" or names a host.
Swedish is at the top, English under ``en/``; a region or municipality page is named by its code,
which never changes when a name does.
"""

from __future__ import annotations

import posixpath
from functools import lru_cache

from dashboard import i18n

LANGS = i18n.LANGS
METHOD = {"sv": "metod.html", "en": "method.html"}


def prefix(lang: str) -> str:
    return "" if lang == "sv" else f"{lang}/"


def country(lang: str) -> str:
    return prefix(lang) + "index.html"


def region(lang: str, region_kod: str) -> str:
    return f"{prefix(lang)}region/{region_kod}.html"


def kommun(lang: str, kommun_kod: str) -> str:
    return f"{prefix(lang)}kommun/{kommun_kod}.html"


def method(lang: str) -> str:
    return prefix(lang) + METHOD.get(lang, METHOD["sv"])


def page(lang: str, kind: str, code: str = "") -> str:
    """The path of a page: ``kind`` is "country", "region", "kommun" or "method"."""
    if kind == "country":
        return country(lang)
    if kind == "method":
        return method(lang)
    if kind == "region":
        return region(lang, code)
    if kind == "kommun":
        return kommun(lang, code)
    raise ValueError(f"unknown page kind {kind!r}")


@lru_cache(maxsize=65536)
def rel(from_path: str, to_path: str) -> str:
    """A link from the page at ``from_path`` to ``to_path`` (both relative to the site's root)."""
    return posixpath.relpath(to_path, posixpath.dirname(from_path) or ".")
