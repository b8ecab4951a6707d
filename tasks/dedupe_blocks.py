"""Dedupe's blocks: the kept part of each page and one block per shared segment (step 6 of tasks/dedupe.py).

Issue 16 (peak memory flat with the corpus). The blocks are the corpus' kept text. They were built
in one list of frames, concatenated, then merged (a sort and a group-by carrying the text): three to
four copies of the blocks' text at once, dedupe's own peak (docs/scale.md section 21). Here:

- `build_blocks` writes the blocks of each PAGE_BATCH_DOCS documents (and the shared blocks) to a file
  of their own in a temporary folder, sorted by block_id (`BlockFiles`), and keeps only their ids,
  carriers and text hashes (`_k`) with their place in the files;
- `merged_index` merges blocks with the same text on those ids and hashes only (no text read);
- `BlockFiles.read` builds the merged blocks, in block_id order, SLICE_BLOCKS at a time: since each
  file is sorted by block_id, a slice's rows of one file are one run of consecutive rows, read alone.
The blocks returned are one frame (dedupe is cached on its inputs: a file would not outlive the run's
staging folder), built once, without the copies.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import polars as pl

from akhbar.config import PipelineConfig
from akhbar.text.normalise import normalize_for_hash
from tasks.dedupe_text import Texts

BLOCK_SCHEMA = {
    "block_id": pl.String, "doc_ids": pl.List(pl.String), "text": pl.String,
    "meta_title": pl.String, "meta_date": pl.String, "meta_source": pl.String, "meta_url": pl.String,
}
HASH_SEED = 0x5EED  # polars' hash is stable within a polars version (pinned in constraints.txt)
PAGE_BATCH_DOCS = 2_000     # documents whose page blocks are built at once (build_blocks): ~25 MB of pieces
SLICE_BLOCKS = 2_000        # merged blocks read back from the files at once (BlockFiles.read)
GROUP_ROWS = 500            # rows per parquet row group of a block file: a slice's run reads few extra rows
STORED = {**BLOCK_SCHEMA, "_k": pl.UInt64}
HELD = ("block_id", "doc_ids", "_k")          # what is held of each block while they are built
CONTENT = [c for c in BLOCK_SCHEMA if c not in ("block_id", "doc_ids")]   # read back from the files


def carried_by(documents: pl.DataFrame) -> dict[str, list[str]]:
    """kept doc_id -> itself plus every duplicate / near-duplicate that resolves to it."""
    parent = dict(documents.filter(pl.col("duplicate_of").is_not_null()).select("doc_id", "duplicate_of").iter_rows())
    out: dict[str, list[str]] = {}
    for d in documents.filter(pl.col("status") != "rejected")["doc_id"]:
        root, hops = d, 0
        while root in parent and hops < 10:  # a duplicate of a near-duplicate resolves to the canonical
            root, hops = parent[root], hops + 1
        out.setdefault(root, []).append(d)
    return out


class BlockFiles:
    """Blocks written a frame at a time, each frame to its own parquet file sorted by block_id; held:
    each block's HELD columns, its file (`_file`) and row in it (`_row`)."""

    def __init__(self, folder: Path):
        self.folder, self.files, self.held = folder, [], []

    def write(self, frame: pl.DataFrame) -> None:
        frame = frame.select(list(STORED)).cast(STORED).sort("block_id")
        if frame.height == 0:
            return
        path = self.folder / f"blocks{len(self.files)}.parquet"
        frame.select(CONTENT).write_parquet(path, compression="lz4", row_group_size=GROUP_ROWS)   # read once
        self.held.append(frame.select(*HELD, _file=pl.lit(len(self.files), pl.Int64),
                                      _row=pl.int_range(pl.len(), dtype=pl.Int64)))
        self.files.append(str(path))

    def index(self) -> pl.DataFrame:
        """Every block written: HELD, `_file`, `_row`."""
        schema = {**{c: STORED[c] for c in HELD}, "_file": pl.Int64, "_row": pl.Int64}
        return pl.concat(self.held) if self.held else pl.DataFrame(schema=schema)

    def read(self, merged: pl.DataFrame) -> pl.DataFrame:
        """The merged blocks (`merged_index`) with their text and metadata, in merged's order (block_id),
        SLICE_BLOCKS at a time: the rows of one slice in one file are consecutive (both sorted by block_id)."""
        slices = []
        for lo in range(0, merged.height, SLICE_BLOCKS):
            part = merged.slice(lo, SLICE_BLOCKS).with_row_index("_at")
            got = []
            for (f,), rows in part.partition_by("_file", as_dict=True, maintain_order=True).items():
                first, last = rows["_row"].min(), rows["_row"].max()
                run = pl.scan_parquet(self.files[f]).slice(first, last - first + 1).collect()
                got.append(run[(rows["_row"] - first).to_list()].with_columns(rows["_at"]))
                del run
            content = pl.concat(got).sort("_at").drop("_at")
            slices.append(pl.concat([part.select("block_id", "doc_ids"), content, part.select("_merged")],
                                    how="horizontal"))
        if not slices:
            return pl.DataFrame(schema=BLOCK_SCHEMA).with_columns(_merged=pl.lit(None, pl.List(pl.String)))
        return pl.concat(slices, rechunk=False).select(*BLOCK_SCHEMA, "_merged")


def merged_index(held: pl.DataFrame) -> pl.DataFrame:
    """Blocks with the same text hash `_k` become one, on their ids only: the smallest block_id is kept
    (with its `_file`/`_row`, the row whose text and metadata stay), doc_ids united and sorted, the ids
    merged into it listed in `_merged`; sorted by block_id."""
    return (held.sort("block_id")
            .group_by("_k", maintain_order=True)
            .agg(pl.col("block_id").first(), pl.col("doc_ids").list.explode(keep_nulls=False, empty_as_null=False)
                 .unique().sort(), pl.col("_file", "_row").first(), pl.col("block_id").alias("_merged"))
            .drop("_k").sort("block_id"))


def merge_blocks(blocks: pl.DataFrame) -> pl.DataFrame:
    """Blocks (a frame) with the same normalised text become one (doc_ids united, smallest block_id kept;
    `merged_index`). The text key is `_k` when the caller has one, else the hash of
    normalize_for_hash(text). The output lists the ids merged into each block in `_merged`."""
    if blocks.height == 0:
        return blocks.select(*BLOCK_SCHEMA).with_columns(_merged=pl.lit(None, pl.List(pl.String)))
    if "_k" not in blocks.columns:
        blocks = blocks.with_columns(_k=pl.Series([normalize_for_hash(t) for t in blocks["text"]]).hash(HASH_SEED))
    merged = merged_index(blocks.select(*HELD, _row=pl.int_range(pl.len(), dtype=pl.Int64), _file=pl.lit(0)))
    content = blocks.select(CONTENT)[merged["_row"].to_list()]
    return pl.concat([merged.select("block_id", "doc_ids"), content, merged.select("_merged")], how="horizontal")


def joined_texts(frame: pl.DataFrame, by: list[str], texts: pl.DataFrame, source: Texts) -> pl.DataFrame:
    """The parts of `frame` (doc_idx, start, end, n_words, _hashes) with their text, joined per `by`
    group: `_t` (the text), `n_words` (summed) and `_k` (a hash of the lines' hashes: the text's key)."""
    these = source.add(texts.filter(pl.col("doc_idx").is_in(frame.get_column("doc_idx").unique().implode())))
    frame = (frame.join(these, on="doc_idx", how="left", maintain_order="left")
             .with_columns(_t=pl.col("text").str.slice(pl.col("start"), pl.col("end") - pl.col("start")))
             .drop("text"))
    return frame.group_by(by, maintain_order=True).agg(
        pl.col("_t").str.join(""), pl.col("n_words").sum(),
        _k=pl.col("_hashes").list.explode(keep_nulls=False, empty_as_null=False),
    ).with_columns(_k=pl.col("_k").hash(HASH_SEED))


def build_blocks(parts: pl.DataFrame, docs: pl.DataFrame, documents: pl.DataFrame,
                 cfg: PipelineConfig, source: Texts = Texts()) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(blocks, residue): page blocks (kept parts) and shared blocks (parts of the representative),
    merged by text; the residue (pages left with too few words) cut.

    Each block carries `_k`, a hash of its lines' normalised keys, so that merging blocks with the
    same text does not normalise every block again. The page blocks of PAGE_BATCH_DOCS documents are
    built at once and written to a file (`BlockFiles`); the merge reads only ids and hashes, and the
    merged blocks are read back slice by slice (see the module's docstring)."""
    texts = docs.select("doc_idx", *source.columns)
    carriers = pl.DataFrame([(k, sorted(v)) for k, v in carried_by(documents).items()], orient="row",
                            schema={"doc_id": pl.String, "_carried": pl.List(pl.String)})
    meta = docs.select("doc_id", "meta_title", "meta_date", "meta_source", "meta_url")
    text = pl.col("_t").str.strip_chars("\n")
    page_parts, small = parts.filter(pl.col("kind").is_null()), []
    last = page_parts.get_column("doc_idx").max()      # doc_idx counts every ok document, not only the kept
    with tempfile.TemporaryDirectory(prefix="dedupe-blocks-", dir=source.folder) as tmp:
        store = BlockFiles(Path(tmp))
        for lo in range(0, (last if last is not None else 0) + 1, PAGE_BATCH_DOCS):
            page = joined_texts(page_parts.filter(pl.col("doc_idx").is_between(lo, lo + PAGE_BATCH_DOCS - 1)),
                                ["doc_idx", "doc_id"], texts, source)
            small.append(page.filter(pl.col("n_words") < cfg.block_min_words).get_column("doc_id"))
            store.write(page.filter(pl.col("n_words") >= cfg.block_min_words)
                        .join(carriers, on="doc_id", how="left", maintain_order="left")
                        .join(meta, on="doc_id", how="left", maintain_order="left")
                        .select(block_id="doc_id", doc_ids="_carried", text=text, meta_title="meta_title",
                                meta_date="meta_date", meta_source="meta_source", meta_url="meta_url", _k="_k"))
            del page
        shared = parts.filter(pl.col("kind") == "shared")
        if shared.height:
            store.write(shared_blocks(shared, texts, source, carriers, meta).with_columns(text=text).drop("_t"))
        blocks = store.read(merged_index(store.index()))
    residue_docs = pl.concat(small)
    residue = (parts.filter(pl.col("kind").is_null() & ~pl.col("blank") & pl.col("doc_id").is_in(residue_docs))
               .with_columns(kind=pl.lit("boilerplate"), reason=pl.format(
                   "residue: what is left of the page after the cuts has fewer than {} words",
                   pl.lit(cfg.block_min_words))))
    return blocks, residue


def shared_blocks(shared: pl.DataFrame, texts: pl.DataFrame, source: Texts, carriers: pl.DataFrame,
                  meta: pl.DataFrame) -> pl.DataFrame:
    """One block per shared segment: its text from the representative (the first carrier), every
    document carrying it (and their duplicates), and the source when all carriers agree."""
    rep = shared.group_by("canonical_id").agg(pl.col("doc_idx").min().alias("_rep"),
                                              pl.col("doc_id").unique().alias("_carriers"))
    shared = shared.join(rep.select("canonical_id", "_rep"), on="canonical_id")  # not the carrier lists
    blocks = joined_texts(shared.filter(pl.col("doc_idx") == pl.col("_rep")).sort("doc_idx", "start"),
                          ["canonical_id"], texts, source)
    each = rep.select("canonical_id", doc_id="_carriers").explode("doc_id")
    docs_of = (each.join(carriers, on="doc_id").explode("_carried").group_by("canonical_id")
               .agg(doc_ids=pl.col("_carried").unique().sort()))
    by_source = (each.join(meta, on="doc_id", how="left").group_by("canonical_id")
                 .agg(pl.when(pl.col("meta_source").n_unique() == 1).then(pl.col("meta_source").first())
                      .alias("meta_source")))
    return (blocks.join(docs_of, on="canonical_id").join(by_source, on="canonical_id")
            .select(block_id="canonical_id", doc_ids="doc_ids", _t="_t", meta_title=pl.lit(None, pl.String),
                    meta_date=pl.lit(None, pl.String), meta_source="meta_source", meta_url=pl.lit(None, pl.String),
                    _k="_k"))
