"""The ``needs`` marker (tests/conftest.py): a test that needs a missing system tool is skipped on a
developer machine but FAILS in CI, so CI can never pass by skipping the export checks; and the one
rule for "in CI" (tests/ci_env.py) that the marker, PostgreSQL, HAProxy and Chromium all use."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import SimpleNamespace

import ci_env
import pgserver
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


# --------------------------------------------------------------------------- one rule for "in CI"

@pytest.mark.parametrize(("value", "ci"), [
    (None, False), ("", False), ("0", False), ("false", False), ("False", False), (" FALSE ", False),
    ("true", True), ("1", True), ("yes", True), ("True", True), ("on", True), ("github-actions", True),
])
def test_ci_is_any_value_but_empty_0_or_false(value: str | None, ci: bool) -> None:
    assert ci_env.in_ci({} if value is None else {"CI": value}) is ci


@pytest.mark.parametrize("value", ["1", "yes", "true"])
def test_every_spelling_of_ci_fails_a_missing_postgresql_haproxy_or_tool(monkeypatch, no_soffice, value):
    """``CI=1`` used to skip the PostgreSQL and HAProxy tests that ``CI=true`` ran."""
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match="PostgreSQL is required in CI"):
        pgserver.unavailable("no binaries")
    monkeypatch.setattr(ci_env.shutil, "which", lambda name: None)
    monkeypatch.setattr(ci_env, "HAPROXY_FALLBACK", conftest.ROOT / "no-such-haproxy")
    with pytest.raises(pytest.fail.Exception, match="haproxy is not installed"):
        ci_env.haproxy()
    with pytest.raises(pytest.fail.Exception, match=f"CI={value} but LibreOffice"):
        conftest.pytest_runtest_setup(_item("soffice"))


def test_nothing_else_reads_the_ci_variable():
    """One rule: every skip-or-fail decision goes through ``ci_env.in_ci``."""
    reads_ci = re.compile(r"""(environ(\.get)?\s*[\(\[]\s*|getenv\(\s*)["']CI["']""")
    roots = [conftest.ROOT / d for d in ("tests", "benchmarks", "deploy", "src")]
    files = [p for root in roots for p in root.rglob("*.py")] + [conftest.ROOT / "deploy" / "local-cluster"]
    offenders = [str(p.relative_to(conftest.ROOT)) for p in files
                 if p.name != "ci_env.py" and reads_ci.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_shared_folder_is_found_beside_the_checkout_and_its_absence_fails_ci(tmp_path, monkeypatch):
    checkout = tmp_path / "repo"
    (tmp_path / "shared" / "reference").mkdir(parents=True)
    (tmp_path / "shared" / "reference" / "f.md").write_text("x", encoding="utf-8")
    checkout.mkdir()
    assert ci_env.shared_file("reference/f.md", checkout) == tmp_path / "shared" / "reference" / "f.md"
    worktree = tmp_path / "wt" / "branch"  # a git worktree elsewhere: found beside the main checkout
    worktree.mkdir(parents=True)
    (worktree / ".git").write_text(f"gitdir: {checkout}/.git/worktrees/branch\n", encoding="utf-8")
    assert ci_env.shared_file("reference/f.md", worktree) == tmp_path / "shared" / "reference" / "f.md"
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="the shared folder is not beside the checkout"):
        ci_env.shared_file("reference/missing.md", checkout)
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        ci_env.shared_file("reference/missing.md", checkout)
