"""Publish: snapshots, idempotent reruns, crash between commits, schema evolution, diff, export, vacuum."""

import json

import polars as pl
import pyarrow as pa
import pytest

import akhbar.lake.ops as ops_mod
import akhbar.lake.write as publish_mod
from akhbar.contracts import SCHEMAS
from akhbar.lake import SchemaChangeError, SnapshotError, diff_snapshots, export_table, read_latest, read_table, snapshots, table_path, vacuum
from tasks.publish import publish
from tasks.validate import validate
from tests.snapshot_tables import ARTICLES, MORE, make_tables, publish_run, run_row



def head_version(out, name):
    from deltalake import DeltaTable
    return DeltaTable(str(table_path(out, name))).version()


def test_rerun_over_unchanged_input_writes_no_new_version(tmp_path):
    v1 = publish_run(tmp_path, "r1")
    v2 = publish_run(tmp_path, "r2")
    assert {k: v for k, v in v2.items() if k != "runs"} == {k: v for k, v in v1.items() if k != "runs"}
    assert v2["runs"] == v1["runs"] + 1
    snaps = snapshots(tmp_path)
    assert snaps["run_id"].to_list() == ["r1", "r2"]
    assert snaps["table_versions"][0] == snaps["table_versions"][1]
    # rows keep the run that first published them: the content is identical
    assert set(read_latest(tmp_path, "articles")["run_id"]) == {"r1"}
    assert set(read_latest(tmp_path, "documents")["ingested_run_id"]) == {"r1"}


def test_incremental_run_and_time_travel(tmp_path):
    v1 = publish_run(tmp_path, "r1")
    v2 = publish_run(tmp_path, "r2", MORE)
    assert v2["articles"] == v1["articles"] + 1
    latest = read_latest(tmp_path, "articles")
    assert dict(latest.select("article_id", "run_id").iter_rows()) == {"art_a": "r1", "art_b": "r1", "art_c": "r2"}
    assert read_table(tmp_path, "articles", run="r1")["article_id"].to_list() == ["art_a", "art_b"]
    assert read_table(tmp_path, "articles", version=v1["articles"]).height == 2
    assert read_table(tmp_path, "articles", run="r2").height == 3
    with pytest.raises(SnapshotError, match="not a published run"):
        read_table(tmp_path, "articles", run="r9")


def test_crash_between_table_commits_keeps_readers_on_previous_snapshot(tmp_path, monkeypatch):
    publish_run(tmp_path, "r1")
    real_write, written = publish_mod.write_table, []

    def dying_write(out, name, tbl, change=None, **how):
        if name == "sentences":          # tables are written side by side: one dies, the others commit
            raise OSError("killed between two table commits")
        written.append(name)
        return real_write(out, name, tbl, change, **how)

    monkeypatch.setattr(publish_mod, "write_table", dying_write)
    with pytest.raises(OSError, match="killed"):
        publish_run(tmp_path, "r2", MORE)
    assert "articles" in written and "sentences" not in written  # other tables did commit a new version...
    assert head_version(tmp_path, "articles") == 1
    assert snapshots(tmp_path)["run_id"].to_list() == ["r1"]  # ...but no snapshot names them
    assert read_latest(tmp_path, "articles").height == 2
    assert read_latest(tmp_path, "sentences")["article_id"].unique().sort().to_list() == ["art_a", "art_b"]
    assert not (tmp_path / "lake" / ".akhbar.lock").exists()

    monkeypatch.setattr(publish_mod, "write_table", real_write)
    v3 = publish_run(tmp_path, "r3", MORE)  # the next run recovers
    assert v3["articles"] == 2
    assert read_latest(tmp_path, "articles").height == 3
    assert set(read_latest(tmp_path, "sentences")["article_id"]) == {"art_a", "art_b", "art_c"}
    assert snapshots(tmp_path)["run_id"].to_list() == ["r1", "r3"]


def with_column(monkeypatch, table, schema):
    monkeypatch.setitem(SCHEMAS, table, schema)


def test_added_column_is_allowed_and_recorded(tmp_path, monkeypatch):
    publish_run(tmp_path, "r1")
    with_column(monkeypatch, "articles", SCHEMAS["articles"].append(pa.field("language", pa.string())))
    clean, quarantine, _ = validate(make_tables("r2"), "r2")
    clean["articles"] = clean["articles"].with_columns(language=pl.lit("ar"))
    clean["quarantine"] = quarantine
    publish(tmp_path, clean, run_row("r2"))
    assert read_latest(tmp_path, "articles")["language"].to_list() == ["ar", "ar"]
    assert "language" not in read_table(tmp_path, "articles", run="r1").columns
    assert json.loads(snapshots(tmp_path)["schema_changes"][-1]) == {"articles": {"added": ["language"]}}


@pytest.mark.parametrize("change", ["dropped", "retyped"])
def test_breaking_schema_change_is_refused_unless_allowed(tmp_path, monkeypatch, change):
    v1 = publish_run(tmp_path, "r1")
    schema = SCHEMAS["articles"]
    if change == "dropped":
        schema = schema.remove(schema.get_field_index("section"))
    else:
        i = schema.get_field_index("n_sentences")
        schema = schema.set(i, pa.field("n_sentences", pa.int64(), nullable=False))
    with_column(monkeypatch, "articles", schema)
    with pytest.raises(SchemaChangeError, match=f"breaking schema change refused.*{change}"):
        publish_run(tmp_path, "r2", MORE)
    assert head_version(tmp_path, "articles") == v1["articles"]
    assert head_version(tmp_path, "documents") == v1["documents"]  # nothing at all was written
    assert snapshots(tmp_path).height == 1

    publish_run(tmp_path, "r3", MORE, allow_breaking_schema=True)
    recorded = json.loads(snapshots(tmp_path)["schema_changes"][-1])["articles"]
    assert change in recorded
    latest = read_latest(tmp_path, "articles")
    assert latest.height == 3
    assert ("section" not in latest.columns) if change == "dropped" else latest.schema["n_sentences"] == pl.Int64


def test_diff_reports_added_removed_changed(tmp_path):
    publish_run(tmp_path, "r1")
    changed = dict(MORE)
    del changed["art_b"]
    clean, quarantine, _ = validate(make_tables("r2", changed), "r2")
    clean["articles"] = clean["articles"].with_columns(
        pl.when(pl.col("article_id") == "art_a").then(pl.lit("الحياة")).otherwise(pl.col("source")).alias("source"))
    clean["quarantine"] = quarantine
    publish(tmp_path, clean, run_row("r2"))
    d = diff_snapshots(tmp_path, "r1", "r2")
    assert d["articles"]["added"]["article_id"].to_list() == ["art_c"]
    assert d["articles"]["removed"]["article_id"].to_list() == ["art_b"]
    assert d["articles"]["changed"].rows() == [("art_a", ["source"])]
    assert d["entities"]["removed"]["mention_id"].str.starts_with("m_art_b").all()
    assert d["events"]["added"].height == 0 and d["events"]["removed"].height == 1
    assert all(x.height == 0 for x in diff_snapshots(tmp_path, "r2", "r2")["articles"].values())


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_export_round_trips(tmp_path, fmt):
    publish_run(tmp_path, "r1")
    publish_run(tmp_path, "r2", MORE)
    for table in ("events", "articles"):
        dest = export_table(tmp_path, table, fmt, tmp_path / f"out.{fmt}", run="r1")
        want = read_table(tmp_path, table, run="r1")
        if fmt == "parquet":
            got = pl.read_parquet(dest)
        elif fmt == "jsonl":
            got = pl.read_ndjson(dest, schema=want.schema)
        else:
            got = pl.read_csv(dest, schema=want.with_columns(ops_mod.json_text(c) for c, t in want.schema.items()
                                                            if t.is_nested()).schema)
            want = want.with_columns(ops_mod.json_text(c) for c, t in want.schema.items() if t.is_nested())
        assert got.equals(want), table


def test_vacuum_keeps_versions_named_by_kept_snapshots(tmp_path):
    texts = dict(ARTICLES)
    for i in range(4):  # four snapshots, each adding an article and changing art_a (rewriting its file)
        texts[f"art_{i}"] = f"خبر رقم {i}\nقال مسؤول إن القصف استمر في الموصل. وأضاف أن السكان نزحوا."
        texts["art_a"] = ARTICLES["art_a"] + f" وقال شاهد إن {i} مسلحين فروا."
        publish_run(tmp_path, f"r{i}", texts)
    planned = vacuum(tmp_path, keep=2, dry_run=True)
    assert planned["articles"] and read_table(tmp_path, "articles", run="r0").height == 3  # dry run deletes nothing
    assert planned["_index/articles"]  # publish's indexes are vacuumed too
    removed = vacuum(tmp_path, keep=2)
    assert removed["articles"] == planned["articles"]
    assert read_table(tmp_path, "articles", run="r3").height == 6
    assert read_table(tmp_path, "articles", run="r2").height == 5
    with pytest.raises(SnapshotError):
        read_table(tmp_path, "articles", run="r0")
    assert read_table(tmp_path, "documents", run="r2").height == 5
    publish_run(tmp_path, "r4", texts)  # publishing still works after vacuum
    assert read_latest(tmp_path, "articles").height == 6
    with pytest.raises(ValueError, match="at least 1"):
        vacuum(tmp_path, keep=0)
