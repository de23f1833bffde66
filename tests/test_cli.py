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
