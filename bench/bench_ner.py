"""NER tagger throughput, model load time and the entity stage's peak memory.

    python -m bench.bench_ner            # BENCH_NER_DOCS=1000 by default

- tagging: the committed CRF tagger (tasks/entities/ner/model.py: tokenize, features, two CRF
  passes + marginals scored in numpy by scorer.py, TAG_BATCH articles at a time as CrfBackend
  does; the rule mentions it takes as features computed beforehand, as the pipeline's rules run
  anyway) over every article of a bench/generate.py corpus, one process = one core,
  as tokens/s and as a ratio to the same-run tokenizer baseline of bench_entities (tokenize +
  normalise + a dict lookup per token). Target: >= 50,000 tokens/s per core.
- load: seconds to open the model and its feature resources in a fresh process (target <= 1 s).
- memory: peak RSS (VmHWM, reset after the corpus is built) of a fresh process running the whole
  entity stage (rules + tagger) on the corpus, next to one running the rules alone
  (EntitiesConfig(ner_tagger="none")), and the RSS before the stage.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.results import save, token_rates
from bench.results import verdict as bench_verdict

TARGET_TOKENS_PER_S = 50_000
TARGET_LOAD_S = 1.0

LOAD = """
import time, json
from tasks.entities.ner.model import NerModel
t = time.perf_counter(); m = NerModel(); m.tag(["قال", "محمد"]); print(json.dumps(time.perf_counter() - t))
"""
STAGE = """
import gc, json, sys, time
from bench.generate import segmented_corpus
from akhbar.config import EntitiesConfig
from tasks.entities import extract_entities

def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) / 1024

articles, sentences = segmented_corpus(int(sys.argv[1]))
gc.collect()
with open("/proc/self/clear_refs", "w") as f:    # reset the peak (VmHWM) to the current RSS
    f.write("5")
before = status("VmRSS:")
t = time.perf_counter()
out = extract_entities(articles, sentences, "bench", cfg=EntitiesConfig(ner_tagger=sys.argv[2]))
print(json.dumps(dict(seconds=time.perf_counter() - t, mentions=out.height, rss_before_mb=before,
                      peak_rss_mb=status("VmHWM:"))))
"""


def _python(code: str, *args: str) -> dict | float:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(n_docs: int) -> dict:
    from bench.bench_entities import baseline
    from bench.generate import segmented_corpus
    from akhbar.text.tokens import tokenize
    from tasks.entities.mentions import rule_mentions, sentences_by_article
    from tasks.entities.ner.backend import TAG_BATCH
    from tasks.entities.ner.model import load_model

    articles, sentences = segmented_corpus(n_docs)
    texts = dict(articles.select("article_id", "text").iter_rows())
    by_article = sentences_by_article(sentences)
    model = load_model()
    work, n_tokens = [], 0
    for aid, text in texts.items():        # the rules run first in the pipeline: not timed here
        sents = by_article.get(aid, [])
        rules: dict[int, list] = {}
        for r in rule_mentions(aid, text, sents):
            rules.setdefault(r[1], []).append((r[2], r[3], r[5], r[10]))
        n_tokens += sum(len(tokenize(text, s, e)) for _, s, e in sents)
        work.append((text, [(s, e) for _, s, e in sents], [rules.get(i, []) for i, _, _ in sents]))
    model.article_mentions(*work[0][:2], None, work[0][2])          # warm the resources
    t = time.perf_counter()
    chunks = 0
    for a in range(0, len(work), TAG_BATCH):        # as CrfBackend tags them: TAG_BATCH articles together
        found = model.articles_mentions([(text, sents, None, rules) for text, sents, rules in work[a:a + TAG_BATCH]])
        chunks += sum(len(c) for article in found for c in article)
    tag_s = time.perf_counter() - t
    base_s = baseline(articles, sentences)
    res = dict(documents=n_docs, sentences=sentences.height, tokens=n_tokens, model_chunks=chunks, tagging_s=round(tag_s, 3),
               **token_rates("tagging", n_tokens, tag_s, base_s, TARGET_TOKENS_PER_S))
    res["model_load_s"] = round(min(_python(LOAD) for _ in range(3)), 3)
    res["model_bytes"] = model.path.stat().st_size
    for tagger in ("crf", "none"):
        stage = _python(STAGE, str(n_docs), tagger)
        res[f"stage_{tagger}_s"] = round(stage["seconds"], 3)
        res[f"stage_{tagger}_peak_rss_mb"] = round(stage["peak_rss_mb"], 1)
        res[f"stage_{tagger}_rss_before_mb"] = round(stage["rss_before_mb"], 1)
        res[f"stage_{tagger}_mentions"] = stage["mentions"]
    return res


def main() -> None:
    res = run(int(os.environ.get("BENCH_NER_DOCS", "1000")))
    save("ner", res)
    verdict = bench_verdict(res["tagging_tokens_per_s"], TARGET_TOKENS_PER_S)
    print(f"ner tagging: {res['tagging_tokens_per_s']:,} tokens/s on one core ({verdict} target "
          f"{TARGET_TOKENS_PER_S:,}); tokenizer baseline {res['baseline_tokens_per_s']:,} tokens/s; ratio "
          f"{res['ratio_to_baseline']}; model load {res['model_load_s']} s (target <= {TARGET_LOAD_S}); entity stage "
          f"peak RSS {res['stage_crf_peak_rss_mb']} MB with the tagger, {res['stage_none_peak_rss_mb']} MB rules alone "
          f"(corpus loaded: {res['stage_crf_rss_before_mb']} MB); stage {res['stage_crf_s']} s with the tagger, "
          f"{res['stage_none_s']} s rules alone")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
