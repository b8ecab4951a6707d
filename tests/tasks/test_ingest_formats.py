"""Ingest: every format, every encoding, every rejection reason; fixtures built from the seeds."""

import json
import os
from pathlib import Path

import polars as pl
import pytest

from akhbar.config import PipelineConfig
from tasks.ingest import decode, ingest_counts, ingest_folder
from tests.conftest import seed_text

STORY = seed_text("001").split("\n")[0]          # one Arabic paragraph (AFP, Mosul)
STORY2 = seed_text("000")[:600]                  # another, from a different seed


def by_path(docs: pl.DataFrame) -> dict[str, dict]:
    return {(r["source_path"], r["record_idx"]): r for r in docs.iter_rows(named=True)}


def one(docs: pl.DataFrame, path: str, idx=None) -> dict:
    return by_path(docs)[(path, idx)]


# --- encodings -------------------------------------------------------------------
@pytest.mark.parametrize("encoding, expected", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("utf-16-le", "utf-16-le"),
    ("utf-16-be", "utf-16-be"), ("cp1256", "cp1256"),
])
def test_encodings_decoded_and_recorded(tmp_path: Path, encoding, expected):
    (tmp_path / "a.txt").write_bytes(STORY.encode(encoding))
    row = one(ingest_folder(tmp_path, "r"), "a.txt")
    assert row["status"] == "ok", row["reason"]
    assert row["text"] == STORY
    assert row["encoding"] == expected


@pytest.mark.parametrize("text", ["نص عربي قصير", "داعش", STORY[:40], seed_text("004")])
def test_cp1256_short_and_long(text):
    # charset-normalizer alone labels short cp1256 Arabic as CJK code pages; the Arabic check wins.
    data = text.encode("cp1256", errors="replace")
    decoded, enc, reason = decode(data)
    assert reason is None and enc == "cp1256"
    assert decoded == data.decode("cp1256")


def test_html_declared_charset_and_metadata(tmp_path: Path):
    html = (f"<html><head><meta charset='windows-1256'><title>عنوان الخبر</title>"
            f"<meta property='article:published_time' content='2017-04-19'></head><body>"
            f"<nav>الرئيسية</nav><article><h1>عنوان الخبر</h1><p>{STORY}</p><p>{STORY2}</p></article>"
            f"</body></html>")
    (tmp_path / "page.html").write_bytes(html.encode("cp1256", errors="replace"))
    row = one(ingest_folder(tmp_path, "r"), "page.html")
    assert row["status"] == "ok", row["reason"]
    assert row["encoding"] == "windows-1256"
    assert STORY.replace("\xa0", " ") in row["text"]  # trafilatura turns NBSP into a space
    assert "<p>" not in row["text"]
    assert row["meta_title"] == "عنوان الخبر"
    assert row["meta_date"] == "2017-04-19"


def test_html_utf8_without_metadata(tmp_path: Path):
    (tmp_path / "p.htm").write_text(f"<html><body><p>{STORY}</p></body></html>", encoding="utf-8")
    row = one(ingest_folder(tmp_path, "r"), "p.htm")
    assert row["status"] == "ok" and row["text"].strip() == STORY.replace("\xa0", " ")
    assert row["meta_date"] is None


# --- multi-record formats ------------------------------------------------------------
def test_json_array_one_document_per_record(tmp_path: Path):
    records = [{"title": "عنوان", "content": STORY, "date": "2017-04-19", "url": "http://x/1", "source": "الوطن"},
               {"headline": "آخر", "text": STORY2, "published_at": 1492560000, "source": {"name": "الشرق"}}]
    (tmp_path / "dump.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    docs = ingest_folder(tmp_path, "r")
    assert docs.height == 2
    r0, r1 = one(docs, "dump.json", 0), one(docs, "dump.json", 1)
    assert (r0["text"], r0["meta_title"], r0["meta_date"], r0["meta_url"], r0["meta_source"]) == \
        (STORY, "عنوان", "2017-04-19", "http://x/1", "الوطن")
    assert (r1["text"], r1["meta_title"], r1["meta_date"], r1["meta_source"]) == (STORY2, "آخر", "1492560000", "الشرق")
    assert r0["doc_id"] != r1["doc_id"]
    assert r0["file_sha256"] == r1["file_sha256"] and r0["content_sha256"] != r1["content_sha256"]


def test_json_wrapper_object_and_single_record(tmp_path: Path):
    (tmp_path / "w.json").write_text(json.dumps({"articles": [{"text": STORY}]}, ensure_ascii=False), "utf-8")
    (tmp_path / "s.json").write_text(json.dumps({"content": STORY2}, ensure_ascii=False), "utf-8")
    docs = ingest_folder(tmp_path, "r")
    assert one(docs, "w.json", 0)["text"] == STORY
    assert one(docs, "s.json", 0)["text"] == STORY2


def test_jsonl_bad_lines_rejected_good_lines_kept(tmp_path: Path):
    lines = [json.dumps({"text": STORY}, ensure_ascii=False), "", "{not json",
             json.dumps({"title": "بلا نص"}, ensure_ascii=False), "42",
             json.dumps({"text": ["سطر أول عربي", "سطر ثان عربي"]}, ensure_ascii=False),
             json.dumps({"content": 17}), json.dumps({"text": "   "})]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines), encoding="utf-8")
    docs = ingest_folder(tmp_path, "r")
    assert docs.height == 7  # every non-blank line is one row
    rows = {r["record_idx"]: r for r in docs.iter_rows(named=True)}
    assert rows[0]["status"] == "ok"
    assert rows[2]["reason"].startswith("malformed JSON line 3")
    assert rows[3]["reason"].startswith("missing text field: line 4")
    assert rows[4]["reason"].startswith("not a record: line 5")
    assert rows[5]["text"] == "سطر أول عربي\nسطر ثان عربي"
    assert rows[6]["reason"].startswith("text field 'content' of line 7 is not text")
    assert rows[7]["reason"].startswith("empty")


def test_csv_configurable_text_column(tmp_path: Path):
    frame = pl.DataFrame({"id": [1, 2], "body_ar": [STORY, STORY2], "title": ["أ", "ب"]})
    frame.write_csv(tmp_path / "t.csv")
    docs = ingest_folder(tmp_path, "r")  # 'body_ar' is not a known name: rejected with the columns listed
    assert one(docs, "t.csv")["reason"].startswith("missing text column")
    assert "body_ar" in one(docs, "t.csv")["reason"]
    docs = ingest_folder(tmp_path, "r", PipelineConfig(text_column="body_ar"))
    assert [one(docs, "t.csv", i)["text"] for i in (0, 1)] == [STORY, STORY2]
    assert one(docs, "t.csv", 1)["meta_title"] == "ب"


def test_csv_common_name_and_cp1256(tmp_path: Path):
    data = f"content,date\n\"{STORY}\",2017-04-19\n".encode("cp1256", errors="replace")
    (tmp_path / "c.csv").write_bytes(data)
    row = one(ingest_folder(tmp_path, "r"), "c.csv", 0)
    assert row["status"] == "ok" and row["encoding"] == "cp1256" and row["meta_date"] == "2017-04-19"


def test_parquet(tmp_path: Path):
    pl.DataFrame({"text": [STORY, None], "url": ["u1", "u2"]}).write_parquet(tmp_path / "p.parquet")
    pl.DataFrame({"text": [1, 2]}).write_parquet(tmp_path / "ints.parquet")
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 not really")
    docs = ingest_folder(tmp_path, "r")
    assert one(docs, "p.parquet", 0)["text"] == STORY and one(docs, "p.parquet", 0)["meta_url"] == "u1"
    assert one(docs, "p.parquet", 1)["reason"].startswith("missing text field: row 2")
    assert "not text" in one(docs, "ints.parquet")["reason"]
    assert one(docs, "broken.parquet")["reason"].startswith("unreadable parquet")


# --- rejections --------------------------------------------------------------------
def test_every_rejection_reason(tmp_path: Path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"  \n\n ")
    (tmp_path / "english.txt").write_text("Only English text here, nothing Arabic.", encoding="utf-8")
    (tmp_path / "bin.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01")
    (tmp_path / "bad_bom.txt").write_bytes(b"\xef\xbb\xbf\xff\xfe\xfa")
    (tmp_path / "big.txt").write_text("نص عربي " * 100, encoding="utf-8")
    (tmp_path / "doc.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "bad.json").write_text('[{"text": "نص"},\n {oops}]', encoding="utf-8")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing-target.txt")
    (tmp_path / "shell.html").write_text("<html><head><title>t</title></head><body></body></html>", "utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "good.txt").write_text("نص عربي قصير", encoding="utf-8")
    docs = ingest_folder(tmp_path, "r", PipelineConfig(max_file_bytes=500))
    reasons = dict(zip(docs["source_path"], docs["reason"]))
    assert docs.height == 11  # every file accounted for, recursively
    assert reasons["empty.txt"].startswith("empty")
    assert reasons["blank.txt"].startswith("empty")
    assert reasons["english.txt"].startswith("no Arabic text")
    assert reasons["bin.txt"].startswith("binary")
    assert reasons["bad_bom.txt"].startswith("undecodable")
    assert reasons["big.txt"].startswith("too large")
    assert reasons["doc.pdf"].startswith("unsupported format: .pdf")
    assert reasons["bad.json"].startswith("malformed JSON line 2")
    assert reasons["gone.txt"].startswith("unreadable")
    assert reasons["shell.html"].startswith("empty: no main text")
    assert reasons["sub/good.txt"] is None
    assert set(docs.filter(pl.col("reason").is_not_null())["status"]) == {"rejected"}
    assert docs["doc_id"].n_unique() == docs.height


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_permission_denied_is_unreadable(tmp_path: Path):
    p = tmp_path / "locked.txt"
    p.write_text("نص", encoding="utf-8")
    p.chmod(0)
    try:
        assert one(ingest_folder(tmp_path, "r"), "locked.txt")["reason"].startswith("unreadable")
    finally:
        p.chmod(0o644)


# --- incremental -----------------------------------------------------------------------
def test_rerun_reuses_known_files_without_parsing(tmp_path: Path, monkeypatch):
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "r.jsonl").write_text(json.dumps({"text": STORY2}, ensure_ascii=False) + "\n{bad", "utf-8")
    first = ingest_folder(tmp_path, "run1")
    assert ingest_counts(first) == dict(documents=3, new=3, known=0, rejected=1)

    (tmp_path / "b.txt").write_text(STORY2 + " جديد", encoding="utf-8")
    parsed = []
    import tasks.ingest as ingest
    real = ingest.parse_bytes
    monkeypatch.setattr(ingest, "parse_bytes", lambda data, suffix, rel, *a: parsed.append(rel) or real(
        data, suffix, rel, *a))
    second = ingest_folder(tmp_path, "run2", known=first.drop("is_new"))
    assert parsed == ["b.txt"]  # known files are not parsed again
    assert ingest_counts(second) == dict(documents=4, new=1, known=3, rejected=0)
    old = second.filter(~pl.col("is_new"))
    assert set(old["ingested_run_id"]) == {"run1"}
    assert old.drop("is_new").equals(first.drop("is_new").select(old.drop("is_new").columns))

    (tmp_path / "a.txt").unlink()  # vanished files stay in the corpus
    third = ingest_folder(tmp_path, "run3", known=second.drop("is_new"))
    assert third.height == 4 and not third.filter(pl.col("source_path") == "a.txt")["is_new"][0]


def test_changed_file_is_new_again(tmp_path: Path):
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    first = ingest_folder(tmp_path, "run1")
    (tmp_path / "a.txt").write_text(STORY2, encoding="utf-8")
    second = ingest_folder(tmp_path, "run2", known=first.drop("is_new"))
    assert second.height == 1 and second["is_new"][0] and second["text"][0] == STORY2
