"""Sense and domain of conflict triggers (docs/events.md, "Sense and domain").

Word lists: akhbar/resources/events/domains.json.
- `article_topic`: an article about sport, markets, health or culture (at least `min_hits`
  distinct words of that domain, more than its distinct conflict trigger words) produces no
  conflict-type events ('انتقل الهداف إلى القادسية' is no ESCAPE, 'يخسر وديته' no CONTROL_CHANGE);
- `sense_blocked`: a conflict trigger whose neighbour word (subject or object position) is a
  domain word or an abstract noun is a figurative sense ('تراجعت السوق', 'تفجر الخلاف', 'تلقى
  ضربة من أزمة الرهن');
- `verbal_attack`: 'هاجم ... قائلا/بشدة/تصريحات' is an ACCUSE, not an ASSAULT.
"""

from __future__ import annotations

from functools import lru_cache

from akhbar.text.normalise import clitic_keys, normalize
from akhbar.text.tokens import TOKEN
from tasks.events.lexicon import events_data, lookup_keys, trigger_index
from tasks.events.words import Sentence, Word


@lru_cache(maxsize=1)
def data() -> dict:
    raw = events_data("domains.json")
    out = dict(raw)
    out["domains"] = {name: frozenset(normalize(w) for w in words) for name, words in raw["domains"].items()}
    for name in ("verbal_attack_verbs", "verbal_attack_cues", "abstract_targets", "movement_figurative_subjects",
                 "movement_types"):
        out[name] = frozenset(normalize(w) for w in raw[name])
    out["conflict_types"] = frozenset(raw["conflict_types"])
    return out


def conflict_types() -> frozenset:
    return data()["conflict_types"]


@lru_cache(maxsize=300_000)
def _word_domains(norm: str) -> tuple[str, ...]:
    keys = clitic_keys(norm)
    return tuple(name for name, words in data()["domains"].items() if any(k in words for k in keys))


@lru_cache(maxsize=300_000)
def _conflict_word(norm: str) -> bool:
    index, conflict = trigger_index(), conflict_types()
    return any(any(t.type in conflict for t in index.get(k, ())) for k in lookup_keys(norm))


def article_topic(text: str) -> str | None:
    """The non-conflict domain an article is about, or None (see module doc)."""
    seen: dict[str, set] = {}
    conflict: set[str] = set()
    for tok in TOKEN.findall(text):
        norm = normalize(tok)
        if not norm:
            continue
        for name in _word_domains(norm):
            seen.setdefault(name, set()).add(clitic_keys(norm)[-1])
        if _conflict_word(norm):
            conflict.add(norm)
    if not seen:
        return None
    name, words = max(seen.items(), key=lambda kv: len(kv[1]))
    return name if len(words) >= data()["min_hits"] and len(words) > len(conflict) else None


def _figurative(w: Word, domains: bool) -> bool:
    return domains and bool(_word_domains(w.norm)) or any(k in data()["abstract_targets"] for k in w.keys)


def figurative_move(sent: Sentence, i: int, etype: str) -> bool:
    """A movement verb whose subject is a market or a figure ('تراجعت السوق', 'انسحب الدولار')."""
    d = data()
    words = sent.words
    return (etype in d["movement_types"] and i + 1 < len(words) and not words[i + 1].punct.strip()
            and any(k in d["movement_figurative_subjects"] for k in words[i + 1].keys))


def sense_blocked(sent: Sentence, i: int, verb: bool = True) -> bool:
    """A conflict trigger whose next word (or previous definite word) is an abstract noun, or for a
    verb a domain word, with no punctuation between: a figurative sense. A verbal noun's
    genitive may be a place of that domain ('تفجير السوق' is a bombing)."""
    words = sent.words
    if i + 1 < len(words) and not words[i + 1].punct.strip() and _figurative(words[i + 1], verb):
        return True
    return (i > 0 and not words[i].punct.strip() and words[i - 1].norm[:2] == "ال"
            and _figurative(words[i - 1], verb))


def verbal_attack(sent: Sentence, i: int) -> bool:
    """'هاجم X ... قائلا', 'شن هجوما حادا على', 'هجوم لاذع': an attack in words."""
    d = data()
    words = sent.words
    if not any(k in d["verbal_attack_verbs"] for k in words[i].keys):
        return False
    return any(any(k in d["verbal_attack_cues"] for k in words[k].keys)
               for k in range(i + 1, min(len(words), i + 1 + d["verbal_window"])))
