"""The ``needs`` marker (tests/conftest.py): a test that needs a missing system tool is skipped on a
developer machine but FAILS in CI, so CI can never pass by skipping the export checks."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import SimpleNamespace

import pytest

# tests/conftest.py itself: ``import conftest`` would find tests/e2e/conftest.py once the e2e tests
# have been collected (pytest registers both under the name "conftest").
_spec = importlib.util.spec_from_file_location("tests_conftest", Path(__file__).with_name("conftest.py"))
conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(conftest)


def _item(*tools: str) -> SimpleNamespace:
    return SimpleNamespace(iter_markers=lambda name: [pytest.mark.needs(*tools).mark] if name == "needs" else [])


@pytest.fixture
def no_soffice(monkeypatch):
    monkeypatch.setitem(conftest.TOOLS, "soffice", ("LibreOffice (soffice)", lambda: False))


def test_missing_tool_fails_when_ci_is_true(monkeypatch, no_soffice):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true but LibreOffice"):
        conftest.pytest_runtest_setup(_item("soffice"))


def test_missing_tool_skips_on_a_developer_machine(monkeypatch, no_soffice):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="LibreOffice"):
        conftest.pytest_runtest_setup(_item("soffice"))


def test_present_tool_runs(monkeypatch):
    monkeypatch.setitem(conftest.TOOLS, "chromium", ("Chromium", lambda: True))
    monkeypatch.setenv("CI", "true")
    conftest.pytest_runtest_setup(_item("chromium"))  # neither skip nor fail


def test_the_export_tests_use_the_marker_not_a_plain_skip():
    files = sorted((conftest.ROOT / "tests" / "export").glob("test_*.py"))
    assert len(files) > 5, files  # the export tests, one file per export module
    text = "\n".join(p.read_text(encoding="utf-8") for p in files)
    assert 'pytest.mark.needs("chromium")' in text and 'pytest.mark.needs("soffice", "pdftotext")' in text
    assert "skipif" not in text
