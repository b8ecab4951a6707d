from pathlib import Path

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
