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
    partitions: int = 8                       # segment/extract tasks; rows go to hash(id) % partitions,
                                              # so adding documents only touches the partitions they land in
    # validate
    max_failure_share: float = 0.05           # quarantined share above which nothing is published
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)
