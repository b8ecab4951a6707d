"""End-to-end: the Prefect flow on seeds/ under Prefect's test harness."""

import json

import polars as pl
import pytest

from flows.pipeline import pipeline

pytestmark = pytest.mark.slow


def read(out, name):
    return pl.read_delta(str(out / "lake" / name))


def test_pipeline_on_seeds(prefect_harness, seeds_dir, tmp_path):
    summary = pipeline(input_dir=str(seeds_dir), output_dir=str(tmp_path))
    docs = read(tmp_path, "documents")
    assert docs.height == 5 and set(docs["status"]) == {"ok"}
    arts = read(tmp_path, "articles")
    assert arts.height >= 5
    sens = read(tmp_path, "sentences").join(arts.select("article_id", "text"), on="article_id")
    assert all(t[s:e] == x for t, s, e, x in sens.select("text_right", "start", "end", "text").iter_rows())
    ents = read(tmp_path, "entities")
    assert "per_abu_bakr_al_baghdadi" in set(ents["entity_id"])
    joined = ents.join(arts.select("article_id", "text"), on="article_id")
    assert all(t[s:e] == x for t, s, e, x in joined.select("text", "start", "end", "surface").iter_rows())
    evs = read(tmp_path, "events")
    assert "ESCAPE" in set(evs["event_type"])
    runs = read(tmp_path, "runs")
    assert runs.height == 1
    assert runs["table_versions"][0]["articles"] == 0

    # second run: same rows (deterministic ids); unchanged tables keep their version, a second snapshot
    summary2 = pipeline(input_dir=str(seeds_dir), output_dir=str(tmp_path))
    assert summary2["versions"]["articles"] == summary["versions"]["articles"]
    arts2 = read(tmp_path, "articles")
    cols = [c for c in arts.columns if c != "run_id"]
    assert arts2.select(cols).sort("article_id").equals(arts.select(cols).sort("article_id"))
    ents2 = read(tmp_path, "entities")
    assert sorted(ents2["mention_id"]) == sorted(ents["mention_id"])
    assert read(tmp_path, "runs").height == 2
    assert summary2["ingest"]["new"] == 0 and summary2["ingest"]["known"] == 5
