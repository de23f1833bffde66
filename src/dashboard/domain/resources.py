"""Where the shipped files are: the checkout's top-level folders, or the installed package's data.

The repository keeps ``geo/`` (boundaries) and ``data/`` (the example round) at its top level,
where people look for them. A wheel cannot reach those folders, so the package links to them
(``src/dashboard/_geo`` -> ``geo``, ``src/dashboard/_data`` -> ``data``) and the build copies the
shipped files (package-data in pyproject.toml). This module is the one place that decides which
copy to read, and where the database lives: ``data/`` in a checkout, a per-user data folder when
installed.
"""

from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

# Top-level folder in the checkout -> folder inside the installed package.
PACKAGED: dict[str, str] = {"geo": "_geo", "data": "_data"}
APP_NAME = "tillsynskartan"


@lru_cache(maxsize=1)
def checkout_root() -> Path | None:
    """The source checkout this module runs from (editable install or ``PYTHONPATH=src``), else None."""
    root = Path(__file__).resolve().parents[3]
    if (root / "pyproject.toml").is_file() and (root / "src" / "dashboard").is_dir():
        return root
    return None


def folder(name: str) -> Path:
    """A shipped folder ("geo" or "data"): the checkout's top-level one, or the package's copy."""
    if name not in PACKAGED:
        raise ValueError(f"unknown resource folder {name!r}")
    root = checkout_root()
    if root is not None:
        return root / name
    # A wheel installs into a plain directory, so the traversable is a real path.
    return Path(str(resources.files("dashboard").joinpath(PACKAGED[name])))


def default_db() -> Path:
    """``$TILLSYN_DB``; else ``data/tillsyn.duckdb`` in a checkout, or the user's data folder
    (``platformdirs``) for an installed package, which must never write inside site-packages."""
    env = os.environ.get("TILLSYN_DB")
    if env:
        return Path(env)
    root = checkout_root()
    if root is not None:
        return root / "data" / "tillsyn.duckdb"
    import platformdirs

    return platformdirs.user_data_path(APP_NAME, appauthor=False) / "tillsyn.duckdb"
