"""stock.csv: opening balances for new TrackIDs. Stock that has moved changes only through floor transactions.

A site's opening stock is 100,000 rows and more: every row is still checked cell by cell, but the reads and
writes go in bulk (a few queries for what exists, two statements for the units and their ledger rows), all in
one transaction, so the file imports whole or not at all.
"""
from __future__ import annotations

from functools import lru_cache

from core.data.db import db, is_postgres, write_txn
from core.data.models import UNIT_STATUSES, Item, Location, Lot, StockUnit
from core.erp.imports.common import (
    IMPORTER,
    ImportResult,
    RowChecker,
    code,
    date_or_none,
    qty,
    read_csv,
    yes_no,
)
from core.kitbins.bins import raise_tasks
from core.qty import fmt_qty
from core.site.audit import record
from core.stock import ledger

COLUMNS = ("track_id", "item", "lot", "location", "qty", "expiry", "received", "status", "tare_kg", "opened")


def _compare(unit: StockUnit, r: dict) -> str | None:
    """The first field in which the file disagrees with the TrackID as it stands now."""
    lot = unit.lot.code if unit.lot_id else None
    checks = [("item", unit.item_id, r["item"]), ("lot", lot, r["lot"]), ("location", unit.location_id, r["location"]),
              ("qty", unit.on_hand, r["qty"]), ("expiry", unit.expiry, r["expiry"]), ("status", unit.status, r["status"]),
              ("tare_kg", unit.tare_milli_kg, r["tare"]), ("opened", unit.opened, r["opened"])]
    for name, now, new in checks:
        if now != new:
            shown = (fmt_qty(now), fmt_qty(new)) if name in ("qty", "tare_kg") else (now, new)
            return f"{name} is {shown[0]} now, the file says {shown[1]}"
    return None


def _chunks(seq: list, size: int | None = None):
    size = size or (5000 if is_postgres() else 500)
    for k in range(0, len(seq), size):
        yield seq[k:k + size]


# A stock file repeats the same few dates and quantities thousands of times: each text is parsed once.
_date = lru_cache(maxsize=8192)(date_or_none)
_qty = lru_cache(maxsize=8192)(qty)
_flag = lru_cache(maxsize=64)(yes_no)


def parse_rows(path: str, progress=None) -> list[dict]:
    rows = read_csv(path, COLUMNS)
    check = RowChecker(path)
    items = {i.code: i for i in Item.select()}
    locations = {loc.code: loc for loc in Location.select()}
    out, seen = [], {}
    for n, (line, r) in enumerate(rows, 1):
        if progress and n % 2000 == 0:
            progress(n, len(rows), "rows checked")
        tid = check.cell(line, "track_id", code, r["track_id"], "track_id")
        item = items.get(r["item"].strip())
        if item is None:
            check.add(line, "item", f"item '{r['item']}' is not in the items: import items.csv first")
        lot = r["lot"].strip() or None
        if item is not None:
            if item.lot_tracked and not lot:
                check.add(line, "lot", f"item {item.code} is lot-tracked: the lot is required")
            if not item.lot_tracked and lot:
                check.add(line, "lot", f"item {item.code} is not lot-tracked: leave the lot blank")
        if lot and len(lot) > 40:
            check.add(line, "lot", "the lot is longer than 40 characters")
        loc = locations.get(r["location"].strip())
        if loc is None:
            check.add(line, "location", f"location '{r['location']}' is not in the locations: import locations.csv first")
        elif loc.zone == "KITBIN" and item is not None and loc.kit_item_id != item.code:
            check.add(line, "location", f"kit bin {loc.code} holds {loc.kit_item_id}, not {item.code}")
        amount = check.cell(line, "qty", _qty, r["qty"], positive=True)
        expiry = check.cell(line, "expiry", _date, r["expiry"])
        received = check.cell(line, "received", _date, r["received"], True)
        status = r["status"].strip().upper()
        if status not in UNIT_STATUSES:
            check.add(line, "status", f"'{r['status']}' is not a status: use AVAILABLE, QUARANTINE or HOLD")
        tare = check.cell(line, "tare_kg", _qty, r["tare_kg"], required=False)
        opened = check.cell(line, "opened", _flag, r["opened"])
        if tid is not None:
            if tid in seen:
                check.add(line, "track_id", f"TrackID {tid} is already on line {seen[tid]}")
            seen[tid] = line
        out.append(dict(line=line, track_id=tid, item=item.code if item else None, lot=lot,
                        location=loc.code if loc else None, qty=amount, expiry=expiry, received=received,
                        status=status, tare=tare or 0, opened=opened))
    check.raise_if_any()
    existing = {}
    for chunk in _chunks(_known(list(seen))):
        existing.update((u.track_id, u) for u in StockUnit.select().where(StockUnit.track_id.in_(chunk)))
    for r in out:
        unit = existing.get(r["track_id"])
        if unit is not None:
            diff = _compare(unit, r)
            if diff:
                check.add(r["line"], "track_id", f"TrackID {r['track_id']} already exists and {diff}: stock that "
                                                 "exists changes only through the floor's transactions")
            r["exists"] = True
    check.raise_if_any()
    return out


def _known(track_ids: list[str]) -> list[str]:
    """Which of these TrackIDs exist already: plain SQL over big batches (a query builder would spend longer
    writing the IN list than the database spends answering it)."""
    found = []
    for chunk in _chunks(track_ids, 20_000 if is_postgres() else 900):
        if is_postgres():
            cursor = db.execute_sql("SELECT track_id FROM stock_unit WHERE track_id = ANY(%s)", (chunk,))
        else:
            marks = ",".join("?" * len(chunk))
            cursor = db.execute_sql(f"SELECT track_id FROM stock_unit WHERE track_id IN ({marks})", chunk)
        found.extend(row[0] for row in cursor.fetchall())
    return found


def _lot_ids(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """The id of every (item, lot code) of the file, creating the lots that are new."""
    found: dict[tuple[str, str], int] = {}
    items = sorted({item for item, _ in pairs})

    def read() -> None:
        for chunk in _chunks(items):
            for lot_id, item, lot in Lot.select(Lot.id, Lot.item, Lot.code).where(Lot.item.in_(chunk)).tuples():
                if (item, lot) in pairs:
                    found[(item, lot)] = lot_id

    read()
    new = sorted(pairs - found.keys())
    if new:
        for chunk in _chunks(new, 1000):
            Lot.insert_many([{"item": item, "code": lot} for item, lot in chunk]).execute()
        read()
    return found


def import_stock(path: str, progress=None) -> ImportResult:
    result = ImportResult("stock", path)
    with write_txn():
        rows = parse_rows(path, progress)  # inside the lock: no other terminal can create these TrackIDs meanwhile
        result.rows = len(rows)
        new = [r for r in rows if not r.get("exists")]
        result.unchanged = len(rows) - len(new)
        lots = _lot_ids({(r["item"], r["lot"]) for r in new if r["lot"]})
        units = [dict(track_id=r["track_id"], item=r["item"], lot=lots[(r["item"], r["lot"])] if r["lot"] else None,
                      lot_code=r["lot"], location=r["location"], on_hand=r["qty"], status=r["status"],
                      expiry=r["expiry"], received=r["received"], tare_milli_kg=r["tare"], opened=r["opened"])
                 for r in new]
        for k, chunk in enumerate(_chunks(units, 10_000)):
            ledger.open_units(chunk, IMPORTER, ref=path[-60:])
            if progress:
                progress(min((k + 1) * 10_000, len(units)), len(units), "units written")
        result.created = len(units)
        if result.created:
            record(IMPORTER, "import.stock", path[-60:], created=result.created)
        raise_tasks(IMPORTER, "below min after a stock import")
    return result
