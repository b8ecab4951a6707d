"""Segment throughput in MB of block text per second, against a same-run baseline.

The baseline is a plain regex sentence split (`[.!?؟]\\s+`) plus a `\\w+` tokenisation over the
same text: the least work any segmenter must do. The ratio segment/baseline is the figure to
compare across machines; the absolute MB/s is for the target (>= 5 MB/s per core).

    python -m bench.bench_segment            # corpora of 1,000 and 10,000 documents
    BENCH_SIZES=2000 python -m bench.bench_segment
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from pathlib import Path

from bench.generate import generate

_BASE_SENT = re.compile(r"[.!?؟]\s+")
_BASE_WORD = re.compile(r"\w+")


def baseline(texts: list[str]) -> int:
    n = 0
    for t in texts:
        for s in _BASE_SENT.split(t):
            n += len(_BASE_WORD.findall(s))
    return n


def best_of(fn, *args, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn(*args)
        best = min(best, time.perf_counter() - t)
    return best


def bench(n: int, partition_size: int = 2000) -> dict:
    from tasks.dedupe import dedupe
    from tasks.ingest import ingest_folder
    from tasks.segment import lexicon, place_names, segment, word_ranks

    lexicon(), word_ranks(), place_names()          # one-off loads, not per-partition work
    with tempfile.TemporaryDirectory() as tmp:
        docs = ingest_folder(generate(n, Path(tmp) / "corpus"), "bench")
    _, _, blocks = dedupe(docs, "bench")
    parts = [blocks.slice(i, partition_size) for i in range(0, blocks.height, partition_size)]
    texts = blocks["text"].to_list()
    mb = sum(len(t.encode()) for t in texts) / 1e6

    def run_segment():
        return [segment(p, "bench") for p in parts]

    seg_s = best_of(run_segment)
    base_s = best_of(baseline, texts)
    out = run_segment()
    return dict(documents=n, blocks=blocks.height, mb=round(mb, 2),
                articles=sum(a.height for a, _ in out), sentences=sum(s.height for _, s in out),
                segment_s=round(seg_s, 3), segment_mb_per_s=round(mb / seg_s, 2),
                baseline_mb_per_s=round(mb / base_s, 2), segment_vs_baseline=round(base_s / seg_s, 3))


def main() -> None:
    sizes = [int(x) for x in os.environ.get("BENCH_SIZES", "1000,10000").split(",")]
    for n in sizes:
        print(json.dumps(bench(n), ensure_ascii=False))


if __name__ == "__main__":
    main()
