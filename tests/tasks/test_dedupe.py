import shutil

from tasks.dedupe import dedupe
from tasks.ingest import ingest_folder


def test_exact_duplicate_marked(tmp_path, seeds_dir):
    for p in seeds_dir.glob("00[01]_*.txt"):
        shutil.copy(p, tmp_path / p.name)
    src = next(seeds_dir.glob("001_*.txt"))
    # same text with different tashkeel/tatweel counts as the same document
    (tmp_path / "zz_copy.txt").write_text(src.read_text(encoding="utf-8").replace("داعش", "داعـــش"), encoding="utf-8")
    docs, segments, blocks = dedupe(ingest_folder(tmp_path, "r"), "r")
    dup = docs.filter(docs["status"] == "duplicate")
    assert dup["source_path"].to_list() == ["zz_copy.txt"]
    kept = docs.filter(docs["source_path"] == src.name)["doc_id"][0]
    assert dup["duplicate_of"][0] == kept
    assert blocks.height == 2
    assert segments.filter(segments["kind"] == "duplicate_doc").height == 1
