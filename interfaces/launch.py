"""The `akhbar` console script: what must happen before the command line is imported, and after it ends.

Before: `akhbar run` without a configured Prefect API needs a temporary API server, whose start
(importing Prefect's server, seconds) is the longest part of a short run. It is started here,
before the command line and its libraries are imported, so the two overlap
(flows/settings.py: `start_early`; the run adopts the server, an exit handler stops it otherwise).

After: once the command has finished (its output written, its server stopped, its worker
processes shut down, every exit handler run), the interpreter's own finalization (freeing every
module, Prefect's daemon threads, Arrow's memory) takes another 0.5-2 s and does nothing the
command needs. The first exit handler registered runs last: it flushes the standard streams and
leaves with the command's exit status without that finalization.

Imports here are the standard library and flows/settings.py only (no Prefect, no Typer), and the
command line's own imports run with the garbage collector paused (akhbar/perf.py: `loading_without_gc`).
"""

from __future__ import annotations

import atexit
import logging
import os
import sys

_status: dict[str, int | None] = {"code": None}   # set once the command has returned an exit status


def command_of(args: list[str]) -> str | None:
    """The subcommand named on the command line (`akhbar --debug run ...` -> run); None with --help
    or --version, which run no command."""
    for arg in args:
        if arg in ("--help", "-h", "--version"):
            return None
        if not arg.startswith("-"):
            return arg
    return None


def _leave() -> None:
    """Registered first, so it runs after every other exit handler; does nothing unless the command
    returned a status (an uncaught exception takes Python's ordinary way out)."""
    code = _status["code"]
    if code is None:
        return
    logging.shutdown()                       # idempotent; in case its own exit handler came after this one
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):        # a closed pipe or stream: nothing more can be written anyway
            pass
    os._exit(code)


def main() -> None:
    atexit.register(_leave)
    args = sys.argv[1:]
    try:
        from akhbar.perf import loading_without_gc
        from flows.settings import start_early

        if command_of(args) == "run" and "--help" not in args and "-h" not in args:
            try:
                start_early()
            except OSError:     # e.g. an unwritable state folder: the command reports it, in one line
                pass
        with loading_without_gc():
            from interfaces.cli import app
    except KeyboardInterrupt:                # Ctrl-C while starting: one line, like the commands' own
        print("error: interrupted", file=sys.stderr)
        _status["code"] = 130
        sys.exit(130)
    try:
        app()
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            _status["code"] = int(exc.code or 0)
        raise
