"""Survey files for the importer tests: a clean file, rows built by field, and the checks every result
must pass (rows in = accepted + rejected + replaced)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from dashboard.ingest.importer import ImportResult, Rejection

S_IDS = [f"S{i}" for i in range(1, 8)]
V_IDS = [f"V{i}" for i in range(1, 9)]
PROVISION_HEADERS = {
    "V1": "V1 Rutiner för att ställa frågor om våld",
    "S1": "S1 Rutiner för att upptäcka våld",
    "S3": "S3 - Risk",
}
BASE = ["Enhetstyp", "Kommunkod", "Kommun", "Enhet", "Region", "Latitud", "Longitud"]
HEADER = BASE + [PROVISION_HEADERS.get(p, p) for p in V_IDS + S_IDS]


def row(unit_type: str, code: str, kommun: str, name: str, *, region: str = "", lat: str = "", lon: str = "",
        answers: dict[str, str] | None = None, default: str = "Ja", **extra: str) -> dict[str, str]:
    """One file row as {header: value}; the unit's own provisions get ``default`` unless given."""
    ids = S_IDS if unit_type.lower().startswith(("social", "kommun")) else V_IDS
    values = {"Enhetstyp": unit_type, "Kommunkod": code, "Kommun": kommun, "Enhet": name,
              "Region": region, "Latitud": lat, "Longitud": lon}
    for pid in ids:
        values[PROVISION_HEADERS.get(pid, pid)] = default
    for pid, ans in (answers or {}).items():
        values[PROVISION_HEADERS.get(pid, pid)] = ans
    values.update(extra)
    return values


CLEAN = [
    row("Socialnämnd", "0180", "Stockholm", "Socialnämnden i Stockholm", region="Region Stockholm",
        answers={"S2": "Nej", "S3": "Vet ej", "S7": ""}),
    row("Socialnämnd", "1880", "Örebro", "Socialnämnden i Örebro", region="Örebro län"),
    row("Vårdcentral", "1880", "Örebro", "Vårdcentralen Gripen", region="18", lat="59,2741", lon="15,2066",
        answers={"V4": "Vet ej.", "V5": "vet inte", "V8": ""}),
    row("Hälsocentral", "2380", "Östersund", "Hälsocentralen Lugnvik", region="Jämtland Härjedalen",
        lat="63.1930", lon="14.6550"),
]


def to_csv(rows: list[dict[str, str]], header: list[str] | None = None, sep: str = ";") -> str:
    header = header or HEADER
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=sep, lineterminator="\r\n")
    writer.writerow(header)
    for r in rows:
        writer.writerow([r.get(h, "") for h in header])
    return buf.getvalue()


def write(tmp_path: Path, rows: list[dict[str, str]], name: str = "2024.csv", *, sep: str = ";",
          encoding: str = "utf-8", header: list[str] | None = None) -> Path:
    path = tmp_path / name
    path.write_bytes(to_csv(rows, header, sep).encode(encoding))
    return path


def rejected_rows(result: ImportResult) -> set[int]:
    return {r.row for r in result.rejected}


def check_invariant(result: ImportResult) -> None:
    assert result.rows_in == result.accepted + len(rejected_rows(result)) + len(result.replaced)
    assert not {r.row for r in result.replaced} & rejected_rows(result)
    assert result.rejected_rows == len(rejected_rows(result))
    # every unit has one answer (maybe "saknas") per provision of its type that the file asks
    asked = {t: {p for p in result.asked_columns if p in (S_IDS if t == "socialnamnd" else V_IDS)}
             for t in ("socialnamnd", "vardcentral")}
    typed = result.answers.merge(result.units[["unit_id", "unit_type"]], on="unit_id")
    for unit in result.units.itertuples(index=False):
        got = set(typed.loc[typed["unit_id"] == unit.unit_id, "provision_id"])
        assert got == asked[unit.unit_type], (unit.unit_id, got)


def faults(result: ImportResult) -> list[tuple[int, str, str]]:
    return [(r.row, r.column, r.value) for r in result.rejected]


def only_fault(result: ImportResult, rownum: int, column: str, reason: str, value: str | None = None) -> Rejection:
    """Assert that exactly one rejection exists, at (row, column), with ``reason`` in its reason."""
    check_invariant(result)
    assert len(result.rejected) == 1, result.rejected
    rej = result.rejected[0]
    assert (rej.row, rej.column) == (rownum, column)
    assert reason.lower() in rej.reason().lower(), rej.reason()
    if value is not None:
        assert rej.value == value
    return rej


