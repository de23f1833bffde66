"""Never mislead (issue 12): small numbers are shown as counts, and every view that draws on an
example round says so, also when the selected round is real. AppTests on a temporary database
with one small real round ("2024") beside the shipped example round ("2023")."""

from __future__ import annotations

import pytest
from apptest import open_page
from streamlit.testing.v1 import AppTest

from dashboard import i18n
from dashboard.figures import aggregate, rounds
from dashboard.ingest import importer
from dashboard.storage import datasets, store

NB = "\u00a0"
HEADER = ("Omgång;Enhets-id;Enhetstyp;Enhet;Kommunkod;Kommun;Region;Svarat;Latitud;Longitud;Exempeldata;"
          + ";".join(f"S{i}" for i in range(1, 8)) + ";" + ";".join(f"V{i}" for i in range(1, 9)))
VC_NOT_ALL = ";" + ";".join([""] * 7 + ["Nej"] + ["Ja"] * 7)
SN_ALL = ";" + ";".join(["Ja"] * 7 + [""] * 8)
# A real round (Exempeldata = Nej): Örebro kommun with two health centres, neither following all.
REAL_ROUND = "\n".join([
    HEADER,
    "2024;VC-1880-001;Vårdcentral;Exempel-VC Örebro 1;1880;Örebro;Region Örebro län;Ja;59.38;15.41;Nej" + VC_NOT_ALL,
    "2024;VC-1880-002;Vårdcentral;Exempel-VC Örebro 2;1880;Örebro;Region Örebro län;Ja;59.44;15.31;Nej" + VC_NOT_ALL,
    "2024;SN-1880;Socialnämnd;Socialnämnd Örebro;1880;Örebro;Region Örebro län;Ja;59.34;15.51;Nej" + SN_ALL,
]).encode("utf-8")


@pytest.fixture
def real_round(tmp_path, monkeypatch):
    """A temporary TILLSYN_DB holding the small real round 2024 (the example round 2023 stays)."""
    monkeypatch.setenv("TILLSYN_DB", str(tmp_path / "honest.duckdb"))
    result = importer.read_survey(REAL_ROUND, filename="omgang-2024.csv")
    assert not result.error and not result.rejected, (result.error, result.rejected)
    store.Store().save_round(result)
    return result


def run(page: str, **params: str) -> AppTest:
    return open_page(page, **params)


def body(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    return "\n".join(str(p) for p in parts)


def test_rounds_in_view_names_every_example_round(real_round):
    available = datasets.rounds()
    assert rounds.in_view(available, "2024").examples == ()
    view = rounds.in_view(available, "2024", "2023", "", "2024")
    assert view.rounds == ("2024", "2023") and view.examples == ("2023",) and view.any_synthetic


def test_too_few_is_the_one_small_n_rule():
    assert aggregate.too_few(aggregate.SMALL_N - 1) and not aggregate.too_few(aggregate.SMALL_N)
    assert aggregate.too_few(float("nan"))


def test_a_municipality_with_two_health_centres_shows_the_count_not_a_share(real_round):
    at = run("kommun", kommun="1880", typ="vardcentral")
    metrics = [(m.label, m.value, m.delta) for m in at.metric]
    assert len(metrics) == 1, metrics
    label, value, delta = metrics[0]
    assert value == "2 av 2" and not delta  # no large percentage, no coloured difference
    text = body(at)
    assert i18n.t("too_few_for_share", "sv", n=aggregate.SMALL_N) in text
    assert "2 av 2 har svarat" in text
    assert "100" not in value and "%" not in value
    compared = next(d.value for d in at.dataframe if i18n.t("scope", "sv") in d.value.columns)
    mine = compared.iloc[0].tolist()
    assert "2 av 2" in mine and not any("%" in str(v) for v in mine), mine  # the comparison table too


def test_the_same_municipality_in_english(real_round):
    at = run("kommun", kommun="1880", typ="vardcentral", lang="en")
    assert [m.value for m in at.metric] == ["2 of 2"]
    assert "Too few units for a share" in body(at)


def test_a_real_round_alone_has_no_example_notice(real_round):
    at = run("kommun", kommun="1880")
    assert i18n.t("example_notice", "sv") not in body(at)


def real_notice(round_name: str, examples: str) -> str:
    """The notice on a real round with example rounds in view (issue 18, point 6)."""
    return f"**{i18n.t('example_badge', 'sv')}** · " + i18n.t("example_notice_real", "sv", round=round_name,
                                                               rounds=examples)


def test_a_real_round_compared_with_the_example_round_says_example_data(real_round):
    at = run("kommun", kommun="1880", jamfor="2023")
    text = body(at)
    # the notice names the example round in view and says the selected one is real; it never says
    # of the selected round that its answers are generated
    assert real_notice("2024", "2023") in text
    assert i18n.t("example_notice", "sv") not in text
    assert "Omgång 2024 har verkliga svar" in text
    # The unit-by-unit comparison (matched by name across a real and an example round) says so too.
    assert f"**{i18n.t('example_badge', 'sv')}** · {i18n.t('example_rounds_in_view', 'sv', rounds='2023')}" in text


def test_the_unit_page_labels_a_match_against_the_example_round(real_round):
    at = run("enhet", kommun="1880", unit="VC-1880-001", jamfor="2023")
    assert f"**{i18n.t('example_badge', 'sv')}** · {i18n.t('example_rounds_in_view', 'sv', rounds='2023')}" in body(at)


def test_the_risk_page_labels_its_previous_example_round(real_round):
    at = run("risk")
    assert real_notice("2024", "2023") in body(at)


def test_trends_over_a_real_and_an_example_round_are_labelled(real_round):
    at = run("oversikt")
    text = body(at)
    assert real_notice("2024", "2023") in text and i18n.t("example_notice", "sv") not in text


def test_an_example_round_selected_keeps_the_full_notice(real_round):
    at = run("oversikt", round="2023")
    text = body(at)
    assert f"**{i18n.t('example_badge', 'sv')}** · {i18n.t('example_notice', 'sv')}" in text
    assert i18n.t("example_notice_real", "sv", round="2023", rounds="2023") not in text


def test_area_status_follows_the_units():
    assert aggregate.area_status(0, 0, 0) == "no_answer"
    assert aggregate.area_status(2, 0, 0) == "follows_all"
    assert aggregate.area_status(2, 2, 2) == "follows_none"
    assert aggregate.area_status(2, 1, 0) == "not_all"
    assert aggregate.area_status(2, 2, 1) == "not_all"


def test_the_committee_map_by_municipality_is_drawn_by_status_not_by_share(example):
    """One committee per municipality: 0 % / 100 % would be a yellow/purple map; status colours instead."""
    from dashboard.domain import geo
    from dashboard.present import deck, scales
    from dashboard.screen.state import Filters
    from dashboard.screen.views import maps as map_views

    status = example[2]
    table = aggregate.by_kommun(status, "socialnamnd")
    values = map_views.area_values(Filters(round="2023"), table, "kommun", "socialnamnd")
    assert len(values) == 290 and all(v["share"] is None for v in values)
    assert {v["area_status"] for v in values} <= set(scales.AREA_STATUS_HEX)
    assert all("för få enheter för en andel" in v["tooltip"] for v in values)
    assert map_views.has_small_areas(table, change=False) and not map_views.has_small_areas(table, change=True)
    deck_areas = deck.area_features(geo.geojson_dict("kommun"), values, "kommun")
    by_code = {f["properties"]["code"]: f["properties"] for f in deck_areas["features"]}
    one = values[0]
    assert by_code[one["kommun_kod"]]["fill"] == scales.hex_to_rgba(scales.AREA_STATUS_HEX[one["area_status"]])
    assert by_code[one["kommun_kod"]]["share_class"] is None


def test_regions_with_enough_units_keep_the_share_scale(example):
    from dashboard.screen.state import Filters
    from dashboard.screen.views import maps as map_views

    table = aggregate.by_region(example[2], "vardcentral")
    values = map_views.area_values(Filters(round="2023"), table, "region", "vardcentral")
    assert all("area_status" not in v and v["share"] is not None for v in values)
    assert not map_views.has_small_areas(table, change=False)


def test_chart_sources_say_example_data_when_any_round_in_view_is(real_round):
    from dashboard.screen.state import Filters
    from dashboard.screen.views import scope

    badge = i18n.t("example_badge", "sv")
    assert badge not in scope.source(Filters(round="2024"))
    # a chart of the selected round compares nothing, whatever the page compares: no "Jämförs med"
    assert scope.source(Filters(round="2024", jamfor="2023")) == scope.source(Filters(round="2024"))
    drawn = scope.source(Filters(round="2024"), "2023")  # risk: previous round; trends: all rounds
    assert badge in drawn and "Jämförs med omgång 2023" in drawn


# --------------------------------------------------------------------------- issue 18, points 3 and 6

ONLY_V1 = "\n".join([
    "Omgång;Enhetstyp;Enhet;Kommunkod;Svarat;Exempeldata;" + ";".join(f"S{i}" for i in range(1, 8)) + ";V1",
    "2024;Vårdcentral;Vårdcentralen Örebro 1;1880;Ja;Nej" + ";" * 7 + ";Ja",
    "2024;Vårdcentral;Vårdcentralen Örebro 2;1880;Ja;Nej" + ";" * 7 + ";Nej",
    "2024;Socialnämnd;Socialnämnden Örebro;1880;Ja;Nej;" + ";".join(["Ja"] * 7) + ";",
]).encode("utf-8")


@pytest.fixture
def only_v1_round(tmp_path, monkeypatch):
    """A real round whose survey asked health centres about V1 only (committees about everything)."""
    monkeypatch.setenv("TILLSYN_DB", str(tmp_path / "v1.duckdb"))
    result = importer.read_survey(ONLY_V1, filename="omgang-2024.csv")
    assert result.ok and not result.rejected, (result.error, result.rejected)
    store.Store().save_round(result)
    return result


def test_a_round_that_did_not_ask_every_rule_says_what_its_figures_cover(only_v1_round):
    said = i18n.t("coverage_partial", "sv", k=1, n=7, units="vårdcentraler", ids="V1")
    overview = body(run("oversikt"))
    assert said in overview  # under the headline
    assert said in body(run("region", typ="vardcentral"))  # the region table's caption
    assert said in body(run("karta", niva="kommun", region="18", typ="vardcentral"))  # the table beside the map
    assert said not in body(run("karta", niva="kommun", region="18"))  # committees colour that map: all asked
    assert "socialnämnder (" not in overview  # the committees were asked everything: nothing to say of them


def test_a_round_that_asked_every_rule_says_nothing_extra(real_round):
    assert "frågade bara" not in body(run("oversikt")) and "frågade bara" not in body(run("region"))


def _shown(at: AppTest, i: int = 0):
    """What the browser shows in a table's cells (the Styler's display texts), and its data."""
    import pyarrow as pa

    el = at.dataframe[i]
    shown = pa.ipc.open_stream(el.proto.arrow_data.styler.display_values).read_all().to_pandas()
    return shown, el.value


def test_screen_tables_write_numbers_as_the_language_does_and_sort_them_as_numbers():
    shown, data = _shown(run("region", typ="vardcentral"))
    share = "Andel inte alla / vet ej (%)"
    row = data.index[data["Region"] == "Region Örebro län"][0]
    assert shown.loc[row, share] == "74,1" and data.loc[row, share] == pytest.approx(74.1)  # a number underneath
    assert shown.loc[data.index[data["Region"] == "Region Stockholm"][0], "Svarat"] == "265"
    shown, data = _shown(run("region", typ="vardcentral", lang="en"))
    assert shown.loc[data.index[data["Region"] == "Region Örebro län"][0], "Share not all / don't know (%)"] == "74.1"
