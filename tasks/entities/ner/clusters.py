"""Word clusters of the NER tagger (feature set 3): distributional classes learned from unlabelled text.

A name the labelled data never shows is often used like names it does show ('... قال X ...',
'... في مدينة X ...'); a cluster id carries that over. How (deterministic, numpy only):

1. the text: the training part's sentences (the dev split left out) plus unlabelled Arabic news
   given to `akhbar train ner --unlabeled` (CSV files with a `text` column, or plain text, one
   sentence or paragraph a line), tokenised by akhbar.text.tokens and reduced to clitic-stripped stems;
2. for each stem seen MIN_COUNT times or more, counts of the CONTEXT commonest stems at -2, -1,
   +1 and +2, weighted by positive pointwise mutual information;
3. DIMS dimensions from the eigenvectors of the context Gram matrix (a truncated SVD), rows
   scaled to unit length;
4. spherical k-means into K clusters, initialised with the K commonest stems, ITERATIONS rounds.

The table (stem <tab> cluster) is written beside the model file (`ner_clusters.tsv`); the
featurizer adds `c=<cluster>` to a token whose stem it lists.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import numpy as np

from akhbar.text.tokens import tokenize

MIN_COUNT, CONTEXT, DIMS, K, ITERATIONS = 3, 1000, 100, 256, 30
OFFSETS = (-2, -1, 1, 2)
HEADER = ("# Word clusters of the NER tagger (tasks/entities/ner/clusters.py), built by `akhbar train ner` from\n"
          "# the text of ANERcorp's train part minus the dev split (CC BY-SA 4.0) and the unlabelled text named in\n"
          "# the model card. Rows: stem <tab> cluster. Do not edit by hand.\n")


def read_unlabeled(path: Path) -> list[list[str]]:
    """Token lists of an unlabelled text file: a CSV's `text` column, else one line a paragraph."""
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as f:
            texts = [rec.get("text") or "" for rec in csv.DictReader(f)]
    else:
        texts = path.read_text(encoding="utf-8").splitlines()
    return [[t[a:b] for a, b in tokenize(t, 0, len(t))] for t in texts if t.strip()]


def context_matrix(sentences: list[list[str]]) -> tuple[list[str], np.ndarray]:
    """(vocabulary, PPMI-weighted context counts) of the stems seen MIN_COUNT times or more."""
    freq = Counter(w for s in sentences for w in s)
    vocab = [w for w, c in sorted(freq.items(), key=lambda kv: (-kv[1], kv[0])) if c >= MIN_COUNT]
    row = {w: i for i, w in enumerate(vocab)}
    col = {w: i for i, w in enumerate(vocab[:CONTEXT])}
    counts = np.zeros((len(vocab), len(OFFSETS) * CONTEXT))
    for s in sentences:
        for i, w in enumerate(s):
            r = row.get(w)
            if r is None:
                continue
            for k, d in enumerate(OFFSETS):
                if 0 <= i + d < len(s):
                    c = col.get(s[i + d])
                    if c is not None:
                        counts[r, k * CONTEXT + c] += 1
    total = counts.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(counts * total / (counts.sum(1, keepdims=True) * counts.sum(0, keepdims=True) + 1e-12))
    pmi[~np.isfinite(pmi)] = 0
    return vocab, np.maximum(pmi, 0)


def build_clusters(sentences: list[list[str]], k: int = K) -> dict[str, int]:
    """Stem -> cluster id (module docstring); `sentences`: stems. Empty when fewer than k stems qualify."""
    vocab, ppmi = context_matrix(sentences)
    if len(vocab) <= k:
        return {}
    values, vectors = np.linalg.eigh(ppmi.T @ ppmi)
    top = np.argsort(-values, kind="stable")[:DIMS]
    x = ppmi @ vectors[:, top] / np.sqrt(np.sqrt(np.maximum(values[top], 1e-9)))
    x /= np.linalg.norm(x, axis=1, keepdims=True) + 1e-9
    centres = x[:k].copy()
    for _ in range(ITERATIONS):
        assign = np.argmax(x @ centres.T, axis=1)
        for j in range(k):
            members = x[assign == j]
            if len(members):
                centres[j] = members.mean(0)
                centres[j] /= np.linalg.norm(centres[j]) + 1e-9
    assign = np.argmax(x @ centres.T, axis=1)
    return {w: int(a) for w, a in zip(vocab, assign)}


def write_clusters(clusters: dict[str, int], path: Path) -> None:
    path.write_text(HEADER + "".join(f"{w}\t{c}\n" for w, c in sorted(clusters.items())), encoding="utf-8")


def read_clusters(path: Path) -> dict[str, int]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            w, c = line.split("\t")
            out[w] = int(c)
    return out


def clusters_path(model: Path) -> Path:
    return model.with_name(model.stem + "_clusters.tsv")
