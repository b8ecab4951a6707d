"""bench/bench_kill.py at a tiny size: `akhbar run` uninterrupted, the same command SIGKILLed (whole
process group) half-way through and rerun, and the two lakes compared. The corpus is generated
(bench/realistic.py), outside every dev/test set. Three real runs: about 2 minutes on this machine."""

from __future__ import annotations

import signal

import pytest

from bench.bench_kill import bench_kill, finished_task_runs

pytestmark = pytest.mark.slow


def test_a_run_killed_half_way_and_rerun_converges(tmp_path):
    res = bench_kill(200, tmp_path, kill_at=0.5)
    killed, rerun, cmp = res["killed"], res["rerun"], res["comparison"]
    assert killed["returncode"] == -signal.SIGKILL
    assert killed["left_after_30_s"] == []                    # no process of the killed tree outlives it
    after = killed["lake_after_kill"]
    assert after["snapshots"] == 0                            # nothing published: no torn snapshot
    assert res["lake_b_after_rerun"]["lock_left"] is False and res["lake_b_after_rerun"]["staging_left"] == []
    assert cmp["differing_tables"] == [] and cmp["tables_compared"] == 9
    assert cmp["rows"]["articles"] > 100 and cmp["rows"]["entities"] > 0 and cmp["rows"]["events"] > 0
    assert cmp["snapshots"] == [1, 1] and cmp["runs_rows_b"] == 1 and cmp["counts_equal"]
    assert cmp["runs_b"] == dict(names_newest_versions=True, runs_committed_last=True, behind=[])
    assert res["converged"] is True
    assert res["reuse"]["redone"] == []                       # nothing the killed run finished is computed again
    assert rerun["counts"] == res["uninterrupted"]["counts"]


def test_finished_task_runs_are_read_off_the_log(tmp_path):
    log = tmp_path / "run.log"
    log.write_text("00:00:01.000 | INFO    | Task run 'dedupe' - Finished in state Completed()\n"
                   "00:00:02.000 | INFO    | Task run 'extract-entities-p3' - Finished in state Cached(type=COMPLETED)\n"
                   "00:00:02.500 | INFO    | Task run 'extract-entities-p12' - Finished in state Completed()\n"
                   "00:00:03.000 | INFO    | Task run 'segment-p0' - Created task run\n")
    assert finished_task_runs(log) == {"dedupe": {"Completed": 1}, "extract-entities": {"Cached": 1, "Completed": 1}}
