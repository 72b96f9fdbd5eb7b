"""Release benchmarks: `jobfloor release --all` end to end against two anchors, and the Release screen's re-plan.

    python -m bench.release                 # both databases, the issue's sizes, 5 runs
    python -m bench.release --db sqlite --jobs 200 --units 20000 --runs 3

End to end is the real command in a fresh process (start-up, the kernel, loading, allocating, writing, commit),
timed from outside on a fresh copy of one site (an SQLite file copy, a PostgreSQL database made from a template).
Beside it, in the same run and on the same site, interleaved run by run (bench.release_anchors):
- per-line SQL: each line ranks its item's units in SQL and writes each reservation, as an ERP does;
- plain indexed Python: a process that reads the site's files (items, locations, stock, jobs.xml), indexes the
  units by item and allocates, writing nothing.
All three must give the same reservations. Ratio = anchor's median / jobfloor's median; the run fails (exit 1) when
a ratio is below its goal, or when they disagree.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG = os.environ.get("JOBFLOOR_BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
TARGETS = {"sqlite": 1.0, "pg": 1.5}  # seconds, whole process (issue 17)
# anchor -> least ratio (anchor time / jobfloor time) per database; None: shown, no goal.
GOALS = {"sqlite": {"per-line SQL": 5.0, "indexed Python": 1.0}, "pg": {"per-line SQL": 5.0, "indexed Python": None}}


def fresh_db(kind: str, tmp: Path, template: str | None = None) -> str:
    if kind == "sqlite":
        url = f"sqlite:///{tmp / f'bench-{uuid.uuid4().hex[:6]}.db'}"
        if template:
            shutil.copyfile(template[len("sqlite:///"):], url[len("sqlite:///"):])
        return url
    import psycopg2

    name = f"jobfloor_bench_{uuid.uuid4().hex[:8]}"
    conn = psycopg2.connect(PG + "/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template.rsplit("/", 1)[1]}"' if template else ""))
    conn.close()
    return f"{PG}/{name}"


def drop_db(url: str) -> None:
    if url.startswith("postgresql"):
        import psycopg2

        from core.data.db import db

        db.close()
        conn = psycopg2.connect(PG + "/postgres")
        conn.autocommit = True
        conn.cursor().execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
        conn.close()
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(url[len("sqlite:///"):] + suffix).unlink(missing_ok=True)


_TOKEN = [""]  # the template's station token: every copy holds it


def prepare(url: str, jobs: int, lines: int, units: int) -> None:
    from bench.credentials import make_token
    from bench.site import build_site
    from core.data.db import connect, db
    from core.data.schema import init_schema

    connect(url)
    init_schema()
    build_site(jobs, lines, units)
    _TOKEN[0] = make_token("planner")
    if url.startswith("postgresql"):
        db.execute_sql("ANALYZE")
    else:
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def _timed(cmd: list[str], env: dict | None = None) -> tuple[float, dict]:
    t0 = time.perf_counter()
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
    took = time.perf_counter() - t0
    if out.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd[2:5])} failed:\n{out.stderr}")
    return took, json.loads(out.stdout)


def release_all(url: str) -> tuple[float, dict]:
    from bench.credentials import token_env

    return _timed([sys.executable, "-m", "tui.entry", "--db", url, "release", "--all", "--json"],
                  token_env(_TOKEN[0]))


def _key(doc: dict) -> list[tuple]:
    return [(a["job"], a["line"], a["item"], a["track_id"], a["qty"]) for a in doc["allocations"]]


def bench_release(kinds, jobs, lines, units, runs) -> bool:
    """Returns True when every ratio met its goal and all three agreed."""
    from core.allocator import aot

    print(f"release --all: {jobs} jobs x {lines} lines over {units} units, {runs} run(s) each, fresh copy per run")
    if aot.load() is None:
        print("  compiling the allocation kernel ahead of time first (make install does this)")
        aot.build()
    ok = True
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for kind in kinds:
            template = fresh_db(kind, tmp)
            try:
                prepare(template, jobs, lines, units)
                files = tmp / f"files-{kind}"
                subprocess.run([sys.executable, "-m", "bench.release_anchors", "export", template, str(files)],
                               cwd=ROOT, check=True)
                ok &= _compare(kind, template, files, tmp, runs)
            finally:
                drop_db(template)
    return ok


def _compare(kind: str, template: str, files: Path, tmp: Path, runs: int) -> bool:
    anchors = {"per-line SQL": lambda url: _timed([sys.executable, "-m", "bench.release_anchors", "sql", url]),
               "indexed Python": lambda url: _timed([sys.executable, "-m", "bench.release_anchors", "python",
                                                     str(files)])}
    times: dict[str, list[float]] = {"jobfloor": [], **{name: [] for name in anchors}}
    agree = True
    load = os.getloadavg()[0]
    for run in range(runs + 1):  # the first round warms the caches and is not counted
        for name, step in [("jobfloor", release_all), *anchors.items()]:
            url = fresh_db(kind, tmp, template)
            try:
                took, doc = step(url)
            finally:
                drop_db(url)
            if run:
                times[name].append(took)
            if name == "jobfloor":
                want, what = _key(doc), (f"{len(doc['released'])} jobs, {len(doc['allocations'])} reservations, "
                                         f"{len(doc['shortages'])} short lines")
            elif _key(doc) != want:
                agree = False
                print(f"  {kind}: {name} gave other reservations than jobfloor")
    load = (load + os.getloadavg()[0]) / 2
    ours = statistics.median(times["jobfloor"])
    verdict = "met" if ours < TARGETS[kind] else "MISSED"
    print(f"  {kind}: {what}; load average {load:.1f}")
    print(f"    jobfloor release --all   median {ours:6.2f} s (runs {', '.join(f'{t:.2f}' for t in times['jobfloor'])})"
          f"  target < {TARGETS[kind]} s: {verdict}")
    ok = agree
    for name in anchors:
        theirs = statistics.median(times[name])
        ratio = theirs / ours
        goal = GOALS[kind][name]
        held = goal is None or ratio >= goal
        ok &= held
        print(f"    {name:<24} median {theirs:6.2f} s  ratio {ratio:5.2f}x"
              + (f"  goal >= {goal}x: {'met' if held else 'MISSED'}" if goal else "  (no goal)"))
    print(f"    the three agree reservation for reservation: {'yes' if agree else 'NO'}")
    return ok


def bench_replan(jobs, lines, units, repeats):
    from core.data.db import connect

    with tempfile.TemporaryDirectory() as tmp:
        url = fresh_db("sqlite", Path(tmp))
        prepare(url, jobs, lines, units)
        connect(url)
        from tests.tui.helpers import make_app

        async def run():
            app = make_app(url)
            async with app.run_test(size=(100, 40)) as pilot:
                from core.site.actor import Actor
                from tui.screens.release import ReleaseScreen

                app.actor = Actor("PL1", "planner")
                screen = ReleaseScreen()
                await app.push_screen(screen)
                t0 = time.perf_counter()
                while not screen.plans:
                    await pilot.pause(0.05)
                    if time.perf_counter() - t0 > 120:
                        raise SystemExit("the schedule did not load")
                table = screen.query_one("#jobs")
                times, plan_only = [], []
                for k in range(repeats):
                    table.move_cursor(row=(k * 37) % table.row_count)
                    t = time.perf_counter()
                    screen.action_move(-1 if k % 2 else 1)  # what the + / - key runs: re-plan and redraw
                    times.append((time.perf_counter() - t) * 1000)
                    t = time.perf_counter()
                    screen.schedule.plan(screen.priorities, screen.selected)
                    plan_only.append((time.perf_counter() - t) * 1000)
                return times, plan_only

        times, plan_only = asyncio.run(run())
        print(f"what-if re-plan of {jobs} jobs x {lines} lines over {units} units, {repeats} key presses:")
        print(f"  keypress to redrawn status: median {statistics.median(times):.1f} ms, "
              f"max {max(times):.1f} ms (target < 50 ms: {'met' if statistics.median(times) < 50 else 'MISSED'})")
        print(f"  of which the kernel re-plan: median {statistics.median(plan_only):.1f} ms")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", choices=("sqlite", "pg", "both"), default="both")
    p.add_argument("--jobs", type=int, default=1000)
    p.add_argument("--lines", type=int, default=10)
    p.add_argument("--units", type=int, default=100_000)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--replan-jobs", type=int, default=2000)
    p.add_argument("--repeats", type=int, default=30)
    p.add_argument("--no-replan", action="store_true", help="only the release")
    args = p.parse_args(argv)
    os.environ.setdefault("JOBFLOOR_DATA_DIR", tempfile.mkdtemp())
    kinds = ("sqlite", "pg") if args.db == "both" else (args.db,)
    ok = bench_release(kinds, args.jobs, args.lines, args.units, args.runs)
    if not args.no_replan:
        bench_replan(args.replan_jobs, args.lines, args.units, args.repeats)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
