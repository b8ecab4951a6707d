"""Process-wide settings applied before Prefect is imported.

Prefect reads its settings from the environment at import time, so the CLI
calls `configure_environment()` first. Defaults keep everything under the
project's state folder (.akhbar/, or $AKHBAR_STATE) and offline:
  - PREFECT_HOME=.akhbar/prefect (SQLite db, result storage, logs)
  - analytics off (no network)
  - no PREFECT_API_URL -> Prefect's temporary local API; set it to use a server.

`prefect_api()` is how commands reach Prefect: the server named by
PREFECT_API_URL when set, otherwise a temporary one started here with its
output sent to .akhbar/prefect/temporary-server.log. Prefect 3.8.8's own
temporary server writes to the terminal and prints CancelledError tracebacks
when it stops after a successful run; its output goes to that log instead.
"""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from unittest import mock

TEMPORARY_SERVER_STARTUP_S = 180   # a cold start migrates a new SQLite database: slow on a busy machine


def state_dir() -> Path:
    return Path(os.environ.get("AKHBAR_STATE", ".akhbar")).resolve()


def configure_environment() -> None:
    home = state_dir() / "prefect"
    home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_HOME", str(home))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_RESULTS_PERSIST_BY_DEFAULT", "false")
    os.environ.setdefault("PREFECT_LOCAL_STORAGE_PATH", str(home / "storage"))
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")


class _DropShutdownNoise(logging.Filter):
    """Drop the CancelledError tracebacks Prefect 3.8.8's temporary server logs when it stops."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, (asyncio.CancelledError, KeyboardInterrupt)):
            return False
        msg = record.getMessage()
        return "CancelledError" not in msg


def silence_shutdown_noise() -> None:
    flt = _DropShutdownNoise()
    for name in ("", "uvicorn", "uvicorn.error", "prefect", "prefect.server", "asyncio", "prefect._internal"):
        logger = logging.getLogger(name)
        logger.addFilter(flt)
        for h in logger.handlers:
            h.addFilter(flt)


def server_log_path() -> Path:
    return Path(os.environ.get("PREFECT_HOME", state_dir() / "prefect")) / "temporary-server.log"


@contextmanager
def prefect_api() -> Iterator[str]:
    """Yield the Prefect API URL to use: PREFECT_API_URL if set, else a temporary local server's.

    The temporary server is Prefect's own (same SQLite database under
    PREFECT_HOME, so its runs show up later in `akhbar server`'s UI), started
    with stdout/stderr going to server_log_path(). Its URL is exported to the
    environment too, so worker processes (Dask) reach the same API.
    """
    from prefect.server.api import server as prefect_server
    from prefect.settings import PREFECT_API_URL, temporary_settings

    # An API already configured (environment, profile, or a test harness's temporary settings) wins.
    # Prefect's SubprocessASGIServer is a per-port singleton: starting and stopping "our" temporary
    # server while another is active would stop that one.
    configured = os.environ.get("PREFECT_API_URL") or PREFECT_API_URL.value()
    if configured:
        yield configured
        return

    log_path = server_log_path()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        server = prefect_server.SubprocessASGIServer()
        run_uvicorn = server._run_uvicorn_command

        def quiet_run_uvicorn():  # Prefect's own command line, with the output sent to the log
            with mock.patch.object(prefect_server.subprocess, "Popen",
                                   partial(subprocess.Popen, stdout=log, stderr=log)):
                return run_uvicorn()

        server._run_uvicorn_command = quiet_run_uvicorn
        server.start(timeout=TEMPORARY_SERVER_STARTUP_S)
        os.environ["PREFECT_API_URL"] = server.api_url
        try:
            with temporary_settings({PREFECT_API_URL: server.api_url}):
                yield server.api_url
        finally:
            drain_prefect_workers()
            os.environ.pop("PREFECT_API_URL", None)
            server.stop()


def drain_prefect_workers(timeout: float = 10) -> None:
    """Send queued logs and events before the temporary server stops (else: 'Error logging to API')."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        try:
            worker.drain_all(timeout=timeout)
        except RuntimeError:  # never started in this process
            pass
