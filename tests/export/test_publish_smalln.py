"""The small-n rule in the static edition: below ``aggregate.SMALL_N`` responding units an area has
counts, but no share, no difference and no rank, on every page (cards, tables, map tooltips) and
in every open-data file; and the unit-level data appears only with ``--units``."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from publish_site import FORMULA_NAME, doc, example_site, import_small_round, pages, text

from dashboard.export import publish
from dashboard.export.publish import smalln
from dashboard.figures import aggregate

PERCENT = re.compile(r"\d\s?%")  # "38 %" (Swedish, no-break space) or "38%" (English)
SHARE_COLUMNS = {"share_not_all", "share_none", "response_rate", "diff_pp", "rank", "share_not_ja"}


def _small_elements_with_a_share(root) -> list[str]:
    """Every element that holds a small area's figures (``data-n`` below SMALL_N) and still shows
    a percentage: a card, a table row, a map area's tooltip."""
    bad = []
    for el in root.xpath("//*[@data-n]"):
        if int(el.get("data-n")) < aggregate.SMALL_N and PERCENT.search(text(el)):
            bad.append(f"<{el.tag}> {text(el)[:120]}")
    return bad


def _map_titles_with_a_share(root) -> list[str]:
    """A map area drawn by its units' status (too few for a share) whose tooltip shows a share."""
    return [text(t) for t in root.xpath("//*[local-name()='path'][starts-with(@class, 'area s-')]/*[local-name()='title']")
            if PERCENT.search(text(t))]


def test_no_page_shows_a_share_for_fewer_than_five_units():
    site = example_site()
    small_seen = 0
    for page in pages(site):
        root = doc(page)
        assert not _small_elements_with_a_share(root), page
        assert not _map_titles_with_a_share(root), page
        small_seen += sum(1 for el in root.xpath("//*[@data-n]") if int(el.get("data-n")) < aggregate.SMALL_N)
    assert small_seen > 1000  # the example round has many small municipalities: the check is not vacuous


def test_a_small_area_shows_its_count_and_says_why_there_is_no_share():
    site = example_site()
    page = doc(site / "kommun" / "2380.html")  # Östersund: one social welfare committee
    card = page.xpath("//div[@class='figures'][@data-unit-type='socialnamnd']")[0]
    assert card.get("data-n") == "1" and "1 av 1" in text(card) and "För få enheter för en andel" in text(card)
    assert "mot riket" not in text(card)  # no difference
    rows = page.xpath("//table[@id='map-table']/tbody/tr")
    assert rows and all("färre än 5 svar" in text(r) for r in rows)


def test_regions_below_five_are_not_ranked():
    site = example_site()
    regions = pd.read_csv(site / "data" / "regions.csv", dtype={"region_kod": str})
    small = regions["n_responded"] < aggregate.SMALL_N
    assert small.any()  # Gotland has one social welfare committee
    assert regions.loc[small, "rank"].isna().all() and regions.loc[~small, "rank"].notna().all()
    gotland = doc(site / "region" / "09.html").xpath("//div[@class='figures'][@data-unit-type='socialnamnd']")[0]
    assert "Rangordnas inte" in text(gotland)


def test_no_data_file_gives_a_share_for_fewer_than_five_units():
    site = example_site()
    checked = 0
    for name, n_col in (("country", "n_responded"), ("regions", "n_responded"), ("municipalities", "n_responded"),
                        ("provisions", "n")):
        for fmt in ("csv", "json"):
            path = site / "data" / f"{name}.{fmt}"
            df = pd.read_csv(path) if fmt == "csv" else pd.DataFrame(json.loads(path.read_text(encoding="utf-8")))
            small = df[n_col] < aggregate.SMALL_N
            for col in SHARE_COLUMNS & set(df.columns):
                assert df.loc[small, col].isna().all(), (path.name, col)
            assert (df["small_n"] == small).all(), path.name
            checked += int(small.sum())
    assert checked > 1000


def test_masked_leaves_counts_and_empties_shares():
    df = pd.DataFrame({"n_responded": [4, 5, 0], "n_not_all": [4, 1, 0], "share_not_all": [1.0, 0.2, float("nan")],
                       "diff_pp": [62.0, -18.0, float("nan")], "rank": pd.array([1, 2, None], dtype="Int64"),
                       "country_n_responded": [1136, 1136, 1136]})
    out = smalln.masked(df)
    assert out["n_not_all"].tolist() == [4, 1, 0] and out["small_n"].tolist() == [True, False, True]
    assert out["share_not_all"].isna().tolist() == [True, False, True]
    assert out["diff_pp"].isna().tolist() == [True, False, True] and out["rank"].isna().tolist() == [True, False, True]
    assert smalln.SMALL_N == aggregate.SMALL_N


@pytest.fixture(scope="module")
def small_round(tmp_path_factory):
    """A real (not example) round of five units that asks only V1 and V3 of the health centres."""
    tmp = tmp_path_factory.mktemp("small-round")
    mp = pytest.MonkeyPatch()
    mp.setenv("TILLSYN_DB", str(tmp / "tillsyn.duckdb"))
    name = import_small_round(tmp)
    plain, units = tmp / "plain", tmp / "units"
    publish.build(plain, name)
    publish.build(units, name, units=True)
    yield plain, units
    mp.undo()


def test_a_country_with_fewer_than_five_units_has_no_share_anywhere(small_round):
    plain, _ = small_round
    for page in pages(plain):
        root = doc(page)
        assert not _small_elements_with_a_share(root), page
        if page.name in ("metod.html", "method.html"):
            continue
        assert not PERCENT.search(text(root.xpath("//main")[0])), page  # every area of this round is small
    country = json.loads((plain / "data" / "country.json").read_text(encoding="utf-8"))
    assert all(r["share_not_all"] is None and r["small_n"] for r in country)


def test_a_real_round_is_not_called_example_data(small_round):
    plain, _ = small_round
    for page in (plain / "index.html", plain / "en" / "kommun" / "0180.html"):
        root = doc(page)
        assert not root.xpath("//div[@class='example']") and "Exempeldata" not in text(root) and "Example data" not in text(root)
    assert "IVO" in text(doc(plain / "index.html").xpath("//p[@class='source']")[0])
    manifest = json.loads((plain / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["synthetic"] is False


def test_a_provision_the_round_did_not_ask_is_shown_as_not_asked(small_round):
    plain, _ = small_round
    card = doc(plain / "kommun" / "0180.html").xpath("//section[h3[@id='h-prov-vardcentral']]")[0]
    assert "frågade om 2 av 8 regler" in text(card)
    v2 = [r for r in card.xpath(".//tbody/tr") if text(r).startswith("V2")][0]
    assert "Inte frågad i den här omgången" in text(v2)
    prov = pd.read_csv(plain / "data" / "provisions.csv", dtype={"area_code": str})
    vc = prov[(prov["unit_type"] == "vardcentral") & (prov["level"] == "country")].set_index("provision_id")
    assert vc.loc["V2", "asked"] == False and vc.loc["V2", "n"] == 0  # noqa: E712 - numpy bool
    assert vc.loc["V1", "asked"] == True and vc.loc["V1", "n"] == 3  # noqa: E712


def test_unit_level_data_only_with_units(small_round):
    plain, units = small_round
    assert not (plain / "data" / "units.csv").exists() and not (plain / "data" / "answers.csv").exists()
    everything = b"".join(p.read_bytes() for p in plain.rglob("*") if p.is_file() and p.suffix != ".gz")
    assert "Vårdcentralen City".encode() not in everything and FORMULA_NAME.encode() not in everything

    csv_text = (units / "data" / "units.csv").read_text(encoding="utf-8")
    assert "Vårdcentralen City" in csv_text
    assert "'" + FORMULA_NAME in csv_text  # a formula is never run by a spreadsheet
    assert not any(line.split(",")[3].startswith("=") for line in csv_text.splitlines()[1:])
    page = doc(units / "kommun" / "0180.html")
    assert "Vårdcentralen City" in text(page) and FORMULA_NAME in text(page)  # as text, escaped by the template
    assert b"<script" not in (units / "kommun" / "0180.html").read_bytes().split(b"</main>")[0]
    from frictionless import validate

    assert validate(str(units / "data" / "datapackage.json")).valid
