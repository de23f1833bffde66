"""The provisions catalogue and the compliance rule.

The catalogue summarises what HSLF-FS 2022:39 (Socialstyrelsen's regulations and
general advice on violence in close relationships, in force from 2022-11-01) asks of
a municipality's social welfare committee and of a health centre. Titles and texts
are summaries, not quotations.

References: a chapter/section is given only where a public source confirms it.
- V1 "7 kap. 2 §": Region Kalmar län's page for care providers on HSLF-FS 2022:39
  (chapter 7 is the chapter for health care) — see shared/reference/published-figures.md.
Every other reference is left blank on purpose: it is not confirmed from a source we
can name, and a wrong paragraph in a letter to a region is worse than none.

The compliance rule (one place, used by every figure):
- a unit "does not follow all rules, or does not know" when any *binding* provision
  (a regulation, not a general advice) is answered ``nej``, ``vet_ej`` or ``saknas``;
- it "follows none, or does not know of any" when none of its binding provisions is ``ja``.
General advice ("bör", should) is not a rule ("ska", shall) and is shown but not counted.
Units that did not respond are left out of the compliance figures and counted in the
response rate instead.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from dashboard.domain.schema import provisions_frame

_P = [
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


# How survey tools and people phrase each provision as a question: the mapping suggestion
# (``mapping.py``) matches a file's question texts against these, the titles and the texts.
# One list, kept here beside the catalogue; add a phrasing when a real export is not matched.
PHRASINGS: dict[str, tuple[str, ...]] = {
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


def catalogue() -> pd.DataFrame:
    """The provisions catalogue as a canonical ``provisions`` table. Built once per process (it is
    read many times per page run); a shallow copy under copy-on-write, so callers may change theirs."""
    return _catalogue().copy(deep=False)


@lru_cache(maxsize=1)
def _catalogue() -> pd.DataFrame:
    cols = ["provision_id", "unit_type", "title_sv", "title_en", "text_sv", "reference", "general_advice"]
    return provisions_frame(pd.DataFrame(_P, columns=cols))


def provision_ids(unit_type: str | None = None) -> list[str]:
    cat = catalogue()
    if unit_type is not None:
        cat = cat[cat["unit_type"] == unit_type]
    return cat["provision_id"].tolist()


def binding(provisions: pd.DataFrame) -> pd.DataFrame:
    """The provisions that are rules ("ska"), not general advice ("bör")."""
    return provisions[~provisions["general_advice"]]


def asked(units: pd.DataFrame, answers: pd.DataFrame) -> pd.DataFrame:
    """The provisions each round asked, per unit type: round, unit_type, provision_id.

    A survey asks a provision when its file has a column for it; the importer then stores an answer
    row for every unit of that type (``saknas`` when left blank) and none for a provision it did not
    ask. So the answers themselves record what was asked, for imported and stored rounds alike.
    """
    typed = answers[["round", "unit_id", "provision_id"]].merge(
        units[["round", "unit_id", "unit_type"]], on=["round", "unit_id"], how="inner")
    out = typed[["round", "unit_type", "provision_id"]].drop_duplicates()
    return out.sort_values(["round", "unit_type", "provision_id"]).reset_index(drop=True)


def unit_answers(units: pd.DataFrame, answers: pd.DataFrame, provisions: pd.DataFrame) -> pd.DataFrame:
    """Every (unit, provision its round asked of its type) pair with its answer; a missing answer to
    an asked provision is ``saknas``. A provision the round did not ask is left out, never a failure.

    Returns columns round, unit_id, unit_type, provision_id, general_advice, answer.
    """
    pairs = units[["round", "unit_id", "unit_type"]].merge(
        provisions[["provision_id", "unit_type", "general_advice"]], on="unit_type", how="inner"
    )
    pairs = pairs.merge(asked(units, answers), on=["round", "unit_type", "provision_id"], how="inner")
    out = pairs.merge(answers[["round", "unit_id", "provision_id", "answer"]], how="left",
                      on=["round", "unit_id", "provision_id"])
    out["answer"] = out["answer"].fillna("saknas").astype("string")
    return out


def compliance(units: pd.DataFrame, answers: pd.DataFrame, provisions: pd.DataFrame) -> pd.DataFrame:
    """Apply the compliance rule to every unit.

    Returns one row per unit (round, unit_id) with counts of binding answers
    (n_rules, n_ja, n_nej, n_vet_ej, n_saknas) and the booleans ``follows_all``,
    ``not_all`` ("does not follow all rules, or does not know") and ``follows_none``
    ("follows none, or does not know of any"). Non-responding units get NA booleans.
    """
    pairs = unit_answers(units, answers, binding(provisions))
    counts = (
        pd.crosstab([pairs["round"], pairs["unit_id"]], pairs["answer"])
        .reindex(columns=["ja", "nej", "vet_ej", "saknas"], fill_value=0)
        .add_prefix("n_")
        .reset_index()
    )
    counts.columns.name = None
    out = units[["round", "unit_id", "responded"]].merge(counts, on=["round", "unit_id"], how="left")
    for col in ("n_ja", "n_nej", "n_vet_ej", "n_saknas"):
        out[col] = out[col].fillna(0).astype("int64")
    out["n_rules"] = out[["n_ja", "n_nej", "n_vet_ej", "n_saknas"]].sum(axis=1)
    responded = out["responded"].astype(bool)
    follows_all = (out["n_rules"] > 0) & (out["n_ja"] == out["n_rules"])
    out["follows_all"] = follows_all.astype("boolean").where(responded, pd.NA)
    out["not_all"] = (~follows_all).astype("boolean").where(responded, pd.NA)
    out["follows_none"] = (out["n_ja"] == 0).astype("boolean").where(responded, pd.NA)
    return out.drop(columns=["responded"])
