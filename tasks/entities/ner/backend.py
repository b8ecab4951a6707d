"""`CrfBackend`: the trained tagger decides PERSON / ORG / LOC, the rules stay as overrides.

- Every rule mention is kept: NORP, DATE, TIME and QUANTITY come from the rules alone, and the
  rules' PERSON / ORG / LOC mentions (gazetteer-linked names, titles, organisation heads, place
  cues ...) are high-precision overrides: they win wherever they overlap a model mention.
- Model chunks that overlap no rule mention are added when their confidence (mean marginal of
  their labels) reaches `EntitiesConfig.ner_min_confidence`.
- A model chunk starts after its first token's proclitics the way the rules' mentions do
  ('والعراق' -> 'العراق', 'للعراق' -> 'لعراق', 'لبغداد' -> 'بغداد'), but a letter is only taken
  for a clitic before the article or when what is left is a known name and the whole word is not
  ('فلوريدا', 'وليد' stay whole). Offsets index articles.text; surfaces are text[start:end].
- Vocabulary, not names, is dropped: a one-word model chunk that is a common word (rank <
  EntitiesConfig.ner_common_word_rank in words_ar.txt, with or without its clitics) unless the
  gazetteer knows it or it is a given name without the article ('المدينة' the city, 'الأيمن' the
  right bank, 'ريف' countryside), and a PERSON/LOC chunk whose every word is a lexicon word of a
  VOCABULARY class ('الريف الشرقي': a place cue and a direction).
- Speaker slot (a rule the tagger's training data is too small to learn): 2-3 words between a
  speech verb and a complementiser ('وقال عيد عماش إن', 'وأكد رياك مشار أن') that no rule mention
  covers are a PERSON (replacing model chunks inside the slot) when no word is a lexicon word (titles, nouns, stop words ...), none
  has a plural or nisba ending (ون ين ات ية: 'مسؤولون محليون'), only the last may carry the
  article, and the last word is outside the 40,000 commonest words or the first is a given name
  ('شهود عيان', witnesses, is not a name). Method `speaker_slot`, confidence 0.6.
- Articles are tagged TAG_BATCH at a time (each its own document; the same chunks as one by one).
- Ids: a gazetteer entry's id and canonical name when the surface is in the gazetteer, else a
  stable id of the type and normalised surface (as the rules do); LOC is geocoded by GeoNames name.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import compress, count, islice
from operator import itemgetter

import polars as pl

from akhbar.config import EntitiesConfig
from akhbar.geo import default_index
from akhbar.ids import stable_id
from akhbar.text.normalise import ARABIC_LETTER, normalize
from akhbar.text.tokens import TOKEN, repair_splits
from tasks.entities.backends import RuleBackend, merge_mentions
from tasks.entities.lexicon import default_gazetteer, default_lexicon, name_tokens
from tasks.entities.mentions import (MENTION_COLUMNS, SentenceTokens, empty_entities, mention_frame, sentence_tokens,
                                     sentences_by_article)
from tasks.entities.ner.features import COMPLEMENTISERS, name_lists, strip_clitics, word_ranks
from tasks.entities.ner.model import NerModel, load_model

PREFIX = {"PERSON": "per", "ORG": "org", "LOC": "loc"}
# lexicon classes of words that are vocabulary, not names (entity_lexicon.tsv)
VOCABULARY = frozenset({"LOC_CUE", "PLACE_HEAD", "ORG_HEAD", "DIRECTION", "NOUN", "TITLE", "STOP", "ROLEWORD",
                        "GOV_CUE", "LOCATIVE", "UNIT", "MONTH"})
PLURAL_NISBA = ("ون", "ين", "ات", "يه", "يا")     # normalised endings of plurals and nisba adjectives


NAME_START_MEMO_MAX = 200_000
TAG_BATCH = 64      # articles tagged together (model.articles_mentions: each its own document; fewer numpy steps)


class NameStart:
    """Where a name starts inside its first token (offset in the raw token), memoised per token."""

    def __init__(self):
        self.gaz, self.geo, self.lex = default_gazetteer(), default_index().by_name, default_lexicon()
        lists = name_lists()
        self.first = lists.get("FIRST", frozenset())
        self.names = self.first | lists.get("CITY", frozenset()) | lists.get("COUNTRY", frozenset())
        self.memo: dict[str, int] = {}

    def given_name(self, norm: str) -> bool:
        return norm in self.first or "FIRSTNAME" in self.lex.classes.get(norm, {})

    def known(self, norm: str) -> bool:
        return ((norm,) in self.gaz.all or norm in self.geo or norm in self.names
                or "FIRSTNAME" in self.lex.classes.get(norm, {}))

    def __call__(self, token: str) -> int:
        cut = self.memo.get(token)
        if cut is None:
            if len(self.memo) > NAME_START_MEMO_MAX:     # flat memory on long runs
                self.memo.clear()
            cut = self.memo[token] = self._cut(token)
        return cut

    def _cut(self, token: str) -> int:
        norm = normalize(token)
        if len(norm) != len(token):      # tashkeel or ligatures: offsets would not line up; keep whole
            return 0
        proclitic, article, stem = strip_clitics(norm)
        if not proclitic:
            return 0
        if article:                      # 'والعراق' -> 'العراق'; 'للعراق' -> 'لعراق' (the rules' form)
            return len(proclitic)
        if self.known(norm) or not self.known(norm[len(proclitic):]):
            return 0
        return len(proclitic)


@lru_cache(maxsize=1)
def default_name_start() -> NameStart:
    """One NameStart per process: its lists (the union of the name lists) are built once, not at every
    backend (get_backend builds a backend per stage call)."""
    return NameStart()


class CrfBackend:
    """Rule mentions plus the CRF tagger's PERSON / ORG / LOC chunks (see the module docstring)."""

    name = "crf"

    def __init__(self, cfg: EntitiesConfig | None = None, model: NerModel | None = None,
                 base: RuleBackend | None = None):
        self.cfg = cfg or EntitiesConfig()
        self.model = model or load_model(self.cfg.ner_crf_model)
        self.base = base or RuleBackend(self.cfg)
        self.name_start = default_name_start()
        self.gaz, self.geo = default_gazetteer(), default_index()
        self.ranks = word_ranks()
        self.lex = default_lexicon()

    def common_word(self, surface: str, typ: str = "LOC", norms: tuple[str, ...] | None = None) -> bool:
        """A chunk of vocabulary rather than a name (see the module docstring); `norms`: its name_tokens."""
        norms = name_tokens(surface) if norms is None else norms
        if not norms:
            return False
        listed = self.gaz.lookup(norms)
        if listed is not None and not listed.cue_only:   # cue-only names (outlets such as المدينة) are words too
            return False
        if len(norms) > 1:     # every word a lexicon word (cue, direction, noun ...): 'الريف الشرقي'
            return typ != "ORG" and all(self.vocabulary(n) for n in norms)
        norm = norms[0]
        proclitic, article, stem = strip_clitics(norm)
        if not article and (self.name_start.given_name(stem) or self.name_start.given_name(norm)):
            return False       # a given name; with the article it is a word ('الأيمن': the right one)
        limit = self.cfg.ner_common_word_rank
        return any(self.ranks.get(w, limit) < limit for w in {norm, article + stem, stem})

    def vocabulary(self, norm: str) -> bool:
        found = self.lex.lookup(norm)
        return bool(found) and not VOCABULARY.isdisjoint(found[1]) and "FIRSTNAME" not in found[1]

    def speaker_slots(self, text: str, sentences, splits, tokens: SentenceTokens | None = None
                      ) -> list[tuple[int, int, int]]:
        """(sentence_idx, start, end) of the speaker-slot names of one article (module docstring);
        `tokens`: its sentence_tokens when already computed."""
        out = []
        words = self.model.featurize.words       # the tagger's per-word memo: features, form, stem
        spans_of, strings_of = tokens if tokens is not None else sentence_tokens(text, sentences, splits)
        for (idx, _, _), spans_, strings in zip(sentences, spans_of, strings_of):
            facts = list(map(words.__getitem__, strings))
            speech = list(compress(count(), map(itemgetter(6), facts)))     # the speech verbs
            if not speech:
                continue
            norms = [f[2] for f in facts]
            for i in speech:
                j = next((j for j in range(i + 3, min(len(norms), i + 5)) if norms[j] in COMPLEMENTISERS), None)
                if j is None or any(norms[k] in COMPLEMENTISERS for k in range(i + 1, j)):
                    continue
                if self.is_speaker_name(norms[i + 1:j]):
                    out.append((idx, spans_[i + 1][0], spans_[j - 1][1]))
        return out

    def is_speaker_name(self, words: list[str]) -> bool:
        for k, w in enumerate(words):
            if not w.isalpha() or not ARABIC_LETTER.match(w) or len(w) < 2 or self.lex.lookup(w) and not \
                    self.name_start.given_name(w) or w.endswith(PLURAL_NISBA) and not self.name_start.given_name(w):
                return False
            if w.startswith("ال") and k < len(words) - 1:
                return False
        return words[-1] not in self.ranks or self.name_start.given_name(words[0])

    def model_rows(self, article_id: str, text: str, sentences, splits, rules: dict, found=None,
                   tokens: SentenceTokens | None = None) -> list[tuple]:
        """Model mentions of one article (one document for the tagger's second pass); `rules`:
        sentence_idx -> its rule mentions (start, end, type, method); `found`: the tagger's chunks
        per sentence when already tagged (extract tags articles in batches); `tokens`: the article's
        sentence_tokens when already computed."""
        rows = []
        floor = self.cfg.ner_min_confidence
        if found is None:
            found = self.model.articles_mentions([(text, [(s, e) for _, s, e in sentences], splits,
                                                   [rules.get(idx, []) for idx, _, _ in sentences], tokens)])[0]
        for (idx, _, _), chunks in zip(sentences, found):
            for start, end, typ, conf in chunks:
                if conf < floor:
                    continue
                first = TOKEN.match(text, start, end)
                start += self.name_start(first.group() if first else "")
                if start >= end:
                    continue
                surface = text[start:end]
                norms = name_tokens(surface)
                if self.common_word(surface, typ, norms):
                    continue
                norm = normalize(surface)
                entry = self.gaz.lookup(norms, (typ,))
                eid = entry.entity_id if entry else stable_id(PREFIX[typ], norm)
                canon = entry.canonical_name if entry else surface
                place = (self.geo.for_entity(eid) if entry else None) or (
                    self.geo.lookup(norm) if typ == "LOC" else None)
                rows.append((article_id, idx, start, end, surface, typ, eid, canon, None, conf, "model:crf",
                             (place.geonames_id or None) if place else None, place.lat if place else None,
                             place.lon if place else None, (place.country_code.strip() or None) if place else None))
        taken = [(a, b) for spans_ in rules.values() for a, b, _, _ in spans_]
        for idx, start, end in self.speaker_slots(text, sentences, splits, tokens):
            if not any(start < b and a < end for a, b in taken):      # rules win; the slot beats the model
                rows = [r for r in rows if not (start < r[3] and r[2] < end)]
                surface = text[start:end]
                rows.append((article_id, idx, start, end, surface, "PERSON", stable_id("per", normalize(surface)),
                             surface, None, 0.6, "speaker_slot", None, None, None, None))
        return rows

    def batch_rows(self, batch: list[tuple]) -> list[tuple]:
        """model_rows of several articles (article_id, text, sentences, splits, rules[, tokens]), tagged together."""
        if not batch:
            return []
        found = self.model.articles_mentions([(text, [(s, e) for _, s, e in sents], splits,
                                               [rules.get(idx, []) for idx, _, _ in sents], *tokens)
                                              for _, text, sents, splits, rules, *tokens in batch])
        return [row for (aid, text, sents, splits, rules, *tokens), f in zip(batch, found)
                for row in self.model_rows(aid, text, sents, splits, rules, found=f, tokens=tokens[0] if tokens else None)]

    def extract(self, articles: pl.DataFrame, sentences: pl.DataFrame) -> pl.DataFrame:
        """TAG_BATCH articles at a time: each tokenized once (for the rules, the tagger and the speaker
        slots), the rules first, then the tagger on the batch, the rule mentions winning on overlap."""
        by_article = sentences_by_article(sentences)
        has_repairs = "repairs" in articles.columns
        cols = ["article_id", "text"] + (["repairs"] if has_repairs else [])
        found: list[tuple] = []
        rows: list[tuple] = []
        todo = articles.select(cols).iter_rows()
        while chunk := list(islice(todo, TAG_BATCH)):
            batch = []
            for aid, text, *repairs in chunk:
                splits = repair_splits(repairs[0]) if has_repairs else None
                sents = by_article.get(aid, [])
                tokens = sentence_tokens(text, sents, splits)
                mine = self.base.article_rows(aid, text, sents, splits, tokens)
                found += mine
                spans_: dict[int, list] = {}
                for r in mine:    # article_id, sentence_idx, start, end, surface, type ... method (MENTION_COLUMNS)
                    spans_.setdefault(r[1], []).append((r[2], r[3], r[5], r[10]))
                batch.append((aid, text, sents, splits, spans_, tokens))
            rows.extend(self.batch_rows(batch))
        rules = mention_frame(found)
        if not rows:
            return rules
        schema = {k: v for k, v in empty_entities().schema.items() if k in MENTION_COLUMNS}
        model = pl.DataFrame(rows, schema=list(schema.items()), orient="row").select(MENTION_COLUMNS)
        return merge_mentions(rules, model)
