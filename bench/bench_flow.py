"""End-to-end throughput of the Prefect flow: default (thread) runner vs Dask, 2 workers.

`python -m bench.bench_flow` (or `make bench-flow`) generates BENCH_FLOW_DOCS
documents (default 10k) with bench/generate.py and runs the whole flow on them
once per task runner, caching off, each into its own output folder. The
figure is measured from flow start (the flow's own `elapsed_s`): Prefect's
start-up and the Dask workers' start-up and code loading (`runner_startup_s`,
reported apart) are excluded. Both runs must publish the same row counts.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from bench.generate import generate


def run_flow(corpus: Path, out: Path, runner: str, partitions: int) -> dict:
    from flows.pipeline import pipeline, task_runner

    flow = pipeline.with_options(task_runner=task_runner(runner, workers=2))
    load = os.getloadavg()[0]   # other work on the machine skews the ratio: say how busy it was
    s = flow(input_dir=str(corpus), output_dir=str(out), cache=False, config={"partitions": partitions})
    return dict(runner=runner, task_runner=s["task_runner"], documents=s["ingest"]["files"],
                articles=s["counts"]["articles"], elapsed_s=s["elapsed_s"], runner_startup_s=s["runner_startup_s"],
                articles_per_s=round(s["counts"]["articles"] / s["elapsed_s"], 1), timings=s["timings"],
                counts=s["counts"], load_avg_1m_before=round(load, 2), load_avg_1m_after=round(os.getloadavg()[0], 2))


def main() -> dict:
    from flows.settings import configure_environment

    configure_environment()
    from flows.settings import prefect_api

    n = int(os.environ.get("BENCH_FLOW_DOCS", "10000"))
    partitions = int(os.environ.get("BENCH_FLOW_PARTITIONS", "8"))
    with tempfile.TemporaryDirectory() as tmp, prefect_api():
        corpus = generate(n, Path(tmp) / "corpus")
        default = run_flow(corpus, Path(tmp) / "out-threads", "threads", partitions)
        dask = run_flow(corpus, Path(tmp) / "out-dask", "dask", partitions)
    if dask["counts"] != default["counts"]:
        raise SystemExit(f"runners disagree: threads {default['counts']} vs dask {dask['counts']}")
    result = dict(documents=n, partitions=partitions, default=default, dask=dask,
                  dask_vs_default=round(dask["articles_per_s"] / default["articles_per_s"], 3))
    out = Path("bench/out")
    out.mkdir(parents=True, exist_ok=True)
    (out / "flow.json").write_text(json.dumps(result, indent=2))
    for r in (default, dask):
        print(f"flow end-to-end, {r['runner']:<7} ({r['task_runner']}): {r['articles']} articles from {n} documents "
              f"in {r['elapsed_s']:.1f} s from flow start = {r['articles_per_s']} articles/s "
              f"(runner start-up {r['runner_startup_s']:.1f} s excluded; load average {r['load_avg_1m_before']} -> "
              f"{r['load_avg_1m_after']} on {os.cpu_count()} cores); stages {json.dumps(r['timings'])}")
    print(f"dask (2 workers) / default: {result['dask_vs_default']}x")
    return result


if __name__ == "__main__":  # pragma: no cover - the guard also keeps Dask's spawned workers from rerunning it
    main()
    sys.exit(0)
