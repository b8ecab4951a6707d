"""CoNLL reading, BIO spans, conlleval-style scoring and the deterministic dev split.

A CoNLL file here: one `token<TAB or space>label` a line (the label is the LAST field, so extra
columns in between are allowed), a blank line between sentences. Labels are BIO (`B-PERS`,
`I-LOC`, `O`); IOB1 files (`I-` opening a span) are read the way conlleval reads them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from itertools import compress, count
from pathlib import Path

# ANERcorp labels -> the project's entity types (MISC has no project type: ignored by default)
ANER_TYPES = {"PERS": "PERSON", "PER": "PERSON", "PERSON": "PERSON", "ORG": "ORG", "LOC": "LOC", "GPE": "LOC"}
SCORED = ("PERS", "LOC", "ORG")


class ConllError(ValueError):
    """A file that is not CoNLL: the message names the file and line."""


Sentence = list[tuple[str, str]]


def read_conll(path: str | Path) -> list[Sentence]:
    """Sentences of (token, label). Raises ConllError on a missing/unreadable file or a bad line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConllError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConllError(f"{path}: cannot be read as UTF-8 text ({type(exc).__name__})") from None
    return parse_conll(text, str(path))


def parse_conll(text: str, name: str = "<text>") -> list[Sentence]:
    sentences: list[Sentence] = []
    current: Sentence = []
    for no, line in enumerate(text.splitlines(), 1):
        line = line.strip().lstrip("\ufeff")
        if not line or line.startswith("-DOCSTART-"):
            if current:
                sentences.append(current)
                current = []
            continue
        parts = line.split()
        if len(parts) < 2:
            raise ConllError(f"{name}:{no}: expected 'token<TAB>label', got {line[:60]!r}")
        label = parts[-1]
        if label != "O" and not (len(label) > 2 and label[:2] in ("B-", "I-")):
            raise ConllError(f"{name}:{no}: label {label!r} is not O, B-TYPE or I-TYPE")
        current.append((parts[0], label))
    if current:
        sentences.append(current)
    if not sentences:
        raise ConllError(f"{name}: no token lines")
    return sentences


def spans(labels: list[str]) -> set[tuple[str, int, int]]:
    """(type, first token, end token) of each chunk, conlleval's chunking: a chunk starts at B-X or
    S-X, at I-X / E-X after O, another type or a closed chunk, and ends before anything that does not
    continue it, or at E-X / S-X (BIOES labels, the tagger's own encoding when trained with them)."""
    labels = labels if isinstance(labels, (list, tuple)) else list(labels)
    out = set()
    typ, start, last = None, 0, -1
    # an O only closes an open chunk: visit the other labels, closing a chunk at the O after `last`
    for i in compress(count(), map("O".__ne__, labels)):
        if typ is not None and i > last + 1:
            out.add((typ, start, last + 1))
            typ = None
        tag, _, t = labels[i].partition("-")
        if typ is not None and (tag not in ("I", "E") or t != typ):
            out.add((typ, start, i))
            typ = None
        if tag in ("B", "S") or (tag in ("I", "E") and typ is None):
            typ, start = t, i
        if tag in ("E", "S"):
            out.add((typ, start, i + 1))
            typ = None
        last = i
    if typ is not None:
        out.add((typ, start, last + 1))
    return out


def relabel(labels: list[str], encoding: str) -> list[str]:
    """The chunks of `labels` (BIO or BIOES, read by spans) written in `encoding`: "bio" (B-X, I-X) or
    "bioes" (a one-token chunk S-X, a longer one B-X I-X ... E-X)."""
    if encoding not in ENCODINGS:
        raise ValueError(f"label encoding {encoding!r} is not one of {ENCODINGS}")
    out = ["O"] * len(labels)
    for typ, a, b in spans(labels):
        out[a:b] = ["B-" + typ] + ["I-" + typ] * (b - a - 1)
        if encoding == "bioes":
            out[b - 1] = ("S-" if b - a == 1 else "E-") + typ
    return out


ENCODINGS = ("bio", "bioes")


def encoding_of(labels) -> str:
    """"bioes" when a label set has S-/E- labels (a model trained on BIOES), else "bio"."""
    return "bioes" if any(lab[:2] in ("S-", "E-") for lab in labels) else "bio"


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def prf(self) -> dict[str, float | int]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return dict(precision=round(p, 4), recall=round(r, 4), f1=round(f, 4), tp=self.tp, fp=self.fp, fn=self.fn,
                    gold=self.tp + self.fn, predicted=self.tp + self.fp)


def score(gold: list[list[str]], pred: list[list[str]], types=SCORED) -> dict[str, dict]:
    """Exact chunk match per type and micro over `types` (conlleval style); other types (MISC)
    are reported on their own line and left out of the micro figure."""
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold sentences but {len(pred)} predicted")
    per: dict[str, Counts] = {}
    for g, p in zip(gold, pred):
        if len(g) != len(p):
            raise ValueError("a predicted sentence differs in length from its gold sentence")
        gs, ps = spans(g), spans(p)
        for typ in {t for t, _, _ in gs | ps}:
            c = per.setdefault(typ, Counts())
            gt = {s for s in gs if s[0] == typ}
            pt = {s for s in ps if s[0] == typ}
            c.tp += len(gt & pt)
            c.fp += len(pt - gt)
            c.fn += len(gt - pt)
    micro = Counts()
    for typ in types:
        c = per.get(typ, Counts())
        micro.tp, micro.fp, micro.fn = micro.tp + c.tp, micro.fp + c.fp, micro.fn + c.fn
    out = {typ: per.get(typ, Counts()).prf() for typ in types}
    out.update({typ: c.prf() for typ, c in sorted(per.items()) if typ not in types})
    out["micro"] = micro.prf()
    return out


DEV_BLOCK = 100      # sentences a block; ANERcorp marks no documents, and news stories run over
DEV_EVERY = 8        # consecutive sentences: every 8th block of 100 (12.5%) is the dev split


def split(sentences: list[Sentence], block: int = DEV_BLOCK, every: int = DEV_EVERY
          ) -> tuple[list[Sentence], list[Sentence]]:
    """(train, dev) by blocks of consecutive sentences in file order: block k is dev when
    k % every == every - 1. Blocks, not single sentences, so a story's names rarely sit on both
    sides (a per-sentence split would leak them into dev); spread over the
    file, so dev is not one period or topic."""
    train, dev = [], []
    for i, s in enumerate(sentences):
        (dev if (i // block) % every == every - 1 else train).append(s)
    return train, dev


def file_sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
