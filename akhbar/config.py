"""Pipeline settings with sane defaults. Every threshold a user may want to change lives here."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class PipelineConfig:
    # ingest
    max_file_bytes: int = 20_000_000          # larger files are rejected as "too large"
    min_arabic_ratio: float = 0.3             # below it a text is rejected as "no Arabic text"
    text_column: str = "text"                 # csv/parquet column holding the article text
    # processing
    partition_size: int = 2_000               # blocks per segment/extract task
    # validate
    max_failure_share: float = 0.05           # quarantined share above which nothing is published
    # publish
    allow_breaking_schema: bool = False       # allow dropping/retyping columns of published tables
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)
