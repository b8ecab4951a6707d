"""Training the CRF tagger deterministically: sorted, fixed inputs, fixed parameters, one thread.

`train_ner(data, out)` reads ANERcorp's train part (CoNLL), holds out the dev split
(tasks.entities.ner.conll.split), trains python-crfsuite (L-BFGS, L1 c1 + L2 c2, features seen
fewer than `min_freq` times dropped) on the rest, scores dev, and writes the model and its card
(training data sha256, feature set version, parameters, dev P/R/F1 per type).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pycrfsuite

from tasks.entities.ner.conll import DEV_BLOCK, DEV_EVERY, Sentence, file_sha256, read_conll, score, split
from tasks.entities.ner.features import FEATURE_VERSION, Featurizer, sentence_rule_marks

PARAMS = dict(c1=0.05, c2=0.01, max_iterations=150, feature_minfreq=2)


def fit(sentences: list[Sentence], model_path: Path, params: dict | None = None, featurize=None) -> None:
    """Train on `sentences` and write the model file (crfsuite is single-threaded and deterministic)."""
    params = {**PARAMS, **(params or {})}
    featurize = featurize or Featurizer()
    trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=False)
    for sent in sentences:
        tokens = [t for t, _ in sent]
        trainer.append(featurize(tokens, sentence_rule_marks(tokens)), [lab for _, lab in sent])
    trainer.set_params({"c1": params["c1"], "c2": params["c2"], "max_iterations": params["max_iterations"],
                        "feature.minfreq": params["feature_minfreq"], "feature.possible_transitions": True})
    model_path.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(model_path))


def evaluate_file(model_path: Path, sentences: list[Sentence], featurize=None) -> dict:
    featurize = featurize or Featurizer()
    tagger = pycrfsuite.Tagger()
    tagger.open(str(model_path))
    pred = []
    for s in sentences:
        tokens = [t for t, _ in s]
        pred.append(tagger.tag(featurize(tokens, sentence_rule_marks(tokens))))
    tagger.close()
    return score([[lab for _, lab in s] for s in sentences], pred)


def train_ner(data: Path, out: Path, params: dict | None = None, limit: int | None = None) -> dict:
    """Train on `data` minus its dev split, write `out` (.crfsuite) and its card (`out` with .json);
    return the card. `limit`: use only the first N sentences (tests)."""
    params = {**PARAMS, **(params or {})}
    sentences = read_conll(data)[:limit] if limit else read_conll(data)
    train, dev = split(sentences)
    featurize = Featurizer()
    began = time.perf_counter()
    fit(train, out, params, featurize)
    seconds = round(time.perf_counter() - began, 1)
    dev_scores = evaluate_file(out, dev, featurize) if dev else {}
    card = dict(
        model="CRF (python-crfsuite, L-BFGS) BIO tagger for PERS/LOC/ORG/MISC",
        training_data=dict(file=data.name, sha256=file_sha256(data), sentences=len(sentences),
                           limit=limit, train_sentences=len(train), dev_sentences=len(dev),
                           train_tokens=sum(map(len, train)), dev_tokens=sum(map(len, dev))),
        dev_split=f"blocks of {DEV_BLOCK} consecutive sentences in file order; block k is dev when "
                  f"k % {DEV_EVERY} == {DEV_EVERY - 1} ({100 / DEV_EVERY:.1f}%)",
        feature_set=FEATURE_VERSION, params=params, train_seconds=seconds, model_bytes=out.stat().st_size,
        dev=dev_scores,
        licence="Derived from ANERcorp (Benajiba, Rosso and Benedi Ruiz 2007; CAMeL Lab splits, Obeid et al. "
                "2020), CC BY-SA 4.0: this model is a derived work under CC BY-SA 4.0.")
    out.with_suffix(".json").write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return card
