"""`make bench-scale`: peak memory and throughput of a whole run at 10k and 50k realistic documents.

For each size N (BENCH_SCALE_SIZES, default 10000,50000; `make bench-scale-slow` adds 100000) a
corpus is written with bench/realistic.py (real newswire sentences, real-news lengths, quotes,
URLs, tables, dates, mixed scripts, long tokens; JSON files of 500 records) and two child
processes run on it, one after the other:

  - baseline: read every file, parse it, normalise every article's text for hashing
    (akhbar.text.normalise), one file at a time -- the cheapest pass that touches the corpus;
  - pipeline: the whole DAG through publish into a fresh lake, in one process (the local
    executor, flows/graph.py, that `akhbar eval` and the tests use; BENCH_SCALE_BATCH sets
    the run's batch size, see docs/scale.md; BENCH_SCALE_PARTITION_ROWS its blocks per partition
    (PipelineConfig.partition_rows: the partition count doubles until a partition holds no more);
    BENCH_SCALE_UNTIL=STAGE stops after that stage,
    e.g. `vocabulary` to measure ingest and dedupe alone; BENCH_SCALE_WORKERS=N gives ingest and
    dedupe N worker processes, flows/workers.py; partition outputs are spilled to files under the
    lake's _staging folder as in a published run, BENCH_SCALE_SPILL=0 holds them in memory).

BENCH_SCALE_KEEP=DIR keeps the corpora and lakes in DIR (for `bench.compare_outputs --lakes`).

Each child's peak RSS is that of its whole process tree (sampled from /proc every 50 ms by
this process); the pipeline child also records each stage's own high-water mark (the kernel's,
reset before the stage: `peak_rss_in_stage_mb`), which names the stage that sets the peak. Its
time is from the start of the work (imports excluded). Printed per size: articles/s, peak RSS, and the ratios to the
same-run baseline and to the first size; the JSON goes to bench/out/scale.json.
Targets (issue 16): peak RSS at 50k within 1.3x of 10k; throughput reported on this corpus.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _children(pid: int) -> list[int]:
    out = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                stat = (p / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(p.name))
    return out


def status_mb(field: str, pid: int | str = "self") -> float:
    """A memory line of /proc/<pid>/status (VmRSS, VmHWM, ...) in MB; 0.0 when absent. Raises
    OSError when the process is gone."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def tree_pids(pid: int) -> list[int]:
    """A process and all its descendants (those alive now)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += _children(p)
    return out


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, MB."""
    total = 0.0
    for p in tree_pids(pid):
        try:
            total += status_mb("VmRSS", p)
        except OSError:
            continue
    return total


def measured(args: list[str]) -> dict:
    """Run `python -m bench.bench_scale CHILD ...`; its JSON result plus the tree's peak RSS."""
    proc = subprocess.Popen([sys.executable, "-m", "bench.bench_scale", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True)
    peak = [0.0]

    def sample():
        while proc.poll() is None:
            peak[0] = max(peak[0], tree_rss_mb(proc.pid))
            time.sleep(0.05)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    out, _ = proc.communicate()
    t.join()
    if proc.returncode:
        raise SystemExit(f"child {args} failed with exit code {proc.returncode}")
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_rss_tree_mb"] = round(peak[0], 1)
    return result


# --- the two children ---------------------------------------------------------------------------

def child_baseline(corpus: Path) -> dict:
    from akhbar.text.normalise import normalize_for_hash

    t, n, chars = time.perf_counter(), 0, 0
    for p in sorted(corpus.iterdir()):
        data = p.read_text(encoding="utf-8")
        texts = [r["text"] for r in json.loads(data)] if p.suffix == ".json" else [data]
        for text in texts:
            chars += len(normalize_for_hash(text))
            n += 1
    return dict(articles=n, chars=chars, elapsed_s=round(time.perf_counter() - t, 3), peak_rss_self_mb=_self_peak())


def child_pipeline(corpus: Path, output: Path) -> dict:
    from akhbar.config import PipelineConfig
    from flows import workers
    from flows.graph import releases
    from flows.partitions import N_PARTITIONS
    from flows.pipeline import DAG
    from flows.runtime import FINISH_READS
    from flows.spill import SPILL_DIR
    from flows.staging import clear
    from flows.steps import start_bag

    batch, per_part = os.environ.get("BENCH_SCALE_BATCH"), os.environ.get("BENCH_SCALE_PARTITION_ROWS")
    cfg = PipelineConfig.from_env(**({"batch_rows": int(batch)} if batch else {}),
                                  **({"partition_rows": int(per_part)} if per_part else {}))
    bag = start_bag(corpus, "bench_scale", cfg, output_dir=str(output))
    until = os.environ.get("BENCH_SCALE_UNTIL")     # stop after this stage (e.g. dedupe: ingest + dedupe only)
    n_workers = workers.configure(int(os.environ.get("BENCH_SCALE_WORKERS", "1")))
    if os.environ.get("BENCH_SCALE_SPILL", "1") == "1":    # partition outputs to files, as run_and_publish does
        bag[SPILL_DIR] = output / "_staging" / "bench_scale"
    t0, timings, rss, peaks, kinds = time.perf_counter(), {}, {}, {}, {}
    drop = releases(DAG, FINISH_READS) if os.environ.get("BENCH_SCALE_KEEP_ALL") != "1" else {}
    own = {}
    for stage in DAG:
        bag, own[stage.name], timings[stage.name] = measured_stage(stage, bag, drop)
        rss[stage.name] = _self_rss()
        # what the held RSS is: anonymous memory, or file pages mapped in (memory-mapped files, models)
        kinds[stage.name] = {k: round(status_mb(k), 1) for k in ("RssAnon", "RssFile")}
        peaks[stage.name] = max([own[stage.name], *peaks.values()])   # the high-water mark so far
        print(json.dumps(dict(stage=stage.name, seconds=timings[stage.name], own_peak_mb=own[stage.name],
                              held_mb=rss[stage.name], **kinds[stage.name])), file=sys.stderr, flush=True)
        if stage.name == until:
            break
    workers.configure(1)
    tables = bag.get("tables") or {k: bag[k] for k in ("documents", "blocks") if k in bag}
    counts = {k: v.height for k, v in tables.items()}
    clear(output / "_staging" / "bench_scale")
    return dict(articles=counts.get("articles", counts.get("blocks", 0)), documents=counts.get("documents", 0),
                counts=counts, timings=timings, workers=n_workers, partitions=bag.get(N_PARTITIONS, cfg.partitions),
                rss_after_stage_mb=rss, rss_kinds_after_stage_mb=kinds, peak_rss_after_stage_mb=peaks,
                peak_rss_in_stage_mb=own,
                elapsed_s=round(time.perf_counter() - t0, 3), peak_rss_self_mb=max(peaks.values()))


def measured_stage(stage, bag: dict, drop: dict) -> tuple[dict, float, float]:
    """One stage run as the flow runs it, then what the flow releases after it (flows/pipeline.py):
    (the bag, the stage's own high-water mark in MB (reset before it), its seconds with the release)."""
    from flows.graph import release, run_local

    t = time.perf_counter()
    _reset_peak()
    bag = run_local((stage,), bag)
    own = _hwm()
    release(bag, drop.get(stage.name, ()))
    return bag, own, round(time.perf_counter() - t, 2)


def _self_rss() -> float:
    return round(status_mb("VmRSS"), 1)


def _reset_peak() -> None:
    """Reset the kernel's RSS high-water mark of this process (Linux: clear_refs 5), so `_hwm`
    after a stage is that stage's own peak; a no-op where it is refused. It resets getrusage's
    ru_maxrss too: the run's peak is the maximum of the stages' own peaks."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _hwm() -> float:
    return round(status_mb("VmHWM"), 1)


def _self_peak() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


# --- the benchmark ------------------------------------------------------------------------------

def bench_size(n: int, tmp: Path) -> dict:
    from bench.realistic import describe, generate_realistic

    corpus = generate_realistic(n, tmp / f"corpus_{n}")
    shape = describe(corpus)
    base = measured(["baseline", str(corpus)])
    run = measured(["pipeline", str(corpus), str(tmp / f"lake_{n}")])
    res = dict(documents=n, corpus=shape, baseline=base, pipeline=run,
               articles_per_s=round(run["articles"] / run["elapsed_s"], 1),
               baseline_articles_per_s=round(base["articles"] / base["elapsed_s"], 1),
               load_avg_1m=round(os.getloadavg()[0], 2))
    res["throughput_vs_baseline"] = round(res["articles_per_s"] / res["baseline_articles_per_s"], 4)
    res["rss_vs_baseline"] = round(run["peak_rss_tree_mb"] / base["peak_rss_tree_mb"], 2)
    return res


def main() -> list[dict]:
    sizes = [int(x) for x in os.environ.get("BENCH_SCALE_SIZES", "10000,50000").split(",")]
    results = []
    keep = os.environ.get("BENCH_SCALE_KEEP")   # a folder: corpora and lakes are kept there (digest checks)
    with tempfile.TemporaryDirectory(prefix="akhbar-scale-") as tmp:
        tmp = keep or tmp
        Path(tmp).mkdir(parents=True, exist_ok=True)
        for n in sizes:
            results.append(bench_size(n, Path(tmp)))
            r, first = results[-1], results[0]
            r["rss_vs_first_size"] = round(r["pipeline"]["peak_rss_tree_mb"] / first["pipeline"]["peak_rss_tree_mb"], 3)
            r["throughput_vs_first_size"] = round(r["articles_per_s"] / first["articles_per_s"], 3)
            print(f"{n} documents ({r['corpus']['chars'] / 1e6:.1f} M chars, {r['pipeline']['articles']} articles): "
                  f"{r['articles_per_s']} articles/s in {r['pipeline']['elapsed_s']} s, peak RSS "
                  f"{r['pipeline']['peak_rss_tree_mb']} MB | baseline read+normalise {r['baseline_articles_per_s']} "
                  f"articles/s, {r['baseline']['peak_rss_tree_mb']} MB | x{r['throughput_vs_baseline']} throughput, "
                  f"x{r['rss_vs_baseline']} RSS vs baseline | vs {first['documents']}: RSS x{r['rss_vs_first_size']}, "
                  f"throughput x{r['throughput_vs_first_size']} | load {r['load_avg_1m']} | stages "
                  f"{json.dumps(r['pipeline']['timings'])}", flush=True)
            out = ROOT / "bench" / "out"      # after each size: a long run's first sizes are kept if it is stopped
            out.mkdir(parents=True, exist_ok=True)
            (out / "scale.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return results


if __name__ == "__main__":  # pragma: no cover
    if len(sys.argv) > 1 and sys.argv[1] == "baseline":
        print(json.dumps(child_baseline(Path(sys.argv[2]))))
    elif len(sys.argv) > 1 and sys.argv[1] == "pipeline":
        print(json.dumps(child_pipeline(Path(sys.argv[2]), Path(sys.argv[3]))))
    else:
        main()
