"""The risk score: recomputed by hand for example units, weights reorder as expected, the small-n
rule, the URL encoding of weights, the real maternity-care figures, and safe export files."""

from __future__ import annotations

import datetime as dt
import io

import ci_env
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from dashboard import export
from dashboard.domain import provisions, reference, schema
from dashboard.export import risk_tables
from dashboard.figures import maternity, risk
from dashboard.present import risk_charts

# --- hand-recomputed scores for example units -------------------------------------------------------

# Binding answers read by hand from data/exempelomgang.csv (S7 and V8 are general advice: never scored).
HAND = {
    # unit: (answers on the binding provisions, expected score with the default weights)
    "SN-0114": ({"S1": "nej", "S2": "vet_ej", "S3": "nej", "S4": "vet_ej", "S5": "vet_ej", "S6": "nej"},
                6 * 1 + 2),  # all six rules not yes, and "follows none" (+2)
    "SN-0117": ({f"S{i}": "ja" for i in range(1, 7)}, 0),
    "SN-0120": ({"S1": "ja", "S2": "ja", "S3": "ja", "S4": "nej", "S5": "nej", "S6": "ja"}, 2),  # S7 nej: advice
    "VC-1881-002": ({"V1": "nej", "V2": "nej", "V3": "vet_ej", "V4": "vet_ej", "V5": "ja", "V6": "ja", "V7": "ja"}, 4),
    "VC-0184-009": ({"V1": "ja", "V2": "ja", "V3": "vet_ej", "V4": "ja", "V5": "ja", "V6": "ja", "V7": "ja"}, 1),
    "VC-1485-004": ({"V1": "saknas", "V2": "ja", "V3": "ja", "V4": "vet_ej", "V5": "ja", "V6": "ja", "V7": "ja"}, 2),
    "VC-0180-039": ({"V1": "nej", "V2": "nej", "V3": "nej", "V4": "nej", "V5": "nej", "V6": "vet_ej", "V7": "nej"},
                    7 * 1 + 2),
}


@pytest.fixture(scope="module")
def table(example):
    units, answers, _ = example
    return risk.factor_table(units, answers)


def row(df: pd.DataFrame, unit_id: str) -> pd.Series:
    return df.set_index("unit_id").loc[unit_id]


def test_the_hand_read_answers_are_the_example_file(example):
    units, answers, _ = example
    pairs = provisions.unit_answers(units, answers, provisions.binding(provisions.catalogue()))
    for unit_id, (expected, _) in HAND.items():
        got = dict(pairs[pairs["unit_id"] == unit_id][["provision_id", "answer"]].itertuples(index=False))
        assert got == expected, unit_id


@pytest.mark.parametrize("unit_id", list(HAND))
def test_default_scores_by_hand(table, unit_id):
    expected_answers, expected = HAND[unit_id]
    r = row(risk.scores(table, risk.default_weights()), unit_id)
    not_ja = [p for p, a in expected_answers.items() if a != "ja"]
    assert r["score"] == expected
    assert r["c_provisions"] == len(not_ja)
    assert r["c_none"] == (2.0 if len(not_ja) == len(expected_answers) else 0.0)
    assert r["c_noanswer"] == 0 and r["c_worse"] == 0
    for p in expected_answers:
        assert r[f"c_{p}"] == (1.0 if p in not_ja else 0.0)
    assert r["score"] == sum(r[f"c_{f}"] for f in risk.FACTORS)


def test_custom_weights_by_hand(table):
    weights = risk.decode_weights("V1:2.5,V4:0,S1:3,none:4")
    scored = risk.scores(table, weights)
    # V1 nej 2.5 + V2 nej 1 + V3 vet ej 1 + V4 vet ej 0
    assert row(scored, "VC-1881-002")["score"] == 4.5
    # S1 3 + S2..S6 5 × 1 + follows none 4
    assert row(scored, "SN-0114")["score"] == 12
    # V1 no answer on the provision (saknas) 2.5 + V4 0
    assert row(scored, "VC-1485-004")["score"] == 2.5
    # all seven: 2.5 + 1 + 1 + 0 + 1 + 1 + 1, plus 4
    assert row(scored, "VC-0180-039")["score"] == 11.5


def test_every_score_is_the_sum_of_its_columns(table):
    weights = risk.decode_weights("V2:3,S5:0.5,noanswer:7")
    scored = risk.scores(table, weights)
    pids = [c[2:] for c in table.columns if c.startswith("x_")]
    by_hand = sum(table[f"x_{p}"].fillna(0) * weights[p] for p in pids) + table["f_none"] * weights["none"]
    by_hand += table["f_noanswer"] * weights["noanswer"] + table["f_worse"] * weights["worse"]
    pd.testing.assert_series_equal(scored["score"], by_hand, check_names=False)
    # the factors agree with the compliance rule
    assert int(table[table["unit_type"] == "vardcentral"]["f_none"].sum()) == 24
    assert int((table[table["unit_type"] == "vardcentral"]["n_not_ja"] > 0).sum()) == 431


# --- weights change the order as expected ------------------------------------------------------------

def order(table: pd.DataFrame, weights: str, unit_type: str = "vardcentral") -> list[str]:
    scored = risk.scores(table[table["unit_type"] == unit_type], risk.decode_weights(weights))
    return risk.rank_units(scored)["unit_id"].tolist()


def test_weight_change_reorders(table):
    # VC-0160-006 misses only V1; VC-0123-002 misses only V4: a tie by default.
    default = risk.rank_units(risk.scores(table[table["unit_type"] == "vardcentral"]))
    ranks = default.set_index("unit_id")["rank"]
    assert ranks["VC-0160-006"] == ranks["VC-0123-002"]
    up_v1, up_v4 = order(table, "V1:2"), order(table, "V4:2")
    assert up_v1.index("VC-0160-006") < up_v1.index("VC-0123-002")
    assert up_v4.index("VC-0123-002") < up_v4.index("VC-0160-006")
    # VC-0163-007 misses V3, V4, V5 (3) and is above VC-1283-002, which misses V1, V2 (2) ...
    before = order(table, "")
    assert before.index("VC-0163-007") < before.index("VC-1283-002")
    # ... until V1 weighs 3: then 3 + 1 = 4 > 3.
    after = order(table, "V1:3")
    assert after.index("VC-1283-002") < after.index("VC-0163-007")


def test_zero_weights_make_everyone_equal(table):
    zero = ",".join(f"{k}:0" for k in risk.default_weights())
    ranked = risk.rank_units(risk.scores(table, risk.decode_weights(zero)))
    assert (ranked["score"] == 0).all() and (ranked["rank"] == 1).all()


def test_rank_units_ties_share_a_rank(table):
    ranked = risk.rank_units(risk.scores(table[table["unit_type"] == "vardcentral"]))
    assert ranked["score"].is_monotonic_decreasing
    assert ranked["rank"].iloc[0] == 1
    top = ranked[ranked["score"] == ranked["score"].max()]
    assert (top["rank"] == 1).all()
    nxt = ranked[ranked["score"] < ranked["score"].max()].iloc[0]
    assert nxt["rank"] == len(top) + 1


# --- a small made-up survey: no answer, getting worse, small n -------------------------------------

def survey(rows: list[tuple], round_name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """rows: (unit_id, kommun_kod, responded, {provision: answer}) of health centres."""
    units = schema.units_frame(pd.DataFrame([{
        "round": round_name, "unit_id": uid, "unit_type": "vardcentral", "name": f"Enhet {uid}",
        "kommun_kod": kommun, "region_kod": kommun[:2], "lat": float("nan"), "lon": float("nan"),
        "responded": responded, "synthetic": True} for uid, kommun, responded, _ in rows]))
    answers = schema.answers_frame(pd.DataFrame(
        [{"round": round_name, "unit_id": uid, "provision_id": p, "answer": a}
         for uid, _, _, given_answers in rows for p, a in given_answers.items()],
        columns=list(schema.ANSWERS_COLUMNS)))
    return units, answers


ALL_JA = {f"V{i}": "ja" for i in range(1, 8)}


def test_no_answer_and_worse_factors():
    before = survey([("A", "0180", True, {**ALL_JA, "V1": "nej"}),
                     ("B", "0180", True, {**ALL_JA, "V1": "nej", "V2": "nej"}),
                     ("D", "0180", False, {})], "2024")
    now = survey([("A", "0180", True, {**ALL_JA, "V1": "nej", "V2": "vet_ej", "V3": "nej"}),  # 1 -> 3: worse
                  ("B", "0180", True, {**ALL_JA, "V1": "nej"}),  # 2 -> 1: better
                  ("C", "0180", True, {**ALL_JA, "V7": "nej"}),  # new unit: not comparable
                  ("D", "0180", True, {**ALL_JA, "V4": "nej"}),  # did not respond before: not comparable
                  ("E", "0180", False, {})], "2025")  # did not respond now
    table = risk.factor_table(*now, previous=before).set_index("unit_id")
    assert table["f_worse"].to_dict() == {"A": 1, "B": 0, "C": 0, "D": 0, "E": 0}
    assert table.loc["A", "prev_n_not_ja"] == 1 and table.loc["A", "n_not_ja"] == 3
    assert pd.isna(table.loc["C", "prev_n_not_ja"]) and pd.isna(table.loc["D", "prev_n_not_ja"])
    # no answer: its provisions are unknown (not failed), the no-answer weight stands in
    assert table.loc["E", "f_noanswer"] == 1 and pd.isna(table.loc["E", "n_not_ja"])
    assert table.loc["E", "f_none"] == 0
    scored = risk.scores(table.reset_index(), risk.default_weights()).set_index("unit_id")
    assert scored.loc["A", "score"] == 3 + 2  # three rules + worse
    assert scored.loc["E", "score"] == 3 and scored.loc["E", "c_provisions"] == 0
    assert risk.scores(table.reset_index(), risk.decode_weights("worse:0.5")).set_index("unit_id").loc["A", "score"] == 3.5
    # without a previous round nobody is worse
    assert risk.factor_table(*now)["f_worse"].sum() == 0


def test_previous_round():
    assert risk.previous_round(["2025", "2024", "2023"], "2025") == "2024"
    assert risk.previous_round(["2025", "2024", "2023"], "2023") == ""
    assert risk.previous_round(["2023"], "2023") == ""


def test_small_n_areas_are_listed_after_and_unranked():
    # Stockholm (01): 2 units, both failing everything; Uppsala (03): 5 units, a little; Örebro (18): 6, none.
    rows = [(f"S{i}", "0180", True, {f"V{j}": "nej" for j in range(1, 8)}) for i in range(2)]
    rows += [(f"U{i}", "0380", True, {**ALL_JA, "V1": "nej"}) for i in range(5)]
    rows += [(f"O{i}", "1880", True, ALL_JA) for i in range(6)]
    scored = risk.scores(risk.factor_table(*survey(rows, "2025")))
    regions = risk.by_area(scored, "region")
    assert len(regions) == 21
    assert regions["region_kod"].tolist()[:3] == ["03", "18", "01"]
    by = regions.set_index("region_kod")
    assert by.loc["03", "rank"] == 1 and by.loc["18", "rank"] == 2
    assert pd.isna(by.loc["01", "rank"]) and not by.loc["01", "ranked"]
    assert by.loc["01", "score"] == 9 > by.loc["03", "score"] == 1  # higher mean, yet listed after
    assert by.loc["01", "n_units"] == 2 and by.loc["03", "n_units"] == 5
    empty = regions[regions["n_units"] == 0]
    assert len(empty) == 18 and empty.index.min() > 2 and empty["rank"].isna().all()
    kommuner = risk.by_area(scored, "kommun")
    assert kommuner["kommun_kod"].tolist() == ["0380", "1880", "0180"]
    assert kommuner["rank"].tolist()[:2] == [1, 2] and pd.isna(kommuner["rank"].iloc[2])
    # mean contributions add up to the mean score
    total = sum(kommuner[f"c_{f}"] for f in risk.FACTORS)
    pd.testing.assert_series_equal(total, kommuner["score"], check_names=False)


def test_example_regions_are_all_ranked_and_municipalities_with_few_units_are_not(table):
    scored = risk.scores(table[table["unit_type"] == "vardcentral"])
    regions = risk.by_area(scored, "region")
    assert regions["ranked"].all() and regions["n_units"].sum() == 1136
    kommuner = risk.by_area(scored, "kommun")
    small = kommuner[kommuner["n_units"] < 5]
    assert len(small) and small["rank"].isna().all() and not small["ranked"].any()
    first_small = kommuner.index[kommuner["n_units"] < 5].min()
    assert (kommuner.loc[: first_small - 1, "n_units"] >= 5).all()
    assert (kommuner.loc[first_small:, "n_units"] < 5).all()
    sn = risk.by_area(risk.scores(table[table["unit_type"] == "socialnamnd"]), "kommun")
    assert len(sn) == 290 and not sn["ranked"].any()  # one committee per municipality


# --- weights in the URL -----------------------------------------------------------------------------

def test_weights_url_format():
    w = risk.decode_weights("V1:2,V4:1.5,none:3")
    assert w["V1"] == 2 and w["V4"] == 1.5 and w["none"] == 3 and w["V2"] == 1 and w["noanswer"] == 3
    assert risk.encode_weights(w) == "V1:2,V4:1.5,none:3"
    assert risk.encode_weights(risk.default_weights()) == ""
    assert risk.decode_weights("") == risk.default_weights() == risk.decode_weights(None)
    assert risk.encode_weights(risk.default_weights(["vardcentral"]), risk.default_weights(["vardcentral"]),
                               full=True).startswith("V1:1,V2:1,")


def test_invalid_weight_parts_are_ignored():
    text = "V1:abc,XX:2,none:-1,worse:11,V2:nan,V3:inf,:3,V4,S7:2,V8:2, V5 : 4 ,noanswer:0"
    w = risk.decode_weights(text)
    expected = risk.default_weights()
    expected.update({"V5": 4.0, "noanswer": 0.0})  # the only valid parts; S7/V8 are advice, not scored
    assert w == expected
    assert risk.encode_weights(w) == "V5:4,noanswer:0"


@settings(deadline=None)  # correctness, not speed: a busy CI machine must not fail it on time
@given(st.dictionaries(st.sampled_from(list(risk.default_weights())),
                       st.floats(min_value=risk.W_MIN, max_value=risk.W_MAX).map(lambda v: round(v * 4) / 4)))
def test_weights_round_trip(changes):
    weights = {**risk.default_weights(), **changes}
    text = risk.encode_weights(weights)
    assert risk.decode_weights(text) == weights
    assert risk.encode_weights(risk.decode_weights(text)) == text


# --- the real maternity-care indicator --------------------------------------------------------------

# Copied from shared/reference/published-figures.md (SCB, source: the pregnancy register).
REFERENCE = """
| region | 2011 | 2019 | 2020 | 2021 |
|---|---|---|---|---|
| Blekinge | 52 | 95 | 98 | 99 |
| Dalarna | 17 | 90 | 93 | 95 |
| Gotland | 96 | 98 | 96 | 99 |
| Gävleborg | 61 | 92 | 94 | 97 |
| Halland | 60 | 90 | 94 | 95 |
| Jämtland Härjedalen | 70 | 95 | 95 | 96 |
| Jönköpings län | 22 | 96 | 97 | 98 |
| Kalmar län | 36 | 98 | 98 | 98 |
| Kronoberg | 82 | 90 | 91 | 93 |
| Norrbotten | 35 | 89 | 90 | 91 |
| Skåne | 27 | 96 | 96 | 97 |
| Stockholm | 31 | 94 | 95 | 95 |
| Sörmland | 41 | 91 | 93 | 97 |
| Uppsala | 48 | 90 | 91 | 95 |
| Värmland | 76 | 96 | 95 | 97 |
| Västerbotten | 86 | 97 | 98 | 98 |
| Västernorrland | 87 | 99 | 99 | 98 |
| Västmanland | 81 | 93 | 96 | 97 |
| Västra Götaland | 49 | 93 | 94 | 95 |
| Örebro län | 82 | 98 | 97 | 96 |
| Östergötland | 55 | 96 | 94 | 95 |
| Whole country | 47 | 94 | 95 | 96 |
"""
# The project's shared reference folder sits beside the repository (../shared): CI lays it out so, and
# ``ci_env.shared_file`` finds it (from a git worktree too). Without it the check below is skipped on a
# developer's machine and FAILS in CI: it used to be skipped there whenever the folder was not found.
SHARED = "reference/published-figures.md"


def parse_reference(text: str) -> dict[str, tuple[int, ...]]:
    """The table under the header ``| region | 2011 | 2019 | 2020 | 2021 |``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.replace(" ", "") == "|region|2011|2019|2020|2021|")
    out = {}
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        out[cells[0]] = tuple(int(c) for c in cells[1:])
    return out


def expected_maternity() -> dict[str, tuple[int, ...]]:
    return parse_reference(REFERENCE)


def test_maternity_figures_equal_the_reference_table():
    ref = expected_maternity()
    mc = maternity.table()
    years = [f"y{y}" for y in (2011, 2019, 2020, 2021)]
    got = {r.region_short: tuple(int(getattr(r, y)) for y in years) for r in mc.itertuples(index=False)}
    assert got == {k: v for k, v in ref.items() if k != "Whole country"}
    assert ref["Whole country"] == maternity.COUNTRY
    assert maternity.YEARS == (2011, 2019, 2020, 2021)
    assert maternity.SOURCE == "SCB, graviditetsregistret"
    # every region, each once, under its own code and official name
    assert sorted(mc["region_kod"]) == sorted(reference.REGIONS)
    for r in mc.itertuples(index=False):
        assert reference.REGIONS[r.region_kod] == (r.region, r.region_short)


def test_the_copied_reference_is_still_the_shared_one():
    """The copy above against the published reference: a copy in the repository could not tell drift."""
    assert parse_reference(ci_env.shared_file(SHARED).read_text(encoding="utf-8")) == expected_maternity()


def test_region_export_carries_the_maternity_context_labelled(table):
    areas = risk.by_area(risk.scores(table[table["unit_type"] == "vardcentral"]), "region")
    out = risk_tables.area_export(areas, "region", "sv", with_maternity=True)
    col = next(c for c in out.columns if "Mödrahälsovård" in c)
    assert "2021" in col and maternity.SOURCE in col
    ref = expected_maternity()
    for region_kod, value in zip(areas["region_kod"], out[col], strict=True):
        assert value == ref[reference.REGIONS[region_kod][1]][-1]
    # context only: the score does not depend on it
    assert "Mödrahälsovård" not in " ".join(risk_tables.unit_export(risk.rank_units(risk.scores(table)), "sv").columns)


# --- export files -----------------------------------------------------------------------------------

EVIL = ["=HYPERLINK(1)", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def evil_table() -> pd.DataFrame:
    rows = [("VC-EVIL", "0180", True, {**ALL_JA, "V1": "nej"})]
    units, answers = survey(rows, "2025")
    units = units.assign(name=pd.array([EVIL[0]], dtype="string"))
    scored = risk.scores(risk.factor_table(units, answers), risk.decode_weights("V1:2.5"))
    shown = risk_tables.unit_export(risk.rank_units(scored), "sv")
    extra = pd.DataFrame({shown.columns[1]: EVIL[1:], shown.columns[5]: [-1.5] * 5})
    return pd.concat([shown, extra], ignore_index=True)


def test_export_neutralises_formulas_and_carries_weights_and_date():
    today = dt.date(2025, 3, 4)
    weights = risk.decode_weights("V1:2.5,none:0")
    table = risk_tables.export_table(evil_table(), weights, "vardcentral", today, "sv")
    about = risk_tables.export_about("sv", "2025", "", "unit", "vardcentral", "Sverige", weights, synthetic=True)

    data = export.table_csv(export.AS_IS.people(table, "sv"), about)  # what the download row writes
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    header = text.splitlines()[0]
    assert ";" in header and "Poäng" in header and "Vikter" in header and "Datum" in header
    for evil in EVIL:
        assert f"'{evil}" in text
        assert f";{evil}" not in text and f"\n{evil}" not in text
    assert ";-1,5;" in text  # a negative number stays a number, with decimal comma
    assert "V1:2.5,V2:1,V3:1,V4:1,V5:1,V6:1,V7:1,none:0,noanswer:3,worse:2" in text
    assert "2025-03-04" in text

    wb = load_workbook(io.BytesIO(export.table_xlsx(export.AS_IS.people(table, "sv"), about)))
    ws = wb.worksheets[0]
    cells = [c for r in ws.iter_rows() for c in r]
    assert not [c for c in cells if c.data_type == "f"]
    values = [c.value for c in cells]
    for evil in EVIL:
        assert f"'{evil}" in values
    assert "2025-03-04" in values
    about_rows = {r[0].value: r[1].value for r in wb.worksheets[1].iter_rows() if r[0].value}
    assert about_rows["Vikter (som i adressen)"].startswith("V1:2.5,V2:1,")
    assert about_rows["Vikt: V1 Rutiner för att ställa frågor om våld"] == "2.5"
    assert about_rows["Vikt: Följer ingen regel eller vet inte"] == "0"
    assert any("Exempeldata" in str(v) for v in about_rows.values())


def test_figures_build(table):
    ranked = risk.rank_units(risk.scores(table[table["unit_type"] == "vardcentral"])).head(risk.TOP_N)
    labels = [f"{i}. {n}" for i, n in enumerate(ranked["name"], start=1)]
    fig = risk_charts.contribution_bar(ranked, labels, "sv", "t", "s", "k")
    assert [tr.name for tr in fig.data] == [risk.factor_label(f, "sv") for f in risk.FACTORS]
    assert list(fig.data[0].y) == labels[::-1]
    assert "Högst poäng" in risk_charts.caption_contributions(ranked, labels, "sv")
    mfig = risk_charts.maternity_chart("en")
    assert [tr.name for tr in mfig.data] == ["2011", "2021"]
    assert maternity.SOURCE in maternity.source_line("en")
    assert "Lowest 2021: Norrbotten 91%" in risk_charts.caption_maternity("en")


def test_bar_labels_show_shared_ranks_and_stay_unique():
    assert risk_charts.bar_labels(["A", "B", "C"], [1, 1, 3]) == ["1. A", "1. B", "3. C"]
    assert risk_charts.bar_labels(["A", "A"], [1, 1], ["x1", "x2"]) == ["1. A (x1)", "1. A (x2)"]
    assert risk_charts.bar_labels(["A"], [pd.NA]) == ["– A"]
