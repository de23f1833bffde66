"""deploy/kubernetes/: every manifest validates against the Kubernetes API schemas, offline.

kubernetes-validate carries the schemas of each Kubernetes release in the package, so nothing is
fetched (the test forbids network connections while it runs). Strict mode: an unknown or
misspelt field is an error, not ignored. Every YAML file in the folder is covered, whoever adds
it. Beyond the schema: the probes, the sticky ingress, the autoscaler, the configuration, the
backup job, and resources that follow the measured figures in docs/performance.json."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "deploy" / "kubernetes"
# The oldest release the manifests are meant for (CronJob timeZone is GA from 1.27) and the newest
# one the validator knows.
OLDEST = "1.29.0"


def _manifests() -> list[Path]:
    return sorted(p for p in FOLDER.iterdir() if p.suffix in (".yaml", ".yml"))


def _documents(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d is not None]


def _all() -> dict[str, dict[str, Any]]:
    """Every document by 'Kind/name'."""
    return {f"{d['kind']}/{d['metadata']['name']}": d for p in _manifests() for d in _documents(p)}


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access during validation: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def _validate(doc: dict[str, Any]) -> None:
    import kubernetes_validate

    for version in (OLDEST, kubernetes_validate.latest_version()):
        kubernetes_validate.validate(doc, version, strict=True)


@pytest.mark.parametrize("path", _manifests(), ids=lambda p: p.name)
def test_every_manifest_in_the_folder_validates_offline(path: Path, offline: None) -> None:
    docs = _documents(path)
    assert docs, f"{path.name} holds no manifest"
    for doc in docs:
        _validate(doc)


def test_the_validator_rejects_what_a_cluster_would(offline: None) -> None:
    import kubernetes_validate

    deployment = _all()["Deployment/tillsyn"]
    broken = json.loads(json.dumps(deployment))
    broken["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        _validate(broken)
    misspelt = json.loads(json.dumps(deployment))
    misspelt["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {"httpGet": {"path": "/", "port": 1}}
    with pytest.raises(kubernetes_validate.ValidationError):
        _validate(misspelt)


def test_the_folder_has_every_piece_of_a_deployment() -> None:
    kinds = {key.split("/")[0] for key in _all()}
    assert {"Deployment", "Service", "Ingress", "HorizontalPodAutoscaler", "Secret", "ConfigMap",
            "CronJob"} <= kinds, kinds


def _app() -> tuple[dict[str, Any], dict[str, Any]]:
    deployment = _all()["Deployment/tillsyn"]
    return deployment, deployment["spec"]["template"]["spec"]["containers"][0]


def test_probes_ask_streamlits_health_endpoint_and_the_service_finds_the_pods() -> None:
    deployment, app = _app()
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert app[probe]["httpGet"]["path"] == "/_stcore/health" and app[probe]["httpGet"]["port"] == "http"
    assert app["ports"][0] == {"name": "http", "containerPort": 8501, "protocol": "TCP"}
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    docs = _all()
    for selector in (docs["Service/tillsyn"]["spec"]["selector"],
                     docs["PodDisruptionBudget/tillsyn"]["spec"]["selector"]["matchLabels"]):
        assert selector.items() <= labels.items()


def test_ingress_keeps_each_user_on_one_replica_and_websockets_open() -> None:
    ingress = _all()["Ingress/tillsyn"]
    notes = ingress["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert notes["nginx.ingress.kubernetes.io/affinity-mode"] == "persistent"
    assert notes["nginx.ingress.kubernetes.io/session-cookie-name"]
    assert int(notes["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600
    assert ingress["spec"]["ingressClassName"] == "nginx"
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": "tillsyn", "port": {"name": "http"}}


def test_autoscaler_scales_the_app_on_cpu() -> None:
    hpa = _all()["HorizontalPodAutoscaler/tillsyn"]["spec"]
    assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "tillsyn"}
    (metric,) = hpa["metrics"]
    assert metric["resource"]["name"] == "cpu" and metric["resource"]["target"]["type"] == "Utilization"
    assert 2 <= hpa["minReplicas"] < hpa["maxReplicas"]


def test_configuration_comes_from_the_secret_and_the_config_map() -> None:
    docs = _all()
    _, app = _app()
    secret = docs["Secret/tillsyn-secrets"]["stringData"]
    assert {"TILLSYN_DB", "STREAMLIT_SERVER_COOKIE_SECRET", "TILLSYN_ADMIN_PASSWORD", "secrets.toml"} <= set(secret)
    assert secret["TILLSYN_DB"].startswith("postgresql+psycopg://")  # several replicas: never a DuckDB file
    from_secret = {e["name"]: e["valueFrom"]["secretKeyRef"]["key"] for e in app["env"]}
    assert from_secret == {k: k for k in ("TILLSYN_DB", "STREAMLIT_SERVER_COOKIE_SECRET", "TILLSYN_ADMIN_PASSWORD")}
    assert app["envFrom"] == [{"configMapRef": {"name": "tillsyn-config"}}]
    config = docs["ConfigMap/tillsyn-config"]["data"]
    assert config["STREAMLIT_SERVER_FILE_WATCHER_TYPE"] == "none"
    mounted = {m["mountPath"] for m in app["volumeMounts"]}
    assert "/app/.streamlit/secrets.toml" in mounted  # OIDC and the admins' addresses
    assert "/app/static/maps" in mounted  # the app writes the maps' data files there (static_files)


def test_backup_job_runs_tillsyn_backup_on_the_same_database() -> None:
    job = _all()["CronJob/tillsyn-backup"]["spec"]
    assert job["concurrencyPolicy"] == "Forbid"
    container = job["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    assert "tillsyn backup --out" in " ".join(container["command"])
    assert container["env"][0]["valueFrom"]["secretKeyRef"] == {"name": "tillsyn-secrets", "key": "TILLSYN_DB"}
    claim = job["jobTemplate"]["spec"]["template"]["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"]
    assert f"PersistentVolumeClaim/{claim}" in _all()


def _bytes(quantity: str) -> float:
    units = {"k": 1e3, "M": 1e6, "G": 1e9, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30}
    for unit in sorted(units, key=len, reverse=True):
        if quantity.endswith(unit):
            return float(quantity[: -len(unit)]) * units[unit]
    return float(quantity)


def _cores(quantity: str) -> float:
    return float(quantity[:-1]) / 1000 if quantity.endswith("m") else float(quantity)


def test_requests_and_limits_follow_the_measured_cpu_and_memory() -> None:
    """The memory request covers the measured peak RSS of a replica (at the largest step and through
    the churn of users); the CPU request is the one core a replica uses, and the limit is above the
    most any replica used in the capacity steps."""
    perf = json.loads((ROOT / "docs" / "performance.json").read_text(encoding="utf-8"))
    app = perf["capacity"]["targets"]["app"]
    peak = max([s["rss_peak_bytes"] for s in app["steps"]] + [app.get("churn", {}).get("max_bytes", 0)])
    busiest = max(s["visits_per_s"] * s["cpu_s_per_visit"] for s in app["steps"])
    _, container = _app()
    resources = container["resources"]
    assert _bytes(resources["requests"]["memory"]) >= peak
    assert _bytes(resources["limits"]["memory"]) >= 1.5 * _bytes(resources["requests"]["memory"])
    assert _cores(resources["requests"]["cpu"]) == 1
    assert _cores(resources["limits"]["cpu"]) >= max(1.0, busiest)
