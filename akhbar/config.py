"""Pipeline settings with sane defaults. Every threshold a user may want to change lives here.

The ingest and dedupe thresholds are explained, with measured figures, in docs/ingest-dedupe.md.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, fields, replace


@dataclass
class IngestConfig:
    max_file_bytes: int = 20_000_000          # larger files are rejected as "too large"
    min_arabic_ratio: float = 0.3             # below it a text is rejected as "no Arabic text"
    text_column: str = "text"                 # csv/parquet column (json field) holding the article text
    # Field names tried, in order, after text_column (json/jsonl/csv/parquet records; case-insensitive).
    text_field_aliases: tuple[str, ...] = ("text", "content", "body", "article", "article_text", "full_text",
                                           "maintext", "story", "description")
    title_fields: tuple[str, ...] = ("title", "headline", "name")
    date_fields: tuple[str, ...] = ("date", "published", "published_at", "publish_date", "date_published",
                                    "pubdate", "datetime", "time", "created_at", "date_extracted", "datepublished",
                                    "published_date", "publication_date", "published_time", "article:published_time",
                                    "datecreated", "date_created", "created", "timestamp", "date_publish",
                                    "publishedat", "pub_date")
    url_fields: tuple[str, ...] = ("url", "link", "href", "source_url")
    source_fields: tuple[str, ...] = ("source", "site", "sitename", "publisher", "domain", "outlet")
    record_list_fields: tuple[str, ...] = ("articles", "items", "data", "records", "results", "docs", "news")

    # limits on what is decoded (docs/ingest-dedupe.md "Limits"; each rejection names its limit)
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

    def text_fields(self) -> tuple[str, ...]:
        """Text field names to try: the configured column first, then the common aliases."""
        return tuple(dict.fromkeys((self.text_column, *self.text_field_aliases)))


@dataclass
class DedupeConfig:
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


@dataclass
class SegmentConfig:
    max_glued_word_chars: int = 40            # longer letter runs are never split as glued words (skipped, not
                                              # split: the repair search is quadratic in the word's length)


@dataclass
class RunConfig:
    partitions: int = 8                       # segment/extract tasks; rows go to hash(id) % partitions,
                                              # so adding documents only touches the partitions they land in
    partition_rows: int = 2000                # blocks per partition at most (on average): a larger corpus gets
                                              # partitions x 2, x 4 ... (flows/partitions.py partition_count),
                                              # so a partition's size stays bounded; 0: always `partitions`
    batch_rows: int = 1000                    # a partition with more blocks/articles than this is run in
                                              # slices of this many (bounded batches: flows/graph.py call); 0: off
    workers: int = 0                          # processes running the partition tasks' work under the thread
                                              # runner (flows/workers.py); 0 = one per core, 1 = in the flow process
    workers_min_input_bytes: int = 1_000_000  # with workers=0, smaller inputs stay in the flow process
    task_runner: str = "threads"              # threads | dask (AKHBAR_TASK_RUNNER for scheduled runs)
    dask_address: str | None = None           # a Dask scheduler tcp://host:8786 (AKHBAR_DASK_ADDRESS); None: local
    dask_workers: int = 2                     # workers of the local Dask cluster (AKHBAR_DASK_WORKERS)
    staging_dir: str | None = None            # under Dask, partition tasks read/write files here (a path every
                                              # worker reaches); None: <output>/_staging (flows/staging.py)
    allow_empty: bool = False                 # accept a run in which no document is accepted (`akhbar run --allow-empty`)


@dataclass
class ValidateConfig:
    max_failure_share: float = 0.05           # quarantined share above which nothing is published


@dataclass
class PublishConfig:
    allow_breaking_schema: bool = False       # allow dropping/retyping columns of published tables


@dataclass(frozen=True)
class EntitiesConfig:
    """Settings of the entity stage (tasks/entities/; decisions and figures in docs/entities.md).

    The stage reads no environment variable: the caller fills `ner_model_dir` / `ner_mode`."""

    # backend: a local token-classification model directory (None: the rules alone)
    ner_model_dir: str | None = None
    ner_mode: str = "merge"                   # merge: rule mentions win on overlap | replace: model only
    # the trained CRF tagger (tasks/entities/ner) for PERSON / ORG / LOC; rules win on overlap
    ner_tagger: str = "crf"                   # crf | none (the rules alone)
    ner_crf_model: str | None = None          # model file (None: akhbar/resources/models/ner.crfsuite)
    ner_min_confidence: float = 0.5           # a model chunk's mean label marginal must reach this (inner fold, docs/entities.md)
    ner_common_word_rank: int = 10_000        # a model chunk of words this common (words_ar.txt) is dropped
    # word frequency (akhbar/resources/words_ar.txt ranks)
    frequent_words: int = 10_000              # a word this common is not an extra, unknown part of a name
    # names
    person_max_words: int = 4                 # words of a person name after its first
    role_max_tokens: int = 10                 # tokens of a role phrase between a title and a name
    role_phrase_max_tokens: int = 6           # longer role phrase ('رئيس الإدارة العسكرية للمقاطعة') before a name
    org_max_tokens: int = 5                   # name words after an organisation head
    org_complement_max_tokens: int = 6        # ... with a 'لل' complement ('الهيئة العامة للطيران المدني')
    agency_max_words: int = 3                 # words of a news agency name closed by 'للأنباء'
    place_max_words: int = 3                  # words of a cue-found place name
    place_list_max: int = 6                   # places in a plural cue's list ('مناطق عانة وراوة والقائم')
    bound_org_max_words: int = 3              # unknown words a bound head ('حركة', 'تنظيم') may take
    surname_typo_min_chars: int = 7           # a surname this long tolerates one adjacent transposition
    # memory
    token_memo_max: int = 300_000             # distinct tokens remembered before the facts memo starts over


@dataclass(frozen=True)
class EventsConfig:
    """Thresholds and windows of the events stage (tasks/events, docs/events.md). Word counts
    are in words of the sentence; every default is the value the rules were measured with."""
    # triggers
    merge_gap: int = 3                    # same-type triggers at most this many words apart (no punctuation) are one event
    mode_cue_window: int = 3              # words either side of a trigger searched for mode cues ('جوية' -> airstrike)
    civilian_window: int = 8              # words before a leave/flee trigger searched for civilian movers (-> EVACUATE)
    # arguments
    arg_window: int = 10                  # words after the trigger searched for arguments and places
    subject_back: int = 6                 # words before a verb searched for its subject (SVO)
    noun_subject_back: int = 3            # the same for a verbal noun whose genitive is its actor
    noun_target_subject_back: int = 4     # the same for a verbal noun whose genitive is its target
    light_verb_subject_back: int = 4      # words before a support verb searched for its subject
    control_verb_subject_back: int = 6    # words before a control verb searched for its subject
    light_verb_reach: int = 8             # a support verb governs a verbal noun at most this many words after it
    control_verb_reach: int = 3           # a control verb governs a verbal noun at most this many words after it
    request_reach: int = 12               # a request verb's addressee does an act at most this many words after it
    target_prep_window: int = 6           # words after the trigger searched for 'ضد/على' + target
    site_back: int = 6                    # words before the trigger searched for a site ('في X' before the verb)
    quantity_window: int = 8              # words between a trigger and a counted phrase it takes
    # modality
    negation_window: int = 3              # negation cues within this many words before the trigger deny it
    hypothetical_window: int = 8          # conditional / probability cues within this many words before it
    future_window: int = 6                # future cues within this many words before it
    rumour_window: int = 8                # rumour cues ('أنباء عن') within this many words (further inside the clause)
    cue_lookback: int = 12                # words before a trigger whose cue bits are collected for modality
    hypothetical_after_window: int = 4    # words after the trigger searched for 'المتوقعة', 'إذا'
    future_after_window: int = 5          # words after the trigger searched for 'المقبل', 'قريبا'
    condition_after_window: int = 12      # a condition this many words after a future act makes it hypothetical
    threat_reach: int = 10                # the act a threat announces is at most this many words after it
    # time
    time_window: int = 12                 # words between a trigger and its time expression (same clause only)
    # confidence = base + weights (capped)
    confidence_base: float = 0.5
    confidence_actor: float = 0.15        # an actor was found
    confidence_place: float = 0.1         # a location, origin or destination was found
    confidence_checked: float = 0.1       # a verb trigger or a context-checked lexicon entry
    confidence_source: float = 0.1        # a source was found
    confidence_cap: float = 0.95
    # salience of ASSAULT / PROTEST: the trained decision (tasks/events/decision.py) over the rules
    learned_decision: bool = True


SECTIONS = {"ingest": IngestConfig, "dedupe": DedupeConfig, "segment": SegmentConfig, "run": RunConfig, "entities": EntitiesConfig,
            "events": EventsConfig,
            "validate": ValidateConfig, "publish": PublishConfig}


class PipelineConfig:
    """The one configuration: a section per stage (cfg.ingest, cfg.dedupe, cfg.run, cfg.validate,
    cfg.publish). Fields are unique across sections, so `cfg.partitions` reads cfg.run.partitions
    and `PipelineConfig(partitions=4)` sets it: flat names are what the CLI, the flow's `config`
    parameter and the `runs.parameters` column use."""

    def __init__(self, extra: dict | None = None, **values):
        for name, cls in SECTIONS.items():
            section = values.pop(name, None)
            if isinstance(section, dict):
                section = cls(**section)
            own = {f.name for f in fields(cls)}
            flat = {k: values.pop(k) for k in list(values) if k in own}
            section = replace(section, **flat) if section is not None else cls(**flat)
            object.__setattr__(self, name, section)
        if values:
            raise TypeError(f"unknown config field(s): {', '.join(sorted(values))}")
        object.__setattr__(self, "extra", dict(extra or {}))

    def __getattr__(self, name: str):
        for section in SECTIONS:
            value = self.__dict__.get(section)
            if value is not None and hasattr(value, name):
                return getattr(value, name)
        raise AttributeError(f"PipelineConfig has no field '{name}'")

    def __setattr__(self, name: str, value) -> None:
        for section in SECTIONS:
            if hasattr(self.__dict__[section], name):
                object.__setattr__(self, section, replace(self.__dict__[section], **{name: value}))
                return
        raise AttributeError(f"PipelineConfig has no field '{name}'")

    def __eq__(self, other) -> bool:
        return isinstance(other, PipelineConfig) and self.__dict__ == other.__dict__

    def __repr__(self) -> str:
        return "PipelineConfig(" + ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items()) + ")"

    def as_dict(self) -> dict:
        """Every field by its flat name (the `runs.parameters` record)."""
        out: dict = {}
        for section in SECTIONS:
            out.update(asdict(self.__dict__[section]))
        out["extra"] = self.extra
        return out

    @classmethod
    def defaults(cls) -> dict:
        return cls().as_dict()

    @classmethod
    def from_env(cls, environ=None, **values) -> "PipelineConfig":
        """The config with the AKHBAR_* environment applied: the one place the environment is read
        (scheduled runs get their task runner this way from `akhbar serve`)."""
        env = os.environ if environ is None else environ
        for var, (name, cast) in ENVIRONMENT.items():
            if env.get(var) not in (None, "") and name not in values:
                values[name] = cast(env[var])
        return cls(**values)


# AKHBAR_* variable -> (config field, type)
ENVIRONMENT = {
    "AKHBAR_TASK_RUNNER": ("task_runner", str),
    "AKHBAR_DASK_ADDRESS": ("dask_address", str),
    "AKHBAR_DASK_WORKERS": ("dask_workers", int),
    "AKHBAR_NER_MODEL_DIR": ("ner_model_dir", str),
    "AKHBAR_NER_MODE": ("ner_mode", str),
    "AKHBAR_NER_TAGGER": ("ner_tagger", str),
}
