"""Entities: typed, canonical, geocoded mentions with exact offsets into articles.text.

The stage is a backend behind one interface (`EntityBackend.extract(articles, sentences)`):

- `RuleBackend` (default, embedded, no model): gazetteer + patterns + article-level linking
  (tasks/entity_rules.py, tasks/entity_link.py) over the `akhbar.text.tokens.tokenize` stream.
- `TransformersBackend`: a local token-classification model directory (a Hugging Face or
  CAMeL Tools NER model saved with `save_pretrained`), selected with AKHBAR_NER_MODEL_DIR.
  It never downloads anything, imports `transformers` only when used, and either merges its
  spans into the rule output (AKHBAR_NER_MODE=merge, default: rule mentions win on overlap)
  or replaces it (replace).

See docs/entities.md for the decisions, thresholds and measured figures.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

import polars as pl
import pyarrow as pa

from akhbar.perf import gc_paused
from akhbar.text.normalise import normalize
from akhbar.contracts import SCHEMAS, empty_frame
from akhbar.geo import GeoIndex, default_index
from akhbar.ids import stable_id
from tasks.entity_lexicon import Gazetteer, GazEntry, default_gazetteer, default_lexicon
from tasks.entity_link import link
from tasks.entity_rules import ArticleRules, original_offset
from akhbar.text.tokens import repair_splits

__all__ = ["EntityBackend", "RuleBackend", "TransformersBackend", "Gazetteer", "GazEntry", "build_catalog",
           "default_gazetteer", "extract_entities", "extract_mentions", "get_backend", "merge_mentions",
           "original_offset"]

MENTION_COLUMNS = ("article_id", "sentence_idx", "start", "end", "surface", "type", "entity_id", "canonical_name",
                   "role", "confidence", "method", "geonames_id", "lat", "lon", "country_code")


def empty_entities() -> pl.DataFrame:
    return empty_frame("entities")


def sentences_by_article(sentences: pl.DataFrame) -> dict[str, list[tuple[int, int, int]]]:
    out: dict[str, list[tuple[int, int, int]]] = {}
    for aid, idx, s, e in sentences.select("article_id", "sentence_idx", "start", "end").sort(
            "article_id", "sentence_idx").iter_rows():
        out.setdefault(aid, []).append((idx, s, e))
    return out


def rule_mentions(article_id: str, text: str, sentences: list[tuple[int, int, int]], gaz: Gazetteer | None = None,
                  geo: GeoIndex | None = None, splits: list[int] | None = None) -> list[tuple]:
    """Rule mentions of one article as value tuples in MENTION_COLUMNS order, in text order.

    `splits`: glued-word repair offsets of the article (tasks.segment.repair_splits)."""
    gaz, geo, lex = gaz or default_gazetteer(), geo or default_index(), default_lexicon()
    rules = ArticleRules(text, sentences, gaz, lex, splits)
    rows = []
    for m in link(rules, rules.run(geo.by_name), geo):
        place = m.place
        rows.append((article_id, rules.sent[m.i], m.start, m.end, text[m.start:m.end], m.type, m.entity_id,
                     m.canonical_name, m.role, m.confidence, m.method,
                     (place.geonames_id or None) if place else None, place.lat if place else None,
                     place.lon if place else None, (place.country_code.strip() or None) if place else None))
    return rows


def extract_mentions(article_id: str, text: str, sentences: list[tuple[int, int, int]], run_id: str,
                     gaz: Gazetteer | None = None, geo: GeoIndex | None = None,
                     splits: list[int] | None = None, with_ids: bool = True) -> list[dict]:
    """Rule mentions of one article as rows of the `entities` table, in text order (see rule_mentions).

    `with_ids=False` leaves mention_id None."""
    rows = []
    for values in rule_mentions(article_id, text, sentences, gaz, geo, splits):
        row = dict(zip(MENTION_COLUMNS, values))
        mention_id = stable_id("men", article_id, row["start"], row["end"], row["type"]) if with_ids else None
        rows.append({"mention_id": mention_id, **row, "run_id": run_id})
    return rows


class EntityBackend(Protocol):
    """Anything that turns articles + sentences into mention rows (MENTION_COLUMNS)."""

    name: str

    def extract(self, articles: pl.DataFrame, sentences: pl.DataFrame) -> pl.DataFrame: ...


class RuleBackend:
    name = "rules"

    def extract(self, articles: pl.DataFrame, sentences: pl.DataFrame) -> pl.DataFrame:
        by_article = sentences_by_article(sentences)
        rows: list[tuple] = []
        has_repairs = "repairs" in articles.columns
        cols = ["article_id", "text"] + (["repairs"] if has_repairs else [])
        for row in articles.select(cols).iter_rows(named=True):
            splits = repair_splits(row["repairs"]) if has_repairs else None
            rows.extend(rule_mentions(row["article_id"], row["text"], by_article.get(row["article_id"], []),
                                      splits=splits))
        # column lists to Arrow: cheaper than building the frame from row dicts (as in tasks/events.py)
        schema = pa.schema([SCHEMAS["entities"].field(c) for c in MENTION_COLUMNS])
        columns = dict(zip(MENTION_COLUMNS, map(list, zip(*rows)))) if rows else {c: [] for c in MENTION_COLUMNS}
        return pl.from_arrow(pa.Table.from_pydict(columns, schema=schema))


# Labels of common Arabic NER models (CAMeLBERT NER, AraBERT ANERcorp, WikiANN) -> our types.
MODEL_LABELS = {"PER": "PERSON", "PERS": "PERSON", "PERSON": "PERSON", "ORG": "ORG", "LOC": "LOC", "GPE": "LOC",
                "NORP": "NORP", "DATE": "DATE", "TIME": "TIME", "QUANTITY": "QUANTITY", "CARDINAL": "QUANTITY"}


class TransformersBackend:
    """A local token-classification model directory. Optional: needs `transformers` (not a dependency)."""

    name = "transformers"

    def __init__(self, model_dir: str | Path, mode: str = "merge", base: EntityBackend | None = None):
        self.model_dir = Path(model_dir)
        if not self.model_dir.is_dir():
            raise FileNotFoundError(f"AKHBAR_NER_MODEL_DIR: no model directory at {self.model_dir}")
        if mode not in ("merge", "replace"):
            raise ValueError(f"AKHBAR_NER_MODE must be 'merge' or 'replace', not {mode!r}")
        self.mode, self.base = mode, base or RuleBackend()
        self._pipe = None

    def pipeline(self):
        if self._pipe is None:
            try:
                from transformers import pipeline
            except ImportError as exc:  # pragma: no cover - depends on the environment
                raise RuntimeError("the transformers NER backend needs the `transformers` package "
                                   "(pip install transformers torch); it is not a dependency of akhbar") from exc
            self._pipe = pipeline("token-classification", model=str(self.model_dir), tokenizer=str(self.model_dir),
                                  aggregation_strategy="simple", model_kwargs={"local_files_only": True})
        return self._pipe

    def predict(self, text: str) -> list[dict]:
        """[{'start', 'end', 'entity_group', 'score'}] for one sentence (the HF pipeline's output)."""
        return list(self.pipeline()(text))

    def extract(self, articles: pl.DataFrame, sentences: pl.DataFrame) -> pl.DataFrame:
        by_article = sentences_by_article(sentences)
        gaz = default_gazetteer()
        rows = []
        for aid, text in articles.select("article_id", "text").iter_rows():
            for idx, s, e in by_article.get(aid, []):
                for p in self.predict(text[s:e]):
                    typ = MODEL_LABELS.get(str(p["entity_group"]).upper())
                    if typ is None:
                        continue
                    start, end = s + int(p["start"]), s + int(p["end"])
                    surface = text[start:end]
                    entry = gaz.lookup(tuple(normalize(surface).split()), (typ,))
                    rows.append(dict(article_id=aid, sentence_idx=idx, start=start, end=end, surface=surface,
                                     type=typ, entity_id=entry.entity_id if entry else stable_id(
                                         typ.lower()[:3], normalize(surface)),
                                     canonical_name=entry.canonical_name if entry else surface, role=None,
                                     confidence=round(float(p.get("score", 0.5)), 4), method=f"model:{self.model_dir.name}",
                                     geonames_id=None, lat=None, lon=None, country_code=None))
        schema = {k: v for k, v in empty_entities().schema.items() if k in MENTION_COLUMNS}
        model = pl.DataFrame(rows, schema=schema).select(MENTION_COLUMNS) if rows else pl.DataFrame(schema=schema)
        if self.mode == "replace":
            return model
        return merge_mentions(self.base.extract(articles, sentences), model)


def merge_mentions(primary: pl.DataFrame, extra: pl.DataFrame) -> pl.DataFrame:
    """primary plus the rows of extra that overlap no primary span of the same article."""
    if extra.is_empty():
        return primary
    spans: dict[str, list[tuple[int, int]]] = {}
    for aid, s, e in primary.select("article_id", "start", "end").iter_rows():
        spans.setdefault(aid, []).append((s, e))
    keep = [not any(s < pe and ps < e for ps, pe in spans.get(aid, ()))
            for aid, s, e in extra.select("article_id", "start", "end").iter_rows()]
    return pl.concat([primary, extra.filter(pl.Series(keep))]).sort("article_id", "start", "end")


def get_backend(env: dict | None = None) -> EntityBackend:
    """The configured backend: AKHBAR_NER_MODEL_DIR selects a local model, else the rules."""
    env = os.environ if env is None else env
    model_dir = env.get("AKHBAR_NER_MODEL_DIR")
    if model_dir:
        return TransformersBackend(model_dir, env.get("AKHBAR_NER_MODE", "merge"))
    return RuleBackend()


@gc_paused
def extract_entities(articles: pl.DataFrame, sentences: pl.DataFrame, run_id: str,
                     backend: EntityBackend | None = None) -> pl.DataFrame:
    backend = backend or get_backend()
    schema = empty_entities().schema
    mentions = backend.extract(articles, sentences)
    if mentions.is_empty():
        return pl.DataFrame(schema=schema)
    ids = [stable_id("men", a, s, e, t) for a, s, e, t in mentions.select("article_id", "start", "end", "type").iter_rows()]
    return (mentions.with_columns(mention_id=pl.Series(ids, dtype=pl.String), run_id=pl.lit(run_id))
            .unique("mention_id", keep="first", maintain_order=True).select(schema.names()).cast(schema))


def build_catalog(mentions: pl.DataFrame, run_id: str) -> pl.DataFrame:
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
