"""The Region column reads region names as people write them (issue 18.9), through ``places.region_from_name``."""

from __future__ import annotations

import pytest

from dashboard.ingest.importer import read_survey


def _file(region: str) -> bytes:
    return f"Enhetstyp;Kommunkod;Enhet;Region;V1\nVårdcentral;1480;VC Göteborg;{region};Ja\n".encode()


@pytest.mark.parametrize("region", ["Region Västra Götaland", "VGR", "Västra Götalandsregionen", "Västra Götaland"])
def test_the_region_column_accepts_them(region: str) -> None:
    result = read_survey(_file(region), filename="f.csv")
    assert result.error is None and result.accepted == 1, [r.reason() for r in result.rejected]


def test_an_ambiguous_region_is_rejected_with_candidates() -> None:
    result = read_survey(_file("Götaland"), filename="f.csv")
    assert result.accepted == 0
    [rej] = result.rejected
    assert rej.column == "Region" and "Tvetydig region" in rej.reason() and "Västra Götalandsregionen" in rej.reason()
    assert "Ambiguous region" in rej.reason("en")


def test_a_region_that_does_not_match_the_municipality_is_still_rejected() -> None:
    result = read_survey(_file("Region Skåne"), filename="f.csv")
    assert result.accepted == 0 and "stämmer inte med kommunkoden 1480" in result.rejected[0].reason()
