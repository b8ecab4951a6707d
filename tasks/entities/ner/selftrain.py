"""Self-training of pass 2 on unlabelled news (branch ner11; docs/entities.md, NER tagger).

A two-pass model (the teacher) tags each unlabelled text as one document; a text is kept when it has
at least one chunk and every chunk's confidence (the mean marginal of its labels, as the backend
computes it) is at least `min_conf` (`confident`). The kept texts become pass-2 training sentences
with the teacher's labels: their features are those of a training sentence (the featurizer with the
word clusters, the rule tagger's marks and the name memory's marks, then the document marks and
label marks from the pass-1 model's labels), so pass 2 sees them as it sees a held-out sentence.
Texts are read and kept in file order: the same files and teacher give the same sentences.
"""

from __future__ import annotations

from pathlib import Path

import pycrfsuite

from tasks.entities.ner.clusters import read_unlabeled
from tasks.entities.ner.conll import file_sha256, relabel, spans
from tasks.entities.ner.features import Featurizer, doc_marks, sentence_rule_marks
from tasks.entities.ner.memory import NameMemory
from tasks.entities.ner.model import NerModel

BATCH = 64        # texts tagged together (each its own document)


def confident(labels: list[str], probs: list[float | None], min_conf: float) -> bool:
    """At least one chunk, and every chunk's mean label marginal at least `min_conf`."""
    chunks = spans(labels)
    return bool(chunks) and all(sum(probs[a:b]) / (b - a) >= min_conf for _, a, b in chunks)


def read_texts(paths) -> list[list[str]]:
    """The token lists of the unlabelled files (clusters.read_unlabeled), in order."""
    return [toks for path in paths for toks in read_unlabeled(Path(path)) if toks]


def pseudo_labelled(teacher: Path, texts: list[list[str]], min_conf: float,
                    label_bias: dict | None = None) -> list[tuple[int, list[str]]]:
    """(index in `texts`, the teacher's BIO labels) of the texts it tags confidently (`confident`)."""
    model = NerModel(teacher, label_bias=label_bias or {})
    kept = []
    for a in range(0, len(texts), BATCH):
        tagged = model.tag_documents([([toks], [None]) for toks in texts[a:a + BATCH]])
        for i, (labels, probs) in enumerate(tagged):
            if confident(labels[0], probs[0], min_conf):
                kept.append((a + i, labels[0]))
    return kept


def pass2_items(tokens: list[list[str]], clusters: dict, memory: NameMemory, pass1: Path) -> list[list[list[str]]]:
    """Pass-2 training items of sentences that are each their own document: the pass-1 features
    (clusters, rule marks, the memory's marks), then doc_marks from the pass-1 model's labels."""
    featurize = Featurizer(clusters=clusters)
    words = featurize.words
    tagger = pycrfsuite.Tagger()
    tagger.open(str(pass1))
    out = []
    for toks in tokens:
        marks = memory.marks([words[t][3] for t in toks])
        base = featurize(toks, [r + m for r, m in zip(sentence_rule_marks(toks), marks)])
        first = tagger.tag(base)
        out.append([item + more for item, more in zip(base, doc_marks([toks], [first])[0])])
    tagger.close()
    return out


def self_training_set(teacher: Path, paths, min_conf: float, clusters: dict, memory: NameMemory,
                      pass1: Path, encoding: str = "bio", label_bias: dict | None = None
                      ) -> tuple[list, list, dict]:
    """(items, labels, summary) of the confidently tagged texts of `paths` for pass 2's training, the
    labels in the training `encoding` (conll.relabel); the summary for the model card."""
    texts = read_texts(paths)
    kept = pseudo_labelled(teacher, texts, min_conf, label_bias)
    tokens = [texts[i] for i, _ in kept]
    labels = [relabel(labs, encoding) for _, labs in kept]
    summary = dict(files=[f"{Path(p).name} (sha256 {file_sha256(p)[:16]})" for p in paths], min_conf=min_conf,
                   texts=len(texts), sentences_added=len(kept), tokens_added=sum(map(len, tokens)),
                   chunks_added=sum(len(spans(labs)) for _, labs in kept))
    return pass2_items(tokens, clusters, memory, pass1), labels, summary
