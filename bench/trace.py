"""Lot trace over a big ledger: 3 levels of genealogy over about 1,000,000 movements, SQLite and PostgreSQL.

    .venv/bin/python -m bench.trace                               # both databases, ~1M movements
    .venv/bin/python -m bench.trace --db sqlite --movements 200000
    .venv/bin/python -m bench.trace --pg postgresql://postgres@127.0.0.1:5432

The ledger is built with bulk inserts (executemany on SQLite, COPY on PostgreSQL) into a fresh database with the
schema jobfloor creates, so the indexes measured are the real ones. A three-level bill of materials: raw lots go
into intermediates, intermediates into sub-assemblies, those into finished lots; every line is a pick (PICK out of
store, ISSUE into WIP on a new portion), one line in ten a return, and completion consumes WIP and receives the
output. Timed, median over many lots:
  forward   a raw lot, followed three levels forward
  backward  a finished lot, followed three levels back
  both      an intermediate lot: one level back, two forward
  full ...  forward and both again, with where every lot is now and the jobs' dates (the Trace screen)
Target: a 3-level trace in under 50 ms on each database.
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_MS = 50.0
START = dt.datetime(2026, 1, 5, 6, 0)

# (prefix, jobs, inputs from the level below, raw inputs); raw lots are level 0
LEVELS = (("IM", 0.44, 0, 6), ("SA", 0.33, 2, 4), ("FG", 0.23, 2, 4))
RAW_LOTS = 3000
UNITS_PER_RAW_LOT = 4
PER_LINE = 3.05  # movements a line costs on average: pick, issue, consume, and a return in ten lines


class Ledger:
    """Rows for every table the trace reads, kept as tuples in column order for bulk loading."""

    def __init__(self, movements: int, seed: int):
        self.rng = random.Random(seed)
        self.items, self.locations, self.lots, self.units, self.jobs, self.moves = [], [], [], [], [], []
        self.balance: dict[str, int] = {}
        self.lot_id = 0
        self.tid = 0
        self.clock = START
        self._build(movements)

    def _next_tid(self) -> str:
        self.tid += 1
        return f"B{self.tid:09d}"

    def _tick(self) -> str:
        self.clock += dt.timedelta(seconds=self.rng.randint(20, 120))
        return self.clock.isoformat(sep=" ")

    def _lot(self, item: str, code: str, job: str | None) -> int:
        self.lot_id += 1
        self.lots.append((self.lot_id, item, code, job, START.isoformat(sep=" ")))
        return self.lot_id

    def _unit(self, item: str, lot: int, location: str, state: str, job: str | None = None,
              parent: str | None = None) -> str:
        tid = self._next_tid()
        self.units.append([tid, item, lot, location, 0, 0, "AVAILABLE", state, None, START.date().isoformat(), 0,
                           False, parent, job, START.isoformat(sep=" ")])
        return tid

    def _move(self, kind, unit, item, lot, location, qty, job=None, line=None):
        self.moves.append((self._tick(), kind, unit, item, lot, location, qty, job, line, "BENCH"))
        self.balance[unit] = self.balance.get(unit, 0) + qty

    def _build(self, target: int) -> None:
        rng = self.rng
        self.locations = [(f"S-{k:03d}", "STORE", k) for k in range(1, 51)] + [("WIP-1", "WIP", 900),
                                                                             ("DISPATCH-1", "DISPATCH", 999)]
        raw_items = [f"RM-{k:03d}" for k in range(300)]
        lines_per_job = sum(share * (below + raw) for _, share, below, raw in LEVELS)
        n_jobs = int((target - RAW_LOTS * UNITS_PER_RAW_LOT) / (lines_per_job * PER_LINE + 1))
        self.items = [(code, "KG") for code in raw_items]
        raw_lots = []  # (item, code, [unit track ids])
        for k in range(RAW_LOTS):
            item = raw_items[k % len(raw_items)]
            code = f"R{k:05d}"
            lot = self._lot(item, code, None)
            units = [self._unit(item, lot, f"S-{rng.randint(1, 50):03d}", "ACTIVE") for _ in range(UNITS_PER_RAW_LOT)]
            raw_lots.append((item, code, lot, units))
        below = raw_lots
        number = 0
        for prefix, share, from_below, from_raw in LEVELS:
            items = [f"{prefix}-{k:03d}" for k in range(max(1, int(300 * share)))]
            self.items += [(code, "KG") for code in items]
            made = []
            count = int(n_jobs * share)
            for j in range(count):
                number += 1
                job = f"{number:015d}"
                item = items[j % len(items)]
                code = f"{number}-{prefix}"
                lot = self._lot(item, code, job)
                # Intermediates are used by the jobs that follow soon after them, as on a real floor.
                recent = below[max(0, len(below) * j // count - 400):max(1, len(below) * (j + 1) // count)]
                picks = [rng.choice(recent) for _ in range(from_below)] if prefix != "IM" else []
                # A few raw lots are in everything (flour, salt), most in a little: skewed towards the first.
                picks += [raw_lots[int(len(raw_lots) * rng.random() ** 1.5)] for _ in range(from_raw)]
                for line, (c_item, c_code, c_lot, c_units) in enumerate(picks, 1):
                    qty = rng.randint(1, 40) * 1000
                    source = rng.choice(c_units)
                    store = f"S-{rng.randint(1, 50):03d}"
                    portion = self._unit(c_item, c_lot, "WIP-1", "EMPTY", job, source)
                    self._move("PICK", source, c_item, c_code, store, -qty, job, line)
                    self._move("ISSUE", portion, c_item, c_code, "WIP-1", qty, job, line)
                    if rng.random() < 0.1:
                        back = qty // 4
                        self._move("RETURN", portion, c_item, c_code, "WIP-1", -qty, job, line)
                        self._move("RETURN", portion, c_item, c_code, store, back, job, line)
                    else:
                        self._move("CONSUME", portion, c_item, c_code, "WIP-1", -qty, job, line)
                out = self._unit(item, lot, "DISPATCH-1", "ACTIVE")
                self._move("RECEIPT", out, item, code, "DISPATCH-1", 1_000_000, job)
                self.jobs.append((job, f"bench {prefix}", item, "BH", 100_000, self.clock.date().isoformat(), 10,
                                  "COMPLETED", code, self.clock.isoformat(sep=" "), START.isoformat(sep=" "), ""))
                made.append((item, code, lot, [out]))
            below = made
        # Opening balances big enough for every pick from them, written first in time like a real go-live.
        opening = []
        for item, code, _lot, units in raw_lots:
            for tid in units:
                qty = -min(0, self.balance.get(tid, 0)) + rng.randint(1, 50) * 1000
                opening.append((START.isoformat(sep=" "), "OPENING", tid, item, code, "S-001", qty, None, None,
                                "BENCH"))
                self.balance[tid] = self.balance.get(tid, 0) + qty
        self.moves = opening + self.moves
        self.units = [u for u in self.units if u[0] in self.balance]
        for u in self.units:
            u[4] = self.balance[u[0]]
            assert u[4] >= 0, f"{u[0]} would go below zero: the receipts are too small for the picks"
        # Something to recall on every level: a raw lot, an intermediate, a finished lot.
        self.samples = {
            "raw": [(i, c) for i, c, _l, _u in rng.sample(raw_lots, 25)],
            "intermediate": [(i, c) for i, c, _l, _u in rng.sample(self._made("IM"), 25)],
            "finished": [(i, c) for i, c, _l, _u in rng.sample(self._made("FG"), 25)],
        }

    def _made(self, prefix: str):
        return [(i, c, lot, None) for lot, i, c, job, _ in self.lots if job and i.startswith(prefix)]


TABLES = {
    "item": ("code", "description", "uom", "lot_tracked", "weighed", "tolerance_milli_pct", "min_remaining_days",
             "single_lot"),
    "location": ("code", "zone", "pick_seq"),
    "lot": ("id", "item", "code", "made_by_job", "created_at"),
    "stock_unit": ("track_id", "item", "lot", "location", "on_hand", "reserved", "status", "state", "expiry",
                   "received", "tare_milli_kg", "opened", "parent", "job", "created_at"),
    "job": ("job", "description", "stock_code", "warehouse", "qty_to_make", "start_date", "priority", "state",
            "output_lot", "completed_at", "imported_at", "area"),
    "movement": ("at", "kind", "track_id", "item", "lot", "location", "qty", "job", "line", "user"),
}


def _rows(ledger: Ledger):
    return {
        "item": [(code, code, uom, True, False, 0, 0, False) for code, uom in ledger.items],
        "location": ledger.locations,
        "lot": ledger.lots,
        "stock_unit": [tuple(u) for u in ledger.units],
        "job": ledger.jobs,
        "movement": ledger.moves,
    }


def load(ledger: Ledger) -> None:
    rows = _rows(ledger)
    bulk_load({table: (cols, rows[table]) for table, cols in TABLES.items()})


def bulk_load(tables: dict[str, tuple[tuple[str, ...], list]]) -> None:
    """Rows straight into the tables, fast: COPY on PostgreSQL, one executemany per table on SQLite."""
    from core.data.db import db, is_postgres

    def columns(cols):
        return ",".join(f'"{c}"' for c in cols)

    if is_postgres():
        conn = db.connection()
        with conn.cursor() as cur:
            for table, (cols, rows) in tables.items():
                buf = io.StringIO()
                for r in rows:
                    buf.write("\t".join("\\N" if v is None else str(v) for v in r) + "\n")
                buf.seek(0)
                cur.copy_expert(f'COPY "{table}" ({columns(cols)}) FROM STDIN', buf)
                if "id" in cols:
                    cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM "
                                f'"{table}"))')
        conn.commit()
        db.execute_sql("ANALYZE")
    else:
        with db.atomic():
            cur = db.cursor()
            for table, (cols, rows) in tables.items():
                cur.executemany(f'INSERT INTO "{table}" ({columns(cols)}) VALUES ({",".join("?" * len(cols))})',
                                rows)
        db.execute_sql("ANALYZE")


def _median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000.0


def measure(ledger: Ledger, runs: int) -> dict[str, tuple[float, float, int]]:
    """name -> (median ms, worst lot's median ms, links found on average)."""
    from core.trace.genealogy import trace

    cases = {"forward": ("raw", False), "backward": ("finished", False), "both": ("intermediate", False),
             "full fwd": ("raw", True), "full both": ("intermediate", True)}
    out = {}
    for name, (kind, where) in cases.items():
        medians, links = [], []
        for item, code in ledger.samples[kind]:
            result = trace(code, item, where=where)  # warm: the first call pays for plans and the cache
            links.append(len(result.forward) + len(result.backward))
            medians.append(_median_ms(lambda: trace(code, item, where=where), runs))
        out[name] = (statistics.median(medians), max(medians), round(statistics.mean(links)))
    return out


def depth_of(ledger: Ledger) -> dict[str, int]:
    from core.trace.genealogy import trace

    item, code = ledger.samples["raw"][0]
    fwd = trace(code, item, where=False)
    item, code = ledger.samples["finished"][0]
    bwd = trace(code, item, where=False)
    return {"forward": max((x.depth for x in fwd.forward), default=0),
            "backward": max((x.depth for x in bwd.backward), default=0)}


def run_one(kind: str, url: str, ledger: Ledger, runs: int) -> list[str]:
    from core.data.db import connect, db
    from core.data.models import Movement
    from core.data.schema import init_schema

    if db.obj is not None and not db.is_closed():
        db.close()
    connect(url)
    init_schema()
    t0 = time.perf_counter()
    load(ledger)
    loaded = time.perf_counter() - t0
    count = Movement.select().count()
    depths = depth_of(ledger)
    results = measure(ledger, runs)
    lines = [f"{kind}: {count:,} movements loaded in {loaded:.1f} s; deepest forward {depths['forward']}, "
             f"backward {depths['backward']} levels"]
    for name, (median, worst, links) in results.items():
        lines.append(f"  {name:<9} median {median:7.2f} ms   worst lot {worst:7.2f} ms   ~{links} links")
    worst3 = max(results[n][0] for n in ("forward", "backward", "both"))
    lines.append(f"  target: 3-level trace under {TARGET_MS:.0f} ms on {kind}: "
                 f"{'met' if worst3 < TARGET_MS else 'NOT met'} ({worst3:.2f} ms, the slowest median)")
    db.close()
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--movements", type=int, default=1_000_000, help="ledger size to build (about)")
    parser.add_argument("--db", choices=("both", "sqlite", "pg"), default="both")
    parser.add_argument("--pg", default=os.environ.get("JOBFLOOR_TEST_PG", "postgresql://postgres@127.0.0.1:5432"),
                        help="PostgreSQL server URL without a database name (a scratch database is made and dropped)")
    parser.add_argument("--runs", type=int, default=15, help="timed runs per lot (median)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    ledger = Ledger(args.movements, args.seed)
    print(f"built {len(ledger.moves):,} movements, {len(ledger.jobs):,} jobs, {len(ledger.lots):,} lots, "
          f"{len(ledger.units):,} units in {time.perf_counter() - t0:.1f} s")
    report = []
    if args.db in ("both", "sqlite"):
        with tempfile.TemporaryDirectory() as tmp:
            report += run_one("SQLite", f"sqlite:///{tmp}/bench.db", ledger, args.runs)
            print("\n".join(report))
    if args.db in ("both", "pg"):
        import psycopg2

        name = f"jobfloor_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        admin = psycopg2.connect(args.pg + "/postgres", connect_timeout=5)
        admin.autocommit = True
        with admin.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"')
        try:
            lines = run_one("PostgreSQL", f"{args.pg}/{name}", ledger, args.runs)
            report += lines
            print("\n".join(lines))
        finally:
            with admin.cursor() as cur:
                cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                            "AND pid <> pg_backend_pid()", (name,))
                cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
