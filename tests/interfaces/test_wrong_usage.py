"""Wrong usage of `akhbar`: one line on stderr, the exit code of its class (interfaces.common.ExitCode),
never a traceback. Fast: every case fails before Prefect starts, on small lakes built once."""

from __future__ import annotations

import errno
import json
import os
import shlex
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from akhbar.lake.lock import lock_path
from interfaces.cli import app
from interfaces.common import ExitCode, classify
from tests.snapshot_tables import ARTICLES, MORE, publish_run

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
USAGE, NOT_FOUND, LOCK, SERVER, REFUSED, IO = (ExitCode.USAGE, ExitCode.NOT_FOUND, ExitCode.LOCK_HELD,
                                               ExitCode.SERVER_UNREACHABLE, ExitCode.REFUSED, ExitCode.IO)


@pytest.fixture(scope="module")
def places(tmp_path_factory) -> dict[str, Path]:
    """Built once: a lake with snapshots r1 and r2, a locked lake, a lake folder without runs, a file."""
    root = tmp_path_factory.mktemp("wrong-usage")
    lake = root / "lake_ok"
    publish_run(lake, "r1", ARTICLES)
    publish_run(lake, "r2", MORE)
    locked = root / "lake_locked"
    publish_run(locked, "r1", ARTICLES)
    lock_path(locked).write_text(json.dumps(dict(pid=os.getpid(), host=socket.gethostname(), run_id="live",
                                                 token="t")))
    (root / "no_runs" / "lake").mkdir(parents=True)
    (root / "a_file").write_text("not a folder")
    return dict(lake=lake, locked=locked, no_runs=root / "no_runs", file=root / "a_file", root=root)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# (id, args with {lake} {locked} {no_runs} {file} {root} {seeds} {port} placeholders, exit code, env)
CASES = [
    # show
    ("show-unknown-table", "show nope -o {lake}", NOT_FOUND, {}),
    ("show-version-too-new", "show articles -o {lake} --version 999", NOT_FOUND, {}),
    ("show-version-negative", "show articles -o {lake} --version -1", USAGE, {}),
    ("show-version-not-int", "show articles -o {lake} --version x", USAGE, {}),
    ("show-limit-negative", "show articles -o {lake} --limit -1", USAGE, {}),
    ("show-limit-zero", "show articles -o {lake} -n 0", USAGE, {}),
    ("show-unknown-run", "show articles -o {lake} --run r7", NOT_FOUND, {}),
    ("show-run-and-version", "show articles -o {lake} --run r1 --version 0", USAGE, {}),
    ("show-unknown-column", "show articles -o {lake} --columns article_id,nope", NOT_FOUND, {}),
    ("show-empty-columns", "show articles -o {lake} --columns ,", USAGE, {}),
    ("show-where-unknown-column", "show articles -o {lake} --where nope=1", NOT_FOUND, {}),
    ("show-where-unreadable", "show articles -o {lake} --where title", USAGE, {}),
    ("show-where-bad-number", "show articles -o {lake} --where n_sentences>abc", USAGE, {}),
    ("show-where-expr-unknown-column", """show articles -o {lake} --where 'pl.col("nope") == 1'""", NOT_FOUND, {}),
    ("show-where-import", """show articles -o {lake} --where '__import__("os").system("true")'""", USAGE, {}),
    ("show-where-dunder", "show articles -o {lake} --where pl.__builtins__", USAGE, {}),
    ("show-where-other-name", """show articles -o {lake} --where 'pl.col("title").map_elements(print)'""", USAGE, {}),
    ("show-where-and", """show articles -o {lake} --where 'pl.col("title").is_null() and pl.col("text").is_null()'""",
     USAGE, {}),
    ("show-where-syntax", "show articles -o {lake} --where 'pl.col('", USAGE, {}),
    ("show-where-wrong-type", """show articles -o {lake} --where 'pl.col("doc_ids") > "x"'""", USAGE, {}),
    ("show-no-lake", "show articles -o {root}/missing", NOT_FOUND, {}),
    ("show-missing-argument", "show", USAGE, {}),
    # history, tables
    ("history-limit-zero", "history -o {lake} --limit 0", USAGE, {}),
    ("history-all-and-changed", "history -o {lake} --all --changed", USAGE, {}),
    ("history-no-runs", "history -o {no_runs}", NOT_FOUND, {}),
    ("tables-no-lake", "tables -o {root}/missing", NOT_FOUND, {}),
    # diff
    ("diff-unknown-run", "diff r1 r7 -o {lake}", NOT_FOUND, {}),
    ("diff-unknown-first-run", "diff nope -o {lake}", NOT_FOUND, {}),
    ("diff-limit-negative", "diff r1 r2 -o {lake} --limit -1", USAGE, {}),
    # export
    ("export-dest-in-proc", "export articles -o {lake} --dest /proc/nope.csv --format csv", IO, {}),
    ("export-dest-under-a-file", "export articles -o {lake} --dest {file}/x.csv", IO, {}),
    ("export-dest-is-a-folder", "export articles -o {lake} --dest {root}", USAGE, {}),
    ("export-unknown-format", "export articles -o {lake} --format xml", USAGE, {}),
    ("export-unknown-table", "export nope -o {lake}", NOT_FOUND, {}),
    ("export-version-too-new", "export articles -o {lake} --version 999", NOT_FOUND, {}),
    ("export-unknown-run", "export articles -o {lake} --run r7", NOT_FOUND, {}),
    ("export-run-and-version", "export articles -o {lake} --run r1 --version 0", USAGE, {}),
    # vacuum, unlock, schema
    ("vacuum-keep-zero", "vacuum --keep 0 -o {lake}", USAGE, {}),
    ("vacuum-lock-held", "vacuum --keep 1 -o {locked}", LOCK, {}),
    ("unlock-live-writer", "unlock -o {locked}", LOCK, {}),
    ("schema-unknown-table", "schema nope", NOT_FOUND, {}),
    # run: all refused before Prefect starts
    ("run-missing-input", "run --input {root}/missing -o {root}/out", NOT_FOUND, {}),
    ("run-input-is-a-file", "run --input {file} -o {root}/out", USAGE, {}),
    ("run-output-is-a-file", "run --input {seeds} -o {file}", IO, {}),
    ("run-output-under-a-file", "run --input {seeds} -o {file}/out", IO, {}),
    ("run-lock-held", "run --input {seeds} -o {locked}", LOCK, {}),
    ("run-unknown-ner-tagger", "run --input {seeds} -o {root}/out --ner-tagger bert", USAGE, {}),
    ("run-no-prefect-server", "run --input {seeds} -o {root}/out", SERVER,
     {"PREFECT_API_URL": "http://127.0.0.1:{port}/api"}),
    ("run-unknown-task-runner", "run --input {seeds} -o {root}/out --task-runner ray", USAGE, {}),
    ("run-dask-address-without-dask", "run --input {seeds} -o {root}/out --dask-address tcp://127.0.0.1:{port}",
     USAGE, {}),
    ("run-no-dask-scheduler", "run --input {seeds} -o {root}/out --task-runner dask "
                              "--dask-address tcp://127.0.0.1:{port}", SERVER, {}),
    ("run-zero-partitions", "run --input {seeds} -o {root}/out --partitions 0", USAGE, {}),
    ("run-failure-share-above-one", "run --input {seeds} -o {root}/out --max-failure-share 2", USAGE, {}),
    ("run-unknown-option", "run --inptu {seeds}", USAGE, {}),
    # serve, app
    ("serve-no-server", "serve --input {seeds} -o {root}/out", SERVER, {"PREFECT_API_URL": ""}),
    ("serve-closed-server", "serve --input {seeds} -o {root}/out", SERVER,
     {"PREFECT_API_URL": "http://127.0.0.1:{port}/api"}),
    ("serve-missing-input", "serve --input {root}/missing", USAGE, {}),
    ("unknown-command", "nonsense", USAGE, {}),
    ("eval-missing-gold", "eval entities --gold {root}/missing", NOT_FOUND, {}),
    ("eval-missing-input", "eval events --input {root}/missing", NOT_FOUND, {}),
    ("server-port-out-of-range", "server --port 70000", USAGE, {}),
    ("global-unknown-option", "--verbose tables", USAGE, {}),
]


def invoke(args: list[str], env: dict[str, str] | None = None):
    return CliRunner().invoke(app, args, env={"COLUMNS": "120", **(env or {})})


def assert_one_line_error(result, code: int) -> None:
    everything = result.stdout + result.stderr
    assert "Traceback" not in everything, everything
    assert result.exit_code == code, everything
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr


@pytest.mark.parametrize("args, code, env", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_wrong_usage_is_one_line_and_its_exit_code(places, args, code, env):
    fill = dict(places, seeds=SEEDS, port=closed_port())
    argv = shlex.split(args.format(**fill))
    result = invoke(argv, {k: v.format(**fill) for k, v in env.items()})
    assert_one_line_error(result, code)


def test_the_table_has_at_least_thirty_cases():
    assert len(CASES) >= 30 and len({c[0] for c in CASES}) == len(CASES)


def test_unexpected_error_is_one_line_with_a_debug_hint(places, monkeypatch):
    import akhbar.lake

    def broken(*_a, **_k):
        raise RuntimeError("something nobody expected\nsecond line")

    monkeypatch.setattr(akhbar.lake, "snapshots", broken)
    result = invoke(["history", "-o", str(places["lake"])])
    assert_one_line_error(result, ExitCode.INTERNAL)
    assert "RuntimeError: something nobody expected" in result.stderr and "--debug" in result.stderr
    debug = invoke(["--debug", "history", "-o", str(places["lake"])])
    assert isinstance(debug.exception, RuntimeError)   # --debug lets the traceback through


def test_disk_full_is_one_line(places, monkeypatch, tmp_path):
    import akhbar.lake

    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "x.parquet"))

    monkeypatch.setattr(akhbar.lake, "export_table", full)
    result = invoke(["export", "articles", "-o", str(places["lake"]), "--dest", str(tmp_path / "x.parquet")])
    assert_one_line_error(result, ExitCode.IO)
    assert "no space left" in result.stderr


def test_interrupt_exits_130(places, monkeypatch):
    import akhbar.lake

    def interrupted(*_a, **_k):
        raise KeyboardInterrupt

    monkeypatch.setattr(akhbar.lake, "snapshots", interrupted)
    assert_one_line_error(invoke(["history", "-o", str(places["lake"])]), ExitCode.INTERRUPTED)


def test_known_errors_map_to_their_class():
    from akhbar.lake import LockError, SchemaChangeError, SnapshotError
    from tasks.validate import ValidationError

    assert classify(LockError("held"))[0] == ExitCode.LOCK_HELD
    assert classify(SchemaChangeError("drops a column"))[0] == ExitCode.REFUSED
    assert classify(SnapshotError("no run"))[0] == ExitCode.NOT_FOUND
    assert classify(OSError(errno.EACCES, "Permission denied", "/x"))[0] == ExitCode.IO
    assert classify(ConnectionRefusedError("refused"))[0] == ExitCode.SERVER_UNREACHABLE
    assert classify(ValueError("odd"))[0] == ExitCode.INTERNAL
    exc = ValidationError.__new__(ValidationError)
    Exception.__init__(exc, "too many rows quarantined")
    assert classify(exc)[0] == ExitCode.REFUSED


def test_exit_codes_are_distinct_and_documented():
    values = [c.value for c in ExitCode]
    assert len(values) == len(set(values))
    doc = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    for c in ExitCode:
        assert f"| {c.value} | `{c.name}`" in doc, c


def test_version_and_help_show_no_bool_placeholder():
    import akhbar

    result = invoke(["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"akhbar {akhbar.__version__}"
    for args in (["--help"], ["run", "--help"], ["show", "--help"], ["history", "--help"]):
        out = invoke(args).stdout
        assert "<bool>" not in out and "--help" in out, args


def test_console_log_lines_lose_their_traceback_unless_debug():
    import io
    import logging

    from interfaces.common import QuietTracebacks, _debug

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(QuietTracebacks())
    log = logging.getLogger("akhbar.test-quiet")
    log.propagate = False
    log.addHandler(handler)
    try:
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            log.error("Encountered exception during execution: %s", "boom", exc_info=True)
        assert "Encountered exception during execution: boom" in stream.getvalue()
        assert "Traceback" not in stream.getvalue()
        _debug["flag"] = True
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            log.error("again", exc_info=True)
        assert "Traceback" in stream.getvalue()
    finally:
        _debug["flag"] = False
        log.removeHandler(handler)
