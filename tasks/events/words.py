"""The sentence model of the events stage: words with their cue-list bits, mentions, fillers.

Each distinct token is normalised once and its memberships of the cue lists
(akhbar/resources/events/cues.json) are stored as bits (`word_flags`), so the later scans
test integers; multi-word cues set their bit on their first word (`Sentence.cue_flags`).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter

from akhbar.config import EventsConfig
from akhbar.text.normalise import clitic_keys, normalize
from akhbar.text.tokens import TOKEN
from tasks.events.lexicon import cue_phrases, cue_set, cues, lookup, lookup_keys, verb_set, word_set
from tasks.events.time import may_start_time, number_value







LIST_SEP = "؛ "               # joins several actor/target surfaces in *_text columns


MOVEMENT = {"ESCAPE", "EVACUATE", "RETREAT", "MOBILIZE"}


AGENTIVE = {"PERSON", "ORG", "NORP", "LOC"}    # LOC: states and capitals act ('واشنطن سترسل')


OPEN_QUOTES, CLOSE_QUOTES = "«“", "»”"


PLACE_OBJECT_TYPES = {"ESCAPE", "EVACUATE", "RETREAT", "CONTROL_CHANGE", "CONSULT"}   # 'غادر الموصل', 'زار عمان'


PURPOSE_TYPES = {"CONTROL_CHANGE", "EVACUATE", "ESCAPE", "MOBILIZE", "RETREAT", "CONSULT", "AID"}


INTRANSITIVE = {"PROTEST", "flee", "withdraw", "leave"}   # types/modes whose verb takes no person object: 'تظاهر مئات الطلاب'


NON_PARTICIPANTS = ("DATE", "TIME")          # mention types events never take as arguments (tasks.events.time reads dates)


RELATIVES = word_set("relatives")


DEFAULT_CONFIG = EventsConfig()


WORD_FIELDS = ("start", "end", "norm", "keys", "stems", "flags", "punct")


FILLER_FIELDS = ("start", "end", "text", "entity_id", "first", "last")


SENTENCE_FIELDS = ("text", "words", "mention_at", "mention_end", "covered", "owner", "memo", "cflags", "triggers",
                   "bits", "time_words", "cfg")


def fields_repr(obj, names: tuple[str, ...]) -> str:
    """`Name(field=value, ...)`, as a dataclass prints itself."""
    return f"{type(obj).__name__}(" + ", ".join(f"{n}={getattr(obj, n)!r}" for n in names) + ")"


def fields_eq(obj, other, names: tuple[str, ...]):
    """Equal when of the same class with equal fields, as a dataclass compares (NotImplemented otherwise)."""
    if other.__class__ is not obj.__class__:
        return NotImplemented
    return all(getattr(obj, n) == getattr(other, n) for n in names)


_norm = lru_cache(maxsize=500_000)(normalize)


class Word:
    """A word token. A plain class with slots (not a dataclass): the compiled build declares it a
    Cython extension type in words.pxd, whose attributes typed code reads as C struct fields."""
    __slots__ = WORD_FIELDS

    def __init__(self, start: int, end: int, norm: str, keys: tuple[str, ...], stems: tuple[str, ...],
                 flags: int = 0, punct: str = ""):
        self.start = start
        self.end = end
        self.norm = norm
        self.keys = keys          # clitic-stripped forms (cue matching)
        self.stems = stems        # the same with attached pronouns peeled off (head nouns, triggers)
        self.flags = flags        # cue lists the word belongs to (see word_flags)
        self.punct = punct        # punctuation between the previous word and this one

    def __repr__(self) -> str:
        return fields_repr(self, WORD_FIELDS)

    def __eq__(self, other) -> bool:
        return fields_eq(self, other, WORD_FIELDS)



@dataclass(slots=True)
class Carry:
    """Attribution state handed from one sentence to the next within an article."""
    source: dict | None = None
    source_paragraph: int | None = None
    quote_depth: int = 0
    paragraph: int | None = None
    actor: list | None = None              # the last named actor (Fillers), for pronoun subjects
    actor_paragraph: int | None = None
    tokens: set = field(default_factory=set)   # the article's distinct tokens so far (its topic, tasks.events.domain)



class Filler:
    """An argument: an entity mention or, failing that, a chunk of words (an extension type when
    compiled, like `Word`)."""
    __slots__ = FILLER_FIELDS

    def __init__(self, start: int, end: int, text: str, entity_id: str | None = None, first: int = 0,
                 last: int = 0):
        self.start = start
        self.end = end
        self.text = text
        self.entity_id = entity_id
        self.first = first
        self.last = last

    def __repr__(self) -> str:
        return fields_repr(self, FILLER_FIELDS)

    def __eq__(self, other) -> bool:
        return fields_eq(self, other, FILLER_FIELDS)



class Sentence:
    """The sentence model (an extension type when compiled, like `Word`)."""
    __slots__ = SENTENCE_FIELDS

    def __init__(self, text: str, words: list[Word], mention_at: dict[int, dict] | None = None,
                 mention_end: dict[int, int] | None = None, covered: set[int] | None = None,
                 owner: dict[int, int] | None = None, memo: dict | None = None, cflags: list[int] | None = None,
                 triggers: set[int] | None = None, bits: int = 0, time_words: set[int] | None = None,
                 cfg: EventsConfig = DEFAULT_CONFIG):
        self.text = text
        self.words = words
        self.mention_at = {} if mention_at is None else mention_at      # first word index -> mention
        self.mention_end = {} if mention_end is None else mention_end   # first word -> last word of a mention
        self.covered = set() if covered is None else covered
        self.owner = {} if owner is None else owner                     # word index -> first word of its mention
        self.memo = {} if memo is None else memo
        self.cflags = cflags
        self.triggers = set() if triggers is None else triggers         # word indexes of this sentence's events
        self.bits = bits                                                # OR of cflags: the cue lists the sentence has
        self.time_words = set() if time_words is None else time_words   # words inside a time expression
        self.cfg = cfg                                                  # thresholds and windows

    def __repr__(self) -> str:
        return fields_repr(self, SENTENCE_FIELDS)

    def __eq__(self, other) -> bool:
        return fields_eq(self, other, SENTENCE_FIELDS)

    def cue_flags(self) -> list[int]:
        """Per word, its cue-list bits plus those of the multi-word cues starting there (once per sentence)."""
        if self.cflags is None:
            words = self.words
            n = len(words)
            cflags = self.cflags = list(map(FLAGS_OF, words))
            for j in positions(cflags, PHRASE_BIT):   # most words open no multi-word cue
                for ph, bit in _phrases_opening(words[j].keys):
                    # a word's keys start with its normalised form: `in keys` is "equals or a clitic key"
                    if j + len(ph) <= n and ph[1] in words[j + 1].keys and (
                            len(ph) == 2 or all(ph[m] in words[j + m].keys for m in range(2, len(ph)))):
                        cflags[j] |= bit
            self.bits = or_all(cflags)
        return self.cflags

    def phrase_len(self, j: int, name: str) -> int:
        """Length of the multi-word cue of list `name` starting at word j (0 if none)."""
        return phrase_at(self.words, j, cue_phrases(name)) if self.cflags[j] & BIT[name] else 0



def words_of(text: str, s_start: int, s_end: int, tokens: list[str] | None = None) -> tuple[list[Word], str]:
    """Words (tokens with a letter or digit) with the punctuation before each; trailing punctuation.

    Every non-space character belongs to a token (akhbar.text.tokens.TOKEN), so the gaps are whitespace and
    `str.find` from the previous end locates each token: cheaper than a Match object per token."""
    if tokens is None:
        tokens = TOKEN.findall(text, s_start, s_end)
    words: list[Word] = []
    append, info_of = words.append, TOKEN_INFO.get
    src = text                                # a `str` local when compiled: `find` is a C call (words.pxd)
    pending, pos = "", s_start
    for g in tokens:
        a = src.find(g, pos)
        pos = a + len(g)
        info = info_of(g)
        if info is None:
            info = _learn_token(g)
        if not info:                          # punctuation
            pending += g
        elif info[0]:
            w = Word.__new__(Word)            # compiled: the extension type's fields set in C, no __init__ call
            w.start, w.end, w.punct = a, pos, pending
            w.norm, w.keys, w.stems, w.flags = info
            append(w)
            pending = ""
    return words, pending



FLAGS_OF, START_OF = attrgetter("flags"), attrgetter("start")


def positions(flags: list[int], bit: int) -> list[int]:
    """Indexes of the words whose flags have `bit`, in order. A plain loop: compiled, its index and
    flags are C integers (words.pxd), no Python int made or tested per word (a `compress`/`map(and_)`
    pipeline built two per word and was 5 % of a compiled pass)."""
    out = []
    b = bit
    for k in range(len(flags)):
        f = flags[k]
        if f & b:
            out.append(k)
    return out


def or_all(flags: list[int]) -> int:
    """The OR of `flags` (a word's or a sentence's cue bits): a C loop when compiled, like `positions`."""
    acc = 0
    for k in range(len(flags)):
        f = flags[k]
        acc |= f
    return acc



def punct_between(words: list[Word], lo: int, hi: int) -> bool:
    """Whether a word of words[lo:hi] has punctuation before it (a loop, not a generator: its callers in
    triggers, arguments and fillers stay closure-free)."""
    for k in range(lo, hi):
        if words[k].punct.strip():
            return True
    return False



EVENT_FORMS: set[str] = set()       # tokens seen that are a trigger form or a speech verb (`_event_token`)
OTHER_FORMS: set[str] = set()       # tokens seen that are neither
MAX_FORMS = 300_000                 # the two sets are emptied past this many tokens (as the lru caches are bounded)


def _may_have_events(tokens: list[str]) -> bool:
    """Token-level pre-check, before any Word is built: whether a token is a trigger form or a speech
    verb. One set test per sentence once its tokens have been seen (news repeats its words): a known
    event token answers yes at the first hit, tokens all known to be neither answer no; a sentence with
    a token not seen yet asks `_event_token` for each and remembers the answers (the same answer
    `any(map(_event_token, tokens))` gives)."""
    if not EVENT_FORMS.isdisjoint(tokens):
        return True
    if OTHER_FORMS.issuperset(tokens):
        return False
    return _learn_event_forms(tokens)


def _learn_event_forms(tokens: list[str]) -> bool:
    """`any(map(_event_token, tokens))`, each token filed in EVENT_FORMS or OTHER_FORMS."""
    if len(OTHER_FORMS) > MAX_FORMS or len(EVENT_FORMS) > MAX_FORMS:
        forget_token_memos()
    found = False
    for tok in tokens:
        if _event_token(tok):
            EVENT_FORMS.add(tok)
            found = True
        else:
            OTHER_FORMS.add(tok)
    return found


def forget_token_memos() -> None:
    """Empty the pre-check's memo and TOKEN_INFO (`forget_memos` of the stage)."""
    EVENT_FORMS.clear()
    OTHER_FORMS.clear()
    TOKEN_INFO.clear()


@lru_cache(maxsize=300_000)
def _event_token(tok: str) -> bool:
    """Whether the token is a trigger form or a speech verb (`EVENT_BITS`)."""
    info = _token_info(tok)
    return info is not None and len(info) > 1 and bool(info[3] & EVENT_BITS)



def analyse(text: str, s_start: int, s_end: int, mentions: list[dict], words: list[Word] | None = None,
            cfg: EventsConfig | None = None, presorted: bool = False) -> Sentence:
    """The sentence model; `presorted`: the mentions already come by (start, -end) (the stage sorts them once)."""
    if words is None:
        words, _ = words_of(text, s_start, s_end)
    sent = Sentence(text, words, cfg=cfg or DEFAULT_CONFIG)
    if mentions:
        _place_mentions(sent, mentions if presorted else sorted(mentions, key=lambda m: (m["start"], -m["end"])))
    sent.cue_flags()                          # once per sentence; the scans read sent.cflags
    return sent


def _place_mentions(sent: Sentence, mentions: list[dict]) -> None:
    """Mentions by their first and last word (`_word_at` inlined; the first of overlapping ones wins)."""
    words = sent.words
    starts = list(map(START_OF, words))
    mention_at, mention_end, covered, owner = sent.mention_at, sent.mention_end, sent.covered, sent.owner
    word_at = bisect.bisect_right
    for m in mentions:
        if m["type"] in NON_PARTICIPANTS:
            continue                          # dates are found by tasks.events.time; they are never participants
        off = m["start"]
        first = word_at(starts, off) - 1
        if first < 0 or off >= words[first].end or first in mention_at or first in covered:
            continue
        off = m["end"] - 1
        last = word_at(starts, off) - 1
        if last < 0 or off >= words[last].end:
            continue
        mention_at[first] = m
        mention_end[first] = last
        if first == last:                     # most mentions are one word: no range, no dict built
            covered.add(first)
            owner[first] = first
        else:
            span = range(first, last + 1)
            covered.update(span)
            owner.update(dict.fromkeys(span, first))



def _word_at(starts, words, offset) -> int | None:
    i = bisect.bisect_right(starts, offset) - 1
    return i if i >= 0 and words[i].start <= offset < words[i].end else None



TOKEN_INFO: dict[str, tuple] = {}    # token -> `_token_info(token)`, () for punctuation: one dict read per token


def _learn_token(tok: str) -> tuple:
    """`_token_info(tok)` filed in TOKEN_INFO (emptied past MAX_FORMS tokens, as the lru caches are bounded)."""
    if len(TOKEN_INFO) > MAX_FORMS:
        TOKEN_INFO.clear()
    info = TOKEN_INFO[tok] = _token_info(tok) or ()
    return info


@lru_cache(maxsize=300_000)
def _token_info(tok: str):
    """(norm, clitic keys, stems, flags) of a word token; None for punctuation (one cache hit per token)."""
    if not any(c.isalnum() for c in tok):
        return None
    norm = _norm(tok)
    return (norm, clitic_keys(norm), lookup_keys(norm), word_flags(norm)) if norm else ("",)



CUE_LISTS = ("according_to", "accuse_nouns", "complementizers", "continuation_verbs", "disjunction",
             "future", "future_after", "hypothetical", "hypothetical_after", "hypothetical_near",
             "negation_before", "negation_cancel", "negation_exempt_next", "rumour", "speech_nouns",
             "clause_breaks", "chunk_stops", "negation_after", "np_stops", "negation_through")


VERB_LISTS = ("accuse_verbs", "control_verbs", "denial_verbs", "light_verbs", "request_verbs", "speech_verbs")


HEAD_LISTS = ("person", "place", "civilian", "militant", "media", "vague")


# Bit positions, the commonest first (shares of the words of the 1k bench corpus): a word whose bits all lie
# below 30 is a one-digit Python int, on which `&` and `|` take CPython's fast path (about 40 % cheaper than
# the two-digit ints most words were when the shape bits came after the lists); only ~2 % of the words carry
# one of the rare bits from position 30 on. Only the names matter: no flag value is stored or compared.
_BIT_ORDER = ("definite", "chunk_stops", "head_person", "phrase", "trigger", "head_militant", "tanween",
              "head_place", "negation_through", "time_start", "proclitic_b", "np_stops", "speech_verbs",
              "proclitic_l", "complementizers", "lam", "head_vague", "number", "continuation_verbs", "light_verbs",
              "negation_before", "head_civilian", "future", "speech_nouns", "proclitic_k", "resumptive",
              "clause_breaks", "hypothetical", "head_media", "agent_end",
              # position 30 on: rare (each under 0.3 % of the words)
              "control_verbs", "rumour", "request_verbs", "disjunction", "future_after", "hypothetical_after",
              "according_to", "negation_exempt_next", "hypothetical_near", "accuse_verbs", "negation_cancel",
              "threat", "negation_after", "accuse_nouns", "denial_verbs")


_POS = {name: k for k, name in enumerate(_BIT_ORDER)}


BIT = {name: 1 << _POS[name] for name in CUE_LISTS + VERB_LISTS + tuple("head_" + h for h in HEAD_LISTS)}


PHRASE_LISTS = ("according_to", "clause_breaks", "future", "hypothetical", "negation_after", "rumour")


SPEECH_BITS = BIT["speech_verbs"] | BIT["continuation_verbs"]


TRIGGER_BIT = 1 << _POS["trigger"]           # the form is in the trigger lexicon


PHRASE_BIT = 1 << _POS["phrase"]             # the form can open a multi-word cue


NUMBER_BIT = 1 << _POS["number"]             # the form is a number (digits or number words)


AGENT_END_BIT = 1 << _POS["agent_end"]       # the form can end an agent marker ('من قبل', 'على يد')


RESUMPTIVE_BIT = 1 << _POS["resumptive"]     # a support verb with an attached pronoun ('يشنها', 'نفذتها')


LAM_BIT = 1 << _POS["lam"]                   # the preposition ل on a word without the article ('لبحث', not 'للمدينة')


TIME_START_BIT = 1 << _POS["time_start"]     # the form can open a time expression (digits, months, weekdays, 'أمس')


THREAT_BIT = 1 << _POS["threat"]             # the form can be a THREATEN trigger ('هدد', 'حذرت', 'توعد')


DEFINITE_BIT = 1 << _POS["definite"]         # the article, after و/ف ('الموصل', 'والقوات', 'للمدينة'): `_definite`


TANWEEN_BIT = 1 << _POS["tanween"]           # an indefinite accusative with tanween alif ('جنديا'): `_tanween`


PROCLITIC_B = 1 << _POS["proclitic_b"]       # `proclitic(norm)` is 'ب'


PROCLITIC_L = 1 << _POS["proclitic_l"]       # `proclitic(norm)` is 'ل'


PROCLITIC_K = 1 << _POS["proclitic_k"]       # `proclitic(norm)` is 'ك'


PROCLITIC_BITS = PROCLITIC_B | PROCLITIC_L | PROCLITIC_K


EVENT_BITS = SPEECH_BITS | TRIGGER_BIT    # a sentence needs a trigger form or a speech verb to yield anything


HEAD_BITS = BIT["head_person"] | BIT["head_militant"] | BIT["head_civilian"] | BIT["head_media"] | BIT["head_place"]


CHUNK_BREAK_BITS = BIT["complementizers"] | BIT["speech_nouns"] | BIT["np_stops"]


NOT_NP = BIT["chunk_stops"] | BIT["np_stops"] | TRIGGER_BIT | BIT["complementizers"] | SPEECH_BITS | BIT["light_verbs"] | BIT["clause_breaks"]


CLAUSE_BITS = BIT["clause_breaks"] | BIT["complementizers"] | SPEECH_BITS


GOVERNING_VERB_BITS = BIT["light_verbs"] | BIT["control_verbs"]


ACCUSE_BITS = BIT["accuse_verbs"] | BIT["accuse_nouns"]


SPEECH_NOUN_BITS = BIT["speech_verbs"] | BIT["speech_nouns"]


GOVERNOR_BITS = BIT["light_verbs"] | BIT["control_verbs"] | BIT["request_verbs"] | BIT["speech_verbs"]


@lru_cache(maxsize=300_000)
def word_flags(norm: str) -> int:
    keys, stems = clitic_keys(norm), lookup_keys(norm)
    flags = 0
    for name in CUE_LISTS:
        if any(k in cue_set(name) for k in keys):
            flags |= BIT[name]
    if len(norm) == 3 and norm[0] in "وف" and norm[1:] in cue_set("negation_before"):
        flags |= BIT["negation_before"]          # 'ولم', 'فلا': clitic_keys keeps two-letter words whole
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
    return flags | _shape_bits(norm)


def _shape_bits(norm: str) -> int:
    """The word-shape bits, read by the hot scans (and `_definite`, `_tanween`) as one int test each:
    definite (the article after و/ف), tanween alif on an indefinite word longer than three letters,
    and which separable proclitic `proclitic` finds."""
    n = norm[1:] if len(norm) > 3 and norm[0] in "وف" else norm
    definite = n.startswith(("ال", "لل"))
    flags = DEFINITE_BIT if definite else 0
    if not definite and len(norm) > 3 and norm.endswith("ا") and not norm.endswith("اا"):
        flags |= TANWEEN_BIT
    flags |= {"ب": PROCLITIC_B, "ل": PROCLITIC_L, "ك": PROCLITIC_K}.get(proclitic(norm), 0)
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



def _mention_type(sent: Sentence, j: int) -> str | None:
    """'@TYPE' of the entity mention covering word j (for '@PERSON'-style context cues)."""
    if j not in sent.covered:
        return None
    start = sent.owner[j]
    return "@" + sent.mention_at[start]["type"]



def _definite(w: Word) -> bool:
    """The article, after و/ف ('الموصل', 'والقوات', 'للمدينة'): the word's DEFINITE_BIT (`_shape_bits`)."""
    return bool(w.flags & DEFINITE_BIT)



@lru_cache(maxsize=1)
def _heads() -> dict[str, frozenset]:
    return dict(person=cue_set("person_heads") | cue_set("militant_heads") | cue_set("civilian_heads"),
                place=cue_set("place_heads"), civilian=cue_set("civilian_heads"),
                militant=cue_set("militant_heads"), media=cue_set("media_heads"),
                vague=cue_set("vague_place_heads"))



@lru_cache(maxsize=300_000)
def proclitic(norm: str) -> str:
    """Separable proclitics of a normalised word, without و/ف: 'بمنطقة' -> 'ب', 'للموصل' -> 'ل'."""
    n = norm[1:] if len(norm) > 3 and norm[0] in "وف" else norm
    if n.startswith("لل"):
        return "ل"
    if len(n) > 3 and n[0] in "بلك" and n[1:] in lookup_keys(n):
        return n[0]
    return ""



def _tanween(w: Word) -> bool:
    """An indefinite accusative with tanween alif ('عمالا', 'جنديا'); adjectives agree with it. The
    word's TANWEEN_BIT (`_shape_bits`)."""
    return bool(w.flags & TANWEEN_BIT)



def _accusative(w: Word) -> bool:
    """An indefinite noun with an accusative/oblique ending (tanween alif, sound plural -ين)."""
    return _tanween(w) or not _definite(w) and len(w.norm) > 3 and w.norm.endswith("ين")



def _construct(w: Word) -> bool:
    """A verbal noun that can take a genitive: no article ('مقتل X', not 'المقتل')."""
    return not _definite(w)



@lru_cache(maxsize=16)
def _markers(name: str) -> tuple[tuple[str, ...], ...]:
    """Every cue of a list (single- and multi-word) as tuples of normalised words."""
    return tuple(tuple(normalize(w) for w in c.split()) for c in cues()[name])



def _marker_before(sent: Sentence, j: int, phrases) -> bool:
    """Whether a cue of `phrases` (tuples of normalised words) ends right before word j."""
    return any(j >= len(ph) and phrase_at(sent.words, j - len(ph), (ph,)) for ph in phrases)
