"""`akhbar`: run the pipeline and read its tables.

Every command that reads tables takes the same --output DIR (default data/),
and tables live at OUTPUT/lake/NAME as Delta tables.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.table import Table

from interfaces.common import (DEFAULTS, DaskAddressOpt, DaskWorkersOpt, OutputOpt, PartitionsOpt, TaskRunnerOpt,
                               WorkersOpt, app, check_output_writable, check_task_runner, console, fail,
                               lake)
from flows.settings import prefect_api, silence_shutdown_noise
from interfaces import cli_data, cli_ops  # noqa: F401  (their commands register on `app`)


@app.command()
def run(input: Path = typer.Option(Path("seeds"), "--input", "-i", help="Folder of input files (recursive)."),
        output: Path = OutputOpt,
        partitions: int = PartitionsOpt, workers: int = WorkersOpt,
        max_failure_share: float = typer.Option(DEFAULTS.max_failure_share, help="Quarantined share above which nothing is published."),
        allow_breaking_schema: bool = typer.Option(
            False, "--allow-breaking-schema", help="Allow dropping or retyping columns of published tables."),
        task_runner: str = TaskRunnerOpt, dask_address: str | None = DaskAddressOpt,
        dask_workers: int = DaskWorkersOpt,
        cache: bool = typer.Option(True, "--cache/--no-cache", help="Reuse stage results of unchanged partitions."),
        as_json: bool = typer.Option(False, "--json", help="Print the run summary as JSON.")):
    """Run the pipeline on INPUT and publish a new snapshot of every table under OUTPUT/lake.

    Uses the Prefect server named by PREFECT_API_URL when set (see `akhbar server`),
    else a temporary local one.
    """
    if not input.exists():
        fail(f"input folder '{input}' does not exist")
    if not input.is_dir():
        fail(f"input '{input}' is not a folder")
    check_output_writable(output)
    check_task_runner(task_runner, dask_address)
    silence_shutdown_noise()
    from akhbar.lake.lock import LockError
    from interfaces.cli_data import render_validation  # noqa: F811
    from flows.pipeline import pipeline
    from flows.runtime import task_runner as make_runner
    from akhbar.lake import SchemaChangeError
    from tasks.validate import ValidationError

    flow = pipeline.with_options(task_runner=make_runner(task_runner, dask_address, dask_workers))
    show_bar = not as_json and sys.stdout.isatty()
    try:
        with prefect_api(), progress_bar(show_bar):
            summary = flow(input_dir=str(input), output_dir=str(output), cache=cache,
                           config=dict(partitions=partitions, workers=workers, max_failure_share=max_failure_share,
                                       allow_breaking_schema=allow_breaking_schema))
    except ValidationError as exc:
        if exc.report:
            console.print(render_validation(exc.report))
        fail(f"validation failed on check '{exc.check}', nothing published: {exc}", code=1)
    except (LockError, SchemaChangeError) as exc:
        fail(f"nothing published: {exc}", code=1)
    if as_json:
        print(json.dumps(summary, indent=2, default=str))
        return
    print_summary(summary)


@contextmanager
def progress_bar(enabled: bool) -> Iterator[None]:
    """A rich progress bar fed by the flow's progress (stages and partitions) while it runs."""
    if not enabled:
        yield
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from flows.report import listen

    with Progress(TextColumn("[bold]akhbar[/] {task.description:<24}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task("starting", total=None)

        def update(label: str, done: int, planned: int) -> None:
            bar.update(task, description=label, completed=done, total=planned)

        with listen(update):
            yield


def print_summary(summary: dict) -> None:
    t = Table(title=f"akhbar run {summary['run_id']}", show_lines=False)
    t.add_column("table")
    t.add_column("rows", justify="right")
    t.add_column("version", justify="right")
    for name, n in summary["counts"].items():
        t.add_row(name, str(n), str(summary["versions"].get(name, "")))
    t.add_row("runs", "+1", str(summary["versions"].get("runs", "")))
    console.print(t)
    docs = summary.get("documents_by_status", {})
    console.print("documents: " + ", ".join(f"{k} {v}" for k, v in docs.items()))
    ing = summary.get("ingest", {})
    if ing:
        console.print(f"input: {ing['new']} new, {ing['known']} known, {ing['rejected']} newly rejected")
    from interfaces.cli_data import render_validation  # noqa: F811
    console.print(render_validation(summary.get("validation", {})))
    console.print("stage seconds: " + ", ".join(f"{k} {s:.2f}" for k, s in summary["timings"].items()))
    if summary.get("cached"):
        console.print("cached partitions: " + ", ".join(f"{k} {v}" for k, v in summary["cached"].items()))


@app.command()
def tables(output: Path = OutputOpt):
    """Each table with its rows and Delta version as of the latest snapshot (and the newest version)."""
    from deltalake import DeltaTable

    from akhbar.lake import latest_snapshot

    root = lake(output)
    snap = latest_snapshot(output)
    named = json.loads(snap["table_versions"]) if snap else {}
    t = Table(title=f"tables in {root}" + (f" (snapshot {snap['run_id']})" if snap else " (no snapshot yet)"))
    for col in ("table", "rows", "snapshot version", "newest version"):
        t.add_column(col, justify="right" if col != "table" else "left")
    for path in sorted(p for p in root.iterdir() if (p / "_delta_log").is_dir()):
        newest = DeltaTable(str(path)).version()
        version = named.get(path.name, newest)   # `runs` itself: its newest version is the snapshot
        rows = DeltaTable(str(path), version=version).to_pyarrow_dataset().count_rows()
        # a newest version beyond the snapshot's comes from a run that did not finish publishing
        t.add_row(path.name, str(rows), str(version), str(newest) if newest != version else "")
    console.print(t)


@app.command()
def show(table: str = typer.Argument(..., help="Table name, e.g. articles"),
         output: Path = OutputOpt, limit: int = typer.Option(10, "--limit", "-n"),
         run: str | None = typer.Option(None, "--run", help="Run id (or unique prefix): that snapshot's version."),
         version: int | None = typer.Option(None, "--version", help="Delta version to read (time travel).")):
    """Pretty-print the first rows of a table as of the latest snapshot, a run, or a Delta version."""
    import polars as pl

    from akhbar.lake import SnapshotError, read_table

    lake(output)
    if run is not None and version is not None:
        fail("give --run or --version, not both")
    try:
        df = read_table(output, table, run=run, version=version).head(limit)
    except SnapshotError as exc:
        fail(str(exc))
    with pl.Config(tbl_rows=limit, tbl_cols=-1, fmt_str_lengths=80, tbl_width_chars=200):
        console.print(str(df))


@app.command()
def history(output: Path = OutputOpt, limit: int = typer.Option(20, "--limit", "-n"),
            as_json: bool = typer.Option(False, "--json", help="Print the runs rows as JSON.")):
    """Published runs (snapshots), newest first, with the table versions each one names."""
    from akhbar.lake import snapshots

    lake(output)
    runs = snapshots(output).reverse().head(limit)
    if runs.is_empty():
        fail("no runs recorded yet")
    if as_json:
        print(json.dumps(runs.to_dicts(), indent=2, default=str, ensure_ascii=False))
        return
    t = Table(title="snapshots (newest first; --json for every field)")
    t.add_column("run_id", no_wrap=True)
    for col in ("finished_at", "code", "table versions", "quarantined", "schema changes"):
        t.add_column(col)
    for r in runs.iter_rows(named=True):
        report = json.loads(r["validation_summary"] or "{}")
        t.add_row(r["run_id"], str(r["finished_at"])[:19],
                  f"{r['code_version']} {(r['git_commit'] or '')[:8]}".strip(),
                  " ".join(f"{k}={v}" for k, v in json.loads(r["table_versions"]).items()),
                  str(report.get("quarantined", "")), r.get("schema_changes") or "")
    console.print(t)


eval_app = typer.Typer(help="Score extraction against the hand-annotated gold data in tests/gold/.")
app.add_typer(eval_app, name="eval")


GoldOpt = typer.Option(Path("tests/gold"), help="Gold folder.")
EvalInputOpt = typer.Option(Path("seeds"), "--input", "-i", help="Folder the gold data annotates.")
EvalJsonOpt = typer.Option(False, "--json", help="Print the figures (and every error) as JSON.")


def print_evaluation(kind: str, gold: Path, input: Path, as_json: bool) -> None:
    """Run the stages on INPUT and score them against GOLD/<kind> (interfaces.eval_<kind>)."""
    import importlib

    module = importlib.import_module(f"interfaces.eval_{kind}")
    result = module.evaluate(gold, input)
    if as_json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        console.print(module.render(result))


@eval_app.command("entities")
def eval_entities(gold: Path = GoldOpt, input: Path = EvalInputOpt, as_json: bool = EvalJsonOpt):
    """Precision, recall and F1 per entity type (exact span and type)."""
    print_evaluation("entities", gold, input, as_json)


@eval_app.command("events")
def eval_events(gold: Path = GoldOpt, input: Path = EvalInputOpt, as_json: bool = EvalJsonOpt):
    """Precision, recall and F1 for event detection and each argument; modality accuracy."""
    print_evaluation("events", gold, input, as_json)




def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    # `python -m interfaces.cli`: the command modules registered on interfaces.cli's app, not on __main__'s
    from interfaces.cli import main as registered_main
    registered_main()
