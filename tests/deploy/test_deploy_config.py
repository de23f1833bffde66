"""The production configuration and the proxy configuration that deploy/ ships."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import subprocess
import tomllib
from pathlib import Path

import ci_env

ROOT = Path(__file__).resolve().parents[2]


def _local_cluster():
    loader = importlib.machinery.SourceFileLoader("local_cluster", str(ROOT / "deploy" / "local-cluster"))
    spec = importlib.util.spec_from_loader("local_cluster", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_production_config_watches_no_files():
    """A file watcher per session cost about half of a page open's CPU (issue 14)."""
    server = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["server"]
    assert server["fileWatcherType"] == "none" and server["runOnSave"] is False
    assert server["enableXsrfProtection"] is True
    # no full collection after every run (issue 20: CPU per open grew with the users)
    runner = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["runner"]
    assert runner["postScriptGC"] is False
    # the maps' data go to the browser as static files (issue 20): served, and writable in the image
    assert server["enableStaticServing"] is True
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    assert "COPY static ./static" in dockerfile and "/app/static/maps" in dockerfile.split("chown", 1)[1]


def test_proxy_config_is_valid_for_compose_and_for_the_local_cluster(tmp_path):
    haproxy = ci_env.haproxy()
    env = os.environ | {"TILLSYN_PROXY_BIND": "127.0.0.1:18080", "TILLSYN_REPLICAS": "3", "TILLSYN_COOKIE_KEY": "k"}
    template = (ROOT / "deploy" / "haproxy.cfg").read_text(encoding="utf-8")
    for name, text in (
        ("compose.cfg", template),
        ("local.cfg", _local_cluster().proxy_config(template, [{"name": "r1", "port": 1}, {"name": "r2", "port": 2}])),
    ):
        cfg = tmp_path / name
        cfg.write_text(text, encoding="utf-8")
        check = subprocess.run([haproxy, "-c", "-f", str(cfg)], env=env, capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    local = (tmp_path / "local.cfg").read_text(encoding="utf-8")
    assert "server r1 127.0.0.1:1" in local and "server r2 127.0.0.1:2" in local
    assert "server-template" not in local and "resolvers docker" not in local
    # stickiness by a cookie the proxy inserts, never by client address
    assert "cookie TILLSYN_REPLICA insert" in template and "balance source" not in template
    assert "timeout tunnel 1h" in template


def test_container_runs_as_a_user_with_a_health_check():
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    assert "\nUSER tillsyn\n" in dockerfile and "/_stcore/health" in dockerfile.split("HEALTHCHECK", 1)[1]
    assert "chromium" in dockerfile and "fonts-dejavu-core" in dockerfile
    compose = (ROOT / "deploy" / "compose.yaml").read_text(encoding="utf-8")
    for needed in ("TILLSYN_DB: postgresql+psycopg://", "STREAMLIT_SERVER_COOKIE_SECRET", "haproxy.cfg",
                   "STREAMLIT_SERVER_ALLOWED_HOSTS", "replicas: ${TILLSYN_REPLICAS"):
        assert needed in compose, needed
