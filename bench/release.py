"""Release benchmarks: `jobfloor release --all` end to end, and the Release screen's what-if re-plan.

    python -m bench.release                 # both databases, the issue's sizes
    python -m bench.release --db sqlite --jobs 200 --units 20000

End to end is the real command in a fresh process (start-up, numba's cached kernel, loading, kernel, writing,
commit), timed from outside, on a site built fresh for each run. The re-plan is the screen's own handler for a
priority change on a 2,000-job schedule: re-plan with the kernel plus the redraw of the table.
"""
from __future__ import annotations

import argparse
import asyncio
import os
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
TARGETS = {"sqlite": 1.5, "pg": 3.0}


def fresh_db(kind: str, tmp: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp / f'bench-{uuid.uuid4().hex[:6]}.db'}"
    import psycopg2

    name = f"jobfloor_bench_{uuid.uuid4().hex[:8]}"
    conn = psycopg2.connect(PG + "/postgres")
    conn.autocommit = True
    conn.cursor().execute(f'CREATE DATABASE "{name}"')
    conn.close()
    return f"{PG}/{name}"


def drop_db(url: str) -> None:
    if url.startswith("postgresql"):
        import psycopg2

        from core.data.db import db

        db.close()
        conn = psycopg2.connect(PG + "/postgres")
        conn.autocommit = True
        conn.cursor().execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}"')
        conn.close()


def prepare(url: str, jobs: int, lines: int, units: int) -> None:
    from bench.site import build_site
    from core.data.db import connect, db
    from core.data.schema import init_schema

    connect(url)
    init_schema()
    build_site(jobs, lines, units)
    if url.startswith("postgresql"):
        db.execute_sql("ANALYZE")
    db.close()


def release_all(url: str) -> tuple[float, str]:
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "tui.entry", "--db", url, "release", "--all", "--json"], cwd=ROOT,
                         capture_output=True, text=True)
    took = time.perf_counter() - t0
    if out.returncode not in (0, 1):
        raise SystemExit(out.stderr)
    import json

    doc = json.loads(out.stdout)
    return took, f"{len(doc['released'])} jobs, {len(doc['allocations'])} reservations, {len(doc['shortages'])} short"


def bench_release(kinds, jobs, lines, units, runs):
    print(f"release --all: {jobs} jobs x {lines} lines over {units} units, {runs} run(s) each, fresh site per run")
    with tempfile.TemporaryDirectory() as tmp:
        # one warm-up so numba's cache exists, as it does on any machine after the first release
        url = fresh_db("sqlite", Path(tmp))
        prepare(url, 10, 2, 200)
        release_all(url)
        for kind in kinds:
            times = []
            for _ in range(runs):
                url = fresh_db(kind, Path(tmp))
                prepare(url, jobs, lines, units)
                took, what = release_all(url)
                times.append(took)
                drop_db(url)
            med = statistics.median(times)
            verdict = "met" if med < TARGETS[kind] else "MISSED"
            print(f"  {kind:<6} median {med:.2f} s (runs {', '.join(f'{t:.2f}' for t in times)})  {what}  "
                  f"target < {TARGETS[kind]} s: {verdict}")


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
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--replan-jobs", type=int, default=2000)
    p.add_argument("--repeats", type=int, default=30)
    args = p.parse_args(argv)
    os.environ.setdefault("JOBFLOOR_DATA_DIR", tempfile.mkdtemp())
    kinds = ("sqlite", "pg") if args.db == "both" else (args.db,)
    bench_release(kinds, args.jobs, args.lines, args.units, args.runs)
    bench_replan(args.replan_jobs, args.lines, args.units, args.repeats)


if __name__ == "__main__":
    main()
