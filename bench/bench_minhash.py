"""MinHash signatures: rensa's batch RMinHash (what tasks/dedupe.py uses) against the numpy
multiply-shift loop it replaced, on the same shingles of the dedupe benchmark corpus.

    python -m bench.bench_minhash            # BENCH_MINHASH_DOCS=10000

Both engines get the same input (word 3-shingle hashes of the normalised lines, grouped by
document, as `near_duplicate_clusters` builds them); each is timed 5 times, interleaved, and the
minimum and median are reported. Accuracy at equal settings is measured by the dedupe benchmark
(`python -m bench.bench_dedupe`: pairwise F1 of near-duplicate clusters against the generator's
ground truth), since LSH candidates are verified by true Jaccard either way.
"""

from __future__ import annotations

import os
import statistics
import time

import numpy as np

from bench.bench_dedupe import documents_frame, exact_groups, normalised_lines
from bench.results import save


def minhash_numpy(sh: np.ndarray, doc: np.ndarray, n_docs: int, num_perm: int) -> np.ndarray:
    """The replaced engine: one multiply-shift hash per permutation, min per document."""
    rng = np.random.default_rng(1)
    a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    sig = np.full((n_docs, num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
    docs, starts = np.unique(doc, return_index=True)
    for i in range(num_perm):
        v = ((sh * a[i] + b[i]) >> np.uint64(32)).astype(np.uint32)
        sig[docs, i] = np.minimum.reduceat(v, starts)
    return sig


def run(n: int, repeats: int = 5) -> dict:
    from akhbar.config import PipelineConfig
    from tasks.dedupe import minhash, shingles

    cfg = PipelineConfig()
    docs, _ = documents_frame(n)
    _, reps = exact_groups(docs)
    sh, doc, _ = shingles(normalised_lines(docs, reps), cfg.shingle_size)
    times: dict[str, list[float]] = {"numpy": [], "rensa": []}
    for _ in range(repeats):
        for name, fn in (("numpy", minhash_numpy), ("rensa", minhash)):
            t = time.perf_counter()
            fn(sh, doc, len(reps), cfg.num_perm)
            times[name].append(time.perf_counter() - t)
    res = dict(documents=n, signed_documents=len(reps), shingles=len(sh), num_perm=cfg.num_perm)
    for name, ts in times.items():
        res[f"{name}_min_s"], res[f"{name}_median_s"] = round(min(ts), 4), round(statistics.median(ts), 4)
    res["speedup"] = round(res["numpy_min_s"] / res["rensa_min_s"], 2)
    return res


def main() -> None:
    res = run(int(os.environ.get("BENCH_MINHASH_DOCS", "10000")))
    save("minhash", res)
    print(f"minhash signatures of {res['signed_documents']:,} documents ({res['shingles']:,} shingles): rensa "
          f"{res['rensa_min_s']} s vs numpy {res['numpy_min_s']} s = {res['speedup']}x")


if __name__ == "__main__":  # pragma: no cover
    main()
