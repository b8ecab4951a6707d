"""polars' allocator returns freed memory at once (akhbar/memory.py)."""

import subprocess
import sys

from akhbar.memory import ARROW_POOL, ARROW_POOL_ENV, JEMALLOC_CONF, JEMALLOC_ENV, configure_allocator

# In a fresh process: import akhbar first (as every entry point does), build and drop ~0.5 GB of
# polars frames, and print RSS at the peak and after the drop (MB).
CHILD = """
import akhbar, polars as pl
def rss():
    return int(next(l for l in open('/proc/self/status') if l.startswith('VmRSS:')).split()[1]) // 1024
df = pl.DataFrame({"a": pl.int_range(0, 6_000_000, eager=True)}).with_columns(s=pl.col("a").cast(pl.String))
x = df.sort("s").join(df, on="a")
peak = rss()
del df, x
print(peak, rss())
"""


def test_configure_allocator_sets_a_default_and_keeps_the_callers_value():
    env = {}
    assert configure_allocator(env) == JEMALLOC_CONF and env[JEMALLOC_ENV] == JEMALLOC_CONF
    env = {JEMALLOC_ENV: ""}
    assert configure_allocator(env) == "" and env[JEMALLOC_ENV] == ""
    assert env[ARROW_POOL_ENV] == ARROW_POOL
    env = {ARROW_POOL_ENV: "mimalloc"}
    configure_allocator(env)
    assert env[ARROW_POOL_ENV] == "mimalloc"


def test_arrow_allocates_from_the_c_heap_in_a_process_that_imports_akhbar():
    env = {k: v for k, v in __import__("os").environ.items() if k != ARROW_POOL_ENV}
    out = subprocess.run([sys.executable, "-c", "import akhbar, pyarrow as pa; print(pa.default_memory_pool().backend_name)"],
                         capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "system"


def test_a_process_that_imports_akhbar_gives_freed_polars_memory_back():
    env = {k: v for k, v in __import__("os").environ.items() if k != JEMALLOC_ENV}
    out = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, env=env, check=True)
    peak, after = map(int, out.stdout.split())
    assert peak > after + 200, (peak, after)     # the dropped frames' pages left the process


def test_trim_hands_pages_back_or_does_nothing(monkeypatch):
    """akhbar.memory.trim (used by the executor after each stage and by dedupe between passes): callable
    anywhere, a no-op when AKHBAR_NO_TRIM=1; flows/graph.py uses the same function."""
    import flows.graph
    from akhbar import memory

    assert flows.graph.trim is memory.trim
    assert memory.trim() is None
    monkeypatch.setenv("AKHBAR_NO_TRIM", "1")
    assert memory.trim() is None
