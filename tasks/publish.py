"""Publish stage: the validated tables become one lake snapshot (akhbar/lake/write.py does the
writing; see its docstring and docs/publish.md for how a snapshot is committed)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from akhbar.lake.write import publish as write_snapshot


def publish(output_dir: Path | str, tables: dict[str, pl.DataFrame], run_row: dict,
            allow_breaking_schema: bool = False, rewrite: tuple[str, ...] = ()) -> dict[str, int]:
    """Publish validated tables as one snapshot; return {table: Delta version} including `runs`.
    `rewrite`: tables written in full whatever the previous snapshot holds (a damaged state table)."""
    return write_snapshot(output_dir, tables, run_row, allow_breaking_schema=allow_breaking_schema, rewrite=rewrite)
