"""The administrator gate's OIDC rule (issue 12.8) and the Import page's wizard (issue 11.10), with AppTest."""

from __future__ import annotations

import os
import re
from pathlib import Path

import forms_exports as fe
import pandas as pd
import pytest
import survey_exports as se
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from dashboard.ingest import importer, mapping, profiles
from dashboard.screen import auth, import_view, ui

# --------------------------------------------------------------------------- auth, pure
# (the throttle and the password form: tests/storage/test_admin.py and tests/screen/test_admin_gate.py)


@pytest.mark.parametrize(
    ("user", "ok"),
    [
        ({"email": "Admin@ivo.se", "email_verified": True}, True),
        ({"email": "admin@ivo.se", "email_verified": "true"}, True),
        ({"email": "admin@ivo.se", "email_verified": False}, False),
        ({"email": "admin@ivo.se"}, False),
        ({"email": "admin@ivo.se", "email_verified": "yes please"}, False),
        ({"email": "other@ivo.se", "email_verified": True}, False),
    ],
)
def test_oidc_admin_needs_a_verified_email(user: dict, ok: bool) -> None:
    secrets = {"auth": {"x": 1}, "tillsyn": {"admins": ["admin@ivo.se"]}}
    assert auth.is_admin_user(user, secrets) is ok


# --------------------------------------------------------------------------- the wizard


def _wizard_script() -> None:
    import os
    from pathlib import Path

    from dashboard.screen import import_view

    path = Path(os.environ["WIZARD_FILE"])
    import_view.render_file(path.read_bytes(), path.name, os.environ.get("WIZARD_LANG", "sv"))


@pytest.fixture
def wizard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("TILLSYN_DB", str(tmp_path / "wizard.duckdb"))
    vc, _ = se.forms_xlsx()
    (tmp_path / "vc.xlsx").write_bytes(vc)
    monkeypatch.setenv("WIZARD_FILE", str(tmp_path / "vc.xlsx"))
    at = AppTest.from_function(_wizard_script, default_timeout=90)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_english_wizard_gives_english_reasons(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The dry run's rejected rows are said in the page's language; the row, column and value stay the file's."""
    monkeypatch.setenv("TILLSYN_DB", str(tmp_path / "wizard.duckdb"))
    path = tmp_path / "bad.csv"
    path.write_text("Enhetstyp;Kommunkod;Enhet;V1\nVårdcentral;1880;VC A;Ja\nVårdcentral;0999;VC B;Kanske\n",
                    encoding="utf-8")
    monkeypatch.setenv("WIZARD_FILE", str(path))
    monkeypatch.setenv("WIZARD_LANG", "en")
    at = AppTest.from_function(_wizard_script, default_timeout=90)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    rejected = next(d.value for d in at.dataframe if "Reason" in d.value.columns)
    assert rejected.to_dict("records") == [
        {"Row": 3, "Column": "Kommunkod", "Value": "0999", "Reason": "Unknown municipality code 0999."},
        {"Row": 3, "Column": "V1", "Value": "Kanske",
         "Reason": "Invalid answer; the allowed answers are Ja, Nej, Vet ej (yes, no, do not know) or blank."},
    ]


def test_wizard_preview_mapping_report_import_and_profile(wizard: AppTest, tmp_path: Path) -> None:
    at = wizard
    preview = at.dataframe[0].value
    assert list(preview.columns[:7]) == ["ID", "Starttid", "Sluttid", "E-post", "Namn", "Vårdcentralens namn", "Kommun"]
    assert set(preview["E-post"]) == {"•••"} and len(preview) == 5  # personal data is not shown
    body = "\n".join(m.value for m in at.markdown)
    assert "1137 rader lästes: 1136 godkända, 0 avvisade, 1 ersatta" in body
    assert any("E-post" in i.value.replace("\\", "") and "Namn" in i.value for i in at.info)
    assert "Ersatta inskickningar" in body
    at.text_input(key="import_round").input("Vår 2025").run()
    at.button(key="imp_do").click().run()
    assert not at.exception
    assert any("Vår 2025 importerades: 1136" in s.value for s in at.success)
    from dashboard.storage.store import Store

    stored = Store(tmp_path / "wizard.duckdb")
    assert stored.rounds()["n_units"].tolist() == [1136]
    at.text_input(key="imp_profile_name").input("Forms VC").run()
    at.button(key="imp_save").click().run()
    raw = stored.get_document("profile", "Forms VC")
    assert raw is not None and profiles.parse(raw).provisions == se.VC_QUESTIONS
    # the next round's export maps in one click: a new session offers the stored profile first
    at2 = AppTest.from_function(_wizard_script, default_timeout=90)
    at2.run()
    assert at2.radio(key="imp_source").value == "Sparad profil: Forms VC"
    assert "1137 rader lästes: 1136 godkända" in "\n".join(m.value for m in at2.markdown)


def test_mapping_tables_round_trip_to_the_same_profile() -> None:
    vc, _ = se.forms_xlsx()
    header, rows = importer.read_table(vc)
    s = mapping.suggest(header, rows)
    cols = import_view.mapping_frame(header, s.profile, s.scores, s.undecided)
    assert cols.set_index("source").loc[se.VC_QUESTIONS["V1"], "target"] == "V1"
    assert cols.set_index("source").loc["E-post", "target"] == "[drop]"
    ans = import_view.answers_frame(s.profile, s.undecided)
    again = import_view.profile_from_frames(cols, ans, import_view.constants_from(s.profile))
    assert again == s.profile
    cols.loc[cols["source"] == "Kommun", "target"] = "Enhet"
    with pytest.raises(profiles.ProfileError, match="flera kolumner"):
        import_view.profile_from_frames(cols, ans, import_view.constants_from(s.profile))


def test_hostile_round_name_is_escaped_where_markdown_renders_it(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    hostile = "**x** [a](javascript:alert(1)) <b>"
    monkeypatch.setenv("TILLSYN_DB", str(tmp_path / "h.duckdb"))
    monkeypatch.setenv("WIZARD_FILE", str(se.EXAMPLE))
    at = AppTest.from_function(_wizard_script, default_timeout=90)
    at.run()
    at.text_input(key="import_round").input(hostile).run()
    label = at.button(key="imp_do").label
    assert "javascript" in label and "](" not in label and "<b>" not in label and "**x**" not in label
    at.button(key="imp_do").click().run()
    msgs = [s.value for s in at.success] + [w.value for w in at.warning]
    assert msgs and all("](" not in m and "<b>" not in m and "**x**" not in m for m in msgs)
    assert os.environ["TILLSYN_DB"]


def test_hostile_round_name_is_escaped_on_the_compare_views(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stored round named like Markdown and HTML is shown literally where views compare rounds."""
    import streamlit as st

    from dashboard.storage.imports import import_file
    from dashboard.storage.store import Store

    hostile = "**x** [a](javascript:alert(1)) <b>"
    monkeypatch.setenv("TILLSYN_DB", str(tmp_path / "cmp.duckdb"))
    import_file(se.EXAMPLE, round_name=hostile, store=Store(tmp_path / "cmp.duckdb"))
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["jamfor"] = hostile
    at.switch_page("pages/oversikt.py")
    at.run()
    st.cache_data.clear()
    assert not at.exception, [e.value for e in at.exception]
    shown = [m.value for m in at.markdown] + [h.value for h in at.header] + [i.value for i in at.info]
    with_name = [s for s in shown if "javascript" in s]
    assert with_name, shown  # the compare views did show the name
    assert all("](" not in s and "<b>" not in s and "**x**" not in s for s in with_name), with_name


# --------------------------------------------------------------------------- a Forms export a non-programmer can finish


def _frame(at: AppTest, columns: list[str]):
    return next(d.value for d in at.dataframe if list(d.value.columns) == columns)


@pytest.fixture
def forms_wizard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[AppTest, fe.Export, Path]:
    """The issue's Microsoft Forms export (ID, Starttid, Sluttid, E-post, Namn, Senaste ändringstid,
    "Vilken vårdcentral svarar du för?", Kommun, eight questions), small: eight units, one twice."""
    import streamlit as st

    st.cache_data.clear()
    db = tmp_path / "forms.duckdb"
    monkeypatch.setenv("TILLSYN_DB", str(db))
    export = fe.ms_forms(8)
    path = tmp_path / export.name
    path.write_bytes(export.data)
    monkeypatch.setenv("WIZARD_FILE", str(path))
    at = AppTest.from_function(_wizard_script, default_timeout=90)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at, export, db


def test_forms_export_wizard_suggests_what_the_command_line_does(forms_wizard, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 18.12: the page suggested Namn -> Enhet and the unit question -> V1 (score 0), mixed
    committee and health-centre provisions, listed unit names as answers, showed None in empty cells
    and stopped with "Profilen saknar Enhetstyp under [columns]"."""
    at, export, db = forms_wizard
    assert not at.error, [e.value for e in at.error]
    mapped = _frame(at, ["source", "target", "score", "use"]).set_index("source")
    assert mapped.loc["Vilken vårdcentral svarar du för?", "target"] == "Enhet"
    assert mapped.loc["Namn", "target"] == "[drop]" and mapped.loc["E-post", "target"] == "[drop]"
    questions = {str(t) for t in mapped["target"] if re.fullmatch(r"[SV]\d", str(t))}
    assert questions == {f"V{i}" for i in range(1, 9)}
    assert all(mapped.loc[q, "target"] == pid for pid, q in fe.MS_QUESTIONS.items())
    assert at.selectbox(key="imp_const_type_Föreslagen mappning").value == "Vårdcentral"
    answers = _frame(at, ["source", "target", "use"])
    assert set(answers["source"]) <= {"ja", "nej", "vet ej"}  # only question columns feed the answers table
    for d in at.dataframe:  # empty cells are empty, not None
        cells = d.value.astype("object").to_numpy().ravel()
        assert not [c for c in cells if c is None or c is pd.NA or str(c) in ("None", "<NA>", "nan")], d.value
    shown = "\n".join(m.value for m in at.markdown)
    assert "kolumnen ”Vilken vårdcentral svarar du för?”" in shown
    assert ui.plain(export.unit_names[0]) in shown  # the first real values of the unit column, not masked
    assert "9 rader lästes: 8 godkända, 0 avvisade, 1 ersatta" in shown

    # one suggestion function, one result: the profile the page saves is the one the command line writes
    at.text_input(key="imp_profile_name").input("Forms").run()
    at.button(key="imp_save").click().run()
    from dashboard import cli
    from dashboard.storage.store import Store

    path = tmp_path / export.name
    assert cli.main(["mapping", "suggest", str(path), "--out", str(tmp_path / "cli.toml")]) == 0
    capsys.readouterr()
    page = profiles.parse(Store(db).get_document("profile", "Forms") or b"")
    assert page == profiles.parse((tmp_path / "cli.toml").read_bytes())

    at.text_input(key="import_round").input("Vår 2025").run()
    at.button(key="imp_do").click().run()
    assert any("Vår 2025 importerades: 8" in s.value for s in at.success), [e.value for e in at.error]
    assert not fe.leaks(db, export.personal, export.unit_names[1])  # nothing personal stored, anywhere


def test_missing_choices_are_said_as_choices_on_the_page(forms_wizard) -> None:
    at, _, _ = forms_wizard
    label = "Enhetstyp för alla rader (om filen saknar kolumnen)"  # the person leaves the unit type empty
    boxes = [b for b in at.selectbox if b.label == label]
    if boxes:
        boxes[0].set_value("").run()
    else:
        next(b for b in at.text_input if b.label == label).input("").run()
    errors = [e.value for e in at.error]
    assert errors and "Välj enhetstyp för alla rader" in errors[0]
    assert not [e for e in errors if "[columns]" in e or "[provisions]" in e or "Profilen" in e]
    with pytest.raises(profiles.ProfileError, match="Välj vilken kolumn som är Enhet"):
        cols = import_view.mapping_frame(["Namn", "V1"], profiles.Profile(drop=["Namn"]))
        import_view.profile_from_frames(cols, import_view.answers_frame(profiles.Profile()), {"Enhetstyp": "Vårdcentral"})


def test_an_upload_is_read_once_per_file_not_on_every_rerun(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 18.7: the wizard read each upload three times per rerun (preview, standard-format
    check, dry run). Now once per file, keyed by its content hash, whatever the person changes."""
    import streamlit as st

    from dashboard.ingest import read

    st.cache_data.clear()
    monkeypatch.setenv("TILLSYN_DB", str(tmp_path / "once.duckdb"))
    export = fe.ms_forms(7)
    (tmp_path / "once.xlsx").write_bytes(export.data)
    monkeypatch.setenv("WIZARD_FILE", str(tmp_path / "once.xlsx"))
    reads: list[int] = []
    real = read._read_rows
    monkeypatch.setattr(read, "_read_rows", lambda data, known=frozenset(): reads.append(len(data)) or real(data, known))
    at = AppTest.from_function(_wizard_script, default_timeout=90)
    at.run()
    at.text_input(key="import_round").input("A").run()
    at.text_input(key="import_round").input("B").run()
    at.radio(key="imp_how").set_value(at.radio(key="imp_how").options[1]).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "godkända" in "\n".join(m.value for m in at.markdown)
    assert reads == [len(export.data)]
