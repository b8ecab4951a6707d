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
from itertools import chain, compress, count
from operator import itemgetter
from pathlib import Path

import numpy as np

from akhbar.perf import Memo

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


def bigram_index(attrs: dict[str, int]) -> dict[str, dict[str, int]]:
    """The bigram attributes 'bg=A|B' as A -> B -> id, so that a pair of forms is looked up without
    formatting its attribute name: every split at a '|' is listed (a form may hold one), and
    index[a][b] is attrs['bg=%s|%s' % (a, b)] whenever that attribute exists."""
    out: dict[str, dict[str, int]] = {}
    for name, k in attrs.items():
        if name.startswith("bg="):
            body = name[3:]
            at = body.find("|")
            while at >= 0:
                out.setdefault(body[:at], {})[body[at + 1:]] = k
                at = body.find("|", at + 1)
    return out


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
        # a feature a word shows its neighbours -> its attribute ids at -2, -1, +1, +2 (None: unknown)
        self.near_ids = Memo(lambda f: tuple(self.attrs.get(pre + f) for pre in ("-2:", "-1:", "1:", "2:")))
        self.mark_ids: dict[str, tuple] = {}     # a mark -> its ids as the token's, the previous token's, the next's
        # a mark -> its row in mark_table (its attribute ids as the token's, the previous token's, the next's; -1: unknown)
        self.mark_rows = Memo(self._mark_row)
        self.mark_table = np.full((64, 3), -1, dtype=np.intp)
        self.edge = [self.attrs.get(name) for name in ("BOS", "first", "EOS")]
        self.bigrams = bigram_index(self.attrs)
        self.lock = threading.Lock()

    def forget(self) -> None:
        """Drop the per-word score rows (a memo: the scores do not change)."""
        with self.lock:
            self.index.clear()
            self.near_ids.clear()
            self.rows = np.zeros((1024, *self.rows.shape[1:]))

    def vector(self, attributes) -> np.ndarray:
        ids = [i for i in map(self.attrs.get, attributes) if i is not None]
        return self.state[ids].sum(0) if ids else np.zeros(self.state.shape[1])

    def word_rows(self, tokens: list[str], words: list[tuple]) -> list[int]:
        """Row indices of the tokens (their memo entries `words`), adding the words not seen yet."""
        index = self.index
        out = list(map(index.get, tokens))
        if None not in out:
            return out
        new: list[tuple] = []
        for j, (token, k) in enumerate(zip(tokens, out)):
            if k is None:
                k = index.get(token)
            if k is None:
                k = index[token] = len(index) + 1
                new.append(words[j])
            out[j] = k
        if new:
            top = len(index) + 1
            while top > len(self.rows):
                self.rows = np.concatenate([self.rows, np.zeros_like(self.rows)])
            self.rows[top - len(new):top] = self.vectors(self.role_ids(new)).reshape(len(new), len(ROLES), -1)
        return out

    def role_ids(self, words: list[tuple]) -> list[list[int]]:
        """Per word (its features memo entry) and role (ROLES: own, as the neighbour at -2, -1, +1, +2),
        the ids of its attributes the models know, in crfsuite's item order: the own features, then
        what the word shows as a neighbour (features.neighbour_features) with the offset's prefix."""
        get, near = self.attrs.get, self.near_ids
        out = []
        for word in words:
            every, close = (list(map(near.__getitem__, part)) for part in word[1])
            out.append([i for i in map(get, word[0]) if i is not None])
            for r, d in enumerate(ROLES[1:]):
                found = [ids[r] for ids in every if ids[r] is not None]
                if d in (-1, 1):
                    found += [ids[r] for ids in close if ids[r] is not None]
                out.append(found)
        return out

    def vectors(self, ids: list[list[int]]) -> np.ndarray:
        """The summed state rows of each list of attribute ids, at once: the rows gathered into a (lists x
        longest) grid padded with a zero row, then added column by column, so each list's rows are summed
        in order as vector()'s .sum(0) does (the same sums to the last bit; np.add.reduceat sums in
        another order)."""
        counts = np.fromiter(map(len, ids), dtype=np.intp, count=len(ids))
        total = int(counts.sum())
        if not total:
            return np.zeros((len(ids), self.state.shape[1]))
        rows = np.concatenate([self.state[list(chain.from_iterable(ids))], np.zeros((1, self.state.shape[1]))])
        grid = np.full((len(ids), int(counts.max())), total, dtype=np.intp)     # `total`: the zero row
        owner = np.repeat(np.arange(len(ids)), counts)
        grid[owner, np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)] = np.arange(total)
        out = rows[grid[:, 0]]
        for col in grid.T[1:]:
            out += rows[col]
        return out

    def _mark_row(self, mark: str) -> int:
        k = len(self.mark_rows)
        if k >= len(self.mark_table):
            self.mark_table = np.concatenate([self.mark_table, np.full_like(self.mark_table, -1)])
        self.mark_table[k] = [-1 if i is None else i for i in self.mark(mark)]
        return k

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
            self.near_ids.clear()
        lengths = [len(t) for t in tokens]
        words = [w for ws, _ in parts for w in ws]
        ix = np.array(self.word_rows([t for toks in tokens for t in toks], words), dtype=np.intp)
        lens = np.array(lengths, dtype=np.intp)
        first = np.cumsum(lens) - lens
        pos = np.arange(len(ix)) - np.repeat(first, lens)
        at, ids = self._attributes(words, [ms for _, marks in parts for ms in marks], first, lens, pos)
        rows = self.rows
        left = pos[:, None] >= (1, 2)
        right = np.repeat(lens, lens)[:, None] > pos[:, None] + (1, 2)
        s = rows[ix, 0]
        s[2:] += rows[np.where(left[2:, 1], ix[:-2], 0), 1]
        s[1:] += rows[np.where(left[1:, 0], ix[:-1], 0), 2]
        s[:-1] += rows[np.where(right[:-1, 0], ix[1:], 0), 3]
        s[:-2] += rows[np.where(right[:-2, 1], ix[2:], 0), 4]
        if len(ids):
            np.add.at(s, at, self.state[ids])
        return s

    def _attributes(self, words: list[tuple], marks: list[list[str]], first: np.ndarray, lens: np.ndarray,
                    pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(token, attribute id) of the sentence-level attributes of all tokens, in blocks: sentence
        edges, bigrams, the marks as the next token's '-1:', as the token's own, as the previous
        token's '1:'. Each token receives its attributes in the order crfsuite's item lists them, so
        np.add.at sums them in that order (the scores are the same to the last bit)."""
        at, ids = [], []
        for name_id, where in zip(self.edge, (first, first, first + lens - 1)):     # BOS, first, EOS
            if name_id is not None:
                at.append(where)
                ids.append(np.full(len(where), name_id, dtype=np.intp))
        if len(at) > 1:     # per sentence in the order BOS, first, EOS (one-token sentences get all three)
            at, ids = [np.stack(at, 1).ravel()], [np.stack(ids, 1).ravel()]
        at.append(np.array([], dtype=np.intp))
        ids.append(np.array([], dtype=np.intp))
        forms = list(map(itemgetter(2), words))
        lefts = list(map(self.bigrams.get, forms))      # the forms that begin a known bigram
        starts = set(first.tolist())
        found = [(j + 1, k) for j in compress(count(), lefts[:-1])
                 if (k := lefts[j].get(forms[j + 1])) is not None and j + 1 not in starts]
        if found:
            at.append(np.array([j for j, _ in found], dtype=np.intp))
            ids.append(np.array([k for _, k in found], dtype=np.intp))
        counts = np.fromiter(map(len, marks), dtype=np.intp, count=len(marks))
        if counts.any():
            mark_rows = np.array(list(map(self.mark_rows.__getitem__, chain.from_iterable(marks))), dtype=np.intp)
            table = self.mark_table[mark_rows]
            tok = np.repeat(np.arange(len(marks)), counts)
            tok_pos = pos[tok]
            last = tok_pos + 1 >= np.repeat(lens, lens)[tok]
            for col, shift, ok in ((1, 1, ~last), (0, 0, None), (2, -1, tok_pos > 0)):
                keep = table[:, col] >= 0 if ok is None else (table[:, col] >= 0) & ok
                at.append(tok[keep] + shift)
                ids.append(table[keep, col])
        return np.concatenate(at), np.concatenate(ids)

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
        lab = np.fromiter(map(self.index.__getitem__, chain.from_iterable(labels)), dtype=np.intp)
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
    # back-tracking, all sentences at once: at step t the sentences still running are a prefix
    y = delta.argmax(1)
    path = np.empty((batch.steps, len(lengths)), dtype=np.intp)
    for t in range(batch.steps - 1, 0, -1):
        m = running[t]
        path[t, :m] = y[:m]
        y[:m] = back[t][np.arange(m), y[:m]]
    path[0] = y
    labels = weights.labels
    out: list[list[str] | None] = [None] * len(lengths)
    for k, n, row in zip(batch.order.tolist(), batch.lengths.tolist(), path.T.tolist()):
        out[k] = list(map(labels.__getitem__, row[:n]))
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
