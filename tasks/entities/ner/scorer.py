"""The committed CRF models scored in numpy: the same labels and marginals as crfsuite's tagger,
with each distinct word's share of the scores summed once.

crfsuite scores a token as the sum of the weights of its attributes (state features) and decodes
with Viterbi over label-to-label transitions. Most of a token's attributes belong to one word: its
own features (form, stem, affixes, lists ...) and its features as a neighbour at -2, -1, +1, +2
(features.Featurizer._word). Their sums are cached per distinct word and model (`WordRows`,
a (5, labels) row block: own, as the word 2 before, 1 before, 1 after, 2 after), so a sentence's
state scores are five shifted row gathers plus the few sentence-level attributes (bigram,
sentence edges, gazetteer / rule / memory / speaker marks and their ±1 copies, the document marks
of pass 2), looked up one by one. Viterbi and forward-backward run over all sentences of a
document at once (padded), as crfsuite does per sentence: ties go to the first label in model
order (crfsuite's `max < score` scan), marginals are normalised per position.

Sums in a different order differ from crfsuite's in the last bits only: the labels are identical
on every ANERcorp training sentence and marginals agree to 1e-9 (tests/tasks/entities/ner/test_scorer.py).

`CrfWeights` reads a crfsuite CRF1d model file directly (header, FEAT chunk, label and attribute
CQDBs), so no dump is parsed at load time.
"""

from __future__ import annotations

import struct
import threading
from pathlib import Path

import numpy as np

FEATURE = np.dtype([("type", "<u4"), ("src", "<u4"), ("dst", "<u4"), ("weight", "<f8")])
ROLES = (None, -2, -1, 1, 2)     # row 0: the word's own features; rows 1-4: as the neighbour at that offset
WORD_ROWS_MAX = 50_000           # distinct words cached before the cache starts over (flat memory)


def read_cqdb(data: bytes, base: int) -> dict[str, int]:
    """Keys -> ids of a crfsuite CQDB at `base` (its backward array holds each record's offset; a record
    is id, key size, NUL-ended key)."""
    if data[base:base + 4] != b"CQDB":
        raise ValueError("not a CQDB chunk")
    count, backward = struct.unpack_from("<2I", data, base + 16)
    out = {}
    for i in range(count):
        rec = base + struct.unpack_from("<I", data, base + backward + 4 * i)[0]
        ident, size = struct.unpack_from("<2I", data, rec)
        out[data[rec + 8:rec + 7 + size].decode("utf-8")] = ident
    return out


class CrfWeights:
    """A crfsuite CRF1d model file: `attrs` (attribute -> id), `labels` (by id), `state` (attributes x
    labels weights), `trans` (label x label weights)."""

    def __init__(self, path: str | Path):
        data = Path(path).read_bytes()
        if data[:4] != b"lCRF":
            raise ValueError(f"NER model: {path} is not a crfsuite CRF1d model")
        n_labels, n_attrs, off_feat, off_labels, off_attrs = struct.unpack_from("<5I", data, 20)
        if data[off_feat:off_feat + 4] != b"FEAT":
            raise ValueError(f"NER model: {path} has no feature chunk")
        count = struct.unpack_from("<I", data, off_feat + 8)[0]
        feats = np.frombuffer(data, dtype=FEATURE, count=count, offset=off_feat + 12)
        by_id = read_cqdb(data, off_labels)
        self.labels = [lab for lab, _ in sorted(by_id.items(), key=lambda kv: kv[1])]
        self.attrs = read_cqdb(data, off_attrs)
        n = len(self.labels)
        self.state = np.zeros((max(n_attrs, len(self.attrs)), n))
        self.trans = np.zeros((n, n))
        st, tr = feats[feats["type"] == 0], feats[feats["type"] == 1]
        np.add.at(self.state, (st["src"].astype(np.intp), st["dst"].astype(np.intp)), st["weight"])
        np.add.at(self.trans, (tr["src"].astype(np.intp), tr["dst"].astype(np.intp)), tr["weight"])
        self.exp_trans = np.exp(self.trans)


class DocumentScorer:
    """State scores of several models at once: the union of their attributes, each a row of all
    models' label weights side by side (`cols[k]`: model k's columns), and per distinct word its
    (5, all labels) block of summed weights (row 0 of the table: zeros, for a neighbour outside the sentence)."""

    def __init__(self, models: list[CrfWeights]):
        self.models = models
        self.cols, c = [], 0
        for m in models:
            self.cols.append(slice(c, c + len(m.labels)))
            c += len(m.labels)
        self.attrs: dict[str, int] = {}
        for m in models:
            for a in m.attrs:
                self.attrs.setdefault(a, len(self.attrs))
        self.state = np.zeros((len(self.attrs), c))
        for m, cols in zip(models, self.cols):
            self.state[[self.attrs[a] for a in m.attrs], cols] = m.state[list(m.attrs.values())]
        self.index: dict[str, int] = {}
        self.rows = np.zeros((1024, len(ROLES), c))
        self.mark_ids: dict[str, tuple] = {}     # a mark -> its ids as the token's, the previous token's, the next's
        self.edge = [self.attrs.get(name) for name in ("BOS", "first", "EOS")]
        self.lock = threading.Lock()

    def forget(self) -> None:
        """Drop the per-word score rows (a memo: the scores do not change)."""
        with self.lock:
            self.index.clear()
            self.rows = np.zeros((1024, *self.rows.shape[1:]))

    def vector(self, attributes) -> np.ndarray:
        ids = [i for i in map(self.attrs.get, attributes) if i is not None]
        return self.state[ids].sum(0) if ids else np.zeros(self.state.shape[1])

    def word_rows(self, tokens: list[str], words: list[tuple]) -> list[int]:
        """Row indices of the tokens (their memo entries `words`), adding the words not seen yet."""
        index = self.index
        out = []
        for token, word in zip(tokens, words):
            k = index.get(token)
            if k is None:
                k = index[token] = len(index) + 1
                if k >= len(self.rows):
                    self.rows = np.concatenate([self.rows, np.zeros_like(self.rows)])
                self.rows[k] = [self.vector(word[0])] + [self.vector(word[1][d]) for d in ROLES[1:]]
            out.append(k)
        return out

    def mark(self, mark: str) -> tuple:
        ids = self.mark_ids.get(mark)
        if ids is None:
            a = self.attrs
            ids = self.mark_ids[mark] = (a.get(mark), a.get("-1:" + mark), a.get("1:" + mark))
        return ids

    def __call__(self, tokens: list[list[str]], parts: list[tuple[list, list]]) -> np.ndarray:
        """State scores (all tokens of the sentences in order x all models' labels). `parts`: per
        sentence, Featurizer.parts (the word memo entries, the sentence marks seen by the token and
        its ±1 neighbours)."""
        with self.lock:     # the row cache is shared by the threads of the thread runner
            return self._scores(tokens, parts)

    def _scores(self, tokens: list[list[str]], parts: list[tuple[list, list]]) -> np.ndarray:
        if len(self.index) > WORD_ROWS_MAX:      # flat memory on long runs (never inside one call)
            self.index.clear()
        idx, at, ids = [], [], []
        lengths = [len(t) for t in tokens]
        base = 0
        attrs, edge = self.attrs, self.edge
        for toks, (words, marks), n in zip(tokens, parts, lengths):
            idx += self.word_rows(toks, words)
            for name_id, pos in zip(edge, (base, base, base + n - 1)):
                if name_id is not None:
                    at.append(pos)
                    ids.append(name_id)
            forms = [w[0][0][2:] for w in words]
            for i in range(1, n):
                k = attrs.get("bg=%s|%s" % (forms[i - 1], forms[i]))
                if k is not None:
                    at.append(base + i)
                    ids.append(k)
            for i, ms in enumerate(marks):
                for m in ms:
                    own, prev, nxt = self.mark(m)
                    if own is not None:
                        at.append(base + i)
                        ids.append(own)
                    if prev is not None and i + 1 < n:      # seen by the next token as '-1:mark'
                        at.append(base + i + 1)
                        ids.append(prev)
                    if nxt is not None and i > 0:           # seen by the previous token as '1:mark'
                        at.append(base + i - 1)
                        ids.append(nxt)
            base += n
        rows = self.rows
        ix = np.array(idx, dtype=np.intp)
        lens = np.array(lengths, dtype=np.intp)
        pos = np.arange(len(ix)) - np.repeat(np.cumsum(lens) - lens, lens)
        left = pos[:, None] >= (1, 2)
        right = np.repeat(lens, lens)[:, None] > pos[:, None] + (1, 2)
        s = rows[ix, 0]
        s[2:] += rows[np.where(left[2:, 1], ix[:-2], 0), 1]
        s[1:] += rows[np.where(left[1:, 0], ix[:-1], 0), 2]
        s[:-1] += rows[np.where(right[:-1, 0], ix[1:], 0), 3]
        s[:-2] += rows[np.where(right[:-2, 1], ix[2:], 0), 4]
        if ids:
            np.add.at(s, np.array(at, dtype=np.intp), self.state[ids])
        return s

    def add(self, scores: np.ndarray, model: int, extra: list[list[str]]) -> np.ndarray:
        """Model `model`'s columns of `scores` plus attributes given as they are, per token (pass 2's
        document marks), as a new array."""
        out = scores[:, self.cols[model]].copy()
        at, ids = [], []
        get = self.attrs.get
        for i, fs in enumerate(extra):
            for f in fs:
                k = get(f)
                if k is not None:
                    at.append(i)
                    ids.append(k)
        if ids:
            np.add.at(out, np.array(at, dtype=np.intp), self.state[ids, self.cols[model]])
        return out


def positions(lengths: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """(each token's position in its sentence, its sentence's length) of sentences laid end to end."""
    lens = np.array(lengths, dtype=np.intp)
    return np.arange(int(lens.sum())) - np.repeat(np.cumsum(lens) - lens, lens), np.repeat(lens, lens)


class LabelScores:
    """What the pass-1 labels around each token add to pass 2's scores (features.label_marks), in
    numpy: one table per offset (pass-1 label or BOS/EOS -> pass-2 label weights) and one for the
    label bigram."""

    def __init__(self, scorer: DocumentScorer, model: int, labels: list[str], mark, offsets):
        self.index = {lab: i for i, lab in enumerate([*labels, "BOS", "EOS"])}
        self.bos, self.eos = len(labels), len(labels) + 1
        names = list(self.index)
        cols = scorer.cols[model]

        def row(attribute: str) -> np.ndarray:
            k = scorer.attrs.get(attribute)
            return scorer.state[k, cols] if k is not None else np.zeros(cols.stop - cols.start)
        self.offsets = offsets
        self.tables = [np.array([row(mark(d, lab)) for lab in names]) for d in offsets]
        self.bigram = np.array([[row("p1b=%s|%s" % (a, b)) for b in names] for a in names])

    def __call__(self, labels: list[list[str]]) -> np.ndarray:
        """Scores (all tokens in order x pass-2 labels) of the sentences' pass-1 labels."""
        lab = np.array([self.index[x] for labs in labels for x in labs], dtype=np.intp)
        pos, lens = positions([len(x) for x in labels])
        out = np.zeros((len(lab), self.tables[0].shape[1]))
        for d, table in zip(self.offsets, self.tables):
            at = np.clip(np.arange(len(lab)) + d, 0, len(lab) - 1)
            other = np.where(pos + d < 0, self.bos, np.where(pos + d >= lens, self.eos, lab[at]))
            out += table[other]
        prev = np.where(pos == 0, self.bos, lab[np.maximum(np.arange(len(lab)) - 1, 0)])
        return out + self.bigram[prev, lab]


class Batch:
    """Sentences of several lengths laid out for step-wise decoding: longest first, so the sentences
    still running at step t are a prefix (`running[t]` of them), and `starts` indexes their first token
    in the flat (tokens x labels) score array."""

    def __init__(self, lengths: list[int]):
        lens = np.array(lengths, dtype=np.intp)
        self.order = np.argsort(-lens, kind="stable")
        self.lengths = lens[self.order]
        self.starts = (np.cumsum(lens) - lens)[self.order]
        self.steps = int(self.lengths[0])
        ascending = self.lengths[::-1]
        self.running = (len(lens) - np.searchsorted(ascending, np.arange(self.steps), side="right")).tolist()


def viterbi(weights: CrfWeights, scores: np.ndarray, lengths: list[int]) -> list[list[str]]:
    """Best label sequences of several sentences (state scores of all their tokens in order),
    decoded together step by step (module docstring)."""
    if not lengths:
        return []
    batch = Batch(lengths)
    trans = weights.trans[None]
    starts, running = batch.starts, batch.running
    delta = scores[starts]
    back = [None]
    for t in range(1, batch.steps):
        m = running[t]
        cand = delta[:m, :, None] + trans                 # previous label x current label
        back.append(cand.argmax(1))                       # the first best previous label, as crfsuite
        delta[:m] = cand.max(1) + scores[starts[:m] + t]
    labels = weights.labels
    last = delta.argmax(1).tolist()
    out: list[list[str] | None] = [None] * len(lengths)
    for i, (k, n) in enumerate(zip(batch.order.tolist(), batch.lengths.tolist())):
        y = last[i]
        path = [y]
        for t in range(n - 1, 0, -1):
            y = back[t][i, y]
            path.append(y)
        out[k] = [labels[y] for y in reversed(path)]
    return out


def marginals(weights: CrfWeights, scores: np.ndarray, lengths: list[int]) -> list[np.ndarray]:
    """Per sentence, P(label at t | sentence) (tokens x labels), by scaled forward-backward."""
    if not lengths:
        return []
    batch = Batch(lengths)
    starts, running = batch.starts, batch.running
    exp_state = np.exp(scores - scores.max(1, keepdims=True))
    et, et_t = weights.exp_trans, np.ascontiguousarray(weights.exp_trans.T)
    alpha = np.empty_like(exp_state)
    beta = np.ones_like(exp_state)
    a = exp_state[starts]
    alpha[starts] = a / a.sum(1, keepdims=True)
    for t in range(1, batch.steps):
        at = starts[:running[t]] + t
        a = (alpha[at - 1] @ et) * exp_state[at]
        alpha[at] = a / a.sum(1, keepdims=True)
    for t in range(batch.steps - 2, -1, -1):
        at = starts[:running[t + 1]] + t           # the sentences that go on after t (the others: beta 1)
        b = (exp_state[at + 1] * beta[at + 1]) @ et_t
        beta[at] = b / b.sum(1, keepdims=True)
    p = alpha * beta
    p /= p.sum(1, keepdims=True)
    bounds = np.cumsum([0] + list(lengths))
    return [p[bounds[k]:bounds[k + 1]] for k in range(len(lengths))]
