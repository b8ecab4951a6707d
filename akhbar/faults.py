"""Fault isolation helpers: an exception while handling one item becomes a row, not a crash.

Stages catch exceptions per file, record, block or article and record them with
`error_detail` (error type, message and the function that raised, from the
traceback's last frame), so one bad item never stops a run.
"""

from __future__ import annotations

import re
import traceback

_SURROGATE = re.compile("[\ud800-\udfff]")


def raised_in(exc: BaseException) -> str:
    """Name of the function where `exc` was raised (the traceback's last frame), '?' if unknown."""
    frames = traceback.extract_tb(exc.__traceback__) if exc.__traceback__ else []
    return frames[-1].name if frames else "?"


def error_detail(exc: BaseException, max_chars: int = 300) -> str:
    """'ValueError: message (raised in func)': what a quarantine/rejection row says about an error."""
    msg = " ".join(str(exc).split())
    if len(msg) > max_chars:
        msg = msg[:max_chars] + "..."
    return scrub(f"{type(exc).__name__}: {msg} (raised in {raised_in(exc)})")


def has_surrogates(s: str) -> bool:
    return _SURROGATE.search(s) is not None


def scrub(s: str) -> str:
    """`s` with lone surrogates (undecodable as UTF-8) replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", s)
