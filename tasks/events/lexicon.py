"""The event ontology (akhbar/resources/events/ontology.json) compiled into a trigger index.

Morphology is generated, not listed: each verb is given as [past 3ms, present 3ms] and
inflected here (person/number suffixes, present prefixes ي ت ن أ, future س); each noun gets
its plural/dual/accusative forms. At match time proclitics (و ف ب ل ك ال لل) are stripped
with `clitic_keys` and attached pronouns (ه ها هم ...) are peeled off, so 'لتحريرها',
'وسيغادر', 'قتلوهم', 'حملته' all reach their lemma. The same generator inflects the
speech/accusation/request verbs of akhbar/resources/events/cues.json.

`events_data` is the one loader of akhbar/resources/events/ (json parsed, tsv as rows).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from akhbar.text.normalise import clitic_keys, normalize
from akhbar.resources import read_tsv, resource_path

PRESENT_PREFIXES = ("ي", "ت", "ن", "ا")
PAST_SUFFIXES = ("", "ت", "وا", "و", "ا", "تا", "ن", "نا", "تم", "تما")
PRESENT_SUFFIXES = ("", "ون", "ان", "ين", "وا", "و", "ن")
PRONOUNS = ("هما", "هم", "هن", "ها", "ه", "نا", "كم")


@dataclass(frozen=True, slots=True)
class Context:
    """Conditions on the tokens around a trigger (normalised stems, matched clitic-aware)."""
    require_near: frozenset = frozenset()
    require_next: frozenset = frozenset()
    exclude_prev: frozenset = frozenset()
    exclude_next: frozenset = frozenset()
    exclude_forms: frozenset = frozenset()
    window: int = 3
    prev_window: int = 1
    next_window: int = 1


@dataclass(frozen=True, slots=True)
class Trigger:
    type: str
    mode: str | None
    pos: str            # "verb" | "noun"
    lemma: str
    future: bool        # the form carries the future prefix س
    context: Context
    passive: bool = False   # a passive form: the phrase after it is the patient ('اغتيل مسؤول')


def verb_forms(past: str, present: str) -> dict[str, bool]:
    """Normalised inflected forms of a verb -> whether the form is future (س + present)."""
    out: dict[str, bool] = {}
    p, pres = normalize(past), normalize(present)
    if p:
        for suf in PAST_SUFFIXES:
            out.setdefault(p + suf, False)
        if len(p) > 2 and p[-1] in "اي":            # defective: دعا -> دعت, دعوا
            for suf in ("ت", "وا", "و", "تا"):
                out.setdefault(p[:-1] + suf, False)
    if len(pres) > 1:
        stem = pres[1:]
        prefixes = PRESENT_PREFIXES if len(stem) > 2 else ("ي", "ت")   # 'نفر', 'افر' are other words
        for pre in prefixes:
            for suf in PRESENT_SUFFIXES:
                out.setdefault(pre + stem + suf, False)
                out.setdefault("س" + pre + stem + suf, True)
    return out


def passive_forms(past: str) -> list[str]:
    """Past passive of a hollow derived verb, the one passive that is spelled differently
    ('اغتال' -> 'اغتيل', 'أطاح' -> 'أطيح', 'استعاد' -> 'استعيدت'); other passives look like the active."""
    p = normalize(past)
    if len(p) < 4 or p[-2] != "ا":
        return []
    base = p[:-2] + "ي" + p[-1]
    return [base, base + "ت", base + "وا"]


def noun_forms(noun: str) -> list[str]:
    n = normalize(noun)
    if n.endswith("ه"):                              # teh marbuta: غارة -> غارات, غارتين
        return [n, n[:-1] + "ات", n[:-1] + "تان", n[:-1] + "تين"]
    return [n, n + "ا", n + "ان", n + "ين", n + "ات"]


def _norm_set(values) -> frozenset:
    """Normalised cue stems; '@PERSON'-style entity-type cues are kept as written."""
    return frozenset(v if v.startswith("@") else normalize(v) for v in values or ())


@lru_cache(maxsize=None)
def events_data(name: str):
    """A data file of akhbar/resources/events/: a .json file parsed, a .tsv file as rows
    (akhbar.resources.read_tsv: blank lines and '#' comments skipped)."""
    if name.endswith(".tsv"):
        return read_tsv("events/" + name)
    return json.loads(resource_path("events/" + name).read_text(encoding="utf-8"))


def ontology() -> dict:
    return events_data("ontology.json")


@lru_cache(maxsize=1)
def trigger_index() -> dict[str, tuple[Trigger, ...]]:
    """Normalised surface form -> candidate triggers, in ontology order (first whose context holds wins)."""
    index: dict[str, list[Trigger]] = {}
    types = ontology()["types"]
    for entry in ontology()["triggers"]:
        if entry["type"] not in types:
            raise ValueError(f"events/ontology.json: trigger entry of unknown type {entry['type']!r}")
        ctx = Context(_norm_set(entry.get("require_near")), _norm_set(entry.get("require_next")),
                      _norm_set(entry.get("exclude_prev")), _norm_set(entry.get("exclude_next")),
                      _norm_set(entry.get("exclude_forms")), int(entry.get("window", 3)),
                      int(entry.get("prev_window", 1)), int(entry.get("next_window", 1)))
        for past, present in entry.get("verbs", []):
            for form, fut in verb_forms(past, present).items():
                index.setdefault(form, []).append(Trigger(entry["type"], entry.get("mode"), "verb",
                                                          normalize(past or present), fut, ctx))
            for form in passive_forms(past):
                index.setdefault(form, []).append(Trigger(entry["type"], entry.get("mode"), "verb",
                                                          normalize(past), False, ctx, passive=True))
        for noun in entry.get("nouns", []) + entry.get("extra_forms", []):
            for form in noun_forms(noun):
                index.setdefault(form, []).append(Trigger(entry["type"], entry.get("mode"), "noun",
                                                          normalize(noun), False, ctx))
    return {k: tuple(v) for k, v in index.items()}


@lru_cache(maxsize=200_000)
def lookup_keys(norm_token: str) -> tuple[str, ...]:
    """Matching keys of a normalised token: clitic-stripped forms, then the same without an attached pronoun."""
    keys = list(clitic_keys(norm_token))
    for k in list(keys):
        for pron in PRONOUNS:
            if k.endswith(pron) and len(k) - len(pron) >= 2:
                base = k[: -len(pron)]
                keys.append(base)
                if base.endswith("ت"):               # حملته -> حملت -> حملة
                    keys.append(base[:-1] + "ه")
                break
    return tuple(dict.fromkeys(keys))


def lookup(norm_token: str, index: dict[str, tuple[Trigger, ...]] | None = None) -> tuple[str, tuple[Trigger, ...]] | None:
    """(matched key, candidate triggers) for a token, or None."""
    index = trigger_index() if index is None else index
    for key in lookup_keys(norm_token):
        hit = index.get(key)
        if hit:
            return key, hit
    return None


@lru_cache(maxsize=8)
def verb_set(cue_name: str) -> frozenset:
    """All inflected forms of the [past, present] verb pairs listed under `cue_name` in events/cues.json."""
    forms: set[str] = set()
    for past, present in cues()[cue_name]:
        forms.update(verb_forms(past, present))
    return frozenset(forms)


def cues() -> dict:
    return events_data("cues.json")


ARGUMENT_WORDS = "argument_words.json"        # the word lists of event arguments (victims, projectiles, protests)


@lru_cache(maxsize=64)
def word_set(name: str, source: str = "words.json") -> frozenset:
    """A word list of akhbar/resources/events/words.json (function words, closed classes), or of
    another JSON file of word lists there (`ARGUMENT_WORDS`), normalised."""
    return frozenset(normalize(w) for w in events_data(source)[name])


def word_map(name: str) -> dict:
    """A word -> value table of akhbar/resources/events/words.json ('الخميس' -> 3)."""
    return dict(events_data("words.json")[name])


@lru_cache(maxsize=16)
def word_verbs(name: str) -> frozenset:
    """Every inflected form of the [past, present] verbs listed under `name` in words.json."""
    return frozenset(f for past, present in events_data("words.json")[name] for f in verb_forms(past, present))


@lru_cache(maxsize=64)
def cue_set(cue_name: str) -> frozenset:
    """Single-token cues of a list in events/cues.json, normalised."""
    return frozenset(normalize(c) for c in cues()[cue_name] if " " not in c)


@lru_cache(maxsize=64)
def cue_phrases(cue_name: str) -> tuple[tuple[str, ...], ...]:
    """Multi-token cues of a list in events/cues.json, as tuples of normalised tokens."""
    return tuple(tuple(normalize(w) for w in c.split()) for c in cues()[cue_name] if " " in c)
