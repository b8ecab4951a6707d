"""Memory the process gives back: polars' allocator told to return freed pages at once.

polars allocates through its own jemalloc, which by default keeps freed pages for about ten
seconds and only purges them when it allocates again, per thread arena. After a stage the flow's
process (and each worker) therefore kept the stage's peak as resident memory, and one stage's
freed pages were not reused by the next stage's other threads: measured on a sort + join of 20M
rows, RSS 1,870 MB at the peak and still 1,870 MB after the frames were dropped; with the
decay at 0 the peak was 1,078 MB and RSS fell back to 86 MB (issue 16, docs/scale.md). The cost
is more page faults: +15-25% CPU on that polars-only micro-benchmark, a few % of a run, whose
time is mostly Python.

jemalloc reads `_RJEM_MALLOC_CONF` once, when polars first allocates, so `configure_allocator`
must run before polars is imported: `akhbar/__init__.py` calls it, and the packages above import
akhbar first. A value already in the environment wins (set it to "" to keep jemalloc's
defaults). Processes started later (workers, Dask workers on this machine) inherit it.
"""

from __future__ import annotations

import ctypes
import os

JEMALLOC_ENV = "_RJEM_MALLOC_CONF"          # polars' jemalloc (tikv-jemallocator's prefix)
JEMALLOC_CONF = "dirty_decay_ms:0,muzzy_decay_ms:0"
# Arrow's buffers (the parquet writer's and reader's) from the C heap, which flows/graph.py `trim` hands
# back after each stage, not from Arrow's default mimalloc pool, which keeps freed pages for Arrow alone:
# ingest's and mark-new's parquet writers left ~30 MB that no later stage could use (docs/scale.md
# section 21: at 15k documents vocabulary's own peak 387 -> 357 MB). Read when pyarrow is first imported.
ARROW_POOL_ENV = "ARROW_DEFAULT_MEMORY_POOL"
ARROW_POOL = "system"


def configure_allocator(environ=None) -> str:
    """Set polars' jemalloc to return freed pages at once, and Arrow to allocate from the C heap, unless
    the environment says otherwise; return the jemalloc value in effect."""
    env = os.environ if environ is None else environ
    env.setdefault(ARROW_POOL_ENV, ARROW_POOL)
    return env.setdefault(JEMALLOC_ENV, JEMALLOC_CONF)


def trim() -> None:
    """glibc keeps the memory a stage's Python objects freed for the process: after a stage that
    built millions of them the RSS stays at the stage's peak. malloc_trim(0) returns free pages to
    the system (a no-op where there is no glibc; AKHBAR_NO_TRIM=1 turns it off, to measure). Called
    after each stage (flows/graph.py `release`) and inside dedupe between its passes."""
    global _libc
    if os.environ.get("AKHBAR_NO_TRIM") == "1":
        return
    if _libc is None:
        try:
            _libc = ctypes.CDLL("libc.so.6")
            _libc.malloc_trim.argtypes = [ctypes.c_size_t]
        except (OSError, AttributeError):
            _libc = False
    if _libc:
        _libc.malloc_trim(0)


_libc = None
