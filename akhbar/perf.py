"""Performance helpers shared by the stages (no orchestration here)."""

from __future__ import annotations

import functools
import gc
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def loading_without_gc() -> Iterator[None]:
    """The collector paused for a block of imports and set-up, then what they built frozen out of
    later collections (`gc.freeze`).

    Importing Prefect, polars and the stages allocates millions of objects that live as long as
    the process; the collector walking them again and again is 15-20% of the import time
    (measured: CPU 1.8 -> 1.5 s for the CLI's run imports, 3.5 -> 2.8 s for the temporary API
    server's start, docs/operations.md "Fast start")."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.enable()


class Memo(dict):
    """key -> fn(key), computed on first access. `list(map(memo.__getitem__, tokens))` answers a
    whole token list without a Python call per token once the tokens have been seen."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def __missing__(self, key):
        value = self[key] = self.fn(key)
        return value
