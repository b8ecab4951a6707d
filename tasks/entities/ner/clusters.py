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
4. spherical k-means into K clusters, initialised with the K commonest stems, ITERATIONS rounds;
   with params["cluster_levels"] (e.g. 256, 64, 1024) the same vectors are clustered once per k
   (build_cluster_levels; branch ner13's candidate).

The table (stem <tab> cluster [<tab> cluster ...]) is written beside the model file
(`ner_clusters.tsv`); the featurizer adds `c=<cluster>` to a token whose stem it lists, and the
further columns as `c1=`, `c2=` ... on the token and its ±1 neighbours.
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


def embed(sentences: list[list[str]], k: int) -> tuple[list[str], np.ndarray | None]:
    """(vocabulary, unit-length SVD rows of its PPMI context counts); None when k stems do not qualify."""
    vocab, ppmi = context_matrix(sentences)
    if len(vocab) <= k:
        return vocab, None
    values, vectors = np.linalg.eigh(ppmi.T @ ppmi)
    top = np.argsort(-values, kind="stable")[:DIMS]
    x = ppmi @ vectors[:, top] / np.sqrt(np.sqrt(np.maximum(values[top], 1e-9)))
    x /= np.linalg.norm(x, axis=1, keepdims=True) + 1e-9
    return vocab, x


def kmeans(x: np.ndarray, k: int) -> np.ndarray:
    """Spherical k-means of the rows of x into k clusters, initialised with the first k rows."""
    centres = x[:k].copy()
    for _ in range(ITERATIONS):
        assign = np.argmax(x @ centres.T, axis=1)
        for j in range(k):
            members = x[assign == j]
            if len(members):
                centres[j] = members.mean(0)
                centres[j] /= np.linalg.norm(centres[j]) + 1e-9
    return np.argmax(x @ centres.T, axis=1)


def build_clusters(sentences: list[list[str]], k: int = K) -> dict[str, int]:
    """Stem -> cluster id (module docstring); `sentences`: stems. Empty when fewer than k stems qualify."""
    vocab, x = embed(sentences, k)
    return {} if x is None else {w: int(a) for w, a in zip(vocab, kmeans(x, k))}


def build_cluster_levels(sentences: list[list[str]], ks: tuple[int, ...] = (K,)) -> dict[str, tuple[int, ...]]:
    """Stem -> its cluster id at each granularity of `ks` (the same vectors clustered into k groups for
    each k; the first is the featurizer's `c=`, the others `c1=`, `c2=` ...); ks (K,) is build_clusters.
    Empty when fewer than max(ks) stems qualify."""
    vocab, x = embed(sentences, max(ks))
    if x is None:
        return {}
    columns = [kmeans(x, k) for k in ks]
    return {w: tuple(int(c[i]) for c in columns) for i, w in enumerate(vocab)}


def write_clusters(clusters: dict, path: Path) -> None:
    """Rows stem <tab> cluster [<tab> cluster at the next granularity ...]; values int or tuple."""
    rows = "".join(w + "\t" + "\t".join(map(str, c if isinstance(c, tuple) else (c,))) + "\n"
                   for w, c in sorted(clusters.items()))
    path.write_text(HEADER + rows, encoding="utf-8")


def read_clusters(path: Path) -> dict[str, tuple[int, ...]]:
    """Stem -> its cluster ids, one per column of the table (one column: the committed 256 clusters)."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            w, *cs = line.split("\t")
            out[w] = tuple(map(int, cs))
    return out


def clusters_path(model: Path) -> Path:
    return model.with_name(model.stem + "_clusters.tsv")
