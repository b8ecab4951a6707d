"""Scheduled deployments of the pipeline: one per input folder, served by one process.

`akhbar serve` builds a deployment per (name, input, output) with a cron
schedule and serves them all with `prefect.serve`. Every scheduled run ingests
only what is new in its input folder (ingest reuses the documents of the latest
snapshot) and publishes a new snapshot. Scheduling needs a real Prefect server
(`akhbar server`), named by PREFECT_API_URL; the temporary API cannot schedule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

DEFAULT_CRON = "*/30 * * * *"


class ServeError(ValueError):
    """A deployment cannot be built or served as asked (the message says why)."""


@dataclass(frozen=True)
class DeploymentSpec:
    name: str
    input_dir: Path
    output_dir: Path


def default_name(input_dir: Path) -> str:
    """`akhbar-<folder name>`, in the characters deployment names and artifact keys share."""
    slug = re.sub(r"[^a-z0-9]+", "-", input_dir.resolve().name.lower()).strip("-")
    return f"akhbar-{slug or 'input'}"


def pair_specs(inputs: list[Path], outputs: list[Path], names: list[str]) -> list[DeploymentSpec]:
    """Pair each --input with its --output and --name (one --output may serve every input)."""
    if not inputs:
        raise ServeError("give at least one --input folder")
    if len(outputs) not in (1, len(inputs)):
        raise ServeError(f"{len(inputs)} --input but {len(outputs)} --output: give one, or one per input")
    if names and len(names) != len(inputs):
        raise ServeError(f"{len(inputs)} --input but {len(names)} --name: give one name per input, or none")
    outputs = outputs * len(inputs) if len(outputs) == 1 else outputs
    names = names or [default_name(p) for p in inputs]
    if len(set(names)) != len(names):
        raise ServeError(f"deployment names must be distinct: {names}")
    for p in inputs:
        if not p.is_dir():
            raise ServeError(f"input folder '{p}' does not exist or is not a folder")
    return [DeploymentSpec(n, i.resolve(), o.resolve()) for n, i, o in zip(names, inputs, outputs)]


def runner_env(kind: str = "threads", address: str | None = None, workers: int = 2) -> dict[str, str]:
    """Environment that makes scheduled runs use this task runner (read by flows.runtime.task_runner_from_env).

    Prefect starts a served deployment's runs by importing the flow from its
    entrypoint in a new process that inherits this environment: a runner set
    with `with_options` on the serving side would be lost.
    """
    return {"AKHBAR_TASK_RUNNER": kind, "AKHBAR_DASK_ADDRESS": address or "", "AKHBAR_DASK_WORKERS": str(workers)}


def build_deployments(specs: list[DeploymentSpec], cron: str = DEFAULT_CRON, config: dict | None = None) -> list:
    """RunnerDeployments of the pipeline flow, one per spec, each with the cron schedule.

    concurrency_limit=1: a run still going when the next one is due makes that
    one wait, so one deployment never has two writers on its tables.
    """
    from prefect.schedules import Cron

    from flows.pipeline import pipeline as flow

    try:
        schedule = Cron(cron, timezone="UTC")
    except ValueError as exc:
        raise ServeError(f"invalid cron expression '{cron}': {exc}") from exc
    return [flow.to_deployment(
        name=s.name, schedules=[schedule], concurrency_limit=1, tags=["akhbar"],
        description=f"akhbar pipeline: {s.input_dir} -> {s.output_dir}/lake, on '{cron}' (UTC)",
        parameters=dict(input_dir=str(s.input_dir), output_dir=str(s.output_dir), config=config or {}))
        for s in specs]


def check_server(api_url: str | None) -> str:
    """The API URL of a reachable Prefect server, or a ServeError saying how to get one."""
    if not api_url:
        raise ServeError("scheduling needs a Prefect server: start one with `akhbar server` (or `make ui`) in "
                         "another terminal, then `export PREFECT_API_URL=http://127.0.0.1:4200/api` and retry")
    import httpx

    try:
        httpx.get(api_url.rstrip("/") + "/health", timeout=10).raise_for_status()
    except httpx.HTTPError as exc:
        raise ServeError(f"no Prefect server answers at PREFECT_API_URL={api_url} ({exc}); "
                         "start it with `akhbar server`") from exc
    return api_url
