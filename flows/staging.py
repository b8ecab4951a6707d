"""Staged partitions: partition work that reads and writes files, not frames passed through the flow.

With the Dask runner (issue 16.4) a partitioned stage does not split its inputs in the flow
process and ship every partition's frames to the workers (and every result back) through Dask:

  1. the flow writes each input frame ONCE to the staging folder (`stage_inputs`), each row
     tagged with its partition (`_part`: the same `partition_of` hash the split uses, on the
     stage's `isolate` column, or on `article_id` for the sentences/mentions of an article);
     a dict of frames keyed by partition (the vocabulary) is written one file per partition;
  2. each task gets only file names and its partition number (`StagedInputs`, a few hundred
     bytes); the worker reads its partition's rows (a parquet filter on `_part`), applies the
     stage's own split (so its inputs are exactly those of the unstaged run), runs `call`
     (bounded batches and fault isolation included) and writes each output to its own file
     (`run_staged`), returning file names and failure rows;
  3. the flow reads the partition outputs in partition order and merges them with the stage's
     merge functions, as before (`collect`).

The staging folder (`<output>/_staging/<run_id>`, or cfg.staging_dir when set: it must be a
path every worker and the flow can reach) is removed when the run ends, published or not; what a
killed run left under <output>/_staging is removed when the next run starts (under the lock).
Staged task runs are not cached: their inputs are file names, not content.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from flows.graph import Bag, Stage, call, merge
from flows.partitions import partition_of
from flows.spill import read_output

PART = "_part"
ROW_KEYS = ("block_id", "article_id")     # the id a row of a staged frame is partitioned by


@dataclass(frozen=True)
class StagedInputs:
    """A partition task's inputs: frames as parquet files (read filtered to `partition`), dicts of
    frames as one file per partition, anything else (settings, run id) by value."""
    stage_name: str
    partition: int
    partitions: int
    frames: tuple[tuple[str, str], ...]          # (input name, parquet path)
    per_partition: tuple[tuple[str, str], ...]   # (input name, parquet path of this partition's value)
    values: tuple[tuple[str, Any], ...]
    out_dir: str


def key_column(stage: Stage, frame: pl.DataFrame) -> str | None:
    if stage.isolate and stage.isolate in frame.columns:
        return stage.isolate
    return next((c for c in ROW_KEYS if c in frame.columns), None)


def stage_inputs(stage: Stage, kwargs: Bag, n: int, folder: Path) -> list[StagedInputs]:
    """Write the stage's inputs once; one StagedInputs per non-empty partition of the main input."""
    folder.mkdir(parents=True, exist_ok=True)
    frames, dicts, values, parts = [], {}, [], []
    for name, value in kwargs.items():
        if isinstance(value, pl.DataFrame):
            col = key_column(stage, value)
            tagged = value.with_columns(partition_of(value[col], n).alias(PART)) if col else value
            if name == stage.inputs[0]:
                parts = sorted(tagged[PART].unique().to_list()) if col and value.height else []
            path = folder / f"{stage.name}.{name}.parquet"
            tagged.write_parquet(path)
            frames.append((name, str(path)))
        elif isinstance(value, dict) and all(isinstance(v, pl.DataFrame) for v in value.values()):
            for p, v in value.items():
                path = folder / f"{stage.name}.{name}.p{p}.parquet"
                v.write_parquet(path)
                dicts.setdefault(p, []).append((name, str(path)))
        else:
            values.append((name, value))
    out_dir = str(folder / f"{stage.name}.out")
    return [StagedInputs(stage.name, p, n, tuple(frames), tuple(dicts.get(p, ())), tuple(values), out_dir)
            for p in parts]


def load(staged: StagedInputs) -> Bag:
    """This partition's inputs, as the unstaged split would give them."""
    kwargs: Bag = dict(staged.values)
    for name, path in staged.frames:
        lazy = pl.scan_parquet(path)
        if PART in lazy.collect_schema().names():
            kwargs[name] = lazy.filter(pl.col(PART) == staged.partition).drop(PART).collect()
        else:
            kwargs[name] = lazy.collect()
    for name, path in staged.per_partition:
        kwargs[name] = {staged.partition: pl.read_parquet(path)}
    return kwargs


def run_staged(stage: Stage, staged: StagedInputs) -> tuple[tuple, list[dict]]:
    """In the worker: read the partition, run the stage, write each output; (file names, failures)."""
    kwargs = load(staged)
    if stage.split is not None:
        kwargs = stage.split(kwargs, staged.partitions).get(staged.partition, kwargs)
    outputs, failures = call(stage, kwargs)
    out = Path(staged.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    names = []
    for i, value in enumerate(outputs):
        if isinstance(value, pl.DataFrame):
            path = out / f"p{staged.partition}.{i}.parquet"
            value.write_parquet(path)
            names.append(str(path))
        else:
            names.append(value)               # None (an empty merge) or a small value
    return tuple(names), failures


def collect(stage: Stage, results: list[tuple]) -> tuple:
    """The partitions' outputs (file names, in partition order) read back and merged."""
    return merge(stage, [tuple(read_output(v) for v in out) for out in results])


def staging_folder(output_dir: str, run_id: str, configured: str | None = None) -> Path:
    return Path(configured) / run_id if configured else Path(output_dir) / "_staging" / run_id


def clear_stale(output_dir: str) -> None:
    """Remove what a killed run left in <output>/_staging (a crash skips the run's own cleanup).
    Called at run start, under the output's writer lock, so no other run is using it."""
    shutil.rmtree(Path(output_dir) / "_staging", ignore_errors=True)


def clear(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    parent = folder.parent
    if parent.name == "_staging" and parent.exists() and not any(parent.iterdir()):
        parent.rmdir()
