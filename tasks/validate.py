"""Validate: check candidate tables against the contracts before anything is published.

Every rule comes from akhbar/contracts.py (SCHEMAS, KEYS, ENUMS, RANGES, SPANS,
REFERENCES, DATES, ARABIC_TEXT, COUNTS). Two severities:

- critical (schema: a contract column missing or not castable to its type;
  keys: a duplicate key): ValidationError, the run publishes nothing;
- row-level (everything else): the row goes to `quarantine` (table, row_key,
  check, detail, run_id) and is removed from its table. Tables are checked in
  reference order, so a row whose parent was quarantined follows it there.

If the quarantined share of all rows passes `max_failure_share`, the run
publishes nothing either (ValidationError naming the worst check).

A row-level check that raises (rather than finding bad rows) does not stop the
run: it is recorded as a quarantine row `validate_error:<check group>` naming the
error and the function that raised, and the other checks go on. Span checks are
linear in the size of the text: each span is sliced once from its article's
text in Python (a str index is O(1)), never by a per-row character scan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import polars as pl

from akhbar.faults import error_detail
from akhbar.text.normalise import ARABIC_LETTER
from akhbar.contracts import (ARABIC_TEXT, CONTRACT_VERSION, COUNTS, DATES, EARLIEST_DATE, ENUMS, KEYS,
                              MIN_ARABIC_SHARE, RANGES, REFERENCES, SCHEMAS, SPANS, contract_dtypes)

# Candidate tables, parents before children (see REFERENCES).
CHECK_ORDER = ("documents", "segments", "articles", "sentences", "entity_catalog", "entities", "events")
OPTIONAL = ("incidents",)   # checked after the others when given (callers before the incidents stage pass none)
EXAMPLES_PER_CHECK = 3
SPAN_BATCH_ARTICLES = 2_000   # articles whose texts (as Python strings) the span checks hold at once
FAILURE_COLUMNS = ("_row", "table", "row_key", "check", "detail")


class ValidationError(RuntimeError):
    """A critical check failed, or too many rows did: the run must publish nothing."""

    def __init__(self, message: str, check: str = "", report: dict | None = None):
        super().__init__(message)
        self.check = check
        self.report = report or {}

    def __reduce__(self):  # picklable with its fields (Prefect may persist a failed task's exception)
        return ValidationError, (str(self), self.check, self.report)


def check_schema(name: str, df: pl.DataFrame) -> pl.DataFrame:
    """Critical: every contract column present and castable to its type. Returns df with those columns cast."""
    expected = contract_dtypes(name)
    missing = [c for c in expected if c not in df.columns]
    if missing:
        raise ValidationError(f"schema check failed for table '{name}': missing columns {missing}", "schema")
    casts = []
    for col, dtype in expected.items():
        if df.schema[col] == dtype:
            continue
        try:
            df.select(pl.col(col).cast(dtype, strict=True))
        except (pl.exceptions.PolarsError, TypeError, ValueError) as exc:
            raise ValidationError(f"schema check failed for table '{name}': column '{col}' is "
                                  f"{df.schema[col]}, contract says {dtype} ({str(exc).splitlines()[0]})",
                                  "schema") from exc
        casts.append(pl.col(col).cast(dtype))
    return df.with_columns(casts) if casts else df


def check_keys(name: str, df: pl.DataFrame) -> None:
    key = list(KEYS[name])
    dup = df.group_by(key).len().filter(pl.col("len") > 1)
    if dup.height:
        raise ValidationError(f"key check failed for table '{name}': {dup.height} duplicate key(s) on {key}, "
                              f"e.g. {dup.row(0, named=True)}", "key")


def check_keys_in_parts(name: str, read_keys: Callable[[], Iterable[pl.DataFrame]]) -> None:
    """check_keys over a table's key columns read part by part (`read_keys`, e.g. a generator: each
    part hashed and dropped before the next is read): a 64-bit hash per row is what is held for the
    whole table (8 bytes a row, not the key strings); only when two hashes are equal are the keys
    read again and compared."""
    key = list(KEYS[name])
    hashes = [f.select(pl.struct(key).hash(0).alias("_h")) for f in read_keys()]
    if hashes and pl.concat(hashes).get_column("_h").is_duplicated().any():
        check_keys(name, pl.concat(read_keys()))


def row_key(name: str) -> pl.Expr:
    """The row's key as one string (the quarantine's row_key)."""
    return pl.concat_str([pl.col(c).cast(pl.String).fill_null("<null>") for c in KEYS[name]], separator="|")


def shown(expr: pl.Expr) -> pl.Expr:
    """A value as text for a detail message (pl.format would turn a null into a null message)."""
    return expr.cast(pl.String).fill_null("null")


def failures(name: str, df: pl.DataFrame, bad: pl.Expr, check: str, detail: pl.Expr) -> pl.LazyFrame:
    """Failure rows (see FAILURE_COLUMNS) of `df` (which has a `_row` index) where `bad` is true:
    a lazy query, so `row_failures` runs a table's checks together, on every core."""
    return df.lazy().filter(bad.fill_null(False)).select(
        pl.col("_row"), pl.lit(name).alias("table"), row_key(name).alias("row_key"),
        pl.lit(check).alias("check"), detail.cast(pl.String).fill_null("").alias("detail"))


def rules_for(name: str, rules) -> list[tuple]:
    """The rules of one table, without the table name: REFERENCES etc. rows start with it."""
    return [rule[1:] for rule in rules if rule[0] == name]


def column_checks(name: str, df: pl.DataFrame) -> list[pl.LazyFrame]:
    """Non-null columns, enumerations and ranges."""
    out = []
    for f in SCHEMAS[name]:
        if not f.nullable:
            out.append(failures(name, df, pl.col(f.name).is_null(), f"not_null:{f.name}",
                                pl.lit(f"{f.name} is null")))
    for (table, col), allowed in ENUMS.items():
        if table == name:
            detail = pl.format("{} = '{}' not in {}", pl.lit(col), shown(pl.col(col)), pl.lit("|".join(allowed)))
            out.append(failures(name, df, ~pl.col(col).is_in(list(allowed)), f"enum:{col}", detail))
    for (table, col), (lo, hi) in RANGES.items():
        if table != name:
            continue
        c = pl.col(col)
        bad = c.is_nan() if df.schema[col].is_float() else pl.lit(False)
        bad = bad | (c < lo if lo is not None else False) | (c > hi if hi is not None else False)
        detail = pl.format("{} = {} outside {}..{}", pl.lit(col), shown(c), pl.lit(str(lo)), pl.lit(str(hi)))
        out.append(failures(name, df, bad, f"range:{col}", detail))
    return out


def span_checks(name: str, df: pl.DataFrame, clean: dict[str, pl.DataFrame]) -> list[pl.LazyFrame]:
    """Spans into articles.text (rows whose article is missing are left to the reference check).

    Linear in the size of the texts: bounds are checked against each article's length (a join
    of lengths, not of texts), and a surface is compared with `text[start:end]` sliced in Python,
    where indexing a str is O(1). Slicing the joined text in polars (`str.slice` counts characters
    from the start of the article for every span) was quadratic in the article's size.
    Bounded memory: only the columns the checks read are joined, and the Python strings (article
    texts, sliced surfaces) exist for SPAN_BATCH_ARTICLES articles at a time; each batch's failures
    are collected before the next batch is sliced."""
    rules = rules_for(name, SPANS)
    if not rules:
        return []
    arts = clean["articles"]
    need = dict.fromkeys(["_row", *KEYS[name], "article_id", *(c for rule in rules for c in rule if c)])
    batch = (pl.int_range(pl.len(), dtype=pl.Int64) // SPAN_BATCH_ARTICLES).alias("_batch")
    j = df.select(list(need)).join(arts.select("article_id", _alen=pl.col("text").str.len_chars(), _batch=batch),
                                   on="article_id", how="inner")
    found: list[list[pl.DataFrame]] = [[] for _ in rules]
    for b, lo in enumerate(range(0, arts.height, SPAN_BATCH_ARTICLES)):
        texts = arts.slice(lo, SPAN_BATCH_ARTICLES).select("article_id", "text")
        texts = dict(zip(texts["article_id"].to_list(), texts["text"].to_list()))
        part = j.filter(pl.col("_batch") == b)
        for i, rule in enumerate(rules):
            found[i].append(span_failures(name, part, texts, *rule).collect())
        del texts, part
    return [pl.concat(parts).lazy() if parts else failures(name, j, pl.lit(False), f"span:{s}..{e}", pl.lit(""))
            for parts, (s, e, _) in zip(found, rules)]


def span_failures(name: str, j: pl.DataFrame, texts: dict[str, str], start: str, end: str,
                  surface: str | None) -> pl.LazyFrame:
    """One span rule's failures among rows `j` (with `_alen`, their article's length), whose
    articles' texts are in `texts`."""
    s, e = pl.col(start), pl.col(end)
    outside = (s < 0) | (e < s) | (e > pl.col("_alen"))
    bad, detail = outside, pl.format("span {}..{} outside the article text", s, e)
    frame = j
    if surface:
        sliced = [texts[a][b:c] if b is not None and c is not None else None
                  for a, b, c in zip(j["article_id"].to_list(), j[start].to_list(), j[end].to_list())]
        frame = j.with_columns(_slice=pl.Series(sliced, dtype=pl.String))
        differs = pl.col("_slice") != pl.col(surface)
        bad = outside | differs
        detail = (pl.when(outside).then(detail)
                  .otherwise(pl.format("text[{}:{}] = '{}' != {} '{}'", s, e, pl.col("_slice"),
                                       pl.lit(surface), pl.col(surface))))
    return failures(name, frame, bad, f"span:{start}..{end}", detail)


def reference_checks(name: str, df: pl.DataFrame, clean: dict[str, pl.DataFrame]) -> list[pl.LazyFrame]:
    out = []
    for cols, ref, ref_cols in rules_for(name, REFERENCES):
        target = clean[ref].select([pl.col(r).alias(c) for c, r in zip(cols, ref_cols)]).unique()
        check = f"reference:{'+'.join(cols)}"
        if len(cols) == 1 and isinstance(df.schema[cols[0]], pl.List):
            col = cols[0]
            missing = (df.select("_row", col).explode(col, keep_nulls=False, empty_as_null=False)
                       .filter(pl.col(col).is_not_null()).join(target, on=col, how="anti")
                       .group_by("_row").agg(pl.col(col).unique().sort().str.join(", ").alias("_missing")))
            j = df.join(missing, on="_row", how="inner")
            out.append(failures(name, j, pl.lit(True), check,
                                pl.format("{} [{}] not in {}", pl.lit(col), pl.col("_missing"), pl.lit(ref))))
        else:
            present = pl.all_horizontal([pl.col(c).is_not_null() for c in cols])
            j = df.filter(present).join(target, on=list(cols), how="anti")
            shown = pl.concat_str([pl.col(c).cast(pl.String) for c in cols], separator="|")
            out.append(failures(name, j, pl.lit(True), check,
                                pl.format("{} = {} not in {}", pl.lit("+".join(cols)), shown, pl.lit(ref))))
    return out


def date_checks(name: str, df: pl.DataFrame, as_of: dt.date) -> list[pl.LazyFrame]:
    out = []
    earliest = dt.date.fromisoformat(EARLIEST_DATE)
    for col, prec in rules_for(name, DATES):
        d = pl.col(col)
        out.append(failures(name, df, (d < earliest) | (d > as_of), f"date_plausible:{col}",
                            pl.format("{} = {} not within {}..{}", pl.lit(col), shown(d), pl.lit(str(earliest)),
                                      pl.lit(str(as_of)))))
        detail = pl.format("{} = {} with {} = {}", pl.lit(col), shown(d), pl.lit(prec), shown(pl.col(prec)))
        out.append(failures(name, df, d.is_null() != (pl.col(prec) == "unknown"), f"date_precision:{col}", detail))
    return out


def text_checks(name: str, df: pl.DataFrame) -> list[pl.LazyFrame]:
    out = []
    for (col,) in rules_for(name, ARABIC_TEXT):
        c = pl.col(col)
        empty = c.str.strip_chars().str.len_chars() == 0
        share = c.str.count_matches(ARABIC_LETTER.pattern) / c.str.count_matches(r"\p{L}")
        out.append(failures(name, df, empty, f"text_non_empty:{col}", pl.lit(f"{col} is empty")))
        share = share.fill_nan(0.0).round(2)  # no letters at all: 0/0
        out.append(failures(name, df, ~empty & (share < MIN_ARABIC_SHARE), f"text_arabic:{col}",
                            pl.format("share of Arabic letters {} < {}", share, pl.lit(MIN_ARABIC_SHARE))))
    return out


def count_checks(name: str, df: pl.DataFrame, candidates: dict[str, pl.DataFrame]) -> list[pl.LazyFrame]:
    """Counts against the counted table as the stages produced it (before quarantine); a counted
    table given as partial counts (a `_n` column per key and part) is summed instead of counted."""
    out = []
    for col, counted, on in rules_for(name, COUNTS):
        rows = candidates[counted]
        n = (rows.group_by(list(on)).agg(pl.col("_n").sum().cast(pl.UInt32)) if "_n" in rows.columns
             else rows.group_by(list(on)).len("_n"))
        j = df.join(n, on=list(on), how="left").with_columns(pl.col("_n").fill_null(0))
        detail = pl.format("{} = {} but {} has {}", pl.lit(col), pl.col(col), pl.lit(counted), pl.col("_n"))
        out.append(failures(name, j, pl.col(col) != pl.col("_n"), f"count:{col}", detail))
    return out


def check_error(name: str, group: str, exc: BaseException) -> pl.DataFrame:
    """A failure row for a check that raised instead of judging rows: nothing is removed (_row null)."""
    return pl.DataFrame({"_row": [None], "table": [name], "row_key": [f"<{group} checks>"],
                         "check": [f"validate_error:{group}"], "detail": [f"validate: {error_detail(exc)}"]},
                        schema={"_row": pl.UInt32, "table": pl.String, "row_key": pl.String, "check": pl.String,
                                "detail": pl.String})


def row_failures(name: str, df: pl.DataFrame, clean: dict[str, pl.DataFrame], candidates: dict[str, pl.DataFrame],
                 as_of: dt.date) -> pl.DataFrame:
    """Every row-level failure of one table; `df` carries a `_row` index.

    A check group that raises becomes one `validate_error:<group>` row; the others still run."""
    groups = (("column", lambda: column_checks(name, df)), ("reference", lambda: reference_checks(name, df, clean)),
              ("span", lambda: span_checks(name, df, clean)), ("date", lambda: date_checks(name, df, as_of)),
              ("text", lambda: text_checks(name, df)), ("count", lambda: count_checks(name, df, candidates)))
    built, errors = [], []
    for group, build in groups:
        try:
            built += [(group, f.select(FAILURE_COLUMNS)) for f in build()]
        except Exception as exc:
            errors.append(check_error(name, group, exc))
    try:
        found = pl.concat([f for _, f in built]).collect() if built else None
    except Exception:  # find the check that raises; the others' failures still count
        parts = []
        for group, f in built:
            try:
                parts.append(f.collect())
            except Exception as exc:
                errors.append(check_error(name, group, exc))
        found = pl.concat(parts) if parts else None
    frames = ([found.with_columns(pl.col("_row").cast(pl.UInt32))] if found is not None else []) + errors
    if not frames:
        return check_error(name, "none", RuntimeError("no checks")).clear()
    return pl.concat(frames).unique(["_row", "check"], maintain_order=True)


def build_report(rows_in: dict[str, int], rows_out: dict[str, int], quarantine: pl.DataFrame,
                 max_failure_share: float, ignored: dict[str, list[str]]) -> dict:
    """The validation summary from each table's row counts before and after the checks."""
    removed = sum(rows_in[k] - rows_out[k] for k in rows_in)
    by_check = quarantine.group_by("table", "check").agg(pl.len(), pl.struct("row_key", "detail")
                                                         .head(EXAMPLES_PER_CHECK).alias("examples"))
    by_check = by_check.sort("len", "table", "check", descending=[True, False, False])
    return {
        "contract_version": CONTRACT_VERSION,
        "rows_in": rows_in,
        "rows_out": rows_out,
        "quarantined": removed,
        "failures": quarantine.height,
        "failure_share": round(removed / max(sum(rows_in.values()), 1), 6),
        "max_failure_share": max_failure_share,
        "checks": {f"{t}/{c}": n for t, c, n, _ in by_check.iter_rows()},
        "examples": {f"{t}/{c}": ex for t, c, _, ex in by_check.iter_rows()},
        "ignored_columns": ignored,
    }


def validate(tables: dict[str, pl.DataFrame], run_id: str, max_failure_share: float = 0.05,
             as_of: dt.datetime | None = None) -> tuple[dict[str, pl.DataFrame], pl.DataFrame, dict]:
    """Check the candidate tables; return (clean tables, quarantine rows, report) or raise ValidationError.

    `as_of` is the run's start (dates after it are implausible); default now.
    """
    missing = [t for t in CHECK_ORDER if t not in tables]
    if missing:
        raise ValidationError(f"schema check failed: candidate tables missing {missing}", "schema")
    tally = Tally((as_of or dt.datetime.now(dt.timezone.utc)).date())
    candidates = {}
    for name in CHECK_ORDER + tuple(t for t in OPTIONAL if t in tables):
        candidates[name] = tally.prepare(name, tables[name])   # internal columns (ingest's is_new) are ignored
        check_keys(name, candidates[name])
    clean: dict[str, pl.DataFrame] = {}
    for name in candidates:
        clean[name] = tally.check(name, candidates[name], clean, candidates)
    quarantine, report = tally.conclude(list(candidates), run_id, max_failure_share)
    return clean, quarantine, report


def conclude(failed: list[pl.DataFrame], rows_in: dict[str, int], rows_out: dict[str, int], run_id: str,
             max_failure_share: float, ignored: dict[str, list[str]]) -> tuple[pl.DataFrame, dict]:
    """The quarantine rows and the report; ValidationError when too many rows failed."""
    quarantine = (pl.concat(failed).with_columns(run_id=pl.lit(run_id))
                  .cast(contract_dtypes("quarantine")).select(SCHEMAS["quarantine"].names))
    report = build_report(rows_in, rows_out, quarantine, max_failure_share, ignored)
    if report["failure_share"] > max_failure_share:
        worst = next(iter(report["checks"]), "?")
        raise ValidationError(f"{report['failure_share']:.1%} of rows failed validation (limit "
                              f"{max_failure_share:.1%}); most failures: {worst} "
                              f"({report['checks'].get(worst, 0)} rows)", worst, report)
    return quarantine, report


# --- validation one article partition at a time ---------------------------------------------------

# Article-keyed tables: every row of one article partition refers only to articles and sentences of
# that partition, so they can be checked one partition at a time (`validate_parts`).
ARTICLE_TABLES = ("articles", "sentences", "entities", "events")
Reader = Callable[..., pl.DataFrame]       # (table, partition, columns=None) -> that partition's rows
Emit = Callable[[str, int, pl.DataFrame], None]   # (table, partition, its clean rows)
Slices = Callable[..., Iterator[pl.DataFrame]]   # (columns=None) -> a table's rows in consecutive slices


@dataclass
class Tally:
    """What validate_parts accumulates over partitions: failures, row counts, ignored columns."""
    as_of: dt.date
    failed: dict[str, list[pl.DataFrame]] = field(default_factory=dict)
    rows_in: dict[str, int] = field(default_factory=dict)
    rows_out: dict[str, int] = field(default_factory=dict)
    ignored: dict[str, list[str]] = field(default_factory=dict)

    def prepare(self, name: str, df: pl.DataFrame) -> pl.DataFrame:
        extra = [c for c in df.columns if c not in SCHEMAS[name].names]
        if extra:
            self.ignored[name] = extra
        return check_schema(name, df)

    def check(self, name: str, df: pl.DataFrame, clean: dict, candidates: dict) -> pl.DataFrame:
        """One table's (or partition's) row checks; its clean rows."""
        indexed = df.with_row_index("_row")
        bad = row_failures(name, indexed, clean, candidates, self.as_of)
        kept = df if bad.is_empty() else indexed.join(bad.select("_row").unique(), on="_row", how="anti").drop("_row")
        self.failed.setdefault(name, []).append(bad.drop("_row"))
        self.rows_in[name] = self.rows_in.get(name, 0) + df.height
        self.rows_out[name] = self.rows_out.get(name, 0) + kept.height
        return kept

    def conclude(self, order: list[str], run_id: str, max_failure_share: float) -> tuple[pl.DataFrame, dict]:
        """`conclude` over the tables checked, in this order."""
        return conclude([f for n in order for f in self.failed[n]], {n: self.rows_in[n] for n in order},
                        {n: self.rows_out[n] for n in order}, run_id, max_failure_share,
                        {n: self.ignored[n] for n in order if n in self.ignored})

    def check_sliced(self, name: str, slices: Slices, clean: dict, candidates: dict) -> pl.DataFrame:
        """Row checks of a table read in consecutive row slices, one slice held at a time (the
        documents: all input text); the key columns of its clean rows (what references are checked
        against). Failures and counts as `check` on the whole table."""
        self.failed.setdefault(name, [])
        self.rows_in.setdefault(name, 0)
        self.rows_out.setdefault(name, 0)
        dtypes = contract_dtypes(name)
        kept = [pl.DataFrame(schema={k: dtypes[k] for k in KEYS[name]})]
        for df in slices():
            kept.append(self.check(name, self.prepare(name, df), clean, candidates).select(KEYS[name]))
        return pl.concat(kept)


def validate_parts(whole: dict[str, pl.DataFrame], read: Reader, partitions: list[int], emit: Emit, run_id: str,
                   max_failure_share: float = 0.05, as_of: dt.datetime | None = None,
                   sliced: dict[str, Slices] | None = None) -> tuple[dict[str, pl.DataFrame], pl.DataFrame, dict]:
    """`validate` with the ARTICLE_TABLES given one article partition at a time (`read`), so no
    more than one partition of them is held: the same checks, failures and clean rows. Keys are
    checked over every partition's key columns; references to a partition's articles and
    sentences against that partition's clean rows, to documents and the catalog against theirs;
    the catalog's mention counts against every partition's entity ids; incidents against the
    clean event and article ids of all partitions. Each partition's clean rows go to `emit`;
    returns (the other tables' clean rows, quarantine rows, report). Quarantine rows come table
    by table as in `validate`, a table's in partition order. The documents may come in row slices
    (`sliced`): their key is checked on the key column alone, their rows a slice at a time, and
    their entry in the returned clean tables is the key column of their clean rows."""
    sliced = sliced or {}
    missing = [t for t in CHECK_ORDER if t not in whole and t not in ARTICLE_TABLES and t not in sliced]
    if missing:
        raise ValidationError(f"schema check failed: candidate tables missing {missing}", "schema")
    tally = Tally((as_of or dt.datetime.now(dt.timezone.utc)).date())
    candidates = {n: tally.prepare(n, whole[n]) for n in (*CHECK_ORDER, *OPTIONAL) if n in whole and n not in sliced}
    for name in (*CHECK_ORDER, *OPTIONAL):
        if name in sliced:
            check_keys(name, pl.concat(list(sliced[name](KEYS[name]))))
        elif name in candidates:
            check_keys(name, candidates[name])
    for name in ARTICLE_TABLES:
        check_keys_in_parts(name, lambda: (read(name, p, KEYS[name]) for p in partitions))   # one part at a time
    clean: dict[str, pl.DataFrame] = {}
    for name in ("documents", "segments"):
        clean[name] = (tally.check_sliced(name, sliced[name], clean, candidates) if name in sliced
                       else tally.check(name, candidates[name], clean, candidates))
    # the catalog's mention counts: each partition's entity ids counted there (`_n`), not every mention's id
    ids = dict(clean, entities=pl.concat([read("entities", p, ("entity_id",)).group_by("entity_id").len("_n")
                                          for p in partitions]))
    clean["entity_catalog"] = tally.check("entity_catalog", candidates["entity_catalog"], clean, ids)
    kept_ids: dict[str, list[pl.DataFrame]] = {"events": [], "articles": []}
    for p in partitions:
        part = {n: tally.prepare(n, read(n, p)) for n in ARTICLE_TABLES}
        ok = dict(documents=clean["documents"], entity_catalog=clean["entity_catalog"])
        for name in ARTICLE_TABLES:
            ok[name] = tally.check(name, part[name], ok, part)
            emit(name, p, ok[name])
        kept_ids["events"].append(ok["events"].select("event_id"))
        kept_ids["articles"].append(ok["articles"].select("article_id"))
        del part, ok
    if "incidents" in candidates:
        refs = dict(entity_catalog=clean["entity_catalog"], **{k: pl.concat(v) for k, v in kept_ids.items()})
        clean["incidents"] = tally.check("incidents", candidates["incidents"], refs, candidates)
    quarantine, report = tally.conclude([n for n in (*CHECK_ORDER, *OPTIONAL) if n in tally.rows_in], run_id,
                                        max_failure_share)
    return clean, quarantine, report
