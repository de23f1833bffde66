"""One way for the AppTests to open a page: the real ``app.py`` (navigation, sidebar, language) with a
URL, switched to one page, run, and failed on any exception the page raised."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def open_page(page: str, timeout: float = 120, **params: str) -> AppTest:
    """``page`` is the file name under pages/ ("kommun"); ``params`` the query string."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at
