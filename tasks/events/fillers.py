"""Participants as spans: entity mentions, noun-phrase chunks, places and their prepositions."""

from __future__ import annotations

from tasks.events.lexicon import cue_set, word_set

ADJ_ENDINGS = ("ي", "يه", "يين", "يون", "يا", "يان")
from tasks.events.words import (AGENTIVE, AGENT_END_BIT, BIT, CHUNK_BREAK_BITS, DEFINITE_BIT, Filler, HEAD_BITS,
                                LAM_BIT, NOT_NP, NUMBER_BIT, PROCLITIC_B, PROCLITIC_BITS, PROCLITIC_L, Sentence,
                                TANWEEN_BIT, _definite, _marker_before, _markers, _mention_type, _norm,
                                _tanween, has, positions, proclitic, punct_between)


AFFILIATION = word_set("affiliation")   # 'طائرة تابعة للجيش'


APPROXIMATORS = word_set("approximators")   # in np_stops: they end a phrase


NUMBER_ADJECTIVES = word_set("number_adjectives")   # 'شرطيين اثنين': one and two follow their noun


GOVERNING = word_set("governing_preps")


CHUNK_STOPS = cue_set("chunk_stops")


CHUNK_STOP_BIT = BIT["chunk_stops"]          # set on a word whose form or a clitic key is in CHUNK_STOPS


PRONOUN_SUFFIXES = word_set("pronoun_suffixes")


PLUPERFECT = word_set("pluperfect_auxiliaries")   # 'وكانت وحدة خاصة ... قد قتلت'
PLUPERFECT_REACH = 8                        # words between the past 'كان' form and 'قد'


def mention_filler(sent: Sentence, first: int) -> Filler:
    m = sent.mention_at[first]
    if m["type"] == "NORP":
        head = _adjective_head(sent, first)
        if head < first:                      # 'القوات الحكومية السورية': the phrase, with the NORP's id
            a = sent.words[head].start
            return Filler(a, m["end"], sent.text[a:m["end"]], m["entity_id"], head, sent.mention_end[first])
    return Filler(m["start"], m["end"], m["surface"], m["entity_id"], first, sent.mention_end[first])



def _adjective_head(sent: Sentence, first: int) -> int:
    """First word of the noun phrase a gentilic NORP mention qualifies ('قوات الأمن التركية',
    'جندي أميركي'), or `first` when the mention stands alone ('الأكراد'). A definite adjective
    follows definite words and their construct head; an indefinite one follows one noun."""
    words = sent.words
    w = words[first]
    if not w.norm.endswith(ADJ_ENDINGS) or w.punct.strip() or first == 0:
        return first
    definite = w.flags & DEFINITE_BIT        # `_definite` and `proclitic` as word bits
    k = first
    while k > 0 and k - 1 not in sent.covered and k - 1 not in sent.triggers and not words[k].punct.strip():
        prev = words[k - 1]
        if prev.flags & (NOT_NP | PROCLITIC_BITS) or prev.norm.isdigit():
            break
        if definite and prev.flags & DEFINITE_BIT:
            k -= 1
            continue
        if prev.flags & HEAD_BITS or prev.norm.endswith("ات"):
            k -= 1                            # the construct head ('قوات الأمن') or the indefinite noun ('جندي')
        break
    return k



def chunk(sent: Sentence, first: int, max_words: int = 5, stop_at_trigger: set[int] | None = None,
          place: bool = False) -> Filler | None:
    """Words from `first` up to a stop word, punctuation or trigger: a noun phrase approximation.

    A place chunk also stops at a present-tense verb ('جيب يسيطر عليه') and at a و-joined word
    that is neither a name nor a head noun ('الصحراء ويمتنع')."""
    words = sent.words
    stops = CHUNK_STOPS                       # the word bit first: a word in the list has it
    if first >= len(words) or words[first].flags & CHUNK_STOP_BIT and words[first].norm in stops:
        return None
    last = first
    mention_at = sent.mention_at
    for j in range(first + 1, min(len(words), first + max_words)):
        w = words[j]
        fl = w.flags
        if (fl & CHUNK_BREAK_BITS or w.punct.strip(" ()") or fl & CHUNK_STOP_BIT and w.norm in stops
                or (stop_at_trigger and j in stop_at_trigger) or w.norm.isdigit() or j in sent.time_words):
            break                             # 'مجموعة مسلحة | فجر اليوم'
        prev = words[j - 1]
        if not place and fl & (PROCLITIC_L | PROCLITIC_B) and j not in mention_at and prev.norm not in AFFILIATION:
            break                             # 'قوات إضافية | لمنطقة الحدود' (but 'الساحل الأيمن لمدينة الموصل')
        pfl = prev.flags                      # _tanween, _definite and proclitic as word bits
        if j not in mention_at and (
                fl & TANWEEN_BIT and not pfl & TANWEEN_BIT                 # 'جماعة مسلحة | عمالا': case changes
                or fl & DEFINITE_BIT and pfl & DEFINITE_BIT and fl & HEAD_BITS  # 'القوات | الجانب الشرقي'
                or pfl & DEFINITE_BIT and not fl & (DEFINITE_BIT | PROCLITIC_BITS | TANWEEN_BIT)):
            break                             # a new noun phrase starts here ('الطائرات | مواقع المسلحين':
                                              # a word with the article is no construct head)
        if (fl & NUMBER_BIT and not fl & DEFINITE_BIT and not pfl & NUMBER_BIT and w.norm not in NUMBER_ADJECTIVES
                or w.norm[-2:] != "ون" and words[first].norm[-2:] == "ون" and words[first].flags & HEAD_BITS):
            break                             # 'مسلحون | ثلاثة مهندسين', 'مسلحون | شرطيين', 'مسلحون | مدرسة':
                                              # a count, or after a nominative plural head any word that does
                                              # not agree with it (an adjective would: 'مسلحون ملثمون')
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



def _approximate(sent: Sentence, i: int, triggers: set[int] | None) -> Filler | None:
    """'أكثر من 400 سجين': an approximator, 'من' and the counted phrase are one participant."""
    words = sent.words
    k = i + 2 if i + 2 < len(words) and words[i + 1].norm == "من" else i + 1
    if k >= len(words) or not words[k].flags & NUMBER_BIT or punct_between(words, i + 1, k + 1):
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
            or w.flags & PROCLITIC_BITS or len(w.norm) < 2):
        return None
    return chunk(sent, j, max_words=4, stop_at_trigger=triggers)



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
    for i in sorted(set(mention_at).union(positions(sent.cue_flags(), head_place))):
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
                inner = None
                for j in range(f.first, f.last + 1):
                    m = mention_at.get(j)
                    if m is not None and m["type"] == "LOC":
                        inner = m
                        break
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
    return (f.entity_id is None and (sent.words[f.first].flags & BIT["head_vague"])
            and not any(_mention_type(sent, k) in ("@LOC", "@NORP") or (sent.words[k].flags & BIT["head_place"])
                        for k in range(f.first + 1, f.last + 1)))



def pluperfect_subject_at(sent: Sentence, i: int) -> int | None:
    """Where the subject of a pluperfect verb at word i starts: right after a past 'كان' form at most
    PLUPERFECT_REACH words before the 'قد' that stands right before the verb, no punctuation between
    ('وكانت وحدة خاصة من قوات الأمن قد قتلت', 'وكان مسلحون قد هاجموا'); None otherwise."""
    words = sent.words
    if i < 3 or words[i - 1].norm != "قد" or words[i].punct.strip() or words[i - 1].punct.strip():
        return None
    for k in range(i - 2, max(-1, i - 2 - PLUPERFECT_REACH), -1):
        if not PLUPERFECT.isdisjoint(words[k].keys):
            return k + 1 if k + 1 < i - 1 else None
        if words[k].punct.strip():
            return None
    return None


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
    return (m is not None and m["type"] == "LOC") or (sent.words[f.first].flags & BIT["head_place"])



def _agent_slots(sent: Sentence) -> set[int]:
    """Word indexes right after an agent marker ('من قبل', 'على يد', 'بمساعدة'), once per sentence."""
    slots = sent.memo.get("agent")
    if slots is None:
        markers = _markers("agent_markers")
        slots = sent.memo["agent"] = {j + 1 for j in positions(sent.cflags, AGENT_END_BIT)
                                      if _marker_before(sent, j + 1, markers)} \
            if sent.bits & AGENT_END_BIT else set()
    return slots



def _has_pronoun(norm: str, key: str) -> bool:
    """Whether the trigger word carries an attached pronoun ('خسارته', 'قتلوهم'): it has its
    genitive or object already, so the next noun phrase is not one."""
    pos = norm.rfind(key)
    if pos < 0 and key.endswith("ه"):       # teh marbuta opened before the suffix: 'خساره' in 'خسارته'
        key = key[:-1] + "ت"
        pos = norm.rfind(key)
    return pos >= 0 and norm[pos + len(key):] in PRONOUN_SUFFIXES



def _is_state(sent: Sentence, f: Filler) -> bool:
    """A LOC mention right after a verb that is not about moving to/from places: a state acting."""
    m = sent.mention_at.get(f.first)
    return m is not None and m["type"] == "LOC" and not preps_before(sent, f) & GOVERNING
