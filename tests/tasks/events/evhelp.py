"""Shared helpers of the events tests: run sentences through segmentation, entities and events."""

import polars as pl

from akhbar.config import EventsConfig
from akhbar.contracts import SCHEMAS
from interfaces.eval_events import same_phrase
from akhbar.text.sentences import split_sentences
from tasks.entities import extract_mentions
from tasks.events import Carry, extract_sentence_events


RULES_ONLY = EventsConfig(learned_decision=False)      # the salience rules without the trained decision


def events(text, published=None, cfg=None):
    out, carry = [], Carry()
    for i, (a, b) in enumerate(split_sentences(text)):
        ms = extract_mentions("a1", text, [(i, a, b)], "r")
        out += extract_sentence_events("a1", text, i, a, b, ms, "r", published=published, carry=carry, cfg=cfg)
    return out


def of_type(text, etype, **kw):
    """The events of one type in `text` (asserted to be some)."""
    evs = [e for e in events(text, **kw) if e["event_type"] == etype]
    assert evs, (etype, [e["event_type"] for e in events(text, **kw)])
    return evs


def one(text, etype, **kw):
    return of_type(text, etype, **kw)[0]


def frames(texts, published=None):
    arts, sens, ents = [], [], []
    for k, text in enumerate(texts):
        aid = f"a{k}"
        arts.append(dict(article_id=aid, text=text, published_date=published))
        spans = split_sentences(text)
        for i, (a, b) in enumerate(spans):
            sens.append(dict(article_id=aid, sentence_idx=i, paragraph_idx=0, start=a, end=b))
        ents += extract_mentions(aid, text, [(i, a, b) for i, (a, b) in enumerate(spans)], "r")
    ent_schema = pl.from_arrow(SCHEMAS["entities"].empty_table()).schema
    return (pl.DataFrame(arts, schema={"article_id": pl.String, "text": pl.String, "published_date": pl.Date}),
            pl.DataFrame(sens), pl.DataFrame(ents, schema=ent_schema) if ents else pl.DataFrame(schema=ent_schema))


def has(value, expected):
    return value is not None and any(same_phrase(expected, v) for v in value.split("؛ "))
