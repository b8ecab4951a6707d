"""Event evaluation against tests/gold (filled in by the events work, issue 6)."""

from __future__ import annotations

from pathlib import Path


def evaluate(gold_dir: Path, input_dir: Path) -> dict:
    raise SystemExit("event gold data not available yet (tests/gold/events)")


def render(result: dict) -> str:
    return str(result)
