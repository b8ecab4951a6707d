"""How a stage hands batches of per-item work to whoever runs them (issue 16.4).

A stage in tasks/ takes a `mapper`: mapper(fn, items, *args) yields fn(item, *args) for each item,
in the items' order. The default runs them here; the flow passes flows/workers.py `map_bounded`,
which runs them in the worker processes with a bounded number in flight. `fn` must be a
module-level function (it is pickled to the workers) and the results must not depend on who ran it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

Mapper = Callable[..., Iterable[Any]]


def in_process(fn: Callable[..., Any], items: Iterable[Any], *args: Any) -> Iterator[Any]:
    """fn(item, *args) for each item, in this process."""
    return (fn(item, *args) for item in items)
