"""The method page's text: the rule, the sources, what is example data. Swedish and English.

The words stand in strings.toml ([method]) like every other text; this module picks them and
builds the example data's allocation table from ``demo``, so the table cannot drift from the data.
"""

from __future__ import annotations

import pandas as pd

from dashboard import i18n
from dashboard.domain import reference
from dashboard.ingest import demo

# The page's long texts (the rule, the data, the sources) stand in strings.toml, [method].
TEXTS = {"rule": "method_rule_text", "data": "method_data_text", "sources": "method_sources_text"}


def text(part: str, lang: str) -> str:
    """One of the method page's Markdown texts: ``"rule"``, ``"data"`` or ``"sources"``."""
    return i18n.t(TEXTS[part], lang)


def allocation_table(lang: str) -> pd.DataFrame:
    """How the example's 1 136 health centres were shared out between regions, and why (within a
    region they are spread over its municipalities by population the same way: ``demo.kommun_sizes``)."""
    sizes = demo.region_sizes()
    population = demo.region_population()
    regions = reference.regions().set_index("region_kod")
    basis = {
        demo.OREBRO: i18n.t("method_basis_published", lang, n=sizes[demo.OREBRO]),
        demo.JAMTLAND: i18n.t("method_basis_attachment", lang, n=sizes[demo.JAMTLAND]),
    }
    rows = [{
        i18n.t("method_col_region", lang): regions.loc[code, "region"],
        i18n.t("method_col_health_centres", lang): n,
        i18n.t("method_col_basis", lang): basis.get(code, i18n.t(
            "method_basis_population", lang, population=i18n.fmt_int(population[code], lang))),
    } for code, n in sizes.items()]
    return pd.DataFrame(rows)
