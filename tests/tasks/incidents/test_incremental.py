"""Incremental runs through the DAG: a later run with more articles keeps the earlier incident ids
and joins the new reports to them."""

import shutil
from pathlib import Path

import polars as pl

from akhbar.config import PipelineConfig
from flows.graph import run_local
from flows.pipeline import DAG
from tasks.incidents.build import PREVIOUS_COLUMNS

SEEDS = Path(__file__).resolve().parents[3] / "seeds"


def tables(input_dir, known=None, run_id="r1"):
    bag = dict(input_dir=str(input_dir), run_id=run_id, cfg=PipelineConfig(), known_documents=None,
               known_incidents=known)
    return run_local(DAG, bag, until="quarantine")["tables"]


def incidents(input_dir, known=None, run_id="r1"):
    return tables(input_dir, known, run_id)["incidents"]


def files_of_a_multi_article_incident() -> list[str]:
    """Seed files whose articles report one incident together (found by a run on all seeds)."""
    t = tables(SEEDS)
    multi = t["incidents"].filter(pl.col("n_articles") >= 2).sort("incident_id")
    assert multi.height >= 1, "the seeds have no incident reported by two articles"
    arts = t["articles"].filter(pl.col("article_id").is_in(multi["evidence_article_ids"][0].to_list()))
    docs = t["documents"].filter(pl.col("doc_id").is_in(arts["doc_ids"].explode().to_list()))
    return sorted(Path(p).name for p in docs["source_path"].to_list())


def test_new_articles_join_existing_incidents_and_ids_survive(tmp_path):
    # the first run lacks one article of a multi-article incident; the later run brings it
    held_back = files_of_a_multi_article_incident()[-1]
    part = tmp_path / "part"
    part.mkdir()
    for f in sorted(SEEDS.glob("*.txt")):
        if f.name != held_back:
            shutil.copy(f, part / f.name)
    first = incidents(part)
    later = incidents(SEEDS, known=first, run_id="r2")
    assert later.height > first.height
    joined = first.select("incident_id", pl.col("evidence_event_ids").alias("old")).join(
        later.select("incident_id", "evidence_event_ids", "n_articles"), on="incident_id", how="left")
    assert joined["evidence_event_ids"].null_count() == 0                  # every earlier id is still there
    grown = joined.filter(pl.col("evidence_event_ids").list.len() > pl.col("old").list.len())
    assert grown.height >= 1 and (grown["n_articles"] >= 2).all()          # reports from new articles joined
    # each earlier incident keeps most of its evidence (a cluster the new data splits keeps the id on its larger part)
    kept = joined.select(pl.col("old").list.set_intersection("evidence_event_ids").list.len() * 2
                         >= pl.col("old").list.len())
    assert kept.to_series().all()
    assert later["incident_id"].is_unique().all()
    # a run reads only these columns of the previous incidents (flows/steps.py known_incidents): same ids
    narrow = incidents(SEEDS, known=first.select(PREVIOUS_COLUMNS), run_id="r2")
    assert narrow.equals(later)
