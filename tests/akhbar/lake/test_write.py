"""Incremental publish: plans per table, only changed rows written, previous rows never read."""

import json
import shutil

import polars as pl
import pytest
from deltalake import DeltaTable, write_deltalake
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import akhbar.lake.write as publish_mod
from akhbar.lake import read_latest, read_table, snapshots, table_path, vacuum
from akhbar.lake.tables import index_path
from akhbar.lake.write import plan_table
from tasks.publish import publish
from tests.snapshot_tables import MORE, frame, publish_run, run_row


def sentences(rows: dict[tuple[str, int], str], run_id: str) -> pl.DataFrame:
    """A sentences frame from {(article_id, sentence_idx): text}."""
    return frame("sentences", [dict(article_id=a, sentence_idx=i, paragraph_idx=0, start=0, end=len(t), text=t,
                                    run_id=run_id) for (a, i), t in sorted(rows.items())])


BASE = {("a1", 0): "جملة أولى", ("a1", 1): "جملة ثانية", ("a2", 0): "خبر", ("a3", 0): "نص"}


def test_first_publish_overwrites_and_new_keys_append():
    first = plan_table("sentences", sentences(BASE, "r1"), None, rewrite=True)
    assert first.mode == "overwrite" and first.writes[0].rows.height == 4 and first.counts["inserted"] == 4
    again = plan_table("sentences", sentences(BASE, "r2"), first.index)
    assert again.mode == "unchanged" and not again.writes
    grown = plan_table("sentences", sentences({**BASE, ("a4", 0): "جديد"}, "r2"), first.index)
    assert grown.mode == "append" and grown.writes[0].rows["article_id"].to_list() == ["a4"]
    assert grown.writes[0].rows["run_id"].to_list() == ["r2"] and grown.writes[0].index_rows.height == 1
    assert dict(grown.index.select("article_id", "run_id").unique().iter_rows()) == \
        {"a1": "r1", "a2": "r1", "a3": "r1", "a4": "r2"}


def test_update_and_delete_replace_only_the_touched_key_values():
    base = plan_table("sentences", sentences(BASE, "r1"), None, rewrite=True).index
    new = {k: v for k, v in BASE.items() if k != ("a3", 0)}
    new[("a1", 1)] = "جملة معدلة"
    new[("a1", 2)] = "جملة جديدة"   # a new key under a touched value: part of the replace
    new[("a5", 0)] = "خبر جديد"     # a new key elsewhere: appended after
    plan = plan_table("sentences", sentences(new, "r2"), base)
    assert plan.mode == "replace+append" and plan.counts == dict(inserted=2, updated=1, deleted=1)
    replace, append = plan.writes
    # one key column selects the rows: every current row under a touched value is rewritten
    assert replace.predicate == "\"article_id\" IN ('a1','a3')"
    assert sorted(replace.rows.select("article_id", "sentence_idx").iter_rows()) == [("a1", 0), ("a1", 1), ("a1", 2)]
    assert dict(replace.rows.select("sentence_idx", "run_id").iter_rows()) == {0: "r1", 1: "r1", 2: "r2"}
    assert replace.index_rows.height == 3
    assert append.rows["article_id"].to_list() == ["a5"] and append.predicate is None


class InParts:
    """A table given part by part (like the run's spilled partitions): `parts()` yields frames."""

    def __init__(self, frames: list[pl.DataFrame]):
        self.frames = frames
        self.height = sum(f.height for f in frames)

    def parts(self):
        yield from self.frames


def written(rows) -> pl.DataFrame:
    """A write's rows, whether a frame or rows read in parts (akhbar/lake/write.py PartRows)."""
    return rows if isinstance(rows, pl.DataFrame) else pl.concat(list(rows.frames()))


def index_frame(index) -> pl.DataFrame:
    """A plan's or write's index rows, whether a frame or kept in a file (akhbar/lake/write.py IndexRows)."""
    return index if isinstance(index, pl.DataFrame) else index.frame()


@pytest.mark.parametrize("cut", [1, 2, 3])
@pytest.mark.parametrize("in_file", [False, True])
def test_a_table_in_parts_is_planned_and_written_like_the_frame(cut, in_file, tmp_path):
    """Update, delete, insert under a touched value and elsewhere: the plan of the same rows given in
    parts (cut every `cut` rows, some parts empty) has the same writes, rows, run ids, index and
    table hash, whether its per-row comparison is held in memory or kept in a file (`folder`)."""
    base = plan_table("sentences", sentences(BASE, "r1"), None, rewrite=True).index
    new = {k: v for k, v in BASE.items() if k != ("a3", 0)}
    new.update({("a1", 1): "جملة معدلة", ("a1", 2): "جملة جديدة", ("a5", 0): "خبر جديد"})
    whole = sentences(new, "r2")
    parts = InParts([whole.slice(i, cut) for i in range(0, whole.height, cut)] + [whole.clear()])
    folder = tmp_path / "meta" if in_file else None
    for previous, rewrite in ((base, False), (None, True), (base, True)):
        a = plan_table("sentences", whole, previous, rewrite=rewrite)
        b = plan_table("sentences", parts, previous, rewrite=rewrite, folder=folder)
        assert a.mode == b.mode and a.counts == b.counts and a.index.equals(index_frame(b.index))
        assert publish_mod.table_hash("sentences", a.index) == publish_mod.table_hash("sentences", b.index)
        for wa, wb in zip(a.writes, b.writes, strict=True):
            assert (wa.how, wa.predicate) == (wb.how, wb.predicate) and wa.index_rows.equals(index_frame(wb.index_rows))
            key = ["article_id", "sentence_idx"]
            assert written(wa.rows).sort(key).equals(written(wb.rows).sort(key))
    assert plan_table("sentences", parts, base, folder=folder).mode == "replace+append"


def test_a_repeated_key_in_parts_is_planned_like_the_frame(tmp_path):
    """A key carried by two rows of a table in parts (quarantine can repeat one): the plan kept in a
    file falls back to the whole comparison, as for the frame: overwrite, one index row, null hash."""
    q = frame("quarantine", [dict(table="articles", row_key="x", check="span", detail=d, run_id="r1")
                             for d in ("one", "two", "three")])
    base = plan_table("quarantine", q.head(1), None, rewrite=True).index
    a = plan_table("quarantine", q, base)
    b = plan_table("quarantine", InParts([q.head(2), q.tail(1)]), base, folder=tmp_path)
    assert a.mode == b.mode == "overwrite" and a.counts == b.counts and a.index.equals(index_frame(b.index))
    assert b.index.height == 1 and b.index["row_hash"].is_null().all()


def test_large_changes_duplicate_keys_and_forced_writes_overwrite(monkeypatch):
    base = plan_table("sentences", sentences(BASE, "r1"), None, rewrite=True).index
    most = {k: v + "!" for k, v in BASE.items()}
    assert plan_table("sentences", sentences(most, "r2"), base).mode == "overwrite"  # > MAX_REPLACE_SHARE
    forced = plan_table("sentences", sentences(BASE, "r2"), base, force=True, rewrite=True)
    assert forced.mode == "overwrite" and forced.writes[0].rows.height == 4
    many = {(f"a{i}", 0): "نص" for i in range(publish_mod.MAX_PREDICATE_VALUES + 1)}
    grown = plan_table("sentences", sentences(many, "r1"), None, rewrite=True).index
    many[("a0", 0)] = "تغير"
    assert plan_table("sentences", sentences(many, "r2"), grown).mode == "replace"
    monkeypatch.setattr(publish_mod, "MAX_PREDICATE_VALUES", 0)  # too long a predicate: overwrite
    assert plan_table("sentences", sentences(many, "r2"), grown).mode == "overwrite"
    q = frame("quarantine", [dict(table="articles", row_key="x", check="span", detail=d, run_id="r1")
                             for d in ("one", "two")])
    dup = plan_table("quarantine", q, plan_table("quarantine", q.head(1), None, rewrite=True).index)
    assert dup.mode == "overwrite" and dup.writes[0].rows.height == 2  # a repeated key is never compared row by row
    assert dup.index.height == 1 and dup.index["row_hash"].is_null().all()


def test_in_predicate_quotes_values():
    assert publish_mod.in_predicate("k", pl.Series(["a'b", "ج"])) == "\"k\" IN ('a''b','ج')"
    assert publish_mod.in_predicate("n", pl.Series([3, 1])) == "\"n\" IN (3,1)"
    with pytest.raises(TypeError):
        publish_mod.in_predicate("f", pl.Series([1.5]))


def test_publish_reads_only_indexes_never_previous_rows(tmp_path, monkeypatch):
    publish_run(tmp_path, "r1")
    reads = []
    for fn in ("read_delta", "scan_delta"):
        real = getattr(pl, fn)
        monkeypatch.setattr(pl, fn, lambda path, *a, _real=real, **kw: reads.append(path) or _real(path, *a, **kw))
    versions = publish_run(tmp_path, "r2", MORE)
    lake = tmp_path / "lake"
    assert reads and all(p.startswith(str(lake / "_index")) or p == str(lake / "runs") for p in reads), reads
    monkeypatch.undo()
    # only the new rows were written: articles' new version added one file and removed none
    added = DeltaTable(str(table_path(tmp_path, "articles"))).history(1)[0]["operationMetrics"]
    assert added["num_added_files"] == 1 and added.get("num_removed_files", 0) == 0
    assert versions["articles"] == 1
    assert snapshots(tmp_path)["index_versions"][-1]["articles"] == 1


def test_lake_without_indexes_is_migrated_by_one_full_rewrite(tmp_path):
    publish_run(tmp_path, "r1")
    for name in ("articles", "documents"):   # as published before indexes existed
        shutil.rmtree(index_path(tmp_path, name))
    runs = pl.read_delta(str(table_path(tmp_path, "runs"))).drop("index_versions")
    write_deltalake(str(table_path(tmp_path, "runs")), runs.to_arrow(), mode="overwrite", schema_mode="overwrite")
    v2 = publish_run(tmp_path, "r2")
    assert json.loads(snapshots(tmp_path)["schema_changes"][-1])["runs"]["added"] == ["index_versions"]
    assert v2["articles"] == 1 and set(read_latest(tmp_path, "articles")["run_id"]) == {"r1"}
    assert set(read_latest(tmp_path, "documents")["ingested_run_id"]) == {"r1"}
    v3 = publish_run(tmp_path, "r3")   # now indexed: an unchanged rerun writes nothing
    assert v3["articles"] == 1 and v3["documents"] == v2["documents"]


def test_runs_of_a_lake_before_contract_2_are_read_and_upgraded_to_maps(tmp_path):
    publish_run(tmp_path, "r1")
    path = str(table_path(tmp_path, "runs"))
    old = pl.read_delta(path).with_columns(   # as written before 2.0.0: the maps as JSON text
        *(pl.col(c).map_elements(lambda m: json.dumps(dict(m)), return_dtype=pl.String)
          for c in ("parameters", "table_versions", "counts", "table_hashes", "index_versions")))
    write_deltalake(path, old.to_arrow(), mode="overwrite", schema_mode="overwrite")
    before = snapshots(tmp_path).row(0, named=True)   # readable before any upgrade
    assert before["table_versions"]["articles"] == 0 and isinstance(before["table_hashes"]["articles"], str)
    assert read_latest(tmp_path, "articles").height == 2
    publish_run(tmp_path, "r2")
    stored = pl.read_delta(path)
    assert stored.schema["table_versions"] == pl.Map(pl.String, pl.Int64)
    assert stored.schema["parameters"] == pl.Map(pl.String, pl.String)
    rows = snapshots(tmp_path).rows(named=True)
    assert [r["run_id"] for r in rows] == ["r1", "r2"]
    assert rows[0]["table_versions"] == before["table_versions"]   # nothing lost in the upgrade
    assert publish_mod.upgrade_runs(tmp_path) is False               # once upgraded, left alone


STATES = st.lists(st.dictionaries(st.tuples(st.sampled_from(["a1", "a2", "a3", "a'4"]), st.integers(0, 2)),
                                  st.sampled_from(["نص", "خبر", "جملة"]), max_size=8),
                  min_size=1, max_size=4)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(states=STATES, cut=st.sampled_from([0, 1, 3]))
def test_any_sequence_of_runs_publishes_each_full_state(tmp_path_factory, states, cut):
    """Whatever inserts, updates and deletes a run brings, the snapshot is exactly the run's
    state, with each key's first-seen run id; an unchanged rerun writes no version. `cut`: the
    table given in parts of that many rows (compared through a file under _staging), 0: a frame."""
    out = tmp_path_factory.mktemp("lake")
    first_seen: dict = {}
    for n, state in enumerate(states):
        run = f"r{n}"
        first_seen = {k: first_seen.get(k, run) for k in state}
        rows = sentences(state, run)
        table = InParts([rows.slice(i, cut) for i in range(0, rows.height, cut)]) if cut else rows
        publish(out, {"sentences": table}, run_row(run))
        assert not (out / "_staging").exists()
        got = read_table(out, "sentences")
        assert {(a, i): (t, r) for a, i, t, r in got.select("article_id", "sentence_idx", "text", "run_id").rows()} \
            == {k: (state[k], first_seen[k]) for k in state}
    before = DeltaTable(str(table_path(out, "sentences"))).version()
    publish(out, {"sentences": sentences(states[-1], "again")}, run_row("again"))
    assert DeltaTable(str(table_path(out, "sentences"))).version() == before


def test_vacuum_and_compaction_keep_tables_changeable_in_place(tmp_path):
    publish_run(tmp_path, "r1")
    DeltaTable(str(table_path(tmp_path, "sentences"))).optimize.compact()
    publish_run(tmp_path, "r2", MORE)
    vacuum(tmp_path, keep=1)
    publish_run(tmp_path, "r3", dict(MORE, art_d=MORE["art_c"].replace("قيادي", "مسلح")))
    for name in ("articles", "sentences"):   # the last write appended: no full rewrite after vacuum/compaction
        assert DeltaTable(str(table_path(tmp_path, name))).history(1)[0]["operationParameters"]["mode"] == "Append"
    assert read_latest(tmp_path, "articles")["article_id"].to_list() == ["art_a", "art_b", "art_c", "art_d"]


def test_a_run_imports_no_pandas(tmp_path):
    """pyarrow's Schema.empty_table() and Table.from_pylist import pandas (about a second of every
    run's start); the contracts' empty frames and the `runs` row are built without it, and the row
    reads back as written."""
    import subprocess
    import sys
    from pathlib import Path

    code = f"""
import sys, datetime as dt
from akhbar.contracts import SCHEMAS, empty_frame
from akhbar.lake.write import append_run, delta_schema
frames = {{t: empty_frame(t) for t in SCHEMAS}}
now = dt.datetime(2026, 12, 6, 22, 0, tzinfo=dt.timezone.utc)
row = {{f.name: (now if f.type.equals(delta_schema("runs").field("started_at").type) else f.name)
       for f in delta_schema("runs")}}
row["git_commit"] = None
maps = [f.name for f in delta_schema("runs") if str(f.type).startswith("map")]
for name in maps:
    row[name] = {{"articles": 3}} if "int64" in str(delta_schema("runs").field(name).type) else {{"ner_tagger": "crf"}}
append_run({str(tmp_path)!r}, row)
assert "pandas" not in sys.modules, "pandas imported"
from deltalake import DeltaTable
back = DeltaTable({str(tmp_path / "lake" / "runs")!r}).to_pyarrow_table()
got = back.to_pylist()[0]
got.update({{name: dict(got[name]) for name in maps}})   # arrow gives a map as (key, value) pairs
assert got == row, (got, row)
print("OK")
"""
    root = Path(__file__).resolve().parents[3]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "OK", out.stdout + out.stderr


def test_a_table_written_in_several_commits_reads_like_one_commit(tmp_path, monkeypatch):
    """Rows written in commits of bounded size (COMMIT_BYTES; here one record batch of one row each):
    the first commit overwrites or replaces, the rest append; every table reads as the one-commit
    lake's, the snapshot names each table's last version, and an unchanged rerun writes nothing."""
    from akhbar.contracts import DATA_TABLES, KEYS

    one, many = tmp_path / "one", tmp_path / "many"
    for run_id, articles in (("r1", None), ("r2", MORE)):
        publish_run(one, run_id, articles)
    monkeypatch.setattr(publish_mod, "COMMIT_BYTES", 1)
    monkeypatch.setattr(publish_mod, "WRITE_BATCH_ROWS", 1)
    v1 = publish_run(many, "r1")
    assert v1["sentences"] >= read_latest(many, "sentences").height - 1 > 0      # a commit per row
    v2 = publish_run(many, "r2", MORE)
    for name in DATA_TABLES:
        a, b = read_latest(one, name), read_latest(many, name)
        assert (a is None) == (b is None), name
        if a is not None:
            key = list(KEYS[name])
            assert a.sort(key).equals(b.sort(key)), name
    named = snapshots(many)["table_versions"][-1]
    assert named["sentences"] == v2["sentences"] == DeltaTable(str(table_path(many, "sentences"))).version()
    assert publish_run(many, "r3", MORE)["sentences"] == v2["sentences"]
