"""One record per geographic level (region, kommun): which columns name and code an area, which
page opens it, which geometry draws it, and the level above. Views, maps, geometry and the risk
score look a level up here instead of branching on its name."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Level:
    key: str  # "region" | "kommun": also the geometry file (geo/<key>.geojson) and the URL field
    code: str  # code column ("region_kod", "kommun_kod"), also the GeoJSON property
    name: str  # name column ("region", "kommun")
    page: str  # page key in links.PAGES that shows one area of this level
    plural_key: str  # i18n key of the plural ("regions_heading", "kommuner")
    parent: str | None  # the level above, if any

    def filter_change(self, code: str) -> dict[str, str]:
        """The filter change that opens one area of this level (``Filters.with_(**...)``)."""
        return {self.key: code}


REGION = Level("region", "region_kod", "region", "region", "regions_heading", None)
KOMMUN = Level("kommun", "kommun_kod", "kommun", "kommun", "kommuner", "region")
LEVELS: dict[str, Level] = {level.key: level for level in (REGION, KOMMUN)}
CODE_FIELD: dict[str, str] = {key: level.code for key, level in LEVELS.items()}
NAME_FIELD: dict[str, str] = {key: level.name for key, level in LEVELS.items()}


def level(key: str) -> Level:
    """The record for "region" or "kommun" (ValueError for anything else)."""
    try:
        return LEVELS[key]
    except KeyError:
        raise ValueError(f"unknown level {key!r}") from None
