"""The committed CRF tagger (akhbar/resources/models/ner.crfsuite): loading once per process,
tagging token lists, and character-exact mentions over article text.

Labels are ANERcorp's (B-/I- PERS, LOC, ORG, MISC); `ANER_TYPES` maps them to the project's
types and MISC is dropped.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pycrfsuite

from akhbar.resources import resource_path
from akhbar.text.tokens import tokenize
from tasks.entities.ner.conll import ANER_TYPES, spans
from tasks.entities.ner.features import Featurizer, rule_marks, sentence_rule_marks

MODEL = "models/ner.crfsuite"
CARD = "models/ner.json"


def default_model_path() -> Path:
    return Path(str(resource_path(MODEL)))


class NerModel:
    """A CRF model file and the featurizer it was trained with."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else default_model_path()
        if not self.path.is_file():
            raise FileNotFoundError(f"NER model: no file at {self.path} (build it with `akhbar train ner`)")
        self.tagger = pycrfsuite.Tagger()
        self.tagger.open(str(self.path))
        self.featurize = Featurizer()

    def card(self) -> dict:
        card = self.path.with_suffix(".json")
        return json.loads(card.read_text(encoding="utf-8")) if card.is_file() else {}

    def tag(self, tokens: list[str], rules: list[list[str]] | None = None) -> list[str]:
        """BIO labels of one sentence's tokens. `rules`: the rule tagger's marks per token
        (features.rule_marks); None runs the rules on the tokens joined by spaces (as in training)."""
        if not tokens:
            return []
        return self.tagger.tag(self.featurize(tokens, sentence_rule_marks(tokens) if rules is None else rules))

    def tag_marginals(self, tokens: list[str], rules: list[list[str]] | None = None
                      ) -> tuple[list[str], list[float]]:
        """Labels and the marginal probability of each token's label (the model's confidence)."""
        labels = self.tag(tokens, rules)
        return labels, [self.tagger.marginal(lab, i) for i, lab in enumerate(labels)]

    def mentions(self, text: str, start: int = 0, end: int | None = None, splits=None, rules=None
                 ) -> list[tuple[int, int, str, float]]:
        """(start, end, project type, confidence) of each PERSON/ORG/LOC chunk in text[start:end];
        offsets index `text`, so text[s:e] is the mention's surface exactly. Confidence: the
        mean marginal of the chunk's token labels. `rules`: the rule mentions of the sentence as
        (start, end, type, method) offsets into `text` (None: the rules run on the sentence)."""
        spans_ = tokenize(text, start, end, splits)
        if not spans_:
            return []
        if rules is None:
            from tasks.entities.mentions import rule_mentions
            end_ = len(text) if end is None else end
            rules = [(r[2], r[3], r[5], r[10]) for r in rule_mentions("", text, [(0, start, end_)], splits=splits)]
        labels, probs = self.tag_marginals([text[a:b] for a, b in spans_], rule_marks(spans_, rules))
        out = []
        for typ, i, j in sorted(spans(labels), key=lambda s: s[1]):
            kind = ANER_TYPES.get(typ)
            if kind is not None:
                out.append((spans_[i][0], spans_[j - 1][1], kind, round(sum(probs[i:j]) / (j - i), 4)))
        return out


@lru_cache(maxsize=2)
def load_model(path: str | None = None) -> NerModel:
    """The model at `path` (default: the committed one), loaded once per process."""
    return NerModel(path)
