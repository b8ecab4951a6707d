"""Ingest into a parquet file, batch by batch (issue 16: peak memory flat with the corpus).

`ingest_folder` (tasks/ingest.py) returns the documents as one frame, text included, sorted by
(source_path, record_idx): the whole corpus' text in memory at once. `ingest_to_file` writes the
same rows to a parquet file as each batch of files is read (row groups of `group_rows` rows): only
the batch in hand and each document's id are held. The file's rows are in reading order, not sorted;
a reader that needs the frame's order sorts the columns it holds (dedupe: `documents_order`), and a
document's text is found by its row (tasks/dedupe_text.py). Same rows and values as `ingest_folder`.
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl

from akhbar.batches import Mapper, ParquetSink, in_process
from akhbar.config import PipelineConfig
from tasks.ingest import as_documents, documents_order, documents_schema, file_batches, known_files, read_batch


def ingest_to_file(input_dir: Path, run_id: str, path: Path | str, group_rows: int,
                   cfg: PipelineConfig | None = None, known: pl.DataFrame | pl.LazyFrame | None = None,
                   mapper: Mapper = in_process) -> str:
    """`ingest_folder`'s rows written to `path` a batch at a time (see the module's docstring); the path.
    The first row of a doc_id is kept, as there; the known rows (files not parsed again, and known
    documents whose file is gone) come last, from `known` (lazy: read once, not held beside the batches)."""
    cfg = cfg or PipelineConfig()
    input_dir = Path(input_dir)
    schema = {**documents_schema(), "is_new": pl.Boolean}
    index = known_files(known) if known is not None else {}
    ids: list[pl.Series] = []
    with ParquetSink(path, group_rows, empty=pl.DataFrame(schema=schema)) as sink:
        for frame in mapper(read_batch, file_batches(input_dir, index), run_id, cfg, input_dir):
            frame = frame.unique("doc_id", keep="first", maintain_order=True)
            ids.append(frame.get_column("doc_id"))
            sink.write(frame)
            del frame
        found = pl.concat(ids) if ids else pl.Series("doc_id", [], pl.String)
        if index:
            old = as_documents(known).join(found.to_frame().lazy(), on="doc_id", how="anti")
            old = old.with_columns(is_new=pl.lit(False)).collect()
            for lo in range(0, old.height, group_rows):
                sink.write(old.slice(lo, group_rows))
            del old
    if found.is_duplicated().any():     # a doc_id in two batches (two paths shown alike): the first row kept
        drop_rows(path, found.is_first_distinct().not_().arg_true(), group_rows)
    return str(path)


def drop_rows(path: Path | str, rows: pl.Series, group_rows: int) -> None:
    """The parquet file without these rows (positions), by a streaming scan and sink into a copy that
    then replaces it: one row group at a time, never the whole file (its text) in memory."""
    copy = Path(f"{path}.kept")
    (pl.scan_parquet(path).with_row_index("_pos").filter(~pl.col("_pos").is_in(rows.cast(pl.UInt32).implode()))
     .drop("_pos").sink_parquet(copy, row_group_size=group_rows))
    os.replace(copy, path)
