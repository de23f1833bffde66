"""The Import page's wizard in a real browser: sign in, upload a Forms-style export, dry run, import."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from benchmarks import harness

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the export helper
import survey_exports as se  # noqa: E402

pytestmark = pytest.mark.e2e


def test_wizard_imports_a_survey_export(browser, artifacts, tmp_path: Path) -> None:
    from conftest import Visit

    from dashboard.storage.store import Store

    db = tmp_path / "wizard.duckdb"
    export = tmp_path / "forms-vardcentraler.xlsx"
    export.write_bytes(se.forms_xlsx()[0])
    with harness.Server(db=db, log=artifacts / "wizard-server.log", env={"TILLSYN_ADMIN_PASSWORD": "e2e-lösen"}) as srv:
        v = Visit(browser, srv.url)
        try:
            v.open("/import", "Administratörslösenord")
            v.page.get_by_label("Administratörslösenord").fill("e2e-lösen")
            v.page.get_by_role("button", name="Logga in").click()
            v.settle(v.page.locator('[data-testid="stFileUploaderDropzone"]').first)
            v.page.locator('[data-testid="stFileUploaderDropzoneInput"][accept*=".csv"]').set_input_files(str(export))
            v.settle("Förhandsvisning", "1137 rader lästes")
            body = v.text()
            assert "1136 godkända, 0 avvisade, 1 ersatta av en senare inskickning" in body
            assert "Lästes inte in (personuppgifter eller [drop])" in body
            assert "svarare0@" not in body  # the preview hides the e-mail column
            v.page.get_by_label("Omgångens namn (tomt = kolumnen Omgång eller filnamnet)").fill("Vår 2025")
            v.page.keyboard.press("Enter")
            v.settle("Importera 1136 rader till omgång Vår 2025")
            v.page.get_by_role("button", name="Importera 1136 rader till omgång Vår 2025").click()
            v.settle("Vår 2025 importerades: 1136 enheter.")
            v.shot("import-wizard")
            v.assert_clean()
        finally:
            v.close()
    assert Store(db).rounds()["n_units"].tolist() == [1136]
