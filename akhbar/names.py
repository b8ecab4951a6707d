"""Readable names for entity ids: the one place that turns `entity_catalog` rows and lists of
entity ids into Arabic and Latin names (used by the incidents stage and the analysis exports)."""

from __future__ import annotations

import polars as pl


def name_exprs(catalog: pl.DataFrame) -> list[pl.Expr]:
    """`name` (the canonical Arabic name) and `name_latin` (entity_catalog.name_latin, else the
    canonical name; a lake published before the column existed has only the canonical name)."""
    latin = pl.coalesce("name_latin", "canonical_name") if "name_latin" in catalog.columns else pl.col("canonical_name")
    return [pl.col("canonical_name").alias("name"), latin.alias("name_latin")]


def readable_names(catalog: pl.DataFrame) -> pl.DataFrame:
    """entity_id, name, name_latin."""
    return catalog.select("entity_id", *name_exprs(catalog))


def names_of(frame: pl.DataFrame, key: str, ids_col: str, prefix: str, names: pl.DataFrame) -> pl.DataFrame:
    """Add `{prefix}_names` and `{prefix}_names_latin`: the list column `ids_col` of entity ids as
    names, same order, one row per `key`. An id missing from the catalog keeps the id as its name;
    null ids are left out; an empty list gives empty lists and a null list null."""
    listed = (frame.select(key, pl.col(ids_col).alias("_id"))
              .with_columns(pl.int_ranges(pl.col("_id").list.len()).alias("_i"))
              .explode("_id", "_i").drop_nulls("_id")
              .join(names.select("entity_id", "name", "name_latin"), left_on="_id", right_on="entity_id", how="left")
              .sort(key, "_i").group_by(key, maintain_order=True)
              .agg(pl.coalesce("name", "_id").alias(f"{prefix}_names"),
                   pl.coalesce("name_latin", "_id").alias(f"{prefix}_names_latin")))
    out = frame.join(listed, on=key, how="left", maintain_order="left")
    empty = pl.lit([], dtype=pl.List(pl.String))
    return out.with_columns(
        pl.when(pl.col(ids_col).is_not_null()).then(pl.col(c).fill_null(empty)).alias(c)
        for c in (f"{prefix}_names", f"{prefix}_names_latin"))
