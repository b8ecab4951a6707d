"""Killings by a named agent are ASSAULT (docs/events.md, events6).

A killing verb ('قتل', CASUALTIES) reports who died; when the sentence names who killed them it
also reports the attack, and PLOVER (and the arabic_event_gsr annotators) code it ASSAULT:
- an agent marker after the verb: 'قتل جندي على يد قناص', 'قتل شرطي برصاص مسلحين' (the verb is
  then passive: the phrase after it is the killed, `passive=True`);
- SVO: an agent right before the verb and its object right after it (or after a time phrase: 'قتلت أمس'): 'قواته قتلت خمسة مسلحين',
  'قوات الأمن قتلت ثلاثة متظاهرين';
- a pluperfect with its subject far before the verb: 'وكانت وحدة من قوات الأمن قد قتلت ثلاثة مسلحين';
- VSO: an agent in the nominative right after the verb and an indefinite object after it: 'قتل
  مسلحون شرطيين اثنين', 'قتلت قوات الأمن ثلاثة متظاهرين'.
An attempted killing ('محاولة قتل', 'محاولة لقتل الوزير') reports an attack that happened, not a death:
ASSAULT (CAMEO 185, the codebook's attempted assault; salience.attempt_head reads its attempt noun),
the attempt nouns being salience.json `attempt_nouns`.
The news passive without an agent stays CASUALTIES: 'قتل ثلاثة أشخاص في انفجار', 'قتل الجنود
الثلاثة', 'ثلاثة جنود قتلوا في هجوم', 'بعد أن قتلوا عددا من المسلحين' (no agent named).
An agent is a militant, security or person head noun ('مسلحون', 'الجيش', 'قوات'), or an entity
mention of a person, organisation or nationality; its marker words are in
akhbar/resources/events/cues.json (killing_agent_markers, killing_agent_not).
"""

from __future__ import annotations

from dataclasses import replace

from tasks.events.fillers import NUMBER_ADJECTIVES, pluperfect_subject_at
from tasks.events.lexicon import Trigger, cue_set, word_set
from tasks.events.salience import SALIENCE_WORDS
from tasks.events.time import find_times
from tasks.events.words import (BIT, DEFINITE_BIT, NUMBER_BIT, NOT_NP, TIME_START_BIT, Sentence, _accusative, _markers,
                                phrase_at, proclitic)

AGENT_TYPES = ("PERSON", "ORG", "NORP")
PEOPLE_BITS = BIT["head_person"] | BIT["head_civilian"] | BIT["head_militant"]
STOP_BITS = BIT["chunk_stops"] | BIT["np_stops"]     # a preposition or cause ('جراء', 'خلال') ends the reach
MARKER_REACH, SUBJECT_BACK, OBJECT_REACH = 5, 3, 3


def agent_killing(sent: Sentence, i: int, t: Trigger) -> Trigger:
    """The killing verb trigger at word i as ASSAULT when an agent is named or an attempt noun governs
    it, else `t` unchanged."""
    if t.type != "CASUALTIES" or t.mode != "killed" or t.lemma != "قتل":
        return t
    if _attempted(sent, i):
        return replace(t, type="ASSAULT", mode=None, pos="noun", passive=False)
    if t.pos != "verb" or t.passive:
        return t
    if _marked_agent(sent, i):
        return replace(t, type="ASSAULT", mode=None, passive=True)
    if (_subject_before(sent, i) or _pluperfect_agent(sent, i)) and _object_at(sent, _after_time(sent, i + 1)) \
            or _vso(sent, i):
        return replace(t, type="ASSAULT", mode=None)
    return t


def _attempted(sent: Sentence, i: int) -> bool:
    """An attempt noun right before the killing word, no punctuation between ('محاولة قتل', 'لمحاولة
    قتله', 'محاولات لقتل'): the verbal noun it governs is the attempted assault."""
    if i == 0 or sent.words[i].punct.strip():
        return False
    return not word_set("attempt_nouns", SALIENCE_WORDS).isdisjoint(sent.words[i - 1].keys)


def _agent(sent: Sentence, j: int) -> bool:
    """Whether word j can name an agent: a militant/security/person head noun or an agent mention."""
    if j in sent.owner:
        return sent.mention_at[sent.owner[j]]["type"] in AGENT_TYPES
    return bool(sent.words[j].flags & (BIT["head_militant"] | BIT["head_person"]))


def _breaks(sent: Sentence, j: int) -> bool:
    """Clause punctuation before word j."""
    return bool(sent.words[j].punct.strip(" «»\"()"))


def _marked_agent(sent: Sentence, i: int) -> bool:
    """'على يد X', 'من قبل X', 'برصاص X' within reach after the verb, X not a kind of fire ('برصاص طائش')."""
    words, n = sent.words, len(sent.words)
    markers, not_agent = _markers("killing_agent_markers"), cue_set("killing_agent_not")
    for j in range(i + 1, min(n, i + 1 + MARKER_REACH)):
        if _breaks(sent, j):
            return False
        size = phrase_at(words, j, markers)
        if size and j + size < n and not _breaks(sent, j + size):
            nxt = words[j + size]
            return nxt.norm not in not_agent and not nxt.flags & NUMBER_BIT
        if words[j].flags & STOP_BITS:
            return False                      # 'قتلوا ... جراء الغارات من قبل الطائرات': the raids' agent
    return False


def _subject_before(sent: Sentence, i: int) -> bool:
    """An agent among the (up to three) words right before the verb, with no punctuation, preposition
    or other verb between ('قواته قتلت', 'القوات الحكومية قتلت')."""
    words = sent.words
    for j in range(i - 1, max(-1, i - 1 - SUBJECT_BACK), -1):
        if _breaks(sent, j + 1) or words[j].flags & NOT_NP or proclitic(words[j].norm) in ("ب", "ل", "ك"):
            return False
        if _agent(sent, j):
            return True
    return False


def _pluperfect_agent(sent: Sentence, i: int) -> bool:
    """An agent in the subject between a past 'كان' form and 'قد' before the verb ('وكانت وحدة من قوات
    الأمن قد قتلت', 'وكان مسلحون قد قتلوا': fillers.pluperfect_subject_at)."""
    j = pluperfect_subject_at(sent, i)
    return j is not None and any(_agent(sent, k) for k in range(j, i - 1))


def _after_time(sent: Sentence, j: int) -> int:
    """The first word after a time expression that opens at word j ('قتلت أول من أمس أربعة مسلحين'), or j."""
    if j < len(sent.words) and sent.cue_flags()[j] & TIME_START_BIT:
        found = find_times(sent.words, [j])
        if found and found[0].first == j:
            return found[0].last + 1
    return j


def _object_at(sent: Sentence, j: int) -> bool:
    """An indefinite object starting at word j: a count ('خمسة مسلحين') or an accusative noun ('شرطيين')."""
    if j >= len(sent.words) or _breaks(sent, j):
        return False
    w = sent.words[j]
    if w.norm[:1] in "وف" and not w.flags & NUMBER_BIT or w.flags & DEFINITE_BIT or w.norm in NUMBER_ADJECTIVES:
        return False                          # 'وشرطي': coordinated; 'قتل جندي واحد': an adjective
    if w.flags & NUMBER_BIT:
        return True
    # an accusative noun ('شابين', 'صحفيا'), not a nisba adjective ('إسرائيليين') unless a known head ('مدنيين')
    return _accusative(w) and bool(w.flags & PEOPLE_BITS or not w.norm.endswith(("يين", "يا")))


def _vso(sent: Sentence, i: int) -> bool:
    """A nominative agent right after the verb, then an indefinite object within reach ('قتل مسلحون
    شرطيين اثنين', 'قتلت قوات الأمن ثلاثة متظاهرين'); a plural in -ين is never the subject."""
    words, n = sent.words, len(sent.words)
    j = i + 1
    if j >= n or _breaks(sent, j) or not _agent(sent, j) or _accusative(words[j]) \
            or words[j].norm.endswith("ين") or words[j].flags & NUMBER_BIT:
        return False
    end = sent.mention_end[sent.owner[j]] if j in sent.owner else j
    return any(_object_at(sent, k) for k in range(end + 1, min(n, end + 1 + OBJECT_REACH)))
