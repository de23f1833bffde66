"""The administrator gate on the Import page (issue 18.8), with AppTest: a per-client throttle in the
database, the administrator signing in while another client is held up, the audit log on the page,
and the slide-template upload handled once per file (issue 18.7)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import zipbombs
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from dashboard.export import template
from dashboard.screen import admin_view, auth
from dashboard.storage import admin, store

PASSWORD = "rätt-lösen"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


# --------------------------------------------------------------------------- who is a client


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "client"),
    [
        ("198.51.100.4", None, False, "198.51.100.4"),
        ("198.51.100.4", "203.0.113.9", False, "198.51.100.4"),  # a header anyone can write: ignored
        (None, "203.0.113.9, 10.0.0.2", True, "203.0.113.9"),  # behind the proxy: its first hop
        ("10.0.0.2", "not an address", True, "10.0.0.2"),
        (None, None, False, auth.LOCAL),  # Streamlit gives no address on the same machine
        ("2001:db8:1:2:3:4:5:6", None, False, "2001:db8:1:2::/64"),  # one subscriber's /64 is one client
        ("::ffff:198.51.100.4", None, False, "198.51.100.4"),
    ],
)
def test_client_address(peer: str | None, forwarded: str | None, trusted: bool, client: str) -> None:
    assert auth.client_address(peer, forwarded, trusted) == client


@pytest.mark.parametrize(("value", "trusted"), [("", False), ("0", False), ("false", False), ("1", True),
                                                ("true", True), ("yes", True)])
def test_the_proxy_is_trusted_only_when_the_operator_says_so(value: str, trusted: bool) -> None:
    assert auth.behind_proxy({auth.BEHIND_PROXY_ENV: value}) is trusted


def test_the_project_proxy_replaces_any_forwarded_header_a_client_sends() -> None:
    """The trust above rests on this line of deploy/haproxy.cfg (before ``option forwardfor`` adds its own)."""
    cfg = (ROOT / "deploy" / "haproxy.cfg").read_text(encoding="utf-8")
    assert "http-request del-header X-Forwarded-For" in cfg and "option forwardfor" in cfg
    compose = (ROOT / "deploy" / "compose.yaml").read_text(encoding="utf-8")
    assert f"{auth.BEHIND_PROXY_ENV}: " in compose


# --------------------------------------------------------------------------- the page


@pytest.fixture
def page_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TILLSYN_DB", str(tmp_path / "gate.duckdb"))
    monkeypatch.setenv(auth.PASSWORD_ENV, PASSWORD)
    return tmp_path / "gate.duckdb"


def _import_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.switch_page("pages/import.py")
    return at.run()


def _sign_in(at: AppTest, password: str) -> AppTest:
    at.text_input[0].input(password)
    return at.button[0].click().run()


def _audit_on_page(at: AppTest) -> list[str]:
    frame = next(d.value for d in at.dataframe if "Klient (adress)" in d.value.columns)
    return frame["Händelse"].tolist()


def test_password_form_slows_down_the_client_and_the_log_shows_every_attempt(
        page_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeClock()
    monkeypatch.setattr(admin_view, "throttle",
                        lambda: auth.Throttle(admin.StoreThrottleState(store.Store()), base=30, clock=clock))
    at = _import_page()
    for _ in range(3):
        _sign_in(at, "fel")
    assert any("vänta 30 sekunder" in e.value for e in at.error), [e.value for e in at.error]
    _sign_in(at, PASSWORD)  # right, but too soon: refused without comparing, and not logged
    assert any("Vänta" in w.value for w in at.warning)
    assert not at.get("file_uploader")
    clock.now += 31
    _sign_in(at, PASSWORD)
    assert not at.exception, [e.value for e in at.exception]
    assert at.get("file_uploader")
    assert _audit_on_page(at) == ["Inloggning"] + ["Misslyckad inloggning"] * 3  # newest first
    log = admin.audit_log(store.Store())
    assert set(log["client"]) == {auth.LOCAL} and set(log["who"]) == {""}
    assert log["what"].tolist() == ["method=password"] * 4


def test_the_administrator_signs_in_while_another_client_is_held_up(page_db: Path) -> None:
    """28 failures from one stranger used to refuse the right password to everyone for 300 s."""
    gate = admin_view.throttle()
    for _ in range(28):
        gate.failed("203.0.113.9")
    assert gate.wait("203.0.113.9") > 0
    at = _sign_in(_import_page(), PASSWORD)
    assert not at.error and not at.warning, [e.value for e in at.error] + [w.value for w in at.warning]
    assert at.get("file_uploader")
    assert gate.wait("203.0.113.9") > 0  # the stranger still waits


# --------------------------------------------------------------------------- the template upload


def _template_admin_page() -> None:
    from dashboard.screen import admin_view

    admin_view.template_admin("sv")


def _small_template() -> bytes:
    from pptx import Presentation

    buf = io.BytesIO()
    Presentation().save(buf)
    return buf.getvalue()


def test_template_admin_shows_the_stored_template(page_db: Path) -> None:
    at = AppTest.from_function(_template_admin_page, default_timeout=60).run()
    assert not at.exception
    assert at.header[0].value == "Mall för bildspel" and at.get("file_uploader")
    assert any("standardmallen" in c.value for c in at.caption)
    store.Store().put_document(template.STORE_KIND, template.STORE_NAME, template.default_bytes())
    at = AppTest.from_function(_template_admin_page, default_timeout=60).run()
    assert any(c.value.replace("\\", "").startswith("Nuvarande mall: presentation.pptx") for c in at.caption)
    assert not at.error  # the shipped default passes the limits when read back
    at.button(key="deck_template_remove").click().run()
    assert store.Store().get_document(template.STORE_KIND, template.STORE_NAME) is None


def test_an_uploaded_template_is_read_checked_stored_and_logged_once(page_db: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    checks: list[int] = []
    real_check = template.check
    monkeypatch.setattr(template, "check", lambda data: checks.append(len(data)) or real_check(data))
    at = AppTest.from_function(_template_admin_page, default_timeout=60).run()
    assert any("standardmallen" in c.value for c in at.caption)
    data = _small_template()
    at.file_uploader[0].upload("mall.pptx", data).run()
    for _ in range(3):  # reruns of the page (any widget) do not read the upload again
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert checks == [len(data)]
    assert any("Mallen är sparad" in s.value for s in at.success)
    assert store.Store().get_document(template.STORE_KIND, template.STORE_NAME) == data
    assert admin.audit_log(store.Store())["what"].tolist() == [f"file=mall.pptx; bytes={len(data)}"]

    at.button(key="deck_template_remove").click().run()
    at.run()
    assert store.Store().get_document(template.STORE_KIND, template.STORE_NAME) is None  # not stored again
    assert admin.audit_log(store.Store())["action"].tolist() == ["template_remove", "template_upload"]
    assert not at.file_uploader[0].value  # a fresh uploader
    assert any("standardmallen" in c.value for c in at.caption)


def test_a_template_bomb_is_refused_and_a_stored_one_is_refused_when_read(page_db: Path) -> None:
    bomb = zipbombs.bomb(300)
    at = AppTest.from_function(_template_admin_page, default_timeout=60).run()
    at.file_uploader[0].upload("mall.pptx", bomb).run()
    assert any("packas upp till 315 MB" in e.value for e in at.error), [e.value for e in at.error]
    assert store.Store().get_document(template.STORE_KIND, template.STORE_NAME) is None
    assert admin.audit_log(store.Store()).empty

    # one in the database already (stored before the limits, or by other means): refused when read
    store.Store().put_document(template.STORE_KIND, template.STORE_NAME, bomb)
    from dashboard.export.bundle import stored_template

    assert stored_template() is None  # decks use the default
    at = AppTest.from_function(_template_admin_page, default_timeout=60).run()
    assert any("Den sparade mallen avvisas" in e.value for e in at.error), [e.value for e in at.error]
    assert any(c.value.replace("\\", "").startswith("Nuvarande mall: presentation.pptx") for c in at.caption)
