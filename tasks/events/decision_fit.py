"""Fitting the learned salience decision (tasks/events/decision.py): an L2 logistic regression over
binary features, full-batch gradient descent with momentum (numpy, deterministic), the threshold
and the regularisation picked by k-fold cross-validation on the training sentences only.

A candidate is one factual ASSAULT/PROTEST event row; its label is its sentence's gold label. A
sentence is predicted positive when one of its candidates reaches the threshold, so thresholds
are chosen on sentence-level F1 (sentences with no candidate count as misses).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

ITERATIONS, STEP, MOMENTUM = 400, 0.5, 0.9
MIN_COUNT = 2                     # a feature seen in fewer training candidates is dropped
L2_GRID = (0.01, 0.03, 0.1)       # per-candidate L2 weights tried by cross-validation (all reported on the card)
L2_KEPT = 0.03                    # the L2 used; None: the grid's best. events5 kept 0.01 against cross-validation
                                  # (0.03 called 4 plain written attack reports background); since events6 those
                                  # reports are kept main (decision.kept_main) and 0.03, the grid's best on tune, calls
                                  # the written sentences as 0.01 does (18 / 20 and 22 / 26). events13: with its (reverted)
                                  # protesters-acting rule 0.01 and 0.03 tied on tune CV and 0.01 called one more
                                  # written sentence wrong (salience_8 20 / 24 vs 21 / 24); without it 0.03 is the
                                  # grid's best (PROTEST 0.552 vs 0.527): 0.03 is kept
FOLDS, REPEATS = 5, 6             # 5-fold cross-validation, repeated with 6 fold assignments: with 3 the
                                  # chosen threshold flipped between 0.30 and 0.35 on noise (events5)
THRESHOLDS = tuple(round(0.05 * k, 2) for k in range(2, 19))


@dataclass
class Candidate:
    sentence: str                 # sentence id
    etype: str
    gold: bool
    feats: list[str]
    kept: bool = False            # kept main whatever the model says (decision.kept_main): scored 1.0, still trained on


def fold_of(sentence_id: str, repeat: int = 0) -> int:
    return hashlib.sha1(f"akhbar-fold{repeat}:{sentence_id}".encode()).digest()[0] % FOLDS


def fit(cands: list[Candidate], l2: float) -> dict:
    """Weights {'weights': {feature: w}, 'bias': b} of the logistic regression on `cands`."""
    counts: dict[str, int] = {}
    for c in cands:
        for f in set(c.feats):
            counts[f] = counts.get(f, 0) + 1
    vocab = sorted(f for f, n in counts.items() if n >= MIN_COUNT)
    index = {f: k for k, f in enumerate(vocab)}
    rows, cols = [], []
    for r, c in enumerate(cands):
        for k in sorted({index[f] for f in c.feats if f in index}):
            rows.append(r)
            cols.append(k)
    rows_a, cols_a = np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)
    y = np.array([c.gold for c in cands], dtype=np.float64)
    n, d = len(cands), len(vocab)
    w, b = np.zeros(d), float(np.log((y.mean() + 1e-3) / (1 - y.mean() + 1e-3)))
    vw, vb = np.zeros(d), 0.0
    for _ in range(ITERATIONS):
        z = np.bincount(rows_a, weights=w[cols_a], minlength=n) + b
        g = (1.0 / (1.0 + np.exp(-np.clip(z, -30, 30))) - y) / n
        gw = np.bincount(cols_a, weights=g[rows_a], minlength=d) + l2 * w
        vw = MOMENTUM * vw - STEP * gw
        vb = MOMENTUM * vb - STEP * float(g.sum())
        w, b = w + vw, b + vb
    return {"weights": {f: round(float(x), 5) for f, x in zip(vocab, w) if abs(x) >= 1e-4}, "bias": round(b, 5)}


def scores(model: dict, cands: list[Candidate]) -> list[float]:
    weights, bias = model["weights"], model["bias"]
    out = []
    for c in cands:
        z = bias + sum(weights.get(f, 0.0) for f in c.feats)
        out.append(1.0 if c.kept else 1.0 / (1.0 + np.exp(-max(-30.0, min(30.0, z)))))
    return out


def sentence_f1(cands: list[Candidate], probs: list[float], threshold: float, positives: int) -> dict:
    """Sentence-level P/R/F1 of one type: `positives` = gold-positive sentences of the type in the set."""
    best: dict[str, tuple[float, bool]] = {}
    for c, p in zip(cands, probs):
        old = best.get(c.sentence)
        best[c.sentence] = (max(p, old[0]) if old else p, c.gold)
    tp = sum(1 for p, g in best.values() if p >= threshold and g)
    fp = sum(1 for p, g in best.values() if p >= threshold and not g)
    fn = positives - tp
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / positives if positives else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"precision": round(prec, 3), "recall": round(rec, 3), "f1": round(f1, 3), "tp": tp, "fp": fp, "fn": fn}


def out_of_fold(cands: list[Candidate], l2: float, repeat: int = 0) -> list[float]:
    """Each candidate's probability from the model fitted on the other folds."""
    probs = [0.0] * len(cands)
    for k in range(FOLDS):
        train = [c for c in cands if fold_of(c.sentence, repeat) != k]
        held = [j for j, c in enumerate(cands) if fold_of(c.sentence, repeat) == k]
        m = fit(train, l2)
        for j, p in zip(held, scores(m, [cands[j] for j in held])):
            probs[j] = p
    return probs


def pick_threshold(runs: list[tuple[list[Candidate], list[float]]], positives: int) -> tuple[float, dict]:
    """The threshold with the best sentence-level F1 averaged over the repeats (ties: the lower one),
    and the figures at it (F1, P, R averaged over the repeats)."""
    def mean(th: float) -> dict:
        rs = [sentence_f1(c, p, th, positives) for c, p in runs]
        return {k: round(sum(r[k] for r in rs) / len(rs), 3) for k in ("precision", "recall", "f1")}
    scored = [(mean(t), t) for t in THRESHOLDS]
    best = max(scored, key=lambda s: (s[0]["f1"], -s[1]))
    return best[1], best[0]


def train(cands: list[Candidate], positives: dict[str, int], types: tuple[str, ...]) -> dict:
    """Pick L2 and per-type thresholds by repeated cross-validation, fit on every candidate:
    the model and the cross-validation figures. One shared model with type-joined features: one
    model per type scored the same in cross-validation on tune (ASSAULT / PROTEST 0.701 / 0.457 vs
    0.688 / 0.463) but called 7 of 8 plain written attack reports ('قصفت الطائرات المدينة أمس')
    background (the shared model 2 of 8: tests/tasks/events/test_decision.py, written sentences)."""
    cv: dict = {}
    for l2 in L2_GRID:
        repeats = [out_of_fold(cands, l2, r) for r in range(REPEATS)]
        cv[l2] = {}
        for t in types:
            idx = [j for j, c in enumerate(cands) if c.etype == t]
            runs = [([cands[j] for j in idx], [probs[j] for j in idx]) for probs in repeats]
            cv[l2][t] = pick_threshold(runs, positives[t])
    l2 = L2_KEPT if L2_KEPT is not None else max(L2_GRID, key=lambda v: (sum(cv[v][t][1]["f1"] for t in types), -v))
    model = fit(cands, l2)
    model["threshold"] = {t: cv[l2][t][0] for t in types}
    return {"model": model, "l2": l2, "cv": {str(v): {t: cv[v][t][1] | {"threshold": cv[v][t][0]} for t in types}
                                             for v in L2_GRID}}
