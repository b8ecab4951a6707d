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
from flows.steps import start_bag

CANDIDATES = ("documents", "segments", "articles", "sentences", "entities", "entity_catalog", "events")


def run_graph(input_dir: Path | str, run_id: str = "local", cfg: PipelineConfig | None = None,
              known: pl.DataFrame | None = None, until: str = "cluster-events") -> dict:
    """The bag of datasets after the stage `until` (default: the candidate tables, before validate)."""
    bag = start_bag(input_dir, run_id, cfg or PipelineConfig.from_env(), known_documents=known)
    return run_local(DAG, bag, until=until)


def run_stages(input_dir: Path | str, run_id: str = "local", cfg: PipelineConfig | None = None,
               known: pl.DataFrame | None = None) -> dict[str, pl.DataFrame]:
    """ingest -> ... -> cluster-events: the candidate tables (not validated). Partition outputs go
    through spill files as in a published run (flows/spill.py), read back whole at the end."""
    import tempfile

    from flows.spill import SPILL_DIR, materialise

    with tempfile.TemporaryDirectory(prefix="akhbar-spill-") as folder:
        bag = start_bag(input_dir, run_id, cfg or PipelineConfig.from_env(), known_documents=known,
                        **{SPILL_DIR: Path(folder)})
        bag = run_local(DAG, bag, until="cluster-events")
        return {name: materialise(bag[name]) for name in CANDIDATES}


def run_and_publish(input_dir: Path | str, output_dir: Path | str, run_id: str,
                    cfg: PipelineConfig | None = None) -> dict:
    """The whole DAG through publish in this process (no Prefect), against the output's latest
    snapshot like a flow run (first-seen ids of documents and incidents), releasing each dataset
    after its last reader as the flow does. Returns the bag's `versions` (Delta version per table)."""
    from flows.graph import release, releases
    from flows.runtime import FINISH_READS
    from flows.spill import SPILL_DIR
    from flows.staging import clear, staging_folder

    bag = start_bag(input_dir, run_id, cfg or PipelineConfig.from_env(), output_dir=str(output_dir))
    # partition outputs go to files, not into this process (flows/spill.py); removed however the run ends
    bag[SPILL_DIR] = folder = staging_folder(str(output_dir), run_id, bag["cfg"].staging_dir)
    clear(folder)
    drop = releases(DAG, FINISH_READS)
    try:
        for stage in DAG:
            bag = run_local((stage,), bag)
            release(bag, drop.get(stage.name, ()))
    finally:
        clear(folder)
    return bag["versions"]
