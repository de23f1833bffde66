"""Properties of the importer over generated files: every row accounted for, never an exception,
the latest valid submission wins, a profile stores the same rows as the standard format."""
from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from importer_cases import (
    BASE,
    HEADER,
    PROVISION_HEADERS,
    S_IDS,
    V_IDS,
    check_invariant,
    rejected_rows,
    row,
    to_csv,
)

from dashboard.domain.reference import normalise_text
from dashboard.ingest.importer import read_survey

# --------------------------------------------------------------------------- properties

_KOMMUNER = [("0180", "Stockholm"), ("1880", "Örebro"), ("2380", "Östersund"), ("1280", "Malmö")]
_FAULTS = ["unknown_code", "region", "unit_type", "answer", "outside", "not_number", "no_name", "other_type",
           "blank", "duplicate", "faulty_repeat"]
INVALID = "Kanske"  # the invalid answer of a faulty repeated submission


@st.composite
def survey(draw: st.DrawFn) -> tuple[list[dict[str, str]], list[int], str, str]:
    """Rows (valid and faulty), the indices of the valid ones, a separator and an encoding."""
    n = draw(st.integers(min_value=1, max_value=25))
    rows: list[dict[str, str]] = []
    valid: list[int] = []
    for i in range(n):
        social = draw(st.booleans())
        code, kommun = draw(st.sampled_from(_KOMMUNER))
        name = f"{'Socialnämnden' if social else 'Vårdcentralen'} {kommun} {i} åäö"
        ids = S_IDS if social else V_IDS
        answers = {p: draw(st.sampled_from(["Ja", "Nej", "Vet ej", "vet inte", "", "JA"])) for p in ids}
        r = row("Socialnämnd" if social else "Vårdcentral", draw(st.sampled_from([code, code.lstrip("0")])),
                kommun, name, answers=answers)
        if draw(st.booleans()):
            r["Latitud"], r["Longitud"] = draw(st.sampled_from([("59,5", "15,0"), ("62.1", "17.3")]))
        fault = draw(st.sampled_from([None, None, None, *_FAULTS]))
        if fault in ("duplicate", "faulty_repeat") and not valid:
            fault = None
        match fault:
            case "unknown_code":
                r["Kommunkod"] = "0999"
            case "region":
                r["Region"] = "Region Skåne" if code != "1280" else "Region Stockholm"
            case "unit_type":
                r["Enhetstyp"] = "Tandläkare"
            case "answer":
                r[PROVISION_HEADERS.get(ids[0], ids[0])] = "Kanske"
            case "outside":
                r["Latitud"], r["Longitud"] = "40", "15"
            case "not_number":
                r["Latitud"], r["Longitud"] = "59°N", "15"
            case "no_name":
                r["Enhet"] = ""
            case "other_type":
                other = V_IDS[1] if social else S_IDS[1]
                r[other] = "Ja"
            case "blank":
                r = {}
            case "duplicate":
                r = dict(rows[draw(st.sampled_from(valid))])
            case "faulty_repeat":  # the same unit again, with an invalid answer
                r = dict(rows[draw(st.sampled_from(valid))])
                first = S_IDS[0] if r["Enhetstyp"] == "Socialnämnd" else V_IDS[0]
                r[PROVISION_HEADERS.get(first, first)] = INVALID
        rows.append(r)
        if fault is None:
            valid.append(i)
    sep = draw(st.sampled_from([";", ","]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    return rows, valid, sep, encoding


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(survey())
def test_property_every_row_is_accounted_for(case: tuple[list[dict[str, str]], list[int], str, str]) -> None:
    rows, valid, sep, encoding = case
    data = to_csv(rows, sep=sep).encode(encoding)
    result = read_survey(data, filename="p.csv")
    last = max((i for i, r in enumerate(rows) if any(r.values())), default=-1)
    if last == -1:  # only blank rows: a header and no units is a file that imports nothing
        assert result.error and result.accepted == 0 and result.units.empty
        return
    assert result.error is None
    assert result.rows_in == last + 1  # trailing blank rows are not rows
    check_invariant(result)
    assert result.units["name"].tolist() == [rows[i]["Enhet"] for i in valid]
    assert result.units["kommun_kod"].tolist() == [rows[i]["Kommunkod"].zfill(4) for i in valid]
    assert rejected_rows(result) == {i + 2 for i in range(last + 1) if i not in valid}
    for i, unit_id in zip(valid, result.units["unit_id"], strict=True):
        got = result.answers[result.answers["unit_id"] == unit_id].set_index("provision_id")["answer"]
        for pid, value in got.items():
            raw = rows[i].get(PROVISION_HEADERS.get(pid, pid), "")
            expected = {"ja": "ja", "nej": "nej", "vet ej": "vet_ej", "vet inte": "vet_ej", "": "saknas"}
            assert value == expected[normalise_text(raw)]


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400))
def test_property_never_raises(data: bytes) -> None:
    result = read_survey(data, filename="slump.csv")
    assert result.rows_in == result.accepted + result.rejected_rows
    assert (result.error is None) or (result.accepted == 0 and not result.rejected)


# --------------------------------------------------------------------------- repeated submissions, profiles


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(survey(), st.data())
def test_property_repeated_submissions_latest_wins(case: tuple[list[dict[str, str]], list[int], str, str],
                                                   data: st.DataObject) -> None:
    """With an Inskickad column, repeats of a unit are replaced (not rejected) and the latest wins."""
    rows, valid, sep, encoding = case
    rows = [dict(r) for r in rows]
    times = data.draw(st.lists(st.integers(0, 5), min_size=len(rows), max_size=len(rows)))
    for r, minute in zip(rows, times, strict=True):
        if r:
            r["Inskickad"] = f"2025-03-01 10:0{minute}"
    result = read_survey(to_csv(rows, header=[*HEADER, "Inskickad"], sep=sep).encode(encoding), filename="p.csv")
    if result.error:
        assert not any(any(r.values()) for r in rows)
        return
    check_invariant(result)
    # among the submissions of one unit, the latest decides (a tie: the later row): a valid one is
    # accepted; a rejected one (a faulty repeat) leaves the unit out, named, its valid rows replaced
    by_name: dict[str, list[int]] = {}
    for i in valid:
        by_name.setdefault(rows[i]["Enhet"], []).append(i)
    # duplicates were generated as copies of valid rows (differing only in Inskickad): valid too
    accepted = dict(zip(result.units["name"], result.unit_rows, strict=True))
    withheld = {w.name: w for w in result.withheld}
    for name, idxs in by_name.items():
        same = [j for j, r in enumerate(rows) if r.get("Enhet") == name and j not in valid]
        copies = [j for j in same if rows[j] == rows[idxs[0]] | {"Inskickad": rows[j].get("Inskickad", "")}]
        faulty = [j for j in same if INVALID in rows[j].values()]
        ok = idxs + copies
        want = max(ok + faulty, key=lambda j: (rows[j]["Inskickad"], j))
        if want in faulty:
            assert name not in accepted and withheld[name].row == want + 2
            assert sorted(withheld[name].earlier_rows) == sorted(j + 2 for j in ok)
            assert {r.row for r in result.replaced if r.name == name} == {j + 2 for j in ok}
        else:
            assert accepted[name] == want + 2 and name not in withheld
    assert set(withheld) <= set(by_name)
    for rep in result.replaced:
        assert rep.by_submitted >= rep.submitted


_CANON = {"Enhetstyp": "unit_type", "Kommunkod": "kommun_kod", "Enhet": "name", "Region": "region",
          "Latitud": "lat", "Longitud": "lon", "Kommun": "kommun"}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(survey(), st.data())
def test_property_renamed_and_reordered_columns_with_a_profile_store_identical_rows(
    case: tuple[list[dict[str, str]], list[int], str, str], data: st.DataObject
) -> None:
    """Any renaming and reordering of the canonical columns, with a profile that says so, gives
    exactly the units and answers of the canonical file."""
    from dashboard.ingest import profiles

    rows, _valid, sep, encoding = case
    canonical = read_survey(to_csv(rows, sep=sep).encode(encoding), filename="p.csv", round_name="r")
    order = data.draw(st.permutations(HEADER))
    names = data.draw(st.lists(st.text(alphabet="abcdefghåäö XYZ?-,.0123456789", min_size=1, max_size=30)
                               .map(str.strip).filter(bool),
                               min_size=len(HEADER), max_size=len(HEADER), unique_by=normalise_text))
    rename = dict(zip(HEADER, names, strict=True))
    prof_lines = ["[columns]"]
    prof_lines += [f"{k} = {profiles.toml_string(rename[k])}" for k in BASE]
    prof_lines += ["[provisions]"]
    prof_lines += [f"{p} = {profiles.toml_string(rename[PROVISION_HEADERS.get(p, p)])}" for p in V_IDS + S_IDS]
    prof = profiles.parse("\n".join(prof_lines))
    renamed_rows = [{rename[k]: v for k, v in r.items()} for r in rows]
    exported = to_csv(renamed_rows, header=[rename[h] for h in order], sep=sep).encode(encoding)
    mapped = read_survey(exported, filename="p.csv", round_name="r", profile=prof)
    if canonical.error:
        assert mapped.error
        return
    assert mapped.error is None, mapped.error
    pd.testing.assert_frame_equal(mapped.units, canonical.units)
    pd.testing.assert_frame_equal(mapped.answers, canonical.answers)
    assert rejected_rows(mapped) == rejected_rows(canonical)
