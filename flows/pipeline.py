"""The akhbar DAG, declared once, and the Prefect flow that runs it.

    ingest -> dedupe -> mark-new -> vocabulary -> segment[pN] -> extract-entities[pN] -> catalog
           -> extract-events[pN] -> cluster-events -> incidents -> validate -> quarantine -> publish

Each `Stage` names its function (flows/steps.py: thin calls into the pure stages of tasks/),
the datasets it reads and writes, and for a partitioned stage ([pN]) how inputs are split and
outputs merged. `akhbar eval`, the benchmarks and the tests run the same DAG with the local
executor (`run_local`); the flow below runs it with Prefect: one task run per stage and per
partition, cached on content, partition work in worker processes (flows/runtime.py).
"""

from __future__ import annotations

from prefect import flow

from flows import steps
from flows.graph import Stage, concat, release, releases, unique_rows
from flows.partitions import N_PARTITIONS, warm_code_versions
from flows.spill import SPILL_DIR
from flows.runtime import FINISH_READS, Run, run_stage, task_runner_from_env
from akhbar.lake import single_writer

DAG: tuple[Stage, ...] = (
    Stage("ingest", steps.ingest, ("input_dir", "run_id", "cfg", "known_documents", SPILL_DIR), ("ingested",),
          retries=2, retry_if=steps.io_error),
    Stage("dedupe", steps.dedupe, ("ingested", "run_id", "cfg", "dedupe_state"),
          ("deduped", "segments", "blocks", "dedupe_index"), cached=True, code="tasks.dedupe", lazy=("ingested",)),
    Stage("mark-new", steps.mark_new, ("deduped", "ingested"), ("documents",), spill=True, lazy=("ingested",)),
    Stage("vocabulary", steps.vocabulary, ("blocks", "cfg"), ("vocab", N_PARTITIONS)),
    Stage("segment", steps.segment, ("blocks", "vocab", "run_id", "cfg"), ("articles", "sentences", "segment_rejections"),
          split=steps.split_blocks, merge=(steps.merge_article_frames, unique_rows("sentences"), concat),
          cached=True, offload=True, isolate="block_id", code="tasks.segment",
          sorted_by=(("article_id",), ("article_id", "sentence_idx"), None)),
    Stage("extract-entities", steps.entities, ("articles", "sentences", "run_id", "cfg"), ("entities",),
          split=steps.split_articles, merge=(unique_rows("entities"),), cached=True, offload=True,
          isolate="article_id", code="tasks.entities", forget=steps.forget_entity_memos),
    Stage("catalog", steps.catalog, ("entities", "run_id", "cfg"), ("entity_catalog",), lazy=("entities",),
          spill=True),
    Stage("extract-events", steps.events, ("articles", "sentences", "entities", "run_id", "cfg"), ("events_unclustered",),
          split=steps.split_articles, merge=(unique_rows("events"),), cached=True, offload=True,
          isolate="article_id", code="tasks.events", forget=steps.forget_event_memos),
    Stage("cluster-events", steps.cluster, ("events_unclustered",), ("events",), lazy=("events_unclustered",)),
    Stage("incidents", steps.incidents, ("events", "entity_catalog", "articles", "documents", "known_incidents",
                                         "run_id"), ("incidents", "incident_failures"),
          lazy=("events", "entity_catalog", "articles", "documents"), spill=True),
    Stage("validate", steps.validate, ("documents", "segments", "articles", "sentences", "entities",
                                       "entity_catalog", "events", "run_id", "cfg", "incidents"),
          ("validated", "quarantine_rows", "report"),
          lazy=("documents", "segments", "articles", "sentences", "entities", "entity_catalog", "events", "incidents")),
    Stage("quarantine", steps.quarantine, ("validated", "quarantine_rows", "segment_rejections", "stage_failures",
                                           "run_id", "incident_failures"), ("tables",)),
    Stage("publish", steps.publish, ("tables", "report", "documents", "run_meta", "cfg", "dedupe_index"),
          ("versions",), retries=2, lazy=("documents",),
          retry_if=steps.publish_retryable),
)


def prepare() -> None:
    """The part of a run's set-up that needs no Prefect API: the code versions of the cached stages
    (hashing their sources and resources). The CLI calls it while a temporary API server starts;
    the flow finds them computed (else it computes them itself)."""
    warm_code_versions(DAG)


@flow(name="akhbar-pipeline", log_prints=True, task_runner=task_runner_from_env())
@single_writer  # one writer per output root for the whole run (akhbar/lake/lock.py)
def pipeline(input_dir: str = "seeds", output_dir: str = "data", config: dict | None = None,
             cache: bool = True) -> dict:
    run = Run.start(input_dir, output_dir, config, cache, DAG)
    drop = releases(DAG, keep=FINISH_READS)     # a dataset goes once its last reader has run
    try:
        for stage in DAG:
            with run.clock(stage.name):
                run.bag.update(run_stage(stage, run))
            run.note(stage)
            if stage.forget:
                stage.forget()
            release(run.bag, drop.get(stage.name, ()))
        return run.finish()
    finally:
        run.close()                             # the staging folder of a Dask run
