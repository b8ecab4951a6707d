"""Start-to-exit time of `akhbar run` on the seeds with no Prefect server running (issue 18.4: <= 8 s).

`python -m bench.bench_start` (or `make bench-start`) runs the console script
`akhbar run --input seeds --output OUT` BENCH_START_REPS times (default 6, at least 3) in a
fresh state folder (AKHBAR_STATE) with PREFECT_API_URL unset, so every run starts its own
temporary API server: first a cold run (new state: its database is created, nothing cached),
then a new output folder with that warm state (stage results cached, every table new), then
reruns on that output (the target's case: a warm install, nothing changed). Each run's wall time is
measured from the parent, with its timeline read off its output lines as they arrive:
first line, flow run begun (the API answered), snapshot published, flow finished, process gone.
Prints one JSON object per run and the range of the reruns. The machine's 1-minute load
average is printed with each run: on a busy machine the figures say more about the load than
about the code (docs/operations.md has the measurements and how they were taken).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKS = {"flow_begun_s": "Beginning flow run", "published_s": "published run",
         "flow_finished_s": "Finished in state Completed()"}


def akhbar_command() -> list[str]:
    """The installed console script (what an operator runs), else the same entry point via Python."""
    script = Path(sys.executable).with_name("akhbar")
    return [str(script)] if script.exists() else [sys.executable, "-c", "from interfaces.launch import main; main()"]


def timed_run(out: Path, env: dict) -> dict:
    """One `akhbar run` on the seeds: wall seconds and when its milestones were printed."""
    load = os.getloadavg()[0]
    t0 = time.monotonic()
    proc = subprocess.Popen([*akhbar_command(), "run", "--input", str(ROOT / "seeds"), "--output", str(out)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    marks: dict[str, float] = {}
    lines = []
    for line in proc.stdout:
        lines.append(line)
        marks.setdefault("first_output_s", round(time.monotonic() - t0, 2))
        for name, needle in MARKS.items():
            if needle in line and name not in marks and ("Flow run" in line or name == "published_s"):
                marks[name] = round(time.monotonic() - t0, 2)
    code = proc.wait()
    wall = round(time.monotonic() - t0, 2)
    if code != 0:
        raise RuntimeError(f"akhbar run exited with {code}:\n{''.join(lines[-30:])}")
    return dict(wall_s=wall, **marks, load_avg_1m=round(load, 2))


def main() -> None:
    reps = max(3, int(os.environ.get("BENCH_START_REPS", "6")))
    with tempfile.TemporaryDirectory(prefix="akhbar-bench-start-") as tmp:
        env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        env["AKHBAR_STATE"] = str(Path(tmp) / "state")
        runs = []
        for i in range(reps):
            kind, out = ("cold: new state folder", "cold") if i == 0 else \
                ("new output, warm state", "new") if i == 1 else ("rerun, same output", "new")
            run = dict(run=kind, **timed_run(Path(tmp) / out, env))
            print(json.dumps(run), flush=True)
            runs.append(run)
    reruns = sorted(r["wall_s"] for r in runs[2:])
    print(json.dumps(dict(cold_s=runs[0]["wall_s"], new_output_s=runs[1]["wall_s"],
                          rerun_s=dict(min=reruns[0], median=reruns[len(reruns) // 2], max=reruns[-1]),
                          target_s=8)))


if __name__ == "__main__":
    main()
