"""Tokens with offsets: `tokenize` (spans), `tokens` (spans + normalised form), glued-word splits."""

from __future__ import annotations

import bisect
import re
from typing import NamedTuple

from akhbar.text.normalise import clitic_keys, normalize

TOKEN = re.compile(r"\d+(?:[.,٫٬/:]\d+)*%?|[\w\u064B-\u065F\u0670\u0640]+|[^\w\s]", re.UNICODE)


class Token(NamedTuple):
    start: int
    end: int
    norm: str

    @property
    def keys(self) -> tuple[str, ...]:
        """Clitic-aware matching keys: 'والموصل' -> ('والموصل', 'الموصل', 'موصل')."""
        return clitic_keys(self.norm)


def _apply_splits(spans: list[tuple[int, int]], splits) -> list[tuple[int, int]]:
    cuts = sorted(set(splits))
    out = []
    for a, b in spans:
        i = bisect.bisect_right(cuts, a)
        while i < len(cuts) and cuts[i] < b:
            out.append((a, cuts[i]))
            a = cuts[i]
            i += 1
        out.append((a, b))
    return out


def tokenize(text: str, start: int = 0, end: int | None = None, splits=None) -> list[tuple[int, int]]:
    """Token spans in text[start:end]. `splits`: offsets where a glued word is cut in two
    (the `split` of each `articles.repairs` entry)."""
    end = len(text) if end is None else end
    spans = [m.span() for m in TOKEN.finditer(text, start, end)]
    return _apply_splits(spans, splits) if splits else spans


def tokens(text: str, start: int = 0, end: int | None = None, splits=None) -> list[Token]:
    """Tokens of text[start:end] with offsets and normalised form (`.keys` gives clitic keys)."""
    return [Token(a, b, normalize(text[a:b])) for a, b in tokenize(text, start, end, splits)]


def repair_splits(repairs) -> list[int]:
    """Split offsets from an `articles.repairs` value (list of {start, end, split})."""
    return [r["split"] for r in repairs or ()]
