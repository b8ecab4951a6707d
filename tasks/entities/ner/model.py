"""The committed CRF tagger (akhbar/resources/models/ner.crfsuite + ner_pass1.crfsuite): loading
once per process, tagging documents in two passes, and character-exact mentions over article text.

Pass 1 tags each sentence from its own features; pass 2 adds what pass 1 said about the same
stems elsewhere in the document (features.doc_marks) and gives the labels. A model with a
ner_pass2.crfsuite beside it (a third pass, stacking once more) tags pass 1 -> pass 2 (that file)
-> the main file, which sees pass 2's labels the way pass 2 sees pass 1's. Labels are ANERcorp's
(B-/I- PERS, LOC, ORG, MISC; a model trained on BIOES labels gives them out as BIO, its marginals
those of its own labels); `ANER_TYPES` maps them to the project's types and MISC is dropped.
"""

from __future__ import annotations

import json
import threading
from functools import lru_cache
from operator import itemgetter
from pathlib import Path

import numpy as np
import pycrfsuite

from akhbar.resources import resource_path
from akhbar.text.tokens import tokenize
from tasks.entities.ner.clusters import clusters_path, read_clusters
from tasks.entities.ner.conll import ANER_TYPES, encoding_of, relabel, spans
from tasks.entities.ner.features import STACK, Featurizer, doc_marks, label_mark, rule_marks, sentence_rule_marks
from tasks.entities.ner.memory import NameMemory, memory_path
from tasks.entities.ner.scorer import CrfWeights, DocumentScorer, LabelScores, marginals, viterbi

MODEL = "models/ner.crfsuite"


def default_model_path() -> Path:
    return Path(str(resource_path(MODEL)))


def pass1_path(path: Path) -> Path:
    return path.with_name(path.stem + "_pass1.crfsuite")


def pass2_path(path: Path) -> Path:
    """The middle pass of a three-pass model (absent for two passes)."""
    return path.with_name(path.stem + "_pass2.crfsuite")


def open_tagger(path: Path) -> pycrfsuite.Tagger:
    tagger = pycrfsuite.Tagger()
    tagger.open(str(path))
    return tagger


class NerModel:
    """A CRF model file (its first-pass model, word clusters and name memory beside it, when trained
    with them) and the featurizer."""

    def __init__(self, path: str | Path | None = None, label_bias: dict[str, float] | None = None):
        self.path = Path(path) if path else default_model_path()
        if not self.path.is_file():
            raise FileNotFoundError(f"NER model: no file at {self.path} (build it with `akhbar train ner`)")
        self.first_path = pass1_path(self.path)
        self.two_pass = self.first_path.is_file()
        self.middle_path = pass2_path(self.path)
        middle = self.two_pass and self.middle_path.is_file()
        self._local = threading.local()          # a crfsuite Tagger holds its last sequence: one per thread
        # the numpy scorer of the last pass, pass 1 and (three passes) pass 2: their weights side by side
        self.scorer = DocumentScorer([CrfWeights(p) for p in (self.path, self.first_path, self.middle_path)[
            :1 + self.two_pass + middle]])
        known = frozenset(self.scorer.attrs)
        # the stacked passes after pass 1, in order (scorer model indices: [2, 0] or [0])
        self.stacked = [2, 0] if middle else [0]
        # the previous pass's labels as each stacked pass's features (feature set 4), scored in numpy
        self.label_scores = {k: LabelScores(self.scorer, k, self.scorer.models[prev].labels, label_mark, STACK)
                             for k, prev in zip(self.stacked, [1] + self.stacked)} if self.two_pass else {}
        # the labels it was trained on: BIO, or BIOES (S- one-token chunk, E- last token) given out as BIO
        self.encoding = encoding_of(self.scorer.models[0].labels)
        # the word clusters and name memory trained with it (feature set 3), when beside the model
        clusters = read_clusters(clusters_path(self.path)) if clusters_path(self.path).is_file() else None
        memory = NameMemory.read(memory_path(self.path)) if memory_path(self.path).is_file() else None
        # features no model knows are left out (crfsuite would drop them)
        self.featurize = Featurizer(known, clusters, memory)
        # the last pass's per-type label bias (card params["label_bias"], chosen on inner folds), or `label_bias`
        self.set_label_bias(self.card().get("params", {}).get("label_bias") if label_bias is None else label_bias)

    def set_label_bias(self, label_bias: dict[str, float] | None) -> None:
        """Add label_bias[TYPE] to the last pass's state score of every TYPE label (B-ORG, I-ORG for
        'ORG'; 'O' for O) at every token before decoding: a recall / precision trade-off of the
        trained weights (Minkov et al. 2006), in the numpy engine only (crfsuite's tagger, the
        reference, decodes the trained weights alone). None or all zeros: no bias."""
        self.label_bias = dict(label_bias or {})
        bias = np.array([self.label_bias.get(label_type(lab), 0.0) for lab in self.scorer.models[0].labels])
        self.bias = bias if bias.any() else None

    def taggers(self) -> tuple[pycrfsuite.Tagger, pycrfsuite.Tagger | None]:
        """(pass 2, pass 1 or None) crfsuite taggers of the calling thread, opened on its first call (the
        reference engine of tag_document)."""
        local = self._local
        if not hasattr(local, "tagger"):
            local.tagger = open_tagger(self.path)
            local.pass1 = open_tagger(self.first_path) if self.two_pass else None
            local.pass2 = open_tagger(self.middle_path) if self.stacked[0] else None
        return local.tagger, local.pass1

    def card(self) -> dict:
        card = self.path.with_suffix(".json")
        return json.loads(card.read_text(encoding="utf-8")) if card.is_file() else {}

    def tag_document(self, sentences: list[list[str]], rules: list[list[list[str]] | None] | None = None,
                     named_only: bool = False, engine: str = "numpy") -> tuple[list[list[str]], list[list[float | None]]]:
        """Labels and label marginals of each sentence of one document. `rules`: per sentence, the
        rule tagger's marks per token (features.rule_marks); None runs the rules on each sentence's
        tokens joined by spaces (as in training). `named_only`: marginals of the tokens labelled O
        are None (not computed). `engine`: "numpy" (scorer.py, the default) or "crfsuite" (the
        reference: the same labels, marginals equal to 1e-9)."""
        rules = rules or [None] * len(sentences)
        if engine == "crfsuite":
            return self._tag_crfsuite(sentences, rules, named_only)
        return self.tag_documents([(sentences, rules)], named_only)[0]

    def tag_documents(self, docs: list[tuple[list[list[str]], list]], named_only: bool = False
                      ) -> list[tuple[list[list[str]], list[list[float | None]]]]:
        """tag_document of several documents (sentences, rules) at once: each document's pass 2 sees its
        own pass-1 labels only; the scores of all their sentences are decoded together (fewer numpy steps)."""
        featurize, scorer = self.featurize, self.scorer
        where = [(d, k) for d, (sents, _) in enumerate(docs) for k, toks in enumerate(sents) if toks]
        toks = [docs[d][0][k] for d, k in where]
        parts = [featurize.parts(t, sentence_rule_marks(t) if docs[d][1][k] is None else docs[d][1][k])
                 for t, (d, k) in zip(toks, where)]
        lengths = [len(t) for t in toks]
        out = [([[] for _ in sents], [[] for _ in sents]) for sents, _ in docs]
        if not where:
            return out
        scores = scorer(toks, parts)
        if self.two_pass:
            labels = viterbi(scorer.models[1], scores[:, scorer.cols[1]], lengths)
            stems = [list(map(itemgetter(3), words)) for words, _ in parts]
            by_doc: dict[int, list[int]] = {}
            for j, (d, _) in enumerate(where):
                by_doc.setdefault(d, []).append(j)
            for k in self.stacked:
                marks: list[list[str]] = []
                for mine in by_doc.values():     # in document order, as `where`; the label marks in numpy below
                    for ms in doc_marks([toks[j] for j in mine], [labels[j] for j in mine], featurize.ranks,
                                        [stems[j] for j in mine], stacked=False):
                        marks += ms
                second = scorer.add(scores, k, marks) + self.label_scores[k](labels)
                if k:
                    labels = viterbi(scorer.models[k], second, lengths)
        else:
            second = scores[:, scorer.cols[0]]
        weights = scorer.models[0]
        if self.bias is not None:
            second = second + self.bias
        found = viterbi(weights, second, lengths)
        want = [j for j, labs in enumerate(found) if not named_only or labs.count("O") < len(labs)]
        probs_of = {}
        if want:
            bounds = np.cumsum([0] + lengths)
            rows = np.concatenate([np.arange(bounds[j], bounds[j + 1]) for j in want])
            probs_of = dict(zip(want, marginals(weights, second[rows], [lengths[j] for j in want])))
        column = {lab: i for i, lab in enumerate(weights.labels)}
        for j, ((d, k), labs) in enumerate(zip(where, found)):
            p = probs_of.get(j)
            out[d][0][k] = labs if self.encoding == "bio" else relabel(labs, "bio")
            if p is None:
                out[d][1][k] = [None] * len(labs)
                continue
            probs = p[np.arange(len(labs)), list(map(column.__getitem__, labs))].tolist()
            out[d][1][k] = [None if lab == "O" else v for v, lab in zip(probs, labs)] if named_only else probs
        return out

    def _tag_crfsuite(self, sentences, rules, named_only):
        """tag_document through crfsuite's own tagger (the reference the numpy scorer matches; the
        trained weights alone, without label_bias)."""
        tagger, pass1 = self.taggers()
        feats = [self.featurize(toks, sentence_rule_marks(toks) if r is None else r) if toks else []
                 for toks, r in zip(sentences, rules)]
        seqs = [pycrfsuite.ItemSequence(f) if f else None for f in feats]    # converted once for both passes
        if pass1 is not None:
            first = [pass1.tag(q) if q is not None else [] for q in seqs]
            words, keep = self.featurize.words, self.featurize.keep
            stems = [[words[t][3] for t in toks] for toks in sentences]
            base = [[list(item) for item in f] for f in feats] if self.stacked[0] else feats
            for middle in ([self._local.pass2] if self.stacked[0] else []) + [None]:
                feats = [[list(item) for item in f] for f in base] if middle is not None else base
                for k, extra in enumerate(doc_marks(sentences, first, self.featurize.ranks, stems)):
                    if any(extra):
                        for item, more in zip(feats[k], extra):
                            if more:
                                item += more if keep is None else [m for m in more if keep(m)]
                        seqs[k] = pycrfsuite.ItemSequence(feats[k])
                if middle is not None:
                    first = [middle.tag(q) if q is not None else [] for q in seqs]
        labels, probs = [], []
        for q in seqs:
            if q is None:
                labels.append([])
                probs.append([])
                continue
            labs = tagger.tag(q)
            labels.append(labs if self.encoding == "bio" else relabel(labs, "bio"))
            probs.append([None if named_only and lab == "O" else tagger.marginal(lab, i) for i, lab in enumerate(labs)])
        return labels, probs

    def tag(self, tokens: list[str], rules: list[list[str]] | None = None) -> list[str]:
        """BIO labels of one sentence's tokens (a one-sentence document)."""
        return self.tag_document([tokens], [rules])[0][0] if tokens else []

    def article_mentions(self, text: str, sentences: list[tuple[int, int]], splits=None,
                         rules: list[list[tuple]] | None = None) -> list[list[tuple[int, int, str, float]]]:
        """Per sentence (start, end) of `text`: its (start, end, project type, confidence) chunks,
        offsets into `text` (text[s:e] is the surface). Confidence: the mean marginal of the chunk's
        labels. `rules`: per sentence, the rule mentions as (start, end, type, method) in `text`
        (None: the rules run on the article's sentences)."""
        return self.articles_mentions([(text, sentences, splits, rules)])[0]

    def articles_mentions(self, articles: list[tuple]) -> list[list[list[tuple[int, int, str, float]]]]:
        """article_mentions of several articles (text, sentences, splits, rules[, tokens]), tagged together
        (each article one document). `tokens`: the sentences' (token spans, token strings) when already
        tokenized (tasks/entities/mentions.py sentence_tokens)."""
        spans_of, docs = [], []
        for text, sentences, splits, rules, *tokenized in articles:
            known = tokenized[0] if tokenized else None
            token_spans = known[0] if known is not None else [tokenize(text, s, e, splits) for s, e in sentences]
            if rules is None:
                from tasks.entities.mentions import rule_mentions
                found = rule_mentions("", text, [(i, s, e) for i, (s, e) in enumerate(sentences)], splits=splits)
                rules = [[] for _ in sentences]
                for r in found:
                    rules[r[1]].append((r[2], r[3], r[5], r[10]))
            spans_of.append(token_spans)
            docs.append((known[1] if known is not None else [[text[a:b] for a, b in sp] for sp in token_spans],
                         [rule_marks(sp, r) for sp, r in zip(token_spans, rules)]))
        return [self._chunks(sps, *tagged) for sps, tagged in zip(spans_of, self.tag_documents(docs, named_only=True))]

    @staticmethod
    def _chunks(token_spans, labels, probs) -> list[list[tuple[int, int, str, float]]]:
        out = []
        for sp, labs, ps in zip(token_spans, labels, probs):
            found_ = []
            if labs.count("O") == len(labs):       # no chunk
                out.append(found_)
                continue
            for typ, i, j in sorted(spans(labs), key=lambda c: c[1]):
                kind = ANER_TYPES.get(typ)
                if kind is not None:
                    found_.append((sp[i][0], sp[j - 1][1], kind, round(sum(ps[i:j]) / (j - i), 4)))
            out.append(found_)
        return out

    def mentions(self, text: str, start: int = 0, end: int | None = None, splits=None, rules=None
                 ) -> list[tuple[int, int, str, float]]:
        """article_mentions of text[start:end] as one sentence."""
        end = len(text) if end is None else end
        return self.article_mentions(text, [(start, end)], splits, None if rules is None else [rules])[0]


def label_type(label: str) -> str:
    """'B-ORG' -> 'ORG', 'O' -> 'O' (BIO and BIOES labels)."""
    return label.split("-", 1)[1] if "-" in label else label


@lru_cache(maxsize=2)
def load_model(path: str | None = None) -> NerModel:
    """The model at `path` (default: the committed one), loaded once per process."""
    model = NerModel(path)
    LOADED.append(model)
    del LOADED[:-2]                  # the models load_model's cache holds
    return model


LOADED: list[NerModel] = []


def forget_memos() -> None:
    """Empty the per-word memos of the loaded models (features, score rows): the next call
    recomputes what it needs, with the same result."""
    for model in LOADED:
        model.featurize.forget()
        model.scorer.forget()
