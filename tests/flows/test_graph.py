"""The one DAG: declared once, run locally the same way the flow runs it; one bad article is quarantined."""

from __future__ import annotations

import polars as pl
import pytest

import flows.steps as steps
from akhbar.config import PipelineConfig
from flows.graph import OPTIONAL_INPUTS, Stage, call, run_local
from flows.local import run_graph
from flows.pipeline import DAG


def test_every_input_is_produced_by_an_earlier_stage():
    produced = {"input_dir", "run_id", "cfg", "known_documents", "known_incidents", "dedupe_state", "run_meta",
                "stage_failures", *OPTIONAL_INPUTS}
    for stage in DAG:
        assert set(stage.inputs) <= produced, stage.name
        produced |= set(stage.outputs)
    assert [s.name for s in DAG][-1] == "publish"


def test_partition_count_does_not_change_the_tables(seeds_dir):
    one = run_graph(seeds_dir, cfg=PipelineConfig(partitions=1))
    eight = run_graph(seeds_dir, cfg=PipelineConfig(partitions=8))
    for name in ("articles", "sentences", "entities", "entity_catalog"):
        key = list(one[name].columns[:2])
        assert one[name].sort(key).equals(eight[name].sort(key)), name
    assert one["events"].height == eight["events"].height > 0


def test_a_partition_count_grown_with_the_corpus_does_not_change_the_tables(seeds_dir, tmp_path):
    """partition_rows small enough that the seeds (5 blocks) get 8x the configured partition: the same
    tables as a fixed count, in memory and spilled (segment's outputs regrouped by article partition)."""
    from flows.partitions import N_PARTITIONS
    from flows.spill import SPILL_DIR

    fixed = run_graph(seeds_dir, until="quarantine", cfg=PipelineConfig(partitions=1, partition_rows=0))
    cfg = PipelineConfig(partitions=1, partition_rows=1)      # one block per partition: 1 -> 2 -> 4 -> 8
    grown = run_graph(seeds_dir, until="quarantine", cfg=cfg)
    spilled = run_local(DAG, dict(input_dir=str(seeds_dir), run_id="local", cfg=cfg, known_documents=None,
                                  **{SPILL_DIR: tmp_path / "spill"}), until="quarantine")
    assert fixed[N_PARTITIONS] == 1 and grown[N_PARTITIONS] == 8 == spilled[N_PARTITIONS]
    assert len(spilled["articles"].partitions) > 2 and spilled["articles"].by_part
    for name, frame in fixed["tables"].items():
        for other in (grown["tables"][name], spilled["tables"][name]):
            got = other.frame() if hasattr(other, "frame") else other
            key = list(frame.columns[:2])
            assert got.sort(key).equals(frame.sort(key)), name


def test_one_failing_article_is_quarantined_and_the_rest_goes_on(seeds_dir, monkeypatch):
    real = steps.extract_entities
    articles = run_graph(seeds_dir, until="segment")["articles"]
    bad = articles["article_id"][0]

    def flaky(arts, sents, run_id, **kw):
        if bad in arts["article_id"].to_list():
            raise StopIteration("a rule ran out of words")   # the kind of bug that killed a 31k run
        return real(arts, sents, run_id, **kw)

    monkeypatch.setattr(steps, "extract_entities", flaky)
    bag = run_graph(seeds_dir, until="quarantine", cfg=PipelineConfig(partitions=1))
    failures = bag["stage_failures"]
    assert [f["row_key"] for f in failures] == [bad]
    assert failures[0]["table"] == "extract-entities" and "StopIteration" in failures[0]["detail"]
    assert "flaky" in failures[0]["detail"]                   # the function that raised
    assert set(bag["entities"]["article_id"]) == set(articles["article_id"]) - {bad}
    q = bag["tables"]["quarantine"]
    assert q.filter(pl.col("check") == "exception")["row_key"].to_list() == [bad]


def test_a_stage_without_isolation_raises():
    def boom(x):
        raise ValueError("no")

    stage = Stage("boom", boom, ("x",), ("y",))
    with pytest.raises(ValueError):
        call(stage, {"x": pl.DataFrame({"a": [1]})})
    with pytest.raises(KeyError, match="needs"):
        run_local([stage], {"cfg": PipelineConfig()})


def test_a_stage_forgets_its_memos_once_after_all_its_partitions():
    seen = []

    def double(x):
        seen.append("call")
        return x.with_columns(a=pl.col("a") * 2)

    def split_(inputs, n):
        return {p: {"x": inputs["x"].filter(pl.col("a") % n == p)} for p in range(n)}

    stage = Stage("double", double, ("x",), ("y",), split=split_, forget=lambda: seen.append("forget"))
    bag = run_local([stage], {"cfg": PipelineConfig(partitions=2), "x": pl.DataFrame({"a": [1, 2, 3]})})
    assert seen == ["call", "call", "forget"] and sorted(bag["y"]["a"]) == [2, 4, 6]
    assert [s.name for s in DAG if s.forget] == ["extract-entities", "extract-events"]


def test_releases_drop_a_dataset_after_its_last_reader_unless_kept():
    from flows.graph import releases
    from flows.runtime import FINISH_READS

    drop = releases(DAG, FINISH_READS)
    after = {name: stage for stage, names in drop.items() for name in names}
    assert after["blocks"] == "segment" and after["vocab"] == "segment"
    assert after["events_unclustered"] == "cluster-events"
    assert after["ingested"] == "mark-new" and after["known_documents"] == "ingest"
    assert not set(after) & set(FINISH_READS)
    order = [s.name for s in DAG]
    for stage in DAG:                     # nothing is dropped before a later stage reads it
        for name in stage.inputs:
            if name in after:
                assert order.index(after[name]) >= order.index(stage.name), (name, stage.name)


def test_a_run_that_releases_datasets_publishes_the_same_tables(seeds_dir, tmp_path):
    import datetime as dt

    from flows.runtime import FINISH_READS

    def bag(out):
        meta = dict(run_id="r", flow_run_id=None, started_at=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
                    git_commit=None, input_dir=str(seeds_dir), output_dir=str(out))
        return dict(input_dir=str(seeds_dir), run_id="r", cfg=PipelineConfig(), known_documents=None, run_meta=meta)

    full = run_local(DAG, bag(tmp_path / "a"))
    lean = run_local(DAG, bag(tmp_path / "b"), keep=FINISH_READS)
    assert "blocks" in full and "blocks" not in lean and "ingested" not in lean
    assert set(lean) >= set(FINISH_READS)
    for name, frame in full["tables"].items():
        assert frame.equals(lean["tables"][name]), name


def test_bounded_batches_change_no_table(seeds_dir):
    """A partition run in slices of one block / one article gives the tables of one call per partition,
    row order included (cluster-events depends on it)."""
    whole = run_graph(seeds_dir, cfg=PipelineConfig(partitions=2, batch_rows=0))
    sliced = run_graph(seeds_dir, cfg=PipelineConfig(partitions=2, batch_rows=1))
    assert whole["articles"].height > 2
    for name in ("articles", "sentences", "entities", "entity_catalog", "events"):
        assert whole[name].equals(sliced[name]), name


def test_slices_cut_every_frame_holding_the_id_and_keep_order():
    from flows.graph import slices

    stage = Stage("s", lambda a, b, c: a, ("a", "b", "c"), ("y",), isolate="k")
    a = pl.DataFrame({"k": ["x", "y", "y", "z", "w"], "v": [1, 2, 3, 4, 5]})
    b = pl.DataFrame({"k": ["w", "x", "z"], "u": [0, 1, 2]})
    c = pl.DataFrame({"other": [1]})
    parts = list(slices(stage, dict(a=a, b=b, c=c), 2))
    assert [p["a"]["v"].to_list() for p in parts] == [[1, 2, 3], [4, 5]]
    assert [p["b"]["u"].to_list() for p in parts] == [[1], [0, 2]]
    assert all(p["c"] is c for p in parts)
    assert len(list(slices(stage, dict(a=a, b=b, c=c), 0))) == 1


def test_a_sliced_call_still_quarantines_only_the_bad_item():
    def fn(a, cfg):
        if "bad" in a["k"].to_list():
            raise StopIteration("no next word")
        return a.with_columns(n=pl.lit(1))

    stage = Stage("s", fn, ("a", "cfg"), ("y",), isolate="k")
    a = pl.DataFrame({"k": ["a", "b", "bad", "c", "d"]})
    out, failures = call(stage, dict(a=a, cfg=PipelineConfig(batch_rows=2)))
    assert out[0]["k"].to_list() == ["a", "b", "c", "d"]
    assert [f["row_key"] for f in failures] == ["bad"]
