"""flows/workers.py: partition work in worker processes gives what the in-process call gives."""

import logging
import os

import polars as pl
import pytest

from flows import workers


def _pid_and_double(frame: pl.DataFrame) -> tuple[int, pl.DataFrame]:
    logging.getLogger("tasks.test_workers").warning("doubled %d rows", frame.height)
    return os.getpid(), frame.with_columns(pl.col("x") * 2)


def _fail() -> None:
    raise ValueError("bad partition")


@pytest.fixture
def pool():
    workers.configure(2)
    yield
    workers.configure(1)


def test_one_worker_means_in_process():
    workers.configure(1)
    assert workers.size() == 1
    pid, out = workers.run(_pid_and_double, pl.DataFrame({"x": [1, 2]}))
    assert pid == os.getpid() and out["x"].to_list() == [2, 4]


@pytest.mark.slow
def test_pool_runs_elsewhere_and_returns_the_same(pool, caplog):
    frame = pl.DataFrame({"x": list(range(1000))})
    expected = _pid_and_double(frame)[1]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="tasks"):
        pid, out = workers.run(_pid_and_double, frame)
    assert pid != os.getpid()
    assert out.equals(expected)
    # the worker's log record is re-emitted here, under the stage's logger name
    assert any(r.name == "tasks.test_workers" and r.getMessage() == "doubled 1000 rows" for r in caplog.records)
    with pytest.raises(ValueError, match="bad partition"):
        workers.run(_fail)


def _die() -> None:
    os._exit(3)


@pytest.mark.slow
def test_a_dead_worker_is_a_clear_error_and_the_pool_recovers(pool):
    with pytest.raises(RuntimeError, match=r"a worker process died while running (tests\.flows\.)?test_workers\._die"):
        workers.run(_die)
    pid, out = workers.run(_pid_and_double, pl.DataFrame({"x": [1]}))   # a fresh pool
    assert pid != os.getpid() and out["x"].to_list() == [2]


@pytest.mark.slow
def test_stage_output_identical_in_pool(pool):
    from pathlib import Path

    from flows.local import run_stages
    from tasks.events import extract_events

    seeds = Path(__file__).resolve().parents[2] / "seeds"
    t = run_stages(seeds, "r")
    here = extract_events(t["articles"], t["sentences"], t["entities"], "r", cluster=False)
    there = workers.run(extract_events, t["articles"], t["sentences"], t["entities"], "r", cluster=False)
    assert there.equals(here) and here.height > 100
