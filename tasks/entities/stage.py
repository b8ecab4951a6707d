"""Entities: typed, canonical, geocoded mentions with exact offsets into articles.text.

The stage entry points: `extract_entities` (articles + sentences -> the `entities` table, through a
backend of tasks/entities/backends.py) and `build_catalog` (mentions -> `entity_catalog`).
Pure: no Prefect, no environment; settings come in an `akhbar.config.EntitiesConfig`.

See docs/entities.md for the decisions, thresholds and measured figures.
"""

from __future__ import annotations

import polars as pl

from akhbar.config import EntitiesConfig
from akhbar.ids import stable_id
from akhbar.perf import gc_paused
from akhbar.text.normalise import clitic_keys
from tasks.entities.backends import EntityBackend, RuleBackend, TransformersBackend
from tasks.entities.catalog import build_catalog  # noqa: F401  (the catalog stage, tasks/entities/catalog.py)
from tasks.entities.lexicon import default_lexicon
from tasks.entities.link import transposed
from tasks.entities.mentions import empty_entities
from tasks.entities.names import person_key
from tasks.entities.ner.backend import CrfBackend, default_name_start
from tasks.entities.ner.model import forget_memos as forget_ner_memos
from tasks.entities.rules.tokens import norm_token, word_offset


def get_backend(cfg: EntitiesConfig | None = None) -> EntityBackend:
    """The configured backend: `cfg.ner_model_dir` selects a local transformers model, else the CRF
    tagger with the rules as overrides (`cfg.ner_tagger="crf"`, default), or the rules alone ("none")."""
    cfg = cfg or EntitiesConfig()
    if cfg.ner_model_dir:
        return TransformersBackend(cfg.ner_model_dir, cfg.ner_mode, base=RuleBackend(cfg))
    if cfg.ner_tagger == "crf":
        return CrfBackend(cfg)
    if cfg.ner_tagger != "none":
        raise ValueError(f"ner_tagger must be 'crf' or 'none', not {cfg.ner_tagger!r}")
    return RuleBackend(cfg)


@gc_paused
def extract_entities(articles: pl.DataFrame, sentences: pl.DataFrame, run_id: str,
                     backend: EntityBackend | None = None, cfg: EntitiesConfig | None = None) -> pl.DataFrame:
    backend = backend or get_backend(cfg)
    schema = empty_entities().schema
    mentions = backend.extract(articles, sentences)
    if mentions.is_empty():
        return pl.DataFrame(schema=schema)
    ids = [stable_id("men", a, s, e, t) for a, s, e, t in mentions.select("article_id", "start", "end", "type").iter_rows()]
    return (mentions.with_columns(mention_id=pl.Series(ids, dtype=pl.String), run_id=pl.lit(run_id))
            .unique("mention_id", keep="first", maintain_order=True).select(schema.names()).cast(schema))


def forget_memos() -> None:
    """Empty the memos the stage keeps per process, keyed by word form or surface (token facts,
    NER features and score rows, name starts, normalised tokens, person keys ...): the flow calls
    it once the stage has run, so the run does not carry them to publish (issue 16, docs/scale.md
    section 10). They are caches of pure functions: outputs do not change, the next call rebuilds
    what it needs. Loaded resources (lexicon, gazetteer, models) stay."""
    forget_ner_memos()
    if default_name_start.cache_info().currsize:
        default_name_start().memo.clear()
    if default_lexicon.cache_info().currsize:
        default_lexicon().facts = None
    for memo in (norm_token, word_offset, person_key, transposed, clitic_keys):
        memo.cache_clear()
