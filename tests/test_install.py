"""The package is installable: a built wheel, installed (not editable) into a fresh venv, finds its
geometry and example round as package data and gives the national figures from another folder.

The wheel must provide the files, not the checkout: the venv's own site-packages holds only the
wheel; the dependencies are borrowed from the running interpreter's site-packages through a
``.pth`` path line (which adds that folder to ``sys.path`` without running its ``.pth`` files, so
an editable install of this project there stays inert), and the command runs from an empty folder
with no PYTHONPATH. Building and installing take well under a minute.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # Build from a copy of what the wheel is made of, so the build leaves nothing in the checkout.
    src = tmp_path_factory.mktemp("source")
    skip = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.duckdb", "*.duckdb.wal")
    for name in ("src", "geo", "data"):
        shutil.copytree(ROOT / name, src / name, ignore=skip)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(src), "-w", str(out), "--no-deps", "-q"],
                   check=True, cwd=out, timeout=300)
    (whl,) = out.glob("tillsynskartan-*.whl")
    return whl


def test_the_wheel_carries_geometry_and_the_example_round_but_no_benchmark(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"dashboard/_geo/kommun.geojson", "dashboard/_geo/region.geojson",
            "dashboard/_data/exempelomgang.csv", "dashboard/_data/exempelunderlag.toml",
            "dashboard/strings.toml", "dashboard/domain/refdata/provisions.toml",
            "dashboard/domain/refdata/regions.csv", "dashboard/domain/refdata/kommun-befolkning-2024.csv"} <= names
    assert not any("bench" in n for n in names)
    assert not any(n.endswith(".duckdb") for n in names)


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    env_dir = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(env_dir)], check=True, timeout=300)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)],
                   check=True, timeout=300, env=_clean_env(env_dir))
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True, env=_clean_env(env_dir)).stdout.strip())
    (site / "_deps_from_test_runner.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return env_dir


def _clean_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TILLSYN_DB", "TILLSYN_GEO_DIR")}
    env["XDG_DATA_HOME"] = str(tmp / "xdg")
    env["HOME"] = str(tmp / "home")
    return env


def test_an_installed_wheel_gives_the_national_figures_from_any_folder(venv: Path, tmp_path: Path):
    env = _clean_env(tmp_path)
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c",
         "import dashboard, dashboard.domain.geo as g, dashboard.ingest.demo as d, dashboard.domain.resources as r; "
         "print(dashboard.__file__); print(g.GEO_DIR); print(d.EXAMPLE_FILE); print(r.checkout_root())"],
        cwd=tmp_path, env=env, check=True, capture_output=True, text=True, timeout=120).stdout.splitlines()
    for line in where[:3]:
        assert Path(line).is_relative_to(venv), where  # from the wheel, not the checkout
    assert where[3] == "None"

    proc = subprocess.run([str(venv / "bin" / "tillsyn"), "summary", "--json"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    national = {r["unit_type"]: r for r in json.loads(proc.stdout)["national"]}
    assert (national["vardcentral"]["n_not_all"], national["vardcentral"]["n_responded"]) == (431, 1136)
    assert round(national["socialnamnd"]["share_not_all"] * 100) == 69
    # The default database of an installed package is the user's data folder, never site-packages.
    assert (tmp_path / "xdg" / "tillsynskartan" / "tillsyn.duckdb").exists()
    assert not list(venv.rglob("*.duckdb"))


def test_tillsyn_bench_explains_itself_outside_a_checkout(venv: Path, tmp_path: Path):
    proc = subprocess.run([str(venv / "bin" / "tillsyn"), "bench"], cwd=tmp_path, env=_clean_env(tmp_path),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "benchmarks/bench.py" in proc.stderr
