"""A throwaway PostgreSQL for the store tests (imported by conftest.py).

``TILLSYN_TEST_PG`` (a URL to a server where the user may create databases) is used when set.
Otherwise Debian's binaries (``/usr/lib/postgresql/*/bin``) make a cluster in a temporary folder
on a free loopback port, owned by the ``postgres`` user when the tests run as root (``initdb``
refuses root), and remove it afterwards. Without either, the PostgreSQL half of the store tests
is skipped on a developer's machine and FAILS in CI (``ci_env.in_ci``: any CI but empty, 0, false).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ci_env import missing


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_owner(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def unavailable(reason: str) -> None:
    """Skip on a developer's machine, fail in CI: CI must test both stores."""
    missing(f"PostgreSQL is required in CI: {reason}")


@contextmanager
def cluster() -> Iterator[str]:
    """A running server's admin URL (``postgresql+psycopg://...``), stopped and removed afterwards."""
    if url := os.environ.get("TILLSYN_TEST_PG"):
        yield url
        return
    bindir = _bin_dir()
    if bindir is None:
        unavailable("no PostgreSQL binaries (apt-get install postgresql) and no TILLSYN_TEST_PG")
    root = Path(tempfile.mkdtemp(prefix="tillsyn-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sock, "postgres")
    port = _free_port()
    try:
        subprocess.run(_as_owner([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                                  "-E", "UTF8", "--no-sync"]), check=True, capture_output=True)
        opts = (f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off")
        subprocess.run(_as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l",
                                  str(root / "log"), "-w", "-t", "60", "start"]), check=True, capture_output=True)
    except (subprocess.CalledProcessError, OSError) as exc:
        shutil.rmtree(root, ignore_errors=True)
        unavailable(f"could not start PostgreSQL: {exc}")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def fresh_database(admin_url: str) -> Iterator[str]:
    """An empty database on the server for one test; dropped afterwards."""
    import psycopg

    from dashboard.storage import postgres

    name = f"tillsyn_test_{uuid.uuid4().hex[:12]}"
    plain = admin_url.replace("+psycopg", "", 1)
    with psycopg.connect(plain, autocommit=True) as con:
        con.execute(f"CREATE DATABASE {name}")
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        postgres.dispose(url)
        with psycopg.connect(plain, autocommit=True) as con:
            con.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
