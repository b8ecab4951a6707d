"""The realistic benchmark corpus (bench/realistic.py): deterministic, real-news lengths, and the
things real pages carry; the bench-scale helpers measure a process tree."""

from __future__ import annotations

import json
import os
import re

from bench.bench_scale import tree_rss_mb
from bench.realistic import articles, describe, generate_realistic, sentence_pool


def test_the_corpus_is_deterministic_and_looks_like_news(tmp_path):
    first = articles(600, seed=3)
    assert first == articles(600, seed=3) and first != articles(600, seed=4)
    assert len(sentence_pool()) > 5000                      # real newswire sentences, not five seed pages
    texts = [a["text"] for a in first]
    lengths = sorted(len(t) for t in texts)
    assert 1200 < sum(lengths) / len(lengths) < 3000         # issue 16's corpus: 2,070 chars/article
    assert lengths[-1] > 3 * lengths[len(lengths) // 2]     # a long tail
    joined = "\n".join(texts)
    for pattern in ("«", "https://", r"\d+/\d+/\d{4}", "هـ", "[A-Za-z]{3,}", "\t|\\| ", "ـــ", "#"):
        assert re.search(pattern, joined), pattern
    assert len({a["text"] for a in first}) < len(first)      # exact duplicates are there too


def test_written_corpus_is_json_batches_and_pages(tmp_path):
    folder = generate_realistic(1050, tmp_path / "c", seed=1)
    files = sorted(p.name for p in folder.iterdir())
    assert sum(f.endswith(".json") for f in files) == 2 and sum(f.endswith(".txt") for f in files) == 52
    assert all(set(r) >= {"title", "date", "url", "source", "text"}
               for r in json.loads((folder / files[0]).read_text(encoding="utf-8")))
    assert describe(folder)["articles"] == 1050


def test_tree_rss_counts_this_process():
    assert tree_rss_mb(os.getpid()) > 10
