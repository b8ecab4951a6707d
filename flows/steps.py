"""The stage functions of the DAG, with the dataset names of flows/pipeline.py as parameters.

Each is a thin call into a pure stage (tasks/) or a small named step between stages that
the flow used to do inline (the `is_new` re-join, the corpus vocabulary, the quarantine
union, the run row). Splits and merges of the partitioned stages live here too: they are
module-level functions so stages can be pickled to worker processes.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import polars as pl

import akhbar
from akhbar.config import PipelineConfig
from akhbar.contracts import CONTRACT_VERSION
from akhbar.lake import LockError, SchemaChangeError
from akhbar.lake.state import read_state
from akhbar.lake.tables import map_text, scan_latest
from akhbar.faults import error_detail
from flows import workers
from flows.graph import Bag, concat, quarantine_frame
from flows.partitions import partition_count, partition_of, split
from flows.spill import PART, PART_ROWS, ParquetSink, Spilled, materialise, spilled, write_rows
from tasks.dedupe import dedupe_with_index as dedupe_documents
from tasks.dedupe_text import CHARS, ROW, Texts, without_text
from tasks.entities import build_catalog, extract_entities
from tasks.entities.catalog import CATALOG_COLUMNS, catalog_of_chunks, catalog_of_parts
from tasks.entities.stage import forget_memos as forget_entity_memos  # noqa: F401  (Stage.forget)
from tasks.events.stage import forget_memos as forget_event_memos  # noqa: F401  (Stage.forget)
from tasks.events import MENTION_FIELDS, cluster_events, extract_events
from tasks.events.clustering import CLUSTER_COLUMNS, cluster_part, place_bucket
from tasks.incidents import incidents_of_parts
from tasks.incidents.build import ARTICLE_COLUMNS as INCIDENT_ARTICLE_COLUMNS, EVENT_COLUMNS as INCIDENT_EVENT_COLUMNS
from tasks.incidents.build import CATALOG_COLUMNS as INCIDENT_CATALOG_COLUMNS, cluster_bucket
from tasks.incidents.build import DOCUMENT_COLUMNS as INCIDENT_DOCUMENT_COLUMNS
from tasks.incidents.build import PREVIOUS_COLUMNS as INCIDENT_PREVIOUS_COLUMNS
from tasks.ingest import MANIFEST_COLUMNS, documents_order, ingest_folder, input_manifest_hash
from tasks.ingest_file import ingest_to_file
from tasks.publish import publish as publish_tables
from tasks.segment import corpus_vocabulary, merge_articles, segment_blocks
from tasks.validate import CHECK_ORDER, OPTIONAL, ValidationError, validate as validate_tables, validate_parts

log = logging.getLogger(__name__)

# corpus-wide stages over spilled datasets work one hash bucket at a time (issue 16: a bounded
# transient): about this many rows of the dataset per bucket (docs/scale.md section 12)
CATALOG_BUCKET_ROWS = 100_000     # mentions
CLUSTER_BUCKET_ROWS = 50_000      # events
INCIDENT_BUCKET_ROWS = 50_000     # events


# --- retry policies (Prefect retries only what a retry can fix) ----------------------------------

def io_error(exc: BaseException) -> bool:
    return isinstance(exc, OSError)


def publish_retryable(exc: BaseException) -> bool:
    """A failed write, but not a refusal (schema change, held lock). Safe: the retry compares with
    the same snapshot, and a table the failed attempt already committed to is rewritten in full."""
    return not isinstance(exc, (SchemaChangeError, LockError))


# --- whole-corpus steps -------------------------------------------------------------------------

def start_bag(input_dir: Path | str, run_id: str, cfg: PipelineConfig, output_dir: str | None = None,
              flow_run_id: str | None = None, git_commit: str | None = None, **extra) -> Bag:
    """The bag a run starts from (the flow, `flows.local`, bench-scale): its input, run id and settings;
    with an output lake, what the lake already holds (first-seen documents and incidents, the dedupe
    index) and the `run_meta` publish writes; `extra` datasets as given (`known_documents` overrides)."""
    bag: Bag = dict(input_dir=str(input_dir), run_id=run_id, cfg=cfg, known_documents=known(output_dir))
    if output_dir is not None:
        meta = dict(run_id=run_id, flow_run_id=flow_run_id, started_at=dt.datetime.now(dt.timezone.utc),
                    git_commit=git_commit, input_dir=str(input_dir), output_dir=str(output_dir))
        bag.update(known_incidents=known_incidents(output_dir), dedupe_state=dedupe_state(output_dir, meta),
                   run_meta=meta)
    bag.update(extra)
    return bag


def known(output_dir: str | None) -> pl.LazyFrame | None:
    """The documents of the latest snapshot, not read yet (ingest keeps their first-seen run ids):
    ingest reads their keys first and the rows of the files it does not parse again last, so the
    earlier documents' text is read once, not held whole beside this run's (tasks/ingest.py)."""
    return scan_latest(output_dir, "documents") if output_dir else None


def dedupe_state(output_dir: str | None, run_meta: dict | None = None) -> pl.DataFrame | None:
    """The latest snapshot's dedupe_index (tasks/dedupe_index.py); None when the lake has none or it
    cannot be read: dedupe then computes every signature, and a table that could not be read is
    noted in `run_meta` so publish writes it again in full (`rewrite_state`)."""
    if not output_dir:
        return None
    try:
        return read_state(output_dir, "dedupe_index")
    except Exception as exc:  # noqa: BLE001 - state, not data: rebuilt, and said so in one line
        log.warning("dedupe_index of %s cannot be read (%s): rebuilt from the documents' text",
                    output_dir, error_detail(exc))
        if run_meta is not None:
            run_meta["rewrite_state"] = [*run_meta.get("rewrite_state", []), "dedupe_index"]
        return None


def ingest(input_dir: str, run_id: str, cfg: PipelineConfig, known_documents: pl.DataFrame | pl.LazyFrame | None,
           spill_dir: Path | str | None = None) -> pl.DataFrame | Spilled:
    """Files read in batches by the worker processes (flows/workers.py), when the pool is on. With a
    spill folder, the rows go to one parquet file batch by batch (tasks/ingest_file.py): the run holds
    no document's text after ingest, and ingest itself only a batch's."""
    if not spill_dir:
        return ingest_folder(Path(input_dir), run_id, cfg, known=known_documents, mapper=workers.map_bounded)
    Path(spill_dir).mkdir(parents=True, exist_ok=True)
    path = ingest_to_file(Path(input_dir), run_id, Path(spill_dir) / "ingest.ingested.p0.parquet", PART_ROWS, cfg,
                          known=known_documents, mapper=workers.map_bounded)
    return spilled([path], concat, 1, rowwise=True)


def dedupe(ingested: pl.DataFrame | Spilled, run_id: str, cfg: PipelineConfig,
           dedupe_state: pl.DataFrame | None = None):
    """Per-document work (line keys, in-page rules, signatures) in batches in the worker processes;
    signatures of unchanged documents taken from the previous snapshot's dedupe_index. Ingested
    documents in a file (spilled) are held without their text, read a batch at a time
    (tasks/dedupe_text.py); the documents returned are then without it too (mark-new puts it back)."""
    if not isinstance(ingested, Spilled):
        return dedupe_documents(ingested, run_id, cfg, state=dedupe_state, mapper=workers.map_bounded)
    texts = Texts(one_file(ingested))
    held = documents_order(without_text(texts.path, list(pl.read_parquet_schema(texts.path))))
    out = dedupe_documents(held, run_id, cfg, state=dedupe_state, mapper=workers.map_bounded, texts=texts)
    # rows of this run's file are not part of the (cached) answer: mark-new finds them by doc_id
    return out[0].drop(ROW, CHARS), *out[1:]


def one_file(data: Spilled) -> str:
    """The file of a dataset spilled as one file (a corpus-wide stage's output, `Stage.spill`)."""
    if len(data.files) != 1:
        raise ValueError(f"expected one spilled file, got {len(data.files)}")
    return data.files[0]


# This run's view of a document, not part of dedupe's (cached) answer: taken from ingest by mark-new.
# (A cached answer computed by a run that was killed carries that run's id as ingested_run_id.)
RUN_VIEW = ("is_new", "ingested_run_id")


def mark_new(deduped: pl.DataFrame, ingested: pl.DataFrame | Spilled) -> pl.DataFrame | Spilled:
    """is_new and ingested_run_id are this run's view of the input (RUN_VIEW), not part of dedupe's
    (cached) answer: taken from ingest's row of each doc_id. Documents deduped without their text
    (ingested spilled) get it back here, written to a file PART_ROWS documents at a time
    (`documents_file`): the corpus' text is never held whole."""
    if isinstance(ingested, Spilled) and "text" not in deduped.columns:
        path = one_file(ingested)
        return documents_file(deduped, path, str(Path(path).parent / "mark-new.documents.p0.parquet"))
    ingested = ingested.frame(["doc_id", *RUN_VIEW]) if isinstance(ingested, Spilled) else ingested
    view = [c for c in RUN_VIEW if c in ingested.columns]
    joined = deduped.select("doc_id").join(ingested.select("doc_id", *view), on="doc_id", how="left",
                                           maintain_order="left")
    return deduped.drop("is_new", strict=False).with_columns(joined.get_column(c) for c in view)


def documents_file(deduped: pl.DataFrame, text_file: str, path: str) -> Spilled:
    """The deduped documents with their text and this run's is_new and ingested_run_id (from
    `text_file`, the row of each doc_id found in it), in the columns and row order of the in-memory
    mark-new, written PART_ROWS rows at a time."""
    columns = [*(c for c in pl.read_parquet_schema(text_file) if c != "is_new"), "is_new"]
    view = [c for c in RUN_VIEW if c in columns]
    rows = pl.scan_parquet(text_file).select("doc_id", *view).with_row_index(ROW).collect()
    joined = deduped.select("doc_id").join(rows, on="doc_id", how="left", maintain_order="left")
    frame = deduped.with_columns(*(joined.get_column(c) for c in view), joined.get_column(ROW).cast(pl.Int64))
    with ParquetSink(path, PART_ROWS) as sink:
        for lo in range(0, max(frame.height, 1), PART_ROWS):
            sink.write(Texts(text_file).add(frame.slice(lo, PART_ROWS)).select(columns))
    return spilled([path], concat, 1, rowwise=True)


def vocabulary(blocks: pl.DataFrame, cfg: PipelineConfig) -> tuple[dict[int, pl.DataFrame], int]:
    """The run's partition count (grows with the blocks: flows/partitions.py partition_count) and,
    per partition of blocks, the corpus-frequent words its glued-word repair may use (counted over
    all blocks, so the partitioning never changes a repair)."""
    n = partition_count(blocks.height, cfg)       # no block: one empty partition 0 (corpus_vocabulary)
    return corpus_vocabulary(blocks, partition_of(blocks.get_column("block_id"), n), cfg.max_glued_word_chars), n


def n_buckets(rows: int, per_bucket: int) -> int:
    """Parts of at most about `per_bucket` rows (hash buckets are not exactly even)."""
    return max(1, -(-rows // per_bucket))


def in_buckets(data: Spilled, by: pl.Expr, per_bucket: int, columns) -> Iterator[pl.DataFrame]:
    """A spilled dataset (these columns) one hash bucket of `by` at a time, about `per_bucket` rows each
    (Spilled.buckets), for the corpus-wide stages whose result per key needs only that key's rows."""
    return data.buckets(by, n_buckets(data.rows(), per_bucket), columns)


def catalog(entities: pl.DataFrame | Spilled, run_id: str, cfg: PipelineConfig) -> pl.DataFrame:
    """The entity catalog; from spilled mentions, only the columns it aggregates: one partition file at a
    time (per-entity counts folded, `catalog_of_chunks`: a frequent entity's mentions are never held
    together), else one hash bucket of entity_id at a time (CATALOG_BUCKET_ROWS mentions each)."""
    if not isinstance(entities, Spilled):
        return build_catalog(entities, run_id, cfg.entities)
    if entities.by_part:      # one file per article partition: its mentions merged alone, in the whole order
        return catalog_of_chunks((entities.partition(p, CATALOG_COLUMNS) for p in entities.partitions), run_id)
    return catalog_of_parts(in_buckets(entities, pl.col("entity_id").hash(), CATALOG_BUCKET_ROWS, CATALOG_COLUMNS),
                            run_id)


def cluster(events_unclustered: pl.DataFrame | Spilled) -> pl.DataFrame | Spilled:
    """Clusters span partitions: assigned once over the whole corpus. Spilled events: clustered on
    the columns clustering reads, one bucket of (type, place) at a time (CLUSTER_BUCKET_ROWS events
    each); the cluster ids are written into a copy of each partition's file, joined by event_id: with one
    file per partition, each bucket's ids go to a file and are cut by partition (`Spilled.joined_parts`)."""
    if not isinstance(events_unclustered, Spilled):
        return cluster_events(events_unclustered)
    if events_unclustered.by_part and events_unclustered.files:   # ids written file by file (Spilled.joined_parts)
        buckets = in_buckets(events_unclustered, place_bucket(), CLUSTER_BUCKET_ROWS, (*CLUSTER_COLUMNS, PART))
        parts = (cluster_part(part).with_columns(part.get_column(PART)) for part in buckets
                 if part is not None and not part.is_empty())
        return events_unclustered.joined_parts(parts, "event_id", "cluster-events.events")
    buckets = in_buckets(events_unclustered, place_bucket(), CLUSTER_BUCKET_ROWS, CLUSTER_COLUMNS)
    parts = [cluster_part(part) for part in buckets if part is not None and not part.is_empty()]
    if not parts:                                  # no event at all
        return events_unclustered
    return events_unclustered.joined(pl.concat(parts, how="vertical"), "event_id", "cluster-events.events")


def known_incidents(output_dir: str | None) -> pl.DataFrame | None:
    """The incidents of the latest snapshot, only the columns that keep their ids (a new run keeps
    them for the reports they share: tasks/incidents/build.py assign_ids)."""
    previous = scan_latest(output_dir, "incidents") if output_dir else None
    return None if previous is None else previous.select(INCIDENT_PREVIOUS_COLUMNS).collect()


def incidents(events: pl.DataFrame, entity_catalog: pl.DataFrame, articles: pl.DataFrame, documents: pl.DataFrame,
              known_incidents: pl.DataFrame | None, run_id: str) -> tuple[pl.DataFrame, list[dict]]:
    """One row per real-world happening from the clusters (tasks/incidents); failing clusters are
    quarantined, the rest kept. Spilled events, articles and documents: only the columns it reads;
    the events one hash bucket of cluster_id at a time (`cluster_bucket`), INCIDENT_BUCKET_ROWS each;
    a spilled catalog by the columns `names` reads."""
    articles, documents, entity_catalog = (columns_of(data, columns) for data, columns in (
        (articles, INCIDENT_ARTICLE_COLUMNS), (documents, INCIDENT_DOCUMENT_COLUMNS),
        (entity_catalog, INCIDENT_CATALOG_COLUMNS)))
    if not isinstance(events, Spilled):
        return incidents_of_parts([events], entity_catalog, articles, documents, run_id, known_incidents)
    return incidents_of_parts(in_buckets(events, cluster_bucket(), INCIDENT_BUCKET_ROWS, INCIDENT_EVENT_COLUMNS),
                              entity_catalog, articles, documents, run_id, known_incidents)


def columns_of(data, columns: tuple[str, ...]):
    """A spilled dataset's frame of these columns (those its files have); anything else as it is."""
    if not isinstance(data, Spilled) or not data.files:
        return materialise(data)
    names = pl.read_parquet_schema(data.files[0])
    return data.frame([c for c in columns if c in names])


def validate(documents, segments, articles, sentences, entities, entity_catalog, events, run_id: str,
             cfg: PipelineConfig, incidents: pl.DataFrame | None = None):
    """The contracts; and a run whose input yields no accepted document publishes nothing unless
    `allow_empty` (a scheduled run on a mis-mounted folder must not publish an empty snapshot).
    Spilled documents are read by the columns and row slices each check needs, never whole."""
    if not cfg.allow_empty:
        refuse_empty(documents.frame(["status", "reason"]) if isinstance(documents, Spilled) else documents)
    whole = dict(documents=documents, segments=segments, entity_catalog=entity_catalog)
    if incidents is not None:
        whole["incidents"] = incidents
    parted = dict(articles=articles, sentences=sentences, entities=entities, events=events)
    if all(isinstance(v, Spilled) for v in parted.values()) and articles.partitions:
        return validate_spilled(whole, parted, run_id, cfg)
    candidates = {k: materialise(v) for k, v in dict(whole, **parted).items()}
    return validate_tables({k: candidates[k] for k in (*CHECK_ORDER, *OPTIONAL) if k in candidates}, run_id,
                           cfg.max_failure_share)


def refuse_empty(documents: pl.DataFrame) -> None:
    """ValidationError when no document was accepted, naming the rejection reasons."""
    if not documents.filter(pl.col("status") == "ok").is_empty():
        return
    kinds = (documents.filter(pl.col("status") == "rejected")
             .group_by(pl.col("reason").fill_null("?").str.split(":").list.first().str.strip_chars())
             .len("n").sort(["n", "reason"], descending=[True, False]))
    why = ", ".join(f"{r} {n}" for r, n in kinds.iter_rows()) or "no input file found"
    raise ValidationError(f"no document of the input was accepted ({documents.height} seen; {why}): check the "
                          "input folder, or pass --allow-empty when an empty input is expected", "empty_input")


def validate_spilled(whole: dict, parted: dict[str, Spilled], run_id: str, cfg: PipelineConfig):
    """Validation one article partition at a time (tasks/validate.py validate_parts): each partition's
    clean rows are written next to the spilled inputs, and the validated tables are those files.
    Spilled documents are checked a row slice at a time; their clean rows are the spilled file itself
    when none failed, else the file's rows whose key stayed clean (copied by streaming). The clean rows of
    the other tables (segments, catalog, incidents) are written there too: quarantine and publish hold
    file names, and publish reads every table a slice at a time."""
    folder = Path(parted["articles"].files[0]).parent
    files: dict[str, list[str]] = {name: [] for name in parted}
    docs = whole["documents"]
    sliced = {}
    if isinstance(docs, Spilled) and docs.rowwise:
        sliced["documents"] = lambda columns=None: docs.parts() if columns is None else iter([docs.frame(columns)])
        whole = {k: v for k, v in whole.items() if k != "documents"}
    whole = {k: materialise(v) for k, v in whole.items()}

    def read(name: str, p: int, columns=None) -> pl.DataFrame:
        return parted[name].partition(p, columns)

    def emit(name: str, p: int, clean: pl.DataFrame) -> None:
        path = folder / f"validate.{name}.p{p}.parquet"
        write_rows(clean, path)
        files[name].append(str(path))

    clean, quarantine_rows, report = validate_parts(whole, read, list(parted["articles"].partitions), emit, run_id,
                                                    cfg.max_failure_share, sliced=sliced)
    if sliced:
        kept = report["rows_out"]["documents"] < report["rows_in"]["documents"]
        clean["documents"] = docs.keep(clean["documents"], folder / "validate.documents.parquet") if kept else docs
    for name in [n for n, v in clean.items() if isinstance(v, pl.DataFrame)]:   # segments, catalog, incidents
        write_rows(clean[name], folder / f"validate.{name}.parquet")           # files too: not held to publish
        clean[name] = spilled([str(folder / f"validate.{name}.parquet")], concat, 1, rowwise=True)
    validated = {name: clean.get(name) if name in clean else Spilled(tuple(files[name]), concat, rowwise=True)
                 for name in (*CHECK_ORDER, *OPTIONAL) if name in clean or name in files}
    return validated, quarantine_rows, report


def quarantine(validated: dict, quarantine_rows: pl.DataFrame, segment_rejections: pl.DataFrame,
               stage_failures: list[dict], run_id: str, incident_failures: list[dict] | None = None) -> dict:
    """Every quarantined row in one table: validation's, blocks that yielded no article, and items
    a stage failed on (flows/graph.py fault isolation)."""
    parts = [quarantine_rows, segment_rejections.select(quarantine_rows.columns),
             quarantine_frame(list(stage_failures) + list(incident_failures or []), run_id).select(quarantine_rows.columns)]
    return dict(validated, quarantine=pl.concat(parts, how="vertical_relaxed").unique(maintain_order=True))


def publish(tables: dict, report: dict, documents: pl.DataFrame, run_meta: dict, cfg: PipelineConfig,
            dedupe_index: pl.DataFrame | None = None) -> dict:
    """The tables as one snapshot, with dedupe's state table; the `runs` row (lineage) written last.
    Spilled tables are compared and written a slice at a time (akhbar/lake/write.py `parts_of`);
    of spilled documents only the two columns of the input manifest are read here."""
    if isinstance(documents, Spilled):
        documents = documents.frame(MANIFEST_COLUMNS)
    if dedupe_index is not None:
        tables = dict(tables, dedupe_index=dedupe_index)
    counts = {k: v.height for k, v in tables.items()}
    run_row = dict(
        run_id=run_meta["run_id"], flow_run_id=run_meta.get("flow_run_id"), started_at=run_meta["started_at"],
        finished_at=dt.datetime.now(dt.timezone.utc), status="published", code_version=akhbar.__version__,
        git_commit=run_meta.get("git_commit"), contract_version=CONTRACT_VERSION,
        parameters={k: map_text(v) for k, v in sorted({"input_dir": str(run_meta["input_dir"]),
                                                        "output_dir": str(run_meta["output_dir"]),
                                                        **cfg.as_dict()}.items())},
        input_manifest_hash=input_manifest_hash(documents), counts=dict(sorted(counts.items())),
        validation_summary=json.dumps(report, sort_keys=True, default=str))
    return publish_tables(run_meta["output_dir"], tables, run_row, allow_breaking_schema=cfg.allow_breaking_schema,
                          rewrite=tuple(run_meta.get("rewrite_state", ())))


# --- partitioned stages -------------------------------------------------------------------------

def segment(blocks: pl.DataFrame, vocab: pl.DataFrame | None, run_id: str, cfg: PipelineConfig):
    return segment_blocks(blocks, run_id, vocab, cfg.max_glued_word_chars)


def entities(articles: pl.DataFrame, sentences: pl.DataFrame, run_id: str, cfg: PipelineConfig) -> pl.DataFrame:
    return extract_entities(articles, sentences, run_id, cfg=cfg.entities)


def events(articles: pl.DataFrame, sentences: pl.DataFrame, entities: pl.DataFrame, run_id: str,
           cfg: PipelineConfig) -> pl.DataFrame:
    """One partition's events, unclustered (the `cluster` step sees every partition)."""
    return extract_events(articles, sentences, entities, run_id, cluster=False, cfg=cfg.events)


def split_blocks(inputs: Bag, n: int) -> dict[int, Bag]:
    """Segment partitions: blocks by hash(block_id) % n, each with its own slice of the vocabulary."""
    parts = split(inputs["blocks"], "block_id", n) or {0: inputs["blocks"]}
    return {p: dict(inputs, blocks=b, vocab=inputs["vocab"].get(p)) for p, b in parts.items()}


def split_articles(inputs: Bag, n: int) -> dict[int, Bag]:
    """Entities/events partitions: articles by hash(article_id) % n (the same partitions for both
    stages), with their sentences and, for events, their mentions (only the columns events read)."""
    parts = split(inputs["articles"], "article_id", n) or {0: inputs["articles"]}
    out = {}
    for p, arts in parts.items():
        ids = arts.select("article_id")
        sub = dict(inputs, articles=arts, sentences=inputs["sentences"].join(ids, on="article_id", how="semi"))
        if "entities" in inputs:
            sub["entities"] = inputs["entities"].join(ids, on="article_id", how="semi").select(MENTION_FIELDS)
        out[p] = sub
    return out


def merge_article_frames(frames: list[pl.DataFrame]) -> pl.DataFrame:
    return merge_articles(frames)
