"""Dedupe benchmark: akhbar's numpy MinHash LSH against datasketch's MinHashLSH, same corpus, same run.

For each size (BENCH_DEDUPE_SIZES, default 10000,100000) a corpus is generated from the seeds
(bench/generate.py: exact duplicates, near-duplicates, the shared Blinken segment, boilerplate)
and three measurements are made, each in a fresh process so that peak memory is its own:

  - `akhbar_dedupe`: the whole stage, `tasks.dedupe.dedupe` (exact + near duplicates, line
    rules, shared segments, blocks), from the documents frame ingest would produce;
  - `akhbar_near_dup`: the near-duplicate engine alone (shingles, signatures, LSH buckets,
    true-Jaccard verification, union-find) on the normalised lines;
  - `datasketch`: the same job done the usual way with datasketch: word 3-shingles of the same
    normalised lines, MinHash (same num_perm), MinHashLSH at the same threshold, union-find over
    query results (no verification: that is how it is normally used).

Accuracy is pairwise precision / recall / F1 of "same story" against the generator's ground
truth (a duplicate or near-duplicate belongs with the original it was made from). Exact
duplicates are grouped by normalised hash for every method, so the comparison is on the
near-duplicate part. Speed is documents per second; memory is the child process's peak RSS,
with the RSS after building the corpus (`base_rss_mb`) reported for comparison.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import resource
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def documents_frame(n: int):
    """The generated corpus as ingest would hand it over, and the ground truth roots."""
    import polars as pl

    from akhbar.text.normalise import normalize_for_hash
    from akhbar.ids import sha256_bytes, stable_id
    from bench.generate import corpus
    from tasks.ingest import base_row, documents_schema

    rows, roots = [], []
    for name, text, truth in corpus(n):
        row = base_row(name, "bench")
        row.update(status="ok", text=text, content_sha256=sha256_bytes(text.encode()),
                   norm_sha256=sha256_bytes(normalize_for_hash(text).encode()), doc_id=stable_id("doc", name, 0))
        rows.append(row)
        roots.append(truth["root"])
    return pl.DataFrame(rows, schema=documents_schema()), roots


def pair_counts(labels) -> int:
    return sum(c * (c - 1) // 2 for c in Counter(labels).values())


def pairwise_scores(truth: list, pred: list) -> dict:
    """Pairwise precision/recall/F1 of clusterings given as one label per document."""
    both = pair_counts(zip(truth, pred))
    t, p = pair_counts(truth), pair_counts(pred)
    prec = both / p if p else 1.0
    rec = both / t if t else 1.0
    return dict(precision=round(prec, 4), recall=round(rec, 4),
                f1=round(2 * prec * rec / (prec + rec), 4) if prec + rec else 0.0)


def exact_groups(docs) -> tuple[list[int], list[int]]:
    """(representative index per document, indexes of the representatives) by normalised hash."""
    first: dict[str, int] = {}
    rep = [first.setdefault(h, i) for i, h in enumerate(docs["norm_sha256"].to_list())]
    return rep, sorted(set(rep))


def run_akhbar_dedupe(n: int) -> dict:
    import polars as pl

    from tasks.dedupe import dedupe
    docs, roots = documents_frame(n)
    base = rss_mb()
    t = time.perf_counter()
    out, segments, blocks = dedupe(docs, "bench")
    secs = time.perf_counter() - t
    canon = dict(zip(out["doc_id"], out["duplicate_of"]))
    label = []
    for d in docs["doc_id"]:
        while canon.get(d):
            d = canon[d]
        label.append(d)
    counts = dict(out.group_by("status").len().iter_rows())
    return dict(seconds=secs, base_rss_mb=base, peak_rss_mb=rss_mb(), **pairwise_scores(roots, label),
                statuses=counts, blocks=blocks.height, segments=segments.height,
                shared_blocks=blocks.filter(pl.col("block_id").str.starts_with("shared")).height)


def normalised_lines(docs, rep_idx: list[int]):
    """The line table of the documents left after exact duplicates (both engines' input)."""
    import polars as pl

    from tasks.dedupe import line_table
    sub = docs[rep_idx].with_row_index("doc_idx").with_columns(pl.col("doc_idx").cast(pl.Int64))
    return line_table(sub).filter(~pl.col("blank"))


def run_akhbar_near_dup(n: int) -> dict:
    from akhbar.config import PipelineConfig
    from tasks.dedupe import near_duplicate_clusters
    docs, roots = documents_frame(n)
    rep, reps = exact_groups(docs)
    lines = normalised_lines(docs, reps)
    base = rss_mb()
    t = time.perf_counter()
    found = near_duplicate_clusters(lines, len(reps), PipelineConfig())
    secs = time.perf_counter() - t
    canon = {reps[i]: reps[c] for i, c, _ in found}
    label = [canon.get(r, r) for r in rep]
    return dict(seconds=secs, base_rss_mb=base, peak_rss_mb=rss_mb(), **pairwise_scores(roots, label))


def run_datasketch(n: int) -> dict:
    from datasketch import MinHash, MinHashLSH

    from akhbar.config import PipelineConfig
    from akhbar.unionfind import UnionFind
    cfg = PipelineConfig()
    docs, roots = documents_frame(n)
    rep, reps = exact_groups(docs)
    lines = normalised_lines(docs, reps)
    per_doc = lines.group_by("doc_idx", maintain_order=True).agg("key")
    base = rss_mb()
    t = time.perf_counter()
    lsh = MinHashLSH(threshold=cfg.near_dup_threshold, num_perm=cfg.num_perm)
    sets = UnionFind()   # the same disjoint sets as akhbar's near-duplicate clustering
    find = sets.find

    k = cfg.shingle_size
    for d, keys in per_doc.iter_rows():
        sh = set()
        for line in keys:
            w = line.split()
            sh.update(" ".join(w[i:i + k]) for i in range(max(1, len(w) - k + 1)))
        m = MinHash(num_perm=cfg.num_perm)
        m.update_batch([s.encode("utf-8") for s in sh])
        for other in lsh.query(m):
            sets.union(d, other)
        lsh.insert(d, m)
    secs = time.perf_counter() - t
    canon = {reps[i]: reps[find(i)] for i in range(len(reps))}
    label = [canon[r] for r in rep]
    return dict(seconds=secs, base_rss_mb=base, peak_rss_mb=rss_mb(), **pairwise_scores(roots, label))


RUNNERS = {"akhbar_dedupe": run_akhbar_dedupe, "akhbar_near_dup": run_akhbar_near_dup,
           "datasketch": run_datasketch}


def _child(name: str, n: int, queue) -> None:
    queue.put(RUNNERS[name](n))


def measure(name: str, n: int) -> dict:
    """Run one measurement in a fresh process (its own peak RSS)."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(name, n, queue))
    proc.start()
    res = queue.get()
    proc.join()
    res = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in res.items()}
    return dict(method=name, documents=n, docs_per_s=round(n / res["seconds"], 1), **res)


def main() -> list[dict]:
    sizes = [int(x) for x in os.environ.get("BENCH_DEDUPE_SIZES", "10000,100000").split(",")]
    results = []
    for n in sizes:
        rows = {name: measure(name, n) for name in RUNNERS}
        for r in rows.values():
            print(json.dumps(r, ensure_ascii=False), flush=True)
        ours, base = rows["akhbar_near_dup"], rows["datasketch"]
        print(f"{n} docs: near-duplicate engine {ours['docs_per_s']:.0f} docs/s vs datasketch "
              f"{base['docs_per_s']:.0f} docs/s = {ours['docs_per_s'] / base['docs_per_s']:.1f}x (target >= 3x); "
              f"F1 {ours['f1']} vs {base['f1']}; whole stage {rows['akhbar_dedupe']['docs_per_s']:.0f} docs/s, "
              f"peak RSS {rows['akhbar_dedupe']['peak_rss_mb']:.0f} MB", flush=True)
        results += rows.values()
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "dedupe.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return results


if __name__ == "__main__":  # pragma: no cover
    main()
