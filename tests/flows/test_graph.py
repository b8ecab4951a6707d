"""The one DAG: declared once, run locally the same way the flow runs it; one bad article is quarantined."""

from __future__ import annotations

import polars as pl
import pytest

import flows.steps as steps
from akhbar.config import PipelineConfig
from flows.graph import Stage, call, run_local
from flows.local import run_graph
from flows.pipeline import DAG


def test_every_input_is_produced_by_an_earlier_stage():
    produced = {"input_dir", "run_id", "cfg", "known_documents", "known_incidents", "run_meta", "stage_failures"}
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
