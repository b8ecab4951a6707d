"""One writer at a time per output root: the lock file OUTPUT/lake/.akhbar.lock.

delta-rs handles one writer per table well, but two runs publishing the same
lake would interleave their table commits and `runs` rows. A run (and vacuum)
therefore holds this lock from start to end; a second one fails at once with a
LockError saying who holds it.

The lock is a small JSON file (pid, host, run id, time, a random token). It is
created atomically: written to a private temp file, then hard-linked into
place, which fails if a lock exists, so a reader never sees a half-written
lock. A lock whose process is gone (same host, pid not alive) was left by a
crashed run: it is removed automatically (logged), or by `akhbar unlock`. A
lock from another host cannot be checked and is never broken automatically.

Removing a lock (breaking a stale one, releasing one's own) is atomic with
respect to other removers: it happens under an exclusive `fcntl.flock` on a
second file, OUTPUT/lake/.akhbar.lock.guard, which is never deleted, and the
lock is read again under that guard and removed only if it still holds the
expected token. Without the guard, two processes finding the same stale lock
could both read it, one remove it and take the lock, and the other then
remove that fresh lock believing it stale: two holders. Creation needs no
guard (os.link fails if the lock exists); flock is released by the kernel if
the process dies. See docs/publish.md, "One writer at a time".
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import inspect
import json
import logging
import os
import socket
import sys
import uuid
from pathlib import Path

try:
    import fcntl
except ImportError:  # not POSIX: removal is then not guarded (a single-machine Linux lake is the target)
    fcntl = None
from typing import Callable, Iterator

LOCK_NAME = ".akhbar.lock"
GUARD_NAME = ".akhbar.lock.guard"
log = logging.getLogger("akhbar.lake.lock")


class LockError(RuntimeError):
    """Another writer holds the output root."""


def lock_path(output_dir: Path | str) -> Path:
    return Path(output_dir) / "lake" / LOCK_NAME


@contextlib.contextmanager
def removal_guard(output_dir: Path | str) -> Iterator[None]:
    """Hold the exclusive flock that serialises removing the lock (break or release)."""
    path = lock_path(output_dir).with_name(GUARD_NAME)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)   # releases the flock


def read_lock(output_dir: Path | str) -> dict | None:
    """The current lock's content, None when unlocked, {} when the file is unreadable."""
    try:
        return json.loads(lock_path(output_dir).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by another user
        return True
    return True


def is_stale(info: dict) -> bool:
    """True when the lock's process is known to be dead (same host, pid gone)."""
    return (bool(info) and info.get("host") == socket.gethostname()
            and isinstance(info.get("pid"), int) and not pid_alive(info["pid"]))


# Locks this process took (lock path -> token): a publish inside a locked run re-enters them.
_HELD: dict[str, str] = {}


def held_by_me(output_dir: Path | str) -> bool:
    info = read_lock(output_dir)
    return bool(info) and _HELD.get(str(lock_path(output_dir))) == info.get("token")


def describe(info: dict) -> str:
    if not info:
        return "an unreadable lock file"
    return (f"run {info.get('run_id') or info.get('flow_run_id') or '?'} (pid {info.get('pid')} on {info.get('host')}, "
            f"since {info.get('acquired_at')})")


def acquire(output_dir: Path | str, run_id: str | None = None, recover_stale: bool = True,
            flow_run_id: str | None = None) -> dict:
    """Take the lock or raise LockError at once. Returns the lock content (pass it to release)."""
    path = lock_path(output_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    info = dict(pid=os.getpid(), host=socket.gethostname(), run_id=run_id, flow_run_id=flow_run_id,
                token=uuid.uuid4().hex,
                acquired_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                command=" ".join(sys.argv[:3]))
    tmp = path.with_name(f"{LOCK_NAME}.{info['token']}")
    tmp.write_text(json.dumps(info), encoding="utf-8")
    try:
        for _ in range(3):
            try:
                os.link(tmp, path)
                _HELD[str(path)] = info["token"]
                return info
            except FileExistsError:
                holder = read_lock(output_dir)
                if holder is None:  # released meanwhile: try again
                    continue
                if recover_stale and is_stale(holder):
                    log.warning("removing the lock left by crashed %s", describe(holder))
                    break_lock(output_dir, expected_token=holder.get("token"))
                    continue
                raise LockError(f"another akhbar writer holds {path}: {describe(holder)}. Wait for it to finish; "
                                f"if it is dead, run `akhbar unlock --output {Path(output_dir)}`") from None
        raise LockError(f"could not take {path}: it keeps changing hands")
    finally:
        tmp.unlink(missing_ok=True)


def release(output_dir: Path | str, info: dict) -> bool:
    """Remove the lock if it is still the one `info` describes; False if someone else's."""
    with removal_guard(output_dir):
        holder = read_lock(output_dir)
        if not holder or holder.get("token") != info.get("token"):
            return False
        lock_path(output_dir).unlink(missing_ok=True)
    _HELD.pop(str(lock_path(output_dir)), None)
    return True


def break_lock(output_dir: Path | str, expected_token: str | None = None) -> dict | None:
    """Remove the lock (only the one with `expected_token` when given); return what it held.

    Atomic: under the removal guard the lock is read again, so the file removed is the one
    checked (a lock taken meanwhile by another process has another token and is left alone)."""
    with removal_guard(output_dir):
        holder = read_lock(output_dir)
        if holder is None or (expected_token is not None and holder.get("token") != expected_token):
            return None
        lock_path(output_dir).unlink(missing_ok=True)
    return holder


@contextlib.contextmanager
def writer_lock(output_dir: Path | str, run_id: str | None = None, flow_run_id: str | None = None,
                reentrant: bool = False) -> Iterator[dict]:
    """Hold the lock for the block. With `reentrant`, a lock this process already holds is
    used as is (a publish inside a locked run); otherwise a second holder always fails."""
    if reentrant and held_by_me(output_dir):
        yield read_lock(output_dir)
        return
    info = acquire(output_dir, run_id, flow_run_id=flow_run_id)
    try:
        yield info
    finally:
        release(output_dir, info)


def single_writer(fn: Callable) -> Callable:
    """Decorator for a flow taking `output_dir`: the whole call holds that root's lock."""
    signature = inspect.signature(fn)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        with writer_lock(bound.arguments["output_dir"], flow_run_id=current_flow_run_id()):
            return fn(*args, **kwargs)

    return wrapper


def current_flow_run_id() -> str | None:
    try:
        from prefect import runtime
        return str(runtime.flow_run.id) if runtime.flow_run.id else None
    except Exception:  # outside Prefect, or an older runtime API: the lock works without it
        return None
