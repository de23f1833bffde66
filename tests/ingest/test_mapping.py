"""Profiles, municipality names and the mapping suggestion."""

from __future__ import annotations

import pytest

from dashboard.domain import places
from dashboard.ingest import mapping, personal, profiles
from dashboard.ingest.importer import read_survey, unit_type_of

# --------------------------------------------------------------------------- municipality names


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Krokoms kommun", "2309"),
        ("Krokom", "2309"),
        ("Malung–Sälen", "2023"),
        ("Malung - Sälen", "2023"),
        ("malung-sälens kommun", "2023"),
        ("Region Gotland", "0980"),
        ("Gotlands kommun", "0980"),
        ("  ÖSTERSUND  ", "2380"),
        ("Stockholms stad", "0180"),
        ("Borås kommun", "1490"),
        ("Håbo", "0305"),
        ("Habo", "0643"),
        ("Upplands Väsby", "0114"),
        ("Östersnd", "2380"),  # a typo above the cut-off
    ],
)
def test_municipality_names(written: str, code: str) -> None:
    assert places.kommun_from_name(written).code == code


@pytest.mark.parametrize("written", ["Kroko", "Nowhere", "Sundsvallen stad och län", "Väsby"])
def test_unknown_names_are_not_guessed_and_name_candidates(written: str) -> None:
    match = places.kommun_from_name(written)
    assert match.code is None
    assert match.candidates or written == "Sundsvallen stad och län"


@pytest.mark.parametrize(
    ("unit", "code"),
    [
        ("Hälsorum Offerdal", "2309"),
        ("Socialnämnden i Upplands Väsby", "0114"),
        ("Nya Närvården Hoting och Strömsund", "2313"),
        ("Hammarstrand/Bispgården", "2303"),
        ("Socialnämnd Malung-Sälen (exempel)", "2023"),
        ("Lit hälsocentral", "2380"),
    ],
)
def test_municipality_from_unit_name(unit: str, code: str) -> None:
    assert places.kommun_in_unit_name(unit).code == code


def test_unit_name_pointing_at_two_municipalities_is_ambiguous() -> None:
    match = places.kommun_in_unit_name("Vårdcentralen Krokom och Östersund")
    assert match.code is None and match.how == "ambiguous" and set(match.candidates) == {"Krokom", "Östersund"}
    assert places.kommun_in_unit_name("Vårdcentralen Gripen").code is None


def test_unknown_municipality_is_a_rejected_row_naming_value_and_candidates() -> None:
    prof = profiles.parse('[columns]\nEnhet = "Namn på enheten"\nKommun = "Kommun"\nEnhetstyp = { value = "Vårdcentral" }\n'
                          '[provisions]\nV1 = "Fråga 1"\n')
    data = "Namn på enheten;Kommun;Fråga 1\nVC A;Kroko;Ja\nVC B;Krokoms kommun;Ja\n".encode()
    result = read_survey(data, filename="f.csv", profile=prof)
    assert result.accepted == 1 and result.rejected_rows == 1
    [rej] = result.rejected
    assert (rej.row, rej.column, rej.value) == (2, "Kommun", "Kroko")
    assert "Krokom" in rej.reason() and "Okänd kommun" in rej.reason()
    assert "Kommunkod saknas" not in " ".join(r.reason() for r in result.rejected)


# --------------------------------------------------------------------------- unit types


@pytest.mark.parametrize(
    ("word", "unit_type"),
    [
        ("Husläkarmottagning", "vardcentral"),
        ("Närvård", "vardcentral"),
        ("Närhälsan", "vardcentral"),
        ("Närhälsan Lerum vårdcentral", "vardcentral"),
        ("Familjeläkarmottagning", "vardcentral"),
        ("Individ- och familjenämnd", "socialnamnd"),
        ("Individ och familjenämnden", "socialnamnd"),
        ("IFO", "socialnamnd"),
        ("Socialförvaltning", "socialnamnd"),
        ("Socialnämnden i Krokom", "socialnamnd"),
        ("Tandläkare", None),
        ("Kommunal", None),
    ],
)
def test_unit_type_words(word: str, unit_type: str | None) -> None:
    assert unit_type_of(word) == unit_type


# --------------------------------------------------------------------------- profiles


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("[columns\n", "inte giltig TOML"),
        ("[kolumner]\n", "Okänd sektion [kolumner]"),
        ('[columns]\nFoo = "x"\n', "Okänd kolumn 'Foo'"),
        ('[columns]\nEnhet = "A"\nEnhetstyp = "B"\n[provisions]\nX9 = "q"\n', "Okänd regel 'X9'"),
        ('[columns]\nEnhet = "A"\nEnhetstyp = "B"\n[provisions]\nV1 = "q"\n[answers]\n"1" = "kanske"\n',
         "ska bli ja, nej, vet_ej eller saknas"),
        ('[columns]\nEnhetstyp = "B"\n[provisions]\nV1 = "q"\n', "saknar Enhet"),
        ('[columns]\nEnhet = "A"\nEnhetstyp = "B"\n', "inga frågor"),
        ('[columns]\nEnhet = "A"\nEnhetstyp = "B"\n[provisions]\nV1 = "q"\n[drop]\ncolumns = ["A"]\n',
         "både under [drop]"),
        ('[columns]\nEnhet = 3\nEnhetstyp = "B"\n[provisions]\nV1 = "q"\n', "ska vara en kolumnrubrik"),
    ],
)
def test_profile_errors_are_one_swedish_sentence(text: str, phrase: str) -> None:
    with pytest.raises(profiles.ProfileError) as err:
        profiles.parse(text)
    assert phrase in str(err.value) and "\n" not in str(err.value)


def test_profile_round_trips_through_toml() -> None:
    prof = profiles.parse(
        '[columns]\nEnhet = "Vårdcentralens namn"\nkommun = "Kommun"\nEnhetstyp = { value = "Vårdcentral" }\n'
        'Inskickad = "Sluttid"\n[provisions]\nv1 = "Har ni \\"rutiner\\"?"\n[answers]\n"Ja" = "ja"\n"1" = "JA"\n'
        '[drop]\ncolumns = ["E-post", "Namn"]\n'
    )
    assert prof.columns["Kommun"] == "Kommun" and prof.provisions == {"V1": 'Har ni "rutiner"?'}
    assert prof.answers == {"ja": "ja", "1": "ja"}
    assert profiles.parse(profiles.to_toml(prof)) == prof


def test_profile_pointing_at_a_missing_column_is_an_error() -> None:
    prof = profiles.parse('[columns]\nEnhet = "Namn på enheten"\nEnhetstyp = { value = "Vårdcentral" }\n'
                          '[provisions]\nV1 = "Fråga 1"\n')
    result = read_survey("Enhet;Fråga 1\nA;Ja\n".encode(), filename="f.csv", profile=prof)
    assert result.error and "”Namn på enheten”" in result.error_text()


@pytest.mark.parametrize(
    ("header", "values", "expected"),
    [
        ("E-post", ["a@b.se"], True),
        ("Kontaktperson", ["x"], True),
        ("Telefon", ["070-1234567"], True),
        ("Övrigt", ["ring 070-123 45 67"], False),
        ("Övrigt", ["070-123 45 67"], True),
        ("Kommentar", ["svar från anna@kommun.se"], True),
        ("Kommentar", ["19800101-1234"], True),
        ("Kommentar", ["2025-03-01"], False),
        ("ID", ["1", "2", "3"], False),
    ],
)
def test_personal_data_columns(header: str, values: list[str], expected: bool) -> None:
    assert personal.looks_personal(header, values) is expected


# --------------------------------------------------------------------------- suggestion quality

# Fresh paraphrases written AFTER provisions.PHRASINGS was fixed, not tuned to it (issue 11's
# measure). Each is how a survey author might ask; the matcher must find the provision.
FRESH_VC = {
    "V1": "Finns det en skriftlig rutin som anger i vilka situationer patienter ska tillfrågas om våldsutsatthet?",
    "V2": "Om en patient har skador eller symtom som kan bero på våld, ställs frågan om orsaken när patienten är ensam?",
    "V3": "Hur arbetar ni med att följa upp och förbättra kvaliteten i omhändertagandet av våldsutsatta patienter?",
    "V4": "Uppmärksammas barnens behov av råd, stöd och information när en vuxen i familjen utsatts för våld?",
    "V5": "Vet personalen hur och när de ska göra en anmälan till socialtjänsten om ett barn kan fara illa?",
    "V6": "Hur hanteras journalanteckningar för patienter som har sekretessmarkering eller skyddad folkbokföring?",
    "V7": "Samarbetar ni med socialtjänst, polis eller kvinnojour kring patienter som utsatts för våld?",
    "V8": "Har medarbetarna fått utbildning om våld i nära relationer under det senaste året?",
}
FRESH_SN = {
    "S1": "Har förvaltningen en rutin för att fråga klienter om de utsatts för våld?",
    "S2": "Görs en bedömning av vilket stöd och vilken hjälp den som utsatts för våld behöver, nu och framåt?",
    "S3": "Används ett strukturerat verktyg för att bedöma hur stor risken är att våldet upprepas?",
    "S4": "Utreds barnets egna behov av stöd när barnet har upplevt våld i hemmet?",
    "S5": "Finns det rutiner för ärenden där den enskilde har skyddad identitet?",
    "S6": "Hur samverkar socialtjänsten med hälso- och sjukvården och polisen i våldsärenden?",
    "S7": "Har socialsekreterarna tillräcklig kompetens om våld och dess konsekvenser?",
}


# A second fresh set, written after the scorer was changed (the first set was seen while changing
# it: 3 of 8 before the change). Neither set was used to edit provisions.PHRASINGS.
FRESH_VC_2 = {
    "V1": "Har mottagningen beslutat när personalen rutinmässigt ska ställa frågor om utsatthet för våld?",
    "V2": "Ges patienten möjlighet att svara på frågor om våld utan att partnern är med i rummet?",
    "V3": "Finns ett systematiskt förbättringsarbete kring hur verksamheten tar hand om våldsutsatta?",
    "V4": "Får barn till våldsutsatta patienter information och stöd anpassat efter sin ålder?",
    "V5": "Finns instruktioner för orosanmälan när det framkommer att barn far illa?",
    "V6": "Hur skyddas uppgifter i journalen om patienten lever med skyddad adress?",
    "V7": "Sker samverkan med kommunens socialtjänst och andra myndigheter i enskilda fall?",
    "V8": "Har personalen den kunskap om våld som behövs för att kunna agera?",
}
FRESH_SN_2 = {
    "S1": "Ställer handläggarna rutinmässigt frågor om våld till sökande?",
    "S2": "Kartläggs den våldsutsattas behov av insatser i en utredning?",
    "S3": "Genomförs riskbedömningar när det finns uppgifter om våld?",
    "S4": "Hur utreds stödbehovet hos barn som har bevittnat våld mellan föräldrarna?",
    "S5": "Hur dokumenteras ärenden där personen har skyddade personuppgifter?",
    "S6": "Samordnas insatserna med andra myndigheter så att de inte motverkar varandra?",
    "S7": "Ges medarbetarna kompetensutveckling om våld i nära relationer?",
}


def _mapped(questions: dict[str, str]) -> dict[str, str]:
    header = ["Organisation", "Kommun", *questions.values()]
    rows = [(i + 2, [f"Enhet {i}", "Krokom", *(["Ja", "Nej", "Vet ej"][(i + j) % 3] for j in range(len(questions)))])
            for i in range(6)]
    s = mapping.suggest(header, rows)
    decided = {pid: q for pid, q in s.profile.provisions.items()}
    return {q: pid for pid, q in decided.items()}


def test_fresh_paraphrases_are_mostly_mapped_right() -> None:
    vc = _mapped(FRESH_VC)
    sn = _mapped(FRESH_SN)
    vc_right = sum(vc.get(q) == pid for pid, q in FRESH_VC.items())
    sn_right = sum(sn.get(q) == pid for pid, q in FRESH_SN.items())
    wrong = [(q, vc.get(q) or sn.get(q)) for d, m in ((FRESH_VC, vc), (FRESH_SN, sn))
             for pid, q in d.items() if m.get(q) not in (None, pid)]
    print(f"fresh paraphrases: {vc_right}/8 health-centre, {sn_right}/7 committee; wrong: {wrong}")
    assert vc_right >= 6 and sn_right >= 5
    assert len(wrong) <= 2  # a wrong match above the cut-off is worse than none


def test_second_fresh_set() -> None:
    vc, sn = _mapped(FRESH_VC_2), _mapped(FRESH_SN_2)
    vc_right = sum(vc.get(q) == pid for pid, q in FRESH_VC_2.items())
    sn_right = sum(sn.get(q) == pid for pid, q in FRESH_SN_2.items())
    wrong = [(q, vc.get(q) or sn.get(q)) for d, m in ((FRESH_VC_2, vc), (FRESH_SN_2, sn))
             for pid, q in d.items() if m.get(q) not in (None, pid)]
    print(f"second fresh set: {vc_right}/8 health-centre, {sn_right}/7 committee; wrong: {wrong}")
    assert vc_right >= 6 and sn_right >= 5
