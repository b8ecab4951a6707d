"""Operations, fast: stable partitions, cache keys, run report contents, deployment specs."""

from pathlib import Path
from types import SimpleNamespace

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows import partitions as fp
from flows.deploy import ServeError, check_server, default_name, pair_specs
from flows.report import artifact_prefix, events_by_type_and_modality, run_report_markdown, top_entities


# --- partitions ----------------------------------------------------------------------------------

@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=20), min_size=1, max_size=40, unique=True), st.integers(1, 16))
def test_partition_of_depends_only_on_the_id(ids, n):
    parts = fp.partition_of(pl.Series(ids), n).to_list()
    assert all(0 <= p < n for p in parts)
    # the same id lands in the same partition whatever else is in the corpus
    alone = [fp.partition_of(pl.Series([i]), n)[0] for i in ids]
    assert parts == alone


def test_adding_documents_changes_only_the_partitions_they_land_in():
    frame = pl.DataFrame({"block_id": [f"doc_{i:04d}" for i in range(200)], "text": [f"t{i}" for i in range(200)]})
    before = {p: fp.frame_fingerprint(f) for p, f in fp.split(frame, "block_id", 8).items()}
    added = pl.DataFrame({"block_id": ["doc_new_1", "doc_new_2"], "text": ["x", "y"]})
    grown = pl.concat([frame, added]).sort("block_id")
    after = {p: fp.frame_fingerprint(f) for p, f in fp.split(grown, "block_id", 8).items()}
    touched = set(fp.partition_of(added["block_id"], 8).to_list())
    assert {p for p in after if after[p] != before.get(p)} == touched
    assert sum(f.height for f in fp.split(grown, "block_id", 8).values()) == grown.height


def test_partition_count_doubles_until_a_partition_is_bounded():
    cfg = SimpleNamespace(partitions=8, partition_rows=2000)
    assert [fp.partition_count(rows, cfg) for rows in (0, 1, 16_000, 16_001, 32_001, 112_000, 1_000_000)] == \
        [8, 8, 8, 16, 32, 64, 512]
    for rows in range(0, 300_000, 7_919):
        n = fp.partition_count(rows, cfg)
        assert -(-rows // n) <= 2000 and (n == 8 or -(-rows // (n // 2)) > 2000)
    assert fp.partition_count(10**7, SimpleNamespace(partitions=3, partition_rows=0)) == 3     # 0: fixed
    assert fp.partitions_of({"cfg": cfg}) == 8 and fp.partitions_of({"cfg": cfg, fp.N_PARTITIONS: 32}) == 32


def test_split_of_an_empty_frame_is_empty():
    assert fp.split(pl.DataFrame({"block_id": []}, schema={"block_id": pl.String}), "block_id", 4) == {}


def test_fingerprint_ignores_run_id_but_not_content():
    df = pl.DataFrame({"article_id": ["a", "b"], "doc_ids": [["d1"], ["d2", "d3"]], "run_id": ["r1", "r1"]})
    assert fp.frame_fingerprint(df) == fp.frame_fingerprint(df.with_columns(run_id=pl.lit("r2")))
    assert fp.frame_fingerprint(df) != fp.frame_fingerprint(df.with_columns(doc_ids=pl.lit(["d9"])))
    assert fp.frame_fingerprint(df) != fp.frame_fingerprint(df.head(1))
    assert fp.frame_fingerprint(df) != fp.frame_fingerprint(df.reverse())


def test_code_version_covers_the_stage_and_what_it_imports():
    import tasks.events  # noqa: F401

    names = [m.__name__ for m in fp._own_modules("tasks.events")]
    assert "tasks.events" in names and "akhbar.text.tokens" in names and "akhbar.text.normalise" in names
    assert not any(n.startswith(("prefect", "polars")) for n in names)
    assert fp.code_version("tasks.events").startswith("0.")


def _ctx(name="segment"):
    return SimpleNamespace(task=SimpleNamespace(name=name))


def _key(blocks, run_id):
    return fp.stage_cache_key(_ctx(), {"stage_name": "segment", "inputs": {"blocks": blocks, "run_id": run_id}})


def test_cache_key_follows_inputs_and_ignores_run_id():
    blocks = pl.DataFrame({"block_id": ["b1"], "text": ["نص"]})
    k1 = _key(blocks, "run_1")
    assert k1 == _key(blocks, "run_2")
    assert k1 != _key(blocks.with_columns(text=pl.lit("نص آخر")), "run_1")
    assert k1.startswith("segment-")


def test_cache_key_changes_with_the_code_version(monkeypatch):
    blocks = pl.DataFrame({"block_id": ["b1"], "text": ["نص"]})
    k1 = _key(blocks, "r")
    monkeypatch.setattr(fp, "code_version", lambda name: "another-version")
    monkeypatch.setattr(fp, "_stage_versions", {})
    assert _key(blocks, "r") != k1


def test_code_versions_are_computed_once_under_threads():
    """Cache keys from many threads at once: one parse per stage, no SystemError (issue 16.6)."""
    from concurrent.futures import ThreadPoolExecutor

    from flows.pipeline import DAG

    fp._stage_versions.clear()
    stages = [s for s in DAG if s.cached] * 8
    with ThreadPoolExecutor(8) as pool:
        versions = list(pool.map(fp.stage_code_version, stages))
    assert len(set(versions)) == len({s.name for s in stages})


# --- report --------------------------------------------------------------------------------------

def test_artifact_prefix_is_a_valid_key():
    assert artifact_prefix(None) == "akhbar"
    assert artifact_prefix("Gen Watch_2") == "gen-watch-2"


def _tables():
    ents = pl.DataFrame({"entity_id": ["p1", "p1", "l1"], "canonical_name": ["A", "A", "L"],
                         "type": ["PERSON", "PERSON", "LOC"], "article_id": ["a1", "a2", "a1"]})
    evs = pl.DataFrame({"event_type": ["ESCAPE", "ESCAPE", "ATTACK"], "modality": ["reported", "asserted", "asserted"]})
    docs = pl.DataFrame({"status": ["ok", "rejected", "rejected", "duplicate"],
                         "reason": [None, "empty: no content", "unsupported format: .pdf", "exact duplicate"]})
    segs = pl.DataFrame({"doc_id": ["d1", "d2", "d2"], "start": [0, 10, 40], "end": [100, 30, 50],
                         "kind": ["duplicate_doc", "shared", "boilerplate"]})
    return dict(documents=docs, segments=segs, articles=pl.DataFrame({"article_id": ["a1", "a2"]}),
                sentences=pl.DataFrame({"x": [1, 2, 3]}), entities=ents, events=evs)


def test_top_entities_and_events_by_modality():
    t = _tables()
    top = top_entities(t["entities"])
    assert top[0] == dict(entity_id="p1", canonical_name="A", type="PERSON", mentions=2, articles=2)
    rows = events_by_type_and_modality(t["events"])
    assert rows[0] == dict(event_type="ESCAPE", asserted=1, reported=1, total=2)
    assert rows[1] == dict(event_type="ATTACK", asserted=1, reported=0, total=1)


def test_run_report_says_what_happened():
    summary = dict(run_id="run_x", input_dir="in", output_dir="out", elapsed_s=1.5, task_runner="ThreadPoolTaskRunner",
                   ingest=dict(files=4, new=3, known=1, rejected=2), counts={"articles": 2},
                   validation=dict(quarantined=1, failure_share=0.01, checks={"span_in_range": 1}),
                   versions={"articles": 3, "runs": 3}, timings={"ingest": 0.1, "segment": 0.5},
                   cached={"segment": "2/4"})
    md = run_report_markdown(summary, _tables())
    for expected in ("run_x", "**3 new**", "unsupported format: .pdf", "| shared | 1 | 1 | 20 |",
                     "| PERSON | 2 | 1 |", "| ESCAPE | 2 |", "span_in_range", "| articles | 3 | 2 |",
                     "| segment | 0.5 | 2/4 |"):
        assert expected in md, expected


# --- deployments ---------------------------------------------------------------------------------

def test_pair_specs(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b b"
    a.mkdir(), b.mkdir()
    specs = pair_specs([a, b], [tmp_path / "out"], [])
    assert [s.name for s in specs] == ["akhbar-a", "akhbar-b-b"]
    assert {s.output_dir for s in specs} == {(tmp_path / "out").resolve()}
    specs = pair_specs([a, b], [tmp_path / "o1", tmp_path / "o2"], ["x", "y"])
    assert [(s.name, s.output_dir.name) for s in specs] == [("x", "o1"), ("y", "o2")]


@pytest.mark.parametrize("inputs,outputs,names,message", [
    ([], [Path("o")], [], "at least one"),
    (["a", "b"], [Path("o1"), Path("o2"), Path("o3")], [], "--output"),
    (["a", "b"], [Path("o")], ["x"], "--name"),
    (["a", "b"], [Path("o")], ["x", "x"], "distinct"),
    (["missing"], [Path("o")], [], "does not exist"),
])
def test_pair_specs_refuses_bad_pairs(tmp_path, inputs, outputs, names, message):
    for name in ("a", "b"):
        (tmp_path / name).mkdir(exist_ok=True)
    with pytest.raises(ServeError, match=message):
        pair_specs([tmp_path / i for i in inputs], outputs, names)


def test_default_name_is_slugged(tmp_path):
    assert default_name(tmp_path / "Scraped News") == "akhbar-scraped-news"


def test_serve_refuses_without_a_server():
    with pytest.raises(ServeError, match="akhbar server"):
        check_server(None)
    with pytest.raises(ServeError, match="no Prefect server answers"):
        check_server("http://127.0.0.1:9/api")


def test_serve_passes_the_task_runner_through_the_environment(monkeypatch):
    from prefect_dask import DaskTaskRunner

    from flows.deploy import runner_env
    from flows.runtime import task_runner_from_env

    for k, v in runner_env("dask", "tcp://10.0.0.1:8786", 3).items():
        monkeypatch.setenv(k, v)
    runner = task_runner_from_env()
    assert isinstance(runner, DaskTaskRunner) and runner.address == "tcp://10.0.0.1:8786"
    for k, v in runner_env().items():
        monkeypatch.setenv(k, v)
    assert type(task_runner_from_env()).__name__ == "ThreadPoolTaskRunner"
    monkeypatch.setenv("AKHBAR_TASK_RUNNER", "ray")
    with pytest.raises(ValueError, match="unknown task runner"):
        task_runner_from_env()


def test_progress_updates_go_out_in_the_background_latest_first(monkeypatch):
    """Steps never wait for the API: updates go through one sender thread, steps finished while an
    update is under way fold into the next one, and close() sends the last value."""
    import threading

    import flows.report as report

    sent, gate = [], threading.Event()

    def slow_update(artifact_id, progress, description=None):
        gate.wait(5)                     # the first update blocks until every step has been counted
        sent.append((artifact_id, progress, description))

    monkeypatch.setattr(report, "create_progress_artifact", lambda *a, **k: "artifact-1")
    monkeypatch.setattr(report, "update_progress_artifact", slow_update)
    heard = []
    progress = report.RunProgress("akhbar", planned=10)
    with report.listen(lambda label, done, planned: heard.append(done)):
        for i in range(10):
            progress.step(f"s{i}")       # returns at once although the sender is blocked
    gate.set()
    progress.close()
    progress.close()                     # idempotent
    assert heard == list(range(1, 11))   # listeners still hear every step, in the caller's thread
    assert 1 <= len(sent) <= 2           # the first update, then the latest of the nine that queued
    assert sent[-1] == ("artifact-1", 100.0, "s9 (10/10)")
    progress.step("late")                # after close: counted, not sent
    assert len(sent) <= 2


def test_progress_update_failure_is_a_warning_not_a_failed_run(monkeypatch, caplog):
    import flows.report as report

    def broken(*a, **k):
        raise RuntimeError("API gone")

    monkeypatch.setattr(report, "create_progress_artifact", lambda *a, **k: "artifact-1")
    monkeypatch.setattr(report, "update_progress_artifact", broken)
    progress = report.RunProgress("akhbar", planned=1)
    progress.step("ingest")
    progress.close()
    assert "progress artifact not updated: API gone" in caplog.text
