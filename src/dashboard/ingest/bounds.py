"""How much of a file is read at most, shared by the CSV and the Excel readers.

A national round is about 1 500 rows and 30 columns; the limits leave room for 50 000-row files and
no more. A file past a limit is refused with one sentence (an ``Unreadable``) before the work grows
with it.
"""

from __future__ import annotations

from dashboard.i18n import Message, Num
from dashboard.ingest.result import Unreadable

__all__ = ["MAX_CELLS", "MAX_COLUMNS", "MAX_FIELD", "MAX_ROWS", "Table", "too_many_rows", "too_wide"]

MAX_ROWS = 100_000
MAX_COLUMNS = 1_000
MAX_CELLS = 4_000_000
# One cell's text at most: the csv module's default, held here because ``csv.field_size_limit`` is
# process-wide and other libraries raise it when they are imported (frictionless does).
MAX_FIELD = 131_072

Table = list[tuple[int, list[str]]]  # (row number as a person sees it, cells as text)


def too_many_rows() -> Unreadable:
    return Unreadable(Message("read_too_many_rows", max=Num(MAX_ROWS)))


def too_wide(n: int) -> Unreadable:
    return Unreadable(Message("read_too_wide", n=Num(n), max=Num(MAX_COLUMNS)))
