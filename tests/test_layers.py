"""The layer contract in pyproject.toml holds, and the linter would see a break.

``lint-imports`` (import-linter) reads ``[tool.importlinter]``: the folders of ``src/dashboard`` are
layers (domain → ingest | figures → storage | present → export → screen → cli) and only ``screen``
imports Streamlit. Both contracts run here, so .ci/run fails on a broken one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(src: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    if not LINT.exists():
        pytest.fail(f"lint-imports is not installed beside {sys.executable} (requirements-dev.txt)")
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run([str(LINT), "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)


def test_the_layer_and_streamlit_contracts_are_kept():
    out = _lint(ROOT / "src", ROOT)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "Contracts: 2 kept, 0 broken." in out.stdout


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("figures/aggregate.py", "import streamlit", "Streamlit only in the screen layer"),
    ("domain/reference.py", "from dashboard.storage import store", "Layers"),
    ("figures/rounds.py", "from dashboard.ingest import demo", "Layers"),
])
def test_a_broken_contract_is_seen(tmp_path, module, line, contract):
    """The same check on a copy with one forbidden import added fails and names the contract."""
    shutil.copytree(ROOT / "src", tmp_path / "src", symlinks=True)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "src" / "dashboard" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")
    out = _lint(tmp_path / "src", tmp_path)
    assert out.returncode != 0
    assert "1 broken" in out.stdout
    assert f"{contract}" in out.stdout and "BROKEN" in out.stdout
