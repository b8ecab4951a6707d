"""Running the DAG with Prefect: the run's context, one task per stage (and per partition).

`Run.start` sets up what a run needs (config, run id, task runner and worker processes,
progress, the previous snapshot's documents); `run_stage` runs one declared stage as Prefect
task runs (a partitioned stage: one `NAME-pN` run per partition, submitted together, gathered
in partition order, each cached on its inputs' content and its stage's code version, its work
done in a worker process); `Run.finish` writes the run report and returns the summary.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import subprocess
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from prefect import get_run_logger, runtime, task
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.futures import as_completed

from akhbar.config import PipelineConfig
from flows import staging, workers
from flows.graph import Bag, Stage, call, gathered, inputs_of, kept, partition_inputs, spilled_whole, stamp
from flows.spill import SPILL_DIR, Spilled, materialise
from flows.partitions import partitions_of, stage_cache_key, warm_code_versions
from flows.report import RunProgress, artifact_prefix, html_report, publish_artifacts
from flows.steps import start_bag
from tasks.ingest import iter_files

CACHE_EXPIRATION = dt.timedelta(days=30)   # cached stage results older than this are recomputed
# What Run.finish reads from the bag: every other dataset is released once its last stage has run.
FINISH_READS = ("documents", "tables", "versions", "report", "run_meta", "stage_failures")


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
                                                  dashboard_address="127.0.0.1:0"))  # any free port, loopback only
    raise ValueError(f"unknown task runner '{kind}' (expected 'threads' or 'dask')")


def task_runner_from_env():
    """The runner named by the config's environment (AKHBAR_TASK_RUNNER / AKHBAR_DASK_ADDRESS /
    AKHBAR_DASK_WORKERS, read in akhbar/config.py; default threads).

    Scheduled runs are started by Prefect importing flows/pipeline.py (the deployment's
    entrypoint), so `akhbar serve --task-runner dask` passes its choice this way.
    """
    cfg = PipelineConfig.from_env()
    return task_runner(cfg.task_runner, cfg.dask_address, cfg.dask_workers)


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



def execute(stage_name: str, inputs: Bag) -> tuple[tuple, list[dict]]:
    """One task run: the stage on one set of inputs (a worker process does offloaded stages)."""
    stage = stage_named(stage_name)
    return workers.run(call, stage, inputs) if stage.offload else call(stage, inputs)


def execute_staged(stage_name: str, staged: staging.StagedInputs) -> tuple[tuple, list[dict]]:
    """One staged task run (Dask): the worker reads its partition's files and writes its outputs."""
    return staging.run_staged(stage_named(stage_name), staged)


def stage_named(name: str) -> Stage:
    from flows.pipeline import DAG    # the one declaration; imported late (it imports this module)

    return next(s for s in DAG if s.name == name)


def _retry_condition(stage: Stage):
    def retry(task, task_run, state) -> bool:
        exc = state.result(raise_on_failure=False)
        return stage.retry_if is None or stage.retry_if(exc)
    return retry


_tasks: dict[tuple[str, bool], Any] = {}
_tasks_lock = threading.Lock()


def staged_task(stage: Stage):
    """The Prefect task of a staged partition (never cached: its inputs are file names)."""
    with _tasks_lock:
        if (stage.name, "staged") not in _tasks:
            _tasks[stage.name, "staged"] = task(name=stage.name, cache_policy=NO_CACHE,
                                                persist_result=False)(execute_staged)
        return _tasks[stage.name, "staged"]


def prefect_task(stage: Stage, cache: bool):
    """The Prefect task of a stage (made once per process)."""
    with _tasks_lock:
        if (stage.name, cache) not in _tasks:
            opts: dict[str, Any] = dict(cache_policy=NO_CACHE, persist_result=False)
            if cache and stage.cached:
                opts = dict(cache_key_fn=stage_cache_key, persist_result=True, cache_expiration=CACHE_EXPIRATION)
            if stage.retries:
                opts.update(retries=stage.retries, retry_delay_seconds=[1, 5],
                            retry_condition_fn=_retry_condition(stage))
            _tasks[stage.name, cache] = task(name=stage.name, **opts)(execute)
        return _tasks[stage.name, cache]


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


@dataclass
class Run:
    cfg: PipelineConfig
    bag: Bag
    cache: bool
    runner: Any
    startup_s: float
    n_workers: int
    progress: RunProgress
    prefix: str
    dag: tuple[Stage, ...]
    clock: StageClock = field(default_factory=StageClock)
    t_flow: float = field(default_factory=time.perf_counter)
    ingest_counts: dict = field(default_factory=dict)
    staging: Any = None                     # the staging folder (a Path) when partitions go through files

    @property
    def staged(self) -> bool:
        """Partition tasks read and write files (flows/staging.py) under Dask, where a task's
        inputs and outputs would otherwise be shipped through the flow process."""
        from prefect.task_runners import ThreadPoolTaskRunner

        return not isinstance(self.runner, ThreadPoolTaskRunner)

    def note(self, stage: Stage) -> None:
        """What finish reports of a dataset that is released before it (the ingested files)."""
        if stage.name == "ingest":
            ingested = self.bag["ingested"]
            if isinstance(ingested, Spilled):
                ingested = ingested.frame(["is_new", "status"])
            self.ingest_counts = dict(
                files=ingested.height, new=ingested.filter(pl.col("is_new")).height,
                known=ingested.filter(~pl.col("is_new")).height,
                rejected=ingested.filter(pl.col("is_new") & (pl.col("status") == "rejected")).height)

    @classmethod
    def start(cls, input_dir: str, output_dir: str, config: dict | None, cache: bool, dag) -> "Run":
        runner = FlowRunContext.get().task_runner
        startup_s = start_cluster(runner)
        t_flow = time.perf_counter()   # elapsed_s: from here, a started task runner, to the published snapshot
        cfg = PipelineConfig.from_env(**(config or {}))
        if cfg.partitions < 1:
            raise ValueError(f"config partitions must be >= 1, got {cfg.partitions}")
        warm_code_versions(dag)        # cache keys hash the stages' code: once, before any thread needs it
        n_workers = start_workers(runner, cfg.workers, input_dir, cfg.workers_min_input_bytes)
        run_id, prefix = new_run_id(), artifact_prefix(runtime.deployment.name)
        flow_run_id = runtime.flow_run.id
        bag = start_bag(input_dir, run_id, cfg, output_dir=output_dir, git_commit=git_commit(),
                        flow_run_id=str(flow_run_id) if flow_run_id else None, stage_failures=[])
        progress = RunProgress(prefix, planned=len(dag) + 3 * (cfg.partitions - 1))
        run = cls(cfg, bag, cache, runner, startup_s, n_workers, progress, prefix, tuple(dag), t_flow=t_flow)
        # Dask: partitions through files (flows/staging.py); threads: partition outputs spilled to files
        # as each partition ends (flows/spill.py). Either way one folder, removed when the run ends.
        run.staging = staging.staging_folder(output_dir, run_id, cfg.staging_dir)
        if not run.staged:
            bag[SPILL_DIR] = run.staging
        if not cfg.staging_dir:
            staging.clear_stale(output_dir)     # a killed run's leftovers (we hold the writer lock)
        return run

    def close(self) -> None:
        """Send the last progress update; remove the staging folder (published or not)."""
        self.progress.close()
        if self.staging is not None:
            staging.clear(self.staging)

    def finish(self) -> dict:
        bag, logger = self.bag, get_run_logger()
        documents, tables = bag["documents"], bag["tables"]
        if isinstance(documents, Spilled):
            documents = documents.frame(["status"])
        counts = {k: v.height for k, v in tables.items()}
        meta = bag["run_meta"]
        summary = dict(run_id=meta["run_id"], counts=counts, ingest=self.ingest_counts, versions=bag["versions"],
                       validation=bag["report"], timings=self.clock.seconds, cached=self.clock.cached,
                       elapsed_s=round(time.perf_counter() - self.t_flow, 3),
                       task_runner=type(self.runner).__name__, runner_startup_s=self.startup_s,
                       partitions=partitions_of(bag), worker_processes=self.n_workers,
                       input_dir=str(meta["input_dir"]), output_dir=str(meta["output_dir"]),
                       flow_run_id=meta["flow_run_id"], stage_failures=len(bag["stage_failures"]),
                       staged_partitions=self.staged,
                       documents_by_status=dict(documents.group_by("status").len().sort("status").iter_rows()))
        summary["report_html"] = html_report(meta["output_dir"], tables, logger)
        publish_artifacts(self.prefix, summary, report_view(tables))
        logger.info("published run %s in %.2f s (cached partitions %s): %s", meta["run_id"], summary["elapsed_s"],
                    json.dumps(self.clock.cached, sort_keys=True), json.dumps(counts, sort_keys=True))
        return summary


# the columns the run's artifacts read of tables held on disk (the others: their row counts)
REPORT_COLUMNS = {"entities": ("entity_id", "canonical_name", "type", "article_id"), "events": ("event_type", "modality"),
                  "documents": ("status", "reason"), "segments": ("kind", "doc_id", "start", "end")}


def report_view(tables: dict) -> dict:
    """The tables as flows/report.py's artifacts read them: spilled ones by the columns they use (whole when
    not listed: the catalog, the incidents' charts)."""
    return {k: v.frame(REPORT_COLUMNS.get(k)) if isinstance(v, Spilled) else v for k, v in tables.items()}


def run_stage(stage: Stage, run: Run) -> Bag:
    """One declared stage as Prefect task runs; returns its outputs by name (their row counts are
    logged with a dict of counts, which the CLI's progress display reads)."""
    outputs = _run_stage(stage, run)
    counts = {k: v.height for k, v in outputs.items() if isinstance(v, pl.DataFrame)}
    if stage.name == "ingest":
        ingested = outputs["ingested"]
        if isinstance(ingested, Spilled):
            ingested = ingested.frame(["is_new"])
        counts = dict(files=ingested.height, new=ingested.filter(pl.col("is_new")).height)
    if counts:
        get_run_logger().info(f"{stage.name}: " + ", ".join(f"%({k})d {k}" for k in counts), counts)
    return outputs


def _run_stage(stage: Stage, run: Run) -> Bag:
    """A partitioned or cached stage is submitted to the task runner; any other runs in the flow's
    process (it holds the lock). With a spill folder (thread runner), partition outputs are written
    to files as each partition's result is taken, and spilled inputs are read partition by
    partition, or whole by a stage that does not read them in part (flows/spill.py)."""
    task_, folder, n = prefect_task(stage, run.cache), run.bag.get(SPILL_DIR), partitions_of(run.bag)
    kwargs = inputs_of(stage, run.bag)
    if not stage.partitioned:
        kwargs = {k: v if k in stage.lazy else materialise(v) for k, v in kwargs.items()}
    if run.staged and stage.partitioned and not kwargs[stage.inputs[0]].is_empty():
        return _run_staged(stage, run, kwargs)
    if not (stage.partitioned or stage.cached):
        out, failures = task_.with_options(task_run_name=stage.name)(stage.name, kwargs)
        run.progress.step(stage.name)
        run.bag["stage_failures"] = run.bag["stage_failures"] + failures
        return dict(zip(stage.outputs, spilled_whole(stage, out, run.bag.get(SPILL_DIR))))
    parts = partition_inputs(stage, kwargs, n) if stage.partitioned else iter([(0, kwargs)])
    del kwargs
    later = run.dag[run.dag.index(stage) + 1:]
    if stage.partitioned:   # partitions are known only now: re-estimate the steps still to come
        run.progress.plan(n + sum(n if s.partitioned else 1 for s in later))
    name = (lambda p: f"{stage.name}-p{p}") if stage.partitioned else (lambda p: stage.name)
    outs, failures, cached = {}, {}, 0
    for p, fut in in_window(lambda p, inputs: task_.with_options(task_run_name=name(p)).submit(stage.name, inputs),
                            parts, window(run)):
        result = fut.result()     # result() first: it fixes the future's final state
        cached += fut.state.name == "Cached"
        run.progress.step(name(p))
        out, failures[p] = tuple(stamp(v, run.bag["run_id"]) for v in result[0]), result[1]
        del result, fut
        outs[p] = kept(stage, p, out, folder, n) if stage.partitioned else out   # spilled as it comes
        del out
    if run.cache:
        run.clock.cached[stage.name] = f"{cached}/{len(outs)}"
    run.bag["stage_failures"] = run.bag["stage_failures"] + [r for p in sorted(failures) for r in failures[p]]
    if not stage.partitioned:
        return dict(zip(stage.outputs, outs[0]))
    run.progress.plan(sum(len(outs) if s.partitioned else 1 for s in later))
    return dict(zip(stage.outputs, gathered(stage, [outs.pop(p) for p in sorted(outs)], folder, n)))


def window(run: Run) -> int:
    """Partitions of a stage submitted and not yet taken: two per worker process (or thread when the
    work runs in this process), at least 4: enough to keep the workers busy, and the flow holds the
    inputs and outputs of these, not of every partition (docs/scale.md section 23)."""
    return max(4, 2 * run.n_workers)


def in_window(submit: Callable[[int, Bag], Any], parts: Iterable[tuple[int, Bag]], ahead: int
              ) -> Iterator[tuple[int, Any]]:
    """(partition, its future) as each finishes, submitting `submit(p, inputs)` for the next of `parts`
    whenever fewer than `ahead` are out: inputs are made (read from the spill files) only when
    submitted, and each result is taken as soon as it is done."""
    pending = {}
    for p, inputs in parts:
        pending[submit(p, inputs)] = p
        del inputs
        while len(pending) >= ahead:
            fut = next(as_completed(list(pending)))
            yield pending.pop(fut), fut
    while pending:
        fut = next(as_completed(list(pending)))
        yield pending.pop(fut), fut


def _run_staged(stage: Stage, run: Run, kwargs: Bag) -> Bag:
    """A partitioned stage through files (flows/staging.py): the inputs are written once, each task
    gets file names, the workers read their partition and write their outputs, read back here."""
    parts = staging.stage_inputs(stage, kwargs, partitions_of(run.bag), run.staging)
    del kwargs
    task_ = staged_task(stage)
    futures = [task_.with_options(task_run_name=f"{stage.name}-p{s.partition}").submit(stage.name, s) for s in parts]
    results = [f.result() for f in futures]          # partition order
    for s in parts:
        run.progress.step(f"{stage.name}-p{s.partition}")
    run.bag["stage_failures"] = run.bag["stage_failures"] + [r for _, fails in results for r in fails]
    outputs = staging.collect(stage, [out for out, _ in results])
    return dict(zip(stage.outputs, (stamp(v, run.bag["run_id"]) for v in outputs)))
