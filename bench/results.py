"""Where benchmark results go: bench/out/<name>.json, and the same JSON on stdout."""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path("bench/out")


def save(name: str, result: object) -> None:
    """Write bench/out/<name>.json and print it as one JSON line (the Makefile's bench log keeps it)."""
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{name}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(json.dumps(result, ensure_ascii=False))


def verdict(rate: float, target: float) -> str:
    return "meets" if rate >= target else "BELOW"
