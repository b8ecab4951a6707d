"""`akhbar run` end to end under the Prefect test harness: empty input, rejection reasons, one-line errors."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

import flows.pipeline  # noqa: F401  (Prefect sets up its console handler now, not on CliRunner's stderr)
from interfaces.cli import app
from interfaces.common import ExitCode

pytestmark = pytest.mark.slow


def run(*args):
    result = CliRunner().invoke(app, ["run", *map(str, args), "--partitions", "2", "--workers", "1"])
    assert "Traceback" not in result.output, result.output
    return result


def test_a_run_that_accepts_no_document_is_refused_unless_allowed(prefect_harness, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    refused = run("--input", empty, "--output", tmp_path / "a")
    assert refused.exit_code == ExitCode.REFUSED, refused.output
    last = refused.stderr.splitlines()[-1]   # Prefect's log lines come first, the error is the last line
    assert last.startswith("error: no document") and "--allow-empty" in last
    allowed = run("--input", empty, "--output", tmp_path / "b", "--allow-empty")
    assert allowed.exit_code == 0, allowed.output


def test_rejection_reasons_are_counted(prefect_harness, tmp_path):
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "english.txt").write_text("An English page with no Arabic text at all, long enough to be read.")
    (inp / "data.bin").write_bytes(b"\x00\x01binary")
    result = run("--input", inp, "--output", tmp_path / "out")
    assert result.exit_code == ExitCode.REFUSED
    last = result.stderr.splitlines()[-1]
    assert "no Arabic text 1" in last and "unsupported format 1" in last


@pytest.mark.parametrize("error, code, words", [
    ("schema", ExitCode.REFUSED, "nothing published: would drop column"),
    ("disk", ExitCode.IO, "no space left on the device"),
])
def test_a_failure_inside_the_flow_ends_in_one_line(prefect_harness, tmp_path, monkeypatch, error, code, words):
    """Prefect's flow-failure traceback stays out of the terminal; the last line says what failed."""
    import errno

    import flows.steps
    from akhbar.lake import SchemaChangeError

    def failing_publish(*_a, **_k):
        if error == "schema":
            raise SchemaChangeError("would drop column 'title' of articles; pass --allow-breaking-schema")
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "out" / "lake" / "articles"))

    monkeypatch.setattr(flows.steps, "publish_tables", failing_publish)
    result = run("--input", Path(__file__).resolve().parents[2] / "seeds", "--output", tmp_path / "out")
    assert result.exit_code == code, result.output
    assert words in result.stderr.splitlines()[-1]
    import logging

    from interfaces.common import QuietTracebacks   # on Prefect's console handler (test_wrong_usage tests it)

    assert any(isinstance(f, QuietTracebacks) for h in logging.getLogger().handlers for f in h.filters)


def test_ner_tagger_none_runs_the_rules_alone_and_is_recorded(prefect_harness, tmp_path):
    import json

    from akhbar.lake import read_table, snapshots

    import shutil

    seeds = Path(__file__).resolve().parents[2] / "seeds"
    # the seeds plus one article (written for this test) naming people no rule finds: on the seeds
    # alone the tagger may add nothing, as the rules were written from them
    docs = tmp_path / "in"
    shutil.copytree(seeds, docs)
    (docs / "900_extra.txt").write_text("وسجل كريستيانو رونالدو هدفين في المباراة أمس. وصرح أندريا بيرلو بأن "
                                        "الفريق يستحق الفوز في الدوري هذا الموسم.\n", encoding="utf-8")
    counts = {}
    for tagger in ("none", "crf"):
        out = tmp_path / tagger
        result = run("--input", docs, "--output", out, "--ner-tagger", tagger, "--json")
        assert result.exit_code == 0, result.output
        assert snapshots(out)["parameters"][0]["ner_tagger"] == tagger
        entities = read_table(out, "entities")
        counts[tagger] = entities.filter(entities["method"].is_in(["model:crf", "speaker_slot"])).height
    assert counts["none"] == 0 and counts["crf"] > 0     # the tagger's mentions only when it runs
