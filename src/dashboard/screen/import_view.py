"""The Import page's wizard: upload -> preview -> mapping -> dry run -> import, and saved profiles.

Logic is in pure functions (``mapping_frame``, ``answers_for``, ``profile_from_frames``,
``matching_profiles``, ``report_frames``) so it is tested without Streamlit; ``render_file`` draws
the steps for one file's bytes (the page calls it with the upload; tests call it with bytes).

The suggestion is ``mapping.suggest``, the same function ``tillsyn mapping suggest`` calls, so the
page and the command line give one result. An upload is read once per file: ``_analyse`` and
``_dry_run`` are cached through ``cache.uploaded``, keyed by the file's SHA-256, not by the bytes
and not on every rerun. The file's own values are shown as they are, except columns that hold
personal data (masked in the preview); the column that becomes ``Enhet`` is always shown, so the
administrator sees whose names would be stored.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import pandas as pd
import streamlit as st

from dashboard import i18n
from dashboard.domain import schema
from dashboard.domain.provisions import catalogue
from dashboard.ingest import importer, mapping, personal, profiles
from dashboard.screen import admin_view, cache
from dashboard.storage import store

PREVIEW_ROWS = 5
NOT_USED = ""
DROP = "[drop]"
ANSWER_CHOICES = ["ja", "nej", "vet_ej", "saknas"]
UNIT_TYPES = ["", "Vårdcentral", "Socialnämnd"]
_QUESTION = re.compile(r"[SV]\d")


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
    """One row per source column: what it maps to and the suggestion's score, as text ("" when none:
    a missing number would show as "None" in the table).

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
        score = scores.get(h.strip())
        rows.append({"source": h.strip(), "target": target, "score": "" if score is None else f"{score:.0f}",
                     "use": key in to})
    return pd.DataFrame(rows, columns=["source", "target", "score", "use"]).astype(
        {"source": "string", "target": "string", "score": "string", "use": "bool"})


def answers_frame(prof: profiles.Profile, undecided: Iterable[tuple[str, str, str, str]] = ()) -> pd.DataFrame:
    """Source answer -> canonical answer, the decided ones first; undecided ones with ``use`` False."""
    rows = [{"source": k, "target": v, "use": True} for k, v in prof.answers.items()]
    rows += [{"source": k, "target": v, "use": False} for section, k, v, _ in undecided if section == "answers"]
    return pd.DataFrame(rows, columns=["source", "target", "use"]).astype(
        {"source": "string", "target": "string", "use": "bool"})


def question_columns(columns: pd.DataFrame) -> list[str]:
    """The source columns the mapping table has as questions (ticked, mapped to S1-S7 or V1-V8)."""
    return [str(r.source) for r in columns.itertuples(index=False)
            if bool(r.use) and _QUESTION.fullmatch(str(r.target or ""))]


def answers_for(header: Sequence[str], rows: Sequence[tuple[int, list[str]]], columns: pd.DataFrame,
                base: profiles.Profile) -> pd.DataFrame:
    """The answers table for the mapping as it stands: the answers found in the *question* columns
    only (never a unit's or a person's name from another column), said as ``mapping.suggest_answers``
    says them, with the profile's own choices kept."""
    idx = [i for i in (profiles.find_header(list(header), q) for q in question_columns(columns)) if i is not None]
    values = (c[i] for _, c in rows for i in idx if i < len(c))
    found, undecided = mapping.suggest_answers(values)
    decided = {**found, **base.answers}
    pending = [u for u in undecided if profiles.answer_key(u[1]) not in decided]
    return answers_frame(profiles.Profile(answers=decided), pending)


def constants_from(prof: profiles.Profile) -> dict[str, str]:
    return {k: v.value for k, v in prof.columns.items() if isinstance(v, profiles.Constant)}


def _check_choices(columns: pd.DataFrame, constants: dict[str, str]) -> None:
    """What the page still needs, said in terms of its own choices (not of a profile's sections)."""
    chosen = {str(r.target or "") for r in columns.itertuples(index=False) if bool(r.use)}
    if schema.COL_NAME not in chosen:
        raise profiles.ProfileError(i18n.Message("prof_choose_unit"))
    if schema.COL_UNIT_TYPE not in chosen and not constants.get(schema.COL_UNIT_TYPE, "").strip():
        raise profiles.ProfileError(i18n.Message("prof_choose_type"))
    if not any(_QUESTION.fullmatch(t) for t in chosen):
        raise profiles.ProfileError(i18n.Message("prof_choose_question"))


def profile_from_frames(columns: pd.DataFrame, answers: pd.DataFrame, constants: dict[str, str]) -> profiles.Profile:
    """The profile the tables say, checked by ``profiles.parse`` (raises ``ProfileError``); what
    the page still lacks (a unit column, a unit type, a question) is said as a choice on the page."""
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
        if bool(r.use) and _QUESTION.fullmatch(target):
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
    _check_choices(columns, constants)
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
    """The dry-run report as tables: rejected rows, replaced submissions and the units left out
    because their latest submission was rejected."""
    t = i18n.t
    rejected = pd.DataFrame([{t("row", lang): r.row, t("column", lang): r.column, t("value", lang): r.value,
                              t("reason", lang): r.reason(lang)} for r in result.rejected])
    replaced = pd.DataFrame([{t("row", lang): r.row, t("imp_submitted", lang): r.submitted,
                              t("imp_by_row", lang): r.by_row, t("imp_by_submitted", lang): r.by_submitted,
                              t("imp_unit", lang): r.name} for r in result.replaced])
    withheld = pd.DataFrame([{t("imp_unit", lang): w.name, t("row", lang): w.row, t("imp_submitted", lang): w.submitted,
                              t("imp_not_used_rows", lang): ", ".join(str(r) for r in w.earlier_rows)}
                             for w in result.withheld])
    return {"rejected": rejected, "replaced": replaced, "withheld": withheld}


# --------------------------------------------------------------------------- drawing


def render(lang: str) -> None:
    """The wizard on the Import page (after the administrator gate)."""
    st.caption(i18n.t("imp_steps", lang))
    upload = st.file_uploader(i18n.t("upload", lang), type=["csv", "xlsx", "txt"], key="import_file")
    if upload is not None:
        render_file(upload.getvalue(), upload.name, lang)


class Analysis(NamedTuple):
    """One upload, read once: its header and rows, the suggestion, and whether it is a standard file."""

    header: list[str]
    rows: list[tuple[int, list[str]]]
    suggestion: mapping.Suggestion
    canonical: bool


@cache.uploaded(4)
def _analyse(sha: str, filename: str, _data: bytes) -> Analysis:
    """Read, suggest and check for the standard format once per file (keyed by ``sha``, the
    file's SHA-256: ``_data`` is not hashed again on every rerun)."""
    header, rows = importer.read_table(_data)
    canonical = importer.read_survey(_data, filename=filename, table=(header, rows)).error is None
    return Analysis(header, rows, mapping.suggest(header, rows), canonical)


@cache.uploaded(8)
def _dry_run(sha: str, filename: str, round_name: str | None, profile_toml: str, _data: bytes
             ) -> importer.ImportResult:
    """The dry run for one file, mapping and round name, on the table ``_analyse`` read: the file
    is not read again when the mapping, the round name or anything else on the page changes."""
    table = _analyse(sha, filename, _data)
    profile = profiles.parse(profile_toml) if profile_toml else None
    return importer.read_survey(_data, filename=filename, round_name=round_name, profile=profile,
                                table=(table.header, table.rows))


def hidden_columns(header: Sequence[str], rows: Sequence[tuple[int, list[str]]], unit_column: str | None
                   ) -> list[str]:
    """Columns masked in the preview: personal data by header or values, never the unit column."""
    return [h for i, h in enumerate(header) if h.strip() != (unit_column or "")
            and personal.looks_personal(h, [c[i] for _, c in rows[:200] if i < len(c)])]


def unit_values(header: Sequence[str], rows: Sequence[tuple[int, list[str]]], columns: pd.DataFrame,
                n: int = PREVIEW_ROWS) -> tuple[str, list[str]] | None:
    """(the column that becomes Enhet, its first ``n`` distinct non-blank values), as in the file."""
    chosen = [str(r.source) for r in columns.itertuples(index=False) if bool(r.use) and r.target == schema.COL_NAME]
    idx = profiles.find_header(list(header), chosen[0]) if chosen else None
    if idx is None:
        return None
    values = list(dict.fromkeys(c[idx].strip() for _, c in rows if idx < len(c) and c[idx].strip()))
    return header[idx].strip(), values[:n]


def render_file(data: bytes, filename: str, lang: str) -> None:
    """Steps 2-5 for one file's bytes."""
    t = i18n.t
    sha = hashlib.sha256(data).hexdigest()
    try:
        header, rows, suggestion, canonical = _analyse(sha, filename, data)
    except ValueError as exc:
        st.error(i18n.error_text(exc, lang))
        return
    st.subheader(t("imp_preview", lang))
    unit_col = suggestion.profile.columns.get(schema.COL_NAME)
    hidden = hidden_columns(header, rows, unit_col if isinstance(unit_col, str) else None)
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
        profile = _mapping_step(header, rows, suggestion, stored, choice, lang)
        if profile is None:
            return
        _profile_save(profile, filename, lang)

    st.subheader(t("imp_dry_run", lang))
    round_name = st.text_input(t("round_name", lang), key="import_round").strip() or None
    result = _dry_run(sha, filename, round_name, profiles.to_toml(profile) if profile else "", data)
    if result.error:
        st.error(result.error_text(lang))
        return
    _report(result, lang)


def _mapping_step(header: list[str], rows: list[tuple[int, list[str]]], suggestion: mapping.Suggestion,
                  stored: list[tuple[str, profiles.Profile]], choice: str, lang: str) -> profiles.Profile | None:
    """The mapping table, the unit type, the unit column's first values and the answers table;
    the profile they say, or None (with the reason shown) while a choice is missing."""
    t = i18n.t
    base, scores, undecided = suggestion.profile, suggestion.scores, suggestion.undecided
    for name, prof in stored:
        if choice == t("imp_stored", lang, name=name):
            base, scores, undecided = prof, {}, []
    st.caption(t("imp_mapping_help", lang, cutoff=f"{mapping.CUTOFF:.0f}"))
    edited = st.data_editor(
        mapping_frame(header, base, scores, undecided),
        column_config={
            "source": st.column_config.TextColumn(t("imp_col_source", lang), disabled=True),
            "target": st.column_config.SelectboxColumn(t("imp_col_target", lang), options=targets()),
            "score": st.column_config.TextColumn(t("imp_col_score", lang), disabled=True),
            "use": st.column_config.CheckboxColumn(t("imp_col_use", lang)),
        },
        hide_index=True, width="stretch", key=f"imp_map_{choice}",
    )
    consts = constants_from(base)
    given = consts.get(schema.COL_UNIT_TYPE, "")
    options = UNIT_TYPES + ([given] if given not in UNIT_TYPES else [])
    consts[schema.COL_UNIT_TYPE] = st.selectbox(
        t("imp_const_type", lang), options, index=options.index(given), key=f"imp_const_type_{choice}",
        format_func=lambda v: v or t("imp_choose", lang))
    shown = unit_values(header, rows, edited)
    if shown:
        st.markdown(t("imp_unit_values", lang, column=_plain(shown[0]),
                      values="; ".join(f"”{_plain(v)}”" for v in shown[1])))
    st.caption(t("imp_answers_help", lang))
    questions = question_columns(edited)
    answers = st.data_editor(
        answers_for(header, rows, edited, base),
        column_config={
            "source": st.column_config.TextColumn(t("imp_col_answer", lang)),
            "target": st.column_config.SelectboxColumn(t("imp_col_means", lang), options=ANSWER_CHOICES),
            "use": st.column_config.CheckboxColumn(t("imp_col_use", lang)),
        },
        hide_index=True, width="stretch", num_rows="dynamic",
        key=f"imp_ans_{choice}_{hashlib.sha1('|'.join(questions).encode()).hexdigest()[:12]}",
    )
    try:
        return profile_from_frames(edited, answers, consts)
    except profiles.ProfileError as exc:
        st.error(exc.text(lang))
        return None


def _report(result: importer.ImportResult, lang: str) -> None:
    """The dry-run report and the import button."""
    t = i18n.t
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
    if result.person_like:
        st.warning(_plain(result.person_like.message().text(lang)))
    frames = report_frames(result, lang)
    if result.rejected:
        st.markdown(f"**{t('rejected_rows', lang)}**")
        st.dataframe(frames["rejected"], hide_index=True, width="stretch")
    if result.replaced:
        st.markdown(f"**{t('imp_replaced_rows', lang)}**")
        st.dataframe(frames["replaced"], hide_index=True, width="stretch")
    if result.withheld:
        st.warning(i18n.plural("imp_withheld", len(result.withheld), lang, rule=i18n.Message("withheld_rule").text(lang)))
        st.dataframe(frames["withheld"], hide_index=True, width="stretch")
    for unit_type in result.unasked:
        st.warning(result.unasked_text(unit_type, lang))
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
        admin_view.audit("import", f"round={result.round}; file={result.filename}; accepted={result.accepted}; "
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
