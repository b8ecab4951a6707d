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


def token_rates(name: str, tokens: int, seconds: float, base_seconds: float, target: float) -> dict:
    """`<name>_tokens_per_s`, the same-run baseline's rate, the target and their ratio (bench_entities, bench_ner)."""
    rate, base = round(tokens / seconds), round(tokens / base_seconds)
    return {f"{name}_tokens_per_s": rate, "baseline_tokens_per_s": base, "target_tokens_per_s": target,
            "ratio_to_baseline": round(rate / base, 3)}
