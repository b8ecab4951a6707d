"""The `entity_catalog` stage: one row per entity over the whole corpus (docs/entities.md).

Canonical name: the name the mentions give most often (ties: the longest, then the first in
Arabic order), so a person named 'سلمان بن عبدالعزيز' in one article and 'سلمان بن عبدالعزيز آل سعود'
in another (one id through tasks/entities/names.person_key) reads as one readable row. `name_latin`:
tasks/entities/names.latin_name (GeoNames name, gazetteer slug, or the documented romanisation).
"""

from __future__ import annotations

import polars as pl

from akhbar.config import EntitiesConfig
from akhbar.contracts import empty_frame
from akhbar.geo import default_index
from tasks.entities.lexicon import default_gazetteer
from tasks.entities.names import latin_name


def readable(names: list[str | None], surfaces: list[str]) -> str:
    """The most frequent name, ties to the longest; the most frequent surface when no name is set."""
    pool = [n for n in names if n] or [s for s in surfaces if s]
    counts: dict[str, int] = {}
    for n in pool:
        counts[n] = counts.get(n, 0) + 1
    return min(counts, key=lambda n: (-counts[n], -len(n), n)) if counts else ""


def build_catalog(mentions: pl.DataFrame, run_id: str, cfg: EntitiesConfig | None = None) -> pl.DataFrame:
    """One row per entity: canonical name, Latin name, type, aliases (gazetteer names + surfaces seen), counts, geo."""
    schema = empty_frame("entity_catalog").schema
    if mentions.is_empty():
        return pl.DataFrame(schema=schema)
    gaz, geo = default_gazetteer(), default_index()
    cat = (mentions.group_by("entity_id").agg(
        pl.col("canonical_name").alias("names"), pl.col("surface").alias("surfaces"),
        pl.col("type").mode().sort().first(),
        pl.col("surface").unique().sort().alias("aliases"), pl.len().cast(pl.Int64).alias("mention_count"),
        pl.col("geonames_id").drop_nulls().first(), pl.col("lat").drop_nulls().first(),
        pl.col("lon").drop_nulls().first(), pl.col("country_code").drop_nulls().first()))
    rows = cat.select("entity_id", "names", "surfaces", "aliases", "geonames_id").rows()
    canonical, latin, aliases, feature = [], [], [], []
    for eid, names, surfaces, seen, gid in rows:
        name = readable(names, surfaces)
        place = geo.for_entity(eid) or (geo.by_gid.get(int(gid)) if gid else None)
        canonical.append(name)
        latin.append(latin_name(eid, name, place.name if place else None))
        aliases.append(sorted(set(seen) | set(gaz.aliases.get(eid, []))))
        feature.append(place.feature_class if place else None)
    return (cat.with_columns(
        canonical_name=pl.Series(canonical, dtype=pl.String), name_latin=pl.Series(latin, dtype=pl.String),
        aliases=pl.Series(aliases, dtype=pl.List(pl.String)),
        feature_class=pl.when(pl.col("type") == "LOC").then(
            pl.Series(feature, dtype=pl.String).fill_null("P")),
        run_id=pl.lit(run_id))
        .select(schema.names()).cast(schema).sort("entity_id"))
