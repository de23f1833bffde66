"""The folders show the layers (issue 19): few loose modules, the layer packages each named in
docs/architecture.md, and no module over 600 lines anywhere in the code, tests or benchmarks."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "dashboard"
MAX_LINES = 600


def _tracked_python() -> list[Path]:
    out = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True)
    return [ROOT / p for p in out.stdout.split()] or sorted(ROOT.glob("**/*.py"))


def test_at_most_four_loose_modules_beside_the_layer_packages():
    loose = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(loose) <= 4, loose


def test_every_layer_package_is_named_in_the_architecture_doc():
    packages = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())
    assert len(packages) >= 5, packages
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert [p for p in packages if f"{p}/" not in doc] == [], "named in docs/architecture.md as <name>/"


def test_the_layer_contract_names_every_package():
    """A package outside the contract would be unchecked: every one is a layer in pyproject.toml."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    layers = " ".join(next(c for c in config["contracts"] if c["type"] == "layers")["layers"])
    packages = [p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()]
    assert [p for p in packages if f"dashboard.{p}" not in layers] == []


def test_no_module_over_600_lines():
    long = {str(p.relative_to(ROOT)): n for p in _tracked_python()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}, "split these by job"
