"""interfaces/launch.py: the console script starts `run`'s temporary API server first, and leaves
without the interpreter's finalization while keeping the exit status and every line of output."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from interfaces.launch import command_of
from tests.flows.test_settings import _clean_env, _none_left, pytestmark_linux

ROOT = Path(__file__).resolve().parents[2]
LAUNCH = [sys.executable, "-c", "from interfaces.launch import main; main()"]


@pytest.mark.parametrize("args, command", [
    (["run", "--input", "x"], "run"),
    (["--debug", "run"], "run"),
    (["show", "events"], "show"),
    (["--help", "run"], None),
    (["--version"], None),
    ([], None),
])
def test_command_of(args, command):
    assert command_of(args) == command


def _launch(args: list[str], tmp_path: Path, mark: str) -> subprocess.CompletedProcess:
    return subprocess.run([*LAUNCH, *args], cwd=ROOT, env=_clean_env(tmp_path, mark), capture_output=True, text=True,
                          timeout=300)


@pytestmark_linux
@pytest.mark.parametrize("args, code, needle", [
    (["--version"], 0, "akhbar "),
    (["run", "--input", "no/such/folder"], 3, "does not exist"),
    (["run", "--ner-tagger", "bert"], 2, "--ner-tagger must be crf or none"),
    (["run", "--partitions", "0"], 2, "--partitions"),
    (["show", "events", "--output", "no/such/output"], 3, "no tables under"),
])
def test_exit_status_and_output_survive_the_quick_exit(tmp_path, args, code, needle):
    """The last exit handler leaves with os._exit: the status must be the command's, its output (a
    pipe here: block-buffered) complete, and a `run` refused after its early server start must leave
    no process behind."""
    mark = uuid.uuid4().hex
    proc = _launch(args, tmp_path, mark)
    assert proc.returncode == code, proc.stdout + proc.stderr
    assert needle in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert _none_left(mark) == []


@pytestmark_linux
def test_long_output_is_flushed_before_the_quick_exit(tmp_path):
    """More than a pipe buffer of output (help of every command) arrives whole."""
    mark = uuid.uuid4().hex
    texts = [_launch([command, "--help"], tmp_path, mark) for command in ("run", "show", "history")]
    for proc in texts:
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.rstrip().endswith(("─╯", "╯")), proc.stdout[-200:]


EARLY_PROGRAM = """
import os, sys
from flows import settings
settings.configure_environment()
assert settings.start_early()
early = settings._early[0]
import prefect  # the flow's modules load while the server starts
from prefect.settings import get_current_settings
with settings.prefect_api() as api:
    assert api is early and not settings._early, "the early server is adopted"
    assert os.environ["PREFECT_API_URL"] == api.url
    assert get_current_settings().flows.heartbeat_frequency is None, "no heartbeats to a temporary server"
    print("UP", api.url, api.proc.pid, flush=True)
assert get_current_settings().flows.heartbeat_frequency is not None
if sys.argv[1] == "unused":
    settings.start_early()     # started, never adopted: the exit handler stops it
"""


@pytestmark_linux
@pytest.mark.parametrize("then", ["done", "unused"])
def test_early_server_is_adopted_or_stopped(tmp_path, then):
    mark = uuid.uuid4().hex
    proc = subprocess.run([sys.executable, "-c", EARLY_PROGRAM, then], cwd=ROOT, env=_clean_env(tmp_path, mark),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "UP http://127.0.0.1:" in proc.stdout
    assert _none_left(mark) == []


def test_early_start_does_nothing_with_a_configured_api(monkeypatch):
    from flows import settings

    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    assert settings.start_early() is False
    assert settings._early == []


def test_launch_imports_nothing_heavy_before_the_server_starts():
    """The point of the launcher: Prefect, polars and Typer load after the early start."""
    code = ("import sys, interfaces.launch, flows.settings; "
            "print(sorted(m for m in ('prefect', 'polars', 'typer', 'rich') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=60)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
