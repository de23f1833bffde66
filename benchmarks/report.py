"""Write docs/performance.md from docs/performance.json, from one template.

The report is generated, never typed: every figure in it comes from the JSON through
``performance.md.j2`` beside this file, and every verdict from ``gates.py``, so text and data
cannot disagree. One definition of a kilobyte (1 000 B) and a megabyte (1 000 000 B) for all of it.
The sizing (``sizing.md.j2``) goes into docs/performance.md and, between its markers, into
docs/deploy.md; it takes the most conservative of the measured figures.

    python benchmarks/report.py                 # docs/performance.json -> docs/performance.md
"""

from __future__ import annotations

import contextlib
import json
import math
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: python benchmarks/report.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import gates as gate_rules  # noqa: E402
from benchmarks.gates import KB, MB, kb, machine_note, mb, ratio_text  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
JSON_PATH = ROOT / "docs" / "performance.json"
MD_PATH = ROOT / "docs" / "performance.md"
DEPLOY_PATH = ROOT / "docs" / "deploy.md"
TEMPLATE = Path(__file__).with_name("performance.md.j2")
HEADER = ("config", "machine", "date")
SIZES = (10, 50, 100, 250, 500)  # concurrent users in the sizing table

gates = gate_rules.gates
gates_table = gate_rules.table
__all__ = ["KB", "MB", "gates", "gates_table", "json_safe", "kb", "load", "mb", "merge", "render", "save",
           "sizing", "with_sizing", "write"]


def json_safe(obj: Any) -> Any:
    """NaN as null (JSON has no NaN), through dicts, lists and tuples: the JSON stays standard."""
    if isinstance(obj, float) and obj != obj:
        return None
    if isinstance(obj, dict):
        return {k: json_safe(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [json_safe(v) for v in obj]
    return obj


def load(path: Path) -> dict[str, Any]:
    """The JSON at ``path``, or an empty dict when it is missing or unreadable."""
    with contextlib.suppress(OSError, ValueError):
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if isinstance(data, dict):
            return data
    return {}


def save(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(json_safe(data), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def merge(path: Path, key: str, value: Any) -> dict[str, Any]:
    """Put ``value`` under ``key`` in the JSON file at ``path`` and keep every other key (each
    benchmark writes its own key of the same file). A missing or unreadable file starts empty."""
    data = load(path)
    data[key] = value
    save(path, data)
    return data


def has_header(data: dict[str, Any]) -> bool:
    """The report needs the run's header, which the browser group writes."""
    return all(k in data for k in HEADER)


def sizing_figures(c: dict[str, Any]) -> dict[str, Any]:
    """Users per core from the capacity figures, the *smallest* of: the highest passing step of one
    replica, that of two replicas per core, and what the CPU per page open at one user allows at
    70 % of a core. Replicas per number of users, with one spare for upgrades and failures."""
    t = c["targets"]
    one = t["app"]
    sources = {"one replica, highest step with p95 within the limit": float(one["capacity_users"])}
    if "app2" in t:
        sources["two replicas, highest step per replica"] = t["app2"]["capacity_users"] / 2
    sources["CPU per page open at one user, 70 % of a core"] = one["users_per_core_cpu"]
    positive = [v for v in sources.values() if v > 0]
    per_core = min(positive) if positive else 0.0
    rows = [{"users": n, "replicas": math.ceil(n / per_core) if per_core else None,
             "with_spare": math.ceil(n / per_core) + 1 if per_core else None} for n in SIZES]
    steps = one["steps"]
    churn = one.get("churn", {})
    peak = max([s.get("rss_peak_bytes", s["rss_bytes"]) for s in steps] + [churn.get("max_bytes") or 0])
    return {"per_core": per_core, "sources": sources, "rows": rows, "idle_rss_bytes": one["idle_rss_bytes"],
            "peak_rss_bytes": max(s.get("rss_peak_bytes", s["rss_bytes"]) for s in steps), "peak_users": steps[-1]["users"],
            "churn_max_bytes": churn.get("max_bytes"),
            # What a replica is given in deploy/kubernetes: the highest RSS seen (steps or churn) with a
            # fifth more, in 64 MB steps.
            "memory_request_mb": 64 * math.ceil(peak * 1.2 / MB / 64),
            "cpu_per_visit_s": steps[0]["cpu_s_per_visit"]}


def _env() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE.parent), undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True, autoescape=False,
    )
    env.filters.update(kb=kb, mb=mb, ratio=ratio_text, f2=lambda x: "–" if x is None else f"{x:.2f}",
                       f3=lambda x: "–" if x is None else f"{x:.3f}")
    env.globals.update(machine_note=machine_note, sizing_figures=sizing_figures)
    return env


def render(data: dict[str, Any]) -> str:
    """The Markdown report for one benchmark JSON (pure: same data, same text)."""
    rows = gates(data)
    mark = {True: "yes", False: "**no**", None: "–"}
    return _env().get_template(TEMPLATE.name).render(
        d=data, gates=rows, missed=[g for g in rows if g["pass"] is False], mark=mark, KB=KB,
        slow=[f for f in data.get("importing", {}).get("files", []) if f.get("ok") is False],
    )


SIZING_BEGIN = "<!-- sizing: generated by benchmarks/report.py from docs/performance.json -->\n"
SIZING_END = "<!-- sizing: end -->\n"


def sizing(data: dict[str, Any]) -> str:
    """The sizing section from the capacity figures, '' without them."""
    if "capacity" not in data:
        return ""
    return str(_env().get_template("sizing.md.j2").module.sizing(data["capacity"]))  # type: ignore[attr-defined]


def with_sizing(text: str, data: dict[str, Any]) -> str:
    """``text`` (docs/deploy.md) with its block between the sizing markers regenerated."""
    head, rest = text.split(SIZING_BEGIN, 1)
    _, tail = rest.split(SIZING_END, 1)
    return head + SIZING_BEGIN + sizing(data) + SIZING_END + tail


def write(json_path: Path = JSON_PATH, md_path: Path = MD_PATH, deploy_path: Path | None = DEPLOY_PATH) -> Path:
    """Regenerate the Markdown next to its JSON, and the sizing in docs/deploy.md (only for the
    repository's own JSON: a trial run elsewhere never rewrites the guide)."""
    data = load(json_path)
    md_path.write_text(render(data), encoding="utf-8")
    if deploy_path is not None and deploy_path.exists() and Path(json_path).resolve() == JSON_PATH.resolve():
        deploy_path.write_text(with_sizing(deploy_path.read_text(encoding="utf-8"), data), encoding="utf-8")
    return md_path


if __name__ == "__main__":
    args = sys.argv[1:]
    print(write(*(Path(a) for a in args[:2])) if args else write())
