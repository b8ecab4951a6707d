"""Data contracts: one Arrow schema per published table, in one place.

The same schemas are used to *write* (publish casts to them) and to *check*
(validate compares against them), and the README's data dictionary is generated
from them (`akhbar schema --markdown`). Bump CONTRACT_VERSION on any change;
adding a nullable column is a minor change, dropping or retyping a column is breaking.
"""

from __future__ import annotations

import pyarrow as pa

CONTRACT_VERSION = "1.1.0"

STR = pa.string()
I32 = pa.int32()
I64 = pa.int64()
F64 = pa.float64()
TS = pa.timestamp("us", tz="UTC")

DOC_STATUSES = ("ok", "duplicate", "near_duplicate", "rejected")
DATE_PRECISIONS = ("day", "month", "year", "unknown")
ENTITY_TYPES = ("PERSON", "ORG", "LOC", "NORP", "DATE", "TIME", "QUANTITY")
MODALITIES = ("asserted", "claimed", "reported", "accused", "denied", "hypothetical", "future")

QUANTITY = pa.struct([("kind", STR), ("value", F64), ("unit", STR), ("text", STR)])


def _f(name, typ, nullable=True, doc=""):
    return pa.field(name, typ, nullable=nullable, metadata={"doc": doc} if doc else None)


SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema([
        _f("doc_id", STR, False, "stable id of one input file or record (hash of path + record index)"),
        _f("source_path", STR, False, "path relative to the input folder"),
        _f("record_idx", I32, True, "index of the record inside a multi-record file (json/jsonl/csv/parquet)"),
        _f("content_sha256", STR, False, "sha256 of the raw bytes (or of the record's text)"),
        _f("file_sha256", STR, True, "sha256 of the whole input file (a rerun skips known files by it)"),
        _f("norm_sha256", STR, True, "sha256 of the Arabic-normalised text, the exact-duplicate key"),
        _f("encoding", STR, True, "detected encoding of the file"),
        _f("n_bytes", I64, False, "size of the raw input"),
        _f("status", STR, False, "ok | duplicate | near_duplicate | rejected"),
        _f("reason", STR, True, "why a document was rejected or marked duplicate"),
        _f("duplicate_of", STR, True, "doc_id of the kept document"),
        _f("cluster_id", STR, True, "near-duplicate cluster"),
        _f("similarity", F64, True, "Jaccard similarity to the canonical document"),
        _f("text", STR, True, "decoded text (null for rejected files)"),
        _f("meta_title", STR, True, "title from the input record's metadata"),
        _f("meta_date", STR, True, "date from the input record's metadata, as given"),
        _f("meta_url", STR, True, "url from the input record's metadata"),
        _f("meta_source", STR, True, "source/publisher from the input record's metadata"),
        _f("ingested_run_id", STR, False, "run that first ingested this document"),
    ]),
    "segments": pa.schema([
        _f("doc_id", STR, False, "document the cut was made in"),
        _f("start", I64, False, "start offset in documents.text"),
        _f("end", I64, False, "end offset in documents.text"),
        _f("kind", STR, False, "duplicate_doc | near_duplicate_doc | shared | repeated_line | boilerplate"),
        _f("canonical_id", STR, True, "the kept copy: a doc_id or a shared-segment block id"),
        _f("reason", STR, False, "human-readable reason"),
        _f("run_id", STR, False, "run that made the cut"),
    ]),
    "articles": pa.schema([
        _f("article_id", STR, False, "stable id: hash of the normalised article text"),
        _f("doc_ids", pa.list_(STR), False, "documents (pages) that carried this article"),
        _f("title", STR, True, "headline; the article text begins with it"),
        _f("subtitle", STR, True, "sub-headline when present"),
        _f("text", STR, False, "title paragraph + body; every span indexes this string"),
        _f("body_start", I64, False, "offset where the body begins (0 when there is no title)"),
        _f("section", STR, True, "section label, e.g. سورية, خارجيات"),
        _f("published_date", pa.date32(), True, "publication date when the text or metadata supports one"),
        _f("date_precision", STR, False, "day | month | year | unknown"),
        _f("source", STR, True, "publisher named by the page or record"),
        _f("agency", STR, True, "news agency credited (أ ف ب, رويترز, وكالات ...)"),
        _f("dateline", STR, True, "dateline place (بغداد -)"),
        _f("captions", pa.list_(STR), True, "photo captions, kept apart from the body"),
        _f("n_paragraphs", I32, False, "paragraphs in text"),
        _f("n_sentences", I32, False, "sentences in text"),
        _f("run_id", STR, False, "run that produced this row"),
    ]),
    "sentences": pa.schema([
        _f("article_id", STR, False, ""),
        _f("sentence_idx", I32, False, "0-based position in the article"),
        _f("paragraph_idx", I32, False, "0-based paragraph"),
        _f("start", I64, False, "articles.text[start:end] is the sentence"),
        _f("end", I64, False, ""),
        _f("text", STR, False, "the sentence (a copy of the slice, for convenience)"),
        _f("run_id", STR, False, ""),
    ]),
    "entities": pa.schema([
        _f("mention_id", STR, False, "stable id: article + span + type"),
        _f("article_id", STR, False, ""),
        _f("sentence_idx", I32, False, ""),
        _f("start", I64, False, "articles.text[start:end] == surface"),
        _f("end", I64, False, ""),
        _f("surface", STR, False, "text as written"),
        _f("type", STR, False, "PERSON | ORG | LOC | NORP | DATE | TIME | QUANTITY"),
        _f("entity_id", STR, False, "canonical entity (entity_catalog.entity_id)"),
        _f("canonical_name", STR, False, ""),
        _f("role", STR, True, "title/role of a person as written (وزير الخارجية ...)"),
        _f("confidence", F64, False, "0..1"),
        _f("method", STR, False, "rule or backend that produced the mention"),
        _f("geonames_id", I64, True, "places: GeoNames id"),
        _f("lat", F64, True, ""),
        _f("lon", F64, True, ""),
        _f("country_code", STR, True, "ISO 3166-1 alpha-2"),
        _f("run_id", STR, False, ""),
    ]),
    "entity_catalog": pa.schema([
        _f("entity_id", STR, False, ""),
        _f("canonical_name", STR, False, ""),
        _f("type", STR, False, ""),
        _f("aliases", pa.list_(STR), False, "surfaces seen + known names"),
        _f("mention_count", I64, False, ""),
        _f("geonames_id", I64, True, ""),
        _f("lat", F64, True, ""),
        _f("lon", F64, True, ""),
        _f("country_code", STR, True, ""),
        _f("feature_class", STR, True, "GeoNames feature class (P city, A admin, H water, ...)"),
        _f("run_id", STR, False, ""),
    ]),
    "events": pa.schema([
        _f("event_id", STR, False, "stable id: article + trigger span + type"),
        _f("article_id", STR, False, ""),
        _f("sentence_idx", I32, False, "evidence sentence"),
        _f("start", I64, False, "evidence start (the sentence)"),
        _f("end", I64, False, "evidence end"),
        _f("trigger", STR, False, "trigger as written"),
        _f("trigger_start", I64, False, ""),
        _f("trigger_end", I64, False, ""),
        _f("event_type", STR, False, "PLOVER type or akhbar extension (ESCAPE, CONTROL_CHANGE, CASUALTIES, EVACUATE)"),
        _f("mode", STR, True, "PLOVER mode (airstrike, withdraw ...)"),
        _f("actor_entity_ids", pa.list_(STR), True, ""),
        _f("actor_text", STR, True, ""),
        _f("target_entity_ids", pa.list_(STR), True, ""),
        _f("target_text", STR, True, ""),
        _f("location_entity_id", STR, True, ""),
        _f("location_text", STR, True, ""),
        _f("origin_entity_id", STR, True, "movement events"),
        _f("origin_text", STR, True, ""),
        _f("destination_entity_id", STR, True, "movement events"),
        _f("destination_text", STR, True, ""),
        _f("event_date", pa.date32(), True, ""),
        _f("date_precision", STR, False, "day | month | year | unknown"),
        _f("date_text", STR, True, "time expression the date came from"),
        _f("quantities", pa.list_(QUANTITY), True, "killed, injured, troops, distance ... with the counted noun"),
        _f("source_entity_id", STR, True, "who says so"),
        _f("source_text", STR, True, ""),
        _f("via_text", STR, True, "through whom (وفق المرصد, نقلت شبكة ...)"),
        _f("modality", STR, False, "asserted | claimed | reported | accused | denied | hypothetical | future"),
        _f("confidence", F64, False, "0..1"),
        _f("method", STR, False, ""),
        _f("cluster_id", STR, True, "cross-article coreference cluster"),
        _f("n_sources", I32, True, "distinct articles behind the cluster"),
        _f("run_id", STR, False, ""),
    ]),
    "quarantine": pa.schema([
        _f("table", STR, False, "table the row was meant for"),
        _f("row_key", STR, False, "the row's key"),
        _f("check", STR, False, "check that failed"),
        _f("detail", STR, False, ""),
        _f("run_id", STR, False, ""),
    ]),
    "runs": pa.schema([
        _f("run_id", STR, False, ""),
        _f("flow_run_id", STR, True, "Prefect flow run id"),
        _f("started_at", TS, False, ""),
        _f("finished_at", TS, False, ""),
        _f("status", STR, False, "published | failed"),
        _f("code_version", STR, False, "package version"),
        _f("git_commit", STR, True, ""),
        _f("contract_version", STR, False, ""),
        _f("parameters", STR, False, "JSON"),
        _f("input_manifest_hash", STR, False, "sha256 over the sorted (path, content hash) list"),
        _f("table_versions", STR, False, "JSON {table: delta version} : the snapshot"),
        _f("counts", STR, False, "JSON {table: rows}"),
        _f("validation_summary", STR, False, "JSON report"),
    ]),
}

# Keys: unique per table (validate enforces them).
KEYS: dict[str, tuple[str, ...]] = {
    "documents": ("doc_id",),
    "segments": ("doc_id", "start", "end", "kind"),
    "articles": ("article_id",),
    "sentences": ("article_id", "sentence_idx"),
    "entities": ("mention_id",),
    "entity_catalog": ("entity_id",),
    "events": ("event_id",),
    "quarantine": ("table", "row_key", "check", "run_id"),
    "runs": ("run_id",),
}

# Tables written by a run, in commit order; `runs` is always written last.
DATA_TABLES = ("documents", "segments", "articles", "sentences", "entities",
               "entity_catalog", "events", "quarantine")


def empty_frame(table: str):
    import polars as pl
    return pl.from_arrow(SCHEMAS[table].empty_table())
