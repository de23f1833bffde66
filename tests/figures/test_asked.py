"""A provision the survey did not ask is never counted as not followed (issue 18, point 3).

Six health centres answer Ja to the only question in the file: they follow every rule they were
asked about. Before, V2–V8 became "saknas" and all six came out as not following all rules.
"""

from __future__ import annotations

from dashboard.domain import provisions
from dashboard.figures import aggregate
from dashboard.ingest.importer import read_survey

NAMES = ["Vårdcentralen Norr", "Vårdcentralen Söder", "Vårdcentralen Öster",
         "Vårdcentralen Väster", "Hälsocentralen Ås", "Vårdcentralen Torget"]


def _file(header_v: list[str], answer: str = "Ja", blank_v2: bool = False) -> bytes:
    head = ["Enhetstyp", "Kommunkod", "Enhet", *header_v]
    lines = [";".join(head)]
    for name in NAMES:
        cells = [answer if not (blank_v2 and pid.startswith("V2")) else "" for pid in header_v]
        lines.append(";".join(["Vårdcentral", "0180", name, *cells]))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _status(data: bytes):
    result = read_survey(data, filename="enkat.csv", round_name="2025")
    assert result.ok, (result.error, result.rejected[:3])
    return result, aggregate.unit_status(result.units, result.answers)


def test_only_the_asked_provision_counts():
    result, status = _status(_file(["V1 Rutiner för att fråga om våld"]))
    assert sorted(result.answers["provision_id"].unique()) == ["V1"]
    assert provisions.asked(result.units, result.answers)["provision_id"].tolist() == ["V1"]
    country = aggregate.national(status).set_index("unit_type").loc["vardcentral"]
    assert (int(country["n_responded"]), int(country["n_not_all"]), int(country["n_follows_all"])) == (6, 0, 6)


def test_a_blank_answer_to_an_asked_question_still_counts_as_missing():
    _, status = _status(_file(["V1 Rutiner", "V2 Kunskap"], blank_v2=True))
    country = aggregate.national(status).set_index("unit_type").loc["vardcentral"]
    assert (int(country["n_not_all"]), int(country["n_follows_all"])) == (6, 0)


def test_a_round_that_asks_everything_is_unchanged(example):
    units, answers, status = example
    asked = provisions.asked(units, answers)
    assert len(asked[asked["unit_type"] == "vardcentral"]) == 8
    assert len(asked[asked["unit_type"] == "socialnamnd"]) == 7
    country = aggregate.national(status).set_index("unit_type")
    assert int(country.loc["vardcentral", "n_not_all"]) == 431
