"""The word catalogue (strings.toml), the unit-word and plural helpers, Babel formats, and a risk
score that can be imported without the database or the file renderers."""

from __future__ import annotations

import datetime as dt
import re
import string
import subprocess
import sys
import tomllib
from importlib import resources

import pytest
from conftest import ROOT

from dashboard import i18n
from dashboard.figures import risk
from dashboard.present import scales

CATALOGUE = tomllib.loads(resources.files("dashboard").joinpath("strings.toml").read_text(encoding="utf-8"))
# i18n.t("key" / t("key" (export.py binds ``t = i18n.t``), with either quote.
LITERAL_KEY = re.compile(r"""\b(?:i18n\.)?t\(\s*(["'])([a-z][a-z0-9_]*)\1""")
# Message("key" / i18n.Message("key": words said later, in the reader's language (importer, profiles, store).
MESSAGE_KEY = re.compile(r"""\bMessage\(\s*(["'])([a-z][a-z0-9_]*)\1""")


def entries() -> list[tuple[str, str, dict]]:
    return [(section, key, texts) for section, keys in CATALOGUE.items() for key, texts in keys.items()]


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_key_has_swedish_and_english_and_nothing_else():
    assert len(entries()) > 250
    for section, key, texts in entries():
        assert set(texts) == {"sv", "en"}, (section, key)
        assert texts["sv"].strip() and texts["en"].strip(), (section, key)


def test_placeholders_are_the_same_in_both_languages():
    for section, key, texts in entries():
        assert placeholders(texts["sv"]) == placeholders(texts["en"]), (section, key)


def test_every_literal_key_in_the_source_exists():
    from dashboard.screen import downloads  # noqa: F401 - legacy i18n.register tables, until they move here

    files = [*(ROOT / "src" / "dashboard").rglob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "app.py",
             *(ROOT / "benchmarks").glob("*.py")]  # `tillsyn bench` reads its words from the catalogue too
    used = {(path.name, m.group(2)) for path in files if path.exists()
            for m in LITERAL_KEY.finditer(path.read_text(encoding="utf-8"))}
    assert len(used) > 200  # the scan finds the calls (a broken pattern would pass vacuously)
    said = {(path.name, m.group(2)) for path in files if path.exists()
            for m in MESSAGE_KEY.finditer(path.read_text(encoding="utf-8"))}
    assert len(said) > 90 and {name for name, _ in said} >= {"rows.py", "read.py", "profiles.py", "store.py"}
    used |= said
    missing = sorted((name, key) for name, key in used if key not in i18n.STRINGS)
    assert not missing


def test_the_scan_sees_a_missing_key():
    source = 'x = i18n.t("risk_intro", lang) + t(\'no_such_key_here\')'
    assert [m.group(2) for m in LITERAL_KEY.finditer(source)] == ["risk_intro", "no_such_key_here"]
    source = 'raise Unreadable(Message("read_empty")) or i18n.Message( "no_such_key", n=1)'
    assert [m.group(2) for m in MESSAGE_KEY.finditer(source)] == ["read_empty", "no_such_key"]


def test_a_message_is_said_in_the_readers_language():
    """Values are said in the same language: nested messages, numbers (Babel) and lists ("A och B")."""
    msg = i18n.Message("read_missing_required_other", columns=("Enhetstyp", "Kommunkod", "Enhet"),
                       found=i18n.Message("read_none"))
    assert str(msg) == msg.text("sv") == (
        "Filen saknar de obligatoriska kolumnerna Enhetstyp, Kommunkod och Enhet (rubrikraden har: inga). "
        "Är filen en export från ett enkätverktyg: skapa en importprofil med tillsyn mapping suggest "
        "(se docs/import-profile.md).")
    assert msg.text("en").startswith("The file lacks the required columns Enhetstyp, Kommunkod and Enhet "
                                      "(the header row has: none).")
    rows = i18n.Message("read_too_many_rows", max=i18n.Num(100_000))
    assert "100\u00a0000 rader" in rows.text("sv") and "100,000 rows" in rows.text("en")
    where = i18n.Message("row_outside_sweden", lat=i18n.Num(48.85, 6), lon=i18n.Num(2.35, 6))
    assert where.text("sv") == "Koordinaterna (48,85, 2,35) ligger utanför Sverige."
    assert where.text("en") == "The coordinates (48.85, 2.35) are outside Sweden."
    assert i18n.Message("prof_unknown_column", key="'X'", allowed="A").text("en").startswith("Unknown column 'X'")
    with pytest.raises(KeyError):
        i18n.Message("no_such_key_here")


def test_an_error_with_a_message_is_swedish_as_text_and_any_language_on_request():
    err = i18n.MessageError(i18n.Message("read_empty"))
    assert str(err) == "Filen är tom." and err.text("en") == "The file is empty."
    assert i18n.error_text(err, "en") == "The file is empty." and i18n.error_text(ValueError("x"), "en") == "x"


def test_keys_built_at_run_time_exist():
    for factor in risk.FACTORS:
        assert f"risk_f_{factor}" in i18n.STRINGS and f"risk_x_{factor}" in i18n.STRINGS
    for lang in i18n.LANGS:
        assert f"ui_lang_{lang}" in i18n.STRINGS
    for status in scales.STATUS_ORDER:
        assert f"map_{status}" in i18n.STRINGS
    for level in risk.AREAS:
        assert f"risk_level_{level}" in i18n.STRINGS


def test_no_module_of_ours_registers_words_at_import():
    """Words are read from the catalogue; ``i18n.register`` stays only in the export modules' legacy tables."""
    callers = {p.name for p in (ROOT / "src" / "dashboard").rglob("*.py")
               if "i18n.register(" in p.read_text(encoding="utf-8")}
    assert callers <= {"export.py", "downloads.py"}


def test_risk_words_need_no_risk_import():
    """The old tables were added to i18n when ``dashboard.figures.risk`` was imported; now they are always there."""
    code = ("import sys; from dashboard import i18n; print(i18n.t('risk_intro', 'en')[:14]); "
            "print('dashboard.figures.risk' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                         env=_env()).stdout.split()
    assert out == ["The", "risk", "view", "False"]


def _env() -> dict[str, str]:
    import os

    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}


def test_importing_the_risk_score_loads_neither_the_database_nor_the_renderers():
    code = ("import sys, dashboard.figures.risk; "
            "print(sorted(m for m in ('duckdb', 'dashboard.storage.store', 'dashboard.export', 'dashboard.storage.datasets', "
            "'plotly', 'streamlit', 'kaleido', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                         env=_env()).stdout.strip()
    assert out == "[]"


def test_the_check_would_see_a_heavy_import():
    code = "import sys, dashboard.export.risk_tables; print('dashboard.export.files' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                         env=_env()).stdout.strip()
    assert out == "True"


@pytest.mark.parametrize(("unit_type", "n", "lang", "expected"), [
    ("vardcentral", 1, "sv", "1 vårdcentral"),
    ("vardcentral", 2, "sv", "2 vårdcentraler"),
    ("vardcentral", 1136, "sv", "1\u00a0136 vårdcentraler"),
    ("vardcentral", 0, "sv", "0 vårdcentraler"),
    ("socialnamnd", 1, "sv", "1 socialnämnd"),
    ("socialnamnd", 290, "sv", "290 socialnämnder"),
    ("vardcentral", 1, "en", "1 health centre"),
    ("vardcentral", 1136, "en", "1,136 health centres"),
    ("socialnamnd", 1, "en", "1 social welfare committee"),
    ("socialnamnd", 2, "en", "2 social welfare committees"),
])
def test_unit_words(unit_type, n, lang, expected):
    assert i18n.unit_word(unit_type, n, lang) == expected


def test_plural_picks_the_form_by_count():
    assert i18n.plural("cli_table_rows", 1, "sv", table="units") == "units 1 rad"
    assert i18n.plural("cli_table_rows", 3, "sv", table="units") == "units 3 rader"
    assert i18n.plural("cli_table_rows", 1, "en", table="units") == "units 1 row"
    assert i18n.plural("cli_table_rows", 1200, "en", table="units") == "units 1,200 rows"


def test_babel_formats_per_locale():
    """CLDR's no-break space (U+00A0, not the narrow U+202F) in Swedish; a real minus in differences."""
    assert i18n.fmt_int(1136) == "1\u00a0136" and i18n.fmt_int(1136, "en") == "1,136"
    assert i18n.fmt_int(1_234_567.4) == "1\u00a0234\u00a0567"
    assert i18n.fmt_pct(0.384, "sv", decimals=1) == "38,4\u00a0%" and i18n.fmt_pct(0.384, "en", 1) == "38.4%"
    assert i18n.fmt_pp(-3.24) == "\u22123,2\u00a0p.e." and i18n.fmt_pp(3.24, "en") == "+3.2 pp"
    assert i18n.fmt_pp(-3.24, "en") == "\u22123.2 pp"
    assert i18n.fmt_num(2.5) == "2,5" and i18n.fmt_num(2.0, "en") == "2" and i18n.fmt_num(0.125, "en") == "0.12"
    assert i18n.fmt_date(dt.date(2024, 5, 2)) == "2 maj 2024" and i18n.fmt_date(dt.date(2024, 5, 2), "en") == "2 May 2024"
    assert i18n.fmt_int(None) == i18n.fmt_num(float("nan")) == i18n.fmt_date(None) == "–"


def test_map_change_legend_is_worded_in_each_language():
    sv = [r["label"] for r in scales.change_legend_rows("sv")]
    en = [r["label"] for r in scales.change_legend_rows("en")]
    assert sv[0] == "≤ \u221210\u00a0p.e." and sv[1] == "\u221210 till \u22125\u00a0p.e."
    assert en[1] == "\u221210 to \u22125 pp" and en[3] == "±1 pp" and en[-2] == "≥ 10 pp"
    # the grey says why an area has no change: no data, or too few units in a round (the small-n rule)
    assert sv[-1] == "Ingen data, eller färre än 5 svar i någon omgång"
    assert en[-1] == "No data, or fewer than 5 responded in a round"
    assert not any("till" in label for label in en)
