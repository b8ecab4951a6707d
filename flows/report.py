"""What a run tells its watchers: Prefect artifacts and progress.

Artifacts are created under fixed keys (`<prefix>-run-report`,
`<prefix>-top-entities`, `<prefix>-events`, `<prefix>-progress`), so the
Prefect UI's Artifacts page shows each one's history across runs. The prefix is
the deployment name for scheduled runs (one history per served input folder)
and `akhbar` otherwise.

Progress goes to a Prefect progress artifact and to any in-process listener
(the CLI's rich progress bar registers one with `listen`).
"""

from __future__ import annotations

import contextvars
import logging
import re
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import polars as pl
from prefect.artifacts import (create_markdown_artifact, create_progress_artifact, create_table_artifact,
                               update_progress_artifact)

TOP_ENTITIES = 25
MAX_IMAGE_BYTES = 240_000   # per chart image in the incidents artifact (data URI); two stay under 500 KB
Listener = Callable[[str, int, int], None]   # (label, steps done, steps planned)
_listeners: list[Listener] = []


def artifact_prefix(deployment_name: str | None) -> str:
    """Artifact keys allow lowercase letters, digits and dashes only."""
    slug = re.sub(r"[^a-z0-9]+", "-", (deployment_name or "akhbar").lower()).strip("-")
    return slug or "akhbar"


@contextmanager
def listen(listener: Listener) -> Iterator[None]:
    """Receive progress updates of flows run in this process while the context is open."""
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)


class RunProgress:
    """Counts finished steps (a stage, or one partition of a stage) against the steps planned so far.

    The Prefect progress artifact is updated by a thread of its own, latest value first: an update
    is an API call (about 0.1 s, more on a busy machine) that no stage should wait for, and steps
    that finish while one is under way are folded into the next. `close()` sends the last one."""

    def __init__(self, prefix: str, planned: int):
        self.done, self.planned = 0, planned
        self.artifact_id = create_progress_artifact(0.0, key=f"{prefix}-progress",
                                                    description="akhbar run progress (stages and partitions)")
        self._latest: tuple[float, str] | None = None
        self._lock = threading.Lock()
        self._context = contextvars.copy_context()    # this run's Prefect settings (its API) for the sender
        self._sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="akhbar-progress")

    def plan(self, remaining: int) -> None:
        """Re-estimate the steps still to come (partitions are known only after dedupe and segment)."""
        self.planned = self.done + remaining

    def step(self, label: str) -> None:
        self.done += 1
        pct = round(100.0 * self.done / max(self.planned, self.done), 1)
        with self._lock:
            queued, self._latest = self._latest is not None, (pct, f"{label} ({self.done}/{self.planned})")
        if not queued:
            try:
                self._sender.submit(self._context.run, self._send)
            except RuntimeError:     # closed: a step after the run finished is not reported to the API
                pass
        for listener in list(_listeners):
            listener(label, self.done, self.planned)

    def _send(self) -> None:
        with self._lock:
            latest, self._latest = self._latest, None
        if latest is not None:
            try:
                update_progress_artifact(self.artifact_id, latest[0], description=latest[1])
            except Exception as exc:     # the UI's progress is not worth failing a run for
                logging.getLogger(__name__).warning("progress artifact not updated: %s", exc)

    def close(self) -> None:
        """Wait for the last update (idempotent)."""
        self._sender.shutdown(wait=True)


# --- report contents (pure: frames and dicts in, text and rows out) ---------------------------------

def count_rows(frame: pl.DataFrame, *by: str) -> list[dict]:
    """Rows per value of `by`, most frequent first (ties by value)."""
    if frame.is_empty():
        return []
    return (frame.group_by(list(by)).len("n").sort(["n", *by], descending=[True] + [False] * len(by))
            .to_dicts())


def top_entities(entities: pl.DataFrame, n: int = TOP_ENTITIES) -> list[dict]:
    if entities.is_empty():
        return []
    return (entities.group_by("entity_id").agg(
        pl.col("canonical_name").first(), pl.col("type").first(), pl.len().alias("mentions"),
        pl.col("article_id").n_unique().alias("articles"))
        .sort(["mentions", "entity_id"], descending=[True, False]).head(n).to_dicts())


def events_by_type_and_modality(events: pl.DataFrame) -> list[dict]:
    """One row per event type: a count per modality and the total."""
    if events.is_empty():
        return []
    wide = (events.group_by("event_type", "modality").len("n")
            .pivot(on="modality", index="event_type", values="n", sort_columns=True).fill_null(0))
    modalities = [c for c in wide.columns if c != "event_type"]
    return (wide.with_columns(total=pl.sum_horizontal(modalities))
            .sort(["total", "event_type"], descending=[True, False]).to_dicts())


def _md_table(rows: list[dict], empty: str = "none") -> str:
    if not rows:
        return f"_{empty}_\n"
    cols = list(rows[0])
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(str(r[c]).replace("|", "\\|") for c in cols) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def run_report_markdown(summary: dict, tables: dict[str, pl.DataFrame]) -> str:
    """The run report: input, dedupe cuts, extraction, validation, snapshot, timings and cache hits."""
    docs, ing = tables["documents"], summary["ingest"]
    rejected = docs.filter(pl.col("status") == "rejected")
    segs = tables["segments"]
    cuts = (segs.group_by("kind").agg(pl.len().alias("cuts"), pl.col("doc_id").n_unique().alias("documents"),
                                      (pl.col("end") - pl.col("start")).sum().alias("chars"))
            .sort("kind").to_dicts() if not segs.is_empty() else [])
    ents = tables["entities"]
    ent_types = (ents.group_by("type").agg(pl.len().alias("mentions"), pl.col("entity_id").n_unique().alias("entities"))
                 .sort("type").to_dicts() if not ents.is_empty() else [])
    v = summary["validation"]
    timings = [dict(stage=k, seconds=s, cached_partitions=summary["cached"].get(k, ""))
               for k, s in summary["timings"].items()]
    return "\n".join([
        f"# akhbar run `{summary['run_id']}`",
        f"Input `{summary['input_dir']}` -> output `{summary['output_dir']}`; "
        f"{summary['elapsed_s']:.2f} s from flow start, task runner `{summary['task_runner']}`.",
        "## Input",
        f"{ing['files']} documents seen: **{ing['new']} new**, {ing['known']} known from the previous snapshot, "
        f"{ing['rejected']} newly rejected.",
        _md_table(count_rows(docs, "status"), "no documents"),
        "### Rejections by reason",
        _md_table(count_rows(rejected, "reason"), "no rejected documents"),
        "## Dedupe cuts by kind",
        _md_table(cuts, "no cuts"),
        "## Extraction",
        f"{tables['articles'].height} articles, {tables['sentences'].height} sentences, "
        f"{ents.height} entity mentions, {tables['events'].height} events.",
        "### Entities by type", _md_table(ent_types, "no entities"),
        "### Events by type", _md_table(count_rows(tables["events"], "event_type"), "no events"),
        "## Validation",
        f"{v.get('quarantined', 0)} rows quarantined (failure share {v.get('failure_share', 0)}).",
        _md_table([dict(check=k, rows=n) for k, n in sorted(v.get("checks", {}).items())], "all checks passed"),
        "## Snapshot (Delta table versions)",
        _md_table([dict(table=k, version=n, rows=summary["counts"].get(k, "")) for k, n in summary["versions"].items()]),
        "## Elapsed time per stage",
        _md_table(timings),
    ])


def publish_artifacts(prefix: str, summary: dict, tables: dict[str, pl.DataFrame]) -> None:
    """The run's artifacts, created concurrently (one API call each, independent of one another),
    each in a copy of the caller's context so that it is linked to the caller's flow run."""
    run_id = summary["run_id"]
    calls = [(create_markdown_artifact, run_report_markdown(summary, tables),
              dict(key=f"{prefix}-run-report", description=f"akhbar run report {run_id}")),
             (create_table_artifact, top_entities(tables["entities"]) or [{"entity_id": "(none)"}],
              dict(key=f"{prefix}-top-entities", description=f"top {TOP_ENTITIES} entities by mentions, run {run_id}")),
             (create_table_artifact, events_by_type_and_modality(tables["events"]) or [{"event_type": "(none)"}],
              dict(key=f"{prefix}-events", description=f"events by type and modality, run {run_id}"))]
    if "incidents" in tables:
        calls.insert(2, (create_markdown_artifact, incidents_markdown(summary, tables["incidents"]),
                         dict(key=f"{prefix}-incidents", description=f"incidents and the HTML report, run {run_id}")))
    with ThreadPoolExecutor(max_workers=len(calls), thread_name_prefix="akhbar-artifacts") as pool:
        futures = [pool.submit(contextvars.copy_context().run, create, content, **kwargs)
                   for create, content, kwargs in calls]
    for future in futures:
        future.result()     # an error creating one is the run's error, as before


# --- the HTML report of a snapshot (tasks/report renders; this reads the lake and writes the file) ---

def report_path(output_dir, run_id: str):
    from pathlib import Path
    return Path(output_dir) / "reports" / f"report_{run_id}.html"


def write_html_report(output_dir, run: str | None = None, dest=None, tables: dict | None = None) -> dict:
    """Write the self-contained HTML report of one snapshot (the latest, or `run`'s) to `dest`
    (default OUTPUT/reports/report_<run_id>.html). `tables` skips the read (the flow passes its own).
    Returns {path, bytes, seconds, incidents}."""
    import time
    from pathlib import Path

    from akhbar.lake import read_snapshot, resolve_run
    from tasks.report import REPORT_TABLES, render_report

    t0 = time.perf_counter()
    snap = resolve_run(output_dir, run)
    tables = tables or read_snapshot(output_dir, list(REPORT_TABLES), run=snap["run_id"])
    html = render_report(tables, dict(snap))
    path = Path(dest) if dest else report_path(output_dir, snap["run_id"])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(path)
    return dict(path=str(path), bytes=path.stat().st_size, seconds=round(time.perf_counter() - t0, 3),
                incidents=tables["incidents"].height, run_id=snap["run_id"])


def html_report(output_dir, tables: dict, logger) -> dict | None:
    """The run's HTML report, written after publish; a failure is logged, never fails the published run."""
    try:
        wanted = {k: tables[k] for k in ("incidents", "events", "sentences", "articles")}
        held = all(isinstance(v, pl.DataFrame) for v in wanted.values())   # else on disk: read the snapshot
        return write_html_report(output_dir, tables=wanted if held else None)
    except Exception as exc:   # noqa: BLE001 - the snapshot is published; the report is a by-product
        logger.warning("HTML report not written: %s: %s", type(exc).__name__, exc)
        return None


def incidents_markdown(summary: dict, incidents: pl.DataFrame) -> str:
    """Prefect artifact: incidents by type and a link to the run's HTML report (timeline, map)."""
    from pathlib import Path

    rep = summary.get("report_html")
    link = (f"[HTML report]({Path(rep['path']).resolve().as_uri()}) ({rep['bytes'] / 1024:.0f} KiB, rendered in "
            f"{rep['seconds']:.2f} s): timeline, map, top actors and places, evidence sentences."
            if rep else "_HTML report not written (see the run log)_")
    return "\n".join([f"# Incidents, run `{summary['run_id']}`", link, "",
                       f"{incidents.height} incidents; {incidents.filter(pl.col('lat').is_not_null()).height} located, "
                       f"{incidents.filter(pl.col('date').is_not_null()).height} dated.", "",
                       *chart_markdown(incidents),
                       _md_table(count_rows(incidents, "event_type"), "no incidents")])


def chart_markdown(incidents: pl.DataFrame, budget: int = MAX_IMAGE_BYTES) -> list[str]:
    """The report's timeline and map as markdown images with base64 SVG data URIs (nothing fetched;
    the Prefect UI renders them); a chart whose URI would pass `budget` bytes is left out, said so."""
    import base64

    from tasks.report import chart_images

    lines = []
    for name, (caption, svg) in chart_images(incidents).items():
        uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
        title = f"{'Timeline' if name == 'timeline' else 'Map'}: {caption}"
        body = f"![{name}]({uri})" if len(uri) <= budget else f"_{name} left out: {len(uri) // 1024} KiB as an image_"
        lines += [f"## {title}", body, ""]
    return lines
