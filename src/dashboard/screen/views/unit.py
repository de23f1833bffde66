"""One unit: its facts, where it is, its answer per provision, what to ask it about, and the
same unit in the compare round (the unit page, and the committee on the municipality page)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import i18n
from dashboard.figures import aggregate
from dashboard.screen import cache, links, ui
from dashboard.screen.state import Filters
from dashboard.screen.views.maps import unit_points
from dashboard.screen.views.scope import example_caption, scope_units


def socialnamnd_answers(f: Filters) -> None:
    units = scope_units(f, ["socialnamnd"], f.region, f.kommun)
    if units.empty:
        st.info(i18n.t("no_units", f.lang))
        return
    unit = units.iloc[0]
    links.link("unit", f"{ui.plain(unit['name'])}: {i18n.t(unit['status'], f.lang)}", f,
               region=unit["region_kod"], kommun=unit["kommun_kod"], unit=unit["unit_id"])
    unit_answer_table(f, unit)


def current_unit(f: Filters) -> pd.Series | None:
    """The unit named in the URL, if it exists in the round."""
    if not f.unit:
        return None
    status = cache.round_tables(f.round).status
    hit = status[status["unit_id"] == f.unit]
    return None if hit.empty else hit.iloc[0]


def unit_facts(f: Filters, unit: pd.Series) -> None:
    lang = f.lang
    facts = pd.DataFrame({
        i18n.t("unit_facts", lang): [i18n.t("page_unit", lang), i18n.t("unit_type", lang), i18n.t("kommun", lang),
                                     i18n.t("region", lang), i18n.t("status", lang), i18n.t("ja", lang) + " / n",
                                     i18n.t("round", lang)],
        "": [str(unit["name"]), i18n.t(unit["unit_type"], lang), f"{unit['kommun']} ({unit['kommun_kod']})",
             str(unit["region"]), i18n.t(unit["status"], lang), f"{unit['n_ja']} / {unit['n_rules']}", f.round],
    })
    st.dataframe(facts, hide_index=True, width="stretch")


def locator_map(f: Filters, unit: pd.Series) -> None:
    """A small map of the unit's municipality with the unit's (approximate) position."""
    from dashboard.domain import geo
    from dashboard.present.deck import choropleth_deck

    features = geo.geojson_dict("kommun", str(unit["region_kod"]))
    view = geo.bounds_view([str(unit["kommun_kod"])], "kommun", height_px=300, width_px=420)
    points = unit_points(f, unit.to_frame().T)
    deck = choropleth_deck(features, [], "kommun", view, points, selected=[str(unit["kommun_kod"])],
                                lang=f.lang, height=300)
    st.pydeck_chart(deck, height=300, key=f"locator_{unit['unit_id']}")


def ask_about(f: Filters, unit: pd.Series) -> None:
    """The binding provisions the unit does not report following: the inspector's questions."""
    lang = f.lang
    st.header(i18n.t("ask_about", lang))
    table = unit_answer_table_data(f, unit)
    todo = table[(table["answer"] != "ja") & ~table["general_advice"]]
    if todo.empty:
        st.success(i18n.t("ask_none", lang))
        return
    st.markdown(i18n.t("ask_intro", lang))
    title_col = "title_en" if lang == "en" else "title_sv"
    st.markdown("\n".join(f"- **{r.provision_id} {ui.plain(getattr(r, title_col))}** ({i18n.t(r.answer, lang).lower()})"
                          + (f", {r.reference}" if r.reference else "") for r in todo.itertuples(index=False)))


def unit_answer_table_data(f: Filters, unit: pd.Series) -> pd.DataFrame:
    return _unit_answers(cache.data_version(), f.round, str(unit["unit_id"]))


@cache.shared(256)
def _unit_answers(version: str, round_name: str, unit_id: str) -> pd.DataFrame:
    """One unit's answer per provision of its type, built once per unit (the unit and municipality pages)."""
    from dashboard.domain import provisions

    units, answers, _ = cache.round_tables(round_name)
    cat = provisions.catalogue()
    data = aggregate.unit_answers(units[units["unit_id"] == unit_id], answers, unit_id, cat)
    return data.merge(cat[["provision_id", "general_advice"]], on="provision_id", suffixes=("_x", ""))


def unit_answer_table(f: Filters, unit: pd.Series) -> None:
    lang = f.lang
    data = unit_answer_table_data(f, unit)
    title_col = "title_en" if lang == "en" else "title_sv"
    st.dataframe(pd.DataFrame({
        i18n.t("provision", lang): data["provision_id"] + " " + data[title_col]
        + data["general_advice"].map(lambda g: " *" if g else ""),
        i18n.t("answer", lang): data["answer"].map(lambda a: i18n.t(a, lang)),
        i18n.t("reference", lang): data["reference"].replace("", f"({i18n.t('not_confirmed', lang)})"),
        i18n.t("text", lang): data["text_sv"],
    }), hide_index=True, width="stretch")
    st.caption(i18n.t("advice_note", lang))


def unit_previous(f: Filters, unit: pd.Series) -> None:
    """The same unit in the compare round (matched by the rule on the method page)."""
    if not f.jamfor:
        return
    lang = f.lang
    example_caption(f)
    changes = cache.unit_changes(f.round, f.jamfor)
    hit = changes[changes["unit_id_cur"] == unit["unit_id"]]
    if hit.empty or hit.iloc[0]["presence"] != "both":
        st.info(i18n.t("unit_new_in_round", lang, round=ui.plain(f.jamfor)))
        return
    prev_status = cache.round_tables(f.jamfor).status
    prev = prev_status[prev_status["unit_id"] == hit.iloc[0]["unit_id_prev"]].iloc[0]
    st.markdown(i18n.t("unit_prev", lang, round=ui.plain(f.jamfor), status=i18n.t(prev["status"], lang),
                       ja=int(prev["n_ja"]), n=int(prev["n_rules"])))
