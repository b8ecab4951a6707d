"""What every `akhbar` command shares: the Typer app, consoles, one-line failures, common options.

Command modules (interfaces/cli.py, cli_data.py, cli_ops.py) import from here and register on
`app`; nothing here imports them, so the command modules form no import cycle.
"""

from __future__ import annotations

import socket
from pathlib import Path

import typer
from rich.console import Console

from akhbar.config import PipelineConfig
from flows.settings import configure_environment

configure_environment()

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="akhbar: Arabic news pages to a versioned conflict-event dataset.")
console = Console()
err = Console(stderr=True)

OutputOpt = typer.Option(Path("data"), "--output", "-o", help="Output root; tables live in OUTPUT/lake/NAME.")


def fail(msg: str, code: int = 2) -> None:
    err.print(f"[bold red]error:[/] {msg}")
    raise typer.Exit(code)


def check_output_writable(output: Path) -> None:
    try:
        (output / "lake").mkdir(parents=True, exist_ok=True)
        probe = output / "lake" / ".write-probe"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        fail(f"output folder '{output}' is not writable: {exc.strerror or exc}")


def lake(output: Path) -> Path:
    path = output / "lake"
    if not path.is_dir():
        fail(f"no tables under '{path}': run `akhbar run --output {output}` first")
    return path


DEFAULTS = PipelineConfig()   # every CLI default comes from the one config (akhbar/config.py)

TaskRunnerOpt = typer.Option(DEFAULTS.task_runner, "--task-runner",
                             help="threads (default) or dask: partitions in parallel on a Dask cluster.")
DaskAddressOpt = typer.Option(None, "--dask-address", help="Dask scheduler (tcp://host:8786); default: a local cluster.")
DaskWorkersOpt = typer.Option(DEFAULTS.dask_workers, "--dask-workers", min=1, help="Workers of the local Dask cluster.")
PartitionsOpt = typer.Option(DEFAULTS.partitions, "--partitions", min=1,
                             help="Partitions (task runs per stage); rows go to hash(id) % partitions.")
WorkersOpt = typer.Option(DEFAULTS.workers, "--workers", min=0,
                          help="Processes running the partition stages with the threads runner "
                               "(0 = one per core for inputs of 1 MB or more, 1 = all in the flow's process).")


def check_task_runner(kind: str, address: str | None) -> None:
    """Refuse an unknown runner, or a Dask scheduler that does not answer, before any run starts."""
    if kind not in ("threads", "dask"):
        fail(f"unknown task runner '{kind}': use 'threads' or 'dask'")
    if address and kind != "dask":
        fail("--dask-address needs --task-runner dask")
    if address:
        from urllib.parse import urlsplit

        url = urlsplit(address if "://" in address else f"tcp://{address}")
        try:
            socket.create_connection((url.hostname, url.port or 8786), timeout=10).close()
        except (OSError, ValueError) as exc:
            fail(f"no Dask scheduler answers at {address}: {exc}")
