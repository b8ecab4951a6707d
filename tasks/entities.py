"""Entities: typed, canonical mentions with exact offsets into articles.text.

Backend `gazetteer`: Arabic-normalised, clitic-aware longest match over the
token stream (one dict lookup per token and length, not one regex per name).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import polars as pl
from prefect import task

from akhbar.arabic import clitic_keys, normalize
from akhbar.contracts import SCHEMAS
from akhbar.ids import stable_id
from akhbar.resources import read_tsv
from tasks.segment import tokenize


@dataclass(frozen=True)
class GazEntry:
    type: str
    entity_id: str
    canonical_name: str


class Gazetteer:
    """Maps tuples of normalised tokens to entries; longest match wins."""

    def __init__(self, rows):
        self.index: dict[tuple[str, ...], GazEntry] = {}
        self.max_len = 1
        for name, typ, eid, canon in rows:
            toks = tuple(normalize(name[a:b]) for a, b in tokenize(name))
            self.index.setdefault(toks, GazEntry(typ, eid, canon))
            self.max_len = max(self.max_len, len(toks))

    def match(self, norm_tokens: list[str], i: int) -> tuple[int, int, GazEntry] | None:
        """Longest entry starting at token i: (n_tokens, clitic prefix length (normalised chars), entry)."""
        first = norm_tokens[i]
        for n in range(min(self.max_len, len(norm_tokens) - i), 0, -1):
            rest = tuple(norm_tokens[i + 1:i + n])
            for key in clitic_keys(first):
                entry = self.index.get((key, *rest))
                if entry:
                    prefix = len(first) - len(key) if first.endswith(key) else len(first) - len(key) + 2
                    return n, max(prefix, 0), entry
        return None


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    return Gazetteer(read_tsv("gazetteer.tsv"))


def original_offset(surface: str, norm_chars: int) -> int:
    """Offset in `surface` after which `norm_chars` normalised characters have been consumed."""
    if norm_chars <= 0:
        return 0
    consumed = 0
    for idx, ch in enumerate(surface):
        consumed += len(normalize(ch))
        if consumed >= norm_chars:
            return idx + 1
    return len(surface)


def extract_mentions(article_id: str, text: str, sentences: list[tuple[int, int, int]], run_id: str,
                     gaz: Gazetteer | None = None) -> list[dict]:
    gaz = gaz or default_gazetteer()
    out = []
    for s_idx, s_start, s_end in sentences:
        spans = tokenize(text, s_start, s_end)
        norm = [normalize(text[a:b]) for a, b in spans]
        i = 0
        while i < len(spans):
            m = gaz.match(norm, i)
            if not m:
                i += 1
                continue
            n, prefix, entry = m
            start = spans[i][0] + original_offset(text[spans[i][0]:spans[i][1]], prefix)
            end = spans[i + n - 1][1]
            out.append(dict(
                mention_id=stable_id("men", article_id, start, end, entry.type), article_id=article_id,
                sentence_idx=s_idx, start=start, end=end, surface=text[start:end], type=entry.type,
                entity_id=entry.entity_id, canonical_name=entry.canonical_name, role=None,
                confidence=0.9, method="gazetteer", geonames_id=None, lat=None, lon=None,
                country_code=None, run_id=run_id))
            i += n
    return out


def build_catalog(mentions: pl.DataFrame, run_id: str) -> pl.DataFrame:
    schema = pl.from_arrow(SCHEMAS["entity_catalog"].empty_table()).schema
    if mentions.is_empty():
        return pl.DataFrame(schema=schema)
    return (mentions.group_by("entity_id").agg(
        pl.col("canonical_name").first(), pl.col("type").first(),
        pl.col("surface").unique().sort().alias("aliases"), pl.len().cast(pl.Int64).alias("mention_count"),
        pl.col("geonames_id").first(), pl.col("lat").first(), pl.col("lon").first(),
        pl.col("country_code").first())
        .with_columns(feature_class=pl.lit(None, pl.String), run_id=pl.lit(run_id))
        .select(schema.names()).cast(schema).sort("entity_id"))


def extract_entities(articles: pl.DataFrame, sentences: pl.DataFrame, run_id: str) -> pl.DataFrame:
    schema = pl.from_arrow(SCHEMAS["entities"].empty_table()).schema
    by_article: dict[str, list[tuple[int, int, int]]] = {}
    for aid, idx, s, e in sentences.select("article_id", "sentence_idx", "start", "end").iter_rows():
        by_article.setdefault(aid, []).append((idx, s, e))
    rows = []
    for aid, text in articles.select("article_id", "text").iter_rows():
        rows.extend(extract_mentions(aid, text, by_article.get(aid, []), run_id))
    return pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)


@task(name="extract-entities")
def extract_entities_task(articles: pl.DataFrame, sentences: pl.DataFrame, run_id: str) -> pl.DataFrame:
    return extract_entities(articles, sentences, run_id)
