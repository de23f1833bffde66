"""The download buttons (``screen.downloads``): drawn on every rerun, files made only on a click. (The
administrator's slide template: tests/screen/test_admin_gate.py.)"""

from __future__ import annotations


def _download_page() -> None:
    from dashboard import export
    from dashboard.figures import aggregate
    from dashboard.screen import downloads, ui
    from dashboard.screen.state import Filters

    f = Filters(round="2023", region="23")
    units, answers, status = ui.round_tables("2023")
    b = export.build(units, answers, "2023", region="23", status=status)
    downloads.chart(b.charts[0].figure, aggregate.by_region(status, "vardcentral"), export.REGIONS,
                    "regioner-vardcentral", f)
    downloads.map_buttons(f, "kommun", region="23")
    downloads.pack(f)


def test_download_rows_render_without_making_files():
    """The buttons are drawn on every rerun; the files are made only when one is clicked."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_download_page, default_timeout=60).run()
    assert not at.exception
    labels = [e.proto.label for e in at.get("download_button")]
    assert labels == ["PNG", "PNG 2×", "SVG", "CSV", "Excel"] * 2 + ["Presentation (PPTX)", "Hela listan (XLSX)",
                                                                     "Bilaga till regionen (DOCX)"]
