"""Token facts and mentions shared by the rule groups (tasks/entities/rules/).

Arabic has no capitals: a name is delimited by word classes (entity_lexicon.tsv: stop words,
titles, cue words ...) and by definiteness: inside one noun phrase, once a word carries the
article ال every following word does too ('جهاز مكافحة الإرهاب', 'خلية الإعلام الحربي' but not
'... الحربي مقتل'). Normalised forms are for matching only; spans index the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, NamedTuple

from akhbar.text.normalise import ARABIC_LETTER, normalize
from tasks.entities.lexicon import Lexicon, is_place_name, word_set

OPEN_QUOTES = frozenset('«"“(\'‘[')
CLOSE_QUOTES = frozenset('»"”)\'’]')
COMMAS = frozenset(",،")
DIGITS = re.compile(r"^\d+(?:[.,٫٬]\d+)?%?$")
DATE_NUMERIC = re.compile(r"^\d{1,4}/\d{1,2}/\d{1,4}$")
CLOCK = re.compile(r"^\d{1,2}:\d{2}$")
YEAR = re.compile(r"^(1[89]|20)\d\d$")
DATE_CLASSES = ("MONTH", "MONTH_PREFIX", "WEEKDAY", "DATE_REL", "DATE_UNIT", "DATE_MOD", "YEAR_WORD")
# Classes one of which a date expression (date_at/month_at) or a quantity (quantity_at) needs on its
# first token unless that token is digits: cheap rejects for the token-by-token scans.
DATE_START = frozenset(("DAYPART", "WEEKDAY", "DATE_REL", "ORDINAL", "DATE_UNIT", "YEAR_WORD", "MONTH",
                        "MONTH_PREFIX"))
QUANTITY_START = frozenset(("NUMWORD", "VAGUE_NUM"))
# Word classes that can never be part of a name.
NOT_NAME = frozenset(("STOP", "NOUN", "TITLE", "ROLEWORD", "LOC_CUE", "ORG_HEAD", "ANAPHOR", "NORP", "NORP_FORM",
                      "DIRECTION", "SPEECH", "NUMWORD", "VAGUE_NUM", "SCALE", "UNIT", "GOV_CUE", "LOCATIVE",
                      "DAYPART", "ORG_DEF", *DATE_CLASSES))
NOT_IN_ORG = NOT_NAME - {"ROLEWORD", "LOC_CUE", "NOUN"}   # end an organisation name after its head
NOT_IN_PLACE = NOT_NAME - {"LOC_CUE"}                      # end a place name
NOT_COUNTED = NOT_NAME - {"LOC_CUE", "NOUN"}               # cannot be the noun counted after a number
# Tokens (and names) repeat a lot (Zipf): normalise each distinct one once.
norm_token = lru_cache(maxsize=300_000)(normalize)
# Closed word sets (akhbar/resources/entities/words.tsv), normalised.
APPROX = word_set("APPROX")                        # 'نحو 300'
MASDAR_PREPS = word_set("MASDAR_PREP")             # 'للإفراج عن' is a purpose, not a complement
COMPASS = word_set("COMPASS")
# 'ل' + a masdar whose object (a place or people) completes a movement's name: 'لتحرير السودان'
LIBERATION = word_set("LIBERATION")
# Administrative cues whose name may begin with a compass word ('ولاية جنوب دارفور'); not 'منطقة شمال سوريا'.
REGION_CUES = word_set("REGION_CUE")
PARTITIVE = word_set("PARTITIVE")                  # 'من' after a number, in 'أول من أمس'
DEMONSTRATIVES = word_set("DEMONSTRATIVE")         # 'هذا الشهر'
CONJUNCTION = word_set("CONJUNCTION")              # 'و' written apart: '22 و 23 مارس'
ROLE_PREPS = word_set("ROLE_PREP")                 # 'القيادي في حركة', 'مسؤول لدى'
ORG_CONTEXT_PREPS = word_set("ORG_CONTEXT_PREP")   # 'القيادي في حركة النهضة'
ROLE_IN = word_set("ROLE_IN")                      # 'المنسق الأممي ... في اليمن'
ALLAH = word_set("ALLAH")                          # 'عبد الله', 'نصر الله' (the lexicon reads له)


class TokenFacts(NamedTuple):
    """What the rules ask of one token. All of it follows from the written token alone, so it is
    computed once per distinct token (`token_facts`, memoised in Lexicon.facts), not per position."""
    norm: str
    lexkey: str | None          # the lexicon key the token matched (Lexicon.lookup)
    cls: dict[str, str]         # its word classes
    kinds: frozenset[str]       # the classes `has` answers yes for
    bits: int                   # the same as a bit mask (class_bits), for scans over all tokens
    word: bool                  # has an Arabic letter
    base: str                   # normalised, without و/ف and without a preposition before ال
    definite: bool              # base starts with ال
    prep: bool                  # a preposition before ال, or fused لل (after an optional و/ف)
    conj: bool                  # starts with the conjunction و
    name_ok: bool               # may be part of a name (ArticleRules.nameable, if not taken)
    date_ok: bool               # may start a date/time (date_at)
    quantity_ok: bool           # may start a quantity (quantity_at)


CLASS_BITS: dict[str, int] = {}   # word class -> its bit, assigned as classes are met


def class_bits(classes: Iterable[str]) -> int:
    bits = 0
    for c in classes:
        bits |= CLASS_BITS.setdefault(c, 1 << len(CLASS_BITS))
    return bits


def whole_name(norm: str) -> bool:
    """A word that begins with و/ف and is a known one-word name (gazetteer, GeoNames) while the word
    without that letter is not: 'فلوريدا', 'فرنسا', 'وهران' keep their first letter ('والموصل' does not)."""
    return is_place_name(norm) and not is_place_name(norm[1:])


def token_facts(raw: str, lex: Lexicon) -> TokenFacts:
    """The facts of one written token; each field as the ArticleRules predicate of that name decides it."""
    norm = norm_token(raw)
    found = lex.lookup(norm)
    lexkey, cls = found if found else (None, {})
    kinds = frozenset(cls)
    if "STOP" in kinds and lexkey in lex.maqsura_stops and raw.endswith("ي"):
        # 'علي' (a name) and 'على' (on) normalise alike: trust the written alef maqsura
        kinds -= {"STOP"}
    n = norm
    if len(n) > 3 and n[0] in "وف":
        n = n[1:]
    prep = n.startswith("لل") or (len(n) > 4 and n[0] in "بلك" and n[1:3] == "ال")
    # ... or before a cue word or head: 'مديرية مودية بمحافظة أبين' ends at بمحافظة
    prep = prep or (n[:1] in "بلك" and n[1:] == lexkey and not kinds.isdisjoint(("LOC_CUE", "ORG_HEAD")))
    n = norm
    if len(n) > 3 and n[0] in "وف" and "NAMEWORD" not in kinds and not whole_name(norm):
        n = n[1:]
    if n.startswith("لل") and len(n) > 3:
        base = "ال" + n[2:]
    elif len(n) > 4 and n[0] in "بلك" and n[1:3] == "ال":
        base = n[1:]
    else:
        base = n
    word = bool(ARABIC_LETTER.search(raw))
    name_ok = word and not prep and (("FIRSTNAME" in kinds and "STOP" not in kinds) or kinds.isdisjoint(NOT_NAME))
    # date_at / quantity_at need one of these classes at their first token, or digits (perhaps after و/ف)
    date_ok = not DATE_START.isdisjoint(kinds) or norm[:1].isdigit() or norm in DEMONSTRATIVES
    quantity_ok = not QUANTITY_START.isdisjoint(kinds) or norm[:1].isdigit() or norm[1:2].isdigit()
    return TokenFacts(norm, lexkey, cls, kinds, class_bits(kinds), word, base, base.startswith("ال"), prep,
                      norm[:1] == "و" and len(norm) > 3 and "NAMEWORD" not in kinds, name_ok, date_ok, quantity_ok)


@dataclass(eq=False)
class Mention:
    i: int                 # first token
    j: int                 # one past the last token
    start: int
    end: int
    type: str
    entity_id: str
    canonical_name: str
    confidence: float
    method: str
    role: str | None = None
    kind: str = ""         # ORG kind (armed_group, media ...), LOC kind (country, capital ...)
    country_code: str = ""
    capital: bool = False
    geo: bool = True       # False: never geocode (streets, neighbourhoods)
    dead: bool = False
    place: object = None   # akhbar.geo.Place once geocoded


def org_kind_of(value: str) -> tuple[str, str]:
    strength, _, kind = value.partition(":")
    return strength, kind

@lru_cache(maxsize=100_000)
def word_offset(raw: str, norm: str, key: str) -> int:
    """ArticleRules.token_start within the token: raw, its normal form norm, and the key it matched as."""
    if norm.endswith(key):
        p = len(norm) - len(key)
        strip = norm[:p]
        if strip.endswith("ال"):              # the key is the stem without its article: keep ال
            p -= 2
        elif strip.endswith("لل"):
            p -= 1
    elif key.startswith("ال") and norm.endswith(key[1:]):
        p = len(norm) - len(key) + 1      # fused لل: keep the article's ل
    else:
        p = 0
    return original_offset(raw, max(p, 0))


def original_offset(surface: str, norm_chars: int) -> int:
    """Offset in `surface` after which `norm_chars` normalised characters have been consumed."""
    if norm_chars <= 0:
        return 0
    consumed = 0
    for idx, ch in enumerate(surface):
        consumed += len(norm_token(ch))
        if consumed >= norm_chars:
            return idx + 1
    return len(surface)
