"""Hostile and huge files are refused early, in bounded time and memory (issue 11.9).

Each file is read in a fresh Python process so its peak memory (``VmHWM`` from /proc: ``ru_maxrss``
would carry over the peak of the pytest process that started it, as Linux keeps it across execve) can be measured;
the bounds are generous on purpose (a refusal takes well under a second and ~100 MB here).
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from dashboard.ingest import importer, read

ROOT = Path(__file__).resolve().parents[2]
MAX_SECONDS = 20
MAX_MB = 500

_PROBE = """
import json, sys, time
sys.path.insert(0, sys.argv[2])
from dashboard.ingest.importer import read_survey
t = time.monotonic()
r = read_survey(sys.argv[1], round_name="x")
hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"s": time.monotonic() - t, "mb": int(hwm.split()[1]) / 1024,
                  "error": r.error_text(), "rows_in": r.rows_in}))
"""


def _probe(path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", _PROBE, str(path), str(ROOT / "src")], capture_output=True,
                         text=True, timeout=120, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _skeleton() -> dict[str, bytes]:
    wb = openpyxl.Workbook()
    wb.active.append(["Enhetstyp", "Kommunkod", "Enhet"])
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _xlsx(path: Path, sheet_rows: int = 0, sheet_xml: bytes | None = None, extra: dict[str, bytes] | None = None,
          padding_mb: int = 0) -> Path:
    parts = _skeleton()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, data in parts.items():
            if name == "xl/worksheets/sheet1.xml" and (sheet_rows or sheet_xml):
                if sheet_xml is not None:
                    zf.writestr(name, sheet_xml)
                    continue
                with zf.open(name, "w", force_zip64=True) as f:
                    f.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                            b'spreadsheetml/2006/main"><sheetData>')
                    chunk = 10_000
                    for start in range(1, sheet_rows + 1, chunk):
                        f.write(b"".join(
                            b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>Vardcentral</t></is></c></row>' % (i, i)
                            for i in range(start, min(start + chunk, sheet_rows + 1))))
                    f.write(b"</sheetData></worksheet>")
            else:
                zf.writestr(name, data)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
        if padding_mb:
            with zf.open("xl/media/padding.bin", "w", force_zip64=True) as f:
                block = b" " * (1 << 20)
                for _ in range(padding_mb):
                    f.write(block)
    return path


def test_three_million_row_sheet_is_refused_quickly(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "rows.xlsx", sheet_rows=3_000_000)
    assert path.stat().st_size < 20_000_000
    got = _probe(path)
    assert got["error"] and "fler än 100\u00a0000 rader" in got["error"], got
    assert got["s"] < MAX_SECONDS and got["mb"] < MAX_MB, got


def test_declared_unpacked_size_is_checked_before_parsing(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "big.xlsx", padding_mb=read.MAX_XLSX_UNPACKED // 1_000_000 + 20)
    t = time.monotonic()
    got = _probe(path)
    assert got["error"] and "packas upp till" in got["error"], got
    assert got["s"] < 2 and got["mb"] < MAX_MB, got  # no unpacking at all: the directory says it
    assert time.monotonic() - t < 60


def test_csv_with_200000_columns_is_too_wide(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(";".join(f"k{i}" for i in range(200_000)) + "\n" + ";".join("x" * 200_000) + "\n",
                    encoding="utf-8")
    got = _probe(path)
    assert got["error"] and "för bred" in got["error"] and "field limit" not in got["error"], got
    assert got["s"] < MAX_SECONDS and got["mb"] < MAX_MB


def test_csv_with_millions_of_rows_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_bytes(b"Enhetstyp;Kommunkod;Enhet\n" + b"Vardcentral;0180;x\n" * 3_000_000)
    got = _probe(path)
    assert got["error"] and "fler än 100\u00a0000 rader" in got["error"], got
    assert got["s"] < MAX_SECONDS and got["mb"] < MAX_MB, got


def test_one_huge_field_gets_a_clear_message() -> None:
    data = b"Enhetstyp;Kommunkod;Enhet\nVardcentral;0180;\"" + b"x" * 300_000 + b"\"\n"
    result = importer.read_survey(data, filename="f.csv")
    assert result.error and "längre än" in result.error_text()


def _entity_sheet(unit: bytes) -> bytes:
    """A valid survey sheet (header and one row) with a billion-laughs DTD; ``unit`` is the Enhet cell."""
    def cell(ref: str, text: bytes) -> bytes:
        return b'<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref.encode(), text)

    return (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                       for i in range(1, 10))
            + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            + b'<row r="1">' + cell("A1", b"Enhetstyp") + cell("B1", b"Kommunkod") + cell("C1", b"Enhet") + b"</row>"
            + b'<row r="2">' + cell("A2", b"V\xc3\xa5rdcentral") + cell("B2", b"0180") + cell("C2", unit) + b"</row>"
            + b"</sheetData></worksheet>")


def test_entity_expansion_stays_refused(tmp_path: Path) -> None:
    """The file is a valid survey but for the entity in one cell: without the refusal it would be read
    (the control shows it), so the error must be the refusal itself, not any error."""
    control = _probe(_xlsx(tmp_path / "control.xlsx", sheet_xml=_entity_sheet("Vårdcentralen Lugnet".encode())))
    assert control["error"] is None and control["rows_in"] == 1, control
    got = _probe(_xlsx(tmp_path / "lol.xlsx", sheet_xml=_entity_sheet(b"&lol9;")))
    assert got["error"] and "otillåtet innehåll" in got["error"], got
    assert got["rows_in"] == 0, got
    assert got["s"] < MAX_SECONDS and got["mb"] < MAX_MB, got


@pytest.mark.parametrize("n", [read.MAX_ROWS])
def test_a_file_at_the_row_limit_is_still_read(n: int) -> None:
    data = b"Enhetstyp;Kommunkod;Enhet\n" + b"".join(b"Vardcentral;0180;VC %d\n" % i for i in range(n))
    result = importer.read_survey(data, filename="limit.csv")
    assert result.error is None and result.rows_in == n
