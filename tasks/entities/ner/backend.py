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
- A one-word model chunk that is a common word of the language (rank < EntitiesConfig.
  ner_common_word_rank in words_ar.txt, with or without its clitics) is dropped unless the
  gazetteer knows it or it is a given name: 'المدينة' (the city), 'الأيمن' (the right bank), 'ريف' (countryside).
- Ids: a gazetteer entry's id and canonical name when the surface is in the gazetteer, else a
  stable id of the type and normalised surface (as the rules do); LOC is geocoded by GeoNames name.
"""

from __future__ import annotations

import polars as pl

from akhbar.config import EntitiesConfig
from akhbar.geo import default_index
from akhbar.ids import stable_id
from akhbar.text.normalise import normalize
from akhbar.text.tokens import TOKEN, repair_splits
from tasks.entities.backends import RuleBackend, merge_mentions
from tasks.entities.lexicon import default_gazetteer, default_lexicon, name_tokens
from tasks.entities.mentions import MENTION_COLUMNS, empty_entities, sentences_by_article
from tasks.entities.ner.features import name_lists, strip_clitics, word_ranks
from tasks.entities.ner.model import NerModel, load_model

PREFIX = {"PERSON": "per", "ORG": "org", "LOC": "loc"}


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


class CrfBackend:
    """Rule mentions plus the CRF tagger's PERSON / ORG / LOC chunks (see the module docstring)."""

    name = "crf"

    def __init__(self, cfg: EntitiesConfig | None = None, model: NerModel | None = None,
                 base: RuleBackend | None = None):
        self.cfg = cfg or EntitiesConfig()
        self.model = model or load_model(self.cfg.ner_crf_model)
        self.base = base or RuleBackend(self.cfg)
        self.name_start = NameStart()
        self.gaz, self.geo = default_gazetteer(), default_index()
        self.ranks = word_ranks()

    def common_word(self, surface: str) -> bool:
        """A one-word surface that is a common word (see the module docstring) and no gazetteer name."""
        norm = normalize(surface)
        if " " in surface.strip() or (norm,) in self.gaz.all:
            return False
        proclitic, article, stem = strip_clitics(norm)
        if self.name_start.given_name(stem) or self.name_start.given_name(norm):
            return False
        limit = self.cfg.ner_common_word_rank
        return any(self.ranks.get(w, limit) < limit for w in {norm, article + stem, stem})

    def model_rows(self, article_id: str, text: str, sentences, splits, rules: dict) -> list[tuple]:
        """Model mentions of one article (one document for the tagger's second pass); `rules`:
        sentence_idx -> its rule mentions (start, end, type, method)."""
        rows = []
        floor = self.cfg.ner_min_confidence
        found = self.model.article_mentions(text, [(s, e) for _, s, e in sentences], splits,
                                            [rules.get(idx, []) for idx, _, _ in sentences])
        for (idx, _, _), chunks in zip(sentences, found):
            for start, end, typ, conf in chunks:
                if conf < floor:
                    continue
                first = TOKEN.match(text, start, end)
                start += self.name_start(first.group() if first else "")
                if start >= end:
                    continue
                surface = text[start:end]
                if self.common_word(surface):
                    continue
                norm = normalize(surface)
                entry = self.gaz.lookup(name_tokens(surface), (typ,))
                eid = entry.entity_id if entry else stable_id(PREFIX[typ], norm)
                canon = entry.canonical_name if entry else surface
                place = (self.geo.for_entity(eid) if entry else None) or (
                    self.geo.lookup(norm) if typ == "LOC" else None)
                rows.append((article_id, idx, start, end, surface, typ, eid, canon, None, conf, "model:crf",
                             (place.geonames_id or None) if place else None, place.lat if place else None,
                             place.lon if place else None, (place.country_code.strip() or None) if place else None))
        return rows

    def extract(self, articles: pl.DataFrame, sentences: pl.DataFrame) -> pl.DataFrame:
        rules = self.base.extract(articles, sentences)
        by_article = sentences_by_article(sentences)
        rule_spans: dict[str, dict[int, list]] = {}
        for aid, idx, s, e, typ, method in rules.select("article_id", "sentence_idx", "start", "end", "type",
                                                        "method").iter_rows():
            rule_spans.setdefault(aid, {}).setdefault(idx, []).append((s, e, typ, method))
        has_repairs = "repairs" in articles.columns
        rows: list[tuple] = []
        cols = ["article_id", "text"] + (["repairs"] if has_repairs else [])
        for row in articles.select(cols).iter_rows(named=True):
            splits = repair_splits(row["repairs"]) if has_repairs else None
            rows.extend(self.model_rows(row["article_id"], row["text"], by_article.get(row["article_id"], []), splits,
                                        rule_spans.get(row["article_id"], {})))
        if not rows:
            return rules
        schema = {k: v for k, v in empty_entities().schema.items() if k in MENTION_COLUMNS}
        model = pl.DataFrame(rows, schema=list(schema.items()), orient="row").select(MENTION_COLUMNS)
        return merge_mentions(rules, model)
