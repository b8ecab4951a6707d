"""End-to-end throughput of the Prefect flow: one process vs worker processes (vs Dask).

`python -m bench.bench_flow` (or `make bench-flow`) generates BENCH_FLOW_DOCS documents
(default 10k) with bench/generate.py and runs the whole flow on them once per setting,
caching off, each into its own output folder:
  - in-process: the thread runner with workers=1 (every stage in the flow's process: the
    same-run baseline),
  - workers:    the thread runner with the default worker pool (one process per core,
    flows/workers.py) -- what `akhbar run` does,
  - dask:       a local Dask cluster of 2 workers (only when BENCH_FLOW_DASK=1).
The figure is measured from flow start (the flow's own `elapsed_s`): Prefect's start-up and
the Dask workers' start-up (`runner_startup_s`, reported apart) are excluded; the worker
pool's start is included (it overlaps ingest and dedupe). Every run must publish the same
row counts. Target: >= 300 articles/s on 10k documents on a 2-core machine.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from bench.generate import generate


def run_flow(corpus: Path, out: Path, name: str, runner: str, partitions: int, workers: int) -> dict:
    from flows.pipeline import pipeline
    from flows.runtime import task_runner

    flow = pipeline.with_options(task_runner=task_runner(runner, workers=2))
    load = os.getloadavg()[0]   # other work on the machine skews the ratio: say how busy it was
    s = flow(input_dir=str(corpus), output_dir=str(out), cache=False,
             config={"partitions": partitions, "workers": workers})
    return dict(name=name, task_runner=s["task_runner"], worker_processes=s["worker_processes"],
                documents=s["ingest"]["files"], articles=s["counts"]["articles"], elapsed_s=s["elapsed_s"],
                runner_startup_s=s["runner_startup_s"], articles_per_s=round(s["counts"]["articles"] / s["elapsed_s"], 1),
                timings=s["timings"], counts=s["counts"], load_avg_1m_before=round(load, 2),
                load_avg_1m_after=round(os.getloadavg()[0], 2))


TARGET = 300


def main() -> dict:
    from flows.settings import configure_environment

    configure_environment()
    from flows.settings import prefect_api

    n = int(os.environ.get("BENCH_FLOW_DOCS", "10000"))
    partitions = int(os.environ.get("BENCH_FLOW_PARTITIONS", "8"))
    settings = [("in-process", "threads", 1), ("workers", "threads", 0)]
    if os.environ.get("BENCH_FLOW_DASK") == "1":
        settings.append(("dask", "dask", 1))
    with tempfile.TemporaryDirectory() as tmp, prefect_api():
        corpus = generate(n, Path(tmp) / "corpus")
        runs = [run_flow(corpus, Path(tmp) / f"out-{name}", name, runner, partitions, workers)
                for name, runner, workers in settings]
    base = runs[0]
    for r in runs[1:]:
        if r["counts"] != base["counts"]:
            raise SystemExit(f"settings disagree: {base['name']} {base['counts']} vs {r['name']} {r['counts']}")
        r["speedup_vs_in_process"] = round(r["articles_per_s"] / base["articles_per_s"], 3)
    result = dict(documents=n, partitions=partitions, cores=os.cpu_count(), target_articles_per_s=TARGET, runs=runs)
    out = Path("bench/out")
    out.mkdir(parents=True, exist_ok=True)
    (out / "flow.json").write_text(json.dumps(result, indent=2))
    for r in runs:
        print(f"flow end-to-end, {r['name']:<10} ({r['task_runner']}, {r['worker_processes'] or 'no'} worker processes): "
              f"{r['articles']} articles from {n} documents in {r['elapsed_s']:.1f} s from flow start = "
              f"{r['articles_per_s']} articles/s (target >= {TARGET}; x{r.get('speedup_vs_in_process', 1.0)} vs "
              f"in-process; runner start-up {r['runner_startup_s']:.1f} s excluded; load average "
              f"{r['load_avg_1m_before']} -> {r['load_avg_1m_after']} on {os.cpu_count()} cores); "
              f"stages {json.dumps(r['timings'])}")
    return result


if __name__ == "__main__":  # pragma: no cover - the guard also keeps spawned workers from rerunning it
    main()
    sys.exit(0)
