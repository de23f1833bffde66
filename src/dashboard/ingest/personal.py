"""Personal data in survey exports: headers that name a person, and values that identify one.

Survey tools put the respondent beside the answers: ``Namn``, ``E-post``, ``Ifylld av``,
``Personnummer``. None of it may reach the database. Three guards use this module:

- ``names_person(header)``: a header that names a person is never a unit column and always goes
  under ``[drop]`` (``mapping.suggest``). "Namn" alone is a person; "Vårdcentralens namn" is a unit.
- ``refusal(values)``: before anything is stored, every mapped text column is read by its *values*;
  one e-mail address, phone number, or Swedish personal identity or coordination number (10 or 12
  digits, with the Luhn check) refuses the column (``importer``).
- ``person_like(value)``: a value that looks like a person's name rather than a unit (no unit word,
  two or three capitalised words) is flagged for the administrator, not refused: "Anna Berg" might
  be a clinic, and the person decides.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from dashboard.domain.reference import normalise_text

__all__ = ["looks_personal", "names_person", "person_like", "personal_kind", "refusal"]

# Words that name a person or how to reach one, whatever else the header says ("Kontaktpersonens
# e-post", "Ifylld av", "Respondent-ID"). Normalised text (lower case, no accents).
_PERSON_WORDS = re.compile(
    r"(?<![a-z])(e ?-?post\w*|e ?-?mail\w*|email|mejl\w*|mail|telefon\w*|tel|tfn|mobil\w*|phone|"
    r"personnummer|personnr|pnr|samordningsnummer|kontaktperson\w*|uppgiftslamnare\w*|respondent\w*|"
    r"svarande|ifylld av|ifyllt av|besvarad av|besvarat av|inskickad av|skickad av|svar av|"
    r"fornamn|efternamn|for- och efternamn|for-/efternamn|first name|last name|full name|surname|"
    r"ditt namn|ditt fullstandiga namn|your name|ansvarig person|anvandarnamn|username|user name|"
    r"adress|address|ip-adress|ip address)(?![a-z])"
)
# "Namn"/"Name" names a person unless the header says whose name it is ("Vårdcentralens namn").
_NAME_WORD = re.compile(r"(?<![a-z])(namn|name)(?![a-z])")
# Words that say a header or a value is about a unit, not a person (normalised): the long ones
# anywhere in a word ("Citykliniken"), the short ones as whole words ("Kry", not "Krystyna").
UNIT_WORDS = (
    "enhet", "vardcentral", "halsocentral", "mottagning", "klinik", "lakarhus", "lakare", "lakarna", "huslakar",
    "narhalsan", "narvard", "primarvard", "vardenhet", "halsorum", "namnd", "social", "forvaltning", "kommun",
    "region", "omsorg", "organisation", "verksamhet", "clinic", "centre", "center", "centrum", "capio",
    "praktikertjanst", "achima", "doktor", "medicin", "halsan",
)
SHORT_UNIT_WORDS = ("vc", "hc", "kry", "ifo", "ifn", "hus", "huset", "stad", "vard", "akut", "unit", "ab")
_UNIT_WORD = re.compile("|".join(re.escape(w) for w in UNIT_WORDS) + "|" +
                        "|".join(rf"(?<![a-z]){re.escape(w)}(?![a-z])" for w in SHORT_UNIT_WORDS))
_EMAIL = re.compile(r"[^@\s<>(),;]+@[^@\s<>(),;]+\.[a-z]{2,}", re.IGNORECASE)
# A Swedish phone number: +46/0046/0, then 7-10 more digits in groups (070-123 45 67, 08-123 456 78).
_PHONE = re.compile(r"(?:\+46|0046|0)[\s-]?\(?0?\)?[\s-]?(?:\d[\s-]?){6,9}\d")
_LOOSE_PNR = re.compile(r"(?<!\d)(?:19|20)?\d{6}[-+]?\d{4}(?!\d)")
# 10 or 12 digits, an optional - or + before the last four: YYMMDD-NNNC or YYYYMMDDNNNC.
_PNR = re.compile(r"(?<![\d-])(?P<century>19|20)?(?P<date>\d{6})[-+ ]?(?P<tail>\d{4})(?![\d-])")
_NO_DIGITS = str.maketrans("", "", "0123456789")
_CAPITALISED = re.compile(r"[A-ZÅÄÖÉÈÜØÆ][a-zåäöéèüøæß]+(?:-[A-ZÅÄÖÉÈÜØÆ][a-zåäöéèüøæß]+)?")


def names_person(header: str) -> bool:
    """Whether a header names a person (respondent, contact, their e-mail, phone or id number)."""
    key = normalise_text(header)
    if _PERSON_WORDS.search(key):
        return True
    return bool(_NAME_WORD.search(key)) and not _UNIT_WORD.search(key)


def _luhn_ok(digits: str) -> bool:
    total = 0
    for pos, ch in enumerate(digits):
        d = int(ch) * (2 if pos % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _is_date(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _identity_number(value: str) -> str | None:
    """"personnummer" or "samordningsnummer" when ``value`` holds one (date valid, Luhn right)."""
    for m in _PNR.finditer(value):
        date, tail = m.group("date"), m.group("tail")
        if not _luhn_ok(date + tail):
            continue
        yy, mm, dd = int(date[:2]), int(date[2:4]), int(date[4:])
        kind = "samordningsnummer" if dd > 60 else "personnummer"
        dd = dd - 60 if dd > 60 else dd
        centuries = [int(m.group("century"))] if m.group("century") else [19, 20]
        if any(_is_date(c * 100 + yy, mm, dd) for c in centuries):
            return kind
    return None


def personal_kind(value: str) -> str | None:
    """What personal data one cell holds: "email", "phone", "personnummer", "samordningsnummer", or None.

    An e-mail address or an identity number anywhere in the cell counts; a phone number only as
    the whole cell (a unit's name may mention its switchboard)."""
    v = value.strip()
    if not v:
        return None
    if "@" in v and _EMAIL.search(v):
        return "email"
    if len(v) - len(v.translate(_NO_DIGITS)) >= 8:  # every phone and identity number has 8 digits or more
        kind = _identity_number(v)
        if kind:
            return kind
        if _PHONE.fullmatch(v):
            return "phone"
    return None


def refusal(values: Iterable[tuple[int, str]]) -> tuple[str, int] | None:
    """(kind, row) of the first cell holding personal data, or None: such a column is never stored."""
    seen: set[str] = set()
    for row, value in values:
        if value in seen:  # a column repeats its values (municipalities, types, the round)
            continue
        seen.add(value)
        kind = personal_kind(value)
        if kind:
            return kind, row
    return None


def person_like(value: str) -> bool:
    """A unit name that reads like a person's: two or three capitalised words and no unit word."""
    words = value.split()
    if not 2 <= len(words) <= 3 or not all(_CAPITALISED.fullmatch(w) for w in words):
        return False
    return not _UNIT_WORD.search(normalise_text(value))


def looks_personal(header: str, values: Iterable[str]) -> bool:
    """Whether an unmapped column looks like personal data, by its header or by any of its values
    (looser than ``refusal``: a column that is not read is only named in the report)."""
    if names_person(header):
        return True
    for value in values:
        v = value.strip()
        if v and (_EMAIL.search(v) or _PHONE.fullmatch(v) or _LOOSE_PNR.fullmatch(v)):
            return True
    return False
