"""The static edition (``tillsyn publish``): the same figures as the app on every page and in the open
data, Exempeldata on every page of example data, byte-identical rebuilds, a manifest that proves
every file, and a data package that validates."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil

import pandas as pd
import pytest
from publish_site import doc, example_site, pages, text

from dashboard import cli, i18n
from dashboard.domain import reference
from dashboard.export import publish
from dashboard.export.publish import manifest, paths
from dashboard.figures import aggregate, filters
from dashboard.storage import datasets


@pytest.fixture(scope="module")
def site():
    return example_site()


@pytest.fixture(scope="module")
def status():
    units, answers = datasets.load(None)
    return aggregate.unit_status(units, answers)


def _cards(page) -> dict[str, dict]:
    """The headline figures of a page: unit type -> its data attributes and its text."""
    out = {}
    for el in doc(page).xpath("//div[@class='figures']"):
        out[el.get("data-unit-type")] = {"n": int(el.get("data-n")), "k": int(el.get("data-k")),
                                         "n_units": int(el.get("data-n-units")), "n_none": int(el.get("data-n-none")),
                                         "text": text(el)}
    return out


def _expected_words(row: pd.Series, lang: str) -> list[str]:
    """What the page must say for an ``aggregate`` row: the count with its n, and the share only
    when enough units responded."""
    k, n, units = int(row["n_not_all"]), int(row["n_responded"]), int(row["n_units"])
    fmt = i18n.fmt_int
    said = [i18n.t("count_of", lang, k=fmt(k, lang), n=fmt(n, lang)).replace("\u00a0", " "),
            f"{fmt(int(row['n_none']), lang)} {i18n.t('headline_none', lang)}".replace("\u00a0", " ")]
    if not aggregate.too_few(n):
        said.append(i18n.fmt_pct(row["share_not_all"], lang).replace("\u00a0", " "))
        said.append(i18n.t("responded_of", lang, k=fmt(n, lang), n=fmt(units, lang),
                           p=i18n.fmt_pct(row["response_rate"], lang)).replace("\u00a0", " "))
    return said


def _check_cards(page, figures: pd.DataFrame, lang: str) -> None:
    cards = _cards(page)
    figures = figures.set_index("unit_type")
    for unit_type, row in figures.iterrows():
        if not int(row["n_units"]):
            assert unit_type not in cards, (page, unit_type)
            continue
        card = cards[unit_type]
        got = (card["k"], card["n"], card["n_units"], card["n_none"])
        assert got == (row["n_not_all"], row["n_responded"], row["n_units"], row["n_none"]), (page, unit_type)
        for words in _expected_words(row, lang):
            assert words in card["text"], (page, unit_type, words, card["text"])
    assert set(cards) <= set(figures.index), page


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_every_region_and_municipality_shows_the_apps_headline_figures(site, status, lang):
    """Each page's figures equal ``aggregate.national`` of the units in scope: the app's headline
    (``cache.scope_figures``), for the country, all 21 regions and all 290 municipalities."""
    _check_cards(site / paths.country(lang), aggregate.national(status), lang)
    for code in reference.regions()["region_kod"]:
        _check_cards(site / paths.region(lang, code), aggregate.national(filters.in_scope(status, None, code)), lang)
    for code in reference.municipalities()["kommun_kod"]:
        _check_cards(site / paths.kommun(lang, code), aggregate.national(filters.in_scope(status, None, "", code)),
                     lang)


def _csv(site, name: str) -> pd.DataFrame:
    return pd.read_csv(site / "data" / f"{name}.csv", dtype={"region_kod": str, "kommun_kod": str,
                                                                "area_code": str, "round": str})


COUNTS = ["n_units", "n_responded", "n_not_all", "n_none", "n_follows_all"]


def test_open_data_has_the_apps_figures_for_every_region_and_municipality(site, status):
    regions = _csv(site, "regions")
    kommuner = _csv(site, "municipalities")
    for unit_type in ("vardcentral", "socialnamnd"):
        want = aggregate.by_region(status, unit_type).set_index("region_kod")
        got = regions[regions["unit_type"] == unit_type].set_index("region_kod").loc[want.index]
        assert (got[COUNTS].to_numpy() == want[COUNTS].to_numpy()).all()
        big = want["n_responded"] >= aggregate.SMALL_N
        assert ((got.loc[big, "share_not_all"] - want.loc[big, "share_not_all"]).abs() < 1e-6).all()
        want = aggregate.by_kommun(status, unit_type).set_index("kommun_kod")
        got = kommuner[kommuner["unit_type"] == unit_type].set_index("kommun_kod").loc[want.index]
        assert len(got) == 290 and (got[COUNTS].to_numpy() == want[COUNTS].to_numpy()).all()
        big = want["n_responded"] >= aggregate.SMALL_N
        assert ((got.loc[big, "share_not_all"] - want.loc[big, "share_not_all"]).abs() < 1e-6).all()


def test_regions_equal_tillsyn_summary_json(site, capsys):
    """The site's regions (pages and data) say what ``tillsyn summary --json`` says."""
    assert cli.main(["summary", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    regions = _csv(site, "regions").set_index(["unit_type", "region_kod"])
    for unit_type, rows in summary["regions"].items():
        for r in rows:
            got = regions.loc[(unit_type, r["region_kod"])]
            assert [int(got[c]) for c in ("n_units", "n_responded", "n_not_all", "n_none")] == \
                [r["n_units"], r["n_responded"], r["n_not_all"], r["n_none"]]
            card = _cards(site / paths.region("sv", r["region_kod"])).get(unit_type)
            if r["n_units"]:
                assert (card["k"], card["n"], card["n_units"]) == (r["n_not_all"], r["n_responded"], r["n_units"])
    nat = {r["unit_type"]: r for r in summary["national"]}
    for unit_type, card in _cards(site / "index.html").items():
        assert (card["k"], card["n"]) == (nat[unit_type]["n_not_all"], nat[unit_type]["n_responded"])


def test_provisions_equal_by_provision(site):
    units, answers = datasets.load(None)
    prov = _csv(site, "provisions")
    for level, code, kw in (("country", "SE", {}), ("region", "18", {"region_kod": "18"}),
                            ("kommun", "2380", {"kommun_kod": "2380"}), ("kommun", "0180", {"kommun_kod": "0180"})):
        for unit_type in ("vardcentral", "socialnamnd"):
            want = aggregate.by_provision(units, answers, unit_type, **kw).set_index("provision_id")
            got = prov[(prov["level"] == level) & (prov["area_code"] == code) & (prov["unit_type"] == unit_type)]
            got = got.set_index("provision_id").loc[want.index]
            cols = ["n_ja", "n_nej", "n_vet_ej", "n_saknas", "n"]
            assert (got[cols].to_numpy() == want[cols].to_numpy()).all(), (level, code, unit_type)


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_every_page_of_example_data_says_so(site, lang):
    badge = i18n.t("example_badge", lang)
    notice = " ".join(i18n.t("example_notice", lang).split())
    seen = 0
    for page in pages(site / ("" if lang == "sv" else "en")):
        if lang == "sv" and page.relative_to(site).parts[0] == "en":
            continue
        root = doc(page)
        assert root.get("lang") == lang, page
        banner = root.xpath("//div[@class='example']")
        assert banner and badge in text(banner[0]) and notice in text(banner[0]), page
        assert badge in text(root.xpath("//footer")[0]), page
        seen += 1
    assert seen == 1 + 21 + 290 + 1


def test_data_package_validates_and_says_example_data(site):
    from frictionless import validate

    report = validate(str(site / "data" / "datapackage.json"))
    assert report.valid, report.flatten(["taskNumber", "type", "note"])[:5]
    descriptor = json.loads((site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    names = {r["name"] for r in descriptor["resources"]}
    assert {f"{t}-{f}" for t in ("country", "regions", "municipalities", "provisions") for f in ("csv", "json")} == names
    assert descriptor["x-synthetic"] is True and "Exempeldata" in descriptor["description"]
    for r in descriptor["resources"]:
        assert all(f["description"] and f["x-en"]["description"] for f in r["schema"]["fields"]), r["name"]


def test_a_changed_data_file_fails_the_data_package(site, tmp_path):
    from frictionless import validate

    data = tmp_path / "data"
    shutil.copytree(site / "data", data)
    rows = (data / "regions.csv").read_text(encoding="utf-8").replace(",265,265,98,", ",265,265,97,", 1)
    (data / "regions.csv").write_text(rows, encoding="utf-8")
    assert not validate(str(data / "datapackage.json")).valid


def test_csv_and_json_hold_the_same_rows(site):
    for name in ("country", "regions", "municipalities", "provisions"):
        rows = list(csv.DictReader(io.StringIO((site / "data" / f"{name}.csv").read_text(encoding="utf-8"))))
        records = json.loads((site / "data" / f"{name}.json").read_text(encoding="utf-8"))
        assert len(rows) == len(records) and rows[0].keys() == records[0].keys(), name
        assert not (site / "data" / f"{name}.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # no BOM for machines


def test_manifest_lists_every_file_with_its_hash(site):
    listing = json.loads((site / manifest.NAME).read_text(encoding="utf-8"))
    files = {f["path"]: f for f in listing["files"]}
    assert set(files) == set(manifest.present(site)) - {manifest.NAME}
    for path, entry in files.items():
        data = (site / path).read_bytes()
        assert entry["bytes"] == len(data) and entry["sha256"] == hashlib.sha256(data).hexdigest(), path
    assert listing["round"] == "2023" and listing["synthetic"] is True and listing["units"] is False
    assert manifest.check(site) == []


def test_check_finds_a_changed_a_missing_and_an_extra_file(site, tmp_path, capsys):
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    (copy / "region" / "01.html").write_bytes(b"<html>changed</html>")
    (copy / "data" / "regions.json").unlink()
    (copy / "extra.txt").write_text("x", encoding="utf-8")
    assert sorted(manifest.check(copy)) == [("data/regions.json", "missing"), ("extra.txt", "unlisted"),
                                            ("region/01.html", "changed")]
    assert cli.main(["publish", "--out", str(copy), "--check"]) == 1
    assert "region/01.html" in capsys.readouterr().err
    assert cli.main(["publish", "--out", str(site), "--check"]) == 0


def test_the_same_round_gives_byte_identical_files(site, tmp_path):
    again = tmp_path / "again"
    publish.build(again)
    first, second = manifest.present(site), manifest.present(again)
    assert first == second
    different = [p for p in first if (site / p).read_bytes() != (again / p).read_bytes()]
    assert not different, different[:5]


def test_an_earlier_edition_is_replaced_and_a_foreign_folder_refused(tmp_path):
    out = tmp_path / "site"
    files = {"index.html": b"old", "data/units.csv": b"a unit-level file from an earlier --units build"}
    files[manifest.NAME] = manifest.build(files, {})
    publish.site.write(out, files)
    publish.site.write(out, {"index.html": b"new"})
    assert manifest.present(out) == ["index.html"] and (out / "index.html").read_bytes() == b"new"
    foreign = tmp_path / "home"
    foreign.mkdir()
    (foreign / "thesis.docx").write_bytes(b"precious")
    with pytest.raises(publish.PublishError, match="thesis.docx"):
        publish.site.write(foreign, {"index.html": b"x"})
    assert (foreign / "thesis.docx").read_bytes() == b"precious" and not (foreign / "index.html").exists()


def test_cli_unknown_round_and_foreign_folder_exit_2(tmp_path, capsys):
    assert cli.main(["publish", "--out", str(tmp_path / "x"), "--round", "1850"]) == 2
    assert "1850" in capsys.readouterr().err
    (tmp_path / "y").mkdir()
    (tmp_path / "y" / "notes.txt").write_text("mine", encoding="utf-8")
    assert cli.main(["publish", "--out", str(tmp_path / "y")]) == 2
    assert "notes.txt" in capsys.readouterr().err


def test_words_built_at_run_time_exist():
    """Column, table and check words are looked up by name (``pub_dc_<column>``): each must exist."""
    from dashboard.export.publish import opendata

    for table in opendata.TABLES:
        assert f"pub_dt_{table.name}" in i18n.STRINGS and f"pub_dtd_{table.name}" in i18n.STRINGS
        for col in table.columns:
            assert f"pub_dc_{col.name}" in i18n.STRINGS and f"pub_dd_{col.name}" in i18n.STRINGS, col.name
    for kind in manifest.PROBLEMS:
        assert f"pub_check_{kind}" in i18n.STRINGS


def test_every_link_is_relative_and_leads_to_a_file_of_the_site(site):
    """Self-contained: no page names another host or an absolute path (the site works under any
    path), and every link and loaded file is in the edition."""
    import posixpath
    import urllib.parse

    problems = []
    for page in pages(site):
        rel = page.relative_to(site).as_posix()
        for _, attr, link, _ in doc(page).iterlinks():
            if attr not in ("href", "src") or link.startswith("#"):
                continue
            if urllib.parse.urlsplit(link).scheme or link.startswith(("/", "//")):
                problems.append((rel, link))
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), link.split("#")[0]))
            if not (site / target).is_file():
                problems.append((rel, link))
    assert not problems, problems[:10]


def test_headings_in_order_and_tables_with_captions_and_header_cells(site):
    """One h1, no heading level skipped; every table has a caption, column headers and row headers."""
    for page in pages(site):
        root = doc(page)
        levels = [int(h.tag[1]) for h in root.iter("h1", "h2", "h3", "h4", "h5", "h6")]
        assert levels[0] == 1 and levels.count(1) == 1, page
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), (page, levels)
        for table in root.iter("table"):
            assert table.xpath("./caption") and text(table.xpath("./caption")[0]), page
            assert table.xpath("./thead/tr/th[@scope='col']"), page
            assert all(row.xpath("./th[@scope='row']") for row in table.xpath("./tbody/tr")), page
