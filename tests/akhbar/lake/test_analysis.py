"""Analysis exports (events/incidents with joins; csv with BOM; GeoJSON) on a small lake built here."""

import json

import polars as pl
import pytest
from typer.testing import CliRunner

from akhbar.lake.analysis import analysis_frame, geojson, write_frame
from interfaces.cli import app
from tasks.events import cluster_events
from tasks.incidents import build_incidents
from tasks.publish import publish
from tasks.validate import validate
from tests.snapshot_tables import make_tables, run_row


@pytest.fixture
def lake(tmp_path):
    t = make_tables("r1")
    t["documents"] = t["documents"].with_columns(meta_url=pl.lit("https://example.org/a"), meta_source=pl.lit("الوطن"))
    t["events"] = cluster_events(t["events"])
    t["incidents"] = build_incidents(t["events"], t["entity_catalog"], t["articles"], t["documents"], "r1")
    clean, quarantine, report = validate(t, "r1")
    assert quarantine.is_empty()
    publish(tmp_path, dict(clean, quarantine=quarantine), run_row("r1"))
    return tmp_path


def test_events_export_has_titles_urls_names_and_coordinates(lake):
    df = analysis_frame(lake, "events")
    assert {"article_title", "article_date", "article_url", "sentence", "location_name", "lat", "lon",
            "actor_names"} <= set(df.columns)
    row = df.filter(pl.col("location_entity_id") == "loc_mosul").row(0, named=True)
    assert row["location_name"] == "الموصل" and row["lat"] == 36.34 and row["article_url"] == "https://example.org/a"
    assert row["article_title"].startswith("فرار") and "فر" in row["sentence"]


def test_incidents_export_lists_the_evidence_articles(lake):
    df = analysis_frame(lake, "incidents")
    assert df.height > 0
    assert (df["article_titles"].list.len() == df["evidence_article_ids"].list.len()).all()


def test_csv_excel_has_a_bom_and_geojson_is_a_point_feature_collection(lake, tmp_path):
    df = analysis_frame(lake, "events")
    write_frame(df, "csv", tmp_path / "e.csv", excel=True)
    raw = (tmp_path / "e.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "الموصل".encode() in raw
    write_frame(df, "csv", tmp_path / "plain.csv")
    assert not (tmp_path / "plain.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    info = write_frame(df, "geojson", tmp_path / "e.geojson")
    doc = json.loads((tmp_path / "e.geojson").read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == info["rows"] > 0
    for f in doc["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert f["type"] == "Feature" and f["geometry"]["type"] == "Point"
        assert -180 <= lon <= 180 and -90 <= lat <= 90 and isinstance(f["properties"], dict)
    mosul = [f for f in doc["features"] if f["properties"]["location_entity_id"] == "loc_mosul"][0]
    assert mosul["geometry"]["coordinates"] == [43.13, 36.34]       # RFC 7946: longitude first


def test_geojson_leaves_out_rows_without_coordinates():
    doc, skipped = geojson(pl.DataFrame({"id": ["a", "b"], "lat": [1.0, None], "lon": [2.0, None]}))
    assert skipped == 1 and [f["properties"] for f in doc["features"]] == [{"id": "a"}]


def test_cli_export_incidents_geojson_and_excel(lake, tmp_path):
    runner = CliRunner()
    out = runner.invoke(app, ["export", "incidents", "--format", "geojson", "--output", str(lake),
                              "--dest", str(tmp_path / "i.geojson")])
    assert out.exit_code == 0, out.output
    assert json.loads((tmp_path / "i.geojson").read_text(encoding="utf-8"))["type"] == "FeatureCollection"
    out = runner.invoke(app, ["export", "events", "--excel", "--output", str(lake), "--dest", str(tmp_path / "e.csv")])
    assert out.exit_code == 0 and (tmp_path / "e.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    out = runner.invoke(app, ["export", "articles", "--format", "geojson", "--output", str(lake),
                              "--dest", str(tmp_path / "a.geojson")])
    assert out.exit_code != 0 and "no lat/lon" in out.output
    out = runner.invoke(app, ["export", "events", "--raw", "--format", "csv", "--output", str(lake),
                              "--dest", str(tmp_path / "raw.csv")])
    assert out.exit_code == 0 and "article_title" not in (tmp_path / "raw.csv").read_text(encoding="utf-8")
    out = runner.invoke(app, ["export", "events", "--excel", "--format", "parquet", "--output", str(lake)])
    assert out.exit_code == 2 and "--excel writes csv" in out.output
