"""Build the static edition: every page in both languages, the open data, compressed copies and the
manifest, written into one folder.

Why it is built in memory and then written: the files are hashed for the manifest and compared
with what was there before, and nothing is half-written when a page fails. A folder that holds an
earlier edition is replaced file by file (what the earlier manifest lists is removed first, so a
unit-level file from an earlier ``--units`` build never lingers); a folder with anything else in
it is refused rather than mixed into a public site.
"""

from __future__ import annotations

import gzip
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dashboard import i18n
from dashboard.export.publish import manifest, methodpage, model, opendata, paths, smalln, templating
from dashboard.export.publish.pages import Writer

# Served compressed (nginx gzip_static): text files above this size get a .gz beside them.
GZIP_SUFFIXES = (".html", ".css", ".js", ".json", ".csv", ".svg")
GZIP_MIN_BYTES = 512


class PublishError(RuntimeError):
    """The edition could not be written; the message is one sentence for the user."""


@dataclass(frozen=True)
class Result:
    out: Path
    round: str
    synthetic: bool
    pages: int
    files: int
    bytes: int
    seconds: float


def pages(ed: model.Edition) -> dict[str, bytes]:
    """Every HTML page of both languages, with the stylesheet and the script they load."""
    assets = templating.assets()
    out = {path: data for path, data in assets.values()}
    names = {name: path for name, (path, _) in assets.items()}
    for lang in paths.LANGS:
        w = Writer(ed, lang, names)
        for page in (*w.pages(), methodpage.page(w)):
            out[page.path] = templating.render(page.template, **page.context)
    return out


def compressed(files: dict[str, bytes]) -> dict[str, bytes]:
    """``.gz`` copies for the server to send as they are (no compression per request); ``mtime=0``
    so the same file always compresses to the same bytes."""
    return {f"{path}.gz": gzip.compress(data, compresslevel=9, mtime=0) for path, data in files.items()
            if path.endswith(GZIP_SUFFIXES) and len(data) >= GZIP_MIN_BYTES}


def edition_files(ed: model.Edition) -> dict[str, bytes]:
    """Every file of the edition by its path in the site, ``manifest.json`` included."""
    files = pages(ed)
    files.update(opendata.files(ed))
    files.update(compressed(files))
    about = {"generator": "tillsyn publish", "round": ed.round, "synthetic": ed.synthetic,
             "small_n": smalln.SMALL_N, "units": ed.with_units}
    files[manifest.NAME] = manifest.build(files, about)
    return files


def _prepare(out: Path) -> None:
    """Make ``out`` ready for a new edition, or refuse (PublishError) to touch a folder that holds
    anything but an earlier edition."""
    if out.exists() and not out.is_dir():
        raise PublishError(i18n.t("pub_err_not_dir", path=out))
    if not out.exists():
        out.mkdir(parents=True)
        return
    earlier = set(manifest.listed(out))
    there = manifest.present(out)
    foreign = [p for p in there if p not in earlier and p != manifest.NAME]
    if foreign:
        raise PublishError(i18n.t("pub_err_not_empty", path=out, n=len(foreign), example=foreign[0]))
    for rel in there:
        (out / rel).unlink()
    for folder in sorted((p for p in out.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()


def write(out: Path, files: dict[str, bytes]) -> None:
    _prepare(out)
    for rel, data in files.items():
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def build(out: Path, round_name: str | None = None, units: bool = False,
          say: Callable[[str], None] | None = None) -> Result:
    """Build the edition of ``round_name`` (the newest when None) into ``out``.

    Raises ``KeyError`` for an unknown round and ``PublishError`` for a folder it must not use."""
    started = time.perf_counter()
    ed = model.load(round_name, with_units=units)
    if say:
        say(i18n.t("pub_building", round=ed.round))
    files = edition_files(ed)
    write(Path(out), files)
    return Result(out=Path(out), round=ed.round, synthetic=ed.synthetic,
                  pages=sum(1 for p in files if p.endswith(".html")), files=len(files),
                  bytes=sum(len(d) for d in files.values()), seconds=time.perf_counter() - started)
