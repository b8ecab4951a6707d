"""The rule backend: typed mentions of one article from its token stream.

Passes, in order (each only claims tokens no earlier pass took):
  1. gazetteer    longest match of known names, one pass over the tokens
  2. org heads    'وزارة الدفاع', 'تنظيم «داعش»', 'قوات الرد السريع' (head + name words)
  3. place cues   'مدينة X', 'قريتي X وY', 'ناحية البغدادي' (a cue overrides a person reading)
  4. dates/times, quantities
  5. persons      title + name, name + ', role', speech verb + name
  6. NORP         nationality / sect / ethnic adjectives and nouns
Article-level linking (surnames, anaphora, capitals standing for their government, geocoding)
is in tasks/entity_link.py.

Arabic has no capitals: a name is delimited by word classes (entity_lexicon.tsv: stop words,
titles, cue words ...) and by definiteness: inside one noun phrase, once a word carries the
article ال every following word does too ('جهاز مكافحة الإرهاب', 'خلية الإعلام الحربي' but not
'... الحربي مقتل'). Normalised forms are for matching only; spans index the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache, partial
from itertools import compress
from typing import Iterable, Iterator, NamedTuple

from akhbar.text.normalise import ARABIC_LETTER, normalize
from akhbar.ids import stable_id
from tasks.entity_lexicon import Gazetteer, GazEntry, Lexicon, Memo, frequent_words
from akhbar.text.tokens import tokenize

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
APPROX = frozenset(normalize(w) for w in ("نحو", "حوالي", "قرابة", "زهاء", "قرابه"))
# Administrative cues whose name may begin with a compass word ('ولاية جنوب دارفور'); not 'منطقة شمال سوريا'.
MASDAR_PREPS = frozenset(normalize(w) for w in ("عن", "على", "من", "إلى", "الى"))
COMPASS = frozenset(normalize(w) for w in ("شمال", "جنوب", "شرق", "غرب"))
# 'ل' + a masdar whose object (a place or people) completes a movement's name: 'لتحرير السودان'
LIBERATION = frozenset(normalize(w) for w in ("لتحرير", "لإنقاذ", "لتحرر"))
REGION_CUES = frozenset(normalize(w) for w in ("ولاية", "محافظة", "إقليم", "مقاطعة"))


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


MEMO_MAX = 300_000      # distinct tokens remembered per lexicon before the memo starts over
CLASS_BITS: dict[str, int] = {}   # word class -> its bit, assigned as classes are met


def class_bits(classes: Iterable[str]) -> int:
    bits = 0
    for c in classes:
        bits |= CLASS_BITS.setdefault(c, 1 << len(CLASS_BITS))
    return bits


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
    if len(n) > 3 and n[0] in "وف" and "NAMEWORD" not in kinds:
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
    date_ok = not DATE_START.isdisjoint(kinds) or norm[:1].isdigit() or norm in ("هذا", "هذه")
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


class ArticleRules:
    """Token stream of one article plus the mentions found so far."""

    def __init__(self, text: str, sentences: list[tuple[int, int, int]], gaz: Gazetteer, lex: Lexicon,
                 splits: list[int] | None = None):
        # splits: offsets where segment repaired a glued word ('الولاياتالمتحدة'), so the
        # token stream sees two words while offsets stay true to the stored text.
        self.text, self.gaz, self.lex = text, gaz, lex
        spans: list[tuple[int, int]] = []
        self.sent: list[int] = []                 # per token: its sentence_idx
        self.sent_range: list[tuple[int, int]] = []   # per token: the token range of its sentence
        self.bounds: list[tuple[int, int]] = []   # token range of each sentence
        self.sent_ids: list[int] = []
        for s_idx, s, e in sentences:
            first = len(spans)
            spans += tokenize(text, s, e, splits)
            n = len(spans) - first
            self.sent += [s_idx] * n
            self.sent_range += [(first, len(spans))] * n
            self.bounds.append((first, len(spans)))
            self.sent_ids.append(s_idx)
        self.starts: list[int] = [a for a, _ in spans]
        self.ends: list[int] = [b for _, b in spans]
        self.raw = [text[a:b] for a, b in spans]
        if lex.facts is None or len(lex.facts) > MEMO_MAX:
            lex.facts = Memo(partial(token_facts, lex=lex))
        facts = list(map(lex.facts.__getitem__, self.raw))
        # one tuple per field, indexed by token: self.norm[i], self.kinds[i], self.bases[i] ...
        (self.norm, self.lexkey, self.cls, self.kinds, self.bits, self.words, self.bases, self.definites, self.preps,
         self.conjs, self.name_ok, self.date_ok, self.quantity_ok) = (
            zip(*facts) if facts else [()] * len(TokenFacts._fields))
        self.taken: list[Mention | None] = [None] * len(self.raw)
        self.mentions: list[Mention] = []

    # --- token predicates (see token_facts) --------------------------------------------
    def is_word(self, i: int) -> bool:
        return self.words[i]

    def has(self, i: int, c: str) -> bool:
        return c in self.kinds[i]

    def has_any(self, i: int, classes: Iterable[str]) -> bool:
        return not self.kinds[i].isdisjoint(classes)

    def base(self, i: int) -> str:
        """Normalised token without و/ف and without a preposition before ال."""
        return self.bases[i]

    def definite(self, i: int) -> bool:
        return self.definites[i]

    def prep_prefixed(self, i: int) -> bool:
        return self.preps[i]

    def conj_prefixed(self, i: int) -> bool:
        return self.conjs[i]

    def nameable(self, i: int) -> bool:
        return self.taken[i] is None and self.name_ok[i]

    def head_form(self, i: int) -> bool:
        """Cue words and organisation heads work in the construct state: without an article of their own
        ('مدينة الرقة', not 'المدينة'), unless the lexicon lists the definite form itself (العاصمة, المرصد)."""
        return not self.definite(i) or self.lexkey[i].startswith("ال")

    # --- spans ------------------------------------------------------------------------
    def token_start(self, i: int, key: str | None = None) -> int:
        """Offset where the word proper begins: after و/ف and a preposition, keeping ال (one ل of لل)."""
        return self.starts[i] + word_offset(self.raw[i], self.norm[i], self.base(i) if key is None else key)

    def add(self, i: int, j: int, typ: str, entity_id: str, canonical: str, confidence: float, method: str,
            start: int | None = None, end: int | None = None, **kw) -> Mention:
        m = Mention(i, j, self.token_start(i) if start is None else start, self.ends[j - 1] if end is None else end,
                    typ, entity_id, canonical, confidence, method, **kw)
        self.mentions.append(m)
        for k in range(i, j):
            self.taken[k] = m
        return m

    def drop(self, m: Mention) -> None:
        m.dead = True
        for k in range(m.i, m.j):
            if self.taken[k] is m:
                self.taken[k] = None

    def surface(self, m: Mention) -> str:
        return self.text[m.start:m.end]

    def names_of(self, i: int, j: int) -> tuple[str, ...]:
        return (self.bases[i], *self.norm[i + 1:j])

    def candidates(self, flags: Iterable) -> Iterator[tuple[int, int, int]]:
        """(token, start and end of its sentence) for the tokens whose flag (one per token) is true, in
        text order: the passes below skip the tokens that cannot start what they look for without a
        Python step each."""
        sent_range = self.sent_range
        for i in compress(range(len(self.raw)), flags):
            yield i, *sent_range[i]

    def having(self, *classes: str) -> Iterator[tuple[int, int, int]]:
        """candidates(): the tokens in one of these word classes."""
        return self.candidates(map(class_bits(classes).__and__, self.bits))

    # --- 1. gazetteer -------------------------------------------------------------------
    def gazetteer_pass(self) -> None:
        start_keys = self.gaz.start_keys_of(self.norm)
        after = 0                                # first token after the last match
        for i, _, s1 in self.candidates(start_keys):
            if i < after:
                continue
            hit = self.gaz_match(i, s1, start_keys[i])
            if hit:
                n, key, entry = hit
                eid, canon = entry.entity_id, entry.canonical_name
                if entry.kind == "media" and i + n < s1 and self.norm[i + n].startswith("لل"):
                    n = self.org_complement(i + n, s1) - i      # 'وكالة تسنيم للأنباء'
                elif entry.national and i + n < s1 and self.definite(i + n) and self.has(i + n, "NORP"):
                    # 'الهلال الأحمر المصري' is the Egyptian society, not the generic name plus an adjective
                    n += 1
                    canon = f"{canon} {self.raw[i + n - 1]}"
                    eid = stable_id("org", normalize(canon))
                if (n == 1 and entry.type == "LOC" and "NORP" in self.kinds[i] and self.definites[i]
                        and i > self.sent_range[i][0]
                        and self.definites[i - 1] and not self.preps[i - 1] and self.taken[i - 1] is None
                        and self.words[i - 1]):
                    after = i + 1       # 'السلطات السعودية': the adjective, not the country (norp_pass)
                    continue
                self.add(i, i + n, entry.type, eid, canon, 0.9, "gazetteer",
                         start=self.token_start(i, key), kind=entry.kind, country_code=entry.country_code,
                         capital=entry.capital)
                after = i + n

    def gaz_match(self, i: int, s1: int, keys: tuple[str, ...]) -> tuple[int, str, GazEntry] | None:
        """Longest name at token i under one of its start keys (Gazetteer.start_keys)."""
        index, longest = self.gaz.bare, self.gaz.first_tokens
        for n in range(min(max([longest.get(k, 0) for k in keys]), s1 - i), 0, -1):
            rest = tuple(self.norm[i + 1:i + n])
            for key in keys:
                entries = index.get((key, *rest))
                if entries:
                    return n, key, entries[0]
        return None

    # --- 2. organisation heads ------------------------------------------------------------
    def org_pass(self) -> None:
        nested = []
        for i, s0, s1 in self.having("ORG_HEAD", "ORG_DEF"):
            if self.taken[i] is not None:
                continue
            if self.has(i, "ORG_DEF"):
                if i + 1 < s1 and self.definites[i + 1]:     # cheap reject: most are bare ('المجلس')
                    self.org_at(i, s0, s1, definite_head=True)
            elif self.head_form(i):
                self.org_at(i, s0, s1)
                if (self.taken[i] is None and i + 1 < s1 and self.has(i + 1, "ORG_HEAD")
                        and self.cls[i]["ORG_HEAD"].startswith("bound")):
                    nested.append((i, s0, s1))
        for i, s0, s1 in nested:
            # a head before a name found by its own head: 'جماعة جيش محمد' (org_at takes the inner name)
            m = self.taken[i + 1]
            if (self.taken[i] is None and m is not None and m.type == "ORG" and m.i == i + 1
                    and m.method == "org_head" and m.kind == "armed_group"):
                self.org_at(i, s0, s1)

    def org_context(self, i: int, s0: int) -> bool:
        """A bound head (حركة, جماعة, لواء) names a group here: after a speech verb or a title/role
        ('ونفت حركة أمل', 'القيادي في حركة النهضة', 'قائد لواء الجبل')."""
        p = i - 1
        if p < s0 or self.taken[p] is not None:
            return False
        if self.has_any(p, ("SPEECH", "TITLE", "ROLEWORD")):
            return True
        return self.base(p) in ("في", "من") and p - 1 >= s0 and self.has(p - 1, "TITLE")

    def bound_name(self, i: int, j: int, k: int, s0: int, s1: int) -> bool:
        """Whether the unknown words j..k after a bound head at i name a group: in an organisation
        context (org_context), a definite name ('حركة النهضة'), or an uncommon word ('حركة طالبان'),
        or one word after a speech verb before a boundary ('ونفت حركة أمل في بيان'); not an adjective
        ('تنظيم سري'), a common noun ('تنظيم عمليات') or a word with a clitic ('تنظيم لطرد')."""
        if k - j > 3 or self.has(j, "NOUN") or self.conj_prefixed(j) or self.norm[j][:1] in "لب":
            return False
        if not self.org_context(i, s0):
            return False
        if self.definite(j):
            return True
        if self.base(j).endswith(("ي", "ه")):
            return False
        if self.norm[j] not in frequent_words():
            return True
        return (k == j + 1 and self.has(i - 1, "SPEECH")
                and (k >= s1 or not self.is_word(k) or self.has(k, "STOP")))

    def org_complement(self, k: int, s1: int) -> int:
        """End of a 'لل' complement that belongs to a body's name at k ('للإعلام', 'للانتخابات',
        'للأنباء'), or k. Not a plural of persons ('للصحفيين' is an addressee) nor a purpose masdar
        with its preposition ('للإفراج عن', 'للسيطرة على')."""
        if k >= s1 or self.taken[k] is not None or not self.is_word(k) or self.has_any(k, NOT_IN_ORG):
            return k
        norm = self.norm[k]
        if norm in LIBERATION and k + 1 < s1:
            t = self.taken[k + 1]
            if t is not None and t.type == "LOC" and t.i == k + 1:
                return t.j              # 'الجبهة الشعبية لتحرير فلسطين'
            if t is None and self.nameable(k + 1) and not self.conjs[k + 1]:
                return k + 2            # 'الجبهة الشعبية لتحرير تيغراي'
            return k
        if not norm.startswith("لل") or len(norm) <= 4 or norm.endswith(("ين", "ون")):
            return k
        if k + 1 < s1 and self.base(k + 1) in MASDAR_PREPS:
            return k
        return k + 1

    def agency_name(self, j: int, s1: int) -> int | None:
        """End of a news agency name whose words may be places or adjectives, closed by a 'لل' complement:
        'وكالة المغرب العربي للأنباء', 'وكالة الإمارات للأنباء'; None when no complement closes it
        within three words."""
        k = j
        while k < s1 and k - j < 3:
            t = self.taken[k]
            if t is not None:
                if t.type not in ("LOC", "NORP") or t.i != k:
                    return None
                k = t.j
                continue
            if not self.is_word(k) or self.preps[k] or self.conjs[k] or self.has_any(k, NOT_IN_ORG - {"NORP"}):
                break
            k += 1
        if k == j or k - j > 3:
            return None
        end = self.org_complement(k, s1)
        return end if end > k else None

    def org_at(self, i: int, s0: int, s1: int, definite_head: bool = False) -> None:
        strength, kind = org_kind_of(self.cls[i]["ORG_DEF" if definite_head else "ORG_HEAD"])
        head_start = self.token_start(i, self.lexkey[i])
        j, quoted = i + 1, False
        if j < s1 and self.raw[j] in OPEN_QUOTES:
            j, quoted = j + 1, True
        m = self.taken[j] if j < s1 else None
        if m is not None and m.type == "ORG" and m.i == j:
            if strength == "weak":
                return                          # 'قوات التحالف الدولي' is the coalition
            end, last = m.end, m.j
            if quoted and last < s1 and self.raw[last] in CLOSE_QUOTES:
                end, last = self.ends[last], last + 1
            self.drop(m)
            self.add(i, last, "ORG", m.entity_id, m.canonical_name, 0.9, m.method + "+head", start=head_start,
                     end=end, kind=m.kind or kind)
            return
        # after a definite head only definite words follow ('المجلس الانتقالي الجنوبي')
        k, n_tok, seen_def, closed, conj_seen = j, 0, definite_head, False, False
        if kind == "media" and not definite_head and not quoted:
            k_end = self.agency_name(j, s1)
            if k_end:
                for t in {self.taken[x] for x in range(j, k_end) if self.taken[x] is not None}:
                    self.drop(t)
                canon = self.text[head_start:self.ends[k_end - 1]]
                self.add(i, k_end, "ORG", stable_id("org", normalize(canon)), canon, 0.8, "org_head",
                         start=head_start, kind=kind)
                return
        while k < s1 and n_tok < 5:
            if quoted and self.raw[k] in CLOSE_QUOTES:
                closed = True
                break
            t = self.taken[k]
            if t is not None:
                if t.type == "LOC" and t.i == k and n_tok >= 1 and not definite_head:
                    # 'مجلس محافظة الأنبار', 'جامعة الموصل'; a place name closes the phrase: 'حكومة إقليم
                    # كردستان جوتيار عادل' goes on with a person
                    seen_def = True
                    k, n_tok = t.j, n_tok + (t.j - t.i)
                    continue
                break
            if not self.is_word(k):
                break
            if self.has(k, "NORP") or self.has(k, "NORP_FORM"):
                # 'وزارة الدفاع التركية', 'وكالة الأنباء اليمنية'; after a quoted name it is NORP (checked above)
                nisba = self.base(k).endswith(("ي", "يه"))     # singular: not 'الجيش الأكراد'
                if strength != "weak" and (n_tok >= 1 or (strength == "national" and nisba)) and self.definite(k):
                    k, n_tok = k + 1, n_tok + 1     # 'الجيش السوداني': an army takes it directly
                break
            if definite_head and n_tok >= 1 and self.has(k, "DIRECTION") and self.definite(k):
                k, n_tok = k + 1, n_tok + 1         # 'المجلس الانتقالي الجنوبي'
                break
            if (self.conj_prefixed(k) and k > j and not conj_seen and strength != "weak" and not definite_head
                    and seen_def and self.definite(k) and self.lexkey[k] is None and self.lexkey[k - 1] is None
                    and n_tok <= 2):
                # a second genitive joined by و, of words the lexicon does not know: 'حركة العدل والمساواة',
                # 'جماعة نصرة الإسلام والمسلمين'; not 'وزارة الدفاع والداخلية', 'قيادة الجيش والشرطة'
                conj_seen = True
                k, n_tok = k + 1, n_tok + 1
                if k < s1 and not self.has_any(k, ("NORP", "NORP_FORM")):
                    break       # the joined word ends the name: not 'قيادة الشرطة والمتحف الأثري القديم'
                continue
            if (self.has_any(k, NOT_IN_ORG)
                    or (self.has(k, "NOUN") and strength == "weak")
                    or (self.conj_prefixed(k) and k > j) or self.prep_prefixed(k)):
                break
            d = self.definite(k)
            if seen_def and not d:
                break
            if (not d and n_tok >= 1 and self.norm[k] in frequent_words()
                    and (k + 1 >= s1 or not self.definites[k + 1] or self.preps[k + 1])):
                break       # a common word closing the phrase is the verb: 'جيش أراكان سيطر على'
            seen_def |= d
            k, n_tok = k + 1, n_tok + 1
        if n_tok == 0:
            return
        if strength == "weak" and (n_tok < 2 or not self.definite(j)):
            return
        entry = self.gaz.lookup(self.names_of(j, k), ("ORG",)) or self.gaz.lookup(self.names_of(i, k), ("ORG",))
        if not entry and not closed and (definite_head or kind == "media"):
            k_end = self.org_complement(k, s1)
            if k_end > k:
                k, n_tok = k_end, n_tok + (k_end - k)
                while k < s1 and self.nameable(k) and self.definite(k) and n_tok < 6 and not self.has(k, "NOUN"):
                    k, n_tok = k + 1, n_tok + 1         # 'الهيئة العامة للطيران المدني'
        if definite_head and not entry:
            # a definite body is generic ('المجلس المحلي') unless its name is long, a complement or
            # a nationality completes it ('الهيئة العليا المستقلة للانتخابات', 'الجيش الصومالي')
            if strength != "national" and n_tok < 2:
                return
            if strength == "national" and not (self.has(j, "NORP") and self.base(j).endswith("ي")):
                return          # 'الجيش الصومالي'; not 'الجيش النظامي', 'دخل الجيش المدينة'
            if any(self.has(x, "NOUN") or self.has(x, "LOC_CUE") for x in range(j, k)):
                return
        if strength == "bound" and not (entry or closed or self.bound_name(i, j, k, s0, s1)):
            return
        if not entry and n_tok == 1 and self.has(j, "NOUN"):
            return          # 'مجلس المحافظة', 'قيادة الشرطة': a generic body, no name
        if not entry and not closed and n_tok == 1 and not self.definite(j) and self.base(j).endswith("ه"):
            return          # 'حكومة مسؤولة', 'منظمة إنسانية': an adjective, not a name
        last, end = k, self.ends[k - 1]
        if closed:
            last, end = k + 1, self.ends[k]
        for t in {self.taken[x] for x in range(j, k) if self.taken[x] is not None}:
            self.drop(t)
        if entry:
            self.add(i, last, "ORG", entry.entity_id, entry.canonical_name, 0.9, "gazetteer+head", start=head_start,
                     end=end, kind=entry.kind)
        else:
            canon = self.text[head_start:end].strip("«»\"“”()")
            self.add(i, last, "ORG", stable_id("org", normalize(canon)), canon, 0.8, "org_head", start=head_start,
                     end=end, kind=kind)

    # --- 3. place cues ----------------------------------------------------------------------
    def loc_pass(self, geo_names) -> None:
        for i, _, s1 in self.having("LOC_CUE"):
            if self.taken[i] is None and self.head_form(i):
                self.loc_at(i, s1, geo_names)
        for i, s0, s1 in self.having("PLACE_HEAD"):
            # a topographic name after a locative preposition needs no cue: 'في وادي حوران', 'قرب تل أبيض'
            if (i > s0 and self.taken[i] is None and self.norm[i] == self.lexkey[i] and self.has(i - 1, "LOCATIVE")
                    and i + 1 < s1 and self.nameable(i + 1) and not self.conj_prefixed(i + 1)
                    and (self.definite(i + 1) or not self.base(i + 1).endswith(("ي", "ه")))):   # 'سوق شعبي'
                end = self.place_name(i, s1, first=True)
                if end and end > i + 1:
                    b, entry, known = self.known_place(i, end, geo_names)
                    if not known and self.norm[i + 1] in frequent_words():
                        continue    # 'في رأس السنة', 'في عين المكان', 'في بيت عائلته'
                    self.add_place(i, b, entry, 0.8)

    def loc_at(self, i: int, s1: int, geo_names) -> None:
        mode, _, geo = self.cls[i]["LOC_CUE"].partition(":")
        j = i + 1
        if j < s1 and self.raw[j] in OPEN_QUOTES:
            j += 1
        if j >= s1:
            return
        m = self.taken[j]
        if m is not None:
            if m.type == "LOC":
                m.confidence, m.method = 0.95, m.method + "+cue"
            elif m.i == j and m.type in ("ORG", "PERSON"):
                # the cue wins: 'ناحية البغدادي' is a town, 'مدينة الميادين' a city
                entry = self.gaz.lookup(self.names_of(m.i, m.j), ("LOC",))
                if entry:
                    self.drop(m)
                    self.add(m.i, m.j, "LOC", entry.entity_id, entry.canonical_name, 0.9, "gazetteer+cue",
                             start=m.start, kind=entry.kind, country_code=entry.country_code)
            return
        max_el = {"dual": 2, "plural": 6}.get(mode, 1)
        elements: list[tuple[int, int]] = []
        k = j
        while k < s1 and len(elements) < max_el:
            if elements and self.conj_prefixed(k) is False and self.taken[k] is None:
                break
            end = self.place_name(k, s1, first=not elements)
            if end is None:
                break
            elements.append((k, end))
            k = end
            if k < s1 and self.raw[k] in COMMAS:
                k += 1
        for a, b in elements:
            if self.taken[a] is not None:
                continue
            b, entry, known = self.known_place(a, b, geo_names if geo == "geo" else {})
            if not known:
                last = self.base(b - 1)
                if mode == "known" or (mode == "plural" and len(elements) < 2):
                    continue
                if mode == "indef" and (self.definite(a) or self.norm[a] in frequent_words()):
                    continue  # 'مقاطعة بيلغورود' is a province, 'مقاطعة الانتخابات' a boycott
                if not self.definite(a) and b - a == 1 and last.endswith("ه") and not self.rare_name(a):
                    continue  # 'منطقة آمنة', 'مدينة كبيرة': an adjective, not a name
            self.add_place(a, b, entry, 0.95, geo=geo == "geo")

    def add_place(self, a: int, b: int, entry: GazEntry | None, confidence: float, geo: bool = True) -> None:
        """A cue-found place: the gazetteer's entity, else one named by its surface."""
        if entry:
            self.add(a, b, "LOC", entry.entity_id, entry.canonical_name, confidence, "gazetteer+cue",
                     kind=entry.kind, country_code=entry.country_code)
        else:
            m = self.add(a, b, "LOC", "", "", 0.8, "loc_cue", geo=geo)
            m.canonical_name = self.surface(m)
            m.entity_id = stable_id("loc", normalize(m.canonical_name))

    def rare_name(self, k: int) -> bool:
        """An indefinite word ending in ة that is a name rather than an adjective ('مدينة ترهونة'): not an
        Arabic word of the 40,000 most frequent, not a nisba ('حدودية') nor a participle ('منكوبة')."""
        norm = self.norm[k]
        return not (norm in frequent_words(None) or norm.endswith("يه") or norm[:1] == "م")

    def place_name(self, k: int, s1: int, first: bool) -> int | None:
        """End of a place name at k: up to 3 words; 'أم درمان', 'أبو كمال' start with a linker."""
        t = self.taken[k]
        if t is not None:
            return t.j if t.type == "LOC" and t.i == k else None
        if not self.is_word(k) or self.prep_prefixed(k) or (first and self.conj_prefixed(k)):
            return None
        linker = self.has(k, "LINKER") and k + 1 < s1 and self.nameable(k + 1)
        if (first and self.lexkey[k] in COMPASS and k + 1 < s1 and self.nameable(k + 1)
                and self.lexkey[k - 1] in REGION_CUES):
            linker = True       # a region named by a direction: 'ولاية جنوب دارفور', 'محافظة شمال سيناء'
        elif not linker and (self.has_any(k, NOT_IN_PLACE) or self.has(k, "NUMWORD")):
            return None
        end, seen_def = k + 1 + linker, self.definite(k)
        while end < s1 and end - k < 3 and self.nameable(end) and not self.conj_prefixed(end):
            d = self.definite(end)
            if (seen_def and not d) or (d and self.base(end).endswith("يه")):
                break       # 'وادي خالد الحدودية': a feminine nisba after a name is an adjective
            seen_def |= d
            end += 1
        return end

    def known_place(self, a: int, b: int, geo_names) -> tuple[int, GazEntry | None, bool]:
        """Longest known prefix of the place name a..b: (end, gazetteer entry, known to GeoNames)."""
        topographic = self.has(a, "PLACE_HEAD") or self.has(a, "LINKER")
        for end in range(b, a + topographic, -1):      # 'وادي' alone is not the place 'وادي خالد'
            names = self.names_of(a, end)
            entry = self.gaz.lookup(names, ("LOC",))
            if entry or " ".join(names) in geo_names:
                return end, entry, True
        # unknown: keep the first word and the definite words after it ('قرية الباغوز الفوقاني', not 'هامبورغ شابا');
        # a topographic first word takes one more ('وادي خالد', 'تل أبيض', 'خان يونس')
        end = a + 1
        if end + 1 < b and self.has(end, "LINKER"):
            end += 2        # 'كرم أبو سالم'
        elif end < b and (self.has(a, "PLACE_HEAD") or self.has(a, "LINKER") or self.has(a, "DIRECTION")):
            end += 1
        while end < b and self.definite(end):
            end += 1
        return end, None, False

    # --- 4. dates, times, quantities --------------------------------------------------------
    def date_pass(self) -> None:
        after = 0
        for i, _, s1 in self.candidates(self.date_ok):
            if i < after:
                continue
            end, typ = self.date_at(i, s1)
            if end and all(self.taken[x] is None for x in range(i, end)):
                self.add(i, end, typ, "", "", 0.85, "date_rule")
                after = end

    def month_at(self, k: int, s1: int) -> int | None:
        """End of a month name at k ('مارس', 'تشرين الأول', 'تشرين أول'), optionally '/ other name' or '(other)'."""
        if k >= s1:
            return None
        if self.has(k, "MONTH"):
            end = k + 1
        elif self.has(k, "MONTH_PREFIX") and k + 1 < s1 and self.has(k + 1, "ORDINAL"):
            end = k + 2
        else:
            return None
        if end + 1 < s1 and self.raw[end] in ("/", "("):
            alt = self.month_at(end + 1, s1)
            if alt:
                end = alt
                if self.raw[end - 1] != ")" and end < s1 and self.raw[end] == ")":
                    end += 1
        return end

    def date_at(self, i: int, s1: int) -> tuple[int | None, str]:
        """End and type of a date/time expression starting at token i, or (None, '')."""
        norm, has = self.norm, self.has              # normalised: Arabic-Indic digits are ASCII here
        if not self.date_ok[i]:
            return None, ""                          # every rule below needs DATE_START or digits at token i
        if DATE_NUMERIC.match(norm[i]):
            return i + 1, "DATE"
        if CLOCK.match(norm[i]):
            return i + 1, "TIME"
        k = i
        if has(k, "DAYPART") and k + 1 < s1 and (has(k + 1, "WEEKDAY") or has(k + 1, "DATE_REL")):
            k += 1                                   # 'مساء السبت', 'صباح أمس'
        if has(k, "WEEKDAY") or has(k, "DATE_REL"):
            end = k + 1
            if end < s1 and has(end, "WEEKDAY"):
                end += 1                             # 'أمس الخميس', 'ليل السبت الأحد'
            if end < s1 and has(end, "DATE_MOD"):
                end += 1
            return end, "DATE"
        if has(i, "ORDINAL") and i + 2 < s1 and self.base(i + 1) == "من" and has(i + 2, "DATE_REL"):
            return i + 3, "DATE"                     # 'أول من أمس'
        if norm[i] in ("هذا", "هذه") and i + 1 < s1 and has(i + 1, "DATE_UNIT"):
            return i + 2, "DATE"                     # 'هذا الشهر'
        if has(i, "DATE_UNIT") and i + 1 < s1 and has(i + 1, "DATE_MOD"):
            return i + 2, "DATE"                     # 'الأسبوع الحالي'
        if has(i, "YEAR_WORD") and i + 1 < s1 and YEAR.match(norm[i + 1]):
            return i + 2, "DATE"                     # 'عام 2014'
        if norm[i].isdigit() and 1 <= int(norm[i]) <= 31:
            k = i + 1
            if k + 1 < s1 and norm[k] == "و" and norm[k + 1].isdigit():
                k += 2                               # '22 و 23 مارس'
            elif k < s1 and norm[k][:1] == "و" and norm[k][1:].isdigit():
                k += 1                               # '22 و23 مارس'
            end = self.month_at(k, s1)
            return (self.date_tail(end, s1), "DATE") if end else (None, "")
        end = self.month_at(i, s1)
        if end is None:
            return None, ""
        nxt = end
        if nxt + 1 < s1 and self.base(nxt) == "من" and has(nxt + 1, "YEAR_WORD"):
            nxt += 2                                 # 'تشرين أول من عام 2017'
        if nxt < s1 and YEAR.match(norm[nxt]):
            return self.date_tail(nxt + 1, s1), "DATE"
        if has(i, "MONTH") and end == i + 1:
            return None, ""                          # a bare 'مارس' is also a verb
        return self.date_tail(end, s1), "DATE"

    def date_tail(self, end: int, s1: int) -> int:
        if end < s1 and YEAR.match(self.norm[end]):
            end += 1
        if end < s1 and self.has(end, "DATE_MOD"):
            end += 1
        return end

    def quantity_pass(self) -> None:
        after = 0
        for i, _, s1 in self.candidates(self.quantity_ok):
            if i < after or self.taken[i] is not None:
                continue
            end = self.quantity_at(i, s1)
            if end:
                glued = self.raw[i][0] in "وف" and self.raw[i][1:2].isdigit()     # 'و15 الف'
                self.add(i, end, "QUANTITY", "", "", 0.8, "quantity_rule", start=self.starts[i] + glued)
                after = end

    def quantity_at(self, i: int, s1: int) -> int | None:
        if not self.quantity_ok[i]:
            return None                              # neither a number word nor digits (perhaps after و/ف)
        vague = self.has(i, "VAGUE_NUM")
        num = self.norm[i][1:] if self.norm[i][:1] in "وف" and self.norm[i][1:2].isdigit() else self.norm[i]
        if DIGITS.match(num):
            if YEAR.match(num):
                return None
            if num.endswith("%"):
                return i + 1
        elif not (self.has(i, "NUMWORD") or vague):
            return None
        k = i + 1
        if k < s1 and self.has(k, "SCALE") and not vague:
            k += 1
        if k < s1 and self.taken[k] is None and self.has(k, "UNIT"):
            k += 1
            if k < s1 and self.has(k, "UNIT"):
                k += 1                                   # 'كم مربع'
            return k
        if k < s1 and self.counted_noun(k):
            return k + 1
        partitive = k < s1 and self.base(k) == "من"
        approx = i > 0 and self.base(i - 1) in APPROX
        if partitive or approx or vague or k > i + 1:
            return k
        return None

    def counted_noun(self, k: int) -> bool:
        if self.taken[k] is not None or not self.is_word(k) or self.prep_prefixed(k) or self.conj_prefixed(k):
            return False
        return not self.has_any(k, NOT_COUNTED)

    # --- 5. persons ---------------------------------------------------------------------------
    def parse_name(self, i: int, s1: int, need_first: bool = False) -> int | None:
        """End of a person name starting at i, or None. See the module docstring for the shape."""
        k = i
        if k < s1 and self.has(k, "LINKER") and self.taken[k] is None:
            while k < s1 and self.has(k, "LINKER"):
                k += 1
            # after عبد / أبو any word but a function word: 'عبد الأمير', 'عبد الملك'
            if k >= s1 or self.taken[k] is not None or not self.is_word(k) or (
                    self.has(k, "STOP") and self.norm[k] != "الله"):     # 'عبد الله' (the lexicon reads له)
                return None
            k, first_is_name = k + 1, True
        elif k < s1 and self.nameable(k) and (not self.definite(k) or self.has(k, "FIRSTNAME")):
            first_is_name = self.has(k, "FIRSTNAME")
            k += 1
        else:
            return None
        if need_first and not first_is_name:
            return None
        count = k - i
        while k < s1 and count < 4:
            if self.has(k, "LINKER") and k + 1 < s1 and self.nameable(k + 1):
                k, count = k + 2, count + 2
            elif self.norm[k] == "الله" and self.taken[k] is None and not self.definite(k - 1):
                k, count = k + 1, count + 1     # 'ذبيح الله', 'نصر الله' (the lexicon reads له)
            elif count >= 3 and self.definite(k) and self.norm[k] in frequent_words():
                break                           # 'عبد الله باتيلي التقى': a verb that looks definite
            elif self.nameable(k) and not self.conj_prefixed(k) and (
                    self.definite(k) or count == 1 or self.norm[k - 1] == "الله"
                    or (not self.definite(k - 1) and self.last_name_word(k, s1))):
                # 'ذبيح الله مجاهد'; 'حسن شيخ محمود في', 'محمد حمدان دقلو الجيش'
                k, count = k + 1, count + 1
            elif (count == 1 and first_is_name and self.taken[k] is None and self.definite(k)
                  and self.has(k, "NORP") and self.base(k).endswith("ي")):
                k, count = k + 1, count + 1     # a nisba family name after a given name: 'خالد المصري'
                break
            else:
                break
        if need_first and count < 2:
            return None
        return k

    def last_name_word(self, k: int, s1: int) -> bool:
        """A third indefinite word ends a name of indefinite words when a boundary follows (punctuation,
        a function word, a mention found before): 'علي يرلي كايا إن', 'محمد حمدان دقلو الجيش'; not
        'أنتوني بلينكن لبحث وقف'. Not a verb ('يطالب', 'سيستضيف') nor a common word ('زار', 'قوية')
        unless a given name ('حسن شيخ محمود')."""
        norm = self.norm[k]
        if self.definite(k) or norm[:1] in "يت" or norm[:2] in ("سي", "ست", "سن") or len(norm) < 3:
            return False
        if norm in frequent_words() and not self.has(k, "FIRSTNAME"):
            return False
        if norm[:1] in "بلكوف" and norm[1:] in self.lex.classes:
            return False        # a known word after a proclitic: 'بأن', 'لبحث'
        n = k + 1
        return n >= s1 or not self.is_word(n) or self.has(n, "STOP") or self.taken[n] is not None

    def role_skip(self, j: int, s1: int, limit: int = 10) -> tuple[int, int]:
        """Skip a role phrase from j: (first token after it, last token of it or j-1)."""
        start, last = j, j - 1
        while j < s1 and j - start < limit:
            t = self.taken[j]
            if t is not None:
                if t.type in ("ORG", "LOC", "NORP"):
                    j = last = t.j - 1
                    j += 1
                    continue
                break
            if self.has_any(j, ("TITLE", "ROLEWORD", "ANAPHOR", "NORP", "NORP_FORM")):
                last, j = j, j + 1
                continue
            if self.raw[j] in OPEN_QUOTES or self.raw[j] in CLOSE_QUOTES:
                j += 1
                continue
            nxt = self.taken[j + 1] if j + 1 < s1 else None
            if (self.has(j, "ORG_HEAD") or self.has(j, "LOC_CUE") or self.base(j) in ("في", "من", "لدى")) \
                    and nxt is not None and nxt.type in ("ORG", "LOC"):
                j += 1
                continue
            if self.raw[j] in COMMAS and j + 1 < s1 and self.has(j + 1, "TITLE"):
                j += 1
                continue
            break
        return j, last

    def role_text(self, a: int, last: int) -> str | None:
        if last < a:
            return None
        return self.text[self.token_start(a, self.lexkey[a]):self.ends[last]].strip("«»\"“”()، ,")

    def person_pass(self) -> None:
        for i, s0, s1 in self.having("TITLE", "SPEECH", "GOV_CUE"):
            if self.taken[i] is not None:
                continue
            if self.has(i, "TITLE"):
                self.title_at(i, s1)
                self.role_after_at(i, s0, s1)
            elif i + 1 < s1:
                end = self.parse_name(i + 1, s1, need_first=True)
                if end:
                    self.add_person(i + 1, end, 0.7, "speech_verb")

    def add_person(self, a: int, b: int, confidence: float, method: str, role: str | None = None,
                   start: int | None = None) -> None:
        m = self.add(a, b, "PERSON", "", "", confidence, method, role=role, start=start)
        m.canonical_name = self.surface(m)
        entry = self.gaz.lookup(tuple(normalize(m.canonical_name).split()), ("PERSON",), include_cue_only=False)
        if entry:
            m.entity_id, m.canonical_name = entry.entity_id, entry.canonical_name
        else:
            m.entity_id = stable_id("per", normalize(m.canonical_name))

    def title_at(self, i: int, s1: int) -> None:
        if self.cls[i]["TITLE"] == "after":
            return
        j, last = self.role_skip(i + 1, s1)
        last = max(last, i)
        if j < s1 and self.taken[j] is not None and self.taken[j].type == "PERSON":
            if self.taken[j].role is None:
                self.taken[j].role = self.role_text(i, last)
            return
        end = self.parse_name(j, s1)
        if (end is None and j + 1 < s1 and self.taken[j] is None and self.definite(j) and self.nameable(j)
                and self.base(j).endswith("ي") and not self.definite(j + 1)):
            # 'الناشط الحقوقي سامر العلي': a nisba adjective of the role, then an indefinite name
            j, last = j + 1, j
            end = self.parse_name(j, s1)
        if end is None and self.cls[i]["TITLE"] != "after":
            j2 = self.role_phrase_end(j, s1)
            if j2 is not None:
                end2 = self.parse_name(j2, s1)
                if end2 and end2 - j2 >= 2 and not self.definite(j2) and (
                        self.has_any(j2, ("FIRSTNAME", "LINKER"))
                        or not any(self.norm[x] in frequent_words() for x in range(j2, end2))):
                    # a known given name, or words no Arabic word list has ('أوليغ سينيغوبوف')
                    j, last, end = j2, j2 - 1, end2
        if end and (end - j >= 2 or self.has(j, "FIRSTNAME")):   # 'ووزير خارجيته' is no name
            # no conjunction between a title and its name: 'الرئيس فولوديمير' keeps its ف
            # ('فؤاد' is a given name whose ف is no conjunction either)
            start = self.starts[j] if self.raw[j][:1] in "وف" and self.lexkey[j] in (None, self.norm[j]) else None
            self.add_person(j, end, 0.85, "title", role=self.role_text(i, last), start=start)

    def role_phrase_end(self, j: int, s1: int) -> int | None:
        """First token after a longer role phrase between a title and a name: definite words, mentions
        of places, organisations and nationalities, 'لل'/'ل' complements and 'في' + a place ('رئيس
        الإدارة العسكرية للمقاطعة', 'المنسق الأممي للشؤون الإنسانية في اليمن', 'رجل الأعمال',
        'رئيس المجلس المحلي لبلدة بيتا'); None unless it stops at an indefinite word of up to six."""
        k = j
        while k < s1 and k - j < 6:
            t = self.taken[k]
            if t is not None:
                if t.type not in ("ORG", "LOC", "NORP"):
                    return None
                k = t.j
                continue
            if not self.words[k] or self.has(k, "STOP"):
                return None
            if self.definites[k] or self.preps[k] or self.has_any(k, ("ROLEWORD", "NORP", "NORP_FORM")):
                k += 1
                continue
            if (self.norm[k][:1] == "ل" or self.has(k, "LOC_CUE")) and k + 1 < s1 and self.taken[k + 1] is not None:
                k += 1          # 'لبلدة بيتا', 'لمحافظة نينوى'
                continue
            if self.base(k) == "في" and k + 1 < s1 and self.taken[k + 1] is not None \
                    and self.taken[k + 1].type in ("LOC", "ORG"):
                k += 1
                continue
            break
        return k if k > j and k < s1 and not self.conjs[k] else None

    def role_after_at(self, i: int, s0: int, s1: int) -> None:
        if self.taken[i] is not None or self.cls[i]["TITLE"] == "before":
            return
        j, last = self.role_skip(i + 1, s1)
        if last <= i:
            return                                       # a bare title is no role phrase
        k = i - 1
        if k >= s0 and self.raw[k] in COMMAS:
            k -= 1
        if k < s0:
            return
        if self.taken[k] is not None and self.taken[k].type == "PERSON":
            if self.taken[k].role is None:
                self.taken[k].role = self.role_text(i, last)
            return
        b = k
        while b >= s0 and k - b < 4 and (self.nameable(b) or self.has(b, "LINKER")):
            b -= 1
        first = b + 1
        if first > k:
            return
        start = next((t for t in range(first, k + 1) if self.has(t, "FIRSTNAME") or self.has(t, "LINKER")), None)
        if start is None:
            # without a known given name, only 'X Y، <role>' with the comma is evidence enough
            if self.raw[k + 1] not in COMMAS or k - first < 1:
                return
            start = k - 1
        if self.parse_name(start, k + 1) == k + 1:
            self.add_person(start, k + 1, 0.75, "role_after", role=self.role_text(i, last))

    # --- 6. NORP --------------------------------------------------------------------------------
    def norp_pass(self) -> None:
        for i, _, _ in self.having("NORP", "NORP_FORM"):
            if self.taken[i] is None:
                cls = self.cls[i]
                slug = cls.get("NORP") or cls.get("NORP_FORM")
                self.add(i, i + 1, "NORP", f"norp_{slug}", self.lex.norp_names.get(slug, slug), 0.85,
                         "norp_lexicon", start=self.token_start(i, self.lexkey[i]))

    def acronym_pass(self) -> None:
        """'وكالة الأنباء الأردنية (بترا)': one word in brackets right after an organisation is its
        acronym, the same entity."""
        raw, n = self.raw, len(self.raw)
        for m in [m for m in self.mentions if m.type == "ORG" and not m.dead]:
            j = m.j
            if (j + 2 < n and raw[j] == "(" and raw[j + 2] == ")" and self.sent[j + 2] == self.sent[m.i]
                    and self.words[j + 1] and not self.preps[j + 1] and not self.conjs[j + 1]):
                t = self.taken[j + 1]
                if t is not None:
                    if t.type == "ORG" or t.i != j + 1 or t.j != j + 2:
                        continue
                    self.drop(t)
                self.add(j + 1, j + 2, "ORG", m.entity_id, m.canonical_name, 0.85, "acronym", kind=m.kind)

    def reporter_pass(self) -> None:
        """'مراسل الجزيرة', 'مراسلة الميادين': after a reporter word a channel's name is the channel, not
        the place of the same name."""
        for i, _, s1 in self.having("REPORTER"):
            k = i + 1
            if k >= s1:
                continue
            t = self.taken[k]
            if t is not None and (t.type != "LOC" or t.i != k):
                continue
            j = t.j if t is not None else k + 1
            entry = self.gaz.lookup(self.names_of(k, j), ("ORG",))
            if entry is None or entry.kind != "media":
                continue
            if t is not None:
                self.drop(t)
            self.add(k, j, "ORG", entry.entity_id, entry.canonical_name, 0.85, "gazetteer+reporter", kind="media")

    def run(self, geo_names) -> list[Mention]:
        self.gazetteer_pass()
        self.org_pass()
        self.acronym_pass()
        self.loc_pass(geo_names)
        self.reporter_pass()
        self.date_pass()
        self.quantity_pass()
        self.person_pass()
        self.norp_pass()
        return [m for m in self.mentions if not m.dead]


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
