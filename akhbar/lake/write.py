"""Writing the lake (used by the publish stage): one Delta commit per changed table, then one `runs` row naming them all.

The `runs` row is the snapshot and is committed last: a reader that resolves
'latest' through `runs` (read_latest, read_table) sees the previous snapshot or
the new one, never a mix, even if the process dies between two table commits.
Versions left by a crashed run are named by no snapshot; the next run finds the
table's newest version is not its snapshot's and rewrites that table in full.

Each run hands publish the full current state of every table; publish writes
only the difference. It never reads the previous rows: per table it keeps an
index (lake/_index/<table>: key, a 64-bit hash of the row's content, the run
that first published the key), versioned with the table and named by the same
`runs` row (`index_versions`). Comparing the new frame with the index gives the
inserted, updated and deleted keys: new keys are appended, updated and deleted
ones are replaced in place (delta-rs replaceWhere on one key column, which
rewrites only the files holding those rows), and a table with more than
MAX_REPLACE_SHARE of its rows changed, a schema change or a crashed run's
leftovers is overwritten in full. A table with no changed row is not written:
the new `runs` row names the same version again, so a rerun over unchanged
input adds a `runs` row and no table versions. Rows whose key already existed
keep the run_id of the run that first published them, so reruns are identical.

Schema evolution is checked against each existing Delta table before anything
is written: added columns are merged in and recorded; dropped or retyped
columns are refused (SchemaChangeError) unless `allow_breaking_schema`.
See docs/publish.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import deltalake
import numpy as np
import polars as pl
import pyarrow as pa
from deltalake import DeltaTable, WriterProperties, write_deltalake

from akhbar.contracts import DATA_TABLES, KEYS, SCHEMAS, STATE_TABLES, contract_dtypes
from akhbar.ids import sha256_bytes
from akhbar.lake.lock import writer_lock
from akhbar.lake.tables import (HASH, RUN_COLUMNS, RUN_MAPS, SchemaChangeError, delta_schema, index_path,
                                is_table, latest_snapshot, read_runs, run_map, table_path)

# More updated + deleted rows than this share of the table: overwrite it rather than replace
# rows in place (replacing rewrites every file holding one of them, and builds a long predicate).
MAX_REPLACE_SHARE = 0.5
# delta-rs parses the replace predicate as SQL: a few tens of thousands of IN values crash it
# (measured: 20,000 fine, 30,000 a segfault); above this, overwrite.
MAX_PREDICATE_VALUES = 10_000
# Rows converted to Arrow at a time when a table is written: the writer streams record batches of
# this size, so publish holds one batch's Arrow copy per table, not a sorted Arrow copy of the table.
WRITE_BATCH_ROWS = 50_000
# Arrow bytes of rows per Delta commit. delta-rs holds more memory the more rows one write call
# takes (measured: +205 MB for 38 MB of text in one call, +321 MB for 342 MB), and lets it go when
# the call returns: a table's rows are written in commits of this size (the first does the write's
# overwrite / replace, the others append), so the writer's memory is that of one commit.
COMMIT_BYTES = 32 << 20
# Delta operations that rewrite files but not rows: a table changed only by these since its
# snapshot version can still be changed in place.
ROW_PRESERVING = frozenset({"VACUUM START", "VACUUM END", "OPTIMIZE"})



def to_arrow(name: str, df: pl.DataFrame) -> pa.Table:
    """The frame cast to its contract schema (without field docs), sorted by key."""
    return pa.Table.from_batches(list(arrow_batches(name, df)), schema=delta_schema(name))


def arrow_batches(name: str, df: pl.DataFrame, size: int | None = None) -> pa.RecordBatchReader:
    """The rows of `to_arrow`, in the same order (sorted by key, ties in frame order), as a stream
    of record batches cut one at a time: only the key columns are sorted (a permutation), and
    each batch's rows are gathered, converted and cast when the writer asks for it."""
    schema, size = delta_schema(name), size or WRITE_BATCH_ROWS
    frame = df.select(schema.names)
    order = frame.select(pl.arg_sort_by(list(KEYS[name]), nulls_last=True, maintain_order=True)).to_series()

    def batches():
        for start in range(0, frame.height, size):
            part = frame.select(pl.all().gather(order.slice(start, size)))
            yield from part.to_arrow().cast(schema).to_batches()
    return pa.RecordBatchReader.from_batches(schema, batches())


def run_column(name: str) -> str:
    return RUN_COLUMNS.get(name, "run_id")


def publish_key(name: str) -> list[str]:
    """The key a row keeps its first-seen run id by: the table's key without the run column."""
    return [k for k in KEYS[name] if k != run_column(name)]


def row_hashes(name: str, df: pl.DataFrame) -> pl.Series:
    """One 64-bit hash per row over its content (every contract column but the run column), as Int64
    (Delta has no unsigned type). Values are hashed after the cast to the contract's types, so a
    frame and the same rows read back from Delta hash alike. Fixed seeds: a polars upgrade that
    changes the hash makes every row look updated once, and the table is rewritten in full."""
    cols = [c for c in SCHEMAS[name].names if c != run_column(name)]
    dtypes = contract_dtypes(name)
    content = df.select(cols).cast({c: dtypes[c] for c in cols})
    return content.hash_rows(seed=0).reinterpret(signed=True).alias(HASH)


def empty_index(name: str) -> pl.DataFrame:
    dtypes = contract_dtypes(name)
    return pl.DataFrame(schema={**{k: dtypes[k] for k in publish_key(name)}, HASH: pl.Int64,
                                run_column(name): pl.String})


@dataclass
class Write:
    """One Delta commit of a table and the same commit of its index (see commit)."""
    how: str                   # overwrite | append | replace
    rows: "pl.DataFrame | PartRows"   # the table's rows to write, run ids restored
    index_rows: "pl.DataFrame | IndexRows"   # their index rows
    predicate: str | None = None


@dataclass
class TablePlan:
    """What publish does to one table: its writes (none when nothing changed), the table's whole
    new index (key, row hash, first-seen run id), and the inserted / updated / deleted keys."""
    index: "pl.DataFrame | IndexRows"
    counts: dict[str, int]
    writes: list[Write] = field(default_factory=list)

    @property
    def mode(self) -> str:
        return "+".join(w.how for w in self.writes) or "unchanged"


def parts_of(table) -> Iterator[pl.DataFrame]:
    """A table's rows part by part: a frame is one part; a table held on disk (anything with a
    `parts()` method, e.g. the run's spilled partitions, flows/spill.py) yields its parts one at a time."""
    if isinstance(table, pl.DataFrame):
        yield table
    else:
        yield from table.parts()


@dataclass
class MetaFile:
    """The compact per-row frame (`compared`'s columns) of a table given in parts, in an Arrow IPC file
    written part by part (`compared_to_file`, one record batch per part, `sizes` their rows) and read
    back a batch at a time, through reads, not a memory map (mapped pages count in the resident set):
    publish then holds a few bits and bytes per row of a table, not its keys (docs/scale.md section 17)."""
    path: str
    sizes: list[int]

    @property
    def height(self) -> int:
        return sum(self.sizes)

    def _batches(self, columns: list[str], first: int = 0) -> Iterator[tuple[int, pl.DataFrame]]:
        """(first row, these columns of the batch), batch by batch from the one holding row `first`."""
        with pa.OSFile(self.path) as f:
            reader, start = pa.ipc.open_file(f), 0
            for i, size in enumerate(self.sizes):
                if start + size > first:
                    yield start, pl.from_arrow(reader.get_batch(i).select(columns))
                start += size

    def batches(self, columns: list[str], mask: pl.Series | None = None) -> Iterator[pl.DataFrame]:
        for start, df in self._batches(columns):
            yield df if mask is None else df.filter(mask.slice(start, df.height))

    def read(self, columns: list[str], mask: pl.Series | None = None) -> pl.DataFrame:
        """These columns of the rows where `mask` (all rows: None), as one frame."""
        frames = list(self.batches(columns, mask))
        if frames:
            return pl.concat(frames)
        with pa.OSFile(self.path) as f:     # no row: the columns' types (from_batches: no pandas import)
            return pl.from_arrow(pa.Table.from_batches([], schema=pa.ipc.open_file(f).schema).select(columns))

    def column(self, name: str, start: int, length: int) -> pl.Series:
        """Rows start .. start + length of one column."""
        out = []
        for first, df in self._batches([name], start):
            if first >= start + length:
                break
            out.append(df.get_column(name).slice(max(start - first, 0), start + length - max(start, first)))
        return pl.concat(out) if out else pl.Series(name, [], dtype=pl.String)


@dataclass
class IndexRows:
    """A table's index rows (key, row hash, first-seen run) kept in its MetaFile, those where `mask`
    (None: all), read a batch at a time when written or hashed."""
    name: str
    meta: MetaFile
    mask: pl.Series | None = None

    def batches(self) -> Iterator[pl.DataFrame]:
        yield from self.meta.batches(index_columns(self.name), self.mask)

    def frame(self) -> pl.DataFrame:
        return self.meta.read(index_columns(self.name), self.mask)

    def filter(self, mask: pl.Series) -> "IndexRows":
        return IndexRows(self.name, self.meta, mask if self.mask is None else self.mask & mask)


def index_columns(name: str) -> list[str]:
    return [*publish_key(name), HASH, run_column(name)]


@dataclass
class PartRows:
    """The rows of a table given in parts, with their first-seen run ids (aligned with the parts'
    rows, in order; or the MetaFile holding them) and which of them to write (`mask`, None: all): read
    part by part when written."""
    name: str
    table: object
    runs: "pl.Series | MetaFile"
    mask: pl.Series | None = None

    def frames(self) -> Iterator[pl.DataFrame]:
        offset, run_col = 0, run_column(self.name)
        for part in parts_of(self.table):
            df = part.select(SCHEMAS[self.name].names).cast(contract_dtypes(self.name))
            runs = (self.runs.slice(offset, df.height) if isinstance(self.runs, pl.Series)
                    else self.runs.column(run_col, offset, df.height))
            df = df.with_columns(runs.alias(run_col))
            if self.mask is not None:
                df = df.filter(self.mask.slice(offset, df.height))
            offset += part.height
            yield df

    def filter(self, mask: pl.Series) -> "PartRows":
        return PartRows(self.name, self.table, self.runs, mask if self.mask is None else self.mask & mask)


def row_batches(name: str, rows: "pl.DataFrame | PartRows") -> pa.RecordBatchReader:
    """The record batches of a write: a frame sorted by key (`arrow_batches`); rows in parts, each
    part sorted by key, one part in memory at a time (docs/publish.md: each written batch is
    sorted by key, readers sort on read)."""
    if isinstance(rows, pl.DataFrame):
        return arrow_batches(name, rows)

    def batches():
        for df in rows.frames():
            yield from arrow_batches(name, df)
    return pa.RecordBatchReader.from_batches(delta_schema(name), batches())


def duplicated_keys(df: pl.DataFrame, key: list[str]) -> pl.Series:
    """Per row, whether its key is carried by another row too. A 64-bit hash per key is checked
    first (a few MB); only when two hashes are equal are the keys themselves compared (a hash
    table of the key strings took about as much memory as the key column again)."""
    if not df.select(pl.struct(key).hash(0).is_duplicated().any()).item():
        return pl.select(pl.repeat(False, df.height, dtype=pl.Boolean)).to_series()
    return df.select(pl.struct(key).is_duplicated()).to_series()


def with_previous(df: pl.DataFrame, old: pl.DataFrame, key: list[str]) -> pl.DataFrame:
    """`df` left-joined with the previous index rows `old` on `key`, in df's order. Only the key
    columns go through the join and its two columns are attached to df: a join of the whole frame
    gathered a copy of every column (text included). A previous index with a repeated key (an old
    lake read without an index) multiplies rows: then the whole frame is joined, as before."""
    if duplicated_keys(old, key).any():
        return df.join(old, on=key, how="left", maintain_order="left")
    matched = df.select(key).join(old, on=key, how="left", maintain_order="left")
    return df.with_columns(matched.get_column("_old"), matched.get_column("_first"))


def compared_parts(name: str, table, old: pl.DataFrame) -> Iterator[pl.DataFrame]:
    """Per part of the table (in order), per row: key, row hash, the previous index's hash (`_old`)
    and first-seen run (`_first`), and the run id it keeps (first seen, else its own)."""
    key, run_col = publish_key(name), run_column(name)
    for part in parts_of(table):
        df = part.select(SCHEMAS[name].names).cast(contract_dtypes(name))
        meta = with_previous(df.select(*key, run_col).with_columns(row_hashes(name, df)), old, key)
        yield meta.with_columns(pl.coalesce("_first", run_col).alias(run_col))


def empty_meta(name: str) -> pl.DataFrame:
    return empty_index(name).with_columns(pl.lit(None, pl.Int64).alias("_old"), pl.lit(None, pl.String).alias("_first"))


def compared(name: str, table, old: pl.DataFrame) -> pl.DataFrame:
    """The compact per-row frame of the whole table (`compared_parts`), built one part at a time."""
    metas = list(compared_parts(name, table, old))
    return pl.concat(metas) if metas else empty_meta(name)


def compared_to_file(name: str, table, old: pl.DataFrame, folder: Path) -> tuple[MetaFile, pl.DataFrame]:
    """`compared` written to an Arrow IPC file in `folder` part by part, and what the plan needs of
    every row held in memory: whether it is inserted (`_ins`), updated (`_upd`), and a 64-bit hash of
    its key (`_kh`, for repeated keys)."""
    key, run_col = publish_key(name), run_column(name)
    folder.mkdir(parents=True, exist_ok=True)
    path, writer, schema, flags, sizes = folder / f"{name}.{uuid.uuid4().hex}.meta.arrow", None, None, [], []
    try:
        for meta in itertools.chain(compared_parts(name, table, old), [empty_meta(name)]):
            if meta.is_empty() and writer is not None:
                continue
            flags.append(meta.select(pl.col("_first").is_null().alias("_ins"),
                                     (pl.col("_first").is_not_null() & pl.col(HASH).ne_missing(pl.col("_old"))).alias("_upd"),
                                     pl.struct(key).hash(0).alias("_kh")))
            tbl = meta.select(*key, HASH, "_old", "_first", run_col).to_arrow()
            if writer is None:
                schema = tbl.schema
                writer = pa.ipc.new_file(str(path), schema)
            writer.write_batch(tbl.cast(schema).combine_chunks().to_batches(max_chunksize=None)[0]
                               if tbl.num_rows else pa.RecordBatch.from_pylist([], schema=schema))
            sizes.append(meta.height)
    finally:
        if writer is not None:
            writer.close()
    return MetaFile(str(path), sizes), pl.concat(flags)


def plan_table(name: str, frame, previous: pl.DataFrame | None = None,
               force: bool = False, rewrite: bool = False, folder: Path | None = None) -> TablePlan:
    """Compare a table's new full state with the previous snapshot's index (never its rows).

    New keys are appended. Updated and deleted keys are replaced in place: one key column's
    values select the rows to replace (all current rows under those values are rewritten), and
    new keys outside them are appended after. Rows whose key was published before keep that
    run's id (first seen), so reruns are identical.
    `force`: write even when no row changed (a schema change). `rewrite`: when writing, write the
    whole table (no usable previous version to change in place: first write, schema change, or
    commits left by a crashed run). Without `previous` the table is new: every row is inserted.
    `frame`: a DataFrame, or a table in parts (`parts_of`), compared and written part by part; with
    `folder`, a table in parts keeps its compact per-row frame in a file there (`MetaFile`), not in memory.
    """
    key, run_col = publish_key(name), run_column(name)
    dtypes = contract_dtypes(name)
    previous = empty_index(name) if previous is None else previous
    old = previous.select(*key, pl.col(HASH).alias("_old"), pl.col(run_col).alias("_first"))
    old = old.cast({k: dtypes[k] for k in key}, strict=False)   # a retyped key column: new keys
    if duplicated_keys(old, key).any():   # an old lake's index with a repeated key multiplies rows: as one frame
        df = pl.concat(list(parts_of(frame))).select(SCHEMAS[name].names).cast(dtypes)
        meta = with_previous(df.with_columns(row_hashes(name, df)), old, key).with_columns(
            pl.coalesce("_first", run_col).alias(run_col))
        frame = meta.select(SCHEMAS[name].names)
    elif folder is not None and not isinstance(frame, pl.DataFrame):
        meta_file, flags = compared_to_file(name, frame, old, folder)
        if not repeats(flags.get_column("_kh")):
            inserted, updated = flags.get_column("_ins"), flags.get_column("_upd")
            del flags
            return planned(name, frame, meta_file, old, previous, inserted, updated, None, force, rewrite)
        meta = meta_file.read([*key, HASH, "_old", "_first", run_col])   # a repeated key: as one frame
    else:
        meta = compared(name, frame, old)
    inserted = meta["_first"].is_null()
    updated = ~inserted & meta[HASH].ne_missing(meta["_old"])
    return planned(name, frame, meta, old, previous, inserted, updated, duplicated_keys(meta, key), force, rewrite)


def repeats(hashes: pl.Series) -> bool:
    """Whether a value occurs twice, by sorting a copy (8 bytes a row; `is_duplicated` builds a hash
    table of about 50 bytes a row: +60 MB at 1.9M mentions)."""
    ordered = hashes.sort()
    return bool(ordered.len() > 1 and (ordered.slice(1) == ordered.slice(0, ordered.len() - 1)).any())


def meta_rows(meta: "pl.DataFrame | MetaFile", columns: list[str], mask: pl.Series | None = None) -> pl.DataFrame:
    if isinstance(meta, MetaFile):
        return meta.read(columns, mask)
    return meta.select(columns) if mask is None else meta.select(columns).filter(mask)


def planned(name: str, frame, meta: "pl.DataFrame | MetaFile", old: pl.DataFrame, previous: pl.DataFrame,
            inserted: pl.Series, updated: pl.Series, duplicated: pl.Series | None, force: bool,
            rewrite: bool) -> TablePlan:
    """plan_table's decision from the compact per-row frame (in memory, or its MetaFile) and per row
    whether it is inserted, updated, and carries a repeated key (`duplicated`; None: no key repeated)."""
    key, run_col, dtypes = publish_key(name), run_column(name), contract_dtypes(name)
    counts = dict(inserted=int(inserted.sum()), updated=int(updated.sum()))
    repeated = duplicated is not None and bool(duplicated.any())
    # every previous key matched by a row of this run: nothing deleted (the common case, no anti join)
    gone = old.height > meta.height - counts["inserted"] - (int((duplicated & ~inserted).sum()) if repeated else 0)
    deleted = old.select(key).join(meta_rows(meta, key), on=key, how="anti") if gone else old.select(key).clear()
    counts["deleted"] = deleted.height
    if isinstance(meta, MetaFile):
        index = IndexRows(name, meta)
    else:
        index = meta.select(*key, HASH, run_col)
    if repeated:
        # a key carried by two rows (quarantine can repeat one) cannot be compared row by row:
        # its index hash is null, so it counts as updated next time too
        index = (index.with_columns(pl.when(duplicated).then(None).otherwise(pl.col(HASH)).alias(HASH))
                 .unique(key, keep="first", maintain_order=True))
    plan = TablePlan(index, counts)
    if not sum(counts.values()) and not force:
        return plan
    rows = rows_of(name, frame, meta)
    selectable = [k for k in key if dtypes[k] == pl.String or dtypes[k].is_integer()]
    if (rewrite or not selectable or repeated
            or counts["updated"] + counts["deleted"] > MAX_REPLACE_SHARE * max(previous.height, 1)):
        plan.writes.append(Write("overwrite", rows, index))
        return plan
    touched = pl.concat([meta_rows(meta, key, updated), deleted])
    # the key column whose values single out the fewest rows
    column = max(selectable, key=lambda c: touched[c].n_unique())
    values = touched[column].unique().sort()
    if len(values) > MAX_PREDICATE_VALUES:
        plan.writes.append(Write("overwrite", rows, index))
        return plan
    hit = meta_rows(meta, [column]).get_column(column).is_in(values)   # index rows align with rows: no repeated key
    if len(values):
        plan.writes.append(Write("replace", rows.filter(hit), index.filter(hit), in_predicate(column, values)))
    new = inserted & ~hit
    if new.any():
        plan.writes.append(Write("append", rows.filter(new), index.filter(new)))
    return plan


def rows_of(name: str, frame, meta: "pl.DataFrame | MetaFile") -> "pl.DataFrame | PartRows":
    """The rows to write, with their first-seen run ids: a frame for a frame, else read in parts."""
    if isinstance(meta, MetaFile):
        return PartRows(name, frame, meta)
    if isinstance(frame, pl.DataFrame):
        df = frame.select(SCHEMAS[name].names).cast(contract_dtypes(name))
        return df.with_columns(meta.get_column(run_column(name)))   # in place: the run column is a contract column
    return PartRows(name, frame, meta.get_column(run_column(name)))


def in_predicate(column: str, values: pl.Series) -> str:
    """A delta-rs (DataFusion SQL) predicate `"column" IN (...)` over string or integer values."""
    if values.dtype == pl.String:
        literals = ("'" + v.replace("'", "''") + "'" for v in values)
    elif values.dtype.is_integer():
        literals = (str(int(v)) for v in values)
    else:
        raise TypeError(f"cannot select rows by a {values.dtype} key column '{column}'")
    return f'"{column}" IN ({",".join(literals)})'


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


def check_schema_changes(output_dir: Path | str, schemas: dict[str, pa.Schema], allow_breaking: bool) -> dict:
    """All tables' schema changes, checked before the first write; raises on a refused breaking change."""
    changes = {name: c for name, schema in schemas.items() if (c := schema_change(output_dir, name, schema))}
    breaking = {n: c for n, c in changes.items() if is_breaking(c)}
    if breaking and not allow_breaking:
        raise SchemaChangeError(f"breaking schema change refused, nothing published: {json.dumps(breaking)}. "
                                f"Rerun with --allow-breaking-schema to rewrite these tables with the new schema")
    if "runs" in breaking:
        raise SchemaChangeError(f"the runs table cannot lose or retype a column: {breaking['runs']}")
    return changes


def commit(path: Path, tbl: pa.Table | pa.RecordBatchReader, how: str = "overwrite", predicate: str | None = None,
           schema_mode: str | None = None) -> int:
    """One Delta commit; return the new version. how: overwrite (the whole table), append, or
    replace (delta-rs replaceWhere: rows matching `predicate` are replaced by `tbl`, whose rows
    must all match it; only the files holding matching rows are rewritten)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    props = WriterProperties(max_row_group_size=WRITE_BATCH_ROWS)
    if how == "replace":
        write_deltalake(str(path), tbl, mode="overwrite", predicate=predicate, writer_properties=props)
    else:
        write_deltalake(str(path), tbl, mode="append" if how == "append" else "overwrite", schema_mode=schema_mode,
                        writer_properties=props)
    return DeltaTable(str(path)).version()


def write_table(output_dir: Path | str, name: str, tbl: pa.Table | pa.RecordBatchReader, change: dict | None = None,
                how: str = "overwrite", predicate: str | None = None) -> int:
    """Write a data table (see commit); return its new version.

    A schema change is always written as a full overwrite: added columns only with
    schema_mode="merge"; any other difference (already allowed by check_schema_changes) with
    schema_mode="overwrite", the table takes the contract's schema.
    """
    mode = None if not change else "merge" if set(change) == {"added"} else "overwrite"
    return commit(table_path(output_dir, name), tbl, how, predicate, mode)


def write_in_commits(output_dir: Path | str, name: str, write: Write, change: dict | None = None) -> int:
    """Write a Write's rows (see write_table) in commits of about COMMIT_BYTES Arrow bytes each: the
    first commit does `write.how` (and its predicate, schema change), the next ones append; a
    write with no rows is still one commit (a new table's schema). Return the table's last version.
    Readers go through `runs`, which names only the last version; a crash between two commits
    leaves versions no snapshot names, and the next run rewrites the table in full (head_is)."""
    batches = iter(row_batches(name, write.rows))
    head, first, version = next(batches, None), True, None
    while first or head is not None:
        chunk = itertools.chain([] if head is None else [head], up_to(batches, COMMIT_BYTES - (head.nbytes if head else 0)))
        reader = pa.RecordBatchReader.from_batches(delta_schema(name), chunk)
        version = (write_table(output_dir, name, reader, change, how=write.how, predicate=write.predicate) if first
                   else write_table(output_dir, name, reader, how="append"))
        head, first = next(batches, None), False
    return version


def up_to(batches: Iterator[pa.RecordBatch], limit: int) -> Iterator[pa.RecordBatch]:
    """Batches taken from `batches` until their bytes reach `limit` (the rest stay in `batches`)."""
    size = 0
    while size < limit:
        batch = next(batches, None)
        if batch is None:
            return
        size += batch.nbytes
        yield batch


def write_index(output_dir: Path | str, name: str, write: Write) -> int:
    """Write the table's index change the same way as its rows; return the index's new version. Rows
    kept in a MetaFile (`IndexRows`) are written a batch at a time, in commits of about COMMIT_BYTES
    (the first does the write's overwrite / replace, the next ones append), each batch sorted by key."""
    schema = pa.schema([delta_schema(name).field(k) for k in publish_key(name)]
                       + [pa.field(HASH, pa.int64()), pa.field(run_column(name), pa.string())])
    path, mode = index_path(output_dir, name), "overwrite" if write.how == "overwrite" else None
    if isinstance(write.index_rows, pl.DataFrame):
        tbl = write.index_rows.sort(publish_key(name)).to_arrow().cast(schema)
        return commit(path, tbl, write.how, write.predicate, mode)
    batches = (b for df in write.index_rows.batches()
               for b in df.sort(publish_key(name)).to_arrow().cast(schema).to_batches())
    head, first, version = next(batches, None), True, None
    while first or head is not None:
        chunk = itertools.chain([] if head is None else [head], up_to(batches, COMMIT_BYTES - (head.nbytes if head else 0)))
        reader = pa.RecordBatchReader.from_batches(schema, chunk)
        version = (commit(path, reader, write.how, write.predicate, mode) if first else commit(path, reader, "append"))
        head, first = next(batches, None), False
    return version


def append_run(output_dir: Path | str, run_row: dict, change: dict | None = None) -> int:
    """Append the snapshot row to `runs`: the commit that makes the run visible."""
    path = table_path(output_dir, "runs")
    path.parent.mkdir(parents=True, exist_ok=True)
    schema = delta_schema("runs")
    # through polars: pyarrow's from_pylist imports pandas (about a second), which a run needs nowhere else
    empty = pl.from_arrow(pa.Table.from_batches([], schema=schema))
    tbl = pl.DataFrame([{c: run_row.get(c) for c in schema.names}], schema=empty.schema,
                       orient="row").to_arrow().cast(schema)
    write_deltalake(str(path), tbl, mode="append", schema_mode="merge" if change else None)
    return DeltaTable(str(path)).version()


def upgrade_runs(output_dir: Path | str) -> bool:
    """Rewrite a `runs` table written before contract 2.0.0 (its maps held as JSON text) with the
    maps typed, in one Delta commit, so readers see either the old table or the whole new one.
    Called by publish under the writer lock; True when it rewrote the table."""
    if not is_table(output_dir, "runs"):
        return False
    stored = _fields(DeltaTable(str(table_path(output_dir, "runs"))).schema().to_json())
    if not any(stored.get(name, (None,))[0] == "string" for name in RUN_MAPS):
        return False
    commit(table_path(output_dir, "runs"), read_runs(output_dir).to_arrow().cast(delta_schema("runs")),
           schema_mode="overwrite")
    return True


def head_is(path: Path, version: int) -> bool:
    """Whether the Delta table's newest version holds the rows of `version`: nothing but vacuum or
    compaction committed since. A run that died after committing leaves a WRITE: not the same rows."""
    table = DeltaTable(str(path))
    later = table.version() - version
    return later == 0 or (later > 0 and all(h["operation"] in ROW_PRESERVING for h in table.history(later)))


def previous_index(output_dir: Path, name: str, table_version: int, index_version: int | None) -> pl.DataFrame:
    """The previous snapshot's index of a table. A lake published before indexes existed has
    none: its key and run columns are read (column projection) with unknown row hashes."""
    if index_version is not None:
        return pl.read_delta(str(index_path(output_dir, name)), version=index_version)
    return (pl.scan_delta(str(table_path(output_dir, name)), version=table_version)
            .select(*publish_key(name), pl.lit(None, pl.Int64).alias(HASH), run_column(name)).collect())


def table_hash(name: str, index: "pl.DataFrame | IndexRows") -> str:
    """sha256 over the contract schema and the index rows (key, row hash, first-seen run), in any
    order: the sorted per-row hashes are hashed. Recorded in runs.table_hashes for lineage. Rows in a
    MetaFile are hashed a batch at a time (8 bytes a row held)."""
    if isinstance(index, IndexRows):      # filled batch by batch, sorted in place: one u64 copy of the rows
        rows, at = np.empty(index.meta.height, dtype=np.uint64), 0
        for df in index.batches():
            rows[at:at + df.height] = df.hash_rows(seed=0).to_numpy()
            at += df.height
        rows = rows[:at]
        rows.sort()
        digest = hashlib.sha256(str(delta_schema(name)).encode())   # = sha256_bytes(schema + rows), no copy
        digest.update(memoryview(rows))
        return digest.hexdigest()
    else:
        rows = index.hash_rows(seed=0).sort() if index.height else pl.Series([], dtype=pl.UInt64)
    return sha256_bytes(str(delta_schema(name)).encode() + rows.to_numpy().tobytes())


def publish_table(output_dir: Path, name: str, frame: pl.DataFrame, prev_version: int | None,
                  prev_index: int | None, change: dict | None) -> tuple[int | None, int | None, str]:
    """Write one table's changes against its previous snapshot: (table version, index version,
    content hash); the versions are None when nothing had to be written."""
    before, rewrite = None, True
    if prev_version is not None:
        before = previous_index(output_dir, name, prev_version, prev_index)
        rewrite = (change is not None or prev_index is None
                   or not head_is(table_path(output_dir, name), prev_version)
                   or not head_is(index_path(output_dir, name), prev_index))
    # a table new to the lake is written even when empty, so the snapshot can name it; a table in parts
    # keeps its per-row comparison in a file under <output>/_staging (removed here; a killed run's is
    # removed when the next run starts)
    folder = Path(output_dir) / "_staging" / f"publish.{uuid.uuid4().hex}"
    try:
        plan = plan_table(name, frame, before, force=change is not None or before is None, rewrite=rewrite,
                          folder=folder)
        version = index_version = None
        for write in plan.writes:
            version = write_in_commits(output_dir, name, write, change)
            index_version = write_index(output_dir, name, write)
        return version, index_version, table_hash(name, plan.index)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        try:
            folder.parent.rmdir()          # only when empty: a run's spill folder may live there too
        except OSError:
            pass


def publish(output_dir: Path | str, tables: dict[str, pl.DataFrame], run_row: dict,
            allow_breaking_schema: bool = False, rewrite: tuple[str, ...] = ()) -> dict[str, int]:
    """Publish validated tables as one snapshot; return {table: Delta version} including `runs`.
    Tables in `rewrite` are written in full, as if new (a state table that could not be read)."""
    output_dir = Path(output_dir)
    with writer_lock(output_dir, run_id=run_row["run_id"], reentrant=True):
        upgrade_runs(output_dir)
        previous = latest_snapshot(output_dir)
        prev_versions = run_map(previous["table_versions"]) if previous else {}
        prev_indexes = run_map(previous.get("index_versions")) if previous else {}
        names = [n for n in (*DATA_TABLES, *STATE_TABLES) if n in tables]
        changes = check_schema_changes(output_dir, {n: delta_schema(n) for n in [*names, "runs"]},
                                       allow_breaking_schema)

        # tables this run lacks stay as they were
        versions, indexes = dict(prev_versions), dict(prev_indexes)
        hashes = run_map(previous.get("table_hashes")) if previous else {}

        # one table at a time: its compact per-row frame, its writes and their buffers are let go
        # before the next table is planned (written side by side, the tables' peaks added up)
        for name in names:
            new = name in rewrite
            version, index_version, digest = publish_table(
                output_dir, name, tables[name], None if new else prev_versions.get(name),
                None if new else prev_indexes.get(name), changes.get(name))
            hashes[name] = digest
            if version is not None:
                versions[name], indexes[name] = version, index_version
        row = dict(run_row, table_versions=dict(sorted(versions.items())),
                   index_versions=dict(sorted(indexes.items())), table_hashes=dict(sorted(hashes.items())),
                   schema_changes=json.dumps(changes, sort_keys=True) if changes else None,
                   finished_at=dt.datetime.now(dt.timezone.utc))
        versions["runs"] = append_run(output_dir, row, changes.get("runs"))
    return versions
