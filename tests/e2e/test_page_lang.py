"""WCAG 3.1.1: ``<html lang>`` says the language shown, "sv" or "en", on every page, after every
rerun and page switch (Streamlit serves lang="en" whatever the text is)."""

from __future__ import annotations

import pytest

from benchmarks import harness

pytestmark = pytest.mark.e2e


def html_lang(visit) -> str:
    return visit.page.evaluate("document.documentElement.lang")


def wait_for_lang(visit, lang: str) -> None:
    """The script runs once the rerun has drawn it: wait for the app to be idle, then for the value."""
    visit.settle()
    visit.page.wait_for_function(f"document.documentElement.lang === '{lang}'", timeout=30_000)


def test_html_lang_follows_the_language_across_reruns_and_pages(visit):
    visit.open("/")
    wait_for_lang(visit, "sv")
    assert html_lang(visit) == "sv"

    # Switch language in the sidebar: a rerun on the same page.
    harness.pick_option(visit.page, "Språk", "English").click()
    visit.settle(visit.page.get_by_role("heading", name="Overview"))
    wait_for_lang(visit, "en")

    # A page switch through the menu keeps the language and the attribute.
    visit.page.locator(".st-key-nav a", has_text="Map").click()
    visit.settle(visit.page.get_by_role("heading", name="Map"))
    wait_for_lang(visit, "en")

    # A filter change (rerun) on that page, then back to Swedish.
    harness.pick_option(visit.page, "Language", "Svenska").click()
    visit.settle(visit.page.get_by_role("heading", name="Karta"))
    wait_for_lang(visit, "sv")

    # A deep link in a fresh load, in English.
    visit.open("/kommun?kommun=1880&lang=en")
    wait_for_lang(visit, "en")
    visit.assert_clean()
