"""Inputs that cannot hurt the run (issues 16.1, 18.7): each campaign case as a small generated file.

Every case must give a row with a reason naming what happened, never an exception, and stay
within bounded time and memory.
"""

from __future__ import annotations

import json
import os
import random
import resource
import threading
import time
from pathlib import Path

import polars as pl
import pytest

import tasks.ingest as ingest
from akhbar.config import PipelineConfig
from tasks.ingest import decode_flagged, ingest_folder

STORY = "قال مسؤولون في بغداد اليوم إن الحكومة العراقية ستعقد اجتماعا لبحث الأوضاع الأمنية في المحافظات الشمالية."


def rows(docs: pl.DataFrame) -> dict[tuple[str, int | None], dict]:
    return {(r["source_path"], r["record_idx"]): r for r in docs.iter_rows(named=True)}


def only(docs: pl.DataFrame, path: str) -> dict:
    found = [r for r in docs.iter_rows(named=True) if r["source_path"] == path]
    assert len(found) == 1, found
    return found[0]


def ingest_timed(folder: Path, cfg: PipelineConfig | None = None, max_s: float = 10.0,
                 max_mb: float = 300.0) -> pl.DataFrame:
    """ingest_folder, asserting its wall time and that the process's peak RSS grew by less than
    max_mb (ru_maxrss: no tracing overhead; the campaign's cases reached 4.6-23.6 GB)."""
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024      # KiB on Linux
    t = time.perf_counter()
    docs = ingest_folder(folder, "r", cfg)
    elapsed = time.perf_counter() - t
    grew = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - rss0
    assert elapsed < max_s, f"ingest took {elapsed:.1f} s"
    assert grew < max_mb, f"peak RSS grew by {grew:.0f} MB"
    return docs


# --- JSON that made the parser recurse or refuse --------------------------------------------------
def test_json_array_nested_100000_deep(tmp_path: Path):
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (tmp_path / "good.txt").write_text(STORY)
    docs = ingest_timed(tmp_path)
    r = only(docs, "deep.json")
    assert r["status"] == "rejected" and "too deeply nested" in r["reason"] and "max_json_depth=100" in r["reason"]
    assert only(docs, "good.txt")["status"] == "ok"


def test_jsonl_field_nested_5000_deep(tmp_path: Path):
    deep = "[" * 5000 + "]" * 5000
    (tmp_path / "deep.jsonl").write_text(json.dumps({"text": STORY}) + "\n" + '{"text": "x", "n": ' + deep + "}\n"
                                         + json.dumps({"text": STORY + " 2"}) + "\n")
    docs = ingest_timed(tmp_path)
    by = rows(docs)
    assert by[("deep.jsonl", 0)]["status"] == "ok" and by[("deep.jsonl", 2)]["status"] == "ok"
    assert by[("deep.jsonl", 1)]["reason"].startswith("line 2: too deeply nested")
    assert "max_json_depth=100" in by[("deep.jsonl", 1)]["reason"]


def test_json_depth_limit_is_configurable(tmp_path: Path):
    (tmp_path / "a.json").write_text(json.dumps([{"text": STORY, "tags": [[["x"]]]}]))
    assert only(ingest_folder(tmp_path, "r"), "a.json")["status"] == "ok"
    docs = ingest_folder(tmp_path, "r", PipelineConfig(max_json_depth=3))
    assert "max_json_depth=3" in only(docs, "a.json")["reason"]


def test_brackets_inside_strings_are_not_nesting(tmp_path: Path):
    (tmp_path / "a.json").write_text(json.dumps([{"text": STORY + " [[[" * 200, "n": "9" * 500}]))
    r = only(ingest_folder(tmp_path, "r"), "a.json")
    assert r["status"] == "ok", r["reason"]


def test_json_integer_of_5000_digits(tmp_path: Path):
    (tmp_path / "big.json").write_text('[{"text": "%s", "id": %s}]' % (STORY, "7" * 5000))
    (tmp_path / "big.jsonl").write_text('{"text": "%s", "id": %s}\n' % (STORY, "7" * 5000))
    docs = ingest_timed(tmp_path)
    assert "max_json_number_digits=100" in only(docs, "big.json")["reason"]
    r = only(docs, "big.jsonl")
    assert r["reason"].startswith("line 1: number too long") and r["status"] == "rejected"


# --- text that cannot be encoded -----------------------------------------------------------------
def test_lone_surrogate_escape_in_json_string(tmp_path: Path):
    (tmp_path / "s.json").write_text('[{"text": "%s \\ud800 نهاية", "title": "\\udfff"}]' % STORY)
    (tmp_path / "s.jsonl").write_text('{"text": "%s \\ud800"}\n' % STORY)
    docs = ingest_timed(tmp_path)
    for path in ("s.json", "s.jsonl"):
        r = only(docs, path)
        assert r["status"] == "ok" and "\ufffd" in r["text"] and "\ud800" not in r["text"]
        assert r["reason"] == "repaired: lone surrogate(s) replaced by U+FFFD"
    assert only(docs, "s.json")["meta_title"] == "\ufffd"


@pytest.mark.skipif(os.name != "posix", reason="POSIX file names are bytes")
def test_file_name_not_valid_utf8(tmp_path: Path):
    name = os.fsdecode(b"bad-\xff\xfe.txt")      # surrogateescape: '\udcff\udcfe'
    try:
        (tmp_path / name).write_text(STORY)
    except OSError:
        pytest.skip("the file system refuses non-UTF-8 names")
    docs = ingest_timed(tmp_path)
    r = only(docs, "bad-\\xff\\xfe.txt")
    assert r["status"] == "ok" and r["text"] == STORY
    assert r["reason"].startswith("repaired: file name is not valid UTF-8")
    docs.write_parquet(tmp_path.parent / "check.parquet")   # every string column encodes


# --- small files that decoded into unbounded work -----------------------------------------------
def test_json_array_of_a_million_tiny_records(tmp_path: Path):
    (tmp_path / "many.json").write_text("[" + ",".join(['{"t":1}'] * 1_000_000) + "]")
    docs = ingest_timed(tmp_path, max_s=10, max_mb=300)
    r = only(docs, "many.json")
    assert r["reason"] == "too many records: 1000000 in the JSON array (max_records_per_file=100000)"


def test_wrapped_records_over_the_limit(tmp_path: Path):
    (tmp_path / "w.json").write_text(json.dumps({"articles": [{"text": STORY}] * 6}))
    r = only(ingest_folder(tmp_path, "r", PipelineConfig(max_records_per_file=5)), "w.json")
    assert "max_records_per_file=5" in r["reason"]


def test_jsonl_records_over_the_limit(tmp_path: Path):
    (tmp_path / "m.jsonl").write_text("\n".join(json.dumps({"text": STORY}) for _ in range(6)))
    r = only(ingest_folder(tmp_path, "r", PipelineConfig(max_records_per_file=5)), "m.jsonl")
    assert r["reason"] == "too many records: 6 JSON lines (max_records_per_file=5)"


def test_parquet_of_a_million_identical_rows_is_judged_from_metadata(tmp_path: Path):
    pl.DataFrame({"text": [STORY] * 1_000_000}).write_parquet(tmp_path / "p.parquet")
    assert (tmp_path / "p.parquet").stat().st_size < 100_000
    docs = ingest_timed(tmp_path, max_s=5, max_mb=100)
    r = only(docs, "p.parquet")
    assert r["reason"] == "too many rows: 1000000 in the file's metadata (max_table_rows=100000)"


def test_parquet_that_decompresses_past_the_budget(tmp_path: Path):
    pl.DataFrame({"text": [STORY * 20] * 5000}).write_parquet(tmp_path / "p.parquet")
    r = only(ingest_folder(tmp_path, "r", PipelineConfig(max_file_bytes=100_000)), "p.parquet")
    assert r["reason"].startswith("too large when decoded") and "max_file_bytes=100000" in r["reason"]


def test_csv_over_the_row_limit(tmp_path: Path):
    pl.DataFrame({"text": [STORY] * 30}).write_csv(tmp_path / "c.csv")
    assert only(ingest_folder(tmp_path, "r", PipelineConfig(max_table_rows=29)), "c.csv")["reason"] == \
        "too many rows: more than 29 (max_table_rows=29)"
    assert ingest_folder(tmp_path, "r", PipelineConfig(max_table_rows=30)).height == 30


def test_one_line_document_over_max_doc_chars(tmp_path: Path):
    word = "كلمة "
    (tmp_path / "line.txt").write_text(word * (4_000_000 // len(word)))
    docs = ingest_timed(tmp_path, max_s=10, max_mb=200)
    r = only(docs, "line.txt")
    assert r["status"] == "rejected" and r["reason"] == "too long: 4000000 characters (max_doc_chars=1000000)"


# --- decoding honesty ----------------------------------------------------------------------------
def test_utf8_cut_inside_a_character_is_repaired_not_mojibake(tmp_path: Path):
    data = STORY.encode("utf-8")
    inside = set()
    for i in range(50):
        cut = data[: len(data) - 1 - i]
        try:
            cut.decode("utf-8")
        except UnicodeDecodeError:
            inside.add(f"cut{i:02d}.txt")             # the cut falls inside a 2-byte letter
        (tmp_path / f"cut{i:02d}.txt").write_bytes(cut)
    docs = ingest_folder(tmp_path, "r")
    for r in docs.iter_rows(named=True):
        assert r["status"] == "ok" and r["encoding"] == "utf-8", r
        assert STORY.startswith(r["text"])             # a prefix of the story, never mojibake
    flagged = docs.filter(pl.col("reason").is_not_null())
    assert set(flagged["source_path"]) == inside and len(inside) > 20
    assert set(flagged["reason"]) == {"repaired: truncated utf-8 (incomplete last character dropped)"}


def test_utf8_with_a_stray_bad_byte_is_flagged():
    data = (STORY * 2).encode("utf-8") + b"\xff" + STORY.encode("utf-8")
    text, enc, reason, note = decode_flagged(data)
    assert enc == "utf-8" and reason is None and note.startswith("repaired: 1 invalid utf-8")


def test_cp1256_still_decodes():
    text, enc, reason, note = decode_flagged(STORY.encode("cp1256"))
    assert (text, enc, reason, note) == (STORY, "cp1256", None, None)


def test_random_bytes_are_rejected(tmp_path: Path):
    rng = random.Random(7)
    for i in range(7):
        (tmp_path / f"r{i}.txt").write_bytes(bytes(rng.randrange(128, 256) for _ in range(rng.choice([64, 500, 4000]))))
        (tmp_path / f"q{i}.txt").write_bytes(bytes(rng.choice([9, 10, *range(32, 256)]) for _ in range(800)))
    docs = ingest_folder(tmp_path, "r")
    assert set(docs["status"]) == {"rejected"}
    assert all(r.startswith(("undecodable", "no Arabic text")) for r in docs["reason"]), docs["reason"].to_list()


def test_jsonl_splits_on_newline_only(tmp_path: Path):
    recs = [{"text": STORY + "\u2028" + STORY}, {"text": STORY + "\u0085 ثم \u2029 و\x1c"}]
    body = "\n".join(json.dumps(r, ensure_ascii=False) for r in recs) + "\n{broken\n"
    (tmp_path / "u.jsonl").write_text(body, encoding="utf-8")
    docs = ingest_folder(tmp_path, "r")
    by = rows(docs)
    assert docs.height == 3
    assert by[("u.jsonl", 0)]["status"] == "ok" and "\u2028" in by[("u.jsonl", 0)]["text"]
    assert by[("u.jsonl", 1)]["status"] == "ok"
    assert by[("u.jsonl", 2)]["reason"].startswith("malformed JSON line 3:")


# --- every path gets a row -----------------------------------------------------------------------
def test_unreadable_folder_gets_a_row(tmp_path: Path, monkeypatch):
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "a.txt").write_text(STORY)
    (tmp_path / "b.txt").write_text(STORY + " ب")
    real_scandir, real_listdir = os.scandir, os.listdir

    def refuse(path):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return None

    monkeypatch.setattr(ingest.os, "scandir", lambda p=".": refuse(p) or real_scandir(p))
    monkeypatch.setattr(ingest.os, "listdir", lambda p=".": refuse(p) or real_listdir(p))
    docs = ingest_folder(tmp_path, "r")
    assert only(docs, "locked")["reason"] == "unreadable folder: Permission denied (its files were not read)"
    assert only(docs, "b.txt")["status"] == "ok"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_special_files_and_symlinks(tmp_path: Path):
    root, outside = tmp_path / "in", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text(STORY + " سر")
    (root / "sub").mkdir()
    (root / "sub" / "a.txt").write_text(STORY)
    os.mkfifo(root / "pipe.txt")
    (root / "out.txt").symlink_to(outside / "secret.txt")
    (root / "dirlink").symlink_to(root / "sub", target_is_directory=True)
    (root / "inside.txt").symlink_to(root / "sub" / "a.txt")
    (root / "broken.txt").symlink_to(root / "nowhere.txt")
    if Path("/dev/null").exists():
        (root / "dev.txt").symlink_to("/dev/null")
    result = {}
    t = threading.Thread(target=lambda: result.update(docs=ingest_folder(root, "r")), daemon=True)
    t.start()
    t.join(30)
    assert "docs" in result, "ingest blocked (a FIFO opened for reading?)"
    docs = result["docs"]
    assert only(docs, "pipe.txt")["reason"] == "not a regular file: a FIFO (named pipe) (not opened)"
    out = only(docs, "out.txt")
    assert out["status"] == "rejected" and out["text"] is None
    assert out["reason"] == "symlink leading outside the input folder: not followed (follow_external_symlinks=False)"
    assert only(docs, "dirlink")["reason"].startswith("folder symlink: not followed")
    assert only(docs, "inside.txt")["status"] == "ok"
    assert only(docs, "broken.txt")["reason"].startswith("unreadable: broken symlink")
    if Path("/dev/null").exists():
        assert only(docs, "dev.txt")["reason"].startswith("symlink leading outside")
    docs = ingest_folder(root, "r", PipelineConfig(follow_external_symlinks=True))
    assert only(docs, "out.txt")["text"] == STORY + " سر"
    if Path("/dev/null").exists():
        assert only(docs, "dev.txt")["reason"] == "not a regular file: a character device (not opened)"


# --- fault isolation -----------------------------------------------------------------------------
def test_an_exception_in_one_record_rejects_that_record(tmp_path: Path, monkeypatch):
    real = ingest.record_row

    def boom(record, *args, **kwargs):
        if record.get("id") == 2:
            raise KeyError("synthetic")
        return real(record, *args, **kwargs)

    monkeypatch.setattr(ingest, "record_row", boom)
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps({"id": i, "text": f"{STORY} {i}"}) for i in range(4)))
    docs = ingest_folder(tmp_path, "r")
    by = rows(docs)
    assert [by[("a.jsonl", i)]["status"] for i in range(4)] == ["ok", "ok", "rejected", "ok"]
    assert by[("a.jsonl", 2)]["reason"] == "ingest error in line 3: KeyError: 'synthetic' (raised in boom)"


def test_an_exception_in_one_file_rejects_that_file(tmp_path: Path, monkeypatch):
    real = ingest.PARSERS[".txt"]

    def boom(data, rel, *args):
        if rel == "bad.txt":
            raise MemoryError("synthetic")
        return real(data, rel, *args)

    monkeypatch.setitem(ingest.PARSERS, ".txt", boom)
    (tmp_path / "bad.txt").write_text(STORY)
    (tmp_path / "good.txt").write_text(STORY + " ج")
    docs = ingest_folder(tmp_path, "r")
    assert only(docs, "bad.txt")["reason"] == "ingest error: MemoryError: synthetic (raised in boom)"
    assert only(docs, "good.txt")["status"] == "ok"


def test_ingest_retries_io_errors_only():
    """The DAG retries ingest on I/O errors only (flows/steps.io_error); per-file problems are rows."""
    from flows.pipeline import DAG
    from akhbar.lake import LockError, SchemaChangeError

    stage = next(s for s in DAG if s.name == "ingest")
    assert stage.retry_if(OSError(5, "Input/output error"))
    assert not stage.retry_if(ValueError("bad")) and not stage.retry_if(RecursionError())
    publish = next(s for s in DAG if s.name == "publish")
    assert publish.retry_if(OSError(28, "No space left on device"))
    assert not publish.retry_if(SchemaChangeError("x")) and not publish.retry_if(LockError("y"))
