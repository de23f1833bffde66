"""The static public edition under load (issue 21): page views per second that nginx, with the
project's own configuration (deploy/nginx/), serves at a p95 of at most 100 ms, and the ratio to
the app's capacity from the same run (benchmarks/capacity.py, under ``capacity`` in the same JSON).

A page view is what a first-time visitor's browser fetches: one HTML page of the site (the
country, a region, a municipality or the method page, in either language, in turn) and the
stylesheet and the script it loads, each with ``Accept-Encoding: gzip`` over a kept-alive
HTTP/1.1 connection. Steps of concurrent users (closed loop, no think time) for a bounded window
each; the load comes from two client processes on the same cores as nginx, so the figure is what
one nginx worker gives while sharing the machine with its client: a lower bound.

The site is built first with ``tillsyn publish`` (the build's time and size are reported too).

    .venv/bin/python benchmarks/static_site.py                     # about a minute
    .venv/bin/python benchmarks/static_site.py --steps 1,8 --window 3 --out /tmp/s.json
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import multiprocessing
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script
    sys.path.insert(0, str(ROOT))

from benchmarks import harness  # noqa: E402

NGINX_DIR = ROOT / "deploy" / "nginx"
NGINX = Path(os.environ.get("TILLSYN_NGINX", "/usr/sbin/nginx"))
TARGET_P95_S = 0.100
NATIONAL_PAGE_LIMIT = 300_000  # bytes, the national page with everything it loads
BUILD_LIMIT_S = 120.0


def nginx_available() -> bool:
    return NGINX.is_file() and os.access(NGINX, os.X_OK)


def local_config(site: Path, port: int, tmp: Path, workers: int = 1) -> str:
    """deploy/nginx/nginx.conf for a run on this machine: only where it listens, the site's folder,
    the worker count and where its pid, log and temporary files go differ. Every replacement must
    apply, so a change to the deployed file cannot silently leave the tests on another config."""
    text = (NGINX_DIR / "nginx.conf").read_text(encoding="utf-8")
    for old, new in (("worker_processes auto;", f"worker_processes {workers};"),
                     ("pid /tmp/nginx.pid;", f"pid {tmp}/nginx.pid;"),
                     ("error_log stderr warn;", f"error_log {tmp}/error.log warn;"),
                     ("listen 8080;", f"listen 127.0.0.1:{port};"),
                     ("root /srv/site;", f"root {site};")):
        if old not in text:
            raise RuntimeError(f"deploy/nginx/nginx.conf no longer has {old!r}")
        text = text.replace(old, new)
    return text.replace("/tmp/nginx-", f"{tmp}/nginx-")


NOBODY = 65534  # who nginx runs as when this process is root (CI is): never a privileged server


def readable_by_all(path: Path) -> bool:
    """Whether every folder down to ``path`` lets others in and ``path`` is readable: the unprivileged
    server must be able to read the site."""
    path = path.resolve()
    return all(os.stat(p).st_mode & 0o001 for p in (path, *path.parents)) and bool(os.stat(path).st_mode & 0o004)


def site_folder(prefix: str = "tillsyn-site-") -> Path:
    """A new temporary folder the unprivileged server can read (pytest's and TemporaryDirectory's
    folders are private to their owner)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    folder.chmod(0o755)
    return folder


class Nginx:
    """nginx serving ``site`` with the project's configuration, as an unprivileged process (the
    user ``nobody`` when this process is root), on a free loopback port, with its own temporary
    prefix; a context manager. ``url`` ends without a slash."""

    def __init__(self, site: Path, workers: int = 1, timeout: float = 15) -> None:
        self.site = Path(site).resolve()
        self.workers = workers
        self.timeout = timeout
        self.port = harness.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.tmp: Path | None = None
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Nginx:
        if not nginx_available():
            raise RuntimeError(f"no nginx at {NGINX} (apt-get install nginx)")
        root = os.geteuid() == 0
        if root and not readable_by_all(self.site):
            raise RuntimeError(f"{self.site} is not readable by others: the unprivileged server cannot serve it "
                               "(build it into benchmarks.static_site.site_folder())")
        self.tmp = Path(tempfile.mkdtemp(prefix="tillsyn-nginx-"))
        for conf in NGINX_DIR.glob("*.conf"):
            shutil.copy(conf, self.tmp / conf.name)  # the includes, byte for byte
        (self.tmp / "nginx.conf").write_text(local_config(self.site, self.port, self.tmp, self.workers),
                                             encoding="utf-8")
        conf = str(self.tmp / "nginx.conf")
        as_user: dict[str, Any] = {}
        if root:
            for p in (self.tmp, *self.tmp.iterdir()):
                os.chown(p, NOBODY, NOBODY)
            as_user = {"user": NOBODY, "group": NOBODY, "extra_groups": []}
        base = [str(NGINX), "-p", str(self.tmp), "-e", str(self.tmp / "error.log"), "-c", conf]
        check = subprocess.run([*base, "-t", "-q"], capture_output=True, text=True, **as_user)
        if check.returncode:
            raise RuntimeError(f"nginx -t failed: {check.stderr.strip()}")
        self.proc = subprocess.Popen([*base, "-g", "daemon off;"], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
                                     **as_user)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.proc.stderr.read().decode(errors='replace') if self.proc.stderr else ''}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return self
            time.sleep(0.05)
        self.stop()
        raise TimeoutError(f"nginx did not listen on {self.port} within {self.timeout:.0f} s")

    def error_log(self) -> str:
        if self.tmp is None:
            return ""
        with contextlib.suppress(OSError):
            return (self.tmp / "error.log").read_text(encoding="utf-8", errors="replace")
        return ""

    def pids(self) -> list[int]:
        """The master and its workers (for CPU time from /proc)."""
        if self.proc is None:
            return []
        out = [self.proc.pid]
        with contextlib.suppress(OSError):
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
            out += [int(c) for c in children]
        return out

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None

    def __enter__(self) -> Nginx:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --------------------------------------------------------------------------- the load client

_LENGTH = re.compile(rb"\r\ncontent-length:\s*(\d+)", re.IGNORECASE)
_CHUNKED = re.compile(rb"\r\ntransfer-encoding:\s*chunked", re.IGNORECASE)
_CLOSE = re.compile(rb"\r\nconnection:\s*close", re.IGNORECASE)


async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> tuple[int, int, bool]:
    """One GET on a kept-alive connection: (status, body bytes, whether the server closes it now:
    nginx ends a connection after ``keepalive_requests``, and a browser then opens a new one)."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: gzip\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    closing = bool(_CLOSE.search(head))
    m = _LENGTH.search(head)
    if m:
        body = await reader.readexactly(int(m.group(1)))
        return status, len(body), closing
    if _CHUNKED.search(head):
        size = 0
        while True:
            n = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            await reader.readexactly(n + 2)
            size += n
            if n == 0:
                return status, size, closing
    raise RuntimeError(f"{path}: no length in the response")


async def _users(port: int, views: list[list[str]], users: int, window: float, offset: int) -> dict[str, Any]:
    latencies: list[float] = []
    errors: list[str] = []
    end = time.perf_counter() + window

    async def user(i: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        k = offset + i * 7
        try:
            while time.perf_counter() < end:
                t0 = time.perf_counter()
                try:
                    for path in views[k % len(views)]:
                        status, _, closing = await _get(reader, writer, path)
                        if status != 200:
                            raise RuntimeError(f"{path}: HTTP {status}")
                        if closing:
                            writer.close()
                            reader, writer = await asyncio.open_connection("127.0.0.1", port)
                except (OSError, RuntimeError, asyncio.IncompleteReadError) as exc:
                    errors.append(str(exc)[:200])
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                else:
                    latencies.append(time.perf_counter() - t0)
                k += 1
        finally:
            writer.close()

    await asyncio.gather(*(user(i) for i in range(users)))
    return {"latencies": latencies, "errors": errors}


def _client(args: tuple[int, list[list[str]], int, float, int]) -> dict[str, Any]:
    port, views, users, window, offset = args
    return asyncio.run(_users(port, views, users, window, offset))


def _cpu_s(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError):
            total += harness.proc_cpu_s(pid)
    return total


def step(server: Nginx, views: list[list[str]], users: int, window: float, clients: int) -> dict[str, Any]:
    """``users`` concurrent users (spread over ``clients`` processes) for ``window`` seconds."""
    clients = max(1, min(clients, users))
    shares = [users // clients + (1 if i < users % clients else 0) for i in range(clients)]
    cpu0, t0 = _cpu_s(server.pids()), time.perf_counter()
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        parts = pool.map(_client, [(server.port, views, n, window, 1000 * i) for i, n in enumerate(shares)])
    elapsed = time.perf_counter() - t0
    lat = sorted(x for p in parts for x in p["latencies"])
    errors = [e for p in parts for e in p["errors"]]
    return {"users": users, "page_views": len(lat), "errors": len(errors), "error_samples": sorted(set(errors))[:5],
            "elapsed_s": elapsed, "page_views_per_s": len(lat) / elapsed, "requests_per_s": len(lat) * 3 / elapsed,
            "p50_s": harness.median(lat), "p95_s": harness.p95(lat),
            "nginx_cpu_s_per_view": (_cpu_s(server.pids()) - cpu0) / max(1, len(lat)),
            "loadavg_after": os.getloadavg()[0]}


# --------------------------------------------------------------------------- the run


def _page_views(site: Path) -> list[list[str]]:
    """Every HTML page of the site with the stylesheet and script it loads, as URL paths."""
    listing = json.loads((site / "manifest.json").read_text(encoding="utf-8"))["files"]
    html = [f["path"] for f in listing if f["path"].endswith(".html")]
    assets = sorted(f["path"] for f in listing if f["path"].startswith("assets/") and not f["path"].endswith(".gz"))
    return [[f"/{p}", *(f"/{a}" for a in assets)] for p in html]


def _transfer(url: str, paths: list[str]) -> int:
    """Bytes on the wire (compressed, as a browser asks) for ``paths``."""
    import urllib.request

    total = 0
    for path in paths:
        req = urllib.request.Request(url + path, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(req, timeout=10) as r:
            total += len(r.read())
    return total


def build_site(out: Path) -> dict[str, Any]:
    """``tillsyn publish`` of the newest round into ``out``, timed in a fresh process."""
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "dashboard.cli", "publish", "--out", str(out)],
                          capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - t0
    if done.returncode:
        raise RuntimeError(f"tillsyn publish failed: {done.stderr.strip()}")
    files = [p for p in out.rglob("*") if p.is_file()]
    return {"build_s": seconds, "build_limit_s": BUILD_LIMIT_S, "files": len(files),
            "pages": sum(1 for p in files if p.suffix == ".html"), "bytes": sum(p.stat().st_size for p in files)}


def app_capacity(data: dict[str, Any]) -> dict[str, Any] | None:
    """The app's capacity (one replica) from benchmarks/capacity.py's result, if the file has one."""
    cap = data.get("capacity") or {}
    app = (cap.get("targets") or {}).get("app")
    if not app:
        return None
    return {"visits_per_s": float(app.get("capacity_visits_per_s") or 0.0), "date": cap.get("date"),
            "replicas": app.get("replicas", 1)}


def run(args: argparse.Namespace, capacity: dict[str, Any] | None = None) -> dict[str, Any]:
    steps = [int(x) for x in args.steps.split(",")]
    folder = site_folder("tillsyn-static-")
    try:
        site = folder / "site"
        print("static site: building", file=sys.stderr, flush=True)
        built = build_site(site)
        views = _page_views(site)
        with Nginx(site, workers=args.workers) as server:
            national = _transfer(server.url, views[[v[0] for v in views].index("/index.html")])
            for view in views[:50]:  # warm the file cache
                _transfer(server.url, view[:1])
            rows = []
            for users in steps:
                row = step(server, views, users, args.window, args.clients)
                rows.append(row)
                print(f"  {users:>3} users: {row['page_views_per_s']:.0f} page views/s, p50 {row['p50_s'] * 1000:.1f} ms, "
                      f"p95 {row['p95_s'] * 1000:.1f} ms, {row['errors']} errors", file=sys.stderr, flush=True)
            errors_logged = server.error_log().count("[error]")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    good = [r for r in rows if r["p95_s"] <= TARGET_P95_S and r["errors"] == 0]
    best = max(good, key=lambda r: r["page_views_per_s"]) if good else None
    out: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "config": {"steps": steps, "window_s": args.window, "workers": args.workers, "clients": args.clients,
                   "target_p95_s": TARGET_P95_S, "page_view": "HTML + stylesheet + script, gzip, keep-alive",
                   "pages": len(views)},
        "build": built,
        "national_page_bytes": national, "national_page_limit": NATIONAL_PAGE_LIMIT,
        "steps": rows,
        "capacity_page_views_per_s": best["page_views_per_s"] if best else 0.0,
        "capacity_users": best["users"] if best else 0,
        "nginx_errors_logged": errors_logged,
    }
    if capacity and capacity["visits_per_s"] > 0:
        out["app"] = capacity
        out["ratio_to_app"] = out["capacity_page_views_per_s"] / capacity["visits_per_s"]
    out["gates"] = [
        {"gate": "Static site: page views/s at p95 ≤ 100 ms (> 0)", "value": out["capacity_page_views_per_s"],
         "pass": out["capacity_page_views_per_s"] > 0},
        {"gate": "Static site: build ≤ 120 s", "value": built["build_s"], "pass": built["build_s"] <= BUILD_LIMIT_S},
        {"gate": "Static site: national page ≤ 300 KB", "value": national, "pass": national <= NATIONAL_PAGE_LIMIT},
    ]
    return out


def lines(r: dict[str, Any]) -> list[str]:
    """The result in a few sentences for the terminal."""
    b = r["build"]
    out = [f"Build: {b['pages']} pages, {b['files']} files, {b['bytes'] / 1e6:.1f} MB in {b['build_s']:.1f} s; "
           f"national page {r['national_page_bytes'] / 1000:.0f} KB with everything it loads.",
           f"Capacity at p95 ≤ 100 ms: {r['capacity_page_views_per_s']:.0f} page views/s "
           f"({r['capacity_users']} users, {r['config']['workers']} nginx worker)."]
    if "ratio_to_app" in r:
        out.append(f"App (1 replica, same run): {r['app']['visits_per_s']:.1f} page opens/s; "
                   f"ratio {r['ratio_to_app']:.0f}×.")
    else:
        out.append("No app capacity in this run's JSON: run `tillsyn bench --only capacity,static_site` for the ratio.")
    return out


def section(r: dict[str, Any]) -> str:
    """The report's "Static site" section (docs/performance.md) in Markdown, from this result only."""
    b, c = r["build"], r["config"]
    rows = "\n".join(
        f"| {s['users']} | {s['page_views_per_s']:.0f} | {s['requests_per_s']:.0f} | {s['p50_s'] * 1000:.1f} | "
        f"{s['p95_s'] * 1000:.1f} | {s['errors']} | {s['nginx_cpu_s_per_view'] * 1e6:.0f} |"
        for s in r["steps"])
    app = r.get("app")
    ratio = (f"**{r['ratio_to_app']:.0f}×** the app's capacity measured in the same run "
             f"({app['visits_per_s']:.2f} page opens per second at its own target, one replica, "
             f"capacity run of {str(app['date'])[:16].replace('T', ' ')} UTC)" if app
             else "no app capacity in the same run (run `tillsyn bench --only capacity,static_site`)")
    gates = "\n".join(f"| {g['gate']} | {'pass' if g['pass'] else 'FAIL'} |" for g in r["gates"])
    return f"""## Static site

The public edition (`tillsyn publish`, docs/publish.md), {r['date'][:16].replace('T', ' ')} UTC: built in
**{b['build_s']:.1f} s** ({b['pages']} pages, {b['files']} files, {b['bytes'] / 1e6:.1f} MB; limit
{b['build_limit_s']:.0f} s); the national page with everything it loads is **{r['national_page_bytes'] / 1000:.0f} KB**
on the wire (limit {r['national_page_limit'] / 1000:.0f} KB). Served by nginx with deploy/nginx/ ({c['workers']}
worker), a page view being {c['page_view']}, {c['pages']} pages in turn, {c['window_s']:.0f} s per step,
{c['clients']} client processes on the same cores (a lower bound):

| Users | Page views/s | Requests/s | p50 (ms) | p95 (ms) | Errors | nginx CPU per view (µs) |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: |
{rows}

**{r['capacity_page_views_per_s']:.0f} page views per second at a p95 of at most 100 ms**: {ratio}.

| Gate | Result |
| --- | --- |
{gates}
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--steps", default="1,8,32,64", help="concurrent users per step")
    p.add_argument("--window", type=float, default=8.0, help="seconds per step")
    p.add_argument("--workers", type=int, default=1, help="nginx worker processes")
    p.add_argument("--clients", type=int, default=2, help="load client processes")
    p.add_argument("--out", default=str(ROOT / "docs" / "performance.json"))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="static_site", description=__doc__.splitlines()[0])
    add_arguments(p)
    args = p.parse_args(argv)
    out = Path(args.out)
    data = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    result = run(args, app_capacity(data))
    data["static_site"] = result
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print("\n".join(lines(result)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
