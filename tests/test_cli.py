"""The `tillsyn` command line: exit codes and reports."""

from __future__ import annotations

import json

from dashboard import cli
from dashboard.ingest import demo

HEADER = "Enhetstyp;Kommunkod;Enhet;V1 Rutiner;V2;V3;V4;V5;V6;V7;V8\n"


def _write(path, body: str) -> str:
    path.write_text(HEADER + body, encoding="utf-8")
    return str(path)


def test_demo_writes_the_example_file(tmp_path):
    out = tmp_path / "ex.csv"
    assert cli.main(["demo", "--out", str(out)]) == 0
    assert out.read_bytes() == demo.EXAMPLE_FILE.read_bytes()


def test_import_exit_codes_and_json_report(tmp_path, store_target, capsys):
    good = _write(tmp_path / "good.csv", "Vårdcentral;1880;VC A;Ja;Ja;Ja;Ja;Ja;Ja;Ja;Ja\n")
    assert cli.main(["import", good, "--round", "2025", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["rows_in"], report["accepted"], report["rejected"]) == (1, 1, [])

    mixed = _write(tmp_path / "mixed.csv", "Vårdcentral;1880;VC A;Ja;Ja;Ja;Ja;Ja;Ja;Ja;Ja\n"
                                            "Vårdcentral;0999;VC B;Ja;Ja;Ja;Ja;Ja;Ja;Ja;Ja\n")
    assert cli.main(["import", mixed, "--round", "2025", "--dry-run", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["rows_in"] == 2 and report["accepted"] == 1
    assert report["rejected"][0]["row"] == 3 and report["rejected"][0]["column"] == "Kommunkod"

    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(b"\x00\x01\x02\xff\xfe" * 50)
    assert cli.main(["import", str(garbage)]) == 2
    assert cli.main(["import", str(tmp_path / "missing.csv")]) == 2


def test_summary_json_has_the_published_figures(capsys):
    assert cli.main(["summary", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    nat = {r["unit_type"]: r for r in data["national"]}
    assert (nat["vardcentral"]["n_not_all"], nat["vardcentral"]["n_units"]) == (431, 1136)
    assert (nat["socialnamnd"]["n_not_all"], nat["socialnamnd"]["n_units"]) == (200, 290)
    orebro = next(r for r in data["regions"]["vardcentral"] if r["region_kod"] == "18")
    assert (orebro["n_not_all"], orebro["n_units"]) == (20, 27) and data["synthetic"] is True


def test_summary_text_is_swedish(capsys):
    assert cli.main(["summary"]) == 0
    out = capsys.readouterr().out
    assert "431 av 1\u00a0136 (38\u00a0%)" in out and "Exempeldata" in out


def test_unknown_round_exits_2(capsys):
    assert cli.main(["summary", "--round", "1850"]) == 2
    assert "1850" in capsys.readouterr().err


def test_messages_come_from_the_catalogue_with_real_plurals(tmp_path, monkeypatch, capsys):
    """Backup, restore and demo speak from strings.toml; "1 rad" / "2 rader", never a noun plus "er"."""
    monkeypatch.setenv("TILLSYN_DB", str(tmp_path / "db.duckdb"))
    one = _write(tmp_path / "one.csv", "Vårdcentral;1880;VC A;Ja;Ja;Ja;Ja;Ja;Ja;Ja;Ja\n")
    assert cli.main(["import", one, "--round", "2025"]) == 0
    capsys.readouterr()
    out = tmp_path / "b.duckdb"
    assert cli.main(["backup", "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"Säkerhetskopian skrevs till {out}"
    assert cli.main(["restore", str(out)]) == 0
    restored = capsys.readouterr().out
    assert restored.startswith("Återställt: ") and "units 1 rad" in restored and "1 rader" not in restored
    assert cli.main(["restore", one]) == 2
    assert "är inte en säkerhetskopia från tillsyn backup" in capsys.readouterr().err
    assert cli.main(["demo", "--out", str(tmp_path / "ex.csv")]) == 0
    assert capsys.readouterr().out.startswith("Exempelomgången skrevs till ")


def test_import_reasons_in_english_name_the_same_rows_columns_and_values(tmp_path, capsys):
    """`tillsyn import --lang en` says every reason in English, about exactly the rows Swedish names."""
    bad = _write(tmp_path / "bad.csv", "Vårdcentral;1880;VC A;Ja;Ja;Ja;Ja;Ja;Ja;Ja;Ja\n"
                                       "Vårdcentral;0999;VC B;Ja;Ja;Ja;Ja;Ja;Ja;Ja;Ja\n"
                                       "Sjukhus;1880;VC C;Kanske;Ja;Ja;Ja;Ja;Ja;Ja;Ja\n"
                                       ";;;;;;;;;;\n"
                                       "Vårdcentral;1880;VC D;Ja;Ja;Ja;Ja;Ja;Ja;Ja;Ja\n")
    assert cli.main(["import", bad, "--round", "2025", "--dry-run", "--json"]) == 1
    sv = json.loads(capsys.readouterr().out)
    assert cli.main(["import", bad, "--round", "2025", "--dry-run", "--json", "--lang", "en"]) == 1
    en = json.loads(capsys.readouterr().out)
    said = {"rejected": "reason", "withheld": "reason", "unasked": "text"}  # the sentences, in the language

    def facts(report: dict) -> dict:
        return {k: [{f: x for f, x in item.items() if f != said[k]} for item in v] if k in said else v
                for k, v in report.items()}

    assert facts(en) == facts(sv)
    where = [(r["row"], r["column"], r["value"]) for r in sv["rejected"]]
    assert where == [(r["row"], r["column"], r["value"]) for r in en["rejected"]]
    assert where == [(3, "Kommunkod", "0999"), (4, "Enhetstyp", "Sjukhus"), (4, "V1 Rutiner", "Kanske"), (5, "", "")]
    assert [r["reason"] for r in sv["rejected"]] == [
        "Okänd kommunkod 0999.", "Okänd enhetstyp; ange Socialnämnd eller Vårdcentral.",
        "Ogiltigt svar; tillåtna svar är Ja, Nej, Vet ej eller tomt.", "tom rad"]
    assert [r["reason"] for r in en["rejected"]] == [
        "Unknown municipality code 0999.",
        "Unknown unit type; write Socialnämnd (social welfare committee) or Vårdcentral (health centre).",
        "Invalid answer; the allowed answers are Ja, Nej, Vet ej (yes, no, do not know) or blank.", "blank row"]

    assert cli.main(["import", bad, "--round", "2025", "--dry-run", "--lang", "en"]) == 1
    text = capsys.readouterr().out
    assert "row 3, column 'Kommunkod', value '0999': Unknown municipality code 0999." in text
    assert "5 rows, 2 would be imported (dry run) into round 2025, 3 rejected" in text

    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(b"\x00\x01\x02\xff\xfe" * 50)
    assert cli.main(["import", str(garbage), "--lang", "en", "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["error"] == "The file is neither a text file (CSV) nor an Excel file (.xlsx)."


def test_mapping_suggest_comments_in_english(tmp_path, capsys):
    import survey_exports as se

    path = tmp_path / "sn.csv"
    path.write_bytes(se.committees_csv()[0])
    assert cli.main(["mapping", "suggest", str(path)]) == 1
    sv = capsys.readouterr()
    assert cli.main(["mapping", "suggest", str(path), "--lang", "en"]) == 1
    en = capsys.readouterr()
    assert "# Import profile suggested by tillsyn mapping suggest for sn.csv." in en.out
    assert 'Kommun = "Kommun"  # score 100 (header)' in en.out and "poäng" not in en.out
    assert 'Kommun = "Kommun"  # poäng 100 (rubrik)' in sv.out
    assert en.err.startswith("To decide: answers 1 (coded answer: the usual order is 1 = ja")
    assert sv.err.startswith("Att bestämma: answers 1 (kodat svar: vanlig ordning 1 = ja")
    # the same profile, whatever the language of its comments
    strip = [line.split("  #")[0] for line in sv.out.splitlines() if not line.startswith("#")]
    assert strip == [line.split("  #")[0] for line in en.out.splitlines() if not line.startswith("#")]
