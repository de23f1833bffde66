"""The Import page's wizard in a real browser: sign in, upload a Forms-style export, dry run, import."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from benchmarks import harness

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the export helper
import survey_exports as se  # noqa: E402

pytestmark = pytest.mark.e2e
PASSWORD = "e2e-lösen"


@contextmanager
def _uploaded(browser, artifacts: Path, db: Path, upload: Path, *expect: str) -> Iterator[object]:
    """The app on ``db`` with an administrator password, a browser signed in on its Import page
    with ``upload`` uploaded (until the page shows ``expect``); the server's log goes to artifacts."""
    from conftest import Visit

    with harness.Server(db=db, log=artifacts / f"{db.stem}-server.log", env={"TILLSYN_ADMIN_PASSWORD": PASSWORD}) as srv:
        v = Visit(browser, srv.url)
        try:
            _upload(v, upload, *expect)
            yield v
        finally:
            v.close()


def _upload(v, upload: Path, *expect: str) -> None:
    """Sign in as the administrator and upload ``upload``, until the page shows ``expect``."""
    v.open("/import", "Administratörslösenord")
    v.page.get_by_label("Administratörslösenord").fill(PASSWORD)
    v.page.get_by_role("button", name="Logga in").click()
    v.settle(v.page.locator('[data-testid="stFileUploaderDropzone"]').first)
    v.page.locator('[data-testid="stFileUploaderDropzoneInput"][accept*=".csv"]').set_input_files(str(upload))
    v.settle("Förhandsvisning", *expect)


def _import(v, n: int, round_name: str) -> None:
    """Name the round and press the import button; until the page says it was imported."""
    v.page.get_by_label("Omgångens namn (tomt = kolumnen Omgång eller filnamnet)").fill(round_name)
    v.page.keyboard.press("Enter")
    v.settle(f"Importera {n} rader till omgång {round_name}")
    v.page.get_by_role("button", name=f"Importera {n} rader till omgång {round_name}").click()
    v.settle(f"{round_name} importerades: {n} enheter.")


def test_wizard_imports_a_survey_export(browser, artifacts, tmp_path: Path) -> None:
    from dashboard.storage.store import Store

    db = tmp_path / "wizard.duckdb"
    export = tmp_path / "forms-vardcentraler.xlsx"
    export.write_bytes(se.forms_xlsx()[0])
    with _uploaded(browser, artifacts, db, export, "1137 rader lästes") as v:
        body = v.text()
        assert "1136 godkända, 0 avvisade, 1 ersatta av en senare inskickning" in body
        assert "Lästes inte in (personuppgifter eller [drop])" in body
        assert "svarare0@" not in body  # the preview hides the e-mail column
        _import(v, 1136, "Vår 2025")
        v.shot("import-wizard")
        v.assert_clean()
    assert Store(db).rounds()["n_units"].tolist() == [1136]


def test_a_forms_export_with_the_unit_as_a_question_imports_nothing_personal(browser, artifacts, tmp_path: Path) -> None:
    """Issue 18.12: upload the Microsoft Forms export (E-post, Namn, "Vilken vårdcentral svarar du
    för?") -> the suggestion (unit column right, type Vårdcentral, V1-V8) -> dry run -> import, as an
    administrator would, and nothing personal is stored."""
    import forms_exports as fe

    from dashboard.storage.store import Store

    db = tmp_path / "forms.duckdb"
    export = fe.ms_forms()
    upload = tmp_path / export.name
    upload.write_bytes(export.data)
    with _uploaded(browser, artifacts, db, upload, "41 rader lästes") as v:
        body = v.text()
        assert "Enhet hämtas från kolumnen ”Vilken vårdcentral svarar du för?”" in body
        assert export.unit_names[0] in body  # the unit column's first values, as in the file
        unit_type = v.page.get_by_role("combobox", name="Enhetstyp för alla rader (om filen saknar kolumnen)")
        assert unit_type.input_value() == "Vårdcentral"
        assert "40 godkända, 0 avvisade, 1 ersatta av en senare inskickning" in body
        assert "Profilen saknar" not in body and "[columns]" not in body
        assert "Lästes inte in (personuppgifter eller [drop]): ”E-post”, ”Namn”" in body
        assert not [p for p in fe.traces(export.personal) if p in body]  # no respondent on the page
        _import(v, 40, "Vår 2025")
        v.shot("import-wizard-forms")
        v.assert_clean()
    assert Store(db).rounds()["n_units"].tolist() == [40]
    assert not fe.leaks(db, export.personal, export.unit_names[1])
