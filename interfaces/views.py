"""Reading tables in a terminal: column choice, row filters (--where), table or record view.

Pure helpers for `akhbar show` (interfaces/cli_data.py): frames in, rich renderables out. A bad
column or filter raises `ViewError` with the exit code to use; nothing here prints or exits.

Arabic text: values are never truncated (long cells wrap, the record view prints them whole).
Rich lays text out left to right; the terminal does the right-to-left display where it supports
bidi (GNOME Terminal/VTE, Konsole, mlterm, iTerm2). python-bidi / arabic-reshaper were measured and
left out (docs/operations.md, "Reading tables in the terminal"): reshaping writes Arabic presentation
forms in visual order, so copied text no longer matches the data (search, grep, pasting into --where),
and a bidi-aware terminal would reorder it a second time.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import re
from typing import Any

import polars as pl
from rich.console import Group
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

USAGE, NOT_FOUND = 2, 3   # interfaces.common.ExitCode values (kept numeric: no import cycle)
MAX_NATURAL_WIDTH = 40    # a column wider than this wraps in the table view
SIMPLE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(==|!=|>=|<=|=|>|<)\s*(.*?)\s*$")
WHERE_HELP = ('use col=value, col!=value, col>value, col>=value, col<value, col<=value (col=null: missing), '
              'or a polars expression such as pl.col("event_type") == "ATTACK"')


class ViewError(ValueError):
    def __init__(self, message: str, code: int = USAGE):
        super().__init__(message)
        self.code = code


# --- columns -------------------------------------------------------------------------------------

def choose_columns(df: pl.DataFrame, spec: str | None, table: str) -> list[str]:
    if not spec:
        return df.columns
    wanted = [c.strip() for c in spec.split(",") if c.strip()]
    if not wanted:
        raise ViewError("--columns is empty: give column names separated by commas, e.g. --columns event_id,trigger")
    unknown = [c for c in wanted if c not in df.columns]
    if unknown:
        raise ViewError(f"no column {', '.join(map(repr, unknown))} in {table}: its columns are "
                        f"{', '.join(df.columns)}", NOT_FOUND)
    return list(dict.fromkeys(wanted))


# --- filters -------------------------------------------------------------------------------------

def where_expr(text: str, schema: pl.Schema, table: str) -> pl.Expr:
    """A --where filter: `col<op>value` (value read as the column's type) or a polars expression."""
    if not text.strip():
        raise ViewError(f"--where is empty: {WHERE_HELP}")
    if text.lstrip().startswith("pl."):
        return polars_expr(text)
    m = SIMPLE.match(text)
    if not m:
        raise ViewError(f"cannot read --where {text!r}: {WHERE_HELP}")
    col, op, raw = m.groups()
    if col not in schema:
        raise ViewError(f"no column {col!r} in {table} (--where {text!r}): its columns are {', '.join(schema)}",
                        NOT_FOUND)
    value = raw[1:-1] if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'" else raw
    dtype = schema[col]
    c = pl.col(col)
    if value.lower() in ("null", "none") and raw == value:
        if op in ("=", "=="):
            return c.is_null()
        if op == "!=":
            return c.is_not_null()
        raise ViewError(f"--where {text!r}: null compares only with = or !=")
    if isinstance(dtype, pl.List):
        if op not in ("=", "==", "!="):
            raise ViewError(f"--where {text!r}: {col} is a list; use {col}=VALUE (contains) or {col}!=VALUE")
        hit = c.list.contains(pl.lit(typed(value, dtype.inner, col, text)))
        return hit if op != "!=" else ~hit
    lit = pl.lit(typed(value, dtype, col, text))
    return {"=": c == lit, "==": c == lit, "!=": c.ne_missing(lit), ">": c > lit, ">=": c >= lit,
            "<": c < lit, "<=": c <= lit}[op]


def typed(value: str, dtype: pl.DataType, col: str, text: str) -> Any:
    try:
        if dtype == pl.String:
            return value
        if dtype == pl.Boolean:
            if value.lower() not in ("true", "false"):
                raise ValueError(value)
            return value.lower() == "true"
        if dtype.is_integer():
            return int(value)
        if dtype.is_float():
            return float(value)
        if dtype == pl.Date:
            return dt.date.fromisoformat(value)
        if isinstance(dtype, pl.Datetime):
            parsed = dt.datetime.fromisoformat(value)
            return parsed if parsed.tzinfo or not dtype.time_zone else parsed.replace(tzinfo=dt.timezone.utc)
    except ValueError:
        raise ViewError(f"--where {text!r}: {value!r} is not a {dtype} value (column {col})") from None
    raise ViewError(f"--where {text!r}: column {col} ({dtype}) cannot be compared with a value; "
                    "use a polars expression (pl.col(...)...)")


_ALLOWED = (ast.Expression, ast.Call, ast.Attribute, ast.Name, ast.Load, ast.Constant, ast.Compare, ast.BinOp,
            ast.UnaryOp, ast.keyword, ast.List, ast.Tuple, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE,
            ast.BitAnd, ast.BitOr, ast.BitXor, ast.Invert, ast.Not, ast.USub, ast.UAdd, ast.Add, ast.Sub, ast.Mult,
            ast.Div, ast.FloorDiv, ast.Mod, ast.Pow)


# `pl.<name>` may only be one of these (expression builders and data types): no I/O (read_*, scan_*),
# no configuration (pl.Config), no SQL; and no method anywhere that runs Python code or does I/O.
PL_NAMES = frozenset({
    "col", "lit", "when", "all", "any", "len", "first", "last", "sum", "min", "max", "mean", "median", "count",
    "n_unique", "concat_str", "concat_list", "coalesce", "any_horizontal", "all_horizontal", "sum_horizontal",
    "min_horizontal", "max_horizontal", "mean_horizontal", "element", "struct", "int_range", "format", "date",
    "datetime", "duration", "time", "nth", "exclude",
    "Boolean", "String", "Utf8", "Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64",
    "Float32", "Float64", "Date", "Datetime", "Duration", "Time", "List", "Categorical", "Null"})
BLOCKED_METHOD_PREFIXES = ("map", "apply", "pipe", "write", "read", "scan", "sink", "collect", "register",
                           "serialize", "deserialize", "plugin", "from_", "to_", "inspect", "Config")


def polars_expr(text: str) -> pl.Expr:
    """Evaluate a polars expression safely: only `pl` is in scope, no builtins, no dunder or private
    attributes, only expression builders under `pl.` (PL_NAMES), no method that runs Python code or does
    I/O (map_*, pipe, write_*, ...), no lambdas, comprehensions, subscripts or statements."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ViewError(f"--where {text!r} is not a valid expression ({exc.msg}): {WHERE_HELP}") from None
    for node in ast.walk(tree):
        if isinstance(node, ast.BoolOp):
            raise ViewError(f"--where {text!r}: polars combines conditions with & and | (in parentheses), "
                            "not `and` / `or`")
        if not isinstance(node, _ALLOWED):
            raise ViewError(f"--where {text!r}: {type(node).__name__} is not allowed in a filter expression")
        if isinstance(node, ast.Name) and node.id != "pl":
            raise ViewError(f"--where {text!r}: only `pl` may be named (got {node.id!r})")
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            raise ViewError(f"--where {text!r}: private attribute {node.attr!r} is not allowed")
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.attr not in PL_NAMES:
            raise ViewError(f"--where {text!r}: pl.{node.attr} is not allowed in a filter (use pl.col, pl.lit, "
                            "pl.when, ...)")
        if isinstance(node, ast.Attribute) and node.attr.startswith(BLOCKED_METHOD_PREFIXES):
            raise ViewError(f"--where {text!r}: .{node.attr} is not allowed in a filter (no Python code, no I/O)")
    try:
        expr = eval(compile(tree, "<--where>", "eval"), {"__builtins__": {}}, {"pl": pl})  # noqa: S307 (checked)
    except Exception as exc:  # any polars complaint about the expression itself
        raise ViewError(f"--where {text!r}: {type(exc).__name__}: {first_line(exc)}") from None
    if not isinstance(expr, pl.Expr):
        raise ViewError(f"--where {text!r} is not a polars expression (got {type(expr).__name__})")
    return expr


def apply_where(df: pl.DataFrame, filters: list[str], table: str) -> pl.DataFrame:
    for text in filters:
        expr = where_expr(text, df.schema, table)
        try:
            df = df.filter(expr)
        except pl.exceptions.ColumnNotFoundError as exc:
            raise ViewError(f"--where {text!r}: {first_line(exc).split(';')[0]} in {table}; its columns are "
                            f"{', '.join(df.columns)}", NOT_FOUND) from None
        except Exception as exc:  # polars: wrong types, not a boolean, ...
            raise ViewError(f"--where {text!r} cannot filter {table}: {type(exc).__name__}: {first_line(exc)}"
                            ) from None
    return df


def first_line(exc: BaseException) -> str:
    lines = [s for s in str(exc).splitlines() if s.strip()]
    return lines[0].strip() if lines else type(exc).__name__


# --- rendering -----------------------------------------------------------------------------------

def cell(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def natural_width(df: pl.DataFrame) -> int:
    """Characters the table view needs without wrapping a column below MAX_NATURAL_WIDTH."""
    total = 1
    for name in df.columns:
        longest = max((len(line) for v in df[name].to_list() for line in cell(v).splitlines() or [""]), default=0)
        total += min(max(len(name), longest), MAX_NATURAL_WIDTH) + 3
    return total


def fits(df: pl.DataFrame, width: int) -> bool:
    return natural_width(df) <= width


def table_view(df: pl.DataFrame, title: str) -> Group:
    t = Table(show_lines=True)
    for name in df.columns:
        t.add_column(name, overflow="fold", max_width=MAX_NATURAL_WIDTH * 2)
    for row in df.iter_rows():
        t.add_row(*(Text(cell(v), style="dim" if v is None else "") for v in row))
    return Group(Text(title, style="bold"), t)   # the title on its own line: a narrow table would wrap it


def record_view(df: pl.DataFrame, title: str, key: list[str]) -> Group:
    """One block per row: `field  value`, values whole (wrapped, never cut)."""
    parts: list[Any] = [Text(title, style="bold")]
    for i, row in enumerate(df.iter_rows(named=True), start=1):
        ident = " ".join(f"{k}={cell(row[k])}" for k in key if k in row)
        parts.append(Rule(Text(f"row {i}" + (f": {ident}" if ident else ""), style="bold"), align="left"))
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="cyan", no_wrap=True, justify="right")
        grid.add_column(overflow="fold")
        for name, value in row.items():
            grid.add_row(name, Text(cell(value), style="dim" if value is None else ""))
        parts.append(grid)
    return Group(*parts)
