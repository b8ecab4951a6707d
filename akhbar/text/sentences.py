"""Sentence splitting with offsets: `split_sentences(text, start, end)` -> [(start, end)].

Quotations and brackets are tracked (`quoted_spans`) so a terminator inside them does not end a sentence.
"""

from __future__ import annotations

import bisect
import re

from akhbar.text.lexicon import is_kind
from akhbar.text.normalise import normalize

# A sentence ends at . ! ? ؟ … (and at every line break), never at ، ؛ :. A terminator ends a
# sentence when whitespace follows it, or when an Arabic word follows it directly (scraped text
# glues sentences: 'في الموصل.وأوضح'). It does not end one inside a matched quotation or bracket,
# after an abbreviation ('د.', 'أ.ب'), or inside a number ('3.5', '12/3/2017').
_TERM = re.compile(r"[.!?؟…]+[\"'»”’)\]}›]*")          # terminators and the closers after them
_QUOTES = re.compile(r"[«»()\[\]{}“”\"„‘’‹›]")
_OPENERS = {"«": "»", "(": ")", "[": "]", "{": "}", "‹": "›"}
_CLOSER_OF = {c: o for o, c in _OPENERS.items()}
_AMBIGUOUS = {'"': "dq", "“": "dq", "”": "dq", "„": "dq", "‘": "sq", "’": "sq"}  # direction from context
_AR_CHAR = r"[\u0621-\u064A\u064B-\u065F\u0670\u0640]"    # letters, tashkeel, tatweel
_AR_WORD = re.compile(rf"[\u0621-\u064A]{_AR_CHAR}*")          # an Arabic word as written
_AR_WORD_END = re.compile(rf"{_AR_CHAR}+$")
_CLOSERS = "\"'»”’)]}›"
_WORD_END = re.compile(r"\w+$")
_DIGITS_END = re.compile(r"\d\s*$")


def _open_index(stack: list[tuple[str, int]], family: str) -> int | None:
    for i in range(len(stack) - 1, -1, -1):
        if stack[i][0] == family:
            return i
    return None


def quoted_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Matched quotation/bracket spans in text[start:end] (one line), outermost only, sorted.

    Unmatched openers and closers are ignored, so a stray quote protects nothing. Quotes that
    do not say their direction (" ” “ ’) open before a word and close after one; a second
    opener of the same kind while one is open means the first was a stray.
    """
    stack: list[tuple[str, int]] = []
    spans: list[tuple[int, int]] = []
    for m in _QUOTES.finditer(text, start, end):
        ch, p = m.group(), m.start()
        if ch in _OPENERS:
            stack.append((ch, p))
            continue
        if ch in _CLOSER_OF:
            family = _CLOSER_OF[ch]
        else:
            family = _AMBIGUOUS[ch]
            prev = text[p - 1] if p > start else " "
            idx = _open_index(stack, family)
            if idx is None or prev.isspace():
                if p + 1 >= end or text[p + 1].isspace():
                    continue                      # a quote between spaces: stray
                if idx is not None:
                    del stack[idx:]
                stack.append((family, p))
                continue
        idx = _open_index(stack, family)
        if idx is None:
            continue
        spans.append((stack[idx][1], p + 1))
        del stack[idx:]
    if len(spans) < 2:
        return spans
    spans.sort()
    merged = [spans[0]]
    for a, b in spans[1:]:
        if a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def _is_abbreviation(text: str, line_start: int, dot: int) -> bool:
    """The word before the full stop at `dot` is an abbreviation ('د', 'أ', 'Dr', 'ق.م')."""
    m = _WORD_END.search(text, max(line_start, dot - 12), dot)
    if not m or m.group().isdigit():
        return False
    word = normalize(m.group())
    if len(word) == 1:
        # 'م'/'هـ' after a year ('عام 2017 م.') mark the era, and end the sentence.
        return not (word in "مه" and _DIGITS_END.search(text, max(line_start, m.start() - 3), m.start()))
    return is_kind("abbreviation", word)


def _glued_break(text: str, line_start: int, m: re.Match) -> bool:
    """A terminator directly followed by an Arabic letter ends a sentence when both sides are words."""
    nxt = _AR_WORD.match(text, m.end())
    if not nxt:
        return False
    if m.group()[0] != ".":
        return True
    if m.end() - m.start() > 1 and m.group()[1] == ".":
        return True                                        # '..' / '...' glued to the next word
    left = _AR_WORD_END.search(text, max(line_start, m.start() - 30), m.start())
    if left:
        if len(normalize(left.group())) < 2 or _is_abbreviation(text, line_start, m.start()):
            return False                                   # 'أ.ب', 'د.محمد'
    elif not (m.start() > line_start and (text[m.start() - 1].isdigit() or text[m.start() - 1] in _CLOSERS)):
        return False                                       # Latin ('U.S.'), URLs, etc.
    word = normalize(nxt.group())
    return len(word) >= 3 or is_kind("opener", word)


def _split_line(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    spans = quoted_spans(text, start, end) if _QUOTES.search(text, start, end) else []
    span_starts = [a for a, _ in spans]
    cut = start
    for m in _TERM.finditer(text, start, end):
        stop = m.end()
        if stop < end:
            if text[stop].isspace():
                if m.group() == "." and _is_abbreviation(text, start, m.start()):
                    continue
            elif not _glued_break(text, start, m):
                continue
        if spans:
            i = bisect.bisect_left(span_starts, stop) - 1
            if i >= 0 and (stop < spans[i][1] or m.start() == spans[i][0] + 1):
                continue                                   # inside a quotation or bracket, or '(…)'
        _append_trimmed(text, cut, stop, out)
        cut = stop
    _append_trimmed(text, cut, end, out)


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    """text[a:b] without surrounding whitespace, as offsets."""
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _append_trimmed(text: str, a: int, b: int, out: list[tuple[int, int]]) -> None:
    a, b = _trim(text, a, b)
    if b > a:
        out.append((a, b))


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans inside text[start:end], in order, non-overlapping, whitespace-trimmed."""
    end = len(text) if end is None else end
    out: list[tuple[int, int]] = []
    a = start
    while a < end:
        b = text.find("\n", a, end)
        b = end if b < 0 else b
        _split_line(text, a, b, out)
        a = b + 1
    return out
