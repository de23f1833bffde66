"""The example round rendered as the exports survey tools give (test helper, not a test).

- ``forms_xlsx``: health centres as Microsoft Forms exports them: ID, start and end time,
  e-mail and name of the person answering, the organisation, a municipality name, the full
  question texts as headers, answers as text; one unit submitted twice (the stale submission
  comes later in the file with an earlier end time and other answers).
- ``committees_csv``: committees as a Windows-1252 ``;`` CSV with municipality names written
  as people write them ("Krokoms kommun", "Malung–Sälen", "Region Gotland"), answers coded
  1 = Ja, 2 = Nej, 3 = Vet ej, blank = no answer, and a phone column.
- ``no_kommun_csv``: Jämtland health centres with only the unit's name (no municipality column).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "data" / "exempelomgang.csv"

VC_QUESTIONS = {
    "V1": "Har vårdcentralen rutiner för när och hur personalen ska fråga patienter om våld?",
    "V2": "Tillfrågas patienter som visar tecken på att ha utsatts för våld enskilt om orsaken till symtomen?",
    "V3": "Har vårdcentralen rutiner för att utveckla och säkra kvaliteten i arbetet med våldsutsatta?",
    "V4": "Finns rutiner för hur barns behov av information, råd och stöd beaktas?",
    "V5": "Finns rutiner för hur anmälningsskyldigheten till socialnämnden fullgörs?",
    "V6": "Finns rutiner för journalföring för patienter med skyddade personuppgifter?",
    "V7": "Samverkar vårdcentralen med andra verksamheter, myndigheter och organisationer?",
    "V8": "Har personalen kunskap om våld i nära relationer och kan de tillämpa den?",
}
SN_QUESTIONS = {
    "S1": "Har nämnden rutiner för när och hur personalen ska ställa frågor om våld?",
    "S2": "Utreder nämnden den våldsutsattas behov av stöd och hjälp på kort och lång sikt?",
    "S3": "Bedömer nämnden risken för att den våldsutsatta utsätts för fortsatt våld?",
    "S4": "Utreds behovet av stöd och hjälp för barn som utsatts för eller bevittnat våld?",
    "S5": "Finns rutiner för handläggning och dokumentation när den enskilde har skyddade personuppgifter?",
    "S6": "Samverkar nämnden med andra verksamheter, myndigheter och organisationer?",
    "S7": "Har personalen kunskap om våld och kan tillämpa den?",
}
KOMMUN_VARIANTS = {"2309": "Krokoms kommun", "2023": "Malung–Sälen", "0980": "Region Gotland",
                   "0180": "  stockholms STAD ", "1490": "Borås kommun"}
CODE = {"Ja": "1", "Nej": "2", "Vet ej": "3", "": ""}


def example() -> pd.DataFrame:
    return pd.read_csv(EXAMPLE, sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)


def _col(df: pd.DataFrame, pid: str) -> str:
    return next(c for c in df.columns if c.startswith(pid + " "))


def forms_xlsx(df: pd.DataFrame | None = None) -> tuple[bytes, list[str]]:
    """(the XLSX bytes, every e-mail and name written into it)."""
    df = example() if df is None else df
    vc = df[df["Enhetstyp"] == "Vårdcentral"].reset_index(drop=True)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ID", "Starttid", "Sluttid", "E-post", "Namn", "Vårdcentralens namn", "Kommun",
               *VC_QUESTIONS.values()])
    start = dt.datetime(2025, 3, 3, 8, 0)
    personal: list[str] = []
    stale: list[object] | None = None
    for i, r in vc.iterrows():
        t = start + dt.timedelta(minutes=7 * int(i))
        email, name = f"svarare{i}@region{i % 7}.se", f"Anna Andersson{i}"
        personal += [email, name]
        row = [int(i) + 1, t - dt.timedelta(minutes=5), t, email, name, r["Enhet"], r["Kommun"],
               *[r[_col(df, pid)] or None for pid in VC_QUESTIONS]]
        ws.append(row)
        if i == 3:  # the stale submission of unit 3: other answers, earlier end time, later in the file
            stale = row.copy()
            stale[1], stale[2] = t - dt.timedelta(days=2, minutes=5), t - dt.timedelta(days=2)
            stale[7:] = ["Nej"] * len(VC_QUESTIONS)
    assert stale is not None
    stale[0] = len(vc) + 1
    ws.append(stale)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), personal


def committees_csv(df: pd.DataFrame | None = None) -> tuple[bytes, list[str]]:
    """(Windows-1252 CSV bytes, the phone numbers written into it)."""
    df = example() if df is None else df
    sn = df[df["Enhetstyp"] == "Socialnämnd"].reset_index(drop=True)
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(["Nämnd", "Kommun", "Datum", "Telefon kontaktperson", *SN_QUESTIONS.values()])
    phones: list[str] = []
    for i, r in sn.iterrows():
        phone = f"070-{1000000 + int(i)}"
        phones.append(phone)
        w.writerow([r["Enhet"], KOMMUN_VARIANTS.get(r["Kommunkod"], r["Kommun"]), "2025-03-14 10:00", phone,
                    *[CODE[r[_col(df, pid)]] for pid in SN_QUESTIONS]])
    return buf.getvalue().encode("cp1252"), phones


def no_kommun_csv(df: pd.DataFrame | None = None) -> bytes:
    """Jämtland health centres, named only (UTF-8 with BOM, ';')."""
    df = example() if df is None else df
    jl = df[(df["Enhetstyp"] == "Vårdcentral") & df["Kommunkod"].str.startswith("23")]
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\n")
    w.writerow(["Hälsocentral", *VC_QUESTIONS.values()])
    for _, r in jl.iterrows():
        w.writerow([r["Enhet"], *[r[_col(df, pid)] for pid in VC_QUESTIONS]])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
