"""The documents' text as dedupe reads it: in the frame, or read from a parquet file a batch at a time.

Issue 16 (peak memory flat with the corpus): when ingest's output is a file (a spilled dataset,
flows/spill.py), dedupe holds the documents without their text -- ids, paths, hashes, the row of
each document in the file (`ROW`) and its length in characters (`CHARS`, for whole-document cuts) --
and reads the text of one batch of documents at a time (`Texts.add`): the line keys and signatures
of DOC_BATCH documents, the candidates of a near-duplicate check, the page blocks of PAGE_BATCH_DOCS
documents. Reads go by parquet row group (the file's groups are PART_ROWS rows), so a batch costs the
groups that hold its rows, never the whole column. `Texts()` (no file) is the in-memory frame as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq

TEXT = "text"
ROW = "_row"        # a text-less document's row in the text file
CHARS = "_chars"    # a text-less document's length in characters (str.len_chars of its text)


@lru_cache(maxsize=8)
def group_starts(path: str) -> np.ndarray:
    """First row of each row group of a parquet file, and its row count last."""
    meta = pq.ParquetFile(path).metadata
    return np.cumsum([0, *(meta.row_group(i).num_rows for i in range(meta.num_row_groups))])


def texts_at(path: str, rows: np.ndarray) -> pl.Series:
    """The `text` of these rows of a parquet file, in the given order (rows may repeat or be unsorted):
    each row group that holds some of them is read once, its text column only."""
    rows = np.asarray(rows, dtype=np.int64)
    if not len(rows):
        return pl.Series(TEXT, [], pl.String)
    starts = group_starts(path)
    groups = np.searchsorted(starts, rows, side="right") - 1
    where, values = [], []
    for g in np.unique(groups).tolist():
        at = np.nonzero(groups == g)[0]
        column = pl.scan_parquet(path).select(TEXT).slice(int(starts[g]), int(starts[g + 1] - starts[g])
                                                          ).collect().get_column(TEXT)
        where.append(at)
        values.append(column.gather(rows[at] - starts[g]))
    order = np.argsort(np.concatenate(where), kind="stable")
    return pl.concat(values).gather(order).alias(TEXT)


@dataclass(frozen=True)
class Texts:
    """Where the documents' text is: in the frames themselves (`path` None) or in a parquet file,
    found by each document's `ROW`."""
    path: str | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        """What a frame of documents carries for its text: the text itself or its row in the file."""
        return (TEXT,) if self.path is None else (ROW,)

    @property
    def folder(self) -> str | None:
        """Where dedupe's temporary files go: beside the text file (the run's spill folder), else the
        system's temporary folder (None)."""
        return None if self.path is None else str(Path(self.path).parent)

    def add(self, frame: pl.DataFrame) -> pl.DataFrame:
        """The frame with its documents' `text` (read from the file by ROW, which is then dropped)."""
        if self.path is None or TEXT in frame.columns:
            return frame
        return frame.with_columns(texts_at(self.path, frame.get_column(ROW).to_numpy())).drop(ROW)


def text_chars(frame: pl.DataFrame) -> pl.Expr:
    """A document's length in characters, whether the frame holds its text or only `CHARS`."""
    return pl.col(TEXT).str.len_chars() if TEXT in frame.columns else pl.col(CHARS)


def without_text(path: str, columns: list[str]) -> pl.DataFrame:
    """The documents of a parquet file without their text: these columns, each document's row
    (`ROW`) and text length (`CHARS`). A streaming query: one row group's text at a time."""
    return (pl.scan_parquet(path).with_row_index(ROW)
            .select(*[c for c in columns if c != TEXT], pl.col(ROW).cast(pl.Int64),
                    pl.col(TEXT).str.len_chars().cast(pl.Int64).alias(CHARS))
            .collect(engine="streaming"))
