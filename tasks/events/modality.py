"""Modality by precedence: denied > hypothetical > accused > future > reported > claimed > asserted."""

from __future__ import annotations

from functools import lru_cache

from tasks.events.lexicon import Trigger, cues, lookup, verb_forms, word_set, word_verbs
from tasks.events.words import (ACCUSE_BITS, BIT, GOVERNING_VERB_BITS, PURPOSE_TYPES, SPEECH_BITS, SPEECH_NOUN_BITS,
                                Sentence, THREAT_BIT, Word, has, has_stem, is_, or_all, proclitic)

RESULT_VERBS = word_set("result_verbs")
RESULT_COMPLEMENTS = word_set("result_complements")   # 'لم يسفر القصف عن'
THREAT_OPENERS = word_set("threat_openers")           # 'حذر من اقتحام', 'هدد بشن'
PARTITIVE = word_set("partitive")   # 'لم يسفر X عن'


ANNOUNCE = word_verbs("announce_verbs") | word_set("announce_nouns")


DISCLOSE = word_verbs("disclose_verbs")


AGENDA_NOUNS = word_set("agenda_nouns")


AGENDA_DONE = word_set("agenda_done")


def _first(sent: Sentence, name: str) -> int:
    """Index of the first word of the sentence in cue list `name` (len(words) if none), computed once."""
    first = sent.memo.get(name)               # memo keys: cue list names and a few stage names ('places', ...)
    if first is None:
        bit = BIT[name]
        first = len(sent.words)
        if sent.bits & bit:
            for j, f in enumerate(sent.cflags):
                if f & bit:
                    first = j
                    break
        sent.memo[name] = first
    return first



def _governor(sent: Sentence, i: int) -> int | None:
    """The support or control verb governing the verbal noun at i ('ستعقد الفصائل جولة', 'تمكن
    مسلحون من اقتحام'), as `_light_verb_subject` finds it: the noun's tense and mood are the verb's."""
    govs = sent.memo.get("governors")
    if govs is None:                          # once per sentence: most have none
        govs = sent.memo["governors"] = [j for j, f in enumerate(sent.cflags) if f & GOVERNING_VERB_BITS]
    j = None
    for g in reversed(govs):
        if g < i:
            j = g
            break
    cfg = sent.cfg
    if j is None or i - j > cfg.light_verb_reach or not is_(sent.words[j], "light_verbs") and i - j > cfg.control_verb_reach:
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
    if not (proclitic(words[a].norm) == "ب" or a > 0 and (words[a - 1].norm in THREAT_OPENERS   # too short to strip
                                                         or proclitic(words[a - 1].norm) == "ب")):
        return False
    j = max((k for k in sent.triggers if k < i and sent.cflags[k] & THREAT_BIT), default=None)
    return j is not None and i - j <= sent.cfg.threat_reach and not sent.triggers.intersection(range(j + 1, i)) \
        and not any(words[k].punct.strip(" «»\"()") for k in range(j + 1, i + 1))



def modality(sent: Sentence, i: int, t: Trigger, key: str, source: dict | None, cue_idx: int | None) -> str:
    words = sent.words
    flags = sent.cflags
    cfg = sent.cfg
    w = words[i]

    # a verbal noun under a support verb ('من المقرر أن تبدأ القوات الانسحاب') takes the verb's
    # tense and mood: the windows before it are measured from the verb
    sbits = sent.bits
    g = _governor(sent, i) if t.pos == "noun" and sbits & GOVERNING_VERB_BITS else None
    a = i if g is None else g

    seen = or_all(flags[max(0, a - cfg.cue_lookback):i])   # every cue bit within the lookback: skip absent checks
    negated = _negated(sent, i, a, seen)
    if negated is not None:
        return negated
    if or_all(flags[i + 1:i + 4]) & BIT["negation_after"]:
        return "denied"
    if seen & BIT["hypothetical"] and _cue_before(flags, words, max(0, a - cfg.hypothetical_window), i,
                                                 BIT["hypothetical"], SPEECH_BITS, True):
        return "hypothetical"                 # not across a new statement ('...، مؤكدا أن')
    if seen & BIT["hypothetical_near"] and _any_before(flags, a, i, 2, BIT["hypothetical_near"]):
        return "hypothetical"
    if _after_bits(sent, i, cfg.hypothetical_after_window) & BIT["hypothetical_after"]:
        return "hypothetical"
    if t.pos == "noun" and i + 1 < len(words) and flags[i + 1] & BIT["hypothetical_near"] \
            and not words[i + 1].punct.strip():
        return "hypothetical"                 # 'باستهداف أي سفينة': any potential target
    if seen & BIT["disjunction"] and _any_before(flags, a, i, 3, BIT["disjunction"]) \
            and _has_norm(words, "واما"):
        return "hypothetical"
    if t.type != "ACCUSE" and sbits & ACCUSE_BITS and min(_first(sent, "accuse_verbs"), _first(sent, "accuse_nouns")) < i:
        return "accused"
    # purpose: an indefinite verbal noun with ل ('لاستعادة', 'لتحريرها', 'لإجلاء')
    purpose = t.type in PURPOSE_TYPES and (
        t.pos == "noun" and proclitic(w.norm) == "ل" and not w.norm.lstrip("وف").startswith("لل")
        or w.norm[0] == "و" and _coordinated_purpose(sent, i, t))
    if t.future or purpose or (i > 1 and "عن" in (words[i - 1].norm, words[i - 2].norm)
                               and sbits & SPEECH_NOUN_BITS and _announced_agenda(sent, i, t)) \
            or (g is not None and has(words[g], _future_governors())) or (seen & BIT["future"] and _any_before(flags, a, i, cfg.future_window, BIT["future"])) \
            or _after_bits(sent, i, cfg.future_after_window) & BIT["future_after"]:
        # a future act under a condition that follows it ('سيوسع عملياته ... في حال واصل') is hypothetical
        return "hypothetical" if _after_bits(sent, i, cfg.condition_after_window) & BIT["hypothetical"] else "future"
    if sbits & THREAT_BIT and t.type != "THREATEN" and _threatened(sent, i, a):
        return "future"                      # the act threatened: 'هدد زعيم التنظيم بشن هجمات'
    if t.type != "REQUEST" and seen & BIT["request_verbs"] and _cue_before(
            flags, words, max(0, a - cfg.request_reach), i, BIT["request_verbs"], BIT["complementizers"], False):
        return "future"                      # the requested act: 'دعت المدنيين إلى الخروج'
    if source and source.get("rumour"):
        return "reported"
    if sbits & BIT["rumour"] and _first(sent, "rumour") < a and _rumoured(sent, a, cue_idx, cfg.rumour_window):
        return "reported"
    if source:
        return "claimed"
    return "asserted"



def _any_before(flags: list[int], a: int, i: int, n: int, bit: int) -> bool:
    """Whether a word from n before a (the trigger or its governing verb) up to the trigger i has the bit."""
    for j in range(max(0, a - n), i):
        if flags[j] & bit:
            return True
    return False


def _cue_before(flags: list[int], words: list[Word], lo: int, i: int, bit: int, stop: int, attributive: bool) -> bool:
    """Whether a word j in [lo, i) has cue `bit` with no word of `stop` bits between it and the trigger i
    (and, with `attributive`, is no attributive cue: `_attributive_cue`). Loops, not generators:
    `modality` stays closure-free."""
    for j in range(lo, i):
        if flags[j] & bit:
            blocked = False
            for k in range(j + 1, i):
                if flags[k] & stop:
                    blocked = True
                    break
            if not blocked and not (attributive and _attributive_cue(words, j)):
                return True
    return False


def _has_norm(words: list[Word], norm: str) -> bool:
    """Whether a word of the sentence has the normalised form `norm`."""
    for x in words:
        if x.norm == norm:
            return True
    return False


def _negated(sent: Sentence, i: int, a: int, seen: int) -> str | None:
    """'denied' when a negation before the trigger (measured from a, its governing verb) or a
    denial verb governing its clause negates it; 'hypothetical' for a negated condition."""
    words, flags, sbits = sent.words, sent.cflags, sent.bits
    if seen & BIT["negation_before"]:
        lo, counted = a, 0                    # 'دون أن يسفر عن إصابات': words of the result frame do not count
        while lo > 0 and counted < sent.cfg.negation_window:
            lo -= 1
            counted += not flags[lo] & BIT["negation_through"]
        for j in range(lo, i):
            if j + 1 < i and words[j + 1].norm in RESULT_VERBS and not any(
                    words[k].norm in RESULT_COMPLEMENTS for k in range(j + 2, i)):
                continue                      # 'لم يسفر القصف عن ضحايا': the result is negated, not the shelling
            if flags[j] & BIT["negation_before"] and _negation_of_other(sent, j, i):
                continue
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
                # 'لم يستبعد أن يكون الهجوم ...': a denial that is itself negated leaves a possibility
                return "hypothetical" if _negated_denial(words, j) else "denied"
            if flags[j] & (BIT["clause_breaks"] | SPEECH_BITS):
                break                         # '...، مؤكدة أن الضربات استهدفت': a new statement is not denied
    return None


EXCEPTIVES = frozenset({"غير", "سوي", "الا", "سوى"})


def _negation_of_other(sent: Sentence, j: int, i: int) -> bool:
    """Whether the negation at word j negates something else than the event at i: a denial verb
    ('لم يستبعد': not ruling out), or an exception frame ('لم يجدوا غير الفرار', 'لا ... إلا': the
    exception affirms)."""
    words, flags = sent.words, sent.cflags
    if j + 1 < len(words) and flags[j + 1] & BIT["denial_verbs"]:
        return True
    if flags[j] & BIT["denial_verbs"] and _negated_denial(words, j):
        return True
    if words[j].norm in EXCEPTIVES and any(flags[k] & BIT["negation_before"] for k in range(max(0, j - 4), j)):
        return True                           # the 'غير' of 'لم يجدوا غير ...' is the exception, not a negation
    if words[j].norm in ("غير", "وغير") and j + 1 < len(words) and words[j + 1].norm in ("ان", "انه", "انها"):
        return True                           # 'غير أن القوات هاجمت': 'however'
    return any(words[k].norm in EXCEPTIVES for k in range(j + 1, i))


NEGATION_PARTICLES = frozenset({"لم", "ولم", "فلم", "لا", "ولا", "فلا", "لن", "ولن"})


def _negated_denial(words, j: int) -> bool:
    return j > 0 and words[j - 1].norm in NEGATION_PARTICLES


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
    return prev.norm not in PARTITIVE and not prev.flags & (SPEECH_BITS | BIT["complementizers"])



def _after_bits(sent: Sentence, i: int, n: int) -> int:
    """The cue bits of the up to n words after word i, stopping at punctuation."""
    words, flags = sent.words, sent.cflags
    bits = 0
    for j in range(i + 1, min(len(words), i + 1 + n)):
        p = words[j].punct
        if p and p.strip():                   # most words have no punctuation: no strip call
            break
        bits |= flags[j]
    return bits
