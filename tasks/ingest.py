"""Ingest: read every input file, decode it, hash it, and account for it.

Every file, and every record of a multi-record file (json/jsonl/csv/parquet),
ends up as exactly one row of the `documents` frame with status `ok` or
`rejected` (dedupe later marks duplicates). A file that cannot be read is a
rejection with a reason a person understands, never an exception that stops
the run.

Formats: .txt, .html/.htm (main text via trafilatura), .json (an array of
records, an object holding such an array, or a single record), .jsonl, .csv
and .parquet (a text column, PipelineConfig.text_column or a common name).
Encodings: UTF-8 with or without BOM, UTF-16/32 with BOM, and legacy Arabic
code pages (Windows-1256 first) for bytes that are not UTF-8.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from akhbar.text.normalise import arabic_ratio, normalize_for_hash
from akhbar.config import PipelineConfig
from akhbar.contracts import empty_frame
from akhbar.ids import sha256_bytes, stable_id

SINGLE_FORMATS = {".txt", ".html", ".htm"}
RECORD_FORMATS = {".json", ".jsonl", ".csv", ".parquet"}
SUPPORTED_SUFFIXES = SINGLE_FORMATS | RECORD_FORMATS

# Byte-order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one).
BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"), (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
# Control bytes that never occur in text (tab, newlines, form feed and ESC excluded).
CONTROL_BYTES = bytes(set(range(32)) - {9, 10, 12, 13, 27})
HTML_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.IGNORECASE)


def iter_files(input_dir: Path) -> Iterator[Path]:
    """Files under input_dir (recursive), as the walk finds them; hidden files skipped.

    Broken symlinks are listed too, so that they are reported as unreadable instead of vanishing.
    """
    return (p for p in input_dir.rglob("*")
            if (p.is_file() or p.is_symlink() and not p.exists())
            and not any(part.startswith(".") for part in p.relative_to(input_dir).parts))


def discover(input_dir: Path) -> list[Path]:
    """`iter_files` in a deterministic order."""
    return sorted(iter_files(input_dir))


# --- decoding ------------------------------------------------------------------
def _legacy_candidates(data: bytes) -> list[str]:
    """Encodings to try for bytes that are not UTF-8: charset-normalizer's guesses, then cp1256."""
    from charset_normalizer import from_bytes

    guesses = [m.encoding for m in from_bytes(data[:200_000])][:3]
    return [*guesses, "cp1256"]


def bomless_utf16(data: bytes, enc: str) -> str | None:
    """The text if `data` is UTF-16 without a byte-order mark: decodes, and at least 95% printable."""
    if len(data) % 2:
        return None
    try:
        text = data.decode(enc)
    except UnicodeDecodeError:
        return None
    good = sum(1 for c in text[:4096] if c.isprintable() or c in "\n\r\t")
    return text if text and good >= 0.95 * min(len(text), 4096) else None


def decode(data: bytes, hint: str | None = None) -> tuple[str | None, str | None, str | None]:
    """Return (text, encoding, rejection reason); exactly one of text and reason is None.

    Order: BOM; the declared charset (`hint`, from an HTML meta tag) when it decodes cleanly;
    strict UTF-8; then legacy code pages. charset-normalizer labels short Windows-1256
    Arabic as other code pages (cp1125, mac_*, ...), so every candidate is decoded and the
    one yielding the most Arabic letters wins, cp1256 on ties.
    """
    for bom, enc in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc, None
            except UnicodeDecodeError as exc:
                return None, None, f"undecodable: starts with a {enc} byte-order mark but is not {enc} ({exc.reason})"
    head = data[:8192]
    if b"\x00" in head or b"\x06" in head:  # NUL, or the high byte of Arabic in UTF-16 without a BOM
        for enc in ("utf-16-le", "utf-16-be"):
            text = bomless_utf16(data, enc)
            if text is not None:
                return text, enc, None
    if b"\x00" in head:
        return None, None, "binary: contains NUL bytes (not a text file)"
    if len(head) - len(head.translate(None, CONTROL_BYTES)) > 0.05 * len(head):   # control bytes, one C pass
        return None, None, "binary: more than 5% control bytes (not a text file)"
    if hint:
        try:
            return data.decode(hint), hint.lower(), None
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        return data.decode("utf-8"), "utf-8", None
    except UnicodeDecodeError:
        pass
    best: tuple[float, int, str, str] | None = None
    for i, enc in enumerate(_legacy_candidates(data)):
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        score = (arabic_ratio(text), enc == "cp1256", -i)
        if best is None or score > best[:3]:
            best = (*score, text, enc)
    if best is None:
        return None, None, "undecodable: not UTF-8, UTF-16 or a known legacy encoding"
    return best[3], best[4], None


# --- rows ----------------------------------------------------------------------
def base_row(rel: str, run_id: str, record_idx: int | None = None) -> dict:
    return dict(doc_id=stable_id("doc", rel, record_idx or 0), source_path=rel, record_idx=record_idx,
                content_sha256="", file_sha256=None, norm_sha256=None, encoding=None, n_bytes=0,
                status="rejected", reason=None, duplicate_of=None, cluster_id=None, similarity=None,
                text=None, meta_title=None, meta_date=None, meta_url=None, meta_source=None,
                ingested_run_id=run_id)


def finish_text_row(row: dict, text: str, cfg: PipelineConfig) -> dict:
    """Checks shared by every format once text is decoded; sets status/reason/text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if not text.strip():
        row["reason"] = row["reason"] or "empty: no text after decoding"
        return row
    ratio = arabic_ratio(text)
    if ratio < cfg.min_arabic_ratio:
        row["reason"] = f"no Arabic text: {ratio:.0%} of letters are Arabic (min {cfg.min_arabic_ratio:.0%})"
        return row
    row.update(text=text, norm_sha256=sha256_bytes(normalize_for_hash(text).encode("utf-8")),
               status="ok", reason=None)
    return row


def scalar_text(value) -> str | None:
    """A metadata value as a string: scalars as is, {'name': ...} objects by their name."""
    if value is None or value == "":
        return None
    if isinstance(value, dict):
        value = next((value[k] for k in ("name", "title", "id") if value.get(k)), None)
        return None if value is None else str(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value if v not in (None, "")) or None
    return str(value)


def first_field(record: dict, names: tuple[str, ...]) -> tuple[str | None, object]:
    """The first of `names` present in record (case-insensitive), with its value."""
    lower = {str(k).lower(): k for k in record}
    for n in names:
        if n.lower() in lower:
            key = lower[n.lower()]
            if record[key] not in (None, ""):
                return key, record[key]
    return None, None


def record_row(record, rel: str, idx: int, run_id: str, cfg: PipelineConfig, where: str) -> dict:
    """One record (a dict from json/jsonl/csv/parquet) -> a documents row."""
    row = base_row(rel, run_id, idx)
    raw = json.dumps(record, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")
    row["n_bytes"], row["content_sha256"] = len(raw), sha256_bytes(raw)
    if not isinstance(record, dict):
        row["reason"] = f"not a record: {where} is a JSON {type(record).__name__}, expected an object"
        return row
    fields = cfg.text_fields()
    key, value = first_field(record, fields)
    if key is None:
        present = ", ".join(map(str, list(record)[:8])) or "none"
        row["reason"] = f"missing text field: {where} has none of {', '.join(fields[:6])}... (fields: {present})"
        return row
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = "\n".join(value)
    if not isinstance(value, str):
        row["reason"] = f"text field '{key}' of {where} is not text (got {type(value).__name__})"
        return row
    row["content_sha256"] = sha256_bytes(value.encode("utf-8"))
    for col, names in (("meta_title", cfg.title_fields), ("meta_date", cfg.date_fields),
                       ("meta_url", cfg.url_fields), ("meta_source", cfg.source_fields)):
        row[col] = scalar_text(first_field(record, names)[1])
    if not value.strip():
        row["reason"] = f"empty: text field '{key}' of {where} is blank"
        return row
    return finish_text_row(row, value, cfg)


# --- formats ---------------------------------------------------------------------
def parse_txt(data: bytes, rel: str, run_id: str, cfg: PipelineConfig) -> list[dict]:
    row = base_row(rel, run_id)
    text, row["encoding"], row["reason"] = decode(data)
    return [row if text is None else finish_text_row(row, text, cfg)]


def parse_html(data: bytes, rel: str, run_id: str, cfg: PipelineConfig) -> list[dict]:
    import trafilatura

    row = base_row(rel, run_id)
    m = HTML_CHARSET.search(data[:4096])
    html, row["encoding"], row["reason"] = decode(data, hint=m.group(1).decode("ascii") if m else None)
    if html is None:
        return [row]
    try:
        doc = trafilatura.bare_extraction(html, with_metadata=True, favor_recall=True, include_comments=False)
    except Exception as exc:  # trafilatura raises many parser errors; the page is rejected, the run goes on
        row["reason"] = f"unreadable HTML: {type(exc).__name__}: {exc}"
        return [row]
    if doc is None or not (doc.text or "").strip():
        row["reason"] = "empty: no main text found in the HTML page"
        return [row]
    row.update(meta_title=doc.title or None, meta_date=doc.date or None, meta_url=doc.url or None,
               meta_source=doc.sitename or None)
    return [finish_text_row(row, doc.text, cfg)]


def file_error_row(rel: str, run_id: str, reason: str, encoding: str | None = None) -> list[dict]:
    row = base_row(rel, run_id)
    row.update(reason=reason, encoding=encoding)
    return [row]


def parse_json(data: bytes, rel: str, run_id: str, cfg: PipelineConfig) -> list[dict]:
    text, enc, reason = decode(data)
    if text is None:
        return file_error_row(rel, run_id, reason)
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        return file_error_row(rel, run_id, f"malformed JSON line {exc.lineno} column {exc.colno}: {exc.msg}", enc)
    if isinstance(obj, dict):  # {"articles": [...]} and similar wrappers of a record list
        key, inner = first_field(obj, cfg.record_list_fields)
        obj = inner if isinstance(inner, list) else [obj]
    if not isinstance(obj, list):
        return file_error_row(rel, run_id, f"not records: top-level JSON {type(obj).__name__}", enc)
    if not obj:
        return file_error_row(rel, run_id, "empty: JSON array holds no records", enc)
    return [dict(record_row(r, rel, i, run_id, cfg, f"record {i}"), encoding=enc) for i, r in enumerate(obj)]


def parse_jsonl(data: bytes, rel: str, run_id: str, cfg: PipelineConfig) -> list[dict]:
    text, enc, reason = decode(data)
    if text is None:
        return file_error_row(rel, run_id, reason)
    rows = []
    for i, line in enumerate(text.splitlines()):
        if not line.strip():
            continue  # blank lines are separators, not records
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            row = base_row(rel, run_id, i)
            raw = line.encode("utf-8")
            row.update(n_bytes=len(raw), content_sha256=sha256_bytes(raw), encoding=enc,
                       reason=f"malformed JSON line {i + 1}: {exc.msg} (column {exc.colno})")
            rows.append(row)
            continue
        rows.append(dict(record_row(record, rel, i, run_id, cfg, f"line {i + 1}"), encoding=enc))
    return rows or file_error_row(rel, run_id, "empty: no JSON lines", enc)


def parse_table(frame: pl.DataFrame, rel: str, run_id: str, cfg: PipelineConfig, enc: str | None) -> list[dict]:
    """csv/parquet rows -> records; the text column must exist and hold strings."""
    names = cfg.text_fields()
    key, _ = first_field(dict.fromkeys(frame.columns, "x"), names)
    if key is None:
        cols = ", ".join(frame.columns[:10])
        return file_error_row(rel, run_id, f"missing text column: none of {', '.join(names[:6])}... "
                                           f"(columns: {cols})", enc)
    if frame.schema[key] != pl.String:
        return file_error_row(rel, run_id, f"text column '{key}' is {frame.schema[key]}, not text", enc)
    if frame.height == 0:
        return file_error_row(rel, run_id, "empty: table has no rows", enc)
    return [dict(record_row(r, rel, i, run_id, cfg, f"row {i + 1}"), encoding=enc)
            for i, r in enumerate(frame.iter_rows(named=True))]


def parse_csv(data: bytes, rel: str, run_id: str, cfg: PipelineConfig) -> list[dict]:
    text, enc, reason = decode(data)
    if text is None:
        return file_error_row(rel, run_id, reason)
    try:
        frame = pl.read_csv(io.StringIO(text), infer_schema=False, truncate_ragged_lines=False)
    except Exception as exc:  # polars raises ComputeError/NoDataError/...: the file is rejected
        return file_error_row(rel, run_id, f"malformed CSV: {str(exc).splitlines()[0][:200]}", enc)
    return parse_table(frame, rel, run_id, cfg, enc)


def parse_parquet(data: bytes, rel: str, run_id: str, cfg: PipelineConfig) -> list[dict]:
    try:
        frame = pl.read_parquet(io.BytesIO(data))
    except Exception as exc:  # a truncated or foreign file is a rejection, not a crash
        return file_error_row(rel, run_id, f"unreadable parquet: {str(exc).splitlines()[0][:200]}")
    return parse_table(frame, rel, run_id, cfg, None)


PARSERS = {".txt": parse_txt, ".html": parse_html, ".htm": parse_html, ".json": parse_json,
           ".jsonl": parse_jsonl, ".csv": parse_csv, ".parquet": parse_parquet}


def parse_bytes(data: bytes, suffix: str, rel: str, run_id: str, cfg: PipelineConfig) -> list[dict]:
    """Parse one file's bytes into documents rows (one per record)."""
    rows = PARSERS[suffix](data, rel, run_id, cfg)
    file_hash = sha256_bytes(data)
    for r in rows:
        r["file_sha256"] = file_hash
        if r["record_idx"] is None:  # the whole file is the document
            r["content_sha256"], r["n_bytes"] = file_hash, len(data)
    return rows


def read_file(path: Path, rel: str, run_id: str, cfg: PipelineConfig,
              known: dict[tuple[str, str], list[dict]] | None = None) -> tuple[list[dict], bool]:
    """Rows for one file, and whether they are new; a (path, file hash) in `known` is not parsed again."""
    row = base_row(rel, run_id)
    try:
        size = path.stat().st_size
        row["n_bytes"] = size
        if size > cfg.max_file_bytes:
            row["reason"] = f"too large: {size} bytes > limit {cfg.max_file_bytes} (PipelineConfig.max_file_bytes)"
            return [row], True
        data = path.read_bytes()
    except OSError as exc:
        row["reason"] = f"unreadable: {exc.strerror or exc}"
        return [row], True
    file_hash = sha256_bytes(data)
    if known and (rel, file_hash) in known:
        return known[(rel, file_hash)], False
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        row.update(content_sha256=file_hash, file_sha256=file_hash,
                   reason=f"unsupported format: {path.suffix or '(no suffix)'} "
                          f"(supported: {', '.join(sorted(SUPPORTED_SUFFIXES))})")
        return [row], True
    if not data.strip():
        row.update(content_sha256=file_hash, file_sha256=file_hash, reason="empty: no content")
        return [row], True
    return parse_bytes(data, suffix, rel, run_id, cfg), True


def documents_schema() -> dict:
    return empty_frame("documents").schema


def known_index(known: pl.DataFrame) -> dict[tuple[str, str], list[dict]]:
    """Previous rows grouped by (source_path, file hash); snapshots without file_sha256 use content_sha256."""
    file_hash = pl.col("file_sha256") if "file_sha256" in known.columns else pl.lit(None, pl.String)
    rows = known.with_columns(_key=pl.coalesce(file_hash, pl.col("content_sha256")))
    index: dict[tuple[str, str], list[dict]] = {}
    schema = documents_schema()
    for r in rows.iter_rows(named=True):
        key = (r.pop("source_path"), r.pop("_key"))
        index.setdefault(key, []).append({c: r.get(c) for c in schema} | {"source_path": key[0]})
    return index


def ingest_folder(input_dir: Path, run_id: str, cfg: PipelineConfig | None = None,
                  known: pl.DataFrame | None = None) -> pl.DataFrame:
    """Read every file under input_dir into a documents frame (one row per file or record).

    `known` is the documents table of the previous snapshot (or None). A file
    whose path and content hash are already known is not parsed again: it keeps
    its earlier rows (and their ingested_run_id). Known documents whose file is
    gone are kept too: the corpus only grows, nothing published is dropped. The
    returned frame has an extra boolean column `is_new`.
    """
    cfg = cfg or PipelineConfig()
    input_dir = Path(input_dir)
    schema = documents_schema()
    full_schema = {**schema, "is_new": pl.Boolean}
    index = known_index(known) if known is not None and known.height else {}
    rows, seen = [], set()
    for p in discover(input_dir):
        file_rows, is_new = read_file(p, p.relative_to(input_dir).as_posix(), run_id, cfg, index)
        for row in file_rows:
            if row["doc_id"] not in seen:  # a record index can only occur once per file
                seen.add(row["doc_id"])
                rows.append(dict(row, is_new=is_new))
    for rs in index.values():
        rows += [dict(r, is_new=False) for r in rs if r["doc_id"] not in seen]
    if not rows:
        return pl.DataFrame(schema=full_schema)
    # Rows reused from the previous snapshot carry their old status; dedupe recomputes it.
    return pl.DataFrame(rows, schema=full_schema).sort("source_path", "record_idx", nulls_last=False)


def ingest_counts(documents: pl.DataFrame) -> dict[str, int]:
    """What a run found: documents in total, new, known (reused unparsed), newly rejected."""
    new = pl.col("is_new")
    return dict(documents=documents.height, new=documents.filter(new).height,
                known=documents.filter(~new).height,
                rejected=documents.filter(new & (pl.col("status") == "rejected")).height)


def input_manifest_hash(documents: pl.DataFrame) -> str:
    """Hash over the sorted (path, content hash) pairs: identifies the input snapshot."""
    pairs = sorted(zip(documents["source_path"].to_list(), documents["content_sha256"].to_list()))
    return sha256_bytes("\n".join(f"{p}\t{h}" for p, h in pairs).encode())
