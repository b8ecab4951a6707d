"""The flow end to end: idempotent rerun, and a critical validation failure publishes nothing."""

import polars as pl
import pytest

import flows.pipeline as pipeline_mod
from akhbar.lake.lock import read_lock
from akhbar.lake import read_latest, snapshots
from tasks.validate import ValidationError

pytestmark = pytest.mark.slow


def test_rerun_is_idempotent_and_critical_failure_publishes_nothing(prefect_harness, seeds_dir, tmp_path,
                                                                    monkeypatch):
    first = pipeline_mod.pipeline(input_dir=str(seeds_dir), output_dir=str(tmp_path))
    articles = read_latest(tmp_path, "articles")
    second = pipeline_mod.pipeline(input_dir=str(seeds_dir), output_dir=str(tmp_path))
    assert {k: v for k, v in second["versions"].items() if k != "runs"} == \
           {k: v for k, v in first["versions"].items() if k != "runs"}
    assert read_latest(tmp_path, "articles").equals(articles)  # run_id included: first-seen run kept
    assert set(articles["run_id"]) == {first["run_id"]}
    assert snapshots(tmp_path)["run_id"].to_list() == [first["run_id"], second["run_id"]]

    import flows.steps as steps_mod

    real_catalog, real_parts = steps_mod.build_catalog, steps_mod.catalog_of_parts   # in-memory, spilled mentions
    real_chunks = steps_mod.catalog_of_chunks                                         # spilled, one file per partition
    monkeypatch.setattr(steps_mod, "build_catalog", lambda m, r, c=None: pl.concat([real_catalog(m, r, c)] * 2))
    monkeypatch.setattr(steps_mod, "catalog_of_parts", lambda parts, r: pl.concat([real_parts(parts, r)] * 2))
    monkeypatch.setattr(steps_mod, "catalog_of_chunks", lambda parts, r: pl.concat([real_chunks(parts, r)] * 2))
    with pytest.raises(ValidationError, match="key check failed for table 'entity_catalog'"):
        pipeline_mod.pipeline(input_dir=str(seeds_dir), output_dir=str(tmp_path))
    assert snapshots(tmp_path).height == 2
    from deltalake import DeltaTable
    assert DeltaTable(str(tmp_path / "lake" / "entity_catalog")).version() == first["versions"]["entity_catalog"]
    assert read_lock(tmp_path) is None  # the failed run released the lock
