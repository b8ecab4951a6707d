"""A run SIGKILLed half-way and rerun converges to an uninterrupted run's tables (issue 16).

    python -m bench.bench_kill N OUT [--kill-at 0.5]

In OUT: a corpus of N realistic documents (bench/realistic.py, as bench-scale), then three runs
of the command a user types, `akhbar run --input CORPUS --output LAKE --json`, each a child
process in its own process group, with its own Prefect state folder per lake (AKHBAR_STATE; no
PREFECT_API_URL: each run starts its temporary API server):

  A. uninterrupted, into lake A (state A): its wall time, articles/s and the process tree's peak
     RSS (bench_scale's sampler: /proc every 50 ms; the tree holds the worker processes and the
     temporary API server), and every 0.5 s the RSS per role (flow, workers, server) and the tree's
     PSS (the forked workers share their lexicons' pages: summed RSS counts them once per process);
  B. into lake B (state B), the whole process group SIGKILLed at `--kill-at` (default 0.5) of A's
     wall time -- a time, not a stage: the stage it lands in is read off the run's log (the task
     runs that had finished, per stage). Then: what the kill left (no snapshot, the tables'
     Delta commits, the writer lock, the staging folder), and whether every process of the
     tree is gone (the temporary server, in its own session, stops itself once its parent is);
  B'. the same command again into lake B (state B): the rerun. Its summary says how many
     partitions of each cached stage it took from the cache the killed run had filled.

The rerun should redo none of the cached work the killed run finished (`reuse`: per cached stage,
the task runs the killed run's log shows finished, and those the rerun took from the cache).
Then A and B are compared: every published table, value by value (bench.compare_outputs, the
run id columns left out: the runs differ in id), the `runs` rows (one published row each, same
counts; in B the row names every table's newest Delta version and was committed after every
data table: the runs row written last). JSON on stdout and in bench/out/kill.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from bench.bench_scale import status_mb, tree_pids, tree_rss_mb

ROOT = Path(__file__).resolve().parent.parent
FINISHED = re.compile(r"Task run '([a-z-]+?)(?:-p\d+)?' - Finished in state (\w+)")


def akhbar_command(corpus: Path, lake: Path) -> list[str]:
    """`akhbar run` as a user types it (the console script of this environment)."""
    script = Path(sys.executable).with_name("akhbar")
    head = [str(script)] if script.exists() else [sys.executable, "-c", "from interfaces.launch import main; main()"]
    return [*head, "run", "--input", str(corpus), "--output", str(lake), "--json"]


def environment(state: Path) -> dict:
    """This environment with its own state folder and no Prefect setting (no configured API; Prefect's
    home and result storage follow AKHBAR_STATE, flows/settings.py): the lakes share no cache."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(AKHBAR_STATE=str(state), PYTHONUNBUFFERED="1")
    return env


def watch(cmd: list[str], env: dict, log: Path, kill_after_s: float | None = None) -> dict:
    """Run `cmd` in a new process group; sample its tree's RSS; SIGKILL the group at `kill_after_s`.
    Returns exit code, wall seconds, tree peak MB, the JSON summary (if it printed one) and, when
    killed, the processes of the tree at the kill and those still alive 30 s later."""
    cpu0 = _children_cpu_s()
    with log.open("w") as err:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=err, text=True,
                                start_new_session=True)
    t0, peak, killed, roles, n = time.perf_counter(), [0.0], {}, {}, [0]

    def sample():
        while proc.poll() is None:
            peak[0] = max(peak[0], tree_rss_mb(proc.pid))
            n[0] += 1
            if n[0] % 10 == 1:                  # every 0.5 s: who holds it (RSS per role, the tree's PSS)
                for role, mb in by_role(proc.pid).items():
                    roles[role] = max(roles.get(role, 0.0), round(mb, 1))
            if kill_after_s is not None and not killed and time.perf_counter() - t0 >= kill_after_s:
                killed["pids"] = tree_pids(proc.pid)
                killed["at_s"] = round(time.perf_counter() - t0, 1)
                os.killpg(proc.pid, signal.SIGKILL)
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    sampler.join()
    res = dict(returncode=proc.returncode, wall_s=round(time.perf_counter() - t0, 1), peak_rss_tree_mb=round(peak[0], 1),
               peak_by_role_mb=roles, finished_task_runs=finished_task_runs(log))
    if not killed:      # CPU seconds of the command and the processes it reaped (workers, server); a killed
        res["cpu_s"] = round(_children_cpu_s() - cpu0, 1)   # run's orphans are reaped by no one we wait for
    if killed:
        res.update(killed_at_s=killed["at_s"], tree_at_kill=len(killed["pids"]),
                   left_after_30_s=survivors(killed["pids"], 30.0))
    try:
        res["summary"] = json.loads(out[out.index("{"):]) if "{" in out else None
    except ValueError:
        res["summary"] = None
    return res


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def role_of(pid: int, root: int) -> str:
    """flow (the command's process), workers (the forkserver and the worker processes it forks),
    server (the temporary Prefect API server), other (multiprocessing's resource tracker ...)."""
    if pid == root:
        return "flow"
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "other"
    if b"multiprocessing.forkserver" in cmd:
        return "workers"
    return "server" if b"uvicorn" in cmd or b"host, port, parent" in cmd else "other"


def by_role(root: int) -> dict[str, float]:
    """RSS summed per role of the tree (MB), and the tree's PSS (`tree_pss`: shared pages, as the
    forked workers' lexicons, counted once between the processes sharing them)."""
    out: dict[str, float] = {}
    for pid in tree_pids(root):
        try:
            rss = status_mb("VmRSS", pid)
            pss = next(int(line.split()[1]) / 1024 for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
                       if line.startswith("Pss:"))
        except (OSError, StopIteration):
            continue
        role = role_of(pid, root)
        out[role] = out.get(role, 0.0) + rss
        out["tree_pss"] = out.get("tree_pss", 0.0) + pss
    return out


def survivors(pids: list[int], wait_s: float) -> list[int]:
    """Those of `pids` still alive after up to `wait_s` seconds (zombies count as gone)."""
    end = time.perf_counter() + wait_s
    while True:
        alive = [p for p in pids if _alive(p)]
        if not alive or time.perf_counter() >= end:
            return alive
        time.sleep(0.5)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def finished_task_runs(log: Path) -> dict[str, dict[str, int]]:
    """Per stage, the task runs the run's log says finished, by final state (Completed, Cached ...)."""
    counts: dict[str, Counter] = {}
    for stage, state in FINISHED.findall(log.read_text(errors="replace")):
        counts.setdefault(stage, Counter())[state] += 1
    return {k: dict(v) for k, v in counts.items()}


def lake_state(lake: Path) -> dict:
    """What a lake holds on disk: published snapshots, each table's newest Delta version, the writer
    lock, leftover staging folders."""
    from deltalake import DeltaTable

    from akhbar.contracts import DATA_TABLES
    from akhbar.lake import snapshots
    from akhbar.lake.lock import lock_path
    from akhbar.lake.tables import is_table, table_path

    versions = {n: DeltaTable(str(table_path(lake, n))).version() for n in (*DATA_TABLES, "runs") if is_table(lake, n)}
    staging = lake / "_staging"
    return dict(snapshots=snapshots(lake).height if "runs" in versions else 0, delta_versions=versions,
                lock_left=lock_path(lake).exists(),
                staging_left=sorted(p.name for p in staging.iterdir()) if staging.exists() else [])


def runs_written_last(lake: Path) -> dict:
    """The latest snapshot names every table's newest Delta version, and the runs table's last
    commit is not older than any data table's last commit."""
    from deltalake import DeltaTable

    from akhbar.lake import latest_snapshot
    from akhbar.lake.tables import run_map, table_path

    snap = latest_snapshot(lake)
    named = {k: int(v) for k, v in run_map(snap["table_versions"]).items()}
    newest = {n: DeltaTable(str(table_path(lake, n))).version() for n in named}
    last_commit = {n: DeltaTable(str(table_path(lake, n))).history(1)[0]["timestamp"] for n in (*named, "runs")}
    runs_last = all(last_commit["runs"] >= t for n, t in last_commit.items())
    return dict(names_newest_versions=named == newest, runs_committed_last=runs_last,
                behind=sorted(n for n in named if named[n] != newest[n]))


def compare(a: Path, b: Path) -> dict:
    from akhbar.lake import snapshots
    from akhbar.lake.tables import read_runs, run_map
    from bench.compare_outputs import differing_tables

    da, _, bad = differing_tables(a, b, ignore_run_ids=True)
    sa, sb = snapshots(a), snapshots(b)
    counts = [run_map(s["counts"][-1]) if s.height else None for s in (sa, sb)]
    return dict(tables_compared=len(da), rows={k: v["rows"] for k, v in da.items()}, differing_tables=bad,
                snapshots=[sa.height, sb.height], runs_rows_b=read_runs(b).height, counts_equal=counts[0] == counts[1],
                runs_b=runs_written_last(b))


def reuse(killed: dict, rerun: dict) -> dict:
    """Per cached stage: the task runs the killed run finished, and those the rerun took from the cache.
    `redone`: the stages whose finished work the rerun computed again."""
    cached = (rerun.get("summary") or {}).get("cached") or {}
    out = {stage: dict(finished_before_kill=killed["finished_task_runs"].get(stage, {}).get("Completed", 0),
                       cached_in_rerun=int(done_total.split("/")[0]), task_runs=int(done_total.split("/")[1]))
           for stage, done_total in cached.items()}
    return dict(stages=out, redone=sorted(k for k, v in out.items() if v["cached_in_rerun"] < v["finished_before_kill"]))


def rate(run: dict) -> dict:
    """articles/s from flow start (the summary's elapsed_s) and from the command's start."""
    s = run.get("summary") or {}
    articles = (s.get("counts") or {}).get("articles", 0)
    return dict(articles=articles, flow_s=s.get("elapsed_s"), articles_per_s_flow=round(articles / s["elapsed_s"], 1)
                if s.get("elapsed_s") else None, articles_per_s_wall=round(articles / run["wall_s"], 1))


def bench_kill(n: int, folder: Path, kill_at: float = 0.5) -> dict:
    from bench.realistic import describe, generate_realistic

    folder.mkdir(parents=True, exist_ok=True)
    corpus = folder / f"corpus_{n}"
    if not corpus.exists():
        generate_realistic(n, corpus)
    lake_a, lake_b = folder / "lake_a", folder / "lake_b"
    env_a, env_b = environment(folder / "state_a"), environment(folder / "state_b")
    a = watch(akhbar_command(corpus, lake_a), env_a, folder / "a.log")
    if a["returncode"]:
        raise SystemExit(f"the uninterrupted run failed ({a['returncode']}): see {folder / 'a.log'}")
    print(json.dumps(dict(run="A", **{k: v for k, v in a.items() if k != "summary"}, **rate(a))), flush=True)
    killed = watch(akhbar_command(corpus, lake_b), env_b, folder / "b_killed.log", kill_after_s=kill_at * a["wall_s"])
    killed["lake_after_kill"] = lake_state(lake_b)
    print(json.dumps(dict(run="B killed", **{k: v for k, v in killed.items() if k != "summary"})), flush=True)
    rerun = watch(akhbar_command(corpus, lake_b), env_b, folder / "b_rerun.log")
    if rerun["returncode"]:
        raise SystemExit(f"the rerun failed ({rerun['returncode']}): see {folder / 'b_rerun.log'}")
    print(json.dumps(dict(run="B rerun", **{k: v for k, v in rerun.items() if k != "summary"}, **rate(rerun))), flush=True)
    res = dict(documents=n, corpus=describe(corpus), kill_at=kill_at, load_avg_1m=round(os.getloadavg()[0], 2),
               uninterrupted={**_brief(a), **rate(a)}, killed=_brief(killed), rerun={**_brief(rerun), **rate(rerun)},
               lake_b_after_rerun=lake_state(lake_b), reuse=reuse(killed, rerun), comparison=compare(lake_a, lake_b))
    c = res["comparison"]
    res["converged"] = (not c["differing_tables"] and c["snapshots"] == [1, 1] and c["runs_rows_b"] == 1
                        and c["counts_equal"] and c["runs_b"]["names_newest_versions"] and c["runs_b"]["runs_committed_last"])
    return res


def _brief(run: dict) -> dict:
    """A run's figures without the bulky parts of its summary (validation details, report)."""
    s = run.get("summary") or {}
    keep = ("run_id", "counts", "timings", "cached", "elapsed_s", "partitions", "worker_processes", "stage_failures")
    return {**{k: v for k, v in run.items() if k != "summary"}, **{k: s[k] for k in keep if k in s}}


def main(argv: list[str] | None = None) -> dict:
    from bench.results import save

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="documents in the realistic corpus")
    ap.add_argument("out", type=Path, help="folder for the corpus, the two lakes, their state and logs")
    ap.add_argument("--kill-at", type=float, default=0.5, help="share of the uninterrupted run's wall time")
    args = ap.parse_args(argv)
    res = bench_kill(args.n, args.out, args.kill_at)
    save("kill", res)
    return res


if __name__ == "__main__":  # pragma: no cover
    sys.exit(0 if main()["converged"] else 1)
