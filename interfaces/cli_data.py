"""Consumer and operator commands over published snapshots (tables, show, history, diff, export, vacuum,
schema, unlock).

Registered on the main `akhbar` app (imported at the end of interfaces/cli.py).
Reading goes through `runs` (tasks/publish.py): 'latest' is the newest
published snapshot, never a table's raw head version.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from interfaces.common import ExitCode, OutputOpt, app, console, fail, lake


def render_validation(report: dict, examples: int = 2) -> Table | str:
    """The validation report of a run: rows failing each check, with a few examples."""
    title = (f"validation: {report.get('quarantined', 0)} rows quarantined ({report.get('failure_share', 0):.2%} "
             f"of rows, limit {report.get('max_failure_share', 0):.0%})")
    if not report.get("checks"):
        return f"{title}; every check passed"
    t = Table(title=title)
    for col in ("table/check", "rows", "examples (row key: detail)"):
        t.add_column(col, justify="right" if col == "rows" else "left")
    for check, n in report.get("checks", {}).items():
        shown = report.get("examples", {}).get(check, [])[:examples]
        t.add_row(check, str(n), "\n".join(f"{e['row_key']}: {e['detail']}" for e in shown))
    return t


@app.command()
def tables(output: Path = OutputOpt):
    """Each table with its rows and Delta version as of the latest snapshot."""
    from deltalake import DeltaTable

    from akhbar.lake import latest_snapshot, run_map

    root = lake(output)
    snap = latest_snapshot(output)
    named = run_map(snap["table_versions"]) if snap else {}
    t = Table(title=f"tables in {root}" + (f" (snapshot {snap['run_id']})" if snap else " (no published snapshot)"))
    for col in ("table", "rows", "version"):
        t.add_column(col, justify="right" if col != "table" else "left", overflow="fold")
    notes = []
    for path in sorted(p for p in root.iterdir() if (p / "_delta_log").is_dir()):
        newest = DeltaTable(str(path)).version()
        # `runs` itself: its newest version is the snapshot (a runs row is written last, when publishing is done)
        version = newest if path.name == "runs" and snap else named.get(path.name)
        if version is None:
            t.add_row(path.name, "-", "-")
            notes.append(f"{path.name}: version {newest} was written by a run that did not finish publishing; "
                         "no snapshot names it")
            continue
        rows = DeltaTable(str(path), version=version).to_pyarrow_dataset().count_rows()
        t.add_row(path.name, str(rows), str(version))
        if newest != version:
            notes.append(f"{path.name}: version {newest} (newer than the snapshot's {version}) was written by a run "
                         "that did not finish publishing; readers stay on version {version}".replace("{version}",
                                                                                                     str(version)))
    console.print(t)
    for note in notes:
        console.print(f"[yellow]note:[/] {note}", highlight=False)
    if not snap:
        console.print(f"no run has published a snapshot under {root} yet: `akhbar run --output {output}`",
                      highlight=False)


def check_version(output: Path, table: str, version: int | None) -> None:
    """A Delta version that this table has (negative versions are refused by the option's min=0)."""
    if version is None:
        return
    from deltalake import DeltaTable

    from akhbar.lake import is_table, table_path

    if not is_table(output, table):
        return   # read_table says which tables exist
    newest = DeltaTable(str(table_path(output, table))).version()
    if version > newest:
        fail(f"{table} has Delta versions 0..{newest}, not {version}: see `akhbar history --all` for the versions "
             "each run published", ExitCode.NOT_FOUND)


def check_table(output: Path, table: str) -> None:
    from akhbar.lake import is_table

    if not is_table(output, table):
        root = output / "lake"
        names = sorted(p.name for p in root.iterdir() if (p / "_delta_log").is_dir()) if root.is_dir() else []
        fail(f"no table '{table}' under {root}: tables are {', '.join(names) or 'none yet'}", ExitCode.NOT_FOUND)


@app.command()
def show(table: str = typer.Argument(..., help="Table name, e.g. articles (see `akhbar tables`)."),
         output: Path = OutputOpt,
         limit: int = typer.Option(10, "--limit", "-n", min=1, help="Rows shown (after --where)."),
         columns: str | None = typer.Option(None, "--columns", "-c",
                                            help="Columns to show, comma-separated, in this order: event_id,trigger"),
         where: list[str] = typer.Option([], "--where", "-w",
                                         help='Keep rows matching: col=value, col!=value, col>value (>=, <, <=; '
                                              'col=null), or a polars expression: pl.col("event_type") == "ATTACK". '
                                              "Repeat to combine (and)."),
         vertical: bool | None = typer.Option(None, "--vertical/--table",
                                              help="Record view (one block per row) or table view; default: "
                                                   "the table view when the columns fit the terminal."),
         run: str | None = typer.Option(None, "--run", help="Run id (or unique prefix): that snapshot's version."),
         version: int | None = typer.Option(None, "--version", min=0, help="Delta version to read (time travel).")):
    """Rows of a table as of the latest snapshot, a run, or a Delta version; long values are never cut."""
    from akhbar.contracts import KEYS
    from akhbar.lake import read_table
    from interfaces import views

    lake(output)
    if run is not None and version is not None:
        fail("give --run or --version, not both", ExitCode.USAGE)
    check_table(output, table)
    check_version(output, table, version)
    df = read_table(output, table, run=run, version=version)
    try:
        chosen = views.choose_columns(df, columns, table)
        df = views.apply_where(df, where, table)
    except views.ViewError as exc:
        fail(str(exc), exc.code)
    total = df.height
    df = df.head(limit).select(chosen)
    what = f"{table}: {df.height} of {total} rows" + (" matching --where" if where else "")
    if df.is_empty():
        console.print(what, highlight=False)
        return
    if vertical is None:
        vertical = not views.fits(df, console.width)
    if vertical:
        console.print(views.record_view(df, what, [k for k in KEYS.get(table, ()) if k in df.columns]))
    else:
        console.print(views.table_view(df, what))


def changed_tables(rows: list[dict]) -> list[dict[str, int]]:
    """Per snapshot (oldest first), the tables whose Delta version differs from the previous snapshot's
    (`runs` itself excluded: every run appends to it). Empty: a no-op run."""
    from akhbar.lake import run_map

    out, previous = [], {}
    for r in rows:
        versions = {k: v for k, v in run_map(r["table_versions"]).items() if k != "runs"}
        out.append({k: v for k, v in versions.items() if previous.get(k) != v})
        previous = versions
    return out


@app.command()
def history(output: Path = OutputOpt,
            limit: int = typer.Option(20, "--limit", "-n", min=1, help="Snapshots shown (after hiding no-op runs)."),
            show_all: bool = typer.Option(False, "--all", help="Include no-op runs (same table versions as the "
                                                                "snapshot before)."),
            changed: bool = typer.Option(False, "--changed", help="Only runs that changed a table (the default; "
                                                                  "kept for scripts that want to say so)."),
            as_json: bool = typer.Option(False, "--json", help="Print the runs rows as JSON.")):
    """Published runs (snapshots), newest first: the tables each one changed and the versions it names.

    A no-op run (a scheduled run with nothing new) publishes the same table versions as the run before
    it; those are hidden unless --all.
    """
    from akhbar.lake import run_map, snapshots

    if show_all and changed:
        fail("give --all or --changed, not both", ExitCode.USAGE)
    lake(output)
    rows = snapshots(output).to_dicts()
    if not rows:
        fail(f"no published run under {output / 'lake'} yet: `akhbar run --output {output}`", ExitCode.NOT_FOUND)
    for r, diff in zip(rows, changed_tables(rows)):
        r["changed_tables"] = diff
    shown = [r for r in rows if show_all or r["changed_tables"]]
    hidden = len(rows) - len(shown)
    shown = shown[::-1][:limit]
    if as_json:
        print(json.dumps(shown, indent=2, default=str, ensure_ascii=False))
        return
    from rich.padding import Padding

    console.print(Text(f"snapshots, newest first: {len(shown)} of {len(rows)}"
                       + (f" ({hidden} no-op runs hidden; --all shows them)" if hidden else ""), style="bold"))
    first = rows[0]["run_id"]
    for r in shown:
        report = json.loads(r["validation_summary"] or "{}")
        versions = run_map(r["table_versions"])
        diff = r["changed_tables"]
        console.print(Text.assemble((r["run_id"], "bold cyan"), f"  {str(r['finished_at'])[:19]} UTC",
                                    f"  code {r['code_version']} {(r['git_commit'] or '')[:8]}".rstrip(),
                                    f"  quarantined {report.get('quarantined', 0)}"))
        lines = [("changed: " + ("every table (first snapshot)" if r["run_id"] == first else
                                 " ".join(f"{k}->v{v}" for k, v in diff.items())) if diff else
                  "changed: nothing (no-op run)"),
                 "versions: " + " ".join(f"{k}={v}" for k, v in versions.items())]
        if r.get("schema_changes"):
            lines.append(f"schema changes: {r['schema_changes']}")
        console.print(Padding(Text("\n".join(lines)), (0, 0, 0, 2)))


# Columns that say what a diffed row is (first the type, then its text); events also get their article's title.
DESCRIBE = {"articles": ("title",), "entities": ("type", "surface", "canonical_name"),
            "events": ("event_type", "trigger", "modality")}


def describe_rows(frame, key: list[str], table: str, titles) -> dict[tuple, str]:
    """key -> a one-line description of the row (type, trigger or surface, article title)."""
    if frame.is_empty():
        return {}
    cols = [c for c in DESCRIBE.get(table, ()) if c in frame.columns]
    if "article_id" in frame.columns and table != "articles":
        frame = frame.join(titles, on="article_id", how="left")
        cols.append("article_title")
    out = {}
    for r in frame.select(*key, *cols).iter_rows(named=True):
        parts = []
        for c in cols:
            text = " ".join(str(r[c]).split()) if r.get(c) not in (None, "") else ""
            if text and text not in parts:   # a surface equal to its canonical name is said once
                parts.append(text)
        out[tuple(r[k] for k in key)] = " · ".join(p.replace("\n", " ") for p in parts)
    return out


def changed_values(old, new, changed, key: list[str], short: int = 30) -> dict[tuple, list[str]]:
    """key -> the changed columns, each as `col old->new` when both values are short, else `col`."""
    from interfaces.views import cell

    if changed.is_empty():
        return {}
    before = {tuple(r[k] for k in key): r for r in old.join(changed.select(key), on=key, how="semi").to_dicts()}
    after = {tuple(r[k] for k in key): r for r in new.join(changed.select(key), on=key, how="semi").to_dicts()}
    out = {}
    for r in changed.iter_rows(named=True):
        k = tuple(r[c] for c in key)
        said = []
        for col in r["columns"]:
            a, b = cell(before.get(k, {}).get(col)), cell(after.get(k, {}).get(col))
            said.append(f"{col} {a}->{b}" if len(a) <= short and len(b) <= short else col)
        out[k] = said
    return out


@app.command()
def diff(run_a: str = typer.Argument(..., help="Older run id (or unique prefix, or 'latest')."),
         run_b: str = typer.Argument("latest", help="Newer run id (default: latest)."),
         output: Path = OutputOpt, limit: int = typer.Option(5, "--limit", "-n", min=0, help="Rows shown per change."),
         as_json: bool = typer.Option(False, "--json", help="Print every changed key as JSON.")):
    """Articles, entities and events added, removed and changed between two snapshots, with what each row is."""
    import polars as pl

    from akhbar.contracts import KEYS
    from akhbar.lake import diff_snapshots, read_snapshot
    from akhbar.lake.ops import DIFF_TABLES

    lake(output)
    result = diff_snapshots(output, run_a, run_b)
    if as_json:
        print(json.dumps({t: {k: v.to_dicts() for k, v in parts.items()} for t, parts in result.items()},
                         ensure_ascii=False, indent=2, default=str))
        return
    old, new = (read_snapshot(output, DIFF_TABLES, run=r) for r in (run_a, run_b))
    console.print(Text(f"diff {run_a} -> {run_b}", style="bold"))
    t = Table()
    for col in ("table", "added", "removed", "changed"):
        t.add_column(col, justify="left" if col == "table" else "right")
    for table, parts in result.items():
        t.add_row(table, *(str(parts[k].height) for k in ("added", "removed", "changed")))
    console.print(t)
    for table, parts in result.items():
        key = list(KEYS[table])
        titles = {s: snap["articles"].select("article_id", pl.col("title").alias("article_title"))
                  for s, snap in (("old", old), ("new", new))}
        before = describe_rows(old[table].join(parts["removed"], on=key, how="semi"), key, table, titles["old"])
        after = describe_rows(new[table].join(pl.concat([parts["added"], parts["changed"].select(key)]), on=key,
                                              how="semi"), key, table, titles["new"])
        lines = []
        for sign, frame, names in (("+", parts["added"], after), ("-", parts["removed"], before)):
            for r in frame.head(limit).rows():
                lines.append(f"{sign} {'|'.join(map(str, r))}  {names.get(tuple(r), '')}")
        shown_changes = parts["changed"].head(limit)
        was = changed_values(old[table], new[table], shown_changes, key)
        for r in shown_changes.rows():
            k = tuple(r[:-1])
            lines.append(f"~ {'|'.join(map(str, k))}  {after.get(k, '')}  [changed: {', '.join(was[k])}]")
        more = sum(max(parts[p].height - limit, 0) for p in ("added", "removed", "changed"))
        if lines:
            console.print(Text(f"{table}:", style="bold"))
            for line in lines:
                console.print(Text("  " + line))
            if more:
                console.print(Text(f"  ... {more} more (--limit N, or --json for every key)", style="dim"))


@app.command()
def export(table: str = typer.Argument(..., help="Table name, e.g. events or incidents"),
           fmt: str | None = typer.Option(None, "--format", "-f",
                                          help="parquet | csv | jsonl | geojson (default: from --dest's suffix, "
                                               "else parquet)"),
           run: str | None = typer.Option(None, "--run", help="Run id (default: latest snapshot)."),
           version: int | None = typer.Option(None, "--version", min=0, help="Delta version instead of a run."),
           dest: Path | None = typer.Option(None, "--dest", help="File to write (default OUTPUT/exports/TABLE_RUN.EXT)."),
           excel: bool = typer.Option(False, "--excel", help="csv: UTF-8 with a BOM, so Excel shows Arabic."),
           raw: bool = typer.Option(False, "--raw", help="events/incidents: the table as published, without the "
                                                         "joined titles, URLs, names and coordinates."),
           output: Path = OutputOpt):
    """Write one table of a snapshot to a file. events and incidents come with the joins done (article
    titles, dates, URLs, place names and coordinates, readable names); csv holds lists/structs as JSON
    text; geojson is a FeatureCollection of Points for rows with coordinates."""
    from akhbar.lake import EXPORT_FORMATS, resolve_run
    from akhbar.lake.analysis import ANALYSIS_FORMATS, ANALYSIS_TABLES

    lake(output)
    if fmt is None:
        suffix = dest.suffix.lstrip(".").lower() if dest else ""
        fmt = suffix if suffix in ANALYSIS_FORMATS else "csv" if excel else "parquet"
    if fmt not in ANALYSIS_FORMATS:
        fail(f"unknown format '{fmt}': use one of {', '.join(ANALYSIS_FORMATS)}", ExitCode.USAGE)
    if excel and fmt != "csv":
        fail(f"--excel writes csv, not {fmt}", ExitCode.USAGE)
    if run is not None and version is not None:
        fail("give --run or --version, not both", ExitCode.USAGE)
    joined = table in ANALYSIS_TABLES and not raw
    if joined and version is not None:
        fail("--version reads one table; the joined export reads a snapshot: use --run (or --raw)", ExitCode.USAGE)
    check_table(output, table)
    check_version(output, table, version)
    label = f"v{version}" if version is not None else resolve_run(output, run)["run_id"]
    path = dest or output / "exports" / f"{table}_{label}.{fmt}"
    check_dest(path)
    try:
        written = write_export(output, table, fmt, path, run, version, excel, joined, fmt in EXPORT_FORMATS)
    except OSError as exc:   # polars / pyarrow: the first line of the OS's answer
        from interfaces.common import os_error_message

        fail(f"cannot write '{path}': {os_error_message(exc).split(' (os error')[0]}", ExitCode.IO)
    skipped = f" ({written['skipped']} without coordinates left out)" if written.get("skipped") else ""
    console.print(f"wrote {path}{skipped}", highlight=False)


def write_export(output: Path, table: str, fmt: str, path: Path, run, version, excel: bool, joined: bool,
                 plain_format: bool) -> dict:
    from akhbar.lake import export_table, read_table
    from akhbar.lake.analysis import analysis_frame, write_frame

    if joined:
        return write_frame(analysis_frame(output, table, run=run), fmt, path, excel=excel)
    if plain_format and not excel:
        export_table(output, table, fmt, path, run=run, version=version)
        return {}
    df = read_table(output, table, run=run, version=version)
    if fmt == "geojson" and not {"lat", "lon"} <= set(df.columns):
        fail(f"table '{table}' has no lat/lon columns: geojson covers events, incidents and entity_catalog",
             ExitCode.USAGE)
    return write_frame(df, fmt, path, excel=excel)


def check_dest(path: Path) -> None:
    """A file path that can be created: not a folder, no file where a parent folder should be."""
    if path.is_dir():
        fail(f"--dest '{path}' is a folder: give a file path, e.g. {path / 'events.parquet'}", ExitCode.USAGE)
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                fail(f"cannot write '{path}': '{parent}' is a file, not a folder", ExitCode.IO)
            if not os.access(parent, os.W_OK):
                fail(f"cannot write '{path}': no permission to create files in '{parent}'", ExitCode.IO)
            break


@app.command()
def vacuum(keep: int = typer.Option(..., "--keep", min=1, help="Newest snapshots whose table versions are kept."),
           dry_run: bool = typer.Option(False, "--dry-run", help="List the files, delete nothing."),
           output: Path = OutputOpt):
    """Delete data files that no kept snapshot needs (older snapshots can no longer be read)."""
    from akhbar.lake import vacuum as vacuum_lake

    lake(output)
    removed = vacuum_lake(output, keep, dry_run=dry_run)   # a held lock: LockError, exit 4 (interfaces.common)
    verb = "would remove" if dry_run else "removed"
    for table, files in removed.items():
        console.print(f"{table}: {verb} {len(files)} file(s)")


@app.command()
def schema(table: str | None = typer.Argument(None, help="One table (default: all)."),
           markdown: bool = typer.Option(False, "--markdown", help="Print the data dictionary as Markdown."),
           codebook: bool = typer.Option(False, "--codebook", help="Print the researchers' codebook (docs/CODEBOOK.md).")):
    """The data contract: columns, types, nullability, allowed values and checks of every table."""
    from akhbar.contracts import CONTRACT_VERSION, ENUMS, KEYS, RANGES, SCHEMAS, data_dictionary

    if codebook:
        from akhbar.codebook import codebook as render_codebook
        print(render_codebook(), end="")
        return
    if markdown:
        print(data_dictionary(), end="")
        return
    if table is not None and table not in SCHEMAS:
        fail(f"no table '{table}' in the contract: {', '.join(SCHEMAS)}", ExitCode.NOT_FOUND)
    for name in [table] if table else SCHEMAS:
        t = Table(title=f"{name} (contract {CONTRACT_VERSION}; key {', '.join(KEYS[name])})")
        for col in ("column", "type", "null", "allowed", "description"):
            t.add_column(col)
        for f in SCHEMAS[name]:
            rng = RANGES.get((name, f.name))
            allowed = " | ".join(ENUMS.get((name, f.name), ())) or (f"{rng[0]}..{rng[1]}" if rng else "")
            t.add_row(f.name, str(f.type), "yes" if f.nullable else "no", allowed,
                      (f.metadata or {}).get(b"doc", b"").decode())
        console.print(t)


@app.command()
def unlock(output: Path = OutputOpt,
           force: bool = typer.Option(False, "--force", help="Remove the lock even if its process looks alive.")):
    """Remove the writer lock left by a crashed run."""
    from akhbar.lake.lock import break_lock, describe, is_stale, lock_path, read_lock

    info = read_lock(output)
    if info is None:
        console.print(f"no lock at {lock_path(output)}")
        return
    if not is_stale(info) and not force:
        fail(f"{lock_path(output)} is held by {describe(info)}, which may still be running; "
             f"pass --force if you are sure it is not", ExitCode.LOCK_HELD)
    break_lock(output)
    console.print(f"removed the lock of {describe(info)}")
