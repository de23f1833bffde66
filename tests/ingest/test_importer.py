"""The importer: every row of a survey file is accepted or reported, never lost."""

from __future__ import annotations

import hashlib
import io
import math
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from importer_cases import (
    CLEAN,
    HEADER,
    PROVISION_HEADERS,
    S_IDS,
    V_IDS,
    check_invariant,
    faults,
    only_fault,
    row,
    to_csv,
    write,
)

from dashboard.domain import schema
from dashboard.ingest.importer import ImportResult, normalise_header, read_survey

# --------------------------------------------------------------------------- clean files


def test_clean_file(tmp_path: Path) -> None:
    result = read_survey(write(tmp_path, CLEAN))
    assert result.ok and result.error is None and result.rejected == []
    assert (result.rows_in, result.accepted) == (4, 4)
    check_invariant(result)
    assert result.round == "2024" and result.filename == "2024.csv"
    assert result.sha256 == hashlib.sha256((tmp_path / "2024.csv").read_bytes()).hexdigest()

    u = result.units
    pd.testing.assert_frame_equal(u, schema.units_frame(u))  # canonical columns and types
    assert u["unit_type"].tolist() == ["socialnamnd", "socialnamnd", "vardcentral", "vardcentral"]
    assert u["kommun_kod"].tolist() == ["0180", "1880", "1880", "2380"]
    assert u["region_kod"].tolist() == ["01", "18", "18", "23"]
    assert u["name"].tolist() == [r["Enhet"] for r in CLEAN]
    assert math.isnan(u["lat"][0]) and math.isnan(u["lon"][1])
    assert u["lat"][2] == pytest.approx(59.2741) and u["lon"][3] == pytest.approx(14.655)
    assert u["responded"].all() and not u["synthetic"].any()
    digest = hashlib.sha1(b"socialnamnden i stockholm").hexdigest()[:10]
    assert u["unit_id"][0] == f"SN-0180-{digest}"
    assert u["unit_id"][2].startswith("VC-1880-")

    a = result.answers
    pd.testing.assert_frame_equal(a, schema.answers_frame(a))
    assert a["round"].eq("2024").all()
    first = a[a["unit_id"] == u["unit_id"][0]].set_index("provision_id")["answer"].to_dict()
    assert first == {"S1": "ja", "S2": "nej", "S3": "vet_ej", "S4": "ja", "S5": "ja", "S6": "ja", "S7": "saknas"}
    third = a[a["unit_id"] == u["unit_id"][2]].set_index("provision_id")["answer"].to_dict()
    assert third["V4"] == "vet_ej" and third["V5"] == "vet_ej" and third["V8"] == "saknas"
    assert list(third) == V_IDS  # catalogue order


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("sep", [";", ","])
def test_encodings_and_separators(tmp_path: Path, encoding: str, sep: str) -> None:
    result = read_survey(write(tmp_path, CLEAN, sep=sep, encoding=encoding))
    assert result.ok, result.report()
    assert result.units["name"].tolist() == [r["Enhet"] for r in CLEAN]  # å/ä/ö survive
    reference = read_survey(write(tmp_path, CLEAN, name="ref.csv"))
    pd.testing.assert_frame_equal(result.units.drop(columns="round"), reference.units.drop(columns="round"))
    pd.testing.assert_frame_equal(result.answers.drop(columns="round"), reference.answers.drop(columns="round"))


def test_comma_file_with_commas_in_quoted_names(tmp_path: Path) -> None:
    rows = [row("Vårdcentral", "0180", "Stockholm", "Vårdcentral City, Norra; Södra")]
    result = read_survey(write(tmp_path, rows, sep=","))
    assert result.ok and result.units["name"][0] == "Vårdcentral City, Norra; Södra"


def test_sep_hint_line(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("sep=,\n" + to_csv([CLEAN[0], dict(CLEAN[1], Enhetstyp="?")], sep=","), encoding="utf-8")
    result = read_survey(path)
    assert result.accepted == 1
    only_fault(result, 3, "Enhetstyp", "Okänd enhetstyp")  # the hint line is not a row


@pytest.mark.parametrize("code", ["180", "180.0", "0180", " 0180 ", "180,0"])
def test_lost_leading_zero_is_restored(tmp_path: Path, code: str) -> None:
    result = read_survey(write(tmp_path, [row("Socialnämnd", code, "Stockholm", "SN")]))
    assert result.ok and result.units["kommun_kod"][0] == "0180" and result.units["region_kod"][0] == "01"


def test_header_variants(tmp_path: Path) -> None:
    header = [" ENHETSTYP ", "kommunkod", "KOMMUN", "enhet", "region", "latitud ", "LONGITUD", "Omgang",
              "enhets id", "svarat", "exempeldata", "v1", "V2: fråga enskilt", "v3.", "S1"]
    rows = [{" ENHETSTYP ": "VÅRDCENTRAL", "kommunkod": "1880", "KOMMUN": "orebro", "enhet": "VC",
             "region": "REGION ÖREBRO LÄN", "latitud ": "59.3", "LONGITUD": "15.2", "Omgang": "Vår 2025",
             "enhets id": "vc-1", "svarat": "JA", "exempeldata": "ja", "v1": "JA", "V2: fråga enskilt": "nej",
             "v3.": "VET EJ"}]
    result = read_survey(write(tmp_path, rows, header=header))
    assert result.ok, result.report()
    assert result.round == "Vår 2025"
    u = result.units.iloc[0]
    assert (u["unit_id"], u["unit_type"], u["synthetic"], u["responded"]) == ("vc-1", "vardcentral", True, True)
    answers = result.answers.set_index("provision_id")["answer"]
    assert (answers["V1"], answers["V2"], answers["V3"]) == ("ja", "nej", "vet_ej")
    assert "V4" not in answers.index  # not asked by this file: never stored as "saknas"
    assert normalise_header(" Enhets-id ") == normalise_header("enhetsid") == "enhetsid"


def test_unknown_columns_are_ignored_and_listed(tmp_path: Path) -> None:
    header = [*HEADER, "Kommentar", "V9 finns inte", "V10"]
    rows = [dict(CLEAN[2], Kommentar="hej", **{"V9 finns inte": "Ja", "V10": "x"})]
    result = read_survey(write(tmp_path, rows, header=header))
    assert result.ok
    assert result.report()["ignored_columns"] == ["Kommentar", "V9 finns inte", "V10"]


def test_xlsx(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER + ["Exempeldata"])
    for r in CLEAN:
        values: list[object] = [r.get(h, "") or None for h in HEADER]
        values[HEADER.index("Kommunkod")] = int(r["Kommunkod"])  # Excel drops the zero: 180
        lat, lon = r["Latitud"], r["Longitud"]
        values[HEADER.index("Latitud")] = float(lat.replace(",", ".")) if lat else None
        values[HEADER.index("Longitud")] = float(lon.replace(",", ".")) if lon else None
        ws.append([*values, True])
    ws2 = wb.create_sheet("Annat blad")
    ws2.append(["inte", "data"])
    path = tmp_path / "enkat.txt"  # format by content, not by extension
    wb.save(path)

    result = read_survey(path)
    assert result.ok, result.report()
    assert result.round == "enkat"
    csv_result = read_survey(write(tmp_path, CLEAN, name="enkat.csv"))
    expected = csv_result.units.assign(synthetic=True)
    pd.testing.assert_frame_equal(result.units, expected)
    pd.testing.assert_frame_equal(result.answers, csv_result.answers)


def test_xlsx_row_numbers_match_excel(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Enhetstyp", "Kommunkod", "Enhet"])
    ws.append(["Vårdcentral", 180, "A"])
    ws.append([])  # row 3 blank
    ws.append(["Vårdcentral", 999, "B"])  # row 4
    ws.cell(row=10, column=1).value = None  # formatted but empty rows after the data are not rows
    path = tmp_path / "r.xlsx"
    wb.save(path)
    result = read_survey(path)
    assert result.rows_in == 3 and result.accepted == 1
    assert faults(result) == [(3, "", ""), (4, "Kommunkod", "999")]
    assert result.rejected[0].reason() == "tom rad"
    assert "Okänd kommunkod 0999" in result.rejected[1].reason()


# --------------------------------------------------------------------------- rejected rows


def test_unknown_municipality_code(tmp_path: Path) -> None:
    rows = [CLEAN[0], row("Vårdcentral", "0999", "", "VC X")]
    result = read_survey(write(tmp_path, rows))
    assert result.accepted == 1
    only_fault(result, 3, "Kommunkod", "Okänd kommunkod 0999", "0999")


@pytest.mark.parametrize("code", ["18800", "abc", "1,5", "01-80"])
def test_malformed_municipality_code(tmp_path: Path, code: str) -> None:
    result = read_survey(write(tmp_path, [row("Vårdcentral", code, "", "VC X")]))
    only_fault(result, 2, "Kommunkod", "fyra siffror", code)


def test_region_not_matching_code(tmp_path: Path) -> None:
    rows = [row("Vårdcentral", "1880", "Örebro", "VC", region="Region Stockholm"),
            row("Vårdcentral", "1880", "Örebro", "VC 2", region="Narnia")]
    result = read_survey(write(tmp_path, rows))
    assert result.accepted == 0
    assert faults(result) == [(2, "Region", "Region Stockholm"), (3, "Region", "Narnia")]
    assert "stämmer inte med kommunkoden 1880" in result.rejected[0].reason()
    assert "Region Örebro län" in result.rejected[0].reason()
    assert "Okänd region" in result.rejected[1].reason()
    check_invariant(result)


def test_municipality_name_not_matching_code(tmp_path: Path) -> None:
    rows = [row("Vårdcentral", "1880", "Örebro kommun", "A"), row("Vårdcentral", "0180", "Stockholms kommun", "B"),
            row("Vårdcentral", "0180", "Solna", "C")]
    result = read_survey(write(tmp_path, rows))
    assert result.accepted == 2
    only_fault(result, 4, "Kommun", "stämmer inte med kommunkoden 0180", "Solna")


def test_unknown_unit_type(tmp_path: Path) -> None:
    rows = [CLEAN[0], dict(CLEAN[2], Enhetstyp="Sjukhus"), dict(CLEAN[3], Enhetstyp="")]
    result = read_survey(write(tmp_path, rows))
    assert result.accepted == 1
    assert faults(result) == [(3, "Enhetstyp", "Sjukhus"), (4, "Enhetstyp", "")]
    assert "Okänd enhetstyp" in result.rejected[0].reason()
    assert "Enhetstyp saknas" in result.rejected[1].reason()


def test_unit_type_synonyms(tmp_path: Path) -> None:
    rows = [row(t, "0180", "Stockholm", f"Enhet {i}") for i, t in
            enumerate(["Socialnämnd", "kommun", "SOCIALTJÄNST", "socialnamnd", "Vårdcentral", "hälsocentral"])]
    result = read_survey(write(tmp_path, rows))
    assert result.ok
    assert result.units["unit_type"].tolist() == ["socialnamnd"] * 4 + ["vardcentral"] * 2


def test_invalid_answer(tmp_path: Path) -> None:
    rows = [row("Vårdcentral", "0180", "Stockholm", "VC", answers={"V1": "Kanske"})]
    result = read_survey(write(tmp_path, rows))
    only_fault(result, 2, PROVISION_HEADERS["V1"], "Ogiltigt svar", "Kanske")


def test_answer_to_provision_of_other_unit_type(tmp_path: Path) -> None:
    rows = [row("Vårdcentral", "0180", "Stockholm", "VC", **{"S3 - Risk": "Nej"})]
    result = read_survey(write(tmp_path, rows))
    only_fault(result, 2, "S3 - Risk", "frågan gäller inte enhetstypen", "Nej")


@pytest.mark.parametrize(
    ("lat", "lon", "expected"),
    [
        ("48,85", "2,35", [("Latitud", "utanför Sverige"), ("Longitud", "utanför Sverige")]),
        ("59,3", "30", [("Longitud", "utanför Sverige")]),
        ("18,07", "59,33", [("Latitud", "bytt plats"), ("Longitud", "bytt plats")]),
        ("norr", "18", [("Latitud", "inte ett tal")]),
        ("59,3", "nan", [("Longitud", "inte ett tal")]),
        ("59,3", "", [("Longitud", "både latitud och longitud")]),
        ("", "18", [("Latitud", "både latitud och longitud")]),
    ],
)
def test_bad_coordinates(tmp_path: Path, lat: str, lon: str, expected: list[tuple[str, str]]) -> None:
    result = read_survey(write(tmp_path, [row("Vårdcentral", "0180", "Stockholm", "VC", lat=lat, lon=lon)]))
    check_invariant(result)
    assert result.accepted == 0
    assert [(r.row, r.column) for r in result.rejected] == [(2, col) for col, _ in expected]
    for rej, (_, reason) in zip(result.rejected, expected, strict=True):
        assert reason in rej.reason()


def test_coordinates_on_the_edge_are_accepted(tmp_path: Path) -> None:
    rows = [row("Vårdcentral", "0180", "Stockholm", "VC", lat=str(schema.SWEDEN_LAT[0]), lon=str(schema.SWEDEN_LON[1]))]
    assert read_survey(write(tmp_path, rows)).ok


def test_missing_name(tmp_path: Path) -> None:
    result = read_survey(write(tmp_path, [row("Vårdcentral", "0180", "Stockholm", "   ")]))
    only_fault(result, 2, "Enhet", "Namn på enheten saknas", "")


def test_duplicates(tmp_path: Path) -> None:
    rows = [
        row("Vårdcentral", "0180", "Stockholm", "VC Älvsjö"),                # 2
        row("Vårdcentral", "180", "Stockholm", "  vc  ALVSJO "),             # 3: same type+code+normalised name
        row("Socialnämnd", "0180", "Stockholm", "VC Älvsjö"),                # 4: other type: not a duplicate
        row("Vårdcentral", "1880", "Örebro", "A", **{"Enhets-id": "X1"}),     # 5
        row("Vårdcentral", "2380", "Östersund", "B", **{"Enhets-id": "X1"}),  # 6: same id
        row("Vårdcentral", "0180", "Stockholm", "VC Älvsjö", **{"Enhets-id": "X2"}),  # 7: own id: not a duplicate
    ]
    header = [*HEADER, "Enhets-id"]
    result = read_survey(write(tmp_path, rows, header=header))
    check_invariant(result)
    assert result.accepted == 4
    assert faults(result) == [(3, "Enhet", "vc  ALVSJO"), (6, "Enhets-id", "X1")]
    assert "Dubblett av rad 2" in result.rejected[0].reason()
    assert "Dubblett av rad 5" in result.rejected[1].reason()
    assert result.units["unit_id"].is_unique


def test_several_faults_in_one_row_count_once(tmp_path: Path) -> None:
    rows = [row("Vårdcentral", "0999", "", "VC", region="Narnia", lat="1", lon="1", answers={"V2": "?"},
                **{"S1 Rutiner för att upptäcka våld": "Ja"}), CLEAN[0]]
    result = read_survey(write(tmp_path, rows))
    check_invariant(result)
    assert (result.rows_in, result.accepted, result.rejected_rows) == (2, 1, 1)
    assert [r.column for r in result.rejected] == [
        "Kommunkod", "Region", "Latitud", "Longitud", "V2", "S1 Rutiner för att upptäcka våld",
    ]
    assert all(r.row == 2 for r in result.rejected)


def test_blank_rows(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    text = to_csv([CLEAN[0], {}, CLEAN[1]]) + ";;;\r\n\r\n   \r\n"
    path.write_text("\r\n" + text, encoding="utf-8")  # a blank line before the header too
    result = read_survey(path)
    check_invariant(result)
    assert (result.rows_in, result.accepted) == (3, 2)  # trailing blank rows are not rows
    assert [(r.row, r.column, r.value, r.reason()) for r in result.rejected] == [(4, "", "", "tom rad")]


def test_more_values_than_headers(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("Enhetstyp,Kommunkod,Enhet\nVårdcentral,0180,VC City, Norra\nVårdcentral,0180,VC B,,\n",
                    encoding="utf-8")
    result = read_survey(path)
    assert result.accepted == 1
    only_fault(result, 2, "", "fler värden än rubrikraden", "Norra")


def test_responded(tmp_path: Path) -> None:
    header = [*HEADER, "Svarat"]
    rows = [
        row("Vårdcentral", "0180", "Stockholm", "A", default=""),                   # blank, nothing answered
        row("Vårdcentral", "0180", "Stockholm", "B", default="", answers={"V1": "Nej"}),  # blank, answered
        row("Vårdcentral", "0180", "Stockholm", "C", default="", Svarat="Ja"),      # says yes, nothing answered
        row("Vårdcentral", "0180", "Stockholm", "D", default="", Svarat="nej"),
        row("Vårdcentral", "0180", "Stockholm", "E", Svarat="Nej"),                 # contradiction
        row("Vårdcentral", "0180", "Stockholm", "F", Svarat="Kanske"),
    ]
    result = read_survey(write(tmp_path, rows, header=header))
    check_invariant(result)
    assert result.units["responded"].tolist() == [False, True, True, False]
    assert faults(result) == [(6, "Svarat", "Nej"), (7, "Svarat", "Kanske")]
    assert "Svarat är Nej" in result.rejected[0].reason()


def test_synthetic_flag(tmp_path: Path) -> None:
    header = [*HEADER, "Exempeldata"]
    rows = [dict(CLEAN[0], Exempeldata="Ja"), dict(CLEAN[1], Exempeldata=""), dict(CLEAN[2], Exempeldata="Kanske")]
    result = read_survey(write(tmp_path, rows, header=header))
    assert result.units["synthetic"].tolist() == [True, False]
    only_fault(result, 4, "Exempeldata", "Ogiltigt värde", "Kanske")


def test_round_precedence(tmp_path: Path) -> None:
    header = [*HEADER, "Omgång"]
    rows = [dict(CLEAN[0], **{"Omgång": "2025"}), dict(CLEAN[1], **{"Omgång": ""}),
            dict(CLEAN[2], **{"Omgång": "2024"}), dict(CLEAN[3], **{"Omgång": "2025"})]
    path = write(tmp_path, rows, name="fil.csv", header=header)

    from_column = read_survey(path)
    assert from_column.round == "2025"
    assert from_column.units["round"].eq("2025").all() and from_column.answers["round"].eq("2025").all()
    only_fault(from_column, 4, "Omgång", "skiljer sig från filens omgång 2025 (rad 2)", "2024")

    from_argument = read_survey(path, round_name="Hösten 2026")
    assert from_argument.ok and from_argument.round == "Hösten 2026"
    assert from_argument.units["round"].eq("Hösten 2026").all()

    from_stem = read_survey(write(tmp_path, CLEAN, name="Våren 2024.csv"))
    assert from_stem.round == "Våren 2024"


def test_bytes_source_and_idempotence(tmp_path: Path) -> None:
    rows = [*CLEAN, row("Vårdcentral", "0999", "", "X")]
    path = write(tmp_path, rows)
    first, second = read_survey(path), read_survey(path)
    from_bytes = read_survey(path.read_bytes(), filename="2024.csv")
    for other in (second, from_bytes):
        assert other.report() == first.report()
        pd.testing.assert_frame_equal(other.units, first.units)
        pd.testing.assert_frame_equal(other.answers, first.answers)
    anonymous = read_survey(path.read_bytes())
    assert anonymous.filename == "uppladdad-fil" and anonymous.round == "uppladdad-fil"


def test_report(tmp_path: Path) -> None:
    rows = [CLEAN[0], row("Vårdcentral", "0999", "", "X")]
    result = read_survey(write(tmp_path, rows, header=[*HEADER, "Anteckning"]))
    report = result.report()
    assert report == {
        "file": "2024.csv",
        "round": "2024",
        "sha256": result.sha256,
        "rows_in": 2,
        "accepted": 1,
        "rejected_rows": 1,
        "rejected": [{"row": 3, "column": "Kommunkod", "value": "0999", "reason": "Okänd kommunkod 0999."}],
        "replaced_rows": 0,
        "replaced": [],
        "asked_provisions": S_IDS + V_IDS,
        "unasked": [],
        "withheld_units": 0,
        "withheld": [],
        "ignored_columns": ["Anteckning"],
        "dropped_columns": [],
        "personal_columns": [],
        "person_like_names": None,
        "error": None,
    }
    assert not result.ok


# --------------------------------------------------------------------------- unreadable files


def assert_unreadable(result: ImportResult, *phrases: str) -> None:
    assert result.error is not None and not result.ok
    for phrase in phrases:
        assert phrase.lower() in result.error_text().lower(), result.error
    assert result.error_text().count(".") >= 1 and "\n" not in result.error_text()
    assert (result.rows_in, result.accepted, result.rejected) == (0, 0, [])
    assert result.units.empty and result.answers.empty
    assert list(result.units.columns) == list(schema.UNITS_COLUMNS)
    assert result.report()["error"] == result.error_text() == str(result.error)


def _xlsx_bytes() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(["Enhetstyp", "Kommunkod", "Enhet"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _xlsx_without_sheets() -> bytes:
    src = zipfile.ZipFile(io.BytesIO(_xlsx_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/workbook.xml":
                text = data.decode()
                start, end = text.index("<sheets>"), text.index("</sheets>") + len("</sheets>")
                data = (text[:start] + "<sheets/>" + text[end:]).encode()
            dst.writestr(item, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "phrases"),
    [
        (b"", ["tom"]),
        (b"  \r\n\r\n ;;; \n", ["tom"]),
        (bytes(range(256)) * 4, ["varken en textfil"]),
        (b"\x00\x01\x02garbage\xff\xfe", ["varken en textfil"]),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", ["PDF"]),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, [".xls"]),
        ("Enhetstyp;Kommunkod;Enhet\r\n".encode("utf-16"), ["UTF-16"]),
        (b"\xef\xbb\xbfEnhetstyp;Kommunkod;Enhet\n\xff\xff", ["UTF-8"]),
        (b"Enhetstyp;Kommunkod;Enhet\r\n", ["rubrikrad men inga rader"]),
        (b"Enhetstyp;Kommunkod;Enhet\r\n;;\r\n\r\n", ["rubrikrad men inga rader"]),
        (b"Kommun;Enhet\r\nStockholm;X\r\n", ["Enhetstyp", "Kommunkod", "obligatoriska"]),
        (b"Enhetstyp;Kommunkod\r\nSocialn\xe4mnd;0180\r\n", ["Enhet", "obligatoriska kolumnen"]),
        (b"Socialn\xe4mnd;0180;Stockholm\r\n", ["obligatoriska"]),  # no header row
        (b"Enhetstyp;Kommunkod;Enhet;Kommunkod\r\nVC;0180;A;0180\r\n", ["Kommunkod", "flera gånger"]),
        (b"Enhetstyp;Kommunkod;Enhet;V1;v1 igen\r\nVC;0180;A;Ja;Ja\r\n", ["V1", "flera kolumner"]),
        (b"PK\x03\x04 this is not really a zip", ["zip"]),
        (_xlsx_bytes(), ["rubrikrad men inga rader"]),
        (_xlsx_without_sheets(), ["inga blad"]),
    ],
)
def test_unreadable_files(tmp_path: Path, data: bytes, phrases: list[str]) -> None:
    path = tmp_path / "fil.csv"
    path.write_bytes(data)
    result = read_survey(path)
    assert_unreadable(result, *phrases)
    assert result.round == "fil" and result.sha256 == hashlib.sha256(data).hexdigest()
    assert read_survey(data, filename="fil.csv").report() == result.report()


def test_zip_that_is_not_excel(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<w/>")
    assert_unreadable(read_survey(buf.getvalue(), filename="brev.docx"), "zip")


def test_missing_file(tmp_path: Path) -> None:
    result = read_survey(tmp_path / "finns-inte.csv", round_name="2024")
    assert_unreadable(result, "kunde inte öppnas")
    assert result.round == "2024"


