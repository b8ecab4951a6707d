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
from tasks.entities.backends import EntityBackend, get_backend
from tasks.entities.catalog import build_catalog  # noqa: F401  (the catalog stage, tasks/entities/catalog.py)
from tasks.entities.mentions import empty_entities


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
