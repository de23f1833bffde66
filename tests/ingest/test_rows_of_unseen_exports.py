"""Survey exports of kinds the team has not seen (issue 18, "done when").

Three exports, none shaped like the fixtures in ``survey_exports``:

- an XLSX from a survey tool that writes a stale declared size (smaller than its rows and
  columns), times as Excel dates, asks health centres only five of the eight questions, and
  has a unit whose latest submission holds an answer that is not an answer ("Delvis");
- a comma CSV with a byte order mark and day/month/year times that asks committees three of
  the seven questions, with a faulty latest submission and a faulty *earlier* one;
- a standard-format XLSX written by a streaming tool (no declared size, no row or cell
  references) with both unit types, the committees' last question missing, and a value
  right of the header.

Each must import with every row of the sheet accounted for, the questions it does not ask named
(and never counted as not followed), and a faulty latest submission named in the report.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from dashboard import cli
from dashboard.figures import aggregate
from dashboard.ingest import profiles
from dashboard.ingest.importer import ImportResult, read_survey
from dashboard.storage.store import Store

# --------------------------------------------------------------------------- the exports

VC_Q = {  # five of the eight, phrased as this tool's customer wrote them
    "V1": "Finns rutin för att fråga om våld (när och hur)?",
    "V2": "Frågar ni enskilt när patienten visar tecken på våld?",
    "V3": "Finns rutin för kvalitetsarbete kring våldsutsatta patienter?",
    "V4": "Beaktas barns behov av information och stöd?",
    "V5": "Finns rutin för anmälan till socialnämnden?",
}
VC = ["Alfa", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Eta", "Theta", "Iota", "Kappa", "Lambda", "My"]


def _vc_rows() -> list[list[object]]:
    """(no, time, unit, municipality, V1..V5, comment) per submission, in file order."""
    start = dt.datetime(2025, 4, 1, 8, 0)
    rows: list[list[object]] = []
    for i, name in enumerate(VC):
        answers = ["Ja"] * 5
        if name == "Delta":
            answers[2] = ""  # an asked question left blank: saknas, which is not following all
        if name in ("Eta", "Theta"):
            answers[1] = "Nej"
        rows.append([i + 1, start + dt.timedelta(hours=i), f"Vårdcentralen {name}", "Örebro", *answers, ""])
    rows.append([13, start + dt.timedelta(days=2), "Vårdcentralen Beta", "Örebro", "Nej", "Ja", "Ja", "Ja", "Ja",
                 "rättat"])  # a later, valid submission: replaces Beta's first
    rows.append([14, start + dt.timedelta(days=3), "Vårdcentralen Gamma", "Örebro", "Ja", "Delvis", "Ja", "Ja", "Ja",
                 "ändrat"])  # the latest submission is faulty: Gamma is left out, named
    return rows


def vc_export() -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("Svar")
    when = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    ws.write_row(0, 0, ["Svar nr", "Tidpunkt", "Vårdcentral", "Kommun", *VC_Q.values(), "Kommentar"])
    for r, values in enumerate(_vc_rows(), start=1):
        for c, v in enumerate(values):
            ws.write_datetime(r, c, v, when) if isinstance(v, dt.datetime) else ws.write(r, c, v)
    wb.close()
    return _edit_sheet(buf.getvalue(), lambda x: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:E4"/>', x))


VC_PROFILE = "\n".join([
    "[columns]", 'Enhet = "Vårdcentral"', 'Kommun = "Kommun"', 'Enhetstyp = { value = "Vårdcentral" }',
    'Inskickad = "Tidpunkt"', "[provisions]", *(f'{pid} = "{q}"' for pid, q in VC_Q.items()),
    "[drop]", 'columns = ["Kommentar"]',
])

SN_Q = {"S1": "Rutiner för frågor om våld?", "S2": "Utreds behovet av stöd och hjälp?",
        "S4": "Utreds barns behov när de bevittnat våld?"}
SN = ["Arboga", "Köping", "Kungsör", "Fagersta", "Sala", "Norberg", "Surahammar", "Heby"]
SN_CODES = {"Arboga": "1984", "Köping": "1983", "Kungsör": "1960", "Fagersta": "1982", "Sala": "1981",
            "Norberg": "1962", "Surahammar": "1907", "Heby": "0331"}


def sn_export() -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")  # commas, and commas inside quoted question texts
    w.writerow(["Tidstämpel", "E-postadress", "Vilken nämnd svarar?", "Kommunkod", *SN_Q.values()])
    for i, town in enumerate(SN):
        answers = ["Ja", "Ja", "Nej" if town == "Sala" else "Ja"]
        w.writerow([f"{10 + i:02d}/03/2025 09:00:00", f"handlaggare{i}@example.se", f"Socialnämnden i {town}",
                    SN_CODES[town], *answers])
    w.writerow(["25/03/2025 16:45:00", "x@example.se", "Socialnämnden i Köping", "1983", "Ja, delvis", "Ja", "Ja"])
    w.writerow(["01/03/2025 08:00:00", "y@example.se", "Socialnämnden i Heby", "0331", "Kanske", "Ja", "Ja"])
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


SN_PROFILE = "\n".join([
    "[columns]", 'Enhet = "Vilken nämnd svarar?"', 'Kommunkod = "Kommunkod"', 'Enhetstyp = { value = "Socialnämnd" }',
    'Inskickad = "Tidstämpel"', "[provisions]", *(f'{pid} = "{q}"' for pid, q in SN_Q.items()),
    "[drop]", 'columns = ["E-postadress"]',
])


def streamed_export() -> bytes:
    """The standard format, both unit types; the committees' S7 column is missing."""
    head = ["Enhetstyp", "Kommunkod", "Enhet", *(f"S{i}" for i in range(1, 7)), *(f"V{i}" for i in range(1, 9))]
    rows = [["Socialnämnd", "2180", f"Socialnämnden {k}", *["Ja"] * 6, *[""] * 8] for k in ("Nord", "Syd", "Väst")]
    rows += [["Vårdcentral", "2180", f"Vårdcentralen {k}", *[""] * 6, *["Ja"] * 8] for k in ("Nord", "Syd")]
    rows[1][3] = "Nej"
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet()
    ws.write_row(0, 0, head)
    for r, values in enumerate(rows, start=1):
        for c, v in enumerate(values):
            if v:  # a streaming tool writes no empty cells
                ws.write_string(r, c, v)
    ws.write_string(4, len(head) + 1, "utanför rubrikraden")  # row 5, right of the header
    wb.close()

    def streamed(x: bytes) -> bytes:
        x = re.sub(rb'<dimension ref="[^"]*"/>', b"", x)
        return re.sub(rb' (?:r|spans)="[^"]*"', b"", x)

    # cells without references must all be there: fill the gaps with empty inline strings first
    return _edit_sheet(_fill_gaps(buf.getvalue(), len(head) + 2), streamed)


# --------------------------------------------------------------------------- helpers


def _edit_sheet(data: bytes, change) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            part = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet1"):
                changed = change(part)
                assert changed != part
                part = changed
            zf.writestr(info.filename, part)
    return out.getvalue()


def _fill_gaps(data: bytes, width: int) -> bytes:
    """Every row gets a cell in each column up to the last it uses (empty inline strings)."""
    from openpyxl.utils import get_column_letter

    def fill(x: bytes) -> bytes:
        def row(m: re.Match[bytes]) -> bytes:
            n = int(m.group(1))
            cells = dict(re.findall(rb'(<c r="([A-Z]+)\d+".*?(?:/>|</c>))', m.group(2), flags=re.S))
            by_col = {col: cell for cell, col in cells.items()}
            last = max(openpyxl.utils.column_index_from_string(c.decode()) for c in by_col)
            out = b"".join(by_col.get(get_column_letter(i).encode(),
                                      b'<c r="%s%d" t="inlineStr"><is><t></t></is></c>' % (get_column_letter(i).encode(), n))
                           for i in range(1, min(last, width) + 1))
            return b'<row r="%d">%s</row>' % (n, out)

        return re.sub(rb'<row r="(\d+)"[^>]*>(.*?)</row>', row, x, flags=re.S)

    return _edit_sheet(data, fill)


def rows_in_sheet(data: bytes) -> int:
    """The data rows the sheet holds, counted by openpyxl's full (not read-only) reader, which places
    every cell it finds and ignores the declared size."""
    ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    return sum(1 for r in ws.iter_rows(min_row=2, values_only=True) if any(v not in (None, "") for v in r))


def accounted(result: ImportResult, sheet_rows: int) -> None:
    assert result.error is None, result.error_text()
    assert result.rows_in == sheet_rows
    assert result.rows_in == result.accepted + result.rejected_rows + len(result.replaced)


def _status_by_name(db: Path, round_name: str) -> dict[str, str]:
    units, answers = Store(db).load_round(round_name)
    status = aggregate.unit_status(units, answers)
    return dict(zip(status["name"], status["status"], strict=True))


# --------------------------------------------------------------------------- the tests


def test_stale_declared_size_five_questions_and_a_faulty_latest_submission(tmp_path: Path,
                                                                           capsys: pytest.CaptureFixture[str],
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "a.duckdb"
    monkeypatch.setenv("TILLSYN_DB", str(db))
    data = vc_export()
    (tmp_path / "svar.xlsx").write_bytes(data)
    (tmp_path / "p.toml").write_text(VC_PROFILE, encoding="utf-8")
    assert rows_in_sheet(data) == 14

    assert cli.main(["import", str(tmp_path / "svar.xlsx"), "--mapping", str(tmp_path / "p.toml"),
                     "--round", "Vår 2025"]) == 1
    text = capsys.readouterr().out
    status = _status_by_name(db, "Vår 2025")
    # every row: 11 units, Beta's first submission replaced, Gamma's latest rejected and its first not used
    assert "Vårdcentralen Gamma" not in status and len(status) == 11
    assert "14 rader, 11 importerades" in text and "1 avvisades, 2 ersattes" in text
    # the questions not asked are named, and never counted as not followed
    assert "vårdcentraler: V6, V7, V8" in text
    assert status["Vårdcentralen Alfa"] == "follows_all" and status["Vårdcentralen Delta"] == "not_all"
    assert sorted(v for v in status.values()) == sorted(["follows_all"] * 7 + ["not_all"] * 4)
    units, answers = Store(db).load_round("Vår 2025")
    assert sorted(answers["provision_id"].unique()) == ["V1", "V2", "V3", "V4", "V5"]
    beta = units.loc[units["name"] == "Vårdcentralen Beta", "unit_id"].item()
    assert answers[(answers["unit_id"] == beta) & (answers["provision_id"] == "V1")]["answer"].item() == "nej"
    # the faulty latest submission, named in a list of its own
    assert "Lämnades utanför" in text
    assert re.search(r"Vårdcentralen Gamma: Den senaste inskickningen \(rad 15, [^)]+\) avvisades; enheten "
                     r"lämnas utanför och den tidigare inskickningen på rad 4 används inte", text), text

    assert cli.main(["import", str(tmp_path / "svar.xlsx"), "--mapping", str(tmp_path / "p.toml"),
                     "--round", "Vår 2025", "--dry-run", "--json", "--lang", "en"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [(u["unit_type"], u["provisions"]) for u in report["unasked"]] == [("vardcentral", ["V6", "V7", "V8"])]
    assert "health centres the questions V6, V7 and V8" in report["unasked"][0]["text"]
    assert [(w["unit"], w["row"], w["earlier_rows"]) for w in report["withheld"]] == [("Vårdcentralen Gamma", 15, [4])]
    assert "left out" in report["withheld"][0]["reason"]


def test_comma_csv_three_questions_faulty_latest_and_faulty_earlier(tmp_path: Path) -> None:
    data = sn_export()
    result = read_survey(data, filename="namnder.csv", round_name="r", profile=profiles.parse(SN_PROFILE))
    accounted(result, 10)
    # Köping's latest is faulty: left out, named; Heby's faulty submission is older than its valid one
    assert "Socialnämnden i Köping" not in set(result.units["name"])
    assert "Socialnämnden i Heby" in set(result.units["name"])
    assert [(w.name, w.row, w.earlier_rows) for w in result.withheld] == [("Socialnämnden i Köping", 10, (3,))]
    assert {r.row for r in result.rejected} == {10, 11}
    assert result.unasked == {"socialnamnd": ["S3", "S5", "S6", "S7"]}
    assert sorted(result.answers["provision_id"].unique()) == ["S1", "S2", "S4"]
    status = aggregate.unit_status(result.units, result.answers).set_index("name")["status"]
    assert status["Socialnämnden i Arboga"] == "follows_all" and status["Socialnämnden i Sala"] == "not_all"
    assert (status == "follows_all").sum() == 6


def test_streamed_standard_file_both_types_one_question_missing(tmp_path: Path) -> None:
    data = streamed_export()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")
    assert b"<dimension" not in sheet and b' r="' not in sheet
    result = read_survey(data, filename="strom.xlsx", round_name="r")
    accounted(result, 5)
    assert (result.accepted, [(r.row, r.value) for r in result.rejected]) == (4, [(5, "utanför rubrikraden")])
    assert result.unasked == {"socialnamnd": ["S7"]}  # the health centres are asked everything
    status = aggregate.unit_status(result.units, result.answers).set_index("name")["status"]
    assert status.to_dict() == {"Socialnämnden Nord": "follows_all", "Socialnämnden Syd": "not_all",
                                "Socialnämnden Väst": "follows_all", "Vårdcentralen Syd": "follows_all"}
