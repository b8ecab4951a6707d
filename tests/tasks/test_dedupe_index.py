"""tasks/dedupe_index.py + the batched dedupe: the state table, reuse of stored signatures, and
results that depend neither on the batching nor on a state (a run over batch 1 then batch 2 marks
what one run over both marks)."""

import logging

import numpy as np
import polars as pl

import tasks.dedupe as dedupe_module
from akhbar.config import PipelineConfig
from tasks.dedupe import dedupe_with_index
from tasks.dedupe_index import INDEX_SCHEMA
from tasks.ingest import ingest_folder
from tests.dedupe_batches import batches  # noqa: F401  (fixture)


def marks(documents: pl.DataFrame) -> list[tuple]:
    return sorted(documents.select("doc_id", "status", "duplicate_of", "cluster_id", "similarity").iter_rows())


def test_a_run_with_the_previous_state_marks_what_one_run_over_both_marks(batches, caplog):
    one, both = batches
    _, _, _, state = dedupe_with_index(ingest_folder(one, "r1"), "r1")
    assert state.schema == pl.Schema(INDEX_SCHEMA) and state.height == 12
    known = ingest_folder(both, "r1").filter(pl.col("source_path") == "a_batch1.json")
    ingested = ingest_folder(both, "r2", known=known)          # batch 1 reused from the snapshot, batch 2 new
    with caplog.at_level(logging.INFO, logger="tasks.dedupe"):
        inc = dedupe_with_index(ingested, "r2", state=state)
    # 22 documents, 2 exact duplicates: 20 enter the near-duplicate search
    assert "20 documents, 12 signatures from the lake's dedupe_index, 8 computed" in caplog.text
    full = dedupe_with_index(ingest_folder(both, "r2"), "r2")
    assert marks(inc[0]) == marks(full[0])
    statuses = inc[0].group_by("status").len().sort("status").rows()
    assert statuses == [("duplicate", 2), ("near_duplicate", 2), ("ok", 18)]   # both kinds found across runs
    assert inc[1].sort("doc_id", "start").equals(full[1].sort("doc_id", "start"))
    assert inc[2].sort("block_id").equals(full[2].sort("block_id"))
    assert inc[3].drop("run_id").sort("doc_id").equals(full[3].drop("run_id").sort("doc_id"))


def test_stale_or_broken_state_rows_are_recomputed(batches, caplog):
    one, both = batches
    _, _, _, state = dedupe_with_index(ingest_folder(one, "r1"), "r1")
    full = dedupe_with_index(ingest_folder(both, "r2"), "r2")
    stale = state.with_columns(params=pl.lit("v0 other settings"))                 # other config or code
    cut = state.with_columns(signature=pl.col("signature").bin.slice(0, 8))        # truncated signatures
    wrong = state.drop("signature")                                                # not a state table
    for bad in (stale, cut, wrong):
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="tasks"):
            out = dedupe_with_index(ingest_folder(both, "r2"), "r2", state=bad)
        assert marks(out[0]) == marks(full[0])
        assert "0 signatures from the lake's dedupe_index, 20 computed" in caplog.text
    assert "dedupe_index lacks or retyped ['signature']: rebuilt" in caplog.text


def test_batching_and_the_mapper_change_nothing(batches, monkeypatch):
    _, both = batches
    ingested = ingest_folder(both, "r")
    whole = dedupe_with_index(ingested, "r")
    seen = []

    def mapper(fn, items, *args):     # what flows/workers.map_bounded is called with
        for item in items:
            seen.append(item.height)
            yield fn(item, *args)

    monkeypatch.setattr(dedupe_module, "DOC_BATCH", 3)
    sliced = dedupe_with_index(ingested, "r", mapper=mapper)
    assert seen == [3] * 6 + [2]      # 20 documents after exact duplicates, in batches of 3
    for a, b in zip(whole, sliced):
        assert a.equals(b)


def test_signatures_in_the_state_are_those_of_the_text(batches):
    one, _ = batches
    _, _, _, state = dedupe_with_index(ingest_folder(one, "r"), "r")
    sig = np.frombuffer(b"".join(state["signature"].to_list()), dtype="<u4").reshape(state.height, -1)
    assert sig.shape[1] == PipelineConfig().num_perm
    assert (sig < np.iinfo(np.uint32).max).all()                   # every document has shingles
    assert len({row.tobytes() for row in sig}) == state.height     # distinct articles, distinct signatures
