"""The compliance rule, case by case, and the catalogue's references."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.domain import provisions


def _one(answers: dict[str, str], responded: bool = True) -> pd.Series:
    units = pd.DataFrame({"round": ["r"], "unit_id": ["u"], "unit_type": ["vardcentral"], "responded": [responded]})
    rows = [{"round": "r", "unit_id": "u", "provision_id": p, "answer": a} for p, a in answers.items()]
    ans = pd.DataFrame(rows, columns=["round", "unit_id", "provision_id", "answer"])
    return provisions.compliance(units, ans, provisions.catalogue()).iloc[0]


BINDING = [f"V{i}" for i in range(1, 8)]


def test_all_yes_follows_all():
    r = _one({p: "ja" for p in BINDING} | {"V8": "ja"})
    assert (r["follows_all"], r["not_all"], r["follows_none"]) == (True, False, False)


@pytest.mark.parametrize("bad", ["nej", "vet_ej", "saknas"])
def test_one_binding_not_yes_is_not_all(bad):
    r = _one({p: "ja" for p in BINDING} | {"V4": bad})
    assert r["not_all"] and not r["follows_none"]


def test_missing_answer_to_an_asked_provision_counts_as_saknas():
    """V7 is asked in the round (the other unit answered it); this unit has no answer to it."""
    units = pd.DataFrame({"round": ["r", "r"], "unit_id": ["u", "w"], "unit_type": ["vardcentral"] * 2,
                          "responded": [True, True]})
    rows = [{"round": "r", "unit_id": "u", "provision_id": p, "answer": "ja"} for p in BINDING[:-1]]
    rows += [{"round": "r", "unit_id": "w", "provision_id": p, "answer": "ja"} for p in BINDING]
    r = provisions.compliance(units, pd.DataFrame(rows), provisions.catalogue()).set_index("unit_id").loc["u"]
    assert r["not_all"] and r["n_saknas"] == 1 and r["n_rules"] == 7


def test_a_provision_the_round_did_not_ask_is_not_counted():
    r = _one({p: "ja" for p in BINDING[:-1]})
    assert r["follows_all"] and r["n_saknas"] == 0 and r["n_rules"] == 6


def test_general_advice_is_not_a_rule():
    r = _one({p: "ja" for p in BINDING} | {"V8": "nej"})
    assert r["follows_all"] and not r["not_all"]


def test_no_yes_at_all_follows_none():
    r = _one({p: "vet_ej" for p in BINDING} | {"V8": "ja"})
    assert r["follows_none"] and r["not_all"]


def test_non_responding_unit_has_no_status():
    r = _one({}, responded=False)
    assert pd.isna(r["not_all"]) and pd.isna(r["follows_none"])


def test_references_only_where_confirmed():
    cat = provisions.catalogue().set_index("provision_id")
    assert cat.loc["V1", "reference"] == "7 kap. 2 §"
    assert (cat.drop("V1")["reference"] == "").all()
    assert set(cat[cat["general_advice"]].index) == {"S7", "V8"}
