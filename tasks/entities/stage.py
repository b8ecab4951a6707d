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
from tasks.entities.backends import EntityBackend, RuleBackend, TransformersBackend
from tasks.entities.catalog import build_catalog  # noqa: F401  (the catalog stage, tasks/entities/catalog.py)
from tasks.entities.mentions import empty_entities
from tasks.entities.ner.backend import CrfBackend


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
