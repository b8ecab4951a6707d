"""How a stage hands batches of per-item work to whoever runs them (issue 16.4).

A stage in tasks/ takes a `mapper`: mapper(fn, items, *args) yields fn(item, *args) for each item,
in the items' order. The default runs them here; the flow passes flows/workers.py `map_bounded`,
which runs them in the worker processes with a bounded number in flight. `fn` must be a
module-level function (it is pickled to the workers) and the results must not depend on who ran it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow.parquet as pq

Mapper = Callable[..., Iterable[Any]]


def in_process(fn: Callable[..., Any], items: Iterable[Any], *args: Any) -> Iterator[Any]:
    """fn(item, *args) for each item, in this process."""
    return (fn(item, *args) for item in items)


class ParquetSink:
    """A parquet file written a frame at a time (each frame in row groups of at most `group_rows`
    rows), for a stage that makes its output in slices: only the slice being written is held. A sink
    given no frame writes `empty` (a frame with the file's columns) when it closes, if given."""

    def __init__(self, path: Path | str, group_rows: int, empty: pl.DataFrame | None = None):
        self.path, self.group_rows, self.empty, self.writer = str(path), group_rows, empty, None

    def __enter__(self) -> "ParquetSink":
        return self

    def write(self, frame: pl.DataFrame) -> None:
        table = frame.to_arrow()
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.path, table.schema)
        if frame.height:
            self.writer.write_table(table, row_group_size=self.group_rows)

    def __exit__(self, *exc) -> None:
        if self.writer is None and self.empty is not None:
            self.write(self.empty)
        if self.writer is not None:
            self.writer.close()
