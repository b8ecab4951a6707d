"""Entity stage throughput: tokens per second per core, with a same-run baseline.

    python -m bench.bench_entities            # BENCH_ENTITY_DOCS=2000 by default
    python -m bench.bench_entities 2000 realistic --cache bench/out/corpora --save out.parquet

Arguments (or BENCH_ENTITY_DOCS / BENCH_ENTITY_CORPUS): the document count and the corpus,
"generated" (bench/generate.py: seed paragraphs with noise) or "realistic" (bench/realistic.py:
real newswire sentences at real-news lengths, docs/scale.md section 2). Ingest, dedupe, the
vocabulary and segment run untimed (`--cache DIR` keeps their frames for the next run), then the
entity stage (the configured backend, CRF tagger + rules by default; AKHBAR_NER_TAGGER=none for
the rules alone; one process = one core) is timed. `--save FILE` writes the entities frame
(to compare two versions of the code: it must be identical).
The baseline is the floor any token-level extractor pays: tokenize every sentence with
akhbar.text.tokens.tokenize, normalise each token and look it up in a dict (the gazetteer's
first words), measured in the same run on the same articles. Target: >= 20,000 tokens/s.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from bench.results import save, token_rates
from bench.results import verdict as bench_verdict

TARGET_TOKENS_PER_S = 20_000


def baseline(articles, sentences) -> tuple[float, float]:
    """(wall, CPU) seconds for tokenize + normalize + one dict lookup per token over all sentences."""
    from akhbar.text.normalise import normalize
    from tasks.entities.lexicon import default_gazetteer
    from akhbar.text.tokens import tokenize

    index = {k[0]: v for k, v in default_gazetteer().bare.items()}
    texts = dict(articles.select("article_id", "text").iter_rows())
    t, c = time.perf_counter(), time.process_time()
    hits = 0
    for aid, s, e in sentences.select("article_id", "start", "end").iter_rows():
        text = texts[aid]
        for a, b in tokenize(text, s, e):
            hits += normalize(text[a:b]) in index
    return time.perf_counter() - t, time.process_time() - c


def run(n_docs: int, corpus: str = "generated", cache: Path | None = None, save_to: Path | None = None) -> dict:
    from bench.generate import segmented_corpus
    from tasks.entities import extract_entities
    from akhbar.text.tokens import tokenize

    articles, sentences = segmented_corpus(n_docs, corpus, cache)
    texts = dict(articles.select("article_id", "text").iter_rows())
    n_tokens = sum(len(tokenize(texts[a], s, e)) for a, s, e in sentences.select("article_id", "start", "end").iter_rows())
    extract_entities(articles.head(5), sentences, "warmup")          # load resources outside the timing
    t, c = time.perf_counter(), time.process_time()
    mentions = extract_entities(articles, sentences, "bench")
    stage_s, stage_cpu = time.perf_counter() - t, time.process_time() - c
    base_s, base_cpu = baseline(articles, sentences)
    if save_to:
        mentions.drop("run_id").write_parquet(save_to)
    res = dict(documents=n_docs, corpus=corpus, articles=articles.height, sentences=sentences.height, tokens=n_tokens,
               mentions=mentions.height, entities_s=round(stage_s, 3),
               articles_per_s=round(articles.height / stage_s, 1),
               **token_rates("entities", n_tokens, stage_s, base_s, TARGET_TOKENS_PER_S),
               # CPU seconds: steadier than wall time on a shared machine (other jobs take the cores)
               entities_cpu_s=round(stage_cpu, 3), articles_per_cpu_s=round(articles.height / stage_cpu, 1),
               cpu_ratio_to_baseline=round(base_cpu / stage_cpu, 4))
    return res


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="entity stage throughput")
    ap.add_argument("docs", nargs="?", type=int, default=int(os.environ.get("BENCH_ENTITY_DOCS", "2000")))
    ap.add_argument("corpus", nargs="?", default=os.environ.get("BENCH_ENTITY_CORPUS", "generated"),
                    choices=("generated", "realistic"))
    ap.add_argument("--cache", type=Path, help="keep the segmented corpus here as parquet")
    ap.add_argument("--save", type=Path, help="write the entities frame (without run_id) to this parquet file")
    args = ap.parse_args(argv)
    res = run(args.docs, args.corpus, args.cache, args.save)
    save("entities", res)
    verdict = bench_verdict(res["entities_tokens_per_s"], TARGET_TOKENS_PER_S)
    print(f"entities ({res['corpus']}, {res['articles']:,} articles): {res['entities_tokens_per_s']:,} tokens/s, "
          f"{res['articles_per_s']:,} articles/s on one core ({verdict} target "
          f"{TARGET_TOKENS_PER_S:,}); baseline tokenize+normalize+lookup {res['baseline_tokens_per_s']:,} tokens/s; "
          f"ratio {res['ratio_to_baseline']}; CPU: {res['articles_per_cpu_s']:,} articles per CPU s, "
          f"ratio {res['cpu_ratio_to_baseline']}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
