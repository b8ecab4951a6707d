"""Token features of the NER tagger (FEATURE_VERSION names the set recorded in the model card).

Per token: the normalised form (akhbar.text.normalise.normalize), its clitic-stripped stem and
the clitics taken off (و ف / ب ل ك / ال لل, the same clitic rules as the gazetteer's keys:
akhbar.text.normalise.clitic_keys), prefixes and suffixes, shape, position, and membership in
the project's word lists: the entity lexicon's classes (titles, given names, organisation heads,
place cues, speech verbs, NORP ...), gazetteer names (longest match over the sentence, typed,
B/I), GeoNames Arabic place names, and the derived name lists of entities/ner_lists.tsv (first
and family names, world cities, PETRARCH actor words). Neighbours at -2..+2 contribute their
form, stem and list memberships; at -1/+1 also their shape, article, proclitics and last two
letters. Feature set 3 adds the stem's word cluster (clusters.py) and the name memory's marks
(memory.py), both tables written beside the model by `akhbar train ner`.

Word-level features are computed once per distinct token (a memo), so tagging is one dictionary
lookup per token plus the window and the sentence-level matches.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import compress, count
from operator import itemgetter

from akhbar.geo import default_index
from akhbar.perf import Memo
from akhbar.resources import read_tsv, read_word_sets
from akhbar.text.normalise import ARABIC_LETTER, clitic_keys, normalize
from akhbar.text.lexicon import lexicon
from tasks.entities.lexicon import default_gazetteer, default_lexicon
from tasks.entities.ner.conll import spans

FEATURE_VERSION = "ner-features-5"   # 2: + frequency buckets, bigram, the rule tagger's marks;
                                     # 3: + word clusters, name memory, the neighbours' shape/article/clitics/ending
                                     # 4: + pass 2 sees the pass-1 labels at -2..+2 (label_marks)
                                     # 5: + the stem's long-vowel letters, length, common or not (vowel_bucket)
LISTS = "entities/ner_lists.tsv"
# lexicon classes worth a feature (the others are closed grammatical sets the form already says)
LEX_CLASSES = ("FIRSTNAME", "TITLE", "ORG_HEAD", "LOC_CUE", "PLACE_HEAD", "SPEECH", "ROLEWORD", "NAMEWORD",
               "NORP", "STOP", "MONTH", "GOV_CUE", "LOCATIVE", "DIRECTION", "NOUN", "ORG_DEF", "LINKER", "UNIT")
WINDOW = (-2, -1, 1, 2)
NEAR_PREFIX = tuple((d, "%d:" % d) for d in WINDOW)     # a neighbour's features: '-2:w=...', '1:s=...'
# 'وقال X إن ...', 'وأكد X أن ...': the words between a speech verb and the complementiser name the
# speaker (normalised forms; the speech verbs are the lexicon's SPEECH class)
WORDS = "entities/ner_words.tsv"


def ner_word_set(name: str) -> frozenset[str]:
    """The normalised words of one closed set of entities/ner_words.tsv."""
    return frozenset(normalize(w) for w, _ in read_word_sets(WORDS)[name])


COMPLEMENTISERS = ner_word_set("COMPLEMENTISER")
SPEAKER_MAX = 5
MAX_NAME_TOKENS = 6
WORD_MEMO_MAX = 200_000     # distinct words remembered before the memo starts over (flat memory on long runs)
RANKS = (500, 2000, 10000, 40000)     # word frequency buckets (words_ar.txt ranks): Arabic has no capitals,
                                      # and a rare word is more often a name
INFLECTIONS = tuple(sorted(ner_word_set("INFLECTION")))


@lru_cache(maxsize=1)
def word_ranks() -> dict[str, int]:
    ranks: dict[str, int] = {}
    for i, w in enumerate(lexicon().words_ranked):
        ranks.setdefault(w, i)
    return ranks


def rank_bucket(ranks: dict[str, int], word: str) -> str:
    r = ranks.get(word)
    return "none" if r is None else str(next(b for b in RANKS if r < b))


def inflections(ranks: dict[str, int], stem: str) -> int:
    """How many inflected forms of a clitic-stripped stem are common words (words_ar.txt): the stem
    with the article, and the stem with each INFLECTION suffix (a final ه, the normalised ة, also as
    ت before it: مدرسه -> مدرستها). A common noun or adjective has many ('جيش': الجيش, جيشه), a name
    few or none ('رونالدو', 'عماش'), which a frequency rank alone does not tell."""
    bases = {stem, stem[:-1] + "ت"} if stem.endswith("ه") and len(stem) > 2 else {stem}
    found = {b + x for b in bases for x in INFLECTIONS if b + x in ranks}
    return len(found) + (("ال" + stem) in ranks)


def inflection_bucket(ranks: dict[str, int], norm: str, stem: str) -> str:
    """'inf=N' (0, 1, 2, 3 or '4': 4+) with the stem's own frequency bucket ('inf=0|none'): the most
    inflections of any clitic key of the normalised form without its article (strip_clitics may take
    a root letter for a clitic: 'كتيبه' -> 'تيبه')."""
    keys = {k[2:] if k.startswith("ال") else k for k in clitic_keys(norm)} | {stem}
    count = max((inflections(ranks, k) for k in keys if len(k) > 1), default=0)
    return "inf=%d|%s" % (min(count, 4), rank_bucket(ranks, stem))


LONG_VOWELS = frozenset("اويى")         # the long-vowel letters (and ى) of a normalised stem


def vowel_bucket(ranks: dict[str, int], stem: str) -> str:
    """'lv=N|L|r': how many of the stem's letters after the first are long-vowel letters (0-2, 3: 3+),
    its length in buckets (L 3: up to 3 letters, 5: 4-5, 7: 6-7, 9: 8+) and whether the stem is
    among the common words (k) or not (r). Foreign names written in Arabic spell their vowels out
    ('أراجون' 2 of 6 letters, 'بيرلسكوني' 3 of 9), words on an Arabic root pattern write few
    ('مستشفى' 1 of 6, 'حكومة' 1 of 5)."""
    count = sum(c in LONG_VOWELS for c in stem[1:])
    size = next(b for b in (3, 5, 7, 9) if len(stem) <= b or b == 9)
    return "lv=%d|%d|%s" % (min(count, 3), size, "k" if stem in ranks else "r")


def is_inflection_feature(feature: str) -> bool:
    """An inflection count feature, the token's or a neighbour's ('inf=0|none', '-1:inf=4|2000')."""
    head, sep, rest = feature.partition(":")
    return feature.startswith("inf=") or bool(sep) and head in ("-1", "1") and rest.startswith("inf=")


@lru_cache(maxsize=1)
def name_lists() -> dict[str, frozenset[str]]:
    """List name -> normalised words (entities/ner_lists.tsv)."""
    lists: dict[str, set[str]] = {}
    for row in read_tsv(LISTS):
        lists.setdefault(row[0], set()).add(row[1])
    return {k: frozenset(v) for k, v in lists.items()}


def strip_clitics(norm: str) -> tuple[str, str, str]:
    """(proclitics, article, stem) of a normalised token by clitic_keys (the gazetteer's rules):
    'وبالموصل' -> ('وب', 'ال', 'موصل'), 'للموصل' -> ('ل', 'ال', 'موصل'), 'موصل' -> ('', '', 'موصل')."""
    stem = clitic_keys(norm)[-1]
    if stem == norm:
        return "", "", norm
    prefix = norm[: len(norm) - len(stem)]
    if prefix.endswith("ال"):
        return prefix[:-2], "ال", stem
    if prefix.endswith("لل"):
        return prefix[:-1], "ال", stem
    return prefix, "", stem


def shape(token: str) -> str:
    if token.isdigit():
        return "D"
    if any(c.isdigit() for c in token):
        return "DX"
    if ARABIC_LETTER.match(token):
        return "A"
    if token.isalpha():
        return "L" if token[:1].islower() else "LU"
    return "P"


def neighbour_features(shown: tuple[tuple[str, ...], tuple[str, ...]]) -> dict[int, tuple[str, ...]]:
    """{offset: a word's features as the neighbour at that offset} ('-2:w=...', '1:sh=A') from what it
    shows (Featurizer._word): the first part at every offset of WINDOW, the second at -1 and +1 too."""
    every, close = shown
    near = {d: tuple([pre + f for f in every]) for d, pre in NEAR_PREFIX}
    near[-1] += tuple(["-1:" + f for f in close])
    near[1] += tuple(["1:" + f for f in close])
    return near


class Featurizer:
    """Token list -> list of feature-string lists (pycrfsuite's item format; with `known`, the
    word-level features are UTF-8 bytes, which pycrfsuite takes as they are).

    `known`: the attributes the tagging models know (NerModel). crfsuite drops every attribute its
    model does not know, so leaving those out (in order) gives the same scores and labels while
    sparing their conversion and lookup; None (training) keeps them all."""

    def __init__(self, known: frozenset[str] | None = None, clusters: dict | None = None,
                 memory=None, inflected: bool | None = None, vowels: bool | None = None):
        self.known = known
        # stem -> its cluster ids (clusters.read_clusters; an int: one granularity)
        self.clusters = {w: c if isinstance(c, tuple) else (c,) for w, c in (clusters or {}).items()}
        # the inflection count (inf=, a pass-1 candidate): asked for, or known to the models
        self.inflected = (known is not None and any(f.startswith("inf=") for f in known)
                          if inflected is None else inflected)
        # the long-vowel density (lv=, a candidate): asked for, or known to the models
        self.vowels = known is not None and any(f.startswith("lv=") for f in known) if vowels is None else vowels
        self.memory = memory            # a memory.NameMemory, or None (training passes its marks in)
        self.keep = None if known is None else known.__contains__
        self.lex = default_lexicon()
        self.gaz = default_gazetteer()
        self.geo = default_index().by_name
        self.lists = name_lists()
        self.ranks = word_ranks()
        self.words = Memo(self._word)
        self.encoded = Memo(self._encoded)     # token -> the models' share of its features (crfsuite path)
        self.listed: dict[str, tuple[str, ...]] = {}      # word -> the name lists holding it
        for name, words in self.lists.items():
            for w in words:
                self.listed[w] = (*self.listed.get(w, ()), name)
        # bounds that spare sentence_marks lookups that cannot match (the same matches, fewer tries):
        # the most tokens of a gazetteer name a normalised token may start (under any key lookup tries) ...
        firsts = self.gaz.first_tokens
        self.name_len = Memo(lambda norm: max(firsts.get(k, 0) for k in (*clitic_keys(norm), "ال" + norm)))
        # ... and the first words of the GeoNames names of several words
        self.geo_firsts = frozenset(name.split(" ", 1)[0] for name in self.geo if " " in name)
        # per normalised token: (may start a gazetteer name, may start a GeoNames name), None if neither
        self.may_start = Memo(self._may_start)
        self.gaz_names = Memo(self.gaz.lookup)     # a name's tokens -> its gazetteer entry (or None)
        # (offset, mark) -> the mark as a neighbour's ('-1:gzB=LOC'), () when no model knows it
        self.near_mark = Memo(lambda key: tuple(f for f in ("%d:%s" % key,) if known is None or f in known))

    def forget(self) -> None:
        """Empty the memos (per word and per mark): they are recomputed as needed, the same."""
        self.words.clear()
        self.encoded.clear()
        self.name_len.clear()
        self.may_start.clear()
        self.gaz_names.clear()
        self.near_mark.clear()

    def _word(self, token: str) -> tuple:
        """(the token's own features, what it shows as a neighbour (neighbour_features: the features at
        every offset, those at ±1 only), normalised form, stem, the own and neighbour features
        ({offset: features}) the models know, whether it is a speech verb) for one raw token.
        With `known`, the models' share (UTF-8 encoded for pycrfsuite) is left None here and made by
        `encoded` when the crfsuite path asks for it: the numpy scorer reads the full features."""
        norm = normalize(token)
        proclitic, article, stem = strip_clitics(norm)
        sh = "sh=" + shape(token)
        feats = ["w=" + norm, "s=" + stem, sh, "len=" + str(min(len(stem), 8))]
        if proclitic:
            feats.append("pc=" + proclitic)
        if article:
            feats.append("art")
        for n in (2, 3):
            if len(stem) > n:
                feats += ["p%d=%s" % (n, stem[:n]), "x%d=%s" % (n, stem[-n:])]
        feats.append("x1=" + norm[-1:])
        cluster = self.clusters.get(stem, ())
        levels = ["c%d=%d" % (i, c) for i, c in enumerate(cluster[1:], 1)]     # coarser / finer clusterings
        feats += ["c=%d" % c for c in cluster[:1]] + levels
        marks = ["rk=" + rank_bucket(self.ranks, norm), "rs=" + rank_bucket(self.ranks, stem)]
        inflected = [inflection_bucket(self.ranks, norm, stem)] if self.inflected else []
        feats += inflected
        if self.vowels and ARABIC_LETTER.match(token):
            feats.append(vowel_bucket(self.ranks, stem))
        found = self.lex.lookup(norm)
        if found:
            marks += ["lx=" + c for c in found[1] if c in LEX_CLASSES]
        keys = clitic_keys(norm)
        listed = [name for k in keys for name in self.listed.get(k, ())]
        if listed:
            marks += ["ls=" + name for name in self.lists if name in listed]
        if any(k in self.geo for k in keys):
            marks.append("geo")
        feats += marks
        # as a neighbour: these at every offset, and the word's shape, article, proclitics and ending at ±1
        shown = (("w=" + norm, "s=" + stem, *marks),
                 (sh, *(["art"] if article else []), *(["pc=" + proclitic] if proclitic else []), "x2=" + stem[-2:], *levels, *inflected))
        own = tuple(feats)
        speech = "lx=SPEECH" in marks
        if self.known is None:
            near = neighbour_features(shown)
            return own, shown, norm, stem, own, near, speech
        return own, shown, norm, stem, None, None, speech

    def _encoded(self, token: str) -> tuple[tuple, dict]:
        """The models' share of a word's own and neighbour features, UTF-8 encoded once (pycrfsuite's
        item format) rather than by pycrfsuite at every sentence."""
        own, shown = self.words[token][:2]
        known = self.known
        return (tuple(f.encode() for f in own if f in known),
                {d: tuple(f.encode() for f in fs if f in known) for d, fs in neighbour_features(shown).items()})

    def _may_start(self, norm: str) -> tuple[bool, bool] | None:
        gaz = self.gaz.start_keys_of((norm,))[0] is not None
        geo = norm in self.geo_firsts or " " in norm
        return (gaz, geo) if gaz or geo else None

    def sentence_marks(self, norms: list[str]) -> list[list[str]]:
        """Gazetteer (typed) and GeoNames multi-word matches over the sentence, longest first, as B/I:
        from each token that may start one (left to right, a match skips the tokens it covers)."""
        out: list[list[str]] = [[] for _ in norms]
        geo, gaz_names, name_len = self.geo, self.gaz_names, self.name_len
        may = list(map(self.may_start.__getitem__, norms))
        n, after = len(norms), 0
        for i in compress(count(), may):
            if i < after:
                continue
            gaz_start, geo_start = may[i]
            matched = 0
            if gaz_start:
                for k in range(min(MAX_NAME_TOKENS, n - i, name_len[norms[i]]), 0, -1):
                    entry = gaz_names[tuple(norms[i:i + k])]
                    if entry is not None:
                        for j in range(i, i + k):
                            out[j].append(("gzB=" if j == i else "gzI=") + entry.type)
                        matched = k
                        break
            if not matched and i + 1 < n and geo_start:
                for k in range(min(3, n - i), 1, -1):
                    name = " ".join(norms[i:i + k])
                    if name in geo:
                        for j in range(i, i + k):
                            out[j].append("geoB" if j == i else "geoI")
                        matched = k
                        break
            after = i + matched
        return out

    @staticmethod
    def speaker_marks(words, marks: list[list[str]]) -> None:
        """Add 'spk' to the words between a speech verb and a complementiser at most SPEAKER_MAX
        words apart, with no punctuation between ('وقال عيد عماش إن': عيد, عماش)."""
        n = len(words)
        for i in list(compress(count(), map(itemgetter(6), words))):     # the speech verbs
            for j in range(i + 1, min(n, i + SPEAKER_MAX + 2)):
                w = words[j][0]
                if w[0][2:] in COMPLEMENTISERS:
                    if j > i + 1:
                        for k in range(i + 1, j):
                            marks[k].append("spk")
                    break
                if "sh=P" in w:
                    break

    def parts(self, tokens: list[str], rules: list[list[str]] | None = None) -> tuple[list[tuple], list[list[str]]]:
        """(the word memo's entry of each token, each token's sentence-level marks: gazetteer and
        GeoNames matches, the rules' marks, the name memory's, the speaker slot's)."""
        if len(self.words) > WORD_MEMO_MAX or len(self.gaz_names) > WORD_MEMO_MAX:
            self.forget()
        words = list(map(self.words.__getitem__, tokens))
        marks = self.sentence_marks(list(map(itemgetter(2), words)))
        if rules is not None:
            for i in compress(count(), rules):      # the tokens the rules marked
                marks[i] += rules[i]
        if self.memory is not None:
            self.memory.add_marks(list(map(itemgetter(3), words)), marks)
        self.speaker_marks(words, marks)
        return words, marks

    def __call__(self, tokens: list[str], rules: list[list[str]] | None = None) -> list[list[str]]:
        """Features of one sentence; `rules`: per token, what the rule tagger says (rule_marks)."""
        words, marks = self.parts(tokens, rules)
        keep = self.keep
        if keep is not None:      # the models' share, encoded (_encoded), in the memo entries' places 4 and 5
            words = [(*w[:4], *enc, w[6]) for w, enc in zip(words, map(self.encoded.__getitem__, tokens))]
        own_marks = marks if keep is None else [[m for m in ms if keep(m)] if ms else ms for ms in marks]
        near_mark = self.near_mark
        near_marks = {d: [[f for m in ms for f in near_mark[d, m]] if ms else ms for ms in marks] for d in (-1, 1)}
        ends = {d: [f for f in (("BOS",) if d < 0 else ("EOS",)) if keep is None or keep(f)] for d in (-1, 1)}
        first = [f for f in ("first",) if keep is None or keep(f)]
        # each token's item, in this order: its own features and marks, the word 2 before, the word
        # before and its marks (or BOS), the word after and its marks (or EOS), the word 2 after, the
        # bigram with the word before (or 'first'); the columns below are aligned on the token
        neighbours = list(map(itemgetter(5), words))
        near = {d: list(map(itemgetter(d), neighbours)) for d in WINDOW}
        before2 = [(), ()] + near[-2][:-2]
        before, before_marks = [ends[-1]] + near[-1][:-1], [()] + near_marks[-1][:-1]
        after, after_marks = near[1][1:] + [ends[1]], near_marks[1][1:] + [()]
        after2 = near[2][2:] + [(), ()]
        forms = [w[0][0][2:] for w in words]
        bigrams = [first] + [[b] if keep is None or keep(b) else () for b in
                             ("bg=%s|%s" % pair for pair in zip(forms, forms[1:]))]
        items = [[*own, *om, *b2, *b1, *bm, *a1, *am, *a2, *bg] for own, om, b2, b1, bm, a1, am, a2, bg in
                 zip([w[4] for w in words], own_marks, before2, before, before_marks, after, after_marks, after2,
                     bigrams)]
        return items


def rule_marks(spans: list[tuple[int, int]], mentions) -> list[list[str]]:
    """Per token span, the rule mentions covering it as features: 'rB=PERSON', 'rI=PERSON', and the
    rule's method on the first token ('rm=title'). `mentions`: (start, end, type, method) in the
    same text as `spans`."""
    out: list[list[str]] = [[] for _ in spans]
    starts = [a for a, _ in spans]
    import bisect
    for start, end, typ, method in mentions:
        i = bisect.bisect_right(starts, start) - 1
        first = True
        while 0 <= i < len(spans) and spans[i][0] < end:
            if spans[i][1] > start:
                out[i].append(("rB=" if first else "rI=") + typ)
                if first:
                    out[i].append("rm=" + method.split("+")[0])
                first = False
            i += 1
    return out


def sentence_rule_marks(tokens: list[str]) -> list[list[str]]:
    """rule_marks for a tokenised sentence (training data): the rules run on the tokens joined by spaces."""
    from tasks.entities.mentions import rule_mentions
    spans, pos = [], 0
    for t in tokens:
        spans.append((pos, pos + len(t)))
        pos += len(t) + 1
    text = " ".join(tokens)
    found = rule_mentions("conll", text, [(0, 0, len(text))])
    return rule_marks(spans, [(r[2], r[3], r[5], r[10]) for r in found])


DOC_SENTENCES = 20      # a training "document": ANERcorp marks none; 20 consecutive sentences ~ one story
DOC_MIN_RANK = 500      # stems among the 500 commonest words carry no document evidence


STACK = (0, -1, 1, -2, 2)       # offsets of the pass-1 labels pass 2 sees (label_marks)


def label_mark(offset: int, label: str) -> str:
    return ("p1=" if offset == 0 else "%d:p1=" % offset) + label


def label_marks(labels: list[str]) -> list[list[str]]:
    """Pass-1 labels as pass-2 features (stacking, feature set 4): the token's and its neighbours'
    at -2..+2 ('p1=B-PERS', '-1:p1=O', '2:p1=EOS') and the previous + own label ('p1b=B-ORG|I-ORG')."""
    padded = ["BOS", "BOS"] + labels + ["EOS", "EOS"]
    return [[label_mark(d, padded[j + 2 + d]) for d in STACK] + ["p1b=%s|%s" % (padded[j + 1], padded[j + 2])]
            for j in range(len(labels))]


def doc_marks(sentences: list[list[str]], first_pass: list[list[str]], ranks: dict[str, int] | None = None,
              stems: list[list[str]] | None = None, stacked: bool = True) -> list[list[list[str]]]:
    """Second-pass features: for each token, how the first-pass tagger labelled the same stem
    anywhere in the document ('dB=ORG': began an ORG chunk, 'dI=PERS': inside one), and the same
    for the previous and next token ('-1:dB=PERS'). A name the first pass found once in a clear
    context ('نادي الزمالك') then helps its bare repetitions ('الزمالك'). Then the pass-1 labels
    around the token (label_marks; `stacked=False` leaves them out: the numpy scorer adds them itself)."""
    ranks = word_ranks() if ranks is None else ranks
    if stems is None:
        stems = [[strip_clitics(normalize(t))[2] for t in toks] for toks in sentences]
    memory: dict[str, set[str]] = {}
    for toks, labels in zip(stems, first_pass):
        if labels.count("O") == len(labels):    # no chunk
            continue
        for typ, a, b in spans(labels):
            for k in range(a, b):
                st = toks[k]
                if len(st) > 2 and ranks.get(st, DOC_MIN_RANK) >= DOC_MIN_RANK:
                    memory.setdefault(st, set()).add(("dB=" if k == a else "dI=") + typ)
    own = {st: sorted(fs) for st, fs in memory.items()}
    before = {st: ["-1:" + f for f in fs] for st, fs in own.items()}     # as the previous token's
    after = {st: ["1:" + f for f in fs] for st, fs in own.items()}       # as the next token's
    out = []
    for toks, labels in zip(stems, first_pass):
        labs = label_marks(labels) if stacked else [() for _ in toks]
        if memory.keys().isdisjoint(toks):      # no document evidence in this sentence
            out.append([list(lab) for lab in labs])
            continue
        prev = [()] + [before.get(st, ()) for st in toks[:-1]]
        nxt = [after.get(st, ()) for st in toks[1:]] + [()]
        out.append([[*own.get(st, ()), *p, *q, *lab] for st, p, q, lab in zip(toks, prev, nxt, labs)])
    return out
