"""Helpers for the static edition's tests: one build of the example round per test run, pages parsed
with lxml, and a small imported round for the cases the example round does not have.

A build takes several seconds, so the library tests share one (``example_site``); a test that
needs a different round builds its own into its own folder.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import lxml.html

from dashboard.export import publish


@functools.lru_cache(maxsize=1)
def example_site() -> Path:
    """The example round's edition, built once per test process into a temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix="tillsyn-site-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)  # 28 MB a run: never left in /tmp
    out = folder / "site"
    publish.build(out)
    return out


def pages(root: Path) -> Iterator[Path]:
    yield from sorted(root.rglob("*.html"))


@functools.lru_cache(maxsize=2048)
def _parse(path: str, mtime: float) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(Path(path).read_bytes())


def doc(path: Path) -> lxml.html.HtmlElement:
    """The page as an lxml tree (cached while the file is unchanged)."""
    return _parse(str(path), path.stat().st_mtime)


def text(el: lxml.html.HtmlElement) -> str:
    """An element's text with whitespace (no-break spaces included) collapsed."""
    return " ".join(el.text_content().replace("\u00a0", " ").split())


# A round of a few units, imported as real data (Exempeldata = Nej), that asks only some provisions
# of health centres and has a unit whose name a spreadsheet would run as a formula.
SMALL_HEADER = ("Enhetstyp;Kommunkod;Enhet;Exempeldata;S1 Rutiner;S2 Utredning;S3 Risk;S4 Barn;S5 Skydd;"
                "S6 Samverkan;S7 Kunskap;V1 Rutiner;V3 Kvalitet\n")
SMALL_ROWS = (
    "Socialnämnd;0180;Socialnämnden i Stockholm;Nej;Ja;Ja;Ja;Ja;Ja;Ja;Ja;;\n"
    "Socialnämnd;2380;Socialnämnden i Östersund;Nej;Nej;Ja;Ja;Ja;Ja;Ja;Ja;;\n"
    "Vårdcentral;0180;=1+1 Vårdcentralen Formel;Nej;;;;;;;;Ja;Nej\n"
    "Vårdcentral;0180;Vårdcentralen City;Nej;;;;;;;;Ja;Ja\n"
    "Vårdcentral;2380;Vårdcentralen Z;Nej;;;;;;;;Vet ej;Ja\n"
)
FORMULA_NAME = "=1+1 Vårdcentralen Formel"


def import_small_round(tmp: Path, round_name: str = "2025") -> str:
    """Import the small real round into the store ``TILLSYN_DB`` points at; returns its name."""
    from dashboard.storage import imports

    path = tmp / "liten.csv"
    path.write_text(SMALL_HEADER + SMALL_ROWS, encoding="utf-8")
    result = imports.import_file(path, round_name=round_name)
    assert not result.error and not result.rejected, (result.error, result.rejected[:3])
    return round_name
