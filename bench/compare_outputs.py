"""Digest of every table `run_stages` produces, to prove an optimisation changed no output.

    python -m bench.compare_outputs                  # print the digests (seeds + generated 2k corpus)
    python -m bench.compare_outputs --write F.json   # record them
    python -m bench.compare_outputs --check F.json   # exit 1 if any table differs
    python -m bench.compare_outputs --lakes A B      # the published tables of two lakes (runs excluded)
    python -m bench.compare_outputs --lakes A B --ignore-run-ids   # ... of two runs with different run ids

Each table is hashed value by value: rows are serialised to JSON (columns in contract order,
lists and dates included), sorted, then hashed, so row order does not matter but every value
does. The generated corpus is written to a fixed directory so source paths are stable.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path

import polars as pl

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def table_digest(df: pl.DataFrame) -> str:
    rows = sorted(json.dumps(r, ensure_ascii=False, sort_keys=True, default=str) for r in df.iter_rows(named=True))
    h = hashlib.sha256()
    h.update(json.dumps(df.columns).encode())
    for r in rows:
        h.update(r.encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


def corpus_digests(input_dir: Path) -> dict[str, dict]:
    from flows.local import run_stages

    tables = run_stages(input_dir, run_id="compare")
    return {name: {"rows": df.height, "sha256": table_digest(df)} for name, df in sorted(tables.items())}


def all_digests(n: int) -> dict[str, dict]:
    from bench.generate import generate

    out = {"seeds": corpus_digests(SEEDS)}
    # documents.source_path is relative to the input folder, so a fresh folder gives the same digests
    with tempfile.TemporaryDirectory(prefix="akhbar-compare-") as tmp:
        out[f"generated_{n}"] = corpus_digests(generate(n, Path(tmp) / f"akhbar_compare_{n}"))
    return out


# the columns that name a run (its id): two runs of one corpus under different ids differ only there
RUN_ID_COLUMNS = ("run_id", "ingested_run_id")


def lake_digests(output_dir: Path, ignore_run_ids: bool = False) -> dict[str, dict]:
    """Digest of every table of a lake's latest snapshot but `runs` (ids and times differ by run);
    with `ignore_run_ids` the RUN_ID_COLUMNS are left out of every table."""
    from akhbar.contracts import DATA_TABLES
    from akhbar.lake import read_latest

    out = {}
    for name in DATA_TABLES:
        df = read_latest(output_dir, name)
        if df is not None:
            if ignore_run_ids:
                df = df.drop([c for c in RUN_ID_COLUMNS if c in df.columns])
            out[name] = {"rows": df.height, "sha256": table_digest(df)}
    return out


def differing_tables(a: Path, b: Path, ignore_run_ids: bool = False) -> tuple[dict, dict, list[str]]:
    """Both lakes' digests and the tables whose digests differ (or that only one lake has)."""
    da, db = lake_digests(a, ignore_run_ids), lake_digests(b, ignore_run_ids)
    return da, db, [t for t in sorted(set(da) | set(db)) if da.get(t) != db.get(t)]


def compare_lakes(a: Path, b: Path, ignore_run_ids: bool = False) -> int:
    da, db, bad = differing_tables(a, b, ignore_run_ids)
    print(json.dumps({"a": da, "b": db}, indent=2))
    print("IDENTICAL" if not bad else f"DIFFERENT: {', '.join(bad)}")
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="size of the generated corpus")
    ap.add_argument("--write", type=Path, help="record the digests to this JSON file")
    ap.add_argument("--check", type=Path, help="compare against digests recorded in this JSON file")
    ap.add_argument("--lakes", type=Path, nargs=2, help="compare the published tables of two lakes instead")
    ap.add_argument("--ignore-run-ids", action="store_true",
                    help="with --lakes: leave the run id columns out (two runs under different ids)")
    args = ap.parse_args(argv)
    if args.lakes:
        return compare_lakes(*args.lakes, ignore_run_ids=args.ignore_run_ids)
    digests = all_digests(args.n)
    print(json.dumps(digests, indent=2))
    if args.write:
        args.write.write_text(json.dumps(digests, indent=2) + "\n")
    if args.check:
        expected = json.loads(args.check.read_text())
        bad = [f"{c}.{t}" for c in expected for t in expected[c] if digests.get(c, {}).get(t) != expected[c][t]]
        print("IDENTICAL" if not bad else f"DIFFERENT: {', '.join(bad)}")
        return 1 if bad else 0
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
