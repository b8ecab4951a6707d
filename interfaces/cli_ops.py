"""Operations commands: a local Prefect server with its UI, and scheduled deployments (serve).

Registered on the main `akhbar` app (imported at the end of interfaces/cli.py).
See docs/operations.md.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import warnings
from pathlib import Path

import typer

from interfaces.common import (DaskAddressOpt, DaskWorkersOpt, ExitCode, PartitionsOpt, TaskRunnerOpt, WorkersOpt,
                               app, check_task_runner, console, fail)
from flows.deploy import DEFAULT_CRON, ServeError, build_deployments, check_server, pair_specs, runner_env


def port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return True
    return False


@app.command()
def server(port: int = typer.Option(4200, "--port", min=1, max=65535, help="Port of the API and UI."),
           host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (127.0.0.1: this machine only).")):
    """Start a local Prefect server and its UI (SQLite database under the state folder). Ctrl-C stops it."""
    if port_in_use(host, port):
        fail(f"port {port} on {host} is already in use: is a server already running? (try --port)", ExitCode.USAGE)
    url = f"http://{host}:{port}"
    console.print(f"Prefect UI:  [bold]{url}[/]\nPrefect API: {url}/api  (database under {os.environ['PREFECT_HOME']})\n"
                  f"In other terminals: [bold]export PREFECT_API_URL={url}/api[/] so `akhbar run` / `akhbar serve` "
                  "report to this server.")
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    # the UI asks the server where its API is; `--port` alone leaves that answer at the default port
    env.update(PREFECT_SERVER_API_HOST=host, PREFECT_SERVER_API_PORT=str(port), PREFECT_UI_API_URL=f"{url}/api")
    proc = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", host,
                             "--port", str(port)], env=env)
    # Ctrl-C in a terminal reaches both processes; SIGTERM (kill, systemd) reaches only this one: pass it on.
    signal.signal(signal.SIGTERM, lambda *_: proc.send_signal(signal.SIGINT))
    while True:
        try:
            code = proc.wait()
            break
        except KeyboardInterrupt:
            proc.send_signal(signal.SIGINT)
    raise typer.Exit(0 if code in (0, -signal.SIGINT, 130) else code)


@app.command()
def serve(input: list[Path] = typer.Option(..., "--input", "-i", help="Input folder; repeat for several deployments."),
          output: list[Path] = typer.Option([Path("data")], "--output", "-o",
                                            help="Output root; one for all inputs, or one per --input."),
          name: list[str] = typer.Option([], "--name", help="Deployment name per --input (default akhbar-<folder>)."),
          cron: str = typer.Option(DEFAULT_CRON, "--cron", help="Schedule (cron syntax, UTC)."),
          partitions: int = PartitionsOpt, workers: int = WorkersOpt, task_runner: str = TaskRunnerOpt,
          dask_address: str | None = DaskAddressOpt, dask_workers: int = DaskWorkersOpt):
    """Register one scheduled deployment per --input and serve them until Ctrl-C / SIGTERM.

    Needs a Prefect server named by PREFECT_API_URL (see `akhbar server`).
    Each scheduled run ingests only the files that are new and publishes a snapshot.
    """
    check_task_runner(task_runner, dask_address)
    try:
        specs = pair_specs(input, output, name)
    except ServeError as exc:
        fail(str(exc), ExitCode.USAGE)
    try:
        check_server(os.environ.get("PREFECT_API_URL"))
    except ServeError as exc:
        fail(str(exc), ExitCode.SERVER_UNREACHABLE)
    try:
        for s in specs:
            (s.output_dir / "lake").mkdir(parents=True, exist_ok=True)
        os.environ.update(runner_env(task_runner, dask_address, dask_workers))  # inherited by every run
        deployments = build_deployments(specs, cron, config=dict(partitions=partitions, workers=workers))
    except ServeError as exc:
        fail(str(exc), ExitCode.USAGE)
    except OSError as exc:
        fail(f"cannot prepare an output folder: {exc.strerror or exc}: {exc.filename or ''}", ExitCode.IO)
    from prefect import serve as prefect_serve

    for s in specs:
        console.print(f"[bold]{s.name}[/]: {s.input_dir} -> {s.output_dir}/lake on '{cron}' (UTC)")
    # Prefect's runner stops cleanly on SIGTERM (cancels runs in progress, pauses the schedules)
    # but warns about a coroutine it does not await while doing so: nothing for the user to act on.
    warnings.filterwarnings("ignore", message="coroutine 'Runner.astop' was never awaited")
    prefect_serve(*deployments, pause_on_shutdown=True)
