"""The personal-data guard (issue 18.1): headers that name a person, values that identify one, unit
names that read like a person's, and the suggestion that prefers the question "which unit"."""

from __future__ import annotations

import forms_exports as fe
import pytest

from dashboard.ingest import importer, mapping, profiles

PERSON_HEADERS = ["Namn", "Name", "Respondent", "Respondent-ID", "Kontaktperson", "Kontaktpersonens namn",
                  "Ifylld av", "Besvarad av", "Förnamn", "Efternamn", "För- och efternamn", "E-post", "E-postadress",
                  "Email", "Telefon", "Telefonnummer", "Mobilnummer", "Personnummer", "Ditt namn", "Your name"]
UNIT_HEADERS = ["Vårdcentralens namn", "Namn på enheten", "Enhetens namn", "Nämndens namn", "Organisation",
                "Vilken vårdcentral svarar du för?", "Kommun", "Kommunens namn", "Tidstämpel", "Status"]


@pytest.mark.parametrize("header", PERSON_HEADERS)
def test_headers_that_name_a_person(header: str) -> None:
    from dashboard.ingest import personal

    assert personal.names_person(header)


@pytest.mark.parametrize("header", UNIT_HEADERS)
def test_headers_that_name_a_unit_or_a_field(header: str) -> None:
    from dashboard.ingest import personal

    assert not personal.names_person(header)


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("anna.berg@region.se", "email"),
        ("Svar: anna.berg@region.se", "email"),
        ("070-123 45 67", "phone"),
        ("+46 70 123 45 67", "phone"),
        ("08-123 456 78", "phone"),
        ("811218-9876", "personnummer"),  # Skatteverket's example number: Luhn right
        ("8112189876", "personnummer"),
        ("19811218-9876", "personnummer"),
        ("198112189876", "personnummer"),
        (fe.personnummer(3, coordination=True), "samordningsnummer"),  # day + 60
        (fe.personnummer(3, coordination=True).replace("-", "")[2:], "samordningsnummer"),
        ("811218-9875", None),  # Luhn wrong: not an identity number
        ("811318-9876", None),  # no 13th month
        ("Vårdcentralen Kronan", None),
        ("0180", None),
        ("2025-03-03 08:00:00", None),
        ("SE2321000016-15CQ", None),  # an HSA-id
        ("Vårdcentralen Kronan, vxl 0470-123 45", None),  # a switchboard inside a name is not a person
    ],
)
def test_values_that_identify_a_person(value: str, kind: str | None) -> None:
    from dashboard.ingest import personal

    assert personal.personal_kind(value) == kind


def test_the_fixture_numbers_pass_the_luhn_check() -> None:
    """The generated identity numbers are real-looking: the guard must catch them by the rule."""
    from dashboard.ingest import personal

    assert all(personal.personal_kind(fe.personnummer(i, coordination=c)) for i in range(40) for c in (False, True))


@pytest.mark.parametrize(
    ("value", "flagged"),
    [("Anna Andersson", True), ("Karin Åkesson", True), ("Anna-Karin Berg", True), ("Per Olof Ek", True),
     ("Vårdcentralen Kronan", False), ("Citykliniken Lund", False), ("Capio Lund", False), ("Kry Malmö", False),
     ("Åre hälsocentral", False), ("Exempel-VC Ale 1", False), ("Socialnämnden i Krokom", False),
     ("Hälsocentralen Frösön", False), ("Anna", False), ("IFO Vallentuna", False)],
)
def test_names_that_read_like_a_person(value: str, flagged: bool) -> None:
    from dashboard.ingest import personal

    assert personal.person_like(value) is flagged


# --------------------------------------------------------------------------- the suggestion

FORMS_HEADER = ["ID", "Starttid", "Sluttid", "E-post", "Namn", "Senaste ändringstid",
                "Vilken vårdcentral svarar du för?", "Kommun", *fe.MS_QUESTIONS.values()]


@pytest.mark.parametrize("n", [3, 8, 40])
def test_forms_export_unit_column_is_the_question_which_unit(n: int) -> None:
    """Issue 18.1: "Namn" scored 89 as Enhet ("namn" is close to "nämnd"); small files made the unit
    column look like a question (V1, score 0). Now: Namn and E-post dropped, the question asking which
    health centre answers is Enhet and gives the type, and only health-centre provisions are matched."""
    export = fe.ms_forms(n)
    header, rows = importer.read_table(export.data)
    assert header == FORMS_HEADER
    s = mapping.suggest(header, rows)
    assert s.profile.columns["Enhet"] == "Vilken vårdcentral svarar du för?"
    assert s.profile.columns["Enhetstyp"] == profiles.Constant("Vårdcentral")
    assert {"Namn", "E-post"} <= set(s.profile.drop)
    assert s.targets["Namn"] == "[drop]" and s.targets["Vilken vårdcentral svarar du för?"] == "Enhet"
    assert s.profile.provisions == fe.MS_QUESTIONS  # V1-V8, each right, no committee provision
    assert not [u for u in s.undecided if u[0] == "provisions"]
    assert set(s.profile.answers) <= {"ja", "nej", "vet ej"}  # no unit name among the answers
    assert s.complete, s.left_to_decide()


@pytest.mark.parametrize(
    ("header", "unit_type"),
    [("Vilken vårdcentral svarar du för?", "vardcentral"),
     ("Vilken hälsocentral fyller du i enkäten för?", "vardcentral"),
     ("För vilken vårdcentral besvaras enkäten?", "vardcentral"),
     ("Vilken nämnd besvarar du enkäten för?", "socialnamnd"),
     ("1. Ange vilken socialtjänst du svarar för", "socialnamnd"),
     ("Vilken enhet representerar du?", ""),
     ("Vilken kommun ligger vårdcentralen i?", None),
     ("Ange om vårdcentralen har rutiner för att fråga om våld", None),
     ("Har vårdcentralen rutiner för att fråga om våld?", None),
     ("Namn", None)],
)
def test_which_unit_a_header_asks_for(header: str, unit_type: str | None) -> None:
    assert mapping.which_unit(header) == unit_type


def test_a_name_column_is_dropped_even_when_nothing_else_names_the_unit() -> None:
    """Better a missing Enhet (the person is asked) than respondents stored as units."""
    header = ["Namn", "Kommun", "V1 Rutiner"]
    rows = [(2, ["Anna Berg", "Krokom", "Ja"]), (3, ["Per Ek", "Åre", "Nej"])]
    s = mapping.suggest(header, rows)
    assert "Enhet" not in s.profile.columns and s.profile.drop == ["Namn"]
    assert any(m.key == "sug_name_missing" for m in s.missing)


def test_the_type_the_unit_question_asks_keeps_the_other_types_provisions_out() -> None:
    """A committee question worded like a health-centre one is not matched to a V provision when the
    file asks which committee answers."""
    header = ["Vilken nämnd besvarar du enkäten för?", "Kommun", "Har personalen kunskap om våld i nära relationer?"]
    rows = [(2, ["Socialnämnden i Krokom", "Krokom", "Ja"]), (3, ["Socialnämnden i Åre", "Åre", "Nej"])]
    s = mapping.suggest(header, rows)
    assert s.profile.columns["Enhetstyp"] == profiles.Constant("Socialnämnd")
    assert set(s.profile.provisions) | {u[1] for u in s.undecided if u[0] == "provisions"} <= {
        f"S{i}" for i in range(1, 8)}


def test_questions_get_the_best_assignment_not_the_first_best_match() -> None:
    """"tillfrågas" pulls the V1 question towards V2; taken greedily the real V2 question was left V1 at 19."""
    pairs = {(0, "V2"): 81.0, (0, "V1"): 48.0, (1, "V2"): 67.0, (1, "V1"): 19.0, (2, "V3"): 0.0}
    assert mapping.best_assignment(pairs) == {0: "V1", 1: "V2"}


# --------------------------------------------------------------------------- refused by values

def _refused(column_values: list[str], header: str = "Uppgiftslämnare") -> importer.ImportResult:
    prof = profiles.parse(f'[columns]\nEnhet = "{header}"\nKommun = "Kommun"\nEnhetstyp = {{ value = "Vårdcentral" }}\n'
                          '[provisions]\nV1 = "Fråga 1"\n')
    body = "".join(f"{v};Krokom;Ja\n" for v in column_values)
    return importer.read_survey(f"{header};Kommun;Fråga 1\n{body}".encode(), filename="f.csv", profile=prof)


@pytest.mark.parametrize(
    ("value", "said"),
    [("anna.berg@krokom.se", "e-postadresser"), ("070-123 45 67", "telefonnummer"),
     ("811218-9876", "personnummer"), ("198112189876", "personnummer"),
     (fe.personnummer(5, coordination=True), "samordningsnummer")],
)
def test_a_mapped_column_holding_personal_data_is_refused(value: str, said: str) -> None:
    """Issue 18.1: a profile mapping Enhet onto e-mail addresses or identity numbers stored them."""
    result = _refused(["Vårdcentralen Krokom", value, "Hälsocentralen Åre"])
    assert result.error is not None and result.accepted == 0 and result.units.empty
    text = result.error_text()
    assert "”Uppgiftslämnare” (Enhet)" in text and said in text and "rad 3" in text and value not in text
    assert "Choose another column for Enhet" in result.error_text("en")


def test_a_canonical_file_is_checked_by_its_values_too() -> None:
    data = "Enhetstyp;Kommunkod;Enhet;V1\nVårdcentral;2309;VC A;Ja\nVårdcentral;2309;811218-9876;Ja\n".encode()
    result = importer.read_survey(data, filename="f.csv")
    assert result.error is not None and result.accepted == 0 and "personnummer" in result.error_text()
    assert "personal identity numbers" in result.error_text("en")


def test_a_wrong_check_digit_is_not_refused() -> None:
    result = _refused(["Vårdcentralen Krokom", "Enhet 811218-9875"])
    assert result.error is None and result.accepted == 2


def test_person_like_unit_names_are_imported_and_listed() -> None:
    result = _refused(["Vårdcentralen Krokom", "Anna Berg", "Hälsocentralen Åre", "Per Olof Ek"])
    assert result.error is None and result.accepted == 4
    assert result.person_like is not None and result.person_like.rows == [3, 5]
    assert result.report()["person_like_names"] == {"column": "Uppgiftslämnare", "rows": [3, 5]}
    assert "rad 3, 5" in result.person_like.message().text("sv")
    assert "look like people's names" in result.person_like.message().text("en")
    assert _refused(["Vårdcentralen Krokom"]).person_like is None
