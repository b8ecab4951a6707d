"""flows/steps.py with ingest's documents in a file: ingest -> dedupe -> mark-new give the in-memory
steps' documents (same columns, rows, order, is_new), and a spilled input's cache fingerprint is its
content, not its file names. Pages written here (tests/tasks/test_dedupe_text.py's made-up corpus)."""

import shutil

import polars as pl

from akhbar.config import PipelineConfig
from flows import steps
from flows.partitions import _fingerprint
from flows.spill import Spilled
from tests.tasks.test_dedupe_text import write_corpus


def test_spilled_ingest_dedupe_mark_new_equal_the_in_memory_steps(tmp_path):
    corpus, cfg = write_corpus(tmp_path / "in"), PipelineConfig()
    ingested = steps.ingest(str(corpus), "r", cfg, None)
    deduped, segments, blocks, index = steps.dedupe(ingested, "r", cfg)
    documents = steps.mark_new(deduped, ingested)

    spilled = steps.ingest(str(corpus), "r", cfg, None, spill_dir=tmp_path / "spill")
    assert isinstance(spilled, Spilled) and len(spilled.files) == 1
    out = steps.dedupe(spilled, "r", cfg)
    assert "text" not in out[0].columns                       # dedupe held no document's text
    for a, b in zip(out[1:], (segments, blocks, index)):
        assert a.equals(b)
    from_file = steps.mark_new(out[0], spilled)
    assert isinstance(from_file, Spilled)
    assert from_file.frame().equals(documents)
    assert documents.columns[-1] == "is_new" and documents["is_new"].all()


def test_a_spilled_inputs_fingerprint_is_its_content(tmp_path):
    corpus, cfg = write_corpus(tmp_path / "in"), PipelineConfig()
    one = steps.ingest(str(corpus), "r", cfg, None, spill_dir=tmp_path / "a")
    two = steps.ingest(str(corpus), "r", cfg, None, spill_dir=tmp_path / "b")
    assert one.files != two.files and _fingerprint(one) == _fingerprint(two)
    (corpus / "page.txt").write_text("خبر آخر عن سوق السمك في الميناء القديم.", encoding="utf-8")
    shutil.rmtree(tmp_path / "b")
    changed = steps.ingest(str(corpus), "r", cfg, None, spill_dir=tmp_path / "b")
    assert _fingerprint(changed) != _fingerprint(one)
    assert pl.read_parquet(changed.files[0]).height == pl.read_parquet(one.files[0]).height


def test_a_cached_dedupe_answer_fits_a_file_listing_the_rows_in_another_order(tmp_path):
    """A rerun whose ingest lists the same documents in another order (known rows come last) has the
    same fingerprint, so dedupe's cached answer is reused: mark-new finds each document's text by doc_id."""
    corpus, cfg = write_corpus(tmp_path / "in"), PipelineConfig()
    first = steps.ingest(str(corpus), "r", cfg, None, spill_dir=tmp_path / "a")
    deduped = steps.dedupe(first, "r", cfg)[0]
    expected = steps.mark_new(deduped, first).frame()
    (tmp_path / "b").mkdir()
    other = tmp_path / "b" / "ingest.ingested.p0.parquet"
    pl.read_parquet(first.files[0]).reverse().write_parquet(other, row_group_size=2)
    reordered = Spilled((str(other),), first.merge, rowwise=True)
    assert _fingerprint(reordered) == _fingerprint(first)
    assert steps.mark_new(deduped, reordered).frame().equals(expected)


def test_a_dedupe_answer_cached_by_a_killed_run_serves_the_rerun(tmp_path):
    """A first run killed after dedupe leaves dedupe's answer in the cache; its rerun ingests every
    document again under its own run id (nothing was published). The key must match (ingested_run_id
    is volatile) and mark-new must give the rerun's ids, not the killed run's (issue 16, bench_kill)."""
    corpus, cfg = write_corpus(tmp_path / "in"), PipelineConfig()
    killed = steps.ingest(str(corpus), "run_killed", cfg, None, spill_dir=tmp_path / "a")
    rerun = steps.ingest(str(corpus), "run_rerun", cfg, None, spill_dir=tmp_path / "b")
    assert _fingerprint(killed) == _fingerprint(rerun)
    cached = steps.dedupe(killed, "run_killed", cfg)[0]
    fresh = steps.mark_new(steps.dedupe(rerun, "run_rerun", cfg)[0], rerun).frame()
    got = steps.mark_new(cached, rerun).frame()
    assert got.equals(fresh) and set(got["ingested_run_id"]) == {"run_rerun"}
    in_memory = steps.ingest(str(corpus), "run_rerun", cfg, None)       # the in-memory steps alike
    cached_in_memory = steps.dedupe(steps.ingest(str(corpus), "run_killed", cfg, None), "run_killed", cfg)[0]
    got = steps.mark_new(cached_in_memory, in_memory)
    assert got.equals(steps.mark_new(steps.dedupe(in_memory, "run_rerun", cfg)[0], in_memory))
    assert set(got["ingested_run_id"]) == {"run_rerun"}
