"""Events: who did what to whom, where, when, and who says so.

Foundation backend: a trigger lexicon (akhbar/resources/event_triggers.tsv)
matched clitic-aware on the token stream; arguments from the entity mentions of
the same sentence; modality from cue words.
"""

from __future__ import annotations

from functools import lru_cache

import polars as pl
from prefect import task

from akhbar.arabic import clitic_keys, normalize
from akhbar.contracts import SCHEMAS
from akhbar.ids import stable_id
from akhbar.resources import read_tsv
from tasks.segment import tokenize

REPORTED_CUES = ("انباء", "تقارير", "انباء عن")
ACCUSED_CUES = ("اتهم", "اتهمت", "يتهم")
NEGATION_CUES = ("لا", "لم", "لن", "عدم", "غير")


@lru_cache(maxsize=1)
def trigger_lexicon() -> dict[str, tuple[str, str]]:
    return {normalize(t): (typ, mode) for t, typ, mode in read_tsv("event_triggers.tsv")}


def sentence_modality(norm_tokens: list[str], trigger_idx: int) -> str:
    window = set(norm_tokens[max(0, trigger_idx - 3):trigger_idx])
    if window & set(NEGATION_CUES):
        return "denied"
    toks = set(norm_tokens)
    if toks & set(ACCUSED_CUES):
        return "accused"
    if toks & set(REPORTED_CUES):
        return "reported"
    return "asserted"


def extract_sentence_events(article_id: str, text: str, s_idx: int, s_start: int, s_end: int,
                            mentions: list[dict], run_id: str) -> list[dict]:
    lex = trigger_lexicon()
    spans = tokenize(text, s_start, s_end)
    norm = [normalize(text[a:b]) for a, b in spans]
    out = []
    for i, tok in enumerate(norm):
        hit = next((lex[k] for k in clitic_keys(tok) if k in lex), None)
        if not hit:
            continue
        etype, mode = hit
        t_start, t_end = spans[i]
        before = [m for m in mentions if m["end"] <= t_start and m["type"] in ("PERSON", "ORG")]
        after = [m for m in mentions if m["start"] >= t_end]
        actor = before[-1] if before else None
        locs = [m for m in after if m["type"] == "LOC"]
        out.append(dict(
            event_id=stable_id("evt", article_id, t_start, t_end, etype), article_id=article_id,
            sentence_idx=s_idx, start=s_start, end=s_end, trigger=text[t_start:t_end],
            trigger_start=t_start, trigger_end=t_end, event_type=etype, mode=mode,
            actor_entity_ids=[actor["entity_id"]] if actor else [], actor_text=actor["surface"] if actor else None,
            target_entity_ids=[], target_text=None,
            location_entity_id=locs[0]["entity_id"] if locs else None,
            location_text=locs[0]["surface"] if locs else None,
            origin_entity_id=None, origin_text=None, destination_entity_id=None, destination_text=None,
            event_date=None, date_precision="unknown", date_text=None, quantities=[],
            source_entity_id=None, source_text=None, via_text=None,
            modality=sentence_modality(norm, i), confidence=0.5, method="lexicon",
            cluster_id=None, n_sources=None, run_id=run_id))
    return out


def extract_events(articles: pl.DataFrame, sentences: pl.DataFrame, entities: pl.DataFrame,
                   run_id: str) -> pl.DataFrame:
    schema = pl.from_arrow(SCHEMAS["events"].empty_table()).schema
    texts = dict(articles.select("article_id", "text").iter_rows())
    mentions: dict[tuple[str, int], list[dict]] = {}
    for m in entities.iter_rows(named=True):
        mentions.setdefault((m["article_id"], m["sentence_idx"]), []).append(m)
    rows = []
    for aid, s_idx, s, e in sentences.select("article_id", "sentence_idx", "start", "end").iter_rows():
        rows.extend(extract_sentence_events(aid, texts[aid], s_idx, s, e, mentions.get((aid, s_idx), []), run_id))
    return pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)


@task(name="extract-events")
def extract_events_task(articles, sentences, entities, run_id: str) -> pl.DataFrame:
    return extract_events(articles, sentences, entities, run_id)
