"""The canonical tables and their column types, in one place.

Every other module speaks these three long, tidy tables. Codes are strings
(kommun ``"0180"``, region/county ``"01"``), never ints, so leading zeros survive.

``units``      one row per unit (socialnämnd or vårdcentral) and round
``answers``    one row per unit, provision and round
``provisions`` the provisions catalogue (see ``provisions.py``)
"""

from __future__ import annotations

import pandas as pd

UNIT_TYPES: tuple[str, ...] = ("socialnamnd", "vardcentral")
ANSWERS: tuple[str, ...] = ("ja", "nej", "vet_ej", "saknas")

UNITS_COLUMNS: dict[str, str] = {
    "round": "string",
    "unit_id": "string",
    "unit_type": "string",
    "name": "string",
    "kommun_kod": "string",
    "region_kod": "string",
    "lat": "float64",
    "lon": "float64",
    "responded": "bool",
    "synthetic": "bool",
}

ANSWERS_COLUMNS: dict[str, str] = {
    "round": "string",
    "unit_id": "string",
    "provision_id": "string",
    "answer": "string",
}

PROVISIONS_COLUMNS: dict[str, str] = {
    "provision_id": "string",
    "unit_type": "string",
    "title_sv": "string",
    "title_en": "string",
    "text_sv": "string",
    "reference": "string",
    "general_advice": "bool",
}

# Headers of the survey file the importer reads and the example round is written in.
# Matching is case-, accent- and whitespace-insensitive (see importer.normalise_header).
COL_ROUND = "Omgång"
COL_UNIT_ID = "Enhets-id"
COL_UNIT_TYPE = "Enhetstyp"
COL_NAME = "Enhet"
COL_KOMMUN_KOD = "Kommunkod"
COL_KOMMUN = "Kommun"
COL_REGION = "Region"
COL_RESPONDED = "Svarat"
COL_LAT = "Latitud"
COL_LON = "Longitud"
COL_SYNTHETIC = "Exempeldata"

REQUIRED_FILE_COLUMNS: tuple[str, ...] = (COL_UNIT_TYPE, COL_KOMMUN_KOD, COL_NAME)
OPTIONAL_FILE_COLUMNS: tuple[str, ...] = (
    COL_UNIT_ID,
    COL_REGION,
    COL_KOMMUN,
    COL_RESPONDED,
    COL_LAT,
    COL_LON,
    COL_ROUND,
    COL_SYNTHETIC,
)

# Sweden's bounding box with a little margin (WGS 84); coordinates outside are rejected.
SWEDEN_LAT = (55.0, 69.2)
SWEDEN_LON = (10.5, 24.5)


def _typed(df: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Return ``df`` with exactly ``columns``, in order, cast to their types."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"saknar kolumner: {', '.join(missing)}")
    out = df.loc[:, list(columns)].copy()
    for col, dtype in columns.items():
        out[col] = out[col].astype(dtype)
    return out.reset_index(drop=True)


def units_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Cast a units table to the canonical columns and types."""
    return _typed(df, UNITS_COLUMNS)


def answers_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Cast an answers table to the canonical columns and types."""
    out = _typed(df, ANSWERS_COLUMNS)
    bad = set(out["answer"].dropna().unique()) - set(ANSWERS)
    if bad:
        raise ValueError(f"okända svar: {sorted(bad)}")
    return out


def provisions_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Cast a provisions table to the canonical columns and types."""
    return _typed(df, PROVISIONS_COLUMNS)


def empty_units() -> pd.DataFrame:
    return units_frame(pd.DataFrame({c: [] for c in UNITS_COLUMNS}))


def empty_answers() -> pd.DataFrame:
    return answers_frame(pd.DataFrame({c: [] for c in ANSWERS_COLUMNS}))
