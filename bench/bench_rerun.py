"""Peak memory of an incremental rerun's first stages (ingest, dedupe, mark-new) into a lake that
already holds the corpus (issue 16: a rerun must not load the earlier documents' text twice).

    python -m bench.bench_rerun N DIR          # corpus of N realistic documents under DIR

Three child processes, one after the other, on the same corpus (bench/realistic.py):

  - seed: ingest, dedupe and mark-new, then publish `documents` and `dedupe_index` as one snapshot
    (the state an earlier full run leaves for these stages; the other tables are not read by them);
  - fresh: the same three stages with no lake (what a first run holds);
  - rerun: the same three stages against the seeded lake (every file known).

Each stage's own high-water mark (the kernel's, reset before it, as bench-scale) and the RSS held
after it are printed as JSON, with the stage `start` (start_bag: what the lake is read for).
Run with PYTHONPATH on another checkout to compare code versions on the same corpus.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench.bench_scale import _hwm, _reset_peak, _self_rss, measured_stage

STAGES = ("ingest", "dedupe", "mark-new")


def child(kind: str, corpus: Path, lake: Path) -> dict:
    from akhbar.config import PipelineConfig
    from flows.graph import releases
    from flows.pipeline import DAG
    from flows.runtime import FINISH_READS
    from flows.steps import publish, start_bag

    cfg = PipelineConfig.from_env()
    own, held = {}, {}
    _reset_peak()
    bag = start_bag(corpus, kind, cfg, output_dir=None if kind == "fresh" else str(lake))
    own["start"], held["start"] = _hwm(), _self_rss()
    drop = releases(DAG, FINISH_READS)
    for stage in DAG[:len(STAGES)]:
        bag, own[stage.name], _ = measured_stage(stage, bag, drop)
        held[stage.name] = _self_rss()
    if kind == "seed":
        publish({"documents": bag["documents"]}, {}, bag["documents"], bag["run_meta"], cfg,
                dedupe_index=bag["dedupe_index"])
    docs = bag["documents"]
    return dict(kind=kind, documents=docs.height, new=int(docs.get_column("is_new").sum()),
                own_peak_mb=own, held_mb=held, peak_mb=max(own.values()))


def main(n: int, folder: Path) -> list[dict]:
    from bench.realistic import generate_realistic

    corpus = folder / f"corpus_{n}"
    if not corpus.exists():
        generate_realistic(n, corpus)
    lake, out = folder / f"lake_{n}", []
    for kind in ("seed", "fresh", "rerun"):
        if kind == "seed" and (lake / "lake").exists():
            continue
        proc = subprocess.run([sys.executable, "-m", "bench.bench_rerun", "--child", kind, str(corpus), str(lake)],
                              capture_output=True, text=True, env=os.environ, check=True)
        out.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        print(json.dumps(out[-1]), flush=True)
    return out


if __name__ == "__main__":  # pragma: no cover
    if sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))))
    else:
        main(int(sys.argv[1]), Path(sys.argv[2]))
