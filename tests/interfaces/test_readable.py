"""Readable tables: show's --columns / --where / record view, history without no-op runs, diff rows that
say what they are, tables without unpublished versions. Small lakes built in code (no Prefect)."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from akhbar.lake import read_table
from interfaces import views
from interfaces.cli import app
from tests.snapshot_tables import ARTICLES, MORE, publish_run


@pytest.fixture(scope="module")
def lake(tmp_path_factory) -> Path:
    """r1 (two articles), r2 (a third added), r3 (same input again: a no-op run)."""
    out = tmp_path_factory.mktemp("readable")
    for run_id, arts in (("r1", ARTICLES), ("r2", MORE), ("r3", MORE)):
        publish_run(out, run_id, arts)
    return out


def cli(*args):
    result = CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "120"})
    assert "Traceback" not in result.output
    return result


def test_columns_are_chosen_and_ordered(lake):
    out = cli("show", "events", "-o", lake, "--columns", "trigger,event_id", "--table").stdout
    header = next(line for line in out.splitlines() if "event_id" in line)
    assert header.index("trigger") < header.index("event_id") and "article_id" not in out


@pytest.mark.parametrize("where, expected", [
    ("event_type=ATTACK", {"ATTACK"}),
    ("event_type!=ATTACK", {"ESCAPE"}),
    ('pl.col("event_type") == "ESCAPE"', {"ESCAPE"}),
    ('pl.col("event_type").is_in(["ESCAPE", "ATTACK"]) & (pl.col("confidence") > 0.5)', {"ESCAPE", "ATTACK"}),
])
def test_where_filters_rows(lake, where, expected):
    events = read_table(lake, "events")
    kept = views.apply_where(events, [where], "events")
    assert set(kept["event_type"]) == expected and kept.height == events.filter(
        pl.col("event_type").is_in(list(expected))).height
    out = cli("show", "events", "-o", lake, "--where", where, "-c", "event_id,event_type", "-n", "50").stdout
    assert all(t in out for t in expected)


def test_simple_where_reads_the_columns_type():
    df = pl.DataFrame({"n": [1, 2, 3], "d": ["2019-03-01", None, "2019-03-03"], "tags": [["a"], ["b"], []]},
                      schema_overrides={"n": pl.Int32}).with_columns(pl.col("d").str.to_date())
    assert views.apply_where(df, ["n>=2"], "t")["n"].to_list() == [2, 3]
    assert views.apply_where(df, ["d<2019-03-02"], "t")["n"].to_list() == [1]
    assert views.apply_where(df, ["d=null"], "t")["n"].to_list() == [2]
    assert views.apply_where(df, ["tags=a"], "t")["n"].to_list() == [1]
    assert views.apply_where(df, ["n>1", "n<3"], "t")["n"].to_list() == [2]   # repeated: all must hold
    with pytest.raises(views.ViewError):
        views.apply_where(df, ["n>x"], "t")


@pytest.mark.parametrize("expr", ['pl.col("a").__class__', "().__class__", "[x for x in pl.col]",
                                  'pl.col("a").map_elements(lambda x: x)', "pl.col('a')[0]",
                                  "open('/etc/passwd')", "pl.__dict__", "pl.read_csv('/etc/passwd')",
                                  "pl.DataFrame().write_csv('/tmp/x.csv')", "pl.Config.set_tbl_rows(1)",
                                  'pl.col("a").map_batches(pl.col)', 'pl.col("a").pipe(pl.col)',
                                  'pl.sql("select 1")'])
def test_polars_where_cannot_escape(expr):
    with pytest.raises(views.ViewError):
        views.polars_expr(expr)


def test_record_view_keeps_arabic_whole(lake):
    article = read_table(lake, "articles").row(0, named=True)
    out = cli("show", "articles", "-o", lake, "-n", "1").stdout   # 14+ columns do not fit 120: record view
    assert "row 1: article_id=" in out
    flat = "".join(out.split())
    assert "".join(article["text"].split()) in flat               # wrapped, never cut
    table = cli("show", "articles", "-o", lake, "-n", "1", "-c", "article_id,title").stdout
    assert "row 1" not in table and article["title"] in table     # two columns fit: table view
    forced = cli("show", "articles", "-o", lake, "-n", "1", "-c", "article_id,title", "--vertical").stdout
    assert "row 1" in forced


def test_limit_counts_rows_after_the_filter(lake):
    out = cli("show", "articles", "-o", lake, "-n", "2", "-c", "article_id").stdout
    assert "2 of 3 rows" in out and out.count("art_") == 2


def test_history_hides_no_op_runs(lake):
    default = json.loads(cli("history", "-o", lake, "--json").stdout)
    assert [r["run_id"] for r in default] == ["r2", "r1"]
    assert set(default[0]["changed_tables"]) >= {"articles", "entities"}
    every = json.loads(cli("history", "-o", lake, "--json", "--all").stdout)
    assert [r["run_id"] for r in every] == ["r3", "r2", "r1"] and every[0]["changed_tables"] == {}
    assert [r["run_id"] for r in json.loads(cli("history", "-o", lake, "--json", "--changed").stdout)] == ["r2", "r1"]
    text = cli("history", "-o", lake).stdout
    assert "1 no-op runs hidden" in text and "r3" not in text
    assert "nothing (no-op run)" in cli("history", "-o", lake, "--all").stdout


def test_history_shows_whole_run_ids_and_versions_at_80_columns(tmp_path):
    long_id = "run_20260101T000000Z_abcdef_with_a_long_suffix"
    publish_run(tmp_path, long_id, ARTICLES)
    out = CliRunner().invoke(app, ["history", "-o", str(tmp_path)], env={"COLUMNS": "80"}).stdout
    assert long_id in out and "…" not in out
    assert "sentences=0" in " ".join(out.split())


def test_diff_rows_say_what_they_are(lake):
    out = cli("diff", "r1", "r2", "-o", lake).stdout
    title = MORE["art_c"].split("\n")[0]
    assert "+ art_c" in out and title in out                      # articles: the title
    flat = " ".join(out.split())
    assert "LOC" in flat and "الموصل" in flat                      # entities: type and surface
    assert "no-op" not in flat
    same = cli("diff", "r2", "r3", "-o", lake)
    assert same.exit_code == 0 and "+ " not in same.stdout


def test_run_passes_allow_empty_to_the_flow_config():
    from akhbar.config import PipelineConfig

    assert PipelineConfig().allow_empty is False
    assert PipelineConfig(allow_empty=True).as_dict()["allow_empty"] is True


def test_diff_shows_changed_fields_with_short_values(tmp_path):
    publish_run(tmp_path, "r1", ARTICLES)
    publish_run(tmp_path, "r2", dict(ARTICLES, art_a=ARTICLES["art_a"] + " وقال شاهد إن المسلحين فروا."))
    out = " ".join(cli("diff", "r1", "r2", "-o", tmp_path).stdout.split())
    assert "~ art_a فرار البغدادي من الموصل [changed:" in out
    assert "n_sentences 3->4" in out and "text" in out


def test_progress_counts_come_from_the_flows_log_records():
    import logging

    from interfaces.cli import FlowCounts, counts_text

    counts: dict[str, int] = {}
    handler = FlowCounts(counts)
    record = logging.LogRecord("prefect.flow_runs", logging.INFO, __file__, 1,
                               "ingest: %(files)d documents, %(new)d new", None, None)
    record.args = dict(files=5, new=2, known=3)   # LogRecord unwraps a one-dict tuple the same way
    handler.emit(record)
    assert counts_text(counts) == "5 docs (2 new)"
    record.args = dict(articles=6)
    handler.emit(record)
    assert counts_text(counts) == "5 docs (2 new), 6 articles"
