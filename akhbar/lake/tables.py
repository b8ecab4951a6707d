"""Reading the lake: paths, snapshots (`runs` rows), snapshot resolution, tables at any snapshot.

A snapshot is one `runs` row naming a Delta version per table; `read_table` resolves the latest
snapshot (or a given run / Delta version) and reads exactly that version.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pyarrow as pa

from akhbar.contracts import KEYS, SCHEMAS, empty_frame

# The column saying which run first published a row (documents: ingest keeps it).
RUN_COLUMNS = {"documents": "ingested_run_id"}
INDEX_DIR = "_index"   # lake/_index/<table>: the per-key index publish compares against
HASH = "row_hash"      # the index's content-hash column

class SchemaChangeError(RuntimeError):
    """A published table would lose or retype a column and the operator did not allow it."""


class SnapshotError(LookupError):
    """A run or table version that does not exist (or was vacuumed)."""



def table_path(output_dir: Path | str, name: str) -> Path:
    return Path(output_dir) / "lake" / name


def index_path(output_dir: Path | str, name: str) -> Path:
    return Path(output_dir) / "lake" / INDEX_DIR / name


def delta_schema(name: str) -> pa.Schema:
    """The contract schema without field docs: they live in the contract, and delta-rs refuses
    to overwrite a table whose field metadata differs."""
    return pa.schema([f.remove_metadata() for f in SCHEMAS[name]])


def is_table(output_dir: Path | str, name: str) -> bool:
    return (table_path(output_dir, name) / "_delta_log").is_dir()


def snapshots(output_dir: Path | str) -> pl.DataFrame:
    """Published `runs` rows, oldest first (empty frame before the first run)."""
    if not is_table(output_dir, "runs"):
        return empty_frame("runs")
    runs = pl.read_delta(str(table_path(output_dir, "runs")))
    return runs.filter(pl.col("status") == "published").sort("finished_at", "run_id")


def latest_snapshot(output_dir: Path | str) -> dict | None:
    """The newest published `runs` row (the current snapshot), or None before the first run."""
    snaps = snapshots(output_dir)
    return snaps.row(-1, named=True) if snaps.height else None


def resolve_run(output_dir: Path | str, run: str | None = None) -> dict:
    """A published run by id, unique id prefix or 'latest' (None)."""
    snaps = snapshots(output_dir)
    if snaps.is_empty():
        raise SnapshotError(f"no published run under {Path(output_dir) / 'lake'}")
    if run in (None, "latest"):
        return snaps.row(-1, named=True)
    hits = snaps.filter(pl.col("run_id") == run)
    if hits.is_empty():
        hits = snaps.filter(pl.col("run_id").str.starts_with(run))
    if hits.height != 1:
        raise SnapshotError(f"run '{run}' {'is ambiguous' if hits.height else 'is not a published run'}; "
                            f"see `akhbar history`")
    return hits.row(0, named=True)


def table_version(snapshot: dict, name: str) -> int:
    version = json.loads(snapshot["table_versions"]).get(name)
    if version is None:
        raise SnapshotError(f"run {snapshot['run_id']} has no table '{name}'")
    return int(version)


def read_table(output_dir: Path | str, name: str, run: str | None = None, version: int | None = None
               ) -> pl.DataFrame:
    """A table at an explicit Delta version, or as named by a run (default: the latest snapshot),
    sorted by key."""
    if not is_table(output_dir, name):
        raise SnapshotError(f"no table '{name}' under {Path(output_dir) / 'lake'}")
    if version is None:
        version = table_version(resolve_run(output_dir, run), name)
    try:
        df = pl.read_delta(str(table_path(output_dir, name)), version=version)
    except Exception as exc:  # delta-rs raises several types for a missing version or vacuumed files
        raise SnapshotError(f"cannot read {name} version {version}: {str(exc).splitlines()[0]}") from exc
    # rows appended or replaced by later runs sit in later files: restore the key order
    return df.sort([k for k in KEYS.get(name, ()) if k in df.columns], nulls_last=True)


def read_latest(output_dir: Path | str, name: str) -> pl.DataFrame | None:
    """A table as of the latest snapshot, or None before the first run / when the snapshot lacks it."""
    snap = latest_snapshot(output_dir)
    if snap is None or name not in json.loads(snap["table_versions"]):
        return None
    return read_table(output_dir, name, version=table_version(snap, name))


def read_snapshot(output_dir: Path | str, names: list[str] | tuple[str, ...], run: str | None = None
                  ) -> dict[str, pl.DataFrame]:
    """Several tables from ONE snapshot (the latest, or `run`'s): the snapshot is resolved once,
    so a publish that lands between two reads cannot mix two snapshots."""
    snap = resolve_run(output_dir, run)
    return {name: read_table(output_dir, name, version=table_version(snap, name)) for name in names}
