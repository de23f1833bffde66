"""The map of health centres per 10 000 inhabitants (``visa=per10000``): classes, tooltip, table,
sources, URL and the static export."""

from __future__ import annotations

import math

import pytest
from apptest import deck_layers
from test_pages import run, texts

from dashboard import i18n
from dashboard.domain import geo, reference
from dashboard.figures import population
from dashboard.present import deck, scales
from dashboard.screen import state
from dashboard.screen.state import Filters
from dashboard.screen.views import maps as map_views

NB = "\u00a0"


# --------------------------------------------------------------------------- class breaks


@pytest.mark.parametrize(("rate", "cls"), [
    (0, 0), (0.0, 0), (0.01, 1), (0.79, 1), (0.8, 2), (0.99, 2), (1.0, 3), (1.19, 3), (1.2, 4),
    (1.49, 4), (1.5, 5), (1.99, 5), (2.0, 6), (4.36, 6), (100.0, 6),
])
def test_rate_classes_follow_the_fixed_breaks(rate, cls):
    assert scales.rate_class_of(rate) == cls


def test_no_health_centre_is_a_class_not_no_data():
    assert scales.rate_class_of(0) == 0
    assert scales.rate_colour_for(0) == scales.hex_to_rgba(scales.RATE_HEX[0])
    assert scales.rate_colour_for(0) != scales.hex_to_rgba(scales.NO_DATA_HEX)
    assert scales.rate_class_of(None) is None and scales.rate_class_of(float("nan")) is None
    assert scales.rate_colour_for(None) == scales.hex_to_rgba(scales.NO_DATA_HEX)


def test_a_negative_rate_is_a_bug():
    with pytest.raises(ValueError):
        scales.rate_class_of(-0.1)


def test_rate_legend_has_one_row_per_class_in_words_and_no_data():
    assert len(scales.RATE_HEX) == len(scales.RATE_BREAKS)  # the zero class plus one per interval
    assert scales.rate_labels("sv") == ["0", "över 0, under 0,8", "0,8–1", "1–1,2", "1,2–1,5", "1,5–2", "2 eller fler"]
    assert scales.rate_labels("en") == ["0", "above 0, below 0.8", "0.8–1", "1–1.2", "1.2–1.5", "1.5–2", "2 or more"]
    rows = scales.rate_legend_rows("sv")
    assert [r["hex"] for r in rows] == [*scales.RATE_HEX, scales.NO_DATA_HEX]
    assert rows[-1]["label"] == "Ingen data" and rows[-1]["class"] is None


def test_rate_palette_is_sequential_light_to_dark():
    """One hue, lightness falling class by class: the order reads without telling hues apart."""
    def lightness(hex_colour: str) -> float:
        r, g, b, _ = scales.hex_to_rgba(hex_colour)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    values = [lightness(h) for h in scales.RATE_HEX]
    assert values == sorted(values, reverse=True) and len(set(values)) == len(values)


# --------------------------------------------------------------------------- tooltip and table


def test_tooltip_text_has_the_rate_its_count_and_population():
    assert population.rate_text(13, 160_140, 13 / 160_140 * 10_000, "sv") == \
        f"0,8 per 10{NB}000 (13 vårdcentraler, 160{NB}140 invånare)"
    assert population.rate_text(1, 5_423, 1.844, "sv") == f"1,8 per 10{NB}000 (1 vårdcentral, 5{NB}423 invånare)"
    assert population.rate_text(0, 9_000, 0.0, "en") == "0.0 per 10,000 (0 health centres, 9,000 inhabitants)"


def test_rate_table_counts_every_health_centre_and_zero_where_there_is_none(example):
    status = example[2]
    no_lekeberg = status[~((status["kommun_kod"] == "1814") & (status["unit_type"] == "vardcentral"))]
    table = population.rate_table(no_lekeberg, "kommun", "18").set_index("kommun_kod")
    assert len(table) == len(reference.population().query("region_kod == '18'"))
    assert table.loc["1814", "n_units"] == 0 and table.loc["1814", "per_10000"] == 0.0
    orebro = table.loc["1880"]
    expected = (status[(status["kommun_kod"] == "1880") & (status["unit_type"] == "vardcentral")]).shape[0]
    assert orebro["n_units"] == expected
    assert orebro["per_10000"] == pytest.approx(expected / orebro["befolkning"] * 10_000)
    regions = population.rate_table(status, "region")
    assert len(regions) == 21 and regions["n_units"].sum() == 1136


def test_a_region_the_round_does_not_cover_is_no_data_not_zero(example):
    status = example[2]
    only_jamtland = status[status["kommun_kod"].str[:2] == "23"]
    regions = population.rate_table(only_jamtland, "region").set_index("region_kod")
    assert regions.loc["23", "per_10000"] > 0
    assert math.isnan(regions.loc["01", "per_10000"]) and regions.loc["01", "n_units"] == 0
    values = map_views.rate_area_values(Filters(round="2023"), regions.reset_index(), "region")
    stockholm = next(v for v in values if v["region_kod"] == "01")
    assert stockholm["share"] is None and stockholm["tooltip"].endswith("Ingen data")


def test_the_level_beside_the_breaks_is_the_country_or_says_which_regions(example):
    status = example[2]
    assert population.country_rate_text(status, "sv") == \
        f"Riket: 1,1 per 10{NB}000 (1{NB}136 vårdcentraler, 10{NB}587{NB}710 invånare)"
    jamtland = status[status["kommun_kod"].str[:2] == "23"]
    text = population.country_rate_text(jamtland, "sv")
    assert text.startswith("Den enda region omgången har vårdcentraler i: ") and "Riket" not in text
    two = status[status["kommun_kod"].str[:2].isin(["23", "18"])]
    assert population.country_rate_text(two, "en").startswith("The 2 regions where the round has health centres: ")
    pop = int(reference.population().query("region_kod == '23'")["befolkning"].sum())
    assert f"{i18n.fmt_int(pop, 'sv')} invånare" in text


def test_rate_area_values_and_deck_colours(example):
    table = population.rate_table(example[2], "kommun", "18")
    values = map_views.rate_area_values(Filters(round="2023"), table, "kommun")
    row = table.set_index("kommun_kod").loc["1880"]
    orebro = next(v for v in values if v["kommun_kod"] == "1880")
    assert orebro["tooltip"] == "Örebro\n" + population.rate_text(row["n_units"], row["befolkning"],
                                                                  row["per_10000"], "sv")
    deck_areas = deck.area_features(geo.geojson_dict("kommun", "18"), values, "kommun", scale="rate")
    props = {f["properties"]["code"]: f["properties"] for f in deck_areas["features"]}
    assert props["1880"]["fill"] == scales.rate_colour_for(row["per_10000"])
    assert props["1880"]["share_class"] == scales.rate_class_of(row["per_10000"])


def test_people_table_shows_inhabitants_count_and_rate(example):
    table = population.rate_table(example[2], "region")
    people = population.rate_people_table(table, "sv")
    assert list(people.columns) == ["Region", "Vårdcentraler per 10 000 inv.", "Vårdcentraler", "Invånare"]
    assert people["Vårdcentraler"].sum() == 1136
    assert people["Invånare"].sum() == reference.population()["befolkning"].sum()


# --------------------------------------------------------------------------- URL


def test_the_url_keeps_the_rate_view_without_a_compare_round():
    f = state.from_params({"visa": "per10000"}, rounds=["2023"])
    assert f.visa == "per10000" and state.map_mode(f) == "rate"
    assert f.to_params() == {"visa": "per10000"}
    f = state.from_params({"visa": "per10000", "jamfor": "1999"}, rounds=["2023"])
    assert (f.jamfor, f.visa) == ("", "per10000")
    assert state.from_params({"visa": "per1000"}).visa == ""


def test_committees_are_never_drawn_per_inhabitant():
    assert state.map_mode(Filters(visa="per10000", typ="socialnamnd")) == "share"
    assert state.map_mode(Filters(visa="per10000", typ="vardcentral")) == "rate"
    assert state.map_mode(Filters(visa="forandring")) == "share"  # no compare round
    assert map_views.map_view_options(Filters(typ="socialnamnd")) == [""]
    assert map_views.map_view_options(Filters(jamfor="2022")) == ["", "per10000", "forandring"]


# --------------------------------------------------------------------------- the page


def _deck_areas(at) -> dict[str, dict]:
    return {f["properties"]["code"]: f["properties"] for f in deck_layers(at)["areas"]["features"]}


def test_map_page_shows_the_rate_in_legend_table_tooltip_and_sources(example):
    at = run("karta", visa="per10000", region="18")
    body = texts(at)
    legend = next(m.value for m in at.markdown if "aria-label='legend'" in m.value)
    assert "Vårdcentraler per 10 000 invånare" in legend
    assert all(label in legend for label in scales.rate_labels("sv"))
    assert "Andel inte alla" not in legend
    assert "Invånare: SCB, folkmängd 31 december 2024" in body
    assert i18n.t("pop_example_rate", "sv") in body  # the counts come from the example round
    assert f"Riket: 1,1 per 10{NB}000 (1{NB}136 vårdcentraler" in body
    table = at.dataframe[0].value
    assert "Vårdcentraler per 10 000 inv." in table.columns
    expected = population.rate_table(example[2], "kommun", "18")
    assert table["Vårdcentraler per 10 000 inv."].tolist() == expected["per_10000"].round(2).tolist()
    assert table["Vårdcentraler"].tolist() == expected["n_units"].tolist()
    props = _deck_areas(at)
    orebro = expected.set_index("kommun_kod").loc["1880"]
    assert props["1880"]["tooltip"] == "Örebro\n" + population.rate_text(
        orebro["n_units"], orebro["befolkning"], orebro["per_10000"], "sv")
    assert props["1880"]["fill"] == scales.rate_colour_for(orebro["per_10000"])
    assert next(sb for sb in at.selectbox if sb.label == "Visa på kartan").value == "per10000"


def test_map_page_in_english_by_region():
    at = run("karta", visa="per10000", lang="en")
    legend = next(m.value for m in at.markdown if "aria-label='legend'" in m.value)
    assert "Health centres per 10,000 inhabitants" in legend and "2 or more" in legend
    body = texts(at)
    assert "Inhabitants: Statistics Sweden (SCB), population on 31 December 2024" in body
    assert "Example data" in body
    assert len(at.dataframe[0].value) == 21
    assert all(p["share_class"] is not None for p in _deck_areas(at).values())


def test_the_share_map_is_unchanged_without_the_choice():
    at = run("karta")
    legend = next(m.value for m in at.markdown if "aria-label='legend'" in m.value)
    assert "Andel inte alla" in legend and "per 10 000" not in legend


# --------------------------------------------------------------------------- static export


def test_static_export_draws_the_rate(example):
    from dashboard import export

    item = export.rate_map_item(example[2], "kommun", "alla", "sv", "2023", True, "18", "", ("2023",))
    assert item.kind is export.RATES and item.title == "Vårdcentraler per 10 000 invånare"
    people = item.kind.people(item.table, "sv")
    assert "Vårdcentraler per 10 000 inv." in people.columns and len(people) == len(item.table)
    fig = item.draw()
    words = [t.get_text() for t in fig.texts]
    assert any("Invånare: SCB, folkmängd 31 december 2024" in w and "Exempeldata" in w for w in words)
    assert not any("Källa: IVO" in w for w in words)
    legend = fig.legends[0]
    assert legend.get_title().get_text() == "Vårdcentraler per 10 000 invånare"
    labels = [t.get_text() for t in legend.get_texts()]
    assert labels[: len(scales.RATE_HEX)] == scales.rate_labels("sv")
    table = item.table.set_index("kommun_kod")
    expected = {scales.RATE_HEX[scales.rate_class_of(v)] for v in table["per_10000"]}
    drawn = {_hex(c) for coll in fig.axes[0].collections[:1] for c in coll.get_facecolors()}
    assert drawn == expected


def _hex(rgba) -> str:
    return "#" + "".join(f"{round(float(x) * 255):02x}" for x in rgba[:3])


def test_the_map_page_exports_the_measure_it_shows():
    """The page's PNG/SVG/CSV buttons are the rate map's when the rate is shown, the share map's if not."""
    def keys(at) -> set[str]:
        return {str(getattr(el.proto, "id", "")) for el in at.get("download_button")}

    rate = keys(run("karta", visa="per10000", region="18"))
    share = keys(run("karta", region="18"))
    assert any("karta-kommuner-per10000" in k for k in rate)
    assert not any("karta-kommuner-per10000" in k for k in share)


@pytest.mark.parametrize(("page", "params"), [("region", {"region": "18"}), ("kommun", {"kommun": "1880"})])
def test_the_choice_follows_the_url_to_the_region_and_municipality_maps(page, params):
    """Like the change map, the measure travels in the URL: the region and municipality pages'
    maps draw it too, with the same legend and sources."""
    at = run(page, visa="per10000", **params)
    legends = [m.value for m in at.markdown if "aria-label='legend'" in m.value]
    assert any("Vårdcentraler per 10 000 invånare" in v for v in legends)
    assert "Invånare: SCB, folkmängd 31 december 2024" in texts(at)
