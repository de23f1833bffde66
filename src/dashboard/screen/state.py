"""Query params <-> filters, and breadcrumbs.

The URL is the single source of truth for what a view shows: every filter and the
drilled-down selection live in the query string, so a copied URL reproduces the view in a
fresh browser. Values that do not exist (a mistyped code) fall back to the default
rather than failing. Pure logic, no Streamlit here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from dashboard.domain import provisions, reference

UNIT_TYPE_CHOICES = ("alla", "vardcentral", "socialnamnd")
ANSWER_CHOICES = ("", "ja", "nej", "vet_ej", "saknas")
LEVELS = ("region", "kommun")
VIEWS = ("", "forandring", "per10000")


@dataclass(frozen=True)
class Filters:
    """Everything a view depends on. Empty string = not chosen (whole country, all...)."""

    lang: str = "sv"
    round: str = ""
    typ: str = "alla"
    region: str = ""
    kommun: str = ""
    unit: str = ""
    regel: str = ""
    svar: str = ""
    niva: str = "region"
    jamfor: str = ""
    # the map's measure: "" = shares; "forandring" = change since the compare round;
    # "per10000" = health centres per 10 000 inhabitants
    visa: str = ""
    w: str = ""  # risk weights, "V1:2,none:3" (decoded and validated by risk.decode_weights)
    # "1": the national map draws the health centres too (from region level down it always does)
    vc: str = ""

    def to_params(self) -> dict[str, str]:
        """Only what differs from the defaults, so URLs stay short and readable."""
        default = Filters()
        return {k: v for k, v in asdict(self).items() if v != getattr(default, k)}

    def with_(self, **changes: Any) -> Filters:
        """A copy with ``changes``; choosing a region clears a municipality outside it, and so on down."""
        new = replace(self, **changes)
        if "region" in changes and new.kommun and new.kommun[:2] != new.region:
            new = replace(new, kommun="", unit="")
        if "kommun" in changes and new.kommun and not changes.get("region"):
            new = replace(new, region=new.kommun[:2])
        if ("region" in changes or "kommun" in changes) and "unit" not in changes:
            new = replace(new, unit="")
        return new

    @property
    def unit_types(self) -> list[str]:
        return ["vardcentral", "socialnamnd"] if self.typ == "alla" else [self.typ]


def map_mode(f: Filters) -> str:
    """What colours the map's areas: "share" (not following all), "change" (since the compare
    round) or "rate" (health centres per 10 000 inhabitants; not for committees, one per municipality).
    The page, the deck and the static export ask here, so they always draw the same measure."""
    if f.visa == "forandring" and f.jamfor:
        return "change"
    if f.visa == "per10000" and f.typ in ("alla", "vardcentral"):
        return "rate"
    return "share"


def map_points(f: Filters, region: str = "") -> bool:
    """Whether a map draws the health centres. On the whole country 1 136 points cover the
    areas' colours, so there only when asked (``vc=1``); from region level down always. Never
    for committees alone: the points are health centres."""
    return f.typ in ("alla", "vardcentral") and (bool(region) or f.vc == "1")


def _first(params: Any, key: str) -> str:
    value = params.get(key, "")
    if isinstance(value, list | tuple):
        value = value[-1] if value else ""
    return str(value).strip()


def from_params(params: Any, rounds: list[str] | None = None) -> Filters:
    """Read filters from a query-param mapping, keeping only values that exist."""
    kommun_codes = set(reference.municipalities()["kommun_kod"])
    lang = _first(params, "lang")
    f = Filters(
        lang=lang if lang in ("sv", "en") else "sv",
        round=_first(params, "round"),
        typ=_first(params, "typ") if _first(params, "typ") in UNIT_TYPE_CHOICES else "alla",
        region=_first(params, "region") if _first(params, "region") in reference.REGIONS else "",
        kommun=_first(params, "kommun") if _first(params, "kommun") in kommun_codes else "",
        unit=_first(params, "unit"),
        regel=_first(params, "regel") if _first(params, "regel") in provisions.provision_ids() else "",
        svar=_first(params, "svar") if _first(params, "svar") in ANSWER_CHOICES else "",
        niva=_first(params, "niva") if _first(params, "niva") in LEVELS else "region",
        jamfor=_first(params, "jamfor"),
        visa=_first(params, "visa") if _first(params, "visa") in VIEWS else "",
        w=_first(params, "w"),
        vc="1" if _first(params, "vc") == "1" else "",
    )
    if rounds is not None:
        if f.round not in rounds:
            f = replace(f, round="")
        if f.jamfor not in rounds or f.jamfor == f.round:
            # the change needs a compare round; the other measures do not
            f = replace(f, jamfor="", visa="" if f.visa == "forandring" else f.visa)
    if f.kommun and not f.region:
        f = replace(f, region=f.kommun[:2])
    if f.kommun and f.kommun[:2] != f.region:
        f = replace(f, kommun="")
    return f


@dataclass(frozen=True)
class Crumb:
    label: str
    page: str  # "overview" | "region" | "kommun" | "unit"
    filters: Filters


def breadcrumbs(f: Filters, sweden: str, unit_name: str | None = None) -> list[Crumb]:
    """Sverige › Region › Kommun › Enhet, as far as the view is drilled down; each a link."""
    base = replace(f, region="", kommun="", unit="")
    crumbs = [Crumb(sweden, "overview", base)]
    if f.region:
        crumbs.append(Crumb(reference.region_name(f.region), "region", replace(base, region=f.region)))
    if f.kommun:
        crumbs.append(Crumb(reference.kommun_name(f.kommun), "kommun",
                            replace(base, region=f.region, kommun=f.kommun)))
    if f.unit and unit_name:
        crumbs.append(Crumb(unit_name, "unit", f))
    return crumbs
