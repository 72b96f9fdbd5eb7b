"""Import benchmark: a site's files through `jobfloor import`, each a fresh process, as a cron job runs them.

    python -m bench.imports                          # both databases, 100,000 stock rows, 1,000 jobs x 10 lines
    python -m bench.imports --db sqlite --units 20000 --jobs 200 --runs 1

Timed from outside, per step: `init`, `import items`, `import locations`, `import stock`, `import jobs`. The goal
(issue 17) is the stock file and the jobs file together in under 10 s on each database. The anchor, measured in
the same run on the same files, is a plain Python process that reads stock.csv and jobs.xml, parses every
quantity and date and indexes the rows by key: the least any import of those files must do. The ratio is
(stock + jobs) / anchor; the run fails (exit 1) when it is above GOAL_RATIO on either database. The absolute
times are printed against the 10 s target too, with the machine's load, for the README.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_S = 10.0
# The 10 s target over this machine's anchor (0.55-0.7 s for the full-size files), with some margin: an import that
# checks every cell and writes every row, its ledger and audit included, may take this many times the bare reading.
GOAL_RATIO = 15.0
STEPS = ("init", "items", "locations", "stock", "jobs")


def write_files(out: Path, units: int, jobs: int, lines: int) -> dict:
    from bench.stress_site import SiteSize
    from bench.stress_site import write_files as site_files

    size = SiteSize(units=units, jobs=jobs, lines_per_job=lines)
    return site_files(out, size, dt.date(2026, 11, 25), seed=7)


def anchor(directory: Path) -> None:
    """The plain approach: read, parse and index the stock and jobs files, nothing checked, nothing written."""
    def milli(text: str) -> int:
        whole, _, frac = text.partition(".")
        return int(whole) * 1000 + int((frac + "000")[:3]) if text else 0

    units = {}
    with open(directory / "stock.csv", newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            units[r["track_id"]] = (r["item"], r["lot"], r["location"], milli(r["qty"]),
                                    dt.date.fromisoformat(r["expiry"]) if r["expiry"] else None,
                                    dt.date.fromisoformat(r["received"]), r["status"], milli(r["tare_kg"]),
                                    r["opened"] == "Y")
    jobs = {}
    for job in ET.parse(directory / "jobs.xml").getroot().iter("Job"):
        number = job.findtext("Job")
        if number is None:
            continue
        jobs[number] = (job.findtext("StockCode"), milli(job.findtext("QtyToMake")),
                        dt.date.fromisoformat(job.findtext("JobStartDate")),
                        [(int(m.findtext("Line")), m.findtext("StockCode"), milli(m.findtext("QtyReqd")))
                         for m in job.iter("Material")])
    print(len(units), len(jobs))


def _timed(cmd: list[str], env: dict | None = None) -> float:
    t0 = time.perf_counter()
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
    took = time.perf_counter() - t0
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[3:])} failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    return took


def _counts(url: str) -> tuple[int, int, int]:
    from core.data.db import connect
    from core.data.models import JobLine, Movement, StockUnit

    database = connect(url)
    try:
        return StockUnit.select().count(), Movement.select().count(), JobLine.select().count()
    finally:
        database.close()


def _planner_token(url: str) -> dict:
    from bench.credentials import make_token, token_env
    from core.data.db import connect, db

    connect(url)
    try:
        return token_env(make_token("planner"))
    finally:
        db.close()


def run_imports(kind: str, files: Path, tmp: Path) -> dict[str, float]:
    from bench.release import drop_db, fresh_db

    url = fresh_db(kind, tmp)
    try:
        base = [sys.executable, "-m", "tui.entry", "--db", url]
        took = {"init": _timed(base + ["init"])}
        env = _planner_token(url)  # not timed: a site's planner has their credential before the files come
        for step, name in (("items", "items.csv"), ("locations", "locations.csv"), ("stock", "stock.csv"),
                           ("jobs", "jobs.xml")):
            took[step] = _timed(base + ["import", step, str(files / name)], env)
        took["counts"] = _counts(url)
        return took
    finally:
        drop_db(url)
        if kind == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(url[len("sqlite:///"):] + suffix).unlink(missing_ok=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", choices=("sqlite", "pg", "both"), default="both")
    ap.add_argument("--units", type=int, default=100_000)
    ap.add_argument("--jobs", type=int, default=1000)
    ap.add_argument("--lines", type=int, default=10)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--anchor", metavar="DIR", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.anchor:
        anchor(Path(args.anchor))
        return 0
    kinds = ("sqlite", "pg") if args.db == "both" else (args.db,)
    with tempfile.TemporaryDirectory(prefix="jobfloor-bench-imports-") as tmp_name:
        tmp = Path(tmp_name)
        files = tmp / "files"
        files.mkdir()
        counts = write_files(files, args.units, args.jobs, args.lines)
        print(f"files: {counts['units']:,} stock rows, {counts['jobs']:,} jobs, {counts['job_lines']:,} job lines, "
              f"{counts['items']} items, {counts['locations']} locations; {os.cpu_count()} CPUs, "
              f"load {os.getloadavg()[0]:.1f}")
        anchors, results = [], {k: [] for k in kinds}
        for run in range(args.runs):
            anchors.append(_timed([sys.executable, "-m", "bench.imports", "--anchor", str(files)]))
            for kind in kinds:
                took = run_imports(kind, files, tmp)
                units, moves, lines = took.pop("counts")
                if units != counts["units"] or moves != counts["units"] or lines != counts["job_lines"]:
                    raise SystemExit(f"{kind}: imported {units} units, {moves} movements, {lines} job lines; "
                                     f"expected {counts['units']}, {counts['units']}, {counts['job_lines']}")
                results[kind].append(took)
                print(f"  run {run + 1} {kind:<6} " + "  ".join(f"{s} {took[s]:.2f}s" for s in STEPS), flush=True)
        base = statistics.median(anchors)
        print(f"load average at the end {os.getloadavg()[0]:.1f}")
        print(f"\nanchor (plain Python reads, parses and indexes stock.csv and jobs.xml, whole process): "
              f"median {base:.2f} s")
        print(f"{'step (median s)':<22}" + "".join(f"{k:>12}" for k in kinds))
        for step in STEPS:
            print(f"{step:<22}" + "".join(f"{statistics.median(r[step] for r in results[k]):>12.2f}" for k in kinds))
        failed = False
        for kind in kinds:
            both = statistics.median(r["stock"] + r["jobs"] for r in results[kind])
            whole = statistics.median(sum(r[s] for s in STEPS) for r in results[kind])
            ratio = both / base
            failed |= ratio > GOAL_RATIO
            # the ratio decides: the machine is shared, and its load moves absolute times from run to run
            print(f"{kind}: stock + jobs {both:.2f} s ({'under' if both < TARGET_S else 'OVER'} the {TARGET_S:.0f} s "
                  f"target at this load), {ratio:.1f}x the anchor (goal <= {GOAL_RATIO:.0f}x): "
                  f"{'met' if ratio <= GOAL_RATIO else 'MISSED'}; init to jobs {whole:.2f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
