"""`akhbar report`: the self-contained HTML report of a snapshot (flows/report.py writes it)."""

from __future__ import annotations

from pathlib import Path

import typer

from interfaces.common import ExitCode, OutputOpt, app, console, fail, lake


@app.command()
def report(run: str | None = typer.Option(None, "--run", help="Run id (default: latest snapshot)."),
           dest: Path | None = typer.Option(None, "--dest", help="HTML file to write "
                                                                  "(default OUTPUT/reports/report_RUN.html)."),
           output: Path = OutputOpt):
    """Write one self-contained HTML file for a snapshot (timeline, map, top actors and places,
    modalities, sources, the incidents with their Arabic evidence); it needs no network to read."""
    from akhbar.lake import SnapshotError, is_table
    from flows.report import write_html_report

    lake(output)
    if not is_table(output, "incidents"):
        fail(f"no incidents table under {output / 'lake'}: run `akhbar run` with this version first", ExitCode.NOT_FOUND)
    if dest is not None and dest.is_dir():
        fail(f"--dest '{dest}' is a folder: give a file path, e.g. {dest / 'report.html'}", ExitCode.USAGE)
    try:
        info = write_html_report(output, run=run, dest=dest)
    except SnapshotError as exc:
        fail(str(exc), ExitCode.NOT_FOUND)
    except OSError as exc:
        fail(f"cannot write the report: {exc}", ExitCode.IO)
    console.print(f"wrote {info['path']} ({info['bytes'] / 1024:.0f} KiB, {info['incidents']} incidents, "
                  f"rendered in {info['seconds']:.2f} s)", highlight=False)
