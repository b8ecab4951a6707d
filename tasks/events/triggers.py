"""Triggers: lexicon forms whose context holds, merged when same-type and adjacent; the mode."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from akhbar.text.normalise import normalize
from tasks.events.killings import agent_killing
from tasks.events.lexicon import Trigger, lookup, ontology, trigger_index

def context_ok(t: Trigger, sent: Sentence, i: int) -> bool:
    c = t.context
    words = sent.words
    if c.exclude_forms and has(words[i], c.exclude_forms):
        return False
    if c.exclude_prev and _any_stem(words[max(0, i - c.prev_window):i], c.exclude_prev):
        return False
    if c.exclude_next and _any_stem(words[i + 1:i + 1 + c.next_window], c.exclude_next):
        return False
    if c.require_next and not _any_stem(words[i + 1:i + 1 + c.window], c.require_next):
        return False
    if c.require_near:
        near, owner = c.require_near, sent.owner
        lo, hi = max(0, i - c.window), min(len(words), i + 1 + c.window)
        # `has_stem` and `_mention_type` inlined: one set test per word, the mention type only for covered words
        for j in range(lo, hi):
            if j != i and (not near.isdisjoint(words[j].stems)
                           or (j in owner and "@" + sent.mention_at[owner[j]]["type"] in near)):
                return True
        return False
    return True


def _any_stem(words: list[Word], values) -> bool:
    """Whether one of `words` has a stem in `values` (a loop, not a generator: callers stay closure-free)."""
    for x in words:
        if has_stem(x, values):
            return True
    return False
from tasks.events.words import (BIT, RELATIVES, Sentence, TRIGGER_BIT, Word, _mention_type, _norm, has,
                                has_stem, is_, proclitic, punct_between)



def _nominal(norm: str) -> bool:
    """A word carrying the article or a preposition cannot be a finite verb."""
    n = norm[1:] if len(norm) > 3 and norm[0] in "وف" else norm
    return n.startswith(("ال", "لل")) or proclitic(norm) in ("ب", "ل")



def find_triggers(sent: Sentence) -> list[tuple[int, Trigger, str]]:
    """(word index, trigger, matched key) per event, same-type neighbours merged."""
    index = trigger_index()
    words = sent.words
    found: list[tuple[int, Trigger, str]] = []
    for i, w in enumerate(words):
        if not w.flags & TRIGGER_BIT:
            continue
        if i in sent.covered and sent.mention_at[sent.owner[i]]["type"] in ("ORG", "LOC", "NORP"):
            continue                         # inside a name: 'هيئة تحرير الشام', 'الحشد الشعبي', 'درع الفرات'

        hit = lookup(w.norm, index)
        key, cands = hit
        t = None
        for c in cands:
            if context_ok(c, sent, i):
                t = c
                break
        if t is None:
            continue
        verb_entry = t.pos == "verb"
        if t.pos == "verb" and _nominal(w.norm):
            t = replace(t, pos="noun")       # 'لطرد', 'الطرد': the verbal noun spelled like the verb
        if t.pos == "verb" and not t.future and i > 0 and words[i - 1].norm in RELATIVES and key[0] in "يتنا":
            continue                         # habitual description: 'التحالف الذي يحارب'
        if t.type == "CASUALTIES":
            t = agent_killing(sent, i, t)     # 'قتل جندي على يد قناص', 'قواته قتلت خمسة مسلحين': ASSAULT
        if found and found[-1][1].type == t.type and i - found[-1][0] <= sent.cfg.merge_gap \
                and not punct_between(words, found[-1][0] + 1, i + 1):
            j, prev, pkey = found[-1]
            if verb_entry and t.type == "PROTEST" and _participant_first(words, j, i):
                found[-1] = (i, t, key)      # 'المتظاهرين يوم أمس بالتجمع أمام': the gathering, not its people
                continue
            if prev.mode is None and t.mode is not None:
                found[-1] = (j, Trigger(prev.type, t.mode, prev.pos, prev.lemma, prev.future, prev.context, prev.passive), pkey)
            continue
        found.append((i, t, key))
    return found



def _participant_first(words: list[Word], j: int, i: int) -> bool:
    """Whether the PROTEST trigger at word j, a participant noun ('المتظاهرين', salience.json), gives way to
    the protest verb or its verbal noun at i right after it: their action is the event ('قيام المتظاهرين
    بالتجمع', 'المحتجون احتشدوا'); a participant is background by itself, an event noun after it
    ('بين المتظاهرين وشرطة مكافحة الشغب') is not their action."""
    forms = participant_forms()
    return words[j].norm in forms and words[i].norm not in forms


@lru_cache(maxsize=1)
def participant_forms() -> frozenset:
    """Normalised participant nouns with their clitic forms ('والمتظاهرون')."""
    from tasks.events.salience import lists
    nouns = lists()["participant_nouns"]
    return frozenset(n for n in nouns) | frozenset(p + n for n in nouns for p in ("و", "ف", "ال", "وال", "فال"))


def _drop_mentions_opening_with(sent: Sentence, triggers: set[int]) -> None:
    """A person mention that begins with an event trigger ('باستهداف الصحافيين') is a name-finder
    over-reach: forget it so the trigger's genitive can be read."""
    for i in triggers:
        m = sent.mention_at.get(i)
        if m is not None and m["type"] == "PERSON":
            for k in range(i, sent.mention_end[i] + 1):
                sent.covered.discard(k)
                sent.owner.pop(k, None)
            del sent.mention_at[i], sent.mention_end[i]



def _trigger_span(text: str, w: Word, key: str) -> tuple[int, int]:
    """Trigger span inside its word: proclitics (و ف ب ل) left out, the article ال kept."""
    pos = w.norm.find(key)
    if pos < 0:                              # key restored a teh marbuta: 'حملته' -> 'حمله'
        pos = w.norm.find(key[:-1])
    if pos < 0:
        return w.start, w.end
    if pos >= 2 and w.norm[pos - 2:pos] == "ال":
        pos -= 2
    consumed = 0                             # normalised chars -> surface chars (tashkeel, tatweel)
    for idx, ch in enumerate(text[w.start:w.end]):
        if consumed >= pos:
            return w.start + idx, w.end
        consumed += len(_norm(ch))
    return w.start, w.end



@lru_cache(maxsize=64)
def _mode_cues(etype: str) -> tuple[tuple[str, frozenset], ...]:
    return tuple((mode, frozenset(normalize(x) for x in words))
                 for mode, words in ontology()["types"][etype].get("mode_cues", {}).items())



def _mode_from_cues(sent: Sentence, i: int, t: Trigger) -> str | None:
    """Mode from words around the trigger ('ضربات جوية' -> airstrike), in the ontology's order."""
    n = sent.cfg.mode_cue_window
    window = sent.words[max(0, i - n):i + n + 1]
    for mode, values in _mode_cues(t.type):
        if any(has(w, values) for w in window):
            return mode
    return None



def _civilian_movers(sent: Sentence, i: int) -> bool:
    """Whether the people leaving are civilians ('دعت المدنيين إلى الخروج'), making it an evacuation.

    The first human noun decides: after a request verb ('تنصح سكان الرمادي بمغادرتها') its
    object, otherwise the leftmost one in the eight words before the trigger.
    """
    words = sent.words
    lo = max(0, i - sent.cfg.civilian_window)
    request, militant, civilian = BIT["request_verbs"], BIT["head_militant"], BIT["head_civilian"]
    for j in range(i - 1, lo - 1, -1):
        if words[j].flags & request:
            lo = j + 1
            break
    for w in words[lo:i + 2]:
        if w.flags & militant:
            return False
        if w.flags & civilian:
            return True
    return False
