"""Gold data integrity and the seed evaluation (`akhbar eval entities`)."""

import json

import pytest

from interfaces.eval_entities import evaluate, render, repeated_line_spans
from akhbar.gold import load_gold
from tests.conftest import ROOT, SEEDS

GOLD = ROOT / "tests" / "gold"
TYPES = {"PERSON", "ORG", "LOC", "NORP", "DATE", "TIME", "QUANTITY"}


def test_every_seed_has_gold():
    gold = load_gold(GOLD, "entities")
    assert sorted(gold) == sorted(p.name for p in SEEDS.glob("*.txt"))


def test_gold_surfaces_are_exact_slices_of_the_raw_seed():
    for name, rows in load_gold(GOLD, "entities").items():
        raw = (SEEDS / name).read_text(encoding="utf-8")
        assert rows, name
        for r in rows:
            assert raw[r["start"]:r["end"]] == r["surface"], (name, r)
            assert r["type"] in TYPES


def test_gold_is_reproducible_from_the_annotation_list():
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_gold", GOLD / "entities" / "build_gold.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    built = mod.build()
    for stem, rows in built.items():
        stored = [json.loads(x) for x in (GOLD / "entities" / f"{stem}.jsonl").read_text(encoding="utf-8").splitlines()]
        assert rows == stored, stem


def test_repeated_lines_are_ignored_after_the_first_copy():
    text = "عنوان\nصورة (أ.ب)\nصورة (أ.ب)\nنص\nصورة (أ.ب)\n"
    spans = repeated_line_spans(text)
    assert [text[a:b].strip() for a, b in spans] == ["صورة (أ.ب)", "صورة (أ.ب)"]
    assert spans[0][0] == text.index("صورة") + len("صورة (أ.ب)\n")


@pytest.mark.slow
def test_seed_evaluation_meets_targets():
    result = evaluate(GOLD, SEEDS)
    for typ in ("PERSON", "ORG", "LOC"):
        assert result["per_type"][typ]["f1"] >= 0.9, (typ, result["per_type"][typ])
    assert result["linking"]["accuracy"] >= 0.9
    assert "PERSON" in str(render(result).columns[0]._cells)
