"""The events stage: one sentence, one article, a frame of articles (docs/events.md)."""

from __future__ import annotations

import datetime as dt
import re
from itertools import compress
from operator import attrgetter

import polars as pl
import pyarrow as pa

from akhbar.config import EventsConfig
from akhbar.perf import gc_paused
from akhbar.contracts import SCHEMAS, empty_frame
from akhbar.ids import stable_id
from akhbar.text.tokens import TOKEN
from tasks.events.lexicon import Trigger
from tasks.events.time import find_quantities, find_times, resolve
from tasks.events.words import (BIT, CLAUSE_BITS, Carry, Filler, LIST_SEP, NON_PARTICIPANTS, NUMBER_BIT, Sentence,
                                TIME_START_BIT, _may_have_events, analyse, positions, words_of)
from tasks.events.triggers import (_civilian_movers, _drop_mentions_opening_with, _mode_from_cues, _trigger_span,
                                   find_triggers)
from tasks.events.arguments import _gender, _pronoun_subject, arguments
from tasks.events.attribution import _count_quotes, _update_carry, attribution
from tasks.events.modality import modality
from tasks.events.salience import earlier_than_news, salience
from tasks.events.domain import article_topic, conflict_types, figurative_move, sense_blocked, verbal_attack
from tasks.events.decision import decide_sentence
from tasks.events.clustering import assign_article_event_ids, cluster_rows

METHOD = "lexicon-rules-v1"


SITE_SHARING = ("ASSAULT", "CASUALTIES")
UNDATED_MODALITIES = ("future", "hypothetical")
TOPIC_SENTENCES = 5                                 # title and lead: what an article is about      # no publication date for what has not happened


COMMA_MARKS = re.compile("[،,;:]")         # a comma, semicolon or colon before a word (`_comma_words`)
PUNCT_OF = attrgetter("punct")


MENTION_FIELDS = ("article_id", "sentence_idx", "start", "end", "surface", "type", "entity_id")  # what events read


def _sentence_events(article_id: str, text: str, s_idx: int, s_start: int, s_end: int, mentions: list[dict],
                     run_id: str, published: dt.date | None, carry: Carry, cfg: EventsConfig | None = None,
                     presorted: bool = False) -> list[dict]:
    tokens = TOKEN.findall(text, s_start, s_end)
    if s_idx < TOPIC_SENTENCES:
        carry.tokens.update(tokens)           # the article's topic is read from its title and lead
    if not _may_have_events(tokens):
        _count_quotes(text, carry, s_start, s_end)   # no trigger form and no speech verb: only quotes move
        return []
    words, _ = words_of(text, s_start, s_end, tokens)
    sent = analyse(text, s_start, s_end, mentions, words, cfg, presorted)
    found = _in_domain(sent, find_triggers(sent))
    sent.triggers = {i for i, _, _ in found}
    _drop_mentions_opening_with(sent, sent.triggers)
    out = []
    if found:
        bits, cflags = sent.bits, sent.cflags   # the OR of the word flags: skip a scan when no word has the bit
        times = find_times(sent.words, positions(cflags, TIME_START_BIT) if bits & TIME_START_BIT else [])
        time_words = sent.time_words = {k for e in times for k in range(e.first, e.last + 1)}
        quantities = find_quantities(sent.words, time_words, positions(cflags, NUMBER_BIT) if bits & NUMBER_BIT else [])
        where = (article_id, s_idx, s_start, s_end, run_id)
        for i, t, key in found:
            out.append(_event_row(where, sent, i, t, key, times, quantities, published, carry))
        if sent.cfg.learned_decision:       # ASSAULT / PROTEST salience: the trained model has the last word
            decide_sentence(sent.words, [(i, r) for (i, _, _), r in zip(found, out)])
        if len(out) > 1:
            _share_site(out)
    _update_carry(sent, carry)
    return out


def _in_domain(sent: Sentence, found: list) -> list:
    """Triggers left once their sense is checked: no conflict event from a figurative sense
    ('تراجعت السوق', 'تفجر الخلاف'). The article's topic is checked once it is read (`_on_topic`)."""
    conflict = conflict_types()
    return [(i, t, key) for i, t, key in found
            if t.type not in conflict or verbal_attack(sent, i)
            or not (sense_blocked(sent, i, t.pos == "verb") or figurative_move(sent, i, t.type))]


def _on_topic(rows: list[dict], carry: Carry) -> list[dict]:
    """No conflict event in an article about sport, markets, health or culture (tasks.events.domain)."""
    if not rows or article_topic(tokens=carry.tokens) is None:
        return rows
    conflict = conflict_types()
    return [r for r in rows if r["event_type"] not in conflict]


def _share_site(rows: list[dict]) -> None:
    """Casualties happen where the attack that caused them did ('قتل خمسة وأصيب 12 في انفجار ...
    في مقديشو', 'مقتل قيادي ... خلال غارة على ريف دير الزور'): in one sentence, an event of either
    type with no site takes the site of the nearest event of the other type."""
    rows = [r for r in rows if r["event_type"] in SITE_SHARING]
    if len(rows) < 2:
        return
    for r in rows:
        if r["location_text"] is None:
            others = [o for o in rows if o["location_text"] is not None and o["event_type"] != r["event_type"]]
            if others:
                o = min(others, key=lambda o: abs(o["trigger_start"] - r["trigger_start"]))
                r["location_text"], r["location_entity_id"] = o["location_text"], o["location_entity_id"]



def _event_row(where: tuple, sent: Sentence, i: int, t: Trigger, key: str, times: list, quantities: list,
               published: dt.date | None, carry: Carry) -> dict:
    """One events row for the trigger at word i; `where` is (article_id, sentence_idx, start, end, run_id)."""
    article_id, s_idx, s_start, s_end, run_id = where
    t_start, t_end = _trigger_span(sent.text, sent.words[i], key)
    args = arguments(sent, i, t, sent.triggers, key=key)
    _elided_actor(sent, i, t, key, args, carry)
    source, cue_idx = attribution(sent, i, carry)
    mod = modality(sent, i, t, key, source, cue_idx)
    sal, sal_rule = salience(sent, i, t, key)
    mode = t.mode or _mode_from_cues(sent, i, t)
    expr = _event_time(sent, i, times, cue_idx)
    date, precision = resolve(expr, published) if expr else (None, "unknown")
    if sal == "main" and expr is not None and (expr.year and earlier_than_news(date, published)
                                               or (expr.rel_year or 0) < 0):
        sal, sal_rule = "background", "earlier-date"  # 'في عام 2006', 'في يوليو 1995': a past happening recalled
    if date is None and published is not None and mod not in UNDATED_MODALITIES:
        date, precision = published, "publication"   # reported as past: on or shortly before publication
    qs = _event_quantities(sent, i, t, quantities)
    if t.type == "CASUALTIES" and not args["target"] and qs:
        a = _quantity_with_text(sent, quantities, qs[0]["text"])
        if a is not None:
            args["target"] = [Filler(sent.words[a[0]].start, sent.words[a[1]].end, qs[0]["text"], None, a[0], a[1])]
    etype = t.type
    if etype == "ASSAULT" and verbal_attack(sent, i):
        etype, mode = "ACCUSE", None           # 'هاجم نتنياهو السلطة قائلا': an attack in words
    if etype == "ESCAPE" and t.mode in ("leave", "flee", "transfer") and _civilian_movers(sent, i):
        etype, mode = "EVACUATE", "civilians"
    src = source["filler"] if source else None
    via = source.get("via") if source else None
    actor, target = args["actor"], args["target"]
    loc, orig, dest = args["location"], args["origin"], args["destination"]
    # a dict display: half the cost of dict(**keywords) per row; keys in the contract's column order
    row = {
        "event_id": stable_id("evt", article_id, t_start, t_end, etype), "article_id": article_id,
        "sentence_idx": s_idx, "start": s_start, "end": s_end, "trigger": sent.text[t_start:t_end],
        "trigger_start": t_start, "trigger_end": t_end, "event_type": etype, "mode": mode,
        "actor_entity_ids": [f.entity_id for f in actor if f.entity_id] if actor else [],   # no comprehension
        "actor_text": LIST_SEP.join([f.text for f in actor]) or None if actor else None,   # over nothing
        "target_entity_ids": [f.entity_id for f in target if f.entity_id] if target else [],
        "target_text": LIST_SEP.join([f.text for f in target]) or None if target else None,
        "location_entity_id": loc.entity_id if loc else None, "location_text": loc.text if loc else None,
        "origin_entity_id": orig.entity_id if orig else None, "origin_text": orig.text if orig else None,
        "destination_entity_id": dest.entity_id if dest else None, "destination_text": dest.text if dest else None,
        "event_date": date, "date_precision": precision,
        "date_text": sent.text[sent.words[expr.first].start:sent.words[expr.last].end] if expr else None,
        "quantities": qs, "source_entity_id": src.entity_id if src else None,
        "source_text": src.text if src else None, "via_text": via.text if via else None, "modality": mod,
        "salience": sal, "confidence": _confidence(sent.cfg, t, args, src), "method": f"{METHOD};salience:{sal_rule}",
        "article_event_id": None, "cluster_id": None, "n_sources": None, "run_id": run_id}
    return row


def _quantity_with_text(sent: Sentence, quantities: list, text: str):
    """The first (first word, last word, quantity) of `quantities` spelled `text`, or None (a loop:
    `_event_row` stays closure-free)."""
    for x in quantities:
        if sent.text[sent.words[x[0]].start:sent.words[x[1]].end] == text:
            return x
    return None


def _elided_actor(sent: Sentence, i: int, t: Trigger, key: str, args: dict, carry: Carry) -> None:
    """An event with no actor whose trigger shows an agreeing person takes the article's last actor
    ('وصل بلينكن ... وفي جولته'); an event with an actor becomes the last actor."""
    pronoun = _pronoun_subject(sent, i, t, key) if not args["actor"] and carry.actor else None
    if pronoun is not None and pronoun == _gender(sent, carry.actor[0]):
        args["actor"] = list(carry.actor)
    elif args["actor"] and args["actor"][0].text:
        carry.actor, carry.actor_paragraph = args["actor"], carry.paragraph


def _event_time(sent: Sentence, i: int, times: list, cue_idx: int | None):
    """The nearest time expression that dates the event, not the statement ('قال يوم الخميس إن ...')."""
    if not times:
        return None
    window = sent.cfg.time_window
    eligible = [e for e in times if min(abs(e.first - i), abs(e.last - i)) <= window
                and not _statement_date(sent, e, i, cue_idx) and _same_clause(sent, i, e, sent.triggers)]
    best = best_d = None                      # the first nearest (as `min` with a key; a loop: no closure)
    for e in eligible:
        d = min(abs(e.first - i), abs(e.last - i))
        if best is None or d < best_d:
            best, best_d = e, d
    return best


def _event_quantities(sent: Sentence, i: int, t: Trigger, quantities: list) -> list[dict]:
    """Counted phrases near the trigger, their kind set by the event (CASUALTIES count the killed)."""
    window = sent.cfg.quantity_window
    qs = []
    for a, b, q in quantities:
        if abs(a - i) <= window or abs(b - i) <= window:
            kind = q["kind"]
            if t.type == "CASUALTIES" and kind in ("people", "troops", "count"):
                kind = t.mode or "killed"
            elif t.type == "MOBILIZE" and kind in ("people", "count") and t.mode == "troops":
                kind = "troops"
            qs.append({**q, "kind": kind, "text": sent.text[sent.words[a].start:sent.words[b].end]})
    return qs


_ROUNDED: dict[float, float] = {}     # confidence -> rounded: a handful of distinct sums, `round(x, 2)` is costly


def _confidence(cfg: EventsConfig, t: Trigger, args: dict, src) -> float:
    conf = cfg.confidence_base + cfg.confidence_actor * bool(args["actor"]) \
        + cfg.confidence_place * bool(args["location"] or args["origin"] or args["destination"]) \
        + cfg.confidence_checked * (t.pos == "verb" or bool(t.context.require_near or t.context.require_next)) \
        + cfg.confidence_source * bool(src)
    conf = min(conf, cfg.confidence_cap)
    rounded = _ROUNDED.get(conf)
    if rounded is None:
        rounded = _ROUNDED[conf] = round(conf, 2)
    return rounded


def _same_clause(sent: Sentence, i: int, e, triggers: set[int]) -> bool:
    """Whether time expression e is in the clause of the trigger at word i: no comma, clause
    break, complementizer or speech verb between them, and no other event nearer to it on the
    way ('خرج ... في تشرين أول' dates the nearer event, not one three clauses back)."""
    lo, hi = (i + 1, e.first) if e.first > i else (e.last + 1, i)
    cflags, commas = sent.cflags, _comma_words(sent)
    for k in range(lo, hi + 1):
        if k in commas and k != e.first and k != e.last + 1:
            return False                      # commas around the expression itself are parenthetical ('، أمس،')
        if k < hi and (cflags[k] & CLAUSE_BITS or k in triggers):
            return False
    return True


def _comma_words(sent: Sentence) -> frozenset[int]:
    """Indexes of the words with a comma, semicolon or colon before them (once per sentence)."""
    commas = sent.memo.get("commas")
    if commas is None:                        # most words have no punctuation: only those are searched
        puncts = list(map(PUNCT_OF, sent.words))
        commas = sent.memo["commas"] = frozenset(k for k in compress(range(len(puncts)), puncts)
                                                 if COMMA_MARKS.search(puncts[k]))
    return commas



def _statement_date(sent: Sentence, e, i: int, cue_idx: int | None) -> bool:
    """Whether time expression e dates a statement, not the event at word i.

    True when e comes before the speech cue that introduces the event ('ويوم أمس أكد ... أن'),
    or sits between a speech verb and the 'أن/إن' that opens the event's clause
    ('قال يوم الخميس إن', 'رجحت، يوم الأربعاء، أن')."""
    if e.first >= i:
        return False
    cflags, bit = sent.cflags, BIT["complementizers"]
    comp = None
    for k in range(e.last + 1, i):
        if cflags[k] & bit:
            comp = k
            break
    if cue_idx is not None and cue_idx < i:
        if e.last < cue_idx or comp is not None and e.first > cue_idx:
            return True
    if comp is None:
        return False
    speech = BIT["speech_verbs"]
    for j in range(max(0, e.first - 5), e.first):
        if sent.words[j].flags & speech:
            return True
    return False



def extract_sentence_events(article_id: str, text: str, s_idx: int, s_start: int, s_end: int,
                            mentions: list[dict], run_id: str, *, published: dt.date | None = None,
                            carry: Carry | None = None, cfg: EventsConfig | None = None) -> list[dict]:
    """Events of one sentence (text[s_start:s_end]); `carry` hands attribution to the next sentence."""
    return _sentence_events(article_id, text, s_idx, s_start, s_end, mentions, run_id, published,
                            carry if carry is not None else Carry(), cfg)


def _mentions_by_sentence(entities: pl.DataFrame) -> dict[tuple[str, int], list[dict]]:
    """Participant mentions per (article_id, sentence_idx), each list by start, the longer of two
    mentions at one start first (the order `analyse` reads them in; sorted once here, ties kept in
    input order as a stable sort would). Column lists zipped in Python are cheaper than polars row
    tuples or dicts (hot at 10^5 rows); dates and times are left out."""
    mentions: dict[tuple[str, int], list[dict]] = {}
    participants = entities.filter(~pl.col("type").is_in(NON_PARTICIPANTS)).sort(
        "article_id", "sentence_idx", "start", "end", descending=[False, False, False, True], maintain_order=True)
    cur_aid = cur_idx = object()              # sorted: each sentence's mentions come in one run
    cur: list[dict] = []
    for aid, s_idx, start, end, surface, typ, eid in zip(*(participants.get_column(c).to_list()
                                                           for c in MENTION_FIELDS)):
        if s_idx != cur_idx or aid != cur_aid:
            cur_aid, cur_idx = aid, s_idx
            cur = mentions[(aid, s_idx)] = []
        cur.append({"start": start, "end": end, "surface": surface, "type": typ, "entity_id": eid})
    return mentions


def _articles_in_order(articles: pl.DataFrame, sentences: pl.DataFrame):
    """(article_id, text, published_date, [(sentence_idx, start, end, paragraph_idx), ...]) per article."""
    meta = {r["article_id"]: r for r in articles.select("article_id", "text", "published_date").iter_rows(named=True)}
    unknown = set(sentences["article_id"].unique()) - set(meta)
    if unknown:
        raise ValueError(f"extract_events: {len(unknown)} article_id(s) in sentences have no article, "
                         f"e.g. {sorted(unknown)[:3]}; pass the articles of the same partition")
    par_col = pl.col("paragraph_idx") if "paragraph_idx" in sentences.columns else pl.lit(None, pl.Int32)
    ordered = sentences.sort("article_id", "sentence_idx").select("article_id", "sentence_idx", "start", "end",
                                                                   par_col.alias("paragraph_idx"))
    current, group = None, []
    for aid, s_idx, s_start, s_end, par in zip(*(ordered.get_column(c).to_list() for c in ordered.columns)):
        if aid != current:
            if group:
                yield current, meta[current]["text"], meta[current]["published_date"], group
            current, group = aid, []
        group.append((s_idx, s_start, s_end, par))
    if group:
        yield current, meta[current]["text"], meta[current]["published_date"], group


def article_events(aid: str, text: str, published: dt.date | None, sentence_rows: list[tuple],
                   mentions: dict[tuple[str, int], list[dict]], run_id: str,
                   cfg: EventsConfig | None = None) -> list[dict]:
    """Event rows of one article, its sentences (sentence_idx, start, end, paragraph_idx) in order;
    `mentions` as `_mentions_by_sentence` builds them (each list sorted)."""
    rows: list[dict] = []
    carry, seen = Carry(), set()
    for s_idx, s_start, s_end, par in sentence_rows:
        key = text[s_start:s_end]
        if key in seen:                      # a line printed twice (repeated headline, caption: copied verbatim)
            continue
        seen.add(key)
        if carry.paragraph is not None and par != carry.paragraph:
            carry.quote_depth = 0            # a quote does not run across paragraphs
            if carry.actor_paragraph is not None and par is not None and par - carry.actor_paragraph > 1:
                carry.actor = None           # an elided subject reaches one paragraph back at most
            if carry.source_paragraph is not None and par is not None and par - carry.source_paragraph > 1:
                carry.source = None          # a speaker carries into the next paragraph only
        carry.paragraph = par
        rows.extend(_sentence_events(aid, text, s_idx, s_start, s_end, mentions.get((aid, s_idx), []),
                                     run_id, published, carry, cfg, presorted=True))
    rows = _on_topic(rows, carry)
    assign_article_event_ids(rows)
    return rows


def events_frame(rows: list[dict], cluster: bool = True) -> pl.DataFrame:
    """The events frame of row dicts built by `_event_row` (with `cluster`, cluster_id/n_sources)."""
    if not rows:
        return empty_frame("events")
    if cluster:
        for r, cid, n in zip(rows, *cluster_rows(rows)):   # on the row dicts: no frame round trip
            r["cluster_id"], r["n_sources"] = cid, n
    # column lists to Arrow: cheaper than polars or Arrow building from the row dicts. Every row
    # is built by `_event_row` with the same keys in the same order, so zip transposes them.
    columns = dict(zip(rows[0], map(list, zip(*(r.values() for r in rows)))))
    return pl.from_arrow(pa.Table.from_pydict(columns, schema=SCHEMAS["events"]))


@gc_paused
def extract_events(articles: pl.DataFrame, sentences: pl.DataFrame, entities: pl.DataFrame,
                   run_id: str, *, cluster: bool = True, cfg: EventsConfig | None = None) -> pl.DataFrame:
    """Events of every sentence; with `cluster`, cluster_id/n_sources over these events (the
    flow clusters once over all partitions instead, see `cluster_events`)."""
    if sentences.is_empty():
        return empty_frame("events")
    mentions = _mentions_by_sentence(entities)
    rows: list[dict] = []
    for aid, text, published, sentence_rows in _articles_in_order(articles, sentences):
        rows.extend(article_events(aid, text, published, sentence_rows, mentions, run_id, cfg))
    return events_frame(rows, cluster)


def forget_memos() -> None:
    """Empty the memos the stage keeps per process keyed by word (normalised forms, word flags and
    lists, domains, time words): the flow calls it once the stage has run (docs/scale.md section
    10). Caches of pure functions: outputs do not change, the next call rebuilds what it needs."""
    from tasks.events import decision, domain, lexicon, salience, time, words
    decision._BITS.clear()
    words.forget_token_memos()
    for memo in (time.may_start_time, time.number_value, words._norm, words._event_token, words._token_info,
                 words.word_flags, words._phrases_opening, words.proclitic, salience._bits, domain._word_domains,
                 domain._conflict_word, domain._token_topic, domain._sense_bits, lexicon.lookup_keys):
        memo.cache_clear()
