"""Reading a survey file and saving what it gave: the importer (``ingest``) meets the store.

The store keeps frames and documents and knows nothing of files; the importer reads files and knows
nothing of databases. ``import_file`` is the one place that does both, for the ``tillsyn import``
command and the tests.
"""

from __future__ import annotations

from pathlib import Path

from dashboard.ingest.importer import read_survey
from dashboard.ingest.profiles import Profile
from dashboard.ingest.result import ImportResult, exclude_existing
from dashboard.storage.store import Store

__all__ = ["import_file"]


def import_file(
    path: str | Path,
    round_name: str | None = None,
    dry_run: bool = False,
    store: Store | None = None,
    profile: Profile | None = None,
    add: bool = False,
) -> ImportResult:
    """Read, validate and (unless ``dry_run``) store one file; returns the result with its report.

    Accepted rows are stored even when some rows were rejected. Nothing is stored on a dry run,
    when the file cannot be read (``error``), or when no row was accepted (which would otherwise
    replace the round with nothing). With ``add`` a unit already in the round becomes a rejected
    row (``result.exclude_existing``) instead of replacing anything.
    """
    result = read_survey(path, round_name=round_name, profile=profile)
    if add and result.error is None:
        existing, _ = (store or Store()).load_round(result.round)
        result = exclude_existing(result, existing)
    if dry_run or result.error is not None or result.accepted == 0:
        return result
    (store or Store()).save_round(result, add=add)
    return result
