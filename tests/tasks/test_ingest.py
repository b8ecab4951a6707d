from pathlib import Path

import polars as pl

from akhbar.config import PipelineConfig
from tasks.ingest import ingest_folder


def test_ingest_seeds(seeds_dir):
    docs = ingest_folder(seeds_dir, "run_test")
    assert docs.height == 5
    assert set(docs["status"]) == {"ok"}
    assert docs["doc_id"].n_unique() == 5
    assert all(len(h) == 64 for h in docs["content_sha256"])
    assert docs.filter(docs["source_path"].str.starts_with("004"))["text"][0].startswith("مصادر عراقية")


def test_rejections_have_reasons(tmp_path: Path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "english.txt").write_text("Only English text here, nothing Arabic.", encoding="utf-8")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "big.txt").write_text("نص عربي " * 100, encoding="utf-8")
    (tmp_path / "good.txt").write_text("نص عربي قصير", encoding="utf-8")
    docs = ingest_folder(tmp_path, "r", PipelineConfig(max_file_bytes=500))
    reasons = dict(zip(docs["source_path"], docs["reason"]))
    assert reasons["empty.txt"].startswith("empty")
    assert reasons["english.txt"].startswith("no Arabic text")
    assert reasons["bin.txt"].startswith("binary")
    assert reasons["big.txt"].startswith("too large")
    assert reasons["good.txt"] is None
    assert docs.height == 5  # every file accounted for


# --- a rerun reads the known documents lazily (issue 16: the earlier text is not held twice) ----

def _refuse(text):
    raise AssertionError("the text column was read")


def _two_runs(folder: Path):
    """Two files ingested, then one changed and one added: (first run's rows, the folder)."""
    (folder / "a.txt").write_text("خبر أول عن انفجار في بغداد", encoding="utf-8")
    (folder / "b.txt").write_text("خبر ثان عن اشتباكات في الموصل", encoding="utf-8")
    first = ingest_folder(folder, "run1").drop("is_new")
    (folder / "b.txt").write_text("خبر ثان معدل عن اشتباكات في الموصل", encoding="utf-8")
    (folder / "c.txt").write_text("خبر ثالث عن غارة جوية قرب حلب", encoding="utf-8")
    return first


def test_known_keys_are_read_without_the_text(tmp_path: Path):
    from tasks.ingest import known_files
    first = _two_runs(tmp_path)
    guarded = first.lazy().with_columns(pl.col("text").map_elements(_refuse, return_dtype=pl.String))
    keys = known_files(guarded)      # would raise if the text column were computed
    assert sorted(k[0] for k in keys) == ["a.txt", "b.txt"] and all(len(k[1]) == 64 for k in keys)


def test_lazy_known_gives_the_eager_rows(tmp_path: Path):
    first = _two_runs(tmp_path)
    path = tmp_path.parent / f"{tmp_path.name}_known.parquet"
    first.write_parquet(path)
    eager = ingest_folder(tmp_path, "run2", known=first)
    lazy = ingest_folder(tmp_path, "run2", known=pl.scan_parquet(path))
    assert lazy.equals(eager)
    assert dict(zip(lazy["source_path"], lazy["is_new"])) == {"a.txt": False, "b.txt": True, "c.txt": True}
    assert lazy.filter(pl.col("source_path") == "a.txt")["ingested_run_id"].to_list() == ["run1"]
    assert lazy.filter(pl.col("source_path") == "a.txt")["text"].to_list() == ["خبر أول عن انفجار في بغداد"]
