"""Segment on inputs that used to cost unbounded memory or stop the run (issues 16.1, 18.7)."""

from __future__ import annotations

import re
import resource
import time
import tracemalloc

import polars as pl

import tasks.segment as segment
from akhbar.text.sentences import _AR_CHAR
from tasks.segment import Vocabulary, corpus_vocabulary, find_repairs, segment_blocks

STORY = "قال الوزير في بغداد اليوم إن الحكومة العراقية ستعقد اجتماعا لبحث الأوضاع الأمنية في المحافظات الشمالية."


def blocks_of(*texts: str) -> pl.DataFrame:
    n = len(texts)
    return pl.DataFrame({"block_id": [f"b{i}" for i in range(n)], "doc_ids": [[f"d{i}"] for i in range(n)],
                         "text": list(texts), "meta_title": [None] * n, "meta_date": [None] * n,
                         "meta_source": [None] * n, "meta_url": [None] * n})


def test_one_word_of_67kb_segments_fast_and_small():
    word = "ب" * 33_500                                   # 67 KB of UTF-8, no space
    blocks = blocks_of(word, STORY)
    segment_blocks(blocks_of(STORY), "warm-up")          # lexicons load once per process, not timed
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    vocab = corpus_vocabulary(blocks, {0: blocks})
    articles, sentences, rejected = segment_blocks(blocks, "r", vocab[0])
    elapsed = time.perf_counter() - t
    extra_rss = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024   # KiB on Linux
    assert elapsed < 2, elapsed                         # was 3.75 GB of prefixes and suffixes
    assert extra_rss < 300, extra_rss
    tracemalloc.start()                                 # allocations, traced (slower) in a second pass
    try:
        segment_blocks(blocks, "r", corpus_vocabulary(blocks, {0: blocks})[0])
        peak = tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()
    assert peak < 300, peak
    assert articles.height == 2 and rejected.height == 0
    long_one = articles.filter(pl.col("text") == word)
    assert long_one["repairs"][0].to_list() == []           # skipped, not split


def test_glued_words_longer_than_the_limit_are_skipped():
    words = [STORY] + ["الولايات المتحدة"] * 5 + ["الولاياتالمتحدة"]
    texts = [" ".join(words)]
    assert Vocabulary(texts).glued                      # repaired at the default limit
    assert not Vocabulary(texts, max_word_chars=10).glued
    articles, _, _ = segment_blocks(blocks_of(*texts), "r", max_word_chars=10)
    assert articles["repairs"][0].to_list() == []
    articles, _, _ = segment_blocks(blocks_of(*texts), "r")
    assert len(articles["repairs"][0].to_list()) == 1


def old_find_repairs(text: str, vocab: Vocabulary) -> list[dict]:
    """The alternation-regex version find_repairs replaced (kept here to prove the same output)."""
    if not vocab.glued:
        return []
    alternation = "|".join(map(re.escape, sorted(vocab.glued, key=len, reverse=True)))
    glued_re = re.compile(rf"(?<!{_AR_CHAR})(?:{alternation})(?!{_AR_CHAR})")
    return [dict(start=m.start(), end=m.end(), split=m.start() + vocab.glued[m.group()])
            for m in glued_re.finditer(text)]


def test_find_repairs_matches_the_alternation_regex():
    texts = [
        "الولاياتالمتحدة قالت إن جنوبالمدينة شهد قصفا. الولايات المتحدة والمدينة",
        "ـالولاياتالمتحدة َالولاياتالمتحدة xالولاياتالمتحدةx (الولاياتالمتحدة) الولاياتالمتحدةُ",
        "جنوبالمدينة،جنوبالمدينة.جنوبالمدينة جنوبالمدينةـ",
    ]
    vocab = Vocabulary(texts + ["الولايات المتحدة جنوب المدينة"] * 4)
    assert vocab.glued
    for t in texts:
        assert find_repairs(t, vocab) == old_find_repairs(t, vocab)


def test_an_exception_in_one_block_is_quarantined(monkeypatch):
    real = segment.page_lines

    def boom(text):
        if "قنبلة" in text:
            raise ValueError("synthetic")
        return real(text)

    monkeypatch.setattr(segment, "page_lines", boom)
    articles, sentences, rejected = segment_blocks(blocks_of("قنبلة " + STORY, STORY), "r")
    assert articles.height == 1 and sentences.height >= 1
    r = rejected.row(0, named=True)
    assert (r["table"], r["row_key"], r["check"]) == ("articles", "b0", "segment_error")
    assert r["detail"] == "segment: ValueError: synthetic (raised in boom)"


def test_an_exception_in_one_article_keeps_the_others(monkeypatch):
    real = segment._article_row

    def boom(st, *args):
        if st.title and "عنوان ثان" in st.title:
            raise KeyError("synthetic")
        return real(st, *args)

    monkeypatch.setattr(segment, "_article_row", boom)
    page = f"عنوان أول للخبر\n\n{STORY}\n\n\n\nعنوان ثان للخبر\n\n{STORY} ثانية"
    articles, _, rejected = segment_blocks(blocks_of(page), "r")
    assert articles.height == 1
    assert rejected["row_key"].to_list() == ["b0#story1"] and rejected["check"].to_list() == ["segment_error"]


def test_a_failing_vocabulary_only_loses_repairs(monkeypatch):
    def boom(*args, **kwargs):
        raise MemoryError("synthetic")

    monkeypatch.setattr(segment, "word_forms", boom)
    monkeypatch.setattr(segment.Vocabulary, "empty", classmethod(lambda cls: _empty_vocab()))
    articles, _, rejected = segment_blocks(blocks_of(STORY), "r")
    assert articles.height == 1
    assert rejected["row_key"].to_list() == ["<vocabulary>"]


def _empty_vocab():
    v = Vocabulary.__new__(Vocabulary)
    v.glued, v.norm_of, v.seen, v.ranks, v.max_word_chars, v._split_cache = {}, {}, frozenset(), {}, 40, {}
    return v
