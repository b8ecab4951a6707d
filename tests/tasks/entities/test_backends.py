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
