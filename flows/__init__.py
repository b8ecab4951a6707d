"""Prefect flows and the `akhbar` command line."""

import akhbar  # noqa: F401  (first: sets polars' allocator before polars loads, akhbar/memory.py)
