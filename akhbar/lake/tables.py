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


# `runs` columns that are maps since contract 2.0.0; before, they held the same mapping as JSON text
RUN_MAPS = ("parameters", "table_versions", "counts", "table_hashes", "index_versions")


def run_map(value: object) -> dict:
    """One `runs` map cell as a dict, whether the lake stores it as a map (contract >= 2.0.0) or
    as JSON text (older lakes, until their next publish upgrades them)."""
    if value is None:
        return {}
    if isinstance(value, str):
        return json.loads(value or "{}")
    return dict(value)


def map_text(value: object) -> str:
    """A parameter value as the `parameters` map stores it: text as given, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)


def runs_rows(runs: pl.DataFrame) -> list[dict]:
    """`runs` rows with every map column a dict, in the contract's value types (JSON-text maps
    of an older lake converted: version and row counts as integers, parameters as text)."""
    texts = {f.name for f in SCHEMAS["runs"] if f.name in RUN_MAPS and pa.types.is_string(f.type.item_type)}
    rows = runs.to_dicts()
    for row in rows:
        for column in RUN_MAPS:
            if column in row and row[column] is not None:
                cast = map_text if column in texts else int
                row[column] = {k: cast(v) for k, v in run_map(row[column]).items()}
    return rows


def read_runs(output_dir: Path | str) -> pl.DataFrame:
    """The whole `runs` table in the contract's types (an older lake's JSON-text columns read as maps)."""
    runs = pl.read_delta(str(table_path(output_dir, "runs")))
    if all(runs.schema.get(c) != pl.String for c in RUN_MAPS):
        return runs
    schema = delta_schema("runs")
    return pl.from_arrow(pa.Table.from_pylist(
        [{c: row.get(c) for c in schema.names} for row in runs_rows(runs)], schema=schema))


def snapshots(output_dir: Path | str) -> pl.DataFrame:
    """Published `runs` rows, oldest first (empty frame before the first run)."""
    if not is_table(output_dir, "runs"):
        return empty_frame("runs")
    return read_runs(output_dir).filter(pl.col("status") == "published").sort("finished_at", "run_id")


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
    version = run_map(snapshot["table_versions"]).get(name)
    if version is None:
        raise SnapshotError(f"run {snapshot['run_id']} has no table '{name}'")
    return int(version)


def read_table(output_dir: Path | str, name: str, run: str | None = None, version: int | None = None
               ) -> pl.DataFrame:
    """A table at an explicit Delta version, or as named by a run (default: the latest snapshot),
    sorted by key."""
    if not is_table(output_dir, name):
        raise SnapshotError(f"no table '{name}' under {Path(output_dir) / 'lake'}")
    if name == "runs" and version is None:
        # `runs` names the snapshots and is not named by them: its newest version holds every run
        resolve_run(output_dir, run)
        return read_runs(output_dir).sort("finished_at", "run_id")
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
    if snap is None or name not in run_map(snap["table_versions"]):
        return None
    return read_table(output_dir, name, version=table_version(snap, name))


def scan_latest(output_dir: Path | str, name: str) -> pl.LazyFrame | None:
    """A table as of the latest snapshot, not read yet: a reader selects the columns (and rows) it
    needs, and only those are read from the files (a rerun's ingest reads the known documents' keys,
    then their rows with text only for the files it does not parse again). Not sorted; None as
    `read_latest`. The version is fixed now, so a later publish does not change what it reads."""
    snap = latest_snapshot(output_dir)
    if snap is None or name not in run_map(snap["table_versions"]):
        return None
    return pl.scan_delta(str(table_path(output_dir, name)), version=table_version(snap, name))


def read_snapshot(output_dir: Path | str, names: list[str] | tuple[str, ...], run: str | None = None
                  ) -> dict[str, pl.DataFrame]:
    """Several tables from ONE snapshot (the latest, or `run`'s): the snapshot is resolved once,
    so a publish that lands between two reads cannot mix two snapshots."""
    snap = resolve_run(output_dir, run)
    return {name: read_table(output_dir, name, version=table_version(snap, name)) for name in names}
