"""The akhbar pipeline flow: ingest -> dedupe -> segment -> extract -> validate -> publish.

Stages live in tasks/ as pure functions; this module only wires them together:
  - the corpus is split into a fixed number of partitions by a hash of each
    block / article id (flows/partitions.py), one task run per partition,
    named `<stage>-p<N>`, never one per document;
  - dedupe and the partition tasks are cached on the content of their inputs
    plus the code version of their stage, so a rerun over unchanged input skips
    them (results persisted under the state folder, see docs/operations.md);
  - the task runner is chosen by the caller (`pipeline.with_options(task_runner=
    ...)`, see `task_runner()`) or, for scheduled runs, by the environment
    (`task_runner_from_env()`): threads by default, Dask to scale out; partition
    results are gathered in partition order, so every runner gives the same tables;
  - the run's lineage goes to the `runs` table, its report to Prefect artifacts.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import subprocess
import time
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import polars as pl
from prefect import Task, flow, get_run_logger, runtime
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.futures import PrefectFuture, as_completed

import akhbar
from flows import workers
from akhbar.config import PipelineConfig
from akhbar.contracts import CONTRACT_VERSION, KEYS
from akhbar.lake.lock import single_writer
from flows.partitions import partition_cache_key, split
from flows.report import RunProgress, artifact_prefix, publish_artifacts
from flows.stage_tasks import (dedupe_task, extract_entities_task, extract_events_task, ingest_task, publish_task,
                               segment_task, validate_task)
from tasks.entities import build_catalog
from tasks.events import cluster_events
from tasks.ingest import input_manifest_hash, iter_files
from akhbar.lake import read_latest
from tasks.segment import corpus_vocabulary, merge_articles

CACHE_EXPIRATION = dt.timedelta(days=30)   # cached stage results older than this are recomputed
FIXED_STEPS = ("ingest", "dedupe", "validate", "publish")


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


def task_runner(kind: str = "threads", address: str | None = None, workers: int = 2):
    """The task runner for `pipeline.with_options(task_runner=...)`.

    threads: Prefect's thread pool (default). dask: a local Dask cluster of
    `workers` single-threaded processes, or the scheduler at `address`
    (tcp://host:8786) when given.
    """
    if kind == "threads":
        from prefect.task_runners import ThreadPoolTaskRunner
        return ThreadPoolTaskRunner()
    if kind == "dask":
        from prefect_dask import DaskTaskRunner
        # task inputs are partitions of a few MB by design; Dask warns about every "large graph"
        warnings.filterwarnings("ignore", message="Sending large graph", category=UserWarning)
        if address:
            return DaskTaskRunner(address=address)
        return DaskTaskRunner(cluster_kwargs=dict(n_workers=workers, threads_per_worker=1, processes=True,
                                                  dashboard_address=":0"))  # any free port: several clusters may run
    raise ValueError(f"unknown task runner '{kind}' (expected 'threads' or 'dask')")


def task_runner_from_env():
    """The runner named by AKHBAR_TASK_RUNNER / AKHBAR_DASK_ADDRESS / AKHBAR_DASK_WORKERS (default threads).

    Scheduled runs are started by Prefect importing this module (the deployment's
    entrypoint), so `akhbar serve --task-runner dask` passes its choice this way.
    """
    return task_runner(os.environ.get("AKHBAR_TASK_RUNNER", "threads"), os.environ.get("AKHBAR_DASK_ADDRESS") or None,
                       int(os.environ.get("AKHBAR_DASK_WORKERS", "2")))


def start_cluster(runner) -> float:
    """Have a Dask runner's workers load the stage code now; seconds it took.

    Each worker process otherwise imports polars, Prefect and the stages on its
    first task; doing it up front keeps that out of the stage timings and fails
    early, with the worker's error, when a remote cluster lacks the code.
    """
    t = time.perf_counter()
    client = getattr(runner, "client", None)   # DaskTaskRunner: starts or connects to the cluster
    if client is not None:
        client.run(importlib.import_module, "flows.pipeline")
    return round(time.perf_counter() - t, 3)


def input_reaches(input_dir: str, min_bytes: int) -> bool:
    """Whether the input files hold at least `min_bytes` (the walk stops there; False when the
    folder cannot be read: ingest reports that)."""
    total = 0
    try:
        for p in iter_files(Path(input_dir)):
            total += p.stat().st_size if p.exists() else 0
            if total >= min_bytes:
                return True
    except OSError:
        pass
    return False


def start_workers(runner, requested: int, input_dir: str, min_bytes: int) -> int:
    """Worker processes for the partition stages (flows/workers.py): with the thread runner,
    `requested`, or with 0 one per core once the input holds at least `min_bytes` (the pool's
    start, about a second, costs more than it saves on a few pages); with Dask, none (its
    workers are processes already). They start now, while ingest and dedupe run in this
    process. Returns the number of worker processes (0: the partition work runs in this process)."""
    from prefect.task_runners import ThreadPoolTaskRunner

    if not isinstance(runner, ThreadPoolTaskRunner):
        n = 1
    else:
        n = requested or (workers.default_workers() if input_reaches(input_dir, min_bytes) else 1)
    n = workers.configure(n)
    workers.warm_up()
    return n if n > 1 else 0


def cache_options(enabled: bool) -> dict[str, Any]:
    """Task options for a cached stage: key = inputs' content + stage code version; result persisted."""
    if not enabled:
        return dict(cache_policy=NO_CACHE, persist_result=False)
    return dict(cache_key_fn=partition_cache_key, persist_result=True, cache_expiration=CACHE_EXPIRATION)


def stamp(frame: pl.DataFrame, run_id: str) -> pl.DataFrame:
    """A cached result was computed by an earlier run: the rows are this run's now."""
    return frame.with_columns(run_id=pl.lit(run_id)) if "run_id" in frame.columns else frame


def concat_unique(frames: list[pl.DataFrame], table: str) -> pl.DataFrame:
    """Concatenate partition outputs; a key produced by two partitions is kept once."""
    return pl.concat(frames, how="vertical").unique(list(KEYS[table]), keep="first", maintain_order=True)


class StageClock:
    """Wall-clock seconds per stage, and the number of cached task runs per stage."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self.cached: dict[str, str] = {}

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        t = time.perf_counter()
        yield
        self.seconds[stage] = round(time.perf_counter() - t, 3)


def submit_partitions(task: Task, stage: str, inputs: dict[int, tuple], run_id: str, cache: bool,
                      keywords: dict[int, dict] | None = None) -> dict[int, PrefectFuture]:
    """One task run per partition (`<stage>-p<N>`), submitted: {partition: future}. An input may be
    another stage's future: the task starts when that partition is done (no stage-wide barrier).
    `keywords`: keyword arguments per partition, after the positional `inputs` and run_id."""
    keywords = keywords or {}
    return {p: task.with_options(task_run_name=f"{stage}-p{p}", **cache_options(cache))
            .submit(*args, run_id, **keywords.get(p, {}))
            for p, args in inputs.items()}


def gather(futures: dict[int, PrefectFuture], stage: str, progress: RunProgress, clock: StageClock) -> list[Any]:
    """Results of submitted partitions in partition order, whatever finished first."""
    by_future = {fut: p for p, fut in futures.items()}
    for fut in as_completed(list(by_future)):
        progress.step(f"{stage}-p{by_future[fut]}")
    ordered = [futures[p] for p in sorted(futures)]
    results = [f.result() for f in ordered]   # result() first: it fixes the future's final state
    clock.cached[stage] = f"{sum(f.state.name == 'Cached' for f in ordered)}/{len(ordered)}"
    return results


def map_partitions(task: Task, stage: str, inputs: dict[int, tuple], run_id: str, cache: bool,
                   progress: RunProgress, clock: StageClock, keywords: dict[int, dict] | None = None) -> list[Any]:
    """`submit_partitions`, then `gather`."""
    return gather(submit_partitions(task, stage, inputs, run_id, cache, keywords), stage, progress, clock)


@flow(name="akhbar-pipeline", log_prints=True, task_runner=task_runner_from_env())
@single_writer  # one writer per output root for the whole run (akhbar/lake/lock.py)
def pipeline(input_dir: str = "seeds", output_dir: str = "data", config: dict | None = None,
             cache: bool = True) -> dict:
    logger = get_run_logger()
    runner = FlowRunContext.get().task_runner
    startup_s = start_cluster(runner)
    t_flow = time.perf_counter()   # elapsed_s: from here, a started task runner, to the published snapshot
    cfg = PipelineConfig(**(config or {}))
    if cfg.partitions < 1:
        raise ValueError(f"config partitions must be >= 1, got {cfg.partitions}")
    n_workers = start_workers(runner, cfg.workers, input_dir, cfg.workers_min_input_bytes)
    run_id = new_run_id()
    started = dt.datetime.now(dt.timezone.utc)
    prefix = artifact_prefix(runtime.deployment.name)
    progress = RunProgress(prefix, planned=len(FIXED_STEPS) + 3 * cfg.partitions)
    clock = StageClock()

    with clock("ingest"):
        known = read_latest(output_dir, "documents")
        documents = ingest_task.with_options(task_run_name="ingest")(input_dir, run_id, cfg, known)
    progress.step("ingest")
    ingest_counts = dict(
        files=documents.height, new=documents.filter(pl.col("is_new")).height,
        known=documents.filter(~pl.col("is_new")).height,
        rejected=documents.filter(pl.col("is_new") & (pl.col("status") == "rejected")).height)
    logger.info("ingest: %(files)d documents, %(new)d new, %(known)d known, %(rejected)d newly rejected",
                ingest_counts)

    with clock("dedupe"):
        fut = dedupe_task.with_options(task_run_name="dedupe", **cache_options(cache)).submit(documents, run_id, cfg)
        deduped, segments, blocks = fut.result()
        clock.cached["dedupe"] = f"{int(fut.state.name == 'Cached')}/1"
        # is_new is this run's view of the input, not part of dedupe's cached answer
        documents = deduped.drop("is_new", strict=False).join(documents.select("doc_id", "is_new"), on="doc_id",
                                                              how="left", maintain_order="left")
        segments = stamp(segments, run_id)
    progress.step("dedupe")

    with clock("segment"):
        block_parts = split(blocks, "block_id", cfg.partitions) or {0: blocks}
        progress.plan(2 + 3 * len(block_parts))   # validate + publish + three partitioned stages
        # glued-word repair counts words over all blocks, so partitioning cannot change a repair
        vocab = corpus_vocabulary(blocks, block_parts)
        seg = map_partitions(segment_task, "segment", {p: (b,) for p, b in block_parts.items()},
                             run_id, cache, progress, clock, {p: dict(known_words=v) for p, v in vocab.items()})
        articles = stamp(merge_articles([a for a, _, _ in seg]), run_id)
        sentences = stamp(concat_unique([s for _, s, _ in seg], "sentences"), run_id)
        segment_rejections = stamp(pl.concat([r for _, _, r in seg], how="vertical"), run_id)

    # entities and events use the same article partitions: each events task gets its partition's mentions
    art_parts = split(articles, "article_id", cfg.partitions) or {0: articles}
    sen_parts = {p: sentences.join(a.select("article_id"), on="article_id", how="semi") for p, a in art_parts.items()}
    progress.plan(2 + 2 * len(art_parts))
    # each events partition starts as soon as its entities partition is done (its input is that future)
    with clock("extract_entities"):
        ent_futures = submit_partitions(extract_entities_task, "extract-entities",
                                        {p: (a, sen_parts[p]) for p, a in art_parts.items()}, run_id, cache)
        evt_futures = submit_partitions(extract_events_task, "extract-events",
                                        {p: (a, sen_parts[p], ent_futures[p]) for p, a in art_parts.items()},
                                        run_id, cache)
        ent = [stamp(f, run_id) for f in gather(ent_futures, "extract-entities", progress, clock)]
        entities = concat_unique(ent, "entities")
        catalog = build_catalog(entities, run_id)

    with clock("extract_events"):     # from the last entities partition on: the two stages overlap
        evt = gather(evt_futures, "extract-events", progress, clock)
        # clusters span partitions: assign them once over the whole corpus
        events = cluster_events(stamp(concat_unique(evt, "events"), run_id))

    with clock("validate"):
        candidates = dict(documents=documents, segments=segments, articles=articles, sentences=sentences,
                          entities=entities, entity_catalog=catalog, events=events)
        tables, quarantine, report = validate_task.with_options(task_run_name="validate")(
            candidates, run_id, cfg.max_failure_share)
        # blocks that yielded no article are quarantined too (with segment's reason)
        tables["quarantine"] = pl.concat([quarantine, segment_rejections.select(quarantine.columns)],
                                         how="vertical_relaxed").unique(maintain_order=True)
    progress.step("validate")

    with clock("publish"):
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
        versions = publish_task.with_options(task_run_name="publish")(
            output_dir, tables, run_row, allow_breaking_schema=cfg.allow_breaking_schema)
    progress.step("publish")

    summary = dict(run_id=run_id, counts=counts, ingest=ingest_counts, versions=versions, validation=report,
                   timings=clock.seconds, cached=clock.cached, elapsed_s=round(time.perf_counter() - t_flow, 3),
                   task_runner=type(runner).__name__, runner_startup_s=startup_s, partitions=cfg.partitions,
                   worker_processes=n_workers,
                   input_dir=str(input_dir), output_dir=str(output_dir),
                   flow_run_id=str(flow_run_id) if flow_run_id else None,
                   documents_by_status=dict(documents.group_by("status").len().sort("status").iter_rows()))
    publish_artifacts(prefix, summary, tables)
    logger.info("published run %s in %.2f s (cached partitions %s): %s", run_id, summary["elapsed_s"],
                json.dumps(clock.cached, sort_keys=True), json.dumps(counts, sort_keys=True))
    return summary
