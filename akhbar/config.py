"""Pipeline settings with sane defaults. Every threshold a user may want to change lives here.

The ingest and dedupe thresholds are explained, with measured figures, in docs/ingest-dedupe.md.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class PipelineConfig:
    # ingest
    max_file_bytes: int = 20_000_000          # larger files are rejected as "too large"
    min_arabic_ratio: float = 0.3             # below it a text is rejected as "no Arabic text"
    text_column: str = "text"                 # csv/parquet column (json field) holding the article text
    # Field names tried, in order, after text_column (json/jsonl/csv/parquet records; case-insensitive).
    text_field_aliases: tuple[str, ...] = ("text", "content", "body", "article", "article_text", "full_text",
                                           "maintext", "story", "description")
    title_fields: tuple[str, ...] = ("title", "headline", "name")
    date_fields: tuple[str, ...] = ("date", "published", "published_at", "publish_date", "date_published",
                                    "pubdate", "datetime", "time", "created_at")
    url_fields: tuple[str, ...] = ("url", "link", "href", "source_url")
    source_fields: tuple[str, ...] = ("source", "site", "sitename", "publisher", "domain", "outlet")
    record_list_fields: tuple[str, ...] = ("articles", "items", "data", "records", "results", "docs", "news")
    # dedupe: lines
    line_min_chars: int = 10                  # shorter lines are never collapsed as in-page repeats
    furniture_max_words: int = 6              # a line of at most this many words may be furniture ...
    furniture_min_docs: int = 5               # ... when it occurs in at least this many documents
    furniture_min_share: float = 0.01         # ... and in at least this share of the documents
    # dedupe: near-duplicate documents (MinHash LSH over word shingles, verified by true Jaccard)
    shingle_size: int = 3                     # words per shingle (within a line)
    num_perm: int = 64                        # MinHash permutations = bands * rows
    lsh_bands: int = 16                       # candidate when one band of rows agrees (S-curve ~0.5 at 16x4)
    near_dup_threshold: float = 0.8           # true Jaccard on shingle sets to call two documents near-duplicates
    near_dup_residual_threshold: float = 0.5  # Jaccard of the lines the two do NOT share (see docs)
    near_dup_residual_min_shingles: int = 20  # residuals smaller than this never veto a near-duplicate
    lsh_max_bucket: int = 100                 # larger LSH buckets are linked as a chain, not all pairs
    # dedupe: shared segments
    shared_line_min_words: int = 5            # a line must have this many words to start a shared segment
    shared_single_line_min_words: int = 40    # a shared segment of one line without a sentence end needs
                                              # this many words; shorter ones are logged as boilerplate
    block_min_words: int = 8                  # a page remainder with fewer words is residue, not an article
    # processing
    partitions: int = 8                       # segment/extract tasks; rows go to hash(id) % partitions,
                                              # so adding documents only touches the partitions they land in
    workers: int = 0                          # processes running the partition tasks' work under the thread
                                              # runner (flows/workers.py); 0 = one per core, 1 = in the flow process
    workers_min_input_bytes: int = 1_000_000  # with workers=0, smaller inputs stay in the flow process
    # validate
    max_failure_share: float = 0.05           # quarantined share above which nothing is published
    # publish
    allow_breaking_schema: bool = False       # allow dropping/retyping columns of published tables
    extra: dict = field(default_factory=dict)
    # ingest: limits on what is decoded (a small file must not cost unbounded time or memory; each
    # rejection's reason names its limit; table in docs/ingest-dedupe.md, "Limits")
    max_records_per_file: int = 100_000       # json/jsonl files with more records are rejected whole
                                              # (counted before the records are parsed)
    max_doc_chars: int = 1_000_000            # a document (file or record text) with more characters is rejected
    max_json_depth: int = 100                 # json/jsonl nested deeper (arrays/objects) are rejected
                                              # (checked before json.loads: parsing never recurses unboundedly)
    max_json_number_digits: int = 100         # a json number with more digits is rejected (Python refuses
                                              # to convert integers past 4300 digits)
    max_table_rows: int = 100_000             # csv/parquet files with more rows are rejected (parquet: from the
                                              # file's metadata, before any row is decoded)
    follow_external_symlinks: bool = False    # read files behind symlinks leading outside the input folder;
                                              # by default they get a rejected row saying so
    # segment
    max_glued_word_chars: int = 40            # longer letter runs are never split as glued words (skipped, not
                                              # split: the repair search is quadratic in the word's length)

    def text_fields(self) -> tuple[str, ...]:
        """Text field names to try: the configured column first, then the common aliases."""
        return tuple(dict.fromkeys((self.text_column, *self.text_field_aliases)))

    def as_dict(self) -> dict:
        return asdict(self)
