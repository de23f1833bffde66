"""One rule for "are we in CI?", used by every test, fixture and helper that skips or fails on it.

In CI a missing tool or service (Chromium, LibreOffice, PostgreSQL, HAProxy) must fail the run,
never skip it: CI installs all of them, so a skip there can only hide a broken set-up. CI systems
spell the variable differently (``CI=true``, ``CI=1``, ``CI=yes``); before this rule some places
read ``true`` only, so ``CI=1`` skipped the PostgreSQL and HAProxy tests that ``CI=true`` ran.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import NoReturn

import pytest

OFF = ("", "0", "false")
ROOT = Path(__file__).resolve().parents[1]  # the checkout
HAPROXY_FALLBACK = Path("/usr/sbin/haproxy")  # Debian's, when /usr/sbin is not on PATH


def in_ci(environ: Mapping[str, str] = os.environ) -> bool:
    """True for any ``CI`` other than empty, ``0`` or ``false`` (any case, spaces ignored)."""
    return environ.get("CI", "").strip().lower() not in OFF


def missing(reason: str) -> NoReturn:
    """Skip on a developer's machine; fail in CI (see the module doc)."""
    if in_ci():
        pytest.fail(f"CI={os.environ.get('CI', '').strip()} but {reason}", pytrace=False)
    pytest.skip(reason)


def haproxy() -> str:
    """The haproxy binary (Debian package ``haproxy``), or ``missing``."""
    found = shutil.which("haproxy") or (str(HAPROXY_FALLBACK) if HAPROXY_FALLBACK.exists() else None)
    if found is None:
        missing("haproxy is not installed (apt-get install haproxy)")
    return found


def shared_file(relative: str, root: Path = ROOT) -> Path:
    """A file of the project's shared folder, which sits beside the checkout (``../shared``: so CI lays
    it out, and so does a developer checkout); from a git worktree, the one beside the main checkout. Missing:
    skipped on a developer's machine, failed in CI, where it is always there."""
    candidates = [root.parent / "shared"]
    git = root / ".git"
    if git.is_file():  # a worktree: ".git" says "gitdir: <main checkout>/.git/worktrees/<name>"
        gitdir = Path(git.read_text(encoding="utf-8").partition(":")[2].strip())
        candidates.append(gitdir.parents[2].parent / "shared")
    for folder in candidates:
        if (folder / relative).is_file():
            return folder / relative
    missing(f"the shared folder is not beside the checkout: no {relative} in {', '.join(map(str, candidates))}")
