"""The DAG of flows/pipeline.py run in this process, without Prefect (evaluation, benchmarks, tests).

Same stages, same partitioning, same merges as a published run: what `akhbar eval` scores is
what the flow publishes (up to validation).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from akhbar.config import PipelineConfig
from flows.graph import run_local
from flows.pipeline import DAG

CANDIDATES = ("documents", "segments", "articles", "sentences", "entities", "entity_catalog", "events")


def run_graph(input_dir: Path | str, run_id: str = "local", cfg: PipelineConfig | None = None,
              known: pl.DataFrame | None = None, until: str = "cluster-events") -> dict:
    """The bag of datasets after the stage `until` (default: the candidate tables, before validate)."""
    bag = dict(input_dir=str(input_dir), run_id=run_id, cfg=cfg or PipelineConfig.from_env(), known_documents=known)
    return run_local(DAG, bag, until=until)


def run_stages(input_dir: Path | str, run_id: str = "local", cfg: PipelineConfig | None = None,
               known: pl.DataFrame | None = None) -> dict[str, pl.DataFrame]:
    """ingest -> ... -> cluster-events: the candidate tables (not validated)."""
    bag = run_graph(input_dir, run_id, cfg, known)
    return {name: bag[name] for name in CANDIDATES}
