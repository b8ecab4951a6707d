"""Entity evaluation against tests/gold (filled in by the entities work, issue 5)."""

from __future__ import annotations

from pathlib import Path


def evaluate(gold_dir: Path, input_dir: Path) -> dict:
    raise SystemExit("entity gold data not available yet (tests/gold/entities)")


def render(result: dict) -> str:
    return str(result)
