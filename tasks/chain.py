"""The stages chained as plain functions, without Prefect.

Used by evaluation (`akhbar eval ...`), benchmarks and tests that want the
pipeline's tables without an orchestrator. The Prefect flow (flows/pipeline.py)
wires the same functions as tasks.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from akhbar.config import PipelineConfig
from tasks.dedupe import dedupe
from tasks.entities import build_catalog, extract_entities
from tasks.events import extract_events
from tasks.ingest import ingest_folder
from tasks.segment import segment


def run_stages(input_dir: Path | str, run_id: str = "local", cfg: PipelineConfig | None = None,
               known: pl.DataFrame | None = None) -> dict[str, pl.DataFrame]:
    """ingest -> dedupe -> segment -> entities -> events; returns the candidate tables (not validated)."""
    cfg = cfg or PipelineConfig()
    documents = ingest_folder(Path(input_dir), run_id, cfg, known=known)
    documents, segments, blocks = dedupe(documents, run_id, cfg)
    articles, sentences = segment(blocks, run_id)
    entities = extract_entities(articles, sentences, run_id)
    events = extract_events(articles, sentences, entities, run_id)
    return dict(documents=documents, segments=segments, articles=articles, sentences=sentences,
                entities=entities, entity_catalog=build_catalog(entities, run_id), events=events)
