"""The pages of the static edition as plain data for the templates: the country, each region, each
municipality and the method page, in one language.

Why data and not HTML here: every figure is worded once, in Python, with the app's words
(strings.toml) and Babel's number formats (``i18n``), and the small-n rule (``smalln``) decides what
a figure may say; the templates only lay it out. An element that holds an area's figures carries
``data-n`` (its responding units), so a test can check that no small area shows a share.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from dashboard import i18n
from dashboard.domain import reference
from dashboard.export.publish import paths, smalln, svgmap
from dashboard.export.publish.model import COUNTRY_CODE, Edition
from dashboard.present import captions, charts
from dashboard.present.tables import map_measure

Row = dict[str, Any]


@dataclass
class Page:
    """One page: where it lives, its language, what the templates need."""

    path: str
    lang: str
    kind: str  # "country" | "region" | "kommun" | "method"
    code: str = ""
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def template(self) -> str:
        return "method.html.j2" if self.kind == "method" else "area.html.j2"


def _few(lang: str) -> str:
    return i18n.t("pub_few", lang, n=smalln.SMALL_N)


class Writer:
    """Words and links for the pages of one edition in one language."""

    def __init__(self, ed: Edition, lang: str, assets: dict[str, str]) -> None:
        self.ed, self.lang, self.assets = ed, lang, assets
        self.t = lambda key, **kw: i18n.t(key, lang, **kw)
        regions = reference.regions()
        self.region_names = dict(zip(regions["region_kod"], regions["region"], strict=True))
        kommuner = reference.municipalities()
        self.kommun_names = dict(zip(kommuner["kommun_kod"], kommuner["kommun"], strict=True))
        self.kommun_region = dict(zip(kommuner["kommun_kod"], kommuner["region_kod"], strict=True))

    # ------------------------------------------------------------------ numbers in words

    def share(self, k: int, n: int) -> str:
        """ "20 av 27 (74 %)", or "2 av 3" below SMALL_N."""
        return i18n.fmt_share(int(k), int(n), self.lang, small_n=smalln.SMALL_N)

    def pct(self, share: float | None, n: int) -> str:
        return _few(self.lang) if smalln.too_few(n) else i18n.fmt_pct(share, self.lang)

    def num(self, n: float) -> str:
        return i18n.fmt_int(n, self.lang)

    # ------------------------------------------------------------------ page frame

    def frame(self, path: str, kind: str, title: str, crumbs: list[tuple[str, str]], code: str = "") -> dict[str, Any]:
        """What every page has: language, links home and to the other language, the breadcrumb,
        the source line and the example-data label."""
        other = "en" if self.lang == "sv" else "sv"
        other_path = paths.page(other, kind, code)
        return {
            "lang": self.lang,
            "t": self.t,
            "title": title,
            "css": paths.rel(path, self.assets["site.css"]),
            "js": paths.rel(path, self.assets["site.js"]),
            "home": paths.rel(path, paths.country(self.lang)),
            "method_href": paths.rel(path, paths.method(self.lang)),
            "data_href": paths.rel(path, "data/datapackage.json"),
            "other": {"lang": other, "href": paths.rel(path, other_path), "label": i18n.t(f"ui_lang_{other}", other)},
            "crumbs": [{"text": text, "href": paths.rel(path, to) if to != path else ""} for text, to in crumbs],
            "synthetic": self.ed.synthetic,
            "source": charts.source_line(self.lang, self.ed.synthetic, self.ed.round, self.ed.example_rounds),
            "round": self.ed.round,
        }

    def crumbs(self, region_kod: str = "", kommun_kod: str = "", method: bool = False) -> list[tuple[str, str]]:
        out = [(self.t("sweden"), paths.country(self.lang))]
        if region_kod:
            out.append((self.region_names[region_kod], paths.region(self.lang, region_kod)))
        if kommun_kod:
            out.append((self.kommun_names[kommun_kod], paths.kommun(self.lang, kommun_kod)))
        if method:
            out.append((self.t("page_method"), paths.method(self.lang)))
        return out

    # ------------------------------------------------------------------ headline figures

    def card(self, unit_type: str, row: Row | None, scope: str, country: Row | None = None,
             rank: Row | None = None) -> Row:
        """One unit type's headline figures for the scope (``row``: an ``aggregate`` row), with the
        country alongside when the scope is smaller. Below SMALL_N: the count, no share, no
        difference (the app's ``_small_headline``)."""
        words = captions.units_word(unit_type, self.lang)
        card: Row = {"unit_type": unit_type, "heading": words[:1].upper() + words[1:], "empty": "", "lines": [],
                     "country": "", "rank": "", "n": 0, "small": False}
        if row is None or not int(row["n_units"]):
            card["empty"] = self.t("pub_no_units_type", units=words, scope=scope)
            return card
        n, k, units = int(row["n_responded"]), int(row["n_not_all"]), int(row["n_units"])
        small = smalln.too_few(n)
        card.update(n=n, k=k, n_units=units, n_none=int(row["n_none"]), small=small)
        card["label"] = self.t("headline_not_all")
        if small:
            card["big"] = self.t("count_of", k=self.num(k), n=self.num(n))
            card["lines"] = [self.t("too_few_for_share", n=smalln.SMALL_N)]
            response = self.t("responded_count", k=self.num(n), n=self.num(units))
        else:
            card["big"] = i18n.fmt_pct(row["share_not_all"], self.lang)
            card["lines"] = [self.t("share_of_units", k=self.num(k), n=self.num(n), units=words,
                                    p=i18n.fmt_pct(row["share_not_all"], self.lang)) + " " + self.t("headline_not_all")]
            response = self.t("responded_of", k=self.num(n), n=self.num(units),
                              p=i18n.fmt_pct(row["response_rate"], self.lang))
        card["lines"].append(f"{self.num(row['n_none'])} {self.t('headline_none')}")
        card["lines"].append(f"{self.t('response_rate')}: {response}")
        if country is not None and not small and not smalln.too_few(country["n_responded"]):
            diff = (float(row["share_not_all"]) - float(country["share_not_all"])) * 100
            card["lines"].append(f"{i18n.fmt_pp(diff, self.lang)} {self.t('vs_country')}")
        if country is not None:
            card["country"] = f"{self.t('country')}: {self.share(country['n_not_all'], country['n_responded'])}"
            card["country_n"] = int(country["n_responded"])
        if rank is not None:
            card["rank"] = rank["text"]
        return card

    def cards(self, scope: str, rows: dict[str, Row | None], with_country: bool,
              ranks: dict[str, Row] | None = None) -> list[Row]:
        return [self.card(u, rows.get(u), scope, self.ed.national_row(u) if with_country else None,
                          (ranks or {}).get(u)) for u in self.ed.unit_types]

    def region_rank(self, unit_type: str, region_kod: str) -> Row:
        row = self.ed.row("region", unit_type, region_kod)
        ranked = sum(1 for r in self.ed.rows("region", unit_type) if not pd.isna(r["rank"]))
        if row is None or pd.isna(row["rank"]):
            return {"text": self.t("rank_unranked") if row is not None and int(row["n_units"]) else ""}
        return {"text": self.t("pub_rank_of", rank=self.num(row["rank"]), n=self.num(ranked))}

    # ------------------------------------------------------------------ areas: map and tables

    def area_rows(self, table: list[Row], level: str, path: str, current: str = "",
                  with_rank: bool = False, with_map: bool = False) -> list[Row]:
        """Rows of an areas table (``by_region``/``by_kommun`` records): the name links to the area's page."""
        code_col, name_col = ("region_kod", "region") if level == "region" else ("kommun_kod", "kommun")
        rows = []
        for r in table:
            code = str(r[code_col])
            n = int(r["n_responded"])
            key = svgmap.area_key(int(r["n_units"]), n, int(r["n_not_all"]), int(r["n_none"]), r["share_not_all"])
            row = {
                "code": code, "name": str(r[name_col]), "n": n, "n_units": self.num(r["n_units"]),
                "href": paths.rel(path, paths.page(self.lang, level, code)), "current": code == current,
                "responded": self.num(n), "not_all": self.num(r["n_not_all"]), "none": self.num(r["n_none"]),
                "share": self.pct(r["share_not_all"], n) if n else "–",
                "diff": (i18n.fmt_pp(r["diff_pp"], self.lang) if n and not smalln.too_few(n) else "–"),
                "key": key, "on_map": svgmap.key_label(key, self.lang) if with_map else "",
                "figure": self.share(r["n_not_all"], n),
            }
            if with_rank:
                rank = r["rank"]
                row["rank"] = self.num(rank) if not pd.isna(rank) else (self.t("pub_unranked") if n else "–")
            rows.append(row)
        return rows

    def map_section(self, level: str, region_kod: str, path: str, current: str = "") -> Row:
        """The map (country: regions; region: its municipalities) with its legend and the table beside."""
        unit_type = map_measure("alla", level)
        table = self.ed.rows(level, unit_type, region_kod if level == "kommun" else "")
        rows = self.area_rows(table, level, path, current=current, with_rank=level == "region", with_map=True)
        words = captions.units_word(unit_type, self.lang)
        areas = []
        for row in rows:
            title = (f"{row['name']}: {self.t('no_units')}" if row["key"] == svgmap.NO_UNITS
                     else f"{row['name']}: {row['figure']} {words} {self.t('headline_not_all')}")
            if row["key"].startswith("s-"):
                title += f" ({self.t('too_few_short')})"
            areas.append(svgmap.Area(row["code"], row["key"], title, row["href"], row["current"]))
        fr = svgmap.frame(level, region_kod if level == "kommun" else "")
        title_key = "by_region_title" if level == "region" else "exp_by_kommun_title"
        title = self.t(title_key, units=words)
        scope = self.region_names[region_kod] if region_kod else self.t("sweden")
        return {
            "heading": self.t("regions_heading") if level == "region" else self.t("kommun_map_heading"),
            "title": title,
            "svg": svgmap.svg(fr, areas, label_id="map-title"),
            "legend": svgmap.legend((a.key for a in areas), self.lang),
            "small_note": (self.t("pub_small_note", n=smalln.SMALL_N, units=words)
                           if any(a.key.startswith("s-") for a in areas) else ""),
            "table": {"caption": f"{scope}: {title}", "level": level, "rows": rows,
                      "with_rank": level == "region", "with_map": True},
        }

    def areas_table(self, unit_type: str, level: str, region_kod: str, path: str, current: str = "") -> Row:
        table = self.ed.rows(level, unit_type, region_kod if level == "kommun" else "")
        words = captions.units_word(unit_type, self.lang)
        scope = self.region_names[region_kod] if region_kod else self.t("sweden")
        title = self.t("pub_by_region" if level == "region" else "pub_by_kommun", units=words[:1].upper() + words[1:])
        return {"heading": title, "caption": f"{scope}: {title}", "level": level,
                "rows": self.area_rows(table, level, path, current=current, with_rank=level == "region"),
                "with_rank": level == "region", "with_map": False}

    # ------------------------------------------------------------------ provisions

    def provisions(self, level: str, code: str, scope: str) -> list[Row]:
        """The provisions table of each unit type for the scope (``by_provision``), with what the
        round did not ask marked as such (never counted as not followed)."""
        out = []
        title_col = "title_en" if self.lang == "en" else "title_sv"
        for unit_type in self.ed.unit_types:
            prov = self.ed.provisions_of(unit_type, level, code)
            words = captions.units_word(unit_type, self.lang)
            asked = set(self.ed.asked.get(unit_type, ()))
            total = self.ed.catalogue_size(unit_type)
            n = max((int(p["n"]) for p in prov), default=0)
            rows = []
            for p in prov:
                pn = int(p["n"])
                small = smalln.too_few(pn)
                rows.append({
                    "id": str(p["provision_id"]), "title": str(p[title_col]) + (" *" if p["general_advice"] else ""),
                    "reference": str(p["reference"]) or f"({self.t('not_confirmed')})",
                    "asked": str(p["provision_id"]) in asked, "n": pn,
                    "counts": [self.num(p[f"n_{a}"]) for a in ("ja", "nej", "vet_ej", "saknas")],
                    "n_text": self.num(pn),
                    "share": ("–" if not pn else (_few(self.lang) if small else i18n.fmt_pct(p["share_not_ja"], self.lang))),
                    "country": ("–" if small or level == "country"
                                else i18n.fmt_pct(p["country_share_not_ja"], self.lang)),
                })
            out.append({
                "unit_type": unit_type, "heading": words[:1].upper() + words[1:], "rows": rows, "n": n,
                "caption": f"{self.t('by_provision_title', units=words)}: {scope} (n = {self.num(n)})",
                "asked_note": (self.t("pub_asked", asked=self.num(len(asked)), total=self.num(total), units=words)
                               if asked and len(asked) < total else ""),
                "empty": self.t("pub_no_units_type", units=words, scope=scope) if n == 0 else "",
                "small_note": self.t("pub_provisions_small", n=smalln.SMALL_N) if 0 < n < smalln.SMALL_N else "",
                "with_country": level != "country",
            })
        return out

    # ------------------------------------------------------------------ the pages

    def country_page(self) -> Page:
        path = paths.country(self.lang)
        rows = {u: self.ed.national_row(u) for u in self.ed.unit_types}
        ctx = self.frame(path, "country", self.t("sweden"), self.crumbs())
        other_type = next(u for u in self.ed.unit_types if u != map_measure("alla", "region"))
        ctx.update(
            heading=self.t("sweden"),
            intro=self.t("pub_intro_country"),
            cards=self.cards(self.t("sweden"), rows, with_country=False),
            map=self.map_section("region", "", path),
            tables=[self.areas_table(other_type, "region", "", path)],
            provisions_heading=self.t("provisions_heading"),
            provisions=self.provisions("country", COUNTRY_CODE, self.t("sweden")),
            directory=self.directory(path),
            units=None,
        )
        return Page(path, self.lang, "country", context=ctx)

    def directory(self, path: str) -> list[Row]:
        """Every region with its municipalities, as links: all 311 pages one click from the start."""
        kommuner = reference.municipalities()
        out = []
        for region_kod, name in self.region_names.items():
            members = kommuner[kommuner["region_kod"] == region_kod]
            out.append({"name": name, "href": paths.rel(path, paths.region(self.lang, region_kod)),
                        "kommuner": [{"name": str(k.kommun), "href": paths.rel(path, paths.kommun(self.lang, str(k.kommun_kod)))}
                                     for k in members.itertuples(index=False)]})
        return out

    def region_page(self, region_kod: str) -> Page:
        path = paths.region(self.lang, region_kod)
        name = self.region_names[region_kod]
        rows = {u: self.ed.row("region", u, region_kod) for u in self.ed.unit_types}
        ranks = {u: self.region_rank(u, region_kod) for u in self.ed.unit_types}
        ctx = self.frame(path, "region", name, self.crumbs(region_kod), region_kod)
        other_type = next(u for u in self.ed.unit_types if u != map_measure("alla", "kommun"))
        ctx.update(
            heading=name,
            intro="",
            cards=self.cards(name, rows, with_country=True, ranks=ranks),
            map=self.map_section("kommun", region_kod, path),
            tables=[self.areas_table(other_type, "kommun", region_kod, path)],
            provisions_heading=self.t("region_vs_country"),
            provisions=self.provisions("region", region_kod, name),
            directory=None,
            units=self.units(path, region_kod=region_kod),
        )
        return Page(path, self.lang, "region", region_kod, ctx)

    def kommun_page(self, kommun_kod: str) -> Page:
        path = paths.kommun(self.lang, kommun_kod)
        region_kod = self.kommun_region[kommun_kod]
        name = self.kommun_names[kommun_kod]
        rows = {u: self.ed.row("kommun", u, kommun_kod) for u in self.ed.unit_types}
        ctx = self.frame(path, "kommun", f"{name} ({self.region_names[region_kod]})",
                         self.crumbs(region_kod, kommun_kod), kommun_kod)
        other_type = next(u for u in self.ed.unit_types if u != map_measure("alla", "kommun"))
        ctx.update(
            heading=name,
            intro=self.t("pub_intro_kommun", region=self.region_names[region_kod]),
            cards=self.cards(name, rows, with_country=True),
            map=self.map_section("kommun", region_kod, path, current=kommun_kod),
            tables=[self.areas_table(other_type, "kommun", region_kod, path, current=kommun_kod)],
            provisions_heading=self.t("answers_by_provision"),
            provisions=self.provisions("kommun", kommun_kod, name),
            directory=None,
            units=self.units(path, kommun_kod=kommun_kod),
        )
        return Page(path, self.lang, "kommun", kommun_kod, ctx)

    def units(self, path: str, region_kod: str = "", kommun_kod: str = "") -> Row | None:
        """The units and their status: only in an edition built with ``--units`` (see docs/publish.md)."""
        if not self.ed.with_units or not kommun_kod:
            return None
        s = self.ed.status[self.ed.status["kommun_kod"] == kommun_kod].sort_values(["unit_type", "name"], kind="stable")
        return {"heading": self.t("pub_units_heading"), "note": self.t("pub_units_note"),
                "caption": f"{self.kommun_names[kommun_kod]}: {self.t('pub_units_heading')}",
                "rows": [{"name": str(u.name), "type": self.t(str(u.unit_type)), "status": self.t(str(u.status)),
                          "ja": self.t("count_of", k=self.num(u.n_ja), n=self.num(u.n_rules)) if bool(u.responded) else "–"}
                         for u in s.itertuples(index=False)]}

    def pages(self) -> Iterator[Page]:
        yield self.country_page()
        for region_kod in self.region_names:
            yield self.region_page(region_kod)
        for kommun_kod in self.kommun_names:
            yield self.kommun_page(kommun_kod)
