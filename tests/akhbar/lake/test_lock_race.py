"""Stale-lock races: several processes find the lock of a crashed run at once; exactly one may win.

Before the fix, `break_lock` read the stale lock and then unlinked whatever lock file was there:
a slower breaker removed the lock a faster one had just taken, and two processes held the lock
(4 of 100 races of 6 processes). Each race here starts 6 processes on one barrier, all finding
the same stale lock; the winner stays alive until every contender has answered.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import socket
import tempfile
import time
from pathlib import Path

from akhbar.lake.lock import lock_path

N_PROCS = 6
N_RACES = 50
TIMEOUT_S = 30


def _contender(commands, results, barrier) -> None:
    from akhbar.lake.lock import LockError, acquire

    while True:
        output_dir = commands.get(timeout=TIMEOUT_S * 4)
        if output_dir is None:
            return
        barrier.wait(TIMEOUT_S)
        try:
            info = acquire(output_dir, run_id=f"race-{os.getpid()}")
            outcome = ("held", info["token"])
        except LockError as exc:
            outcome = ("refused", str(exc)[:200])
        except Exception as exc:  # anything else is a failure of the test
            outcome = ("error", repr(exc))
        results.put((os.getpid(), *outcome))
        barrier.wait(TIMEOUT_S)   # the holder stays alive (its lock is not stale) until all have answered


def _dead_pid(ctx) -> int:
    p = ctx.Process(target=int)
    p.start()
    p.join()
    return p.pid


def write_stale_lock(output_dir: Path, pid: int) -> None:
    path = lock_path(output_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(dict(pid=pid, host=socket.gethostname(), run_id="crashed", token="stale-token",
                                    acquired_at="2026-01-01T00:00:00+00:00")), encoding="utf-8")


def test_exactly_one_holder_in_every_stale_lock_race():
    ctx = mp.get_context("spawn")     # no fork of a process that may run Prefect's threads
    dead = _dead_pid(ctx)
    barrier = ctx.Barrier(N_PROCS + 1)
    results = ctx.Queue()
    queues = [ctx.Queue() for _ in range(N_PROCS)]
    procs = [ctx.Process(target=_contender, args=(q, results, barrier), daemon=True) for q in queues]
    for p in procs:
        p.start()
    started = time.monotonic()
    holders_per_race = []
    try:
        with tempfile.TemporaryDirectory(prefix="akhbar-lock-race-") as tmp:
            for race in range(N_RACES):
                out = Path(tmp) / f"race{race}"
                write_stale_lock(out, dead)
                for q in queues:
                    q.put(str(out))
                barrier.wait(TIMEOUT_S)                       # go
                answers = [results.get(timeout=TIMEOUT_S) for _ in range(N_PROCS)]
                barrier.wait(TIMEOUT_S)                       # all answered: holders may go on
                errors = [a for a in answers if a[1] == "error"]
                assert not errors, errors
                held = [a for a in answers if a[1] == "held"]
                holders_per_race.append(len(held))
                on_disk = json.loads(lock_path(out).read_text(encoding="utf-8"))
                assert len(held) == 1 and on_disk["token"] == held[0][2], (race, answers, on_disk)
            assert time.monotonic() - started < 240
    finally:
        for q in queues:
            q.put(None)
        for p in procs:
            p.join(10)
            if p.is_alive():
                p.kill()
    assert holders_per_race == [1] * N_RACES
