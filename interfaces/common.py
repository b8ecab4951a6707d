"""What every `akhbar` command shares: the Typer app, consoles, one-line failures, exit codes, common options.

Command modules (interfaces/cli.py, cli_data.py, cli_ops.py) import from here and register on
`app`; nothing here imports them, so the command modules form no import cycle.

Errors: a user error is one line on stderr (`fail`) and a distinct exit code per class
(`ExitCode`, documented in docs/operations.md "Exit codes"). Any other exception is caught by the
app's group (`GuardedGroup`) and becomes one line plus a hint to rerun with `akhbar --debug`,
which shows the traceback instead.
"""

from __future__ import annotations

import errno
import logging
import os
import socket
from enum import IntEnum
from pathlib import Path

import typer
import typer._click.exceptions
from typer import _click as click   # Typer 0.29 vendors click: its exceptions, not the click package's
from typer.exceptions import Abort, Exit
from rich.console import Console
from typer.core import TyperGroup, TyperOption

from akhbar.config import PipelineConfig
from flows.settings import configure_environment

configure_environment()


class ExitCode(IntEnum):
    """Exit status of `akhbar`, one per class of failure (docs/operations.md, "Exit codes")."""
    OK = 0
    INTERNAL = 1             # an unexpected error (a bug or an unforeseen condition): rerun with --debug
    USAGE = 2                # a bad option or argument value (also click's own usage errors)
    NOT_FOUND = 3            # no such input folder, lake, table, run, Delta version or column
    LOCK_HELD = 4            # another writer holds the output's lock
    SERVER_UNREACHABLE = 5   # no Prefect API / Dask scheduler answers where configured
    REFUSED = 6              # validation failed, schema change refused, no document accepted
    IO = 7                   # a path cannot be read or written (permissions, not a folder, disk full)
    INTERRUPTED = 130        # Ctrl-C


DEBUG_ENV = "AKHBAR_DEBUG"
_debug = {"flag": False}   # `akhbar --debug`, set by the app's callback on every invocation


def debug_enabled() -> bool:
    return _debug["flag"] or os.environ.get(DEBUG_ENV, "") not in ("", "0", "false")


def _flag_type(self: TyperOption, ctx: click.Context) -> str | None:
    """Help shows no `<bool>` type after a flag (--json, --dry-run, --help): it takes no value."""
    return None if self.is_flag else _plain_type(self, ctx)


_plain_type = TyperOption.display_type_rich
TyperOption.display_type_rich = _flag_type

console = Console()
err = Console(stderr=True, soft_wrap=True)   # soft_wrap: a long error stays one line


def one_line(text: object) -> str:
    return " ".join(str(text).split())


def fail(msg: str, code: ExitCode | int = ExitCode.USAGE) -> None:
    """Print `error: MSG` as one line on stderr and exit with `code`."""
    err.print(f"[bold red]error:[/] {one_line(msg)}", highlight=False, markup=True)
    raise typer.Exit(int(code))


def os_error_message(exc: OSError) -> str:
    where = exc.filename or ""
    what = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        return f"no space left on the device{f' writing {where}' if where else ''}: free some space (or `akhbar vacuum`) and rerun"
    return f"{what}{f': {where}' if where else ''}"


def classify(exc: BaseException) -> tuple[ExitCode, str]:
    """Exit code and one-line message for an exception that reached the top of a command."""
    from akhbar.lake import LockError, SchemaChangeError, SnapshotError

    if isinstance(exc, LockError):
        return ExitCode.LOCK_HELD, str(exc)
    if isinstance(exc, SchemaChangeError):
        return ExitCode.REFUSED, f"nothing published: {exc}"
    if isinstance(exc, SnapshotError):
        return ExitCode.NOT_FOUND, str(exc)
    if type(exc).__name__ == "ValidationError" and type(exc).__module__ == "tasks.validate":
        return ExitCode.REFUSED, f"validation failed, nothing published: {exc}"
    if isinstance(exc, ConnectionError) or type(exc).__module__.startswith(("httpx", "httpcore")):
        return ExitCode.SERVER_UNREACHABLE, f"cannot reach the Prefect API: {exc}"
    if isinstance(exc, OSError):
        return ExitCode.IO, os_error_message(exc)
    return ExitCode.INTERNAL, (f"unexpected {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''} "
                               f"(rerun with `akhbar --debug ...` for the traceback)")


class GuardedGroup(TyperGroup):
    """The app's group: no traceback reaches the user unless --debug (or AKHBAR_DEBUG=1), and click's
    usage errors are one line too (instead of a usage block and an error panel)."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:
            exc.show()
            raise SystemExit(exc.exit_code) from None
        except click.exceptions.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx else "akhbar"
            err.print(f"[bold red]error:[/] {one_line(exc.format_message())} (see `{where} --help`)",
                      highlight=False, markup=True)
            raise SystemExit(int(ExitCode.USAGE)) from None
        except click.exceptions.ClickException as exc:
            err.print(f"[bold red]error:[/] {one_line(exc.format_message())}", highlight=False, markup=True)
            raise SystemExit(exc.exit_code) from None
        except Abort:
            err.print("[bold red]error:[/] aborted", highlight=False, markup=True)
            raise SystemExit(int(ExitCode.INTERRUPTED)) from None
        raise SystemExit(rv if isinstance(rv, int) else 0)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (Exit, Abort, click.exceptions.ClickException):
            raise
        except KeyboardInterrupt:
            if debug_enabled():
                raise
            fail("interrupted", ExitCode.INTERRUPTED)
        except Exception as exc:
            if debug_enabled():
                raise
            code, msg = classify(exc)
            fail(msg, code)


class QuietTracebacks(logging.Filter):
    """Keep tracebacks out of the terminal's log lines (the message stays); the CLI's last line says what
    failed. Installed on the console handlers only: the Prefect API (UI) still gets the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if debug_enabled():
            return True
        if record.exc_info or record.exc_text:
            # the Prefect API handlers sit on the record's own logger and have formatted it already;
            # the console handler on the root logger comes last
            record.exc_info, record.exc_text = None, None
            return True
        return "Traceback (most recent call last)" not in record.getMessage()


def quiet_prefect_tracebacks() -> None:
    """Call after Prefect is imported (it installs its console handler on the root logger then)."""
    flt = QuietTracebacks()
    for name in ("", "prefect"):
        for h in logging.getLogger(name).handlers:
            if isinstance(h, logging.StreamHandler) and flt not in h.filters:
                h.addFilter(flt)


def version_callback(value: bool) -> None:
    if value:
        import akhbar

        console.print(f"akhbar {akhbar.__version__}", highlight=False)
        raise typer.Exit()


app = typer.Typer(cls=GuardedGroup, add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="akhbar: Arabic news pages to a versioned conflict-event dataset.")


@app.callback()
def main_options(
        version: bool = typer.Option(False, "--version", callback=version_callback, is_eager=True,
                                     help="Print the akhbar version and exit."),
        debug: bool = typer.Option(False, "--debug", help="Show the full traceback of an unexpected error "
                                                          "(also AKHBAR_DEBUG=1).")):
    """akhbar: Arabic news pages to a versioned conflict-event dataset."""
    _debug["flag"] = debug


OutputOpt = typer.Option(Path("data"), "--output", "-o", help="Output root; tables live in OUTPUT/lake/NAME.")


def check_output_writable(output: Path) -> None:
    if output.exists() and not output.is_dir():
        fail(f"output '{output}' is a file, not a folder: give a folder with --output", ExitCode.IO)
    try:
        (output / "lake").mkdir(parents=True, exist_ok=True)
        probe = output / "lake" / ".write-probe"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        fail(f"output folder '{output}' is not writable: {exc.strerror or exc}", ExitCode.IO)


def lake(output: Path) -> Path:
    path = output / "lake"
    if not path.is_dir():
        fail(f"no tables under '{path}': run `akhbar run --output {output}` first", ExitCode.NOT_FOUND)
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
            socket.create_connection((url.hostname, url.port or 8786), timeout=3).close()
        except (OSError, ValueError) as exc:
            fail(f"no Dask scheduler answers at {address}: {exc}; start one or drop --dask-address",
                 ExitCode.SERVER_UNREACHABLE)


def check_prefect_api(timeout: float = 3.0) -> None:
    """With PREFECT_API_URL set, refuse at once when no Prefect server answers there (Prefect itself
    retries for about ten seconds and then prints a long traceback)."""
    url = os.environ.get("PREFECT_API_URL")
    if not url:
        return
    import httpx

    try:
        httpx.get(url.rstrip("/") + "/health", timeout=timeout).raise_for_status()
    except (httpx.HTTPError, ValueError) as exc:
        fail(f"no Prefect server answers at PREFECT_API_URL={url} ({one_line(exc) or type(exc).__name__}): "
             "start one with `akhbar server`, or unset PREFECT_API_URL to use a temporary local one",
             ExitCode.SERVER_UNREACHABLE)
