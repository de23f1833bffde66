"""Map data as content-addressed static files (screen/static_files.py)."""

from __future__ import annotations

import json
import os
import time

import pytest
import streamlit as st

from dashboard.screen import static_files


def test_a_file_is_named_by_its_content_written_once_and_readable_by_the_server(tmp_path):
    data = {"type": "FeatureCollection", "features": [{"properties": {"name": "Örebro"}}]}
    first = static_files.publish("areas-kommun", data, tmp_path)
    again = static_files.publish("areas-kommun", json.loads(json.dumps(data)), tmp_path)
    other = static_files.publish("areas-kommun", {**data, "features": []}, tmp_path)
    assert first == again != other
    assert first.name.startswith("areas-kommun-") and first.suffix == ".json"
    assert json.loads(first.read_text(encoding="utf-8")) == data
    assert "Örebro" in first.read_text(encoding="utf-8")  # compact UTF-8, as the browser reads it
    assert oct(first.stat().st_mode & 0o777) == "0o644"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([first.name, other.name])  # no leftovers


def test_nan_never_reaches_the_browser(tmp_path):
    with pytest.raises(ValueError):
        static_files.publish("areas-kommun", {"share": float("nan")}, tmp_path)


def test_publisher_gives_urls_under_the_base_path_and_keeps_the_paths(tmp_path):
    pub = static_files.Publisher(tmp_path)
    url = pub("units-not_all", [{"lat": 59.3, "lon": 18.1}])
    assert url == f"/app/static/maps/{pub.paths[0].name}"
    assert static_files.all_present(pub.paths)
    st.config.set_option("server.baseUrlPath", "tillsyn")
    try:
        assert pub("units-not_all", []).startswith("/tillsyn/app/static/maps/units-not_all-")
    finally:
        st.config.set_option("server.baseUrlPath", "")
    pub.paths[0].unlink()
    assert not static_files.all_present(pub.paths)


def test_sweep_removes_only_files_nobody_published_for_weeks(tmp_path):
    old = static_files.publish("areas-region", {"a": 1}, tmp_path)
    fresh = static_files.publish("areas-region", {"a": 2}, tmp_path)
    renewed = static_files.publish("areas-region", {"a": 3}, tmp_path)
    partial = tmp_path / ".tmp-abc.part"
    partial.write_text("{", encoding="utf-8")
    month = time.time() - (static_files.KEEP_DAYS + 1) * 86_400
    for path in (old, renewed, partial):
        os.utime(path, (month, month))
    static_files.publish("areas-region", {"a": 3}, tmp_path)  # published again: renewed
    static_files._sweep(tmp_path)
    assert not old.exists() and not partial.exists()
    assert fresh.exists() and renewed.exists()
