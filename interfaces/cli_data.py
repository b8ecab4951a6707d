"""Consumer and operator commands over published snapshots (diff, export, vacuum, schema, unlock).

Registered on the main `akhbar` app (imported at the end of interfaces/cli.py).
Reading goes through `runs` (tasks/publish.py): 'latest' is the newest
published snapshot, never a table's raw head version.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from interfaces.common import OutputOpt, app, console, fail, lake


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
def diff(run_a: str = typer.Argument(..., help="Older run id (or unique prefix, or 'latest')."),
         run_b: str = typer.Argument("latest", help="Newer run id (default: latest)."),
         output: Path = OutputOpt, limit: int = typer.Option(5, "--limit", "-n", help="Keys shown per change."),
         as_json: bool = typer.Option(False, "--json", help="Print every changed key as JSON.")):
    """Articles, entities and events added, removed and changed (by key) between two snapshots."""
    from akhbar.lake import SnapshotError, diff_snapshots

    lake(output)
    try:
        result = diff_snapshots(output, run_a, run_b)
    except SnapshotError as exc:
        fail(str(exc))
    if as_json:
        print(json.dumps({t: {k: v.to_dicts() for k, v in parts.items()} for t, parts in result.items()},
                         ensure_ascii=False, indent=2, default=str))
        return
    t = Table(title=f"diff {run_a} -> {run_b}")
    for col in ("table", "added", "removed", "changed", "examples"):
        t.add_column(col)
    for table, parts in result.items():
        ex = [f"+{'|'.join(map(str, r))}" for r in parts["added"].head(limit).rows()]
        ex += [f"-{'|'.join(map(str, r))}" for r in parts["removed"].head(limit).rows()]
        ex += [f"~{'|'.join(map(str, r[:-1]))} ({', '.join(r[-1])})" for r in parts["changed"].head(limit).rows()]
        t.add_row(table, *(str(parts[k].height) for k in ("added", "removed", "changed")), "\n".join(ex))
    console.print(t)


@app.command()
def export(table: str = typer.Argument(..., help="Table name, e.g. events"),
           fmt: str = typer.Option("parquet", "--format", "-f", help="parquet | csv | jsonl"),
           run: str | None = typer.Option(None, "--run", help="Run id (default: latest snapshot)."),
           version: int | None = typer.Option(None, "--version", help="Delta version instead of a run."),
           dest: Path | None = typer.Option(None, "--dest", help="File to write (default OUTPUT/exports/TABLE_RUN.EXT)."),
           output: Path = OutputOpt):
    """Write one table of a snapshot to a parquet, csv or jsonl file (csv: lists/structs as JSON text)."""
    from akhbar.lake import EXPORT_FORMATS, SnapshotError, export_table, resolve_run

    lake(output)
    if fmt not in EXPORT_FORMATS:
        fail(f"unknown format '{fmt}': use one of {', '.join(EXPORT_FORMATS)}")
    try:
        label = f"v{version}" if version is not None else resolve_run(output, run)["run_id"]
        path = export_table(output, table, fmt, dest or output / "exports" / f"{table}_{label}.{fmt}",
                            run=run, version=version)
    except SnapshotError as exc:
        fail(str(exc))
    console.print(f"wrote {path}")


@app.command()
def vacuum(keep: int = typer.Option(..., "--keep", help="Newest snapshots whose table versions are kept."),
           dry_run: bool = typer.Option(False, "--dry-run", help="List the files, delete nothing."),
           output: Path = OutputOpt):
    """Delete data files that no kept snapshot needs (older snapshots can no longer be read)."""
    from akhbar.lake.lock import LockError
    from akhbar.lake import vacuum as vacuum_lake

    lake(output)
    try:
        removed = vacuum_lake(output, keep, dry_run=dry_run)
    except (LockError, ValueError) as exc:
        fail(str(exc))
    verb = "would remove" if dry_run else "removed"
    for table, files in removed.items():
        console.print(f"{table}: {verb} {len(files)} file(s)")


@app.command()
def schema(table: str | None = typer.Argument(None, help="One table (default: all)."),
           markdown: bool = typer.Option(False, "--markdown", help="Print the data dictionary as Markdown.")):
    """The data contract: columns, types, nullability, allowed values and checks of every table."""
    from akhbar.contracts import CONTRACT_VERSION, ENUMS, KEYS, RANGES, SCHEMAS, data_dictionary

    if markdown:
        print(data_dictionary(), end="")
        return
    if table is not None and table not in SCHEMAS:
        fail(f"no table '{table}' in the contract: {', '.join(SCHEMAS)}")
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
             f"pass --force if you are sure it is not")
    break_lock(output)
    console.print(f"removed the lock of {describe(info)}")
