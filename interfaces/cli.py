"""`akhbar`: run the pipeline and read its tables.

Every command that reads tables takes the same --output DIR (default data/),
and tables live at OUTPUT/lake/NAME as Delta tables.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.table import Table

from interfaces.common import (DEFAULTS, DaskAddressOpt, DaskWorkersOpt, ExitCode, OutputOpt, PartitionsOpt,
                               TaskRunnerOpt, WorkersOpt, app, check_output_writable, check_prefect_api,
                               check_task_runner, console, err, fail, quiet_prefect_tracebacks)
from akhbar.perf import loading_without_gc
from flows.settings import prefect_api, silence_shutdown_noise
from interfaces import cli_data, cli_ops, cli_report, cli_train  # noqa: F401  (their commands register on `app`)
from interfaces.cli_data import render_validation


@app.command()
def run(input: Path = typer.Option(Path("seeds"), "--input", "-i", help="Folder of input files (recursive)."),
        output: Path = OutputOpt,
        partitions: int = PartitionsOpt, workers: int = WorkersOpt,
        max_failure_share: float = typer.Option(DEFAULTS.max_failure_share, min=0.0, max=1.0,
                                                help="Quarantined share above which nothing is published."),
        allow_breaking_schema: bool = typer.Option(
            False, "--allow-breaking-schema", help="Allow dropping or retyping columns of published tables."),
        allow_empty: bool = typer.Option(
            False, "--allow-empty", help="Accept a run in which no document is accepted (else exit 6)."),
        task_runner: str = TaskRunnerOpt, dask_address: str | None = DaskAddressOpt,
        dask_workers: int = DaskWorkersOpt,
        cache: bool = typer.Option(True, "--cache/--no-cache", help="Reuse stage results of unchanged partitions."),
        ner_tagger: str | None = typer.Option(
            None, "--ner-tagger", help="crf: the trained tagger adds the people, organisations and places the rules "
            "miss (default, also AKHBAR_NER_TAGGER); none: the rules alone, about 1.8x faster end to end."),
        as_json: bool = typer.Option(False, "--json", help="Print the run summary as JSON.")):
    """Run the pipeline on INPUT and publish a new snapshot of every table under OUTPUT/lake.

    Uses the Prefect server named by PREFECT_API_URL when set (see `akhbar server`),
    else a temporary local one.
    """
    if not input.exists():
        fail(f"input folder '{input}' does not exist: give a folder of news files with --input", ExitCode.NOT_FOUND)
    if not input.is_dir():
        fail(f"input '{input}' is not a folder: give the folder holding it with --input", ExitCode.USAGE)
    if not os.access(input, os.R_OK | os.X_OK):
        fail(f"input folder '{input}' cannot be read: check its permissions", ExitCode.IO)
    if ner_tagger not in (None, "crf", "none"):
        fail(f"--ner-tagger must be crf or none, not '{ner_tagger}'", ExitCode.USAGE)
    check_output_writable(output)
    check_task_runner(task_runner, dask_address)
    check_prefect_api()
    silence_shutdown_noise()
    # a temporary API server (when no PREFECT_API_URL) starts first (the console script starts it before
    # even importing this module): its start overlaps the lock check, the pipeline's imports and the flow's set-up
    with prefect_api(wait=False) as api:
        check_lock_free(output)
        with run_progress(enabled=not as_json, live=sys.stdout.isatty()):   # covers Prefect's start-up too
            summary = run_flow(api, input, output, cache, as_json, task_runner=task_runner,
                               dask_address=dask_address, dask_workers=dask_workers,
                               config=dict(partitions=partitions, workers=workers, max_failure_share=max_failure_share,
                                           allow_breaking_schema=allow_breaking_schema, allow_empty=allow_empty,
                                           **({} if ner_tagger is None else dict(ner_tagger=ner_tagger))))
    reasons = rejection_reasons(output, summary)
    if as_json:
        print(json.dumps(dict(summary, rejections=reasons), indent=2, default=str))
    else:
        print_summary(summary, reasons)
    accepted = summary.get("documents_by_status", {}).get("ok", 0)
    if not accepted and not allow_empty:
        seen = sum(summary.get("documents_by_status", {}).values())
        why = ", ".join(f"{r} {n}" for r, n in reasons.items()) or "no input file found"
        fail(f"no document of '{input}' was accepted ({seen} seen; {why}): check --input, "
             "or pass --allow-empty when an empty input is expected", ExitCode.REFUSED)


def run_flow(api, input: Path, output: Path, cache: bool, as_json: bool, task_runner: str,
             dask_address: str | None, dask_workers: int, config: dict) -> dict:
    """The pipeline flow on INPUT (once the API answers); a refused validation is one line and exit 6."""
    with loading_without_gc():           # imports and set-up: long-lived objects only
        from flows.pipeline import pipeline, prepare
        from flows.runtime import task_runner as make_runner
        from tasks.validate import ValidationError

        quiet_prefect_tracebacks()   # after Prefect's import: it sets up the console handler
        flow = pipeline.with_options(task_runner=make_runner(task_runner, dask_address, dask_workers))
        params = dict(input_dir=str(input), output_dir=str(output), cache=cache, config=config)
        prepare()                        # while the API server starts: stage code versions, and the
        flow.serialize_parameters(params)  # flow call's first step (it imports Prefect's JSON encoder)
    api.wait()
    try:
        return flow(**params)
    except ValidationError as exc:
        if exc.check == "empty_input":
            fail(str(exc), ExitCode.REFUSED)
        if exc.report and not as_json:
            console.print(render_validation(exc.report))
        fail(f"validation failed on check '{exc.check}', nothing published: {exc}", ExitCode.REFUSED)


def check_lock_free(output: Path) -> None:
    """Refuse before Prefect starts when another live writer holds the output (a crashed run's lock is
    removed by the run itself)."""
    from akhbar.lake.lock import describe, is_stale, lock_path, read_lock

    info = read_lock(output)
    if info is not None and not is_stale(info):
        fail(f"{lock_path(output)} is held by {describe(info)}: wait for it to finish, or `akhbar unlock` "
             "if it crashed", ExitCode.LOCK_HELD)


def rejection_reasons(output: Path, summary: dict) -> dict[str, int]:
    """Rejected documents of this run's snapshot by kind of reason, most frequent first (read from the
    published `documents` table: the run summary has counts by status only)."""
    if not summary.get("documents_by_status", {}).get("rejected"):
        return {}
    import polars as pl

    from akhbar.lake import SnapshotError, read_table

    try:
        docs = read_table(output, "documents", run=summary["run_id"])
    except SnapshotError:
        return {}
    rejected = docs.filter(pl.col("status") == "rejected")
    # "no Arabic text: 0% of letters are Arabic (min 30%)" -> "no Arabic text": one count per kind of reason
    kind = pl.col("reason").fill_null("(no reason)").str.split(":").list.first().str.strip_chars().alias("reason")
    counts = rejected.group_by(kind).len("n").sort(["n", "reason"], descending=[True, False])
    return dict(counts.iter_rows())


@contextmanager
def run_progress(enabled: bool, live: bool) -> Iterator[None]:
    """Progress of the flow's steps (flows/report.py `listen`): a rich display on a terminal (stage,
    steps done / planned, documents, rate, ETA), plain lines on stderr otherwise."""
    if not enabled:
        yield
        return
    import logging
    import time

    t0 = time.monotonic()
    if not live:   # said before Prefect's import, which takes seconds
        err.print("akhbar: starting Prefect and the flow ...", highlight=False, markup=False)
    from flows.report import listen

    counts: dict[str, int] = {}
    watcher = FlowCounts(counts)
    flow_logger = logging.getLogger("prefect.flow_runs")
    flow_logger.addHandler(watcher)
    try:
        if not live:
            def plain(label: str, done: int, planned: int) -> None:
                said = counts_text(counts)
                err.print(f"akhbar: step {done}/{planned} {label} done{', ' + said if said else ''} "
                          f"({time.monotonic() - t0:.1f} s)",
                          highlight=False, markup=False)

            with listen(plain):
                yield
            return
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                                   TimeRemainingColumn)

        with Progress(TextColumn("[bold]akhbar[/] {task.description:<22}"), BarColumn(), MofNCompleteColumn(),
                      TextColumn("steps {task.fields[rate]}"), TextColumn("{task.fields[docs]}"),
                      TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                      console=console, transient=True) as bar:
            task = bar.add_task("starting Prefect", total=None, rate="", docs="")
            t0 = time.monotonic()

            def update(label: str, done: int, planned: int) -> None:
                rate = done / max(time.monotonic() - t0, 1e-6)
                bar.update(task, description=label, completed=done, total=planned, rate=f"{rate:.1f}/s",
                           docs=counts_text(counts))

            # Prefect's console handler prints through its own rich Console: point it at the Live display's
            # stderr proxy, so its log lines scroll above the progress display instead of through it
            swapped = [(c, c.file) for h in logging.getLogger().handlers if (c := getattr(h, "console", None))]
            for c, _ in swapped:
                c.file = sys.stderr
            try:
                with listen(update):
                    yield
            finally:
                for c, file in swapped:
                    c.file = file
    finally:
        flow_logger.removeHandler(watcher)


class FlowCounts(logging.Handler):
    """Picks counts out of the flow's log records that carry a dict of them (flows/pipeline.py logs
    `ingest: %(files)d documents, %(new)d new, ...` with a dict): files, new, and articles as soon as
    the flow logs an `articles` count the same way."""

    def __init__(self, counts: dict[str, int]):
        super().__init__(level=logging.INFO)
        self.counts = counts

    def emit(self, record: logging.LogRecord) -> None:
        if isinstance(record.args, dict):
            self.counts.update({k: v for k, v in record.args.items() if isinstance(v, int)})


def counts_text(counts: dict[str, int]) -> str:
    parts = [f"{counts['files']} docs ({counts.get('new', 0)} new)"] if "files" in counts else []
    if "articles" in counts:
        parts.append(f"{counts['articles']} articles")
    return ", ".join(parts)


def print_summary(summary: dict, reasons: dict[str, int] | None = None) -> None:
    t = Table(title=f"akhbar run {summary['run_id']}", show_lines=False)
    t.add_column("table")
    t.add_column("rows", justify="right")
    t.add_column("version", justify="right")
    for name, n in summary["counts"].items():
        t.add_row(name, str(n), str(summary["versions"].get(name, "")))
    t.add_row("runs", "+1", str(summary["versions"].get("runs", "")))
    console.print(t)
    docs = summary.get("documents_by_status", {})
    console.print("documents: " + (", ".join(f"{k} {v}" for k, v in docs.items()) or "none"))
    if reasons:
        console.print("rejected by reason: " + ", ".join(f"{r} {n}" for r, n in reasons.items()), highlight=False)
    ing = summary.get("ingest", {})
    if ing:
        console.print(f"input: {ing['new']} new, {ing['known']} known, {ing['rejected']} newly rejected")
    console.print(render_validation(summary.get("validation", {})))
    console.print("stage seconds: " + ", ".join(f"{k} {s:.2f}" for k, s in summary["timings"].items()))
    if summary.get("cached"):
        console.print("cached partitions: " + ", ".join(f"{k} {v}" for k, v in summary["cached"].items()))


eval_app = typer.Typer(help="Score extraction against the hand-annotated gold data in tests/gold/.")
app.add_typer(eval_app, name="eval")


GoldOpt = typer.Option(Path("tests/gold"), help="Gold folder.")
EvalInputOpt = typer.Option(Path("seeds"), "--input", "-i", help="Folder the gold data annotates.")
EvalJsonOpt = typer.Option(False, "--json", help="Print the figures (and every error) as JSON.")


def print_evaluation(kind: str, gold: Path, input: Path, as_json: bool) -> None:
    """Run the stages on INPUT and score them against GOLD/<kind> (interfaces.eval_<kind>)."""
    import importlib

    for folder, what in ((gold / kind, "gold folder"), (input, "input folder")):
        if not folder.is_dir():
            fail(f"{what} '{folder}' does not exist or is not a folder (run from the repository root, "
                 "or give --gold / --input)", ExitCode.NOT_FOUND)
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
def eval_events(gold: Path = GoldOpt, input: Path = EvalInputOpt, as_json: bool = EvalJsonOpt,
                gsr: Path = typer.Option(None, "--gsr", help="Score arabic_event_gsr sentences in this folder "
                                         "(*_gsr.csv, *_spans.json) instead of the seed gold.")):
    """Precision, recall and F1 for event detection and each argument; modality accuracy."""
    if gsr is not None:
        from interfaces.eval_gsr import evaluate_gsr, render_gsr
        if not gsr.is_dir():
            fail(f"gsr folder '{gsr}' does not exist or is not a folder", ExitCode.NOT_FOUND)
        result = evaluate_gsr(gsr)
        print(json.dumps(result, indent=2, ensure_ascii=False)) if as_json else console.print(render_gsr(result))
        return
    print_evaluation("events", gold, input, as_json)


@eval_app.command("ner")
def eval_ner(conll: Path = typer.Option(..., "--conll", help="A CoNLL file: token <tab|space> label, blank line "
                                                            "between sentences (BIO; PERS/PER, LOC, ORG)."),
             model: Path = typer.Option(None, "--model", help="Model file (default: the committed tagger)."),
             dev_split: bool = typer.Option(False, "--dev-split", help="Score only the sentences `akhbar train ner` "
                                            "holds out of this file (on ANERcorp's train part: the card's dev figures)."),
             as_json: bool = EvalJsonOpt):
    """Precision, recall and F1 per type of the NER tagger on a CoNLL file (exact spans, conlleval style)."""
    from interfaces.eval_ner import evaluate_conll, render
    from tasks.entities.ner.conll import ConllError

    if not conll.is_file():
        fail(f"CoNLL file '{conll}' not found", ExitCode.NOT_FOUND)
    try:
        result = evaluate_conll(conll, model, dev_split)
    except ConllError as exc:
        fail(str(exc), ExitCode.USAGE)
    except FileNotFoundError as exc:
        fail(str(exc), ExitCode.NOT_FOUND)
    if as_json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        console.print(render(result))




def main() -> None:  # pragma: no cover
    from interfaces.launch import main as launch   # the console script's way: early server, quick exit

    launch()


if __name__ == "__main__":  # pragma: no cover
    # `python -m interfaces.cli`: the command modules registered on interfaces.cli's app, not on __main__'s
    from interfaces.cli import main as registered_main
    registered_main()
