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
code pages (Windows-1256 first) for bytes that are not UTF-8. UTF-8 cut inside
its last character, or with a few bad sequences, is read as UTF-8 and flagged
(`repaired: ...` in `reason`); bytes that look random in every encoding are rejected.

Every path under the input folder gets a row: files, but also unreadable
folders, folder symlinks, symlinks leading outside the folder (not followed
unless PipelineConfig.follow_external_symlinks), FIFOs, sockets and devices
(rejected, never opened for reading). What is decoded is bounded (records per
file, characters per document, JSON depth and number digits, table rows: see
PipelineConfig and docs/ingest-dedupe.md, "Limits"); an exception while reading
one file or record becomes that row's rejection reason, never a failed run.
"""

from __future__ import annotations

import io
import json
import os
import re
import stat
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import numpy as np
import polars as pl

from akhbar.text.normalise import arabic_ratio, normalize_for_hash
from akhbar.batches import Mapper, in_process
from akhbar.config import PipelineConfig
from akhbar.contracts import empty_frame
from akhbar.faults import error_detail, has_surrogates, scrub
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
    """Every path under input_dir that gets a row, as the walk finds them; hidden names skipped.

    Files, but also what cannot be read as one, so that it is reported instead of vanishing:
    symlinks (broken, to a folder, leading outside the folder), FIFOs, sockets, devices, and
    folders that cannot be listed (listed themselves). Symlinks are never followed by the walk.
    """
    input_dir = Path(input_dir)

    def walk(folder: Path) -> Iterator[Path]:
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError:
            if folder != input_dir or input_dir.is_dir():
                yield folder                    # reported by read_file as an unreadable folder
            return
        for e in entries:
            if e.name.startswith("."):
                continue
            try:
                is_dir = e.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                yield from walk(Path(e.path))
            else:
                yield Path(e.path)

    return walk(input_dir)


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


# Legacy decodings messier than this (charset-normalizer's mess ratio: odd symbols, mixed scripts
# inside words, ...) are random bytes, not text: real Windows-1256 Arabic measures 0.00-0.01,
# random bytes 1.0 and more.
MAX_LEGACY_MESS = 0.2
# Bad sequences tolerated in otherwise valid UTF-8: at least this many valid non-ASCII characters
# per bad sequence (Windows-1256 Arabic is almost all bad sequences when read as UTF-8).
UTF8_GOOD_PER_BAD = 50


def decode(data: bytes, hint: str | None = None) -> tuple[str | None, str | None, str | None]:
    """Return (text, encoding, rejection reason); exactly one of text and reason is None."""
    text, enc, reason, _ = decode_flagged(data, hint)
    return text, enc, reason


def repaired_utf8(data: bytes, exc: UnicodeDecodeError) -> tuple[str, str] | None:
    """(text, flag) for UTF-8 that is cut inside its last character or has a few bad sequences."""
    if exc.reason == "unexpected end of data" and len(data) - exc.start <= 3:
        try:
            return data[:exc.start].decode("utf-8"), "repaired: truncated utf-8 (incomplete last character dropped)"
        except UnicodeDecodeError:
            return None
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode("utf-8"))
    good = len(text) - len(text.encode("ascii", "ignore")) - bad
    if 0 < bad and good >= UTF8_GOOD_PER_BAD * bad:
        return text, f"repaired: {bad} invalid utf-8 sequence(s) replaced by U+FFFD"
    return None


def decode_flagged(data: bytes, hint: str | None = None) -> tuple[str | None, str | None, str | None, str | None]:
    """Return (text, encoding, rejection reason, repair flag); exactly one of text and reason is None.

    Order: BOM; the declared charset (`hint`, from an HTML meta tag) when it decodes cleanly;
    strict UTF-8; UTF-8 cut inside its last character or with a few bad sequences (flagged);
    then legacy code pages. charset-normalizer labels short Windows-1256 Arabic as other code
    pages (cp1125, mac_*, ...), so every candidate is decoded and the one yielding the most
    Arabic letters wins, cp1256 on ties; a winner that reads as random symbols is rejected.
    """
    for bom, enc in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc, None, None
            except UnicodeDecodeError as exc:
                return (None, None, f"undecodable: starts with a {enc} byte-order mark but is not {enc} "
                                    f"({exc.reason})", None)
    head = data[:8192]
    if b"\x00" in head or b"\x06" in head:  # NUL, or the high byte of Arabic in UTF-16 without a BOM
        for enc in ("utf-16-le", "utf-16-be"):
            text = bomless_utf16(data, enc)
            if text is not None:
                return text, enc, None, None
    if b"\x00" in head:
        return None, None, "binary: contains NUL bytes (not a text file)", None
    if len(head) - len(head.translate(None, CONTROL_BYTES)) > 0.05 * len(head):   # control bytes, one C pass
        return None, None, "binary: more than 5% control bytes (not a text file)", None
    if hint:
        try:
            return data.decode(hint), hint.lower(), None, None
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        return data.decode("utf-8"), "utf-8", None, None
    except UnicodeDecodeError as exc:
        repaired = repaired_utf8(data, exc)
        if repaired is not None:
            return repaired[0], "utf-8", None, repaired[1]
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
        return None, None, "undecodable: not UTF-8, UTF-16 or a known legacy encoding", None
    from charset_normalizer.md import mess_ratio

    mess = mess_ratio(best[3][:100_000], maximum_threshold=1.0)
    if mess > MAX_LEGACY_MESS:
        return None, None, (f"undecodable: not UTF-8, and as {best[4]} it reads as random symbols "
                            f"(mess ratio {mess:.2f} > {MAX_LEGACY_MESS}): random or corrupt bytes"), None
    return best[3], best[4], None, None


# --- rows ----------------------------------------------------------------------
def base_row(rel: str, run_id: str, record_idx: int | None = None) -> dict:
    return dict(doc_id=stable_id("doc", rel, record_idx or 0), source_path=rel, record_idx=record_idx,
                content_sha256="", file_sha256=None, norm_sha256=None, encoding=None, n_bytes=0,
                status="rejected", reason=None, duplicate_of=None, cluster_id=None, similarity=None,
                text=None, meta_title=None, meta_date=None, meta_url=None, meta_source=None,
                ingested_run_id=run_id)


def flag(row: dict, note: str | None) -> dict:
    """Note a repair on the row (`repaired: ...`); `finish_flags` puts the notes into `reason`."""
    if note:
        row.setdefault("_flags", []).append(note)
    return row


def finish_flags(row: dict) -> dict:
    """Repair notes join the reason: the whole reason of an ok row, after the rejection otherwise."""
    notes = row.pop("_flags", None)
    if notes:
        row["reason"] = "; ".join(([row["reason"]] if row["reason"] else []) + list(dict.fromkeys(notes)))
    # A safety net (text is scrubbed by finish_text_row): every string column must encode as UTF-8.
    for col in ("source_path", "reason", "meta_title", "meta_date", "meta_url", "meta_source", "encoding"):
        v = row.get(col)
        if isinstance(v, str) and has_surrogates(v):
            row[col] = scrub(v)
    return row


def error_row(rel: str, run_id: str, exc: BaseException, record_idx: int | None = None, where: str = "") -> dict:
    """A file or record whose handling raised: rejected with the error, the run goes on."""
    row = base_row(rel, run_id, record_idx)
    row["reason"] = f"ingest error{' in ' + where if where else ''}: {error_detail(exc)}"
    return row


def finish_text_row(row: dict, text: str, cfg: PipelineConfig) -> dict:
    """Checks shared by every format once text is decoded; sets status/reason/text."""
    if len(text) > cfg.max_doc_chars:
        row["reason"] = f"too long: {len(text)} characters (max_doc_chars={cfg.max_doc_chars})"
        return row
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if has_surrogates(text):  # from a JSON "\ud800" escape: not encodable, so not storable
        text = scrub(text)
        flag(row, "repaired: lone surrogate(s) replaced by U+FFFD")
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
        return None if value is None else scrub(str(value))
    if isinstance(value, (list, tuple)):
        return scrub(", ".join(str(v) for v in value if v not in (None, ""))) or None
    return scrub(str(value))


def first_field(record: dict, names: tuple[str, ...]) -> tuple[str | None, object]:
    """The first of `names` present in record (case-insensitive), with its value."""
    lower = {str(k).lower(): k for k in record}
    for n in names:
        if n.lower() in lower:
            key = lower[n.lower()]
            if record[key] not in (None, ""):
                return key, record[key]
    return None, None


URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:/|$|[^\d])")


def meta_date(value: str | None, url: str | None) -> str | None:
    """A record's or page's date as given, an RFC 822 date ('Wed, 19 Apr 2017 10:00:00 GMT', RSS
    pubDate) turned into ISO, or failing both the date in the URL path ('/2017/04/19/')."""
    if value and value.strip():
        given = value.strip()
        if given[:3].isalpha() and "," in given[:5]:
            from email.utils import parsedate_to_datetime
            try:
                return parsedate_to_datetime(given).date().isoformat()
            except (TypeError, ValueError, IndexError):
                pass
        return value                          # as given (segment parses it)
    m = URL_DATE.search(url or "")
    return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else None


def record_row(record, rel: str, idx: int, run_id: str, cfg: PipelineConfig, where: str) -> dict:
    """One record (a dict from json/jsonl/csv/parquet) -> a documents row."""
    row = base_row(rel, run_id, idx)
    # surrogatepass: a lone surrogate escape in a JSON string must not stop the hash
    raw = json.dumps(record, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8", "surrogatepass")
    row["n_bytes"], row["content_sha256"] = len(raw), sha256_bytes(raw)
    if not isinstance(record, dict):
        row["reason"] = f"not a record: {where} is a JSON {type(record).__name__}, expected an object"
        return row
    fields = cfg.text_fields()
    key, value = first_field(record, fields)
    if key is None:
        present = scrub(", ".join(map(str, list(record)[:8]))) or "none"
        row["reason"] = f"missing text field: {where} has none of {', '.join(fields[:6])}... (fields: {present})"
        return row
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = "\n".join(value)
    if not isinstance(value, str):
        row["reason"] = f"text field '{key}' of {where} is not text (got {type(value).__name__})"
        return row
    row["content_sha256"] = sha256_bytes(value.encode("utf-8", "surrogatepass"))
    for col, names in (("meta_title", cfg.title_fields), ("meta_date", cfg.date_fields),
                       ("meta_url", cfg.url_fields), ("meta_source", cfg.source_fields)):
        row[col] = scalar_text(first_field(record, names)[1])
    row["meta_date"] = meta_date(row["meta_date"], row["meta_url"])
    if not value.strip():
        row["reason"] = f"empty: text field '{key}' of {where} is blank"
        return row
    return finish_text_row(row, value, cfg)


# --- formats ---------------------------------------------------------------------
def safe_record_row(record, rel: str, idx: int, run_id: str, cfg: PipelineConfig, where: str,
                    enc: str | None, note: str | None = None) -> dict:
    """`record_row`, with an exception becoming the record's rejection."""
    try:
        row = record_row(record, rel, idx, run_id, cfg, where)
    except Exception as exc:  # one bad record never stops the file, let alone the run
        row = error_row(rel, run_id, exc, idx, where)
    return flag(dict(row, encoding=enc), note)


def parse_txt(data: bytes, rel: str, run_id: str, cfg: PipelineConfig) -> list[dict]:
    row = base_row(rel, run_id)
    text, row["encoding"], row["reason"], note = decode_flagged(data)
    return [row if text is None else finish_text_row(flag(row, note), text, cfg)]


def parse_html(data: bytes, rel: str, run_id: str, cfg: PipelineConfig) -> list[dict]:
    import trafilatura

    row = base_row(rel, run_id)
    m = HTML_CHARSET.search(data[:4096])
    html, row["encoding"], row["reason"], note = decode_flagged(data, hint=m.group(1).decode("ascii") if m else None)
    if html is None:
        return [row]
    flag(row, note)
    try:
        doc = trafilatura.bare_extraction(html, with_metadata=True, favor_recall=True, include_comments=False)
    except Exception as exc:  # trafilatura raises many parser errors; the page is rejected, the run goes on
        row["reason"] = f"unreadable HTML: {type(exc).__name__}: {exc}"
        return [row]
    if doc is None or not (doc.text or "").strip():
        row["reason"] = "empty: no main text found in the HTML page"
        return [row]
    row.update(meta_title=doc.title or None, meta_date=meta_date(doc.date, doc.url), meta_url=doc.url or None,
               meta_source=doc.sitename or None)
    return [finish_text_row(row, doc.text, cfg)]


def file_error_row(rel: str, run_id: str, reason: str, encoding: str | None = None,
                   note: str | None = None) -> list[dict]:
    row = base_row(rel, run_id)
    row.update(reason=reason, encoding=encoding)
    return [flag(row, note)]


# JSON strings, so that what is left is JSON's own brackets, commas and numbers ("unrolled" form:
# linear, no backtracking).
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)


@lru_cache(maxsize=8)
def _long_digits(n: int) -> re.Pattern:
    return re.compile(f"[0-9]{{{n + 1}}}")


def json_limits(text: str, cfg: PipelineConfig, count_records: bool = False) -> str | None:
    """Why `text` must not be handed to json.loads (too deep, a too long number, too many
    records in a top-level array), or None. Cheap: text with fewer brackets than the depth
    limit, no long digit run and fewer commas than the record limit is not scanned at all;
    otherwise one regex pass drops the strings and numpy counts the nesting."""
    depth_limit, digit_limit, record_limit = cfg.max_json_depth, cfg.max_json_number_digits, cfg.max_records_per_file
    check_depth = text.count("[") + text.count("{") > depth_limit
    check_digits = _long_digits(digit_limit).search(text) is not None
    check_records = count_records and text.count(",") >= record_limit
    if not (check_depth or check_digits or check_records):
        return None
    bare = _JSON_STRING.sub('""', text)
    if check_digits and _long_digits(digit_limit).search(bare):
        return f"number too long: more than {digit_limit} digits (max_json_number_digits={digit_limit})"
    b = np.frombuffer(bare.encode("utf-8", "surrogatepass"), dtype=np.uint8)
    opens = (b == ord("[")) | (b == ord("{"))
    brackets = np.flatnonzero(opens | (b == ord("]")) | (b == ord("}")))
    depth = np.cumsum(np.where(opens[brackets], 1, -1), dtype=np.int64)
    if depth.size and int(depth.max()) > depth_limit:
        return f"too deeply nested: more than {depth_limit} levels (max_json_depth={depth_limit})"
    if check_records and bare.lstrip().startswith("["):
        commas = np.flatnonzero(b == ord(","))
        k = np.searchsorted(brackets, commas) - 1
        n = int(np.count_nonzero(depth[k[k >= 0]] == 1)) + 1
        if n > record_limit:
            return f"too many records: {n} in the JSON array (max_records_per_file={record_limit})"
    return None


def load_json(text: str, cfg: PipelineConfig, count_records: bool = False,
              line: int | None = None) -> tuple[object, str | None]:
    """(parsed value, None) or (None, rejection reason): limits first, and no parser error escapes.
    `line`: the 1-based line of a JSONL record (`text` is that line)."""
    reason = json_limits(text, cfg, count_records)
    if reason:
        return None, reason if line is None else f"line {line}: {reason}"
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        if line is not None:
            return None, f"malformed JSON line {line}: {exc.msg} (column {exc.colno})"
        return None, f"malformed JSON line {exc.lineno} column {exc.colno}: {exc.msg}"
    except RecursionError:   # a depth limit above what the parser can take
        return None, f"too deeply nested for the JSON parser (max_json_depth={cfg.max_json_depth})"
    except ValueError as exc:  # e.g. an integer past Python's int_max_str_digits
        return None, f"malformed JSON: {str(exc)[:200]} (max_json_number_digits={cfg.max_json_number_digits})"


def parse_json(data: bytes, rel: str, run_id: str, cfg: PipelineConfig) -> list[dict]:
    text, enc, reason, note = decode_flagged(data)
    if text is None:
        return file_error_row(rel, run_id, reason)
    obj, reason = load_json(text, cfg, count_records=True)
    if reason:
        return file_error_row(rel, run_id, reason, enc, note)
    if isinstance(obj, dict):  # {"articles": [...]} and similar wrappers of a record list
        key, inner = first_field(obj, cfg.record_list_fields)
        obj = inner if isinstance(inner, list) else [obj]
    if not isinstance(obj, list):
        return file_error_row(rel, run_id, f"not records: top-level JSON {type(obj).__name__}", enc, note)
    if not obj:
        return file_error_row(rel, run_id, "empty: JSON array holds no records", enc, note)
    if len(obj) > cfg.max_records_per_file:
        return file_error_row(rel, run_id, f"too many records: {len(obj)} in the JSON array "
                                           f"(max_records_per_file={cfg.max_records_per_file})", enc, note)
    return [safe_record_row(r, rel, i, run_id, cfg, f"record {i}", enc, note) for i, r in enumerate(obj)]


def parse_jsonl(data: bytes, rel: str, run_id: str, cfg: PipelineConfig) -> list[dict]:
    text, enc, reason, note = decode_flagged(data)
    if text is None:
        return file_error_row(rel, run_id, reason)
    # Records end at \n only: U+2028, U+0085 ... are legal inside JSON strings (str.splitlines would cut there).
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    n_records = sum(1 for line in lines if line.strip())
    if n_records > cfg.max_records_per_file:
        return file_error_row(rel, run_id, f"too many records: {n_records} JSON lines "
                                           f"(max_records_per_file={cfg.max_records_per_file})", enc, note)
    rows = []
    for i, line in enumerate(lines):
        if not line.strip():
            continue  # blank lines are separators, not records
        record, reason = load_json(line, cfg, line=i + 1)
        if reason:
            row = base_row(rel, run_id, i)
            raw = line.encode("utf-8", "surrogatepass")
            row.update(n_bytes=len(raw), content_sha256=sha256_bytes(raw), encoding=enc, reason=reason)
            rows.append(flag(row, note))
            continue
        rows.append(safe_record_row(record, rel, i, run_id, cfg, f"line {i + 1}", enc, note))
    return rows or file_error_row(rel, run_id, "empty: no JSON lines", enc, note)


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
    if frame.height > cfg.max_table_rows:
        return file_error_row(rel, run_id, f"too many rows: more than {cfg.max_table_rows} "
                                           f"(max_table_rows={cfg.max_table_rows})", enc)
    return [safe_record_row(r, rel, i, run_id, cfg, f"row {i + 1}", enc)
            for i, r in enumerate(frame.iter_rows(named=True))]


def parse_csv(data: bytes, rel: str, run_id: str, cfg: PipelineConfig) -> list[dict]:
    text, enc, reason, note = decode_flagged(data)
    if text is None:
        return file_error_row(rel, run_id, reason)
    try:  # at most one row past the limit is parsed: enough to know the file is over it
        frame = pl.read_csv(io.StringIO(text), infer_schema=False, truncate_ragged_lines=False,
                            n_rows=cfg.max_table_rows + 1)
    except Exception as exc:  # polars raises ComputeError/NoDataError/...: the file is rejected
        return file_error_row(rel, run_id, f"malformed CSV: {str(exc).splitlines()[0][:200]}", enc, note)
    return [flag(r, note) for r in parse_table(frame, rel, run_id, cfg, enc)]


# A parquet file's text may decompress to far more than the file (a million copies of one
# dictionary value in a few KB): its decoded columns may hold at most this many times max_file_bytes.
PARQUET_DECODED_FACTOR = 10


def read_parquet_bounded(data: bytes, cfg: PipelineConfig) -> tuple[pl.DataFrame | None, str | None]:
    """(frame, None) or (None, rejection reason): the row count is read from the file's metadata, and
    string columns are read dictionary-encoded and measured, before any row is decoded."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(io.BytesIO(data))
    n_rows = pf.metadata.num_rows
    if n_rows > cfg.max_table_rows:
        return None, f"too many rows: {n_rows} in the file's metadata (max_table_rows={cfg.max_table_rows})"
    strings = [f.name for f in pf.schema_arrow if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)]
    table = pq.ParquetFile(io.BytesIO(data), read_dictionary=strings).read()
    decoded = 0
    for col in table.columns:
        for chunk in col.chunks:
            if pa.types.is_dictionary(chunk.type):
                lengths = pc.take(pc.binary_length(chunk.dictionary), chunk.indices)
                decoded += int(pc.sum(lengths).as_py() or 0)
            else:
                decoded += chunk.nbytes
    limit = PARQUET_DECODED_FACTOR * cfg.max_file_bytes
    if decoded > limit:
        return None, (f"too large when decoded: {decoded} bytes > {PARQUET_DECODED_FACTOR} x max_file_bytes "
                      f"(max_file_bytes={cfg.max_file_bytes})")
    plain = pa.schema([pa.field(f.name, f.type.value_type) if pa.types.is_dictionary(f.type) else f
                       for f in table.schema])
    return pl.from_arrow(table.cast(plain)), None


def parse_parquet(data: bytes, rel: str, run_id: str, cfg: PipelineConfig) -> list[dict]:
    try:
        frame, reason = read_parquet_bounded(data, cfg)
    except Exception as exc:  # a truncated or foreign file is a rejection, not a crash
        return file_error_row(rel, run_id, f"unreadable parquet: {str(exc).splitlines()[0][:200]}")
    if reason:
        return file_error_row(rel, run_id, reason)
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


_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"))


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def readable_target(path: Path, root: Path | None, cfg: PipelineConfig) -> tuple[Path | None, str | None]:
    """The file to open for `path`, or why it is not read. Nothing is opened here: a FIFO would block."""
    st = os.lstat(path)
    target = path
    if stat.S_ISDIR(st.st_mode):
        try:
            os.listdir(path)
            return None, "unreadable folder: its files could not be listed"
        except OSError as exc:
            return None, f"unreadable folder: {exc.strerror or exc} (its files were not read)"
    if stat.S_ISLNK(st.st_mode):
        try:
            real = Path(os.path.realpath(path, strict=True))
        except OSError as exc:
            return None, f"unreadable: broken symlink ({exc.strerror or exc})"
        if root is not None and not cfg.follow_external_symlinks:
            real_root = Path(os.path.realpath(root))
            if real != real_root and real_root not in real.parents:
                return None, ("symlink leading outside the input folder: not followed "
                              "(follow_external_symlinks=False)")
        st = os.stat(real)
        if stat.S_ISDIR(st.st_mode):
            return None, "folder symlink: not followed (link or copy its files into the input folder instead)"
        target = real
    if not stat.S_ISREG(st.st_mode):
        return None, f"not a regular file: {_kind(st.st_mode)} (not opened)"
    return target, None


def read_bounded(target: Path, limit: int) -> tuple[bytes | None, int]:
    """(bytes, size), or (None, size) when the file holds more than `limit` bytes. Opened without
    blocking and checked to be a regular file once open (it may have changed since the walk)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(target, flags)
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise IsADirectoryError(f"not a regular file: {_kind(st.st_mode)}")
        if st.st_size > limit:
            return None, st.st_size
        data = f.read(limit + 1)
    return (None, len(data)) if len(data) > limit else (data, len(data))


def read_file(path: Path, rel: str, run_id: str, cfg: PipelineConfig,
              known: dict[tuple[str, str], list[dict]] | None = None,
              root: Path | None = None) -> tuple[list[dict], bool]:
    """Rows for one path, and whether they are new; a (path, file hash) in `known` is not parsed again.
    `root` is the input folder (symlinks leading out of it are not followed). Never raises."""
    try:
        rows, is_new = _read_file(path, rel, run_id, cfg, known, root)
    except Exception as exc:  # one bad file never stops the run
        rows, is_new = [error_row(rel, run_id, exc)], True
    return ([finish_flags(r) for r in rows] if is_new else rows), is_new


def _read_file(path: Path, rel: str, run_id: str, cfg: PipelineConfig,
               known: dict[tuple[str, str], list[dict]] | None, root: Path | None) -> tuple[list[dict], bool]:
    row = base_row(rel, run_id)
    try:
        target, reason = readable_target(path, root, cfg)
        if reason:
            row["reason"] = reason
            return [row], True
        data, size = read_bounded(target, cfg.max_file_bytes)
        row["n_bytes"] = size
        if data is None:
            row["reason"] = f"too large: {size} bytes > limit {cfg.max_file_bytes} (PipelineConfig.max_file_bytes)"
            return [row], True
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


def known_files(known: pl.DataFrame | pl.LazyFrame) -> dict[tuple[str, str], list]:
    """(source_path, file hash) of the previous rows, each mapped to no rows: a file with such a key
    is not parsed again and its rows are taken from `known` itself (ingest_folder), not copied into
    Python dicts. Snapshots without file_sha256 use content_sha256. Only these columns are read."""
    known = known.lazy()
    names = known.collect_schema().names()
    file_hash = pl.col("file_sha256") if "file_sha256" in names else pl.lit(None, pl.String)
    keys = known.select("source_path", pl.coalesce(file_hash, pl.col("content_sha256"))).unique().collect()
    return {key: [] for key in keys.iter_rows()}


def as_documents(known: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """Previous rows with the current documents columns (a column an older snapshot lacks is null)."""
    known = known.lazy()
    names = known.collect_schema().names()
    return known.select([pl.col(c).cast(t) if c in names else pl.lit(None, t).alias(c)
                         for c, t in documents_schema().items()])


def display_path(rel: str) -> tuple[str, str | None]:
    """A relative path as stored (source_path, ids), and a note when its name is not valid UTF-8:
    such bytes arrive as lone surrogates (surrogateescape) and are shown as \\xNN escapes."""
    if not has_surrogates(rel):
        return rel, None
    try:
        shown = os.fsencode(rel).decode("utf-8", "backslashreplace")
    except UnicodeError:
        shown = rel.encode("utf-8", "backslashreplace").decode("ascii")
    return shown, "repaired: file name is not valid UTF-8 (undecodable bytes shown as \\xNN)"


FILES_PER_BATCH = 8                      # files read by one call of `read_batch` (one worker task)


def read_batch(batch: list[tuple[Path, str, str | None, list]], run_id: str, cfg: PipelineConfig,
               root: Path) -> pl.DataFrame:
    """The rows of a batch of files ((path, shown path, name note, its known entries) each), as one
    frame with `is_new`; a file whose (path, hash) is known gives no row (its rows are the previous
    snapshot's). Module-level and given only its files' known keys, so a worker process can run it;
    a frame (Arrow) travels back from a worker far cheaper than Python rows."""
    rows = []
    for path, rel, note, known in batch:
        file_rows, is_new = read_file(path, rel, run_id, cfg, dict(known), root=root)
        for row in file_rows:
            if note and is_new:
                row["reason"] = f"{row['reason']}; {note}" if row["reason"] else note
            rows.append(dict(row, is_new=is_new))
    return pl.DataFrame(rows, schema={**documents_schema(), "is_new": pl.Boolean})


def file_batches(input_dir: Path, index: dict, size: int = FILES_PER_BATCH) -> Iterator[list]:
    """The discovered files in sorted order, in batches of `size`, each file with the known rows of its path."""
    by_path: dict[str, list] = {}
    for key, rows in index.items():
        by_path.setdefault(key[0], []).append((key, rows))
    batch = []
    for p in discover(input_dir):
        rel, note = display_path(p.relative_to(input_dir).as_posix())
        batch.append((p, rel, note, by_path.get(rel, [])))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def ingest_folder(input_dir: Path, run_id: str, cfg: PipelineConfig | None = None,
                  known: pl.DataFrame | None = None, mapper: Mapper = in_process) -> pl.DataFrame:
    """Read every file under input_dir into a documents frame (one row per file or record).

    `known` is the documents table of the previous snapshot (or None; lazy in a run: its keys are
    read first, the rows kept from it, text included, only after the files are read). A file
    whose path and content hash are already known is not parsed again: it keeps
    its earlier rows (and their ingested_run_id). Known documents whose file is
    gone are kept too: the corpus only grows, nothing published is dropped. The
    returned frame has an extra boolean column `is_new`.
    `mapper` runs `read_batch` over batches of files (flows/workers.py map_bounded: in the worker
    processes, a bounded number of batches in flight); the rows are the same whoever reads them.
    Each batch's rows become a frame where they are read; known rows never become Python objects.
    """
    cfg = cfg or PipelineConfig()
    input_dir = Path(input_dir)
    full_schema = {**documents_schema(), "is_new": pl.Boolean}
    index = known_files(known) if known is not None else {}
    frames = list(mapper(read_batch, file_batches(input_dir, index), run_id, cfg, input_dir))
    # a record index can only occur once per file: the first row of a doc_id is kept
    found = pl.concat(frames).unique("doc_id", keep="first", maintain_order=True) if frames \
        else pl.DataFrame(schema=full_schema)
    if index:   # known files (not parsed again) and known documents whose file is gone keep their rows
        found = pl.concat([found, as_documents(known).join(found.lazy().select("doc_id"), on="doc_id", how="anti")
                          .with_columns(is_new=pl.lit(False)).collect()])
    # Rows reused from the previous snapshot carry their old status; dedupe recomputes it.
    return documents_order(found)


def documents_order(frame: pl.DataFrame) -> pl.DataFrame:
    """Documents in ingest's row order: by (source_path, record_idx), nulls first (`ingest_folder`'s
    frame; tasks/ingest_file.py's file is in reading order and sorted with this where the order matters)."""
    return frame.sort("source_path", "record_idx", nulls_last=False)


def ingest_counts(documents: pl.DataFrame) -> dict[str, int]:
    """What a run found: documents in total, new, known (reused unparsed), newly rejected."""
    new = pl.col("is_new")
    return dict(documents=documents.height, new=documents.filter(new).height,
                known=documents.filter(~new).height,
                rejected=documents.filter(new & (pl.col("status") == "rejected")).height)


MANIFEST_COLUMNS = ("source_path", "content_sha256")   # what input_manifest_hash reads


def input_manifest_hash(documents: pl.DataFrame) -> str:
    """Hash over the sorted (path, content hash) pairs: identifies the input snapshot."""
    pairs = sorted(zip(documents["source_path"].to_list(), documents["content_sha256"].to_list()))
    return sha256_bytes("\n".join(f"{p}\t{h}" for p, h in pairs).encode())
