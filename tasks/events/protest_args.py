"""Actor and target of a PROTEST mention (docs/events.md, events8).

- **Protesters as the trigger**: a participant noun that is itself the PROTEST trigger ('وأضرم
  المتظاهرون النار', 'لتفريق المتظاهرين', 'متظاهرون فلسطينيون') names the protest's actors: with no
  other actor, the noun (and the words of its phrase) is the actor.
- **What is protested against**: PLOVER's PROTEST target is an actor, not an issue. After 'ضد' or a
  protest noun with its preposition ('احتجاجا على', 'تنديدا ب') in the trigger's clause, the first
  person, organisation or nationality named in the next words is the target ('احتجاجا على زيارة بوش',
  'ضد الحكومة'; a state only right after the cue: 'ضد إسرائيل'); a grievance that names nobody ('احتجاجا على
  تأخر صرف المنح') gives no target.
Word lists: akhbar/resources/events/argument_words.json (protest_against_preps, protest_against_nouns).
"""

from __future__ import annotations

from tasks.events.fillers import chunk, mention_filler
from tasks.events.lexicon import ARGUMENT_WORDS, word_set
from tasks.events.salience import lists
from tasks.events.triggers import _trigger_span
from tasks.events.words import BIT, Filler, Sentence

REACH = 14                # words between the trigger and the cue of what is protested against
NAME_REACH = 3            # words after the cue where the target's name may start
AGAINST_TYPES = ("PERSON", "ORG", "NORP")
CLAUSE_PUNCT = "،,;:.؛!?؟"
AGENT_HEADS = BIT["head_person"] | BIT["head_militant"]


def protesters(sent: Sentence, i: int, key: str, triggers: set[int]) -> list[Filler]:
    """The trigger word as the actor when it is a participant noun ('المتظاهرون'), its proclitics left
    out ('لتفريق المتظاهرين' -> 'المتظاهرين'); `key` is the trigger's matched form."""
    w = sent.words[i]
    names = lists()
    if names["participant_nouns"].isdisjoint(w.keys) or not names["protest_event_nouns"].isdisjoint(w.keys):
        return []
    start = _trigger_span(sent.text, w, key)[0]
    f = chunk(sent, i, max_words=3, stop_at_trigger=triggers - {i})
    end = f.end if f is not None else w.end
    return [Filler(start, end, sent.text[start:end], None, i, f.last if f is not None else i)]


def protesters_before(sent: Sentence, i: int, triggers: set[int], reach: int = 3) -> list[Filler]:
    """The protesters named just before a protest verb that took their place as the trigger
    (tasks/events/triggers.py `_participant_first`: 'مليون متظاهر خرجوا', 'قيام المتظاهرين أمس بالتجمع'):
    the nearest participant noun at most `reach` words back, no punctuation between."""
    words, nouns = sent.words, lists()["participant_nouns"]
    for k in range(i - 1, max(-1, i - 1 - reach), -1):
        if words[k].punct.strip():
            return []
        key = next((x for x in words[k].keys if x in nouns), None)
        if key is not None:
            return protesters(sent, k, key, triggers | {i})
    return []


def protested_against(sent: Sentence, i: int) -> list[Filler]:
    """The person, organisation or nationality the protest at word i is against, or []."""
    words, n = sent.words, len(sent.words)
    preps, nouns = word_set("protest_against_preps", ARGUMENT_WORDS), word_set("protest_against_nouns", ARGUMENT_WORDS)
    for k in range(i, min(n, i + REACH)):
        if k > i and any(c in words[k].punct for c in CLAUSE_PUNCT):
            return []
        at = None
        if k > i and not preps.isdisjoint(words[k].keys):
            at = k + 1                                   # 'ضد الحكومة'
        elif not nouns.isdisjoint(words[k].keys) and k + 1 < n:
            nxt = words[k + 1]
            if nxt.norm == "علي":
                at = k + 2                               # 'احتجاجا على زيارة بوش'
            elif nxt.norm[:1] == "ب":
                at = k + 1                               # 'تنديدا بالحكومة'
        if at is not None:
            return _named(sent, at)
    return []


def _named(sent: Sentence, at: int) -> list[Filler]:
    """The first agent mention starting within NAME_REACH words of `at` (a state only at `at`), or a
    phrase of people or institutions right at `at` or definite within reach ('ضد الحكومة', 'احتجاجا على
    تعامل الحكومة')."""
    for k in range(at, min(len(sent.words), at + NAME_REACH)):
        if k > at and sent.words[k].punct.strip():
            break
        start = sent.owner.get(k)
        if start is None:
            w = sent.words[k]
            if w.flags & AGENT_HEADS and k not in sent.covered and (k == at or w.norm.startswith("ال")):
                f = chunk(sent, k, max_words=3)
                return [f] if f is not None else []
            continue
        kind = sent.mention_at[start]["type"]
        if kind in AGAINST_TYPES or kind == "LOC" and start == at:
            return [mention_filler(sent, start)]
    return []
