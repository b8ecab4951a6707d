"""bench/generate.py segmented_corpus: the extraction benchmarks' input, generated or realistic, cached."""

import pytest

from bench.generate import segmented_corpus


def test_realistic_segmented_corpus_is_cached_as_parquet(tmp_path):
    articles, sentences = segmented_corpus(30, "realistic", tmp_path)
    assert articles.height >= 25 and sentences.height > articles.height
    assert sorted(p.name for p in tmp_path.iterdir()) == ["realistic_30_articles.parquet", "realistic_30_sentences.parquet"]
    again = segmented_corpus(30, "realistic", tmp_path)          # read back, not segmented again
    assert again[0].equals(articles) and again[1].equals(sentences)
    with pytest.raises(ValueError, match="corpus"):
        segmented_corpus(30, "news")
