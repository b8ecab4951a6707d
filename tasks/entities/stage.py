"""Entities: typed, canonical, geocoded mentions with exact offsets into articles.text.

The stage entry points: `extract_entities` (articles + sentences -> the `entities` table, through a
backend of tasks/entities/backends.py) and `build_catalog` (mentions -> `entity_catalog`).
Pure: no Prefect, no environment; settings come in an `akhbar.config.EntitiesConfig`.

See docs/entities.md for the decisions, thresholds and measured figures.
"""

from __future__ import annotations

import polars as pl

from akhbar.config import EntitiesConfig
from akhbar.contracts import empty_frame
from akhbar.geo import default_index
from akhbar.ids import stable_id
from akhbar.perf import gc_paused
from tasks.entities.backends import EntityBackend, get_backend
from tasks.entities.lexicon import default_gazetteer
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


def build_catalog(mentions: pl.DataFrame, run_id: str, cfg: EntitiesConfig | None = None) -> pl.DataFrame:
    """One row per entity: canonical name, type, aliases (gazetteer names + surfaces seen), counts, geo."""
    schema = empty_frame("entity_catalog").schema
    if mentions.is_empty():
        return pl.DataFrame(schema=schema)
    gaz, geo = default_gazetteer(), default_index()
    cat = (mentions.group_by("entity_id").agg(
        pl.col("canonical_name").mode().sort().first(), pl.col("type").mode().sort().first(),
        pl.col("surface").unique().sort().alias("aliases"), pl.len().cast(pl.Int64).alias("mention_count"),
        pl.col("geonames_id").drop_nulls().first(), pl.col("lat").drop_nulls().first(),
        pl.col("lon").drop_nulls().first(), pl.col("country_code").drop_nulls().first()))
    known = {eid: sorted(set(gaz.aliases.get(eid, []))) for eid in cat["entity_id"]}
    feature = {eid: (p.feature_class if (p := geo.for_entity(eid)) else None) for eid in cat["entity_id"]}
    return (cat.with_columns(
        aliases=pl.struct("entity_id", "aliases").map_elements(
            lambda r: sorted(set(r["aliases"]) | set(known.get(r["entity_id"], []))), return_dtype=pl.List(pl.String)),
        feature_class=pl.when(pl.col("type") == "LOC").then(
            pl.col("entity_id").replace_strict(feature, default=None, return_dtype=pl.String).fill_null("P")),
        run_id=pl.lit(run_id))
        .select(schema.names()).cast(schema).sort("entity_id"))

