"""Validate and publish throughput: `python -m bench.bench_publish` (BENCH_SIZES=1000,10000).

Figures per corpus size: validate seconds and rows/s over all candidate tables,
first publish (every table written), rerun publish (content hashes unchanged:
no table written), a publish after 1% new documents, and vacuum --keep 1.

`python -m bench.bench_publish growing [--runs 10] [--batch 1000] [--baseline main]`:
publish run after run into a growing lake, each run's full state one batch of
new documents larger (the stages' tables for a generated batch, copied under new
keys; entity_catalog counts and 5% of the first batch's events change every run). Prints seconds and peak extra
memory and MB added to the lake per publish, and the run-N / run-1 ratios;
with --baseline REF the same
runs are published by that git revision's code too (same machine, same run),
each code in its own process.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import polars as pl

from bench.generate import generate


def timed(fn, *args, **kw):
    t = time.perf_counter()
    out = fn(*args, **kw)
    return out, round(time.perf_counter() - t, 3)


def bench(n: int) -> dict:
    from flows.local import run_stages
    from akhbar.lake import vacuum
    from tasks.publish import publish
    from tasks.validate import validate
    from tests.snapshot_tables import run_row

    with tempfile.TemporaryDirectory() as tmp:
        corpus = generate(n, Path(tmp) / "corpus")
        tables = run_stages(corpus, "bench")
        rows = sum(t.height for t in tables.values())
        (clean, quarantine, report), validate_s = timed(validate, tables, "bench", 1.0)
        clean["quarantine"] = quarantine
        out = Path(tmp) / "out"
        _, first_s = timed(publish, out, clean, run_row("b1"))
        _, rerun_s = timed(publish, out, clean, run_row("b2"))
        generate(max(n // 100, 1), corpus / "more", seed=99)
        more = run_stages(corpus, "bench3")
        more_clean, more_q, _ = validate(more, "bench3", 1.0)
        _, incremental_s = timed(publish, out, dict(more_clean, quarantine=more_q), run_row("b3"))
        _, vacuum_s = timed(vacuum, out, 1)
        return dict(documents=n, rows=rows, quarantined=report["quarantined"], validate_s=validate_s,
                    validate_rows_per_s=round(rows / validate_s), publish_first_s=first_s,
                    publish_rerun_s=rerun_s, publish_incremental_s=incremental_s, vacuum_s=vacuum_s)


# ----------------------------------------------------------------------------- growing lake

# Columns holding a row's identity (or a reference to one): suffixed per copy of the batch.
ID_COLUMNS = {"documents": ("doc_id", "duplicate_of", "cluster_id"), "segments": ("doc_id", "canonical_id"),
              "articles": ("article_id", "doc_ids"), "sentences": ("article_id",),
              "entities": ("mention_id", "article_id"), "events": ("event_id", "article_id", "cluster_id"),
              "quarantine": ("row_key",)}
# Texts of copy i have their Arabic letters rotated by i (same lengths, offsets still valid): real
# new documents differ, and Parquet's dictionaries and zstd would otherwise store a copy almost free.
TEXT_COLUMNS = {"documents": ("text",), "articles": ("text", "title"), "sentences": ("text",)}
LETTERS = [chr(c) for c in range(0x0621, 0x064B)]


def copy_batch(tables: dict[str, pl.DataFrame], i: int) -> dict[str, pl.DataFrame]:
    """The batch's tables under new keys (copy i; copy 0 is the batch itself)."""
    if i == 0:
        return tables
    out = {}
    for name, df in tables.items():
        cols = [c for c in ID_COLUMNS.get(name, ()) if c in df.columns]
        rotated = LETTERS[i % len(LETTERS):] + LETTERS[:i % len(LETTERS)]
        out[name] = df.with_columns(
            *(pl.col(c).list.eval(pl.element() + f"~{i}") if df.schema[c] == pl.List(pl.String)
              else pl.col(c) + f"~{i}" for c in cols),
            *(pl.col(c).str.replace_many(LETTERS, rotated) for c in TEXT_COLUMNS.get(name, ())))
    return out


def full_state(batch: dict[str, pl.DataFrame], k: int, run_id: str) -> dict[str, pl.DataFrame]:
    """Run k's full state: k copies of the batch, stamped with this run's id as the stages do."""
    copies = [copy_batch(batch, i) for i in range(k)]
    tables = {name: pl.concat([c[name] for c in copies]) for name in batch if name != "entity_catalog"}
    tables["entity_catalog"] = batch["entity_catalog"].with_columns(pl.col("mention_count") * k)
    # 5% of the first batch's events join clusters that grow every run: those rows change (updates)
    growing_ids = batch["events"]["event_id"].head(max(batch["events"].height // 20, 1))
    first = pl.col("event_id").is_in(growing_ids.implode())
    tables["events"] = tables["events"].with_columns(
        pl.when(first).then(pl.col("n_sources").fill_null(1) + k - 1).otherwise(pl.col("n_sources")).alias("n_sources"))
    for name, df in tables.items():
        col = "ingested_run_id" if name == "documents" else "run_id"
        tables[name] = df.with_columns(pl.lit(run_id).alias(col))
    return tables


class PeakRss:
    """Peak resident memory above the level at entry, sampled every 5 ms (MB)."""

    def __enter__(self):
        self.base = self.peak = self.rss()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.sample, daemon=True)
        self.thread.start()
        return self

    @staticmethod
    def rss() -> int:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def sample(self):
        while not self.stop.wait(0.005):
            self.peak = max(self.peak, self.rss())

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        self.peak = max(self.peak, self.rss())
        self.extra_mb = round((self.peak - self.base) / 2**20, 1)


def lake_bytes(root: str) -> int:
    return sum(f.stat().st_size for f in Path(root).rglob("*") if f.is_file())


def growing_worker(batch_dir: Path, runs: int) -> dict:
    """Publish runs 1..`runs` into a fresh lake with whatever code is importable; then one rerun."""
    from tasks.publish import publish
    from tests.snapshot_tables import run_row

    batch = {p.stem: pl.read_parquet(p) for p in sorted(batch_dir.glob("*.parquet"))}
    seconds, memory, written = [], [], []
    with tempfile.TemporaryDirectory() as warm:   # first use of delta-rs / polars paths, not timed
        publish(warm, {n: df.head(10) for n, df in batch.items()}, run_row("warm"))
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(1, runs + 2):   # the last one repeats run `runs`: nothing changed
            run_id = f"g{k}"
            tables = full_state(batch, min(k, runs), run_id)
            before = lake_bytes(tmp)
            with PeakRss() as mem:
                t = time.perf_counter()
                publish(tmp, tables, run_row(run_id))
                seconds.append(round(time.perf_counter() - t, 3))
            memory.append(mem.extra_mb)
            written.append(round((lake_bytes(tmp) - before) / 2**20, 2))
        lake_mb = round(lake_bytes(tmp) / 2**20, 1)
    return dict(seconds=seconds[:runs], rerun_s=seconds[-1], peak_extra_mb=memory[:runs],
                written_mb=written[:runs], lake_mb=lake_mb,
                max_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                ratio_last_first=round(seconds[runs - 1] / seconds[0], 2))


def checkout(ref: str, dest: Path) -> Path:
    """The code at git revision `ref`, exported (git archive) into dest."""
    root = Path(__file__).resolve().parent.parent
    dest.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(root), "archive", ref], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest


def growing(runs: int, batch_size: int, baseline: str | None, repeat: int = 1) -> None:
    from flows.local import run_stages
    from tasks.validate import validate

    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as tmp:
        corpus = generate(batch_size, Path(tmp) / "corpus")
        clean, quarantine, _ = validate(run_stages(corpus, "batch"), "batch", 1.0)
        batch_dir = Path(tmp) / "batch"
        batch_dir.mkdir()
        for name, df in dict(clean, quarantine=quarantine).items():
            df.write_parquet(batch_dir / f"{name}.parquet")
        codes = {"current": root}
        if baseline:
            codes[f"baseline {baseline}"] = checkout(baseline, Path(tmp) / "baseline")
        results: dict[str, dict] = {}
        for _ in range(repeat):   # codes alternate; each figure is the best over the repeats (shared machines)
            for label, code in codes.items():
                out = subprocess.run([sys.executable, str(Path(__file__).resolve()), "growing-worker",
                                      str(batch_dir), str(runs)], env=dict(os.environ, PYTHONPATH=str(code)),
                                     cwd=code, capture_output=True, text=True)
                if out.returncode:
                    raise RuntimeError(f"{label} failed:\n{out.stderr}")
                got = json.loads(out.stdout.splitlines()[-1])
                best = results.setdefault(label, got)
                for k, v in got.items():
                    best[k] = [min(a, b) for a, b in zip(best[k], v)] if isinstance(v, list) else min(best[k], v)
        for label, res in results.items():
            res["ratio_last_first"] = round(res["seconds"][-1] / res["seconds"][0], 2)
            print(json.dumps(dict(code=label, documents_per_run=batch_size, runs=runs, repeat=repeat, **res)),
                  flush=True)
        if baseline:
            cur, base = results["current"], results[f"baseline {baseline}"]
            print(json.dumps(dict(run_1_speedup=round(base["seconds"][0] / cur["seconds"][0], 2),
                                  run_n_speedup=round(base["seconds"][-1] / cur["seconds"][-1], 2),
                                  rerun_speedup=round(base["rerun_s"] / cur["rerun_s"], 2),
                                  written_run_n_ratio=round(base["written_mb"][-1] / max(cur["written_mb"][-1], 0.01),
                                                            1))), flush=True)


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["growing-worker"]:
        print(json.dumps(growing_worker(Path(args[1]), int(args[2]))), flush=True)
        return
    if args[:1] == ["growing"]:
        parser = argparse.ArgumentParser(prog="bench.bench_publish growing")
        parser.add_argument("--runs", type=int, default=10)
        parser.add_argument("--batch", type=int, default=1000, help="new documents per run")
        parser.add_argument("--baseline", help="git revision to compare with (e.g. main)")
        parser.add_argument("--repeat", type=int, default=1, help="repeat each code, keep the best figures")
        opts = parser.parse_args(args[1:])
        growing(opts.runs, opts.batch, opts.baseline, opts.repeat)
        return
    for n in (int(x) for x in os.environ.get("BENCH_SIZES", "1000,10000").split(",")):
        print(json.dumps(bench(n)), flush=True)


if __name__ == "__main__":  # pragma: no cover
    main()
