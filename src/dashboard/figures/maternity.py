"""The maternity-care context: share of women asked about violence at a maternity care visit.

Real, public statistics (SCB, the pregnancy register), shown on the risk page as context beside the
score and never part of it: they describe the regions' maternity care, not the units that answered
IVO's survey. Kept apart from ``risk`` so the score stays a pure function of the survey.
"""

from __future__ import annotations

import pandas as pd

from dashboard import i18n
from dashboard.domain import reference

SOURCE = "SCB, graviditetsregistret"
YEARS: tuple[int, ...] = (2011, 2019, 2020, 2021)
# Share (%) of women asked about exposure to violence at a maternity care visit, by region
# (short names as in reference.REGIONS), exactly as in shared/reference/published-figures.md.
BY_REGION: dict[str, tuple[int, int, int, int]] = {
    "Blekinge": (52, 95, 98, 99),
    "Dalarna": (17, 90, 93, 95),
    "Gotland": (96, 98, 96, 99),
    "Gävleborg": (61, 92, 94, 97),
    "Halland": (60, 90, 94, 95),
    "Jämtland Härjedalen": (70, 95, 95, 96),
    "Jönköpings län": (22, 96, 97, 98),
    "Kalmar län": (36, 98, 98, 98),
    "Kronoberg": (82, 90, 91, 93),
    "Norrbotten": (35, 89, 90, 91),
    "Skåne": (27, 96, 96, 97),
    "Stockholm": (31, 94, 95, 95),
    "Sörmland": (41, 91, 93, 97),
    "Uppsala": (48, 90, 91, 95),
    "Värmland": (76, 96, 95, 97),
    "Västerbotten": (86, 97, 98, 98),
    "Västernorrland": (87, 99, 99, 98),
    "Västmanland": (81, 93, 96, 97),
    "Västra Götaland": (49, 93, 94, 95),
    "Örebro län": (82, 98, 97, 96),
    "Östergötland": (55, 96, 94, 95),
}
COUNTRY: tuple[int, int, int, int] = (47, 94, 95, 96)


def table() -> pd.DataFrame:
    """The 21 regions with the SCB share (%) for each year in ``YEARS`` (columns ``y2011``…)."""
    codes = {short: code for code, (_, short) in reference.REGIONS.items()}
    rows = []
    for short, values in BY_REGION.items():
        code = codes[short]
        row = {"region_kod": code, "region": reference.REGIONS[code][0], "region_short": short}
        row.update({f"y{year}": v for year, v in zip(YEARS, values, strict=True)})
        rows.append(row)
    return pd.DataFrame(rows).sort_values("region_kod").reset_index(drop=True)


def source_line(lang: str) -> str:
    """ "Källa: SCB, graviditetsregistret, 2011, 2019, 2020, 2021": the source and years, always shown with the figures."""
    years = ", ".join(str(y) for y in YEARS)
    return i18n.t("risk_maternity_source", lang, source=SOURCE, years=years)
