"""Rule mentions of one article (the rule backend's unit of work) as rows of the `entities` table."""

from __future__ import annotations

import polars as pl
import pyarrow as pa

from akhbar.config import EntitiesConfig
from akhbar.contracts import SCHEMAS, empty_frame
from akhbar.geo import GeoIndex, default_index
from akhbar.ids import stable_id
from akhbar.text.tokens import tokenize
from tasks.entities.lexicon import Gazetteer, default_gazetteer, default_lexicon
from tasks.entities.link import link
from tasks.entities.rules import ArticleRules

MENTION_COLUMNS = ("article_id", "sentence_idx", "start", "end", "surface", "type", "entity_id", "canonical_name",
                   "role", "confidence", "method", "geonames_id", "lat", "lon", "country_code")


def empty_entities() -> pl.DataFrame:
    return empty_frame("entities")


def mention_frame(rows: list[tuple]) -> pl.DataFrame:
    """Mention rows (value tuples in MENTION_COLUMNS order) as a frame with the entities table's types:
    column lists to Arrow, cheaper than building the frame from row dicts (as in tasks/events.py)."""
    schema = pa.schema([SCHEMAS["entities"].field(c) for c in MENTION_COLUMNS])
    columns = dict(zip(MENTION_COLUMNS, map(list, zip(*rows)))) if rows else {c: [] for c in MENTION_COLUMNS}
    return pl.from_arrow(pa.Table.from_pydict(columns, schema=schema))


def sentences_by_article(sentences: pl.DataFrame) -> dict[str, list[tuple[int, int, int]]]:
    out: dict[str, list[tuple[int, int, int]]] = {}
    for aid, idx, s, e in sentences.select("article_id", "sentence_idx", "start", "end").sort(
            "article_id", "sentence_idx").iter_rows():
        out.setdefault(aid, []).append((idx, s, e))
    return out


SentenceTokens = tuple[list[list[tuple[int, int]]], list[list[str]]]


def sentence_tokens(text: str, sentences, splits: list[int] | None = None) -> SentenceTokens:
    """(token spans, token strings) of each sentence (sentence_idx, start, end) of an article: tokenized
    once and shared by the rules, the tagger and the speaker slots (tasks/entities/ner/backend.py)."""
    spans = [tokenize(text, s, e, splits) for _, s, e in sentences]
    return spans, [[text[a:b] for a, b in sp] for sp in spans]


def rule_mentions(article_id: str, text: str, sentences: list[tuple[int, int, int]], gaz: Gazetteer | None = None,
                  geo: GeoIndex | None = None, splits: list[int] | None = None,
                  cfg: EntitiesConfig | None = None, tokens: SentenceTokens | None = None) -> list[tuple]:
    """Rule mentions of one article as value tuples in MENTION_COLUMNS order, in text order.

    `splits`: glued-word repair offsets of the article (tasks.segment.repair_splits); `tokens`: its
    sentence_tokens when already computed."""
    gaz, geo, lex = gaz or default_gazetteer(), geo or default_index(), default_lexicon()
    rules = ArticleRules(text, sentences, gaz, lex, splits, cfg, tokens)
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
                     splits: list[int] | None = None, with_ids: bool = True,
                     cfg: EntitiesConfig | None = None) -> list[dict]:
    """Rule mentions of one article as rows of the `entities` table, in text order (see rule_mentions).

    `with_ids=False` leaves mention_id None."""
    rows = []
    for values in rule_mentions(article_id, text, sentences, gaz, geo, splits, cfg):
        row = dict(zip(MENTION_COLUMNS, values))
        mention_id = stable_id("men", article_id, row["start"], row["end"], row["type"]) if with_ids else None
        rows.append({"mention_id": mention_id, **row, "run_id": run_id})
    return rows

