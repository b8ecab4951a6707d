"""Salience of an event mention: `main` (the sentence reports this happening as news) or
`background` (docs/events.md, "Salience"). Word lists: akhbar/resources/events/salience.json.

First rule that applies, its name goes to `method` (`...;salience:<rule>`):
1. `question`: the sentence is a question ('هل ...؟') -> background (rhetorical);
2. `participant` / `participant-acting`: the trigger is a participant or instrument noun
   ('المتظاهرين', 'لتفريق المتظاهرين', 'قذائف'): background unless it is the subject of an action
   verb right before it ('احتشد آلاف المتظاهرين') or right after it ('سيارة مفخخة انفجرت'),
   with no preposition on it and no relative pronoun between;
3. `reference`: a reference cue in the three words before the trigger, in its clause ('بعد
   الهجوم', 'المتهمين بالاغتيال', 'منذ التفجير', 'محاولة اغتيال', 'دان الهجوم'): background;
4. `purpose`: a verbal noun with the preposition ل ('لتفريق', 'لاغتيال'): background;
5. `nominal-undergone`: an event noun with ل right after a past 'to undergo' verb ('تعرض للضرب',
   'تعرضت القافلة لإطلاق نار'): main, even when definite;
6. `nominal-anchored` / `nominal-generic` / `nominal-unanchored`: a noun trigger is main only
   with evidence that it happened: a happening verb within four words ('وقع الهجوم', 'هجوم
   استهدف', 'شن هجوما'), a casualty word elsewhere in the sentence ('مقتل ستة في هجوم'), or a
   time anchor near it ('هجوم أمس'), or a count right after it ('مقتل ثلاثة'); a generic plural or abstract noun without such evidence is
   `nominal-generic`, others `nominal-unanchored`;
7. `verb`: a verb trigger is main;
8. `earlier-date` (tasks/events/stage.py, once the date is known): a main event whose own time
   expression names a year and lies more than `NEWS_DAYS` before the publication date (or any
   year when the article has no date) recalls a past happening ('في عام 2006') -> background.
"""

from __future__ import annotations

from functools import lru_cache

from akhbar.text.normalise import clitic_keys, normalize
from tasks.events.lexicon import PAST_SUFFIXES, Trigger, events_data, lookup_keys, verb_forms, word_set
from tasks.events.words import CLAUSE_BITS, NUMBER_BIT, RELATIVES, Sentence, Word, _definite

MAIN, BACKGROUND = "main", "background"
ACTING_BEFORE, ACTING_AFTER = 2, 2           # words between a participant noun and its onset verb
FAR_REACH = 9                                 # words between a subject participant and its plural verb
NEWS_DAYS = 60                                # an event dated further back than this is recalled, not reported
REFERENCE_WINDOW, HAPPENING_WINDOW, ANCHOR_WINDOW, UNDERGO_WINDOW = 3, 4, 6, 3
SUBJECT_REACH = 8                             # words between 'تعرض'/'نجا' and 'لمحاولة'/'من محاولة' (a named subject)
CLAUSE_PUNCT = "،,;:.؛!?؟"


@lru_cache(maxsize=1)
def lists() -> dict[str, frozenset]:
    data = events_data("salience.json")
    out = {name: frozenset(normalize(w) for w in data[name])
           for name in ("participant_nouns", "reference_before", "casualty_words", "anchors", "question_openers",
                        "generic_nouns", "participant_quantifiers", "relatives", "casualty_governors", "masdar_before",
                           "undergo_verbs", "protest_event_nouns")}
    for name in ("participant_actions", "happening_verbs"):
        forms = {f for past, present in data[name] for f in verb_forms(past, present)}
        # a two-letter form with a conjunction ('وسد', 'فشن') is too short for clitic_keys to strip
        forms |= {c + f for f in forms if len(f) == 2 for c in "وف"}
        out[name] = frozenset(forms)
    return out


@lru_cache(maxsize=1)
def _bit_of() -> dict[str, int]:
    return {name: 1 << k for k, name in enumerate(sorted(lists()))}


@lru_cache(maxsize=300_000)
def _bits(norm: str) -> int:
    """The salience lists a word belongs to (its form, clitic-stripped forms or stems), as bits."""
    forms = {norm, *clitic_keys(norm), *lookup_keys(norm)}
    return sum(bit for name, bit in _bit_of().items() if not forms.isdisjoint(lists()[name]))


@lru_cache(maxsize=1)
def list_names() -> tuple[str, ...]:
    """The salience word lists in bit order (`word_lists`)."""
    return tuple(sorted(lists()))


def word_lists(norm: str) -> int:
    """The salience lists a normalised word belongs to, as bits in `list_names` order."""
    return _bits(norm)


def _in(w: Word, name: str) -> bool:
    return bool(_bits(w.norm) & _bit_of()[name])


class _LazyBits(dict):
    """Word index -> its salience list bits, computed on first use (most words are never asked)."""
    __slots__ = ("words",)

    def __missing__(self, k: int) -> int:
        b = self[k] = _bits(self.words[k].norm)
        return b


def _word_bits(sent: Sentence) -> _LazyBits:
    """Per word of the sentence, its salience list bits (once per sentence, lazily)."""
    sb = sent.memo.get("salience_bits")
    if sb is None:
        sb = sent.memo["salience_bits"] = _LazyBits()
        sb.words = sent.words
    return sb


def _clause_span(sent: Sentence, i: int, before: int, after: int) -> range:
    """Word indexes around i, at most `before`/`after` away, not crossing clause punctuation."""
    words = sent.words
    lo = i
    while lo > 0 and i - lo < before and not (words[lo].punct and _breaks(words[lo].punct)):
        lo -= 1
    hi = i
    while hi + 1 < len(words) and hi - i < after and not (words[hi + 1].punct and _breaks(words[hi + 1].punct)):
        hi += 1
    return range(lo, hi + 1)


@lru_cache(maxsize=4096)
def _breaks(punct: str) -> bool:
    return any(c in punct for c in CLAUSE_PUNCT)


def _question(sent: Sentence) -> bool:
    q = sent.memo.get("question")
    if q is None:
        q = sent.memo["question"] = _is_question(sent)
    return q


def _is_question(sent: Sentence) -> bool:
    words = sent.words
    if words and _in(words[0], "question_openers"):
        return True
    return "؟" in sent.text[words[-1].start:words[-1].end + 3] if words else False


def salience(sent: Sentence, i: int, t: Trigger, key: str) -> tuple[str, str]:
    """(salience, rule) of the event whose trigger is word i."""
    words = sent.words
    w = words[i]
    if _question(sent):
        return BACKGROUND, "question"
    sb, bit = _word_bits(sent), _bit_of()
    at = attempt_head(sent, i, t)            # 'محاولة اغتيال': the attempt noun stands for the attempted assault
    ref = bit["reference_before"]
    if _reference_before(sent, sb, ref, at) or at != i and _foiled(sent, at):
        return BACKGROUND, "reference"
    if sb[i] & bit["participant_nouns"] and not (t.type == "PROTEST" and sb[i] & bit["protest_event_nouns"]):
        return (MAIN, "participant-acting") if _acting(sent, i, t.type == "PROTEST") else (BACKGROUND, "participant")
    if t.pos != "verb" or _masdar(sent, i) or at != i:
        if undergone_at(sent, i, at, key) is not None:
            return MAIN, "nominal-undergone"          # 'تعرض للضرب', 'تعرضت القافلة لإطلاق نار', 'نجا من محاولة اغتيال'
        if _relative_clause(sent, at, reach=3):
            return BACKGROUND, "relative-clause"      # 'الذين سقطوا في تفجير طرابلس'
        w = words[at]
        if w.norm[:1] == "ل" and w.norm[1:2] not in ("ا", "ل") and key[:1] != "ل" and t.type != "PROTEST":
            return BACKGROUND, "purpose"
        if _definite(w) and w.norm[:2] != "لل":
            return BACKGROUND, "nominal-definite"
        how = _anchored(sent, at, t.type == "PROTEST")
        if how:
            return MAIN, "nominal-anchored-" + how
        return BACKGROUND, "nominal-generic" if _in(w, "generic_nouns") else "nominal-unanchored"
    if _relative_clause(sent, i):
        return BACKGROUND, "relative-clause"
    if _present(t, key):
        return BACKGROUND, "present"
    return MAIN, "verb"


def _reference_before(sent: Sentence, sb: list[int], ref: int, at: int) -> bool:
    """Whether a reference word ('السابق', 'الماضي' ...) stands before word `at` in its clause, outside a
    unit's name (a loop, not a generator: `salience` stays closure-free)."""
    for k in _clause_span(sent, at, REFERENCE_WINDOW, 0):
        if k != at and sb[k] & ref and not _in_unit_name(sent, k, at):
            return True
    return False


def _span_has(sent: Sentence, sb: list[int], bit: int, i: int, before: int, after: int) -> bool:
    """Whether a word other than i in `_clause_span(sent, i, before, after)` has `bit` in `sb`."""
    for k in _clause_span(sent, i, before, after):
        if k != i and sb[k] & bit:
            return True
    return False


def _undergone(sent: Sentence, i: int, key: str, reach: int = UNDERGO_WINDOW) -> bool:
    """An event noun with ل within three words after a past 'to undergo' verb, in its clause: what
    the subject underwent ('تعرض للضرب', 'تعرضت القافلة لإطلاق نار')."""
    if sent.words[i].norm[:1] != "ل" or key[:1] == "ل":
        return False
    sb, undergo = _word_bits(sent), _bit_of()["undergo_verbs"]
    return any(sb[k] & undergo for k in _clause_span(sent, i, reach, 0) if k != i)


SALIENCE_WORDS = "salience.json"              # lexicon.word_set source of the attempt and clause lists


def _is(w: Word, name: str) -> bool:
    words = word_set(name, SALIENCE_WORDS)
    return w.norm in words or not words.isdisjoint(clitic_keys(w.norm))


def attempt_head(sent: Sentence, i: int, t: Trigger) -> int:
    """The attempt noun right before an ASSAULT verbal noun of killing or bombing ('محاولة اغتيال',
    'لمحاولة قتل', 'محاولتي تفجير'), or i: an attempted assault is an ASSAULT event (CAMEO 185), so
    the attempt noun is no reference cue for it; an attempt at anything else ('محاولة خطف') stays one."""
    if t.type != "ASSAULT" or i == 0 or sent.words[i].punct.strip():
        return i
    words = sent.words
    if _is(words[i - 1], "attempt_nouns") and _is(words[i], "attempt_assault_nouns"):
        return i - 1
    return i


def _in_unit_name(sent: Sentence, k: int, at: int) -> bool:
    """Whether the reference word k is part of a unit's name ('قوات مكافحة الإرهاب قد قتلت'): a unit head
    right before it, and it does not govern the trigger at `at` ('شرطة مكافحة الشغب' stays a reference)."""
    return 0 < k < at - 1 and not sent.words[k].punct.strip() and _is(sent.words[k - 1], "unit_heads")


def _foiled(sent: Sentence, at: int) -> bool:
    """A word before the attempt noun, in its clause, saying it was prevented ('أحبطت الشرطة محاولة تفجير')."""
    return any(_is(sent.words[k], "attempt_foiled") for k in _clause_span(sent, at, REFERENCE_WINDOW, 0) if k != at)


def survived(sent: Sentence, i: int) -> bool:
    """An event noun after 'من' with a past 'to survive' verb within eight words before, in its clause
    ('نجا من محاولة اغتيال', 'نجت القافلة من هجوم'): what the subject underwent."""
    words = sent.words
    if i == 0 or words[i - 1].norm != "من" or words[i].punct.strip():
        return False
    return any(_is(words[k], "survive_verbs") for k in _clause_span(sent, i - 1, SUBJECT_REACH, 0) if k != i - 1)


def undergone_at(sent: Sentence, i: int, at: int, key: str) -> tuple[int, int, frozenset] | None:
    """How the event noun at word i (its attempt noun at `at`: attempt_head) was undergone: (the word
    its verb is looked for before, how far, the verb list) for 'تعرض ل...' (undergo_verbs) or, else, for
    'نجا من ...' (survive_verbs); None when it is neither. Used by the salience rule `nominal-undergone`
    and by victims.undergoer, so both read the same undergone attack."""
    reach = UNDERGO_WINDOW if at == i else SUBJECT_REACH
    if _undergone(sent, at, key if at == i else "", reach):
        return at, reach, lists()["undergo_verbs"]
    if survived(sent, at):
        return at - 1, SUBJECT_REACH, word_set("survive_verbs", SALIENCE_WORDS)   # 'نجا X من ...'
    return None


def _masdar(sent: Sentence, i: int) -> bool:
    """A verb-form trigger read as its verbal noun: right after a preposition or a construct head
    ('عمليات خطف السفن', 'مسؤوليتها عن خطف'), where no finite verb can stand."""
    return i > 0 and not sent.words[i].punct.strip() and bool(_word_bits(sent)[i - 1] & _bit_of()["masdar_before"])


def _present(t: Trigger, key: str) -> bool:
    """Whether the matched form is a present (imperfect) verb, not future: a habitual or ongoing
    description ('يطلقون الصواريخ', 'تستهدفهم') rather than a report of a happening."""
    if t.future or t.passive or key[:1] not in "يتنا":
        return False
    past = t.lemma
    return not any(key == past + suf or key == past[:-1] + suf for suf in PAST_SUFFIXES)


def _relative_clause(sent: Sentence, i: int, reach: int = 2) -> bool:
    """A verb in a relative clause describes what identifies a noun ('المنطقة التي خطف فيها
    الجنود', 'السفينة التي خطفها قراصنة'): a relative pronoun at most two words before it (قد/كان between)."""
    words = sent.words
    for k in range(i - 1, max(-1, i - 1 - reach), -1):
        if words[k + 1].punct.strip():
            return False
        if words[k].norm in RELATIVES:
            return True
    return False


def _acting(sent: Sentence, i: int, people: bool = True) -> bool:
    """Whether the participant noun at word i is the subject of an action verb: the verb just
    before it (counts and quantifiers between are free: 'احتشد آلاف المتظاهرين', 'خرج نحو 500
    متظاهر') or just after it
    ('المتظاهرين تدفقوا'), never after a preposition ('بالمتظاهرين') or a relative ('الذين خرجوا').
    Case and clause decide too: a definite plural in -ين right after the verb is its object or a
    genitive ('قمعت المتظاهرين', 'توجه المتظاهرين إليها'; indefinite it is a circumstantial
    accusative, 'خرجوا متظاهرين', acting), an indefinite one in -ين is governed by what
    precedes it, so a verb after it describes it ('لتفريق متظاهرين رشقوها'); a verb in a relative
    clause ('التي قطع بها المتظاهرون') or a verbal noun with a preposition ('برشق') is no action,
    and a casualty verb before a noun of people is read as a passive ('وقتل متظاهر برصاص الشرطة', and a
    verb of falling or dying makes it the victim: 'وسقط متظاهر قتيلا', `_casualty_verb`;
    before an instrument it is active: 'قتلت قذيفة ثلاثة مدنيين')."""
    words = sent.words
    w = words[i]
    if w.norm[:1] in ("ب", "ل", "ك") and w.norm[:2] != "ال":
        return False
    sb, bit = _word_bits(sent), _bit_of()
    acts, oblique = bit["participant_actions"], w.norm.endswith("ين")
    budget, k, counts = ACTING_BEFORE, i - 1, bit["participant_quantifiers"]
    while k >= 0 and budget and not words[k + 1].punct.strip():   # 'خرج نحو ألف متظاهر': counts are free
        if sb[k] & acts:               # a casualty verb before it is read as passive: 'وقتل متظاهر'
            return not (oblique and k == i - 1 and _definite(w) or people and _casualty_verb(sent, k)
                        or _after_relative(sent, k))
        if not (sb[k] & counts or sent.cflags[k] & NUMBER_BIT):
            budget -= 1
        k -= 1
    if oblique and not _definite(w):
        return False
    for k in range(i + 1, min(len(words), i + 1 + ACTING_AFTER)):  # 'متظاهرون فلسطينيون قد خرجوا'
        if words[k].punct.strip() or sb[k] & bit["relatives"]:
            return False
        if sb[k] & acts:
            return words[k].norm[:1] not in ("ب", "ل", "ك")
    return _far_subject(sent, i)


def _casualty_verb(sent: Sentence, k: int) -> bool:
    """Whether the verb at word k, before a participant noun of people, makes it a casualty: a casualty
    word ('وقتل متظاهر', read as passive) or a verb of falling or dying ('وسقط متظاهر قتيلا', 'توفي محتج')."""
    return bool(_word_bits(sent)[k] & _bit_of()["casualty_words"]) or \
        not word_set("fall_verbs", SALIENCE_WORDS).isdisjoint(sent.words[k].keys)


def _far_subject(sent: Sentence, i: int) -> bool:
    """A participant noun heading a subject phrase, nominative ('المتظاهرون') or partitive after a count
    ('الآلاف من المتظاهرين'), whose plural action verb comes later in its clause ('الآلاف من المتظاهرين
    من تلاميذ المدارس وطلاب الثانوي تدفقوا'); no punctuation or relative pronoun between."""
    words, sb, bit = sent.words, _word_bits(sent), _bit_of()
    w = words[i]
    partitive = i >= 2 and words[i - 1].norm == "من" and bool(sb[i - 2] & bit["participant_quantifiers"]
                                                              or sent.cflags[i - 2] & NUMBER_BIT)
    if not (partitive or w.norm.endswith("ون")):
        return False
    for k in range(i + 1, min(len(words), i + 1 + FAR_REACH)):
        if words[k].punct.strip() or sb[k] & bit["relatives"] or sent.cflags[k] & CLAUSE_BITS:
            return False                      # 'فرقت الشرطة عشرات من المحتجين بعد أن احتشدوا': another clause
        if sb[k] & bit["participant_actions"]:
            return words[k].norm.endswith("وا") and words[k].norm[:1] not in ("ب", "ل", "ك")
    return False


def _after_relative(sent: Sentence, k: int) -> bool:
    """Whether the verb at word k opens a relative clause (a relative pronoun right before it,
    or before 'قد'/'كان' and it)."""
    words, rel = sent.words, _bit_of()["relatives"]
    sb = _word_bits(sent)
    return any(sb[j] & rel for j in range(max(0, k - 2), k) if not words[j + 1].punct.strip())


def _anchored(sent: Sentence, i: int, protest: bool = False) -> str | None:
    """The evidence that the event noun at word i happened (a rule suffix), or None."""
    words = sent.words
    cflags = sent.cflags
    for k in range(i + 1, min(len(words), i + 3)):
        if cflags[k] & NUMBER_BIT and not words[k].punct.strip():
            return "count"                   # counted: 'مقتل ثلاثة', 'استشهاد 5 شبان', 'جثث ثلاثة رجال'
    sb, bit = _word_bits(sent), _bit_of()
    happening, anchors, governors = bit["happening_verbs"], bit["anchors"], bit["casualty_governors"]
    if _span_has(sent, sb, happening, i, HAPPENING_WINDOW, HAPPENING_WINDOW):
        return "verb"
    if protest and _span_has(sent, sb, bit["participant_actions"], i, HAPPENING_WINDOW, HAPPENING_WINDOW):
        return "verb"                        # 'خرج مئات ... احتجاجا على': the protest's own onset verb
    if _span_has(sent, sb, anchors, i, 2, ANCHOR_WINDOW):
        return "time"
    if not sb[i] & governors and not (i > 0 and sb[i - 1] & governors):
        return None
    casualty = bit["casualty_words"]
    for k in range(len(words)):
        if k != i and sb[k] & casualty:
            return "casualty"
    return None


def earlier_than_news(date, published) -> bool:
    """Whether an event dated `date` (from a time expression with a year) is a past happening
    recalled by an article published on `published` (unknown publication: any dated year)."""
    if date is None:
        return False
    return published is None or (published - date).days > NEWS_DAYS
