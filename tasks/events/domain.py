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


@lru_cache(maxsize=300_000)
def _token_topic(tok: str) -> tuple[tuple[str, ...], str, bool] | None:
    """(domains, bare form, is a conflict trigger word) of a raw token, None when it is neither
    (most tokens): one cache hit per token."""
    norm = normalize(tok)
    if not norm:
        return None
    domains, is_conflict = _word_domains(norm), _conflict_word(norm)
    return (domains, clitic_keys(norm)[-1], is_conflict) if domains or is_conflict else None


def article_topic(text: str | None = None, tokens: set | None = None) -> str | None:
    """The non-conflict domain an article is about, or None (see module doc), from its text or
    from the set of its distinct tokens."""
    seen: dict[str, set] = {}
    conflict: set[str] = set()
    # `filter(None, map(...))` visits every token in C; the loop body runs for the few that count
    for domains, bare, is_conflict in filter(None, map(_token_topic, tokens if tokens is not None
                                                           else set(TOKEN.findall(text or "")))):
        for name in domains:
            seen.setdefault(name, set()).add(bare)
        if is_conflict:
            conflict.add(bare)
    if not seen:
        return None
    name, words = max(seen.items(), key=lambda kv: len(kv[1]))
    return name if len(words) >= data()["min_hits"] and len(words) > len(conflict) else None


DOMAIN, ABSTRACT, MOVE_SUBJECT, ATTACK_VERB, ATTACK_CUE = 1, 2, 4, 8, 16


@lru_cache(maxsize=300_000)
def _sense_bits(norm: str) -> int:
    """Which sense lists a word belongs to (clitic-aware), as bits: one cache hit per word."""
    d, keys = data(), clitic_keys(norm)
    bits = DOMAIN if _word_domains(norm) else 0
    for bit, name in ((ABSTRACT, "abstract_targets"), (MOVE_SUBJECT, "movement_figurative_subjects"),
                      (ATTACK_VERB, "verbal_attack_verbs"), (ATTACK_CUE, "verbal_attack_cues")):
        if any(k in d[name] for k in keys):
            bits |= bit
    return bits


def _figurative(w: Word, domains: bool) -> bool:
    return bool(_sense_bits(w.norm) & (DOMAIN | ABSTRACT if domains else ABSTRACT))


def figurative_move(sent: Sentence, i: int, etype: str) -> bool:
    """A movement verb whose subject is a market or a figure ('تراجعت السوق', 'انسحب الدولار')."""
    words = sent.words
    return (etype in data()["movement_types"] and i + 1 < len(words) and not words[i + 1].punct.strip()
            and bool(_sense_bits(words[i + 1].norm) & MOVE_SUBJECT))


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
    words = sent.words
    if not _sense_bits(words[i].norm) & ATTACK_VERB:
        return False
    return any(_sense_bits(words[k].norm) & ATTACK_CUE
               for k in range(i + 1, min(len(words), i + 1 + data()["verbal_window"])))
