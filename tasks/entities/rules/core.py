"""The rule backend's core: the token stream of one article and the mentions found so far.

Token predicates and span bookkeeping shared by every rule group (tasks/entities/rules/*.py).
"""

from __future__ import annotations

from functools import partial
from itertools import compress
from typing import Iterable, Iterator

from akhbar.text.tokens import tokenize
from akhbar.config import EntitiesConfig
from akhbar.perf import Memo
from tasks.entities.lexicon import Gazetteer, Lexicon, frequent_words
from tasks.entities.rules.tokens import (Mention, TokenFacts, class_bits, token_facts, word_offset)


DEFAULT_CONFIG = EntitiesConfig()


class RuleCore:
    """Token stream of one article plus the mentions found so far."""

    def __init__(self, text: str, sentences: list[tuple[int, int, int]], gaz: Gazetteer, lex: Lexicon,
                 splits: list[int] | None = None, cfg: EntitiesConfig | None = None, tokens=None):
        # splits: offsets where segment repaired a glued word ('الولاياتالمتحدة'), so the
        # token stream sees two words while offsets stay true to the stored text.
        # tokens: the sentences' (token spans, token strings) when already tokenized (mentions.sentence_tokens)
        self.text, self.gaz, self.lex = text, gaz, lex
        self.cfg = cfg = cfg or DEFAULT_CONFIG
        self.frequent = frequent_words(cfg.frequent_words)     # too common to be an unknown part of a name
        self.all_words = frequent_words(None)                  # every ranked word (words_ar.txt)
        spans: list[tuple[int, int]] = []
        self.sent: list[int] = []                 # per token: its sentence_idx
        self.sent_range: list[tuple[int, int]] = []   # per token: the token range of its sentence
        self.bounds: list[tuple[int, int]] = []   # token range of each sentence
        self.sent_ids: list[int] = []
        per_sentence = tokens[0] if tokens is not None else (tokenize(text, s, e, splits) for _, s, e in sentences)
        for (s_idx, _, _), sentence_spans in zip(sentences, per_sentence):
            first = len(spans)
            spans += sentence_spans
            n = len(spans) - first
            self.sent += [s_idx] * n
            self.sent_range += [(first, len(spans))] * n
            self.bounds.append((first, len(spans)))
            self.sent_ids.append(s_idx)
        self.starts: list[int] = [a for a, _ in spans]
        self.ends: list[int] = [b for _, b in spans]
        self.raw = [t for ts in tokens[1] for t in ts] if tokens is not None else [text[a:b] for a, b in spans]
        if lex.facts is None or len(lex.facts) > self.cfg.token_memo_max:
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
