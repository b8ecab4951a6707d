"""Run the DAG in two halves to measure the later stages alone, at several sizes and on two codes.

    python -m bench.stage_checkpoint make CORPUS DIR STAGE   # ingest .. STAGE, bag pickled to DIR/bag.pkl
    python -m bench.stage_checkpoint from DIR STAGE [SAVE]   # the stages after STAGE, on a copy of DIR
                                                             # (SAVE: checkpoint after that stage too;
                                                             # CHECKPOINT_UNTIL=STAGE: stop after it)

`make` runs as bench_scale's pipeline child does (spill folder DIR/lake/_staging/bench_scale, the flow's
releases) and pickles the bag (DIR/bag.STAGE.pkl, the lake copied to DIR/lake.STAGE). `from` first
restores DIR/lake from DIR/lake.STAGE (the spilled files and
the lake as they were after STAGE: a later stage may remove or rewrite files), unpickles the bag and runs
the rest, printing per stage its own high-water mark (the kernel's, reset before it), the RSS held after
it, and the bag's datasets sized with `estimated_size` (a `Spilled` counts as its file names only). The
same checkpoint can be run by another code (`PYTHONPATH=ANOTHER_TREE`) as long as the bag's classes
pickle the same; RSS before the first stage is printed (`start`).
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import sys
from pathlib import Path

from bench.bench_scale import _self_rss, measured_stage, status_mb


def _sizes(bag: dict) -> dict:
    import polars as pl

    out = {}
    for k, v in bag.items():
        if isinstance(v, pl.DataFrame):
            out[k] = round(v.estimated_size() / 2**20, 1)
        elif isinstance(v, dict) and v and all(isinstance(x, pl.DataFrame) for x in v.values()):
            out[k] = round(sum(x.estimated_size() for x in v.values()) / 2**20, 1)
    return out


def _save(bag: dict, out: Path, stage: str) -> None:
    (out / f"bag.{stage}.pkl").write_bytes(pickle.dumps(bag))
    shutil.rmtree(out / f"lake.{stage}", ignore_errors=True)
    shutil.copytree(out / "lake", out / f"lake.{stage}")


def _run(stages, bag: dict, drop: dict, out: Path | None = None, save: str | None = None) -> dict:
    for stage in stages:
        bag, own, seconds = measured_stage(stage, bag, drop)
        print(json.dumps(dict(stage=stage.name, seconds=seconds, own_peak_mb=own,
                              held_mb=_self_rss(), anon_mb=round(status_mb("RssAnon"), 1),
                              load=round(os.getloadavg()[0], 1), sizes_mb=_sizes(bag))), flush=True)
        if stage.name == save:
            _save(bag, out, save)
    return bag


def make(corpus: Path, out: Path, until: str) -> None:
    from akhbar.config import PipelineConfig
    from flows.graph import releases
    from flows.pipeline import DAG
    from flows.runtime import FINISH_READS
    from flows.spill import SPILL_DIR
    from flows.steps import start_bag

    lake = out / "lake"
    bag = start_bag(corpus, "bench_scale", PipelineConfig.from_env(), output_dir=str(lake))
    bag[SPILL_DIR] = lake / "_staging" / "bench_scale"
    names = [s.name for s in DAG]
    _run(DAG[: names.index(until) + 1], bag, releases(DAG, FINISH_READS), out, until)


def resume(out: Path, after: str, save: str | None = None) -> None:
    from flows.graph import releases
    from flows.pipeline import DAG
    from flows.runtime import FINISH_READS

    shutil.rmtree(out / "lake", ignore_errors=True)
    shutil.copytree(out / f"lake.{after}", out / "lake")
    bag = pickle.loads((out / f"bag.{after}.pkl").read_bytes())
    names = [s.name for s in DAG]
    print(json.dumps(dict(stage="start", held_mb=_self_rss(), sizes_mb=_sizes(bag))), flush=True)
    until = os.environ.get("CHECKPOINT_UNTIL")          # stop after this stage
    end = names.index(until) + 1 if until else len(names)
    _run(DAG[names.index(after) + 1:end], bag, releases(DAG, FINISH_READS), out, save)


if __name__ == "__main__":  # pragma: no cover
    if sys.argv[1] == "make":
        make(Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4])
    else:
        resume(Path(sys.argv[2]), sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None)
