"""Consumer/operator CLI over small lakes built in the test (never the full flow)."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from akhbar.contracts import data_dictionary
from akhbar.lake.lock import lock_path
from interfaces.cli import app
from akhbar.lake import read_table
from tests.snapshot_tables import ARTICLES, MORE, publish_run

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()



def cli(*args):
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})


@pytest.fixture
def lake(tmp_path):
    """Two snapshots: r1 (two articles), r2 (a third article added)."""
    publish_run(tmp_path, "r1", ARTICLES)
    publish_run(tmp_path, "r2", MORE)
    return tmp_path


def test_data_dictionary_is_generated_from_the_contract():
    result = cli("schema", "--markdown")
    assert result.exit_code == 0
    assert result.output == data_dictionary()
    assert (ROOT / "docs" / "DATA_DICTIONARY.md").read_text(encoding="utf-8") == data_dictionary(), \
        "docs/DATA_DICTIONARY.md is stale: run `akhbar schema --markdown > docs/DATA_DICTIONARY.md`"


def test_schema_table_view():
    assert "modality" in cli("schema", "events").output
    assert cli("schema", "nope").exit_code == 3   # ExitCode.NOT_FOUND


def test_history_lists_snapshots_newest_first(lake):
    result = cli("history", "--output", lake, "--json")
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert [r["run_id"] for r in rows] == ["r2", "r1"]
    assert rows[0]["table_versions"]["articles"] == 1
    assert "r1" in cli("history", "--output", lake).output


def test_show_by_run_and_version(lake):
    assert "art_c" not in cli("show", "articles", "--output", lake, "--run", "r1").output
    assert "art_c" in cli("show", "articles", "--output", lake).output  # latest snapshot
    assert "art_c" not in cli("show", "articles", "--output", lake, "--version", "0").output
    bad = cli("show", "articles", "--output", lake, "--run", "r7")
    assert bad.exit_code == 3 and "not a published run" in bad.output
    assert cli("show", "nope", "--output", lake).exit_code == 3


def test_show_runs_lists_every_run_with_its_maps(lake):
    result = cli("show", "runs", "--output", lake, "--columns", "run_id,table_versions", "--vertical")
    assert result.exit_code == 0, result.output
    assert "r1" in result.output and "r2" in result.output and '"articles": 1' in result.output


def test_diff_reports_known_change(lake):
    result = cli("diff", "r1", "r2", "--output", lake, "--json")
    assert result.exit_code == 0, result.output
    d = json.loads(result.output)
    assert [r["article_id"] for r in d["articles"]["added"]] == ["art_c"]
    assert d["articles"]["removed"] == [] and d["articles"]["changed"] == []
    new_mentions = read_table(lake, "entities", run="r2").filter(pl.col("article_id") == "art_c")["mention_id"]
    assert {r["mention_id"] for r in d["entities"]["added"]} == set(new_mentions) and len(new_mentions) == 2
    assert "art_c" in cli("diff", "r1", "r2", "--output", lake).output


@pytest.mark.parametrize("fmt", ["parquet", "jsonl", "csv"])
def test_export_round_trips(lake, tmp_path, fmt):
    dest = tmp_path / f"articles.{fmt}"
    result = cli("export", "articles", "--format", fmt, "--run", "r1", "--dest", dest, "--output", lake)
    assert result.exit_code == 0, result.output
    want = read_table(lake, "articles", run="r1")
    reader = {"parquet": pl.read_parquet, "jsonl": lambda p: pl.read_ndjson(p, schema=want.schema),
              "csv": lambda p: pl.read_csv(p, try_parse_dates=True)}[fmt]
    got = reader(dest)
    assert got["article_id"].to_list() == ["art_a", "art_b"]
    assert got["text"].to_list() == want["text"].to_list()
    if fmt == "csv":
        assert [json.loads(x) for x in got["doc_ids"]] == want["doc_ids"].to_list()
    else:
        assert got.equals(want)
    default = cli("export", "events", "--output", lake)
    assert default.exit_code == 0 and (lake / "exports" / "events_r2.parquet").exists()
    assert cli("export", "events", "--format", "xml", "--output", lake).exit_code == 2


def test_vacuum_command(lake):
    # r2 only appended art_c (r1's file is still part of r2); r3 changes art_a, rewriting that file
    publish_run(lake, "r3", dict(MORE, art_a=MORE["art_a"] + " وقال شاهد إن المسلحين فروا."))
    dry = cli("vacuum", "--keep", "1", "--dry-run", "--output", lake)
    assert dry.exit_code == 0 and "articles: would remove 1 file(s)" in dry.output
    assert read_table(lake, "articles", run="r1").height == 2
    assert "articles: removed 1 file(s)" in cli("vacuum", "--keep", "1", "--output", lake).output
    assert read_table(lake, "articles", run="r3").height == 3
    gone = cli("show", "articles", "--run", "r1", "--output", lake)
    assert gone.exit_code == 3 and "cannot read articles" in gone.output


def test_unlock_removes_only_a_dead_writers_lock(lake):
    assert "no lock" in cli("unlock", "--output", lake).output
    lock_path(lake).write_text(json.dumps(dict(pid=os.getpid(), host=socket.gethostname(), run_id="live", token="t")))
    refused = cli("unlock", "--output", lake)
    assert refused.exit_code == 4 and "may still be running" in refused.output   # ExitCode.LOCK_HELD
    assert cli("vacuum", "--keep", "1", "--output", lake).exit_code == 4  # the lock is honoured
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    lock_path(lake).write_text(json.dumps(dict(pid=int(dead.stdout), host=socket.gethostname(), run_id="x", token="t")))
    assert "removed the lock of run x" in cli("unlock", "--output", lake).output
    assert not lock_path(lake).exists()


@pytest.mark.slow
def test_run_refuses_while_another_writer_holds_the_lock(prefect_harness, lake):
    lock_path(lake).write_text(json.dumps(dict(pid=os.getpid(), host=socket.gethostname(), run_id="live", token="t")))
    result = cli("run", "--input", ROOT / "seeds", "--output", lake)
    assert result.exit_code == 4   # ExitCode.LOCK_HELD, refused before Prefect starts
    assert "held by run live" in result.output and "Traceback" not in result.output


def test_tables_reports_the_snapshot_version_not_an_unfinished_write(lake):
    from deltalake import write_deltalake

    before = cli("tables", "--output", lake)
    assert before.exit_code == 0, before.output
    assert "snapshot r2" in before.output
    # a crashed run wrote a new articles version but no runs row: readers stay on the snapshot
    arts = read_table(lake, "articles")
    write_deltalake(str(lake / "lake" / "articles"), arts.head(1).to_arrow(), mode="overwrite")
    after = cli("tables", "--output", lake)
    row = next(line for line in after.output.splitlines() if line.strip().startswith("│ articles"))
    cells = [c.strip() for c in row.strip("│ ").split("│")]
    assert cells[1:] == [str(arts.height), "1"]  # rows and version as of the snapshot
    assert "articles: version 2 (newer than the snapshot's 1) was written by a run that did not finish" \
        in " ".join(after.output.split())        # the newer, unnamed version is a note, not the current one


def test_tables_without_a_snapshot_shows_no_version_as_current(tmp_path):
    """A first run that failed before its runs row: its table versions are not current."""
    from deltalake import write_deltalake

    from tests.snapshot_tables import make_tables

    write_deltalake(str(tmp_path / "lake" / "articles"), make_tables("r1")["articles"].to_arrow())
    result = cli("tables", "--output", tmp_path)
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if line.strip().startswith("│ articles"))
    assert [c.strip() for c in row.strip("│ ").split("│")][1:] == ["-", "-"]
    flat = " ".join(result.output.split())
    assert "no published snapshot" in flat and "articles: version 0 was written by a run that did not finish" in flat

