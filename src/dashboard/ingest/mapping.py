"""Suggest an import profile for a survey export: what each column probably is, with a score.

Personal data first: a column whose header names a person ("Namn", "E-post", "Ifylld av") or
whose values identify one goes under ``[drop]`` and is never a field (``personal``). Fields are
then found by header (a list of the words tools and people use) and by content (a column of
municipality names is ``Kommun``; 4-digit municipality codes are ``Kommunkod``; timestamps are
``Inskickad``). A header that asks *which unit* answers ("Vilken vårdcentral svarar du för?") is
preferred for ``Enhet`` and also gives the unit type; with the type known, questions are matched
against that type's provisions only. Question texts are matched against the catalogue's titles,
texts and known phrasings (``provisions.PHRASINGS``) with rapidfuzz, each question to one
provision so that the total score is highest; a match below ``CUTOFF`` is written commented out
for the person to decide. The Import page's wizard and ``tillsyn mapping suggest`` both call
``suggest``: one suggestion, one result.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process, utils

from dashboard.domain import places, schema
from dashboard.domain.provisions import PHRASINGS, catalogue
from dashboard.domain.reference import normalise_text
from dashboard.i18n import Message
from dashboard.ingest import personal, profiles
from dashboard.ingest.headers import normalise_header
from dashboard.ingest.values import parse_time, unit_type_of

__all__ = ["CUTOFF", "Suggestion", "suggest", "suggest_answers", "which_unit"]

CUTOFF = 15.0  # provision score (0-100, see provision_scores) taken without asking
FIELD_CUTOFF = 85.0
_SAMPLE = 500  # rows looked at for content

# Header words per canonical column (normalised text); the first is the canonical header.
_FIELD_WORDS: dict[str, tuple[str, ...]] = {
    schema.COL_NAME: ("enhet", "enhetsnamn", "enhetens namn", "vardcentralens namn", "halsocentralens namn",
                      "namn pa enheten", "namn pa vardcentralen", "organisation", "organisationens namn",
                      "organisationsnamn", "verksamhet", "verksamhetens namn", "namnd", "namndens namn",
                      "socialnamndens namn", "mottagning", "mottagningens namn", "vardcentral", "halsocentral"),
    schema.COL_KOMMUN: ("kommun", "kommunens namn", "kommunnamn", "i vilken kommun", "kommun namn"),
    schema.COL_KOMMUN_KOD: ("kommunkod", "kommunnummer", "kommun kod", "kommunnr"),
    schema.COL_UNIT_TYPE: ("enhetstyp", "typ av enhet", "verksamhetstyp", "typ av verksamhet"),
    schema.COL_UNIT_ID: ("enhets-id", "enhetsid", "hsa-id", "hsaid"),
    schema.COL_REGION: ("region", "regionkod", "lan", "region/lan"),
    schema.COL_RESPONDED: ("svarat",),
    schema.COL_LAT: ("latitud", "lat", "latitude"),
    schema.COL_LON: ("longitud", "lon", "lng", "longitude"),
    schema.COL_ROUND: ("omgang",),
    profiles.COL_SUBMITTED: ("inskickad", "sluttid", "slutford", "tidpunkt", "tid for inskickning", "completion time",
                             "submitted", "submitdate", "datum inskickat", "svarstid", "inlamnad", "slutdatum",
                             "tidstampel", "timestamp", "end time", "end date"),
}
# A header that asks which unit answers: a question word, then a unit noun within a few words.
_WHICH = re.compile(r"^(?:\d+[.)]?\s*)?(?:for vilken|vilken|vilket|ange|valj|skriv|which|select|name of the)\s+(.*)")
_UNIT_NOUNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"vardcentral|halsocentral|mottagning|klinik|vardenhet|health|clinic"), "vardcentral"),
    (re.compile(r"namnd|socialtjanst|socialforvaltning|familjeomsorg|(?<![a-z])ifo(?![a-z])|committee"), "socialnamnd"),
    (re.compile(r"enhet|verksamhet|organisation|organization|arbetsplats|(?<![a-z])unit(?![a-z])"), ""),
)
_FILLER = frozenset({"vilken", "vilket", "er", "din", "ditt", "namnet", "namn", "pa", "den", "det", "du", "ni"})
_KNOWN_ANSWERS = {"ja": "ja", "nej": "nej", "vet ej": "vet_ej", "vet inte": "vet_ej", "vet_ej": "vet_ej",
                  "saknas": "saknas", "yes": "ja", "no": "nej", "don't know": "vet_ej", "delvis": ""}
_CODED = {"1": "ja", "2": "nej", "3": "vet_ej"}


@dataclass
class Suggestion:
    """A suggested profile, its scores and what is left for the person to decide.

    The comments are ``i18n.Message``s, written in the reader's language by ``toml(name, lang)``."""

    profile: profiles.Profile
    notes: dict[tuple[str, str], Message] = field(default_factory=dict)
    undecided: list[tuple[str, str, str, Message]] = field(default_factory=list)  # section, key, value, comment
    missing: list[Message] = field(default_factory=list)  # required things not found
    scores: dict[str, float] = field(default_factory=dict)  # source header -> score of its mapping
    targets: dict[str, str] = field(default_factory=dict)  # source header -> canonical column or provision

    @property
    def complete(self) -> bool:
        return not self.missing and not self.undecided

    def left_to_decide(self, lang: str = "sv") -> list[str]:
        """What the person must still decide: the missing things, then the uncertain suggestions."""
        return [m.text(lang) for m in self.missing] + [f"{u[0]} {u[1]} ({u[3].text(lang)})" for u in self.undecided]

    def toml(self, source_name: str = "", lang: str = "sv") -> str:
        head = (Message("sug_head_for", file=source_name) if source_name else Message("sug_head")).text(lang)
        if self.missing:
            head += "\n" + Message("cli_map_to_decide", items="; ".join(m.text(lang) for m in self.missing)).text(lang)
        notes = {k: v.text(lang) for k, v in self.notes.items()}
        undecided = [(section, key, value, comment.text(lang)) for section, key, value, comment in self.undecided]
        return profiles.to_toml(self.profile, notes, undecided, head)


@lru_cache(maxsize=1)
def _choices() -> tuple[list[str], list[str]]:
    """(normalised phrasing, provision id) for every title, text and known phrasing."""
    texts: list[str] = []
    ids: list[str] = []
    cat = catalogue()
    for row in cat.itertuples(index=False):
        pid = str(row.provision_id)
        for text in (row.title_sv, row.text_sv, *PHRASINGS.get(pid, ())):
            texts.append(_norm(str(text)))
            ids.append(pid)
    return texts, ids


_STOP = re.compile(r"\b(har|ni|er|era|ert|finns|det|den|de|for|att|och|i|pa|av|om|med|som|till|ska|en|ett|"
                   r"vid|nar|hur|vardcentralen|vardcentral|halsocentralen|socialnamnden|namnden|vardgivaren|"
                   r"verksamheten|enheten|er|ni|sa|inte|eller)\b")


def _norm(text: str) -> str:
    """Question text without the small words every question shares."""
    return " ".join(_STOP.sub(" ", utils.default_process(normalise_text(text))).split())


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[dict[str, list[str]], int]:
    """provision id -> the distinct words of its title, text and phrasings; and the number of provisions."""
    texts, pids = _choices()
    vocab: dict[str, set[str]] = {}
    for text, pid in zip(texts, pids, strict=True):
        vocab.setdefault(pid, set()).update(w for w in text.split() if len(w) >= 3)
    return {pid: sorted(words) for pid, words in vocab.items()}, len(vocab)


def _word_similarity(word: str, words: list[str]) -> float:
    """0-1: how well one word of a question matches the closest word of a provision (rapidfuzz;
    a shared stem of five letters counts, so "våldsutsatthet" meets "våldsutsatta")."""
    found = process.extractOne(word, words, scorer=fuzz.ratio)
    best = found[1] / 100 if found and found[1] >= 80 else 0.0
    if best < 0.9 and len(word) >= 5 and any(w[:5] == word[:5] for w in words):
        best = max(best, 0.85)
    return best


def _weighted_scores(query: str) -> dict[str, float]:
    """Score (0-100) per provision: the question's words, weighted by how few provisions share
    them (a word every provision has, like "våld", says nothing), matched with rapidfuzz."""
    vocab, n = _vocabulary()
    words = [w for w in dict.fromkeys(query.split()) if len(w) >= 3]
    if not words:
        return {}
    sims = {w: {pid: _word_similarity(w, vw) for pid, vw in vocab.items()} for w in words}
    weights = {w: math.log((n + 1) / (sum(v > 0 for v in sims[w].values()) + 0.5)) for w in words}
    total = sum(weights.values()) or 1.0
    out: dict[str, float] = {}
    for pid in vocab:
        # one shared word is chance ("anställda" is not "ställa frågor"): two informative words at least
        informative = sum(sims[w][pid] > 0 and weights[w] > 0.5 for w in words)
        out[pid] = 100 * sum(weights[w] * sims[w][pid] for w in words) / total if informative >= 2 else 0.0
    return out


def provision_scores(header: str) -> list[tuple[str, float]]:
    """Best score per provision for one question text, best first.

    The score is the larger of a whole-text fuzzy match against the titles, texts and known
    phrasings (near-identical wording scores ~100) and the word-weighted match (paraphrases).
    """
    m = re.match(r"\s*([SsVv]\d)(?![0-9])", header)
    ids = set(catalogue()["provision_id"].astype(str))
    if m and m.group(1).upper() in ids:
        return [(m.group(1).upper(), 100.0)]
    texts, pids = _choices()
    query = _norm(header)
    if not query:
        return []
    best: dict[str, float] = {}
    for _, score, i in process.extract(query, texts, scorer=fuzz.token_set_ratio, limit=None):
        s = (score + fuzz.WRatio(query, texts[i])) / 2
        best[pids[i]] = max(best.get(pids[i], 0.0), s if s >= 90 else 0.0)
    for pid, s in _weighted_scores(query).items():
        best[pid] = max(best.get(pid, 0.0), s)
    return sorted(best.items(), key=lambda kv: -kv[1])


def which_unit(header: str) -> str | None:
    """The unit type a header asks for: "vardcentral" for "Vilken vårdcentral svarar du för?",
    "socialnamnd" for "Vilken nämnd besvarar du enkäten för?", "" for a unit of no stated type
    ("Vilken enhet …"), None when the header does not ask which unit answers."""
    m = _WHICH.match(normalise_text(header).strip(" ?:."))
    if not m:
        return None
    words = [w for w in m.group(1).split() if w not in _FILLER]
    noun = words[0] if words else ""  # the thing asked for: "vilken kommun ligger vårdcentralen i" asks a kommun
    for pattern, unit_type in _UNIT_NOUNS:
        if pattern.search(noun):
            return unit_type
    return None


def _names_units(values: list[str]) -> bool:
    """A column of unit names, not of answers: most of its cells are not answer words or codes."""
    vals = [v.strip() for v in values if v.strip()]
    answers = sum(normalise_text(v).rstrip(".!") in _KNOWN_ANSWERS or v in _CODED for v in vals)
    return bool(vals) and answers < len(vals) / 2


def _field_by_header(header: str) -> tuple[str, float] | None:
    key = normalise_text(header).strip(" ?:.")
    nh = normalise_header(header)
    best: tuple[str, float] | None = None
    for canon, words in _FIELD_WORDS.items():
        for w in words:
            score = 100.0 if (key == w or nh == normalise_header(w)) else fuzz.ratio(key, w)
            if best is None or score > best[1]:
                best = (canon, score)
    return best if best and best[1] >= FIELD_CUTOFF else None


def _field_by_content(values: list[str]) -> tuple[str, float] | None:
    vals = [v.strip() for v in values if v.strip()][:_SAMPLE]
    if not vals:
        return None
    n = len(vals)
    codes = sum(bool(re.fullmatch(r"\d{4}", v)) and places.kommun_name(v) != v for v in vals)
    if codes / n >= 0.9:
        return schema.COL_KOMMUN_KOD, 100.0 * codes / n
    distinct = list(dict.fromkeys(vals))[:200]
    names = sum(places.exact_code(v) is not None for v in distinct)
    if names / len(distinct) >= 0.8:
        return schema.COL_KOMMUN, 100.0 * names / len(distinct)
    times = sum(parse_time(v) is not None and not re.fullmatch(r"\d+", v) for v in vals[:50])
    if times / min(n, 50) >= 0.9:
        return profiles.COL_SUBMITTED, 100.0 * times / min(n, 50)
    types = sum(unit_type_of(v) is not None for v in distinct)
    if types / len(distinct) >= 0.9:
        return schema.COL_UNIT_TYPE, 100.0 * types / len(distinct)
    return None


def _answer_like(values: list[str]) -> bool:
    """A question column holds a few short answers, not ids, names or times."""
    distinct = {v.strip() for v in values if v.strip()}
    return len(distinct) <= 12 and all(len(v) <= 40 and parse_time(v) is None for v in distinct)


def _file_types(
    prof: profiles.Profile,
    headers: list[str],
    columns: dict[int, list[str]],
    scored: dict[int, list[tuple[str, float]]],
    types: dict[str, str],
    asked_type: str | None,
) -> set[str]:
    """The unit types a file is about: from its Enhetstyp column, else the type its unit question
    asks for ("Vilken vårdcentral …"), else by the questions' votes."""
    col = prof.columns.get(schema.COL_UNIT_TYPE)
    if isinstance(col, str):
        found = {unit_type_of(v) for v in columns[headers.index(col)] if v.strip()} - {None}
        if found:
            return {t for t in found if t}
    if asked_type:
        return {asked_type}
    votes: dict[str, float] = {}
    for ranked in scored.values():
        if ranked and ranked[0][1] >= CUTOFF:
            best = ranked[0][1]
            for pid, score in ranked:  # a tie (shared wording) votes for both
                if score >= best - 1:
                    votes[types[pid]] = votes.get(types[pid], 0) + 1 / sum(sc >= best - 1 for _, sc in ranked)
    if not votes:
        return set(types.values())
    top = max(votes.values())
    return {t for t, v in votes.items() if v >= top * 0.5}


def best_assignment(scores: dict[tuple[int, str], float]) -> dict[int, str]:
    """Column -> provision, each at most once, with the highest total score (the Hungarian
    algorithm). Greedy best-first is not enough: "Finns en rutin för när patienter ska tillfrågas
    om våld?" scores higher for V2 ("tillfrågas") than for V1, and taking it there leaves the real
    V2 question with V1 at 19. Only pairs with a score above 0 are ever chosen."""
    cols = sorted({c for c, _ in scores})
    pids = sorted({p for _, p in scores})
    n = max(len(cols), len(pids))
    if not n:
        return {}
    cost = [[-scores.get((cols[i], pids[j]), 0.0) if i < len(cols) and j < len(pids) else 0.0
             for j in range(n)] for i in range(n)]
    inf = float("inf")
    u, v, match, way = [0.0] * (n + 1), [0.0] * (n + 1), [0] * (n + 1), [0] * (n + 1)
    for i in range(1, n + 1):
        match[0], j0 = i, 0
        minv, used = [inf] * (n + 1), [False] * (n + 1)
        while match[j0]:
            used[j0] = True
            i0, delta, j1 = match[j0], inf, 0
            for j in range(1, n + 1):
                if not used[j]:
                    cur = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(n + 1):
                if used[j]:
                    u[match[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
        while j0:
            j1 = way[j0]
            match[j0] = match[j1]
            j0 = j1
    out: dict[int, str] = {}
    for j in range(1, n + 1):
        i = match[j]
        if i and i <= len(cols) and j <= len(pids) and scores.get((cols[i - 1], pids[j - 1]), 0.0) > 0:
            out[cols[i - 1]] = pids[j - 1]
    return out


def suggest_answers(values: Iterable[str]) -> tuple[dict[str, str], list[tuple[str, str, str, Message]]]:
    """The answers found in question columns: (known answer -> meaning, undecided rows). Coded
    answers (1/2/3) and unknown words are left for the person, suggested as "saknas" or the usual
    code order. The wizard calls this with the columns *it* has as questions, so only question
    columns feed its answers table."""
    seen: dict[str, str] = {}
    for v in values:
        if v.strip():
            seen.setdefault(v.strip().rstrip(".!").strip(), v.strip())
    answers: dict[str, str] = {}
    undecided: list[tuple[str, str, str, Message]] = []
    for raw in sorted(seen):
        key = normalise_text(raw)
        if key in _KNOWN_ANSWERS and _KNOWN_ANSWERS[key]:
            answers[profiles.answer_key(raw)] = _KNOWN_ANSWERS[key]
        elif raw in _CODED:
            undecided.append(("answers", raw, _CODED[raw], Message("sug_coded_answer")))
        else:
            undecided.append(("answers", raw, "saknas", Message("sug_unknown_answer")))
    return answers, undecided


def _fields(headers: list[str], columns: dict[int, list[str]], used: set[int], out: Suggestion) -> str | None:
    """Map the canonical columns by header, content, and a header that asks which unit answers;
    returns the unit type that question asks for (None without one)."""
    prof = out.profile
    candidates: list[tuple[float, int, int, str, Message]] = []  # score, preference, column, canon, how
    for i, h in enumerate(headers):
        if not h or i in used:
            continue
        asked = which_unit(h)
        if asked is not None and _names_units(columns[i]):
            candidates.append((100.0, 1, i, schema.COL_NAME, Message("sug_which_unit")))
        by_header = _field_by_header(h)
        if by_header:
            candidates.append((by_header[1], 0, i, by_header[0], Message("sug_by_header")))
        by_content = _field_by_content(columns[i])
        if by_content:
            candidates.append((by_content[1] - 1, 0, i, by_content[0], Message("sug_by_content")))
    for score, _, i, canon, how in sorted(candidates, key=lambda c: (-c[0], -c[1], c[2])):
        if i in used or canon in prof.columns:
            continue
        if canon == schema.COL_NAME and how.key == "sug_by_header":
            # "Kommun" as a header of unit names is rare; a column of municipality names is Kommun
            content = _field_by_content(columns[i])
            if content and content[0] == schema.COL_KOMMUN:
                continue
        prof.columns[canon] = headers[i]
        out.notes[("columns", canon)] = Message("sug_score_how", score=f"{score:.0f}", how=how)
        out.scores[headers[i]] = score
        out.targets[headers[i]] = canon
        used.add(i)
    name_col = prof.columns.get(schema.COL_NAME)
    return which_unit(name_col) or None if isinstance(name_col, str) else None


def _provisions(headers: list[str], columns: dict[int, list[str]], used: set[int], out: Suggestion,
                asked_type: str | None) -> dict[str, str]:
    """Map the question columns, only those that hold answers and only to the provisions of the
    unit types the file is about; returns provision id -> unit type."""
    prof = out.profile
    types = dict(zip(catalogue()["provision_id"].astype(str), catalogue()["unit_type"].astype(str), strict=True))
    scored = {i: provision_scores(h) for i, h in enumerate(headers)
              if i not in used and h and _answer_like(columns[i])}
    allowed = _file_types(prof, headers, columns, scored, types, asked_type)
    pairs = {(i, pid): score for i, ranked in scored.items()
             for pid, score in [(p, sc) for p, sc in ranked if types[p] in allowed][:3]}
    order = list(types)
    for i, pid in sorted(best_assignment(pairs).items(), key=lambda ip: order.index(ip[1])):
        score = pairs[(i, pid)]
        if score >= CUTOFF:
            prof.provisions[pid] = headers[i]
            out.notes[("provisions", pid)] = Message("sug_score", score=f"{score:.0f}")
        else:
            out.undecided.append(("provisions", pid, headers[i],
                                  Message("sug_below_cutoff", score=f"{score:.0f}", cutoff=f"{CUTOFF:.0f}")))
        out.scores[headers[i]] = score
        out.targets[headers[i]] = pid
        used.add(i)
    return types


def suggest(header: Sequence[str], rows: Sequence[tuple[int, list[str]]]) -> Suggestion:
    """A profile for a table read by ``read.read_table``."""
    headers = [h.strip() for h in header]
    columns = {i: [c[i] if i < len(c) else "" for _, c in rows[:_SAMPLE]] for i in range(len(headers))}
    prof = profiles.Profile()
    out = Suggestion(prof)
    used: set[int] = set()

    # personal data first: a header that names a person, or values that identify one, is never a field
    for i, h in enumerate(headers):
        if h and personal.looks_personal(h, columns[i]):
            prof.drop.append(h)
            out.targets[h] = "[drop]"
            used.add(i)
    if prof.drop:
        out.notes[("drop", "columns")] = Message("sug_personal")

    asked_type = _fields(headers, columns, used, out)
    types = _provisions(headers, columns, used, out, asked_type)

    # the unit types the questions belong to
    found_types = {types[p] for p in prof.provisions} | {types[u[1]] for u in out.undecided if u[0] == "provisions"}
    if asked_type:
        found_types |= {asked_type}
    for unit_type in sorted(found_types):
        for pid in (p for p, t in types.items() if t == unit_type):
            if pid not in prof.provisions and not any(u[1] == pid for u in out.undecided):
                out.missing.append(Message("sug_provision_not_found", pid=pid))
    if schema.COL_UNIT_TYPE not in prof.columns:
        if len(found_types) == 1:
            word = {"vardcentral": "Vårdcentral", "socialnamnd": "Socialnämnd"}[next(iter(found_types))]
            prof.columns[schema.COL_UNIT_TYPE] = profiles.Constant(word)
            how = "sug_type_by_unit_question" if asked_type else "sug_type_by_questions"
            out.notes[("columns", schema.COL_UNIT_TYPE)] = Message(how)
        else:
            out.missing.append(Message("sug_type_missing"))
    if schema.COL_NAME not in prof.columns:
        out.missing.append(Message("sug_name_missing"))
    if schema.COL_KOMMUN_KOD not in prof.columns and schema.COL_KOMMUN not in prof.columns:
        name_col = prof.columns.get(schema.COL_NAME)
        if isinstance(name_col, str):
            names = [v for v in columns[headers.index(name_col)] if v.strip()]
            found = sum(places.kommun_in_unit_name(v).code is not None for v in names)
            note = Message("sug_kommun_from_name", found=found, n=len(names))
            out.notes[("columns", schema.COL_NAME)] = Message(
                "sug_notes", first=out.notes.get(("columns", schema.COL_NAME), ""), second=note)
            if not names or found < len(names):
                out.missing.append(Message("sug_kommun_names_unmatched", bad=len(names) - found, n=len(names)))
        else:
            out.missing.append(Message("sug_kommun_missing"))
    if not prof.provisions and not out.undecided:
        out.missing.append(Message("sug_no_questions"))

    # answers found in the question columns
    prov_cols = [headers.index(h) for h in prof.provisions.values()] + [
        headers.index(u[2]) for u in out.undecided if u[0] == "provisions"
    ]
    answers, undecided = suggest_answers(v for i in prov_cols for v in columns[i])
    prof.answers.update(answers)
    out.undecided += undecided
    return out
