"""Stable partitions and the cache keys of the partition tasks.

Partitions: a row goes to partition `hash(id) % n` with `n` set by config
(PipelineConfig.partitions, doubled while a partition would hold more than
PipelineConfig.partition_rows blocks: `partition_count`), so adding a few
documents changes only the partitions those documents land in; every other
partition keeps its content and therefore its cache key.

Cache keys: hash of the task's input frames (content, not object identity)
plus the code version: akhbar.__version__, the polars version (row hashes are
only stable within one polars release) and a hash of the source of the stage
module and of every akhbar/tasks module it uses, plus the resource files.
Editing a stage, a lexicon or a shared helper therefore invalidates the cache;
a rerun over unchanged input with unchanged code skips the stage.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import importlib.util
import inspect
import sys
import threading
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import polars as pl

import akhbar

# Columns that say *when* or *by which run* a row was made, not what it is:
# left out of content hashes so a rerun over the same input hits the cache
# (the flow stamps the current run_id on cached outputs; mark-new takes is_new and
# ingested_run_id from this run's ingest: flows/steps.py RUN_VIEW). ingested_run_id: a first run
# killed after dedupe, rerun, ingests every document again under the new run's id.
VOLATILE_COLUMNS = ("run_id", "is_new", "ingested_run_id")
# Inputs that change how fast a stage runs, never what it returns, left out of its cache key: the
# dedupe state (stored signatures, equal to recomputed ones by construction: tasks/dedupe_index.py),
# which the first run of an output lacks and the next has.
SPEED_ONLY_INPUTS = ("dedupe_state",)
_OWN_PACKAGES = ("akhbar", "tasks")
RESOURCES = Path(akhbar.__file__).resolve().parent / "resources"


def partition_of(ids: pl.Series, n: int) -> pl.Series:
    """Partition number in [0, n) for each id: a blake2b hash, stable across processes and releases."""
    return pl.Series([int.from_bytes(hashlib.blake2b(str(x).encode(), digest_size=8).digest(), "big") % n
                      for x in ids], dtype=pl.Int64)


def partition_count(rows: int, cfg: Any) -> int:
    """The run's partition count for `rows` blocks: cfg.partitions, doubled until a partition holds at
    most cfg.partition_rows blocks on average (0: never doubled). A partition's size (what segment,
    entities, events and validate hold at once) stays bounded whatever the corpus; doubling, not
    rows / partition_rows, so the count (and the partitions' cache keys) changes only when the
    corpus doubles, and a run over 2x the blocks cuts each earlier partition in two."""
    n, per = max(1, cfg.partitions), getattr(cfg, "partition_rows", 0)
    while per > 0 and -(-rows // n) > per:
        n *= 2
    return n


N_PARTITIONS = "n_partitions"   # bag key: the run's partition count, set once the blocks are known (vocabulary)


def partitions_of(bag: dict) -> int:
    """The partition count of the run whose bag this is (cfg.partitions before the vocabulary stage)."""
    return bag.get(N_PARTITIONS) or bag["cfg"].partitions


def split(frame: pl.DataFrame, id_col: str, n: int) -> dict[int, pl.DataFrame]:
    """Non-empty partitions of `frame` by the hash of `id_col`, keyed by partition number (row order kept)."""
    if frame.is_empty():
        return {}
    tagged = frame.with_columns(partition_of(frame[id_col], n).alias("_part"))
    return {p: tagged.filter(pl.col("_part") == p).drop("_part")
            for p in sorted(tagged["_part"].unique().to_list())}


def frame_fingerprint(frame: pl.DataFrame) -> str:
    """Content hash of a frame (schema + rows in order), ignoring VOLATILE_COLUMNS."""
    cols = [c for c in frame.columns if c not in VOLATILE_COLUMNS]
    frame = frame.select(cols)
    h = hashlib.blake2b(digest_size=16)
    h.update(repr([(c, str(t)) for c, t in frame.schema.items()]).encode())
    h.update(str(frame.height).encode())
    if frame.height and cols:
        for seed in (0, 1):  # two independent 64-bit row hashes
            h.update(frame.hash_rows(seed=seed).to_numpy().tobytes())
    return h.hexdigest()


def rows_fingerprint(parts) -> str:
    """Content hash of a dataset given in parts (a spilled file's slices): schema + the set of its rows,
    in any order (ignoring VOLATILE_COLUMNS). For an input its stage reads in an order of its own (dedupe
    sorts the documents): a rerun whose files list the same rows in another order hits the cache."""
    h, schema, hashes = hashlib.blake2b(digest_size=16), None, []
    for part in parts:
        part = part.select([c for c in part.columns if c not in VOLATILE_COLUMNS])
        schema = schema or repr([(c, str(t)) for c, t in part.schema.items()])
        if part.height and part.width:
            hashes.append(np.stack([part.hash_rows(seed=seed).to_numpy() for seed in (0, 1)], axis=1))
    rows = np.concatenate(hashes) if hashes else np.empty((0, 2), dtype=np.uint64)
    h.update((schema or "").encode())
    h.update(str(len(rows)).encode())
    h.update(rows[np.lexsort((rows[:, 1], rows[:, 0]))].tobytes())
    return h.hexdigest()


@lru_cache(maxsize=None)
def _imports(module_name: str) -> frozenset[str]:
    """Names of the akhbar/tasks modules imported by the module (read from its source; once per
    process: the stages share most of their modules)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(inspect.getsource(sys.modules[module_name]))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)  # `from akhbar import arabic`
    return frozenset(n for n in names if n.split(".")[0] in _OWN_PACKAGES and _is_module(n))


def _is_module(name: str) -> bool:
    """True for an importable module (imported now if it was not: lazy imports count too)."""
    try:
        if importlib.util.find_spec(name) is None:
            return False
    except (ModuleNotFoundError, ValueError):  # `akhbar.text.tokens.tokenize`: a name, not a module
        return False
    importlib.import_module(name)
    return True


def _own_modules(module_name: str) -> list[ModuleType]:
    """The module and every akhbar/tasks module it imports, transitively."""
    seen: set[str] = set()
    todo = [module_name]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(_imports(name))
    return [sys.modules[n] for n in sorted(seen)]


@lru_cache(maxsize=None)
def code_version(module_name: str) -> str:
    """akhbar version + polars version + hash of the stage's own sources and the resource files."""
    h = hashlib.blake2b(digest_size=16)
    for mod in _own_modules(module_name):
        h.update(mod.__name__.encode())
        h.update(inspect.getsource(mod).encode())
    h.update(resources_digest().encode())
    return f"{akhbar.__version__}-pl{pl.__version__}-{h.hexdigest()}"


@lru_cache(maxsize=1)
def resources_digest() -> str:
    """Hash of every data file under akhbar/resources (lexicons, gazetteers): they are code too."""
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(p for p in RESOURCES.rglob("*") if p.is_file()):
        h.update(path.relative_to(RESOURCES).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _fingerprint(value: Any) -> str:
    from flows.spill import Spilled    # (flows.spill imports this module)

    if isinstance(value, pl.DataFrame):
        return frame_fingerprint(value)
    if isinstance(value, Spilled):     # its content (file names change with every run)
        return "spilled:" + rows_fingerprint(value.parts())
    if isinstance(value, (tuple, list)):
        return "[" + ",".join(_fingerprint(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{k}:{_fingerprint(v)}" for k, v in sorted(value.items())) + "}"
    return repr(value)


_code_lock = threading.Lock()


def warm_code_versions(stages) -> None:
    """Compute the code versions of the cached stages once, in the flow's thread, so no task
    thread parses sources concurrently (CPython's ast is not safe for that)."""
    for stage in stages:
        if stage.cached:
            stage_code_version(stage)


_stage_versions: dict[str, str] = {}


def stage_code_version(stage) -> str:
    """Code version of a stage's module (and what it imports) plus the source of its step function."""
    with _code_lock:
        if stage.name not in _stage_versions:
            h = hashlib.blake2b(digest_size=16)
            h.update(code_version(stage.code or stage.fn.__module__).encode())
            h.update(f"{stage.fn.__module__}.{stage.fn.__qualname__}".encode())
            h.update(inspect.getsource(stage.fn).encode())
            _stage_versions[stage.name] = h.hexdigest()
        return _stage_versions[stage.name]


def stage_cache_key(context: Any, parameters: dict[str, Any]) -> str:
    """Prefect cache_key_fn of a graph stage (flows/runtime.py `execute(stage_name, inputs)`): stage
    name + its code version + the content of its inputs (run_id, is_new and SPEED_ONLY_INPUTS left out)."""
    from flows.runtime import stage_named

    stage = stage_named(parameters["stage_name"])
    inputs = {k: v for k, v in parameters["inputs"].items() if k not in (*VOLATILE_COLUMNS, *SPEED_ONLY_INPUTS)}
    h = hashlib.blake2b(digest_size=20)
    h.update(stage_code_version(stage).encode())
    h.update(_fingerprint(inputs).encode())
    return f"{context.task.name}-{h.hexdigest()}"
