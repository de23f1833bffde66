"""The static edition's web server configuration (deploy/nginx/), its container, compose service and
Kubernetes manifest: one nginx configuration, checked by nginx itself, and the same one the e2e test
and the benchmark run (only where it listens, its folder and its pid and temporary files differ)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import ci_env
import yaml

from benchmarks import static_site

ROOT = Path(__file__).resolve().parents[2]
NGINX_DIR = ROOT / "deploy" / "nginx"


def _nginx() -> str:
    if not static_site.nginx_available():
        ci_env.missing(f"nginx is not installed at {static_site.NGINX} (apt-get install nginx)")
    return str(static_site.NGINX)


def test_the_container_configuration_passes_nginx_t(tmp_path):
    nginx = _nginx()
    for conf in NGINX_DIR.glob("*.conf"):
        shutil.copy(conf, tmp_path / conf.name)
    check = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"),
                            "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_the_local_configuration_differs_only_in_place_and_paths(tmp_path):
    deployed = (NGINX_DIR / "nginx.conf").read_text(encoding="utf-8").splitlines()
    local = static_site.local_config(tmp_path / "site", 18081, tmp_path, workers=1).splitlines()
    changed = [(a.strip(), b.strip()) for a, b in zip(deployed, local, strict=True) if a != b]
    assert {a.split()[0] for a, _ in changed} == {"worker_processes", "pid", "error_log", "listen", "root",
                                                  "client_body_temp_path", "proxy_temp_path", "fastcgi_temp_path",
                                                  "uwsgi_temp_path", "scgi_temp_path"}
    assert "listen 127.0.0.1:18081;" in [b for _, b in changed]


def test_compression_cache_and_security_headers_are_configured():
    site = (NGINX_DIR / "static-site.conf").read_text(encoding="utf-8")
    headers = (NGINX_DIR / "static-headers.conf").read_text(encoding="utf-8")
    assert "gzip_static on;" in site and "gzip on;" in site
    assert 'Cache-Control "public, max-age=31536000, immutable"' in site and 'Cache-Control "no-cache"' in site
    assert site.count("include static-headers.conf;") == site.count("location ") == 4  # every location
    assert "default-src 'none'" in headers and "nosniff" in headers


def test_compose_and_kubernetes_serve_the_site_from_that_configuration():
    dockerfile = (ROOT / "deploy" / "static-site.Dockerfile").read_text(encoding="utf-8")
    assert "apt-get install -y --no-install-recommends nginx" in dockerfile and "\nUSER www-data\n" in dockerfile
    for conf in ("nginx.conf", "static-site.conf", "static-headers.conf"):
        assert f"deploy/nginx/{conf}" in dockerfile
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text(encoding="utf-8"))
    site = compose["services"]["site"]
    assert site["build"]["dockerfile"] == "deploy/static-site.Dockerfile" and site["read_only"] is True
    assert any(str(p).endswith(":8080") for p in site["ports"])
    docs = {d["kind"]: d for d in yaml.safe_load_all((ROOT / "deploy" / "kubernetes" / "static-site.yaml")
                                                     .read_text(encoding="utf-8")) if d}
    container = docs["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    assert container["ports"][0]["containerPort"] == 8080 and "listen 8080;" in (NGINX_DIR / "nginx.conf").read_text()
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert {v["mountPath"] for v in container["volumeMounts"]} == {"/tmp"}  # pid and temporary files
    labels = docs["Deployment"]["spec"]["template"]["metadata"]["labels"]
    assert docs["Service"]["spec"]["selector"].items() <= labels.items()
    assert labels["app.kubernetes.io/component"] == "public-site"  # never selected by the app's Service
