"""Publish: one new Delta version per table, then one `runs` row naming them all.

The `runs` row is the snapshot and is committed last: a reader that resolves
'latest' through `runs` sees the previous snapshot or the new one, never a mix.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pyarrow as pa
from deltalake import DeltaTable, write_deltalake
from prefect import task

from akhbar.contracts import DATA_TABLES, SCHEMAS


def table_path(output_dir: Path | str, name: str) -> Path:
    return Path(output_dir) / "lake" / name


def latest_snapshot(output_dir: Path | str) -> dict | None:
    """The newest published `runs` row (the current snapshot), or None before the first run."""
    path = table_path(output_dir, "runs")
    if not (path / "_delta_log").is_dir():
        return None
    runs = pl.read_delta(str(path)).filter(pl.col("status") == "published")
    if runs.is_empty():
        return None
    return runs.sort("finished_at").row(-1, named=True)


def read_latest(output_dir: Path | str, name: str) -> pl.DataFrame | None:
    """A table as of the latest snapshot: the Delta version named by the newest `runs` row."""
    snap = latest_snapshot(output_dir)
    if snap is None:
        return None
    version = json.loads(snap["table_versions"]).get(name)
    if version is None:
        return None
    return pl.read_delta(str(table_path(output_dir, name)), version=version)


def to_arrow(name: str, df: pl.DataFrame) -> pa.Table:
    """Cast a frame to its contract schema (column order, types, nullability)."""
    schema = SCHEMAS[name]
    return df.select(schema.names).to_arrow().cast(schema)


def write_table(output_dir: Path, name: str, df: pl.DataFrame) -> int:
    """Write the table's full current content as a new Delta version; return that version."""
    path = table_path(output_dir, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_deltalake(str(path), to_arrow(name, df), mode="overwrite")
    return DeltaTable(str(path)).version()


def append_run(output_dir: Path, run_row: dict) -> int:
    path = table_path(output_dir, "runs")
    path.parent.mkdir(parents=True, exist_ok=True)
    tbl = pa.Table.from_pylist([run_row], schema=SCHEMAS["runs"])
    write_deltalake(str(path), tbl, mode="append")
    return DeltaTable(str(path)).version()


def publish(output_dir: Path | str, tables: dict[str, pl.DataFrame], run_row: dict) -> dict[str, int]:
    output_dir = Path(output_dir)
    versions = {name: write_table(output_dir, name, tables[name]) for name in DATA_TABLES if name in tables}
    run_row = dict(run_row, table_versions=json.dumps(versions, sort_keys=True))
    versions["runs"] = append_run(output_dir, run_row)
    return versions


@task(name="publish", retries=2, retry_delay_seconds=[1, 5])
def publish_task(output_dir: str, tables: dict[str, pl.DataFrame], run_row: dict) -> dict[str, int]:
    return publish(output_dir, tables, run_row)
