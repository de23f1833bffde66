"""The Import page's dry run names what the counts cannot show (issue 18, points 3 and 4): the
questions the file does not ask, and the units left out because their latest submission was
rejected, each in a notice and a table of its own, in the page's language."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

FILE = ("Enhetstyp;Kommunkod;Enhet;Inskickad;V1;V2;V3\n"
        "Vårdcentral;1880;VC Norr;2025-03-01 09:00;Ja;Ja;Ja\n"
        "Vårdcentral;1880;VC Söder;2025-03-01 09:30;Ja;Nej;Ja\n"
        "Vårdcentral;1880;VC Norr;2025-03-04 10:15;Ja;Kanske;Ja\n")


def _script() -> None:
    import os
    from pathlib import Path

    from dashboard.screen import import_view

    path = Path(os.environ["NOTICE_FILE"])
    import_view.render_file(path.read_bytes(), path.name, os.environ["NOTICE_LANG"])


@pytest.mark.parametrize(("lang", "unasked", "left_out", "unit_col", "not_used_col"), [
    ("sv", "Filen ställer inte frågorna V4, V5, V6, V7 och V8 till vårdcentraler",
     "1 enhet lämnas utanför eftersom dess senaste inskickning avvisades", "Enhet",
     "Tidigare inskickningar som inte används (rad)"),
    ("en", "The file does not ask health centres the questions V4, V5, V6, V7 and V8",
     "1 unit is left out because its latest submission was rejected", "Unit", "Earlier submissions not used (row)"),
])
def test_dry_run_names_unasked_questions_and_left_out_units(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            lang: str, unasked: str, left_out: str, unit_col: str,
                                                            not_used_col: str) -> None:
    monkeypatch.setenv("TILLSYN_DB", str(tmp_path / "n.duckdb"))
    path = tmp_path / "enkat.csv"
    path.write_text(FILE, encoding="utf-8")
    monkeypatch.setenv("NOTICE_FILE", str(path))
    monkeypatch.setenv("NOTICE_LANG", lang)
    at = AppTest.from_function(_script, default_timeout=90)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    warnings = [w.value for w in at.warning]
    assert any(unasked in w for w in warnings), warnings
    assert any(left_out in w for w in warnings), warnings
    table = next(d.value for d in at.dataframe if not_used_col in d.value.columns)
    assert table[[unit_col, not_used_col]].to_dict("records") == [{unit_col: "VC Norr", not_used_col: "2"}]
