"""The administrator gate's OIDC rule (issue 12.8) and the Import page's wizard (issue 11.10), with AppTest."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import survey_exports as se
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from dashboard.ingest import importer, mapping, profiles
from dashboard.screen import auth, import_view

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
