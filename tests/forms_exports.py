"""Survey exports the team had not seen, with the respondents' personal data in them (test helper).

Each builder returns an ``Export``: the file's bytes, its name, and every personal value written
into it (names, e-mail addresses, phone and identity numbers), so a test can look for each of them
in the database after the import. The unit column is a *question* ("Vilken vårdcentral svarar du
för?"), and the question texts are paraphrases, not the catalogue's wording.

- ``ms_forms``: Microsoft Forms (XLSX): ID, Starttid, Sluttid, E-post, Namn, Senaste ändringstid,
  "Vilken vårdcentral svarar du för?", Kommun, then eight questions (V1-V8).
- ``google_forms``: Google Forms (CSV, ``,``): Tidstämpel, E-postadress, "Ditt namn", Telefonnummer,
  "Vilken nämnd besvarar du enkäten för?" (the municipality only in the committee's name), seven
  questions (S1-S7), answers Ja / Nej / Vet inte.
- ``esmaker``: an Esmaker/Netigate-style export (CSV, ``;``, Windows-1252): Respondent-ID,
  Startdatum, Slutdatum, Status, Ifylld av, Personnummer, Mobilnummer, Region as people write it
  ("VGR", "Stockholms läns region", "Region Jämtland Härjedalen"), "Vilken hälsocentral fyller du
  i enkäten för?", numbered questions ("3. …").
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import survey_exports as se

FIRST = ["Karin", "Maria", "Ingrid", "Anders", "Johan", "Elisabeth", "Mikael", "Sofia", "Gunilla", "Fredrik"]
LAST = ["Lindqvist", "Sjöholm", "Holmgren", "Åkesson", "Ekström", "Wikström", "Hedlund", "Nyqvist", "Sandström",
        "Lundgren", "Engström", "Blomqvist"]

MS_QUESTIONS = {
    "V1": "Finns det en rutin på vårdcentralen för när och hur patienter ska tillfrågas om våld?",
    "V2": "Får en patient som visar tecken på våld frågan om orsaken i enrum?",
    "V3": "Följer ni upp och kvalitetssäkrar arbetet med patienter som utsatts för våld?",
    "V4": "Beaktas barnets behov av information, råd och stöd när en förälder har utsatts för våld?",
    "V5": "Finns rutin för orosanmälan till socialtjänsten?",
    "V6": "Finns rutiner för journalföring när patienten har skyddad identitet?",
    "V7": "Samverkar ni med socialtjänst, polis och andra myndigheter kring våldsutsatta patienter?",
    "V8": "Har vårdpersonalen fått utbildning om våld i nära relationer?",
}
GOOGLE_QUESTIONS = {
    "S1": "Har nämnden rutiner för när personalen ska fråga om våld i nära relationer?",
    "S2": "Utreds den våldsutsattas behov av stöd och hjälp på kort och lång sikt?",
    "S3": "Gör ni en strukturerad riskbedömning av risken för fortsatt våld?",
    "S4": "Utreds stödbehovet hos barn som bevittnat eller utsatts för våld?",
    "S5": "Finns rutiner för handläggning när den enskilde har skyddade personuppgifter?",
    "S6": "Samarbetar nämnden med polis, hälso- och sjukvård och andra myndigheter?",
    "S7": "Har handläggarna utbildning och kompetens om våld?",
}
ESMAKER_QUESTIONS = {
    "V1": "3. Har hälsocentralen rutiner för att fråga patienter om våld?",
    "V2": "4. Frågar personalen patienten enskilt, utan medföljande, vid tecken på våld?",
    "V3": "5. Finns rutiner för kvalitetsarbete och egenkontroll i arbetet mot våld?",
    "V4": "6. Ges barn som anhöriga information, råd och stöd?",
    "V5": "7. Hur fullgörs anmälningsskyldigheten till socialnämnden?",
    "V6": "8. Journalföring för patienter med skyddade personuppgifter",
    "V7": "9. Samverkan med andra aktörer kring våldsutsatta patienter",
    "V8": "10. Har personalen kunskap om våld och kan tillämpa den?",
}
MS_PREFIX = ["Vårdcentralen", "Capio Vårdcentral", "Närhälsan", "Hälsocentralen", "Läkarhuset", "Familjeläkarna i"]
# Region as people write it, by region code (the export's Region column)
REGION_WRITTEN = {"14": ["Region Västra Götaland", "Västra Götalandsregionen", "VGR"],
                  "01": ["Stockholms läns region", "SLL", "Region Stockholm"],
                  "12": ["Region Skåne", "Skåne"],
                  "23": ["Region Jämtland Härjedalen", "Jämtland"],
                  "09": ["Gotland"]}


@dataclass(frozen=True)
class Export:
    data: bytes
    name: str
    personal: list[str]  # every personal value written into the file
    units: int  # distinct units (rows that should be imported)
    unit_names: list[str]  # the units as the file names them, in file order


def person(i: int) -> str:
    return f"{FIRST[i % len(FIRST)]} {LAST[(i * 7 + 3) % len(LAST)]}"


def email(i: int) -> str:
    first, last = person(i).lower().split()
    return f"{first}.{last}{i}@vardgivare{i % 5}.se".replace("å", "a").replace("ä", "a").replace("ö", "o")


def phone(i: int) -> str:
    return f"070-{312 + i:03d} {10 + i % 80:02d} {20 + i % 70:02d}"


def luhn_digit(nine: str) -> str:
    """The check digit of a Swedish personal identity number's first nine digits (YYMMDDNNN)."""
    total = 0
    for pos, ch in enumerate(nine):
        d = int(ch) * (2 if pos % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def personnummer(i: int, coordination: bool = False) -> str:
    """A valid-looking 12-digit identity (or coordination: day + 60) number, ``YYYYMMDD-NNNC``."""
    year, month, day = 1960 + i % 35, 1 + i % 12, 1 + i % 28
    day_written = day + 60 if coordination else day
    nine = f"{year % 100:02d}{month:02d}{day_written:02d}{100 + i % 800:03d}"
    return f"{year // 100}{nine[:6]}-{nine[6:]}{luhn_digit(nine)}"


def _units(kind: str, regions: tuple[str, ...], n: int) -> list[dict[str, str]]:
    df = se.example()
    df = df[(df["Enhetstyp"] == kind) & df["Kommunkod"].str[:2].isin(regions)]
    picked = df.groupby(df["Kommunkod"].str[:2], sort=True).head(max(1, n // len(regions))).head(n)
    return picked.to_dict("records")


def _answers(unit: dict[str, str], pids: list[str], i: int) -> list[str]:
    """The example round's answers; every ninth unit answers Ja throughout."""
    return [unit[se._col(se.example(), pid)] for pid in pids] if i % 9 else ["Ja"] * len(pids)


def ms_forms(n: int = 40) -> Export:
    """Microsoft Forms: health centres in four regions; one unit answered twice (latest wins)."""
    units = _units("Vårdcentral", ("01", "12", "14", "23"), n)
    names = [f"{MS_PREFIX[i % len(MS_PREFIX)]} {u['Kommun']} {i + 1}" for i, u in enumerate(units)]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ID", "Starttid", "Sluttid", "E-post", "Namn", "Senaste ändringstid",
               "Vilken vårdcentral svarar du för?", "Kommun", *MS_QUESTIONS.values()])
    personal: list[str] = []
    start = dt.datetime(2025, 3, 3, 8, 0)
    for i, u in enumerate(units):
        t = start + dt.timedelta(hours=3 * i)
        personal += [email(i), person(i)]
        answers = [u[se._col(se.example(), pid)] or None for pid in MS_QUESTIONS]
        ws.append([i + 1, t - dt.timedelta(minutes=9), t, email(i), person(i), None, names[i], u["Kommun"], *answers])
    # a second submission of the first unit, a day later, by another person
    personal += [email(99), person(99)]
    ws.append([len(units) + 1, start + dt.timedelta(days=1), start + dt.timedelta(days=1, minutes=8), email(99),
               person(99), start + dt.timedelta(days=1, minutes=8), names[0], units[0]["Kommun"],
               *["Ja"] * len(MS_QUESTIONS)])
    buf = io.BytesIO()
    wb.save(buf)
    return Export(buf.getvalue(), "Tillsyn vårdcentraler(1-41).xlsx", personal, len(units), names)


def google_forms(n: int = 30) -> Export:
    """Google Forms: committees named "Socialnämnden i <kommun>", comma-separated UTF-8."""
    units = _units("Socialnämnd", ("03", "05", "20", "23"), n)
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=",", lineterminator="\r\n")
    w.writerow(["Tidstämpel", "E-postadress", "Ditt namn", "Telefonnummer", "Vilken nämnd besvarar du enkäten för?",
                *GOOGLE_QUESTIONS.values()])
    personal: list[str] = []
    names = []
    for i, u in enumerate(units):
        name = f"Socialnämnden i {u['Kommun']}"
        names.append(name)
        who = 20 + i
        personal += [email(who), person(who), phone(who)]
        answers = [{"Vet ej": "Vet inte"}.get(a, a) for a in _answers(u, list(GOOGLE_QUESTIONS), i)]
        w.writerow([f"2025-04-{1 + i % 28:02d} {9 + i % 8:02d}:{i % 60:02d}:17", email(who), person(who), phone(who),
                    name, *answers])
    return Export(buf.getvalue().encode("utf-8"), "Enkät socialnämnder (svar).csv", personal, len(units), names)


def esmaker(n: int = 30) -> Export:
    """Esmaker/Netigate style: health centres in five regions, Region written as people write it."""
    units = _units("Vårdcentral", ("01", "09", "12", "14", "23"), n)
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(["Respondent-ID", "Startdatum", "Slutdatum", "Status", "Ifylld av", "Personnummer", "Mobilnummer",
                "Region", "Vilken hälsocentral fyller du i enkäten för?", *ESMAKER_QUESTIONS.values()])
    personal: list[str] = []
    seen: dict[str, int] = {}
    for i, u in enumerate(units):
        code = u["Kommunkod"][:2]
        written = REGION_WRITTEN[code][seen.get(code, 0) % len(REGION_WRITTEN[code])]
        seen[code] = seen.get(code, 0) + 1
        who = 50 + i
        pnr = personnummer(who, coordination=i % 4 == 0)
        personal += [person(who), pnr, phone(who)]
        w.writerow([f"R{7000 + i}", f"2025-05-{1 + i % 28:02d} 10:00", f"2025-05-{1 + i % 28:02d} 10:{10 + i % 40}",
                    "Slutförd", person(who), pnr, phone(who), written, u["Enhet"],
                    *_answers(u, list(ESMAKER_QUESTIONS), i)])
    return Export(buf.getvalue().encode("cp1252"), "esmaker_export_halsocentraler.csv", personal, len(units),
                  [u["Enhet"] for u in units])


ALL = {"ms_forms": ms_forms, "google_forms": google_forms, "esmaker": esmaker}


# --------------------------------------------------------------------------- looking for them afterwards


def traces(values: list[str]) -> list[str]:
    """What to look for: each value, its digits alone (a phone or identity number stored without
    separators) and each surname (a name stored in part; the surnames are in no unit's name)."""
    out: list[str] = []
    for v in values:
        out.append(v)
        digits = "".join(ch for ch in v if ch.isdigit())
        if len(digits) >= 8:
            out.append(digits)
        if "@" not in v and not digits:
            out.append(v.split()[-1])
    return list(dict.fromkeys(out))


def database_text(path: Path) -> tuple[str, bytes]:
    """(every cell of every table, as text; the database file's bytes and its WAL's, if any)."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        cells: list[str] = []
        for (schema, table) in con.execute("SELECT schema_name, table_name FROM duckdb_tables()").fetchall():
            df = con.execute(f'SELECT * FROM "{schema}"."{table}"').df()
            cells += [str(v) for v in df.to_numpy().ravel()] + [str(c) for c in df.columns]
    finally:
        con.close()
    wal = path.with_name(path.name + ".wal")
    return "\n".join(cells), path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def leaks(path: Path, values: list[str], stored: str) -> list[str]:
    """The personal values found anywhere in the database. ``stored`` is a unit name that must be
    found by the same search (the search reads what is stored, or it proves nothing)."""
    text, raw = database_text(path)
    found = [v for v in traces(values) if v in text or v.encode() in raw]
    assert found or (stored in text and stored.encode() in raw), f"{stored!r} not found: the scan reads nothing"
    return found
