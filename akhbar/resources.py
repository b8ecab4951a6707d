"""Loading of the data files under akhbar/resources (gazetteers, lexicons, ontology)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources


def resource_path(name: str):
    """A data file under akhbar/resources; `name` may hold a sub-folder ('events/cues.json')."""
    return resources.files("akhbar").joinpath("resources", *name.split("/"))


@lru_cache(maxsize=None)
def read_tsv(name: str) -> tuple[tuple[str, ...], ...]:
    """Rows of a TSV resource, skipping blank lines and '#' comments."""
    rows = []
    for line in resource_path(name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append(tuple(c.strip() for c in line.split("\t")))
    return tuple(rows)


@lru_cache(maxsize=None)
def read_word_sets(name: str) -> dict[str, tuple[tuple[str, str], ...]]:
    """A TSV resource of closed word sets (`SET <tab> word [<tab> value]` rows, see read_tsv):
    set name -> its (word, value) pairs in file order, words as written (value '' when absent)."""
    sets: dict[str, list[tuple[str, str]]] = {}
    for row in read_tsv(name):
        if len(row) < 2:
            raise ValueError(f"{name}: a word-set row needs a set name and a word: {row!r}")
        sets.setdefault(row[0], []).append((row[1], row[2] if len(row) > 2 else ""))
    return {k: tuple(v) for k, v in sets.items()}
