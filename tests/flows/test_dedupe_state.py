"""The dedupe state in the lake (flows/steps.py dedupe_state, tasks/dedupe_index.py): published with the
snapshot, read by the next run, and rebuilt when it is missing or cannot be read (issue 16.3)."""

from __future__ import annotations

import logging
import shutil

import polars as pl
import pytest

from akhbar.lake import read_latest
from akhbar.lake.tables import table_path
from flows.local import run_and_publish
from tests.dedupe_batches import batches  # noqa: F401  (fixture)

pytestmark = pytest.mark.slow


def marks(output) -> list[tuple]:
    docs = read_latest(output, "documents")
    return sorted(docs.select("doc_id", "status", "duplicate_of", "cluster_id", "similarity").iter_rows())


def test_incremental_runs_mark_what_one_run_marks_and_a_broken_state_is_rebuilt(batches, tmp_path, caplog):
    one, both = batches
    inc, full = tmp_path / "inc", tmp_path / "full"
    run_and_publish(one, inc, "r1")
    assert read_latest(inc, "dedupe_index").height == 12          # published with the snapshot
    with caplog.at_level(logging.INFO, logger="tasks.dedupe"):
        run_and_publish(both, inc, "r2")
    assert "12 signatures from the lake's dedupe_index, 8 computed" in caplog.text
    run_and_publish(both, full, "r2")
    assert marks(inc) == marks(full)
    assert {s for _, s, *_ in marks(inc)} == {"ok", "duplicate", "near_duplicate"}
    state = read_latest(inc, "dedupe_index")
    assert state.drop("run_id").sort("doc_id").equals(read_latest(full, "dedupe_index").drop("run_id").sort("doc_id"))
    assert state.filter(pl.col("run_id") == "r1").height == 12    # rows keep the run that first published them

    # a state table whose data files are gone: one warning line, every signature computed again
    for f in table_path(inc, "dedupe_index").glob("*.parquet"):
        f.write_bytes(b"not parquet")
    caplog.clear()
    with caplog.at_level(logging.INFO):
        run_and_publish(both, inc, "r3")
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and "dedupe_index" in r.getMessage()]
    assert len(warnings) == 1 and "\n" not in warnings[0] and "rebuilt from the documents' text" in warnings[0]
    assert "0 signatures from the lake's dedupe_index, 20 computed" in caplog.text
    assert marks(inc) == marks(full)
    assert read_latest(inc, "dedupe_index").height == 20           # written again in full: readable
    shutil.rmtree(table_path(inc, "dedupe_index"))                  # gone altogether: rebuilt as well
    run_and_publish(both, inc, "r4")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="tasks.dedupe"):
        run_and_publish(both, inc, "r5")
    assert "20 signatures from the lake's dedupe_index, 0 computed" in caplog.text
    assert marks(inc) == marks(full)
