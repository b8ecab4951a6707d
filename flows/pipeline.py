"""The akhbar pipeline flow: ingest -> dedupe -> segment -> extract -> validate -> publish.

Stages live in tasks/ as pure functions; this module only wires them together,
partitions the corpus (a task per partition, never per document) and records
the run's lineage.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import time
import uuid
from pathlib import Path

import polars as pl
from prefect import flow, get_run_logger, runtime

import akhbar
from akhbar.config import PipelineConfig
from akhbar.contracts import CONTRACT_VERSION, KEYS
from akhbar.lock import single_writer
from tasks.dedupe import dedupe_task
from tasks.entities import build_catalog, extract_entities_task
from tasks.events import extract_events_task
from tasks.ingest import ingest_task, input_manifest_hash
from tasks.publish import publish_task, read_latest
from tasks.segment import merge_articles, segment_task
from tasks.validate import validate_task


def new_run_id() -> str:
    now = dt.datetime.now(dt.timezone.utc)
    return f"run_{now:%Y%m%dT%H%M%SZ}_{uuid.uuid4().hex[:6]}"


def git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5,
                             cwd=Path(__file__).resolve().parent)
        return out.stdout.strip() or None if out.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        return None


def partitions(frame: pl.DataFrame, size: int) -> list[pl.DataFrame]:
    return [frame.slice(i, size) for i in range(0, frame.height, size)] or [frame]


def concat_unique(frames: list[pl.DataFrame], table: str) -> pl.DataFrame:
    """Concatenate partition outputs; a key produced by two partitions is kept once."""
    return pl.concat(frames, how="vertical").unique(list(KEYS[table]), keep="first", maintain_order=True)


@flow(name="akhbar-pipeline", log_prints=True)
@single_writer  # one writer per output root for the whole run (akhbar/lock.py)
def pipeline(input_dir: str = "seeds", output_dir: str = "data", config: dict | None = None) -> dict:
    logger = get_run_logger()
    cfg = PipelineConfig(**(config or {}))
    run_id = new_run_id()
    started = dt.datetime.now(dt.timezone.utc)
    timings: dict[str, float] = {}

    t = time.perf_counter()
    known = read_latest(output_dir, "documents")
    documents = ingest_task(input_dir, run_id, cfg, known)
    timings["ingest"] = time.perf_counter() - t
    ingest_counts = dict(
        files=documents.height, new=documents.filter(pl.col("is_new")).height,
        known=documents.filter(~pl.col("is_new")).height,
        rejected=documents.filter(pl.col("is_new") & (pl.col("status") == "rejected")).height)
    logger.info("ingest: %(files)d documents, %(new)d new, %(known)d known, %(rejected)d newly rejected",
                ingest_counts)

    t = time.perf_counter()
    documents, segments, blocks = dedupe_task(documents, run_id)
    timings["dedupe"] = time.perf_counter() - t

    t = time.perf_counter()
    parts = partitions(blocks, cfg.partition_size)
    seg_futures = [segment_task.with_options(task_run_name=f"segment-p{i}").submit(p, run_id)
                   for i, p in enumerate(parts)]
    seg_results = [f.result() for f in seg_futures]
    articles = merge_articles([a for a, _ in seg_results])
    sentences = concat_unique([s for _, s in seg_results], "sentences")
    timings["segment"] = time.perf_counter() - t

    t = time.perf_counter()
    art_parts = partitions(articles, cfg.partition_size)
    ent_futures = [extract_entities_task.with_options(task_run_name=f"extract-entities-p{i}").submit(
        p, sentences.join(p.select("article_id"), on="article_id", how="semi"), run_id)
        for i, p in enumerate(art_parts)]
    entities = concat_unique([f.result() for f in ent_futures], "entities")
    catalog = build_catalog(entities, run_id)
    timings["extract_entities"] = time.perf_counter() - t

    t = time.perf_counter()
    evt_futures = [extract_events_task.with_options(task_run_name=f"extract-events-p{i}").submit(
        p, sentences.join(p.select("article_id"), on="article_id", how="semi"),
        entities.join(p.select("article_id"), on="article_id", how="semi"), run_id)
        for i, p in enumerate(art_parts)]
    events = concat_unique([f.result() for f in evt_futures], "events")
    timings["extract_events"] = time.perf_counter() - t

    t = time.perf_counter()
    candidates = dict(documents=documents, segments=segments, articles=articles, sentences=sentences,
                      entities=entities, entity_catalog=catalog, events=events)
    tables, quarantine, report = validate_task(candidates, run_id, cfg.max_failure_share)
    tables["quarantine"] = quarantine
    timings["validate"] = time.perf_counter() - t

    t = time.perf_counter()
    counts = {k: v.height for k, v in tables.items()}
    flow_run_id = runtime.flow_run.id
    run_row = dict(
        run_id=run_id, flow_run_id=str(flow_run_id) if flow_run_id else None, started_at=started,
        finished_at=dt.datetime.now(dt.timezone.utc), status="published", code_version=akhbar.__version__,
        git_commit=git_commit(), contract_version=CONTRACT_VERSION,
        parameters=json.dumps({"input_dir": str(input_dir), "output_dir": str(output_dir), **cfg.as_dict()},
                              sort_keys=True, default=str),
        input_manifest_hash=input_manifest_hash(documents), counts=json.dumps(counts, sort_keys=True),
        validation_summary=json.dumps(report, sort_keys=True, default=str))
    versions = publish_task(output_dir, tables, run_row, allow_breaking_schema=cfg.allow_breaking_schema)
    timings["publish"] = time.perf_counter() - t

    summary = dict(run_id=run_id, counts=counts, ingest=ingest_counts, versions=versions, validation=report,
                   timings={k: round(v, 3) for k, v in timings.items()},
                   documents_by_status=dict(documents.group_by("status").len().sort("status").iter_rows()))
    logger.info("published run %s: %s", run_id, json.dumps(counts, sort_keys=True))
    return summary
