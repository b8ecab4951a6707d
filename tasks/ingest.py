"""Ingest: read every input file, decode it, hash it, and account for it.

Every file ends up as exactly one row of the `documents` frame with status
`ok` or `rejected` (dedupe later marks duplicates). A file that cannot be read
is a rejection with a reason, never an exception that stops the run.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from prefect import task

from akhbar.arabic import arabic_ratio, normalize_for_hash
from akhbar.config import PipelineConfig
from akhbar.contracts import SCHEMAS
from akhbar.ids import sha256_bytes, stable_id

SUPPORTED_SUFFIXES = {".txt"}


def discover(input_dir: Path) -> list[Path]:
    """All files under input_dir (recursive), in a deterministic order; hidden files skipped."""
    return sorted(p for p in input_dir.rglob("*")
                  if p.is_file() and not any(part.startswith(".") for part in p.relative_to(input_dir).parts))


def decode(data: bytes) -> tuple[str | None, str | None, str | None]:
    """Return (text, encoding, rejection reason)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig", None
    if b"\x00" in data[:4096]:
        return None, None, "binary: contains NUL bytes"
    try:
        return data.decode("utf-8"), "utf-8", None
    except UnicodeDecodeError:
        return None, None, "undecodable: not valid UTF-8"


def read_file(path: Path, rel: str, run_id: str, cfg: PipelineConfig) -> dict:
    row = dict(doc_id=stable_id("doc", rel, 0), source_path=rel, record_idx=None,
               content_sha256="", norm_sha256=None, encoding=None, n_bytes=0,
               status="rejected", reason=None, duplicate_of=None, cluster_id=None,
               similarity=None, text=None, meta_title=None, meta_date=None,
               meta_url=None, meta_source=None, ingested_run_id=run_id)
    try:
        size = path.stat().st_size
        row["n_bytes"] = size
        if size > cfg.max_file_bytes:
            row["reason"] = f"too large: {size} bytes > limit {cfg.max_file_bytes}"
            return row
        data = path.read_bytes()
    except OSError as exc:
        row["reason"] = f"unreadable: {exc.strerror or exc}"
        return row
    row["content_sha256"] = sha256_bytes(data)
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        row["reason"] = f"unsupported format: {path.suffix or '(no suffix)'}"
        return row
    if not data.strip():
        row["reason"] = "empty: no content"
        return row
    text, encoding, reason = decode(data)
    row["encoding"] = encoding
    if reason:
        row["reason"] = reason
        return row
    return finish_text_row(row, text, cfg)


def finish_text_row(row: dict, text: str, cfg: PipelineConfig) -> dict:
    """Checks shared by every format once text is decoded; sets status/reason/text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        row["reason"] = "empty: no text after decoding"
        return row
    ratio = arabic_ratio(text)
    if ratio < cfg.min_arabic_ratio:
        row["reason"] = f"no Arabic text: {ratio:.0%} of letters are Arabic (min {cfg.min_arabic_ratio:.0%})"
        return row
    row["text"] = text
    row["norm_sha256"] = sha256_bytes(normalize_for_hash(text).encode("utf-8"))
    row["status"] = "ok"
    return row


def ingest_folder(input_dir: Path, run_id: str, cfg: PipelineConfig | None = None,
                  known: pl.DataFrame | None = None) -> pl.DataFrame:
    """Read every file under input_dir into a documents frame (one row per file).

    `known` is the documents table of the previous snapshot (or None). A file
    whose path and content hash are already known keeps its earlier row (and
    its ingested_run_id); known documents whose file is gone are kept too: the
    corpus only grows, nothing published is dropped. The returned frame has an
    extra boolean column `is_new`.
    """
    cfg = cfg or PipelineConfig()
    input_dir = Path(input_dir)
    schema = pl.from_arrow(SCHEMAS["documents"].empty_table()).schema
    known = known if known is not None else pl.DataFrame(schema=schema)
    known_rows = {(r["source_path"], r["content_sha256"]): r for r in known.iter_rows(named=True)}
    rows, seen = [], set()
    for p in discover(input_dir):
        rel = p.relative_to(input_dir).as_posix()
        row = read_file(p, rel, run_id, cfg)
        prev = known_rows.get((rel, row["content_sha256"]))
        if prev is not None:
            row = dict(prev, is_new=False)
        else:
            row["is_new"] = True
        seen.add(row["doc_id"])
        rows.append(row)
    for r in known.iter_rows(named=True):
        if r["doc_id"] not in seen:
            rows.append(dict(r, is_new=False))
    full_schema = {**schema, "is_new": pl.Boolean}
    if not rows:
        return pl.DataFrame(schema=full_schema)
    # Rows reused from the previous snapshot carry their old status; dedupe recomputes it.
    return pl.DataFrame(rows, schema=full_schema).sort("source_path", "record_idx", nulls_last=False)


def input_manifest_hash(documents: pl.DataFrame) -> str:
    """Hash over the sorted (path, content hash) pairs: identifies the input snapshot."""
    pairs = sorted(zip(documents["source_path"].to_list(), documents["content_sha256"].to_list()))
    return sha256_bytes("\n".join(f"{p}\t{h}" for p, h in pairs).encode())


@task(name="ingest", retries=2, retry_delay_seconds=[1, 5])
def ingest_task(input_dir: str, run_id: str, cfg: PipelineConfig, known: pl.DataFrame | None = None) -> pl.DataFrame:
    return ingest_folder(Path(input_dir), run_id, cfg, known=known)
