"""The method page of the static edition: the app's "Regler och metod" (the rule, the provisions,
what is published, derived and generated, the sources), what this edition leaves out, and the open
data's files and columns.

Why the app's texts: the public must read the same rule and the same account of the example data
as IVO's staff (``present.method``, strings.toml [method]); only the part about the static edition
and its open data is new.
"""

from __future__ import annotations

from typing import Any

from dashboard import i18n
from dashboard.domain import provisions
from dashboard.export.publish import opendata, paths, smalln
from dashboard.export.publish.pages import Page, Writer
from dashboard.present import method


def _table(caption: str, columns: list[str], rows: list[list[str]], links: dict[int, list[str]] | None = None
           ) -> dict[str, Any]:
    return {"caption": caption, "columns": columns, "rows": rows, "links": links or {}}


def _section(heading: str, text: str = "", table: dict[str, Any] | None = None, note: str = "") -> dict[str, Any]:
    return {"heading": heading, "text": text, "table": table, "note": note}


def page(w: Writer) -> Page:
    lang, t = w.lang, w.t
    path = paths.method(lang)
    ctx = w.frame(path, "method", t("page_method"), w.crumbs(method=True))
    cat = provisions.catalogue()
    title_col = "title_en" if lang == "en" else "title_sv"
    catalogue = _table(t("method_catalogue"),
                       ["Id", t("unit_type"), t("provision"), t("text"), t("reference"), t("general_advice")],
                       [[str(r.provision_id), t(str(r.unit_type)), str(getattr(r, title_col)), str(r.text_sv),
                         str(r.reference) or f"({t('not_confirmed')})", t("exp_yes" if r.general_advice else "exp_no")]
                        for r in cat.itertuples(index=False)])
    alloc = method.allocation_table(lang)
    allocation = _table(t("method_allocation"), [str(c) for c in alloc.columns],
                        [[i18n.fmt_int(v, lang) if isinstance(v, int) else str(v) for v in row]
                         for row in alloc.itertuples(index=False, name=None)])
    data_dir = paths.rel(path, opendata.DIR) + "/"
    files = []
    for table in opendata.tables(w.ed.with_units):
        cols = _table(f"{t('pub_columns_of')} {table.name}.csv / {table.name}.json",
                      [t("pub_col_column"), t("pub_col_type"), t("pub_col_title"), t("pub_col_description")],
                      [[c.name, c.type, t(f"pub_dc_{c.name}"), t(f"pub_dd_{c.name}", n=smalln.SMALL_N)] for c in table.columns])
        files.append({"name": table.name, "title": t(f"pub_dt_{table.name}"),
                      "description": t(f"pub_dtd_{table.name}", n=smalln.SMALL_N),
                      "csv": f"{data_dir}{table.name}.csv", "json": f"{data_dir}{table.name}.json", "columns": cols})
    ctx.update(
        heading=t("page_method"),
        sections=[
            _section(t("method_rule"), method.text("rule", lang)),
            _section(t("method_catalogue"), table=catalogue, note=t("advice_note")),
            _section(t("method_data"), method.text("data", lang), table=allocation),
            _section(t("method_sources"), method.text("sources", lang)),
            _section(t("pub_about_heading"), t("pub_about_text", n=smalln.SMALL_N)
                     + ("\n\n" + t("pub_units_included") if w.ed.with_units else "")),
        ],
        open_data={"heading": t("pub_open_data"), "text": t("pub_open_data_text", n=smalln.SMALL_N),
                   "package": f"{data_dir}datapackage.json",
                   "manifest": paths.rel(path, "manifest.json"), "files": files},
    )
    return Page(path, lang, "method", context=ctx)
