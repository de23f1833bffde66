"""Survey rounds over time: a second round imported from a generated file, matched and compared."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from dashboard.figures import aggregate, rounds
from dashboard.ingest import demo, importer
from dashboard.storage import imports, store

NB = "\u00a0"


def second_round_file() -> tuple[bytes, dict]:
    """The example round as round "2025", with known changes: Örebro's first compliant health
    centre now answers Nej on V4, one Jämtland centre is gone, one new centre appears."""
    df = pd.read_csv(demo.EXAMPLE_FILE, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    df["Omgång"] = "2025"
    v4 = next(c for c in df.columns if c.startswith("V4"))
    v_cols = [c for c in df.columns if c[:1] == "V" and c[1:2].isdigit() and not c.startswith("V8")]
    orebro = df[(df["Kommunkod"].str[:2] == "18") & (df["Enhetstyp"] == "Vårdcentral")]
    compliant = orebro[(orebro[v_cols] == "Ja").all(axis=1)].index[0]
    df.loc[compliant, v4] = "Nej"
    gone = df.index[df["Enhet"] == "Backe hälsocentral"][0]
    new = df.loc[[compliant]].copy()
    new["Enhets-id"] = "VC-1880-NY1"
    new["Enhet"] = "Exempel-VC Örebro ny"
    df = pd.concat([df.drop(index=gone), new], ignore_index=True)
    buf = io.StringIO()
    df.to_csv(buf, sep=";", index=False)
    facts = {"worse_id": df.loc[compliant, "Enhets-id"], "gone": "Backe hälsocentral", "new": "Exempel-VC Örebro ny"}
    return buf.getvalue().encode("utf-8"), facts


@pytest.fixture()
def two_rounds(store_target):
    data, facts = second_round_file()
    result = importer.read_survey(data, filename="omgang-2025.csv")
    assert result.ok, result.report()
    s = store.Store()
    s.save_round(result)
    return s, result, facts


def _status(units, answers):
    return aggregate.unit_status(units, answers)


def test_second_round_changes_for_a_known_region_and_unit(two_rounds, example):
    s, result, facts = two_rounds
    prev_units, prev_answers, prev_status = example
    cur_status = _status(result.units, result.answers)
    reg = rounds.with_change(aggregate.by_region(cur_status, "vardcentral"),
                             aggregate.by_region(prev_status, "vardcentral"), ["region_kod"]).set_index("region_kod")
    assert (reg.loc["18", "n_not_all_prev"], reg.loc["18", "n_not_all"]) == (20, 22)  # +1 worse, +1 new (copy)
    assert reg.loc["18", "change_n_not_all"] == 2
    assert abs(reg.loc["18", "change_pp"] - (22 / 28 - 20 / 27) * 100) < 1e-9
    assert reg.loc["01", "change_pp"] == 0
    changes = rounds.unit_changes(prev_status, cur_status).set_index("unit_id_cur", drop=False)
    worse = changes.loc[facts["worse_id"]]
    assert bool(worse["worse"]) and worse["status_prev"] == "follows_all" and worse["status_cur"] == "not_all"
    assert (worse["not_ja_prev"], worse["not_ja_cur"]) == (0, 1)


def test_appearing_and_disappearing_units_are_listed(two_rounds, example):
    _, result, facts = two_rounds
    changes = rounds.unit_changes(example[2], _status(result.units, result.answers))
    assert changes[changes["presence"] == "gone"]["name"].tolist() == [facts["gone"]]
    assert changes[changes["presence"] == "new"]["name"].tolist() == [facts["new"]]
    assert (changes["presence"] == "both").sum() == 1426 - 1


def test_units_without_ids_match_on_municipality_and_normalised_name():
    prev = pd.DataFrame({"unit_id": ["a1"], "unit_type": ["vardcentral"], "kommun_kod": ["2380"],
                         "name": ["Frösö hälsocentral"]})
    cur = pd.DataFrame({"unit_id": ["b7"], "unit_type": ["vardcentral"], "kommun_kod": ["2380"],
                        "name": ["  FROSO   Hälsocentral "]})
    m = rounds.match_units(prev, cur)
    assert m[["unit_id_prev", "unit_id_cur", "matched_by", "presence"]].values.tolist() == [["a1", "b7", "name", "both"]]
    cur_other_kommun = cur.assign(kommun_kod="2321")
    assert sorted(rounds.match_units(prev, cur_other_kommun)["presence"]) == ["gone", "new"]


def test_trend_has_both_rounds(two_rounds, example):
    _, result, _ = two_rounds
    trend = rounds.trend({"2023": example[2], "2025": _status(result.units, result.answers)}, "vardcentral", "18")
    orebro = trend[trend["scope"] == "18"]
    assert orebro["round"].tolist() == ["2023", "2025"] and orebro["n_not_all"].tolist() == [20, 22]


def test_deleting_a_round_restores_the_previous_state_exactly(store_target):
    s = store.Store()
    imports.import_file(demo.EXAMPLE_FILE, round_name="2023", store=s)
    before_units, before_answers = s.load_all()
    data, _ = second_round_file()
    s.save_round(importer.read_survey(data, filename="omgang-2025.csv"))
    assert set(s.rounds()["round"]) == {"2023", "2025"}
    assert s.delete_round("2025") == 1426
    after_units, after_answers = s.load_all()
    pd.testing.assert_frame_equal(before_units, after_units)
    pd.testing.assert_frame_equal(before_answers, after_answers)


def test_backup_and_restore(tmp_path, store_target):
    s = store.Store()
    data, _ = second_round_file()
    s.save_round(importer.read_survey(data, filename="omgang-2025.csv"))
    units, answers = s.load_all()
    s.backup(tmp_path / "backup.duckdb")
    with pytest.raises(FileExistsError):
        s.backup(tmp_path / "backup.duckdb")
    s.delete_round("2025")
    assert s.rounds().empty
    counts = s.restore(tmp_path / "backup.duckdb")
    assert counts["units"] == len(units)
    r_units, r_answers = s.load_all()
    pd.testing.assert_frame_equal(units, r_units)
    pd.testing.assert_frame_equal(answers, r_answers)
    assert s.import_log()["action"].tolist() == ["import"]  # the log is restored too


def test_cli_backup_and_restore(tmp_path, store_target, capsys):
    from dashboard import cli

    imports.import_file(demo.EXAMPLE_FILE, round_name="2023")
    assert cli.main(["backup", "--out", str(tmp_path / "b.duckdb")]) == 0
    store.Store().delete_round("2023")
    assert cli.main(["restore", str(tmp_path / "b.duckdb")]) == 0
    assert store.Store().rounds()["n_units"].tolist() == [1426]
    assert cli.main(["restore", str(tmp_path / "nope.duckdb")]) == 2
    (tmp_path / "junk.duckdb").write_bytes(b"not a database")
    assert cli.main(["restore", str(tmp_path / "junk.duckdb")]) == 2


def test_pages_show_the_change_when_a_compare_round_is_chosen(two_rounds):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params.update({"round": "2025", "jamfor": "2023", "region": "18", "typ": "vardcentral"})
    at.switch_page("pages/region.py")
    at.run()
    assert not at.exception
    body = "\n".join(m.value for m in at.markdown)
    assert f"Förändring sedan 2023: +4,5{NB}p.e., +2 enheter som inte följer alla regler (20 av 27 (74{NB}%) då)" in body
    assert at.metric[0].value == f"79{NB}%"
    tabs = [t.label for t in at.tabs]
    assert "Enheter som försämrats (1)" in tabs and "Nya enheter (finns inte i 2023) (1)" in tabs


def test_trend_tables_export_with_people_headers(example):
    from dashboard import export

    _, _, status = example
    table = export.TREND.people(rounds.trend({"2023": status, "2025": status}, "vardcentral", "18"), "sv")
    assert list(table.columns) == ["Omgång", "Område", "Svarat", "Inte alla / vet ej", "Andel inte alla / vet ej (%)"]
    assert table["Område"].tolist() == ["Riket", "Region Örebro län"] * 2
    assert table["Andel inte alla / vet ej (%)"].tolist()[:2] == [37.9, 74.1]
