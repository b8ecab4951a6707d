"""The package's shape: a pure stage, thresholds in EventsConfig, small modules and functions."""

import ast
import subprocess
import sys
from pathlib import Path

from akhbar.config import EventsConfig
from akhbar.text.sentences import split_sentences
from tasks.entities import extract_mentions
from tasks.events import Carry, extract_sentence_events

PACKAGE = Path(__file__).resolve().parents[3] / "tasks" / "events"


def test_stage_imports_no_orchestrator():
    code = ("import sys, tasks.events; bad = [m for m in ('prefect', 'flows.workers') if m in sys.modules]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=PACKAGE.parents[1])


def test_modules_and_functions_stay_small():
    for path in PACKAGE.glob("*.py"):
        src = path.read_text(encoding="utf-8")
        assert src.count("\n") <= 800, path.name
        for node in ast.walk(ast.parse(src)):
            if isinstance(node, ast.FunctionDef):
                assert node.end_lineno - node.lineno + 1 <= 80, (path.name, node.name)


def _events(text, cfg=None):
    out, carry = [], Carry()
    for i, (a, b) in enumerate(split_sentences(text)):
        ms = extract_mentions("c", text, [(i, a, b)], "r")
        out += extract_sentence_events("c", text, i, a, b, ms, "r", carry=carry, cfg=cfg)
    return out


def test_windows_come_from_the_config():
    text = "شنت الطائرات غارات جوية ثم قصفت المدفعية مواقع المسلحين."
    merged = [e for e in _events(text) if e["event_type"] == "ASSAULT"]
    apart = [e for e in _events(text, EventsConfig(merge_gap=0)) if e["event_type"] == "ASSAULT"]
    assert len(apart) > len(merged)
    capped = _events("قتل جندي في هجوم على حاجز عسكري.", EventsConfig(confidence_cap=0.6))
    assert capped and all(e["confidence"] <= 0.6 for e in capped)
