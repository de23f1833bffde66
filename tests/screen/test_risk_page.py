"""AppTest of the risk page: it renders, ranks, follows the weights in the URL, writes changed
weights back to the URL, and shows the real maternity-care figures as they are published."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import ROOT
from figures.test_risk import expected_maternity  # tests/ is on the path (pyproject)
from streamlit.testing.v1 import AppTest

from dashboard.domain import reference
from dashboard.figures import risk
from dashboard.screen.risk_view import LIST_ROWS


def run(tabs: dict[str, str] | None = None, **params: str) -> AppTest:
    """The risk page for a URL; ``tabs`` opens tabs (their key -> label), as a click on one would."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = v
    for key, label in (tabs or {}).items():
        at.session_state[key] = label
    at.switch_page("pages/risk.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_tab(at: AppTest, key: str, label: str) -> AppTest:
    at.session_state[key] = label
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table(at: AppTest, key: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if getattr(d, "key", None) == key)


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    return "\n".join([t.value for t in at.title] + parts)


@pytest.fixture(scope="module")
def expected_order(example):
    """Health centres ranked by the pure functions, with the weights the URL tests use."""
    units, answers, _ = example
    ft = risk.factor_table(units, answers)
    vc = ft[ft["unit_type"] == "vardcentral"]
    return {w: risk.rank_units(risk.scores(vc, risk.decode_weights(w))) for w in ("", "V1:5,none:0")}


def test_renders_and_ranks(expected_order):
    at = run()
    assert [t.value for t in at.title] == ["Riskbild"]
    body = texts(at)
    assert "Exempeldata" in body and "Dataskydd" in body and "inte personer" in body
    assert "ingen tidigare omgång" in body  # the only round: nobody can be worse
    assert [t.label for t in at.tabs] == ["Vårdcentraler", "Enheter", "Kommuner", "Regioner", "Socialnämnder"]
    units = table(at, "risk_units_table_vardcentral")
    expected = expected_order[""]
    assert len(units) == LIST_ROWS  # the top of the list; the whole list one click away
    assert units["Enhets-id"].tolist() == expected["unit_id"].head(LIST_ROWS).tolist()
    assert units["Poäng"].iloc[0] == expected["score"].max() == 9
    at.toggle(key="risk_all_vardcentral").set_value(True).run()
    units = table(at, "risk_units_table_vardcentral")
    assert len(units) == 1136 and units["Enhets-id"].tolist() == expected["unit_id"].tolist()
    open_tab(at, "risk_tab_type", "Socialnämnder")
    assert at.toggle(key="risk_all_socialnamnd").value is False
    assert len(table(at, "risk_units_table_socialnamnd")) == LIST_ROWS
    at.toggle(key="risk_all_socialnamnd").set_value(True).run()
    assert len(table(at, "risk_units_table_socialnamnd")) == 290
    assert {s.key for s in at.slider} >= {"risk_w_V1", "risk_w_S1", "risk_w_none", "risk_w_noanswer", "risk_w_worse"}
    assert all(s.value == risk.default_weights()[s.key.removeprefix("risk_w_")] for s in at.slider)


def test_only_the_open_tab_is_drawn_and_sent():
    """Six lists of which a person sees one: only the open tab runs, so a page open sends one list."""
    at = run()
    keys = {d.key for d in at.dataframe if getattr(d, "key", None)}
    assert keys == {"risk_units_table_vardcentral"}  # the maternity table has no key
    open_tab(at, "risk_tab_level_vardcentral", "Kommuner")
    assert {d.key for d in at.dataframe if getattr(d, "key", None)} == {"risk_kommun_table_vardcentral"}


def test_weights_from_the_url_apply(expected_order):
    at = run(w="V1:5,none:0", typ="vardcentral")
    at.toggle(key="risk_all_vardcentral").set_value(True).run()
    assert at.slider(key="risk_w_V1").value == 5 and at.slider(key="risk_w_none").value == 0
    assert at.slider(key="risk_w_V2").value == 1
    units = table(at, "risk_units_table_vardcentral")
    expected = expected_order["V1:5,none:0"]
    assert units["Enhets-id"].tolist() == expected["unit_id"].tolist()
    assert units["Poäng"].iloc[0] == 5 + 6  # V1 at 5 and the six other rules at 1, "none" at 0
    assert (units["Följer ingen regel eller vet inte (bidrag)"] == 0).all()
    assert "V1:5,none:0" in texts(at)
    assert not [s for s in at.slider if s.key.startswith("risk_w_S")]  # only health centres' rules


def test_invalid_weights_fall_back_to_defaults(expected_order):
    at = run(w="V1:lots,XX:3,none:99")
    assert at.slider(key="risk_w_V1").value == 1 and at.slider(key="risk_w_none").value == 2
    assert (table(at, "risk_units_table_vardcentral")["Enhets-id"].tolist()
            == expected_order[""]["unit_id"].head(LIST_ROWS).tolist())


def test_slider_writes_the_url_and_reset_clears_it():
    at = run(w="V1:5")
    at.slider(key="risk_w_V4").set_value(3.5).run()
    assert not at.exception
    assert at.query_params["w"] == "V1:5,V4:3.5"
    assert at.slider(key="risk_w_V4").value == 3.5 and at.slider(key="risk_w_V1").value == 5
    at.button(key="risk_reset").click().run()
    assert not at.exception
    assert "w" not in at.query_params
    assert at.slider(key="risk_w_V1").value == 1 and at.slider(key="risk_w_V4").value == 1


def test_areas_small_n_and_english():
    at = run({"risk_tab_level_socialnamnd": "Municipalities"}, lang="en", typ="socialnamnd", region="18")
    assert [t.value for t in at.title] == ["Risk view"]
    kommuner = table(at, "risk_kommun_table_socialnamnd")
    assert len(kommuner) == 12  # Örebro län's municipalities, one committee each
    assert kommuner["n"].eq(1).all() and kommuner["n < 5"].all() and kommuner["Rank"].isna().all()
    assert "fewer than 5 units are not ranked" in texts(at)
    open_tab(at, "risk_tab_level_socialnamnd", "Regions")
    regions = table(at, "risk_region_table_socialnamnd")
    assert len(regions) == 21
    ranked = regions[regions["Rank"].notna()]
    assert (ranked["n"] >= 5).all()
    assert regions.index[regions["Rank"].isna()].min() > ranked.index.max()
    assert "fewer than 5 units are not ranked" in texts(at)


def test_maternity_figures_shown_equal_the_reference():
    at = run({"risk_tab_level_vardcentral": "Regioner"})
    ref = expected_maternity()
    shown = at.dataframe[-1].value.set_index("Region")
    names = {official: short for official, short in reference.REGIONS.values()}
    got = {names.get(region, region): tuple(int(v) for v in row) for region, row in shown.iterrows()}
    assert got == {("Riket" if k == "Whole country" else k): v for k, v in ref.items()}
    assert list(shown.columns) == ["2011 (%)", "2019 (%)", "2020 (%)", "2021 (%)"]
    body = texts(at)
    assert "Källa: SCB, graviditetsregistret, 2011, 2019, 2020, 2021" in body
    assert "verklig offentlig statistik" in body and "ingår inte i poängen" in body
    regions = table(at, "risk_region_table_vardcentral")
    col = next(c for c in regions.columns if c.startswith("Mödrahälsovård"))
    assert "2021" in col and "SCB, graviditetsregistret" in col
    by_name = dict(zip(regions["Region"], regions[col], strict=True))
    assert all(by_name[official] == ref[short][-1] for official, short in reference.REGIONS.values())


def test_lists_use_the_common_download_row():
    """Each list has the row every chart has (images, CSV, Excel), keyed by unit type and level."""
    at = run(typ="vardcentral")
    for tab in ("Enheter", "Kommuner", "Regioner"):
        open_tab(at, "risk_tab_level_vardcentral", tab)
        labels = [e.proto.label for e in at.get("download_button")]
        assert labels == ["PNG", "PNG 2×", "SVG", "CSV", "Excel"], tab


def _display_texts(at: AppTest, key: str | int) -> pd.DataFrame:
    """What the browser shows in a table's cells: the Styler's display texts (none without one).
    ``key``: a selectable table's key, or a position (a table without selection carries no key)."""
    import pyarrow as pa

    el = at.dataframe[key] if isinstance(key, int) else next(d for d in at.dataframe if getattr(d, "key", None) == key)
    assert el.proto.arrow_data.styler.display_values, f"{key}: numbers sent without their display texts"
    return pa.ipc.open_stream(el.proto.arrow_data.styler.display_values).read_all().to_pandas()


@pytest.mark.parametrize("lang, comma", [("sv", True), ("en", False)])
def test_risk_tables_write_numbers_as_the_language_does(lang: str, comma: bool):
    """Issue 18.6: Swedish tables show a decimal comma, as the captions do; sorted as numbers underneath."""
    tab = {"sv": "Regioner", "en": "Regions"}[lang]
    at = run({"risk_tab_level_vardcentral": tab}, lang=lang, typ="vardcentral")
    for key in ("risk_region_table_vardcentral",):
        data, shown = table(at, key), _display_texts(at, key)
        fractional = [c for c in data.columns if pd.api.types.is_float_dtype(data[c])
                      and ((data[c].dropna() % 1) != 0).any()]
        assert fractional, list(data.columns)
        for col in fractional:
            texts_ = shown[col][data[col].notna()].astype(str)
            assert texts_.str.contains(",").all() == comma and texts_.str.contains(r"\.").any() != comma, (col, texts_)
    maternity = _display_texts(at, -1)  # SCB's whole-percent shares by region and year, and the country
    assert maternity.shape[0] == 22 and maternity["2021 (%)"].astype(str).str.fullmatch(r"\d+").all()
