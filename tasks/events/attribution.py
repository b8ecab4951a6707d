"""Attribution: who says so (speech verbs and nouns, 'وفق/بحسب', headlines), through whom, carried on."""

from __future__ import annotations

from tasks.events.lexicon import word_set, word_verbs
from tasks.events.words import (BIT, CLOSE_QUOTES, Carry, Filler, OPEN_QUOTES, Sentence, _definite, _heads, has,
                                PROCLITIC_L, positions, Word)

NAQL = word_verbs("naql_verbs")
ISSUED_BY = word_set("issued_by")                  # 'بيان صادر عن'
CONTENT_OPENERS = word_set("content_openers")      # words after which a speaker's content starts
SPEAKER_CROSSING = word_set("speaker_crossing")    # prepositions a speaker's phrase crosses ('مسؤول في الوزارة')    # 'نقلت وكالة X عن Y': X is the channel, Y the source
from tasks.events.fillers import CHUNK_STOPS, GOVERNING, chunk, mention_filler

SPEAKER_STOPS = CHUNK_STOPS - SPEAKER_CROSSING     # what ends a speaker's phrase (once, not per call)


def _source(sent: Sentence, f: Filler, via: Filler | None) -> dict:
    return {"filler": f, "via": via, "rumour": (sent.words[f.first].flags & BIT["rumour"])}



def _speaker_after(sent: Sentence, j: int) -> Filler | None:
    """Who speaks: a mention or a head-noun chunk right after a speech verb/cue at word j."""
    words = sent.words
    k = j + 1
    while k < len(words) and ((words[k].norm == "ما" and k + 1 < len(words) and (words[k + 1].flags & BIT["speech_verbs"]))
                               or (words[k].flags & BIT["speech_verbs"])):
        k += 1                               # 'وفق ما أفاد صحافي'
    if k + 1 < len(words) and (words[k].flags & BIT["speech_nouns"]) and not words[k + 1].punct.strip():
        # 'وفق بيان للجيش', 'بحسب بيان صادر عن الوزارة': who issued the statement speaks
        if words[k + 1].norm in ISSUED_BY and k + 2 < len(words) and words[k + 2].norm == "عن":
            k += 3
        elif words[k + 1].flags & PROCLITIC_L and not _definite(words[k]):
            k += 1
    if k >= len(words) or (words[k].flags & BIT["complementizers"]) or words[k].punct.strip(" «»\"“”()"):
        return None
    if k in sent.mention_at:
        return mention_filler(sent, k)
    if words[k].flags & BIT["head_person"]:
        return speaker_chunk(sent, k)
    return _name_before_content(sent, k)



def _name_before_content(sent: Sentence, k: int) -> Filler | None:
    """An unknown name between a speech verb and its content: 'وكشف الطليباوي عن', 'قال رسول: إن'."""
    words = sent.words
    for end in range(k, min(len(words), k + 3)):
        w = words[end]
        if w.norm in CHUNK_STOPS or not GOVERNING.isdisjoint(w.stems) or w.flags & BIT["complementizers"]:
            return None                      # 'قال فيها', 'أكد أن'
        nxt = words[end + 1] if end + 1 < len(words) else None
        if nxt is None or nxt.punct.strip(" ()") or nxt.norm in CONTENT_OPENERS or (nxt.flags & BIT["complementizers"]) \
                or end + 1 in sent.triggers:     # 'أعلنت السلطات الكينية اعتقال/عدم اعتقال ...': the content starts
            a, b = words[k].start, w.end
            return Filler(a, b, sent.text[a:b], None, k, end)
    return None



def speaker_chunk(sent: Sentence, k: int) -> Filler:
    """A speaker's noun phrase: crosses 'في/باسم/من' into an institution ('مسؤول في وزارة الدفاع')."""
    words = sent.words
    last = k
    stops = SPEAKER_STOPS
    for j in range(k + 1, min(len(words), k + 9)):
        w = words[j]
        if (w.punct.strip(" ()«»\"“”") or w.norm in stops or (w.flags & BIT["complementizers"])
                or (w.flags & BIT["speech_nouns"]) or w.norm.isdigit() or w.norm == "ل"
                or (w.flags & PROCLITIC_L and (w.flags & BIT["head_media"]))):
            break                            # 'لوكالة فرانس برس' is the channel, not the speaker
        if w.norm in SPEAKER_CROSSING and not (j + 1 < len(words) and ((words[j + 1].flags & BIT["head_person"])
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
    while first > 0 and last - first < 5 and words[first - 1].norm not in CHUNK_STOPS \
            and not words[first].punct.strip(" ()"):
        first -= 1
    for s in range(first, last + 1):
        m = sent.mention_at.get(s)
        if m is not None and (m["type"] in ("PERSON", "ORG", "NORP") or sent.mention_end[s] == last):
            return mention_filler(sent, s)
    if words[first].norm in CHUNK_STOPS or not (words[first].flags & BIT["head_person"]):
        return None
    a, b = words[first].start, words[last].end
    return Filler(a, b, sent.text[a:b], None, first, last)



def _via_after(sent: Sentence, f: Filler) -> Filler | None:
    """An outlet after the speaker: 'لوكالة فرانس برس', 'لـ«سكاي نيوز عربية»'."""
    words = sent.words
    for k in range(f.last + 1, min(len(words), f.last + 8)):
        w = words[k]
        if w.flags & BIT["complementizers"]:
            return None
        if w.norm == "ل":
            return chunk(sent, k + 1, max_words=4)
        if w.flags & PROCLITIC_L and (w.flags & BIT["head_media"]):
            c = chunk(sent, k, max_words=4)
            if c:
                lead = _media_offset(w)
                return Filler(w.start + lead, c.end, sent.text[w.start + lead:c.end], None, c.first, c.last)
    return None



def _media_offset(w: Word) -> int:
    """Where the outlet noun starts inside its word ('لوكالة' -> 1). The media bit may come from a
    stem with an attached pronoun ('لقناته', 'لصحيفته': only the stem 'قناه' is listed), which is no
    substring of the word: then the outlet starts after the proclitic ل."""
    media = _heads()["media"]
    head = next((x for x in w.keys if x in media), None)
    if head is not None:
        return w.norm.index(head)
    stem = next((x for x in w.stems if x in media), "")
    pos = w.norm.find(stem[:-1] if stem.endswith("ه") else stem) if stem else -1   # 'قناه' in 'لقناته'
    return pos if pos > 0 else 1


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
    is_verb = (w.flags & BIT["speech_verbs"]) or (w.flags & BIT["continuation_verbs"])
    if not is_verb and not any((x.flags & BIT["complementizers"]) or x.norm == "عن" for x in words[j + 1:j + 8]):
        return None                          # a speech noun that introduces no content ('شبه بيان قسد')
    f = _speaker_after(sent, j)
    via = None
    if f is not None and has(w, NAQL):
        for k in range(f.last + 1, min(len(words), f.last + 6)):
            if words[k].norm == "عن" or (words[k].flags & BIT["speech_nouns"]):
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
    a = words[0].end                         # searched and counted in place: no slice of the text
    if quoted is None:
        find, b = sent.text.find, words[-1].start
        quoted = False                       # a loop, not a generator: `_in_quote` stays closure-free
        for q in OPEN_QUOTES:
            if find(q, a, b) >= 0:
                quoted = True
                break
        sent.memo["has_open_quote"] = quoted
    if not quoted:
        return False
    count, b = sent.text.count, words[i].start   # OPEN_QUOTES '«“', CLOSE_QUOTES '»”'
    return count("«", a, b) + count("“", a, b) > count("»", a, b) + count("”", a, b)



def attribution(sent: Sentence, i: int, carry: Carry) -> tuple[dict | None, int | None]:
    """(source dict, index of the speech cue) for the event at word i."""
    words = sent.words
    # 'وفق X', 'بحسب X', 'نقلا عن X' anywhere in the sentence
    according = sent.memo.get("according", False)
    if according is False:
        according = None
        bit = BIT["according_to"]
        for j in (positions(sent.cflags, bit) if sent.bits & bit else ()):
            f = _speaker_after(sent, j + max(sent.phrase_len(j, "according_to"), 1) - 1)
            if f:
                according = (_source(sent, f, None), j)
                break
        sent.memo["according"] = according
    if according is not None:
        return according
    # a headline 'علاوي: البغدادي والظواهري يتفاوضان'
    headline = sent.memo.get("headline", False)
    if headline is False:
        headline = sent.memo["headline"] = _headline_colon(sent)
    if headline is not None and headline <= min(i, 2):
        a, b = words[0].start, words[headline - 1].end
        return _source(sent, Filler(a, b, sent.text[a:b], sent.mention_at.get(0, {}).get("entity_id"), 0,
                                    headline - 1), None), 0
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
    stops = sent.memo.get("speech_stops")
    if stops is None:                        # once per sentence: the few words a scan can stop at, last first
        stop = BIT["clause_breaks"] | BIT["speech_verbs"] | BIT["speech_nouns"] | BIT["continuation_verbs"]
        stops = sent.memo["speech_stops"] = positions(flags, stop)[::-1]
    for j in stops:
        if j >= i:
            continue
        w = words[j]
        if not quoted and flags[j] & BIT["clause_breaks"] \
                and not (w.norm == "حيث" and j + 1 < len(words) and (words[j + 1].flags & BIT["complementizers"])):
            return None, None
        cont = w.flags & BIT["continuation_verbs"]
        if not ((w.flags & BIT["speech_verbs"]) or (w.flags & BIT["speech_nouns"]) or cont) or j in sent.triggers:
            continue                         # 'نقل' moving people is an event, not a report
        src = speech_source(sent, j)
        if src is not None:
            return src, j
        nxt = words[j + 1] if j + 1 < len(words) else None
        if j <= 1 or cont or j + 1 == i or (nxt is not None and (nxt.flags & BIT["complementizers"])):
            # a speech verb with a pronoun subject ('وأضاف أن', 'مضيفا أن', 'أقر بمقتل'): the last speaker goes on
            prev = _last_speaker(sent, j, carry)
            if prev is not None:
                return prev, j
    if carry.source and carry.quote_depth > 0:
        return dict(carry.source), None
    return None, None



def _headline_colon(sent: Sentence) -> int | None:
    """Index of the word after a headline speaker's colon ('علاوي: ...'), once per sentence; None if none."""
    words = sent.words
    colon = next((k for k in range(1, min(5, len(words))) if ":" in words[k].punct), None)
    if colon is None or colon > 2 or words[0].norm.startswith("و") or any(
            (x.flags & BIT["speech_verbs"]) or (x.flags & BIT["continuation_verbs"]) or x.norm in CHUNK_STOPS
            for x in words[:colon]):
        return None
    return colon


POSTPOSED_CONNECTORS = frozenset({"كما", "ما", "حسبما", "مثلما", "وفقما", "علي", "وفق", "بحسب", "حسب", "وكما"})


def _postposed_speaker(sent: Sentence) -> tuple[dict, int] | None:
    """(source, cue index) of a speech verb that closes the sentence after a comma or a closing
    quote ('...، قال رئيس نقابة العمال.', '"..." قال المتحدث'), possibly after a connector ('، كما
    قال المرصد', '، على ما ذكرت الوكالة'): its speaker says all before it."""
    words = sent.words
    n = len(words)
    speech = BIT["speech_verbs"]
    for j in range(n - 2, 0, -1):
        w = words[j]
        if not w.flags & speech or j in sent.triggers:
            continue
        c = j                                 # '، كما قال المرصد', '، على ما ذكرت الوكالة', '، وفق ما أعلن'
        while c > 0 and j - c < 2 and words[c - 1].norm in POSTPOSED_CONNECTORS:
            c -= 1
        if not any(q in words[c].punct for q in ("،", ",", *CLOSE_QUOTES)):
            return None
        if any((x.flags & BIT["complementizers"]) or x.norm == "عن" for x in words[j + 1:]):
            return None                      # '، قال إن ...': a new statement, not a closing one
        f = _speaker_after(sent, j)
        if f is None or f.last < n - 3:
            return None
        return _source(sent, f, None), j
    return None



def _last_speaker(sent: Sentence, j: int, carry: Carry) -> dict | None:
    """The speaker of an earlier speech cue in the sentence, else the one carried from before."""
    for k in range(j - 1, -1, -1):
        if (sent.words[k].flags & BIT["speech_verbs"]) and k not in sent.triggers:
            src = speech_source(sent, k)
            if src is not None:
                return src
    return dict(carry.source) if carry.source else None



def _count_quotes(text: str, carry: Carry, start: int = 0, end: int | None = None) -> None:
    """Quote marks of text[start:end] move the carry's quote depth (counted in place, no slice)."""
    if end is None:
        end = len(text)
    src = text                              # four C counts (a `str` local when compiled: no argument parsing),
    opened = src.count("«", start, end) + src.count("“", start, end)   # cheaper than a regex scan ('«“' open,
    closed = src.count("»", start, end) + src.count("”", start, end)   # '»”' close)
    if opened or closed:
        carry.quote_depth = max(0, carry.quote_depth + opened - closed)
    elif carry.quote_depth < 0:
        carry.quote_depth = 0



def _update_carry(sent: Sentence, carry: Carry) -> None:
    """Remember the sentence's last speaker and whether a quote is still open at its end."""
    bit = BIT["speech_verbs"]
    for j in (positions(sent.cflags, bit) if sent.bits & bit else ()):
        if j not in sent.triggers:
            src = speech_source(sent, j)
            if src is not None:
                carry.source, carry.source_paragraph = src, carry.paragraph
    if sent.words:
        _count_quotes(sent.text, carry, sent.words[0].start, sent.words[-1].end + 2)
