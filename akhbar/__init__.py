"""akhbar: Arabic news pages to a versioned, analysis-ready conflict-event dataset."""

from akhbar.memory import configure_allocator

configure_allocator()   # before anything imports polars (akhbar/memory.py)

__version__ = "0.1.0"
