"""Victims of an attack named in its result clause (docs/events.md, events8).

News reports an attack and then what it caused: 'انفجرت قنبلة قرب مركز للشرطة مما أدى إلى مقتل ثلاثة
جنود', 'هاجم مسلحون حافلة، ما أسفر عن إصابة سبعة مدنيين'. The killed and wounded are the attack's
target (PLOVER; the arabic_event_gsr annotators mark them so), besides the object or site it hit.
A result verb (`victim_result_verbs`: أدى، أسفر، أوقع، خلف، تسبب) after an ASSAULT trigger, then at most a
preposition ('إلى', 'عن', 'في'), a harm noun (`harm_nouns`: مقتل، إصابة، جرح، استشهاد، سقوط ...) and the
noun phrase it governs, or a count right after it ('فأوقعت عشرين قتيلا'): that phrase joins the target. A pronoun ('أسفر عن إصابته') names nobody new.
Word lists: akhbar/resources/events/argument_words.json.
"""

from __future__ import annotations

from tasks.events.fillers import np_at
from tasks.events.lexicon import ARGUMENT_WORDS, word_set
from tasks.events.salience import attempt_head, undergone_at
from tasks.events.words import NUMBER_BIT, Filler, Sentence

REACH = 24                # words between the trigger and its result verb
RESULT_PREPS = frozenset({"الي", "عن", "في"})
PARTITIVE_PRONOUNS = frozenset({"منهم", "منهما", "منهن", "منها"})




def _result_victims_at(sent: Sentence) -> list[tuple[int, Filler]]:
    """(result verb index, victims phrase) of every result clause of the sentence (once per sentence)."""
    found = sent.memo.get("result_victims")
    if found is not None:
        return found
    verbs, harms = word_set("victim_result_verbs", ARGUMENT_WORDS), word_set("harm_nouns", ARGUMENT_WORDS)
    words, n, found, cflags = sent.words, len(sent.words), [], sent.cue_flags()
    for k, w in enumerate(words):
        if verbs.isdisjoint(w.keys):
            continue
        j = k + 1
        if j < n and words[j].norm in RESULT_PREPS:
            j += 1
        if j + 1 < n and not harms.isdisjoint(words[j].keys) and not words[j].punct.strip():
            j += 1
        elif j >= n or not cflags[j] & NUMBER_BIT:
            continue                          # a count of the dead right after it: 'فأوقعت عشرين قتيلا'
        f = np_at(sent, j, set())
        if f is not None and not (f.first == f.last and f.last + 1 < n and words[f.last + 1].norm in PARTITIVE_PRONOUNS):
            found.append((k, partitive(sent, f, set())))              # 'مقتل عدد منهم': a part of people named before, nobody new
    sent.memo["result_victims"] = found
    return found


def result_victims(sent: Sentence, i: int) -> list[Filler]:
    """The victims named by the first result clause after the ASSAULT trigger at word i, within REACH
    words and its sentence ('... مما أدى إلى مقتل ثلاثة جنود' -> 'ثلاثة جنود'); [] when there is none."""
    for k, f in _result_victims_at(sent):
        if k > i:
            return [f] if k - i <= REACH else []
    return []


def undergoer(sent: Sentence, i: int, key: str, triggers: set[int], subject_before, t=None) -> Filler | None:
    """Who underwent the attack named by the event noun at word i after a 'to undergo' verb: its subject,
    after it ('تعرضت دورية للجيش لهجوم', 'تعرض ناشط للضرب') or before it ('القوات الأمريكية تعرضت لهجوم');
    None when the noun is no undergone attack (salience rule `nominal-undergone`). `subject_before`:
    arguments._subject_before (passed in: arguments imports this module). An attempted assault stands at
    its attempt noun ('تعرض المحافظ لمحاولة اغتيال', 'نجا القائد من محاولة اغتيال': salience.attempt_head)."""
    how = undergone_at(sent, i, attempt_head(sent, i, t) if t is not None else i, key)
    if how is None:
        return None
    (i, reach, undergo), words = how, sent.words
    u = next((k for k in range(i - 1, max(-1, i - 1 - reach), -1) if not undergo.isdisjoint(words[k].keys)), None)
    if u is None:
        return None
    if u + 1 < i:
        f = np_at(sent, u + 1, triggers)
        if f is not None and f.last < i:
            return f
    before = subject_before(sent, u, triggers)
    return before[0] if before else None


def partitive(sent: Sentence, f: Filler, triggers: set[int]) -> Filler:
    """A count or group word and the people it counts are one participant: 'ثلاثة | من عناصر الجيش',
    'مجموعة | من المتمردين' -> 'ثلاثة من عناصر الجيش' (`partitive_heads`, numbers); f otherwise."""
    words, n = sent.words, len(sent.words)
    j = f.last + 1
    head = words[f.last]
    if j + 1 >= n or words[j].norm != "من" or words[j].punct.strip() or words[j + 1].punct.strip() or not (
            head.flags & NUMBER_BIT or not word_set("partitive_heads", ARGUMENT_WORDS).isdisjoint(head.keys)):
        return f
    g = np_at(sent, j + 1, triggers)
    if g is None:
        return f
    return Filler(f.start, g.end, sent.text[f.start:g.end], g.entity_id, f.first, g.last)

