"""The stage interface and the executor every caller shares.

A `Stage` is declared once (flows/pipeline.py holds the whole DAG): its name, the function it
runs, the datasets it reads and writes, and, for a partitioned stage, how its inputs are split
into partitions and how the partitions' outputs are merged back. Datasets live in a dict (the
"bag") keyed by name; a stage reads `inputs` from the bag by keyword and adds `outputs` to it.

Two executors run the same declaration:
  - `run_local` (this module): plain calls in this process, partition by partition, for
    evaluation, benchmarks and tests;
  - the Prefect flow (flows/pipeline.py + flows/runtime.py): one task run per stage, one per
    partition of a partitioned stage (`segment-p0`, ...), cached, in worker processes.
Both split and merge with the same functions and the same partition count, so `akhbar eval`
figures come from the graph that publishes.

Fault isolation: a stage with `isolate=COLUMN` that raises on a partition is retried one item
(one value of COLUMN) at a time; items that still raise become quarantine rows (stage, error
type, message, the function that raised) and the run goes on with the rest.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import polars as pl

from akhbar.contracts import KEYS, SCHEMAS, empty_frame
from akhbar.memory import trim
from flows.partitions import partition_of, partitions_of
from flows.spill import SPILL_DIR, Spilled, materialise, spill_partition, spilled

Bag = dict[str, Any]


@dataclass(frozen=True)
class Stage:
    name: str                                   # task name in Prefect; partitions are NAME-pN
    fn: Callable[..., Any]                      # the stage function, called with its inputs by keyword
    inputs: tuple[str, ...]                     # datasets it reads
    outputs: tuple[str, ...]                    # datasets it writes (fn returns one value each)
    split: Callable[[Bag, int], dict[int, Bag]] | None = None   # per partition: (inputs, n) -> {p: inputs}
    merge: tuple[Callable[[list[Any]], Any], ...] = ()          # per output: partition values -> value
    cached: bool = False                        # Prefect caches it on its inputs' content + code version
    offload: bool = False                       # runs in the worker pool (flows/workers.py)
    isolate: str | None = None                  # on error, retry per value of this id column
    retries: int = 0                            # Prefect retries ...
    retry_if: Callable[[BaseException], bool] | None = None   # ... of the errors this accepts (None: any)
    code: str | None = None                     # module whose code (and imports) versions the cache key
    sorted_by: tuple[tuple[str, ...] | None, ...] = ()   # per output: the columns fn sorts it by (None:
                                                # not sorted), so outputs of slices are merged in fn's order
    lazy: tuple[str, ...] = ()                  # inputs fn accepts as spilled files (flows/spill.py) and
                                                # reads only in part; any other spilled input is read whole
    spill: bool = False                         # a corpus-wide stage whose frame outputs go to the spill folder
                                                # too (documents: its text is not held until publish)
    forget: Callable[[], None] | None = None    # empties the memos fn keeps in this process, called once the
                                                # stage has run (before `release` trims): they are not carried on

    @property
    def partitioned(self) -> bool:
        return self.split is not None


# inputs a bag may lack (then None): the spill folder, set by an executor that writes datasets to files
OPTIONAL_INPUTS = (SPILL_DIR,)


def inputs_of(stage: Stage, bag: Bag) -> Bag:
    missing = [k for k in stage.inputs if k not in bag and k not in OPTIONAL_INPUTS]
    if missing:
        raise KeyError(f"stage '{stage.name}' needs {missing}, which no earlier stage produced")
    return {k: bag.get(k) for k in stage.inputs}


def as_tuple(stage: Stage, value: Any) -> tuple:
    return value if len(stage.outputs) > 1 else (value,)


# --- fault isolation ----------------------------------------------------------------------------

def failure_row(stage: Stage, key: str, exc: BaseException) -> dict:
    """A quarantine row for one item that raised: which stage, which item, what, and where."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f"{frames[-1].name} ({frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno})" if frames else "?"
    message = str(exc).splitlines()[0][:300] if str(exc) else ""
    return dict(table=stage.name, row_key=key, check="exception",
                detail=f"{type(exc).__name__}: {message} in {where}", run_id="")


def _one_item(kwargs: Bag, column: str, key: Any) -> Bag:
    return {k: v.filter(pl.col(column) == key) if isinstance(v, pl.DataFrame) and column in v.columns else v
            for k, v in kwargs.items()}


def call(stage: Stage, kwargs: Bag) -> tuple[tuple, list[dict]]:
    """Run the stage on one set of inputs: (outputs, failure rows). Without `isolate`, errors raise.

    Bounded batches: a stage with `isolate` whose main input holds more than cfg.batch_rows items
    is run on contiguous slices of at most that many items (every frame holding the id column cut
    to the slice, row order kept) and the slices' outputs are merged with the stage's own merge
    functions, in order: the stage's transient memory (its Python objects) is bounded by the
    batch, not by the partition, and the outputs are those of one call on the whole partition."""
    chunks = slices(stage, kwargs, batch_size(kwargs))
    chunk = next(chunks)
    if chunk is kwargs:                      # small enough, or not sliceable: one call
        return call_one(stage, kwargs)
    results, failures = [], []
    while chunk is not None:                 # one slice cut at a time, dropped before the next is cut
        out, fails = call_one(stage, chunk)
        results.append(out)
        failures += fails
        del chunk
        chunk = next(chunks, None)
    merged = tuple(v.sort(list(by), maintain_order=True) if by and isinstance(v, pl.DataFrame) else v
                   for v, by in zip(merge(stage, results), stage.sorted_by or (None,) * len(stage.outputs)))
    return merged, failures


def batch_size(kwargs: Bag) -> int:
    cfg = kwargs.get("cfg")
    return getattr(cfg, "batch_rows", 0) or 0


def slices(stage: Stage, kwargs: Bag, size: int) -> Iterable[Bag]:
    """The stage's inputs cut into contiguous slices of at most `size` items (values of the
    stage's `isolate` column in the main input's order); one slice when small or not isolatable."""
    main = kwargs[stage.inputs[0]] if stage.inputs else None
    if stage.isolate is None or size <= 0 or not isinstance(main, pl.DataFrame) or main.height <= size \
            or stage.isolate not in main.columns:
        yield kwargs
        return
    keys = main.get_column(stage.isolate).unique(maintain_order=True)
    for start in range(0, len(keys), size):
        chunk = keys.slice(start, size)
        yield {k: v.filter(pl.col(stage.isolate).is_in(chunk))
               if isinstance(v, pl.DataFrame) and stage.isolate in v.columns else v for k, v in kwargs.items()}


def call_one(stage: Stage, kwargs: Bag) -> tuple[tuple, list[dict]]:
    """One call of the stage; on an error with `isolate`, retried item by item (fault isolation)."""
    try:
        return as_tuple(stage, stage.fn(**kwargs)), []
    except Exception:
        if stage.isolate is None:
            raise
    main = kwargs[stage.inputs[0]]
    results, failures = [], []
    for key in main.get_column(stage.isolate).unique(maintain_order=True).to_list():
        try:
            results.append(as_tuple(stage, stage.fn(**_one_item(kwargs, stage.isolate, key))))
        except Exception as exc:  # noqa: BLE001 - the item is quarantined with its error
            failures.append(failure_row(stage, str(key), exc))
    return merge(stage, results), failures


# --- partitions ---------------------------------------------------------------------------------

def merge(stage: Stage, results: list[tuple]) -> tuple:
    """Merge per-partition outputs with the stage's merge functions (default: concatenate frames)."""
    merges = stage.merge or tuple(concat for _ in stage.outputs)
    if not results:
        return tuple(m([]) for m in merges)
    return tuple(m([r[i] for r in results]) for i, m in enumerate(merges))


def concat(frames: list[pl.DataFrame]) -> pl.DataFrame | None:
    frames = [f for f in frames if f is not None]
    return pl.concat(frames, how="vertical") if frames else None


def unique_rows(table: str) -> Callable[[list[pl.DataFrame]], pl.DataFrame]:
    """Merge for a contract table: concatenate partitions; a key produced twice is kept once."""
    return _UniqueMerge(table)


@dataclass(frozen=True)
class _UniqueMerge:           # a class, not a closure: stages are pickled to worker processes
    table: str

    def __call__(self, frames: list[pl.DataFrame]) -> pl.DataFrame:
        if not frames:
            from akhbar.contracts import empty_frame
            return empty_frame(self.table)
        return pl.concat(frames, how="vertical").unique(list(KEYS[self.table]), keep="first", maintain_order=True)


def stamp(frame: Any, run_id: str) -> Any:
    """Rows of a cached result were computed by an earlier run: they are this run's now."""
    if isinstance(frame, pl.DataFrame) and "run_id" in frame.columns:
        return frame.with_columns(run_id=pl.lit(run_id))
    return frame


def quarantine_frame(rows: Iterable[dict], run_id: str) -> pl.DataFrame:
    schema = empty_frame("quarantine")
    rows = [dict(r, run_id=run_id) for r in rows]
    return pl.DataFrame(rows, schema=schema.schema) if rows else schema


# --- releasing datasets -------------------------------------------------------------------------

def releases(stages: Iterable[Stage], keep: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Per stage name, the datasets no later stage reads and the caller does not `keep`: the bag
    lets go of them once that stage has run, so a run holds only what is still to be read (the
    ingested text, the blocks, the unclustered events ... are not carried to publish)."""
    keep, last = set(keep), {}
    for stage in stages:
        for name in (*stage.inputs, *stage.outputs):
            last[name] = stage.name if name in stage.inputs else last.get(name, stage.name)
    out: dict[str, list[str]] = {}
    for name, stage_name in last.items():
        if name not in keep:
            out.setdefault(stage_name, []).append(name)
    return {k: tuple(v) for k, v in out.items()}


def release(bag: Bag, names: Iterable[str]) -> None:
    """Drop the named datasets (frames and dicts of frames; settings and ids stay) from the bag, and
    hand the C heap's free pages back to the system (`trim`)."""
    for name in names:
        if isinstance(bag.get(name), (pl.DataFrame, dict, Spilled)):
            del bag[name]
    trim()


# --- the local executor -------------------------------------------------------------------------

def run_local(stages: Iterable[Stage], bag: Bag, until: str | None = None,
              keep: Iterable[str] | None = None) -> Bag:
    """Run `stages` in order in this process; stop after the stage named `until`. Partitioned
    stages use the run's partition count (`partitions_of`), like the flow. With `keep`, datasets no later stage
    reads and not in `keep` are dropped as soon as their last reader has run (`releases`). With a
    spill folder in the bag (flows/spill.py), partition outputs go to files as each partition ends."""
    stages = tuple(stages)
    drop = releases(stages, keep) if keep is not None else {}
    bag = dict(bag)
    bag.setdefault("stage_failures", [])
    bag.setdefault("known_incidents", None)   # the local executor starts with no earlier snapshot
    bag.setdefault("dedupe_state", None)
    for stage in stages:
        outputs = run_partitions(stage, bag) if stage.partitioned else run_whole(stage, bag)
        bag.update(zip(stage.outputs, outputs))
        del outputs
        if stage.forget:
            stage.forget()
        release(bag, drop.get(stage.name, ()))
        if stage.name == until:
            break
    return bag


def run_whole(stage: Stage, bag: Bag) -> tuple:
    """A corpus-wide stage: spilled inputs are read whole, but for those the stage reads in part."""
    kwargs = {k: v if k in stage.lazy else materialise(v) for k, v in inputs_of(stage, bag).items()}
    out, failures = call(stage, kwargs)
    bag["stage_failures"] = bag["stage_failures"] + failures
    return spilled_whole(stage, out, bag.get(SPILL_DIR))


def spilled_whole(stage: Stage, out: tuple, folder) -> tuple:
    """A corpus-wide stage's outputs as the run keeps them: with `stage.spill` and a spill folder,
    each frame as one parquet file read back whole (or in columns by a `lazy` reader) when needed."""
    if not (stage.spill and folder):
        return out
    return tuple(spilled([f], concat, 1, rowwise=True) if isinstance(f, str) else f
                 for f in spill_partition(folder, stage.name, 0, out, stage.outputs, 1))


def partition_inputs(stage: Stage, kwargs: Bag, n: int) -> Iterable[tuple[int, Bag]]:
    """(partition, its inputs), one partition at a time. A spilled main input is read partition by
    partition (each spilled input filtered to the partition's rows, then the stage's own split);
    otherwise the inputs are split in memory and each partition's inputs dropped once it has run."""
    main = kwargs[stage.inputs[0]]
    if isinstance(main, Spilled) and main.partitions:
        for p in main.partitions:
            sub = {k: v.partition(p) if isinstance(v, Spilled) and v.partitions else materialise(v)
                   for k, v in kwargs.items()}
            yield p, stage.split(sub, n).get(p, sub)
        return
    kwargs = {k: materialise(v) for k, v in kwargs.items()}
    main, col = kwargs[stage.inputs[0]], stage.isolate
    if not isinstance(main, pl.DataFrame) or col not in main.columns or main.is_empty():
        parts = stage.split(kwargs, n)
        for p in sorted(parts):
            yield p, parts.pop(p)
        return
    # one partition's copy at a time: the main input cut to the partition, then the stage's own split
    tags = partition_of(main.get_column(col), n)
    for p in sorted(tags.unique().to_list()):
        sub = dict(kwargs, **{stage.inputs[0]: main.filter(tags == p)})
        yield p, stage.split(sub, n).get(p, sub)
        del sub


def run_partitions(stage: Stage, bag: Bag) -> tuple:
    n, folder = partitions_of(bag), bag.get(SPILL_DIR)
    results = []
    for p, kwargs in partition_inputs(stage, inputs_of(stage, bag), n):
        out, failures = call(stage, kwargs)
        del kwargs
        results.append(kept(stage, p, out, folder, n))
        bag["stage_failures"] = bag["stage_failures"] + failures
        del out
    return gathered(stage, results, folder, n)


def kept(stage: Stage, p: int, out: tuple, folder, n: int) -> tuple:
    """A partition's outputs as the run keeps them: written to the spill folder when there is one."""
    return spill_partition(folder, stage.name, p, out, stage.outputs, n) if folder else out


def gathered(stage: Stage, results: list[tuple], folder, n: int) -> tuple:
    """The partitions' outputs (partition order) merged in memory, or spilled: per output, its files."""
    if not folder:
        return merge(stage, results)
    merges = stage.merge or tuple(concat for _ in stage.outputs)
    return tuple(spilled([r[i] for r in results], m, n) for i, m in enumerate(merges))
