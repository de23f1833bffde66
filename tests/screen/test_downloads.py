"""The download buttons (``screen.downloads``): drawn on every rerun, files made only on a click; the
administrator's slide template."""

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


def _template_admin_page() -> None:
    from dashboard.screen import downloads

    downloads.template_admin("sv")


def test_template_admin_shows_the_stored_template(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from dashboard.export import template
    from dashboard.storage import store

    monkeypatch.setenv("TILLSYN_DB", str(tmp_path / "t.duckdb"))
    at = AppTest.from_function(_template_admin_page, default_timeout=60).run()
    assert not at.exception
    assert at.header[0].value == "Mall för bildspel" and at.get("file_uploader")
    assert any("standardmallen" in c.value for c in at.caption)
    store.Store().put_document(template.STORE_KIND, template.STORE_NAME, template.default_bytes())
    at = AppTest.from_function(_template_admin_page, default_timeout=60).run()
    assert any(c.value.replace("\\", "").startswith("Nuvarande mall: presentation.pptx") for c in at.caption)
    at.button(key="deck_template_remove").click().run()
    assert store.Store().get_document(template.STORE_KIND, template.STORE_NAME) is None
