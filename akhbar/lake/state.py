"""Reading the run's whole-corpus state tables (contracts.STATE_TABLES, e.g. dedupe's `dedupe_index`).

Written by publish with the data tables (akhbar/lake/write.py, `runs` row last) and named by the
same snapshot; read back here by the next run. State is rebuilt from the data when it is
missing or damaged, so a damaged file must be a Python error the caller can catch and report,
not a panic: the table is read through delta-rs and pyarrow (polars' own parquet reader panics
on a file that is not parquet).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from deltalake import DeltaTable

from akhbar.lake.tables import latest_snapshot, run_map, table_path, table_version


def read_state(output_dir: Path | str, name: str) -> pl.DataFrame | None:
    """A state table as of the latest snapshot; None before the first run or when the snapshot lacks it.
    Raises an ordinary exception (OSError, ValueError, a delta-rs error) when it cannot be read."""
    snap = latest_snapshot(output_dir)
    if snap is None or name not in run_map(snap["table_versions"]):
        return None
    table = DeltaTable(str(table_path(output_dir, name)), version=table_version(snap, name))
    return pl.from_arrow(table.to_pyarrow_table())
