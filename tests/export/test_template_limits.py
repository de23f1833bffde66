"""Slide templates are bounded like the importer's files (issue 18.7): a template that unpacks to
300 MB is refused before anything is unpacked, in well under 20 s and 600 MB, whether uploaded or
already stored; a template whose zip lies about its sizes is refused too; real templates still work.

Time and peak memory are measured in a fresh Python process (``VmHWM``: the pytest process's own
peak would carry over), as in tests/ingest/test_hostile_files.py.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
import zipbombs

from dashboard.export import ExportError, template

ROOT = Path(__file__).resolve().parents[2]
MAX_SECONDS = 20
MAX_MB = 600

_PROBE = """
import json, sys, time
sys.path.insert(0, sys.argv[3])
from dashboard.export import template
from dashboard.export.bundle import stored_template
data = open(sys.argv[1], "rb").read()
t = time.monotonic()
error = None
try:
    if sys.argv[2] == "upload":
        template.check(data)  # what the Import page does with an upload
    else:  # a deck download with a stored template: read it back, then build on it
        from dashboard.storage import store
        store.Store().put_document(template.STORE_KIND, template.STORE_NAME, data)
        t = time.monotonic()
        stored = stored_template()
        error = None if stored is not None else "refused when read"
        template.open_template(stored)
except Exception as exc:
    error = str(exc)
hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"s": time.monotonic() - t, "mb": int(hwm.split()[1]) / 1024, "error": error}))
"""


def _probe(data: bytes, tmp_path: Path, how: str) -> dict:
    path = tmp_path / "mall.pptx"
    path.write_bytes(data)
    env = {"TILLSYN_DB": str(tmp_path / "probe.duckdb"), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", _PROBE, str(path), how, str(ROOT / "src")], capture_output=True,
                         text=True, timeout=120, check=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def bomb300() -> bytes:
    data = zipbombs.bomb(300)
    assert len(data) < 1_000_000  # cheap to build, cheap to upload
    return data


@pytest.mark.parametrize("how", ["upload", "stored"])
def test_a_template_that_unpacks_to_300_mb_is_refused_quickly(bomb300: bytes, tmp_path: Path, how: str) -> None:
    got = _probe(bomb300, tmp_path, how)
    print(f"300 MB template, {how}: {got['s']:.2f} s, peak {got['mb']:.0f} MB")
    assert got["error"], got
    if how == "upload":
        assert "packas upp till 315 MB" in got["error"] and "högst 100 MB" in got["error"], got
    else:
        assert got["error"] == "refused when read", got
    assert got["s"] < MAX_SECONDS and got["mb"] < MAX_MB, got


def test_a_template_that_lies_about_its_sizes_is_refused_without_unpacking_it(tmp_path: Path) -> None:
    """The directory says 1 000 bytes; the stream inflates to 300 MB. ``zipfile`` alone would inflate it whole."""
    got = _probe(zipbombs.liar(300), tmp_path, "upload")
    print(f"lying 300 MB template: {got['s']:.2f} s, peak {got['mb']:.0f} MB")
    assert got["error"] and "annan storlek än filen uppger" in got["error"], got
    assert got["s"] < MAX_SECONDS and got["mb"] < MAX_MB, got


def test_a_bomb_under_the_total_is_refused_by_its_ratio() -> None:
    with pytest.raises(ExportError, match=r"packad .* gånger .*zip-bomb"):
        template.check(zipbombs.bomb(50))  # 52 MB: under the total and the entry limit


def test_real_templates_pass_and_a_non_zip_is_one_sentence() -> None:
    from pptx import Presentation

    assert template.check(template.default_bytes()) == ["Title Slide", "Title and Content"]
    prs = Presentation()
    prs.slides.add_slide(prs.slide_layouts[0])
    buf = io.BytesIO()
    prs.save(buf)
    assert template.check(buf.getvalue())
    with pytest.raises(ExportError, match="ingen PowerPoint-fil"):
        template.check(b"%PDF-1.7 not a template")
