"""Held-out sentences (tests/gold/heldout/entities_*.jsonl, see its README): one scorer for every batch.

Precision/recall of the core (surface, type) mentions against the expectations; each batch must
stay above its floor (a little under its first run) and a batch with no prediction fails.
"""

import json
from pathlib import Path

import pytest

from akhbar.text.sentences import split_sentences
from tasks.entities import extract_mentions

HELDOUT = Path(__file__).resolve().parents[2] / "gold" / "heldout"
CORE = ("PERSON", "ORG", "LOC", "NORP")
# batch -> (min precision, min recall)
FLOORS = {"a": (0.75, 0.6), "b": (0.7, 0.5), "c": (0.85, 0.65), "d": (0.85, 0.65), "e": (0.8, 0.6),
          "f": (0.6, 0.4)}
BATCHES = sorted(p.stem.removeprefix("entities_") for p in HELDOUT.glob("entities_*.jsonl"))


def load(batch: str) -> list[dict]:
    lines = (HELDOUT / f"entities_{batch}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(x) for x in lines if x.strip()]


def score(cases: list[dict]) -> dict:
    tp = fp = fn = predicted = 0
    misses, extras = [], []
    for case in cases:
        text = case["text"]
        sents = [(i, a, b) for i, (a, b) in enumerate(split_sentences(text))]
        ms = extract_mentions("u", text, sents, "r")
        for m in ms:
            assert text[m["start"]:m["end"]] == m["surface"]
        got = [(m["surface"], m["type"]) for m in ms if m["type"] in CORE]
        predicted += len(got)
        expected = [tuple(x) for x in case["expected"]]
        allowed = {tuple(x) for x in case["allowed"]}
        for g in got:
            if g in expected:
                expected.remove(g)
                tp += 1
            elif g not in allowed:
                fp += 1
                extras.append(g)
        fn += len(expected)
        misses.extend(expected)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return dict(precision=p, recall=r, f1=2 * p * r / (p + r) if p + r else 0.0, predicted=predicted,
                misses=misses, extras=extras)


def test_every_batch_has_a_floor():
    assert BATCHES and set(BATCHES) <= set(FLOORS)


@pytest.mark.parametrize("batch", BATCHES)
def test_heldout_batch(batch):
    cases = load(batch)
    assert cases
    res = score(cases)
    print(f"\nheld-out batch {batch.upper()} ({len(cases)} sentences) core entities: precision {res['precision']:.3f} "
          f"recall {res['recall']:.3f} F1 {res['f1']:.3f}")
    print("missed:", res["misses"])
    print("spurious:", res["extras"])
    min_p, min_r = FLOORS[batch]
    assert res["predicted"] > 0, "nothing predicted"
    assert res["precision"] >= min_p and res["recall"] >= min_r, res


def test_scorer_fails_when_nothing_is_predicted():
    res = score([{"text": "ذهب إلى السوق.", "expected": [["السوق", "LOC"]], "allowed": []}])
    assert res["predicted"] == 0 and res["recall"] == 0.0 and res["precision"] == 0.0
