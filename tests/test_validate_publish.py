import polars as pl
import pytest

from akhbar.contracts import SCHEMAS
from tasks.publish import publish
from tasks.validate import ValidationError, validate


def empty(name):
    return pl.from_arrow(SCHEMAS[name].empty_table())


def base_tables():
    t = {n: empty(n) for n in ("documents", "segments", "articles", "sentences", "entities", "entity_catalog", "events")}
    t["articles"] = pl.concat([t["articles"], pl.DataFrame([dict(
        article_id="art_1", doc_ids=["d1"], title=None, subtitle=None, text="غادر البغدادي الموصل.", body_start=0,
        section=None, published_date=None, date_precision="unknown", source=None, agency=None, dateline=None,
        captions=[], n_paragraphs=1, n_sentences=1, run_id="r")], schema=t["articles"].schema)])
    t["sentences"] = pl.concat([t["sentences"], pl.DataFrame([
        dict(article_id="art_1", sentence_idx=0, paragraph_idx=0, start=0, end=21, text="غادر البغدادي الموصل.", run_id="r"),
        dict(article_id="art_1", sentence_idx=1, paragraph_idx=0, start=0, end=4, text="wrong", run_id="r"),
        dict(article_id="art_missing", sentence_idx=0, paragraph_idx=0, start=0, end=4, text="غادر", run_id="r"),
    ], schema=t["sentences"].schema)])
    return t


def test_bad_rows_quarantined():
    clean, quarantine, report = validate(base_tables(), "r", max_failure_share=1.0)
    assert clean["sentences"].height == 1
    assert set(quarantine["check"]) == {"span_slices_surface", "article_exists"}
    assert report["quarantined"] == 2


def test_failure_share_blocks_publish():
    with pytest.raises(ValidationError, match="failed validation"):
        validate(base_tables(), "r", max_failure_share=0.1)


def test_duplicate_key_is_critical():
    t = base_tables()
    t["articles"] = pl.concat([t["articles"], t["articles"]])
    with pytest.raises(ValidationError, match="key check failed for table 'articles'"):
        validate(t, "r")


def test_publish_versions(tmp_path):
    import datetime as dt
    clean, quarantine, _ = validate(base_tables(), "r", max_failure_share=1.0)
    clean["quarantine"] = quarantine
    now = dt.datetime.now(dt.timezone.utc)
    row = dict(run_id="r", flow_run_id=None, started_at=now, finished_at=now, status="published",
               code_version="0", git_commit=None, contract_version="1", parameters="{}",
               input_manifest_hash="x", counts="{}", validation_summary="{}")
    v1 = publish(tmp_path, clean, row)
    v2 = publish(tmp_path, clean, dict(row, run_id="r2"))
    assert v1["articles"] == 0 and v2["articles"] == 1 and v2["runs"] == 1
    assert pl.read_delta(str(tmp_path / "lake" / "articles")).height == 1
    assert pl.read_delta(str(tmp_path / "lake" / "runs"))["run_id"].sort().to_list() == ["r", "r2"]
