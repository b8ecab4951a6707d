"""Throughput of the events stage (tasks.events.extract_events), sentences per second on one core.

Corpora come from bench/generate.py; ingest, dedupe, segment and entities run first and
are not timed. A same-run baseline (tokenising and normalising every sentence, the least
any extractor must do) normalises for the machine's speed; the ratio is the figure to
compare across machines. Target: >= 5,000 sentences/s per core. Two passes are timed: the
first with caches filling (a one-shot run), the second warm (a long-lived worker). The first
pass is also reported per CPU second (`sentences_per_cpu_s`, process time): on a shared VM the
wall clock includes time the host gave the core to others; `meets_target` stays on the wall
clock.
"""

from __future__ import annotations

import json
import os
import sys
import time

TARGET = 5_000


def baseline_rate(texts: dict[str, str], spans: list[tuple[str, int, int]]) -> float:
    """Sentences/s for tokenize + normalize of every token (no extraction)."""
    from akhbar.text.normalise import normalize
    from akhbar.text.tokens import tokenize

    t = time.perf_counter()
    for aid, a, b in spans:
        text = texts[aid]
        for x, y in tokenize(text, a, b):
            normalize(text[x:y])
    return len(spans) / (time.perf_counter() - t)


def bench(n_docs: int) -> dict:
    from bench.generate import segmented_corpus
    from tasks.entities import extract_entities
    from tasks.events import extract_events

    arts, sens = segmented_corpus(n_docs)
    ents = extract_entities(arts, sens, "bench")
    head = arts.head(20)                                         # warm the lexicon caches
    extract_events(head, sens.join(head.select("article_id"), on="article_id", how="semi"), ents, "bench")
    t, cpu = time.perf_counter(), time.process_time()
    evs = extract_events(arts, sens, ents, "bench")
    elapsed = time.perf_counter() - t             # first pass: token caches fill as they go
    cpu_s = time.process_time() - cpu             # CPU seconds: what "per core" means on a shared VM
    t = time.perf_counter()
    extract_events(arts, sens, ents, "bench")
    warm = time.perf_counter() - t                # second pass: a long-lived worker's steady state
    texts = dict(arts.select("article_id", "text").iter_rows())
    base = baseline_rate(texts, list(sens.select("article_id", "start", "end").iter_rows()))
    rate, warm_rate = sens.height / elapsed, sens.height / warm
    return {"documents": n_docs, "articles": arts.height, "sentences": sens.height, "events": evs.height,
            "events_s": round(elapsed, 3), "sentences_per_s": round(rate),
            "warm_sentences_per_s": round(warm_rate),
            "baseline_tokenize_normalize_sentences_per_s": round(base), "ratio_to_baseline": round(rate / base, 3),
            "warm_ratio_to_baseline": round(warm_rate / base, 3),
            "cpu_s": round(cpu_s, 3), "sentences_per_cpu_s": round(sens.height / cpu_s),
            "target_sentences_per_s": TARGET, "meets_target": rate >= TARGET, "warm_meets_target": warm_rate >= TARGET,
            "cpu_meets_target": sens.height / cpu_s >= TARGET}


def main() -> None:
    """Print one JSON line per corpus size (BENCH_EVENTS_SIZES, default BENCH_SIZES or 1000,10000)."""
    sizes = os.environ.get("BENCH_EVENTS_SIZES", os.environ.get("BENCH_SIZES", "1000,10000"))
    for n in sizes.split(","):
        print(json.dumps(bench(int(n)), ensure_ascii=False), flush=True)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
