"""A run killed with SIGKILL in the middle of publishing leaves the previous snapshot whole, and
rerunning it converges to the tables of a run that was never interrupted (issue 16)."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from deltalake import DeltaTable

from akhbar.contracts import DATA_TABLES
from akhbar.lake import read_latest, snapshots
from akhbar.lake.tables import table_path

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]

# The child runs the DAG through publish in its own process; with KILL_AFTER > 0 it SIGKILLs itself
# (no cleanup, no finally, the writer lock left behind) right after that many Delta commits.
CHILD = textwrap.dedent("""
    import os, signal, sys, threading
    import akhbar.lake.write as write
    from flows.local import run_and_publish

    kill_after, done, lock = int(sys.argv[4]), [0], threading.Lock()
    real_commit = write.commit

    def commit(*args, **kwargs):
        version = real_commit(*args, **kwargs)
        with lock:
            done[0] += 1
            if kill_after and done[0] >= kill_after:
                os.kill(os.getpid(), signal.SIGKILL)
        return version

    write.commit = commit
    run_and_publish(sys.argv[1], sys.argv[2], sys.argv[3])
""")


def run(input_dir: Path, output_dir: Path, run_id: str, kill_after: int = 0) -> int:
    proc = subprocess.run([sys.executable, "-c", CHILD, str(input_dir), str(output_dir), run_id, str(kill_after)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    if kill_after == 0 and proc.returncode:
        raise AssertionError(proc.stderr[-3000:])
    return proc.returncode


def tables(output_dir: Path) -> dict:
    return {name: read_latest(output_dir, name) for name in DATA_TABLES}


def test_a_run_killed_while_publishing_leaves_the_snapshot_and_a_rerun_converges(seeds_dir, tmp_path):
    first, full = tmp_path / "first", tmp_path / "full"
    first.mkdir()
    for p in sorted(seeds_dir.iterdir())[:3]:
        shutil.copy(p, first / p.name)
    killed, clean = tmp_path / "killed", tmp_path / "clean"
    shutil.copytree(seeds_dir, full)
    run(first, killed, "r1")
    shutil.copytree(killed, clean)
    before = tables(killed)

    # about half-way through publishing run r2 (tables are committed side by side, then `runs`)
    assert run(full, killed, "r2", kill_after=6) == -signal.SIGKILL
    assert snapshots(killed)["run_id"].to_list() == ["r1"]           # no torn snapshot ...
    named = snapshots(killed)["table_versions"][0]
    assert any(DeltaTable(str(table_path(killed, n))).version() > named[n] for n in DATA_TABLES)  # ... on disk
    after_kill = tables(killed)
    assert all(after_kill[n].equals(before[n]) for n in DATA_TABLES if before[n] is not None)

    run(full, killed, "r2")                                          # the rerun (lock of the dead run recovered)
    run(full, clean, "r2")                                           # never interrupted
    assert snapshots(killed)["run_id"].to_list() == snapshots(clean)["run_id"].to_list() == ["r1", "r2"]
    got, want = tables(killed), tables(clean)
    differ = [n for n in DATA_TABLES if (got[n] is None) != (want[n] is None)
              or (got[n] is not None and not got[n].equals(want[n]))]
    assert not differ, differ
    assert got["articles"].height > before["articles"].height      # r2 did add the other seed pages
