"""Regenerate the gold JSONL files from the ordered annotation lists in annotations.txt.

Each annotation line is `surface|TYPE|entity` (entity optional) in reading order; `@text`
moves the cursor past the next occurrence of `text` (used to skip repeated lines); a
leading `~` marks a surface glued to the previous word (a missing space in the source). The
surface is searched from the cursor as a whole word (only proclitics و ف ب ل ك may precede
it inside its token), so offsets are exact slices of the raw seed file.

    python tests/gold/entities/build_gold.py
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEEDS = HERE.parent.parent.parent / "seeds"
LETTER = re.compile(r"[\u0621-\u064A\u0640]")
CLITICS = {"", "و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك", "فك", "لـ", "بـ", "ولـ", "وبـ"}


def find(raw: str, surface: str, cursor: int, glued: bool = False) -> int:
    pos = cursor
    while True:
        pos = raw.find(surface, pos)
        if pos < 0:
            raise ValueError(f"not found after {cursor}: {surface!r}")
        end = pos + len(surface)
        after_ok = end >= len(raw) or not LETTER.match(raw[end])
        k = pos
        while k > 0 and LETTER.match(raw[k - 1]):
            k -= 1
        if after_ok and (glued or raw[k:pos] in CLITICS):
            return pos
        pos += 1


def build(annotations: Path = HERE / "annotations.txt") -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    raw = ""
    rows: list[dict] = []
    cursor = 0
    for line in annotations.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("=== "):
            stem = line[4:].strip()
            raw = (SEEDS / f"{stem}.txt").read_text(encoding="utf-8")
            rows = out.setdefault(stem, [])
            cursor = 0
            continue
        if line.startswith("@"):
            cursor = raw.index(line[1:], cursor) + len(line[1:])
            continue
        surface, typ, *rest = line.split("|")
        glued = surface.startswith("~")  # the word is glued to the one before it (missing space)
        surface = surface.lstrip("~")
        start = find(raw, surface, cursor, glued)
        row = {"start": start, "end": start + len(surface), "surface": surface, "type": typ}
        if rest and rest[0]:
            row["entity"] = rest[0]
        rows.append(row)
        cursor = start + len(surface)
    return out


def main() -> None:
    for stem, rows in build().items():
        path = HERE / f"{stem}.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        print(f"{path.name}: {len(rows)} rows", file=sys.stderr)


if __name__ == "__main__":
    main()
