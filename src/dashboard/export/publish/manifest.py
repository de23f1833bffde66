"""``manifest.json``: every file of the edition with its size and SHA-256, and a check against it.

Why: a published edition must be provably the one that was built (an archive, a mirror, a CDN
copy can be checked file by file), and the same round must give the same bytes. The manifest has
no time stamp: two builds of one round are byte-identical, manifest included.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

NAME = "manifest.json"


def build(files: dict[str, bytes], about: dict[str, Any]) -> bytes:
    """The manifest of ``files`` (path -> bytes; the manifest itself is not in it) with ``about``
    (round, example data, the small-n limit, whether unit-level data is included)."""
    listing = [{"path": path, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
               for path, data in sorted(files.items())]
    doc = {**about, "files": listing}
    return (json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def listed(root: Path) -> list[str]:
    """The paths an earlier edition's manifest lists (empty when there is none)."""
    path = root / NAME
    if not path.is_file():
        return []
    return [f["path"] for f in json.loads(path.read_text(encoding="utf-8"))["files"]]


def present(root: Path) -> list[str]:
    """Every file under ``root`` as a site path (``region/01.html``), sorted."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


PROBLEMS = ("no_manifest", "missing", "changed", "unlisted")


def check(root: Path) -> list[tuple[str, str]]:
    """What is wrong with the edition in ``root`` as (path, problem) pairs, problem one of
    ``PROBLEMS`` (empty: it is exactly what was built): a listed file missing or changed, a file the
    manifest does not list, or no manifest at all."""
    if not (root / NAME).is_file():
        return [(NAME, "no_manifest")]
    doc = json.loads((root / NAME).read_text(encoding="utf-8"))
    problems = []
    known = set()
    for entry in doc["files"]:
        known.add(entry["path"])
        path = root / entry["path"]
        if not path.is_file():
            problems.append((entry["path"], "missing"))
        elif hashlib.sha256(path.read_bytes()).hexdigest() != entry["sha256"]:
            problems.append((entry["path"], "changed"))
    problems += [(p, "unlisted") for p in present(root) if p not in known and p != NAME]
    return problems
