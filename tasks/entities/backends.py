"""Entity backends behind one interface (`EntityBackend.extract(articles, sentences)`):

- `RuleBackend` (embedded, no model; `ner_tagger="none"`): gazetteer + patterns + article-level linking
  (tasks/entities/rules/, tasks/entities/link.py) over the `akhbar.text.tokens.tokenize` stream.
- `CrfBackend` (default; tasks/entities/ner/backend.py): the committed CRF tagger for PERSON / ORG /
  LOC, the rule mentions winning on overlap and giving NORP / DATE / TIME / QUANTITY.
- `TransformersBackend`: a local token-classification model directory (a Hugging Face or
  CAMeL Tools NER model saved with `save_pretrained`), selected with EntitiesConfig.ner_model_dir.
  It never downloads anything, imports `transformers` only when used, and either merges its
  spans into the rule output (ner_mode="merge", default: rule mentions win on overlap) or
  replaces it ("replace").

`get_backend` (tasks/entities/stage.py) picks the configured one; this module imports no backend
built on it, so the imports run one way (ner/backend.py -> backends.py).
"""

from __future__ import annotations

from bisect import bisect_left
from itertools import accumulate
from pathlib import Path
from typing import Protocol

import polars as pl

from akhbar.config import EntitiesConfig
from akhbar.ids import stable_id
from akhbar.text.normalise import normalize
from akhbar.text.tokens import repair_splits
from tasks.entities.lexicon import default_gazetteer
from tasks.entities.mentions import (MENTION_COLUMNS, SentenceTokens, empty_entities, mention_frame, rule_mentions,
                                     sentences_by_article)


class EntityBackend(Protocol):
    """Anything that turns articles + sentences into mention rows (MENTION_COLUMNS)."""

    name: str

    def extract(self, articles: pl.DataFrame, sentences: pl.DataFrame) -> pl.DataFrame: ...


class RuleBackend:
    name = "rules"

    def __init__(self, cfg: EntitiesConfig | None = None):
        self.cfg = cfg

    def article_rows(self, article_id: str, text: str, sentences: list[tuple[int, int, int]],
                     splits: list[int] | None = None, tokens: SentenceTokens | None = None) -> list[tuple]:
        """Rule mentions of one article (mentions.rule_mentions); `tokens`: its sentence_tokens if known."""
        return rule_mentions(article_id, text, sentences, splits=splits, cfg=self.cfg, tokens=tokens)

    def extract(self, articles: pl.DataFrame, sentences: pl.DataFrame) -> pl.DataFrame:
        by_article = sentences_by_article(sentences)
        rows: list[tuple] = []
        has_repairs = "repairs" in articles.columns
        cols = ["article_id", "text"] + (["repairs"] if has_repairs else [])
        for row in articles.select(cols).iter_rows(named=True):
            splits = repair_splits(row["repairs"]) if has_repairs else None
            rows.extend(self.article_rows(row["article_id"], row["text"], by_article.get(row["article_id"], []), splits))
        return mention_frame(rows)


# Labels of common Arabic NER models (CAMeLBERT NER, AraBERT ANERcorp, WikiANN) -> our types.
MODEL_LABELS = {"PER": "PERSON", "PERS": "PERSON", "PERSON": "PERSON", "ORG": "ORG", "LOC": "LOC", "GPE": "LOC",
                "NORP": "NORP", "DATE": "DATE", "TIME": "TIME", "QUANTITY": "QUANTITY", "CARDINAL": "QUANTITY"}


class TransformersBackend:
    """A local token-classification model directory. Optional: needs `transformers` (not a dependency)."""

    name = "transformers"

    def __init__(self, model_dir: str | Path, mode: str = "merge", base: EntityBackend | None = None):
        self.model_dir = Path(model_dir)
        if not self.model_dir.is_dir():
            raise FileNotFoundError(f"ner_model_dir: no model directory at {self.model_dir}")
        if mode not in ("merge", "replace"):
            raise ValueError(f"ner_mode must be 'merge' or 'replace', not {mode!r}")
        self.mode, self.base = mode, base or RuleBackend()
        self._pipe = None

    def pipeline(self):
        if self._pipe is None:
            try:
                from transformers import pipeline
            except ImportError as exc:  # pragma: no cover - depends on the environment
                raise RuntimeError("the transformers NER backend needs the `transformers` package "
                                   "(pip install transformers torch); it is not a dependency of akhbar") from exc
            self._pipe = pipeline("token-classification", model=str(self.model_dir), tokenizer=str(self.model_dir),
                                  aggregation_strategy="simple", model_kwargs={"local_files_only": True})
        return self._pipe

    def predict(self, text: str) -> list[dict]:
        """[{'start', 'end', 'entity_group', 'score'}] for one sentence (the HF pipeline's output)."""
        return list(self.pipeline()(text))

    def extract(self, articles: pl.DataFrame, sentences: pl.DataFrame) -> pl.DataFrame:
        by_article = sentences_by_article(sentences)
        gaz = default_gazetteer()
        rows = []
        for aid, text in articles.select("article_id", "text").iter_rows():
            for idx, s, e in by_article.get(aid, []):
                for p in self.predict(text[s:e]):
                    typ = MODEL_LABELS.get(str(p["entity_group"]).upper())
                    if typ is None:
                        continue
                    start, end = s + int(p["start"]), s + int(p["end"])
                    surface = text[start:end]
                    entry = gaz.lookup(tuple(normalize(surface).split()), (typ,))
                    rows.append(dict(article_id=aid, sentence_idx=idx, start=start, end=end, surface=surface,
                                     type=typ, entity_id=entry.entity_id if entry else stable_id(
                                         typ.lower()[:3], normalize(surface)),
                                     canonical_name=entry.canonical_name if entry else surface, role=None,
                                     confidence=round(float(p.get("score", 0.5)), 4), method=f"model:{self.model_dir.name}",
                                     geonames_id=None, lat=None, lon=None, country_code=None))
        schema = {k: v for k, v in empty_entities().schema.items() if k in MENTION_COLUMNS}
        model = pl.DataFrame(rows, schema=schema).select(MENTION_COLUMNS) if rows else pl.DataFrame(schema=schema)
        if self.mode == "replace":
            return model
        return merge_mentions(self.base.extract(articles, sentences), model)


NO_SPANS: tuple[list[int], list[int]] = ([], [])


def merge_mentions(primary: pl.DataFrame, extra: pl.DataFrame) -> pl.DataFrame:
    """primary plus the rows of extra that overlap no primary span of the same article."""
    if extra.is_empty():
        return primary
    spans: dict[str, list[tuple[int, int]]] = {}
    for aid, s, e in primary.select("article_id", "start", "end").iter_rows():
        spans.setdefault(aid, []).append((s, e))
    # per article: the primary starts in order and, for each prefix, the furthest end; a span [s, e)
    # overlaps a primary span iff one that starts before e ends after s (no scan of every pair)
    reach: dict[str, tuple[list[int], list[int]]] = {}
    for aid, found in spans.items():
        found.sort()
        reach[aid] = ([ps for ps, _ in found], list(accumulate((pe for _, pe in found), max)))
    keep = []
    for aid, s, e in extra.select("article_id", "start", "end").iter_rows():
        starts, ends = reach.get(aid, NO_SPANS)
        k = bisect_left(starts, e)        # the primary spans that start before e
        keep.append(k == 0 or ends[k - 1] <= s)
    return pl.concat([primary, extra.filter(pl.Series(keep))]).sort("article_id", "start", "end")
