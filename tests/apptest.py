"""One way for the AppTests to open a page: the real ``app.py`` (navigation, sidebar, language) with a
URL, switched to one page, run, and failed on any exception the page raised."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def open_page(page: str, timeout: float = 120, state: dict[str, object] | None = None, **params: str) -> AppTest:
    """``page`` is the file name under pages/ ("kommun"); ``params`` the query string; ``state``
    widget values set before the run (e.g. which tab is open: its key -> label)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for key, value in params.items():
        at.query_params[key] = value
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def deck_layers(at: AppTest, index: int = 0) -> dict[str, object]:
    """The data of each layer of the page's ``index``-th map, by layer id. A layer whose data the app
    published as a static file (a URL) is read from that file, as the browser would fetch it."""
    import json

    from dashboard.screen import static_files

    spec = json.loads(at.get("deck_gl_json_chart")[index].proto.json)
    out: dict[str, object] = {}
    for layer in spec["layers"]:
        data = layer["data"]
        if isinstance(data, str):
            path = static_files.path_for(data) or (ROOT / "static" / static_files.SUBDIR / data.rsplit("/", 1)[-1])
            data = json.loads(path.read_text(encoding="utf-8"))
        out[layer["id"]] = data
    return out
