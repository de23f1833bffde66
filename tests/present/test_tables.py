"""Tables for people (``present.tables``): the caller says the table's kind; the screen and the files share one."""

from __future__ import annotations

from dashboard import export
from dashboard.figures import aggregate


def test_each_table_kind_gives_its_people_columns(b23):
    """The caller says what it has; nothing is guessed from the columns."""
    assert "Regionkod" in export.REGIONS.people(aggregate.by_region(b23.status, "vardcentral")).columns
    assert "Kommunkod" in export.KOMMUNER.people(aggregate.by_kommun(b23.status, "socialnamnd", "23")).columns
    assert "Rubrik" in export.PROVISIONS.people(b23.provisions("socialnamnd")).columns
    assert "Enhets-id" in export.UNITS.people(b23.scope_status).columns
    assert not hasattr(export, "tidy")
    # a municipality table with a rank column is still a municipality table when the caller says so
    km = aggregate.honest_rank(aggregate.by_kommun(b23.status, "vardcentral", "23"))
    assert "Kommunkod" in export.KOMMUNER.people(km).columns


def test_screen_and_files_share_one_region_table(b23):
    from dashboard.present import tables

    reg = aggregate.by_region(b23.status, "vardcentral")
    screen, file = tables.screen_region_table(reg, "sv"), export.REGIONS.people(reg, "sv")
    assert set(screen.columns) < set(file.columns)
    for col in screen.columns:
        assert screen[col].equals(file[col]), col
