"""Issue 18.11, maps that read right: on the whole country the 1 136 health-centre points would
cover the areas' colours, so they are drawn from region level down, or when asked for (``vc=1``,
kept in the URL); their legend shows the marks the map draws, in both languages."""

from __future__ import annotations

import html
import re

import pytest
from apptest import deck_layers
from test_pages import run, texts

from dashboard import i18n
from dashboard.present import scales

UNIT_LAYERS = {f"units-{s}" for s in scales.STATUS_ORDER}


def _unit_layers(at) -> set[str]:
    return set(deck_layers(at)) & UNIT_LAYERS


def _points_legend(at) -> str | None:
    label = i18n.t("map_points_legend", "sv")
    found = [m.value for m in at.markdown if f"aria-label='{label}'" in m.value
             or f"aria-label='{i18n.t('map_points_legend', 'en')}'" in m.value]
    return found[0] if found else None


@pytest.mark.parametrize("params", [{"niva": "kommun"}, {"niva": "region"}, {"niva": "kommun", "visa": "per10000"}])
def test_the_national_map_leaves_the_points_out_and_says_where_they_are(params):
    at = run("karta", **params)
    assert _unit_layers(at) == set()
    assert _points_legend(at) is None
    hint = i18n.t("map_points_hidden", "sv", choice=i18n.t("map_show_units", "sv"))
    assert hint in texts(at)
    (toggle,) = at.toggle
    assert toggle.label == i18n.t("map_show_units", "sv") and toggle.value is False


def test_asking_for_the_points_draws_them_and_the_url_keeps_the_choice():
    at = run("karta", niva="kommun")
    at.toggle[0].set_value(True).run()
    assert not at.exception
    assert at.query_params["vc"] == ["1"] or at.query_params["vc"] == "1"
    assert _unit_layers(at) >= {"units-follows_all", "units-not_all"}
    assert sum(len(deck_layers(at)[layer]) for layer in _unit_layers(at)) == 1_136
    assert _points_legend(at) is not None
    # a shared link with the choice opens the same map
    again = run("karta", niva="kommun", vc="1")
    assert _unit_layers(again) == _unit_layers(at) and again.toggle[0].value is True


@pytest.mark.parametrize("page", ["karta", "region"])
def test_from_region_level_down_the_points_are_always_drawn(page):
    at = run(page, region="18")
    assert _unit_layers(at) >= {"units-follows_all"}
    assert _points_legend(at) is not None
    assert not [t for t in at.toggle if t.label == i18n.t("map_show_units", "sv")]  # nothing to ask


def test_committees_alone_have_no_points_no_choice_and_no_hint():
    at = run("karta", typ="socialnamnd", niva="kommun", vc="1")
    assert _unit_layers(at) == set() and _points_legend(at) is None and not at.toggle
    assert i18n.t("map_show_units", "sv") not in texts(at)


def _marks(legend: str) -> dict[str, dict[str, str]]:
    marks = {}
    for status, style in re.findall(r"data-status='(\w+)' style='([^']*)'", legend):
        marks[status] = dict(part.split(":", 1) for part in style.rstrip(";").split(";"))
    return marks


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_legend_shows_the_marks_the_map_draws(lang):
    at = run("karta", region="18", lang=lang)
    legend = _points_legend(at)
    assert legend is not None
    for glyph in ("●", "◆", "▲", "○"):
        assert glyph not in legend  # the map draws circles, not these shapes
    marks = _marks(legend)
    assert set(marks) == set(scales.STATUS_ORDER)
    spec = {layer_id.removeprefix("units-"): layer_id for layer_id in _unit_layers(at)}
    for status, style in scales.STATUS_STYLE.items():
        mark = marks[status]
        assert mark["border-radius"] == "50%"  # a circle, as the ScatterplotLayer draws
        assert mark["width"] == mark["height"] == f"{2 * style['radius']}px"  # the drawn diameter
        fill = style["hex"] if len(style["hex"]) == 7 else "transparent"
        assert mark["background"] == fill
        assert mark["border"] == f"{style['line_width']}px solid {style['line_hex']}"
        assert html.escape(scales.STATUS_LABEL[lang][status]) in legend  # the labels are escaped HTML
    assert spec  # the region's map draws at least one status layer
    assert i18n.t("vardcentraler", lang).capitalize() in legend


def test_the_exported_picture_follows_the_same_choice(example):
    """A PNG of the national map has the points exactly when the screen does (``vc=1``)."""
    from dashboard import export

    def points_drawn(item) -> int:
        fig = item.draw()
        return sum(len(c.get_offsets()) for ax in fig.axes for c in ax.collections if hasattr(c, "get_offsets")
                   and len(c.get_offsets()) and c.get_offsets().shape[1] == 2 and len(c.get_offsets()) > 30)

    status = example[2]
    plain = export.map_item(status, "kommun", "alla", "sv", "2023", True)
    asked = export.map_item(status, "kommun", "alla", "sv", "2023", True, with_points=True)
    assert points_drawn(plain) == 0 and points_drawn(asked) >= 1_000
