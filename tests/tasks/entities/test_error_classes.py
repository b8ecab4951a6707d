"""The error classes of issue 14 item 5 (homographs, outlets, clitics, Gulf places and bodies) on
sentences written for it, outside every data set (tests/gold/issue14/entity_classes.jsonl).

A case passes when every expected (surface, type[, entity_id]) is found and no `absent` one is;
geocoded LOC expectations (`geo`) need coordinates. Cases with `known_miss` are expected to fail
(strict xfail: a fix shows up as a failure to update). `pytest -s` prints the per-class figures.
"""

import json
from pathlib import Path

import pytest

from akhbar.text.sentences import split_sentences
from tasks.entities import extract_mentions

CASES = Path(__file__).resolve().parents[2] / "gold" / "issue14" / "entity_classes.jsonl"


def load() -> list[dict]:
    return [json.loads(x) for x in CASES.read_text(encoding="utf-8").splitlines() if x.strip()]


def failures(case: dict) -> list[str]:
    text = case["text"]
    sents = [(i, a, b) for i, (a, b) in enumerate(split_sentences(text))]
    ms = extract_mentions("u", text, sents, "r")
    got = {(m["surface"], m["type"]): m for m in ms}
    out = []
    for exp in case["expected"]:
        m = got.get((exp[0], exp[1]))
        if m is None:
            out.append(f"missed {exp}")
        elif len(exp) > 2 and m["entity_id"] != exp[2]:
            out.append(f"{exp} linked to {m['entity_id']}")
        elif exp[0] in case.get("geo", ()) and m["lat"] is None:
            out.append(f"{exp} not geocoded")
    out += [f"spurious {a}" for a in case["absent"] if tuple(a) in got]
    return out


def test_error_classes_report():
    by_cls: dict[str, list[int]] = {}
    for case in load():
        ok = not failures(case)
        by_cls.setdefault(case["cls"], [0, 0])
        by_cls[case["cls"]][0] += ok
        by_cls[case["cls"]][1] += 1
    print("\n" + "  ".join(f"{c} {a}/{n}" for c, (a, n) in by_cls.items()))
    assert sum(a for a, _ in by_cls.values()) > 0


@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.xfail(reason=c["known_miss"], strict=True))
                                  if "known_miss" in c else c for c in load()], ids=lambda c: c["cls"])
def test_error_class_case(case):
    assert failures(case) == [], case["text"]
