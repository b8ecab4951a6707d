"""Operations under Prefect's test harness: deployments, artifacts, caching, the Dask runner, the CLI."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from akhbar.contracts import DATA_TABLES, KEYS
from bench.generate import generate
from flows.pipeline import pipeline
from flows.runtime import task_runner

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, seeds_dir=ROOT / "seeds") -> Path:
    """The seeds plus generated documents (duplicates, near-duplicates, shared segments, boilerplate)."""
    root = tmp_path_factory.mktemp("corpus")
    shutil.copytree(seeds_dir, root, dirs_exist_ok=True)
    generate(40, root / "gen")
    return root


def read_tables(out: Path) -> dict[str, pl.DataFrame]:
    """Published tables without the columns that name the run, sorted by key (comparable across runs)."""
    tables = {}
    for name in DATA_TABLES:
        df = pl.read_delta(str(out / "lake" / name))
        df = df.drop([c for c in ("run_id", "ingested_run_id") if c in df.columns])
        tables[name] = df.sort([c for c in KEYS[name] if c in df.columns] or df.columns)
    return tables


def test_deployment_is_registered_with_its_schedule(prefect_harness, tmp_path):
    from prefect import get_client

    from flows.deploy import build_deployments, pair_specs

    (tmp_path / "news").mkdir()
    specs = pair_specs([tmp_path / "news", ROOT / "seeds"], [tmp_path / "out"], ["news-watch", "seeds-watch"])
    deps = build_deployments(specs, "*/30 * * * *", config={"partitions": 4})
    ids = [d.apply() for d in deps]
    with get_client(sync_client=True) as client:
        got = [client.read_deployment(i) for i in ids]
    assert [d.name for d in got] == ["news-watch", "seeds-watch"]
    for d, spec in zip(got, specs):
        assert [s.schedule.cron for s in d.schedules] == ["*/30 * * * *"]
        assert d.schedules[0].active
        assert d.parameters["input_dir"] == str(spec.input_dir)
        assert d.parameters["output_dir"] == str(spec.output_dir)
        assert d.parameters["config"] == {"partitions": 4}
        assert d.global_concurrency_limit.limit == 1


def test_bad_cron_is_refused(prefect_harness, tmp_path):
    from flows.deploy import ServeError, build_deployments, pair_specs

    with pytest.raises(ServeError, match="invalid cron"):
        build_deployments(pair_specs([ROOT / "seeds"], [tmp_path], []), "every half hour")


def test_run_creates_its_artifacts(prefect_harness, corpus, tmp_path):
    from prefect import get_client
    from prefect.client.schemas.objects import Artifact

    summary = pipeline(input_dir=str(corpus), output_dir=str(tmp_path), config={"partitions": 4})
    with get_client(sync_client=True) as client:
        # the REST call itself: Prefect 3.8.8's sync read_artifacts sends nulls the API refuses
        resp = client.request("POST", "/artifacts/filter",
                              json={"flow_runs": {"id": {"any_": [summary["flow_run_id"]]}}})
        arts = [Artifact.model_validate(a) for a in resp.json()]
    by_key = {a.key: a for a in arts}
    assert set(by_key) == {"akhbar-run-report", "akhbar-top-entities", "akhbar-events", "akhbar-progress",
                           "akhbar-incidents"}
    incidents = by_key["akhbar-incidents"]
    assert incidents.type == "markdown" and "[HTML report](file://" in incidents.data
    assert summary["report_html"] and Path(summary["report_html"]["path"]).is_file()

    report = by_key["akhbar-run-report"]
    assert report.type == "markdown"
    ing = summary["ingest"]
    assert f"{ing['files']} documents seen: **{ing['new']} new**" in report.data
    tables = read_tables(tmp_path)
    for kind, n in tables["segments"].group_by("kind").len().iter_rows():
        assert f"| {kind} | {n} |" in report.data
    assert f"{tables['articles'].height} articles" in report.data
    for name, version in summary["versions"].items():
        assert f"| {name} | {version} |" in report.data
    for stage in summary["timings"]:
        assert f"| {stage} |" in report.data

    import json
    top = json.loads(by_key["akhbar-top-entities"].data)
    assert top[0]["mentions"] == tables["entities"].group_by("entity_id").len()["len"].max()
    events = json.loads(by_key["akhbar-events"].data)
    assert sum(r["total"] for r in events) == tables["events"].height
    assert by_key["akhbar-progress"].type == "progress"
    assert by_key["akhbar-progress"].data == 100.0


def test_rerun_over_unchanged_input_hits_the_cache(prefect_harness, corpus, tmp_path):
    cfg = {"partitions": 4}
    first = pipeline(input_dir=str(corpus), output_dir=str(tmp_path), config=cfg)
    second = pipeline(input_dir=str(corpus), output_dir=str(tmp_path), config=cfg)
    for stage in ("segment", "extract-entities", "extract-events"):
        done, total = second["cached"][stage].split("/")
        assert done == total and int(total) > 0, (stage, second["cached"])
    assert second["ingest"]["new"] == 0
    assert second["counts"] == first["counts"]

    # unchanged rows keep the run that first published them (publish preserves first-seen run_id),
    # so an unchanged rerun writes no new table version
    arts = pl.read_delta(str(tmp_path / "lake" / "articles"))
    assert set(arts["run_id"]) == {first["run_id"]}
    assert second["versions"]["articles"] == first["versions"]["articles"]

    # new documents only invalidate the partitions they land in
    grown = tmp_path / "grown"
    shutil.copytree(corpus, grown)
    generate(2, grown / "more", seed=99)
    third = pipeline(input_dir=str(grown), output_dir=str(tmp_path), config=cfg)
    assert third["ingest"]["new"] == 2
    done, total = map(int, third["cached"]["segment"].split("/"))
    assert total - 2 <= done < total, third["cached"]


def test_dask_runner_gives_the_same_tables(prefect_harness, corpus, tmp_path):
    default = pipeline(input_dir=str(corpus), output_dir=str(tmp_path / "threads"), cache=False)
    dask = pipeline.with_options(task_runner=task_runner("dask", workers=2))(
        input_dir=str(corpus), output_dir=str(tmp_path / "dask"), cache=False)
    assert dask["task_runner"] == "DaskTaskRunner" and default["task_runner"] == "ThreadPoolTaskRunner"
    assert dask["counts"] == default["counts"]
    # issue 16.4: under Dask the partition tasks read and write staged files (flows/staging.py)
    assert dask["staged_partitions"] is True and default["staged_partitions"] is False
    assert not (tmp_path / "dask" / "_staging").exists()          # removed when the run ends
    # the thread runner spills partition outputs to the same folder (flows/spill.py): removed too
    assert not (tmp_path / "threads" / "_staging").exists()
    a, b = read_tables(tmp_path / "threads"), read_tables(tmp_path / "dask")
    for name in DATA_TABLES:
        assert a[name].equals(b[name]), name


def test_worker_processes_give_the_same_tables(prefect_harness, corpus, tmp_path):
    one = pipeline(input_dir=str(corpus), output_dir=str(tmp_path / "one"), cache=False, config={"workers": 1})
    two = pipeline(input_dir=str(corpus), output_dir=str(tmp_path / "two"), cache=False, config={"workers": 2})
    auto = pipeline(input_dir=str(corpus), output_dir=str(tmp_path / "auto"), cache=False)
    assert one["worker_processes"] == 0 and two["worker_processes"] == 2
    assert auto["worker_processes"] == 0            # a small input stays in the flow's process
    assert two["counts"] == one["counts"]
    a, b = read_tables(tmp_path / "one"), read_tables(tmp_path / "two")
    for name in DATA_TABLES:
        assert a[name].equals(b[name]), name


def test_cli_run_leaves_no_traceback(tmp_path):
    """A successful `akhbar run` on the temporary server prints no traceback, even at shutdown."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["AKHBAR_STATE"] = str(tmp_path / "state")
    proc = subprocess.run([sys.executable, "-c", "from interfaces.cli import main; main()", "run", "--input",
                           str(ROOT / "seeds"), "--output", str(tmp_path / "out")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "Traceback" not in output and "Error" not in output, output
    assert "akhbar run" in proc.stdout
    assert (tmp_path / "state" / "prefect" / "temporary-server.log").exists()


def test_partition_count_does_not_change_repairs(prefect_harness, tmp_path):
    from tests.tasks.test_segment import GLUED_PAGES

    corpus = tmp_path / "in"
    corpus.mkdir()
    for i, text in enumerate(GLUED_PAGES):
        (corpus / f"page_{i}.txt").write_text(text, encoding="utf-8")
    out = {}
    for n in (1, 4):
        pipeline(input_dir=str(corpus), output_dir=str(tmp_path / f"p{n}"), config={"partitions": n}, cache=False)
        out[n] = read_tables(tmp_path / f"p{n}")
    assert out[1]["articles"]["repairs"].list.len().sum() == 1
    for name in ("articles", "sentences", "entities", "events"):
        assert out[4][name].equals(out[1][name]), name


def test_partitions_are_submitted_in_a_window_and_taken_as_they_finish(prefect_harness):
    """A stage holds the inputs and outputs of at most `ahead` partitions, not of all (docs/scale.md
    section 23): `in_window` submits the next partition only once fewer than `ahead` are out, makes
    each partition's inputs only when it submits it, and returns every partition once."""
    import time

    from prefect import flow, task

    from flows.runtime import in_window

    made = []

    @task
    def work(p: int) -> int:
        time.sleep(0.05 * (p % 3))
        return p * 10

    def parts():
        for p in range(12):
            made.append(p)
            yield p, p

    @flow
    def run_all() -> list[tuple[int, int, int]]:
        got = []
        for p, fut in in_window(lambda p, inputs: work.submit(inputs), parts(), ahead=3):
            got.append((p, fut.result(), len(made) - len(got)))    # partitions made and not yet taken
        return got

    out = run_all()
    assert sorted(p for p, _, _ in out) == list(range(12)) and all(r == p * 10 for p, r, _ in out)
    assert max(outstanding for _, _, outstanding in out) <= 3
