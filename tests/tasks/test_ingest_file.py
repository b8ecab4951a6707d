"""tasks/ingest_file.py: ingest written to a parquet file batch by batch gives ingest_folder's rows.

The pages are written here (made-up towns and stories, outside every batch and dev set): records in
JSON files, a .txt page, an exact copy, a near copy, a folder whose name sorts differently as a path
and as a string ("a-b" / "a"), so the file's reading order and the frame's sorted order differ."""

import json
from pathlib import Path

import polars as pl

from tasks.ingest import ingest_folder
from tasks.ingest import documents_order
from tasks.ingest_file import ingest_to_file

STORIES = [
    "قال رئيس بلدية وادي الريحان إن الأمطار الغزيرة أغرقت السوق القديم صباح الثلاثاء.\nوأضاف أن فرق الدفاع المدني أخلت عشرين أسرة من البيوت القريبة من النهر.",
    "افتتحت مدرسة جديدة في قرية تل الزيتون بحضور مدير التربية وعدد من أولياء الأمور.\nوتضم المدرسة اثني عشر صفا ومكتبة صغيرة.",
    "اندلع حريق في مستودع للأخشاب في المنطقة الصناعية بمدينة الساحل الشرقي مساء الأحد.\nولم تسجل إصابات بحسب بيان الشرطة المحلية.",
    "أعلنت وزارة الزراعة بدء موسم قطف التمور في واحة النخيل الكبرى مع توقعات بمحصول وفير هذا العام.\nوقال المزارعون إن الأسعار ستنخفض.",
]


def write_corpus(folder: Path) -> Path:
    """Two JSON files of records (an exact copy and a near copy among them), a .txt page, nested folders."""
    (folder / "a-b").mkdir(parents=True)
    (folder / "a").mkdir()
    records = [dict(title=f"خبر {i}", date="2024-03-0%d" % (i + 1), url=f"https://example.test/{i}", source="وكالة",
                    text=t) for i, t in enumerate(STORIES)]
    records.append(dict(records[0], url="https://example.test/copy"))                 # exact copy
    records.append(dict(records[2], text=records[2]["text"].replace("الأحد", "السبت") + "\nجميع الحقوق محفوظة"))
    (folder / "a-b" / "x.json").write_text(json.dumps(records[:3], ensure_ascii=False), encoding="utf-8")
    (folder / "a" / "b.json").write_text(json.dumps(records[3:], ensure_ascii=False), encoding="utf-8")
    (folder / "page.txt").write_text(STORIES[1] + "\n\nتابعونا على مواقع التواصل", encoding="utf-8")
    return folder


def test_the_file_holds_ingest_folders_rows(tmp_path):
    corpus = write_corpus(tmp_path / "in")
    whole = ingest_folder(corpus, "r")
    path = ingest_to_file(corpus, "r", tmp_path / "ingested.parquet", group_rows=2)
    written = pl.read_parquet(path)
    assert written.columns == whole.columns and written.schema == whole.schema
    assert documents_order(written).equals(whole)
    assert written.height == whole.height == 7


def test_known_rows_come_from_the_previous_snapshot(tmp_path):
    corpus = write_corpus(tmp_path / "in")
    known = ingest_folder(corpus, "r1").filter(pl.col("source_path") != "page.txt").drop("is_new")
    whole = ingest_folder(corpus, "r2", known=known.lazy())
    path = ingest_to_file(corpus, "r2", tmp_path / "ingested.parquet", group_rows=3, known=known.lazy())
    assert documents_order(pl.read_parquet(path)).equals(whole)
    assert whole.filter(~pl.col("is_new")).height == 6        # the JSON files were not parsed again


def test_an_empty_folder_gives_an_empty_file_with_the_columns(tmp_path):
    (tmp_path / "in").mkdir()
    path = ingest_to_file(tmp_path / "in", "r", tmp_path / "ingested.parquet", group_rows=2)
    written = pl.read_parquet(path)
    assert written.height == 0 and written.schema == ingest_folder(tmp_path / "in", "r").schema


def test_a_doc_id_in_two_batches_keeps_its_first_row_as_ingest_folder(tmp_path, monkeypatch):
    """Two files whose names are shown alike (an undecodable byte, shown as \\xff, and a name written with
    that escape) have one doc_id; in batches of one file each, the file keeps the first row, as ingest_folder."""
    import os

    import tasks.ingest as ingest_module
    import tasks.ingest_file as ingest_file_module

    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / os.fsdecode(b"news-\xff.txt")).write_text(STORIES[0], encoding="utf-8")
    (corpus / "news-\\xff.txt").write_text(STORIES[1], encoding="utf-8")
    (corpus / "other.txt").write_text(STORIES[2], encoding="utf-8")
    monkeypatch.setattr(ingest_file_module, "file_batches",
                        lambda folder, index: ingest_module.file_batches(folder, index, size=1))
    whole = ingest_folder(corpus, "r")
    path = ingest_to_file(corpus, "r", tmp_path / "ingested.parquet", group_rows=2)
    written = pl.read_parquet(path)
    assert whole.height == 2 and written["doc_id"].n_unique() == written.height == 2
    assert documents_order(written).equals(whole)


def test_drop_rows_keeps_the_others_in_order_in_row_groups(tmp_path):
    import pyarrow.parquet as pq

    from tasks.ingest_file import drop_rows

    frame = pl.DataFrame({"doc_id": [f"d{i}" for i in range(7)], "text": [f"نص {i}" for i in range(7)]})
    frame.write_parquet(tmp_path / "f.parquet")
    drop_rows(tmp_path / "f.parquet", pl.Series([1, 4]), group_rows=2)
    assert pl.read_parquet(tmp_path / "f.parquet").equals(frame[[0, 2, 3, 5, 6]])
    meta = pq.ParquetFile(tmp_path / "f.parquet").metadata
    assert max(meta.row_group(i).num_rows for i in range(meta.num_row_groups)) <= 2
