"""Realistic survey exports of the example round -> suggest -> import -> the canonical figures."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import survey_exports as se

from dashboard import cli
from dashboard.figures import aggregate
from dashboard.ingest import importer, mapping, profiles
from dashboard.storage.imports import import_file
from dashboard.storage.store import Store


def _suggest(data: bytes) -> mapping.Suggestion:
    header, rows = importer.read_table(data)
    return mapping.suggest(header, rows)


def _decide_coded(text: str) -> str:
    """What the person does with the suggestion: accept the 1/2/3 coding after checking it."""
    return "\n".join(line[2:] if line.startswith(('# 1 = "', '# 2 = "', '# 3 = "')) else line
                     for line in text.splitlines()) + "\n"


def _figures(store: Store, round_name: str) -> dict[str, object]:
    units, answers = store.load_round(round_name)
    status = aggregate.unit_status(units, answers)
    nat = aggregate.national(status).drop(columns=["round"], errors="ignore")
    out: dict[str, object] = {"national": nat.to_dict(orient="records")}
    for unit_type in ("vardcentral", "socialnamnd"):
        reg = aggregate.by_region(status, unit_type)
        out[unit_type] = reg.drop(columns=["round"], errors="ignore").to_dict(orient="records")
    return json.loads(json.dumps(out, default=str))


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    tmp = tmp_path_factory.mktemp("exports")
    store = Store(tmp / "db.duckdb")
    vc_bytes, personal = se.forms_xlsx()
    sn_bytes, phones = se.committees_csv()
    (tmp / "vc.xlsx").write_bytes(vc_bytes)
    (tmp / "sn.csv").write_bytes(sn_bytes)
    vc_s, sn_s = _suggest(vc_bytes), _suggest(sn_bytes)
    (tmp / "vc.toml").write_text(vc_s.toml("vc.xlsx"), encoding="utf-8")
    (tmp / "sn.toml").write_text(_decide_coded(sn_s.toml("sn.csv")), encoding="utf-8")
    vc_prof = profiles.parse((tmp / "vc.toml").read_bytes())
    sn_prof = profiles.parse((tmp / "sn.toml").read_bytes())
    vc = import_file(tmp / "vc.xlsx", round_name="real", store=store, profile=vc_prof)
    sn = import_file(tmp / "sn.csv", round_name="real", store=store, profile=sn_prof, add=True)
    import_file(se.EXAMPLE, round_name="canon", store=store)
    return {"store": store, "vc": vc, "sn": sn, "vc_s": vc_s, "sn_s": sn_s, "personal": personal + phones,
            "tmp": tmp}


def test_suggestions_find_every_field_and_question(imported: dict) -> None:
    vc_s, sn_s = imported["vc_s"], imported["sn_s"]
    assert vc_s.complete, (vc_s.missing, vc_s.undecided)
    assert vc_s.profile.provisions == {pid: q for pid, q in se.VC_QUESTIONS.items()}
    assert vc_s.profile.columns["Enhet"] == "Vårdcentralens namn"
    assert vc_s.profile.columns["Kommun"] == "Kommun"
    assert vc_s.profile.columns["Inskickad"] == "Sluttid"
    assert vc_s.profile.columns["Enhetstyp"] == profiles.Constant("Vårdcentral")
    assert set(vc_s.profile.drop) == {"E-post", "Namn"}
    assert sn_s.profile.provisions == {pid: q for pid, q in se.SN_QUESTIONS.items()}
    assert sn_s.profile.drop == ["Telefon kontaktperson"]
    # coded answers are left to the person, so the suggestion is not complete
    assert not sn_s.complete and {u[1] for u in sn_s.undecided} == {"1", "2", "3"}


def test_every_row_is_accounted_for(imported: dict) -> None:
    vc, sn = imported["vc"], imported["sn"]
    assert vc.error is None and sn.error is None
    assert vc.rows_in == vc.accepted + vc.rejected_rows + len(vc.replaced)
    assert (vc.accepted, vc.rejected_rows, len(vc.replaced)) == (1136, 0, 1)
    stale = vc.replaced[0]
    assert stale.row == vc.rows_in + 1 and stale.by_row == 5 and stale.submitted < stale.by_submitted
    assert (sn.rows_in, sn.accepted, sn.rejected_rows) == (290, 290, 0)
    assert vc.dropped_columns == ["E-post", "Namn"] and sn.dropped_columns == ["Telefon kontaktperson"]


def test_same_figures_as_the_canonical_file(imported: dict) -> None:
    store = imported["store"]
    real, canon = _figures(store, "real"), _figures(store, "canon")
    assert real == canon
    assert real["national"]  # not two empty tables


def test_no_dropped_value_is_anywhere_in_the_database(imported: dict) -> None:
    store: Store = imported["store"]
    path = store.path
    values = imported["personal"]
    con = duckdb.connect(str(path), read_only=True)
    try:
        cells: list[str] = []
        for (table,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall():
            df = con.execute(f"SELECT * FROM {table}").df()
            cells += [str(v) for v in df.to_numpy().ravel()]
    finally:
        con.close()
    blob = "\n".join(cells)
    assert "Exempel-VC Upplands Väsby 4" in blob  # the check reads what is stored
    leaked = [v for v in values if v in blob]
    assert not leaked
    raw = path.read_bytes()
    assert not [v for v in values if v.encode() in raw]


def test_latest_submission_wins(imported: dict) -> None:
    units, answers = imported["store"].load_round("real")
    unit = units[units["name"] == "Exempel-VC Upplands Väsby 4"]
    assert len(unit) == 1
    got = answers[answers["unit_id"] == unit["unit_id"].iloc[0]].set_index("provision_id")["answer"]
    ex = se.example()
    row = ex[ex["Enhet"] == "Exempel-VC Upplands Väsby 4"].iloc[0]
    want = {pid: {"Ja": "ja", "Nej": "nej", "Vet ej": "vet_ej", "": "saknas"}[row[se._col(ex, pid)]]
            for pid in se.VC_QUESTIONS}
    assert got.to_dict() == want and set(want.values()) != {"nej"}


def test_adding_the_same_file_again_rejects_every_unit(imported: dict) -> None:
    tmp: Path = imported["tmp"]
    prof = profiles.parse((tmp / "sn.toml").read_bytes())
    again = import_file(tmp / "sn.csv", round_name="real", store=imported["store"], profile=prof, add=True,
                        dry_run=True)
    assert again.accepted == 0 and again.rejected_rows == 290
    assert "finns redan i omgång real" in again.rejected[0].reason()


def test_file_without_municipality_column(tmp_path: Path) -> None:
    data = se.no_kommun_csv()
    s = _suggest(data)
    assert "Kommun" not in s.profile.columns and "Kommunkod" not in s.profile.columns
    result = importer.read_survey(data, filename="jl.csv", round_name="jl", profile=s.profile)
    assert result.rows_in == result.accepted + result.rejected_rows == 22
    ex = se.example()
    want = dict(zip(ex["Enhet"], ex["Kommunkod"], strict=True))
    got = dict(zip(result.units["name"], result.units["kommun_kod"], strict=True))
    assert got and all(want[n] == k for n, k in got.items())
    assert got["Hälsorum Offerdal"] == "2309"
    assert [r.value for r in result.rejected] == ["Hälsocentral Fjällvivan"]
    assert "Fjällvivan" in result.rejected[0].reason()


def test_cli_suggest_then_import(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TILLSYN_DB", str(tmp_path / "cli.duckdb"))
    vc_bytes, _ = se.forms_xlsx()
    (tmp_path / "vc.xlsx").write_bytes(vc_bytes)
    assert cli.main(["mapping", "suggest", str(tmp_path / "vc.xlsx"), "--out", str(tmp_path / "p.toml")]) == 0
    assert "poäng" in (tmp_path / "p.toml").read_text(encoding="utf-8")
    (tmp_path / "sn.csv").write_bytes(se.committees_csv()[0])
    assert cli.main(["mapping", "suggest", str(tmp_path / "sn.csv")]) == 1
    assert "Att bestämma" in capsys.readouterr().err
    (tmp_path / "bad.xlsx").write_bytes(b"PK\x03\x04 not a zip")
    assert cli.main(["mapping", "suggest", str(tmp_path / "bad.xlsx")]) == 2
    capsys.readouterr()
    assert cli.main(["import", str(tmp_path / "vc.xlsx"), "--mapping", str(tmp_path / "p.toml"), "--round", "R",
                     "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["replaced_rows"] == 1 and report["accepted"] == 1136
    assert report["dropped_columns"] == ["E-post", "Namn"]
    assert cli.main(["import", str(tmp_path / "vc.xlsx"), "--mapping", str(tmp_path / "p.toml"), "--round", "R",
                     "--add", "--dry-run"]) == 1
    (tmp_path / "broken.toml").write_text("[columns]\nFoo = 'x'\n", encoding="utf-8")
    assert cli.main(["import", str(tmp_path / "vc.xlsx"), "--mapping", str(tmp_path / "broken.toml")]) == 2
    assert "Okänd kolumn 'Foo'" in capsys.readouterr().err


def test_forgotten_personal_column_is_not_read(tmp_path: Path) -> None:
    vc_bytes, personal = se.forms_xlsx()
    s = _suggest(vc_bytes)
    s.profile.drop = []  # the person deleted the [drop] list
    result = importer.read_survey(vc_bytes, filename="vc.xlsx", round_name="x", profile=s.profile)
    assert set(result.personal_columns) == {"E-post", "Namn"}
    stored = pd.concat([result.units.astype(str), result.answers.astype(str)]).to_numpy().ravel()
    assert not set(personal) & {str(v) for v in stored}


def test_units_without_coordinates_are_on_the_map_at_their_municipality_labelled(imported: dict) -> None:
    from dashboard.domain import places
    from dashboard.screen.state import Filters
    from dashboard.screen.views import maps as map_views

    units, answers = imported["store"].load_round("real")
    assert units["lat"].isna().all()  # survey exports carry no coordinates
    status = aggregate.unit_status(units, answers)
    points = map_views.unit_points(Filters(lang="sv"), status)
    assert len(points) == len(units)  # none silently dropped
    assert all("placering ungefärlig" in p["tooltip"] for p in points)
    krokom = places.kommun_centres()["2309"]
    offerdal = next(p for p in points if p["tooltip"].startswith("Hälsorum Offerdal"))
    assert (offerdal["lat"], offerdal["lon"]) == krokom
    canon_units, canon_answers = imported["store"].load_round("canon")
    canon_points = map_views.unit_points(Filters(lang="sv"), aggregate.unit_status(canon_units, canon_answers))
    assert not any("ungefärlig" in p["tooltip"] for p in canon_points)


def test_an_export_without_a_profile_points_to_mapping_suggest() -> None:
    result = importer.read_survey(se.forms_xlsx()[0], filename="vc.xlsx")
    assert result.error and "saknar de obligatoriska kolumnerna" in result.error_text()
    assert "tillsyn mapping suggest" in result.error_text()
