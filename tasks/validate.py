"""Validate: check candidate tables against the contracts before anything is published.

Row-level failures go to `quarantine` (table, row_key, check, detail, run_id) and
are removed from the tables; critical failures (schema, duplicate keys) raise
ValidationError and nothing is published.
"""

from __future__ import annotations

import polars as pl
from prefect import task

from akhbar.contracts import KEYS, SCHEMAS


class ValidationError(RuntimeError):
    """A critical check failed: the run must publish nothing."""


def check_schema(name: str, df: pl.DataFrame) -> None:
    expected = SCHEMAS[name].names
    missing = [c for c in expected if c not in df.columns]
    if missing:
        raise ValidationError(f"schema check failed for table '{name}': missing columns {missing}")


def check_keys(name: str, df: pl.DataFrame) -> None:
    key = list(KEYS[name])
    dup = df.group_by(key).len().filter(pl.col("len") > 1)
    if dup.height:
        raise ValidationError(f"key check failed for table '{name}': {dup.height} duplicate key(s) on {key}, "
                              f"e.g. {dup.row(0, named=True)}")


def row_key(df: pl.DataFrame, name: str) -> pl.Expr:
    return pl.concat_str([pl.col(c).cast(pl.String) for c in KEYS[name]], separator="|")


def span_failures(name: str, df: pl.DataFrame, articles: pl.DataFrame, start: str, end: str,
                  surface: str | None) -> pl.DataFrame:
    """Rows whose article is missing, or whose span does not slice the article text (to its surface)."""
    joined = df.with_row_index("_row").join(articles.select("article_id", pl.col("text").alias("_atext")),
                                             on="article_id", how="left")
    sliced = pl.col("_atext").str.slice(pl.col(start), pl.col(end) - pl.col(start))
    missing = pl.col("_atext").is_null()
    bad_range = (pl.col(start) < 0) | (pl.col(end) <= pl.col(start)) | (pl.col(end) > pl.col("_atext").str.len_chars())
    checks = [("article_exists", missing, pl.lit("article_id not in articles"))]
    checks.append(("span_in_range", ~missing & bad_range,
                   pl.format("span {}..{} outside article text", pl.col(start), pl.col(end))))
    if surface:
        checks.append(("span_slices_surface", ~missing & ~bad_range & (sliced != pl.col(surface)),
                       pl.format("text[{}:{}] != {}", pl.col(start), pl.col(end), pl.col(surface))))
    frames = []
    for check, cond, detail in checks:
        frames.append(joined.filter(cond).select(
            pl.col("_row"), pl.lit(name).alias("table"), row_key(joined, name).alias("row_key"),
            pl.lit(check).alias("check"), detail.cast(pl.String).alias("detail")))
    return pl.concat(frames)


def validate(tables: dict[str, pl.DataFrame], run_id: str, max_failure_share: float = 0.05
             ) -> tuple[dict[str, pl.DataFrame], pl.DataFrame, dict]:
    for name, df in tables.items():
        if name in SCHEMAS:
            check_schema(name, df)
            check_keys(name, df)
    articles = tables["articles"]
    report: dict = {"checks": {}, "rows_in": {k: v.height for k, v in tables.items()}}
    failures = []
    clean = dict(tables)
    for name, surface, start, end in (("sentences", "text", "start", "end"),
                                      ("entities", "surface", "start", "end"),
                                      ("events", "trigger", "trigger_start", "trigger_end")):
        df = tables[name]
        bad = span_failures(name, df, articles, start, end, surface)
        if name == "events":  # the evidence span must also lie inside the article
            bad = pl.concat([bad, span_failures(name, df, articles, "start", "end", None)])
        if bad.height:
            clean[name] = df.with_row_index("_row").join(bad.select("_row").unique(), on="_row", how="anti").drop("_row")
            failures.append(bad.drop("_row"))
    quarantine = (pl.concat(failures).unique(maintain_order=True).with_columns(run_id=pl.lit(run_id))
                  if failures else pl.from_arrow(SCHEMAS["quarantine"].empty_table()))
    for check, n in quarantine.group_by("check").len().iter_rows():
        report["checks"][check] = n
    total = sum(v.height for k, v in tables.items() if k in ("sentences", "entities", "events")) or 1
    share = quarantine.height / total
    report["quarantined"] = quarantine.height
    report["failure_share"] = round(share, 6)
    if share > max_failure_share:
        raise ValidationError(f"{share:.1%} of rows failed validation (limit {max_failure_share:.1%}): "
                              f"{report['checks']}")
    return clean, quarantine, report


@task(name="validate")
def validate_task(tables: dict[str, pl.DataFrame], run_id: str, max_failure_share: float):
    return validate(tables, run_id, max_failure_share)
