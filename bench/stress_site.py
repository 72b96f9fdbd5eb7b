"""A fresh site for the stress and crash runs: the demo's shape, many times bigger, in a database of its own.

The site goes in through the interchange files and the real imports (not bulk inserts), so the run starts from
books the floor itself would have: every opening balance has its OPENING movement and its import audit event.
"""
from __future__ import annotations

import datetime as dt
import os
import random
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

PG_SERVER = os.environ.get("JOBFLOOR_TEST_PG", "postgresql://postgres@127.0.0.1:5432")
PICKERS = 16
WAREHOUSE = "FP"
WIP = "WIP-1"
DISPATCH = "DISPATCH-1"


@dataclass(frozen=True)
class SiteSize:
    weighed_items: int = 40
    counted_items: int = 12
    kit_items: int = 6
    store_locations: int = 120
    units: int = 3000
    jobs: int = 600
    lines_per_job: int | None = None  # None: 2-7 lines a job, as a mixed site has; a number: exactly that many

    @classmethod
    def named(cls, name: str) -> SiteSize:
        return SIZES[name]


SIZES = {
    # CI: big enough that sixteen processes meet on the same rows, small enough to build in seconds.
    "ci": SiteSize(weighed_items=10, counted_items=4, kit_items=3, store_locations=30, units=500, jobs=120),
    "default": SiteSize(),
    # The picks-per-second run: every one of sixteen pickers must find work for the whole measurement.
    "picks": SiteSize(weighed_items=80, counted_items=20, kit_items=4, store_locations=200, units=9000, jobs=1500),
}


@dataclass
class Site:
    url: str
    kind: str  # sqlite or pg
    pg_name: str | None
    counts: dict

    def drop(self) -> None:
        """Remove the database (the SQLite file and its WAL, or the PostgreSQL database)."""
        from core.data.db import db

        if db.obj is not None and not db.is_closed():
            db.close()
        if self.kind == "sqlite":
            from core.data.db import sqlite_path

            base = sqlite_path(self.url)
            for suffix in ("", "-wal", "-shm"):
                Path(base + suffix).unlink(missing_ok=True)
        elif self.pg_name:
            _pg_admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.pg_name)


def _pg_admin(template: str, name: str) -> None:
    import psycopg2
    from psycopg2 import sql

    conn = psycopg2.connect(PG_SERVER + "/postgres", connect_timeout=5)
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(sql.SQL(template).format(sql.Identifier(name)))
    finally:
        conn.close()


def new_database(kind: str, workdir: Path) -> tuple[str, str | None]:
    """A database nobody else uses: a new SQLite file, or a new PostgreSQL database named for this run."""
    if kind == "sqlite":
        return f"sqlite:///{workdir / 'stress.db'}", None
    name = f"jobfloor_stress_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    _pg_admin("CREATE DATABASE {}", name)
    return f"{PG_SERVER}/{name}", name


def _gtin13(body12: str) -> str:
    from core.gs1.keys import check_digit

    return body12 + str(check_digit(body12))


def _q(milli: int) -> str:
    return f"{milli // 1000}.{milli % 1000:03d}"


def write_files(out: Path, size: SiteSize, today: dt.date, seed: int) -> dict:
    """items.csv, locations.csv, stock.csv and jobs.xml for a site of `size`, dated around `today`."""
    rng = random.Random(seed)
    items = ["item,description,uom,lot_tracked,weighed,tolerance_pct,shelf_life_days,min_remaining_days,"
             "single_lot,gtin"]
    finished = [f"FG-{k:03d}" for k in range(8)]
    for k, code in enumerate(finished):
        items.append(f"{code},Finished good {k},EA,Y,N,,{rng.choice(['', '30', '180'])},,N,"
                     f"{_gtin13(f'950110153{k:03d}')}")
    weighed = [f"RM-W{k:03d}" for k in range(size.weighed_items)]
    for code in weighed:
        items.append(f"{code},Weighed material {code},KG,Y,Y,{rng.choice(['0.5', '1.0', '2.0'])},365,"
                     f"{rng.choice(['0', '0', '7', '14'])},{'Y' if rng.random() < 0.15 else 'N'},")
    counted = [f"RM-C{k:03d}" for k in range(size.counted_items)]
    for code in counted:
        items.append(f"{code},Counted part {code},EA,{'Y' if rng.random() < 0.5 else 'N'},N,,,,N,")
    kit = [f"KT-{k:03d}" for k in range(size.kit_items)]
    for code in kit:
        items.append(f"{code},Kit part {code},EA,Y,N,,,,N,")
    (out / "items.csv").write_text("\n".join(items) + "\n", encoding="utf-8")

    locs = ["location,zone,pick_seq,kit_item,min_qty,max_qty"]
    stores = [f"S-{k:03d}" for k in range(size.store_locations)]
    locs += [f"{code},STORE,{10 + k},,," for k, code in enumerate(stores)]
    locs += [f"{WIP},WIP,900,,,", "QC-HOLD,QUARANTINE,990,,,", f"{DISPATCH},DISPATCH,999,,,"]
    bins = {}
    for k, code in enumerate(kit):
        low, high = rng.choice([(200, 1000), (400, 2000), (100, 600)])
        bins[code] = (f"KB-{k:03d}", low, high)
        locs.append(f"KB-{k:03d},KITBIN,{800 + k},{code},{low}.000,{high}.000")
    (out / "locations.csv").write_text("\n".join(locs) + "\n", encoding="utf-8")

    lot_tracked = {line.split(",")[0]: line.split(",")[3] == "Y" for line in items[1:]}
    lots = {code: [f"L{code[-4:]}-{n:02d}" for n in range(rng.randint(3, 6))] for code in weighed + counted + kit}
    stock = ["track_id,item,lot,location,qty,expiry,received,status,tare_kg,opened"]
    n = 0

    def unit(code: str, qty: int, location: str, status: str = "AVAILABLE") -> None:
        nonlocal n
        n += 1
        lot = rng.choice(lots[code]) if lot_tracked[code] else ""
        expiry = "" if rng.random() < 0.15 else (today + dt.timedelta(days=rng.randint(-5, 300))).isoformat()
        received = (today - dt.timedelta(days=rng.randint(1, 120))).isoformat()
        tare = _q(rng.choice([0, 150, 850, 12_000])) if code.startswith("RM-W") else ""
        opened = "Y" if rng.random() < 0.1 else "N"
        stock.append(f"S{n:07d},{code},{lot},{location},{_q(qty)},{expiry},{received},{status},{tare},{opened}")

    materials = weighed + counted
    for _ in range(size.units):
        code = rng.choice(materials + kit[:1])
        status = "AVAILABLE" if rng.random() < 0.93 else rng.choice(["QUARANTINE", "HOLD"])
        qty = rng.randint(5, 60) * 1000 if code.startswith("RM-W") else rng.randint(20, 400) * 1000
        unit(code, qty, rng.choice(stores), status)
    for code in kit:
        for _ in range(max(4, size.units // 200)):
            unit(code, rng.randint(200, 1500) * 1000, rng.choice(stores))
        where, low, high = bins[code]
        unit(code, rng.randint(low, high) * 1000, where)
    (out / "stock.csv").write_text("\n".join(stock) + "\n", encoding="utf-8")

    jobs = ['<?xml version="1.0" encoding="UTF-8"?>', "<WipJobs>"]
    lines_total = 0
    for j in range(size.jobs):
        to_make = 12 * rng.randint(2, 20)
        start = today + dt.timedelta(days=rng.randint(0, 5))
        jobs.append(f"<Job><Job>{j + 1:015d}</Job><JobDescription>Stress job {j}</JobDescription>"
                    f"<StockCode>{rng.choice(finished)}</StockCode><Warehouse>{WAREHOUSE}</Warehouse>"
                    f"<QtyToMake>{to_make}</QtyToMake><JobStartDate>{start}</JobStartDate>"
                    f"<Priority>{rng.randint(1, 50)}</Priority><UnitsPerCarton>12</UnitsPerCarton>"
                    f"<CartonsPerPallet>10</CartonsPerPallet><Materials>")
        if size.lines_per_job:
            chosen, kit_lines = rng.sample(materials, size.lines_per_job), []
        else:
            chosen = rng.sample(materials, rng.randint(2, 5))
            kit_lines = rng.sample(kit, rng.randint(0, min(2, len(kit))))
        for line, code in enumerate(chosen + kit_lines, 1):
            if code.startswith("RM-W"):
                unit_qty = rng.randint(10, 250)  # 0.010 to 0.250 kg per unit made
            else:
                unit_qty = rng.randint(1, 4) * 1000
            jobs.append(f"<Material><Line>{line}</Line><StockCode>{code}</StockCode><Warehouse>RM</Warehouse>"
                        f"<UnitQtyReqd>{_q(unit_qty)}</UnitQtyReqd><QtyReqd>{_q(unit_qty * to_make)}</QtyReqd>"
                        f"<Uom>{'KG' if code.startswith('RM-W') else 'EA'}</Uom>"
                        f"<KitIssue>{'Y' if code in kit_lines else 'N'}</KitIssue></Material>")
            lines_total += 1
        jobs.append("</Materials></Job>")
    jobs.append("</WipJobs>")
    (out / "jobs.xml").write_text("\n".join(jobs) + "\n", encoding="utf-8")
    return {"items": len(items) - 1, "locations": len(locs) - 1, "units": len(stock) - 1, "jobs": size.jobs,
            "job_lines": lines_total}


def build(kind: str, workdir: Path, size: SiteSize, printer_url: str, seed: int = 1,
          today: dt.date | None = None) -> Site:
    """Create the database, import the site, add the users and the pick stations (each with `printer_url`)."""
    from core.data.db import connect, write_txn
    from core.data.models import Station
    from core.data.schema import init_schema
    from core.data.setting_store import set_setting
    from core.erp.imports import run_import
    from core.site.auth import add_user

    url, pg_name = new_database(kind, workdir)
    site = Site(url, kind, pg_name, {})
    try:
        connect(url)
        init_schema()
        today = today or dt.date.today()
        with tempfile.TemporaryDirectory(dir=workdir) as tmp:
            site.counts = write_files(Path(tmp), size, today, seed)
            for what, name in (("items", "items.csv"), ("locations", "locations.csv"), ("stock", "stock.csv"),
                               ("jobs", "jobs.xml")):
                run_import(what, str(Path(tmp) / name))
        with write_txn():
            set_setting(f"wip_location.{WAREHOUSE}", WIP)
            set_setting(f"receipt_location.{WAREHOUSE}", DISPATCH)
            for k in range(1, PICKERS + 1):
                Station.create(code=f"ST-{k:02d}", name=f"Stress station {k}", printer_url=printer_url,
                               printer_language="zpl", printer_model="ZD421", label_size="102x152")
        for code, role, pin in (("PL1", "planner", "4444"), ("SV1", "supervisor", "3333"),
                                ("OP1", "operator", "1111"), ("AD1", "admin", "9999")):
            add_user(code, role, pin)
        for k in range(1, PICKERS + 1):
            add_user(f"PK{k:02d}", "picker", "2222")
    except BaseException:
        site.drop()
        raise
    return site
