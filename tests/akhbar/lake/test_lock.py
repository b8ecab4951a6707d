"""One writer at a time: a second concurrent writer refuses at once; a crashed writer's lock is recovered."""

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from akhbar.lake.lock import LockError, acquire, lock_path, read_lock, release, single_writer, writer_lock
from akhbar.lake import snapshots, vacuum
from tasks.publish import publish
from tasks.validate import validate
from tests.snapshot_tables import make_tables, run_row

HOLD = """
import sys, time
sys.path.insert(0, {root!r})
from akhbar.lake.lock import acquire
acquire({out!r}, run_id="other-run")
print("locked", flush=True)
time.sleep(60)
"""


@pytest.fixture
def other_writer(tmp_path):
    """A live second process holding the lock on tmp_path."""
    root = str(Path(__file__).resolve().parents[3])
    proc = subprocess.Popen([sys.executable, "-c", HOLD.format(root=root, out=str(tmp_path))],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    yield proc
    proc.kill()
    proc.wait()


def clean_tables(run_id):
    clean, quarantine, _ = validate(make_tables(run_id), run_id)
    return dict(clean, quarantine=quarantine)


def test_second_writer_refuses_at_once(tmp_path, other_writer):
    started = time.monotonic()
    with pytest.raises(LockError, match=r"another akhbar writer holds .*run other-run \(pid \d+"):
        publish(tmp_path, clean_tables("r1"), run_row("r1"))
    assert time.monotonic() - started < 5  # refuses, does not wait
    assert snapshots(tmp_path).is_empty()
    with pytest.raises(LockError):
        vacuum(tmp_path, keep=1)
    assert read_lock(tmp_path)["run_id"] == "other-run"  # the holder's lock is untouched


def test_lock_left_by_crashed_run_is_recovered(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    lock_path(tmp_path).parent.mkdir(parents=True)
    lock_path(tmp_path).write_text(json.dumps(dict(pid=int(dead.stdout), host=socket.gethostname(),
                                                   run_id="crashed", token="t0")))
    publish(tmp_path, clean_tables("r1"), run_row("r1"))
    assert snapshots(tmp_path)["run_id"].to_list() == ["r1"]
    assert read_lock(tmp_path) is None


def test_lock_from_another_host_is_never_broken_automatically(tmp_path):
    lock_path(tmp_path).parent.mkdir(parents=True)
    lock_path(tmp_path).write_text(json.dumps(dict(pid=1, host="elsewhere", run_id="far", token="t0")))
    with pytest.raises(LockError, match="on elsewhere"):
        acquire(tmp_path)


def test_reentrant_within_one_process_and_released_on_error(tmp_path):
    with writer_lock(tmp_path, run_id="outer") as info:
        publish(tmp_path, clean_tables("r1"), run_row("r1"))  # inside a locked run: no second acquire
        assert read_lock(tmp_path)["token"] == info["token"]
        with pytest.raises(LockError):  # a second run in the same process is still a second writer
            acquire(tmp_path)
    assert read_lock(tmp_path) is None
    with pytest.raises(RuntimeError, match="boom"):
        with writer_lock(tmp_path):
            raise RuntimeError("boom")
    assert read_lock(tmp_path) is None


def test_release_only_removes_own_lock(tmp_path):
    mine = acquire(tmp_path, run_id="a")
    assert not release(tmp_path, dict(mine, token="someone-else"))
    assert release(tmp_path, mine) and read_lock(tmp_path) is None


def test_single_writer_decorator_reads_output_dir(tmp_path, other_writer):
    calls = []

    @single_writer
    def flow_body(input_dir="seeds", output_dir="data", config=None):
        calls.append(output_dir)

    with pytest.raises(LockError):
        flow_body(output_dir=str(tmp_path))
    assert calls == []
    flow_body("x", str(tmp_path / "free"))
    assert calls == [str(tmp_path / "free")]
