"""`akhbar report` on a small lake built in the test."""

from typer.testing import CliRunner

from interfaces.cli import app
from tasks.events import cluster_events
from tasks.incidents import build_incidents
from tasks.publish import publish
from tasks.validate import validate
from tests.snapshot_tables import make_tables, publish_run, run_row

runner = CliRunner()


def publish_with_incidents(out, run_id):
    t = make_tables(run_id)
    t["events"] = cluster_events(t["events"])
    t["incidents"] = build_incidents(t["events"], t["entity_catalog"], t["articles"], t["documents"], run_id)
    clean, quarantine, _ = validate(t, run_id)
    publish(out, dict(clean, quarantine=quarantine), run_row(run_id))


def test_report_writes_one_html_file_and_prints_size_and_time(tmp_path):
    publish_with_incidents(tmp_path, "r1")
    out = runner.invoke(app, ["report", "--output", str(tmp_path)], env={"COLUMNS": "200"})
    assert out.exit_code == 0, out.output
    path = tmp_path / "reports" / "report_r1.html"
    assert path.exists() and "KiB" in out.output and "rendered in" in out.output
    dest = tmp_path / "elsewhere" / "r.html"
    out = runner.invoke(app, ["report", "--output", str(tmp_path), "--run", "r1", "--dest", str(dest)])
    assert out.exit_code == 0 and dest.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_report_refuses_an_unknown_run_and_a_lake_without_incidents(tmp_path):
    publish_with_incidents(tmp_path, "r1")
    out = runner.invoke(app, ["report", "--output", str(tmp_path), "--run", "nope"])
    assert out.exit_code == 3 and "nope" in out.output
    old = tmp_path / "old"
    publish_run(old, "r0")                       # a lake written before the incidents table existed
    out = runner.invoke(app, ["report", "--output", str(old)])
    assert out.exit_code == 3 and "no incidents table" in out.output
