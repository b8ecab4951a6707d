"""Performance helpers shared by the stages (no orchestration here)."""

from __future__ import annotations

import functools
import gc
from typing import Any, Callable, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def gc_paused(fn: F) -> F:
    """Run a stage with Python's cyclic garbage collector paused (reference counting still frees
    everything the stages allocate: their objects hold no cycles).

    The text stages allocate millions of small objects (tokens, words, mention dicts); each
    allocation burst triggers a collection that walks every live object, lexicon caches and
    input rows included. Pausing it during the stage saves 10-15% of the events stage's time
    (docs/performance.md); a stage raising an error re-enables it all the same."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()
    return wrapper  # type: ignore[return-value]
