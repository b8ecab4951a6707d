"""Property (issue 16.1): generated Arabic-like text through EVERY stage of the DAG, in-process,
never raises.

tests/tasks/test_stages_property.py calls the stage functions one by one (and only reports
entity/event errors); this runs the declared DAG with the local executor, fault isolation
included, from the input folder to a published snapshot: ingest, dedupe, mark-new, vocabulary,
segment, extract-entities, catalog, extract-events, cluster-events, validate, quarantine,
publish. An item a stage fails on must become a quarantine row, not an exception. The same
generators (quotes, brackets, Arabic-Indic and superscript digits, dates, mixed scripts, tashkeel,
tatweel, empty and one-word sentences, very long sentences, lone surrogates) are reused.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from akhbar.config import PipelineConfig
from akhbar.lake import read_latest
from flows.graph import run_local
from flows.pipeline import DAG
from tests.tasks.test_stages_property import document, write_inputs


def run_everything(folder: Path, lake: Path, partitions: int) -> dict:
    cfg = PipelineConfig(min_arabic_ratio=0.0, max_failure_share=1.0, allow_empty=True, partitions=partitions)
    meta = dict(run_id="prop", flow_run_id=None, started_at=dt.datetime(2026, 12, 6, tzinfo=dt.timezone.utc),
                git_commit=None, input_dir=str(folder), output_dir=str(lake))
    bag = dict(input_dir=str(folder), run_id="prop", cfg=cfg, known_documents=None, run_meta=meta)
    return run_local(DAG, bag)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(document, min_size=1, max_size=4), st.integers(1, 3))
def test_generated_text_through_every_stage_never_raises(docs, partitions):
    with tempfile.TemporaryDirectory(prefix="akhbar-prop-dag-") as tmp:
        folder, lake = Path(tmp) / "in", Path(tmp) / "lake"
        folder.mkdir()
        write_inputs(folder, docs)
        bag = run_everything(folder, lake, partitions)       # must not raise
        tables = bag["tables"]
        assert tables["documents"].height >= len(docs)
        assert "runs" in bag["versions"]
        published = read_latest(lake, "documents")
        assert published.height == tables["documents"].height
        # every item a stage failed on is accounted for as a quarantine row with its reason
        failures = bag["stage_failures"]
        quarantined = tables["quarantine"].filter(pl.col("check") == "exception")
        assert quarantined.height == len({(f["table"], f["row_key"], f["detail"]) for f in failures})
