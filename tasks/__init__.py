"""Pipeline stages: one module per stage, pure functions over polars frames plus a thin @task wrapper."""

import akhbar  # noqa: F401  (first: sets polars' allocator before polars loads, akhbar/memory.py)
