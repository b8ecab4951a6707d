"""Process-wide settings applied before Prefect is imported.

Prefect reads its settings from the environment at import time, so the CLI
calls `configure_environment()` first. Defaults keep everything under the
project's state folder (.akhbar/, or $AKHBAR_STATE) and offline:
  - PREFECT_HOME=.akhbar/prefect (SQLite db, result storage, logs)
  - analytics off (no network)
  - no PREFECT_API_URL -> Prefect's temporary local API; set it to use a server.
"""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path


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
