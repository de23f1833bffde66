"""Region names as people write them (issue 18.9): accepted with the same care as municipality names."""

from __future__ import annotations

import pytest

from dashboard.domain import places


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Region Västra Götaland", "14"),
        ("Västra Götalandsregionen", "14"),
        ("VGR", "14"),
        ("Västra Götalands län", "14"),
        ("Region Skåne", "12"),
        ("Skåne", "12"),
        ("Stockholms läns region", "01"),
        ("SLL", "01"),
        ("Stockholms läns landsting", "01"),
        ("Region Jämtland Härjedalen", "23"),
        ("Jämtland", "23"),
        ("Jämtlands län", "23"),
        ("Gotland", "09"),
        ("Region Gotland", "09"),
        ("Landstinget Dalarna", "20"),
        ("Norrbottens läns landsting", "25"),
        ("Södermanland", "04"),
        ("Region Jönköpings län", "06"),
        ("Jönköping", "06"),
        ("  region  ÖREBRO län ", "18"),
        ("14", "14"),
        ("1", "01"),
        ("14.0", "14"),
        ("Region Stokholm", "01"),  # a typo above the cut-off
    ],
)
def test_region_names_as_people_write_them(written: str, code: str) -> None:
    assert places.region_from_name(written).code == code


@pytest.mark.parametrize(("written", "near"), [("Götaland", "Västra Götalandsregionen"),
                                               ("Västra", "Västra Götalandsregionen"),
                                               ("Narnia", None), ("", None)])
def test_unknown_or_ambiguous_regions_are_not_guessed(written: str, near: str | None) -> None:
    match = places.region_from_name(written)
    assert match.code is None
    if near:
        assert near in match.candidates and len(match.candidates) >= 2
