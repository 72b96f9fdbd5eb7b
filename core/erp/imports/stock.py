"""stock.csv: opening balances for new TrackIDs. Stock that has moved changes only through floor transactions."""
from __future__ import annotations

from core.data.db import write_txn
from core.data.models import UNIT_STATUSES, Item, Location, StockUnit
from core.erp.imports.common import (
    ImportResult,
    RowChecker,
    code,
    date_or_none,
    qty,
    read_csv,
    yes_no,
)
from core.qty import fmt_qty
from core.site.actor import Actor
from core.site.audit import record
from core.stock import ledger
from core.stock.lots import lot_for

COLUMNS = ("track_id", "item", "lot", "location", "qty", "expiry", "received", "status", "tare_kg", "opened")
IMPORTER = Actor("import", "admin", None)


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


def parse_rows(path: str) -> list[dict]:
    rows = read_csv(path, COLUMNS)
    check = RowChecker(path)
    items = {i.code: i for i in Item.select()}
    locations = {loc.code: loc for loc in Location.select()}
    out, seen = [], {}
    for line, r in rows:
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
        amount = check.cell(line, "qty", qty, r["qty"], positive=True)
        expiry = check.cell(line, "expiry", date_or_none, r["expiry"])
        received = check.cell(line, "received", date_or_none, r["received"], True)
        status = r["status"].strip().upper()
        if status not in UNIT_STATUSES:
            check.add(line, "status", f"'{r['status']}' is not a status: use AVAILABLE, QUARANTINE or HOLD")
        tare = check.cell(line, "tare_kg", qty, r["tare_kg"], required=False)
        opened = check.cell(line, "opened", yes_no, r["opened"])
        if tid is not None:
            if tid in seen:
                check.add(line, "track_id", f"TrackID {tid} is already on line {seen[tid]}")
            seen[tid] = line
        out.append(dict(line=line, track_id=tid, item=item.code if item else None, lot=lot,
                        location=loc.code if loc else None, qty=amount, expiry=expiry, received=received,
                        status=status, tare=tare or 0, opened=opened))
    check.raise_if_any()
    existing = {u.track_id: u for u in StockUnit.select().where(StockUnit.track_id.in_(list(seen)))} if seen else {}
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


def import_stock(path: str) -> ImportResult:
    result = ImportResult("stock", path)
    with write_txn():
        rows = parse_rows(path)  # inside the lock: no other terminal can create these TrackIDs meanwhile
        result.rows = len(rows)
        for r in rows:
            if r.get("exists"):
                result.unchanged += 1
                continue
            unit = StockUnit.create(
                track_id=r["track_id"], item=r["item"], lot=lot_for(r["item"], r["lot"]), location=r["location"],
                on_hand=0, status=r["status"], expiry=r["expiry"], received=r["received"],
                tare_milli_kg=r["tare"], opened=r["opened"],
            )
            ledger.post(unit, r["qty"], "OPENING", IMPORTER, ref=path[-60:])
            result.created += 1
        if result.created:
            record(IMPORTER, "import.stock", path[-60:], created=result.created)
    return result
