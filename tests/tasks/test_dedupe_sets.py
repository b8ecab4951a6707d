"""tasks/dedupe_sets.py: the candidates' shingles kept in files give back what doc_sets holds in a dict.

Pages written here (made-up town, outside every batch and dev set: tests/tasks/test_dedupe_kinds.py's
flood story, its re-scrape, a fire, a page carrying two of the flood's lines, a school page)."""

import numpy as np

from akhbar.config import PipelineConfig
from tasks.dedupe import doc_sets, marked_lines, verify
from tasks.dedupe_sets import ShingleStore
from tests.tasks.test_dedupe_kinds import written_docs


def test_the_store_gives_back_each_documents_arrays_and_holds_only_their_spans():
    rng = np.random.default_rng(3)
    arrays = {d: (rng.integers(0, 2**63, n, dtype=np.uint64), rng.integers(0, 2**63, n, dtype=np.uint64))
              for d, n in ((4, 7), (1, 0), (9, 300))}
    with ShingleStore() as store:
        for d, (sh, lh) in arrays.items():
            store[d] = (np.unique(sh), sh, lh)
        assert 2 not in store and all(d in store for d in arrays)
        assert vars(store).keys() == {"_tmp", "paths", "_files", "spans", "_end", "_recent"} and not store._recent
        for d, (sh, lh) in arrays.items():
            got = store[d]
            assert np.array_equal(got[0], np.unique(sh)) and np.array_equal(got[1], sh)
            assert np.array_equal(got[2], lh)
        assert list(store._recent) == list(arrays) and store[4] is store._recent[4]     # the last read, kept
        paths = store.paths
    assert not any(p.exists() for p in paths)                 # removed on exit


def test_doc_sets_into_the_store_equal_the_dict_and_verify_alike(tmp_path):
    cfg = PipelineConfig()
    lines = marked_lines(written_docs(tmp_path, cfg), cfg)
    docs = np.unique(lines["doc_idx"].to_numpy())
    held = doc_sets(lines, docs, cfg.shingle_size, chunk_docs=2)
    with ShingleStore() as store:
        doc_sets(lines, docs, cfg.shingle_size, chunk_docs=2, out=store)
        assert sorted(store.spans) == sorted(held) == docs.tolist()
        for d in docs.tolist():
            assert all(np.array_equal(a, b) for a, b in zip(store[d], held[d]))
        for i in docs.tolist():
            for j in docs.tolist():
                assert verify(store[i], store[j], cfg) == verify(held[i], held[j], cfg)
        assert verify(store[0], store[1], cfg) is not None       # the flood and its re-scrape


def test_document_lines_through_the_spool_equal_the_batches_concatenated(tmp_path, monkeypatch):
    """document_lines writes each batch's lines and signatures to files and reads them back once: the
    same table (columns, types, rows) and signatures as lines_batch over the batches, concatenated."""
    import polars as pl

    import tasks.dedupe as dedupe_module
    from tasks.dedupe import document_lines, lines_batch
    from tasks.dedupe_sets import LineSpool

    cfg = PipelineConfig()
    docs = written_docs(tmp_path, cfg)
    monkeypatch.setattr(dedupe_module, "DOC_BATCH", 2)
    lines, sig, bad = document_lines(docs, cfg)
    parts = [lines_batch(docs.slice(lo, 2).select("doc_idx", "doc_id", "text", "_sig"), cfg) for lo in range(0, 5, 2)]
    assert not bad and lines.equals(pl.concat([p[0] for p in parts]))
    assert lines.schema == parts[0][0].schema
    assert np.array_equal(sig, np.concatenate([p[1] for p in parts])) and sig.dtype == np.uint32
    with LineSpool(cfg.num_perm) as spool:
        folder = spool.sig_path.parent
        assert folder.exists()
    assert not folder.exists()
