"""Analysis exports: events and incidents with the joins a researcher needs, in csv (Excel-ready
with a BOM), parquet, jsonl or GeoJSON.

The joined columns are appended after the table's own columns (which stay as published):
events get the article's title, date, URL and publisher, the evidence sentence, the place's
names and coordinates and the readable names of actors, targets and source; incidents get the
titles and URLs of their evidence articles. Everything is read from ONE snapshot.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import polars as pl

from akhbar.lake.tables import read_snapshot
from akhbar.names import name_exprs, names_of, readable_names

ANALYSIS_TABLES = ("events", "incidents")
ANALYSIS_FORMATS = ("parquet", "csv", "jsonl", "geojson")


def article_refs(articles: pl.DataFrame, documents: pl.DataFrame) -> pl.DataFrame:
    """article_id -> title, date, URL and publisher (the first document's metadata where the page has none)."""
    docs = documents.select("doc_id", "meta_url", "meta_source", "meta_title").unique("doc_id")
    return (articles.select("article_id", "title", "published_date", "source", pl.col("doc_ids").list.first().alias("doc_id"))
            .join(docs, on="doc_id", how="left")
            .select("article_id", pl.coalesce("title", "meta_title").alias("article_title"),
                    pl.col("published_date").alias("article_date"), pl.col("meta_url").alias("article_url"),
                    pl.coalesce("source", "meta_source").alias("article_source")))


def joined_events(t: dict[str, pl.DataFrame]) -> pl.DataFrame:
    cat = t["entity_catalog"]
    names = readable_names(cat)
    place = (cat.select("entity_id", *name_exprs(cat), "lat", "lon", "country_code")
             .rename({"entity_id": "location_entity_id", "name": "location_name", "name_latin": "location_name_latin"}))
    ev = t["events"]
    out = (ev.join(article_refs(t["articles"], t["documents"]), on="article_id", how="left")
           .join(t["sentences"].select("article_id", "sentence_idx", pl.col("text").alias("sentence")),
                 on=["article_id", "sentence_idx"], how="left")
           .join(place, on="location_entity_id", how="left")
           .join(names.rename({"entity_id": "source_entity_id", "name": "source_name", "name_latin": "source_name_latin"}),
                 on="source_entity_id", how="left"))
    out = names_of(out, "event_id", "actor_entity_ids", "actor", names)
    return names_of(out, "event_id", "target_entity_ids", "target", names)


def joined_incidents(t: dict[str, pl.DataFrame]) -> pl.DataFrame:
    inc = t["incidents"]
    refs = article_refs(t["articles"], t["documents"])
    x = (inc.select("incident_id", pl.col("evidence_article_ids").alias("article_id")).explode("article_id")
         .join(refs, on="article_id", how="left").sort("incident_id", "article_date", "article_id", nulls_last=True)
         .group_by("incident_id", maintain_order=True)
         .agg(pl.col("article_title").alias("article_titles"), pl.col("article_url").alias("article_urls"),
              pl.col("article_source").unique(maintain_order=True).drop_nulls().alias("article_sources")))
    return inc.join(x, on="incident_id", how="left", maintain_order="left")


def analysis_frame(output_dir: Path | str, name: str, run: str | None = None) -> pl.DataFrame:
    """`events` or `incidents` of one snapshot with the joins done."""
    if name not in ANALYSIS_TABLES:
        raise ValueError(f"analysis export covers {', '.join(ANALYSIS_TABLES)}, not '{name}'")
    need = ["articles", "documents", "entity_catalog", name] + (["sentences"] if name == "events" else [])
    tables = read_snapshot(output_dir, need, run=run)
    return joined_events(tables) if name == "events" else joined_incidents(tables)


def _json_value(v):
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return None
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if isinstance(v, list):
        return [_json_value(x) for x in v]
    if isinstance(v, dict):
        return {k: _json_value(x) for k, x in v.items()}
    return v


def geojson(df: pl.DataFrame) -> tuple[dict, int]:
    """(RFC 7946 FeatureCollection of Points [lon, lat] in WGS 84, rows left out for lack of coordinates).
    Properties keep every other column (lists and structs as JSON arrays and objects)."""
    located = df.filter(pl.col("lat").is_not_null() & pl.col("lon").is_not_null())
    props = [c for c in located.columns if c not in ("lat", "lon")]
    features = []
    for row in located.iter_rows(named=True):
        features.append({"type": "Feature",
                         "geometry": {"type": "Point", "coordinates": [round(row["lon"], 6), round(row["lat"], 6)]},
                         "properties": {c: _json_value(row[c]) for c in props}})
    return {"type": "FeatureCollection", "features": features}, df.height - located.height


def write_frame(df: pl.DataFrame, fmt: str, dest: Path | str, excel: bool = False) -> dict:
    """Write a frame as parquet, csv (lists/structs as JSON text; `excel`: UTF-8 with a BOM so Excel
    reads Arabic), jsonl or geojson. Returns {rows, skipped} (GeoJSON skips rows without coordinates)."""
    from akhbar.lake.ops import json_text

    if fmt not in ANALYSIS_FORMATS:
        raise ValueError(f"unknown format '{fmt}': use one of {', '.join(ANALYSIS_FORMATS)}")
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    skipped = 0
    if fmt == "parquet":
        df.write_parquet(dest)
    elif fmt == "jsonl":
        df.write_ndjson(dest)
    elif fmt == "geojson":
        doc, skipped = geojson(df)
        dest.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    else:
        flat = df.with_columns(json_text(c) for c, t in df.schema.items() if t.is_nested())
        flat.write_csv(dest, include_bom=excel)
    return {"rows": df.height - skipped, "skipped": skipped}
