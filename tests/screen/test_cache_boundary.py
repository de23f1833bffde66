"""One cache boundary: only ``screen/cache.py`` uses Streamlit's caches.

Why a source scan: a cache declared in a page section is keyed and bounded by whoever wrote it, and
``cache.clear_caches`` (after an import) cannot be reasoned about; ``cache.shared``, ``cache.fixed``
and ``cache.uploaded`` are the ways in. The scan reads the syntax tree, so ``st.cache_resource``,
``streamlit.cache_data`` and ``from streamlit import cache_data`` are all seen.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BOUNDARY = ROOT / "src" / "dashboard" / "screen" / "cache.py"
CACHES = {"cache_data", "cache_resource"}


def _sources() -> list[Path]:
    return sorted([*(ROOT / "src" / "dashboard").rglob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "app.py"])


def cache_uses(path: Path) -> list[tuple[int, str]]:
    """Where ``path`` names a Streamlit cache: (line, name), in line order."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in CACHES:
            found.append((node.lineno, node.attr))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("streamlit"):
            found += [(node.lineno, a.name) for a in node.names if a.name in CACHES]
    return sorted(found)


def test_only_the_cache_module_uses_streamlit_caches():
    outside = [f"{path.relative_to(ROOT)}:{line} {name}"
               for path in _sources() if path != BOUNDARY for line, name in cache_uses(path)]
    assert outside == [], "use dashboard.screen.cache (shared, fixed, uploaded) instead:\n" + "\n".join(outside)


def test_the_scan_sees_every_way_of_naming_a_cache(tmp_path):
    assert cache_uses(BOUNDARY)  # the boundary itself is seen, so the scan is not blind
    sample = tmp_path / "sample.py"
    sample.write_text("import streamlit as st\nimport streamlit\nfrom streamlit import cache_resource\n\n"
                      "@st.cache_data(max_entries=1)\ndef a(): ...\n\n@streamlit.cache_resource\ndef b(): ...\n",
                      encoding="utf-8")
    assert [name for _, name in cache_uses(sample)] == ["cache_resource", "cache_data", "cache_resource"]
