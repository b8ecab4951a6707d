"""CPU-bound stage work on every core: a pool of worker processes behind the thread runner.

The partition tasks (segment, extract-entities, extract-events) are pure Python, so under
Prefect's default thread runner the GIL keeps them on one core. Prefect's own
ProcessPoolTaskRunner costs about a second per task run on this kind of machine (measured:
docs/performance.md), more than a partition's work. So the task runs stay in threads (cheap,
visible in the UI, cached as before) and each hands its computation to this pool:
`run(fn, *args)` calls `fn` in a worker process and returns its result.

- Workers come from a forkserver that has imported the stage modules and loaded their
  lexicons once (flows/worker_init.py), so a worker starts in milliseconds with code and
  data in memory, and never inherits the flow's threads.
- Log records the stage emits in a worker are sent back and re-emitted in the calling
  thread, so they still land on the task run's log in Prefect.
- An exception in the stage is re-raised in the task, as if it had run in-process.
- `configure(n)` with n <= 1 (the default) runs everything in-process: plain function calls,
  tests and the Dask runner (whose workers are processes already) are unaffected.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable, TypeVar

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger(__name__)

PRELOAD = ["flows.worker_init"]     # stage modules and their lexicons, loaded before any fork

_lock = threading.Lock()
_size = 1
_pool: ProcessPoolExecutor | None = None
_warming: dict[int, threading.Event] = {}    # id(pool) -> set once its workers have started


def default_workers() -> int:
    """One worker per core the process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:                       # not Linux
        return os.cpu_count() or 1


def configure(workers: int) -> int:
    """Set the number of worker processes (<= 1: run in-process); returns the number in use.

    A pool of another size is shut down; the next `run` starts the new one."""
    global _size, _pool
    workers = max(1, int(workers))
    with _lock:
        if workers != _size and _pool is not None:
            _pool.shutdown(wait=True, cancel_futures=True)
            _warming.pop(id(_pool), None)
            _pool = None
        _size = workers
    return workers


def size() -> int:
    return _size


def _get_pool() -> ProcessPoolExecutor | None:
    global _pool, _size
    if _size <= 1:
        return None
    with _lock:
        if _pool is None:
            try:
                ctx = multiprocessing.get_context("forkserver")
            except ValueError:               # a platform without forkserver (Windows): stay in-process
                log.warning("worker processes need the 'forkserver' start method, which this platform "
                            "lacks: the partition stages run in the flow's process")
                _size = 1
                return None
            ctx.set_forkserver_preload(PRELOAD)
            _pool = ProcessPoolExecutor(max_workers=_size, mp_context=ctx)
        return _pool


def _discard_pool(pool: ProcessPoolExecutor) -> None:
    """Forget a pool whose worker died, so the next call starts a fresh one."""
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
        _warming.pop(id(pool), None)
    pool.shutdown(wait=False, cancel_futures=True)


def warm_up(wait: bool = False) -> None:
    """Start the forkserver and the workers in the background, so their start (the preload
    takes seconds) overlaps the stages that run before the first partition task; the pool is
    `ready` once every worker has answered. Once per pool; `wait`: until it is ready."""
    pool = _get_pool()
    if pool is None:
        return
    with _lock:
        start, pool_ready = not _warming.get(id(pool)), _warming.setdefault(id(pool), threading.Event())

    def warm():             # submit() forks the workers, and waits for the forkserver's preload
        try:
            for future in [pool.submit(os.getpid) for _ in range(_size)]:
                future.result()
        except Exception:   # noqa: BLE001 - a pool that cannot start is reported by its first real task
            return
        pool_ready.set()

    if start:
        threading.Thread(target=warm, name="akhbar-workers-warm-up", daemon=True).start()
    if wait:
        pool_ready.wait()


def ready() -> bool:
    """Whether the pool's workers have started (warm_up done): work handed over now runs at once."""
    pool = _pool
    return pool is not None and _warming.get(id(pool), threading.Event()).is_set()


def run(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """fn(*args, **kwargs) in a worker process (in-process when the pool is off)."""
    pool = _get_pool()
    if pool is None:
        return fn(*args, **kwargs)
    level = logging.getLogger(fn.__module__).getEffectiveLevel()
    return _collect(lambda: pool.submit(_call_logged, fn, level, args, kwargs).result(), fn, pool)


def map_bounded(fn: Callable[..., Any], items: Iterable[Any], *args: Any, ahead: int | None = None) -> Iterator[Any]:
    """fn(item, *args) for each item, results in the items' order: in the worker processes with at
    most `ahead` (default: two per worker) submitted and not yet collected, so the memory held
    by results waiting to be read is bounded whatever the number of items; in-process (a plain
    generator) when the pool is off. Items that come while the workers are still starting (the
    forkserver's preload takes seconds) run in this process rather than wait for them. Used by
    ingest (batches of files) and dedupe (batches of documents); an exception in fn is raised here."""
    pool = _get_pool()
    if pool is None:
        for item in items:
            yield fn(item, *args)
        return
    warm_up()
    ahead = ahead or 2 * _size
    level = logging.getLogger(fn.__module__).getEffectiveLevel()
    pending: deque = deque()
    try:
        for item in items:
            if ready():
                pending.append(_collect(lambda i=item: pool.submit(_call_logged, fn, level, (i, *args), {}), fn,
                                        pool, records=False))
            else:
                pending.append(_Done(fn(item, *args)))
            while len(pending) >= ahead or (pending and isinstance(pending[0], _Done)):
                yield _collect(pending.popleft().result, fn, pool)
        while pending:
            yield _collect(pending.popleft().result, fn, pool)
    finally:
        for future in pending:
            future.cancel()


class _Done:
    """A result computed in this process, collected like a worker's."""

    def __init__(self, value: Any):
        self.value = value

    def result(self) -> tuple[Any, list]:
        return self.value, []

    def cancel(self) -> bool:
        return False


def _collect(get: Callable[[], Any], fn: Callable[..., Any], pool: ProcessPoolExecutor, records: bool = True) -> Any:
    """get() (a submission, or a result with the worker's log records, re-emitted here); a worker
    that died is a clear RuntimeError and the pool is discarded."""
    try:
        if not records:
            return get()
        result, records = get()
    except BrokenProcessPool as exc:
        _discard_pool(pool)
        raise RuntimeError(f"a worker process died while running {fn.__module__}.{fn.__qualname__} "
                           f"(out of memory? see the system log); the next run starts new workers, "
                           f"or run with workers=1 to keep the work in this process") from exc
    for record in records:
        logging.getLogger(record.name).handle(record)
    return result


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        record.msg, record.args = record.getMessage(), None      # picklable whatever the arguments were
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        self.records.append(record)


def _call_logged(fn: Callable[..., Any], level: int, args: tuple, kwargs: dict) -> tuple[Any, list]:
    """Worker side: run fn at the caller's log level, collecting every record that reaches the
    root logger (instead of printing it: the caller re-emits them)."""
    root = logging.getLogger()
    handler, saved = _Collect(), (root.level, root.handlers[:])
    root.handlers[:] = [handler]
    root.setLevel(level)
    try:
        return fn(*args, **kwargs), handler.records
    finally:
        root.setLevel(saved[0])
        root.handlers[:] = saved[1]


