"""Operating on the lake: diff two snapshots, export a table, vacuum old versions."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
from deltalake import DeltaTable

from akhbar.contracts import KEYS
from akhbar.lake.lock import writer_lock
from akhbar.lake.tables import INDEX_DIR, RUN_COLUMNS, read_table, resolve_run, run_map, snapshots, table_version

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
    The `runs` table is append-only and never vacuumed. Publish's indexes (lake/_index/) are
    vacuumed the same way, keeping the index versions the kept snapshots name
    (reported as `_index/<table>`).
    """
    if keep < 1:
        raise ValueError("--keep must be at least 1 (the latest snapshot is always kept)")
    with writer_lock(output_dir):
        kept = snapshots(output_dir).tail(keep)
        named: dict[str, set[int]] = {}
        for column, prefix in (("table_versions", ""), ("index_versions", f"{INDEX_DIR}/")):
            for versions in kept[column] if column in kept.columns else ():
                for name, v in run_map(versions).items():
                    named.setdefault(prefix + name, set()).add(int(v))
        lake = Path(output_dir) / "lake"
        paths = [p for root in (lake, lake / INDEX_DIR) if root.is_dir() for p in root.iterdir()]
        removed = {}
        for path in sorted(p for p in paths if (p / "_delta_log").is_dir() and p != lake / "runs"):
            name = path.relative_to(lake).as_posix()
            table = DeltaTable(str(path))
            keep_versions = sorted(named.get(name, set()) | {table.version()})
            removed[name] = sorted(table.vacuum(retention_hours=0, dry_run=dry_run, enforce_retention_duration=False,
                                                keep_versions=keep_versions, full=True))
    return removed
