"""Resources of the entity rules, loaded once: the gazetteer, the word-class lexicon and the closed
word sets.

All are data files under akhbar/resources/ (gazetteer.tsv, entity_lexicon.tsv, entities/words.tsv);
this module only normalises them for matching (akhbar.text.normalise.normalize) and indexes them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from pyarabic.number_const import NUMBER_WORDS

from akhbar.perf import Memo
from akhbar.text.normalise import clitic_keys, normalize
from akhbar.resources import read_tsv, read_word_sets
from akhbar.text.tokens import tokenize

WORDS = "entities/words.tsv"


def word_pairs(name: str) -> tuple[tuple[str, str], ...]:
    """(word, value) pairs of one closed word set of entities/words.tsv, as written."""
    return read_word_sets(WORDS)[name]


def word_map(name: str) -> dict[str, str]:
    """word (as written) -> value, of one closed word set."""
    return dict(word_pairs(name))


def word_set(name: str) -> frozenset[str]:
    """The normalised words of one closed word set."""
    return frozenset(normalize(w) for w, _ in word_pairs(name))


# Nisba endings derived from a NORP stem ending in ي (normalised: ة is ه).
NORP_SUFFIXES = ("", "ه", "ون", "ين", "ات", "ان", "تان", "تين")
# The indefinite accusative ('45 فلسطينيا', 'جنديا صوماليا'), derived unless it spells a place ('سوريا', 'ليبيا').
NORP_ACCUSATIVE = "ا"
# Regional stems whose accusative is mostly an adverb ('عربيا ودوليا': at Arab and world level).
NORP_ADVERBIAL = word_set("NORP_ADVERBIAL")
# Number words that are more often something else in news text ('أحد' one/someone, 'ست' six/lady).
AMBIGUOUS_NUMBER_WORDS = word_set("AMBIGUOUS_NUMBER")


@dataclass(frozen=True)
class GazEntry:
    type: str
    entity_id: str
    canonical_name: str
    kind: str = ""
    country_code: str = ""
    cue_only: bool = False
    capital: bool = False
    national: bool = False      # a nationality adjective after it completes another name ('الهلال الأحمر المصري')
    homograph: bool = False     # also a common noun: matched bare unless its context reads the noun (rules/homographs.py)


def name_tokens(name: str) -> tuple[str, ...]:
    return tuple(normalize(name[a:b]) for a, b in tokenize(name))


def abd_variants(toks: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The other spelling of 'عبد ال...' in a name: glued 'عبدالعزيز' <-> spaced 'عبد العزيز'."""
    spaced: list[str] = []
    for t in toks:
        spaced += ["عبد", t[3:]] if t.startswith("عبدال") and len(t) > 6 else [t]
    glued: list[str] = []
    for t in spaced:
        if glued and glued[-1] == "عبد" and t.startswith("ال"):
            glued[-1] += t
        else:
            glued.append(t)
    return [v for v in {tuple(spaced), tuple(glued)} if v != toks]


class Gazetteer:
    """Tuples of normalised tokens -> entries. `bare` serves free matching; `all` includes cue-only names."""

    def __init__(self, rows):
        self.bare: dict[tuple[str, ...], list[GazEntry]] = {}
        self.all: dict[tuple[str, ...], list[GazEntry]] = {}
        self.by_id: dict[str, GazEntry] = {}
        self.aliases: dict[str, list[str]] = {}
        self.first_tokens: dict[str, int] = {}     # first token of a name -> most tokens of a name it starts
        self._start_keys = Memo(self._find_start_keys)
        self._person_keys: dict[str, GazEntry] | None = None     # person_by_key, built on first use
        self._cue_firsts: dict[tuple, frozenset[str]] = {}
        for row in rows:
            names, typ, eid, *rest = row
            kind, cc, flags = (list(rest) + ["", "", ""])[:3]
            forms = [n.strip() for n in names.split("|") if n.strip()]
            entry = GazEntry(typ, eid, self.by_id[eid].canonical_name if eid in self.by_id else forms[0],
                             kind, cc, "cue" in flags, "capital" in flags, "national" in flags, "homograph" in flags)
            self.by_id.setdefault(eid, entry)
            self.aliases.setdefault(eid, []).extend(forms)
            for form in forms:
                toks = name_tokens(form)
                keys = [toks, *abd_variants(toks)]
                if len(toks) > 1:
                    keys.append(("".join(toks),))  # glued form: 'الولاياتالمتحدة'
                for key in keys:
                    self.first_tokens[key[0]] = max(self.first_tokens.get(key[0], 0), len(key))
                    self.all.setdefault(key, []).append(entry)
                    if not entry.cue_only:
                        self.bare.setdefault(key, []).append(entry)

    def _find_start_keys(self, token: str) -> tuple[str, ...] | None:
        """Clitic keys of a normalised token under which a name may start here, or None when no
        name starts with any of them (memoised in `_start_keys`: asked of every token of every article)."""
        keys = clitic_keys(token)
        if not any(k in self.first_tokens for k in keys):
            return None
        # a key that only drops the article is not the same name ('السورية' is not 'سورية')
        return tuple(k for k in keys if "ال" + k not in keys)

    def start_keys_of(self, tokens) -> list[tuple[str, ...] | None]:
        """The start keys of each token (`_find_start_keys`), looked up in one pass (C-level on tokens seen before)."""
        return list(map(self._start_keys.__getitem__, tokens))

    def lookup(self, tokens: tuple[str, ...], types: tuple[str, ...] = ("PERSON", "ORG", "LOC"),
                include_cue_only: bool = True) -> GazEntry | None:
        """Entry for an exact normalised name (with or without the article on its first word)."""
        index = self.all if include_cue_only else self.bare
        if not tokens:
            return None
        for key in clitic_keys(tokens[0]):
            for entry in index.get((key, *tokens[1:]), ()):
                if entry.type in types:
                    return entry
        for entry in index.get(("ال" + tokens[0], *tokens[1:]), ()):
            if entry.type in types:
                return entry
        return None

    def cue_firsts(self, kinds: tuple[str, ...], types: tuple[str, ...]) -> frozenset[str]:
        """First tokens of the cue-only names of these kinds and types (rules/homographs.py scans for them)."""
        key = (kinds, types)
        if key not in self._cue_firsts:
            self._cue_firsts[key] = frozenset(
                k[0] for k, entries in self.all.items()
                if any(e.cue_only and e.kind in kinds and e.type in types for e in entries))
        return self._cue_firsts[key]

    def person_by_key(self, key: str, key_of: Callable[[str], str]) -> GazEntry | None:
        """The gazetteer person whose name has this key under `key_of` (tasks.entities.names.person_key:
        'عبد الله' = 'عبدالله'); the table is built on first use, always with the same key function."""
        if self._person_keys is None:
            self._person_keys = {key_of(form): self.by_id[eid] for eid, forms in self.aliases.items()
                                 if self.by_id[eid].type == "PERSON" for form in forms}
        return self._person_keys.get(key)

    def country_of(self, cc: str) -> GazEntry | None:
        for entry in self.by_id.values():
            if entry.kind == "country" and entry.country_code == cc:
                return entry
        return None


@dataclass
class Lexicon:
    """normalised form -> {class: value}."""

    classes: dict[str, dict[str, str]] = field(default_factory=dict)
    maqsura_stops: set[str] = field(default_factory=set)
    norp_names: dict[str, str] = field(default_factory=dict)   # slug -> Arabic canonical form
    # raw token -> tasks.entities.rules.tokens.TokenFacts, set up and filled by the rules
    facts: Memo | None = field(default=None, repr=False, compare=False)

    def add(self, form: str, cls: str, value: str = "") -> None:
        self.classes.setdefault(normalize(form), {})[cls] = value

    def lookup(self, norm: str) -> tuple[str, dict[str, str]] | None:
        """(matched key, classes) for the most specific clitic key of a normalised token."""
        for key in clitic_keys(norm):
            cls = self.classes.get(key)
            if cls is not None:
                return key, cls
        return None


@lru_cache(maxsize=4)
def frequent_words(n: int | None) -> frozenset[str]:
    """The n most frequent normalised Arabic words (words_ar.txt: 40,000 wordfreq ranks; see tasks.segment)."""
    from akhbar.text.lexicon import lexicon
    return frozenset(lexicon().words_ranked[:n])


# Name files read into the one gazetteer, in this order (the first row of an entity gives its canonical name):
# the curated gazetteer, Gulf/Yemeni/Turkish key figures, news outlets and agencies, Gulf administrative regions, and the GeoNames
# places of the Gulf and large cities elsewhere that may be matched without a cue (generated by
# `python -m akhbar.geo`).
GAZETTEER_FILES = ("gazetteer.tsv", "entities/people.tsv", "entities/outlets.tsv", "entities/regions.tsv",
                   "entities/places_bare.tsv")


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    return Gazetteer([row for name in GAZETTEER_FILES for row in read_tsv(name)])


def is_place_name(norm: str) -> bool:
    """A normalised one-word name of the gazetteer or of the GeoNames index."""
    from akhbar.geo import default_index
    return (norm,) in default_gazetteer().all or norm in default_index().by_name


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    lex = Lexicon()
    for form, cls, *rest in read_tsv("entity_lexicon.tsv"):
        value = rest[0] if rest else ""
        if cls in ("NORP", "NORP_FORM"):
            lex.norp_names.setdefault(value, form)
        if cls == "NORP":
            stem = normalize(form)
            for suffix in NORP_SUFFIXES:
                lex.classes.setdefault(stem + suffix, {})["NORP"] = value
            if stem not in NORP_ADVERBIAL and not is_place_name(stem + NORP_ACCUSATIVE):
                lex.classes.setdefault(stem + NORP_ACCUSATIVE, {})["NORP"] = value
            continue
        lex.add(form, cls, value)
        if cls == "STOP" and form.endswith("ى"):
            # 'على' and 'علي' normalise alike; the written alef maqsura tells the preposition apart
            lex.maqsura_stops.add(normalize(form))
    for word in NUMBER_WORDS:
        norm = normalize(word)
        if norm not in AMBIGUOUS_NUMBER_WORDS:
            lex.classes.setdefault(norm, {})["NUMWORD"] = word
    return lex
