"""tasks/entities/backends.py: the backend interface, model backend selection, merging."""

import polars as pl
import pytest

from akhbar.config import EntitiesConfig
from tasks.entities import RuleBackend, TransformersBackend, extract_entities, get_backend, merge_mentions


class FakeBackend:
    name = "fake"

    def __init__(self, rows):
        self.rows = rows

    def extract(self, articles, sentences):
        from tasks.entities import MENTION_COLUMNS, empty_entities

        schema = {k: v for k, v in empty_entities().schema.items() if k in MENTION_COLUMNS}
        return pl.DataFrame(self.rows, schema=schema).select(MENTION_COLUMNS)


def frames(text):
    arts = pl.DataFrame({"article_id": ["a1"], "text": [text]})
    sents = pl.DataFrame({"article_id": ["a1"], "sentence_idx": [0], "start": [0], "end": [len(text)]})
    return arts, sents


def test_backend_interface_with_a_fake_backend(mentions):
    text = "زار مارتن غريفيث صنعاء."
    row = dict(article_id="a1", sentence_idx=0, start=4, end=16, surface="مارتن غريفيث", type="PERSON",
               entity_id="per_x", canonical_name="مارتن غريفيث", role=None, confidence=0.7, method="model:fake",
               geonames_id=None, lat=None, lon=None, country_code=None)
    out = extract_entities(*frames(text), "run1", backend=FakeBackend([row]))
    assert out["surface"].to_list() == ["مارتن غريفيث"] and out["run_id"].to_list() == ["run1"]
    rules = RuleBackend().extract(*frames(text))
    merged = merge_mentions(rules, FakeBackend([row, {**row, "start": 17, "end": 21, "surface": "صنعا"}]).extract(
        *frames(text)))
    assert set(merged["surface"]) == {"مارتن غريفيث", "صنعاء"}     # the overlapping model span gives way


def test_backend_selection_and_clear_errors(tmp_path):
    from tasks.entities.ner.backend import CrfBackend     # the default since issue 14: rules + the CRF tagger
    assert isinstance(get_backend(), CrfBackend) and isinstance(get_backend(EntitiesConfig()), CrfBackend)
    assert isinstance(get_backend(EntitiesConfig(ner_tagger="none")), RuleBackend)
    with pytest.raises(ValueError, match="ner_tagger"):
        get_backend(EntitiesConfig(ner_tagger="bogus"))
    with pytest.raises(FileNotFoundError, match="ner_model_dir"):
        get_backend(EntitiesConfig(ner_model_dir=str(tmp_path / "missing")))
    with pytest.raises(ValueError, match="merge"):
        TransformersBackend(tmp_path, mode="bogus")
    backend = get_backend(EntitiesConfig(ner_model_dir=str(tmp_path), ner_mode="replace"))
    backend.predict = lambda text: [{"start": 4, "end": 16, "entity_group": "PER", "score": 0.88}]
    out = backend.extract(*frames("زار مارتن غريفيث صنعاء."))
    assert out["type"].to_list() == ["PERSON"] and out["method"].to_list() == [f"model:{tmp_path.name}"]


def test_stage_reads_no_environment(monkeypatch, tmp_path):
    from tasks.entities.ner.backend import CrfBackend
    monkeypatch.setenv("AKHBAR_NER_MODEL_DIR", str(tmp_path / "missing"))
    monkeypatch.setenv("AKHBAR_NER_TAGGER", "none")
    assert isinstance(get_backend(), CrfBackend)


def test_merge_keeps_exactly_the_extra_spans_that_overlap_no_primary_span():
    """merge_mentions' bisect over sorted primary spans against the pairwise overlap rule, on spans
    made up here (nested, touching, out of order, two articles)."""
    import random

    import polars as pl

    from tasks.entities import MENTION_COLUMNS, empty_entities
    schema = {k: v for k, v in empty_entities().schema.items() if k in MENTION_COLUMNS}
    rng = random.Random(16)

    def frame(spans):
        rows = [dict(article_id=a, sentence_idx=0, start=s, end=e, surface="x", type="LOC", entity_id="loc_x",
                     canonical_name="x", role=None, confidence=0.9, method="m", geonames_id=None, lat=None, lon=None,
                     country_code=None) for a, s, e in spans]
        return pl.DataFrame(rows, schema=schema).select(MENTION_COLUMNS)

    for _ in range(200):
        primary = [(rng.choice("ab"), s, s + rng.randint(1, 6)) for s in rng.sample(range(40), 6)]
        extra = [(rng.choice("abc"), s, s + rng.randint(1, 6)) for s in rng.sample(range(40), 8)]
        kept = merge_mentions(frame(primary), frame(extra))
        expected = [x for x in extra if not any(x[0] == p[0] and x[1] < p[2] and p[1] < x[2] for p in primary)]
        assert kept.height == len(primary) + len(expected)
        assert sorted(kept.select("article_id", "start", "end").rows()) == sorted(primary + expected)
