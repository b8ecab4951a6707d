"""Process-wide settings applied before Prefect is imported, and the Prefect API a command uses.

Prefect reads its settings from the environment at import time, so the CLI
calls `configure_environment()` first. Defaults keep everything in one state
folder per user (`state_dir()`: $AKHBAR_STATE, else $XDG_STATE_HOME/akhbar,
else ~/.local/state/akhbar) and offline:
  - PREFECT_HOME=<state>/prefect (SQLite db, result storage, logs)
  - analytics off (no network)
  - no PREFECT_API_URL -> a temporary local API for the command; set it to use a server.

`prefect_api()` is how commands reach Prefect: the server named by
PREFECT_API_URL (environment, active Prefect profile, or settings already
loaded in this process) when there is one, otherwise a temporary API server
that this module starts as its own child process: Prefect's public app
factory (`prefect.server.api.server.create_app`, ephemeral: no UI, only the
services that record runs and events) under uvicorn, on 127.0.0.1 and a free
port, in its own process group, with its output in
<state>/prefect/temporary-server.log. It is stopped (SIGTERM to the group,
then SIGKILL) when the command ends, on success, error, Ctrl-C or SIGTERM,
and it stops itself if this process dies without cleaning up (SIGKILL).
No Prefect internals are patched. Why not Prefect's own temporary server: see
docs/operations.md, "How the CLI reaches Prefect".
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

TEMPORARY_SERVER_STARTUP_S = 180   # a cold start migrates a new SQLite database: slow on a busy machine
TEMPORARY_SERVER_STOP_S = 10       # SIGTERM, then SIGKILL for what is left of the process group
SERVER_LOG_NAME = "temporary-server.log"

# The temporary API server's program: Prefect's public app factory under uvicorn. A thread stops it
# when its parent (the akhbar command) is gone, so even a SIGKILLed command leaves no server behind.
# The collector is off while Prefect's server loads (about 17% less CPU: akhbar/perf.py `loading_without_gc`).
_SERVER_PROGRAM = """
import gc, os, signal, sys, threading, time
gc.disable()
host, port, parent = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def watch_parent():
    while os.getppid() == parent:
        time.sleep(0.5)
    os.kill(os.getpid(), signal.SIGTERM)
threading.Thread(target=watch_parent, daemon=True).start()
import uvicorn
from prefect.server.api.server import create_app
app = create_app(ephemeral=True, final=True)
gc.freeze()
gc.enable()
uvicorn.run(app, host=host, port=port, log_level="error", lifespan="on")
"""


def state_dir() -> Path:
    """One state folder per user: $AKHBAR_STATE, else $XDG_STATE_HOME/akhbar, else ~/.local/state/akhbar."""
    explicit = os.environ.get("AKHBAR_STATE")
    if explicit:
        return Path(explicit).expanduser().resolve()
    xdg = os.environ.get("XDG_STATE_HOME", "")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "state"  # XDG: relative = unset
    return base / "akhbar"


def configure_environment() -> None:
    home = state_dir() / "prefect"
    home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_HOME", str(home))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_RESULTS_PERSIST_BY_DEFAULT", "false")
    os.environ.setdefault("PREFECT_LOCAL_STORAGE_PATH", str(home / "storage"))
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")


class _DropShutdownNoise(logging.Filter):
    """Drop CancelledError tracebacks logged in this process when the API it talks to goes away."""

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
    return Path(os.environ.get("PREFECT_HOME", state_dir() / "prefect")) / SERVER_LOG_NAME


def configured_api_url() -> str | None:
    """The Prefect API this process is told to use, if any, without importing Prefect.

    PREFECT_API_URL from the environment; else from Prefect's settings when this process has
    already loaded them (a test harness's temporary settings); else from the active profile
    in PREFECT_PROFILES_PATH (default PREFECT_HOME/profiles.toml).
    """
    if os.environ.get("PREFECT_API_URL"):
        return os.environ["PREFECT_API_URL"]
    if "prefect.settings" in sys.modules:
        from prefect.settings import PREFECT_API_URL

        return PREFECT_API_URL.value() or None
    import tomllib

    home = Path(os.environ.get("PREFECT_HOME", state_dir() / "prefect"))
    path = Path(os.environ.get("PREFECT_PROFILES_PATH", home / "profiles.toml")).expanduser()
    try:
        profiles = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    active = os.environ.get("PREFECT_PROFILE") or profiles.get("active", "ephemeral")
    return profiles.get("profiles", {}).get(active, {}).get("PREFECT_API_URL") or None


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class TemporaryAPI:
    """A Prefect API server run as this process's child, in its own process group."""

    host = "127.0.0.1"

    def __init__(self, log_path: Path):
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.ready = False
        self._settings = ExitStack()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/api"

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.port = free_port(self.host)
        env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        env["PREFECT_UI_ENABLED"] = "false"
        with self.log_path.open("ab") as log:
            log.write(f"--- {time.strftime('%Y-%m-%dT%H:%M:%S')} pid {os.getpid()}: {self.url}\n".encode())
            log.flush()
            self.proc = subprocess.Popen(
                [sys.executable, "-c", _SERVER_PROGRAM, self.host, str(self.port), str(os.getpid())],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env,
                start_new_session=True)   # own process group: no terminal signals, one kill stops it all

    def wait(self, timeout: float = TEMPORARY_SERVER_STARTUP_S) -> str:
        """Block until the API answers /api/health; restart on another port if this one was taken."""
        if self.ready:
            return self.url
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))   # never through a proxy
        deadline = time.monotonic() + timeout
        restarts = 0
        while time.monotonic() < deadline:
            code = self.proc.poll()
            if code is not None:
                if restarts < 3 and "address already in use" in self.log_tail().lower():
                    restarts += 1
                    self.start()
                    os.environ["PREFECT_API_URL"] = self.url
                    continue
                raise RuntimeError(f"the temporary Prefect API server exited with code {code} while starting; "
                                   f"its log ({self.log_path}) ends with:\n{self.log_tail()}")
            try:
                with opener.open(f"{self.url}/health", timeout=2) as response:
                    if response.status == 200:
                        self.ready = True
                        self._use_in_loaded_settings()
                        return self.url
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.05)
        raise RuntimeError(f"the temporary Prefect API server did not answer within {timeout:.0f} s "
                           f"(log: {self.log_path})")

    def _use_in_loaded_settings(self) -> None:
        # Prefect builds its settings from the environment when first imported; if that happened
        # before the URL was exported (or the port changed since), override them until stop().
        # Flow runs send no heartbeats to a temporary server: it lives only as long as this command,
        # so nothing could act on a missing one, and the heartbeat thread (1 s sleeps) holds up the
        # end of every flow run by up to a second. (None disables them; no environment value can.)
        if "prefect.settings" in sys.modules:
            from prefect.settings import PREFECT_API_URL, temporary_settings

            updates = {"flows.heartbeat_frequency": None}
            if PREFECT_API_URL.value() != self.url:
                updates[PREFECT_API_URL] = self.url
            self._settings.enter_context(temporary_settings(updates))

    def stop(self) -> None:
        """SIGTERM to the server's process group, SIGKILL to whatever is left of it after a while."""
        self._settings.close()
        proc, self.proc = self.proc, None
        if proc is None:
            return
        _signal_group(proc.pid, signal.SIGTERM)
        try:
            proc.wait(TEMPORARY_SERVER_STOP_S)
        except subprocess.TimeoutExpired:
            pass
        _signal_group(proc.pid, signal.SIGKILL)   # the group outlives its leader if a child of it lingers
        proc.wait()

    def log_tail(self, n: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-n:])
        except OSError:
            return ""


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


class ConfiguredAPI:
    def __init__(self, url: str):
        self.url = url

    def wait(self, timeout: float = 0) -> str:
        return self.url


class _Terminated(SystemExit):
    """SIGTERM while a command runs: unwinds like an exception, so the temporary server is stopped."""


@contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_sigterm(signum, frame):
        raise _Terminated(128 + signal.SIGTERM)

    previous = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


_early: list[TemporaryAPI] = []   # a server started by start_early(), until prefect_api() adopts it


def start_early() -> bool:
    """Start the temporary API server now, when no API is configured; True if one was started.

    For the console script (interfaces/launch.py): it calls this before importing the command
    line, so the server's start (seconds: Prefect's server modules) overlaps every import and check
    of the command. The next `prefect_api()` adopts it; if none does (a refused command), the exit
    handler registered here stops it, and its parent watch stops it if this process is killed.
    """
    configure_environment()
    if _early or configured_api_url():
        return False
    server = TemporaryAPI(server_log_path())
    server.start()
    atexit.register(server.stop)
    _early.append(server)
    return True


@contextmanager
def prefect_api(wait: bool = True) -> Iterator[TemporaryAPI | ConfiguredAPI]:
    """The Prefect API for one command: the configured one, else a temporary server of our own.

    Yields an object with `.url` and `.wait()`. With wait=False it yields as soon as the temporary
    server is started, so the caller can import the pipeline meanwhile; it must call `.wait()`
    before the first flow run. The temporary server's URL is exported as PREFECT_API_URL for the
    command (worker processes, Dask, reach the same API), and the server is stopped on the way out,
    whatever the way out is.
    """
    configured = configured_api_url()
    if configured:
        yield ConfiguredAPI(configured)
        return

    server = _early.pop() if _early else TemporaryAPI(server_log_path())
    with _sigterm_unwinds():
        try:
            if server.proc is None:
                server.start()
            os.environ["PREFECT_API_URL"] = server.url
            if wait:
                server.wait()
            yield server
        finally:
            try:
                if server.ready:
                    drain_prefect_workers()
            finally:
                os.environ.pop("PREFECT_API_URL", None)
                server.stop()


def drain_prefect_workers(timeout: float = 10) -> None:
    """Send queued logs and events before the temporary server stops (else: 'Error logging to API')."""
    if "prefect" not in sys.modules:
        return
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        try:
            worker.drain_all(timeout=timeout)
        except RuntimeError:  # never started in this process
            pass
