"""Staged partitions (flows/staging.py): partition work through files gives the tables of the
in-memory split, and a task's inputs are file names, not frames."""

from __future__ import annotations

import pickle

import polars as pl

from akhbar.config import PipelineConfig
from flows import staging
from flows.graph import call, inputs_of, merge
from flows.local import CANDIDATES
from flows.pipeline import DAG


def run_with_staging(input_dir, folder, cfg):
    bag = dict(input_dir=str(input_dir), run_id="s", cfg=cfg, known_documents=None, dedupe_state=None,
               stage_failures=[])
    sizes = []
    for stage in DAG[:DAG.index(next(s for s in DAG if s.name == "cluster-events")) + 1]:
        kwargs = inputs_of(stage, bag)
        if stage.partitioned:
            parts = staging.stage_inputs(stage, kwargs, cfg.partitions, folder)
            sizes += [len(pickle.dumps(p)) for p in parts]
            results = [staging.run_staged(stage, p) for p in parts]
            outputs = staging.collect(stage, [out for out, _ in results])
        else:
            outputs, _ = call(stage, kwargs)
        bag.update(zip(stage.outputs, outputs))
    return bag, sizes


def run_in_memory(input_dir, cfg):
    bag = dict(input_dir=str(input_dir), run_id="s", cfg=cfg, known_documents=None, dedupe_state=None,
               stage_failures=[])
    for stage in DAG[:DAG.index(next(s for s in DAG if s.name == "cluster-events")) + 1]:
        kwargs = inputs_of(stage, bag)
        parts = stage.split(kwargs, cfg.partitions) if stage.partitioned else {0: kwargs}
        results = [call(stage, parts[p])[0] for p in sorted(parts)]
        bag.update(zip(stage.outputs, merge(stage, results) if stage.partitioned else results[0]))
    return bag


def test_staged_partitions_give_the_same_tables(seeds_dir, tmp_path):
    cfg = PipelineConfig(partitions=3)
    staged, sizes = run_with_staging(seeds_dir, tmp_path / "staging", cfg)
    plain = run_in_memory(seeds_dir, cfg)
    for name in CANDIDATES:
        assert staged[name].equals(plain[name]), name
    assert plain["events"].height > 0
    assert sizes and max(sizes) < 5000          # a task is handed file names and settings, not frames
    assert list((tmp_path / "staging").glob("*.out/p*.parquet"))


def test_stage_inputs_tag_rows_by_the_split_partition(tmp_path):
    stage = next(s for s in DAG if s.name == "extract-entities")
    arts = pl.DataFrame({"article_id": [f"a{i}" for i in range(20)], "text": ["x"] * 20})
    sens = pl.DataFrame({"article_id": [f"a{i}" for i in range(20) for _ in range(2)], "sentence_idx": [0, 1] * 20})
    parts = staging.stage_inputs(stage, dict(articles=arts, sentences=sens, run_id="r",
                                             cfg=PipelineConfig()), 4, tmp_path)
    seen = []
    for p in parts:
        got = staging.load(p)
        assert staging.PART not in got["articles"].columns
        assert set(got["sentences"]["article_id"]) == set(got["articles"]["article_id"])
        seen += got["articles"]["article_id"].to_list()
    assert sorted(seen) == sorted(arts["article_id"].to_list())


def test_clear_removes_the_staging_folder(tmp_path):
    folder = staging.staging_folder(str(tmp_path), "run_x")
    (folder / "a.out").mkdir(parents=True)
    staging.clear(folder)
    assert not (tmp_path / "_staging").exists()


def test_a_killed_runs_staging_is_cleared_by_the_next_run(tmp_path):
    left = staging.staging_folder(str(tmp_path), "run_killed") / "segment.out"
    left.mkdir(parents=True)
    (left / "p0.0.parquet").write_bytes(b"x")
    staging.clear_stale(str(tmp_path))
    assert not (tmp_path / "_staging").exists()
