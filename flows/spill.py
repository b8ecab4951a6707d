"""Spilled datasets: a partitioned stage's outputs kept as parquet files, not as frames in the run.

Issue 16 (flat memory). Without spilling, the run merges every partition's outputs into one frame
per dataset and holds them all (articles, sentences, mentions, events) until publish. With a spill
folder in the bag (`SPILL_DIR`), the executor writes each partition's output frames to
`<folder>/<stage>.<output>.p<k>.parquet` as soon as that partition has run and keeps a `Spilled`
(file names and the stage's merge function: a few hundred bytes) in the bag instead:

- a partitioned stage that reads a spilled dataset gets only its partition's rows: every file of
  an article-keyed dataset carries the article's partition (`_part`, the blake2b `partition_of` the
  split uses), and is one file per article partition (`spilled`: the outputs of a stage partitioned
  by another key, segment's by block, are regrouped by one `shuffle` pass), so partition p of the
  articles, their sentences and their mentions is one file each (`Spilled.partition`), merged the
  way the whole frame would be;
- a corpus-wide stage that declares the input in `Stage.lazy` receives the `Spilled` and reads the
  columns it needs (`Spilled.frame(columns)`: catalog reads 8 mention columns, cluster-events the 15
  columns clustering looks at) and may return a `Spilled` with columns set by key (`Spilled.joined`:
  cluster-events writes the cluster ids into a copy of each events file, so a later reader of one
  partition reads its rows' ids only);
  a stage whose result per key needs only that key's rows reads the dataset in hash buckets of the
  key, one at a time (`Spilled.buckets`: catalog by entity_id, cluster-events by type and place), so
  its transient is one bucket's, not the corpus';
- any other reader gets the whole frame, merged as the in-memory run merges it (the same merge
  function over the files' frames): the same rows; the rows of a regrouped dataset come partition by
  partition (each partition's in the in-memory order), which is the order validate writes them in
  anyway, so every published table is unchanged.

The folder is removed when the run ends (flows/local.py, bench/bench_scale.py).
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from akhbar.batches import ParquetSink  # noqa: F401  (spilled outputs written in slices)
from akhbar.contracts import DATA_TABLES, KEYS
from flows.partitions import partition_of

SPILL_DIR = "spill_dir"        # bag key: the folder partition outputs are spilled to (absent: frames in memory)
PART = "_part"
PART_KEY = "article_id"        # spilled rows carry the partition of their article (entities, events split by it)
# columns a merge may need (keys, the article's doc_ids), read along with any projection
NEEDS = tuple(dict.fromkeys([*(c for t in DATA_TABLES if t != "quarantine" for c in KEYS[t]), "doc_ids"]))
# Rows per parquet row group of a spilled file, and per part a row-wise dataset yields (`Spilled.parts`):
# publish and validate hold one such slice of a table (text included) at a time, whatever the corpus size.
PART_ROWS = 2_000
# Parquet bytes (uncompressed) of the row groups read as one part: 2,000 documents or articles are
# about one group, the short rows of mentions and sentences tens of groups (fewer, larger parts).
PART_BYTES = 8 << 20


@dataclass(frozen=True)
class Spilled:
    """A dataset as parquet files (one per partition of the stage that made it, in partition order)
    and the merge that makes them one frame."""
    files: tuple[str, ...]
    merge: Callable[[list[pl.DataFrame]], Any]
    partitions: tuple[int, ...] = ()       # partitions (of PART_KEY) present in the rows; () when not tagged
    rowwise: bool = False                  # the merge only concatenates: any slice of rows is a part
    by_part: bool = False                  # file i holds exactly the rows of partitions[i] (`spilled`)

    def _scan(self) -> pl.LazyFrame:
        return pl.scan_parquet(list(self.files))

    @property
    def height(self) -> int:
        """Rows of the merged dataset: of a row-wise one (its merge only concatenates), the files' rows
        from their footers; else read on the columns the merge needs (every key of the dataset held
        at once: at 100k documents ~600 MB for the mentions, docs/scale.md section 17)."""
        if not self.files:
            return 0
        if self.rowwise:
            return self.rows()
        names = self._scan().collect_schema().names()
        frame = self.merge([self._scan().select([c for c in NEEDS if c in names] or names[:1]).collect()])
        return 0 if frame is None else frame.height

    def parts(self, rows: int | None = None) -> Iterator[pl.DataFrame]:
        """The dataset file by file (for a dataset whose files are disjoint: merged file by file); a
        row-wise dataset (`rowwise`: its merge only concatenates) in slices of consecutive row groups
        of about PART_BYTES (or of `rows` rows), so no part holds a whole file."""
        for path in self.files:
            if not self.rowwise:
                yield self._read(pl.scan_parquet(path), None)
                continue
            if rows:
                spans = ((start, rows) for start in range(0, file_rows(path), rows))
            else:
                spans = row_group_spans(path, PART_BYTES)
            for start, length in spans:
                yield self._read(pl.scan_parquet(path).slice(start, length), None)

    def _read(self, lazy: pl.LazyFrame, columns: list[str] | None) -> Any:
        names = lazy.collect_schema().names()
        if columns is not None:
            keep = dict.fromkeys([*(c for c in NEEDS if c in names), *(c for c in columns if c in names)])
            lazy = lazy.select(list(keep))
        elif PART in names:
            lazy = lazy.drop(PART)
        frame = self.merge([lazy.collect()])
        return frame.select(columns) if columns is not None and frame is not None else frame

    def frame(self, columns: list[str] | tuple[str, ...] | None = None) -> Any:
        """The whole dataset (or these columns of it), as the in-memory run would hold it."""
        if not self.files:
            return self.merge([])
        return self._read(self._scan(), list(columns) if columns is not None else None)

    def partition(self, p: int, columns: list[str] | tuple[str, ...] | None = None) -> Any:
        """The rows of partition p (by PART_KEY), merged like the whole frame, then cut (these columns)."""
        columns = list(columns) if columns is not None else None
        if self.by_part:      # one file per partition: that file alone (none: no row, the dataset's columns)
            lazy = pl.scan_parquet(self.files[self.partitions.index(p)]) if p in self.partitions else self._scan().head(0)
            return self._read(lazy.drop(PART), columns)
        return self._read(self._scan().filter(pl.col(PART) == p).drop(PART), columns)

    def rows(self) -> int:
        """Rows in the files (before the merge; from the parquet footers)."""
        return file_rows(list(self.files)) if self.files else 0

    def buckets(self, by: pl.Expr, n: int, columns: list[str] | tuple[str, ...]) -> Iterator[Any]:
        """The dataset (these columns) in n parts, one at a time: the rows whose `by` (a u64 hash per row)
        is b modulo n, each part merged like the whole frame, for a corpus-wide stage whose result per
        key needs only that key's rows (catalog: entity_id; cluster-events, incidents: event type and
        place). Rows keep their order within a part. The rows are first cut into one file per part in
        one pass (`shuffle`, bounded chunks), so the work is linear in the rows whatever n."""
        if n <= 1 or not self.files:
            yield self.frame(columns)
            return
        names = self._scan().collect_schema().names()
        keep = dict.fromkeys([*(c for c in NEEDS if c in names), *columns, *by.meta.root_names()])
        folder = Path(self.files[0]).parent / f"_buckets.{uuid.uuid4().hex}"
        try:
            paths = shuffle(self.files, list(keep), by, n, folder)
            for path in paths:
                yield self._read(pl.scan_ipc(path), list(columns)) if path else self._read(
                    self._scan().head(0), list(columns))
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def keep(self, keys: pl.DataFrame, path: Path | str) -> "Spilled":
        """A row-wise dataset cut to the rows whose key is in `keys` (key columns), copied to `path`
        by a streaming query (one row group at a time, never the whole text), rows in order."""
        lazy = self._scan().join(keys.lazy(), on=keys.columns, how="semi", maintain_order="left")
        lazy.sink_parquet(path, row_group_size=PART_ROWS)
        return replace(self, files=(str(path),), partitions=(), by_part=False)

    def joined(self, extra: pl.DataFrame, key: str, name: str) -> "Spilled":
        """This dataset with `extra`'s columns set by `key` (a column it already has is replaced in place, like
        DataFrame.with_columns; a row without a key in `extra` gets nulls), written into a copy of each file (one file at a time, `name`.fK.parquet next to them): a reader of one
        partition, bucket or slice then reads its rows only, not every key's extra columns (the cluster
        ids of every event, read again by each of validate's partitions and publish's slices)."""
        if not self.files:
            return self
        folder = Path(self.files[0]).parent
        ids = pl.concat([pl.scan_parquet(f).select(pl.col(key).unique(), pl.lit(i, pl.UInt32).alias("_file")).collect()
                         for i, f in enumerate(self.files)])     # a key once per file (a merge drops repeats)
        per_file = extra.join(ids, on=key, how="inner").partition_by("_file", as_dict=True, include_key=False)
        del ids
        out = []
        for i, path in enumerate(self.files):
            frame = pl.read_parquet(path)
            joined = frame.select(key).join(per_file.pop((i,), extra.clear()), on=key, how="left",
                                            maintain_order="left")
            frame = frame.with_columns(joined.get_column(c) for c in extra.columns if c != key)
            out.append(str(folder / f"{name}.f{i}.parquet"))
            write_rows(frame, out[-1])
            del frame, joined
        return replace(self, files=tuple(out))


    def joined_parts(self, parts: Iterable[pl.DataFrame | None], key: str, name: str) -> "Spilled":
        """`joined` with the extra columns given in parts, each row with its partition (PART), for a dataset
        of one file per partition (`by_part`): each part is written to a file as it comes, the parts are cut
        by partition in one `shuffle` pass, and each file is joined with its own partition's extras only,
        so neither the whole extra frame nor every file's keys are held (they grow with the corpus)."""
        folder = Path(self.files[0]).parent / f"_joined.{uuid.uuid4().hex}"
        folder.mkdir(parents=True, exist_ok=True)
        try:
            written = []
            for part in parts:
                if part is not None and not part.is_empty():
                    written.append(str(folder / f"x{len(written)}.parquet"))
                    write_rows(part, written[-1])
            if not written:
                return self
            schema = pl.read_parquet_schema(written[0])
            cut = shuffle(tuple(written), list(schema), pl.col(PART), max(self.partitions) + 1, folder / "cut")
            empty = pl.DataFrame(schema={c: t for c, t in schema.items() if c != PART})
            out = []
            for i, (p, path) in enumerate(zip(self.partitions, self.files)):
                extra = pl.read_ipc(cut[p]).drop(PART) if p < len(cut) and cut[p] else empty
                frame = pl.read_parquet(path)
                joined = frame.select(key).join(extra, on=key, how="left", maintain_order="left")
                frame = frame.with_columns(joined.get_column(c) for c in extra.columns if c != key)
                out.append(str(Path(path).parent / f"{name}.f{i}.parquet"))
                write_rows(frame, out[-1])
                del frame, joined, extra
            return replace(self, files=tuple(out))
        finally:
            shutil.rmtree(folder, ignore_errors=True)


SHUFFLE_CHUNK_ROWS = 100_000


def shuffle(files: tuple[str, ...], columns: list[str], by: pl.Expr, n: int, folder: Path) -> list[str | None]:
    """One pass over the files' rows (these columns), SHUFFLE_CHUNK_ROWS at a time: each row appended to
    the Arrow IPC file of its bucket (`by` modulo n), in file and row order (IPC, not parquet: a
    temporary file read once, written 2-3x faster without encoding). Per bucket its file name, None
    when no row hashed to it."""
    folder.mkdir(parents=True, exist_ok=True)
    writers: dict[int, pa.ipc.RecordBatchFileWriter] = {}
    try:
        for path in files:
            lazy = pl.scan_parquet(path).select(columns).with_columns((by % n).alias("_bucket"))
            for start in range(0, file_rows(path), SHUFFLE_CHUNK_ROWS):
                chunk = lazy.slice(start, SHUFFLE_CHUNK_ROWS).collect()
                for (b,), part in chunk.partition_by("_bucket", as_dict=True, maintain_order=True).items():
                    table = part.drop("_bucket").to_arrow()
                    if b not in writers:
                        writers[b] = pa.ipc.new_file(str(folder / f"b{b}.arrow"), table.schema)
                    writers[b].write_table(table)
                del chunk
    finally:
        for w in writers.values():
            w.close()
    return [str(folder / f"b{b}.arrow") if b in writers else None for b in range(n)]


def file_rows(paths: str | list[str]) -> int:
    """Rows of parquet files, from their footers."""
    return pl.scan_parquet(paths).select(pl.len()).collect().item()


def tagged(frame: pl.DataFrame, n: int) -> pl.DataFrame:
    """The frame with its rows' article partitions (PART), when it has articles."""
    if PART_KEY in frame.columns:
        return frame.with_columns(partition_of(frame[PART_KEY], n).alias(PART))
    return frame


def spill_partition(folder: Path, stage: str, partition: int, outputs: tuple, names: tuple[str, ...],
                    n: int) -> tuple:
    """Write one partition's output frames; (file name or the value itself, per output)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, value in zip(names, outputs):
        if isinstance(value, pl.DataFrame):
            path = folder / f"{stage}.{name}.p{partition}.parquet"
            write_rows(tagged(value, n), path)
            out.append(str(path))
        else:
            out.append(value)
    return tuple(out)


def row_group_spans(path: str, budget: int) -> Iterator[tuple[int, int]]:
    """(first row, rows) of runs of consecutive row groups of a parquet file whose uncompressed size
    stays within `budget` (at least one group each)."""
    meta = pq.ParquetFile(path).metadata
    start = length = size = 0
    for i in range(meta.num_row_groups):
        group = meta.row_group(i)
        if length and size + group.total_byte_size > budget:
            yield start, length
            start, length, size = start + length, 0, 0
        length, size = length + group.num_rows, size + group.total_byte_size
    if length:
        yield start, length


def write_rows(frame: pl.DataFrame, path: Path | str) -> None:
    """A frame as a parquet file of row groups of PART_ROWS rows (a slice is read from its groups)."""
    frame.write_parquet(path, row_group_size=PART_ROWS)


def spilled(files: list[Any], merge: Callable, n: int, rowwise: bool = False) -> Any:
    """The Spilled of one output from its partitions' files, or the merged value when a partition's
    output was not a frame (None: nothing to spill)."""
    if not all(isinstance(f, str) for f in files):
        return merge([read_output(f) for f in files])
    schema = pl.read_parquet_schema(files[0]) if files else {}
    if PART not in schema:
        return Spilled(tuple(files), merge, rowwise=rowwise)
    found = [pl.scan_parquet(f).select(pl.col(PART).unique()).collect().get_column(PART).to_list() for f in files]
    held = [(parts[0], f) for parts, f in zip(found, files) if parts]
    if not held:                                   # no row at all
        return Spilled(tuple(files), merge, rowwise=rowwise)
    if any(len(parts) > 1 for parts in found) or len({p for p, _ in held}) < len(held):
        held = regroup(files)                      # rows of many partitions per file (segment's, by block)
    held.sort()
    return Spilled(tuple(f for _, f in held), merge, partitions=tuple(p for p, _ in held), rowwise=rowwise,
                   by_part=True)


def regroup(files: list[str]) -> list[tuple[int, str]]:
    """The files' rows rewritten as one parquet file per article partition (PART), rows in file and row
    order (what a filtered scan of partition p gives), by one `shuffle` pass; the files are then
    removed. A reader of partition p then reads one file, not every file filtered: with a partition
    count that grows with the corpus, n filtered scans of n files would read the corpus n times."""
    first = Path(files[0])
    stem, folder = first.name.removesuffix(".parquet").rsplit(".p", 1)[0], first.parent / f"_regroup.{uuid.uuid4().hex}"
    columns = list(pl.read_parquet_schema(files[0]))
    n = pl.scan_parquet(files).select(pl.col(PART).max()).collect().item() + 1
    out = []
    try:
        for p, path in enumerate(shuffle(tuple(files), columns, pl.col(PART), n, folder)):
            if path:
                target = first.parent / f"{stem}.part{p}.parquet"
                write_rows(pl.read_ipc(path), target)
                Path(path).unlink()
                out.append((p, str(target)))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    for f in files:
        Path(f).unlink(missing_ok=True)
    return out


def read_output(value: Any) -> Any:
    """A partition's output: the frame of a parquet file name, or the value itself (None, a small value)."""
    return pl.read_parquet(value) if isinstance(value, str) and value.endswith(".parquet") else value


def materialise(value: Any) -> Any:
    return value.frame() if isinstance(value, Spilled) else value
