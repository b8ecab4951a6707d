"""Dedupe: keep each story once and log every cut.

Input: the documents frame from ingest. Output:
  - documents with status/duplicate_of updated,
  - segments: one row per cut (doc_id, start, end, kind, canonical_id, reason),
  - blocks: the clean units handed to segment, one per kept page text or shared
    segment: block_id, doc_ids (every document that carried it), text, and the
    record metadata (meta_title, meta_date, meta_source, meta_url).
"""

from __future__ import annotations

import polars as pl
from prefect import task

from akhbar.contracts import SCHEMAS

BLOCK_SCHEMA = {
    "block_id": pl.String, "doc_ids": pl.List(pl.String), "text": pl.String,
    "meta_title": pl.String, "meta_date": pl.String, "meta_source": pl.String, "meta_url": pl.String,
}


def empty_segments() -> pl.DataFrame:
    return pl.from_arrow(SCHEMAS["segments"].empty_table())


def mark_exact_duplicates(documents: pl.DataFrame) -> pl.DataFrame:
    """Among ok documents with the same normalised hash, keep the first by source path."""
    ok = documents.filter(pl.col("status") == "ok").sort("source_path", "record_idx", nulls_last=False)
    keeper = ok.group_by("norm_sha256", maintain_order=True).agg(pl.col("doc_id").first().alias("_keeper"))
    out = documents.join(keeper, on="norm_sha256", how="left")
    is_dup = (pl.col("status") == "ok") & pl.col("_keeper").is_not_null() & (pl.col("_keeper") != pl.col("doc_id"))
    return out.with_columns(
        status=pl.when(is_dup).then(pl.lit("duplicate")).otherwise(pl.col("status")),
        duplicate_of=pl.when(is_dup).then(pl.col("_keeper")).otherwise(pl.col("duplicate_of")),
        reason=pl.when(is_dup).then(pl.lit("exact duplicate: same normalised text")).otherwise(pl.col("reason")),
    ).drop("_keeper")


def reset_marks(documents: pl.DataFrame) -> pl.DataFrame:
    """Documents carried over from an earlier snapshot are judged again with the whole corpus."""
    was_dup = pl.col("status").is_in(["duplicate", "near_duplicate"])
    return documents.with_columns(
        status=pl.when(was_dup).then(pl.lit("ok")).otherwise(pl.col("status")),
        reason=pl.when(was_dup).then(pl.lit(None, pl.String)).otherwise(pl.col("reason")),
        duplicate_of=pl.lit(None, pl.String), cluster_id=pl.lit(None, pl.String),
        similarity=pl.lit(None, pl.Float64))


def dedupe(documents: pl.DataFrame, run_id: str) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    documents = mark_exact_duplicates(reset_marks(documents))
    dups = documents.filter(pl.col("status") == "duplicate")
    segments = pl.DataFrame({
        "doc_id": dups["doc_id"], "start": pl.Series([0] * dups.height, dtype=pl.Int64),
        "end": dups["text"].str.len_chars().cast(pl.Int64), "kind": ["duplicate_doc"] * dups.height,
        "canonical_id": dups["duplicate_of"], "reason": dups["reason"], "run_id": [run_id] * dups.height,
    }, schema=empty_segments().schema)
    kept = documents.filter(pl.col("status") == "ok").sort("doc_id")
    blocks = kept.select(
        pl.col("doc_id").alias("block_id"), pl.concat_list("doc_id").alias("doc_ids"), "text",
        "meta_title", "meta_date", "meta_source", "meta_url",
    )
    return documents, segments, blocks


@task(name="dedupe")
def dedupe_task(documents: pl.DataFrame, run_id: str):
    return dedupe(documents, run_id)
