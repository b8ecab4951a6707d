"""akhbar eval events: matching rules, and the seed figures the issue sets as targets."""

import pytest

from interfaces.eval_events import evaluate, match_file, render, same_phrase, score_values, source_sentences
from tasks.events import extract_events


def test_same_phrase_is_clitic_and_length_aware():
    assert same_phrase("الموصل", "للموصل")
    assert same_phrase("مسؤول كبير", "مسؤول كبير في إدارة الرئيس الأمريكي")
    assert not same_phrase("القوات العراقية", "القوات الأمريكية")
    assert score_values(["أ ب", "ج"], ["ج", "د"]) == (1, 1, 1)


def test_match_by_type_and_source_sentence():
    text = "غادر البغدادي الموصل. وقتل خمسة.\nسطر آخر"
    sents = source_sentences(text)
    assert len(sents) == 3
    gold = [{"event_type": "ESCAPE", "trigger_start": 0}, {"event_type": "CASUALTIES", "trigger_start": 23}]
    pred = [{"event_type": "ESCAPE", "src_start": 1}, {"event_type": "ESCAPE", "src_start": 23},
            {"event_type": "CASUALTIES", "src_start": None}]
    pairs, miss, extra = match_file(gold, pred, sents)
    assert len(pairs) == 1 and miss == [gold[1]] and len(extra) == 2


def test_unknown_article_is_an_error():
    import polars as pl
    arts = pl.DataFrame({"article_id": ["a"], "text": ["نص"], "published_date": [None]},
                        schema={"article_id": pl.String, "text": pl.String, "published_date": pl.Date})
    sens = pl.DataFrame({"article_id": ["b"], "sentence_idx": [0], "start": [0], "end": [2]})
    with pytest.raises(ValueError, match="have no article"):
        extract_events(arts, sens, pl.DataFrame(schema={"article_id": pl.String, "sentence_idx": pl.Int32,
                                                         "start": pl.Int64, "end": pl.Int64, "surface": pl.String,
                                                         "type": pl.String, "entity_id": pl.String}), "r")


def test_missing_gold_is_a_clear_error(tmp_path, seeds_dir):
    with pytest.raises(SystemExit, match="no event gold"):
        evaluate(tmp_path, seeds_dir)


def test_seed_targets(seeds_dir):
    r = evaluate(seeds_dir.parent / "tests" / "gold", seeds_dir)
    assert r["events"]["f1"] >= 0.85
    assert r["modality_accuracy"] >= 0.9
    assert "modality accuracy" in render(r)
