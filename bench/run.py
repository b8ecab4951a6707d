"""`make bench`: stage and end-to-end throughput on generated corpora.

Figures are reported as absolute rates and as ratios against a baseline
measured in the same run (these machines are noisy). Prefect start-up is
excluded from the end-to-end figure: the stages are timed as pure functions,
exactly as the flow's tasks call them.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from bench.generate import generate


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn, *args):
    t = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t


def baseline_split_rate(texts: list[str]) -> float:
    """Baseline: str.split over the same text, MB/s (to normalise the machine's speed)."""
    data = "\n".join(texts)
    t = time.perf_counter()
    for _ in range(5):
        data.split()
    return 5 * len(data.encode()) / 1e6 / (time.perf_counter() - t)


def bench_stages(n: int) -> dict:
    from tasks.dedupe import dedupe
    from tasks.entities import build_catalog, extract_entities
    from tasks.events import extract_events
    from tasks.ingest import ingest_folder
    from tasks.segment import segment
    from tasks.validate import validate

    with tempfile.TemporaryDirectory() as tmp:
        corpus = generate(n, Path(tmp) / "corpus")
        res: dict = {"documents": n}
        docs, res["ingest_s"] = timed(ingest_folder, corpus, "bench")
        (docs, segs, blocks), res["dedupe_s"] = timed(dedupe, docs, "bench")
        (arts, sens), res["segment_s"] = timed(segment, blocks, "bench")
        ents, res["entities_s"] = timed(extract_entities, arts, sens, "bench")
        evs, res["events_s"] = timed(extract_events, arts, sens, ents, "bench")
        cat = build_catalog(ents, "bench")
        tables = dict(documents=docs, segments=segs, articles=arts, sentences=sens, entities=ents,
                      entity_catalog=cat, events=evs)
        _, res["validate_s"] = timed(validate, tables, "bench", 1.0)
        total = sum(v for k, v in res.items() if k.endswith("_s"))
        mb = sum(len(t.encode()) for t in arts["text"]) / 1e6
        n_tokens = sum(len(t.split()) for t in arts["text"])
        res.update(
            articles=arts.height, sentences=sens.height, mentions=ents.height, events=evs.height,
            total_s=round(total, 3), articles_per_s=round(arts.height / total, 1),
            docs_per_s=round(n / total, 1),
            ingest_files_per_s=round(n / res["ingest_s"]),
            dedupe_docs_per_s=round(n / res["dedupe_s"]),
            segment_mb_per_s=round(mb / res["segment_s"], 2),
            entities_tokens_per_s=round(n_tokens / res["entities_s"]),
            events_sentences_per_s=round(sens.height / res["events_s"]),
            baseline_split_mb_per_s=round(baseline_split_rate(arts["text"].to_list()), 1),
            peak_rss_mb=round(peak_rss_mb(), 1),
        )
        res["segment_vs_baseline"] = round(res["segment_mb_per_s"] / res["baseline_split_mb_per_s"], 4)
        # articles/s per MB/s of the baseline: comparable across runs on a machine of changing speed
        res["articles_per_s_vs_baseline"] = round(res["articles_per_s"] / res["baseline_split_mb_per_s"], 3)
        return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in res.items()}


STAGE_TIMES = ("ingest_s", "dedupe_s", "segment_s", "entities_s", "events_s", "validate_s")
STAGE_BENCHES = ("bench.bench_dedupe", "bench.bench_segment", "bench.bench_entities", "bench.bench_ner",
                 "bench.bench_events", "bench.bench_publish", "bench.bench_flow")


def main() -> None:
    """Whole-pipeline stage figures, then each stage's own benchmark module (each prints its figures)."""
    import importlib

    pipeline_figures()
    for name in STAGE_BENCHES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        print(f"\n== {name} ==", flush=True)
        module.main()


def pipeline_figures() -> None:
    sizes = [int(x) for x in os.environ.get("BENCH_SIZES", "1000,10000").split(",")]
    results = [bench_stages(n) for n in sizes]
    out = Path("bench/out")
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2))
    for r in results:
        print(json.dumps(r, ensure_ascii=False))
    target = 300
    for r in results:
        print(f"end-to-end (stages, Prefect start-up excluded) on {r['documents']} docs: "
              f"{r['articles_per_s']} articles/s (target >= {target}); same-run baseline str.split "
              f"{r['baseline_split_mb_per_s']} MB/s, ratio {r['articles_per_s_vs_baseline']} articles/s per "
              f"baseline MB/s; stages s: " + ", ".join(f"{k[:-2]} {r[k]}" for k in STAGE_TIMES))
    print(f"peak RSS {results[-1]['peak_rss_mb']} MB")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
