"""Interfaces: the `akhbar` command line and evaluation. They use everything below (flows, tasks, akhbar)."""

import akhbar  # noqa: F401  (first: sets polars' allocator before polars loads, akhbar/memory.py)
