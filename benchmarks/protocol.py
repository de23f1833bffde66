"""A page open at the Streamlit protocol level, without a browser, and the servers to open it on.

A virtual user is what a browser does when someone opens a shared link: a websocket to
``/_stcore/stream`` (subprotocol ``streamlit``), one ``BackMsg`` with ``rerun_script`` (the page's
``page_name`` and ``query_string``, built with Streamlit's own protobuf classes, as the frontend does
on connect), then every ``ForwardMsg`` until ``script_finished``. Status 2 (stopped for a rerun)
means another run follows: keep reading. An exception element or ``page_not_found`` is an error
even though the run still ends with status 0; so is no ``script_finished`` in time.

The bytes of every frame are counted (decompressed, as the browser's Streamlit code receives
them): a new session has no cached messages, so this is what a first open of the page costs the
network, whatever Streamlit's per-session message cache saves on later reruns.

``cluster`` runs ``deploy/local-cluster`` (one or more replicas behind HAProxy, as deployed).
Used by ``capacity.py`` and ``page_cost.py``.
"""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CLUSTER = ROOT / "deploy" / "local-cluster"
FINISHED_EARLY_FOR_RERUN = 2


@dataclass
class Visit:
    page: str
    seconds: float
    ok: bool
    error: str = ""
    runs: int = 0  # script runs seen (a status-2 run and its successor count as two)
    bytes: int = 0  # websocket payload received, all frames


def back_msg(page_name: str, query_string: str) -> bytes:
    """The first message Streamlit's frontend sends on a new session: rerun the page for its URL."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    state = msg.rerun_script
    state.query_string = query_string
    state.page_name = page_name
    state.page_script_hash = ""
    state.context_info.timezone = "Europe/Stockholm"
    state.context_info.timezone_offset = -60
    state.context_info.locale = "sv-SE"
    state.context_info.is_embedded = False
    return msg.SerializeToString()


def problem(fwd: Any) -> str:
    """An error a person would see in this ForwardMsg, or ''."""
    kind = fwd.WhichOneof("type")
    if kind == "page_not_found":
        return f"page_not_found: {fwd.page_not_found.page_name!r}"
    if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
        element = fwd.delta.new_element
        if element.WhichOneof("type") == "exception":
            return f"exception: {element.exception.type}: {element.exception.message[:200]}"
    return ""


async def visit(base_url: str, page_name: str, query_string: str = "", timeout: float = 30.0,
                cookie: str | None = None, on_message: Callable[[Any, int], None] | None = None) -> Visit:
    """Open one new session on ``page_name?query_string`` and wait for the end of its script run.
    ``on_message(forward_msg, frame_bytes)`` sees every message (to break the bytes down)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.asyncio.client import connect

    label = page_name + (f"?{query_string}" if query_string else "")
    ws_url = base_url.replace("http://", "ws://", 1).rstrip("/") + "/_stcore/stream"
    headers = {"Cookie": cookie} if cookie else None
    t0 = time.perf_counter()
    errors: list[str] = []
    runs = size = 0
    try:
        async with asyncio.timeout(timeout):
            async with connect(ws_url, subprotocols=["streamlit"], origin=base_url.rstrip("/"),  # type: ignore[arg-type]
                               additional_headers=headers, max_size=None, open_timeout=timeout) as ws:
                await ws.send(back_msg(page_name, query_string))
                async for frame in ws:
                    if isinstance(frame, str):
                        size += len(frame.encode())
                        continue
                    size += len(frame)
                    fwd = ForwardMsg()
                    fwd.ParseFromString(frame)
                    if on_message is not None:
                        on_message(fwd, len(frame))
                    if found := problem(fwd):
                        errors.append(found)
                    if fwd.WhichOneof("type") == "script_finished":
                        runs += 1
                        if fwd.script_finished != FINISHED_EARLY_FOR_RERUN:
                            break
                else:
                    errors.append("connection closed before script_finished")
    except TimeoutError:
        errors.append(f"no script_finished within {timeout:.0f} s")
    except OSError as exc:
        errors.append(f"connection failed: {exc}")
    except Exception as exc:  # noqa: BLE001 - a protocol failure is an error of this visit, not the run
        errors.append(f"{type(exc).__name__}: {exc}")
    return Visit(label, time.perf_counter() - t0, not errors, "; ".join(errors), runs, size)


def run_visit(base_url: str, page_name: str, query_string: str = "", timeout: float = 60.0,
              on_message: Callable[[Any, int], None] | None = None) -> Visit:
    """``visit`` from synchronous code: on a thread of its own, since a running Playwright session
    keeps an event loop on the caller's thread and ``asyncio.run`` refuses to start inside one."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, visit(base_url, page_name, query_string, timeout,
                                               on_message=on_message)).result()


@contextmanager
def cluster(app: Path, replicas: int, state: Path, db: str | None = None) -> Iterator[dict[str, Any]]:
    """``deploy/local-cluster`` running; yields its cluster.json (url, replica pids, proxy pid).
    The replicas run in the repository's folder, so they read its ``.streamlit/config.toml``:
    a baseline page gets exactly the app's server settings."""
    from socket import socket

    with socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, str(CLUSTER), "--replicas", str(replicas), "--port", str(port),
           "--app", str(app), "--state-dir", str(state)]
    if db:
        cmd += ["--db", db]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line.startswith("READY"):
            raise RuntimeError(f"local-cluster did not start (see {state}): {line!r}")
        yield json.loads((state / "cluster.json").read_text(encoding="utf-8"))
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def element_kind(fwd: Any) -> str:
    """What a ForwardMsg carries, for a breakdown of a page's bytes: the element type of a new
    element (``deck_gl_json_chart``, ``arrow_data_frame``, ``plotly_chart``, ``markdown`` ...), else
    the message type (``new_session``, ``script_finished``, ``add_block`` ...)."""
    kind = fwd.WhichOneof("type") or "unknown"
    if kind != "delta":
        return kind
    delta = fwd.delta.WhichOneof("type") or "delta"
    if delta == "new_element":
        return fwd.delta.new_element.WhichOneof("type") or "element"
    return delta


def deck_layers(fwd: Any) -> dict[str, int]:
    """Bytes of each layer of a pydeck chart in this message (compact JSON), by layer id."""
    if fwd.WhichOneof("type") != "delta" or fwd.delta.WhichOneof("type") != "new_element":
        return {}
    element = fwd.delta.new_element
    if element.WhichOneof("type") != "deck_gl_json_chart":
        return {}
    spec = json.loads(element.deck_gl_json_chart.json or "{}")
    return {str(layer.get("id")): len(json.dumps(layer, ensure_ascii=False, separators=(",", ":")).encode())
            for layer in spec.get("layers", [])}
