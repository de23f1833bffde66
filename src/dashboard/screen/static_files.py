"""Map data as static files the browser fetches over HTTP and keeps, instead of in every page open.

A map's areas (the boundaries with their values and tooltips) were about 250 KB of JSON inside the
page's websocket messages, sent again to every new session and with every rerun that drew a map.
Written once as a file under the app's static folder (``server.enableStaticServing``), the deck
refers to its URL: a page open sends about a hundred bytes for it, the browser fetches the file
once (compressed) and answers later views from its cache. The file name is the hash of its content,
so a name never changes meaning: any replica, any session and any browser cache can share it, and
a new import or a new filter makes a new name rather than a stale file.

The files live in ``static/maps/`` beside the app's main script. Each process sweeps away files
nobody has published for ``KEEP_DAYS`` once, when it first uses the folder (publishing an existing
file again renews it); a page that finds a file of its cached deck gone builds the deck again
(``Publisher.paths``). When static serving is off or the folder cannot be written, ``publisher``
returns None and the deck keeps its data inline, as before: the map still works, only heavier.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import streamlit as st

SUBDIR = "maps"
KEEP_DAYS = 30
ROUTE = "app/static"  # where Streamlit serves the app's static folder
_swept: set[Path] = set()


def _main_script_dir() -> Path | None:
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    return Path(ctx.main_script_path).resolve().parent if ctx and ctx.main_script_path else None


def folder() -> Path | None:
    """``static/maps/`` beside the main script, made if missing; None when it cannot be written."""
    base = _main_script_dir()
    if base is None:
        return None
    path = base / "static" / SUBDIR
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    if not os.access(path, os.W_OK):
        return None
    if path not in _swept:
        _swept.add(path)
        _sweep(path)
    return path


def url_for(name: str) -> str:
    """The URL path the browser fetches ``name`` from, under the server's base path if it has one."""
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/{ROUTE}/{SUBDIR}/{name}" if base else f"/{ROUTE}/{SUBDIR}/{name}"


def path_for(url: str) -> Path | None:
    """The file behind a URL made by ``publish`` (for tests and tools), or None."""
    name = url.rsplit("/", 1)[-1]
    where = folder()
    return where / name if where is not None and f"/{ROUTE}/{SUBDIR}/" in url else None


def publish(kind: str, data: Any, where: Path) -> Path:
    """``data`` as compact JSON in ``where`` under a content-addressed name; the file's path."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()
    target = where / f"{kind}-{hashlib.sha256(text).hexdigest()[:24]}.json"
    if target.exists():
        with contextlib.suppress(OSError):
            os.utime(target)  # in use again: not swept
        return target
    fd, tmp = tempfile.mkstemp(dir=where, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)  # atomic: a browser never reads half a file
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return target


def _sweep(where: Path, now: float | None = None) -> None:
    """Remove files nobody published for ``KEEP_DAYS`` and leftovers of interrupted writes."""
    import time

    now = time.time() if now is None else now
    for old in where.iterdir():
        with contextlib.suppress(OSError):
            age = now - old.stat().st_mtime
            if (old.suffix == ".json" and age > KEEP_DAYS * 86_400) or (old.name.startswith(".tmp-") and age > 3_600):
                old.unlink()


class Publisher:
    """``publish`` into one folder, as the deck wants it: ``(kind, data) -> URL``. Keeps the paths
    it wrote, so a page can check that a cached deck's files are still there."""

    def __init__(self, where: Path) -> None:
        self.where = where
        self.paths: list[Path] = []

    def __call__(self, kind: str, data: Any) -> str:
        path = publish(kind, data, self.where)
        self.paths.append(path)
        return url_for(path.name)


def publisher() -> Publisher | None:
    """A ``Publisher`` into the static folder, or None when the server does not serve it."""
    if not st.get_option("server.enableStaticServing"):
        return None
    where = folder()
    return Publisher(where) if where is not None else None


def all_present(paths: list[Path]) -> bool:
    return all(p.exists() for p in paths)
