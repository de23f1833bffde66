"""Done when (issue 18): survey exports of kinds the team had not seen import through
``tillsyn mapping suggest`` + ``tillsyn import`` on DuckDB with no respondent's name, e-mail,
phone or identity number anywhere in the database (every table, and the file's bytes)."""

from __future__ import annotations

import json
from pathlib import Path

import forms_exports as fe
import pytest

from dashboard import cli
from dashboard.ingest import profiles

UNIT_COLUMN = {"ms_forms": "Vilken vårdcentral svarar du för?",
               "google_forms": "Vilken nämnd besvarar du enkäten för?",
               "esmaker": "Vilken hälsocentral fyller du i enkäten för?"}
PERSONAL_COLUMNS = {"ms_forms": {"E-post", "Namn"},
                    "google_forms": {"E-postadress", "Ditt namn", "Telefonnummer"},
                    "esmaker": {"Ifylld av", "Personnummer", "Mobilnummer"}}
UNIT_TYPE = {"ms_forms": "Vårdcentral", "google_forms": "Socialnämnd", "esmaker": "Vårdcentral"}


@pytest.mark.parametrize("kind", sorted(fe.ALL))
def test_unseen_export_imports_with_nothing_personal_stored(kind: str, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    export = fe.ALL[kind]()
    db = tmp_path / "tillsyn.duckdb"
    monkeypatch.setenv("TILLSYN_DB", str(db))
    path = tmp_path / export.name
    path.write_bytes(export.data)
    profile_path = tmp_path / "profil.toml"

    suggested = cli.main(["mapping", "suggest", str(path), "--out", str(profile_path)])
    said = capsys.readouterr()
    imported = cli.main(["import", str(path), "--mapping", str(profile_path), "--round", "Vår 2025", "--json"])
    out = capsys.readouterr()
    # whatever the suggestion did, nothing personal reached the database
    if db.exists():
        assert not fe.leaks(db, export.personal, export.unit_names[1])

    assert suggested == 0, said.err  # nothing left to decide
    prof = profiles.parse(profile_path.read_bytes())
    assert prof.columns["Enhet"] == UNIT_COLUMN[kind]
    assert prof.columns["Enhetstyp"] == profiles.Constant(UNIT_TYPE[kind])
    assert PERSONAL_COLUMNS[kind] <= set(prof.drop)
    assert imported == 0, out.err
    report = json.loads(out.out)
    assert report["accepted"] == export.units and report["rejected"] == []
    assert report["rows_in"] == report["accepted"] + report["replaced_rows"]
    assert report["person_like_names"] is None  # real unit names are not flagged
    assert not fe.leaks(db, export.personal, export.unit_names[1])
