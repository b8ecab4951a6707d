"""The incidents stage inside the DAG, on the seeds: validated, and every factual main event accounted for."""

import polars as pl

from akhbar.contracts import FACTUAL_MODALITIES
from flows.local import run_graph


def test_seed_incidents_pass_the_contract_and_cover_every_factual_event():
    bag = run_graph("seeds", until="quarantine")
    tables = bag["tables"]
    inc, events = tables["incidents"], tables["events"]
    assert inc.height > 0 and tables["quarantine"].filter(pl.col("table") == "incidents").is_empty()
    factual_any = events.filter(pl.col("modality").is_in(FACTUAL_MODALITIES))
    factual = factual_any.filter(pl.col("salience").fill_null("main") == "main")      # background is context
    assert 0 < factual.height < factual_any.height
    evidence = inc.select(pl.col("evidence_event_ids").explode())["evidence_event_ids"]
    assert sorted(evidence.to_list()) == sorted(factual["event_id"].to_list())      # each once
    assert inc.height == factual["cluster_id"].n_unique()
    assert (inc["n_mentions"] == inc["evidence_event_ids"].list.len()).all()
    assert inc["incident_id"].is_unique().all()
