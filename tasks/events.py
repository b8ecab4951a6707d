"""Events: who did what to whom, where, when, and who says so.

Rule-based backend over one sentence at a time (docs/events.md):
  1. triggers: the ontology's lexicon (tasks/event_lexicon.py, inflected forms, clitic- and
     pronoun-aware) with per-entry context conditions; same-type triggers a few words apart
     are one event ('سيستضيف اجتماعا');
  2. arguments: the sentence's entity mentions (entities frame) placed by syntax cues —
     verb-subject order, genitive after a verbal noun, agent 'من قبل', prepositions
     من/إلى/نحو/باتجاه/في/على — with noun-phrase chunks as a fallback when no mention exists;
  3. attribution: speech verbs, 'وفق/بحسب', 'نقلت X عن Y', carried over to the next
     sentence while a quote stays open or a continuation verb ('وأضاف') has no subject;
  4. modality by precedence: denied > hypothetical > accused > future > reported > claimed > asserted;
  5. time and quantities (tasks/event_time.py), resolved against articles.published_date;
  6. cross-article clusters (`cluster_events`).
Every span indexes articles.text; normalised forms are used for matching only.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field, replace
from functools import lru_cache, reduce
from operator import or_

import polars as pl
import pyarrow as pa

from akhbar.perf import gc_paused
from akhbar.text.normalise import clitic_keys, normalize
from akhbar.contracts import SCHEMAS, empty_frame
from akhbar.ids import stable_id
from akhbar.unionfind import UnionFind
from tasks.event_lexicon import (Trigger, cue_phrases, cue_set, cues, lookup, lookup_keys, ontology,
                                 trigger_index, verb_forms, verb_set)
from tasks.event_time import find_quantities, find_times, may_start_time, number_value, resolve
from akhbar.text.tokens import TOKEN

METHOD = "lexicon-rules-v1"
MERGE_GAP = 3                 # same-type triggers at most this many words apart (no punctuation between) are one event
TIME_WINDOW = 12              # words between a trigger and its time expression (same clause only)
ARG_WINDOW = 10               # words after the trigger searched for arguments
LIST_SEP = "؛ "               # joins several actor/target surfaces in *_text columns
MOVEMENT = {"ESCAPE", "EVACUATE", "RETREAT", "MOBILIZE"}
AGENTIVE = {"PERSON", "ORG", "NORP", "LOC"}    # LOC: states and capitals act ('واشنطن سترسل')
OPEN_QUOTES, CLOSE_QUOTES = "«“", "»”"
PLACE_OBJECT_TYPES = {"ESCAPE", "EVACUATE", "RETREAT", "CONTROL_CHANGE", "CONSULT"}   # 'غادر الموصل', 'زار عمان'
PURPOSE_TYPES = {"CONTROL_CHANGE", "EVACUATE", "ESCAPE", "MOBILIZE", "RETREAT", "CONSULT", "AID"}
INTRANSITIVE = {"PROTEST", "flee", "withdraw", "leave"}   # types/modes whose verb takes no person object: 'تظاهر مئات الطلاب'
NON_PARTICIPANTS = ("DATE", "TIME")          # mention types events never take as arguments (event_time reads dates)
RELATIVES = {"الذي", "التي", "الذين", "اللذين", "اللتين", "اللواتي", "اللاتي"}

_norm = lru_cache(maxsize=500_000)(normalize)


@dataclass(slots=True)
class Word:
    start: int
    end: int
    norm: str
    keys: tuple[str, ...]     # clitic-stripped forms (cue matching)
    stems: tuple[str, ...]    # the same with attached pronouns peeled off (head nouns, triggers)
    flags: int = 0            # cue lists the word belongs to (see word_flags)
    punct: str = ""           # punctuation between the previous word and this one


@dataclass
class Carry:
    """Attribution state handed from one sentence to the next within an article."""
    source: dict | None = None
    source_paragraph: int | None = None
    quote_depth: int = 0
    paragraph: int | None = None
    actor: list | None = None              # the last named actor (Fillers), for pronoun subjects
    actor_paragraph: int | None = None


@dataclass(slots=True)
class Filler:
    """An argument: an entity mention or, failing that, a chunk of words."""
    start: int
    end: int
    text: str
    entity_id: str | None = None
    first: int = 0
    last: int = 0


@dataclass
class Sentence:
    text: str
    words: list[Word]
    mention_at: dict[int, dict] = field(default_factory=dict)   # first word index -> mention
    mention_end: dict[int, int] = field(default_factory=dict)   # first word -> last word of a mention
    covered: set[int] = field(default_factory=set)
    owner: dict[int, int] = field(default_factory=dict)          # word index -> first word of its mention
    _phrases: dict = field(default_factory=dict)
    memo: dict = field(default_factory=dict)
    cflags: list[int] | None = None
    triggers: set[int] = field(default_factory=set)              # word indexes of this sentence's events
    bits: int = 0                                                # OR of cflags: the cue lists the sentence has
    time_words: set[int] = field(default_factory=set)            # words inside a time expression

    def cue_flags(self) -> list[int]:
        """Per word, its cue-list bits plus those of the multi-word cues starting there (once per sentence)."""
        if self.cflags is None:
            words = self.words
            n = len(words)
            cflags = self.cflags = [w.flags for w in words]
            for j, w in enumerate(words):
                if not w.flags & PHRASE_BIT:
                    continue                  # most words open no multi-word cue (one int test)
                for ph, bit in _phrases_opening(w.keys):
                    # a word's keys start with its normalised form: `in keys` is "equals or a clitic key"
                    if j + len(ph) <= n and ph[1] in words[j + 1].keys and (
                            len(ph) == 2 or all(ph[m] in words[j + m].keys for m in range(2, len(ph)))):
                        cflags[j] |= bit
            self.bits = reduce(or_, cflags, 0)
        return self.cflags

    def phrase_len(self, j: int, name: str) -> int:
        """Length of the multi-word cue of list `name` starting at word j (0 if none)."""
        return phrase_at(self.words, j, cue_phrases(name)) if self.cflags[j] & BIT[name] else 0


# --- sentence analysis ---------------------------------------------------------------
def words_of(text: str, s_start: int, s_end: int, tokens: list[str] | None = None) -> tuple[list[Word], str]:
    """Words (tokens with a letter or digit) with the punctuation before each; trailing punctuation.

    Every non-space character belongs to a token (akhbar.text.tokens.TOKEN), so the gaps are whitespace and
    `str.find` from the previous end locates each token: cheaper than a Match object per token."""
    if tokens is None:
        tokens = TOKEN.findall(text, s_start, s_end)
    words: list[Word] = []
    append, info_of, find = words.append, _token_info, text.find
    pending, pos = "", s_start
    for g in tokens:
        a = find(g, pos)
        pos = a + len(g)
        info = info_of(g)
        if info is None:
            pending += g
        elif info[0]:
            append(Word(a, pos, info[0], info[1], info[2], info[3], pending))
            pending = ""
    return words, pending


def _may_have_events(tokens: list[str]) -> bool:
    """Token-level pre-check, before any Word is built (one cached lookup per token)."""
    info_of = _token_info
    for g in tokens:
        info = info_of(g)
        if info is not None and len(info) > 1 and info[3] & EVENT_BITS:
            return True
    return False


def analyse(text: str, s_start: int, s_end: int, mentions: list[dict], words: list[Word] | None = None) -> Sentence:
    if words is None:
        words, _ = words_of(text, s_start, s_end)
    sent = Sentence(text, words)
    starts = [w.start for w in words]
    for m in sorted(mentions, key=lambda m: (m["start"], -m["end"])):
        if m["type"] in NON_PARTICIPANTS:
            continue                          # dates are found by event_time; they are never participants
        first = _word_at(starts, words, m["start"])
        last = _word_at(starts, words, m["end"] - 1)
        if first is None or last is None or first in sent.mention_at or first in sent.covered:
            continue
        sent.mention_at[first] = m
        sent.mention_end[first] = last
        sent.covered.update(range(first, last + 1))
        sent.owner.update(dict.fromkeys(range(first, last + 1), first))
    sent.cue_flags()                          # once per sentence; the scans read sent.cflags
    return sent


def _word_at(starts, words, offset) -> int | None:
    i = bisect.bisect_right(starts, offset) - 1
    return i if i >= 0 and words[i].start <= offset < words[i].end else None


@lru_cache(maxsize=300_000)
def _token_info(tok: str):
    """(norm, clitic keys, stems, flags) of a word token; None for punctuation (one cache hit per token)."""
    if not any(c.isalnum() for c in tok):
        return None
    norm = _norm(tok)
    return (norm, clitic_keys(norm), lookup_keys(norm), word_flags(norm)) if norm else ("",)


# One bit per cue list: a word's memberships are computed once per distinct form (word_flags)
# so the modality/attribution scans test an int instead of set lookups over clitic keys.
CUE_LISTS = ("according_to", "accuse_nouns", "complementizers", "continuation_verbs", "disjunction",
             "future", "future_after", "hypothetical", "hypothetical_after", "hypothetical_near",
             "negation_before", "negation_cancel", "negation_exempt_next", "rumour", "speech_nouns",
             "clause_breaks", "chunk_stops", "negation_after", "np_stops", "negation_through")
VERB_LISTS = ("accuse_verbs", "control_verbs", "denial_verbs", "light_verbs", "request_verbs", "speech_verbs")
HEAD_LISTS = ("person", "place", "civilian", "militant", "media", "vague")
BIT = {name: 1 << k for k, name in enumerate(CUE_LISTS + VERB_LISTS + tuple("head_" + h for h in HEAD_LISTS))}
PHRASE_LISTS = ("according_to", "clause_breaks", "future", "hypothetical", "negation_after", "rumour")


SPEECH_BITS = BIT["speech_verbs"] | BIT["continuation_verbs"]
TRIGGER_BIT = 1 << len(BIT)          # the form is in the trigger lexicon
PHRASE_BIT = TRIGGER_BIT << 1         # the form can open a multi-word cue
NUMBER_BIT = TRIGGER_BIT << 2         # the form is a number (digits or number words)
AGENT_END_BIT = TRIGGER_BIT << 3      # the form can end an agent marker ('من قبل', 'على يد')
RESUMPTIVE_BIT = TRIGGER_BIT << 4     # a support verb with an attached pronoun ('يشنها', 'نفذتها')
LAM_BIT = TRIGGER_BIT << 5            # the preposition ل on a word without the article ('لبحث', not 'للمدينة')
TIME_START_BIT = TRIGGER_BIT << 6     # the form can open a time expression (digits, months, weekdays, 'أمس')
THREAT_BIT = TRIGGER_BIT << 7         # the form can be a THREATEN trigger ('هدد', 'حذرت', 'توعد')
EVENT_BITS = SPEECH_BITS | TRIGGER_BIT    # a sentence needs a trigger form or a speech verb to yield anything


@lru_cache(maxsize=300_000)
def word_flags(norm: str) -> int:
    keys, stems = clitic_keys(norm), lookup_keys(norm)
    flags = 0
    for name in CUE_LISTS:
        if any(k in cue_set(name) for k in keys):
            flags |= BIT[name]
    for name in VERB_LISTS:
        if any(k in verb_set(name) for k in keys):
            flags |= BIT[name]
    heads = _heads()
    for h in HEAD_LISTS:
        if any(k in heads[h] for k in stems):
            flags |= BIT["head_" + h]
    hit = lookup(norm)
    if hit is not None:
        flags |= TRIGGER_BIT
        if any(t.type == "THREATEN" for t in hit[1]):
            flags |= THREAT_BIT
    if any(k in _phrase_index() for k in keys):
        flags |= PHRASE_BIT
    if norm and number_value(norm) is not None:
        flags |= NUMBER_BIT
    if any(ph[-1] in keys for ph in _markers("agent_markers")):
        flags |= AGENT_END_BIT
    if any(k in verb_set("light_verbs") for k in stems if k not in keys):
        flags |= RESUMPTIVE_BIT
    if proclitic(norm) == "ل" and not norm.lstrip("وف").startswith("لل"):
        flags |= LAM_BIT
    if norm and may_start_time(norm):
        flags |= TIME_START_BIT
    return flags


def is_(word: Word, name: str) -> int:
    """Whether the word is in the cue list `name` (event_cues.json; head_* = head-noun lists)."""
    return word.flags & BIT[name]


def has(word: Word, values: frozenset | set) -> bool:
    return not values.isdisjoint(word.keys)


def has_stem(word: Word, values: frozenset | set) -> bool:
    """Like `has`, also looking through an attached pronoun ('جيبه' -> 'جيب', 'جنودها' -> 'جنود')."""
    return not values.isdisjoint(word.stems)


@lru_cache(maxsize=1)
def _phrase_index() -> dict[str, tuple]:
    """Multi-word cues of every list, indexed by their first word: {first: ((phrase, bit), ...)}."""
    index: dict[str, list] = {}
    for name in PHRASE_LISTS:
        for ph in cue_phrases(name):
            index.setdefault(ph[0], []).append((ph, BIT[name]))
    return {k: tuple(v) for k, v in index.items()}


@lru_cache(maxsize=100_000)
def _phrases_opening(keys: tuple[str, ...]) -> tuple:
    """(phrase, bit) of every multi-word cue whose first word is one of `keys` (a word's clitic keys)."""
    index = _phrase_index()
    return tuple(c for k in keys for c in index.get(k, ()))


def phrase_at(words: list[Word], i: int, phrases) -> int:
    """Length of the cue phrase starting at word i (0 if none)."""
    for ph in phrases:
        if i + len(ph) <= len(words) and ph[0] in words[i].keys and all(
                words[i + k].norm == ph[k] or ph[k] in words[i + k].keys for k in range(1, len(ph))):
            return len(ph)
    return 0


# --- triggers --------------------------------------------------------------------------
def context_ok(t: Trigger, sent: Sentence, i: int) -> bool:
    c = t.context
    words = sent.words
    if c.exclude_forms and has(words[i], c.exclude_forms):
        return False
    if c.exclude_prev and any(has_stem(x, c.exclude_prev) for x in words[max(0, i - c.prev_window):i]):
        return False
    if c.exclude_next and any(has_stem(x, c.exclude_next) for x in words[i + 1:i + 1 + c.next_window]):
        return False
    if c.require_next and not any(has_stem(x, c.require_next) for x in words[i + 1:i + 1 + c.window]):
        return False
    if c.require_near:
        lo, hi = max(0, i - c.window), min(len(words), i + 1 + c.window)
        if not any(has_stem(words[j], c.require_near) or _mention_type(sent, j) in c.require_near
                   for j in range(lo, hi) if j != i):
            return False
    return True


def _nominal(norm: str) -> bool:
    """A word carrying the article or a preposition cannot be a finite verb."""
    n = norm[1:] if len(norm) > 3 and norm[0] in "وف" else norm
    return n.startswith(("ال", "لل")) or proclitic(norm) in ("ب", "ل")


def _mention_type(sent: Sentence, j: int) -> str | None:
    """'@TYPE' of the entity mention covering word j (for '@PERSON'-style context cues)."""
    if j not in sent.covered:
        return None
    start = sent.owner[j]
    return "@" + sent.mention_at[start]["type"]


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
        t = next((c for c in cands if context_ok(c, sent, i)), None)
        if t is None:
            continue
        if t.pos == "verb" and _nominal(w.norm):
            t = replace(t, pos="noun")       # 'لطرد', 'الطرد': the verbal noun spelled like the verb
        if t.pos == "verb" and not t.future and i > 0 and words[i - 1].norm in RELATIVES and key[0] in "يتنا":
            continue                         # habitual description: 'التحالف الذي يحارب'
        if found and found[-1][1].type == t.type and i - found[-1][0] <= MERGE_GAP \
                and not any(words[k].punct.strip() for k in range(found[-1][0] + 1, i + 1)):
            j, prev, pkey = found[-1]
            if prev.mode is None and t.mode is not None:
                found[-1] = (j, Trigger(prev.type, t.mode, prev.pos, prev.lemma, prev.future, prev.context, prev.passive), pkey)
            continue
        found.append((i, t, key))
    return found


# --- fillers -----------------------------------------------------------------------------
def mention_filler(sent: Sentence, first: int) -> Filler:
    m = sent.mention_at[first]
    if m["type"] == "NORP":
        head = _adjective_head(sent, first)
        if head < first:                      # 'القوات الحكومية السورية': the phrase, with the NORP's id
            a = sent.words[head].start
            return Filler(a, m["end"], sent.text[a:m["end"]], m["entity_id"], head, sent.mention_end[first])
    return Filler(m["start"], m["end"], m["surface"], m["entity_id"], first, sent.mention_end[first])


ADJ_ENDINGS = ("ي", "يه", "يين", "يون", "يا", "يان")
HEAD_BITS = BIT["head_person"] | BIT["head_militant"] | BIT["head_civilian"] | BIT["head_media"] | BIT["head_place"]


def _adjective_head(sent: Sentence, first: int) -> int:
    """First word of the noun phrase a gentilic NORP mention qualifies ('قوات الأمن التركية',
    'جندي أميركي'), or `first` when the mention stands alone ('الأكراد'). A definite adjective
    follows definite words and their construct head; an indefinite one follows one noun."""
    words = sent.words
    w = words[first]
    if not w.norm.endswith(ADJ_ENDINGS) or w.punct.strip() or first == 0:
        return first
    definite = _definite(w)
    k = first
    while k > 0 and k - 1 not in sent.covered and k - 1 not in sent.triggers and not words[k].punct.strip():
        prev = words[k - 1]
        if prev.flags & NOT_NP or proclitic(prev.norm) or prev.norm.isdigit():
            break
        if definite and _definite(prev):
            k -= 1
            continue
        if prev.flags & HEAD_BITS or prev.norm.endswith("ات"):
            k -= 1                            # the construct head ('قوات الأمن') or the indefinite noun ('جندي')
        break
    return k


CHUNK_BREAK_BITS = BIT["complementizers"] | BIT["speech_nouns"] | BIT["np_stops"]


def chunk(sent: Sentence, first: int, max_words: int = 5, stop_at_trigger: set[int] | None = None,
          place: bool = False) -> Filler | None:
    """Words from `first` up to a stop word, punctuation or trigger: a noun phrase approximation.

    A place chunk also stops at a present-tense verb ('جيب يسيطر عليه') and at a و-joined word
    that is neither a name nor a head noun ('الصحراء ويمتنع')."""
    words = sent.words
    stops = cue_set("chunk_stops")
    if first >= len(words) or words[first].norm in stops:
        return None
    last = first
    for j in range(first + 1, min(len(words), first + max_words)):
        w = words[j]
        if (w.flags & CHUNK_BREAK_BITS or w.punct.strip(" ()") or w.norm in stops
                or (stop_at_trigger and j in stop_at_trigger) or w.norm.isdigit()):
            break
        prev = words[j - 1]
        if not place and proclitic(w.norm) in ("ل", "ب") and j not in sent.mention_at and prev.norm not in AFFILIATION:
            break                             # 'قوات إضافية | لمنطقة الحدود' (but 'الساحل الأيمن لمدينة الموصل')
        if j not in sent.mention_at and (
                _tanween(w) and not _tanween(prev)                     # 'جماعة مسلحة | عمالا': case changes
                or _definite(w) and _definite(prev) and w.flags & HEAD_BITS):   # 'القوات | الجانب الشرقي'
            break                             # a new noun phrase (the object) starts here
        if place and j not in sent.mention_at and (
                (w.norm[0] == "ي" and len(w.norm) > 3)
                or (w.norm[0] == "و" and not w.flags & (BIT["head_place"] | BIT["head_person"]))):
            break
        last = j
        if j in sent.mention_at:
            last = min(sent.mention_end[j], len(words) - 1)
            nxt = last + 1                    # a title and its holder: 'زعيم جماعة الحوثي عبد الملك الحوثي'
            if nxt in sent.mention_at and sent.mention_at[nxt]["type"] == "PERSON" \
                    and sent.mention_at[j]["type"] != "PERSON" and words[first].flags & BIT["head_person"] \
                    and not words[nxt].punct.strip():
                last = min(sent.mention_end[nxt], len(words) - 1)
            break                             # a name closes the phrase ('القيادي بالحشد الشعبي | القوات')
    a, b = words[first].start, words[last].end
    return Filler(a, b, sent.text[a:b], None, first, last)


DIRECTIONS = frozenset({"شمال", "جنوب", "شرق", "غرب", "شمالي", "جنوبي", "شرقي", "غربي", "وسط"})
AFFILIATION = frozenset({"تابع", "تابعه", "التابع", "التابعه", "تابعين", "التابعين", "تابعون", "موال", "الموالي",
                         "الموالين", "الموالية", "مواليه", "مواليين", "مقرب", "المقرب", "المقربه"})   # 'طائرة تابعة للجيش'
APPROXIMATORS = frozenset({"اكثر", "اقل", "نحو", "حوالي", "قرابه", "زهاء"})   # in np_stops: they end a phrase


def _approximate(sent: Sentence, i: int, triggers: set[int] | None) -> Filler | None:
    """'أكثر من 400 سجين': an approximator, 'من' and the counted phrase are one participant."""
    words = sent.words
    k = i + 2 if i + 2 < len(words) and words[i + 1].norm == "من" else i + 1
    if k >= len(words) or not words[k].flags & NUMBER_BIT or any(words[m].punct.strip() for m in range(i + 1, k + 1)):
        return None
    f = mention_filler(sent, k) if k in sent.mention_at else chunk(sent, k, max_words=3, stop_at_trigger=triggers)
    if f is None:
        return None
    a = words[i].start
    return Filler(a, f.end, sent.text[a:f.end], f.entity_id, i, f.last)


def filler_at(sent: Sentence, i: int, heads: frozenset | None = None, triggers: set[int] | None = None) -> Filler | None:
    """Mention starting at word i, else a chunk when word i is a known head noun."""
    if i < 0 or i >= len(sent.words):
        return None
    if sent.words[i].flags & BIT["np_stops"] and sent.words[i].norm in APPROXIMATORS:
        f = _approximate(sent, i, triggers)
        if f is not None:
            return f
    if i in sent.mention_at:
        return mention_filler(sent, i)
    if heads is not None and has(sent.words[i], heads) and i not in (triggers or ()):
        return chunk(sent, i, stop_at_trigger=triggers)
    return None


def _definite(w: Word) -> bool:
    n = w.norm[1:] if len(w.norm) > 3 and w.norm[0] in "وف" else w.norm
    return n.startswith(("ال", "لل"))


NOT_NP = BIT["chunk_stops"] | BIT["np_stops"] | TRIGGER_BIT | BIT["complementizers"] | SPEECH_BITS | BIT["light_verbs"] | BIT["clause_breaks"]


def np_at(sent: Sentence, j: int, triggers: set[int]) -> Filler | None:
    """Any noun phrase starting at word j (a mention, else a chunk): objects and genitives are
    mostly common nouns ('مواقع للمعارضة', 'سيارة مفخخة'), so no head list is required. Words that
    cannot open a participant are refused: stop words, prepositional proclitics (ب/ل), triggers,
    time words, cue verbs, and a word after an opening quote (a name the entities stage missed is
    still taken)."""
    if j < 0 or j >= len(sent.words):
        return None
    if j in sent.mention_at:
        return mention_filler(sent, j)
    w = sent.words[j]
    if w.flags & BIT["np_stops"] and w.norm in APPROXIMATORS and j not in triggers:
        f = _approximate(sent, j, triggers)
        if f is not None:
            return f
    if (j in sent.covered or j in triggers or j in sent.time_words or w.flags & NOT_NP
            or proclitic(w.norm) in ("ب", "ل", "ك") or len(w.norm) < 2):
        return None
    return chunk(sent, j, max_words=4, stop_at_trigger=triggers)


def _marker_before(sent: Sentence, j: int, phrases) -> bool:
    """Whether a cue of `phrases` (tuples of normalised words) ends right before word j."""
    return any(j >= len(ph) and phrase_at(sent.words, j - len(ph), (ph,)) for ph in phrases)


@lru_cache(maxsize=1)
def _heads() -> dict[str, frozenset]:
    return dict(person=cue_set("person_heads") | cue_set("militant_heads") | cue_set("civilian_heads"),
                place=cue_set("place_heads"), civilian=cue_set("civilian_heads"),
                militant=cue_set("militant_heads"), media=cue_set("media_heads"),
                vague=cue_set("vague_place_heads"))


# --- arguments ---------------------------------------------------------------------------
def proclitic(norm: str) -> str:
    """Separable proclitics of a normalised word, without و/ف: 'بمنطقة' -> 'ب', 'للموصل' -> 'ل'."""
    n = norm[1:] if len(norm) > 3 and norm[0] in "وف" else norm
    if n.startswith("لل"):
        return "ل"
    if len(n) > 3 and n[0] in "بلك" and n[1:] in lookup_keys(n):
        return n[0]
    return ""


def preps_before(sent: Sentence, f: Filler) -> frozenset:
    """Prepositions governing a filler: a proclitic on its first word and the previous word's forms
    (once per filler start: several events ask about the same places)."""
    key = ("preps", f.first, f.start)
    preps = sent.memo.get(key)
    if preps is None:
        preps = sent.memo[key] = _preps_before(sent, f)
    return preps


def _preps_before(sent: Sentence, f: Filler) -> frozenset:
    w = sent.words[f.first]
    if f.start > w.start:                     # the mention starts inside the word: what precedes it is a clitic
        lead = _norm(sent.text[w.start:f.start]).lstrip("وف")
        out = {lead[-1:]}
    else:                                     # a name that starts the word has no proclitic ('بلينكن', 'بغداد')
        out = {"" if f.first in sent.mention_at else proclitic(w.norm)}
    if f.first > 0:
        prev = sent.words[f.first - 1]
        out.update(prev.keys)
        if prev.norm == "قبل" and f.first >= 2 and sent.words[f.first - 2].norm == "من":
            out.add("من قبل")
    out.discard("")
    return frozenset(out)


GOVERNING = frozenset({"ل", "ب", "من", "في", "علي", "الي", "عن", "مع", "نحو", "باتجاه", "اتجاه", "داخل", "ضد", "بين"})


def place_fillers(sent: Sentence, lo: int, hi: int, triggers: set[int]) -> list[Filler]:
    """LOC mentions and place-head chunks ('مدينة القائم', 'الأراضي العراقية') starting in words[lo:hi].

    The sentence is scanned once, left to right (every event of the sentence reads the same
    list), so a place is always the same filler whichever event asks: a chunk never starts
    inside a name or inside an earlier place chunk."""
    places = sent.memo.get("places")
    if places is None:
        places = sent.memo["places"] = _place_fillers(sent, triggers)
    return [f for f in places if lo <= f.first < hi]   # the fillers are shared: read-only for callers


def _place_fillers(sent: Sentence, triggers: set[int]) -> list[Filler]:
    words, mention_at = sent.words, sent.mention_at
    head_place = BIT["head_place"]
    out = []
    free = 0                                  # first word not inside an earlier name or place chunk
    # only names and place-head words can open a place: visit those, left to right
    for i in sorted(set(mention_at).union(j for j, w in enumerate(words) if w.flags & head_place)):
        if i < free:
            continue
        m = mention_at.get(i)
        if m is not None:
            if m["type"] == "LOC":
                out.append(mention_filler(sent, i))
            free = sent.mention_end[i] + 1
            continue
        if i not in triggers and "«" not in words[i].punct:
            f = chunk(sent, i, max_words=4, stop_at_trigger=triggers, place=True)   # «القاعدة» is a name
            if f:
                # a LOC mention inside the chunk gives it an entity id
                inner = next((mention_at[j] for j in range(f.first, f.last + 1)
                              if j in mention_at and mention_at[j]["type"] == "LOC"), None)
                if inner:
                    f.entity_id = inner["entity_id"]
                elif _vague_place(sent, f) and f.last + 2 < len(words) and words[f.last + 1].norm == "من" \
                        and sent.mention_at.get(f.last + 2, {}).get("type") == "LOC":
                    m = sent.mention_at[f.last + 2]      # 'الجانب الغربي من الموصل': the part with its city
                    f = Filler(f.start, m["end"], sent.text[f.start:m["end"]], m["entity_id"], f.first,
                               sent.mention_end[f.last + 2])
                out.append(f)
                free = f.last + 1
    return out


def _purpose_noun(sent: Sentence, j: int) -> bool:
    """'لبحث', 'لمنع', 'لعزل': ل on a bare noun that is no name, place or party opens a purpose
    clause; places after it belong to that clause ('جولة لبحث الأزمة في سوريا')."""
    fl = sent.words[j].flags
    return bool(fl & LAM_BIT) and not fl & HEAD_BITS and j not in sent.covered


def _vague_place(sent: Sentence, f: Filler) -> bool:
    """A place phrase headed by a part-of noun with no name or place noun after it ('الجانب الشرقي',
    'المناطق الريفية', not 'الأراضي السورية' or 'الجانب الشرقي للمدينة'): too vague to be a site."""
    return (f.entity_id is None and is_(sent.words[f.first], "head_vague")
            and not any(_mention_type(sent, k) in ("@LOC", "@NORP") or is_(sent.words[k], "head_place")
                        for k in range(f.first + 1, f.last + 1)))


def coordinated(sent: Sentence, f: Filler) -> list[Filler]:
    """f plus a mention joined to it by و ('«قسد» و«التحالف الدولي»')."""
    nxt = f.last + 1
    if nxt >= len(sent.words):
        return [f]
    w = sent.words[nxt]
    if nxt in sent.mention_at:
        if w.norm.startswith("و") and sent.mention_at[nxt]["type"] in AGENTIVE:
            return [f, mention_filler(sent, nxt)]
    elif w.norm.startswith("و") and len(w.norm) > 3 and w.flags & BIT["head_militant"] and nxt not in sent.covered \
            and not w.punct.strip():
        g = chunk(sent, nxt, max_words=4)     # 'الطيران الروسي وطائرات التحالف الدولي'
        if g is not None:
            a = w.start + 1                   # the conjunction is not part of the phrase
            return [f, Filler(a, g.end, sent.text[a:g.end], g.entity_id, g.first, g.last)]
    return [f]


def _coordinated_before(sent: Sentence, f: Filler) -> list[Filler]:
    """f plus an agentive mention joined to it from the left by و ('البغدادي والظواهري يتفاوضان')."""
    w = sent.words[f.first]
    if f.first > 0 and (_norm(sent.text[w.start:f.start]).endswith("و") or w.norm == "و"):
        start = sent.owner.get(f.first - 1 if f.start > w.start else f.first - 2)
        if start is not None and sent.mention_at[start]["type"] in AGENTIVE - {"LOC"}:
            return [mention_filler(sent, start), f]
    return [f]


def _is_place(sent: Sentence, f: Filler) -> bool:
    m = sent.mention_at.get(f.first)
    return (m is not None and m["type"] == "LOC") or is_(sent.words[f.first], "head_place")


@lru_cache(maxsize=16)
def _markers(name: str) -> tuple[tuple[str, ...], ...]:
    """Every cue of a list (single- and multi-word) as tuples of normalised words."""
    return tuple(tuple(normalize(w) for w in c.split()) for c in cues()[name])


def _agent_slots(sent: Sentence) -> set[int]:
    """Word indexes right after an agent marker ('من قبل', 'على يد', 'بمساعدة'), once per sentence."""
    slots = sent.memo.get("agent")
    if slots is None:
        markers = _markers("agent_markers")
        slots = sent.memo["agent"] = {j + 1 for j, fl in enumerate(sent.cflags)
                                      if fl & AGENT_END_BIT and _marker_before(sent, j + 1, markers)}
    return slots


def _tanween(w: Word) -> bool:
    """An indefinite accusative with tanween alif ('عمالا', 'جنديا'); adjectives agree with it."""
    return not _definite(w) and len(w.norm) > 3 and w.norm.endswith("ا") and not w.norm.endswith("اا")


def _accusative(w: Word) -> bool:
    """An indefinite noun with an accusative/oblique ending (tanween alif, sound plural -ين)."""
    return _tanween(w) or not _definite(w) and len(w.norm) > 3 and w.norm.endswith("ين")


def _construct(w: Word) -> bool:
    """A verbal noun that can take a genitive: no article ('مقتل X', not 'المقتل')."""
    return not _definite(w)


PRONOUN_SUFFIXES = frozenset({"ه", "ها", "هم", "هما", "هن", "نا", "كم", "ني"})


def _has_pronoun(norm: str, key: str) -> bool:
    """Whether the trigger word carries an attached pronoun ('خسارته', 'قتلوهم'): it has its
    genitive or object already, so the next noun phrase is not one."""
    pos = norm.rfind(key)
    if pos < 0 and key.endswith("ه"):       # teh marbuta opened before the suffix: 'خساره' in 'خسارته'
        key = key[:-1] + "ت"
        pos = norm.rfind(key)
    return pos >= 0 and norm[pos + len(key):] in PRONOUN_SUFFIXES


def arguments(sent: Sentence, i: int, t: Trigger, triggers: set[int], key: str = "") -> dict:
    words = sent.words
    n = len(words)
    heads = _heads()["person"]
    spec = ontology()["types"][t.type]
    genitive = spec.get("genitive", "actor")
    if "mode_genitive" in spec:               # 'إطلاق سراح الرهائن': the released
        genitive = spec["mode_genitive"].get(t.mode, genitive)
    actor: list[Filler] = []
    target: list[Filler] = []

    # agent marker after the trigger: 'من قبل X', 'على يد X', 'بمساعدة X'
    agent_slots = _agent_slots(sent)
    for j in range(i + 2, min(n, i + ARG_WINDOW + 4)):
        if j in triggers or words[j].punct.strip(" «»\"()"):
            break
        if j in agent_slots:
            if _participle_before_marker(sent, i, j):
                break                         # 'المدنيين المحاصرين من قبل داعش': the participle's agent
            f = np_at(sent, j, triggers)
            if f:
                actor = coordinated(sent, f)
                break

    nxt = i + 1
    if t.pos == "verb":                       # 'هاجمت فجر اليوم مجموعة مسلحة': a time adverbial may precede the subject
        while nxt < min(n, i + 5) and nxt in sent.time_words:
            nxt += 1
    f = filler_at(sent, nxt, heads, triggers) if nxt < n else None
    if f is not None and t.pos == "verb" and t.type not in PLACE_OBJECT_TYPES and _is_state(sent, f):
        pass                                  # 'وسترسل واشنطن': a state or capital acts
    elif f is not None and (preps_before(sent, f) & {"ب"} or _is_place(sent, f)
                            or ("ل" in preps_before(sent, f) and (t.pos == "verb" or genitive != "actor"))):
        f = None                              # a prepositional phrase or a place, not a participant
    if f is not None and t.pos == "verb" and t.type not in INTRANSITIVE and t.mode not in INTRANSITIVE and (
            f.first not in sent.mention_at and _accusative(words[f.first])
            or sent.mention_at.get(f.first, {}).get("type") == "QUANTITY" or words[f.first].norm in APPROXIMATORS):
        f = None                              # 'احتجز مسلحين', 'اعتقلت أربعة مشتبهين': an object, not the subject
    role = "target" if t.passive else spec.get("verb_subject", "actor")
    # objects of a control change are the territory (a place); only expulsions and overthrows take a party
    takes_object = not _has_pronoun(words[i].norm, key) and (t.type != "CONTROL_CHANGE" or t.mode in ("expel", "overthrow"))
    if t.pos == "verb":
        before = [] if actor or role == "target" else _subject_before(sent, i, triggers)
        if before and f is not None and _clause_subject(sent, before[0], i):
            f = None                          # 'إن بلينكن ... سيلتقي العاهل الأردني': the name after the verb is its object
        np1 = f or (_object_np(sent, nxt, t, triggers) if takes_object else None)
        if np1 is not None and role == "target":
            target = coordinated(sent, np1)   # news passive: 'قتل جندي' (the killed)
        elif f is not None or (np1 is not None and not before and _definite(words[np1.first])
                               and not words[i].norm.endswith("وا")):
            # VSO: a definite noun phrase or a name after the verb is its subject; the next one the object
            s1 = f or np1
            if not actor:
                actor = coordinated(sent, s1)
            k = coordinated(sent, s1)[-1].last + 1
            if takes_object and k < n and k not in triggers and k not in sent.covered and proclitic(words[k].norm) == "ب":
                k += 1                        # an instrument first: 'قصفت القوات بالمدفعية الثقيلة أحياء سكنية'
                while k < n and _definite(words[k]) and not words[k].flags & HEAD_BITS and k not in sent.covered:
                    k += 1                    # its adjectives
            obj = _object_np(sent, k, t, triggers) if takes_object else None
            if obj is not None:
                target = coordinated(sent, obj)
        elif np1 is not None:                 # SVO or a pronoun subject: 'القوات اعتقلت 15 فلسطينيا', 'دمروا سيارة'
            target = coordinated(sent, np1)
        if not actor:                         # SVO: 'أن البغدادي هرب', 'القوات ستتقدم'
            actor = before
        if not actor and role != "target":
            actor = _conjoined_verb_subject(sent, i, key)
        if actor:
            sent.memo.setdefault("verb_actors", {})[i] = actor
    else:
        if t.mode == "release" and nxt + 1 < n and words[nxt].norm == "سراح":
            nxt += 1                           # 'إطلاق سراح الرهائن'
        if f is None and takes_object and _construct(words[i]) and nxt < n and nxt not in sent.covered and (
                _definite(words[nxt]) or words[nxt].norm.endswith(("ها", "هم"))   # 'إجلاء موظفيها': a possessive makes it definite
                or words[nxt].flags & (BIT["head_person"] | BIT["head_militant"])
                or words[nxt].norm.isdigit()):
            f = _object_np(sent, nxt, t, triggers)   # 'مقتل قيادي بارز', 'استهداف مخازن الأسلحة'
            if f is not None and genitive == "actor" and not is_(words[f.first], "head_person"):
                f = None                       # an actor genitive must name someone
        if f is None and not actor and takes_object:
            actor = _possessor(sent, i, triggers)  # 'الضربات الجوية لطائرات التحالف'
        if f is not None:                     # the genitive after a verbal noun
            if genitive == "actor":
                actor = actor or coordinated(sent, f)
            elif _agent_genitive(sent, f):    # 'اختطاف جماعة مسلحة عمالا': subject, then object
                actor = actor or coordinated(sent, f)
                obj = np_at(sent, f.last + 1, triggers)
                if obj is None and f.last + 1 < n and proclitic(words[f.last + 1].norm) == "ل":
                    obj = chunk(sent, f.last + 1, max_words=4, stop_at_trigger=triggers)   # 'لمسلحين'
                target = coordinated(sent, obj) if obj is not None else []
            else:
                target = coordinated(sent, f)
        if not actor:
            actor = _light_verb_subject(sent, i, triggers)
        if not actor:
            actor = _resumptive_subject(sent, i, triggers)
        if not actor:                         # 'البغدادي على الهروب', 'تمكنوا من الفرار'
            actor = _subject_before(sent, i, triggers, max_back=4 if spec.get("genitive") == "target" else 3,
                                    mentions_only=True)
    if not actor and (t.type in SYMMETRIC or t.mode == "clash"):
        actor = _between(sent, i, triggers)   # 'اشتباكات عنيفة بين فصيلين', 'محادثات بين الحكومة والمتمردين'
    if not target and t.type in ("ASSAULT", "COERCE", "SANCTION", "ACCUSE", "THREATEN"):
        for j in range(i + 1, min(n, i + 6)):   # 'عمليات عسكرية ضد تنظيم داعش', 'هجوما على قاعدة'
            if j in triggers or "،" in words[j].punct or "," in words[j].punct:
                break
            if words[j].norm in cue_set("target_preps"):
                obj = np_at(sent, j + 1, triggers)
                if obj is not None and (words[j].norm == "ضد" or not _is_place(sent, obj)
                                        or obj.first in sent.mention_at or t.type != "ASSAULT"
                                        or is_(words[obj.first], "head_place")):
                    target = coordinated(sent, obj)
                break
    if t.type == "CONTROL_CHANGE" and not target:
        for j in range(i + 1, min(n, i + ARG_WINDOW)):   # 'استعادت المدينة من تنظيم داعش': the side that lost it
            if j in triggers:
                break
            if words[j].norm == "من" and j + 1 < n:
                g = np_at(sent, j + 1, triggers)
                if g is not None and not _is_place(sent, g) and (g.first in sent.mention_at or _definite(words[g.first])):
                    target = [g]
                    break
    if "target" not in spec["arguments"]:
        target = []                           # 'سترسل 400 جندي': troops are a quantity, not a target

    # places, by the preposition that governs them, up to the next event or comma
    origin = destination = location = None
    end = i + 1
    # an instrument ('قتل ... بغارة جوية في شبوة') shares the event's site: the scan goes past it
    while end < min(n, i + ARG_WINDOW + 2) and (end not in triggers or proclitic(words[end].norm) == "ب") \
            and "،" not in words[end].punct \
            and "," not in words[end].punct and not (words[end].flags & LAM_BIT and _purpose_noun(sent, end)):
        end += 1
    used = {k for f in actor + target for k in range(f.first, f.last + 1)
            if not (t.type == "ASSAULT" and f.first in sent.mention_at and _is_place(sent, f))}
    prev_last = -9
    for f in place_fillers(sent, i + 1, end, triggers):
        if f.first in used:
            continue                          # 'وسترسل واشنطن': the state acting is no place
        qualifier = f.first - 2 == prev_last and words[f.first - 1].norm in DIRECTIONS
        prev_last = f.last
        if qualifier:
            continue                          # 'من مدينة غاو شمالي مالي': where the town is, not another place
        p = preps_before(sent, f)
        if p & cue_set("destination_preps") or ("ل" in p and t.type in MOVEMENT and t.mode != "withdraw"):
            destination = destination or f
        elif "من قبل" in p:
            continue
        elif p & cue_set("origin_preps"):
            origin = origin or f
        elif f.first == i + 1 and t.pos == "verb" and t.type in MOVEMENT:
            origin = origin or f              # 'غادر الموصل'
        elif _vague_place(sent, f):
            continue
        elif p & cue_set("location_preps") or f.first <= i + 2 or _site_noun_before(sent, f):
            location = location or f          # the site: 'في/قرب/داخل/على X', or the place the event acts on
    if location is None:
        before = [f for f in place_fillers(sent, max(0, i - 6), i, triggers) if preps_before(sent, f) & {"في", "ب"}]
        # 'قالت وزارة الصحة في غزة إن ...': a place in the speaker's clause is no site
        if before and not any(sent.cflags[k] & (BIT["complementizers"] | SPEECH_BITS) for k in range(before[-1].last + 1, i)):
            location = before[-1]
    # roles the type does not take (ontology 'arguments') fold into the location
    if "origin" not in spec["arguments"]:
        location, origin = location or origin, None
    if "destination" not in spec["arguments"]:
        location, destination = location or destination, None
    if location is None:
        location = (destination or origin) if t.type in ("MOBILIZE", "CONSULT") else (origin or destination)
    if "location" not in spec["arguments"]:
        location = None                       # 'التنسيق مع العراق', 'سيدعو سوريا': no site for these types
    return dict(actor=actor, target=target, location=location, origin=origin, destination=destination)


SYMMETRIC = frozenset({"CONSULT", "AGREE", "COOPERATE"})   # types whose parties may stand after 'بين'


def _between(sent: Sentence, i: int, triggers: set[int]) -> list[Filler]:
    """The parties of a symmetric event after 'بين' (past the trigger's adjectives): all are actors."""
    words = sent.words
    for j in range(i + 1, min(len(words) - 1, i + 4)):
        if j in triggers or words[j].punct.strip(" «»\"()"):
            return []
        if words[j].norm == "بين":
            f = np_at(sent, j + 1, triggers)
            return coordinated(sent, f) if f is not None else []
    return []


def _conjoined_verb_subject(sent: Sentence, i: int, key: str) -> list[Filler]:
    """A verb joined by و/ف with no subject of its own shares the subject of the previous verb
    event of the sentence ('مسلحو «قسد» تقدموا ...، ودمروا سيارة'), unless a speech verb or
    complementizer opens a new clause between them."""
    norm = sent.words[i].norm
    if not norm.startswith(("و", "ف")) or key.startswith(("و", "ف")):
        return []
    done = sent.memo.get("verb_actors", {})
    k = max((j for j in done if j < i), default=None)
    if k is None or any(sent.cflags[j] & CLAUSE_BITS for j in range(k + 1, i)):
        return []
    return list(done[k])


def _participle_before_marker(sent: Sentence, i: int, slot: int) -> bool:
    """Whether the agent marker ending before `slot` follows a passive participle that is not the
    trigger's own adjective ('دعت المدنيين المحاصرين من قبل داعش', but 'الغارات المكثفة من قبل
    الطائرات'): the agent is then the participle's, not the event's."""
    size = next((len(ph) for ph in _markers("agent_markers") if _marker_before(sent, slot, (ph,))), 1)
    k = slot - size - 1                       # the word before the marker
    if k <= i + 1:
        return False
    n = sent.words[k].norm
    n = n[2:] if n.startswith("ال") else n
    return len(n) > 4 and n[0] == "م" and k not in sent.covered and k not in sent.triggers


def _clause_subject(sent: Sentence, f: Filler, i: int) -> bool:
    """Whether f opens the clause of the verb at i (after 'أن/إن' or at the start of the sentence)
    a few words before it: then it is the verb's subject (SVO) and nothing after the verb is."""
    words = sent.words
    return (i - f.last <= 4 and (f.first in sent.mention_at or bool(is_(words[f.first], "head_person")))
            and (f.first == 0 or bool(is_(words[f.first - 1], "complementizers")))
            and not any(words[k].punct.strip() for k in range(f.last + 1, i + 1)))


def _agentive(sent: Sentence, f: Filler) -> bool:
    """A phrase that can act: a person/organisation name or an armed-actor head ('الطائرات الإسرائيلية')."""
    m = sent.mention_at.get(f.first)
    if m is not None:
        return m["type"] in ("PERSON", "ORG")
    return bool(sent.words[f.first].flags & (BIT["head_person"] | BIT["head_militant"]))


def _agent_genitive(sent: Sentence, f: Filler) -> bool:
    """The genitive of a verbal noun is its subject when the object is expressed after it
    ('اعتقال «قسد» لمسلحين', 'قصف الطائرات مدرسة', 'هجوم حماس على إسرائيل')."""
    nxt = f.last + 1
    if not _agentive(sent, f) or nxt >= len(sent.words) or sent.words[nxt].punct.strip(" ()«»\""):
        return False
    w = sent.words[nxt]
    if has(w, cue_set("target_preps")) or proclitic(w.norm) == "ل":
        return True                           # 'على إسرائيل', 'لمسلحين': the object marked by a preposition
    return nxt not in sent.covered and _accusative(w) and not w.flags & NOT_NP   # 'مدرسةً', 'مسلحين'



def _possessor(sent: Sentence, i: int, triggers: set[int]) -> list[Filler]:
    """'ل' + an agent after a verbal noun and its adjectives: the possessor is the actor
    ('الضربات الجوية لطائرات التحالف الدولي')."""
    words = sent.words
    for j in range(i + 1, min(len(words), i + 4)):
        w = words[j]
        if w.punct.strip() or j in triggers:
            return []
        if w.norm.startswith(("ل", "لل")) and proclitic(w.norm) == "ل":
            start = sent.owner.get(j)
            if start is not None and start == j and sent.mention_at[j]["type"] in ("PERSON", "ORG"):
                return [mention_filler(sent, j)]
            if start is None and is_(w, "head_militant"):
                f = chunk(sent, j, max_words=4, stop_at_trigger=triggers)
                return [f] if f else []
            return []
        if j in sent.covered or not w.norm.endswith(ADJ_ENDINGS + ("يه",)) or w.flags & NOT_NP:
            return []                          # only adjectives may stand between the noun and its possessor
    return []


def _site_noun_before(sent: Sentence, f: Filler) -> bool:
    """'في محيط مدينة سرت', 'بأطراف X': a site preposition one noun before the place."""
    if f.first < 2:
        return False
    prev = sent.words[f.first - 1]
    return bool(({proclitic(prev.norm)} | set(sent.words[f.first - 2].keys)) & cue_set("location_preps")) \
        and not prev.flags & (NOT_NP | TRIGGER_BIT) and f.first - 1 not in sent.covered


def _object_np(sent: Sentence, j: int, t: Trigger, triggers: set[int]) -> Filler | None:
    """The direct object at word j: a noun phrase not governed by a preposition; a place only
    when the event acts on it ('قصفت مواقع', not 'غادر الموصل', which is an origin)."""
    if t.mode == "release" and j + 1 < len(sent.words) and sent.words[j].norm == "سراح":
        j += 1                                # 'أطلقت السلطات سراح صحافية': who is released follows 'سراح'
    f = np_at(sent, j, triggers)
    if f is None or preps_before(sent, f) & GOVERNING - {"ل"} and j in sent.mention_at:
        return None
    m = sent.mention_at.get(f.first)
    if m is not None and m["type"] == "LOC" and t.type != "ASSAULT":
        return None
    if m is None and is_(sent.words[f.first], "head_place") and t.type in PLACE_OBJECT_TYPES | MOVEMENT:
        return None
    return f


def _is_state(sent: Sentence, f: Filler) -> bool:
    """A LOC mention right after a verb that is not about moving to/from places: a state acting."""
    m = sent.mention_at.get(f.first)
    return m is not None and m["type"] == "LOC" and not preps_before(sent, f) & GOVERNING


GOVERNOR_BITS = BIT["light_verbs"] | BIT["control_verbs"] | BIT["request_verbs"] | BIT["speech_verbs"]


def _light_verb_subject(sent: Sentence, i: int, triggers: set[int]) -> list[Filler]:
    """Subject of a support verb governing the verbal noun ('تشن القوات العراقية ... عملية'), or
    of a control verb whose complement it is ('تمكن مسلحون من اقتحام', 'حاولت القوات الهروب'):
    the verbal noun's actor is that verb's subject."""
    words = sent.words
    for j in range(i - 1, max(-1, i - 13), -1):
        if not words[j].flags & GOVERNOR_BITS:
            continue
        if i - j <= 8 and is_(words[j], "light_verbs") or i - j <= 3 and is_(words[j], "control_verbs"):
            k = j + 1
            while k < i and k in sent.time_words:   # 'شنت أمس القوات ... هجوما'
                k += 1
            f = filler_at(sent, k, _heads()["person"], triggers) if k < i else None
            before = _subject_before(sent, j, triggers, max_back=6 if is_(words[j], "control_verbs") else 4)
            if f is None and not before and k < i and _definite(words[k]) and not is_(words[k], "head_place"):
                f = np_at(sent, k, triggers)        # VSO: a definite phrase right after the verb ('تمكنت القوات من')
            if f is not None and f.last < i and not preps_before(sent, f) & GOVERNING:
                return coordinated(sent, f)
            return before
        if is_(words[j], "request_verbs") and not triggers.intersection(range(j + 1, i)):   # 12 words back
            return _request_object(sent, j, i, triggers)
        if is_(words[j], "speech_verbs"):
            break
    return []


def _resumptive_subject(sent: Sentence, i: int, triggers: set[int]) -> list[Filler]:
    """Subject of a support verb after the noun that points back to it with a pronoun:
    'الضربات الجوية التي يشنها الطيران الروسي', 'ضربات جوية نفذتها طائرات التحالف',
    'الزيارة التي يقوم بها بلينكن'."""
    words = sent.words
    for j in range(i + 1, min(len(words), i + 6)):
        w = words[j]
        if j in triggers or w.punct.strip(" «»\"()"):
            return []
        if not w.flags & (RESUMPTIVE_BIT | BIT["light_verbs"]):
            continue
        k = j + 1
        if k < len(words) and words[k].norm in ("به", "بها", "بهم"):
            k += 1                            # the pronoun on the preposition: 'يقوم بها'
        elif not w.flags & RESUMPTIVE_BIT:
            return []                         # no pronoun: the verb governs something else
        while k < len(words) and k in sent.time_words:
            k += 1
        f = filler_at(sent, k, _heads()["person"], triggers)
        if f is None and k < len(words) and _definite(words[k]) and not is_(words[k], "head_place"):
            f = np_at(sent, k, triggers)
        return coordinated(sent, f) if f is not None else []
    return []


def _request_object(sent: Sentence, j: int, i: int, triggers: set[int]) -> list[Filler]:
    """The act asked for is done by whom the request addresses: 'تنصح سكان الرمادي بمغادرتها',
    'دعت القيادة المدنيين إلى الخروج', 'طلبت من السكان إخلاء المدينة'. The first phrase after the
    verb is that object when the subject came before it, else the second one (VSO)."""
    k = j + 1
    if k < i and sent.words[k].norm == "من":
        k += 1                                # 'طلب من X'
    first = np_at(sent, k, triggers) if k < i else None
    if first is None or first.last >= i:
        return []
    if k > j + 1 or _subject_before(sent, j, triggers) or _pronoun_plural(sent.words[j]):
        return coordinated(sent, first)
    nxt = coordinated(sent, first)[-1].last + 1
    second = np_at(sent, nxt, triggers) if nxt < i else None
    return coordinated(sent, second) if second is not None and second.last < i else []


def _pronoun_plural(w: Word) -> bool:
    return w.norm.endswith(("وا", "ون"))


def _subject_before(sent: Sentence, i: int, triggers: set[int], max_back: int = 6,
                    mentions_only: bool = False) -> list[Filler]:
    """Nearest agentive mention (or head-noun chunk) before the trigger, not crossing a speech verb."""
    words = sent.words
    for j in range(i - 1, max(-1, i - 1 - max_back), -1):
        w = words[j]
        if is_(w, "speech_verbs") or (is_(w, "complementizers") and j < i - 1):
            break                             # the subject of 'قالت X إن ... تقدمت' is inside the clause
        start = sent.owner.get(j)
        if start is not None:
            if sent.mention_at[start]["type"] in ("PERSON", "ORG", "NORP"):
                f = mention_filler(sent, start)
                # 'الأراضي العراقية' is a place, 'بدعم من التحالف' a prepositional phrase: neither is the
                # subject, unless a relative pronoun follows ('لتنظيم داعش الذي بدأ بالهروب')
                relative = f.last + 1 < i and words[f.last + 1].norm in RELATIVES
                if not is_(words[f.first], "head_place") and (relative or not preps_before(sent, f) & GOVERNING):
                    return _coordinated_before(sent, f)
            continue
        after_comp = j > 0 and (is_(words[j - 1], "complementizers") or words[j - 1].norm in ("يكون", "تكون"))
        if mentions_only or not (is_(w, "head_person") or (after_comp and w.norm not in cue_set("chunk_stops"))):
            continue
        if j == 0 or w.punct.strip() or after_comp or words[j - 1].norm in ("و", "لكن"):
            f = chunk(sent, j, max_words=4, stop_at_trigger=triggers | {i})
            if f and f.last < i:
                return [f]
    return []


# --- attribution -------------------------------------------------------------------------
NAQL = frozenset(verb_forms("نقل", "ينقل"))    # 'نقلت وكالة X عن Y': X is the channel, Y the source


def _source(sent: Sentence, f: Filler, via: Filler | None) -> dict:
    return dict(filler=f, via=via, rumour=is_(sent.words[f.first], "rumour"))


def _speaker_after(sent: Sentence, j: int) -> Filler | None:
    """Who speaks: a mention or a head-noun chunk right after a speech verb/cue at word j."""
    words = sent.words
    k = j + 1
    while k < len(words) and ((words[k].norm == "ما" and k + 1 < len(words) and is_(words[k + 1], "speech_verbs"))
                               or is_(words[k], "speech_verbs")):
        k += 1                               # 'وفق ما أفاد صحافي'
    if k + 1 < len(words) and is_(words[k], "speech_nouns") and not words[k + 1].punct.strip():
        # 'وفق بيان للجيش', 'بحسب بيان صادر عن الوزارة': who issued the statement speaks
        if words[k + 1].norm in ("صادر", "صادرا", "صادره") and k + 2 < len(words) and words[k + 2].norm == "عن":
            k += 3
        elif proclitic(words[k + 1].norm) == "ل" and not _definite(words[k]):
            k += 1
    if k >= len(words) or is_(words[k], "complementizers") or words[k].punct.strip(" «»\"“”()"):
        return None
    if k in sent.mention_at:
        return mention_filler(sent, k)
    if is_(words[k], "head_person"):
        return speaker_chunk(sent, k)
    return _name_before_content(sent, k)


def _name_before_content(sent: Sentence, k: int) -> Filler | None:
    """An unknown name between a speech verb and its content: 'وكشف الطليباوي عن', 'قال رسول: إن'."""
    words = sent.words
    for end in range(k, min(len(words), k + 3)):
        w = words[end]
        if w.norm in cue_set("chunk_stops") or any(x in GOVERNING for x in w.stems) or is_(w, "complementizers"):
            return None                      # 'قال فيها', 'أكد أن'
        nxt = words[end + 1] if end + 1 < len(words) else None
        if nxt is None or nxt.punct.strip(" ()") or nxt.norm in ("عن", "في", "ل", "عدم") or is_(nxt, "complementizers") \
                or end + 1 in sent.triggers:     # 'أعلنت السلطات الكينية اعتقال/عدم اعتقال ...': the content starts
            a, b = words[k].start, w.end
            return Filler(a, b, sent.text[a:b], None, k, end)
    return None


def speaker_chunk(sent: Sentence, k: int) -> Filler:
    """A speaker's noun phrase: crosses 'في/باسم/من' into an institution ('مسؤول في وزارة الدفاع')."""
    words = sent.words
    last = k
    stops = cue_set("chunk_stops") - {"في", "من"}
    for j in range(k + 1, min(len(words), k + 9)):
        w = words[j]
        if (w.punct.strip(" ()«»\"“”") or w.norm in stops or is_(w, "complementizers")
                or is_(w, "speech_nouns") or w.norm.isdigit() or w.norm == "ل"
                or (proclitic(w.norm) == "ل" and is_(w, "head_media"))):
            break                            # 'لوكالة فرانس برس' is the channel, not the speaker
        if w.norm in ("في", "من") and not (j + 1 < len(words) and (is_(words[j + 1], "head_person")
                                                                   or j + 1 in sent.mention_at)):
            break
        last = j
    a, b = words[k].start, words[last].end
    return Filler(a, b, sent.text[a:b], None, k, last)


def _speaker_before(sent: Sentence, j: int) -> Filler | None:
    """Subject before a speech verb ('وكانت وزارة الدفاع الأمريكية (البنتاغون) رجحت')."""
    words = sent.words
    last = j - 1
    if last < 0 or words[j].punct.strip(" ()"):
        return None
    first = last
    while first > 0 and last - first < 5 and words[first - 1].norm not in cue_set("chunk_stops") \
            and not words[first].punct.strip(" ()"):
        first -= 1
    for s in range(first, last + 1):
        m = sent.mention_at.get(s)
        if m is not None and (m["type"] in ("PERSON", "ORG", "NORP") or sent.mention_end[s] == last):
            return mention_filler(sent, s)
    if words[first].norm in cue_set("chunk_stops") or not is_(words[first], "head_person"):
        return None
    a, b = words[first].start, words[last].end
    return Filler(a, b, sent.text[a:b], None, first, last)


def _via_after(sent: Sentence, f: Filler) -> Filler | None:
    """An outlet after the speaker: 'لوكالة فرانس برس', 'لـ«سكاي نيوز عربية»'."""
    words = sent.words
    for k in range(f.last + 1, min(len(words), f.last + 8)):
        w = words[k]
        if is_(w, "complementizers"):
            return None
        if w.norm == "ل":
            return chunk(sent, k + 1, max_words=4)
        if proclitic(w.norm) == "ل" and is_(w, "head_media"):
            c = chunk(sent, k, max_words=4)
            if c:
                lead = w.norm.index(next(x for x in w.keys if x in _heads()["media"]))
                return Filler(w.start + lead, c.end, sent.text[w.start + lead:c.end], None, c.first, c.last)
    return None


def speech_source(sent: Sentence, j: int) -> dict | None:
    """The source introduced by the speech verb or noun at word j, if one can be found (once per cue:
    every event after the cue asks for it)."""
    key = ("source", j)
    if key not in sent.memo:
        sent.memo[key] = _speech_source(sent, j)
    return sent.memo[key]


def _speech_source(sent: Sentence, j: int) -> dict | None:
    words = sent.words
    w = words[j]
    is_verb = is_(w, "speech_verbs") or is_(w, "continuation_verbs")
    if not is_verb and not any(is_(x, "complementizers") or x.norm == "عن" for x in words[j + 1:j + 8]):
        return None                          # a speech noun that introduces no content ('شبه بيان قسد')
    f = _speaker_after(sent, j)
    via = None
    if f is not None and has(w, NAQL):
        for k in range(f.last + 1, min(len(words), f.last + 6)):
            if words[k].norm == "عن" or is_(words[k], "speech_nouns"):
                inner = _speaker_after(sent, k)
                if inner is not None:
                    f, via = inner, f
                break
    if f is None and is_verb:
        f = _speaker_before(sent, j)
    if f is None:
        return None
    return _source(sent, f, via or _via_after(sent, f))


def _in_quote(sent: Sentence, i: int) -> bool:
    """Whether more quotes open than close between the sentence's first word and word i.
    Quote marks are one-character tokens (akhbar.text.tokens.TOKEN), never inside a word, so counting them in
    the text between the two words counts the quotes of the words' `punct`; most sentences have
    no opening quote at all (checked once per sentence)."""
    words = sent.words
    if i == 0:
        return False
    quoted = sent.memo.get("has_open_quote")
    if quoted is None:
        span = sent.text[words[0].end:words[-1].start]
        quoted = sent.memo["has_open_quote"] = any(q in span for q in OPEN_QUOTES)
    if not quoted:
        return False
    between = sent.text[words[0].end:words[i].start]
    return sum(between.count(q) for q in OPEN_QUOTES) > sum(between.count(q) for q in CLOSE_QUOTES)


def attribution(sent: Sentence, i: int, carry: Carry) -> tuple[dict | None, int | None]:
    """(source dict, index of the speech cue) for the event at word i."""
    words = sent.words
    # 'وفق X', 'بحسب X', 'نقلا عن X' anywhere in the sentence
    according = sent.memo.get("according", False)
    if according is False:
        according = None
        bit = BIT["according_to"]
        for j in [k for k, fl in enumerate(sent.cflags) if fl & bit]:
            f = _speaker_after(sent, j + max(sent.phrase_len(j, "according_to"), 1) - 1)
            if f:
                according = (_source(sent, f, None), j)
                break
        sent.memo["according"] = according
    if according is not None:
        return according
    # a headline 'علاوي: البغدادي والظواهري يتفاوضان'
    colon = next((k for k in range(1, min(5, len(words))) if ":" in words[k].punct), None)
    if colon is not None and colon <= min(i, 2) and not words[0].norm.startswith("و") and not any(
            is_(x, "speech_verbs") or is_(x, "continuation_verbs") or x.norm in cue_set("chunk_stops")
            for x in words[:colon]):
        a, b = words[0].start, words[colon - 1].end
        return _source(sent, Filler(a, b, sent.text[a:b], sent.mention_at.get(0, {}).get("entity_id"), 0, colon - 1), None), 0
    # a speaker after the statement: '... فسننظم إضرابا عاما، قال رئيس النقابة.'
    if sent.bits & BIT["speech_verbs"]:
        post = sent.memo.get("postposed", False)
        if post is False:
            post = sent.memo["postposed"] = _postposed_speaker(sent)
        if post is not None and i < post[1]:
            return post
    # the closest speech verb or noun before the trigger, not across a clause break (unless quoted)
    quoted = _in_quote(sent, i)
    flags = sent.cflags
    stop = BIT["clause_breaks"] | BIT["speech_verbs"] | BIT["speech_nouns"] | BIT["continuation_verbs"]
    for j in range(i - 1, -1, -1):
        if not flags[j] & stop:              # most words: one int test
            continue
        w = words[j]
        if not quoted and flags[j] & BIT["clause_breaks"] \
                and not (w.norm == "حيث" and j + 1 < len(words) and is_(words[j + 1], "complementizers")):
            return None, None
        cont = is_(w, "continuation_verbs")
        if not (is_(w, "speech_verbs") or is_(w, "speech_nouns") or cont) or j in sent.triggers:
            continue                         # 'نقل' moving people is an event, not a report
        src = speech_source(sent, j)
        if src is not None:
            return src, j
        nxt = words[j + 1] if j + 1 < len(words) else None
        if j <= 1 or cont or j + 1 == i or (nxt is not None and is_(nxt, "complementizers")):
            # a speech verb with a pronoun subject ('وأضاف أن', 'مضيفا أن', 'أقر بمقتل'): the last speaker goes on
            prev = _last_speaker(sent, j, carry)
            if prev is not None:
                return prev, j
    if carry.source and carry.quote_depth > 0:
        return dict(carry.source), None
    return None, None


def _postposed_speaker(sent: Sentence) -> tuple[dict, int] | None:
    """(source, cue index) of a speech verb that closes the sentence after a comma or a closing
    quote ('...، قال رئيس نقابة العمال.', '"..." قال المتحدث'): its speaker says all before it."""
    words = sent.words
    n = len(words)
    for j in range(n - 2, 0, -1):
        w = words[j]
        if not is_(w, "speech_verbs") or j in sent.triggers:
            continue
        if not any(q in w.punct for q in ("،", ",", *CLOSE_QUOTES)):
            return None
        if any(is_(x, "complementizers") or x.norm == "عن" for x in words[j + 1:]):
            return None                      # '، قال إن ...': a new statement, not a closing one
        f = _speaker_after(sent, j)
        if f is None or f.last < n - 3:
            return None
        return _source(sent, f, None), j
    return None


def _last_speaker(sent: Sentence, j: int, carry: Carry) -> dict | None:
    """The speaker of an earlier speech cue in the sentence, else the one carried from before."""
    for k in range(j - 1, -1, -1):
        if is_(sent.words[k], "speech_verbs") and k not in sent.triggers:
            src = speech_source(sent, k)
            if src is not None:
                return src
    return dict(carry.source) if carry.source else None


# --- modality ----------------------------------------------------------------------------
def _first(sent: Sentence, name: str) -> int:
    """Index of the first word of the sentence in cue list `name` (len(words) if none), computed once."""
    first = sent.memo.get(name)               # memo keys: cue list names and a few stage names ('places', ...)
    if first is None:
        bit = BIT[name]
        first = sent.memo[name] = (next(j for j, f in enumerate(sent.cflags) if f & bit)
                                   if sent.bits & bit else len(sent.words))
    return first


GOVERNING_VERB_BITS = BIT["light_verbs"] | BIT["control_verbs"]
ACCUSE_BITS = BIT["accuse_verbs"] | BIT["accuse_nouns"]


def _governor(sent: Sentence, i: int) -> int | None:
    """The support or control verb governing the verbal noun at i ('ستعقد الفصائل جولة', 'تمكن
    مسلحون من اقتحام'), as `_light_verb_subject` finds it: the noun's tense and mood are the verb's."""
    govs = sent.memo.get("governors")
    if govs is None:                          # once per sentence: most have none
        govs = sent.memo["governors"] = [j for j, f in enumerate(sent.cflags) if f & GOVERNING_VERB_BITS]
    j = next((g for g in reversed(govs) if g < i), None)
    if j is None or i - j > 8 or not is_(sent.words[j], "light_verbs") and i - j > 3:
        return None
    words = sent.words
    for k in range(j + 1, i):
        if k in sent.triggers or words[k].punct.strip(" «»\"()") or words[k].flags & SPEECH_BITS:
            return None
    return None if words[i].punct.strip(" «»\"()") else j


@lru_cache(maxsize=1)
def _future_governors() -> frozenset:
    """The future (س + present) forms of the support and control verbs: 'ستعقد', 'ستبدأ', 'سيحاول'."""
    return frozenset(f for name in ("light_verbs", "control_verbs") for past, present in cues()[name]
                     for f, fut in verb_forms(past, present).items() if fut)


def _rumoured(sent: Sentence, a: int, cue_idx: int | None, window: int) -> bool:
    """A rumour cue ('أنباء عن', 'تقارير') after the last speech cue reaches the events of its clause:
    within the window, or further while no punctuation, clause break or speech cue intervenes."""
    flags, words = sent.cflags, sent.words
    for j in range(a - 1, -1 if cue_idx is None else cue_idx, -1):
        if flags[j] & BIT["rumour"] and not (j > 0 and is_(words[j - 1], "head_media")):
            return True                       # ('وكالة الأنباء الفلسطينية' is a name, not a rumour)
        if a - j >= window and (words[j + 1].punct.strip(" «»\"()") or flags[j] & (BIT["clause_breaks"] | SPEECH_BITS)):
            return False
    return False


def _threatened(sent: Sentence, i: int, a: int) -> bool:
    """Whether the event at i (governed from a) is the act a threat announces: the first event after a
    THREATEN trigger in its clause, introduced by ب or من ('هدد ... بشن هجمات', 'حذر من اقتحام')."""
    words = sent.words
    if not (proclitic(words[a].norm) == "ب" or a > 0 and (words[a - 1].norm in ("من", "بشن")   # too short to strip
                                                         or proclitic(words[a - 1].norm) == "ب")):
        return False
    j = max((k for k in sent.triggers if k < i and sent.cflags[k] & THREAT_BIT), default=None)
    return j is not None and i - j <= 10 and not sent.triggers.intersection(range(j + 1, i)) \
        and not any(words[k].punct.strip(" «»\"()") for k in range(j + 1, i + 1))


RESULT_VERBS = frozenset({"يسفر", "تسفر", "اسفر", "اسفرت", "يؤد", "تؤد", "يؤدي", "تؤدي"})   # 'لم يسفر X عن'


def modality(sent: Sentence, i: int, t: Trigger, key: str, source: dict | None, cue_idx: int | None) -> str:
    words = sent.words
    flags = sent.cflags
    c = cues()
    w = words[i]

    # a verbal noun under a support verb ('من المقرر أن تبدأ القوات الانسحاب') takes the verb's
    # tense and mood: the windows before it are measured from the verb
    sbits = sent.bits
    g = _governor(sent, i) if t.pos == "noun" and sbits & GOVERNING_VERB_BITS else None
    a = i if g is None else g

    def before(n):
        return range(max(0, a - n), i)

    def any_before(n, name):
        bit = BIT[name]
        return any(flags[j] & bit for j in before(n))

    seen = reduce(or_, flags[max(0, a - 12):i], 0)   # every cue bit within 12 words before: skip absent checks
    if seen & BIT["negation_before"]:
        lo, counted = a, 0                    # 'دون أن يسفر عن إصابات': words of the result frame do not count
        while lo > 0 and counted < c["negation_window"]:
            lo -= 1
            counted += not flags[lo] & BIT["negation_through"]
        for j in range(lo, i):
            if j + 1 < i and words[j + 1].norm in RESULT_VERBS and not any(
                    words[k].norm in ("عن", "الي") for k in range(j + 2, i)):
                continue                      # 'لم يسفر القصف عن ضحايا': the result is negated, not the shelling
            if flags[j] & BIT["negation_before"] and not (
                    j + 1 < len(words) and flags[j + 1] & BIT["negation_exempt_next"]) \
                    and not any(flags[k] & BIT["negation_cancel"] for k in range(j + 1, i)):
                # 'إذا لم تنسحب', 'إذا فشلت المفاوضات': a negated condition is hypothetical
                if any(flags[k] & BIT["hypothetical"] for k in range(max(0, j - 3), j)):
                    return "hypothetical"
                return "denied"
    if sbits & BIT["denial_verbs"] and _first(sent, "denial_verbs") < i:      # 'نفى المتحدث وجود أي مفاوضات': a denial verb governs its clause
        for j in range(i - 1, -1, -1):
            if flags[j] & BIT["denial_verbs"]:
                return "denied"
            if flags[j] & (BIT["clause_breaks"] | SPEECH_BITS):
                break                         # '...، مؤكدة أن الضربات استهدفت': a new statement is not denied
    if reduce(or_, flags[i + 1:i + 4], 0) & BIT["negation_after"]:
        return "denied"
    if seen & BIT["hypothetical"] and any(
            flags[j] & BIT["hypothetical"] and not any(flags[k] & SPEECH_BITS for k in range(j + 1, i))
            and not _attributive_cue(words, j) for j in before(c["hypothetical_window"])):
        return "hypothetical"                 # not across a new statement ('...، مؤكدا أن')
    if seen & BIT["hypothetical_near"] and any_before(2, "hypothetical_near"):
        return "hypothetical"
    if _after_bits(sent, i, 4) & BIT["hypothetical_after"]:
        return "hypothetical"
    if t.pos == "noun" and i + 1 < len(words) and flags[i + 1] & BIT["hypothetical_near"] \
            and not words[i + 1].punct.strip():
        return "hypothetical"                 # 'باستهداف أي سفينة': any potential target
    if seen & BIT["disjunction"] and any_before(3, "disjunction") and any(x.norm == "واما" for x in words):
        return "hypothetical"
    if t.type != "ACCUSE" and sbits & ACCUSE_BITS and min(_first(sent, "accuse_verbs"), _first(sent, "accuse_nouns")) < i:
        return "accused"
    # purpose: an indefinite verbal noun with ل ('لاستعادة', 'لتحريرها', 'لإجلاء')
    purpose = t.type in PURPOSE_TYPES and (
        t.pos == "noun" and proclitic(w.norm) == "ل" and not w.norm.lstrip("وف").startswith("لل")
        or w.norm[0] == "و" and _coordinated_purpose(sent, i, t))
    if t.future or purpose or (i > 1 and "عن" in (words[i - 1].norm, words[i - 2].norm)
                               and sbits & SPEECH_NOUN_BITS and _announced_agenda(sent, i, t)) \
            or (g is not None and has(words[g], _future_governors())) or (seen & BIT["future"] and any_before(c["future_window"], "future")) \
            or _after_bits(sent, i, 5) & BIT["future_after"]:
        # a future act under a condition that follows it ('سيوسع عملياته ... في حال واصل') is hypothetical
        return "hypothetical" if _after_bits(sent, i, 12) & BIT["hypothetical"] else "future"
    if sbits & THREAT_BIT and t.type != "THREATEN" and _threatened(sent, i, a):
        return "future"                      # the act threatened: 'هدد زعيم التنظيم بشن هجمات'
    if t.type != "REQUEST" and seen & BIT["request_verbs"] and any(
            flags[j] & BIT["request_verbs"] and not any(flags[k] & BIT["complementizers"] for k in range(j + 1, i))
            for j in before(12)):
        return "future"                      # the requested act: 'دعت المدنيين إلى الخروج'
    if source and source.get("rumour"):
        return "reported"
    if sbits & BIT["rumour"] and _first(sent, "rumour") < a and _rumoured(sent, a, cue_idx, c["rumour_window"]):
        return "reported"
    if source:
        return "claimed"
    return "asserted"


ANNOUNCE = frozenset(verb_forms("أعلن", "يعلن")) | frozenset({"اعلان"})
DISCLOSE = frozenset(verb_forms("كشف", "يكشف"))
SPEECH_NOUN_BITS = BIT["speech_verbs"] | BIT["speech_nouns"]
AGENDA_NOUNS = frozenset(normalize(x) for x in ("اجتماع", "زيارة", "قمة", "مؤتمر", "جلسة", "محادثات", "مفاوضات", "لقاء"))
AGENDA_DONE = frozenset(normalize(x) for x in (
    "عقد", "عقدت", "عقده", "عقدها", "جرى", "جرت", "تم", "قام", "قامت", "أجري", "أجريت", "انعقد", "انعقدت",
    "اختتم", "اختتمت", "انتهى", "انتهت", "أمس", "الماضي", "الماضية", "سابق"))


def _announced_agenda(sent: Sentence, i: int, t: Trigger) -> bool:
    """An event noun announced as an agenda item ('أعلنت الخارجية عن زيارة ... الأسبوع المقبل',
    'إعلان الخارجية عن اجتماع للتحالف في واشنطن'): future when a future cue follows it in the
    clause, or, for a meeting or visit announced with أعلن/إعلان, unless it is said to have taken place."""
    words, flags = sent.words, sent.cflags
    k = i - 1 if words[i - 1].norm == "عن" else i - 2
    if k == i - 2 and words[i - 1].punct.strip():
        return False
    verb = next((x for x in range(k - 1, max(-1, k - 6), -1) if has(words[x], ANNOUNCE) or has(words[x], DISCLOSE)), None)
    if verb is None:
        return False
    future = False
    for x in range(i + 1, min(len(words), i + 16)):
        w = words[x]
        if w.punct.strip(" «»\"“”()/"):
            break
        if w.norm in AGENDA_DONE:
            return False
        future = future or bool(flags[x] & (BIT["future_after"] | BIT["future"]))
    return future or (t.type == "CONSULT" and has(words[verb], ANNOUNCE) and has_stem(words[i], AGENDA_NOUNS))


def _coordinated_purpose(sent: Sentence, i: int, t: Trigger) -> bool:
    """A verbal noun joined by و to a purpose noun shares the purpose: 'خصصت ممرات لإجلاء العائلات
    المتبقية، ونقلها إلى مناطق آمنة' (not a finite verb: 'لاستعادة البلدة ونشرت دباباتها')."""
    words = sent.words
    if t.pos != "noun":
        hit = lookup(words[i].norm)
        if hit is None or not any(x.pos == "noun" and x.type == t.type for x in hit[1]):
            return False
    for k in range(i - 1, max(-1, i - 6), -1):
        w = words[k + 1]
        if w.punct.strip(" ،,") or sent.cflags[k] & (BIT["clause_breaks"] | SPEECH_BITS):
            return False
        if k in sent.triggers:
            n = words[k].norm
            return proclitic(n) == "ل" and not n.lstrip("وف").startswith("لل")
    return False


def _attributive_cue(words: list[Word], j: int) -> bool:
    """A definite cue adjective after another noun qualifies that noun, not the event after it:
    'يخطط بعد خسارته المتوقعة للموصل الانسحاب' (the loss is expected, the withdrawal is planned)."""
    w = words[j]
    if not w.norm.lstrip("و").startswith("ال") or j == 0 or w.punct.strip():
        return False
    prev = words[j - 1]
    return prev.norm not in ("من", "ومن") and not prev.flags & (SPEECH_BITS | BIT["complementizers"])


def _after_bits(sent: Sentence, i: int, n: int) -> int:
    """The cue bits of the up to n words after word i, stopping at punctuation."""
    words, flags = sent.words, sent.cflags
    bits = 0
    for j in range(i + 1, min(len(words), i + 1 + n)):
        if words[j].punct.strip():
            break
        bits |= flags[j]
    return bits


# --- one sentence ------------------------------------------------------------------------
def _sentence_events(article_id: str, text: str, s_idx: int, s_start: int, s_end: int, mentions: list[dict],
                     run_id: str, published: dt.date | None, carry: Carry) -> list[dict]:
    tokens = TOKEN.findall(text, s_start, s_end)
    if not _may_have_events(tokens):
        _count_quotes(text[s_start:s_end], carry)    # no trigger form and no speech verb: only quotes move
        return []
    words, _ = words_of(text, s_start, s_end, tokens)
    sent = analyse(text, s_start, s_end, mentions, words)
    found = find_triggers(sent)
    sent.triggers = {i for i, _, _ in found}
    _drop_mentions_opening_with(sent, sent.triggers)
    out = []
    if found:
        trig_idx = sent.triggers
        times = find_times(sent.words, [k for k, fl in enumerate(sent.cflags) if fl & TIME_START_BIT])
        time_words = sent.time_words = {k for e in times for k in range(e.first, e.last + 1)}
        quantities = find_quantities(sent.words, time_words,
                                     [k for k, fl in enumerate(sent.cflags) if fl & NUMBER_BIT])
        for i, t, key in found:
            out.append(_event_row(article_id, sent, s_idx, s_start, s_end, i, t, key, trig_idx, times,
                                  quantities, published, carry, run_id))
        if len(out) > 1:
            _share_site(out)
    _update_carry(sent, carry)
    return out


SITE_SHARING = ("ASSAULT", "CASUALTIES")


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


def _count_quotes(span: str, carry: Carry) -> None:
    carry.quote_depth = max(0, carry.quote_depth + sum(span.count(q) for q in OPEN_QUOTES)
                            - sum(span.count(q) for q in CLOSE_QUOTES))


def _event_row(article_id, sent, s_idx, s_start, s_end, i, t, key, trig_idx, times, quantities, published,
               carry, run_id) -> dict:
    w = sent.words[i]
    t_start, t_end = _trigger_span(sent.text, w, key)
    args = arguments(sent, i, t, trig_idx, key=key)
    pronoun = _pronoun_subject(sent, i, t, key) if not args["actor"] and carry.actor else None
    if pronoun is not None and pronoun == _gender(sent, carry.actor[0]):
        args["actor"] = list(carry.actor)    # 'وصل بلينكن ... وفي جولته': the pronoun is the last actor
    elif args["actor"] and args["actor"][0].text:
        carry.actor, carry.actor_paragraph = args["actor"], carry.paragraph
    source, cue_idx = attribution(sent, i, carry)
    mod = modality(sent, i, t, key, source, cue_idx)
    mode = t.mode or _mode_from_cues(sent, i, t)
    # time: nearest expression that dates the event, not the statement ('قال يوم الخميس إن ...')
    eligible = [e for e in times if min(abs(e.first - i), abs(e.last - i)) <= TIME_WINDOW
                and not _statement_date(sent, e, i, cue_idx) and _same_clause(sent, i, e, trig_idx)] if times else ()
    expr = min(eligible, key=lambda e: min(abs(e.first - i), abs(e.last - i))) if eligible else None
    date, precision = resolve(expr, published) if expr else (None, "unknown")
    qs = []
    for a, b, q in quantities:
        if abs(a - i) <= 8 or abs(b - i) <= 8:
            kind = q["kind"]
            if t.type == "CASUALTIES" and kind in ("people", "troops", "count"):
                kind = t.mode or "killed"
            elif t.type == "MOBILIZE" and kind in ("people", "count") and t.mode == "troops":
                kind = "troops"
            qs.append(dict(q, kind=kind, text=sent.text[sent.words[a].start:sent.words[b].end]))
    if t.type == "CASUALTIES" and not args["target"] and qs:
        a = next(x for x in quantities if sent.text[sent.words[x[0]].start:sent.words[x[1]].end] == qs[0]["text"])
        args["target"] = [Filler(sent.words[a[0]].start, sent.words[a[1]].end, qs[0]["text"], None, a[0], a[1])]
    etype = t.type
    if etype == "ESCAPE" and t.mode in ("leave", "flee", "transfer") and _civilian_movers(sent, i):
        etype, mode = "EVACUATE", "civilians"
    src = source["filler"] if source else None
    via = source.get("via") if source else None
    actor, target = args["actor"], args["target"]
    loc, orig, dest = args["location"], args["origin"], args["destination"]
    conf = 0.5 + 0.15 * bool(actor) + 0.1 * bool(loc or orig or dest) \
        + 0.1 * (t.pos == "verb" or bool(t.context.require_near or t.context.require_next)) + 0.1 * bool(src)
    return dict(
        event_id=stable_id("evt", article_id, t_start, t_end, etype), article_id=article_id,
        sentence_idx=s_idx, start=s_start, end=s_end, trigger=sent.text[t_start:t_end],
        trigger_start=t_start, trigger_end=t_end, event_type=etype, mode=mode,
        actor_entity_ids=[f.entity_id for f in actor if f.entity_id],
        actor_text=LIST_SEP.join(f.text for f in actor) or None,
        target_entity_ids=[f.entity_id for f in target if f.entity_id],
        target_text=LIST_SEP.join(f.text for f in target) or None,
        location_entity_id=loc.entity_id if loc else None, location_text=loc.text if loc else None,
        origin_entity_id=orig.entity_id if orig else None, origin_text=orig.text if orig else None,
        destination_entity_id=dest.entity_id if dest else None, destination_text=dest.text if dest else None,
        event_date=date, date_precision=precision,
        date_text=sent.text[sent.words[expr.first].start:sent.words[expr.last].end] if expr else None,
        quantities=qs, source_entity_id=src.entity_id if src else None, source_text=src.text if src else None,
        via_text=via.text if via else None, modality=mod, confidence=round(min(conf, 0.95), 2), method=METHOD,
        cluster_id=None, n_sources=None, run_id=run_id)


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


CLAUSE_BITS = BIT["clause_breaks"] | BIT["complementizers"] | SPEECH_BITS


def _same_clause(sent: Sentence, i: int, e, triggers: set[int]) -> bool:
    """Whether time expression e is in the clause of the trigger at word i: no comma, clause
    break, complementizer or speech verb between them, and no other event nearer to it on the
    way ('خرج ... في تشرين أول' dates the nearer event, not one three clauses back)."""
    words = sent.words
    lo, hi = (i + 1, e.first) if e.first > i else (e.last + 1, i)
    cflags = sent.cflags
    for k in range(lo, hi + 1):
        if k not in (e.first, e.last + 1) and k < len(words) and any(c in words[k].punct for c in "،,;:"):
            return False                      # commas around the expression itself are parenthetical ('، أمس،')
        if k < hi and (cflags[k] & CLAUSE_BITS or k in triggers):
            return False
    return True


def _statement_date(sent: Sentence, e, i: int, cue_idx: int | None) -> bool:
    """Whether time expression e dates a statement, not the event at word i.

    True when e comes before the speech cue that introduces the event ('ويوم أمس أكد ... أن'),
    or sits between a speech verb and the 'أن/إن' that opens the event's clause
    ('قال يوم الخميس إن', 'رجحت، يوم الأربعاء، أن')."""
    if e.first >= i:
        return False
    comp = next((k for k in range(e.last + 1, i) if is_(sent.words[k], "complementizers")), None)
    if cue_idx is not None and cue_idx < i:
        if e.last < cue_idx or comp is not None and e.first > cue_idx:
            return True
    return comp is not None and any(is_(sent.words[j], "speech_verbs") for j in range(max(0, e.first - 5), e.first))


@lru_cache(maxsize=64)
def _mode_cues(etype: str) -> tuple[tuple[str, frozenset], ...]:
    return tuple((mode, frozenset(normalize(x) for x in words))
                 for mode, words in ontology()["types"][etype].get("mode_cues", {}).items())


def _mode_from_cues(sent: Sentence, i: int, t: Trigger) -> str | None:
    """Mode from words around the trigger ('ضربات جوية' -> airstrike), in the ontology's order."""
    window = sent.words[max(0, i - 3):i + 4]
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
    lo = max(0, i - 8)
    for j in range(i - 1, lo - 1, -1):
        if is_(words[j], "request_verbs"):
            lo = j + 1
            break
    for w in words[lo:i + 2]:
        if is_(w, "head_militant"):
            return False
        if is_(w, "head_civilian"):
            return True
    return False


def _pronoun_subject(sent: Sentence, i: int, t: Trigger, key: str) -> str | None:
    """Gender/number of an elided or pronoun subject: 'm', 'f' or 'pl' from the verb's affixes
    (قتل/قتلت/قتلوا, يقتل/تقتل/يقتلون) or a possessive on a verbal noun (جولته/جولتها/جولتهم);
    None when the trigger shows no person (a bare noun, a first-person verb)."""
    norm = sent.words[i].norm
    if t.pos != "verb":
        pos = norm.rfind(key[:-1] if key.endswith("ه") else key)
        rest = norm[pos + len(key):] if pos >= 0 else ""
        rest = rest[1:] if key.endswith("ه") and rest.startswith("ت") else rest
        return {"ه": "m", "ها": "f", "هم": "pl", "هما": "pl"}.get(rest)
    v = norm[1:] if len(norm) > 3 and norm[0] in "وف" else norm
    v = v[1:] if v.startswith("س") and len(v) > 3 and v[1] in "يتنا" else v
    if v.endswith(("وا", "ون")):
        return "pl"
    if key.startswith("ي") or v.startswith("ي"):
        return "m"
    if key.startswith("ت") or v.startswith("ت") or v.endswith("ت"):
        return "f"
    return None                              # a bare past form: active or passive, no person shown


def _gender(sent: Sentence, f: Filler) -> str:
    """Agreement class of an actor: feminine for ة/ات nouns and places (states, cities), else masculine."""
    m = sent.mention_at.get(f.first) if f.text == sent.text[f.start:f.end] else None
    head = normalize(f.text.split()[0]) if f.text else ""
    head = head[2:] if head.startswith("ال") else head
    if (m is not None and m["type"] == "LOC") or head.endswith(("ه", "ات")):
        return "f"
    return "pl" if head.endswith(("ون", "ين")) else "m"


def _update_carry(sent: Sentence, carry: Carry) -> None:
    """Remember the sentence's last speaker and whether a quote is still open at its end."""
    bit = BIT["speech_verbs"]
    for j in [k for k, fl in enumerate(sent.cflags) if fl & bit]:
        if j not in sent.triggers:
            src = speech_source(sent, j)
            if src is not None:
                carry.source, carry.source_paragraph = src, carry.paragraph
    if sent.words:
        _count_quotes(sent.text[sent.words[0].start:sent.words[-1].end + 2], carry)


# --- public API ----------------------------------------------------------------------------
def extract_sentence_events(article_id: str, text: str, s_idx: int, s_start: int, s_end: int,
                            mentions: list[dict], run_id: str, *, published: dt.date | None = None,
                            carry: Carry | None = None) -> list[dict]:
    """Events of one sentence (text[s_start:s_end]); `carry` hands attribution to the next sentence."""
    return _sentence_events(article_id, text, s_idx, s_start, s_end, mentions, run_id, published,
                            carry if carry is not None else Carry())


MENTION_FIELDS = ("article_id", "sentence_idx", "start", "end", "surface", "type", "entity_id")  # what events read


@gc_paused
def extract_events(articles: pl.DataFrame, sentences: pl.DataFrame, entities: pl.DataFrame,
                   run_id: str, *, cluster: bool = True) -> pl.DataFrame:
    """Events of every sentence; with `cluster`, cluster_id/n_sources over these events (the
    flow clusters once over all partitions instead, see `cluster_events`)."""
    if sentences.is_empty():
        return empty_frame("events")
    meta = {r["article_id"]: r for r in articles.select("article_id", "text", "published_date").iter_rows(named=True)}
    unknown = set(sentences["article_id"].unique()) - set(meta)
    if unknown:
        raise ValueError(f"extract_events: {len(unknown)} article_id(s) in sentences have no article, "
                         f"e.g. {sorted(unknown)[:3]}; pass the articles of the same partition")
    mentions: dict[tuple[str, int], list[dict]] = {}
    cols = MENTION_FIELDS
    # column lists zipped in Python are cheaper than polars row tuples or dicts (hot at 10^5 rows);
    # `analyse` skips dates and times anyway: no dict is built for them
    participants = entities.filter(~pl.col("type").is_in(NON_PARTICIPANTS))
    of_sentence = mentions.setdefault
    for aid, s_idx, start, end, surface, typ, eid in zip(*(participants.get_column(c).to_list() for c in cols)):
        of_sentence((aid, s_idx), []).append({"start": start, "end": end, "surface": surface, "type": typ,
                                              "entity_id": eid})
    par_col = pl.col("paragraph_idx") if "paragraph_idx" in sentences.columns else pl.lit(None, pl.Int32)
    rows: list[dict] = []
    carry, current, seen = Carry(), None, set()
    ordered = sentences.sort("article_id", "sentence_idx").select("article_id", "sentence_idx", "start", "end",
                                                                   par_col.alias("paragraph_idx"))
    for aid, s_idx, s_start, s_end, par in zip(*(ordered.get_column(c).to_list() for c in ordered.columns)):
        art = meta[aid]
        if aid != current:
            carry, current, seen = Carry(), aid, set()
        key = art["text"][s_start:s_end]
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
        rows.extend(_sentence_events(aid, art["text"], s_idx, s_start, s_end, mentions.get((aid, s_idx), []),
                                     run_id, art["published_date"], carry))
    if not rows:
        return empty_frame("events")
    if cluster:
        for r, cid, n in zip(rows, *cluster_rows(rows)):   # on the row dicts: no frame round trip
            r["cluster_id"], r["n_sources"] = cid, n
    # column lists to Arrow: cheaper than polars or Arrow building from the row dicts. Every row
    # is built by `_event_row` with the same keys in the same order, so zip transposes them.
    columns = dict(zip(rows[0], map(list, zip(*(r.values() for r in rows)))))
    return pl.from_arrow(pa.Table.from_pydict(columns, schema=SCHEMAS["events"]))


# --- cross-article coreference ---------------------------------------------------------------
def _place_key(r: dict) -> str | None:
    for role in ("location", "origin", "destination"):
        if r[f"{role}_entity_id"]:
            return r[f"{role}_entity_id"]
    for role in ("location", "origin", "destination"):
        if r[f"{role}_text"]:
            return "t:" + _norm(r[f"{role}_text"]).replace("ال", "")
    return None


def _actor_keys(r: dict) -> set[str]:
    """Entity ids plus the bare last word of each actor surface ('أبو بكر البغدادي' ~ 'البغدادي')."""
    keys = set(r["actor_entity_ids"] or [])
    for x in (r["actor_text"] or "").split(LIST_SEP):
        words = _norm(x).split()
        if words:
            keys.add("t:" + clitic_keys(words[-1].strip("«»()"))[-1])
    return keys


CLUSTER_COLUMNS = ("event_id", "event_type", "article_id", "event_date", "actor_entity_ids", "actor_text",
                   "source_text", *(f"{r}_{k}" for r in ("location", "origin", "destination")
                                    for k in ("entity_id", "text")))


@gc_paused
def cluster_events(events: pl.DataFrame) -> pl.DataFrame:
    """cluster_id and n_sources over a whole events frame (see `cluster_rows`)."""
    if events.is_empty():
        return events
    # column lists zipped into dicts: several times cheaper than DataFrame.to_dicts at 10^5 rows
    rows = [dict(zip(CLUSTER_COLUMNS, vals)) for vals in zip(*(events.get_column(c).to_list() for c in CLUSTER_COLUMNS))]
    cluster_ids, n_sources = cluster_rows(rows)
    return events.with_columns(pl.Series("cluster_id", cluster_ids, pl.String),
                               pl.Series("n_sources", n_sources, pl.Int32))


def cluster_rows(rows: list[dict]) -> tuple[list[str], list[int]]:
    """(cluster_id, n_sources) per event row: events of the same type, place, compatible date
    and compatible actor share a cluster.

    Linear in the number of events: events are bucketed by (type, place key); inside a bucket,
    dated events split by date and undated ones join the bucket's only date (if there is exactly
    one); then events sharing an actor key are united, and events without actor join the first
    actor group. Events without a place form their own cluster. A claim and its denial stay
    separate rows but may share a cluster. n_sources counts the distinct (article, source)
    pairs behind a cluster.
    """
    sets = UnionFind()
    union, find = sets.union, sets.find

    buckets: dict[tuple, list[int]] = {}
    for k, r in enumerate(rows):
        place = _place_key(r)
        if place:
            buckets.setdefault((r["event_type"], place), []).append(k)
    for members in buckets.values():
        by_date: dict = {}
        for k in members:
            by_date.setdefault(rows[k]["event_date"], []).append(k)
        undated = by_date.pop(None, [])
        if len(by_date) == 1:
            next(iter(by_date.values())).extend(undated)
        elif undated:
            by_date[None] = undated
        for group in by_date.values():
            owner: dict[str, int] = {}
            loose: list[int] = []
            for k in group:
                keys = _actor_keys(rows[k])
                if not keys:
                    loose.append(k)
                for key in keys:
                    if key in owner:
                        union(k, owner[key])
                    else:
                        owner[key] = k
            anchor = next(iter(owner.values()), loose[0] if loose else None)
            for k in loose:
                union(k, anchor)
    clusters: dict[int, list[int]] = {}
    parent = sets.parent
    for k in range(len(rows)):
        clusters.setdefault(find(k) if k in parent else k, []).append(k)   # most events were never united
    cluster_ids, n_sources = [""] * len(rows), [1] * len(rows)
    for members in clusters.values():
        if len(members) == 1:                 # a cluster of one: its own event, one source
            cluster_ids[members[0]] = stable_id("clu", rows[members[0]]["event_id"])
            continue
        cid = stable_id("clu", min(rows[k]["event_id"] for k in members))
        n = len({(rows[k]["article_id"], _norm(rows[k]["source_text"] or "")) for k in members})
        for k in members:
            cluster_ids[k], n_sources[k] = cid, n
    return cluster_ids, n_sources
