"""One configuration: a section per stage, flat names for the CLI and runs.parameters, env read once."""

import pytest

from akhbar.config import PipelineConfig


def test_sections_and_flat_names_are_the_same_values():
    cfg = PipelineConfig(partitions=3, max_file_bytes=10, lsh_bands=8)
    assert cfg.run.partitions == cfg.partitions == 3
    assert cfg.ingest.max_file_bytes == 10 and cfg.dedupe.lsh_bands == 8
    cfg.partitions = 5
    assert cfg.run.partitions == 5
    assert PipelineConfig(run={"partitions": 2}).partitions == 2


def test_unknown_fields_are_refused():
    with pytest.raises(TypeError, match="unknown config field"):
        PipelineConfig(partitons=3)
    with pytest.raises(AttributeError):
        PipelineConfig().no_such_field


def test_environment_is_read_in_one_place():
    cfg = PipelineConfig.from_env({"AKHBAR_TASK_RUNNER": "dask", "AKHBAR_DASK_WORKERS": "3"})
    assert cfg.task_runner == "dask" and cfg.dask_workers == 3 and cfg.dask_address is None
    assert PipelineConfig.from_env({}).task_runner == "threads"


def test_cli_defaults_come_from_the_config():
    from interfaces.common import PartitionsOpt, WorkersOpt

    assert PartitionsOpt.default == PipelineConfig().partitions
    assert WorkersOpt.default == PipelineConfig().workers
