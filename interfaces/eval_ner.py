"""`akhbar eval ner --conll FILE`: score the NER tagger on any CoNLL file (token <tab|space> label,
a blank line between sentences; tasks.entities.ner.conll).

The tagger tags each sentence's tokens as the file gives them, DOC_SENTENCES consecutive sentences
making one document for its second pass (as in training); chunks are compared exactly
(type, first token, last token), conlleval style. Micro P/R/F1 over PERS, LOC and ORG (PER and
PERSON in a file count as PERS, GPE as LOC); other types such as MISC are printed on their own
and left out of the micro figure. With `--dev-split` only the sentences `akhbar train ner` holds out of
that file (conll.split: every 8th block of 100 sentences) are scored: on ANERcorp's train part, the
model card's dev figures.
"""

from __future__ import annotations

from pathlib import Path

from rich.table import Table

from tasks.entities.ner.conll import SCORED, read_conll, score, split
from tasks.entities.ner.features import DOC_SENTENCES

ALIASES = {"PER": "PERS", "PERSON": "PERS", "GPE": "LOC"}


def _canon(label: str) -> str:
    tag, _, typ = label.partition("-")
    return f"{tag}-{ALIASES.get(typ, typ)}" if typ else label


def evaluate_conll(path: Path, model_path: Path | None = None, dev_split: bool = False) -> dict:
    """Figures for one CoNLL file, or for its dev split (raises ConllError on a bad file,
    FileNotFoundError without a model)."""
    from tasks.entities.ner.model import load_model

    sentences = read_conll(path)
    if dev_split:
        sentences = split(sentences)[1]
    model = load_model(str(model_path) if model_path else None)
    gold = [[_canon(lab) for _, lab in s] for s in sentences]
    pred: list[list[str]] = []
    for a in range(0, len(sentences), DOC_SENTENCES):       # the tagger's documents (model card)
        pred += model.tag_document([[t for t, _ in s] for s in sentences[a:a + DOC_SENTENCES]])[0]
    figures = score(gold, pred)
    return dict(file=str(path) + (" (dev split)" if dev_split else ""), model=str(model.path), sentences=len(sentences),
                tokens=sum(map(len, sentences)), scores=figures)


def render(result: dict) -> Table:
    table = Table(title=f"NER on {result['file']} ({result['sentences']} sentences, {result['tokens']} tokens)")
    for col in ("type", "precision", "recall", "f1", "gold", "predicted"):
        table.add_column(col, justify="left" if col == "type" else "right")
    for typ, row in result["scores"].items():
        label = "micro (PERS+LOC+ORG)" if typ == "micro" else typ if typ in SCORED else f"{typ} (not in micro)"
        table.add_row(label, *(f"{row[k]:.3f}" for k in ("precision", "recall", "f1")),
                      str(row["gold"]), str(row["predicted"]))
    return table
