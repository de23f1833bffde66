"""Which survey rounds exist, and their tables: the example round plus imported ones.

The example round is read from ``data/exempelomgang.csv`` through the importer, exactly as
a real file would be. Imported rounds live in the database (``store.py``); an
imported round with the same name as the example round takes its place.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from dashboard.i18n import Message
from dashboard.ingest import demo, importer
from dashboard.storage import store


@lru_cache(maxsize=1)
def example_round() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The example round's (units, answers), loaded through the importer."""
    result = importer.read_survey(demo.EXAMPLE_FILE, round_name=demo.ROUND)
    if result.error or result.rejected:  # the shipped file must import cleanly
        raise RuntimeError(str(Message("store_example_unreadable", error=result.error or result.rejected[:3])))
    return result.units, result.answers


def rounds() -> pd.DataFrame:
    """Every round the app can show: round, source ("exempel" | "import"), n_units, synthetic."""
    rows = []
    try:
        imported = store.Store().rounds()
    except Exception:  # noqa: BLE001 - an unreadable database must not stop the example data
        imported = pd.DataFrame(columns=["round", "n_units", "synthetic"])
    names = set(imported["round"].astype(str))
    if demo.ROUND not in names:
        units, _ = example_round()
        rows.append({"round": demo.ROUND, "source": "exempel", "n_units": len(units), "synthetic": True})
    for r in imported.itertuples(index=False):
        rows.append({"round": str(r.round), "source": "import", "n_units": int(r.n_units),
                     "synthetic": bool(r.synthetic)})
    return pd.DataFrame(rows).sort_values("round", ascending=False).reset_index(drop=True)


def default_round() -> str:
    """The newest round: imported rounds sort after the example round when named by year."""
    return str(rounds()["round"].iloc[0])


def load(round_name: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(units, answers) of one round; the example round when nothing else is named or stored."""
    round_name = round_name or default_round()
    available = rounds().set_index("round")
    if round_name not in available.index:
        raise KeyError(round_name)
    if available.loc[round_name, "source"] == "exempel":
        return example_round()
    return store.Store().load_round(round_name)
