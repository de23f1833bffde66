"""Keep Streamlit's garbage collection after every script run cheap (issue 14).

Streamlit runs ``gc.collect(2)`` after each script run (``runner.postScriptGC``, on by default:
it keeps memory from building up between runs). A full collection walks every tracked object
in the process, and this app's modules (pandas, pyarrow, plotly, pydeck, geopandas) make that
three to four times a hello-world page's heap: it was half of the CPU of opening a page.
Objects that live as long as the process (modules, classes, the word catalogue, cached
tables) never become garbage, so they are moved out of the collector's sight with
``gc.freeze()``; the collection after a run then walks only what that run made. Even so it held
the GIL on every open and made the CPU per open grow with the number of users, so the production
config turns ``runner.postScriptGC`` off (issue 20); Python's generational collection still runs.

Arrow buffers (pandas' string columns, Parquet reads, Arrow IPC for tables) come from Arrow's
own allocator, which keeps freed memory for reuse; the system allocator returns it, which kept
the server's resident memory about 20 MB lower over 50 sessions (``use_system_arrow_pool``).

We freeze again only when new modules have been imported since the last freeze (the first
visit of a page that imports more), at most ``MAX_FREEZES`` times per process, so what is
frozen is bounded and is mostly code.
"""

from __future__ import annotations

import gc
import sys

MAX_FREEZES = 16
_state = {"modules": 0, "freezes": 0}


def use_system_arrow_pool() -> None:
    """Arrow allocates from the C library's allocator (once per process; cheap to call again)."""
    if _state.get("pool"):
        return
    import pyarrow as pa

    pa.set_memory_pool(pa.system_memory_pool())
    _state["pool"] = 1


def settle() -> bool:
    """At the end of a script run: collect once and freeze what survives, if new modules were
    imported since the last time. Returns True when it froze."""
    n = len(sys.modules)
    if n <= _state["modules"] or _state["freezes"] >= MAX_FREEZES:
        return False
    gc.collect()
    gc.freeze()
    _state["modules"] = n
    _state["freezes"] += 1
    return True
