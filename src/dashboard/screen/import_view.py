"""The Import page's wizard: upload -> preview -> mapping -> dry run -> import, and saved profiles.

Logic is in pure functions (``mapping_frame``, ``profile_from_frames``, ``matching_profiles``,
``report_frames``) so it is tested without Streamlit; ``render_file`` draws the steps for one
file's bytes (the page calls it with the upload; tests call it with bytes).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import pandas as pd
import streamlit as st

from dashboard import i18n
from dashboard.domain.provisions import catalogue
from dashboard.ingest import importer, mapping, profiles
from dashboard.screen import admin_view, cache
from dashboard.storage import store

PREVIEW_ROWS = 5
NOT_USED = ""
DROP = "[drop]"
ANSWER_CHOICES = ["ja", "nej", "vet_ej", "saknas"]


def _plain(text: object) -> str:
    """Text from a file shown inside Markdown: escape Markdown and HTML so it shows literally."""
    from dashboard.screen import ui

    return ui.plain(text)


def targets() -> list[str]:
    """What a source column can be mapped to: nothing, a canonical column, a provision, or dropped."""
    return [NOT_USED, *profiles.COLUMN_KEYS, *catalogue()["provision_id"].astype(str), DROP]


# --------------------------------------------------------------------------- pure helpers


def preview_frame(header: Sequence[str], rows: Sequence[tuple[int, list[str]]], n: int = PREVIEW_ROWS,
                  hidden: Iterable[str] = ()) -> pd.DataFrame:
    """The first rows as a table; columns that look like personal data are shown as '•••'."""
    hidden = set(hidden)
    names = _unique([h.strip() or f"({i + 1})" for i, h in enumerate(header)])
    data = [[("•••" if header[i].strip() in hidden else (c[i] if i < len(c) else "")) for i in range(len(header))]
            for _, c in rows[:n]]
    return pd.DataFrame(data, columns=names, dtype="string")


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n} ({seen[n]})")
    return out


def mapping_frame(header: Sequence[str], prof: profiles.Profile, scores: dict[str, float] | None = None,
                  undecided: Iterable[tuple[str, str, str, str]] = ()) -> pd.DataFrame:
    """One row per source column: what it maps to and the suggestion's score (blank when none).

    Undecided suggestions (below the cut-off) are shown with their target but ``use`` False."""
    scores = scores or {}
    to: dict[str, str] = {}
    for key, value in prof.columns.items():
        if isinstance(value, str):
            to[profiles._hkey(value)] = key
    for pid, value in prof.provisions.items():
        to[profiles._hkey(value)] = pid
    for value in prof.drop:
        to[profiles._hkey(value)] = DROP
    pending = {profiles._hkey(v): k for section, k, v, _ in undecided if section == "provisions"}
    rows = []
    for h in header:
        if not h.strip():
            continue
        key = profiles._hkey(h)
        target = to.get(key) or pending.get(key, NOT_USED)
        rows.append({"source": h.strip(), "target": target, "score": scores.get(h.strip()),
                     "use": key in to})
    return pd.DataFrame(rows, columns=["source", "target", "score", "use"]).astype(
        {"source": "string", "target": "string", "score": "Float64", "use": "bool"})


def answers_frame(prof: profiles.Profile, undecided: Iterable[tuple[str, str, str, str]] = ()) -> pd.DataFrame:
    """Source answer -> canonical answer, the decided ones first; undecided ones with ``use`` False."""
    rows = [{"source": k, "target": v, "use": True} for k, v in prof.answers.items()]
    rows += [{"source": k, "target": v, "use": False} for section, k, v, _ in undecided if section == "answers"]
    return pd.DataFrame(rows, columns=["source", "target", "use"]).astype(
        {"source": "string", "target": "string", "use": "bool"})


def constants_from(prof: profiles.Profile) -> dict[str, str]:
    return {k: v.value for k, v in prof.columns.items() if isinstance(v, profiles.Constant)}


def profile_from_frames(columns: pd.DataFrame, answers: pd.DataFrame, constants: dict[str, str]) -> profiles.Profile:
    """The profile the tables say, checked by ``profiles.parse`` (raises ``ProfileError``)."""
    lines = ["[columns]"]
    seen: set[str] = set()
    for r in columns.itertuples(index=False):
        target = str(r.target or "")
        if not bool(r.use) or target in (NOT_USED, DROP) or target not in profiles.COLUMN_KEYS:
            continue
        if target in seen:
            raise profiles.ProfileError(i18n.Message("prof_chosen_twice", target=target))
        seen.add(target)
        lines.append(f"{profiles.toml_string(target)} = {profiles.toml_string(str(r.source))}")
    for key, value in constants.items():
        if key not in seen and value.strip():
            lines.append(f"{profiles.toml_string(key)} = {{ value = {profiles.toml_string(value.strip())} }}")
    lines.append("[provisions]")
    for r in columns.itertuples(index=False):
        target = str(r.target or "")
        if bool(r.use) and re.fullmatch(r"[SV]\d", target):
            if target in seen:
                raise profiles.ProfileError(i18n.Message("prof_question_chosen_twice", target=target))
            seen.add(target)
            lines.append(f"{target} = {profiles.toml_string(str(r.source))}")
    lines.append("[answers]")
    for r in answers.itertuples(index=False):
        if bool(r.use) and str(r.source).strip() and str(r.target) in ANSWER_CHOICES:
            lines.append(f"{profiles.toml_string(str(r.source))} = {profiles.toml_string(str(r.target))}")
    drop = [str(r.source) for r in columns.itertuples(index=False) if str(r.target or "") == DROP]
    lines += ["[drop]", "columns = [" + ", ".join(profiles.toml_string(d) for d in drop) + "]"]
    return profiles.parse("\n".join(lines))


def matching_profiles(st_store: store.Store, header: Sequence[str]) -> list[tuple[str, profiles.Profile]]:
    """Stored profiles whose every source column is in ``header`` (newest first)."""
    have = {profiles._hkey(h) for h in header if h.strip()}
    out = []
    for name in st_store.documents("profile")["name"]:
        raw = st_store.get_document("profile", str(name))
        try:
            prof = profiles.parse(raw or b"")
        except profiles.ProfileError:
            continue
        if all(profiles._hkey(h) in have for h in prof.source_headers()):
            out.append((str(name), prof))
    return out


def report_frames(result: importer.ImportResult, lang: str) -> dict[str, pd.DataFrame]:
    """The dry-run report as tables: rejected rows and replaced submissions."""
    t = i18n.t
    rejected = pd.DataFrame([{t("row", lang): r.row, t("column", lang): r.column, t("value", lang): r.value,
                              t("reason", lang): r.reason(lang)} for r in result.rejected])
    replaced = pd.DataFrame([{t("row", lang): r.row, t("imp_submitted", lang): r.submitted,
                              t("imp_by_row", lang): r.by_row, t("imp_by_submitted", lang): r.by_submitted,
                              t("imp_unit", lang): r.name} for r in result.replaced])
    return {"rejected": rejected, "replaced": replaced}


# --------------------------------------------------------------------------- drawing


def render(lang: str) -> None:
    """The wizard on the Import page (after the administrator gate)."""
    st.caption(i18n.t("imp_steps", lang))
    upload = st.file_uploader(i18n.t("upload", lang), type=["csv", "xlsx", "txt"], key="import_file")
    if upload is not None:
        render_file(upload.getvalue(), upload.name, lang)


@cache.uploaded(4)
def _analyse(data: bytes, filename: str) -> tuple[list[str], list[tuple[int, list[str]]], mapping.Suggestion, bool]:
    """Read, suggest and check for the standard format once per file, not on every rerun."""
    header, rows = importer.read_table(data)
    canonical = importer.read_survey(data, filename=filename).error is None
    return header, rows, mapping.suggest(header, rows), canonical


def render_file(data: bytes, filename: str, lang: str) -> None:
    """Steps 2-5 for one file's bytes."""
    t = i18n.t
    try:
        header, rows, suggestion, canonical = _analyse(data, filename)
    except ValueError as exc:
        st.error(i18n.error_text(exc, lang))
        return
    st.subheader(t("imp_preview", lang))
    hidden = [h for h in header if profiles.looks_personal(h, [c[header.index(h)] for _, c in rows[:200]
                                                               if header.index(h) < len(c)])]
    st.dataframe(preview_frame(header, rows, hidden=hidden), hide_index=True, width="stretch")
    st.caption(t("imp_preview_note", lang, n=min(PREVIEW_ROWS, len(rows)), total=len(rows)))

    sources = ([t("imp_standard", lang)] if canonical else []) + [t("imp_suggested", lang)]
    stored = matching_profiles(store.Store(), header)
    sources += [t("imp_stored", lang, name=name) for name, _ in stored]
    st.subheader(t("imp_mapping", lang))
    choice = st.radio(t("imp_mapping_from", lang), sources, index=len(sources) - 1 if stored else 0,
                      key="imp_source")
    profile: profiles.Profile | None = None
    if choice != t("imp_standard", lang):
        base = suggestion.profile
        scores: dict[str, float] = suggestion.scores
        undecided = suggestion.undecided
        for name, prof in stored:
            if choice == t("imp_stored", lang, name=name):
                base, scores, undecided = prof, {}, []
        st.caption(t("imp_mapping_help", lang, cutoff=f"{mapping.CUTOFF:.0f}"))
        edited = st.data_editor(
            mapping_frame(header, base, scores, undecided),
            column_config={
                "source": st.column_config.TextColumn(t("imp_col_source", lang), disabled=True),
                "target": st.column_config.SelectboxColumn(t("imp_col_target", lang), options=targets()),
                "score": st.column_config.NumberColumn(t("imp_col_score", lang), format="%.0f", disabled=True),
                "use": st.column_config.CheckboxColumn(t("imp_col_use", lang)),
            },
            hide_index=True, width="stretch", key=f"imp_map_{choice}",
        )
        consts = constants_from(base)
        unit_type = st.text_input(t("imp_const_type", lang), value=consts.get("Enhetstyp", ""), key="imp_const_type")
        consts["Enhetstyp"] = unit_type
        st.caption(t("imp_answers_help", lang))
        answers = st.data_editor(
            answers_frame(base, undecided),
            column_config={
                "source": st.column_config.TextColumn(t("imp_col_answer", lang)),
                "target": st.column_config.SelectboxColumn(t("imp_col_means", lang), options=ANSWER_CHOICES),
                "use": st.column_config.CheckboxColumn(t("imp_col_use", lang)),
            },
            hide_index=True, width="stretch", num_rows="dynamic", key=f"imp_ans_{choice}",
        )
        try:
            profile = profile_from_frames(edited, answers, consts)
        except profiles.ProfileError as exc:
            st.error(exc.text(lang))
            return
        _profile_save(profile, filename, lang)

    st.subheader(t("imp_dry_run", lang))
    round_name = st.text_input(t("round_name", lang), key="import_round").strip() or None
    result = importer.read_survey(data, filename=filename, round_name=round_name, profile=profile)
    if result.error:
        st.error(result.error_text(lang))
        return
    add = st.radio(t("imp_how", lang), [t("imp_replace", lang), t("imp_add", lang)], key="imp_how",
                   horizontal=True) == t("imp_add", lang)
    existing = store.Store().rounds().set_index("round")
    if add:
        result = importer.exclude_existing(result, store.Store().load_round(result.round)[0])
    elif result.round in existing.index:
        st.warning(t("replace_warning", lang, round=_plain(result.round), n=int(existing.loc[result.round, "n_units"])))
    st.markdown(t("imp_report", lang, rows_in=result.rows_in, accepted=result.accepted,
                  rejected=result.rejected_rows, replaced=len(result.replaced)))
    if result.dropped_columns or result.personal_columns:
        names = ", ".join(f"”{_plain(c)}”" for c in result.dropped_columns + result.personal_columns)
        st.info(t("imp_personal", lang, columns=names))
    frames = report_frames(result, lang)
    if result.rejected:
        st.markdown(f"**{t('rejected_rows', lang)}**")
        st.dataframe(frames["rejected"], hide_index=True, width="stretch")
    if result.replaced:
        st.markdown(f"**{t('imp_replaced_rows', lang)}**")
        st.dataframe(frames["replaced"], hide_index=True, width="stretch")
    no_coords = int(result.units["lat"].isna().sum()) if result.accepted else 0
    if no_coords:
        st.caption(t("imp_no_coords", lang, n=no_coords))
    if result.accepted and st.button(t("do_import", lang, n=result.accepted, round=_plain(result.round)),
                                     type="primary", key="imp_do"):
        try:
            store.Store().save_round(result, add=add)
        except ValueError as exc:
            st.error(i18n.error_text(exc, lang))
            return
        admin_view.audit("import", f"round={result.round}; file={filename}; accepted={result.accepted}; "
                                   f"rejected={result.rejected_rows}; how={'add' if add else 'replace'}")

        cache.clear_caches()
        st.success(t("imported", lang, round=_plain(result.round), n=result.accepted))


def _profile_save(profile: profiles.Profile, filename: str, lang: str) -> None:
    """'Spara profil': store it with the data under a name, and offer it as a download."""
    t = i18n.t
    text = profiles.to_toml(profile, header_comment=t("imp_profile_comment", "sv", file=filename))
    with st.expander(t("imp_save_profile", lang)):
        name = st.text_input(t("imp_profile_name", lang), value=re.sub(r"\.[^.]+$", "", filename),
                             key="imp_profile_name").strip()
        col1, col2 = st.columns(2)
        if col1.button(t("imp_save_profile", lang), key="imp_save", disabled=not name):
            store.Store().put_document("profile", name, text.encode("utf-8"))
            st.success(t("imp_profile_saved", lang, name=_plain(name)))
        col2.download_button(t("imp_download_profile", lang), text.encode("utf-8"),
                             file_name=f"{name or 'profil'}.toml", mime="application/toml", key="imp_dl")
