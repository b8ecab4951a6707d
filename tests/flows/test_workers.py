"""flows/workers.py: partition work in worker processes gives what the in-process call gives."""

import logging
import os

import polars as pl
import pytest

from flows import workers
from tests.dedupe_batches import batches  # noqa: F401  (fixture)


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


@pytest.mark.slow
def test_ingest_and_dedupe_batches_in_the_pool_give_the_one_process_result(pool, batches, tmp_path, monkeypatch):
    import random

    import tasks.dedupe as dedupe_module
    from tasks.dedupe import dedupe_with_index
    from tasks.ingest import ingest_folder
    from tests.dedupe_batches import article

    _, both = batches
    rng = random.Random(3)
    for i in range(20):                    # more files than one batch holds (FILES_PER_BATCH)
        (both / f"page_{i:02}.txt").write_text(article(rng, 2), encoding="utf-8")
    (both / "page_20.txt").write_bytes(b"\xff\xfe\x00binary")      # a rejected file among them
    frames = [pl.DataFrame({"x": [i]}) for i in range(6)]
    early = list(workers.map_bounded(_pid_and_double, frames, ahead=2))  # workers still starting: in-process
    assert [out["x"][0] for _, out in early] == [0, 2, 4, 6, 8, 10]
    workers.warm_up(wait=True)
    assert workers.ready()
    done = list(workers.map_bounded(_pid_and_double, frames, ahead=2))
    assert os.getpid() not in {pid for pid, _ in done}                   # run by the workers ...
    assert [out["x"][0] for _, out in done] == [0, 2, 4, 6, 8, 10]        # ... results in the items' order
    here = ingest_folder(both, "r")
    there = ingest_folder(both, "r", mapper=workers.map_bounded)
    assert there.equals(here) and here.height == 43
    monkeypatch.setattr(dedupe_module, "DOC_BATCH", 4)               # several batches of documents
    for a, b in zip(dedupe_with_index(here, "r"), dedupe_with_index(here, "r", mapper=workers.map_bounded)):
        assert a.equals(b)
