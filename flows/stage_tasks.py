"""TEMPORARY: Prefect task wrappers moved out of the stages (replaced by flows/stages.py)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from prefect import task
from prefect.cache_policies import NO_CACHE

from flows import workers
from akhbar.config import PipelineConfig
from tasks.dedupe import dedupe
from tasks.entities import extract_entities
from tasks.events import MENTION_FIELDS, extract_events
from tasks.ingest import ingest_folder
from tasks.ingest import retry_io_only as ingest_retry_io_only
from tasks.publish import publish, retry_io_only
from tasks.segment import segment_blocks
from tasks.validate import validate


@task(name="dedupe")
def dedupe_task(documents: pl.DataFrame, run_id: str, cfg: PipelineConfig | None = None):
    return dedupe(documents, run_id, cfg)


@task(name="extract-entities")
def extract_entities_task(articles: pl.DataFrame, sentences: pl.DataFrame, run_id: str) -> pl.DataFrame:
    return workers.run(extract_entities, articles, sentences, run_id)


@task(name="extract-events")
def extract_events_task(articles, sentences, entities, run_id: str) -> pl.DataFrame:
    return workers.run(extract_events, articles, sentences, entities.select(MENTION_FIELDS), run_id, cluster=False)


@task(name="ingest", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[1, 5],
      retry_condition_fn=ingest_retry_io_only)
def ingest_task(input_dir: str, run_id: str, cfg: PipelineConfig, known: pl.DataFrame | None = None) -> pl.DataFrame:
    return ingest_folder(Path(input_dir), run_id, cfg, known=known)


@task(name="publish", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[1, 5], retry_condition_fn=retry_io_only)
def publish_task(output_dir: str, tables: dict[str, pl.DataFrame], run_row: dict,
                 allow_breaking_schema: bool = False) -> dict[str, int]:
    return publish(output_dir, tables, run_row, allow_breaking_schema=allow_breaking_schema)


@task(name="segment")
def segment_task(blocks: pl.DataFrame, run_id: str, known_words: pl.DataFrame | None = None):
    from prefect import get_run_logger

    articles, sentences, rejected = workers.run(segment_blocks, blocks, run_id, known_words)
    logger = get_run_logger()
    for r in rejected.iter_rows(named=True):
        logger.warning("block %s yielded no article: %s", r["row_key"], r["detail"])
    return articles, sentences, rejected


@task(name="validate", cache_policy=NO_CACHE)
def validate_task(tables: dict[str, pl.DataFrame], run_id: str, max_failure_share: float):
    return validate(tables, run_id, max_failure_share)
