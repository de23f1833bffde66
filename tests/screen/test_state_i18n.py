"""URL state and formatting: what makes a view shareable and numbers Swedish."""

from __future__ import annotations

from dashboard import i18n
from dashboard.screen import state


def test_unknown_values_fall_back_to_defaults():
    f = state.from_params({"region": "99", "kommun": "9999", "typ": "x", "lang": "de", "regel": "Z1"})
    assert f == state.Filters()


def test_kommun_implies_its_region_and_mismatch_is_dropped():
    assert state.from_params({"kommun": "2380"}).region == "23"
    assert state.from_params({"kommun": "2380", "region": "18"}).kommun == ""


def test_to_params_round_trip_and_only_non_defaults():
    f = state.Filters(lang="en", region="18", kommun="1880", unit="VC-1880-001", typ="vardcentral")
    params = f.to_params()
    assert "niva" not in params and params["region"] == "18"
    assert state.from_params(params) == f


def test_choosing_a_region_clears_a_municipality_outside_it():
    f = state.Filters(region="23", kommun="2380", unit="x")
    assert f.with_(region="18") == state.Filters(region="18")
    assert f.with_(kommun="2321").region == "23" and f.with_(kommun="2321").unit == ""


def test_rounds_not_available_are_dropped():
    f = state.from_params({"round": "1999", "jamfor": "2023"}, rounds=["2023"])
    assert f.round == "" and f.jamfor == "2023"


def test_breadcrumbs_follow_the_drill_down():
    f = state.Filters(region="23", kommun="2380", unit="VC-2380-001")
    crumbs = state.breadcrumbs(f, "Sverige", "Frösö hälsocentral")
    assert [c.label for c in crumbs] == ["Sverige", "Region Jämtland Härjedalen", "Östersund", "Frösö hälsocentral"]
    assert [c.page for c in crumbs] == ["overview", "region", "kommun", "unit"]
    assert crumbs[1].filters.kommun == "" and crumbs[2].filters.unit == ""


def test_swedish_and_english_number_formats():
    assert i18n.fmt_int(1136) == "1\u00a0136" and i18n.fmt_int(1136, "en") == "1,136"
    assert i18n.fmt_pct(431 / 1136) == "38\u00a0%" and i18n.fmt_pct(431 / 1136, "en") == "38%"
    assert i18n.fmt_pp(-1.55) == "\u22121,6\u00a0p.e." and i18n.fmt_pp(2.0, "en") == "+2.0 pp"
    assert i18n.fmt_share(20, 27) == "20 av 27 (74\u00a0%)" and i18n.fmt_share(20, 27, "en") == "20 of 27 (74%)"
    assert i18n.fmt_pct(float("nan")) == "–"


def test_every_string_has_both_languages():
    for key, (sv, en) in i18n.STRINGS.items():
        assert sv and en, key


def test_change_view_needs_a_compare_round():
    f = state.from_params({"jamfor": "2023", "visa": "forandring"}, rounds=["2025", "2023"])
    assert (f.jamfor, f.visa) == ("2023", "forandring")
    f = state.from_params({"jamfor": "1999", "visa": "forandring"}, rounds=["2025", "2023"])
    assert (f.jamfor, f.visa) == ("", "")
