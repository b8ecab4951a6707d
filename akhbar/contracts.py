"""Data contracts: one Arrow schema per published table, in one place.

The same schemas are used to *write* (publish casts to them) and to *check*
(validate compares against them), and the README's data dictionary is generated
from them (`akhbar schema --markdown`). Bump CONTRACT_VERSION on any change;
adding a nullable column is a minor change, dropping or retyping a column is breaking.
"""

from __future__ import annotations

import pyarrow as pa

# 1.3.0: entity_catalog.name_latin, events.salience, events.article_event_id; 1.4.0: incidents table;
# 1.5.0: incidents and events take the event date precision "publication" (all additive);
# 2.0.0: the flat JSON columns of `runs` become maps (an older lake's runs table is upgraded in
# place by the next publish: akhbar/lake/write.py upgrade_runs); 2.1.0: the `dedupe_index` state
# table (additive: a lake without it is rebuilt, tasks/dedupe_index.py)
CONTRACT_VERSION = "2.1.0"

STR = pa.string()
I32 = pa.int32()
I64 = pa.int64()
F64 = pa.float64()
TS = pa.timestamp("us", tz="UTC")
COUNTS_MAP = pa.map_(STR, I64)      # {table: version or rows}
TEXT_MAP = pa.map_(STR, STR)        # {name: text}

DOC_STATUSES = ("ok", "duplicate", "near_duplicate", "rejected")
DATE_PRECISIONS = ("day", "month", "year", "unknown")
# an event with no time expression of its own, reported as past in an article with a publication
# date, is dated by that date: it happened on or shortly before it ("publication")
EVENT_DATE_PRECISIONS = (*DATE_PRECISIONS, "publication")
ENTITY_TYPES = ("PERSON", "ORG", "LOC", "NORP", "DATE", "TIME", "QUANTITY")
MODALITIES = ("asserted", "claimed", "reported", "accused", "denied", "hypothetical", "future")
SALIENCES = ("main", "background")
SEGMENT_KINDS = ("duplicate_doc", "near_duplicate_doc", "shared", "repeated_line", "boilerplate")
RUN_STATUSES = ("published", "failed")
FACTUAL_MODALITIES = ("asserted", "claimed", "reported", "accused")   # what an incident is formed from
GEO_PRECISIONS = ("settlement", "site", "admin1", "country", "region", "water", "terrain", "named", "none")
DATE_SOURCES = ("event", "article", "none")
CLAIM = pa.struct([("source_entity_id", STR), ("source_name", STR), ("source_text", STR), ("modality", STR),
                   ("n_events", I32)])

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
        _f("date_text", STR, True, "the date expression published_date came from (page furniture or record metadata), normalised"),
        _f("captions", pa.list_(STR), True, "photo captions, kept apart from the body"),
        _f("furniture", pa.list_(STR), True,
           "page lines kept out of text: markers, share/bullet lines, credit lines, repeated headlines"),
        _f("repairs", pa.list_(pa.struct([("start", I64), ("end", I64), ("split", I64)])), True,
           "glued words (start, end) in text and the offset splitting them in two; text is unchanged"),
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
        _f("canonical_name", STR, False, "readable Arabic name: the one the mentions give most often"),
        _f("name_latin", STR, True, "GeoNames / gazetteer Latin name, else a romanisation (docs/entities.md)"),
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
        _f("date_precision", STR, False, "day | month | year | publication (no time expression: the article's "
           "publication date, on or shortly before it) | unknown"),
        _f("date_text", STR, True, "time expression the date came from"),
        _f("quantities", pa.list_(QUANTITY), True, "killed, injured, troops, distance ... with the counted noun"),
        _f("source_entity_id", STR, True, "who says so"),
        _f("source_text", STR, True, ""),
        _f("via_text", STR, True, "through whom (وفق المرصد, نقلت شبكة ...)"),
        _f("modality", STR, False, "asserted | claimed | reported | accused | denied | hypothetical | future"),
        _f("salience", STR, True, "main (the sentence reports this happening as news) | background (a reference "
           "to another or earlier event, a participant noun, a generic or rhetorical use); the rule is in method"),
        _f("confidence", F64, False, "0..1"),
        _f("method", STR, False, ""),
        _f("article_event_id", STR, True, "one happening within the article: its mentions (headline, lead, later "
           "references) share this id"),
        _f("cluster_id", STR, True, "cross-article coreference cluster"),
        _f("n_sources", I32, True, "distinct articles behind the cluster"),
        _f("run_id", STR, False, ""),
    ]),
    "incidents": pa.schema([
        _f("incident_id", STR, False, "stable id: kept from the previous snapshot's incident sharing an evidence "
           "event, else derived from the smallest evidence event id"),
        _f("cluster_id", STR, False, "events.cluster_id the incident was formed from"),
        _f("event_type", STR, False, "PLOVER type or akhbar extension (see docs/CODEBOOK.md)"),
        _f("mode", STR, True, "most reported mode"),
        _f("date", pa.date32(), True, "best date: the earliest report of the finest precision"),
        _f("date_precision", STR, False, "day | month | year | unknown"),
        _f("date_min", pa.date32(), True, "earliest reported date"),
        _f("date_max", pa.date32(), True, "latest reported date"),
        _f("date_source", STR, False, "event (a date in the text) | article (publication date) | none"),
        _f("location_entity_id", STR, True, "most reported place (location, else destination, else origin)"),
        _f("location_name", STR, True, "Arabic canonical name"),
        _f("location_name_latin", STR, True, "Latin name (entity_catalog.name_latin, else the canonical name)"),
        _f("lat", F64, True, ""),
        _f("lon", F64, True, ""),
        _f("country_code", STR, True, "ISO 3166-1 alpha-2"),
        _f("admin1", STR, True, "first-level region, when the place is one"),
        _f("geo_precision", STR, False, "settlement | site | admin1 | country | region | water | terrain | named | none"),
        _f("actor_entity_ids", pa.list_(STR), True, "actors, most reported first"),
        _f("actor_names", pa.list_(STR), True, "their canonical names"),
        _f("actor_names_latin", pa.list_(STR), True, "their Latin names"),
        _f("target_entity_ids", pa.list_(STR), True, ""),
        _f("target_names", pa.list_(STR), True, ""),
        _f("target_names_latin", pa.list_(STR), True, ""),
        _f("fatalities_best", I64, True, "UCDP best: the value most articles report, else the median"),
        _f("fatalities_low", I64, True, "lowest reported"),
        _f("fatalities_high", I64, True, "highest reported"),
        _f("injured_best", I64, True, ""),
        _f("injured_low", I64, True, ""),
        _f("injured_high", I64, True, ""),
        _f("n_mentions", I32, False, "evidence events"),
        _f("n_articles", I32, False, "distinct articles"),
        _f("n_sources", I32, False, "distinct publishers (an article with no known publisher counts as one)"),
        _f("first_report", pa.date32(), True, "earliest publication date of an evidence article"),
        _f("last_report", pa.date32(), True, "latest publication date"),
        _f("claims", pa.list_(CLAIM), True, "who says it happened or denies it, with the modality (every event of "
           "the cluster, denials included)"),
        _f("evidence_event_ids", pa.list_(STR), False, "the factual main events, sorted"),
        _f("evidence_article_ids", pa.list_(STR), False, "their articles, sorted"),
        _f("run_id", STR, False, ""),
    ]),
    "quarantine": pa.schema([
        _f("table", STR, False, "table the row was meant for"),
        _f("row_key", STR, False, "the row's key"),
        _f("check", STR, False, "check that failed"),
        _f("detail", STR, False, ""),
        _f("run_id", STR, False, ""),
    ]),
    "dedupe_index": pa.schema([
        _f("doc_id", STR, False, "a document of the near-duplicate search (status ok after exact duplicates)"),
        _f("content_hash", I64, False, "the first 60 bits of documents.content_sha256, as an integer"),
        _f("params", STR, False, "what the signature depends on besides the text (shingle size, permutations, "
           "seeds, listed boilerplate, code); a row with other params is recomputed"),
        _f("signature", pa.binary(), False, "MinHash signature: num_perm uint32, little-endian; the LSH band keys "
           "are mixed from it"),
        _f("run_id", STR, False, "run that first published the row"),
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
        _f("parameters", TEXT_MAP, False, "{parameter: value} the run was started with (input and output folders "
           "and every PipelineConfig field; text values as given, others as JSON: 5000, true, null)"),
        _f("input_manifest_hash", STR, False, "sha256 over the sorted (path, content hash) list"),
        _f("table_versions", COUNTS_MAP, False, "{table: delta version}: the snapshot"),
        _f("counts", COUNTS_MAP, False, "{table: rows}"),
        _f("validation_summary", STR, False, "JSON report (nested, its shape follows the checks: kept as JSON text)"),
        _f("table_hashes", TEXT_MAP, True, "{table: sha256 of its content (key, row hash, first run)}"),
        _f("schema_changes", STR, True, "JSON {table: {added, dropped, retyped}} vs the previous Delta schema "
           "(nested: kept as JSON text)"),
        _f("index_versions", COUNTS_MAP, True,
           "{table: delta version of lake/_index/<table>}: publish's per-key index (key, row hash, first run)"),
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
    "incidents": ("incident_id",),
    "quarantine": ("table", "row_key", "check", "run_id"),
    "dedupe_index": ("doc_id",),
    "runs": ("run_id",),
}

# Tables written by a run, in commit order; `runs` is always written last.
DATA_TABLES = ("documents", "segments", "articles", "sentences", "entities",
               "entity_catalog", "events", "incidents", "quarantine")
# Whole-corpus state a run keeps for the next (issue 16.3): published with the snapshot, not validated,
# not part of the dataset a consumer reads.
STATE_TABLES = ("dedupe_index",)


def empty_frame(table: str):
    import polars as pl
    # from_batches, not Schema.empty_table(): the latter imports pandas (about a second), which nothing else needs
    return pl.from_arrow(pa.Table.from_batches([], schema=SCHEMAS[table]))


def contract_dtypes(name: str) -> dict:
    """Column -> polars dtype of a table's contract."""
    return dict(empty_frame(name).schema)


# ---------------------------------------------------------------------------
# Checks beyond types. Data, not code: tasks/validate.py reads these tables of
# rules and docs/DATA_DICTIONARY.md renders them. Schema (columns, types) and
# key uniqueness are critical (the run publishes nothing); every other check is
# row-level (the row goes to `quarantine`).
# ---------------------------------------------------------------------------

# Allowed values of categorical columns.
ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("documents", "status"): DOC_STATUSES,
    ("segments", "kind"): SEGMENT_KINDS,
    ("articles", "date_precision"): DATE_PRECISIONS,
    ("entities", "type"): ENTITY_TYPES,
    ("entity_catalog", "type"): ENTITY_TYPES,
    ("events", "date_precision"): EVENT_DATE_PRECISIONS,
    ("events", "modality"): MODALITIES,
    ("events", "salience"): SALIENCES,
    ("incidents", "date_precision"): EVENT_DATE_PRECISIONS,
    ("incidents", "date_source"): DATE_SOURCES,
    ("incidents", "geo_precision"): GEO_PRECISIONS,
    ("runs", "status"): RUN_STATUSES,
}

# Closed numeric ranges (None: unbounded on that side); nulls are left to nullability.
RANGES: dict[tuple[str, str], tuple[float | None, float | None]] = {
    ("documents", "n_bytes"): (0, None),
    ("documents", "similarity"): (0, 1),
    ("segments", "start"): (0, None),
    ("articles", "n_sentences"): (0, None),
    ("articles", "n_paragraphs"): (0, None),
    ("entities", "confidence"): (0, 1),
    ("entities", "lat"): (-90, 90),
    ("entities", "lon"): (-180, 180),
    ("entity_catalog", "mention_count"): (1, None),
    ("entity_catalog", "lat"): (-90, 90),
    ("entity_catalog", "lon"): (-180, 180),
    ("events", "confidence"): (0, 1),
    ("events", "n_sources"): (1, None),
    ("incidents", "lat"): (-90, 90),
    ("incidents", "lon"): (-180, 180),
    ("incidents", "n_mentions"): (1, None),
    ("incidents", "n_articles"): (1, None),
    ("incidents", "n_sources"): (1, None),
    ("incidents", "fatalities_low"): (0, None),
    ("incidents", "injured_low"): (0, None),
}

# Spans into articles.text: (table, start column, end column, surface column or None).
# text[start:end] must lie inside the article and, with a surface column, equal it.
SPANS: tuple[tuple[str, str, str, str | None], ...] = (
    ("sentences", "start", "end", "text"),
    ("entities", "start", "end", "surface"),
    ("events", "trigger_start", "trigger_end", "trigger"),
    ("events", "start", "end", None),
)

# References: (table, columns, referenced table, referenced columns). A list
# column is checked element by element. Referenced tables are validated first,
# so a row whose parent was quarantined is quarantined too.
REFERENCES: tuple[tuple[str, tuple[str, ...], str, tuple[str, ...]], ...] = (
    ("segments", ("doc_id",), "documents", ("doc_id",)),
    ("articles", ("doc_ids",), "documents", ("doc_id",)),
    ("sentences", ("article_id",), "articles", ("article_id",)),
    ("entities", ("article_id",), "articles", ("article_id",)),
    ("entities", ("article_id", "sentence_idx"), "sentences", ("article_id", "sentence_idx")),
    ("entities", ("entity_id",), "entity_catalog", ("entity_id",)),
    ("events", ("article_id",), "articles", ("article_id",)),
    ("events", ("article_id", "sentence_idx"), "sentences", ("article_id", "sentence_idx")),
    ("events", ("actor_entity_ids",), "entity_catalog", ("entity_id",)),
    ("events", ("target_entity_ids",), "entity_catalog", ("entity_id",)),
    ("events", ("location_entity_id",), "entity_catalog", ("entity_id",)),
    ("events", ("origin_entity_id",), "entity_catalog", ("entity_id",)),
    ("events", ("destination_entity_id",), "entity_catalog", ("entity_id",)),
    ("events", ("source_entity_id",), "entity_catalog", ("entity_id",)),
    ("incidents", ("evidence_event_ids",), "events", ("event_id",)),
    ("incidents", ("evidence_article_ids",), "articles", ("article_id",)),
    ("incidents", ("location_entity_id",), "entity_catalog", ("entity_id",)),
    ("incidents", ("actor_entity_ids",), "entity_catalog", ("entity_id",)),
    ("incidents", ("target_entity_ids",), "entity_catalog", ("entity_id",)),
)

# Dates: (table, date column, precision column). A date must fall between
# EARLIEST_DATE and the run's start; precision "unknown" <=> no date.
DATES: tuple[tuple[str, str, str], ...] = (
    ("articles", "published_date", "date_precision"),
    ("events", "event_date", "date_precision"),
    ("incidents", "date", "date_precision"),
)
EARLIEST_DATE = "1900-01-01"

# Text columns that must be non-empty and mainly Arabic (share of letters that are Arabic).
ARABIC_TEXT: tuple[tuple[str, str], ...] = (("articles", "text"),)
MIN_ARABIC_SHARE = 0.5

# Counts that must agree with another table, as the stages produced them:
# (table, count column, counted table, join columns).
COUNTS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("articles", "n_sentences", "sentences", ("article_id",)),
    ("entity_catalog", "mention_count", "entities", ("entity_id",)),
)

# One line per table for the data dictionary.
TABLE_DOCS: dict[str, str] = {
    "documents": "one input file or record, with its status and the reason for it",
    "segments": "one cut made by dedupe (duplicate document, shared segment, repeated line, boilerplate)",
    "articles": "one story; `text` begins with the title paragraph and every span indexes it",
    "sentences": "one sentence; `articles.text[start:end]` is the sentence",
    "entities": "one entity mention with its canonical entity",
    "entity_catalog": "one canonical entity, with coordinates for places",
    "events": "one event mention with its arguments, date, source and modality",
    "incidents": "one real-world happening: the factual main events of one cross-article cluster, with date, "
                 "place, actors, casualties (best/low/high) and sources (docs/CODEBOOK.md)",
    "quarantine": "one row that failed a data-contract check in a run (kept out of the tables)",
    "dedupe_index": "state, not data: dedupe's signature of one document, read by the next run so unchanged "
                    "documents are not shingled and hashed again (tasks/dedupe_index.py)",
    "runs": "one run; a published row is a snapshot naming the Delta version of every table",
}


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def data_dictionary() -> str:
    """The data dictionary as Markdown, generated from the contracts above."""
    out = ["# Data dictionary", "",
           f"Generated from `akhbar/contracts.py` (contract version {CONTRACT_VERSION}) by "
           "`akhbar schema --markdown`; do not edit by hand.", ""]
    for table, schema in SCHEMAS.items():
        out += [f"## `{table}`", "", f"Each row: {TABLE_DOCS.get(table, table)}. "
                f"Key: {', '.join(f'`{k}`' for k in KEYS[table])}.", "",
                "| column | type | nullable | allowed | description |", "|---|---|---|---|---|"]
        for f in schema:
            allowed = ENUMS.get((table, f.name))
            rng = RANGES.get((table, f.name))
            rule = (", ".join(allowed) if allowed else
                    f"{'' if rng[0] is None else rng[0]}..{'' if rng[1] is None else rng[1]}" if rng else "")
            doc = (f.metadata or {}).get(b"doc", b"").decode()
            out.append(f"| `{f.name}` | {_cell(f.type)} | {'yes' if f.nullable else 'no'} | {_cell(rule)} "
                       f"| {_cell(doc)} |")
        out.append("")
    out += ["## Checks", "",
            "Critical (the run publishes nothing): every contract column present with a castable type; "
            "keys unique. Row-level (the row goes to `quarantine` with the check and a detail): "
            "non-null columns, allowed values and ranges above, and:", ""]
    out += [f"- span `{t}.{s}..{e}` slices `articles.text`" + (f" and equals `{t}.{x}`" if x else "")
            for t, s, e, x in SPANS]
    out += [f"- `{t}.{'+'.join(c)}` exists in `{r}.{'+'.join(rc)}`" for t, c, r, rc in REFERENCES]
    out += [f"- `{t}.{d}` between {EARLIEST_DATE} and the run date; `{p}` is unknown exactly when `{d}` is null"
            for t, d, p in DATES]
    out += [f"- `{t}.{c}` non-empty, at least {MIN_ARABIC_SHARE:.0%} of its letters Arabic" for t, c in ARABIC_TEXT]
    out += [f"- `{t}.{c}` equals the number of `{ct}` rows with the same {', '.join(j)}"
            for t, c, ct, j in COUNTS]
    return "\n".join(out) + "\n"
