"""One small-n rule for every output (issue 18, points 5 and 10): no output shows a share, a difference
or a rank for an area with fewer than ``aggregate.SMALL_N`` responding units.

One imported, real round ("2024") with small areas beside big ones: Region Gotland's single committee,
Örebro's two health centres (its municipality and its region), five Stockholm municipalities with one
committee each; Region Uppsala (six health centres) and Region Stockholm (five committees) are big, and
so is the country. The shipped example round ("2023") is the compared and trend round.

Every output is rendered and read by ``small_n_scan``: every page (AppTest) with its tables, metrics,
texts, plotly charts and map decks (the change map too), every table kind for people in CSV and XLSX,
every ``tillsyn export`` kind (``export.KINDS``, i.e. ``export.bundle.KINDS``, so a new kind is read without a change here),
the static map's colours and ``tillsyn summary --json``.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from apptest import ROOT, open_page
from small_n_scan import Scan, small_count, walk

from dashboard import export
from dashboard.figures import aggregate, rounds
from dashboard.ingest import demo, importer
from dashboard.present import scales
from dashboard.present import tables as people
from dashboard.storage import datasets, store

UNIT_TYPES = ("vardcentral", "socialnamnd")

HEADER = ("Omgång;Enhets-id;Enhetstyp;Enhet;Kommunkod;Kommun;Region;Svarat;Latitud;Longitud;Exempeldata;"
          + ";".join(f"S{i}" for i in range(1, 8)) + ";" + ";".join(f"V{i}" for i in range(1, 9)))
VC_NOT_ALL, VC_ALL = ";" * 8 + ";".join(["Nej"] + ["Ja"] * 7), ";" * 8 + ";".join(["Ja"] * 8)
SN_NOT_ALL, SN_ALL = ";" + ";".join(["Nej"] + ["Ja"] * 6) + ";" * 8, ";" + ";".join(["Ja"] * 7) + ";" * 8
PLACES = {"0380": ("Uppsala", "Region Uppsala", 59.86, 17.64), "1880": ("Örebro", "Region Örebro län", 59.27, 15.21),
          "0980": ("Gotland", "Region Gotland", 57.63, 18.29), "0162": ("Danderyd", "Region Stockholm", 59.40, 18.03),
          "0160": ("Täby", "Region Stockholm", 59.44, 18.07), "0184": ("Solna", "Region Stockholm", 59.36, 18.00),
          "0183": ("Sundbyberg", "Region Stockholm", 59.36, 17.97),
          "0186": ("Lidingö", "Region Stockholm", 59.37, 18.13)}
UNITS = ([("Vårdcentral", "0380", i, VC_NOT_ALL if i < 4 else VC_ALL) for i in range(6)]  # 4 of 6: big
         + [("Vårdcentral", "1880", i, VC_NOT_ALL) for i in range(2)]  # 2 of 2: small municipality and region
         + [("Socialnämnd", "0980", 0, SN_NOT_ALL)]  # Region Gotland's one committee: 1 of 1
         + [("Socialnämnd", k, 0, SN_NOT_ALL if k in ("0162", "0160", "0184") else SN_ALL)
            for k in ("0162", "0160", "0184", "0183", "0186")])  # Region Stockholm: 3 of 5, each municipality 1


def round_file() -> bytes:
    lines = [HEADER]
    for typ, kod, i, answers in UNITS:
        kommun, region, lat, lon = PLACES[kod]
        prefix = "VC" if typ == "Vårdcentral" else "SN"
        name = f"{'Vårdcentralen' if prefix == 'VC' else 'Socialnämnden'} {kommun} {i + 1}"
        lines.append(f"2024;{prefix}-{kod}-{i};{typ};{name};{kod};{kommun};{region};Ja;{lat + i / 100};{lon};Nej"
                     + answers)
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture(scope="module")
def small_round(tmp_path_factory):
    """A database holding the real round 2024 (the example round 2023 is always there)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TILLSYN_DB", str(tmp_path_factory.mktemp("smalln") / "small.duckdb"))
        result = importer.read_survey(round_file(), filename="omgang-2024.csv")
        assert result.ok and not result.rejected, (result.error, result.rejected)
        store.Store().save_round(result)
        yield result


# Each page with the views that draw small areas: the country, a small and a big region, a small and a
# big municipality, the map at both levels and as the change map, the rankings, a unit, the risk page.
PAGES = [
    ("oversikt", {}), ("oversikt", {"jamfor": "2023"}), ("oversikt", {"region": "18"}),
    ("oversikt", {"region": "09", "lang": "en"}),
    ("region", {}), ("region", {"region": "18"}), ("region", {"region": "09", "jamfor": "2023"}),
    ("region", {"region": "01", "typ": "socialnamnd"}), ("region", {"region": "03", "jamfor": "2023"}),
    ("kommun", {}), ("kommun", {"kommun": "1880", "region": "18"}),
    ("kommun", {"kommun": "0980", "region": "09", "jamfor": "2023"}), ("kommun", {"kommun": "0162", "region": "01"}),
    ("karta", {}), ("karta", {"niva": "kommun"}), ("karta", {"region": "01"}),
    ("karta", {"jamfor": "2023", "visa": "forandring"}),
    ("karta", {"jamfor": "2023", "visa": "forandring", "niva": "kommun", "typ": "socialnamnd"}),
    ("karta", {"region": "18", "jamfor": "2023", "visa": "forandring", "typ": "vardcentral"}),
    ("jamforelse", {}), ("jamforelse", {"typ": "socialnamnd", "lang": "en"}),
    ("enhet", {"unit": "VC-1880-0", "kommun": "1880", "region": "18", "jamfor": "2023"}),
    ("risk", {}),
]


def read_page(scan: Scan, page: str, params: dict[str, str]) -> None:
    where = f"{page}?{'&'.join(f'{k}={v}' for k, v in params.items())}"
    try:
        at = open_page(page, **params)
    except AssertionError as exc:  # the page raised: a finding of its own, and the other pages still read
        scan.bad(where, f"the page failed: {exc}")
        return
    for el in walk(at._tree):
        kind = getattr(el, "type", "")
        if kind == "dataframe":
            scan.frame(f"{where} table", el.value)
        elif kind == "metric":
            scan.text(f"{where} metric", f"{el.value} {el.proto.delta}")
        elif kind in ("markdown", "caption", "header", "subheader", "title", "info", "warning", "success"):
            scan.text(where, el.value)
        elif kind == "plotly_chart":
            scan.plotly(f"{where} chart", json.loads(el.proto.spec))
        elif kind == "deck_gl_json_chart":
            scan.deck(f"{where} map", el.proto.json, static_file)
        elif kind == "tab":
            scan.text(f"{where} tab", el.label)


def static_file(url: str) -> str:
    """A file the app serves from its static folder ("app/static/maps/….json"), read from the checkout."""
    return (ROOT / url.split("app/", 1)[1]).read_text(encoding="utf-8")


def attempt(scan: Scan, where: str, read: Callable[..., None], *args: Any) -> None:
    """Read one output; one that cannot be made is a finding of its own, and the rest are still read."""
    try:
        read(*args)
    except Exception as exc:  # noqa: BLE001 - reported with the others, not hidden
        scan.bad(where, f"could not be made: {type(exc).__name__}: {exc}")


def read_table_files(scan: Scan, kind: people.TableKind, df: Any, lang: str) -> None:
    """One table kind for people as a CSV and as an XLSX file."""
    about = export.about_for("2024", lang, False)
    scan.csv(f"{kind.name} {lang}.csv", export.table_csv(kind.people(df, lang), about))
    scan.xlsx(f"{kind.name} {lang}.xlsx", export.table_xlsx(kind.people(df, lang), about))


def read_kind(scan: Scan, kind: str, b: export.Bundle, out: Path) -> None:
    """Everything one ``tillsyn export`` kind writes, read by its format."""
    for path in export.write_kind(kind, b, out / kind):
        data, where = path.read_bytes(), f"{kind} {path.name}"
        reader = {".csv": scan.csv, ".xlsx": scan.xlsx, ".pptx": scan.pptx, ".docx": scan.docx,
                  ".svg": scan.svg}.get(path.suffix)
        if reader is not None:
            reader(where, data)
        else:
            assert path.suffix == ".png" and data.startswith(b"\x89PNG"), path  # pixels: the SVG twin is read


def table_kinds(status, units, answers) -> dict[str, object]:
    """An aggregation of the small round for every table kind for people: a new kind fails here
    (KeyError) until the test gives it its input, so it cannot skip the scan."""
    from dashboard.figures import population

    statuses = {demo.ROUND: aggregate.unit_status(*datasets.load(demo.ROUND)), "2024": status}
    tables = {demo.ROUND: datasets.load(demo.ROUND), "2024": (units, answers)}
    by_kind = {
        "regions": [aggregate.by_region(status, u) for u in UNIT_TYPES],
        "kommuner": [aggregate.by_kommun(status, u) for u in UNIT_TYPES],
        "provisions": [aggregate.by_provision(units, answers, u, kommun_kod=k) for u in UNIT_TYPES
                       for k in (None, "1880", "0980")],
        "units": [status],
        "trend": [rounds.trend(statuses, u, r) for u in UNIT_TYPES for r in ("", "18", "09")],
        "provision_trend": [rounds.provision_trend(tables, u, r) for u in UNIT_TYPES for r in ("18", "09")],
        "rates": [population.rate_table(status, level) for level in ("region", "kommun")],
        "as_is": [people.region_table(aggregate.by_region(status, "socialnamnd"), "sv")],
    }
    kinds = [v for v in vars(people).values() if isinstance(v, people.TableKind)]
    return {kind.name: (kind, by_kind[kind.name]) for kind in kinds}


@pytest.mark.needs("chromium")
def test_no_output_shows_a_share_difference_or_rank_of_a_small_area(small_round, tmp_path):
    scan = Scan()
    # the screen: every page, its tables, texts, charts and maps (share and change)
    for page, params in PAGES:
        read_page(scan, page, params)

    units, answers = datasets.load("2024")
    status = aggregate.unit_status(units, answers)
    # every table kind for people, as a file (CSV and XLSX) in both languages
    for name, (kind, frames) in table_kinds(status, units, answers).items():
        for i, df in enumerate(frames):
            for lang in ("sv", "en"):
                attempt(scan, f"{name}[{i}] {lang}", read_table_files, scan, kind, df, lang)
    # the change between rounds as a table and on the map
    for unit_type in UNIT_TYPES:
        change = rounds.with_change(aggregate.by_region(status, unit_type),
                                    aggregate.by_region(aggregate.unit_status(*datasets.load(demo.ROUND)), unit_type),
                                    ["region_kod"])
        scan.frame(f"change table {unit_type}", people.screen_region_table(change, "sv"))
    # every `tillsyn export` kind for the country, a small and a big region, small municipalities
    selections = [("", ""), ("18", ""), ("09", ""), ("03", ""), ("", "1880"), ("", "0980")]
    try:
        for region, kommun in selections:
            b = export.bundle("2024", region, kommun, "sv")
            for kind in export.KINDS:
                if kind == "docx" and not b.region:
                    continue  # a region's letter: refused for the country (tested in test_cli_export)
                if kind == "bilagor" and (region or kommun):
                    continue  # the 21 letters do not depend on the selection
                attempt(scan, f"{kind} {region}{kommun}", read_kind, scan, kind, b, tmp_path / f"{region}-{kommun}")
        attempt(scan, "pptx en", read_kind, scan, "pptx", export.bundle("2024", "09", "", "en"), tmp_path / "en")
    finally:
        export.close_renderer()
    # the static map: a small area in its units' status colour, never a share class
    static_map_colours(scan, status)
    # the static public edition (``tillsyn publish``): every page and the open data
    static_edition(scan, tmp_path / "site")
    # tillsyn summary --json
    from dashboard import cli

    with contextlib.redirect_stdout(io.StringIO()) as out:
        assert cli.main(["summary", "--round", "2024", "--json"]) == 0
    for unit_type, regions in json.loads(out.getvalue())["regions"].items():
        for r in regions:
            if 0 < r["n_responded"] < aggregate.SMALL_N and (r["share_not_all"] is not None or r["rank"] is not None):
                scan.bad("summary --json", f"{unit_type} {r['region']}: {r}")

    kinds = Counter(found.split(":")[0].split("?")[0].split(" ")[0] for found in scan.found)
    assert not scan.found, "\n".join(scan.found[:40]) + f"\n({len(scan.found)} in all: {dict(kinds)})"
    # controls: the scan read every kind of output, the small areas are in it as counts, and the big
    # areas keep their shares (the rule hides what is small, not everything)
    assert scan.seen > 200, scan.seen
    said = "\n".join(scan.texts)
    assert "1 av 1" in said and "2 av 2" in said and "1 of 1" in said
    assert "4 av 6 (67\u00a0%)" in said and "3 av 5 (60\u00a0%)" in said


def static_edition(scan: Scan, out: Path) -> None:
    """Every page of the static edition of the round and its open data (CSV, JSON), when the
    edition is part of the code (``export.publish``)."""
    import importlib.util

    if importlib.util.find_spec("dashboard.export.publish") is None:
        return
    from dashboard.export import publish

    publish.build(out, "2024")
    for path in sorted(out.rglob("*")):
        where = f"site {path.relative_to(out)}"
        if path.suffix == ".html":
            scan.html(where, path.read_bytes())
        elif path.suffix == ".csv":
            scan.csv(where, path.read_bytes(), delimiter=",")
        elif path.suffix == ".json" and path.name not in ("manifest.json", "datapackage.json"):
            rows = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(rows, list) and rows and isinstance(rows[0], dict):
                scan.table(where, list(rows[0]), [list(r.values()) for r in rows])


def static_map_colours(scan: Scan, status) -> None:
    from dashboard.export import render

    table = aggregate.by_region(status, "vardcentral")  # Uppsala 4 of 6, Örebro 2 of 2
    with render.mpl_lock:
        fig = render.map_figure(table, "region", "t", "s", "k", "sv")
    colours = {"#" + "".join(f"{round(c * 255):02x}" for c in rgba[:3])
               for rgba in fig.axes[0].collections[0].get_facecolor()}
    scan.seen += 1
    if scales.hex_for(100) in colours:  # 2 of 2 coloured as 80–100 %
        scan.bad("static map", f"a small region in a share class: {sorted(colours)}")
    if scales.AREA_STATUS_HEX["not_all"] not in colours:
        scan.bad("static map", f"the small region is not drawn by its units' status: {sorted(colours)}")


def test_the_scan_finds_a_share_of_a_small_area():
    """The reader can fail: each form a small area's share took before is found."""
    scan = Scan()
    scan.text("docx", "Andel: 1 av 1 (100 %)")
    scan.text("notes", "I Region Örebro län har 2 av 2 vårdcentraler som svarat, 100 procent, uppgett att …")
    scan.text("tooltip", "Region Gotland\nInte alla: 1 of 1 committees\nSince 2023: +100.0 pp")
    scan.table("csv", ["Region", "Svarat", "Andel inte alla / vet ej (%)", "Skillnad mot riket (p.e.)", "Rang"],
               [["Region Gotland", "1", "100,0", "31,0", "1"]])
    scan.table("csv", ["Kommun", "Region", "Svarat", "Regionen (%)"], [["Gotland", "Region Gotland", "1", "100,0"]])
    scan.deck("deck", json.dumps({"layers": [{"data": {"features": [
        {"properties": {"tooltip": "Gotland\nInte alla: 1 av 1", "share": 100.0}}]}}]}))
    scan.plotly("chart", {"layout": {"yaxis": {"title": {"text": "Andel (%)"}}},
                          "data": [{"x": ["2023", "2024"], "y": [70.0, 100.0], "text": ["200 av 290", "2 av 2"]}]})
    assert len(scan.found) == 8, scan.found
    clean = Scan()
    clean.text("ok", "Riket: 200 av 290 (69\u00a0%); Region Gotland: 1 av 1. 431 av 1\u00a0136 (38\u00a0%); 9 of 1,136 (1%)")
    clean.text("ok", "69 % av socialnämnderna och 38 % av vårdcentralerna, 431 av 1 136, följer inte alla regler")
    clean.table("ok", ["Region", "Svarat", "Andel (%)", "Riket (%)", "Rang"], [["Region Gotland", "1", "", "69,0", ""]])
    assert not clean.found and small_count("2 of 2") and not small_count("20 av 27")
