"""The `entity_catalog` stage: one row per entity over the whole corpus (docs/entities.md).

Canonical name: the name the mentions give most often (ties: the longest, then the first in
Arabic order), so a person named 'سلمان بن عبدالعزيز' in one article and 'سلمان بن عبدالعزيز آل سعود'
in another (one id through tasks/entities/names.person_key) reads as one readable row. `name_latin`:
tasks/entities/names.latin_name (GeoNames name, gazetteer slug, or the documented romanisation).
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from akhbar.config import EntitiesConfig
from akhbar.contracts import empty_frame
from akhbar.geo import default_index
from tasks.entities.lexicon import default_gazetteer
from tasks.entities.names import latin_name


# the mention columns build_catalog reads (a caller holding mentions on disk reads only these)
CATALOG_COLUMNS = ("entity_id", "type", "surface", "canonical_name", "geonames_id", "lat", "lon", "country_code")


def readable(mentions: pl.DataFrame) -> pl.DataFrame:
    """entity_id -> canonical_name: the name the mentions give most often, ties to the longest then the
    first in code-point order; the surface when a mention has no name."""
    return (mentions.select("entity_id", pl.coalesce(pl.col("canonical_name").replace("", None), "surface")
                            .alias("canonical_name"))
            .group_by("entity_id", "canonical_name").len()
            .sort(["entity_id", "len", pl.col("canonical_name").str.len_chars(), "canonical_name"],
                  descending=[False, True, True, False])
            .unique("entity_id", keep="first").select("entity_id", "canonical_name"))


def build_catalog(mentions: pl.DataFrame, run_id: str, cfg: EntitiesConfig | None = None) -> pl.DataFrame:
    """One row per entity: canonical name, Latin name, type, aliases (gazetteer names + surfaces seen), counts, geo."""
    return catalog_of_parts([mentions], run_id)


def catalog_of_parts(parts: Iterable[pl.DataFrame | None], run_id: str,
                     aggregates: pl.DataFrame | None = None) -> pl.DataFrame:
    """`build_catalog` over the mentions given in parts, each holding every mention of its entities
    (e.g. one hash bucket of entity_id at a time, flows/spill.py `Spilled.buckets`): only one part's
    rows and Python objects are alive at a time; the rows are those of the whole-frame catalog.
    `aggregates`: the per-entity aggregates already computed (`catalog_of_chunks`), finished here."""
    schema = empty_frame("entity_catalog").schema
    gaz, geo = default_gazetteer(), default_index()
    frames = [catalog_part(part, gaz, geo) for part in parts if part is not None and not part.is_empty()]
    if aggregates is not None and not aggregates.is_empty():
        frames.append(finish(aggregates, gaz, geo))
    if not frames:
        return pl.DataFrame(schema=schema)
    return (pl.concat(frames, how="vertical").with_columns(run_id=pl.lit(run_id))
            .select(schema.names()).cast(schema).sort("entity_id"))


def catalog_part(mentions: pl.DataFrame, gaz, geo) -> pl.DataFrame:
    """The catalog rows (without run_id) of the entities whose mentions these are (all of them)."""
    cat = (mentions.group_by("entity_id").agg(
        pl.col("type").mode().sort().first(),
        pl.col("surface").unique().sort().alias("aliases"), pl.len().cast(pl.Int64).alias("mention_count"),
        pl.col("geonames_id").drop_nulls().first(), pl.col("lat").drop_nulls().first(),
        pl.col("lon").drop_nulls().first(), pl.col("country_code").drop_nulls().first())
           .join(readable(mentions), on="entity_id", how="left"))
    return finish(cat, gaz, geo)


def finish(cat: pl.DataFrame, gaz, geo) -> pl.DataFrame:
    """The per-entity aggregates (entity_id, type, aliases seen, mention_count, geo, canonical_name) with
    the Latin name, the gazetteer's aliases and the place's feature class."""
    latin, aliases, feature = [], [], []
    for eid, name, seen, gid in cat.select("entity_id", "canonical_name", "aliases", "geonames_id").iter_rows():
        place = geo.for_entity(eid) or (geo.by_gid.get(int(gid)) if gid else None)
        latin.append(latin_name(eid, name, place.name if place else None))
        known = gaz.aliases.get(eid)
        aliases.append(sorted(set(seen) | set(known)) if known else seen)
        feature.append(place.feature_class if place else None)
    return cat.with_columns(
        name_latin=pl.Series(latin, dtype=pl.String),
        aliases=pl.Series(aliases, dtype=pl.List(pl.String)),
        feature_class=pl.when(pl.col("type") == "LOC").then(
            pl.Series(feature, dtype=pl.String).fill_null("P")))


# --- the catalog from mentions in chunks of any cut (a spilled run's partition files) -----------------

GEO_COLUMNS = ("geonames_id", "lat", "lon", "country_code")


def catalog_of_chunks(chunks: Iterable[pl.DataFrame | None], run_id: str) -> pl.DataFrame:
    """`build_catalog` over mentions given in chunks of any cut, in the whole frame's row order (e.g. one
    spilled partition file at a time): each chunk is reduced to per-entity partial counts (types, names,
    surfaces, the first non-null geo values with their row), folded into running totals; only one chunk's
    rows are alive, and the mentions of one entity (a country named in every other article) are never
    held together, as a hash bucket of entity_id holds them. The rows are those of the whole-frame catalog."""
    totals, offset = None, 0
    for chunk in chunks:
        if chunk is None or chunk.is_empty():
            continue
        part = partial_counts(chunk, offset)
        offset += chunk.height
        totals = part if totals is None else {k: fold(k, pl.concat([totals[k], part[k]])) for k in part}
    if totals is None:
        return catalog_of_parts([], run_id)
    return catalog_of_parts([], run_id, aggregates=aggregates(totals))


def partial_counts(mentions: pl.DataFrame, offset: int) -> dict[str, pl.DataFrame]:
    """A chunk's per-entity counts; `offset`: the chunk's first row in the whole frame (for `first`)."""
    m = mentions.with_row_index("_o", offset)
    name = pl.coalesce(pl.col("canonical_name").replace("", None), "surface").alias("canonical_name")
    out = dict(types=m.group_by("entity_id", "type").len("n"),
               names=m.select("entity_id", name).group_by("entity_id", "canonical_name").len("n"),
               surfaces=m.select("entity_id", "surface").unique())
    for c in GEO_COLUMNS:
        out[c] = m.filter(pl.col(c).is_not_null()).group_by("entity_id").agg(pl.col(c).first(), pl.col("_o").first())
    return out


def fold(kind: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Two chunks' partial counts of one kind as one."""
    if kind in ("types", "names"):
        return frame.group_by(frame.columns[:2]).agg(pl.col("n").sum())
    if kind == "surfaces":
        return frame.unique()
    return frame.sort("_o").group_by("entity_id").agg(pl.col(kind).first(), pl.col("_o").first())


def aggregates(totals: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """catalog_part's per-entity aggregates from the folded counts: the most frequent type (ties: the
    first in order), the sorted surfaces, the mention count, the first non-null geo values, `readable`'s name."""
    types = totals["types"]
    cat = (types.sort(["entity_id", "n", "type"], descending=[False, True, False]).unique("entity_id", keep="first")
           .select("entity_id", "type")
           .join(types.group_by("entity_id").agg(pl.col("n").sum().cast(pl.Int64).alias("mention_count")),
                 on="entity_id")
           .join(totals["surfaces"].group_by("entity_id").agg(pl.col("surface").sort().alias("aliases")),
                 on="entity_id"))
    for c in GEO_COLUMNS:
        cat = cat.join(totals[c].select("entity_id", c), on="entity_id", how="left")
    names = (totals["names"].sort(["entity_id", "n", pl.col("canonical_name").str.len_chars(), "canonical_name"],
                                  descending=[False, True, True, False])
             .unique("entity_id", keep="first").select("entity_id", "canonical_name"))
    return cat.join(names, on="entity_id", how="left")
