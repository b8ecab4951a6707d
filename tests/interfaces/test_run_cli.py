"""`akhbar run` end to end under the Prefect test harness: empty input, rejection reasons, one-line errors."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

import flows.pipeline  # noqa: F401  (Prefect sets up its console handler now, not on CliRunner's stderr)
from interfaces.cli import app
from interfaces.common import ExitCode

pytestmark = pytest.mark.slow


def run(*args):
    result = CliRunner().invoke(app, ["run", *map(str, args), "--partitions", "2", "--workers", "1"])
    assert "Traceback" not in result.output, result.output
    return result


def test_a_run_that_accepts_no_document_is_refused_unless_allowed(prefect_harness, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    refused = run("--input", empty, "--output", tmp_path / "a")
    assert refused.exit_code == ExitCode.REFUSED, refused.output
    last = refused.stderr.splitlines()[-1]   # Prefect's log lines come first, the error is the last line
    assert last.startswith("error: no document") and "--allow-empty" in last
    allowed = run("--input", empty, "--output", tmp_path / "b", "--allow-empty")
    assert allowed.exit_code == 0, allowed.output


def test_rejection_reasons_are_counted(prefect_harness, tmp_path):
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "english.txt").write_text("An English page with no Arabic text at all, long enough to be read.")
    (inp / "data.bin").write_bytes(b"\x00\x01binary")
    result = run("--input", inp, "--output", tmp_path / "out")
    assert result.exit_code == ExitCode.REFUSED
    assert "rejected by reason:" in result.stdout
    last = result.stderr.splitlines()[-1]
    assert "no Arabic text 1" in last and "unsupported format 1" in last
