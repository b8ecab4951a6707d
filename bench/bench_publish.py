"""Validate and publish throughput: `python -m bench.bench_publish` (BENCH_SIZES=1000,10000).

Figures per corpus size: validate seconds and rows/s over all candidate tables,
first publish (every table written), rerun publish (content hashes unchanged:
no table written), a publish after 1% new documents, and vacuum --keep 1.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

from bench.generate import generate


def timed(fn, *args, **kw):
    t = time.perf_counter()
    out = fn(*args, **kw)
    return out, round(time.perf_counter() - t, 3)


def bench(n: int) -> dict:
    from tasks.chain import run_stages
    from tasks.publish import publish, vacuum
    from tasks.validate import validate
    from tests.snapshot_tables import run_row

    with tempfile.TemporaryDirectory() as tmp:
        corpus = generate(n, Path(tmp) / "corpus")
        tables = run_stages(corpus, "bench")
        rows = sum(t.height for t in tables.values())
        (clean, quarantine, report), validate_s = timed(validate, tables, "bench", 1.0)
        clean["quarantine"] = quarantine
        out = Path(tmp) / "out"
        _, first_s = timed(publish, out, clean, run_row("b1"))
        _, rerun_s = timed(publish, out, clean, run_row("b2"))
        generate(max(n // 100, 1), corpus / "more", seed=99)
        more = run_stages(corpus, "bench3")
        more_clean, more_q, _ = validate(more, "bench3", 1.0)
        _, incremental_s = timed(publish, out, dict(more_clean, quarantine=more_q), run_row("b3"))
        _, vacuum_s = timed(vacuum, out, 1)
        return dict(documents=n, rows=rows, quarantined=report["quarantined"], validate_s=validate_s,
                    validate_rows_per_s=round(rows / validate_s), publish_first_s=first_s,
                    publish_rerun_s=rerun_s, publish_incremental_s=incremental_s, vacuum_s=vacuum_s)


def main() -> None:
    for n in (int(x) for x in os.environ.get("BENCH_SIZES", "1000,10000").split(",")):
        print(json.dumps(bench(n)), flush=True)


if __name__ == "__main__":  # pragma: no cover
    main()
