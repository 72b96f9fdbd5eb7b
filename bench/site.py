"""A big synthetic site straight into the database (bulk inserts), for benchmarks and stress runs.

Not through the CSV imports: those check every cell and are measured on their own; here only the volume matters.
"""
from __future__ import annotations

import datetime as dt
import random

from core.data.db import db
from core.data.models import Item, Job, JobLine, Location, Lot, StockUnit


def _chunks(rows, size=2000):
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def build_site(n_jobs: int, lines_per_job: int, n_units: int, seed: int = 1, start=dt.date(2026, 11, 26)):
    rng = random.Random(seed)
    n_items = max(lines_per_job * 3, n_units // 100)
    with db.atomic():
        Item.insert_many([{"code": f"FG-{j:05d}", "uom": "EA", "lot_tracked": True} for j in range(10)]).execute()
        items = [{"code": f"RM-{i:05d}", "description": f"material {i}", "uom": "KG", "lot_tracked": True,
                  "weighed": True, "tolerance_milli_pct": 1000, "min_remaining_days": rng.choice([0, 0, 7, 14]),
                  "single_lot": rng.random() < 0.1} for i in range(n_items)]
        for chunk in _chunks(items):
            Item.insert_many(chunk).execute()
        Location.insert_many([{"code": f"L{k:04d}", "zone": "STORE", "pick_seq": k} for k in range(500)]
                             + [{"code": "WIP", "zone": "WIP", "pick_seq": 9999}]).execute()
        lots = []
        for i in range(n_items):
            for k in range(max(1, n_units // n_items // 4)):
                lots.append({"item": f"RM-{i:05d}", "code": f"L{i:05d}-{k:02d}"})
        for chunk in _chunks(lots):
            Lot.insert_many(chunk).execute()
        lot_ids = {}
        for lot in Lot.select(Lot.id, Lot.item, Lot.code).tuples():
            lot_ids.setdefault(lot[1], []).append(lot[0])
        units = []
        for u in range(n_units):
            item = f"RM-{rng.randrange(n_items):05d}"
            expiry = start + dt.timedelta(days=rng.randrange(-5, 400)) if rng.random() < 0.9 else None
            units.append({"track_id": f"T{u:08d}", "item": item, "lot": rng.choice(lot_ids[item]),
                          "location": f"L{rng.randrange(500):04d}", "on_hand": rng.randrange(5, 200) * 1000,
                          "status": "AVAILABLE" if rng.random() < 0.95 else "QUARANTINE", "expiry": expiry,
                          "received": start - dt.timedelta(days=rng.randrange(1, 200)),
                          "opened": rng.random() < 0.1})
        for chunk in _chunks(units):
            StockUnit.insert_many(chunk).execute()
        # The ledger stays true: one OPENING movement per unit, written with the balance.
        db.execute_sql(
            "INSERT INTO movement (at, kind, track_id, item, lot, location, qty, \"user\") "
            "SELECT CURRENT_TIMESTAMP, 'OPENING', u.track_id, u.item, l.code, u.location, u.on_hand, 'bench' "
            "FROM stock_unit u LEFT JOIN lot l ON l.id = u.lot")
        jobs, lines = [], []
        for j in range(n_jobs):
            code = f"B{j:08d}"
            jobs.append({"job": code, "item": f"FG-{j % 10:05d}", "qty_to_make": 100000,
                         "start_date": start + dt.timedelta(days=rng.randrange(0, 10)),
                         "priority": rng.randrange(1, 100), "state": "IMPORTED"})
            for n in range(1, lines_per_job + 1):
                q = rng.randrange(1, 60) * 1000
                lines.append({"job": code, "line": n, "item": f"RM-{rng.randrange(n_items):05d}", "unit_qty": q * 10,
                              "qty_reqd": q, "uom": "KG", "kit_issue": False})
        for chunk in _chunks(jobs):
            Job.insert_many(chunk).execute()
        for chunk in _chunks(lines):
            JobLine.insert_many(chunk).execute()
