"""prefect.yaml (the `prefect deploy` path): parses, and its entrypoint is the pipeline flow."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_prefect_yaml_deploys_the_pipeline_flow():
    from prefect import Flow

    from flows.pipeline import pipeline

    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    [deployment] = spec["deployments"]
    path, _, name = deployment["entrypoint"].partition(":")
    assert (ROOT / path).is_file()
    module = ".".join(Path(path).with_suffix("").parts)
    flow = getattr(__import__(module, fromlist=[name]), name)
    assert isinstance(flow, Flow) and flow is pipeline
    assert set(deployment["parameters"]) <= set(pipeline.parameters.properties)
    assert {"input_dir", "output_dir"} <= set(deployment["parameters"])
    assert deployment["work_pool"]["name"] and deployment["concurrency_limit"] == 1
    assert "schedules" not in deployment                                  # commented out: opt-in
    assert "# schedules:" in (ROOT / "prefect.yaml").read_text(encoding="utf-8")


def test_prefect_yaml_entrypoint_loads_the_way_prefect_loads_it(monkeypatch):
    """Prefect loads `path:flow` from the working folder (the repository root) by file path."""
    from prefect.flows import load_flow_from_entrypoint

    monkeypatch.chdir(ROOT)
    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    flow = load_flow_from_entrypoint(spec["deployments"][0]["entrypoint"])
    assert flow.name == "akhbar-pipeline"
