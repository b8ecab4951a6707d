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

from functools import lru_cache

from akhbar.text.normalise import normalize
from tasks.events.fillers import np_at
from tasks.events.lexicon import events_data
from tasks.events.words import NUMBER_BIT, Filler, Sentence

REACH = 24                # words between the trigger and its result verb
RESULT_PREPS = frozenset({"الي", "عن", "في"})
PARTITIVE_PRONOUNS = frozenset({"منهم", "منهما", "منهن", "منها"})


@lru_cache(maxsize=1)
def _lists() -> tuple[frozenset, frozenset]:
    data = events_data("argument_words.json")
    return (frozenset(normalize(w) for w in data["victim_result_verbs"]),
            frozenset(normalize(w) for w in data["harm_nouns"]))


def _result_victims_at(sent: Sentence) -> list[tuple[int, Filler]]:
    """(result verb index, victims phrase) of every result clause of the sentence (once per sentence)."""
    found = sent.memo.get("result_victims")
    if found is not None:
        return found
    verbs, harms = _lists()
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
            found.append((k, f))              # 'مقتل عدد منهم': a part of people named before, nobody new
    sent.memo["result_victims"] = found
    return found


def result_victims(sent: Sentence, i: int) -> list[Filler]:
    """The victims named by the first result clause after the ASSAULT trigger at word i, within REACH
    words and its sentence ('... مما أدى إلى مقتل ثلاثة جنود' -> 'ثلاثة جنود'); [] when there is none."""
    for k, f in _result_victims_at(sent):
        if k > i:
            return [f] if k - i <= REACH else []
    return []
