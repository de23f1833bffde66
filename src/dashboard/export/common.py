"""What every export format shares: errors, file names, and where a file comes from.

Why its own module: the renderer, the tables, the files, the slides and the letter all name a
selection the same way and carry the same ``About``; keeping it here lets each format import it
without importing each other.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from dashboard import i18n
from dashboard.domain import reference
from dashboard.present import charts
from dashboard.present.captions import scope_name
from dashboard.present.tables import UNIT_TYPES as UNIT_TYPES  # every format reads them here
from dashboard.present.tables import xml_safe as xml_safe

TYP_CHOICES = ("alla", *UNIT_TYPES)
MIME = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


class ExportError(RuntimeError):
    """An export could not be made; the message is one sentence for the user."""


class SelectionError(ValueError):
    """An unknown round, region, municipality or unit type; the message is one sentence."""


def unescape(text: str) -> str:
    """Our strings may carry Markdown escapes for the page (``\\*``); files show the plain text."""
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>~$])", r"\1", text)


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower() or "x"


def file_base(round_name: str, region: str = "", kommun: str = "", name: str = "") -> str:
    """File names shared by the buttons and the CLI: ``tillsyn_2023_region-23_regioner-vardcentral``."""
    scope = f"kommun-{kommun}" if kommun else (f"region-{region}" if region else "sverige")
    parts = ["tillsyn", slug(round_name), scope] + ([slug(name)] if name else [])
    return "_".join(parts)


def figure_title(fig: go.Figure) -> str:
    text = fig.layout.title.text or ""
    return re.sub(r"<[^>]+>", "", text.split("<br>")[0])


@dataclass(frozen=True)
class About:
    """Where a table or file comes from: printed in the "Om data" sheet and on the method slide."""

    title: str
    round: str
    selection: str
    filters: str
    synthetic: bool
    lang: str = "sv"
    source: str = ""
    # Every example round the file draws on (the selected, the compared, the previous one):
    # ``synthetic`` is true when there is any, and the source line names them.
    example_rounds: tuple[str, ...] = ()
    # What the round's figures cover when it did not ask every binding provision
    # (``captions.coverage_text``); empty for a round that asked them all.
    coverage: str = ""

    def source_line(self) -> str:
        return self.source or charts.source_line(self.lang, self.synthetic, self.round, self.example_rounds)

    @property
    def own_example(self) -> bool:
        """The file's own round is example data (not only a round it is compared with)."""
        return self.synthetic and (not self.example_rounds or self.round in self.example_rounds)

    def example_text(self) -> str:
        """Whether the file is example data, truthfully: the notice when its own round is; when its round
        is real but it draws on example rounds too (a trend), that it is real and which rounds are not."""
        t, lang = i18n.t, self.lang
        others = tuple(r for r in self.example_rounds if r != self.round)
        if self.own_example:
            text = t("example_notice", lang)
            return f"{text} {t('example_rounds_in_view', lang, rounds=', '.join(self.example_rounds))}" if others else text
        if others:
            return t("exp_example_others", lang, round=self.round, rounds=", ".join(others))
        return t("exp_not_example", lang)

    def rows(self) -> list[tuple[str, str]]:
        t, lang = i18n.t, self.lang
        source = re.sub(r"^(Källa|Source):\s*", "", self.source_line())
        return [
            (t("exp_title", lang), self.title),
            (t("exp_source", lang), source),
            (t("round", lang), self.round),
            (t("exp_selection", lang), self.selection),
            (t("exp_filters", lang), self.filters),
            (t("example_badge", lang),
             f"{t('example_badge', lang)}. {self.example_text()}" if self.own_example else self.example_text()),
            (t("exp_rule", lang), t("exp_rule_text", lang)),
            *([(t("exp_coverage", lang), self.coverage)] if self.coverage else []),
            (t("exp_created", lang), dt.date.today().isoformat()),
            (t("exp_created_by", lang), "Tillsynskartan"),
        ]


def about_for(round_name: str, lang: str, synthetic: bool, region: str = "", kommun: str = "",
              typ: str = "alla", title: str = "", example_rounds: Iterable[str] = (), coverage: str = "") -> About:
    """The About of a selection, as the UI and the CLI describe it."""
    t = i18n.t
    typ_label = t("both", lang) if typ == "alla" else t(typ, lang)
    parts = [f"{t('unit_type', lang)}: {typ_label}",
             f"{t('region', lang)}: {reference.region_name(region) if region else t('all_regions', lang)}"]
    if kommun:
        parts.append(f"{t('kommun', lang)}: {reference.kommun_name(kommun)} ({kommun})")
    return About(title=title or t("app_title", lang), round=round_name, selection=scope_name(lang, region, kommun),
                 filters="; ".join(parts), synthetic=synthetic or bool(tuple(example_rounds)), lang=lang,
                 example_rounds=tuple(example_rounds), coverage=coverage)


def example_rounds(rounds: Iterable[str], is_example: Callable[[str], bool]) -> tuple[str, ...]:
    """The rounds in view (selected, compared, previous, every round of a trend) that are example data.

    Why a set of rounds and not the selected one: a real round compared with the example round
    draws on generated answers too, and a file of it must say so.
    """
    return tuple(r for r in dict.fromkeys(str(r) for r in rounds if r) if is_example(r))


# --------------------------------------------------------------------------- what every office file does

OFFICE_AUTHOR = "Tillsynskartan"


def office_language(lang: str) -> str:
    """The language tag an office file carries (spell-checking, screen readers): Swedish unless English."""
    return "sv-SE" if lang != "en" else "en-GB"


def describe(document: Any, title: str, lang: str | None = None) -> None:
    """Title, author and (given ``lang``) language in a PPTX's or DOCX's document properties."""
    props = document.core_properties
    props.title = title
    props.author = OFFICE_AUTHOR
    if lang is not None:
        props.language = office_language(lang)


def saved(document: Any) -> bytes:
    """The bytes of a python-pptx, python-docx or openpyxl document (each saves to a file object)."""
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def provision_label(row: Any, lang: str) -> str:
    """ "V1 Rutiner för att ställa frågor om våld", with " *" for a general advice (a note says why)."""
    title = row.title_en if lang == "en" else row.title_sv
    return f"{row.provision_id} {title}" + (" *" if row.general_advice else "")
