"""The two anchors `jobfloor release --all` is measured against (bench.release), each a whole process of its own.

    python -m bench.release_anchors export URL DIR    # the site's items, locations, stock and jobs as the ERP sends them
    python -m bench.release_anchors sql URL           # per-line SQL allocation, written to the database
    python -m bench.release_anchors python DIR        # plain indexed Python over the files, nothing written

Both apply the same FEFO rules as jobfloor (core.allocator.rules) and print the reservations as `release --json`
does, so bench.release checks that all three agree, reservation for reservation.

- sql: what an ERP does: for each line in rule order, one ranked SELECT of the item's eligible units (locked on
  PostgreSQL), then an UPDATE of each container taken and an INSERT of its reservation and pick task, then the
  line's UPDATE; every job marked released; one transaction. Only the database driver is imported.
- python: read the four files with the csv module and ElementTree, index the units by item with each item's list
  sorted by rank once, walk the lines. It writes nothing, so it is a floor no database-backed release can reach
  without skipping work; it is what a release has to beat by having less to read.
"""
from __future__ import annotations

import csv
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

NO_LOT = ""


def _milli(text: str) -> int:
    whole, _, frac = text.partition(".")
    sign = -1 if whole.startswith("-") else 1
    return sign * (abs(int(whole)) * 1000 + int((frac + "000")[:3])) if text else 0


def _qty(milli: int) -> str:
    return f"{milli // 1000}.{milli % 1000:03d}"


# --- export --------------------------------------------------------------------------------------------------------

def export(url: str, out: Path) -> None:
    """The site in the database as items.csv, locations.csv, stock.csv and jobs.xml (the interchange formats)."""
    conn, pg = _connect(url)
    cur = conn.cursor()
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "items.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["item", "description", "uom", "lot_tracked", "weighed", "tolerance_pct", "shelf_life_days",
                    "min_remaining_days", "single_lot", "gtin"])
        cur.execute("SELECT code, description, uom, lot_tracked, weighed, tolerance_milli_pct, shelf_life_days, "
                    "min_remaining_days, single_lot, gtin FROM item ORDER BY code")
        for code, desc, uom, lot, weighed, tol, life, mrd, single, gtin in cur.fetchall():
            w.writerow([code, desc, uom, "Y" if lot else "N", "Y" if weighed else "N", _qty(tol), life or "",
                        mrd or 0, "Y" if single else "N", gtin or ""])
    with open(out / "locations.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["location", "zone", "pick_seq", "kit_item", "min_qty", "max_qty"])
        cur.execute("SELECT code, zone, pick_seq FROM location ORDER BY code")
        for code, zone, seq in cur.fetchall():
            w.writerow([code, zone, seq, "", "", ""])
    with open(out / "stock.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["track_id", "item", "lot", "location", "qty", "expiry", "received", "status", "tare_kg",
                    "opened"])
        cur.execute("SELECT u.track_id, u.item, l.code, u.location, u.on_hand, u.expiry, u.received, u.status, "
                    "u.tare_milli_kg, u.opened FROM stock_unit u LEFT JOIN lot l ON l.id = u.lot "
                    "WHERE u.state = 'ACTIVE' ORDER BY u.track_id")
        for tid, item, lot, loc, qty, expiry, received, status, tare, opened in cur.fetchall():
            w.writerow([tid, item, lot or "", loc, _qty(qty), str(expiry or "")[:10], str(received)[:10], status,
                        _qty(tare) if tare else "", "Y" if opened else "N"])
    cur.execute("SELECT job, description, stock_code, warehouse, qty_to_make, start_date, priority FROM job "
                "WHERE state = 'IMPORTED' ORDER BY job")
    jobs = cur.fetchall()
    cur.execute("SELECT job, line, stock_code, warehouse, unit_qty, qty_reqd, uom, kit_issue FROM job_line "
                "ORDER BY job, line")
    lines: dict[str, list] = {}
    for row in cur.fetchall():
        lines.setdefault(row[0], []).append(row)
    parts = ['<?xml version="1.0" encoding="UTF-8"?>', "<WipJobs>"]
    for job, desc, item, wh, make, start, prio in jobs:
        parts.append(f"<Job><Job>{job}</Job><JobDescription>{desc}</JobDescription><StockCode>{item}</StockCode>"
                     f"<Warehouse>{wh}</Warehouse><QtyToMake>{_qty(make)}</QtyToMake>"
                     f"<JobStartDate>{str(start)[:10]}</JobStartDate><Priority>{prio}</Priority><Materials>")
        for _, line, code, lwh, unit_qty, reqd, uom, kit in lines.get(job, []):
            parts.append(f"<Material><Line>{line}</Line><StockCode>{code}</StockCode><Warehouse>{lwh}</Warehouse>"
                         f"<UnitQtyReqd>{_qty(unit_qty)}</UnitQtyReqd><QtyReqd>{_qty(reqd)}</QtyReqd>"
                         f"<Uom>{uom}</Uom><KitIssue>{'Y' if kit else 'N'}</KitIssue></Material>")
        parts.append("</Materials></Job>")
    parts.append("</WipJobs>")
    (out / "jobs.xml").write_text("\n".join(parts) + "\n", encoding="utf-8")
    conn.close()


# --- per-line SQL ----------------------------------------------------------------------------------------------------

def _connect(url: str):
    if url.startswith("sqlite:"):
        import sqlite3

        path = url[len("sqlite:"):].lstrip("/")
        conn = sqlite3.connect("/" + path, isolation_level=None)
        # As jobfloor opens it (core.data.db): the same checks and the same durability.
        conn.execute("PRAGMA foreign_keys = 1")
        conn.execute("PRAGMA synchronous = normal")
        return conn, False
    import psycopg2

    return psycopg2.connect(url), True


def sql_release(url: str) -> dict:
    conn, pg = _connect(url)
    cur = conn.cursor()
    p = "%s" if pg else "?"
    text = ' COLLATE "C"' if pg else ""
    if not pg:
        cur.execute("BEGIN IMMEDIATE")
    cur.execute(f"SELECT job FROM job WHERE state = 'IMPORTED' ORDER BY job{text}" + (" FOR UPDATE" if pg else ""))
    jobs = [j for (j,) in cur.fetchall()]
    kit_false = "false" if pg else "0"
    cur.execute("SELECT jl.id, j.job, jl.line, jl.stock_code, jl.qty_reqd - jl.allocated - jl.issued, j.start_date, "
                "i.min_remaining_days, i.single_lot FROM job_line jl JOIN job j ON j.job = jl.job "
                f"JOIN item i ON i.code = jl.stock_code WHERE j.state = 'IMPORTED' AND jl.kit_issue = {kit_false} "
                f"ORDER BY j.priority, j.start_date, j.job{text}, jl.line")
    lines = cur.fetchall()
    days = "%s::date + %s::int" if pg else "date(?, '+' || ? || ' days')"
    rank = (f"SELECT u.track_id, u.on_hand - u.reserved, u.lot, l.pick_seq FROM stock_unit u "
            f"JOIN location l ON l.code = u.location WHERE u.item = {p} AND u.status = 'AVAILABLE' "
            f"AND u.state = 'ACTIVE' AND l.zone = 'STORE' AND u.on_hand > u.reserved "
            f"AND (u.expiry IS NULL OR u.expiry >= {days}) "
            f"ORDER BY u.expiry IS NULL, u.expiry, u.opened DESC, u.received, l.pick_seq, u.track_id{text}"
            + (" FOR UPDATE OF u" if pg else ""))
    allocations = []
    shortages = []
    for line_id, job, line, item, need, start, min_days, single_lot in lines:
        cur.execute(rank, (item, str(start)[:10], int(min_days or 0)))
        units = cur.fetchall()
        takes = []
        if need > 0 and single_lot:
            lots: dict = {}
            for tid, avail, lot, seq in units:
                if lot is not None:
                    lots.setdefault(lot, []).append((tid, avail, seq))
            for members in lots.values():
                if sum(a for _, a, _ in members) >= need:
                    left = need
                    for tid, avail, seq in members:
                        if not left:
                            break
                        takes.append((tid, min(avail, left), seq))
                        left -= takes[-1][1]
                    break
        elif need > 0:
            left = need
            for tid, avail, _, seq in units:
                if not left:
                    break
                takes.append((tid, min(avail, left), seq))
                left -= takes[-1][1]
        got = 0
        for tid, qty, seq in takes:
            cur.execute(f"UPDATE stock_unit SET reserved = reserved + {p} WHERE track_id = {p}", (qty, tid))
            cur.execute(f"INSERT INTO reservation (job_line, track_id, qty) VALUES ({p}, {p}, {p})", (line_id, tid, qty))
            cur.execute(f"INSERT INTO pick_task (job_line, track_id, qty, seq, picked, state) "
                        f"VALUES ({p}, {p}, {p}, {p}, 0, 'OPEN')", (line_id, tid, qty, seq))
            allocations.append({"job": job, "line": line, "item": item, "track_id": tid, "qty": _qty(qty)})
            got += qty
        short = None if got >= need else ("no single lot covers the line" if single_lot else "short")
        if short:
            shortages.append({"job": job, "line": line})
        cur.execute(f"UPDATE job_line SET allocated = allocated + {p}, short_reason = {p} WHERE id = {p}",
                    (got, short, line_id))
    cur.executemany(f"UPDATE job SET state = 'RELEASED' WHERE job = {p}", [(j,) for j in jobs])
    cur.execute("COMMIT") if not pg else conn.commit()
    conn.close()
    return {"released": jobs, "allocations": allocations, "shortages": shortages}


# --- plain indexed Python ----------------------------------------------------------------------------------------------

def python_release(directory: Path) -> dict:
    import datetime as dt

    store = {}
    with open(directory / "locations.csv", newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["zone"] == "STORE":
                store[r["location"]] = int(r["pick_seq"])
    items = {}
    with open(directory / "items.csv", newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            items[r["item"]] = (int(r["min_remaining_days"] or 0), r["single_lot"] == "Y")
    by_item: dict[str, list] = {}
    with open(directory / "stock.csv", newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            seq = store.get(r["location"])
            if seq is None or r["status"] != "AVAILABLE":
                continue
            expiry = r["expiry"]
            # Rule 4: expiry (none last), opened first, received, pick_seq, TrackID as text.
            key = (expiry == "", expiry, r["opened"] != "Y", r["received"], seq, r["track_id"])
            by_item.setdefault(r["item"], []).append([key, _milli(r["qty"]), r["lot"] or NO_LOT, r["track_id"]])
    for units in by_item.values():
        units.sort(key=lambda u: u[0])
    jobs = []
    for job in ET.parse(directory / "jobs.xml").getroot().iter("Job"):
        number = job.findtext("Job")
        if number is None:
            continue
        start = job.findtext("JobStartDate")
        jobs.append((int(job.findtext("Priority") or 0), start, number,
                     sorted((int(m.findtext("Line")), m.findtext("StockCode"), _milli(m.findtext("QtyReqd")),
                             m.findtext("KitIssue") == "Y") for m in job.iter("Material"))))
    jobs.sort()
    allocations, shortages = [], []
    for _, start, number, materials in jobs:
        start_day = dt.date.fromisoformat(start)
        for line, item, need, kit in materials:
            if kit:
                continue
            min_days, single_lot = items[item]
            cutoff = (start_day + dt.timedelta(days=min_days)).isoformat()
            eligible = [u for u in by_item.get(item, ()) if u[1] > 0 and (u[0][0] or u[0][1] >= cutoff)]
            takes = []
            if single_lot:
                lots: dict = {}
                for u in eligible:
                    if u[2] != NO_LOT:
                        lots.setdefault(u[2], []).append(u)
                chosen = next((m for m in lots.values() if sum(u[1] for u in m) >= need), [])
                eligible = chosen
            left = need
            for u in eligible:
                if not left:
                    break
                take = min(u[1], left)
                takes.append((u, take))
                left -= take
            for u, take in takes:
                u[1] -= take
                allocations.append({"job": number, "line": line, "item": item, "track_id": u[3], "qty": _qty(take)})
            if left:
                shortages.append({"job": number, "line": line})
    return {"released": [j[2] for j in jobs], "allocations": allocations, "shortages": shortages}


def main(argv: list[str]) -> int:
    mode, where = argv[0], argv[1]
    if mode == "export":
        export(where, Path(argv[2]))
        return 0
    doc = sql_release(where) if mode == "sql" else python_release(Path(where))
    print(json.dumps(doc))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
