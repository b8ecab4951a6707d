"""Publish: one new Delta version per changed table, then one `runs` row naming them all.

The `runs` row is the snapshot and is committed last: a reader that resolves
'latest' through `runs` (read_latest, read_table) sees the previous snapshot or
the new one, never a mix, even if the process dies between two table commits.
The next run simply writes every table again (full state) and names the new
versions; versions left by the crashed run are named by no snapshot.

Tables are written as full state, sorted by key. A table whose content hash
equals the one recorded by the previous snapshot is not rewritten: the new
`runs` row names the same version again, so a rerun over unchanged input adds a
`runs` row and no table versions. Rows whose key already existed keep the
run_id of the run that first published them, so reruns are identical in content.

Schema evolution is checked against each existing Delta table before anything
is written: added columns are merged in and recorded; dropped or retyped
columns are refused (SchemaChangeError) unless `allow_breaking_schema`.
See docs/publish.md.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import deltalake
import polars as pl
import pyarrow as pa
from deltalake import DeltaTable, write_deltalake
from prefect import task

from akhbar.contracts import DATA_TABLES, KEYS, SCHEMAS, empty_frame
from akhbar.ids import sha256_bytes
from akhbar.lock import LockError, writer_lock

# The column saying which run first published a row (documents: ingest keeps it).
RUN_COLUMNS = {"documents": "ingested_run_id"}


class SchemaChangeError(RuntimeError):
    """A published table would lose or retype a column and the operator did not allow it."""


class SnapshotError(LookupError):
    """A run or table version that does not exist (or was vacuumed)."""


# ----------------------------------------------------------------------------- reading snapshots

def table_path(output_dir: Path | str, name: str) -> Path:
    return Path(output_dir) / "lake" / name


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
    """A table at an explicit Delta version, or as named by a run (default: the latest snapshot)."""
    if not is_table(output_dir, name):
        raise SnapshotError(f"no table '{name}' under {Path(output_dir) / 'lake'}")
    if version is None:
        version = table_version(resolve_run(output_dir, run), name)
    try:
        return pl.read_delta(str(table_path(output_dir, name)), version=version)
    except Exception as exc:  # delta-rs raises several types for a missing version or vacuumed files
        raise SnapshotError(f"cannot read {name} version {version}: {str(exc).splitlines()[0]}") from exc


def read_latest(output_dir: Path | str, name: str) -> pl.DataFrame | None:
    """A table as of the latest snapshot, or None before the first run / when the snapshot lacks it."""
    snap = latest_snapshot(output_dir)
    if snap is None or name not in json.loads(snap["table_versions"]):
        return None
    return read_table(output_dir, name, version=table_version(snap, name))


# ----------------------------------------------------------------------------- writing

def to_arrow(name: str, df: pl.DataFrame) -> pa.Table:
    """The frame cast to its contract schema, sorted by key. Field docs are dropped: they live in
    the contract, and delta-rs refuses to overwrite a table whose field metadata differs."""
    schema = pa.schema([f.remove_metadata() for f in SCHEMAS[name]])
    return df.select(schema.names).sort(list(KEYS[name]), nulls_last=True).to_arrow().cast(schema)


def content_hash(tbl: pa.Table) -> str:
    """sha256 over the schema and the rows' values (in key order).

    Hashes values, not Arrow buffers: two logically equal tables can differ in their buffers
    (a validity bitmap present or not, sliced offsets after a join). Row hashes come from polars
    with fixed seeds; a polars upgrade may change them, which costs one extra table version.
    """
    frame = pl.from_arrow(tbl)
    rows = frame.hash_rows(seed=0) if frame.width else pl.Series([], dtype=pl.UInt64)
    return sha256_bytes(str(tbl.schema).encode() + rows.to_numpy().tobytes())


def keep_first_run_ids(name: str, df: pl.DataFrame, previous: pl.DataFrame | None) -> pl.DataFrame:
    """Rows whose key was already published keep that run's id (first seen), so reruns are identical."""
    col = RUN_COLUMNS.get(name, "run_id")
    key = [k for k in KEYS[name] if k != col]
    if previous is None or previous.is_empty() or col not in previous.columns or col not in df.columns:
        return df
    first = previous.select(*key, pl.col(col).alias("_first")).unique(key, keep="first")
    first = first.cast({k: df.schema[k] for k in key})
    return (df.join(first, on=key, how="left", maintain_order="left")
            .with_columns(pl.coalesce("_first", col).alias(col)).drop("_first"))


def _fields(schema_json: str) -> dict[str, tuple[object, bool]]:
    """{column: (Delta type without metadata, nullable)} from a Delta schema's JSON."""
    def strip(t):
        if isinstance(t, dict):
            return {k: strip(v) for k, v in t.items() if k != "metadata"}
        return [strip(v) for v in t] if isinstance(t, list) else t
    return {f["name"]: (strip(f["type"]), f["nullable"]) for f in json.loads(schema_json)["fields"]}


def schema_change(output_dir: Path | str, name: str, schema: pa.Schema) -> dict:
    """How `schema` differs from the existing Delta table's: {} when equal or the table is new."""
    if not is_table(output_dir, name):
        return {}
    old = _fields(DeltaTable(str(table_path(output_dir, name))).schema().to_json())
    new = _fields(deltalake.Schema.from_arrow(schema).to_json())
    change = {
        "added": [c for c in new if c not in old],
        "dropped": [c for c in old if c not in new],
        "retyped": {c: f"{json.dumps(old[c][0])} -> {json.dumps(new[c][0])}"
                    for c in new if c in old and old[c][0] != new[c][0]},
        "nullability": {c: f"{'null' if old[c][1] else 'not null'} -> {'null' if new[c][1] else 'not null'}"
                        for c in new if c in old and old[c][0] == new[c][0] and old[c][1] != new[c][1]},
    }
    return {k: v for k, v in change.items() if v}


def is_breaking(change: dict) -> bool:
    return bool(change.get("dropped") or change.get("retyped"))


def check_schema_changes(output_dir: Path | str, arrow: dict[str, pa.Table], allow_breaking: bool) -> dict:
    """All tables' schema changes, checked before the first write; raises on a refused breaking change."""
    changes = {name: c for name, tbl in arrow.items() if (c := schema_change(output_dir, name, tbl.schema))}
    breaking = {n: c for n, c in changes.items() if is_breaking(c)}
    if breaking and not allow_breaking:
        raise SchemaChangeError(f"breaking schema change refused, nothing published: {json.dumps(breaking)}. "
                                f"Rerun with --allow-breaking-schema to rewrite these tables with the new schema")
    if "runs" in breaking:
        raise SchemaChangeError(f"the runs table cannot lose or retype a column: {breaking['runs']}")
    return changes


def write_table(output_dir: Path | str, name: str, tbl: pa.Table, change: dict | None = None) -> int:
    """Write the table's full content as a new Delta version; return that version.

    Added columns only: schema_mode="merge". Any other difference (already allowed by
    check_schema_changes): schema_mode="overwrite", the table takes the contract's schema.
    """
    path = table_path(output_dir, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = None if not change else "merge" if set(change) == {"added"} else "overwrite"
    write_deltalake(str(path), tbl, mode="overwrite", schema_mode=mode)
    return DeltaTable(str(path)).version()


def append_run(output_dir: Path | str, run_row: dict, change: dict | None = None) -> int:
    """Append the snapshot row to `runs`: the commit that makes the run visible."""
    path = table_path(output_dir, "runs")
    path.parent.mkdir(parents=True, exist_ok=True)
    schema = pa.schema([f.remove_metadata() for f in SCHEMAS["runs"]])
    tbl = pa.Table.from_pylist([{c: run_row.get(c) for c in schema.names}], schema=schema)
    write_deltalake(str(path), tbl, mode="append", schema_mode="merge" if change else None)
    return DeltaTable(str(path)).version()


def publish(output_dir: Path | str, tables: dict[str, pl.DataFrame], run_row: dict,
            allow_breaking_schema: bool = False) -> dict[str, int]:
    """Publish validated tables as one snapshot; return {table: Delta version} including `runs`."""
    output_dir = Path(output_dir)
    with writer_lock(output_dir, run_id=run_row["run_id"], reentrant=True):
        previous = latest_snapshot(output_dir)
        prev_versions = json.loads(previous["table_versions"]) if previous else {}
        prev_hashes = json.loads(previous.get("table_hashes") or "{}") if previous else {}
        arrow = {}
        for name in (n for n in DATA_TABLES if n in tables):
            before = read_table(output_dir, name, version=prev_versions[name]) if name in prev_versions else None
            arrow[name] = to_arrow(name, keep_first_run_ids(name, tables[name], before))
        runs_schema = pa.schema([f.remove_metadata() for f in SCHEMAS["runs"]])
        changes = check_schema_changes(output_dir, {**arrow, "runs": runs_schema.empty_table()},
                                       allow_breaking_schema)

        versions, hashes = dict(prev_versions), dict(prev_hashes)  # tables this run lacks stay as they were
        for name, tbl in arrow.items():
            hashes[name] = content_hash(tbl)
            unchanged = (name in prev_versions and prev_hashes.get(name) == hashes[name]
                         and name not in changes)
            if not unchanged:
                versions[name] = write_table(output_dir, name, tbl, changes.get(name))
        row = dict(run_row, table_versions=json.dumps(versions, sort_keys=True),
                   table_hashes=json.dumps(hashes, sort_keys=True),
                   schema_changes=json.dumps(changes, sort_keys=True) if changes else None,
                   finished_at=dt.datetime.now(dt.timezone.utc))
        versions["runs"] = append_run(output_dir, row, changes.get("runs"))
    return versions


def retry_io_only(task, task_run, state) -> bool:
    """Retry a failed publish (a full-state rewrite is safe to repeat), but not a refusal."""
    exc = state.result(raise_on_failure=False)
    return not isinstance(exc, (SchemaChangeError, LockError))


@task(name="publish", retries=2, retry_delay_seconds=[1, 5], retry_condition_fn=retry_io_only)
def publish_task(output_dir: str, tables: dict[str, pl.DataFrame], run_row: dict,
                 allow_breaking_schema: bool = False) -> dict[str, int]:
    return publish(output_dir, tables, run_row, allow_breaking_schema=allow_breaking_schema)


# ----------------------------------------------------------------------------- operators and consumers

DIFF_TABLES = ("articles", "entities", "events")


def diff_tables(old: pl.DataFrame, new: pl.DataFrame, name: str) -> dict[str, pl.DataFrame]:
    """Rows added, removed and changed (same key, other content; run ids ignored) between two versions.
    'changed' lists the changed columns per key."""
    key = list(KEYS[name])
    ignore = set(key) | {RUN_COLUMNS.get(name, "run_id")}
    cols = [c for c in new.columns if c in old.columns and c not in ignore]
    added = new.join(old.select(key), on=key, how="anti").select(key)
    removed = old.join(new.select(key), on=key, how="anti").select(key)
    both = old.select(key + cols).join(new.select(key + cols), on=key, how="inner", suffix="__new")
    changed = (both.select(*key, pl.concat_list([pl.when(pl.col(c).ne_missing(pl.col(f"{c}__new"))).then(pl.lit(c))
                                                 for c in cols]).list.drop_nulls().alias("columns"))
               .filter(pl.col("columns").list.len() > 0)) if cols else both.select(key).clear()
    return {"added": added.sort(key), "removed": removed.sort(key), "changed": changed.sort(key)}


def diff_snapshots(output_dir: Path | str, run_a: str, run_b: str, tables: tuple[str, ...] = DIFF_TABLES
                   ) -> dict[str, dict[str, pl.DataFrame]]:
    a, b = resolve_run(output_dir, run_a), resolve_run(output_dir, run_b)
    out = {}
    for name in tables:
        old = read_table(output_dir, name, version=table_version(a, name))
        new = read_table(output_dir, name, version=table_version(b, name))
        out[name] = diff_tables(old, new, name)
    return out


EXPORT_FORMATS = ("parquet", "csv", "jsonl")


def export_table(output_dir: Path | str, name: str, fmt: str, dest: Path | str, run: str | None = None,
                 version: int | None = None) -> Path:
    """Write one table (latest snapshot, a run's, or a Delta version) to a file. CSV cannot hold
    lists or structs: those columns are written as JSON text."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown format '{fmt}': use one of {', '.join(EXPORT_FORMATS)}")
    df = read_table(output_dir, name, run=run, version=version)
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        df.write_parquet(dest)
    elif fmt == "jsonl":
        df.write_ndjson(dest)
    else:
        df.with_columns(json_text(c) for c, t in df.schema.items() if t.is_nested()).write_csv(dest)
    return dest


def json_text(col: str) -> pl.Expr:
    """A list/struct column as JSON text per row (the whole value, nulls stay null)."""
    encoded = pl.struct(pl.col(col).alias("v")).struct.json_encode()  # '{"v":<value>}'
    return pl.when(pl.col(col).is_not_null()).then(encoded.str.slice(5).str.head(-1)).alias(col)


def vacuum(output_dir: Path | str, keep: int, dry_run: bool = False) -> dict[str, list[str]]:
    """Delete data files no kept snapshot needs; return {table: files removed (or to remove)}.

    Kept: every Delta version named by the `keep` newest published snapshots, plus each
    table's current version. Uses delta-rs vacuum(keep_versions=..., full=True, retention 0):
    files of other versions and orphans from crashed writes are deleted; the Delta log is
    left alone. Older snapshots stay listed in `runs`, but their data can no longer be read.
    The `runs` table is append-only and never vacuumed.
    """
    if keep < 1:
        raise ValueError("--keep must be at least 1 (the latest snapshot is always kept)")
    with writer_lock(output_dir):
        kept = snapshots(output_dir).tail(keep)
        named: dict[str, set[int]] = {}
        for versions in kept["table_versions"]:
            for name, v in json.loads(versions).items():
                named.setdefault(name, set()).add(int(v))
        removed = {}
        for path in sorted(p for p in (Path(output_dir) / "lake").iterdir() if (p / "_delta_log").is_dir()):
            if path.name == "runs":
                continue
            table = DeltaTable(str(path))
            keep_versions = sorted(named.get(path.name, set()) | {table.version()})
            removed[path.name] = sorted(table.vacuum(retention_hours=0, dry_run=dry_run,
                                                     enforce_retention_duration=False,
                                                     keep_versions=keep_versions, full=True))
    return removed
